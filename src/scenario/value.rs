//! The contract's value forms, parsed from text exactly: money ("$50B", "250k",
//! "12,500,000"), percents ("26%"), share counts and multiples ("2.5x").
//!
//! Each parser returns the value and its *unit*: the place value of the last digit
//! written (for "19.09M" the unit is 10,000), which `calc check` turns into a tolerance.

use rust_decimal::Decimal;
use std::str::FromStr;

/// A parsed number and the place value of its last written digit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Parsed {
    pub value: Decimal,
    pub unit: Decimal,
}

/// Why a value was refused, and how to fix it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValueError {
    pub message: String,
    pub hint: Option<String>,
}

impl ValueError {
    fn new(message: impl Into<String>, hint: Option<String>) -> Self {
        ValueError {
            message: message.into(),
            hint,
        }
    }
}

/// The largest money or share figure accepted: beyond it exact arithmetic cannot
/// multiply two figures without overflow.
pub fn limit() -> Decimal {
    Decimal::from(10u64.pow(18)) * Decimal::from(1000)
}

/// Most significant digits a TOML float may carry (it has passed through a binary double).
pub const FLOAT_DIGITS: usize = 15;

/// A plain decimal with optional `_` or `,` grouping: "12,500,000", "1176470.5".
pub fn plain_number(text: &str) -> Option<Parsed> {
    let text = text.trim();
    if text.is_empty() || text.starts_with(['_', ',', '.']) || text.ends_with(['_', ',']) {
        return None;
    }
    let (int_part, frac_part) = match text.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (text, None),
    };
    if int_part.is_empty()
        || !int_part.chars().all(|c| c.is_ascii_digit() || c == '_' || c == ',')
        || !grouped_in_threes(int_part)
    {
        return None;
    }
    let mut digits: String = int_part.chars().filter(char::is_ascii_digit).collect();
    let mut scale = 0u32;
    if let Some(frac) = frac_part {
        if frac.is_empty() || !frac.chars().all(|c| c.is_ascii_digit() || c == '_') || frac.starts_with('_') {
            return None;
        }
        let frac: String = frac.chars().filter(char::is_ascii_digit).collect();
        scale = u32::try_from(frac.len()).ok()?;
        digits.push_str(&frac);
    }
    if scale > 28 || digits.len() > 28 {
        return None;
    }
    let mantissa = i128::from_str(&digits).ok()?;
    let value = Decimal::try_from_i128_with_scale(mantissa, scale).ok()?;
    // Trailing zeros are not kept in the value ("1.50" is 1.5); `unit` remembers them.
    Some(Parsed {
        value: value.normalize(),
        unit: Decimal::new(1, scale),
    })
}

/// Digits grouped with `,` or `_` (one kind) in threes after a first group of one to
/// three: "12,500,000", "5_000". "2,5" is a decimal comma, not a grouping: read as 25 it
/// would be ten times too much, so it is refused (see `decimal_comma_hint`).
fn grouped_in_threes(int_part: &str) -> bool {
    let separator = match (int_part.contains(','), int_part.contains('_')) {
        (false, false) => return true,
        (true, true) => return false,
        (true, false) => ',',
        (false, true) => '_',
    };
    let mut groups = int_part.split(separator);
    // "0,250" is a decimal comma too: a grouped number does not start with a zero.
    let first_ok = groups
        .next()
        .is_some_and(|g| (1..=3).contains(&g.len()) && !g.starts_with('0'));
    first_ok && groups.all(|g| g.len() == 3)
}

/// The hint for a number whose `,` or `_` do not group thousands: most likely a decimal
/// comma ("2,5M", "2,5%").
pub fn decimal_comma_hint(text: &str) -> Option<String> {
    let digits_and_marks = text.trim().trim_start_matches(['$', '€', '£']);
    let end = digits_and_marks
        .find(|c: char| !(c.is_ascii_digit() || c == '_' || c == ',' || c == '.'))
        .unwrap_or(digits_and_marks.len());
    let (number, rest) = digits_and_marks.split_at(end);
    let int_part = number.split('.').next().unwrap_or(number);
    if int_part.is_empty() || grouped_in_threes(int_part) {
        return None;
    }
    let with_point = if number.contains('.') {
        None
    } else {
        Some(format!("{}{rest}", number.replacen([',', '_'], ".", 1)))
    };
    Some(match with_point {
        Some(fixed) if number.matches([',', '_']).count() == 1 => {
            format!("`,` and `_` only group thousands (\"12,500,000\"): for a decimal write a point, \"{fixed}\"")
        }
        _ => "`,` and `_` only group digits in threes (\"12,500,000\"); write decimals with a point".to_string(),
    })
}

