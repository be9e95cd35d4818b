//! Exact fractions of 128-bit integers, for solving a round.
//!
//! A round's inputs are decimals with few digits (25M, 10%, $125k, a $13M cap), so its
//! exact solution is a fraction of modest integers: the 1984 Ventures case prices at
//! 24726/14455. Solving in fractions is exact and needs no 28-digit decimal division;
//! the results become decimals once, at the end. Every operation is checked: `None`
//! means a fraction outgrew 128 bits, and the caller then solves in decimals instead.

use super::model::ShareRounding;
use super::rounding::POWERS_OF_TEN;
use rust_decimal::Decimal;
use std::cmp::Ordering;

/// Numerators and denominators beyond this are reduced (see `Ratio::new`).
const REDUCE_ABOVE: u128 = 1 << 64;

/// n / d with d > 0 (not always in lowest terms: compare with `compare`, not `==`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ratio {
    n: i128,
    d: i128,
}

impl Ratio {
    pub const ZERO: Ratio = Ratio { n: 0, d: 1 };
    pub const ONE: Ratio = Ratio { n: 1, d: 1 };

    /// A decimal, exactly: its mantissa over 10^scale (both below 2^96).
    pub fn of(v: Decimal) -> Option<Ratio> {
        let unit = POWERS_OF_TEN.get(v.scale() as usize)?;
        Ratio::new(v.mantissa(), i128::try_from(*unit).ok()?)
    }

    /// n / d, reduced by their greatest common divisor once either outgrows 64 bits (so
    /// that chains of operations keep room to multiply, without paying for a division at
    /// every step).
    fn new(n: i128, d: i128) -> Option<Ratio> {
        if d == 0 {
            return None;
        }
        let (mut n, mut d) = if d < 0 {
            (n.checked_neg()?, d.checked_neg()?)
        } else {
            (n, d)
        };
        if n.unsigned_abs() > REDUCE_ABOVE || d.unsigned_abs() > REDUCE_ABOVE {
            let g = i128::try_from(gcd(n.unsigned_abs(), d.unsigned_abs())).ok()?;
            (n, d) = (n.checked_div(g)?, d.checked_div(g)?);
        }
        Some(Ratio { n, d })
    }

    pub fn checked_add(self, o: Ratio) -> Option<Ratio> {
        if self.d == o.d {
            return Ratio::new(self.n.checked_add(o.n)?, self.d);
        }
        let n = product(self.n, o.d)?.checked_add(product(o.n, self.d)?)?;
        Ratio::new(n, product(self.d, o.d)?)
    }

    pub fn checked_sub(self, o: Ratio) -> Option<Ratio> {
        self.checked_add(o.checked_neg()?)
    }

    pub fn checked_neg(self) -> Option<Ratio> {
        Some(Ratio {
            n: self.n.checked_neg()?,
            d: self.d,
        })
    }

    pub fn checked_mul(self, o: Ratio) -> Option<Ratio> {
        if self.n == 0 || o.n == 0 {
            return Some(Ratio::ZERO);
        }
        Ratio::new(product(self.n, o.n)?, product(self.d, o.d)?)
    }

    /// `None` also for a division by zero.
    pub fn checked_div(self, o: Ratio) -> Option<Ratio> {
        if o.n == 0 {
            return None;
        }
        let inverse = if o.n < 0 {
            Ratio {
                n: o.d.checked_neg()?,
                d: o.n.checked_neg()?,
            }
        } else {
            Ratio { n: o.d, d: o.n }
        };
        self.checked_mul(inverse)
    }

    pub fn is_zero(self) -> bool {
        self.n == 0
    }

    pub fn is_negative(self) -> bool {
        self.n < 0
    }

    pub fn is_positive(self) -> bool {
        self.n > 0
    }

    /// Exact comparison (cross-multiplied).
    pub fn compare(self, o: Ratio) -> Option<Ordering> {
        if self.d == o.d {
            return Some(self.n.cmp(&o.n));
        }
        Some(product(self.n, o.d)?.cmp(&product(o.n, self.d)?))
    }

    /// The nearest decimal (28 significant digits at most; exact when it has fewer).
    pub fn to_decimal(self) -> Option<Decimal> {
        // Decimal holds 96 bits: reduce first if either part is wider.
        let reduced;
        let this = if self.n.unsigned_abs() >> 96 != 0 || self.d >> 96 != 0 {
            let g = i128::try_from(gcd(self.n.unsigned_abs(), self.d.unsigned_abs())).ok()?;
            reduced = Ratio {
                n: self.n / g,
                d: self.d / g,
            };
            &reduced
        } else {
            &self
        };
        let n = Decimal::try_from_i128_with_scale(this.n, 0).ok()?;
        if this.d == 1 {
            return Some(n);
        }
        n.checked_div(Decimal::try_from_i128_with_scale(this.d, 0).ok()?)
    }

    /// Whole shares per the rule, decided exactly on the fraction; `None` rounding gives
    /// the decimal itself.
    pub fn round(self, rule: ShareRounding) -> Option<Decimal> {
        let (q, r) = (self.n.div_euclid(self.d), self.n.rem_euclid(self.d));
        // self = q + r/d with 0 ≤ r < d: q is the floor.
        let up = match rule {
            ShareRounding::None => return self.to_decimal().map(|v| v.normalize()),
            ShareRounding::Down => self.n < 0 && r != 0,
            ShareRounding::Up => self.n > 0 && r != 0,
            // Half away from zero: compare 2r with d.
            ShareRounding::Nearest => match r.checked_mul(2)?.cmp(&self.d) {
                Ordering::Greater => true,
                Ordering::Equal => self.n > 0,
                Ordering::Less => false,
            },
        };
        let whole = if up { q.checked_add(1)? } else { q };
        Decimal::try_from_i128_with_scale(whole, 0).ok()
    }
}

