//! The exit waterfall: who receives what when the company is sold for X.
//!
//! Preferences are paid by seniority (highest first, pro rata to preference within a
//! level). Once every preference is covered, what is left is shared per as-converted
//! share at a common payout q per share, and each class takes, as a function of q:
//!
//!   non-participating            max(pref, q·s)               (converts when q·s > pref)
//!   participating                pref + q·s
//!   participating, capped at K   max(min(pref + q·s, K), q·s) (converts when q·s > K)
//!   common                       q·s
//!   options with strike k        max(q − k, 0)·s              (exercise when q > k; the
//!                                                              strike joins the proceeds)
//!   the unallocated pool         nothing
//!
//! Every term is continuous and non-decreasing in q, so the total X(q) is too, and it is
//! linear between the thresholds where some class changes regime. Those thresholds are
//! the breakpoints; X(q) = X is solved exactly on the segment that holds X. Each
//! class's choice to convert is then the best reply to q, which is the stable set of
//! conversions. See docs/methodology.md, "Exit waterfall".
//!
//! A safe that has not converted by the exit takes the greater of its purchase amount
//! and its as-converted value (YC post-money safe, "Liquidity Event"): it enters as a
//! 1x non-participating class of its own, with amount / cap × the Liquidity
//! Capitalization as its shares (every share and converting security, less the
//! unissued pool; circular for several capped safes, solved in closed form).

use super::arith::Arith;
use super::cap_table::CapTable;
use super::error::EngineError;
use super::model::{HolderKind, Safe, SafeKind, Span};
use super::outcome::{Breakpoint, ClaimPaid, ClassPayout, Distribution, ExitOutcome, Payout};
use rust_decimal::Decimal;
use std::borrow::Cow;
use std::sync::Arc;

/// One claimant on the proceeds: a preferred class, or a common-like block of shares.
#[derive(Clone, Debug)]
struct Claim {
    /// Index into `table.classes` for preferred claims.
    class: Option<usize>,
    shares: Decimal,
    preference: Decimal,
    seniority: i64,
    participating: bool,
    /// Total return cap (money) of a capped participating class.
    cap: Option<Decimal>,
    /// Exercise price per share of options and warrants.
    strike: Decimal,
}

impl Claim {
    /// What this claim receives when the common payout per share is `q`.
    fn payout(&self, q: Decimal, a: Arith) -> Result<Decimal, EngineError> {
        let shared = a.mul(q, self.shares)?;
        if self.class.is_none() {
            return a.mul(a.sub(q, self.strike)?.max(Decimal::ZERO), self.shares);
        }
        if !self.participating {
            return Ok(self.preference.max(shared));
        }
        let participating = a.add(self.preference, shared)?;
        Ok(match self.cap {
            Some(cap) => participating.min(cap).max(shared),
            None => participating,
        })
    }

    fn converted(&self, q: Decimal, a: Arith) -> Result<bool, EngineError> {
        let shared = a.mul(q, self.shares)?;
        Ok(match (self.participating, self.cap) {
            (false, _) => shared > self.preference,
            (true, Some(cap)) => shared > cap,
            (true, None) => false,
        })
    }

    /// The values of q where this claim changes regime, with what happens there.
    fn thresholds(&self, a: Arith) -> Result<Vec<(Decimal, &'static str)>, EngineError> {
        if self.shares.is_zero() {
            return Ok(Vec::new());
        }
        Ok(match (self.class, self.participating, self.cap) {
            (None, _, _) if self.strike > Decimal::ZERO => vec![(self.strike, "options exercise")],
            (None, _, _) => Vec::new(),
            (Some(_), false, _) => vec![(a.div(self.preference, self.shares)?, "converts to common")],
            (Some(_), true, Some(cap)) => vec![
                (
                    a.div(a.sub(cap, self.preference)?, self.shares)?,
                    "reaches its participation cap",
                ),
                (a.div(cap, self.shares)?, "converts to common (above its cap)"),
            ],
            (Some(_), true, None) => Vec::new(),
        })
    }
}