fn suffix_multiplier(suffix: &str) -> Option<Decimal> {
    let exp = match suffix {
        "" => 0,
        "k" | "K" => 3,
        "M" | "m" | "mm" | "MM" => 6,
        "B" | "b" | "bn" | "Bn" | "BN" => 9,
        "T" | "t" | "tn" | "Tn" | "TN" => 12,
        _ => return None,
    };
    Some(Decimal::from(10u64.pow(exp)))
}

const MONEY_HINT: &str = "write money like `5_000_000`, \"5M\", \"$50B\", \"250k\" or \"12,500,000\"";

/// Money written as a string: optional currency symbol, grouping, and a k/M/B/T suffix.
pub fn money_text(text: &str) -> Result<Parsed, ValueError> {
    let trimmed = text.trim();
    let unsigned = trimmed.trim_start_matches(['$', '€', '£']).trim_start();
    if unsigned.starts_with('-') || trimmed.starts_with('-') {
        return Err(ValueError::new(
            format!("\"{text}\" is negative"),
            Some("remove the minus sign: amounts are zero or more".into()),
        ));
    }
    let split = unsigned
        .find(|c: char| !(c.is_ascii_digit() || c == '_' || c == ',' || c == '.'))
        .unwrap_or(unsigned.len());
    let (number, suffix) = unsigned.split_at(split);
    let multiplier = suffix_multiplier(suffix.trim());
    match (plain_number(number), multiplier) {
        (Some(p), Some(m)) => {
            let value = p.value.checked_mul(m);
            let unit = p.unit.checked_mul(m);
            match (value, unit) {
                (Some(value), Some(unit)) if value <= limit() => Ok(Parsed {
                    value: value.normalize(),
                    unit,
                }),
                _ => Err(too_large(text)),
            }
        }
        _ => Err(ValueError::new(
            format!("\"{text}\" is not an amount of money"),
            Some(decimal_comma_hint(text).unwrap_or_else(|| MONEY_HINT.into())),
        )),
    }
}

pub fn too_large(text: &str) -> ValueError {
    ValueError::new(
        format!("{text} is too large for exact arithmetic"),
        Some("amounts and share counts must be at most 10^21".into()),
    )
}

/// A share count written as a string: "1176470.5", "4,500,000".
pub fn shares_text(text: &str) -> Result<Parsed, ValueError> {
    if text.trim().starts_with('-') {
        return Err(ValueError::new(
            format!("\"{text}\" is negative"),
            Some("remove the minus sign: share counts are zero or more".into()),
        ));
    }
    match plain_number(text) {
        Some(p) if p.value <= limit() => Ok(p),
        Some(_) => Err(too_large(text)),
        None => Err(ValueError::new(
            format!("\"{text}\" is not a share count"),
            Some(decimal_comma_hint(text).unwrap_or_else(|| "write shares like `4_500_000` or \"1176470.5\"".into())),
        )),
    }
}

/// A percent: "26%" is 0.26, with unit 0.0001 (a hundredth of the last written digit).
pub fn percent_text(text: &str) -> Result<Parsed, ValueError> {
    let trimmed = text.trim();
    let Some(number) = trimmed.strip_suffix('%') else {
        let hint = match plain_number(trimmed) {
            Some(p) => format!("write \"{}%\"", suggest_percent(p.value)),
            None => "write a percent like \"20%\"".to_string(),
        };
        return Err(ValueError::new(format!("\"{text}\" is not a percent"), Some(hint)));
    };
    if number.trim().starts_with('-') {
        return Err(ValueError::new(
            format!("\"{text}\" is negative"),
            Some("remove the minus sign: percents are zero or more".into()),
        ));
    }
    match plain_number(number) {
        Some(p) => Ok(Parsed {
            value: (p.value / Decimal::ONE_HUNDRED).normalize(),
            unit: p.unit / Decimal::ONE_HUNDRED,
        }),
        None => Err(ValueError::new(
            format!("\"{text}\" is not a percent"),
            Some(decimal_comma_hint(text).unwrap_or_else(|| "write a percent like \"20%\"".into())),
        )),
    }
}

