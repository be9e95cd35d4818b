//! The pure engine: a validated `Scenario` in, an `Outcome` out. No I/O, no TOML, no terminal.

pub mod anti_dilution;
pub mod arith;
pub mod cap_table;
pub mod conversion;
pub mod error;
pub mod interest;
pub mod model;
pub mod option_pool;
pub mod outcome;
pub mod ownership;
pub mod priced_round;
pub mod rounding;
pub mod solver;
pub mod tranches;
pub mod waterfall;

use arith::Arith;
use cap_table::CapTable;
pub use error::EngineError;
pub use model::*;
pub use outcome::*;
use rust_decimal::Decimal;

/// Computes every round in order and the final table.
pub fn evaluate(scenario: &Scenario) -> Result<Outcome, EngineError> {
    let whole = 0..0;
    let arith = Arith::at(&whole);
    let mut table = CapTable::from_scenario(scenario)?;
    let initial_amounts = table.amounts();
    let initial_fractions = ownership::fractions(&initial_amounts, arith)?;
    let initial = rows(
        &table,
        &initial_amounts,
        &initial_fractions,
        &initial_fractions,
        None,
        scenario.mode,
        arith,
    )?;

    let mut before_amounts = table.amounts();
    let mut before_fractions = initial_fractions.clone();
    let mut rounds = Vec::with_capacity(scenario.rounds.len());
    let exit_after = scenario.exit.as_ref().and_then(|e| e.after);
    let mut exit_table = None;
    // Percent mode runs the share-mode equations on fractions (F = 1), unrounded.
    let shares = scenario.mode == Mode::Shares;
    let rounding = if shares { scenario.rounding } else { Rounding::EXACT };
    for (index, round) in scenario.rounds.iter().enumerate() {
        let arith = Arith::at(&round.span);
        let convertibles = conversion::converting(scenario, index, round)?;
        let mut figures = priced_round::apply(&mut table, round, &rounding, &convertibles, shares)?;
        if !shares {
            for t in &mut figures.tranches {
                t.shares = None;
            }
            for c in &mut figures.conversions {
                c.shares = None;
                c.price = None;
            }
        }
        let after_amounts = table.amounts();
        let after_fractions = ownership::fractions(&after_amounts, arith)?;
        let holders = rows(
            &table,
            &before_amounts,
            &before_fractions,
            &after_fractions,
            Some(figures.post_money),
            scenario.mode,
            arith,
        )?;
        let share_total = |amounts: &[Decimal]| -> Result<Option<Decimal>, EngineError> {
            match scenario.mode {
                Mode::Shares => Ok(Some(arith.sum(amounts.iter().copied())?)),
                Mode::Percent => Ok(None),
            }
        };
        rounds.push(RoundOutcome {
            name: round.name.clone(),
            pre_money: figures.pre_money,
            post_money: figures.post_money,
            amount: figures.amount,
            price: shares.then_some(figures.price),
            pool_increase: figures.pool_increase.filter(|_| shares),
            new_shares: shares.then_some(figures.new_shares),
            conversions: figures.conversions,
            adjustments: figures.adjustments,
            tranches: figures.tranches,
            holders,
            total_before: share_total(&before_amounts)?,
            total_after: share_total(&after_amounts)?,
        });
        before_amounts = table.amounts();
        before_fractions = after_fractions;
        if exit_after == Some(index) {
            exit_table = Some(table.clone());
        }
    }
    let (exits, breakpoints) = match &scenario.exit {
        Some(exit) => {
            let at = exit_table.as_ref().unwrap_or(&table);
            let done = exit.after.map_or(scenario.rounds.len(), |i| i + 1);
            let unconverted: Vec<&Safe> = scenario.safes.iter().filter(|s| s.converts_at >= done).collect();
            let waterfall = waterfall::Waterfall::new(at, &unconverted, &exit.span)?;
            let exits = exit
                .values
                .iter()
                .map(|&x| waterfall.at(x))
                .collect::<Result<Vec<_>, _>>()?;
            (exits, waterfall.breakpoints()?)
        }
        None => (Vec::new(), Vec::new()),
    };

    let final_post_money = rounds.last().map(|r| r.post_money);
    let final_holders = rows(
        &table,
        &initial_amounts,
        &initial_fractions,
        &before_fractions,
        final_post_money,
        scenario.mode,
        arith,
    )?;
    Ok(Outcome {
        mode: scenario.mode,
        initial,
        rounds,
        final_holders,
        final_post_money,
        exits,
        breakpoints,
    })
}

/// One row per position of `table`; positions beyond `before`'s length are new.
fn rows(
    table: &CapTable,
    before_amounts: &[Decimal],
    before_fractions: &[Decimal],
    after_fractions: &[Decimal],
    post_money: Option<Decimal>,
    mode: Mode,
    arith: Arith,
) -> Result<Vec<HolderRow>, EngineError> {
    let shares = mode == Mode::Shares;
    let total_after = arith.sum(table.positions.iter().map(|p| p.amount))?;
    let mut out = Vec::with_capacity(table.positions.len());
    for (i, p) in table.positions.iter().enumerate() {
        let ownership_before = before_fractions.get(i).copied().unwrap_or(Decimal::ZERO);
        let ownership_after = after_fractions.get(i).copied().unwrap_or(Decimal::ZERO);
        let dilution = if ownership_before.is_zero() {
            None
        } else {
            Some(arith.sub(Decimal::ONE, arith.div(ownership_after, ownership_before)?)?)
        };
        // ownership × post-money, computed as amount × post / total so that no rounded
        // fraction enters the value.
        let value_after = match (post_money, total_after.is_zero()) {
            (Some(post), false) => Some(arith.div(arith.mul(p.amount, post)?, total_after)?),
            (Some(_), true) => Some(Decimal::ZERO),
            (None, _) => None,
        };
        out.push(HolderRow {
            name: p.name.clone(),
            kind: p.kind,
            shares_before: shares.then(|| before_amounts.get(i).copied().unwrap_or(Decimal::ZERO)),
            shares_after: shares.then_some(p.amount),
            ownership_before,
            ownership_after,
            dilution,
            value_after,
        });
    }
    Ok(out)
}
