//! Ownership fractions that sum to exactly 1.
//!
//! Each fraction is `amount / total` rounded to 28 decimal places (Decimal's limit). The
//! few units of 10^-28 by which the rounded fractions miss 1 are then given (or taken)
//! one each to the largest positions, so that every fraction is within 10^-28 of the
//! exact quotient and the column adds up to exactly 1. See docs/methodology.md.

use rust_decimal::Decimal;

const SCALE: u32 = 28;

/// The fractions of `amounts` in their total. The engine has already summed these
/// amounts without overflow, so every operation here stays in range; should one not,
/// the fraction is left unnormalized rather than failing a report.
pub fn fractions(amounts: &[Decimal]) -> Vec<Decimal> {
    let Some(total) = amounts.iter().try_fold(Decimal::ZERO, |acc, a| acc.checked_add(*a)) else {
        return vec![Decimal::ZERO; amounts.len()];
    };
    if total.is_zero() {
        return vec![Decimal::ZERO; amounts.len()];
    }
    let mut out: Vec<Decimal> = amounts
        .iter()
        .map(|a| a.checked_div(total).unwrap_or(Decimal::ZERO))
        .collect();
    let Some(sum) = out.iter().try_fold(Decimal::ZERO, |acc, f| acc.checked_add(*f)) else {
        return out;
    };
    let unit = Decimal::new(1, SCALE);
    let missing = Decimal::ONE - sum;
    if missing.is_zero() {
        return out;
    }
    // How many units of 10^-28 are missing (or in excess): a few per position at most.
    let units = (missing / unit).abs().trunc();
    let Ok(units) = u64::try_from(units) else { return out };
    let mut order: Vec<usize> = (0..out.len()).filter(|&i| !out[i].is_zero()).collect();
    if order.is_empty() || units > 2 * order.len() as u64 {
        return out;
    }
    let step = if missing.is_sign_positive() { unit } else { -unit };
    // Only the `units` largest positions are needed: select them, then order them.
    let k = (units as usize).min(order.len());
    let by_size = |a: &usize, b: &usize| amounts[*b].cmp(&amounts[*a]).then(a.cmp(b));
    if k < order.len() {
        order.select_nth_unstable_by(k, by_size);
        order.truncate(k);
    }
    order.sort_unstable_by(by_size);
    for n in 0..units as usize {
        let i = order[n % order.len()];
        out[i] += step;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn thirds_sum_to_exactly_one() {
        let f = fractions(&[dec!(1), dec!(1), dec!(1)]);
        assert_eq!(f.iter().copied().sum::<Decimal>(), Decimal::ONE);
        for x in &f {
            assert!((*x - Decimal::ONE / dec!(3)).abs() <= Decimal::new(1, 28));
        }
    }

    #[test]
    fn sevenths_of_many_holders_sum_to_exactly_one() {
        let amounts: Vec<Decimal> = (1..=700).map(|i| Decimal::from(i % 7 + 1)).collect();
        assert_eq!(fractions(&amounts).iter().copied().sum::<Decimal>(), Decimal::ONE);
    }

    #[test]
    fn empty_table_is_all_zero() {
        assert_eq!(fractions(&[dec!(0)]), vec![dec!(0)]);
    }
}