/// A bare number meant as a percent: 20 → "20", 0.2 → "20" (a fraction read as percent).
pub fn suggest_percent(bare: Decimal) -> String {
    let shown = if bare > Decimal::ZERO && bare < Decimal::ONE {
        bare * Decimal::ONE_HUNDRED
    } else {
        bare
    };
    shown.normalize().to_string()
}

/// A multiple: "1x", "2.5x".
pub fn multiple_text(text: &str) -> Result<Parsed, ValueError> {
    let trimmed = text.trim();
    let number = trimmed.strip_suffix(['x', 'X']).unwrap_or(trimmed);
    match plain_number(number) {
        Some(p) if p.value <= limit() => Ok(p),
        Some(_) => Err(too_large(text)),
        None => Err(ValueError::new(
            format!("\"{text}\" is not a multiple"),
            Some("write a multiple like \"1x\" or \"2.5x\"".into()),
        )),
    }
}

/// A TOML float's source text, accepted only with at most 15 significant digits.
pub fn float_text(text: &str) -> Result<Parsed, ValueError> {
    let t = text.trim().replace('_', "");
    if t.starts_with('-') {
        return Err(ValueError::new(
            format!("{text} is negative"),
            Some("remove the minus sign: amounts and share counts are zero or more".into()),
        ));
    }
    let t = t.trim_start_matches('+');
    let (mantissa, exponent) = match t.find(['e', 'E']) {
        Some(i) => (&t[..i], t[i + 1..].parse::<i32>().ok()),
        None => (t, Some(0)),
    };
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let significant = digits.trim_start_matches('0').trim_end_matches('0').len();
    let quote_hint = Some(format!("quote it to keep every digit: \"{text}\""));
    if significant > FLOAT_DIGITS {
        return Err(ValueError::new(
            format!("{text} has more than {FLOAT_DIGITS} significant digits, more than a TOML float keeps exactly"),
            quote_hint,
        ));
    }
    let (Some(base), Some(exp)) = (plain_number(mantissa), exponent) else {
        return Err(ValueError::new(
            format!("{text} is not a finite number"),
            Some("write an amount like `5_000_000` or \"5M\"".into()),
        ));
    };
    if !(-28..=21).contains(&exp) {
        return Err(too_large(text));
    }
    // 10^21 does not fit a u64; u128 holds every exponent allowed here.
    let factor = Decimal::from(10u128.pow(exp.unsigned_abs()));
    let scaled = |d: Decimal| {
        if exp >= 0 {
            d.checked_mul(factor)
        } else {
            d.checked_div(factor)
        }
    };
    match (scaled(base.value), scaled(base.unit)) {
        (Some(value), Some(unit)) if value <= limit() => Ok(Parsed {
            value: value.normalize(),
            unit,
        }),
        _ => Err(too_large(text)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn money(t: &str) -> Decimal {
        money_text(t).unwrap().value
    }

    #[test]
    fn grouping_is_in_threes_so_a_decimal_comma_is_refused() {
        assert_eq!(money("12,500,000"), dec!(12_500_000));
        assert_eq!(money("$1,000.5"), dec!(1000.5));
        assert_eq!(money("5_000k"), dec!(5_000_000));
        for bad in [
            "2,5M",
            "2,50M",
            "5_5M",
            "1,00,000",
            "1,000_000",
            "12,5000",
            "0,250M",
            "00,500",
            "0_250k",
        ] {
            assert!(money_text(bad).is_err(), "{bad} was accepted");
        }
        assert!(percent_text("2,5%").is_err());
        assert!(shares_text("1,5").is_err());
        assert_eq!(decimal_comma_hint("12,500,000"), None);
        assert!(decimal_comma_hint("2,5%").is_some_and(|h| h.ends_with("\"2.5%\"")));
    }

    #[test]
    fn money_forms_of_the_contract() {
        assert_eq!(money("$50B"), dec!(50_000_000_000));
        assert_eq!(money("1.5T"), dec!(1_500_000_000_000));
        assert_eq!(money("250k"), dec!(250_000));
        assert_eq!(money("2.2M"), dec!(2_200_000));
        assert_eq!(money("12,500,000"), dec!(12_500_000));
        assert_eq!(money("5_000_000"), dec!(5_000_000));
        assert_eq!(money("3mm"), dec!(3_000_000));
        assert_eq!(money("7bn"), dec!(7_000_000_000));
        assert_eq!(money("2tn"), dec!(2_000_000_000_000));
        assert_eq!(money("€3.5 M"), dec!(3_500_000));
        assert_eq!(money("£1K"), dec!(1_000));
    }

    #[test]
    fn money_units_come_from_the_last_digit() {
        assert_eq!(money_text("19.09M").unwrap().unit, dec!(10_000));
        assert_eq!(money_text("$852B").unwrap().unit, dec!(1_000_000_000));
        assert_eq!(money_text("1.1144").unwrap().unit, dec!(0.0001));
    }

    #[test]
    fn values_keep_no_trailing_zeros() {
        // "1.5M" is 1500000, not 1500000.0: messages and sums print it plainly.
        assert_eq!(money_text("1.5M").unwrap().value.to_string(), "1500000");
        assert_eq!(money_text("1.50").unwrap().unit, dec!(0.01));
        assert_eq!(shares_text("4.0").unwrap().value.to_string(), "4");
        assert_eq!(percent_text("20.0%").unwrap().value.to_string(), "0.2");
        assert_eq!(float_text("2.50e6").unwrap().value.to_string(), "2500000");
    }

    #[test]
    fn bad_money_is_refused_with_a_hint() {
        for bad in ["", "abc", "5Q", "1.2.3", "$", ",5", "5,", "5__0"] {
            assert!(money_text(bad).is_err(), "{bad}");
        }
        assert!(money_text("-5M").unwrap_err().message.contains("negative"));
        assert!(money_text("99999999999T").unwrap_err().message.contains("too large"));
    }

    #[test]
    fn percents() {
        assert_eq!(percent_text("26%").unwrap().value, dec!(0.26));
        assert_eq!(percent_text("0.5%").unwrap().value, dec!(0.005));
        assert_eq!(percent_text("26.54%").unwrap().unit, dec!(0.0001));
        let e = percent_text("20").unwrap_err();
        assert_eq!(e.hint.as_deref(), Some("write \"20%\""));
        assert_eq!(percent_text("0.2").unwrap_err().hint.as_deref(), Some("write \"20%\""));
        assert!(percent_text("-1%").is_err());
    }

    #[test]
    fn shares_and_multiples() {
        assert_eq!(shares_text("1176470.5").unwrap().value, dec!(1176470.5));
        assert_eq!(shares_text("4,500,000").unwrap().value, dec!(4500000));
        assert!(shares_text("-3").is_err());
        assert_eq!(multiple_text("2.5x").unwrap().value, dec!(2.5));
        assert_eq!(multiple_text("1x").unwrap().value, dec!(1));
    }

    #[test]
    fn floats_are_read_from_their_text() {
        assert_eq!(float_text("1.5e9").unwrap().value, dec!(1_500_000_000));
        assert_eq!(float_text("0.1").unwrap().value, dec!(0.1));
        assert_eq!(float_text("2.5E-3").unwrap().value, dec!(0.0025));
        assert!(float_text("1.2345678901234567").is_err());
        assert!(float_text("123456789012345.6").is_err());
        assert!(float_text("12345678901234.5").is_ok());
        assert!(float_text("inf").is_err());
        assert!(float_text("nan").is_err());
    }

    /// Found by fuzzing: `amount = 1e21` computed 10^21 in a u64 and overflowed.
    #[test]
    fn float_exponent_21_does_not_overflow() {
        assert_eq!(float_text("1e21").unwrap().value, limit());
        assert!(float_text("2e21").unwrap_err().message.contains("too large"));
        assert!(float_text("1e22").is_err());
    }
}
