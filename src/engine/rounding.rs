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
const SNAP: Decimal = Decimal::from_parts(1, 0, 0, false, 12);

impl ShareRounding {
    pub fn apply(self, exact: Decimal) -> Decimal {
        let whole = exact.round();
        let exact = if (exact - whole).abs() < SNAP { whole } else { exact };
        let strategy = match self {
            ShareRounding::None => return exact.normalize(),
            ShareRounding::Down => RoundingStrategy::ToZero,
            ShareRounding::Up => RoundingStrategy::AwayFromZero,
            ShareRounding::Nearest => RoundingStrategy::MidpointAwayFromZero,
        };
        exact.round_dp_with_strategy(0, strategy)
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
    }
}
