//! A round in percent mode: every stake is a fraction, and money buys amount / post-money.
//!
//! Existing holders keep their fraction of the pre-money value (stake × pre / post); a
//! tranche owns amount / post. Results are exact fractions: no shares, no price.

use super::arith::Arith;
use super::cap_table::CapTable;
use super::error::EngineError;
use super::model::{HolderKind, PoolTiming, PoolTopUp, Round};
use super::option_pool;
use super::priced_round::{buy, money_valuation, tranche_rows, RoundFigures};
use super::tranches;
use rust_decimal::Decimal;

/// Leaves each position holding its value at the post-money; the caller normalizes.
pub fn apply(table: &mut CapTable, round: &Round) -> Result<RoundFigures, EngineError> {
    let arith = Arith::at(&round.span);
    let total = tranches::total_new_money(round)?;
    let purchases = tranches::resolve(round, total, |investor| {
        Ok(table
            .find(investor)
            .map_or(Decimal::ZERO, |i| table.positions[i].amount))
    })?;
    let total = if round.amount.is_some() {
        total
    } else {
        arith.sum(purchases.iter().map(|p| p.amount))?
    };
    let Some((pre, post)) = money_valuation(round, total)? else {
        return Err(
            EngineError::new(&round.valuation_span, "a price per share needs a share-mode table")
                .with_hint("write the holders with `shares`, or value the round with `pre_money`"),
        );
    };
    for p in &mut table.positions {
        p.amount = arith.mul(p.amount, pre)?;
    }
    if let (Some(PoolTopUp::Target(t)), PoolTiming::PreMoney) = (round.pool, round.pool_timing) {
        top_up(table, t, pre, post, round)?;
    }
    let amounts: Vec<Decimal> = purchases.iter().map(|p| p.amount).collect();
    buy(table, &purchases, &amounts, arith)?;
    if let (Some(PoolTopUp::Target(t)), PoolTiming::PostMoney) = (round.pool, round.pool_timing) {
        top_up(table, t, post, post, round)?;
    }
    if let Some(PoolTopUp::Increase(_)) = round.pool {
        return Err(EngineError::new(
            &round.pool_span,
            "`pool_increase` counts shares, and this table is in percent mode",
        )
        .with_hint("write `pool_target = \"10%\"` instead"));
    }
    let tranches = tranche_rows(&purchases, None, post, arith)?;
    Ok(RoundFigures {
        pre_money: pre,
        post_money: post,
        amount: total,
        price: None,
        pool_increase: None,
        new_shares: None,
        tranches,
    })
}

/// Raises the pool's value to `target × post`, taking it pro rata from the other holders
/// whose values add up, with the pool, to `available`.
fn top_up(
    table: &mut CapTable,
    target: Decimal,
    available: Decimal,
    post: Decimal,
    round: &Round,
) -> Result<(), EngineError> {
    let arith = Arith::at(&round.pool_span);
    let i = match table.pool() {
        Some(i) => i,
        None => table.position_of("Option pool", HolderKind::Pool),
    };
    let wanted = arith.mul(target, post)?;
    let pool_now = table.positions[i].amount;
    if pool_now >= wanted {
        return Ok(());
    }
    if wanted >= available {
        return Err(option_pool::target_unreachable(&round.pool_span, target));
    }
    let scale = arith.div(arith.sub(available, wanted)?, arith.sub(available, pool_now)?)?;
    for (k, p) in table.positions.iter_mut().enumerate() {
        p.amount = if k == i { wanted } else { arith.mul(p.amount, scale)? };
    }
    Ok(())
}
