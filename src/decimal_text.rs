//! Decimals as text without allocating: the same bytes as `v.normalize().to_string()`.
//!
//! `calc sweep` writes about a dozen exact decimals per row for up to a million rows;
//! `rust_decimal`'s `Display` builds its text one digit at a time by dividing the 96-bit
//! mantissa by 10, then pads it through a `Formatter`. This splits the mantissa into
//! 8-digit chunks and writes two digits per table look-up into a buffer on the stack.

use rust_decimal::Decimal;
use std::io;

/// Room for any `u128` (39 digits), a sign, `0.` and the leading zeros of a fraction.
/// A `Decimal` needs at most 31: `-` with 29 digits and a point, or `-0.` with 27 zeros
/// and a digit.
const LEN: usize = 48;

/// `"00" "01" … "99"`: two digits per look-up.
const PAIRS: &[u8; 200] = b"\
0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

/// Appends `v` as `v.normalize().to_string()` would print it, without allocating.
pub fn write_normalized<W: io::Write + ?Sized>(out: &mut W, v: Decimal) -> io::Result<()> {
    // Rendered in place rather than through `DecimalText::new`, which returns the buffer
    // by value: moving it right after its bytes were stored one or two at a time stalls.
    let mut buf = [b'0'; LEN];
    let (start, end) = render(&mut buf, v);
    out.write_all(buf.get(start..end).unwrap_or(b"0"))
}

/// Groups the integer digits of a plain decimal text in threes: "-12500000.5" reads
/// "-12,500,000.5" (tables and messages; machine formats keep the plain text).
pub fn group_thousands(text: &str) -> String {
    let (sign, digits) = text.strip_prefix('-').map_or(("", text), |d| ("-", d));
    let (int, frac) = digits.split_once('.').map_or((digits, None), |(i, f)| (i, Some(f)));
    let mut out = String::with_capacity(text.len() + int.len() / 3);
    out.push_str(sign);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// `v.normalize().to_string()` in a buffer on the stack.
#[derive(Clone, Copy)]
pub struct DecimalText {
    buf: [u8; LEN],
    /// The text is `buf[start..end]`.
    start: usize,
    end: usize,
}

impl DecimalText {
    pub fn new(v: Decimal) -> Self {
        let mut t = DecimalText {
            buf: [b'0'; LEN],
            start: 0,
            end: 0,
        };
        (t.start, t.end) = render(&mut t.buf, v);
        t
    }

    /// The text, as ASCII bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.buf.get(self.start..self.end).unwrap_or(b"0")
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(self.as_bytes()).unwrap_or("0")
    }
}

impl std::fmt::Display for DecimalText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Debug for DecimalText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

/// Writes `v.normalize()` at the end of `buf`, which must hold only `'0'`s, and returns
/// where the text starts and ends.
fn render(buf: &mut [u8; LEN], v: Decimal) -> (usize, usize) {
    let m = v.mantissa().unsigned_abs();
    if m == 0 {
        // Zero, whatever its sign and scale, normalizes to a plain "0".
        return (LEN - 1, LEN);
    }
    let mut pos = write_digits(buf, m);
    // Trailing zeros of the fraction go (normalize). The leading digit is not zero, so at
    // least one digit stays.
    let mut scale = v.scale() as usize;
    let mut end = LEN;
    while scale > 0 && end > pos + 1 && buf[end - 1] == b'0' {
        end -= 1;
        scale -= 1;
    }
    let digits = end - pos;
    if scale > 0 {
        if scale < digits {
            // Integer part and fraction: move the integer part (usually a few digits) one
            // place left to make room for the point.
            let point = end - scale;
            for i in pos..point {
                buf[i - 1] = buf[i];
            }
            buf[point - 1] = b'.';
            pos -= 1;
        } else {
            // A fraction below 1: "0.", zeros, the digits. Left of the digits `buf` still
            // holds '0's, so only the point is written. `Decimal` scales are at most 28,
            // so this stays in the buffer; the bound is only there to say so.
            pos -= (scale - digits).min(pos - 3);
            buf[pos - 1] = b'.';
            pos -= 2;
        }
    }
    if v.is_sign_negative() {
        pos -= 1;
        buf[pos] = b'-';
    }
    (pos, end)
}

