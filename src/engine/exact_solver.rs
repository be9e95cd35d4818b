//! The round of `solver`, solved in exact fractions (`Ratio`) rather than in decimals.
//!
//! Same equations (E1–E3, docs/methodology.md §7.5), same search over regimes, same
//! conversions (§7.1–7.4); every comparison is exact, so a tie is a tie. The decimal
//! solver remains the reference: this one answers only when it can do so exactly and
//! simply, and returns `None` otherwise (a fraction outgrowing 128 bits, as percent mode's
//! 28-digit value units do; a regime search that does not settle at once; any input the
//! decimal path refuses with an error), and the caller then solves in decimals.

use super::conversion::{CapBase, Convertible};
use super::model::Rounding;
use super::outcome::Conversion;
use super::ratio::Ratio;
use super::solver::{first_guess, on_capitalization, Inputs, PoolRule, Pricing, Term, MAX_STEPS};
use rust_decimal::Decimal;
use std::cmp::Ordering;

/// A round's price and conversions, rounded once per the scenario's rules.
pub struct Solved {
    /// The round price, rounded per `price_decimals` (or as given).
    pub price: Decimal,
    /// x, the price's denominator: the pre-money of a `price` valuation is price × x
    /// (`None` for a round valued by money, which does not need it).
    pub denominator: Option<Decimal>,
    /// What a new-money amount is divided by for its shares: the exact price when prices
    /// are not rounded, else the rounded price (so that tranches and conversions divide
    /// alike, exactly).
    pub divisor: Ratio,
    pub conversions: Vec<Conversion>,
}

/// The round's inputs as fractions.
struct Exact {
    f: Ratio,
    outstanding: Ratio,
    pool_now: Ratio,
    new_money: Ratio,
    /// V′ (price = V′ / x) or the given price.
    value: Ratio,
    by_value: bool,
    pool: Pool,
    theta: bool,
    instruments: Vec<Instrument>,
}

#[derive(Clone, Copy)]
enum Pool {
    None,
    Increase(Ratio),
    Target(Ratio),
}

/// One safe or note in fractions (kept small: a round's instruments then fit the
/// allocator's fastest size classes).
struct Instrument {
    amount: Ratio,
    terms: Terms,
    /// The term it converts at in the regime being tried.
    term: Term,
}

/// A fixed ownership takes no other term into account.
enum Terms {
    Fixed(Ratio),
    Priced {
        cap: Option<Cap>,
        /// 1 − d.
        discount: Option<Ratio>,
    },
}

#[derive(Clone, Copy)]
struct Cap {
    value: Ratio,
    base: CapBase,
    /// amount / cap, once.
    per: Ratio,
}

/// One regime's solution.
struct Candidate {
    x: Ratio,
    p: Ratio,
    /// F + S.
    capitalization: Ratio,
    sigma: Ratio,
}

pub fn solve(inputs: &Inputs, rounding: &Rounding) -> Option<Solved> {
    let mut exact = Exact::of(inputs)?;
    let mut pool_active = matches!(exact.pool, Pool::Target(_));
    for _ in 0..MAX_STEPS {
        // An inadmissible regime sends the search to the decimal solver's fallback.
        let candidate = exact.regime(pool_active)??;
        let price = exact.price(candidate.x)?;
        let (moved, better_pool) = exact.preferred(&candidate, price, pool_active)?;
        if !moved && better_pool == pool_active {
            return exact.convert(inputs, &candidate, price, rounding);
        }
        pool_active = better_pool;
    }
    None
}

impl Exact {
    fn of(inputs: &Inputs) -> Option<Exact> {
        let (value, by_value) = match inputs.pricing {
            Pricing::ByValue(v) => (Ratio::of(v)?, true),
            Pricing::Fixed(p) => (Ratio::of(p)?, false),
        };
        let pool = match inputs.pool {
            PoolRule::None => Pool::None,
            PoolRule::Increase(n) => Pool::Increase(Ratio::of(n)?),
            PoolRule::Target(t) => Pool::Target(Ratio::of(t)?),
        };
        // (A loop, not a `collect` of options: that would grow the vector step by step.)
        let mut instruments = Vec::with_capacity(inputs.convertibles.len());
        for conv in inputs.convertibles {
            instruments.push(Instrument::of(conv)?);
        }
        Some(Exact {
            f: Ratio::of(inputs.fully_diluted)?,
            outstanding: Ratio::of(inputs.outstanding)?,
            pool_now: Ratio::of(inputs.pool_now)?,
            new_money: Ratio::of(inputs.new_money)?,
            value,
            by_value,
            pool,
            theta: inputs.conversions_in_price,
            instruments,
        })
    }

