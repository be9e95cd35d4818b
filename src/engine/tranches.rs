//! A round's new money: the total, and each tranche's amount ("rest" and pro rata resolved).

use super::arith::Arith;
use super::error::{figure, EngineError};
use super::model::{Round, Tranche, TrancheAmount};
use rust_decimal::Decimal;

/// One tranche with its amount known.
#[derive(Clone, Debug)]
pub struct Purchase<'r> {
    pub tranche: &'r Tranche,
    pub amount: Decimal,
}

/// The round's new money before pro rata amounts are known: the written total, or the
/// sum of fixed tranches when no total is written.
pub fn total_new_money(round: &Round) -> Result<Decimal, EngineError> {
    let arith = Arith::at(&round.span);
    if let Some(total) = round.amount {
        return Ok(total);
    }
    arith.sum(round.tranches.iter().map(|t| match t.amount {
        TrancheAmount::Fixed(a) => a,
        _ => Decimal::ZERO,
    }))
}

/// Resolves every tranche's amount. `pro_rata_fraction(investor)` gives the investor's
/// fraction of the capitalization its pro rata right is measured against.
pub fn resolve<'r>(
    round: &'r Round,
    total: Decimal,
    mut pro_rata_fraction: impl FnMut(&str) -> Result<Decimal, EngineError>,
) -> Result<Vec<Purchase<'r>>, EngineError> {
    let arith = Arith::at(&round.span);
    let mut out = Vec::with_capacity(round.tranches.len());
    let mut rest_at = None;
    for (i, t) in round.tranches.iter().enumerate() {
        let amount = match t.amount {
            TrancheAmount::Fixed(a) => a,
            TrancheAmount::ProRata => {
                if round.amount.is_none() {
                    return Err(EngineError::new(
                        &t.span,
                        format!(
                            "a pro_rata tranche needs the round's total: round \"{}\" has no `amount`",
                            round.name
                        ),
                    )
                    .with_hint("write `amount = \"...\"` on the [[round]]"));
                }
                arith.mul(total, pro_rata_fraction(&t.investor)?)?
            }
            TrancheAmount::Rest => {
                rest_at = Some(i);
                Decimal::ZERO
            }
        };
        out.push(Purchase { tranche: t, amount });
    }
    let named = arith.sum(out.iter().map(|p| p.amount))?;
    match rest_at {
        Some(i) => {
            let rest = arith.sub(total, named)?;
            if rest.is_sign_negative() {
                return Err(EngineError::new(
                    &round.tranches[i].span,
                    format!("the other tranches of round \"{}\" already add up to {}, more than its amount {}; nothing is left for \"rest\"", round.name, figure(named), figure(total)),
                )
                .with_hint("raise the round's `amount` or lower the other tranches"));
            }
            out[i].amount = rest;
        }
        None => {
            if round.amount.is_some() && named != total && !round.tranches.is_empty() {
                return Err(EngineError::new(
                    &round.span,
                    format!(
                        "the tranches of round \"{}\" add up to {}, but its amount is {}",
                        round.name,
                        figure(named),
                        figure(total)
                    ),
                )
                .with_hint("make them agree, or let one tranche take `amount = \"rest\"`"));
            }
        }
    }
    Ok(out)
}
