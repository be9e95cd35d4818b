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
//! E1 gives x; the two equations left in (P, S) are solved by Cramer's rule, in
//! decimal here (`exact_solver` solves the same system in exact fractions first, and
//! this is the route when those outgrow 128 bits). The solution is accepted when every
//! instrument's assumed term gives its lowest price and the pool assumption holds.
//! Otherwise each instrument moves to the term that was lowest and the system is solved
//! again; if that does not settle, every assignment is tried (a finite set), so the
//! procedure always ends. See docs/methodology.md §7.5.

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

impl Term {
    /// As reported: `mfn` when the cap or discount was borrowed from a later safe.
    pub fn name(self, mfn: bool) -> &'static str {
        match self {
            Term::Fixed => "fixed",
            Term::Cap | Term::Discount if mfn => "mfn",
            Term::Cap => "cap",
            Term::Discount => "discount",
            Term::Price => "price",
        }
    }
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
    pub pool_span: &'a super::model::Span,
    pub convertibles: &'a [Convertible<'s>],
}

#[derive(Clone, Debug)]
pub struct Solution {
    pub price: Decimal,
    pub denominator: Decimal,
    pub pool_increase: Decimal,
    /// F + S: the post-money safes' Company Capitalization.
    pub capitalization: Decimal,
    /// σ of the solution's regime: amount/cap over the post-money safes at their cap plus
    /// the fixed ownerships (their share of the Company Capitalization).
    pub sigma: Decimal,
    pub terms: Vec<Term>,
}

/// Most regimes tried one after another before falling back to trying all of them.
pub const MAX_STEPS: usize = 16;
/// Above this many instruments the exhaustive fallback would be too much work (3^8 × 2
/// regimes is a few tens of milliseconds; it is reached only when the direct iteration
/// does not settle, which no published case does).
const MAX_EXHAUSTIVE: usize = 8;

pub fn solve(inputs: &Inputs, arith: Arith) -> Result<Solution, EngineError> {
    let mut ratios = Ratios::new(inputs);
    let mut terms: Vec<Term> = inputs.convertibles.iter().map(first_guess).collect();
    let mut better = Vec::with_capacity(terms.len());
    let mut pool_active = matches!(inputs.pool, PoolRule::Target(_));
    for _ in 0..MAX_STEPS {
        let Some(candidate) = solve_regime(inputs, &mut ratios, &terms, pool_active, arith)? else {
            break;
        };
        let better_pool = preferred(inputs, &candidate, pool_active, &mut better, arith)?;
        if better == terms && better_pool == pool_active {
            return Ok(candidate.with_terms(terms));
        }
        std::mem::swap(&mut terms, &mut better);
        pool_active = better_pool;
    }
    exhaustive(inputs, &mut ratios, arith)
}

/// The ratios each instrument contributes to E3, computed once per round and only when
/// a regime needs them: amount / cap, and amount / (V′ k) at the price (k = 1) or the
/// discount (k = 1 − d) when the price is V′ / x.
struct Ratios {
    per: Vec<[Option<Decimal>; 3]>,
}

const CAP: usize = 0;
const PRICE: usize = 1;
const DISCOUNT: usize = 2;

impl Ratios {
    fn new(inputs: &Inputs) -> Self {
        Ratios {
            per: vec![[None; 3]; inputs.convertibles.len()],
        }
    }

    fn get(
        &mut self,
        i: usize,
        which: usize,
        compute: impl FnOnce() -> Result<Decimal, EngineError>,
    ) -> Result<Decimal, EngineError> {
        match self.per.get(i).and_then(|r| r[which]) {
            Some(v) => Ok(v),
            None => {
                let v = compute()?;
                if let Some(r) = self.per.get_mut(i) {
                    r[which] = Some(v);
                }
                Ok(v)
            }
        }
    }
}

/// A solution before its regime's terms are attached (kept out of the search loop so
/// that trying a regime allocates nothing).
struct Candidate {
    price: Decimal,
    denominator: Decimal,
    pool_increase: Decimal,
    capitalization: Decimal,
    sigma: Decimal,
}