    fn theta(&self, v: Ratio) -> Ratio {
        if self.theta {
            v
        } else {
            Ratio::ZERO
        }
    }

    /// E1–E3 for one regime, reduced to two equations in (P, S) as in `solver` (the common
    /// post-money regime in closed form first). `Some(None)`: no admissible solution in
    /// this regime.
    fn regime(&self, pool_active: bool) -> Option<Option<Candidate>> {
        let f = self.f;
        let (mut pi, mut kappa, mut c) = (Ratio::ZERO, Ratio::ZERO, Ratio::ZERO);
        // σ in two sums: amount/cap fractions share their denominator when their caps are
        // equal (their sum adds numerators), which a fixed ownership summed in between
        // would spoil.
        let (mut fixed, mut capped) = (Ratio::ZERO, Ratio::ZERO);
        for inst in &self.instruments {
            let term = &inst.term;
            match (term, inst.cap()) {
                (Term::Fixed, _) => fixed = fixed.checked_add(inst.fixed()?)?,
                (Term::Cap, Some(Cap { base, per, .. })) => match base {
                    CapBase::Capitalization => capped = capped.checked_add(per)?,
                    CapBase::PreMoneyWithPool => pi = pi.checked_add(per)?,
                    CapBase::FullyDiluted => c = c.checked_add(per.checked_mul(f)?)?,
                    CapBase::Outstanding => c = c.checked_add(per.checked_mul(self.outstanding)?)?,
                },
                (Term::Cap, _) => return Some(None),
                (Term::Price | Term::Discount, _) => {
                    let price = match (term, inst.discount()) {
                        (Term::Discount, Some(k)) => self.value.checked_mul(k)?,
                        (Term::Discount, None) => return Some(None),
                        _ => self.value,
                    };
                    let per = inst.amount.checked_div(price)?;
                    if self.by_value {
                        kappa = kappa.checked_add(per)?;
                    } else {
                        c = c.checked_add(per)?;
                    }
                }
            }
        }
        let sigma = capped.checked_add(fixed)?.without_shared_twos_and_fives()?;
        if sigma.compare(Ratio::ONE) != Ordering::Less {
            return Some(None);
        }
        let m21 = kappa.checked_add(pi)?.checked_neg()?;
        let m22 = Ratio::ONE.checked_sub(sigma)?.checked_sub(self.theta(kappa))?;
        if let (Pool::Target(t), true, true, true, true) =
            (self.pool, pool_active, m21.is_zero(), self.theta, self.by_value)
        {
            // A fraction of the closed form can outgrow 128 bits where Cramer's rule's do
            // not (and the other way round): then Cramer's rule below has its turn.
            if let Some(found) = self.post_money_regime(t, sigma, m22, c) {
                return Some(found);
            }
        }
        let r2 = sigma
            .checked_add(pi)?
            .checked_add(kappa)?
            .checked_mul(f)?
            .checked_add(c)?;
        let given = match (self.pool, pool_active) {
            (Pool::Increase(n), _) => Some(n),
            (Pool::Target(_), true) => None,
            _ => Some(Ratio::ZERO),
        };
        let (p, s) = match (given, self.pool) {
            (Some(p), _) => {
                if m22.is_zero() {
                    return Some(None);
                }
                (p, r2.checked_sub(m21.checked_mul(p)?)?.checked_div(m22)?)
            }
            (None, Pool::Target(t)) => {
                let (a2x, b2) = if self.by_value {
                    (
                        t.checked_mul(self.new_money.checked_div(self.value)?)?.checked_neg()?,
                        t.checked_mul(f)?.checked_sub(self.pool_now)?,
                    )
                } else {
                    let bought = self.new_money.checked_div(self.value)?;
                    (
                        Ratio::ZERO,
                        t.checked_mul(f.checked_add(bought)?)?.checked_sub(self.pool_now)?,
                    )
                };
                let m11 = Ratio::ONE.checked_sub(t)?.checked_add(a2x)?;
                let m12 = t.checked_neg()?.checked_add(self.theta(a2x))?;
                let r1 = b2.checked_sub(a2x.checked_mul(f)?)?;
                let det = m11.checked_mul(m22)?.checked_sub(m12.checked_mul(m21)?)?;
                if det.is_zero() {
                    return Some(None);
                }
                let p = r1
                    .checked_mul(m22)?
                    .checked_sub(m12.checked_mul(r2)?)?
                    .checked_div(det)?;
                let s = m11
                    .checked_mul(r2)?
                    .checked_sub(m21.checked_mul(r1)?)?
                    .checked_div(det)?;
                (p, s)
            }
            (None, _) => return Some(None),
        };
        let x = f.checked_add(p)?.checked_add(self.theta(s))?;
        if !x.is_positive() || s.is_negative() {
            return Some(None);
        }
        Some(Some(Candidate {
            x,
            p,
            capitalization: f.checked_add(s)?,
            sigma,
        }))
    }

