//! Ownership fractions that sum to exactly 1.
//!
//! Each fraction is `amount / total` rounded to 28 decimal places (Decimal's limit). The
//! few units of 10^-28 by which the rounded fractions miss 1 are then given (or taken)
//! one each to the largest positions, so that every fraction is within 10^-28 of the
//! exact quotient and the column adds up to exactly 1. See docs/methodology.md.

use super::arith::Arith;
use super::error::EngineError;
use rust_decimal::Decimal;

const SCALE: u32 = 28;

pub fn fractions(amounts: &[Decimal], arith: Arith) -> Result<Vec<Decimal>, EngineError> {
    let total = arith.sum(amounts.iter().copied())?;
    if total.is_zero() {
        return Ok(vec![Decimal::ZERO; amounts.len()]);
    }
    let mut out = Vec::with_capacity(amounts.len());
    for &a in amounts {
        out.push(arith.div(a, total)?.round_dp(SCALE));
    }
    let sum = arith.sum(out.iter().copied())?;
    let unit = Decimal::new(1, SCALE);
    let missing = arith.sub(Decimal::ONE, sum)?;
    if missing.is_zero() {
        return Ok(out);
    }
    // How many units of 10^-28 are missing (or in excess); a handful per position at most.
    let units = (missing / unit).abs().trunc();
    let limit = Decimal::from(amounts.len().saturating_mul(2));
    if units > limit {
        return Ok(out);
    }
    let step = if missing.is_sign_positive() { unit } else { -unit };
    let mut order: Vec<usize> = (0..out.len()).filter(|&i| !out[i].is_zero()).collect();
    order.sort_by(|&a, &b| amounts[b].cmp(&amounts[a]).then(a.cmp(&b)));
    if order.is_empty() {
        return Ok(out);
    }
    let mut left = units;
    let mut k = 0;
    while left > Decimal::ZERO {
        let i = order[k % order.len()];
        out[i] = arith.add(out[i], step)?;
        left -= Decimal::ONE;
        k += 1;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn thirds_sum_to_exactly_one() {
        let span = 0..0;
        let f = fractions(&[dec!(1), dec!(1), dec!(1)], Arith::at(&span)).unwrap();
        assert_eq!(f.iter().copied().sum::<Decimal>(), Decimal::ONE);
        for x in &f {
            assert!((*x - Decimal::ONE / dec!(3)).abs() <= Decimal::new(1, 28));
        }
    }

    #[test]
    fn empty_table_is_all_zero() {
        let span = 0..0;
        assert_eq!(fractions(&[dec!(0)], Arith::at(&span)).unwrap(), vec![dec!(0)]);
    }
}
