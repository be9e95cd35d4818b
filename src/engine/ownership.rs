//! Ownership fractions that sum to exactly 1.
//!
//! Each fraction is `amount / total` rounded to 28 decimal places (Decimal's limit). The
//! few units of 10^-28 by which the rounded fractions miss 1 are then given (or taken)
//! one each to the largest positions, so that every fraction is within 10^-28 of the
//! exact quotient and the column adds up to exactly 1. See docs/methodology.md.

use super::rounding::POWERS_OF_TEN;
use rust_decimal::Decimal;

const SCALE: u32 = 28;

/// The fractions of `amounts` in their total. The engine has already summed these
/// amounts without overflow, so every operation here stays in range; should one not,
/// the fraction is left unnormalized rather than failing a report.
pub fn fractions(amounts: &[Decimal]) -> Vec<Decimal> {
    let Some(total) = sum(amounts) else {
        return vec![Decimal::ZERO; amounts.len()];
    };
    if total.is_zero() {
        return vec![Decimal::ZERO; amounts.len()];
    }
    // Whole share counts (the common case): integer quotients, and the units missing from
    // 1 counted in integers; otherwise decimal quotients and their decimal sum.
    let (mut out, missing) = match whole_quotients(amounts, total) {
        Some(whole) => whole,
        None => {
            let out: Vec<Decimal> = amounts
                .iter()
                .map(|a| a.checked_div(total).unwrap_or(Decimal::ZERO))
                .collect();
            let Some(sum) = out.iter().try_fold(Decimal::ZERO, |acc, f| acc.checked_add(*f)) else {
                return out;
            };
            // How many units of 10^-28 are missing (or in excess): a few per position at most.
            let missing = Decimal::ONE
                .checked_sub(sum)
                .and_then(|m| m.checked_div(Decimal::new(1, SCALE)));
            let Some(Ok(units)) = missing.map(|m| i128::try_from(m.trunc())) else {
                return out;
            };
            (out, units)
        }
    };
    if missing == 0 {
        return out;
    }
    let Ok(units) = u64::try_from(missing.unsigned_abs()) else {
        return out;
    };
    let mut order: Vec<usize> = Vec::with_capacity(out.len());
    order.extend((0..out.len()).filter(|&i| !out[i].is_zero()));
    if order.is_empty() || units > 2 * order.len() as u64 {
        return out;
    }
    let unit = Decimal::new(1, SCALE);
    let step = if missing > 0 { unit } else { -unit };
    // Only the `units` largest positions are needed: select them, then order them.
    let k = (units as usize).min(order.len());
    let by_size = |a: &usize, b: &usize| compare(amounts[*b], amounts[*a]).then(a.cmp(b));
    // A short table is sorted outright: selection costs more than sorting a few dozen.
    if k < order.len() && order.len() > 32 {
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

/// x against y; by their mantissas when they share a scale (share counts do).
fn compare(x: Decimal, y: Decimal) -> std::cmp::Ordering {
    if x.scale() == y.scale() {
        x.mantissa().cmp(&y.mantissa())
    } else {
        x.cmp(&y)
    }
}

/// The amounts' sum (`None` on overflow): in integers when they are whole share counts.
fn sum(amounts: &[Decimal]) -> Option<Decimal> {
    let mut whole: u128 = 0;
    for a in amounts {
        if a.scale() != 0 || a.is_sign_negative() {
            return amounts.iter().try_fold(Decimal::ZERO, |acc, a| acc.checked_add(*a));
        }
        // Each mantissa is below 2^96: no realistic count of them overflows 128 bits.
        whole = whole.checked_add(a.mantissa().unsigned_abs())?;
    }
    Decimal::try_from_i128_with_scale(i128::try_from(whole).ok()?, 0).ok()
}

/// Every fraction by `Whole::quotient`, with the units of 10^-28 by which they miss 1
/// (`None` unless every amount takes that path).
fn whole_quotients(amounts: &[Decimal], total: Decimal) -> Option<(Vec<Decimal>, i128)> {
    let whole = Whole::of(total)?;
    let mut sum: u128 = 0;
    let mut out = Vec::with_capacity(amounts.len());
    for a in amounts {
        let q = whole.quotient(*a)?;
        sum = sum.checked_add(q)?;
        out.push(Decimal::try_from_i128_with_scale(i128::try_from(q).ok()?, SCALE).ok()?);
    }
    let one = i128::try_from(POWERS_OF_TEN[SCALE as usize]).ok()?;
    Some((out, one.checked_sub(i128::try_from(sum).ok()?)?))
}

/// Division of whole share counts by one whole total t, in units of 10^-28: with
/// 10^28 = Q·t + R once, a·10^28 / t = a·Q + a·R / t, so each amount needs one division of
/// a·R < t² (one 64-bit division for the tables people write) instead of a 128-bit one.
struct Whole {
    t: u128,
    q: u128,
    r: u128,
}

impl Whole {
    fn of(total: Decimal) -> Option<Whole> {
        if total.scale() != 0 || total <= Decimal::ZERO {
            return None;
        }
        let t = total.mantissa().unsigned_abs();
        let unit = POWERS_OF_TEN[SCALE as usize];
        let q = unit / t;
        Some(Whole { t, q, r: unit - q * t })
    }

    /// a / t as `Decimal` division gives it (28 places, the last rounded half to even), for
    /// a whole 0 ≤ a ≤ t; `None` otherwise.
    fn quotient(&self, a: Decimal) -> Option<u128> {
        if a.scale() != 0 || a.is_sign_negative() {
            return None;
        }
        let a = a.mantissa().unsigned_abs();
        if a > self.t {
            return None;
        }
        // a·Q ≤ 10^28; a·R < t², which fits whenever t < 2^64.
        let whole = a * self.q;
        let x = a.checked_mul(self.r)?;
        let (lo, rest) = match (u64::try_from(x), u64::try_from(self.t)) {
            (Ok(x), Ok(t)) => (u128::from(x / t), u128::from(x % t)),
            _ => {
                let lo = x / self.t;
                (lo, x - lo * self.t)
            }
        };
        let q = whole + lo;
        // Half to even, as rust_decimal rounds its quotients.
        Some(match (2 * rest).cmp(&self.t) {
            std::cmp::Ordering::Greater => q + 1,
            std::cmp::Ordering::Equal if q % 2 == 1 => q + 1,
            _ => q,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::xorshift::XorShift;
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

    fn quotient(a: Decimal, total: Decimal) -> Option<Decimal> {
        let q = i128::try_from(Whole::of(total)?.quotient(a)?).ok()?;
        Decimal::try_from_i128_with_scale(q, SCALE).ok()
    }

    #[test]
    fn whole_quotients_match_decimal_division_digit_for_digit() {
        let mut rng = XorShift(88172645463325252);
        let mut next = |below: u64| rng.below(below);
        for i in 0..200_000u64 {
            let total = 1 + next([10, 1_000, 10_000_000, 30_000_000_000][(i % 4) as usize]);
            let a = next(total + 1);
            let (a, total) = (Decimal::from(a), Decimal::from(total));
            let fast = quotient(a, total).expect("whole amounts take the fast path");
            let slow = a.checked_div(total).unwrap_or_default();
            let (fast, slow) = (fast.normalize(), slow.normalize());
            assert_eq!(
                (fast.mantissa(), fast.scale()),
                (slow.mantissa(), slow.scale()),
                "{a} / {total}: {fast} against {slow}"
            );
        }
        // Exact ties at the 29th place: 10^28 / 2^29 ends in a half.
        for (a, total) in [(1u64, 1u64 << 29), (3, 1 << 29), (5, 1 << 30), (7, 1 << 31)] {
            let (a, total) = (Decimal::from(a), Decimal::from(total));
            assert_eq!(quotient(a, total), a.checked_div(total), "{a} / {total}");
        }
        assert_eq!(quotient(dec!(1.5), dec!(3)), None);
        assert_eq!(quotient(dec!(4), dec!(3)), None);
    }

    #[test]
    fn empty_table_is_all_zero() {
        assert_eq!(fractions(&[dec!(0)]), vec![dec!(0)]);
    }
}