    /// The common regime in closed form: post-money caps and fixed ownerships only (κ = π
    /// = 0), the pool topped up to its target inside the price (θ = 1), the round valued by
    /// money. C = (F + c) / (1 − σ), g = t (V′ + A) / V′, x = (C − U) / (1 − g), P = x − C
    /// (docs/methodology.md §7.5): Cramer's solution in a third of the operations, on
    /// smaller fractions.
    fn post_money_regime(&self, t: Ratio, sigma: Ratio, one_minus_sigma: Ratio, c: Ratio) -> Option<Option<Candidate>> {
        let capitalization = self.f.checked_add(c)?.checked_div(one_minus_sigma)?;
        let g = t
            .checked_mul(self.value.checked_add(self.new_money)?)?
            .checked_div(self.value)?;
        let below = Ratio::ONE.checked_sub(g)?;
        if below.is_zero() {
            return Some(None);
        }
        let x = capitalization.checked_sub(self.pool_now)?.checked_div(below)?;
        if !x.is_positive() || capitalization.compare(self.f) == Ordering::Less {
            return Some(None);
        }
        Some(Some(Candidate {
            x,
            p: x.checked_sub(capitalization)?,
            capitalization,
            sigma,
        }))
    }

    /// The price per share at a solution, as a fraction.
    fn price(&self, x: Ratio) -> Option<Ratio> {
        if self.by_value {
            self.value.checked_div(x)
        } else {
            Some(self.value)
        }
    }

    fn base(&self, base: CapBase, capitalization: Ratio, pool_increase: Ratio) -> Option<Ratio> {
        Some(match base {
            CapBase::Capitalization => capitalization,
            CapBase::PreMoneyWithPool => self.f.checked_add(pool_increase)?,
            CapBase::FullyDiluted => self.f,
            CapBase::Outstanding => self.outstanding,
        })
    }

    /// Moves each instrument to its lowest price (cap, then discount, then price on ties)
    /// and says whether any moved, and whether the pool needs its top-up, as
    /// `solver::preferred` decides them.
    fn preferred(&mut self, sol: &Candidate, price: Ratio, pool_active: bool) -> Option<(bool, bool)> {
        let mut moved = false;
        // Instruments with the same cap and discount (safes on one template, an MFN that
        // took a later safe's terms) get the same term: decided once.
        let mut last: Option<usize> = None;
        for i in 0..self.instruments.len() {
            let inst = &self.instruments[i];
            if inst.fixed().is_some() {
                continue;
            }
            let best = match last {
                Some(j) if self.instruments[j].same_price_terms(inst) => self.instruments[j].term,
                _ => {
                    last = Some(i);
                    self.lowest_price_term(inst, price, sol)?
                }
            };
            moved |= self.instruments[i].term != best;
            self.instruments[i].term = best;
        }
        let pool = match self.pool {
            Pool::Target(_) if pool_active => sol.p.is_positive(),
            Pool::Target(t) => {
                let bought = self.new_money.checked_div(price)?;
                let total = sol.capitalization.checked_add(sol.p)?.checked_add(bought)?;
                self.pool_now.compare(t.checked_mul(total)?) == Ordering::Less
            }
            _ => false,
        };
        Some((moved, pool))
    }

