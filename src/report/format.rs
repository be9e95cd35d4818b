//! How numbers read in tables: money as people write it ($50B, $1.1144 per share),
//! counts with thousands separators, percentages to two decimals. Machine formats
//! (JSON, CSV) print exact decimals instead.

use crate::decimal_text::group_thousands;
use rust_decimal::{Decimal, RoundingStrategy};

/// The display symbol for a currency code: $ for USD, € EUR, £ GBP, else the code.
pub fn currency_symbol(code: &str) -> String {
    match code {
        "USD" | "" => "$".to_string(),
        "EUR" => "€".to_string(),
        "GBP" => "£".to_string(),
        other => format!("{other} "),
    }
}

/// A decimal rounded to `dp` places with trailing zeros trimmed down to `min_dp`.
fn trimmed(value: Decimal, dp: u32, min_dp: u32) -> String {
    let v = value
        .round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)
        .normalize();
    if v.scale() < min_dp {
        let mut v = v;
        v.rescale(min_dp);
        v.to_string()
    } else {
        v.to_string()
    }
}

/// Money: "$852B", "$19.09M", "$250,000", "$0.50".
pub fn money(value: Decimal, symbol: &str) -> String {
    // Pick the unit after rounding, so 999,999.999 reads $1M and not $1,000,000.00.
    let abs = value
        .abs()
        .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    let sign = if value.is_sign_negative() && !value.is_zero() {
        "-"
    } else {
        ""
    };
    let units: [(u32, &str); 3] = [(12, "T"), (9, "B"), (6, "M")];
    for (exp, suffix) in units {
        let unit = Decimal::from(10u64.pow(exp));
        if abs >= unit {
            return format!("{sign}{symbol}{}{suffix}", trimmed(abs / unit, 3, 0));
        }
    }
    let dp = if abs.fract().is_zero() { 0 } else { 2 };
    format!("{sign}{symbol}{}", group_thousands(&trimmed(abs, dp, dp)))
}

/// A price per share: four decimals at most, two at least: "$4.00", "$1.1144".
pub fn price(value: Decimal, symbol: &str) -> String {
    format!("{symbol}{}", group_thousands(&trimmed(value, 4, 2)))
}

/// A share count: "4,500,000", "1,176,470.5".
pub fn shares(value: Decimal) -> String {
    group_thousands(&trimmed(value, 6, 0))
}

/// A fraction as a percent with two decimals: 0.2654 → "26.54%".
pub fn percent(fraction: Decimal) -> String {
    // A dilution can be a large negative ratio; × 100 is checked all the same.
    let Some(pct) = fraction.checked_mul(Decimal::ONE_HUNDRED) else {
        return format!("{}×100%", fraction.normalize());
    };
    if !pct.is_zero() && pct.abs() < Decimal::new(5, 3) {
        return if pct.is_sign_negative() {
            ">-0.01%".into()
        } else {
            "<0.01%".into()
        };
    }
    format!("{}%", trimmed(pct, 2, 2))
}

/// An exact decimal for machines: no exponent, no trailing zeros.
pub fn exact(value: Decimal) -> String {
    crate::decimal_text::DecimalText::new(value).as_str().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn money_reads_as_people_write_it() {
        assert_eq!(money(dec!(50_000_000_000), "$"), "$50B");
        assert_eq!(money(dec!(852_000_000_000), "$"), "$852B");
        assert_eq!(money(dec!(1_500_000_000_000), "$"), "$1.5T");
        assert_eq!(money(dec!(19_090_000), "$"), "$19.09M");
        assert_eq!(money(dec!(250_000), "$"), "$250,000");
        assert_eq!(money(dec!(0.5), "€"), "€0.50");
    }

    #[test]
    fn prices_counts_and_percents() {
        assert_eq!(price(dec!(4), "$"), "$4.00");
        assert_eq!(price(dec!(1.1144), "$"), "$1.1144");
        assert_eq!(price(dec!(0.909090909), "$"), "$0.9091");
        assert_eq!(shares(dec!(4500000)), "4,500,000");
        assert_eq!(shares(dec!(1176470.5)), "1,176,470.5");
        assert_eq!(percent(dec!(0.2654)), "26.54%");
        assert_eq!(percent(dec!(0.0555555)), "5.56%");
        assert_eq!(percent(dec!(0.00001)), "<0.01%");
        assert_eq!(percent(dec!(0)), "0.00%");
    }
}
