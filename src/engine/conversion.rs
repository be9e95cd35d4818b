//! The safes and notes that convert in a round, reduced to one shape: an amount, an
//! optional cap with the capitalization it is divided by, an optional discount, or a
//! fixed share of the company. MFN safes take their terms here; notes accrue interest.

use super::arith::Arith;
use super::error::EngineError;
use super::interest;
use super::model::{CapBasis, Round, SafeKind, Scenario, Span};
use rust_decimal::Decimal;

/// What a cap is divided by to give the cap price.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CapBase {
    /// Post-money safe: the Company Capitalization, F + S (every converting share in,
    /// this round's pool increase out).
    Capitalization,
    /// Pre-money safe: F + P (the pool increase in, converting securities out).
    PreMoneyWithPool,
    /// Note, fully diluted: F.
    FullyDiluted,
    /// Note, outstanding: F less options, warrants and the pool.
    Outstanding,
}

#[derive(Clone, Debug)]
pub struct Convertible<'s> {
    pub instrument: &'static str,
    pub investor: &'s str,
    /// The amount converted: a safe's purchase amount, a note's principal plus interest.
    pub amount: Decimal,
    /// Principal only (the dollars-invested method adds it to the pre-money).
    pub principal: Decimal,
    pub cap: Option<(Decimal, CapBase)>,
    pub discount: Option<Decimal>,
    pub fixed: Option<Decimal>,
    /// Terms borrowed from a later safe (reported as `mfn`).
    pub mfn: bool,
    pub span: &'s Span,
}

/// Every safe and note that converts in round `index`, in the order written.
pub fn converting<'s>(
    scenario: &'s Scenario,
    index: usize,
    round: &Round,
) -> Result<Vec<Convertible<'s>>, EngineError> {
    let mut out = Vec::with_capacity(scenario.safes.len() + scenario.notes.len());
    for (i, safe) in scenario.safes.iter().enumerate() {
        if safe.converts_at != index {
            continue;
        }
        let base = match safe.kind {
            SafeKind::PostMoney => CapBase::Capitalization,
            SafeKind::PreMoney => CapBase::PreMoneyWithPool,
        };
        let (mut cap, mut discount) = (safe.cap, safe.discount);
        if safe.mfn {
            // Most favoured nation: the lowest cap and highest discount of later safes.
            for later in &scenario.safes[i + 1..] {
                cap = min_option(cap, later.cap);
                // `None` orders below every discount, so the larger is the best.
                discount = discount.max(later.discount);
            }
        }
        out.push(Convertible {
            instrument: "safe",
            investor: &safe.investor,
            amount: safe.amount,
            principal: safe.amount,
            cap: cap.map(|c| (c, base)),
            discount,
            fixed: safe.fixed_ownership,
            mfn: safe.mfn && (cap.is_some() || discount.is_some()),
            span: &safe.span,
        });
    }
    for note in &scenario.notes {
        if note.converts_at != index {
            continue;
        }
        let arith = Arith::at(&note.span);
        let interest = if note.interest.is_zero() {
            Decimal::ZERO
        } else {
            let (Some(issued), Some(date)) = (note.issued, round.date) else {
                let (missing, hint) = match (note.issued, round.date) {
                    (None, None) => (
                        "the note has no `issued` date",
                        format!(
                            "add `issued = 2024-01-15` to the [[note]] and `date = 2026-03-31` to round \"{}\"",
                            round.name
                        ),
                    ),
                    (None, Some(_)) => (
                        "the note has no `issued` date",
                        "add `issued = 2024-01-15` to the [[note]]".to_string(),
                    ),
                    (Some(_), _) => (
                        "its round has no `date`",
                        format!("add `date = 2026-03-31` to round \"{}\"", round.name),
                    ),
                };
                return Err(EngineError::new(
                    &note.span,
                    format!("the note of \"{}\" accrues interest, but {missing}", note.investor),
                )
                .with_hint(hint));
            };
            let days = interest::days_between(issued, date);
            if days < 0 {
                return Err(EngineError::new(
                    &note.span,
                    format!(
                        "the note of \"{}\" is issued after round \"{}\" closes",
                        note.investor, round.name
                    ),
                )
                .with_hint("check `issued` and the round's `date`"));
            }
            interest::accrued(note.principal, note.interest, days, arith)?
        };
        let base = match note.cap_basis {
            CapBasis::FullyDiluted => CapBase::FullyDiluted,
            CapBasis::Outstanding => CapBase::Outstanding,
        };
        out.push(Convertible {
            instrument: "note",
            investor: &note.investor,
            amount: arith.add(note.principal, interest)?,
            principal: note.principal,
            cap: note.cap.map(|c| (c, base)),
            discount: note.discount,
            fixed: None,
            mfn: false,
            span: &note.span,
        });
    }
    Ok(out)
}

fn min_option(a: Option<Decimal>, b: Option<Decimal>) -> Option<Decimal> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) => x,
        (None, y) => y,
    }
}
