//! Checked decimal arithmetic: the operators of `Decimal` panic on overflow, so the
//! engine goes through these, which turn overflow into an error at a source location.

use super::error::EngineError;
use super::model::Span;
use rust_decimal::Decimal;

/// Checked arithmetic whose failures point at `span`.
#[derive(Clone, Copy)]
pub struct Arith<'a> {
    pub span: &'a Span,
}

impl<'a> Arith<'a> {
    pub fn at(span: &'a Span) -> Self {
        Arith { span }
    }

    #[cold]
    #[inline(never)]
    pub fn overflow(&self) -> EngineError {
        EngineError::new(self.span, "the numbers here are too large for exact decimal arithmetic")
            .with_hint("exact decimal arithmetic keeps 28 significant digits: use smaller amounts or share counts")
    }

    #[inline(always)]
    pub fn add(&self, a: Decimal, b: Decimal) -> Result<Decimal, EngineError> {
        // Share counts and most amounts are whole: added in 64 bits, the same sum and
        // scale (0) as `Decimal`'s general addition, at a fraction of its cost (and
        // inline, where a call would cost as much as the addition).
        if let (Some(x), Some(y)) = (small_whole(a), small_whole(b)) {
            if let Some(sum) = x.checked_add(y) {
                return Ok(Decimal::from(sum));
            }
        }
        self.general_add(a, b)
    }

    /// `*total = total + v`, written in place: the sum goes straight to its field rather
    /// than through a returned `Result` that is copied out whole just after being written
    /// in parts (a read that must wait for those writes). The 64-bit shortcut is spelled
    /// out here as in `add`: a shared helper returning an `Option` cost about 160 more
    /// instructions per evaluation of the 1984 case.
    #[inline(always)]
    pub fn add_to(&self, total: &mut Decimal, v: Decimal) -> Result<(), EngineError> {
        if let (Some(x), Some(y)) = (small_whole(*total), small_whole(v)) {
            if let Some(sum) = x.checked_add(y) {
                *total = Decimal::from(sum);
                return Ok(());
            }
        }
        *total = self.general_add(*total, v)?;
        Ok(())
    }

    #[inline(never)]
    fn general_add(&self, a: Decimal, b: Decimal) -> Result<Decimal, EngineError> {
        a.checked_add(b).ok_or_else(|| self.overflow())
    }

    #[inline]
    pub fn sub(&self, a: Decimal, b: Decimal) -> Result<Decimal, EngineError> {
        a.checked_sub(b).ok_or_else(|| self.overflow())
    }

    #[inline]
    pub fn mul(&self, a: Decimal, b: Decimal) -> Result<Decimal, EngineError> {
        a.checked_mul(b).ok_or_else(|| self.overflow())
    }

    /// Refuses, as `mul` would, a product that does not fit a decimal; whole numbers below
    /// 2^48 each (a product below 2^96) pass without multiplying.
    #[inline]
    pub fn check_mul(&self, a: Decimal, b: Decimal) -> Result<(), EngineError> {
        const SMALL: u64 = 1 << 48;
        match (small_whole(a), small_whole(b)) {
            (Some(x), Some(y)) if x < SMALL && y < SMALL => Ok(()),
            _ => self.mul(a, b).map(|_| ()),
        }
    }

    /// Division; the caller guarantees or checks that `b` is not zero.
    #[inline]
    pub fn div(&self, a: Decimal, b: Decimal) -> Result<Decimal, EngineError> {
        if b.is_zero() {
            return Err(self.division_by_zero());
        }
        a.checked_div(b).ok_or_else(|| self.overflow())
    }

    #[cold]
    #[inline(never)]
    fn division_by_zero(&self) -> EngineError {
        EngineError::new(self.span, "this makes a division by zero")
            .with_hint("check that the table and the round are not empty or zero")
    }

    /// The sum, left to right as `add` would make it. While the terms are small whole
    /// numbers it is kept in a 64-bit register: a decimal accumulator is written and read
    /// back whole on every term, and that read waits for the write.
    #[inline]
    pub fn sum(&self, values: impl IntoIterator<Item = Decimal>) -> Result<Decimal, EngineError> {
        let mut values = values.into_iter();
        let mut whole: u64 = 0;
        for v in values.by_ref() {
            match small_whole(v).and_then(|x| whole.checked_add(x)) {
                Some(sum) => whole = sum,
                None => {
                    let acc = self.general_add(Decimal::from(whole), v)?;
                    return values.try_fold(acc, |acc, v| self.add(acc, v));
                }
            }
        }
        Ok(Decimal::from(whole))
    }
}

/// A non-negative whole decimal written without places (scale 0) that fits 64 bits.
#[inline]
fn small_whole(v: Decimal) -> Option<u64> {
    if v.scale() != 0 || v.is_sign_negative() {
        return None;
    }
    u64::try_from(v.mantissa()).ok()
}

#[cfg(test)]
mod tests {
    //! The 64-bit shortcuts of `sum` and `add_to` are the decimal operations: the same
    //! value, the same scale and sign, the same refusal.
    use super::*;
    use crate::engine::xorshift::XorShift;

    /// Whole counts below 2^64 (the shortcut's case), then values past it, with places,
    /// negative, a negative zero and the largest decimal (which overflows a sum).
    fn term(rng: &mut XorShift) -> Decimal {
        match rng.below(10) {
            0..=4 => Decimal::from(rng.below(1 << 40)),
            5 => Decimal::from(u64::MAX - rng.below(1000)),
            6 => Decimal::new(rng.below(1 << 50) as i64, rng.below(29) as u32),
            7 => -Decimal::from(rng.below(1000)),
            8 => {
                let mut zero = Decimal::new(0, rng.below(5) as u32);
                zero.set_sign_negative(true);
                zero
            }
            _ => Decimal::MAX - Decimal::from(rng.below(3)),
        }
    }

    /// A result as compared: value, scale and sign (`Decimal`'s `==` ignores the last two).
    fn exactly(d: Option<Decimal>) -> Option<(Decimal, u32, bool)> {
        d.map(|d| (d, d.scale(), d.is_sign_negative()))
    }

    #[test]
    fn sums_and_in_place_additions_are_decimal_addition() {
        let span = Span::default();
        let arith = Arith::at(&span);
        let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
        for _ in 0..20_000 {
            let n = rng.below(7) as usize;
            let terms: Vec<Decimal> = (0..n).map(|_| term(&mut rng)).collect();
            // The definition: left to right from zero, every step checked.
            let expected = terms.iter().try_fold(Decimal::ZERO, |acc, &v| acc.checked_add(v));
            let summed = arith.sum(terms.iter().copied()).ok();
            assert_eq!(exactly(summed), exactly(expected), "{terms:?}");
            let mut total = Decimal::ZERO;
            let in_place = terms
                .iter()
                .try_for_each(|&v| arith.add_to(&mut total, v))
                .ok()
                .map(|()| total);
            assert_eq!(exactly(in_place), exactly(expected), "{terms:?}");
        }
    }
}
