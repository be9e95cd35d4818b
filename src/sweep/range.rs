//! `--vary PATH=FROM..TO:STEP`: an axis of a sweep, its values computed exactly.
//!
//! FROM, TO and STEP are written in the contract's value forms, all three alike: money
//! ("600B..1T:50B", "$10M..$40M:$30"), plain numbers ("2..6:1") or percents
//! ("10%..30%:5%"). TO is included when a whole number of steps reaches it; TO below FROM
//! counts down.

use crate::scenario::value::{self, ValueError};
use crate::scenario::variant::{parse_path, Step};
use rust_decimal::Decimal;

/// How an axis's values are written, and so how they are set and shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Money with a symbol or a k/M/B/T suffix.
    Money,
    /// A plain number: money, a share count or a whole number, depending on the key.
    Number,
    /// A percent, held as a fraction (10% is 0.1).
    Percent,
}

#[derive(Clone, Debug)]
pub struct Axis {
    /// The path as written, e.g. `round[0].pre_money`.
    pub path: String,
    pub steps: Vec<Step>,
    pub kind: Kind,
    pub from: Decimal,
    /// Signed: negative when TO is below FROM.
    pub step: Decimal,
    /// Number of values, at least 1.
    pub count: u64,
}

impl Axis {
    /// The `k`th value (from 0): FROM + k × STEP, exactly.
    pub fn value(&self, k: u64) -> Decimal {
        self.from + self.step * Decimal::from(k)
    }

    /// The value as a `--set` would write it: `"12.5%"`, `650000000000` or `"0.25"`.
    pub fn toml(&self, v: Decimal) -> String {
        match self.kind {
            Kind::Percent => format!("\"{}%\"", (v * Decimal::ONE_HUNDRED).normalize()),
            Kind::Money | Kind::Number => {
                let v = v.normalize();
                if v.fract().is_zero() && v <= Decimal::from(i64::MAX) {
                    v.to_string()
                } else {
                    format!("\"{v}\"")
                }
            }
        }
    }
}

/// Parses `PATH=FROM..TO:STEP`; the message says what is wrong and how to write it.
pub fn parse(arg: &str, max_points: u64) -> Result<Axis, String> {
    const FORM: &str = "write --vary PATH=FROM..TO:STEP, e.g. --vary 'round[0].pre_money=600B..1T:50B' or --vary 'round[0].sold=10%..30%:5%'";
    let Some((path, range)) = arg.split_once('=') else {
        return Err(format!("--vary {arg}: expected PATH=FROM..TO:STEP; {FORM}"));
    };
    let path = path.trim();
    let steps = parse_path(path).ok_or_else(|| {
        format!(
            "--vary {arg}: `{path}` is not a path like `round[0].pre_money` or `round[Seed].tranche[Amazon].amount`"
        )
    })?;
    let Some((from_text, rest)) = range.split_once("..") else {
        return Err(format!("--vary {arg}: expected FROM..TO:STEP; {FORM}"));
    };
    let Some((to_text, step_text)) = rest.rsplit_once(':') else {
        return Err(format!(
            "--vary {arg}: the range needs a step, as in FROM..TO:STEP; {FORM}"
        ));
    };
    let parsed: Vec<(Decimal, Kind)> = [("FROM", from_text), ("TO", to_text), ("STEP", step_text)]
        .iter()
        .map(|(what, text)| number(text).map_err(|e| format!("--vary {arg}: {what} {}", e.message)))
        .collect::<Result<_, _>>()?;
    let [(from, from_kind), (to, to_kind), (step, step_kind)] = parsed[..] else {
        return Err(format!("--vary {arg}: {FORM}"));
    };
    let percents = [from_kind, to_kind, step_kind]
        .iter()
        .filter(|k| **k == Kind::Percent)
        .count();
    if percents != 0 && percents != 3 {
        return Err(format!(
            "--vary {arg}: FROM, TO and STEP must all be percents or all amounts, e.g. 10%..30%:5%"
        ));
    }
    let kind = if percents == 3 {
        Kind::Percent
    } else if [from_kind, to_kind, step_kind].contains(&Kind::Money) {
        Kind::Money
    } else {
        Kind::Number
    };
    if step.is_zero() {
        return Err(format!("--vary {arg}: STEP must be above zero"));
    }
    let span = (to - from).abs();
    // A step tiny next to the range overflows the quotient: far more values than allowed.
    let Some(whole_steps) = span.checked_div(step).map(|q| q.trunc()) else {
        return Err(format!(
            "--vary {arg}: more than the {max_points} values a sweep may compute"
        ));
    };
    if whole_steps >= Decimal::from(max_points) {
        return Err(format!(
            "--vary {arg}: {} values, more than the {max_points} a sweep may compute",
            fmt_count(whole_steps + Decimal::ONE)
        ));
    }
    let count = u64::try_from(whole_steps).map_err(|_| format!("--vary {arg}: too many values"))? + 1;
    let step = if to < from { -step } else { step };
    Ok(Axis {
        path: path.to_string(),
        steps,
        kind,
        from,
        step,
        count,
    })
}