/// a × b, in one 64-bit multiplication when both fit (as they usually do).
#[inline]
fn product(a: i128, b: i128) -> Option<i128> {
    match (i64::try_from(a), i64::try_from(b)) {
        (Ok(a), Ok(b)) => Some(i128::from(a) * i128::from(b)),
        _ => a.checked_mul(b),
    }
}

/// Binary greatest common divisor (1 for two zeros, so that dividing by it is safe); the
/// loop drops to 64 bits as soon as both fit.
fn gcd(mut a: u128, mut b: u128) -> u128 {
    if a == 0 || b == 0 {
        return (a | b).max(1);
    }
    let shift = (a | b).trailing_zeros();
    a >>= a.trailing_zeros();
    loop {
        b >>= b.trailing_zeros();
        if a > b {
            std::mem::swap(&mut a, &mut b);
        }
        if let (Ok(small), Ok(large)) = (u64::try_from(a), u64::try_from(b)) {
            return u128::from(odd_gcd64(small, large)) << shift;
        }
        b -= a;
        if b == 0 {
            return a << shift;
        }
    }
}

/// gcd of an odd a and any b > 0, in 64 bits.
fn odd_gcd64(mut a: u64, mut b: u64) -> u64 {
    loop {
        b >>= b.trailing_zeros();
        if a > b {
            std::mem::swap(&mut a, &mut b);
        }
        b -= a;
        if b == 0 {
            return a;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn r(v: Decimal) -> Ratio {
        Ratio::of(v).unwrap_or(Ratio::ZERO)
    }

    #[test]
    fn arithmetic_is_exact() {
        let third = r(dec!(1)).checked_div(r(dec!(3))).unwrap();
        assert_eq!(
            third.checked_mul(r(dec!(3))).unwrap().compare(Ratio::ONE),
            Some(Ordering::Equal)
        );
        // σ of the 1984 Ventures case: 7% + 375k/10M + 750k/10M + 475k/10M + 500k/13M.
        let sigma = [
            r(dec!(0.07)),
            r(dec!(375000)).checked_div(r(dec!(10000000))).unwrap(),
            r(dec!(750000)).checked_div(r(dec!(10000000))).unwrap(),
            r(dec!(475000)).checked_div(r(dec!(10000000))).unwrap(),
            r(dec!(500000)).checked_div(r(dec!(13000000))).unwrap(),
        ]
        .into_iter()
        .try_fold(Ratio::ZERO, |acc, x| acc.checked_add(x))
        .unwrap();
        // 0.07 + 0.0375 + 0.075 + 0.0475 = 299/1300, plus 5/130 = 50/1300.
        assert_eq!(
            sigma.compare(r(dec!(349)).checked_div(r(dec!(1300))).unwrap()),
            Some(Ordering::Equal)
        );
        assert_eq!(
            r(dec!(24726)).checked_div(r(dec!(14455))).unwrap().to_decimal(),
            Some(dec!(24726) / dec!(14455))
        );
    }

    #[test]
    fn whole_shares_follow_the_rule_exactly() {
        // YC Safe Primer: 100,000 / (8M / 11M) is exactly 137,500.
        let v = r(dec!(100000))
            .checked_div(r(dec!(8000000)).checked_div(r(dec!(11000000))).unwrap())
            .unwrap();
        assert_eq!(v.round(ShareRounding::Down), Some(dec!(137500)));
        let half = r(dec!(2.5));
        assert_eq!(half.round(ShareRounding::Nearest), Some(dec!(3)));
        assert_eq!(
            half.checked_neg().unwrap().round(ShareRounding::Nearest),
            Some(dec!(-3))
        );
        assert_eq!(half.round(ShareRounding::Up), Some(dec!(3)));
        assert_eq!(half.round(ShareRounding::Down), Some(dec!(2)));
        assert_eq!(half.checked_neg().unwrap().round(ShareRounding::Down), Some(dec!(-2)));
        assert_eq!(half.checked_neg().unwrap().round(ShareRounding::Up), Some(dec!(-3)));
        assert_eq!(r(dec!(0.4)).round(ShareRounding::Nearest), Some(dec!(0)));
        assert_eq!(half.round(ShareRounding::None), Some(dec!(2.5)));
    }

    #[test]
    fn growth_beyond_128_bits_is_refused_not_wrapped() {
        let big = r(Decimal::MAX);
        assert_eq!(big.checked_mul(big).and_then(|x| x.checked_mul(big)), None);
        assert_eq!(Ratio::ONE.checked_div(Ratio::ZERO), None);
        assert_eq!(gcd(12, 18), 6);
        assert_eq!(gcd(0, 7), 7);
        assert_eq!(gcd(3 << 70, 9 << 70), 3 << 70);
        assert_eq!(gcd(1 << 100, 6 << 90), 2 << 90);
        assert_eq!(gcd(1 << 100, 6 << 90), 2 << 90);
        assert_eq!(
            r(dec!(0.5)).compare(Ratio::ONE.checked_div(r(dec!(2))).unwrap()),
            Some(Ordering::Equal)
        );
    }
}