    /// The term that gives `inst` its lowest price at the solution `sol` (round price
    /// `price`): cap, then discount, then price on ties.
    fn lowest_price_term(&self, inst: &Instrument, price: Ratio, sol: &Candidate) -> Option<Term> {
        let mut best = (price, Term::Price);
        // A discount (0 ≤ d < 1) never prices above the round; ties go to it.
        if let Some(k) = inst.discount() {
            best = (price.checked_mul(k)?, Term::Discount);
        }
        if let Some(Cap { value: cap, base, .. }) = inst.cap() {
            let cap_price = cap.checked_div(self.base(base, sol.capitalization, sol.p)?)?;
            if cap_price.compare(best.0) != Ordering::Greater {
                best = (cap_price, Term::Cap);
            }
        }
        Some(best.1)
    }

    /// The conversions at the solved terms, rounded once (`priced_round::convert`, §7.1).
    fn convert(&self, inputs: &Inputs, sol: &Candidate, exact_price: Ratio, rounding: &Rounding) -> Option<Solved> {
        let price = if self.by_value {
            rounding.price(exact_price.to_decimal()?)
        } else {
            Ratio::to_decimal(self.value)?
        };
        if price <= Decimal::ZERO {
            return None;
        }
        // What a count is divided by: the exact price when prices are not rounded (a
        // 28-digit decimal of 8M/11M would turn 137,500 shares into 137,499.99…).
        let unrounded = rounding.price_decimals.is_none();
        let divisor = |exact: Ratio, shown: Decimal| if unrounded { Some(exact) } else { Ratio::of(shown) };
        let rule = rounding.conversion_shares;
        // Per-share prices first; the capitalization-based conversions wait for C.
        let mut out = Vec::with_capacity(self.instruments.len());
        let mut others = Ratio::ZERO;
        let mut per_share = false;
        for (inst, conv) in self.instruments.iter().zip(inputs.convertibles) {
            let term = &inst.term;
            if on_capitalization(*term, inst.cap().map(|cap| cap.base)) {
                out.push(conversion(conv, *term, Decimal::ZERO, Decimal::ZERO));
                continue;
            }
            per_share = true;
            let (exact, conversion_price) = match (term, inst.cap(), inst.discount()) {
                (Term::Cap, Some(Cap { value: cap, base, .. }), _) => {
                    let exact = cap.checked_div(self.base(base, sol.capitalization, sol.p)?)?;
                    (exact, rounding.price(exact.to_decimal()?))
                }
                (Term::Discount, _, Some(k)) => (
                    exact_price.checked_mul(k)?,
                    rounding.price(price.checked_mul(k.to_decimal()?)?),
                ),
                _ => (exact_price, price),
            };
            if conversion_price <= Decimal::ZERO {
                return None;
            }
            let shares_rounded = inst
                .amount
                .checked_div(divisor(exact, conversion_price)?)?
                .round(rule)?;
            others = others.checked_add(Ratio::of(shares_rounded)?)?;
            out.push(conversion(conv, *term, conversion_price, shares_rounded));
        }
        // With nothing converted per share (κ = π = c = 0), C is F / (1 − σ) already.
        let capitalization = if sol.sigma.is_zero() || !per_share {
            sol.capitalization
        } else {
            self.f
                .checked_add(others)?
                .checked_div(Ratio::ONE.checked_sub(sol.sigma)?)?
        };
        // Safes with the same cap convert at the same price: divided once.
        let mut cap_price: Option<(Ratio, Decimal)> = None;
        for (c, inst) in out.iter_mut().zip(&self.instruments) {
            if !on_capitalization(inst.term, inst.cap().map(|cap| cap.base)) {
                continue;
            }
            (c.shares, c.price) = match (inst.fixed(), inst.cap()) {
                (Some(f), _) => {
                    let shares = f.checked_mul(capitalization)?.round(rule)?;
                    let price = if shares.is_zero() {
                        price
                    } else {
                        inst.amount.checked_div(Ratio::of(shares)?)?.to_decimal()?
                    };
                    (shares, price)
                }
                (
                    None,
                    Some(Cap {
                        value: cap,
                        per: per_cap,
                        ..
                    }),
                ) => {
                    let price = match cap_price {
                        Some((same, price)) if same == cap => price,
                        _ => rounding.price(cap.checked_div(capitalization)?.to_decimal()?),
                    };
                    cap_price = Some((cap, price));
                    (per_cap.checked_mul(capitalization)?.round(rule)?, price)
                }
                _ => (Decimal::ZERO, price),
            };
        }
        // A conversion into no share is refused by the decimal path, with its message.
        if out.iter().any(|c| c.shares.is_zero() && !c.amount.is_zero()) {
            return None;
        }
        // x as a decimal (the pre-money of a `price` valuation is price × x). An x beyond
        // a decimal's range leaves the round to the decimal route, which refuses it
        // whatever the valuation; a round valued by money only needs that check.
        let denominator = if self.by_value {
            if !sol.x.fits_decimal() {
                return None;
            }
            None
        } else {
            Some(sol.x.to_decimal()?)
        };
        Some(Solved {
            price,
            denominator,
            divisor: divisor(exact_price, price)?,
            conversions: out,
        })
    }
}