fn fmt_count(n: Decimal) -> String {
    crate::report::format::shares(n)
}

/// One of FROM, TO, STEP: a percent, money with a symbol or suffix, or a plain number.
fn number(text: &str) -> Result<(Decimal, Kind), ValueError> {
    let t = text.trim();
    if t.ends_with('%') {
        return value::percent_text(t).map(|p| (p.value, Kind::Percent));
    }
    let parsed = value::money_text(t)?;
    let plain = t.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '_'));
    Ok((parsed.value, if plain { Kind::Number } else { Kind::Money }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn money_percent_and_plain_ranges() {
        let a = parse("round[0].pre_money=600B..1T:50B", 100).unwrap();
        assert_eq!((a.kind, a.count), (Kind::Money, 9));
        assert_eq!(a.value(8), dec!(1_000_000_000_000));
        let p = parse("round[0].sold=10%..30%:5%", 100).unwrap();
        assert_eq!((p.kind, p.count, p.value(1)), (Kind::Percent, 5, dec!(0.15)));
        assert_eq!(p.toml(p.value(1)), "\"15%\"");
        let n = parse("rounding.price_decimals=2..6:1", 100).unwrap();
        assert_eq!(
            (n.kind, n.count, n.toml(n.value(4))),
            (Kind::Number, 5, "6".to_string())
        );
    }

    #[test]
    fn to_is_included_only_on_a_whole_step_and_may_be_below_from() {
        assert_eq!(parse("x=1..10:4", 100).unwrap().count, 3); // 1, 5, 9
        let down = parse("x=1T..600B:100B", 100).unwrap();
        assert_eq!((down.count, down.value(4)), (5, dec!(600_000_000_000)));
        assert_eq!(parse("x=5M..5M:1M", 100).unwrap().count, 1);
        assert_eq!(parse("x=$10M..$40M:$30", 2_000_000).unwrap().count, 1_000_001);
    }

    #[test]
    fn bad_ranges_say_how_to_write_them() {
        for bad in [
            "round[0].pre_money",
            "round[0].pre_money=1M..2M",
            "round[0].pre_money=1M-2M:1",
            "round[0].pre_money=1M..2M:0",
            "round[0].pre_money=10%..2M:1%",
            "round[0].pre_money=abc..2M:1M",
            "round[.pre_money=1M..2M:1M",
            "round[0].pre_money=-1M..2M:1M",
        ] {
            assert!(parse(bad, 100).is_err(), "{bad}");
        }
        assert!(parse("x=0..1000:1", 100).unwrap_err().contains("more than the 100"));
        // A quotient too large for a decimal is refused the same way, not a panic.
        let tiny = parse("round[0].pre_money=1M..1T:0.00000000000000001", 100);
        assert!(tiny.unwrap_err().contains("more than the 100"));
    }
}