/// The waterfall of one cap table, prepared once and evaluated at many exit values.
pub struct Waterfall<'t, 's> {
    table: Cow<'t, CapTable<'s>>,
    claims: Vec<Claim>,
    /// Sorted regime thresholds in q with X at each.
    knots: Vec<(Decimal, Decimal)>,
    /// Shares sharing in the residual beyond the last threshold.
    final_slope: Decimal,
    total_preference: Decimal,
    /// Who holds which claims, shared with every exit outcome.
    distribution: Arc<Distribution>,
    span: Span,
}

impl<'t, 's> Waterfall<'t, 's> {
    /// The preferred claims' seniority levels, most senior first.
    fn seniority_levels(&self) -> Vec<i64> {
        let mut levels: Vec<i64> = self
            .claims
            .iter()
            .filter(|c| c.class.is_some())
            .map(|c| c.seniority)
            .collect();
        levels.sort_unstable_by(|l, r| r.cmp(l));
        levels.dedup();
        levels
    }

    /// `largest` is the largest exit value this waterfall will be asked for: payouts at
    /// every value are kept to the same number of decimals, so they compare exactly.
    pub fn new(
        table: &'t CapTable<'s>,
        unconverted: &[&'s Safe],
        largest: Decimal,
        span: &Span,
    ) -> Result<Self, EngineError> {
        let a = Arith::at(span);
        let table = if unconverted.is_empty() {
            Cow::Borrowed(table)
        } else {
            Cow::Owned(with_safes(table, unconverted, a)?)
        };
        let mut claims: Vec<Claim> = Vec::new();
        let table_ref: &CapTable = &table;
        let mut class_claim: Vec<Option<usize>> = vec![None; table_ref.classes.len()];
        // Common-like holdings share one claim per exercise price: they are paid alike per
        // share, so 1,000 holders of common are one claim, not 1,000.
        let mut common_claims: Vec<(Decimal, usize)> = Vec::new();
        let mut holdings = Vec::with_capacity(table.positions.len());
        for p in &table_ref.positions {
            let mut mine = Vec::new();
            for h in &p.holdings {
                let class = &table_ref.classes[h.class];
                // The pool receives nothing; a preferred holding with no shares (a safe
                // with no cap) still has its preference.
                if p.kind == HolderKind::Pool || h.shares.is_zero() && !class.preferred {
                    continue;
                }
                let index = if class.preferred {
                    match class_claim[h.class] {
                        Some(i) => i,
                        None => {
                            let terms = class.terms;
                            claims.push(Claim {
                                class: Some(h.class),
                                shares: table_ref.class_shares(h.class, a)?,
                                preference: a.mul(class.invested, terms.preference)?,
                                seniority: terms.seniority,
                                participating: terms.participating,
                                cap: match terms.participation_cap {
                                    Some(m) => Some(a.mul(class.invested, m)?),
                                    None => None,
                                },
                                strike: Decimal::ZERO,
                            });
                            class_claim[h.class] = Some(claims.len() - 1);
                            claims.len() - 1
                        }
                    }
                } else {
                    let strike = if matches!(p.kind, HolderKind::Options | HolderKind::Warrants) {
                        p.strike.unwrap_or_default()
                    } else {
                        Decimal::ZERO
                    };
                    match common_claims.iter().find(|(k, _)| *k == strike) {
                        Some(&(_, i)) => {
                            claims[i].shares = a.add(claims[i].shares, h.shares)?;
                            i
                        }
                        None => {
                            claims.push(Claim {
                                class: None,
                                shares: h.shares,
                                preference: Decimal::ZERO,
                                seniority: 0,
                                participating: true,
                                cap: None,
                                strike,
                            });
                            common_claims.push((strike, claims.len() - 1));
                            claims.len() - 1
                        }
                    }
                };
                mine.push((index, h.shares));
            }
            holdings.push(mine);
        }
        let total_preference = a.sum(claims.iter().map(|c| c.preference))?;
        let mut thresholds = Vec::new();
        for c in &claims {
            for (q, _) in c.thresholds(a)? {
                if q > Decimal::ZERO {
                    thresholds.push(q);
                }
            }
        }
        thresholds.sort();
        thresholds.dedup();
        // For each position, its claims: (claim index, shares of that claim it holds).
        let distribution = Arc::new(Distribution {
            names: table.positions.iter().map(|p| p.name.to_string()).collect(),
            holdings,
            invested: table
                .positions
                .iter()
                .map(|p| invested_by(&table, p, a))
                .collect::<Result<_, _>>()?,
            decimals: payout_decimals(largest),
        });
        let mut w = Waterfall {
            table,
            claims,
            knots: Vec::with_capacity(thresholds.len() + 1),
            final_slope: Decimal::ZERO,
            total_preference,
            distribution,
            span: span.clone(),
        };
        w.knots.push((Decimal::ZERO, total_preference));
        for q in thresholds {
            let x = w.total_at(q, a)?;
            w.knots.push((q, x));
        }
        w.final_slope = a.sum(w.claims.iter().map(|c| c.shares))?;
        Ok(w)
    }

    fn total_at(&self, q: Decimal, a: Arith) -> Result<Decimal, EngineError> {
        let mut x = Decimal::ZERO;
        for c in &self.claims {
            x = a.add(x, c.payout(q, a)?)?;
        }
        Ok(x)
    }

    /// The common payout per share at proceeds `x` (above the preference stack).
    fn per_share(&self, x: Decimal, a: Arith) -> Result<Decimal, EngineError> {
        let k = self.knots.partition_point(|&(_, at)| at <= x);
        let (q0, x0) = self.knots[k.saturating_sub(1)];
        match self.knots.get(k) {
            Some(&(q1, x1)) => {
                // Linear on [q0, q1]: interpolate exactly.
                let rise = a.sub(x1, x0)?;
                Ok(a.add(q0, a.div(a.mul(a.sub(x, x0)?, a.sub(q1, q0)?)?, rise)?)?)
            }
            None => {
                if self.final_slope.is_zero() {
                    return Err(EngineError::new(
                        &self.span,
                        "no holder can receive what is left after the preferences",
                    )
                    .with_hint("the table has no common, options or participating shares outside the pool"));
                }
                Ok(a.add(q0, a.div(a.sub(x, x0)?, self.final_slope)?)?)
            }
        }
    }

    /// Claim payouts at proceeds `x`, and the common payout per share.
    fn claim_payouts(&self, x: Decimal, a: Arith) -> Result<(Vec<Decimal>, Decimal), EngineError> {
        if x > self.total_preference {
            let q = self.per_share(x, a)?;
            let payouts = self.claims.iter().map(|c| c.payout(q, a)).collect::<Result<_, _>>()?;
            return Ok((payouts, q));
        }
        // Within the preference stack: by seniority, pro rata to preference in a level.
        let mut payouts = vec![Decimal::ZERO; self.claims.len()];
        let levels = self.seniority_levels();
        let mut left = x;
        for level in levels {
            let owed = a.sum(
                self.claims
                    .iter()
                    .filter(|c| c.class.is_some() && c.seniority == level)
                    .map(|c| c.preference),
            )?;
            if owed.is_zero() {
                continue;
            }
            let paid = left.min(owed);
            for (i, c) in self.claims.iter().enumerate() {
                if c.class.is_some() && c.seniority == level {
                    payouts[i] = a.div(a.mul(c.preference, paid)?, owed)?;
                }
            }
            left = a.sub(left, paid)?;
        }
        Ok((payouts, Decimal::ZERO))
    }

    pub fn at(&self, x: Decimal) -> Result<ExitOutcome, EngineError> {
        let a = Arith::at(&self.span);
        let (claim_payouts, q) = self.claim_payouts(x, a)?;
        // The claims must add up to the proceeds (up to 28-digit division); anything more
        // is a defect, reported and never absorbed.
        let total = a.sum(claim_payouts.iter().copied())?;
        let allowance = a.add(a.mul(x.abs(), Decimal::new(1, 20))?, Decimal::new(1, 20))?;
        if a.sub(total, x)?.abs() > allowance {
            return Err(EngineError::new(
                a.span,
                format!(
                    "the payouts differ from the exit value {} by {}",
                    super::error::figure(x),
                    (total - x).normalize()
                ),
            )
            .with_hint("this is a defect in calc's waterfall: please report the scenario"));
        }
        let mut claims = Vec::with_capacity(self.claims.len());
        let mut classes = Vec::new();
        for (c, &paid) in self.claims.iter().zip(&claim_payouts) {
            let per_share = if c.shares.is_zero() {
                None
            } else {
                Some(a.div(paid, c.shares)?)
            };
            let converted = match c.class {
                Some(_) => Some(c.converted(q, a)?),
                None => None,
            };
            if let Some(class) = c.class {
                classes.push(ClassPayout {
                    class: self.table.classes[class].name.to_string(),
                    amount: paid,
                    per_share,
                    converted: converted.unwrap_or(false),
                });
            }
            claims.push(ClaimPaid {
                amount: paid,
                per_share,
                shares: c.shares,
                converted,
            });
        }
        Ok(ExitOutcome {
            value: x,
            classes,
            common_per_share: q,
            claims,
            distribution: Arc::clone(&self.distribution),
        })
    }

    /// Exit values where some class changes regime, in increasing order.
    pub fn breakpoints(&self) -> Result<Vec<Breakpoint>, EngineError> {
        let a = Arith::at(&self.span);
        let mut out = Vec::new();
        // Each seniority level's preferences fully paid.
        let levels = self.seniority_levels();
        let mut paid = Decimal::ZERO;
        for level in levels {
            let level_claims: Vec<&Claim> = self
                .claims
                .iter()
                .filter(|c| c.class.is_some() && c.seniority == level)
                .collect();
            paid = a.add(paid, a.sum(level_claims.iter().map(|c| c.preference))?)?;
            for c in level_claims {
                out.push(Breakpoint {
                    value: paid,
                    class: self.class_name(c),
                    event: "preference fully paid".to_string(),
                });
            }
        }
        for c in &self.claims {
            for (q, event) in c.thresholds(a)? {
                if q > Decimal::ZERO {
                    out.push(Breakpoint {
                        value: self.total_at(q, a)?,
                        class: self.class_name(c),
                        event: event.to_string(),
                    });
                }
            }
        }
        out.sort_by(|l, r| l.value.cmp(&r.value).then_with(|| l.class.cmp(&r.class)));
        out.dedup_by(|l, r| l.value == r.value && l.class == r.class && l.event == r.event);
        Ok(out)
    }

    fn class_name(&self, c: &Claim) -> String {
        match c.class {
            Some(i) => self.table.classes[i].name.to_string(),
            None => format!("options at {}", c.strike.normalize()),
        }
    }
}

/// The table with each unconverted safe added as a 1x non-participating class.
fn with_safes<'s>(table: &CapTable<'s>, safes: &[&'s Safe], a: Arith) -> Result<CapTable<'s>, EngineError> {
    let mut out = table.clone();
    let outside_pool = a.sum(
        table
            .positions
            .iter()
            .filter(|p| p.kind != HolderKind::Pool)
            .map(|p| p.amount),
    )?;
    // Liquidity Capitalization C = F + Σ (amount/cap)·C over capped post-money safes.
    let mut sigma = Decimal::ZERO;
    for s in safes {
        if let (Some(cap), SafeKind::PostMoney) = (s.cap, s.kind) {
            sigma = a.add(sigma, a.div(s.amount, cap)?)?;
        }
        if let Some(f) = s.fixed_ownership {
            sigma = a.add(sigma, f)?;
        }
    }
    if sigma >= Decimal::ONE {
        return Err(EngineError::new(
            a.span,
            "the unconverted safes' caps would take all of the company at the exit",
        )
        .with_hint("check the safes' amounts and caps"));
    }
    let capitalization = a.div(outside_pool, a.sub(Decimal::ONE, sigma)?)?;
    for s in safes {
        let shares = match (s.fixed_ownership, s.cap, s.kind) {
            (Some(f), _, _) => a.mul(f, capitalization)?,
            (None, Some(cap), SafeKind::PostMoney) => a.div(a.mul(s.amount, capitalization)?, cap)?,
            (None, Some(cap), SafeKind::PreMoney) => a.div(a.mul(s.amount, outside_pool)?, cap)?,
            (None, None, _) => Decimal::ZERO,
        };
        let class = out.unconverted_class_of(&s.investor);
        out.classes[class].invested = a.add(out.classes[class].invested, s.amount)?;
        let i = out.position_of(&s.investor, HolderKind::Preferred);
        // A safe with no cap only cashes out: it holds its preference and no shares.
        out.add(i, class, shares, a)?;
    }
    Ok(out)
}

/// Money a position put in, across its preferred holdings.
fn invested_by(table: &CapTable, p: &super::cap_table::Position, a: Arith) -> Result<Decimal, EngineError> {
    let mut total = Decimal::ZERO;
    for h in &p.holdings {
        let class = &table.classes[h.class];
        if class.preferred && !class.issued.is_zero() && !class.invested.is_zero() {
            total = a.add(total, a.div(a.mul(class.invested, h.issued)?, class.issued)?)?;
        }
    }
    Ok(total)
}

/// Decimal places for payouts: as many as 27 significant digits leave beside the largest
/// exit value's integer digits, 20 at most (10^-20 is far below a cent).
fn payout_decimals(largest: Decimal) -> u32 {
    let digits = u32::try_from(largest.trunc().abs().to_string().len()).unwrap_or(27);
    27u32.saturating_sub(digits).min(20)
}

/// Makes the payouts add up to exactly `x`: each is rounded to the distribution's
/// decimals, and the residue (a few units of the last place, since the claims add up to
/// `x` and each claim's shares add up to the claim) goes to the largest payout.
fn settle(payouts: &mut [Payout], x: Decimal, decimals: u32) {
    for p in payouts.iter_mut() {
        p.amount = p.amount.round_dp(decimals);
    }
    let total = payouts
        .iter()
        .try_fold(Decimal::ZERO, |acc, p| acc.checked_add(p.amount));
    let residue = total.and_then(|t| x.checked_sub(t)).unwrap_or_default();
    if residue.is_zero() {
        return;
    }
    if let Some(largest) = payouts.iter_mut().max_by(|l, r| l.amount.cmp(&r.amount)) {
        largest.amount = largest.amount.checked_add(residue).unwrap_or(largest.amount);
    }
}

impl ExitOutcome {
    /// What each holder receives at this exit value, in holder order. The engine has
    /// computed every claim already; this spreads each over its holders per share.
    pub fn payouts(&self) -> Vec<Payout> {
        let d = &self.distribution;
        let mut paid_whole = vec![false; self.claims.len()];
        let mut payouts = Vec::with_capacity(d.names.len());
        for (name, mine) in d.names.iter().zip(&d.holdings) {
            let mut amount = Decimal::ZERO;
            let mut converted = None;
            for &(claim, shares) in mine {
                let c = &self.claims[claim];
                let part = match c.per_share {
                    // The whole claim: no arithmetic at all.
                    Some(_) if c.shares == shares => c.amount,
                    Some(each) => each.checked_mul(shares).unwrap_or_default(),
                    // A claim without shares (a safe that only cashes out) has one holder.
                    None if !paid_whole[claim] => {
                        paid_whole[claim] = true;
                        c.amount
                    }
                    None => Decimal::ZERO,
                };
                amount = amount.checked_add(part).unwrap_or(amount);
                if let Some(conv) = c.converted {
                    converted = Some(converted.unwrap_or(false) || conv);
                }
            }
            payouts.push(Payout {
                holder: name.clone(),
                amount,
                converted,
                multiple: None,
            });
        }
        settle(&mut payouts, self.value, d.decimals);
        for (payout, &invested) in payouts.iter_mut().zip(&d.invested) {
            if !invested.is_zero() {
                payout.multiple = payout.amount.checked_div(invested);
            }
        }
        payouts
    }
}
