//! The pure engine: a validated `Scenario` in, an `Outcome` out. No I/O, no TOML, no terminal.

pub mod anti_dilution;
pub mod arith;
pub mod cap_table;
pub mod conversion;
pub mod error;
pub mod exact_solver;
pub mod holder_rows;
pub mod interest;
pub mod model;
pub mod option_pool;
pub mod outcome;
pub mod ownership;
pub mod priced_round;
pub mod ratio;
pub mod rounding;
pub mod solver;
pub mod tranches;
pub mod waterfall;
#[cfg(test)]
mod xorshift;

use arith::Arith;
use cap_table::CapTable;
pub use error::EngineError;
pub use model::*;
pub use outcome::*;
use rust_decimal::Decimal;
use std::borrow::Cow;
use std::sync::Arc;

/// The most holder-rounds (holders × rounds) one evaluation keeps: 16 bytes each in the
/// engine (64 MB at the limit), and a full JSON report prints one object per holder-round,
/// so this also bounds the largest report. 100,000 holders through 20 rounds is 2,000,000.
pub const MAX_HOLDER_ROUNDS: u64 = 4_000_000;

/// Computes every round in order and the final table.
pub fn evaluate(scenario: &Scenario) -> Result<Outcome<'_>, EngineError> {
    run(scenario, prepare(scenario)?)
}

/// A scenario's initial cap table, built once for many evaluations of scenarios that
/// differ from it only in their rounds (`calc sweep` varies round figures: the holders,
/// classes, safes and notes stay as prepared).
pub struct Prepared<'s> {
    table: CapTable<'s>,
    initial: Arc<[Decimal]>,
    total: Decimal,
}

pub fn prepare(scenario: &Scenario) -> Result<Prepared<'_>, EngineError> {
    check_size(scenario)?;
    let table = CapTable::from_scenario(scenario)?;
    let initial = table.amounts();
    let total = Arith::at(&(0..0)).sum(initial.iter().copied())?;
    Ok(Prepared { table, initial, total })
}

/// `evaluate(scenario)` from a table prepared for a scenario with the same holders,
/// classes, safes and notes: the same outcome without rebuilding the table.
pub fn evaluate_prepared<'s>(scenario: &'s Scenario, prepared: &Prepared<'s>) -> Result<Outcome<'s>, EngineError> {
    check_size(scenario)?;
    let fresh = Prepared {
        table: prepared.table.fork(scenario),
        initial: Arc::clone(&prepared.initial),
        total: prepared.total,
    };
    run(scenario, fresh)
}

fn run<'s>(scenario: &'s Scenario, prepared: Prepared<'s>) -> Result<Outcome<'s>, EngineError> {
    let Prepared {
        mut table,
        initial,
        total: mut total_before,
    } = prepared;
    // Each round's figures wait for the names of every holder (known at the end), which
    // the rounds then share.
    let mut pending: Vec<PendingRound> = Vec::with_capacity(scenario.rounds.len());
    let exit_after = scenario.exit.as_ref().and_then(|e| e.after);
    let mut exit_table = None;
    // Percent mode runs the share-mode equations on value units, unrounded.
    let shares = scenario.mode == Mode::Shares;
    let rounding = if shares { scenario.rounding } else { Rounding::EXACT };
    for (index, round) in scenario.rounds.iter().enumerate() {
        let arith = Arith::at(&round.span);
        let convertibles = conversion::converting(scenario, index, round)?;
        let figures = priced_round::apply(&mut table, round, &rounding, &convertibles, shares)?;
        let amounts = table.amounts();
        let total_after = arith.sum(amounts.iter().copied())?;
        // Rows are derived later as amount × total / shares: refuse here, as computing
        // them eagerly did, a product that does not fit.
        let bought = figures.conversions.iter().map(|c| c.amount);
        for amount in bought.chain(figures.tranches.iter().map(|t| t.amount)) {
            arith.check_mul(amount, total_after)?;
        }
        pending.push(PendingRound {
            figures,
            amounts,
            total_before,
            total_after,
        });
        total_before = total_after;
        if exit_after == Some(index) {
            exit_table = Some(table.clone());
        }
    }
    let (exits, breakpoints) = match &scenario.exit {
        Some(exit) => {
            let at = exit_table.as_ref().unwrap_or(&table);
            let done = exit.after.map_or(scenario.rounds.len(), |i| i + 1);
            let unconverted: Vec<&Safe> = scenario.safes.iter().filter(|s| s.converts_at >= done).collect();
            let largest = exit.values.iter().copied().max().unwrap_or_default();
            let waterfall = waterfall::Waterfall::new(at, &unconverted, largest, &exit.span)?;
            let exits = exit
                .values
                .iter()
                .map(|&x| waterfall.at(x))
                .collect::<Result<Vec<_>, _>>()?;
            (exits, waterfall.breakpoints()?)
        }
        None => (Vec::new(), Vec::new()),
    };
    let holders: Arc<[HolderInfo<'s>]> = table
        .positions
        .into_iter()
        .map(|p| HolderInfo {
            name: Cow::Borrowed(p.name),
            kind: p.kind,
        })
        .collect();
    let mut rounds = Vec::with_capacity(pending.len());
    for (round, done) in scenario.rounds.iter().zip(pending) {
        let figures = done.figures;
        rounds.push(RoundOutcome {
            name: Cow::Borrowed(&round.name),
            pre_money: figures.pre_money,
            post_money: figures.post_money,
            amount: figures.amount,
            price: shares.then_some(figures.price),
            pool_increase: figures.pool_increase.filter(|_| shares),
            new_shares: shares.then_some(figures.new_shares),
            conversions: figures.conversions,
            adjustments: figures.adjustments,
            tranches: figures.tranches,
            mode: scenario.mode,
            // The table before this round: the previous round's after, or the initial one.
            amounts_before: Arc::clone(rounds.last().map_or(&initial, |r: &RoundOutcome<'s>| &r.amounts)),
            amounts: done.amounts,
            holder_info: Arc::clone(&holders),
            total_before: shares.then_some(done.total_before),
            total_after: shares.then_some(done.total_after),
        });
    }
    Ok(Outcome {
        mode: scenario.mode,
        holders,
        initial,
        rounds,
        exits,
        breakpoints,
    })
}

/// A round's figures and table, before the holders' names are known.
struct PendingRound {
    figures: priced_round::RoundFigures,
    amounts: Arc<[Decimal]>,
    total_before: Decimal,
    total_after: Decimal,
}

/// Refuses, before any work, a scenario whose table of holders × rounds would not fit
/// the bound: every round keeps one amount per holder.
fn check_size(scenario: &Scenario) -> Result<(), EngineError> {
    let holders = scenario.max_names() as u64;
    let cells = holders.saturating_mul(scenario.rounds.len() as u64);
    match scenario.rounds.first() {
        Some(first) if cells > MAX_HOLDER_ROUNDS => Err(EngineError::new(
            &first.span,
            format!(
                "up to {} holders through {} rounds is more than calc computes at once",
                error::figure(holders.into()),
                error::figure(scenario.rounds.len().into())
            ),
        )
        .with_hint(format!(
            "holders × rounds must stay below {}: split the history into several files",
            error::figure(MAX_HOLDER_ROUNDS.into())
        ))),
        _ => Ok(()),
    }
}
