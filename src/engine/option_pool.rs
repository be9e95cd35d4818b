//! Option pool top-ups: solve for the pool increase exactly, then round once.
//!
//! Pre-money timing (the "option pool shuffle"): with price = pre / (F + P) the new money
//! buys N = A (F + P) / pre shares, so the post-money total is (F + P) · post / pre. The
//! target t is met when U + P ≥ t (F + P) post / pre; with r = t · post / pre < 1 the
//! smallest such P is (r F − U) / (1 − r). When the round is priced directly, N = A / price
//! does not depend on P and the smallest P is (t (F + N) − U) / (1 − t).
//!
//! Post-money timing: the pool is topped up after the new money, so with T the total after
//! the new shares, P = (t T − U) / (1 − t).
//!
//! After rounding P (up by default) the target is checked again against the rounded price
//! and share counts, adding single shares while it is missed (price rounding can move N).

use super::arith::Arith;
use super::error::EngineError;
use super::model::{Round, ShareRounding};
use crate::engine::model::Span;
use rust_decimal::Decimal;

/// Largest number of single-share corrections after rounding; rounding moves the
/// solution by a few shares at most, so this bounds the work, not the answer.
const MAX_CORRECTIONS: u32 = 16;

/// The exact smallest pool increase that satisfies the target, before rounding.
pub fn exact_increase(
    target: Decimal,
    pool_now: Decimal,
    base: Decimal,
    scale: Decimal,
    arith: Arith,
) -> Result<Decimal, EngineError> {
    // Solve U + P ≥ r (base + P) with r = target · scale.
    let r = arith.mul(target, scale)?;
    if r >= Decimal::ONE {
        return Err(target_unreachable(arith.span, target));
    }
    let needed = arith.sub(arith.mul(r, base)?, pool_now)?;
    if needed <= Decimal::ZERO {
        return Ok(Decimal::ZERO);
    }
    arith.div(needed, arith.sub(Decimal::ONE, r)?)
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
pub fn round_increase(
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
