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

/// (the inverse of m modulo 2^128, the largest multiple of m divided by m): x × inverse,
/// wrapping, is x / m when m divides x, and exceeds the bound when it does not.
const FIVE: (u128, u128) = (inverse_of(5), u128::MAX / 5);
const FIVE_TO_THE_8: (u128, u128) = (inverse_of(390_625), u128::MAX / 390_625);

/// The inverse of an odd m modulo 2^128, by Newton's iteration (each step doubles the
/// correct low bits; m × m = 1 modulo 8 for any odd m).
const fn inverse_of(m: u128) -> u128 {
    let mut inverse = m;
    let mut i = 0;
    while i < 6 {
        inverse = inverse.wrapping_mul(2u128.wrapping_sub(m.wrapping_mul(inverse)));
        i += 1;
    }
    inverse
}

/// Numerators and denominators beyond this are reduced (see `Ratio::new`).
const REDUCE_ABOVE: u128 = 1 << 96;

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

    /// The same value with the factors 2 and 5 its parts share taken out, for a shift and
    /// a few multiplications: sums of decimals and of their quotients gather powers of ten
    /// (the 1984 Ventures case's σ is 349 × 10^13 / (1300 × 10^13) before this).
    pub fn without_shared_twos_and_fives(self) -> Option<Ratio> {
        if self.n == 0 {
            return Some(Ratio::ZERO);
        }
        let (a, d) = strip_twos_and_fives(self.n.unsigned_abs(), self.d.unsigned_abs());
        let (a, d) = (i128::try_from(a).ok()?, i128::try_from(d).ok()?);
        Some(Ratio {
            n: if self.n < 0 { -a } else { a },
            d,
        })
    }

    /// n / d for a d known to be positive (a product of denominators), reduced past
    /// `REDUCE_ABOVE` as `new` does.
    #[inline]
    fn positive(n: i128, d: i128) -> Option<Ratio> {
        if n.unsigned_abs() > REDUCE_ABOVE || d.unsigned_abs() > REDUCE_ABOVE {
            return Ratio { n, d }.lowest();
        }
        Some(Ratio { n, d })
    }

    /// n / d, reduced by their greatest common divisor once either outgrows `REDUCE_ABOVE`
    /// (so that chains of operations rarely pay for a division; an add or multiply that
    /// would overflow reduces its operands and tries again).
    fn new(n: i128, d: i128) -> Option<Ratio> {
        if d == 0 {
            return None;
        }
        let (n, d) = if d < 0 {
            (n.checked_neg()?, d.checked_neg()?)
        } else {
            (n, d)
        };
        let r = Ratio { n, d };
        if n.unsigned_abs() > REDUCE_ABOVE || d.unsigned_abs() > REDUCE_ABOVE {
            return r.lowest();
        }
        Some(r)
    }

    /// In lowest terms.
    #[inline(never)]
    fn lowest(self) -> Option<Ratio> {
        if self.n == 0 {
            return Some(Ratio::ZERO);
        }
        // The factors 2 and 5 both share go first, cheaply (decimal inputs bring many).
        // What is left shares no 2 or 5, and its greatest common divisor finishes the
        // reduction.
        let (a, d) = strip_twos_and_fives(self.n.unsigned_abs(), self.d.unsigned_abs());
        let g = gcd(a, d);
        let (a, d) = (a / g, d / g);
        let (a, d) = (i128::try_from(a).ok()?, i128::try_from(d).ok()?);
        let n = if self.n < 0 { a.checked_neg()? } else { a };
        Some(Ratio { n, d })
    }

    #[inline]
    pub fn checked_add(self, o: Ratio) -> Option<Ratio> {
        if o.n == 0 {
            return Some(self);
        }
        if self.n == 0 {
            return Some(o);
        }
        if self.d == o.d {
            return Ratio::new(self.n.checked_add(o.n)?, self.d);
        }
        // Parts of 64 bits (the usual case): ad + cb and bd cannot overflow 128 bits.
        if let (Some(a), Some(b), Some(c), Some(d)) = (narrow(self.n), narrow(self.d), narrow(o.n), narrow(o.d)) {
            return Ratio::positive(a * d + c * b, b * d);
        }
        self.wide_add(o)
    }

    /// `checked_add` of wider parts.
    #[inline(never)]
    fn wide_add(self, o: Ratio) -> Option<Ratio> {
        match Ratio::sum(self, o) {
            Some(r) => Some(r),
            // Over the least common denominator, in lowest terms: the sum of two fractions
            // that fit fits whenever it can.
            None => {
                let (a, b) = (self.lowest()?, o.lowest()?);
                let g = i128::try_from(gcd(a.d.unsigned_abs(), b.d.unsigned_abs())).ok()?;
                let (ad, bd) = (a.d.checked_div(g)?, b.d.checked_div(g)?);
                let n = product(a.n, bd)?.checked_add(product(b.n, ad)?)?;
                Ratio::new(n, product(ad, b.d)?)?.lowest()
            }
        }
    }

    /// a/b + c/d as (ad + cb) / bd, `None` on overflow.
    #[inline]
    fn sum(a: Ratio, b: Ratio) -> Option<Ratio> {
        let n = product(a.n, b.d)?.checked_add(product(b.n, a.d)?)?;
        Ratio::new(n, product(a.d, b.d)?)
    }

    #[inline]
    pub fn checked_sub(self, o: Ratio) -> Option<Ratio> {
        self.checked_add(o.checked_neg()?)
    }

    #[inline]
    pub fn checked_neg(self) -> Option<Ratio> {
        Some(Ratio {
            n: self.n.checked_neg()?,
            d: self.d,
        })
    }

    #[inline]
    pub fn checked_mul(self, o: Ratio) -> Option<Ratio> {
        if self.n == 0 || o.n == 0 {
            return Some(Ratio::ZERO);
        }
        // Parts of 64 bits: ac and bd cannot overflow 128 bits.
        if let (Some(a), Some(b), Some(c), Some(d)) = (narrow(self.n), narrow(self.d), narrow(o.n), narrow(o.d)) {
            return Ratio::positive(a * c, b * d);
        }
        self.wide_mul(o)
    }

    /// `checked_mul` of wider parts.
    #[inline(never)]
    fn wide_mul(self, o: Ratio) -> Option<Ratio> {
        match (product(self.n, o.n), product(self.d, o.d)) {
            (Some(n), Some(d)) => Ratio::new(n, d),
            // Cross-cancelled, in lowest terms: the product fits whenever it can.
            _ => {
                let (a, b) = (self.lowest()?, o.lowest()?);
                let g1 = i128::try_from(gcd(a.n.unsigned_abs(), b.d.unsigned_abs())).ok()?;
                let g2 = i128::try_from(gcd(b.n.unsigned_abs(), a.d.unsigned_abs())).ok()?;
                Ratio::new(
                    product(a.n.checked_div(g1)?, b.n.checked_div(g2)?)?,
                    product(a.d.checked_div(g2)?, b.d.checked_div(g1)?)?,
                )
            }
        }
    }

    /// `None` also for a division by zero.
    #[inline]
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

    /// Exact comparison: cross-multiplied, or by continued fractions when the products
    /// would overflow (so it always answers).
    pub fn compare(self, o: Ratio) -> Ordering {
        if self.d == o.d {
            return self.n.cmp(&o.n);
        }
        match (product(self.n, o.d), product(o.n, self.d)) {
            (Some(a), Some(b)) => a.cmp(&b),
            _ => by_continued_fractions(self, o),
        }
    }

    /// Whether the magnitude is below 2^96 − 1, the largest `Decimal`, without dividing
    /// (a check on the value only: `to_decimal` can still decline a fraction whose parts
    /// stay wider than 96 bits in lowest terms).
    pub fn fits_decimal(self) -> bool {
        // |n| / d < 2^96 − 1  ⇔  |n| < d × (2^96 − 1); a product beyond 128 bits exceeds any n.
        let limit = self.d.unsigned_abs().checked_mul((1 << 96) - 1);
        limit.map_or(true, |limit| self.n.unsigned_abs() < limit)
    }

    /// The nearest decimal, correctly rounded: as many decimal places as `Decimal` holds
    /// (28, fewer when the integer part leaves no room in 96 bits), the last rounded half
    /// to even; exact, with no trailing zero, when the quotient ends sooner. This is the
    /// value `Decimal` division gives (its scale can differ: 438/5 is 87.6 here and 87.60
    /// there; reports print normalized), except that rust_decimal can miss the last place
    /// when the divisor exceeds 64 bits (it gave …2264 for 3333183/4651250 = …22628…
    /// written with a 73-bit divisor).
    pub fn to_decimal(self) -> Option<Decimal> {
        // Decimal holds 96 bits: reduce first if either part is wider.
        let this = if self.n.unsigned_abs() >> 96 != 0 || self.d >> 96 != 0 {
            self.lowest()?
        } else {
            self
        };
        let (a, d) = (this.n.unsigned_abs(), this.d.unsigned_abs());
        if a >> 96 != 0 || d >> 96 != 0 {
            return None;
        }
        let (mantissa, scale) = long_division(a, d)?;
        let signed = i128::try_from(mantissa).ok()?;
        let signed = if this.n < 0 { -signed } else { signed };
        Decimal::try_from_i128_with_scale(signed, scale).ok()
    }

    /// Whole shares per the rule, decided exactly on the fraction; `None` rounding gives
    /// the decimal itself.
    pub fn round(self, rule: ShareRounding) -> Option<Decimal> {
        let (q, r) = floor_division(self.n, self.d);
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

/// a / d (both below 2^96, d > 0) as a mantissa below 2^96 and a scale of at most 28:
/// whole digits first, then as many places as the mantissa surely has room for, rounded
/// half to even on the remainder. A divisor of 64 bits takes the places in two divisions
/// (19 places, then the rest); a wider one nine places at a time.
fn long_division(a: u128, d: u128) -> Option<(u128, u32)> {
    const LIMIT: u128 = 1 << 96;
    const MAX_SCALE: u32 = 28;
    let mut m = a / d;
    let mut r = a - m * d;
    let mut scale = 0;
    if r != 0 && d >> 64 == 0 {
        // Every place that leaves room: (m + 1) × 10^places ≤ 2^96.
        let mut places = MAX_SCALE;
        while places > 0
            && (m + 1)
                .checked_mul(POWERS_OF_TEN[places as usize])
                .map_or(true, |v| v > LIMIT)
        {
            places -= 1;
        }
        // r < d < 2^64: r × 10^19 < 2^128, and each quotient below is a 64-bit one.
        let first = places.min(19);
        let scaled = r * POWERS_OF_TEN[first as usize];
        let digits = scaled / d;
        (m, r) = (m * POWERS_OF_TEN[first as usize] + digits, scaled - digits * d);
        let rest = places - first;
        if rest > 0 {
            let scaled = r * POWERS_OF_TEN[rest as usize];
            let digits = scaled / d;
            (m, r) = (m * POWERS_OF_TEN[rest as usize] + digits, scaled - digits * d);
        }
        scale = places;
    }
    while r != 0 && scale < MAX_SCALE {
        // Places whose digits cannot overflow: (m + 1) × 10^places ≤ 2^96. With m and r
        // below 2^96, every product here stays below 2^126.
        let mut places = (MAX_SCALE - scale).min(9);
        while places > 0 && (m + 1) * POWERS_OF_TEN[places as usize] > LIMIT {
            places -= 1;
        }
        let unit = POWERS_OF_TEN[places.max(1) as usize];
        let scaled = r * unit;
        let digits = scaled / d;
        let next = m * unit + digits;
        if next >= LIMIT {
            break;
        }
        (m, r, scale) = (next, scaled - digits * d, scale + places.max(1));
    }
    if r == 0 {
        // Exact: no trailing zero (the places taken in chunks pad with them), removed in
        // strides of 16, 8, 4, 2 and 1 places rather than one at a time.
        for places in [16, 8, 4, 2, 1] {
            let unit = POWERS_OF_TEN[places as usize];
            if scale >= places && m % unit == 0 {
                (m, scale) = (m / unit, scale - places);
            }
        }
        return Some((m, scale));
    }
    // r < d < 2^96, so 2r fits.
    let up = match (2 * r).cmp(&d) {
        Ordering::Greater => true,
        Ordering::Equal => m % 2 == 1,
        Ordering::Less => false,
    };
    let m = if up { m + 1 } else { m };
    if m < LIMIT {
        return Some((m, scale));
    }
    // Rounding up reached 2^96 (…99 became 2^96): one place fewer, rounded again from the
    // truncated digits, since a·10^(scale−1)/d = (m₀ + r/d)/10 with m₀ = m − 1 here.
    if scale == 0 {
        return None;
    }
    let truncated = m - 1;
    let (q, last) = (truncated / 10, truncated % 10);
    // The dropped part is (last·d + r) / (10·d); d < 2^96, so these stay below 2^101.
    let up = match (2 * (last * d + r)).cmp(&(10 * d)) {
        Ordering::Greater => true,
        Ordering::Equal => q % 2 == 1,
        Ordering::Less => false,
    };
    let q = if up { q + 1 } else { q };
    (q < LIMIT).then_some((q, scale - 1))
}

/// (q, r) with n = q·d + r and 0 ≤ r < d (d > 0): one division, in 64 bits when both fit
/// (a 128-bit division is a library call several times slower).
#[inline]
fn floor_division(n: i128, d: i128) -> (i128, i128) {
    let (q, r) = match (i64::try_from(n), i64::try_from(d)) {
        (Ok(n), Ok(d)) => (i128::from(n / d), i128::from(n % d)),
        _ => {
            let q = n / d;
            (q, n - q * d)
        }
    };
    // Truncation rounds a negative quotient up: step down to the floor.
    if r < 0 {
        (q - 1, r + d)
    } else {
        (q, r)
    }
}

/// A part of 64 bits, widened back so that products of two stay exact in 128 bits.
#[inline]
fn narrow(v: i128) -> Option<i128> {
    i64::try_from(v).ok().map(i128::from)
}

/// a × b, in one 64-bit multiplication when both fit (as they usually do).
#[inline]
fn product(a: i128, b: i128) -> Option<i128> {
    match (narrow(a), narrow(b)) {
        (Some(a), Some(b)) => Some(a * b),
        _ => a.checked_mul(b),
    }
}

/// a against b without any product: their integer parts, then (if equal) the reciprocals
/// of their fractional parts, swapped, as continued fractions compare. Each step
/// is a Euclidean step, so it ends.
fn by_continued_fractions(mut a: Ratio, mut b: Ratio) -> Ordering {
    loop {
        let (qa, ra) = (a.n.div_euclid(a.d), a.n.rem_euclid(a.d));
        let (qb, rb) = (b.n.div_euclid(b.d), b.n.rem_euclid(b.d));
        let order = match (qa.cmp(&qb), ra == 0, rb == 0) {
            (Ordering::Equal, true, true) => Ordering::Equal,
            (Ordering::Equal, true, false) => Ordering::Less,
            (Ordering::Equal, false, true) => Ordering::Greater,
            (Ordering::Equal, false, false) => {
                // ra/a.d against rb/b.d is b.d/rb against a.d/ra (reciprocals, swapped).
                (a, b) = (Ratio { n: b.d, d: rb }, Ratio { n: a.d, d: ra });
                continue;
            }
            (order, _, _) => order,
        };
        return order;
    }
}

/// a and d (not both zero) without the factors 2 and 5 they share: twos by a shift, fives
/// by multiplying with an inverse modulo 2^128 (an exact division when 5 divides both).
#[inline]
fn strip_twos_and_fives(a: u128, d: u128) -> (u128, u128) {
    let twos = (a | d).trailing_zeros();
    let (mut a, mut d) = (a >> twos, d >> twos);
    for (inverse, bound) in [FIVE_TO_THE_8, FIVE] {
        loop {
            let (qa, qd) = (a.wrapping_mul(inverse), d.wrapping_mul(inverse));
            if qa > bound || qd > bound {
                break;
            }
            (a, d) = (qa, qd);
        }
    }
    (a, d)
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
    use crate::engine::xorshift::XorShift;
    use rust_decimal_macros::dec;

    fn r(v: Decimal) -> Ratio {
        Ratio::of(v).unwrap_or(Ratio::ZERO)
    }

    #[test]
    fn arithmetic_is_exact() {
        let third = r(dec!(1)).checked_div(r(dec!(3))).unwrap();
        assert_eq!(
            third.checked_mul(r(dec!(3))).unwrap().compare(Ratio::ONE),
            Ordering::Equal
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
            Ordering::Equal
        );
        assert_eq!(
            r(dec!(24726)).checked_div(r(dec!(14455))).unwrap().to_decimal(),
            Some(dec!(24726) / dec!(14455))
        );
    }

    #[test]
    fn decimals_match_decimal_division_where_it_is_exact_to_the_last_place() {
        // rust_decimal divides correctly while the divisor fits in 64 bits: the long
        // division must give the same mantissa and scale (after normalizing) there.
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        let mut next = |below: u64| rng.below(below);
        let sizes = [10, 1_000, 1 << 20, 1 << 40, u64::MAX];
        for i in 0..300_000u64 {
            let n = next(sizes[(i % 5) as usize]);
            let d = 1 + next(sizes[((i / 5) % 5) as usize]);
            let n = if i % 7 == 0 { -i128::from(n) } else { i128::from(n) };
            let fast = Ratio { n, d: i128::from(d) }.to_decimal().map(|v| v.normalize());
            let slow = Decimal::from_i128_with_scale(n, 0)
                .checked_div(Decimal::from(d))
                .map(|v| v.normalize());
            assert_eq!(
                fast.map(|v| (v.mantissa(), v.scale())),
                slow.map(|v| (v.mantissa(), v.scale())),
                "{n} / {d}"
            );
        }
        // Rounding up to 2^96 drops a place instead of giving up (inputs from review,
        // values from rust_decimal, which divides these 64-bit operands correctly).
        for (n, d) in [
            (1_814_910_156_017_479i128, 229_073_866_971_321i128),
            (16_965_908_575_801_803, 214_139_871_952_063),
            (34_100_844_720_799_747, 43_041_317_176_402),
            (-1_814_910_156_017_479, 229_073_866_971_321),
        ] {
            let slow = Decimal::from_i128_with_scale(n, 0).checked_div(Decimal::from_i128_with_scale(d, 0));
            assert!(slow.is_some());
            assert_eq!(Ratio { n, d }.to_decimal(), slow, "{n} / {d}");
        }
        // Ties at the 28th place round half to even: 1/2^29 ends in …5 at the 29th.
        let tie = Ratio { n: 1, d: 1 << 29 };
        assert_eq!(tie.to_decimal(), Decimal::ONE.checked_div(Decimal::from(1u64 << 29)));
        // A 73-bit divisor: 6428908962068755806000 / 8971143441515902500000 is
        // 3333183/4651250 = 0.71662090835796828809459822628… (python fractions), which
        // rounds to …2263 (rust_decimal's own division gives …2264).
        let wide = Ratio {
            n: 6_428_908_962_068_755_806_000,
            d: 8_971_143_441_515_902_500_000,
        };
        assert_eq!(wide.to_decimal(), Some(dec!(0.7166209083579682880945982263)));
        assert_eq!(
            Ratio {
                n: 3_333_183,
                d: 4_651_250
            }
            .to_decimal(),
            Some(dec!(0.7166209083579682880945982263))
        );
    }

    #[test]
    fn wide_operands_stay_exact_through_reductions_and_retries() {
        // Operands up to 2^120 with shared factors (powers of ten, 3s, 13s), as decimal
        // inputs make them: every sum and product that is answered must undo exactly.
        let mut rng = XorShift(0x2545_F491_4F6C_DD1D);
        let wide = |rng: &mut XorShift| {
            let factor = [1i128, 3, 13, 10i128.pow(9), 10i128.pow(18), 2i128.pow(40)][rng.below(6) as usize];
            let n = i128::from(rng.below(1 << 40)) * factor * i128::from(1 + rng.below(1 << 20));
            let d = i128::from(1 + rng.below(1 << 40)) * factor;
            let n = if rng.below(3) == 0 { -n } else { n };
            Ratio { n, d }
        };
        let (mut answered, mut refused) = (0, 0);
        for _ in 0..20_000 {
            let (a, b) = (wide(&mut rng), wide(&mut rng));
            match a.checked_add(b).and_then(|s| s.checked_sub(b)) {
                Some(back) => {
                    assert_eq!(back.compare(a), Ordering::Equal, "{a:?} + {b:?} - b");
                    answered += 1;
                }
                None => refused += 1,
            }
            if let Some(back) = a.checked_mul(b).and_then(|p| p.checked_div(b)) {
                assert_eq!(back.compare(a), Ordering::Equal, "{a:?} × {b:?} ÷ b");
            }
        }
        assert!(answered > refused, "{answered} answered, {refused} refused");
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
        // Comparisons whose cross products overflow fall back to continued fractions:
        // 1 + 2^-100 against 1 + 1/(2^100 + 2).
        let (a, b) = (
            Ratio {
                n: (1 << 100) + 1,
                d: 1 << 100,
            },
            Ratio {
                n: (1 << 100) + 3,
                d: (1 << 100) + 2,
            },
        );
        assert_eq!(a.compare(b), Ordering::Greater);
        assert_eq!(b.compare(a), Ordering::Less);
        assert_eq!(a.compare(a), Ordering::Equal);
        let third = Ratio {
            n: (1 << 100) + 1,
            d: 3 * ((1 << 100) + 1),
        };
        assert_eq!(third.compare(Ratio { n: 1, d: 3 }), Ordering::Equal);
        assert_eq!(5u128.wrapping_mul(FIVE.0), 1);
        assert_eq!(390_625u128.wrapping_mul(FIVE_TO_THE_8.0), 1);
        // Lowest terms: the common 10^27, then 13 (349/1300 has none left).
        let tens = Ratio {
            n: -349 * 10i128.pow(27),
            d: 13 * 10i128.pow(29),
        }
        .lowest()
        .unwrap();
        assert_eq!((tens.n, tens.d), (-349, 1300));
        let sevens = Ratio {
            n: 7 * 5i128.pow(20) * 3,
            d: 7 * 5i128.pow(19) * 2,
        }
        .lowest()
        .unwrap();
        assert_eq!((sevens.n, sevens.d), (15, 2));
        assert_eq!(gcd(12, 18), 6);
        assert_eq!(gcd(0, 7), 7);
        assert_eq!(gcd(3 << 70, 9 << 70), 3 << 70);
        assert_eq!(gcd(1 << 100, 6 << 90), 2 << 90);
        assert_eq!(gcd(1 << 100, 6 << 90), 2 << 90);
        assert_eq!(
            r(dec!(0.5)).compare(Ratio::ONE.checked_div(r(dec!(2))).unwrap()),
            Ordering::Equal
        );
    }
}