impl Instrument {
    fn of(conv: &Convertible) -> Option<Instrument> {
        let amount = Ratio::of(conv.amount)?;
        let terms = match conv.fixed {
            Some(f) => Terms::Fixed(Ratio::of(f)?),
            None => Terms::Priced {
                cap: match conv.cap {
                    Some((cap, base)) => {
                        let value = Ratio::of(cap)?;
                        Some(Cap {
                            value,
                            base,
                            per: amount.checked_div(value)?,
                        })
                    }
                    None => None,
                },
                discount: match conv.discount {
                    Some(d) => Some(Ratio::ONE.checked_sub(Ratio::of(d)?)?),
                    None => None,
                },
            },
        };
        Some(Instrument {
            amount,
            terms,
            term: first_guess(conv),
        })
    }

    fn fixed(&self) -> Option<Ratio> {
        match self.terms {
            Terms::Fixed(f) => Some(f),
            Terms::Priced { .. } => None,
        }
    }

    fn cap(&self) -> Option<Cap> {
        match self.terms {
            Terms::Priced { cap, .. } => cap,
            Terms::Fixed(_) => None,
        }
    }

    /// Whether `other` has the same cap (value and base) and discount, so the same lowest
    /// price at any solution.
    fn same_price_terms(&self, other: &Instrument) -> bool {
        let cap = |i: &Instrument| i.cap().map(|c| (c.value, c.base));
        cap(self) == cap(other) && self.discount() == other.discount()
    }

    /// 1 − d.
    fn discount(&self) -> Option<Ratio> {
        match self.terms {
            Terms::Priced { discount, .. } => discount,
            Terms::Fixed(_) => None,
        }
    }
}

