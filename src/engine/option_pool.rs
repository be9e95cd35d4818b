//! Option pool top-ups, sized on the shares actually issued.
//!
//! The round's price comes from the solver (src/engine/solver.rs), where a pre-money
//! target enters the equations exactly (the "option pool shuffle"). Once every share
//! count is rounded, the pool increase is the smallest P with U + P ≥ t × (T + P), T
//! the total before the top-up (pre-money timing: before the pool, with the new money;
//! post-money timing: after the new money): P = (t T − U) / (1 − t), rounded per
//! `pool_shares` (up by default) on the exact fraction, or, past 128 bits, on a 28-digit
//! decimal and then checked once more against the target.

use super::arith::Arith;
use super::error::EngineError;
use super::model::{Round, ShareRounding};
use super::ratio::Ratio;
use crate::engine::model::Span;
use rust_decimal::Decimal;

/// Largest number of single-share corrections after rounding; rounding moves the
/// solution by a few shares at most, so this bounds the work, not the answer.
const MAX_CORRECTIONS: u32 = 16;

/// The increase that tops a pool of `pool_now` up to `target` of `base` + the increase,
/// rounded per `rule` (on the decimal route, then checked against the target in the
/// rounded figures).
pub fn increase(
    round: &Round,
    target: Decimal,
    pool_now: Decimal,
    base: Decimal,
    rule: ShareRounding,
) -> Result<Decimal, EngineError> {
    // Whole shares are decided on the exact fraction when it fits 128 bits: rounded up,
    // it meets the target by construction ((1 − t) P ≥ t × base − U); the decimal route
    // rounds a 28-digit quotient and checks, correcting its last place.
    if rule != ShareRounding::None && target < Decimal::ONE {
        if let Some(whole) = exact_fraction(target, pool_now, base).and_then(|p| p.round(rule)) {
            return Ok(whole);
        }
    }
    let arith = Arith::at(&round.span);
    let meets = |p| Ok(arith.add(pool_now, p)? >= arith.mul(target, arith.add(base, p)?)?);
    let exact = exact_increase(target, pool_now, base, Arith::at(&round.pool_span))?;
    round_increase(round, exact, rule, meets)
}

/// (t × base − U) / (1 − t), or zero when the pool already meets the target; `None` if a
/// fraction outgrows 128 bits.
fn exact_fraction(target: Decimal, pool_now: Decimal, base: Decimal) -> Option<Ratio> {
    let t = Ratio::of(target)?;
    let needed = t.checked_mul(Ratio::of(base)?)?.checked_sub(Ratio::of(pool_now)?)?;
    if !needed.is_positive() {
        return Some(Ratio::ZERO);
    }
    needed.checked_div(Ratio::ONE.checked_sub(t)?)
}

/// The exact smallest pool increase that satisfies the target, before rounding.
fn exact_increase(target: Decimal, pool_now: Decimal, base: Decimal, arith: Arith) -> Result<Decimal, EngineError> {
    // Solve U + P ≥ t (base + P).
    if target >= Decimal::ONE {
        return Err(target_unreachable(arith.span, target));
    }
    let needed = arith.sub(arith.mul(target, base)?, pool_now)?;
    if needed <= Decimal::ZERO {
        return Ok(Decimal::ZERO);
    }
    arith.div(needed, arith.sub(Decimal::ONE, target)?)
}

pub fn target_unreachable(span: &Span, target: Decimal) -> EngineError {
    EngineError::new(
        span,
        format!(
            "an option pool of {}% of the post-money cannot be reached in this round",
            (target * Decimal::ONE_HUNDRED).normalize()
        ),
    )
    .with_hint("the target must be below 100% and below the share the existing holders keep after the new money")
}

/// Rounds the exact increase and, when rounding up, adds single shares until `meets`
/// holds for the rounded figures.
fn round_increase(
    round: &Round,
    exact: Decimal,
    rule: ShareRounding,
    mut meets: impl FnMut(Decimal) -> Result<bool, EngineError>,
) -> Result<Decimal, EngineError> {
    let mut p = rule.apply(exact).max(Decimal::ZERO);
    if rule != ShareRounding::Up {
        return Ok(p);
    }
    for _ in 0..MAX_CORRECTIONS {
        if meets(p)? {
            return Ok(p);
        }
        p += Decimal::ONE;
    }
    Err(EngineError::new(
        &round.pool_span,
        format!("the pool target of round \"{}\" is not met after rounding", round.name),
    )
    .with_hint("try `pool_shares = \"none\"` in [rounding], or a lower target"))
}