impl Candidate {
    fn with_terms(self, terms: Vec<Term>) -> Solution {
        Solution {
            price: self.price,
            denominator: self.denominator,
            pool_increase: self.pool_increase,
            capitalization: self.capitalization,
            sigma: self.sigma,
            terms,
        }
    }
}

/// Refuses a round with no solution, at the pool target when nothing converts.
fn unsolvable(inputs: &Inputs, arith: Arith) -> EngineError {
    match (inputs.convertibles.is_empty(), inputs.pool) {
        (true, PoolRule::Target(t)) => super::option_pool::target_unreachable(inputs.pool_span, t),
        _ => no_solution(arith),
    }
}

/// Whether a conversion at this term is a share of the Company Capitalization (a fixed
/// ownership, or a post-money cap), which waits for C, rather than amount / a price.
pub fn on_capitalization(term: Term, cap_base: Option<CapBase>) -> bool {
    matches!(
        (term, cap_base),
        (Term::Fixed, _) | (Term::Cap, Some(CapBase::Capitalization))
    )
}

pub fn first_guess(c: &Convertible) -> Term {
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
fn exhaustive(inputs: &Inputs, ratios: &mut Ratios, arith: Arith) -> Result<Solution, EngineError> {
    let n = inputs.convertibles.len();
    if n > MAX_EXHAUSTIVE {
        return Err(no_solution(arith).with_hint(format!(
            "calc searches every combination of terms for at most {MAX_EXHAUSTIVE} converting securities in one round"
        )));
    }
    let options: Vec<Vec<Term>> = inputs.convertibles.iter().map(possible_terms).collect();
    let combos: usize = options.iter().map(Vec::len).product();
    let mut better = Vec::with_capacity(n);
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
            if let Some(candidate) = solve_regime(inputs, ratios, &terms, pool_active, arith)? {
                let better_pool = preferred(inputs, &candidate, pool_active, &mut better, arith)?;
                let candidate = candidate.with_terms(terms);
                if better_pool == pool_active && consistent(inputs, &candidate, &better, arith)? {
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
///
/// E1 gives x = F + P + θS; put into E2 and E3 it leaves two equations in (P, S),
///   (a₂ₚ + a₂ₓ)·P + (a₂ₛ + θ·a₂ₓ)·S = b₂ − a₂ₓ·F
///   −(κ + π)·P + (1 − σ − θ·κ)·S = (σ + π + κ)·F + c
/// solved by Cramer's rule (two divisions; one when P is given).
fn solve_regime(
    inputs: &Inputs,
    ratios: &mut Ratios,
    terms: &[Term],
    pool_active: bool,
    a: Arith,
) -> Result<Option<Candidate>, EngineError> {
    let f = inputs.fully_diluted;
    let (mut sigma, mut pi, mut kappa, mut c) = (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
    for (i, (conv, term)) in inputs.convertibles.iter().zip(terms).enumerate() {
        match (term, conv.cap) {
            (Term::Fixed, _) => sigma = a.add(sigma, conv.fixed.unwrap_or_default())?,
            (Term::Cap, Some((cap, base))) => {
                let per = ratios.get(i, CAP, || a.div(conv.amount, cap))?;
                match base {
                    CapBase::Capitalization => sigma = a.add(sigma, per)?,
                    CapBase::PreMoneyWithPool => pi = a.add(pi, per)?,
                    CapBase::FullyDiluted => c = a.add(c, a.mul(per, f)?)?,
                    CapBase::Outstanding => c = a.add(c, a.mul(per, inputs.outstanding)?)?,
                }
            }
            (Term::Cap, None) => return Ok(None),
            (Term::Price | Term::Discount, _) => {
                let (k, which) = match (term, conv.discount) {
                    (Term::Discount, Some(d)) => (a.sub(Decimal::ONE, d)?, DISCOUNT),
                    (Term::Discount, None) => return Ok(None),
                    _ => (Decimal::ONE, PRICE),
                };
                let (v, into_kappa) = match inputs.pricing {
                    Pricing::ByValue(v) => (v, true),
                    Pricing::Fixed(p) => (p, false),
                };
                let per = ratios.get(i, which, || a.div(conv.amount, a.mul(v, k)?))?;
                if into_kappa {
                    kappa = a.add(kappa, per)?;
                } else {
                    c = a.add(c, per)?;
                }
            }
        }
    }
    if sigma >= Decimal::ONE {
        return Ok(None);
    }
    // θ is 1 or 0: multiply by it by choosing.
    let theta = |v: Decimal| if inputs.conversions_in_price { v } else { Decimal::ZERO };
    // E3 with x substituted: m21·P + m22·S = r2.
    let m21 = -a.add(kappa, pi)?;
    let m22 = a.sub(a.sub(Decimal::ONE, sigma)?, theta(kappa))?;
    let r2 = a.add(a.mul(a.add(a.add(sigma, pi)?, kappa)?, f)?, c)?;
    let given_pool = match (inputs.pool, pool_active) {
        (PoolRule::Increase(n), _) => Some(n),
        (PoolRule::Target(_), true) => None,
        _ => Some(Decimal::ZERO),
    };
    let (p, s) = match (given_pool, inputs.pool) {
        (Some(p), _) => {
            if m22.is_zero() {
                return Ok(None);
            }
            (p, a.div(a.sub(r2, a.mul(m21, p)?)?, m22)?)
        }
        (None, PoolRule::Target(t)) => {
            // E2: a2x·x + (1 − t)·P − t·S = b2.
            let u = inputs.pool_now;
            let (a2x, b2) = match inputs.pricing {
                Pricing::ByValue(v) => (-a.mul(t, a.div(inputs.new_money, v)?)?, a.sub(a.mul(t, f)?, u)?),
                Pricing::Fixed(price) => {
                    let bought = a.div(inputs.new_money, price)?;
                    (Decimal::ZERO, a.sub(a.mul(t, a.add(f, bought)?)?, u)?)
                }
            };
            let m11 = a.add(a.sub(Decimal::ONE, t)?, a2x)?;
            let m12 = a.add(-t, theta(a2x))?;
            let r1 = a.sub(b2, a.mul(a2x, f)?)?;
            if m21.is_zero() {
                // Nothing converts at the price or a pre-money cap: the system is
                // triangular, S from E3 alone, then P.
                if m22.is_zero() || m11.is_zero() {
                    return Ok(None);
                }
                let s = a.div(r2, m22)?;
                (a.div(a.sub(r1, a.mul(m12, s)?)?, m11)?, s)
            } else {
                let det = a.sub(a.mul(m11, m22)?, a.mul(m12, m21)?)?;
                if det.is_zero() {
                    return Ok(None);
                }
                let p = a.div(a.sub(a.mul(r1, m22)?, a.mul(m12, r2)?)?, det)?;
                let s = a.div(a.sub(a.mul(m11, r2)?, a.mul(m21, r1)?)?, det)?;
                (p, s)
            }
        }
        (None, _) => return Ok(None),
    };
    let x = a.add(a.add(f, p)?, theta(s))?;
    // A negative pool increase is kept: it tells `preferred` the pool needs no top-up.
    if x <= Decimal::ZERO || s.is_sign_negative() && !s.is_zero() {
        return Ok(None);
    }
    let price = match inputs.pricing {
        Pricing::ByValue(v) => a.div(v, x)?,
        Pricing::Fixed(p) => p,
    };
    let s = s.max(Decimal::ZERO);
    Ok(Some(Candidate {
        price,
        denominator: x,
        pool_increase: p,
        capitalization: a.add(f, s)?,
        sigma,
    }))
}

/// The per-share prices an instrument could convert at, given a solution.
pub struct Prices {
    pub price: Decimal,
    pub discount: Option<Decimal>,
    pub cap: Option<Decimal>,
}

pub fn prices(
    inputs: &Inputs,
    conv: &Convertible,
    price: Decimal,
    capitalization: Decimal,
    pool_increase: Decimal,
    a: Arith,
) -> Result<Prices, EngineError> {
    let discount = match conv.discount {
        Some(d) => Some(a.mul(price, a.sub(Decimal::ONE, d)?)?),
        None => None,
    };
    let cap = match conv.cap {
        Some((cap, base)) => Some(a.div(cap, base_of(inputs, base, capitalization, pool_increase, a)?)?),
        None => None,
    };
    Ok(Prices { price, discount, cap })
}

/// What a cap is divided by at a solution with this capitalization and pool increase.
fn base_of(
    inputs: &Inputs,
    base: CapBase,
    capitalization: Decimal,
    pool_increase: Decimal,
    a: Arith,
) -> Result<Decimal, EngineError> {
    Ok(match base {
        CapBase::Capitalization => capitalization,
        CapBase::PreMoneyWithPool => a.add(inputs.fully_diluted, pool_increase)?,
        CapBase::FullyDiluted => inputs.fully_diluted,
        CapBase::Outstanding => inputs.outstanding,
    })
}

/// The term each instrument would choose at this solution (cap, then discount, then
/// price on ties), written into `terms`, and whether the pool needs its top-up.
fn preferred(
    inputs: &Inputs,
    sol: &Candidate,
    pool_active: bool,
    terms: &mut Vec<Term>,
    a: Arith,
) -> Result<bool, EngineError> {
    terms.clear();
    // The round price as num / den: V′ / x, or the given price over 1.
    let (num, den) = match inputs.pricing {
        Pricing::ByValue(v) => (v, sol.denominator),
        Pricing::Fixed(p) => (p, Decimal::ONE),
    };
    // num × C, shared by every post-money cap (the common case: one multiplication).
    let mut num_capitalization = None;
    for conv in inputs.convertibles {
        if conv.fixed.is_some() {
            terms.push(Term::Fixed);
            continue;
        }
        // The discount price is at or below the price whenever there is a discount
        // (0 ≤ d < 1, as the loader requires); ties go to the discount.
        let discount = match conv.discount {
            Some(d) => Some(a.sub(Decimal::ONE, d)?),
            None => None,
        };
        let mut best = match discount {
            Some(k) => (Some(k), Term::Discount),
            None => (None, Term::Price),
        };
        if let Some((cap, base)) = conv.cap {
            // cap / b ≤ (num / den) × k, cross-multiplied (no division): cap × den ≤ num × b × k.
            let b = base_of(inputs, base, sol.capitalization, sol.pool_increase, a)?;
            let num_b = match (base, num_capitalization) {
                (CapBase::Capitalization, Some(nb)) => Some(nb),
                _ => num.checked_mul(b),
            };
            if base == CapBase::Capitalization {
                num_capitalization = num_b;
            }
            let rhs = match (num_b, best.0) {
                (Some(nb), Some(k)) => nb.checked_mul(k),
                (nb, None) => nb,
                (None, Some(_)) => None,
            };
            let cap_lowest = match (cap.checked_mul(den), rhs) {
                (Some(lhs), Some(rhs)) => lhs <= rhs,
                // Too large to cross-multiply: compare the prices themselves.
                _ => {
                    let p = prices(inputs, conv, sol.price, sol.capitalization, sol.pool_increase, a)?;
                    let best_price = p.discount.filter(|_| best.1 == Term::Discount).unwrap_or(p.price);
                    p.cap.is_some_and(|c| c <= best_price)
                }
            };
            if cap_lowest {
                best.1 = Term::Cap;
            }
        }
        terms.push(best.1);
    }
    Ok(match inputs.pool {
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
    })
}

/// Whether each assumed term is (one of) the lowest prices at the solution.
fn consistent(inputs: &Inputs, sol: &Solution, best: &[Term], a: Arith) -> Result<bool, EngineError> {
    for ((conv, assumed), chosen) in inputs.convertibles.iter().zip(&sol.terms).zip(best) {
        if assumed == chosen {
            continue;
        }
        let p = prices(inputs, conv, sol.price, sol.capitalization, sol.pool_increase, a)?;
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
