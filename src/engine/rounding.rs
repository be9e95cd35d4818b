//! The scenario's rounding rules, applied once, where the methodology says.

use super::model::{PriceRounding, Rounding, ShareRounding};
use rust_decimal::{Decimal, RoundingStrategy};

impl Rounding {
    /// A per-share price as the scenario rounds it before dividing by it.
    pub fn price(&self, exact: Decimal) -> Decimal {
        match self.price_decimals {
            None => exact,
            Some(dp) => {
                let strategy = match self.price_rounding {
                    PriceRounding::HalfUp => RoundingStrategy::MidpointAwayFromZero,
                    PriceRounding::Up => RoundingStrategy::AwayFromZero,
                    PriceRounding::Down => RoundingStrategy::ToZero,
                };
                exact.round_dp_with_strategy(dp, strategy)
            }
        }
    }
}

/// A computed count this close to a whole number is that whole number: decimal division
/// keeps 28 significant digits, so 100,000 / 0.7272…727 comes out as 137,499.99…9
/// where the exact quotient is 137,500, and rounding down would lose a share.
/// (10^-12, as a number of decimal places.)
const SNAP_PLACES: u32 = 12;

/// 10^0 … 10^28: a Decimal's scale is at most 28.
pub(crate) const POWERS_OF_TEN: [u128; 29] = {
    let mut p = [1u128; 29];
    let mut i = 1;
    while i < 29 {
        p[i] = p[i - 1] * 10;
        i += 1;
    }
    p
};

impl ShareRounding {
    /// Rounds a count to whole shares per the rule, snapping noise below 10^-12 first.
    pub fn apply(self, exact: Decimal) -> Decimal {
        if self == ShareRounding::None {
            return snap(exact).normalize();
        }
        // The magnitude as whole + fraction / unit, from the mantissa: one integer division
        // where two decimal roundings would each divide.
        let scale = exact.scale();
        let unit = POWERS_OF_TEN[scale.min(28) as usize];
        let magnitude = exact.mantissa().unsigned_abs();
        let (mut whole, fraction) = (magnitude / unit, magnitude % unit);
        let noise = if scale > SNAP_PLACES {
            POWERS_OF_TEN[(scale - SNAP_PLACES) as usize]
        } else {
            0
        };
        let up = if fraction < noise {
            false
        } else if unit - fraction < noise {
            true
        } else {
            match self {
                ShareRounding::Down | ShareRounding::None => false,
                ShareRounding::Up => fraction > 0,
                ShareRounding::Nearest => 2 * fraction >= unit,
            }
        };
        if up {
            whole += 1;
        }
        // whole ≤ |exact| + 1 < 2^96 + 1; the one value that could pass is 2^96 itself.
        let rounded = i128::try_from(whole).map(|w| Decimal::try_from_i128_with_scale(w, 0));
        match rounded {
            Ok(Ok(mut d)) => {
                d.set_sign_negative(exact.is_sign_negative() && whole != 0);
                d
            }
            _ => exact.trunc(),
        }
    }
}

/// `exact`, or the whole number within 10^-12 of it.
fn snap(exact: Decimal) -> Decimal {
    let whole = exact.round();
    let noise = Decimal::from_parts(1, 0, 0, false, SNAP_PLACES);
    if (exact - whole).abs() < noise {
        whole
    } else {
        exact
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn price_rounding_follows_the_rule() {
        let mut r = Rounding {
            price_decimals: Some(4),
            ..Rounding::default()
        };
        assert_eq!(r.price(dec!(1.11445)), dec!(1.1145));
        r.price_rounding = PriceRounding::Down;
        assert_eq!(r.price(dec!(1.11449)), dec!(1.1144));
        r.price_rounding = PriceRounding::Up;
        assert_eq!(r.price(dec!(1.11441)), dec!(1.1145));
        assert_eq!(Rounding::default().price(dec!(1.123456789)), dec!(1.123456789));
    }

    #[test]
    fn share_rounding_follows_the_rule() {
        assert_eq!(ShareRounding::Down.apply(dec!(588235.9)), dec!(588235));
        assert_eq!(ShareRounding::Up.apply(dec!(588235.1)), dec!(588236));
        assert_eq!(ShareRounding::Nearest.apply(dec!(588235.5)), dec!(588236));
        assert_eq!(ShareRounding::None.apply(dec!(588235.50)), dec!(588235.5));
    }

    #[test]
    fn division_noise_does_not_cost_a_share() {
        // 100,000 / (8,000,000 / 11,000,000) is exactly 137,500 (YC Safe Primer).
        let quotient = dec!(100_000) / (dec!(8_000_000) / dec!(11_000_000));
        assert_eq!(ShareRounding::Down.apply(quotient), dec!(137_500));
        assert_eq!(ShareRounding::Down.apply(dec!(137_499.9)), dec!(137_499));
        assert_eq!(ShareRounding::Up.apply(dec!(137_500.0000000000001)), dec!(137_500));
        assert_eq!(ShareRounding::Up.apply(dec!(137_500.000000000001)), dec!(137_501));
    }

    #[test]
    fn whole_share_rounding_agrees_with_decimal_rounding() {
        // Every rule against rust_decimal's own rounding, away from the snapping band.
        let values = [
            dec!(0),
            dec!(0.5),
            dec!(1.5),
            dec!(2.5),
            dec!(-2.5),
            dec!(-0.4),
            dec!(956886.9999),
            dec!(956887.0001),
            dec!(12345678901234567890.5),
            dec!(0.0000000001),
            dec!(79228162514264337593543950335),
            dec!(-79228162514264337593543950335),
            dec!(7.9228162514264337593543950335),
            dec!(1176470.588235294117647058823),
        ];
        for v in values {
            for (rule, strategy) in [
                (ShareRounding::Down, RoundingStrategy::ToZero),
                (ShareRounding::Up, RoundingStrategy::AwayFromZero),
                (ShareRounding::Nearest, RoundingStrategy::MidpointAwayFromZero),
            ] {
                assert_eq!(rule.apply(v), v.round_dp_with_strategy(0, strategy), "{rule:?} {v}");
            }
        }
    }
}
