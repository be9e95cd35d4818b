//! A priced round in share mode: price per share, new shares, and the pool top-up.
//!
//! price = pre-money / (F + P), F the fully diluted shares before the round (every holder,
//! options and pool included) and P the pre-money pool increase; new shares per tranche =
//! amount / price, rounded per [rounding]. See docs/methodology.md, "Share mode".

use super::arith::Arith;
use super::cap_table::CapTable;
use super::error::EngineError;
use super::model::{HolderKind, PoolTiming, PoolTopUp, Round, Rounding, Valuation};
use super::option_pool;
use super::outcome::TrancheRow;
use super::tranches::{self, Purchase};
use rust_decimal::Decimal;

/// The round-level figures; holder rows are built by the caller from the updated table.
pub struct RoundFigures {
    pub pre_money: Decimal,
    pub post_money: Decimal,
    pub amount: Decimal,
    pub price: Option<Decimal>,
    pub pool_increase: Option<Decimal>,
    pub new_shares: Option<Decimal>,
    pub tranches: Vec<TrancheRow>,
}

/// Pre- and post-money from the round's valuation, for valuations that give a money figure.
pub fn money_valuation(round: &Round, total: Decimal) -> Result<Option<(Decimal, Decimal)>, EngineError> {
    let arith = Arith::at(&round.valuation_span);
    match round.valuation {
        Valuation::PreMoney(pre) => Ok(Some((pre, arith.add(pre, total)?))),
        Valuation::PostMoney(post) => {
            let pre = arith.sub(post, total)?;
            if pre <= Decimal::ZERO {
                return Err(EngineError::new(
                    &round.valuation_span,
                    format!("the post-money valuation {post} is not above the round's new money {total}"),
                )
                .with_hint("a post-money valuation includes the new money: did you mean `pre_money`?"));
            }
            Ok(Some((pre, post)))
        }
        Valuation::Sold(fraction) => {
            if total.is_zero() {
                return Err(
                    EngineError::new(&round.valuation_span, "`sold` needs new money in the round")
                        .with_hint("add a [[round.tranche]] or an `amount`"),
                );
            }
            let post = arith.div(total, fraction)?;
            Ok(Some((arith.sub(post, total)?, post)))
        }
        Valuation::Price(_) => Ok(None),
    }
}