/// Writes the digits of `m` (no leading zeros; "0" for 0) at the end of `buf` and returns
/// where they start.
fn write_digits(buf: &mut [u8; LEN], m: u128) -> usize {
    let mut m = m;
    let mut pos = LEN;
    // Above u64 (once for a 96-bit mantissa, whose quotient is below 2^33): 19 digits by
    // one u128 division, which a quotient that small makes a single hardware division.
    while m > u128::from(u64::MAX) {
        let q = m / u128::from(E19);
        let r = (m - q * u128::from(E19)) as u64;
        pos = write_8(buf, pos, (r % E8) as u32);
        pos = write_8(buf, pos, (r / E8 % E8) as u32);
        let top = (r / (E8 * E8)) as u32;
        put_pair(buf, pos - 2, top % 100);
        buf[pos - 3] = b'0' + (top / 100) as u8;
        pos -= 3;
        m = q;
    }
    // Up to 20 digits, cut into independent 8-digit chunks (short dependency chains).
    let n = m as u64;
    if n < E8 {
        write_small(buf, pos, n as u32)
    } else if n < E8 * E8 {
        pos = write_8(buf, pos, (n % E8) as u32);
        write_small(buf, pos, (n / E8) as u32)
    } else {
        pos = write_8(buf, pos, (n % E8) as u32);
        pos = write_8(buf, pos, (n / E8 % E8) as u32);
        write_small(buf, pos, (n / (E8 * E8)) as u32)
    }
}

const E8: u64 = 100_000_000;
const E19: u64 = 10_000_000_000_000_000_000;

/// Writes `n` (< 10^8) as exactly 8 digits ending at `pos`; returns the new start.
fn write_8(buf: &mut [u8; LEN], pos: usize, n: u32) -> usize {
    let (hi, lo) = (n / 10_000, n % 10_000);
    put_pair(buf, pos - 2, lo % 100);
    put_pair(buf, pos - 4, lo / 100);
    put_pair(buf, pos - 6, hi % 100);
    put_pair(buf, pos - 8, hi / 100);
    pos - 8
}

/// Writes `n` (< 10^8) without leading zeros ("0" for 0) ending at `pos`; returns the new
/// start.
fn write_small(buf: &mut [u8; LEN], pos: usize, n: u32) -> usize {
    let mut n = n;
    let mut pos = pos;
    while n >= 100 {
        pos -= 2;
        put_pair(buf, pos, n % 100);
        n /= 100;
    }
    if n >= 10 {
        pos -= 2;
        put_pair(buf, pos, n);
    } else {
        pos -= 1;
        buf[pos] = b'0' + n as u8;
    }
    pos
}

