//! Simple interest on notes: principal × rate × days / 365, days counted actual.

use super::arith::Arith;
use super::error::EngineError;
use super::model::Date;
use rust_decimal::Decimal;

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(d: Date) -> i64 {
    let y = i64::from(d.year) - i64::from(d.month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(d.month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d.day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Days from `from` to `to` (negative if `to` is earlier).
pub fn days_between(from: Date, to: Date) -> i64 {
    days_from_civil(to) - days_from_civil(from)
}

/// Accrued simple interest, actual/365.
pub fn accrued(principal: Decimal, rate: Decimal, days: i64, arith: Arith) -> Result<Decimal, EngineError> {
    let years = arith.div(Decimal::from(days), Decimal::from(365))?;
    arith.mul(arith.mul(principal, rate)?, years)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(year: i32, month: u32, day: u32) -> Date {
        Date { year, month, day }
    }

    #[test]
    fn day_counts_are_actual() {
        assert_eq!(days_from_civil(date(1970, 1, 1)), 0);
        assert_eq!(days_between(date(2024, 1, 15), date(2025, 1, 15)), 366);
        assert_eq!(days_between(date(2025, 1, 15), date(2026, 1, 15)), 365);
        assert_eq!(days_between(date(2024, 2, 28), date(2024, 3, 1)), 2);
    }

    #[test]
    fn one_year_at_five_percent() {
        let span = 0..0;
        let i = accrued(Decimal::from(400_000), Decimal::new(5, 2), 365, Arith::at(&span)).unwrap();
        // 400,000 × 5% × 365/365 (Holloway's note: $400k at 5% for a year).
        assert_eq!(i, Decimal::from(20_000));
    }
}
