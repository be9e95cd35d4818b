//! The exact solution of a priced round with conversions and a pool top-up.
//!
//! Unknowns: x, the price denominator (price = V / x); P, the pre-money pool increase;
//! S, the conversion shares. Once each instrument's *term* is fixed (cap, discount,
//! price or fixed ownership) and the pool is known to need a top-up or not, every
//! relation is linear in (x, P, S):
//!
//!   E1  x − P − θ·S = F                 θ = 1 unless the method is "pre-money"
//!   E2  (1 − t)·P − t·S − t·(A/V)·x = t·F − U      pool target t (or P = n, or P = 0)
//!   E3  (1 − σ)·S − π·P − κ·x = (σ + π)·F + c
//!
//! where σ sums amount/cap over safes capped on the Company Capitalization (F + S) and
//! the fixed ownerships, π sums amount/cap over pre-money safes at their cap (F + P),
//! κ sums amount/(V·k) over instruments converting at the price (k = 1) or the discount
//! (k = 1 − d), and c holds the conversions that depend on nothing (notes capped on F).
//! The 3×3 system is solved exactly (Gaussian elimination in decimal); the solution is
//! accepted when every instrument's assumed term gives its lowest price and the pool
//! assumption holds. Otherwise each instrument moves to the term that was lowest and
//! the system is solved again; if that does not settle, every assignment is tried (a
//! finite set), so the procedure always ends. See docs/methodology.md.