pub fn apply(table: &mut CapTable, round: &Round, rounding: &Rounding) -> Result<RoundFigures, EngineError> {
    let arith = Arith::at(&round.span);
    let fully_diluted = arith.sum(table.positions.iter().map(|p| p.amount))?;
    let total = tranches::total_new_money(round)?;
    let purchases = tranches::resolve(round, total, |investor| match table.find(investor) {
        Some(i) => arith.div(table.positions[i].amount, fully_diluted),
        None => Ok(Decimal::ZERO),
    })?;
    let total = if round.amount.is_some() {
        total
    } else {
        arith.sum(purchases.iter().map(|p| p.amount))?
    };
    let valuation = money_valuation(round, total)?;
    let pool_now = table.pool().map_or(Decimal::ZERO, |i| table.positions[i].amount);

    let shares_for = |price: Decimal| -> Result<Vec<Decimal>, EngineError> {
        purchases
            .iter()
            .map(|p| Ok(rounding.cash_shares.apply(arith.div(p.amount, price)?)))
            .collect()
    };
    let price_for = |pool_increase: Decimal| -> Result<Decimal, EngineError> {
        match (round.valuation, valuation) {
            (Valuation::Price(p), _) => Ok(p),
            (_, Some((pre, _))) => {
                let price = rounding.price(arith.div(pre, arith.add(fully_diluted, pool_increase)?)?);
                if price <= Decimal::ZERO {
                    return Err(
                        EngineError::new(&round.valuation_span, "the price per share rounds to zero")
                            .with_hint("raise `price_decimals` in [rounding]"),
                    );
                }
                Ok(price)
            }
            (_, None) => Err(EngineError::new(&round.valuation_span, "the round has no valuation")),
        }
    };

    // The pre-money pool increase, solved before the price.
    let pre_pool = match (round.pool, round.pool_timing) {
        (Some(PoolTopUp::Increase(n)), PoolTiming::PreMoney) => n,
        (Some(PoolTopUp::Target(t)), PoolTiming::PreMoney) => {
            let pool_arith = Arith::at(&round.pool_span);
            let exact = match (round.valuation, valuation) {
                (Valuation::Price(p), _) => {
                    let bought = pool_arith.div(total, p)?;
                    option_pool::exact_increase(
                        t,
                        pool_now,
                        pool_arith.add(fully_diluted, bought)?,
                        Decimal::ONE,
                        pool_arith,
                    )?
                }
                (_, Some((pre, post))) => {
                    option_pool::exact_increase(t, pool_now, fully_diluted, pool_arith.div(post, pre)?, pool_arith)?
                }
                (_, None) => Decimal::ZERO,
            };
            option_pool::round_increase(round, exact, rounding.pool_shares, |p| {
                let bought = arith.sum(shares_for(price_for(p)?)?)?;
                let after = arith.add(arith.add(fully_diluted, p)?, bought)?;
                Ok(arith.add(pool_now, p)? >= arith.mul(t, after)?)
            })?
        }
        _ => Decimal::ZERO,
    };

    let price = price_for(pre_pool)?;
    let shares = shares_for(price)?;
    let new_shares = arith.sum(shares.iter().copied())?;

    let post_pool = match (round.pool, round.pool_timing) {
        (Some(PoolTopUp::Increase(n)), PoolTiming::PostMoney) => n,
        (Some(PoolTopUp::Target(t)), PoolTiming::PostMoney) => {
            let pool_arith = Arith::at(&round.pool_span);
            let before_top_up = pool_arith.add(arith.add(fully_diluted, pre_pool)?, new_shares)?;
            let exact = option_pool::exact_increase(t, pool_now, before_top_up, Decimal::ONE, pool_arith)?;
            option_pool::round_increase(round, exact, rounding.pool_shares, |p| {
                let after = arith.add(before_top_up, p)?;
                Ok(arith.add(pool_now, p)? >= arith.mul(t, after)?)
            })?
        }
        _ => Decimal::ZERO,
    };
    let pool_increase = arith.add(pre_pool, post_pool)?;

    let pre_money = match valuation {
        Some((pre, _)) => pre,
        None => arith.mul(price, arith.add(fully_diluted, pre_pool)?)?,
    };
    let post_money = arith.add(pre_money, total)?;

    if !pool_increase.is_zero() {
        let i = match table.pool() {
            Some(i) => i,
            None => table.position_of("Option pool", HolderKind::Pool),
        };
        table.positions[i].amount = arith.add(table.positions[i].amount, pool_increase)?;
    }
    buy(table, &purchases, &shares, arith)?;

    let total_after = arith.sum(table.positions.iter().map(|p| p.amount))?;
    let tranches = tranche_rows(&purchases, Some(&shares), total_after, arith)?;
    Ok(RoundFigures {
        pre_money,
        post_money,
        amount: total,
        price: Some(price),
        pool_increase: round.pool.map(|_| pool_increase),
        new_shares: Some(new_shares),
        tranches,
    })
}

/// Adds each purchase to its investor's position (a new investor holds preferred).
pub fn buy(table: &mut CapTable, purchases: &[Purchase], amounts: &[Decimal], arith: Arith) -> Result<(), EngineError> {
    for (p, &amount) in purchases.iter().zip(amounts) {
        let i = table.position_of(&p.tranche.investor, HolderKind::Preferred);
        table.positions[i].amount = arith.add(table.positions[i].amount, amount)?;
    }
    Ok(())
}

/// One row per tranche: ownership bought is its shares (or, in percent mode, its money)
/// over the post-money total, and the implied post-money is amount / ownership.
pub fn tranche_rows(
    purchases: &[Purchase],
    shares: Option<&[Decimal]>,
    total_after: Decimal,
    arith: Arith,
) -> Result<Vec<TrancheRow>, EngineError> {
    purchases
        .iter()
        .enumerate()
        .map(|(k, p)| {
            let held = shares.map_or(p.amount, |s| s[k]);
            let ownership = arith.div(held, total_after)?;
            let implied_post_money = if ownership.is_zero() {
                None
            } else {
                Some(arith.div(p.amount, ownership)?)
            };
            Ok(TrancheRow {
                investor: p.tranche.investor.clone(),
                label: p.tranche.label.clone(),
                amount: p.amount,
                shares: shares.map(|s| s[k]),
                ownership,
                implied_post_money,
            })
        })
        .collect()
}
