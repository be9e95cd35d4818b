//! A priced round: the price per share, the conversions of safes and notes, the pool
//! top-up and the new shares, solved exactly (see `solver`) and then rounded once per
//! the scenario's rules. Percent mode runs the same equations on fractions of the
//! company (F = 1) with no rounding. See docs/methodology.md, "Share mode".

use super::anti_dilution;
use super::arith::Arith;
use super::cap_table::CapTable;
use super::conversion::Convertible;
use super::error::{figure, EngineError};
use super::exact_solver;
use super::model::{ClassTerms, ConversionMethod, HolderKind, PoolTiming, PoolTopUp, Round, Rounding, Valuation};
use super::option_pool;
use super::outcome::{Adjustment, Conversion, Purchase as Bought};
use super::ratio::Ratio;
use super::solver::{self, Inputs, PoolRule, Pricing, Solution, Term};
use super::tranches::{self, Purchase};
use rust_decimal::Decimal;

/// The round-level figures; holder rows are built by the caller from the updated table.
pub struct RoundFigures {
    pub pre_money: Decimal,
    pub post_money: Decimal,
    pub amount: Decimal,
    pub price: Decimal,
    pub pool_increase: Option<Decimal>,
    pub new_shares: Decimal,
    pub conversions: Vec<Conversion>,
    pub tranches: Vec<Bought>,
    pub adjustments: Vec<Adjustment>,
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
                    format!(
                        "the post-money valuation {} is not above the round's new money {}",
                        figure(post),
                        figure(total)
                    ),
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

pub fn apply<'s>(
    table: &mut CapTable<'s>,
    round: &'s Round,
    rounding: &Rounding,
    convertibles: &[Convertible<'s>],
    protect: bool,
) -> Result<RoundFigures, EngineError> {
    let arith = Arith::at(&round.span);
    let fully_diluted = arith.sum(table.positions.iter().map(|p| p.amount))?;
    let outstanding = arith.sum(
        table
            .positions
            .iter()
            .filter(|p| matches!(p.kind, HolderKind::Common | HolderKind::Preferred))
            .map(|p| p.amount),
    )?;
    let pool_now = table.pool().map_or(Decimal::ZERO, |i| table.positions[i].amount);
    let total = tranches::total_new_money(round)?;
    let valuation = money_valuation(round, total)?;
    let pricing = match (round.valuation, valuation) {
        (Valuation::Price(p), _) => Pricing::Fixed(p),
        (_, Some((pre, _))) if round.conversion_method == ConversionMethod::DollarsInvested => {
            let principal = arith.sum(convertibles.iter().map(|c| c.principal))?;
            Pricing::ByValue(arith.add(pre, principal)?)
        }
        (_, Some((pre, _))) => Pricing::ByValue(pre),
        (_, None) => return Err(EngineError::new(&round.valuation_span, "the round has no valuation")),
    };
    let pool_rule = match (round.pool, round.pool_timing) {
        (Some(PoolTopUp::Increase(n)), PoolTiming::PreMoney) => PoolRule::Increase(n),
        (Some(PoolTopUp::Target(t)), PoolTiming::PreMoney) => PoolRule::Target(t),
        _ => PoolRule::None,
    };
    let inputs = Inputs {
        fully_diluted,
        outstanding,
        pool_now,
        new_money: total,
        pricing,
        conversions_in_price: round.conversion_method != ConversionMethod::PreMoney,
        pool: pool_rule,
        pool_span: &round.pool_span,
        convertibles,
    };
    // Solved in exact fractions when they stay within 128 bits, else in decimals; then
    // rounded once: the price, then every share count from it.
    let (price, denominator, divisor, mut conversions) = match exact_solver::solve(&inputs, rounding) {
        Some(solved) => (
            solved.price,
            solved.denominator,
            Some(solved.divisor),
            solved.conversions,
        ),
        None => {
            let solution = solver::solve(&inputs, arith)?;
            let price = match pricing {
                Pricing::Fixed(p) => p,
                Pricing::ByValue(_) => rounding.price(solution.price),
            };
            if price <= Decimal::ZERO {
                return Err(
                    EngineError::new(&round.valuation_span, "the price per share rounds to zero")
                        .with_hint("raise `price_decimals` in [rounding]"),
                );
            }
            let conversions = convert(&inputs, &solution, price, rounding, arith)?;
            (price, Some(solution.denominator), None, conversions)
        }
    };
    let conversion_shares = arith.sum(conversions.iter().map(|c| c.shares))?;
    // Converted safes and notes form shadow series: one class per conversion price,
    // preferred for the amount converted (1x), with that price as its original price so
    // the round's anti-dilution protects it from there (YC "Safe Preferred Stock").
    // Participation and seniority follow the round's class.
    let terms = ClassTerms {
        preference: Decimal::ONE,
        ..round.terms
    };
    let several_prices = conversions.iter().any(|c| c.price != conversions[0].price);
    for (c, conv) in conversions.iter_mut().zip(convertibles) {
        let class = table.conversion_class_of(&round.class, several_prices.then_some(c.price), terms);
        if protect && table.classes[class].original_price.is_none() {
            table.classes[class].original_price = Some(c.price);
            table.classes[class].conversion_price = Some(c.price);
        }
        c.holder = table.position_of(conv.investor, HolderKind::Preferred);
        table.add(c.holder, class, c.shares, arith)?;
        arith.add_to(&mut table.classes[class].invested, c.amount)?;
    }

    // New money: pro rata rights are measured against F + S, after conversion.
    let capitalization = arith.add(fully_diluted, conversion_shares)?;
    let purchases = tranches::resolve(round, total, |investor| match table.find(investor) {
        Some(i) => arith.div(table.positions[i].amount, capitalization),
        None => Ok(Decimal::ZERO),
    })?;
    let total = if round.amount.is_some() {
        total
    } else {
        arith.sum(purchases.iter().map(|p| p.amount))?
    };
    // Each tranche's shares; its holder is found when they are issued (`buy`).
    // (A loop, not a `collect` of results: that would grow the vector step by step.)
    let mut bought: Vec<Bought> = Vec::with_capacity(purchases.len());
    for p in &purchases {
        bought.push(Bought {
            holder: 0,
            label: p.tranche.label.clone(),
            amount: p.amount,
            shares: cash_shares(p.amount, price, divisor, rounding, arith)?,
        });
    }
    let new_shares = arith.sum(bought.iter().map(|b| b.shares))?;
    if let Some((p, _)) = purchases
        .iter()
        .zip(&bought)
        .find(|(p, b)| b.shares.is_zero() && !p.amount.is_zero())
    {
        return Err(EngineError::new(
            &p.tranche.span,
            format!(
                "{} of new money buys no share at {} per share",
                p.amount.normalize(),
                price.normalize()
            ),
        )
        .with_hint("raise the amount, or lower the price"));
    }

    let before_pool = arith.add(capitalization, new_shares)?;
    // The solver's exact P priced the round; the shares actually issued are rounded, so
    // the pool is sized against them: the smallest P with U + P ≥ t × (shares + P).
    let pre_pool = match pool_rule {
        PoolRule::Increase(n) => n,
        PoolRule::Target(t) => option_pool::increase(round, t, pool_now, before_pool, rounding.pool_shares)?,
        PoolRule::None => Decimal::ZERO,
    };
    let post_pool = match (round.pool, round.pool_timing) {
        (Some(PoolTopUp::Increase(n)), PoolTiming::PostMoney) => n,
        (Some(PoolTopUp::Target(t)), PoolTiming::PostMoney) => {
            let before = arith.add(before_pool, pre_pool)?;
            option_pool::increase(round, t, pool_now, before, rounding.pool_shares)?
        }
        _ => Decimal::ZERO,
    };
    let pool_increase = arith.add(pre_pool, post_pool)?;

    let pre_money = match valuation {
        Some((pre, _)) => pre,
        None => arith.mul(price, denominator.unwrap_or_default())?,
    };
    let post_money = arith.add(pre_money, total)?;

    if !pool_increase.is_zero() {
        let i = match table.pool() {
            Some(i) => i,
            None => table.position_of("Option pool", HolderKind::Pool),
        };
        let class = match (table.positions[i].holdings.first(), table.find_class("Common")) {
            (Some(h), _) => h.class,
            (None, Some(common)) => common,
            (None, None) => table.class_of("Common", false, Default::default()),
        };
        table.add(i, class, pool_increase, arith)?;
    }
    let class = table.class_of(&round.class, true, round.terms);
    if table.classes[class].original_price.is_none() {
        table.classes[class].original_price = Some(price);
        table.classes[class].conversion_price = Some(price);
    }
    arith.add_to(&mut table.classes[class].invested, total)?;
    buy(table, class, &purchases, &mut bought, arith)?;
    let adjustments = if protect {
        anti_dilution::adjust(table, class, price, fully_diluted, total, new_shares, arith)?
    } else {
        Vec::new()
    };
    Ok(RoundFigures {
        pre_money,
        post_money,
        amount: total,
        price,
        pool_increase: round.pool.map(|_| pool_increase),
        new_shares,
        conversions,
        tranches: bought,
        adjustments,
    })
}

/// Shares for each converting instrument at its solved term, rounded once.
///
/// Instruments priced per share (a pre-money cap, a note's cap, the discount, the round
/// price) divide their amount by that price rounded per [rounding]. Then a post-money
/// safe at its cap receives amount / cap × C and a fixed-ownership safe f × C, with no
/// price rounding (YC's defining identity), where C is the Company Capitalization made of
/// the shares actually issued: C = (F + S_other) / (1 − σ), σ summing amount/cap and f
/// over those safes. Without rounding, C is the solver's exact capitalization.
fn convert(
    inputs: &Inputs<'_, '_>,
    sol: &Solution,
    price: Decimal,
    rounding: &Rounding,
    a: Arith,
) -> Result<Vec<Conversion>, EngineError> {
    let rule = rounding.conversion_shares;
    // Per-share prices first; the capitalization-based conversions wait for C.
    let mut priced: Vec<Option<(Decimal, Decimal)>> = Vec::with_capacity(inputs.convertibles.len());
    let mut others = Decimal::ZERO;
    // σ: what the solver summed over these same instruments for this regime.
    let sigma = sol.sigma;
    for (conv, term) in inputs.convertibles.iter().zip(&sol.terms) {
        if solver::on_capitalization(*term, conv.cap.map(|(_, base)| base)) {
            priced.push(None);
            continue;
        }
        let conversion_price = match term {
            Term::Cap => rounding.price(
                solver::prices(inputs, conv, sol.price, sol.capitalization, sol.pool_increase, a)?
                    .cap
                    .unwrap_or(price),
            ),
            Term::Discount => {
                let d = conv.discount.unwrap_or_default();
                rounding.price(a.mul(price, a.sub(Decimal::ONE, d)?)?)
            }
            _ => price,
        };
        if conversion_price <= Decimal::ZERO {
            return Err(EngineError::new(
                conv.span,
                format!(
                    "the conversion price of the {} of \"{}\" rounds to zero",
                    conv.instrument, conv.investor
                ),
            )
            .with_hint("raise `price_decimals` in [rounding]"));
        }
        let shares = rule.apply(a.div(conv.amount, conversion_price)?);
        a.add_to(&mut others, shares)?;
        priced.push(Some((shares, conversion_price)));
    }
    let capitalization = if sigma.is_zero() {
        sol.capitalization
    } else {
        a.div(a.add(inputs.fully_diluted, others)?, a.sub(Decimal::ONE, sigma)?)?
    };
    let mut out = Vec::with_capacity(inputs.convertibles.len());
    for ((conv, term), priced) in inputs.convertibles.iter().zip(&sol.terms).zip(priced) {
        let (shares, conversion_price) = match (priced, conv.fixed, conv.cap) {
            (Some(p), _, _) => p,
            (None, Some(f), _) => {
                let shares = rule.apply(a.mul(f, capitalization)?);
                (
                    shares,
                    if shares.is_zero() {
                        price
                    } else {
                        a.div(conv.amount, shares)?
                    },
                )
            }
            (None, None, Some((cap, _))) => (
                rule.apply(a.div(a.mul(conv.amount, capitalization)?, cap)?),
                rounding.price(a.div(cap, capitalization)?),
            ),
            (None, None, None) => (Decimal::ZERO, price),
        };
        if shares.is_zero() && !conv.amount.is_zero() {
            return Err(EngineError::new(
                conv.span,
                format!(
                    "the {} of \"{}\" converts into no share at {} per share",
                    conv.instrument,
                    conv.investor,
                    figure(conversion_price)
                ),
            )
            .with_hint(
                "its amount is below the price of one share: check the amounts, or `conversion_shares` in [rounding]",
            ));
        }
        out.push(Conversion {
            instrument: conv.instrument,
            // Set when the investor's position is found.
            holder: 0,
            amount: conv.amount,
            price: conversion_price,
            shares,
            term: term.name(conv.mfn),
        });
    }
    Ok(out)
}

/// The shares an amount of new money buys, rounded per `cash_shares`: decided on the
/// exact quotient when the round was solved exactly (as its conversions are), else on the
/// decimal one.
fn cash_shares(
    amount: Decimal,
    price: Decimal,
    divisor: Option<Ratio>,
    rounding: &Rounding,
    arith: Arith,
) -> Result<Decimal, EngineError> {
    let exact = divisor.and_then(|d| Ratio::of(amount)?.checked_div(d)?.round(rounding.cash_shares));
    match exact {
        Some(shares) => Ok(shares),
        None => Ok(rounding.cash_shares.apply(arith.div(amount, price)?)),
    }
}

/// Issues each purchase's shares of the round's class (a new investor holds preferred).
fn buy<'s>(
    table: &mut CapTable<'s>,
    class: usize,
    purchases: &[Purchase<'s>],
    bought: &mut [Bought],
    arith: Arith,
) -> Result<(), EngineError> {
    for (p, b) in purchases.iter().zip(bought) {
        b.holder = table.position_of(&p.tranche.investor, HolderKind::Preferred);
        table.add(b.holder, class, b.shares, arith)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    //! The exact solver and the decimal solver are two routes to the same definitions:
    //! wherever the exact one answers, the decimal one must give the same price, terms and
    //! share counts (it is what percent mode and very large inputs use).
    use super::*;
    use crate::engine::conversion::CapBase;
    use crate::engine::model::{PriceRounding, ShareRounding, Span};

    /// A small deterministic generator (no dependency, the same cases every run).
    struct Lcg(u64);

    impl Lcg {
        fn next(&mut self, below: u64) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (self.0 >> 33) % below.max(1)
        }

        fn money(&mut self, from_k: u64, to_k: u64) -> Decimal {
            Decimal::from((from_k + self.next(to_k - from_k)) * 1_000)
        }

        fn percent(&mut self, from: u64, to: u64) -> Decimal {
            Decimal::new(i64::try_from(from + self.next(to - from)).unwrap_or(0), 2)
        }
    }

    #[test]
    fn exact_and_decimal_solvers_agree() {
        let span: Span = 0..0;
        let names: Vec<String> = (0..4).map(|i| format!("Investor {i}")).collect();
        let mut rng = Lcg(2026);
        let (mut compared, mut exact_declined) = (0, 0);
        for _ in 0..20_000 {
            let f = Decimal::from(1_000_000 + rng.next(20_000_000));
            let pool_now = Decimal::from(rng.next(2_000_000));
            let new_money = rng.money(100, 10_000);
            let value = rng.money(1_000, 60_000);
            let convertibles: Vec<Convertible> = (0..rng.next(5))
                .map(|i| {
                    let amount = rng.money(10, 2_000);
                    let base = match rng.next(4) {
                        0 => CapBase::PreMoneyWithPool,
                        1 => CapBase::FullyDiluted,
                        _ => CapBase::Capitalization,
                    };
                    let fixed = (base == CapBase::Capitalization && rng.next(6) == 0).then(|| rng.percent(3, 10));
                    let cap = (fixed.is_none() && rng.next(4) != 0).then(|| (rng.money(2_000, 40_000), base));
                    let discount = (fixed.is_none() && rng.next(3) == 0).then(|| rng.percent(5, 30));
                    Convertible {
                        instrument: "safe",
                        investor: &names[i as usize % names.len()],
                        amount,
                        principal: amount,
                        cap,
                        discount,
                        fixed,
                        mfn: false,
                        span: &span,
                    }
                })
                .collect();
            let inputs = Inputs {
                fully_diluted: f,
                outstanding: f - pool_now.min(f),
                pool_now,
                new_money,
                pricing: if rng.next(8) == 0 {
                    Pricing::Fixed(Decimal::new(i64::try_from(5 + rng.next(300)).unwrap_or(1), 2))
                } else {
                    Pricing::ByValue(value)
                },
                conversions_in_price: rng.next(4) != 0,
                pool: match rng.next(3) {
                    0 => PoolRule::None,
                    1 => PoolRule::Increase(Decimal::from(rng.next(1_000_000))),
                    _ => PoolRule::Target(rng.percent(5, 25)),
                },
                pool_span: &span,
                convertibles: &convertibles,
            };
            let rounding = Rounding {
                price_decimals: [None, Some(4), Some(2)][rng.next(3) as usize],
                price_rounding: PriceRounding::HalfUp,
                cash_shares: ShareRounding::Down,
                conversion_shares: [ShareRounding::Down, ShareRounding::Nearest, ShareRounding::Up]
                    [rng.next(3) as usize],
                pool_shares: ShareRounding::Up,
            };
            let Some(exact) = exact_solver::solve(&inputs, &rounding) else {
                exact_declined += 1;
                continue;
            };
            let arith = Arith::at(&span);
            let solution = solver::solve(&inputs, arith).expect("the decimal solver solves what the exact one did");
            let price = match inputs.pricing {
                Pricing::Fixed(p) => p,
                Pricing::ByValue(_) => rounding.price(solution.price),
            };
            let decimal =
                convert(&inputs, &solution, price, &rounding, arith).expect("the decimal conversions succeed");
            let close = |a: Decimal, b: Decimal| (a - b).abs() <= Decimal::new(1, 18) * a.abs().max(Decimal::ONE);
            assert!(
                close(exact.price, price),
                "price {} ≠ {} for {:?}",
                exact.price,
                price,
                inputs.pricing
            );
            for (e, d) in exact.conversions.iter().zip(&decimal) {
                assert_eq!(e.term, d.term, "term");
                assert_eq!(e.shares, d.shares, "shares at {} ({}) vs {}", e.price, e.term, d.price);
                assert!(close(e.price, d.price), "conversion price {} ≠ {}", e.price, d.price);
            }
            compared += 1;
        }
        // Most generated rounds are solved exactly (the rest have no solution, or fall back).
        assert!(compared > 10_000, "only {compared} compared, {exact_declined} declined");
    }
}