/// A conversion row's figures (the holder is found when its shares are issued).
fn conversion(conv: &Convertible, term: Term, price: Decimal, shares: Decimal) -> Conversion {
    Conversion {
        instrument: conv.instrument,
        holder: 0,
        amount: conv.amount,
        price,
        shares,
        term: term.name(conv.mfn),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::Span;
    use crate::engine::xorshift::XorShift;

    /// A round whose closed-form fractions outgrow 128 bits (P = x − C needs 127 bits in
    /// lowest terms) while Cramer's rule's fit: the exact route still answers, through
    /// Cramer's rule, rather than leaving the round to the decimal route (found in review:
    /// six post-money safes with cent amounts and caps of 36,246,914, a 18.3147% target).
    #[test]
    fn the_closed_form_gives_way_to_cramers_rule_when_its_fractions_overflow() {
        let span: Span = 0..0;
        let names: Vec<String> = (1..=6).map(|i| format!("S{i}")).collect();
        let terms = [
            ("421686.66", "36246914", None),
            ("2750000", "41246914", Some(Decimal::new(11, 2))),
            ("2180000", "36246914", None),
            ("1490000", "36246914", None),
            ("830000", "21246914", None),
            ("328607.07", "36246914", None),
        ];
        let number = |text: &str| text.parse::<Decimal>().unwrap_or_default();
        let convertibles: Vec<Convertible> = terms
            .iter()
            .zip(&names)
            .map(|((amount, cap, discount), investor)| Convertible {
                instrument: "safe",
                investor,
                amount: number(amount),
                principal: number(amount),
                cap: Some((number(cap), CapBase::Capitalization)),
                discount: *discount,
                fixed: None,
                mfn: false,
                span: &span,
            })
            .collect();
        let inputs = Inputs {
            fully_diluted: Decimal::from(1_727_316 + 2_176_555),
            outstanding: Decimal::from(1_727_316),
            pool_now: Decimal::from(2_176_555),
            new_money: Decimal::from(5_400_000),
            pricing: Pricing::ByValue(Decimal::from(16_000_000)),
            conversions_in_price: true,
            pool: PoolRule::Target(number("0.183147")),
            pool_span: &span,
            convertibles: &convertibles,
        };
        let solved = solve(&inputs, &Rounding::EXACT);
        assert!(
            solved.is_some(),
            "the exact route declined a round Cramer's rule solves in 128 bits"
        );
    }

    /// The closed form of the post-money regime (`post_money_regime`) meets E1–E3 of
    /// docs/methodology.md §7.5 exactly, as Cramer's rule would: x = F + P + S,
    /// U + P = t (F + S + P + A x / V′), (1 − σ) S = σ F (+ the note constants c).
    #[test]
    fn the_post_money_closed_form_meets_its_equations_exactly() {
        let span: Span = 0..0;
        let investor = "Investor";
        let mut rng = XorShift(0x1984);
        let mut solved = 0;
        for _ in 0..5_000 {
            let f = Decimal::from(1_000_000 + rng.below(20_000_000));
            let pool_now = Decimal::from(rng.below(3_000_000));
            let convertibles: Vec<Convertible> = (0..rng.below(6))
                .map(|_| {
                    let amount = Decimal::from(10_000 * (1 + rng.below(300)));
                    let fixed = (rng.below(5) == 0).then(|| Decimal::new(1 + rng.below(12) as i64, 2));
                    let base = if rng.below(6) == 0 {
                        CapBase::FullyDiluted
                    } else {
                        CapBase::Capitalization
                    };
                    Convertible {
                        instrument: "safe",
                        investor,
                        amount,
                        principal: amount,
                        cap: Some((Decimal::from(1_000_000 * (2 + rng.below(40))), base)),
                        discount: None,
                        fixed,
                        mfn: false,
                        span: &span,
                    }
                })
                .collect();
            let (value, new_money) = (
                Decimal::from(1_000_000 * (5 + rng.below(60))),
                Decimal::from(100_000 * (1 + rng.below(100))),
            );
            let t = Decimal::new(5 + rng.below(21) as i64, 2);
            let inputs = Inputs {
                fully_diluted: f,
                outstanding: f - pool_now,
                pool_now,
                new_money,
                pricing: Pricing::ByValue(value),
                conversions_in_price: true,
                pool: PoolRule::Target(t),
                pool_span: &span,
                convertibles: &convertibles,
            };
            let Some(exact) = Exact::of(&inputs) else { continue };
            let Some(Some(sol)) = exact.regime(true) else { continue };
            solved += 1;
            let r = |v: Decimal| Ratio::of(v).unwrap_or(Ratio::ZERO);
            let (f, u, a, v, t) = (r(f), r(pool_now), r(new_money), r(value), r(t));
            let s = sol.capitalization.checked_sub(f).unwrap_or(Ratio::ZERO);
            let same = |x: Option<Ratio>, y: Option<Ratio>| match (x, y) {
                (Some(x), Some(y)) => x.compare(y) == Ordering::Equal,
                _ => false,
            };
            // E1 (θ = 1).
            assert!(same(Some(sol.x), f.checked_add(sol.p).and_then(|fp| fp.checked_add(s))));
            // E2: the pool reaches t of the post-money fully diluted total.
            let bought = a.checked_mul(sol.x).and_then(|ax| ax.checked_div(v));
            let total = bought.and_then(|n| sol.capitalization.checked_add(sol.p)?.checked_add(n));
            assert!(same(u.checked_add(sol.p), total.and_then(|total| t.checked_mul(total))));
            // E3: every conversion is its share of C (post-money caps, fixed ownerships) or
            // a constant (caps on the fully diluted count).
            let mut converted = Ratio::ZERO;
            for conv in &convertibles {
                let part = match (conv.fixed, conv.cap) {
                    (Some(fixed), _) => r(fixed).checked_mul(sol.capitalization),
                    (None, Some((cap, CapBase::Capitalization))) => r(conv.amount)
                        .checked_div(r(cap))
                        .and_then(|per| per.checked_mul(sol.capitalization)),
                    (None, Some((cap, _))) => r(conv.amount).checked_div(r(cap)).and_then(|per| per.checked_mul(f)),
                    (None, None) => None,
                };
                converted = part
                    .and_then(|part| converted.checked_add(part))
                    .unwrap_or(Ratio::ONE.checked_neg().unwrap_or(Ratio::ONE));
            }
            assert!(same(Some(converted), Some(s)));
        }
        assert!(
            solved > 4_000,
            "only {solved} of 5,000 rounds solved in the closed form"
        );
    }
}