/// Writes the two digits of `n` (< 100) at `buf[at..at + 2]`.
fn put_pair(buf: &mut [u8; LEN], at: usize, n: u32) {
    let i = n as usize * 2;
    buf[at..at + 2].copy_from_slice(&PAIRS[i..i + 2]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;
    use std::str::FromStr;

    fn check(v: Decimal) {
        let expected = v.normalize().to_string();
        assert_eq!(DecimalText::new(v).as_str(), expected, "{v:?} (scale {})", v.scale());
        let mut out = Vec::new();
        assert!(write_normalized(&mut out, v).is_ok());
        assert_eq!(out, expected.as_bytes(), "{v:?}");
    }

    #[test]
    fn edge_cases() {
        let cases = [
            Decimal::ZERO,
            -Decimal::ZERO,
            Decimal::from_i128_with_scale(0, 28),
            -Decimal::from_i128_with_scale(0, 28),
            Decimal::from_i128_with_scale(0, 5),
            Decimal::ONE,
            Decimal::NEGATIVE_ONE,
            Decimal::MAX,
            Decimal::MIN,
            -Decimal::MAX,
            Decimal::from_i128_with_scale(1, 28),
            Decimal::from_i128_with_scale(-1, 28),
            Decimal::from_i128_with_scale(10, 28),
            Decimal::from_i128_with_scale(79_228_162_514_264_337_593_543_950_335, 28),
            Decimal::from_i128_with_scale(-79_228_162_514_264_337_593_543_950_335, 28),
            Decimal::from_i128_with_scale(79_228_162_514_264_337_593_543_950_335, 1),
            Decimal::from_i128_with_scale(10i128.pow(28) - 1, 0),
            Decimal::from_i128_with_scale(10i128.pow(28), 0),
            Decimal::from_i128_with_scale(10i128.pow(28), 28),
            Decimal::from_i128_with_scale(10i128.pow(28) - 1, 28),
            Decimal::from_i128_with_scale(u64::MAX.into(), 0),
            Decimal::from_i128_with_scale(i128::from(u64::MAX) + 1, 3),
            Decimal::from_i128_with_scale(i128::from(u64::MAX) * 10, 1),
            Decimal::from_i128_with_scale(1_000_000_000, 9),
            Decimal::from_i128_with_scale(1_000_000_000_000_000_000, 18),
            Decimal::from_i128_with_scale(1_000_000_000_000_000_000, 19),
            Decimal::from_i128_with_scale(1_000_000_000_000_000_000, 20),
            dec!(1000),
            dec!(-1000),
            dec!(1000.000),
            dec!(1.2500),
            dec!(-1.2500),
            dec!(0.1),
            dec!(-0.1),
            dec!(0.000100),
            dec!(10.01),
            dec!(100.5),
            dec!(29000000),
            dec!(1.71055),
            dec!(0.2654301234567890123456789012),
            dec!(-0.2654301234567890123456789012),
            dec!(9),
            dec!(10),
            dec!(99),
            dec!(100),
        ];
        for v in cases {
            check(v);
        }
        assert_eq!(DecimalText::new(-Decimal::ZERO).as_str(), "0");
        assert_eq!(DecimalText::new(dec!(1.2500)).as_str(), "1.25");
        assert_eq!(DecimalText::new(dec!(1000)).as_str(), "1000");
        assert_eq!(
            DecimalText::new(Decimal::from_i128_with_scale(1, 28)).as_str(),
            "0.0000000000000000000000000001"
        );
        assert_eq!(
            DecimalText::new(Decimal::MIN).as_str(),
            "-79228162514264337593543950335"
        );
    }

    #[test]
    fn every_scale_and_power_of_ten() {
        for scale in 0..=28 {
            for digits in 0..=29u32 {
                for base in [1i128, 7, 9, 5] {
                    let Some(m) = 10i128.checked_pow(digits).map(|p| p * base) else {
                        continue;
                    };
                    for m in [m, m - 1, m + 1, m / 3] {
                        for m in [m, -m] {
                            if let Ok(v) = Decimal::try_from_i128_with_scale(m, scale) {
                                check(v);
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn digits_of_any_u128() {
        let mut m: u128 = 1;
        let mut cases = vec![0, u128::MAX, u128::from(u64::MAX), u128::from(u64::MAX) + 1];
        while let Some(next) = m.checked_mul(10) {
            cases.extend([m - 1, m, m + 1, next / 7]);
            m = next;
        }
        for m in cases {
            let mut buf = [b'0'; LEN];
            let start = write_digits(&mut buf, m);
            assert_eq!(std::str::from_utf8(&buf[start..]), Ok(m.to_string().as_str()));
        }
    }

    #[test]
    fn parsed_strings() {
        for s in [
            "0.00",
            "-0.00",
            "00012.3400",
            "-7.000000000000000000000000000",
            "123456789.987654321",
        ] {
            if let Ok(v) = Decimal::from_str(s) {
                check(v);
            }
        }
    }

    #[test]
    fn random_values() {
        // A 128-bit LCG (Knuth's MMIX multiplier); the high bits are the random ones.
        let mut state: u128 = 0x2545_F491_4F6C_DD1D;
        let mut next = || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            state
        };
        let max = Decimal::MAX.mantissa();
        for i in 0..300_000u32 {
            // The high half: an LCG's low bits repeat with short periods.
            let r = next() >> 64;
            // Vary the magnitude: keep 1..=96 random bits, so that short and long mantissas
            // (and trailing zeros, by multiplying by a power of ten) all occur.
            let bits = 1 + (r % 96) as u32;
            let mut m = ((next() >> 32) & ((1u128 << bits) - 1)) as i128;
            if i % 4 == 0 {
                let zeros = (r >> 8) as u32 % 20;
                m = m.saturating_mul(10i128.pow(zeros));
            }
            m = m.min(max);
            if r & (1 << 20) != 0 {
                m = -m;
            }
            let scale = (r >> 24) as u32 % 29;
            check(Decimal::from_i128_with_scale(m, scale));
        }
    }

    /// `cargo test --release --lib decimal_text -- --ignored --nocapture`
    #[test]
    #[ignore]
    fn timing() {
        use std::hint::black_box;
        use std::io::Write;
        use std::time::Instant;
        let values = [
            dec!(0.2654301234567890123456789012),
            dec!(0.0000000000000000000000000001),
            dec!(1.71055),
            dec!(29000000),
            dec!(800000000000),
            dec!(0.5),
            dec!(12.3456),
            dec!(1234567.8900),
        ];
        let rounds = 200_000;
        let mut out: Vec<u8> = Vec::with_capacity(64 * values.len());
        let mut time = |name: &str, f: &dyn Fn(&mut Vec<u8>, Decimal)| {
            for v in values {
                let start = Instant::now();
                for _ in 0..rounds {
                    out.clear();
                    f(&mut out, black_box(v));
                    black_box(&out);
                }
                let ns = start.elapsed().as_nanos() as f64 / f64::from(rounds);
                println!("{name:>10} {:>32} {ns:6.1} ns", v.to_string());
            }
        };
        time("display", &|out, v| {
            let _ = write!(out, "{}", v.normalize());
        });
        time("new", &|out, v| {
            let _ = write_normalized(out, v);
        });
    }
}