use super::arith::Arith;
use super::conversion::{CapBase, Convertible};
use super::error::EngineError;
use rust_decimal::Decimal;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Term {
    Price,
    Discount,
    Cap,
    Fixed,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pricing {
    /// The price is V / x: V the pre-money (plus principal, dollars-invested).
    ByValue(Decimal),
    /// The price is given.
    Fixed(Decimal),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PoolRule {
    None,
    Increase(Decimal),
    Target(Decimal),
}

pub struct Inputs<'a, 's> {
    pub fully_diluted: Decimal,
    pub outstanding: Decimal,
    pub pool_now: Decimal,
    pub new_money: Decimal,
    pub pricing: Pricing,
    /// θ: whether conversion shares are in the price denominator.
    pub conversions_in_price: bool,
    pub pool: PoolRule,
    /// Where the pool target is written, for errors about it.
    pub pool_span: Option<&'a super::model::Span>,
    pub convertibles: &'a [Convertible<'s>],
}

#[derive(Clone, Debug)]
pub struct Solution {
    pub price: Decimal,
    pub denominator: Decimal,
    pub pool_increase: Decimal,
    pub conversion_shares: Decimal,
    /// F + S: the post-money safes' Company Capitalization.
    pub capitalization: Decimal,
    pub terms: Vec<Term>,
}

/// Most regimes tried one after another before falling back to trying all of them.
const MAX_STEPS: usize = 16;
/// Above this many instruments the exhaustive fallback would be too much work (3^8 × 2
/// regimes is a few tens of milliseconds; it is reached only when the direct iteration
/// does not settle, which no published case does).
const MAX_EXHAUSTIVE: usize = 8;

pub fn solve(inputs: &Inputs, arith: Arith) -> Result<Solution, EngineError> {
    let mut terms: Vec<Term> = inputs.convertibles.iter().map(first_guess).collect();
    let mut pool_active = matches!(inputs.pool, PoolRule::Target(_));
    for _ in 0..MAX_STEPS {
        let Some(candidate) = solve_regime(inputs, &terms, pool_active, arith)? else {
            break;
        };
        let (better_terms, better_pool) = preferred(inputs, &candidate, pool_active, arith)?;
        if better_terms == terms && better_pool == pool_active {
            return Ok(candidate);
        }
        terms = better_terms;
        pool_active = better_pool;
    }
    exhaustive(inputs, arith)
}

/// Refuses a round with no solution, at the pool target when nothing converts.
fn unsolvable(inputs: &Inputs, arith: Arith) -> EngineError {
    match (inputs.convertibles.is_empty(), inputs.pool, inputs.pool_span) {
        (true, PoolRule::Target(t), Some(span)) => super::option_pool::target_unreachable(span, t),
        _ => no_solution(arith),
    }
}

fn first_guess(c: &Convertible) -> Term {
    if c.fixed.is_some() {
        Term::Fixed
    } else if c.cap.is_some() {
        Term::Cap
    } else if c.discount.is_some() {
        Term::Discount
    } else {
        Term::Price
    }
}

/// Tries every assignment of terms (and of the pool's need to grow).
fn exhaustive(inputs: &Inputs, arith: Arith) -> Result<Solution, EngineError> {
    let n = inputs.convertibles.len();
    if n > MAX_EXHAUSTIVE {
        return Err(no_solution(arith).with_hint(format!(
            "calc searches every combination of terms for at most {MAX_EXHAUSTIVE} converting securities in one round"
        )));
    }
    let options: Vec<Vec<Term>> = inputs.convertibles.iter().map(possible_terms).collect();
    let combos: usize = options.iter().map(Vec::len).product();
    for pool_active in [true, false] {
        if pool_active && !matches!(inputs.pool, PoolRule::Target(_)) {
            continue;
        }
        for mut k in 0..combos {
            let terms: Vec<Term> = options
                .iter()
                .map(|o| {
                    let t = o[k % o.len()];
                    k /= o.len();
                    t
                })
                .collect();
            if let Some(candidate) = solve_regime(inputs, &terms, pool_active, arith)? {
                let (better_terms, better_pool) = preferred(inputs, &candidate, pool_active, arith)?;
                if better_pool == pool_active && consistent(inputs, &candidate, &better_terms, arith)? {
                    return Ok(candidate);
                }
            }
        }
    }
    Err(unsolvable(inputs, arith))
}

fn possible_terms(c: &Convertible) -> Vec<Term> {
    if c.fixed.is_some() {
        return vec![Term::Fixed];
    }
    let mut v = vec![Term::Price];
    if c.discount.is_some() {
        v.push(Term::Discount);
    }
    if c.cap.is_some() {
        v.push(Term::Cap);
    }
    v
}

fn no_solution(arith: Arith) -> EngineError {
    EngineError::new(
        arith.span,
        "this round has no solution: the converting safes and notes and the pool top-up would take all of the company",
    )
    .with_hint(
        "lower the pool target, or check the safes' caps and fixed ownerships: together they must stay well below 100%",
    )
}

/// Solves the linear system for one regime; `None` if it has no admissible solution.
fn solve_regime(inputs: &Inputs, terms: &[Term], pool_active: bool, a: Arith) -> Result<Option<Solution>, EngineError> {
    let f = inputs.fully_diluted;
    let (mut sigma, mut pi, mut kappa, mut c) = (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
    for (conv, term) in inputs.convertibles.iter().zip(terms) {
        match (term, conv.cap) {
            (Term::Fixed, _) => sigma = a.add(sigma, conv.fixed.unwrap_or_default())?,
            (Term::Cap, Some((cap, base))) => {
                let per = a.div(conv.amount, cap)?;
                match base {
                    CapBase::Capitalization => sigma = a.add(sigma, per)?,
                    CapBase::PreMoneyWithPool => pi = a.add(pi, per)?,
                    CapBase::FullyDiluted => c = a.add(c, a.mul(per, f)?)?,
                    CapBase::Outstanding => c = a.add(c, a.mul(per, inputs.outstanding)?)?,
                }
            }
            (Term::Cap, None) => return Ok(None),
            (Term::Price | Term::Discount, _) => {
                let k = match (term, conv.discount) {
                    (Term::Discount, Some(d)) => a.sub(Decimal::ONE, d)?,
                    (Term::Discount, None) => return Ok(None),
                    _ => Decimal::ONE,
                };
                match inputs.pricing {
                    Pricing::ByValue(v) => kappa = a.add(kappa, a.div(conv.amount, a.mul(v, k)?)?)?,
                    Pricing::Fixed(p) => c = a.add(c, a.div(conv.amount, a.mul(p, k)?)?)?,
                }
            }
        }
    }
    if sigma >= Decimal::ONE {
        return Ok(None);
    }
    let theta = if inputs.conversions_in_price {
        Decimal::ONE
    } else {
        Decimal::ZERO
    };
    let e1 = [Decimal::ONE, -Decimal::ONE, -theta, f];
    let e2 = match (inputs.pool, pool_active) {
        (PoolRule::Increase(n), _) => [Decimal::ZERO, Decimal::ONE, Decimal::ZERO, n],
        (PoolRule::Target(t), true) => {
            let u = inputs.pool_now;
            let one_minus_t = a.sub(Decimal::ONE, t)?;
            match inputs.pricing {
                Pricing::ByValue(v) => {
                    let nx = a.mul(t, a.div(inputs.new_money, v)?)?;
                    [-nx, one_minus_t, -t, a.sub(a.mul(t, f)?, u)?]
                }
                Pricing::Fixed(p) => {
                    let bought = a.div(inputs.new_money, p)?;
                    [Decimal::ZERO, one_minus_t, -t, a.sub(a.mul(t, a.add(f, bought)?)?, u)?]
                }
            }
        }
        _ => [Decimal::ZERO, Decimal::ONE, Decimal::ZERO, Decimal::ZERO],
    };
    let e3 = [
        -kappa,
        -pi,
        a.sub(Decimal::ONE, sigma)?,
        a.add(a.mul(a.add(sigma, pi)?, f)?, c)?,
    ];
    let Some([x, p, s]) = gauss([e1, e2, e3], a)? else {
        return Ok(None);
    };
    // A negative pool increase is kept: it tells `preferred` the pool needs no top-up.
    if x <= Decimal::ZERO || s.is_sign_negative() && !s.is_zero() {
        return Ok(None);
    }
    let price = match inputs.pricing {
        Pricing::ByValue(v) => a.div(v, x)?,
        Pricing::Fixed(p) => p,
    };
    Ok(Some(Solution {
        price,
        denominator: x,
        pool_increase: p,
        conversion_shares: s.max(Decimal::ZERO),
        capitalization: a.add(f, s.max(Decimal::ZERO))?,
        terms: terms.to_vec(),
    }))
}

/// Solves a 3×3 system [a b c | d] by elimination with partial pivoting.
fn gauss(mut m: [[Decimal; 4]; 3], a: Arith) -> Result<Option<[Decimal; 3]>, EngineError> {
    for col in 0..3 {
        let pivot = (col..3).max_by_key(|&r| m[r][col].abs()).unwrap_or(col);
        if m[pivot][col].is_zero() {
            return Ok(None);
        }
        m.swap(col, pivot);
        let pivot_row = m[col];
        for (r, row) in m.iter_mut().enumerate() {
            if r == col || row[col].is_zero() {
                continue;
            }
            let factor = a.div(row[col], pivot_row[col])?;
            for k in col..4 {
                row[k] = a.sub(row[k], a.mul(factor, pivot_row[k])?)?;
            }
        }
    }
    Ok(Some([
        a.div(m[0][3], m[0][0])?,
        a.div(m[1][3], m[1][1])?,
        a.div(m[2][3], m[2][2])?,
    ]))
}

/// The per-share prices an instrument could convert at, given a solution.
pub struct Prices {
    pub price: Decimal,
    pub discount: Option<Decimal>,
    pub cap: Option<Decimal>,
}

pub fn prices(inputs: &Inputs, conv: &Convertible, sol: &Solution, a: Arith) -> Result<Prices, EngineError> {
    let discount = match conv.discount {
        Some(d) => Some(a.mul(sol.price, a.sub(Decimal::ONE, d)?)?),
        None => None,
    };
    let cap = match conv.cap {
        Some((cap, base)) => {
            let b = match base {
                CapBase::Capitalization => sol.capitalization,
                CapBase::PreMoneyWithPool => a.add(inputs.fully_diluted, sol.pool_increase)?,
                CapBase::FullyDiluted => inputs.fully_diluted,
                CapBase::Outstanding => inputs.outstanding,
            };
            Some(a.div(cap, b)?)
        }
        None => None,
    };
    Ok(Prices {
        price: sol.price,
        discount,
        cap,
    })
}

/// The term each instrument would choose at this solution (cap, then discount, then
/// price on ties), and whether the pool needs its top-up.
fn preferred(inputs: &Inputs, sol: &Solution, pool_active: bool, a: Arith) -> Result<(Vec<Term>, bool), EngineError> {
    let mut terms = Vec::with_capacity(inputs.convertibles.len());
    for conv in inputs.convertibles {
        if conv.fixed.is_some() {
            terms.push(Term::Fixed);
            continue;
        }
        let p = prices(inputs, conv, sol, a)?;
        let mut best = (p.price, Term::Price);
        if let Some(d) = p.discount {
            if d <= best.0 {
                best = (d, Term::Discount);
            }
        }
        if let Some(c) = p.cap {
            if c <= best.0 {
                best = (c, Term::Cap);
            }
        }
        terms.push(best.1);
    }
    let pool = match inputs.pool {
        PoolRule::Target(t) => {
            if pool_active {
                sol.pool_increase > Decimal::ZERO
            } else {
                let bought = a.div(inputs.new_money, sol.price)?;
                let total = a.add(a.add(sol.capitalization, sol.pool_increase)?, bought)?;
                inputs.pool_now < a.mul(t, total)?
            }
        }
        _ => false,
    };
    Ok((terms, pool))
}

/// Whether each assumed term is (one of) the lowest prices at the solution.
fn consistent(inputs: &Inputs, sol: &Solution, best: &[Term], a: Arith) -> Result<bool, EngineError> {
    for ((conv, assumed), chosen) in inputs.convertibles.iter().zip(&sol.terms).zip(best) {
        if assumed == chosen {
            continue;
        }
        let p = prices(inputs, conv, sol, a)?;
        let of = |t: &Term| match t {
            Term::Price => Some(p.price),
            Term::Discount => p.discount,
            Term::Cap => p.cap,
            Term::Fixed => None,
        };
        if of(assumed) != of(chosen) {
            return Ok(false);
        }
    }
    Ok(true)
}
