//! Holder rows, derived on demand from the amounts each round left.
//!
//! The outcome keeps one vector of as-converted amounts per round (16 bytes a holder),
//! not a row per holder per round: 100,000 holders through 20 rounds stay at tens of
//! megabytes, and callers that read only the final table (sweeps) pay for no other.

use super::model::{HolderKind, Mode};
use super::outcome::{ConversionRow, HolderInfo, HolderRow, Outcome, RoundOutcome, TrancheRow};
use super::ownership;
use rust_decimal::Decimal;

impl<'s> Outcome<'s> {
    /// The cap table as written, before any round.
    pub fn initial_holders(&self) -> Vec<HolderRow> {
        rows(self.mode, &self.holders, &self.initial, &self.initial, None)
    }

    /// Every holder after round `index`, with ownership before and after it.
    pub fn round_holders(&self, index: usize) -> Vec<HolderRow> {
        self.rounds.get(index).map_or_else(Vec::new, RoundOutcome::holders)
    }

    /// The table after the last round, against the table before the first: cumulative
    /// dilution, values at the last round's post-money.
    pub fn final_holders(&self) -> Vec<HolderRow> {
        let after = self.rounds.last().map_or(&self.initial, |r| &r.amounts);
        let post_money = self.rounds.last().map(|r| r.post_money);
        rows(self.mode, &self.holders, &self.initial, after, post_money)
    }

    /// Final ownership fractions only, in holder order (for sweeps).
    pub fn final_ownership(&self) -> Vec<Decimal> {
        ownership::fractions(self.rounds.last().map_or(&self.initial, |r| &r.amounts))
    }
}

impl<'s> RoundOutcome<'s> {
    /// One row per converting safe or note: its ownership after the round and the
    /// valuation its conversion implied.
    pub fn conversion_rows(&self) -> Vec<ConversionRow<'_>> {
        let shares = self.mode == Mode::Shares;
        let total = self.total_amount();
        self.conversions
            .iter()
            .map(|c| {
                let (ownership, implied_post_money) = bought(total, c.amount, c.shares);
                ConversionRow {
                    instrument: c.instrument,
                    investor: self.holder_name(c.holder),
                    amount: c.amount,
                    price: shares.then_some(c.price),
                    shares: shares.then_some(c.shares),
                    term: c.term,
                    ownership,
                    implied_post_money,
                }
            })
            .collect()
    }

    /// One row per tranche: the ownership it bought and the valuation it paid.
    pub fn tranche_rows(&self) -> Vec<TrancheRow<'_>> {
        let shares = self.mode == Mode::Shares;
        let total = self.total_amount();
        self.tranches
            .iter()
            .map(|t| {
                let (ownership, implied_post_money) = bought(total, t.amount, t.shares);
                TrancheRow {
                    investor: self.holder_name(t.holder),
                    label: t.label.clone(),
                    amount: t.amount,
                    shares: shares.then_some(t.shares),
                    ownership,
                    implied_post_money,
                }
            })
            .collect()
    }

    /// The sum of the amounts after the round (shares, or value units in percent mode),
    /// which the engine has summed without overflow.
    fn total_amount(&self) -> Decimal {
        self.amounts
            .iter()
            .try_fold(Decimal::ZERO, |acc, a| acc.checked_add(*a))
            .unwrap_or(Decimal::ZERO)
    }

    fn holder_name(&self, index: usize) -> &str {
        self.holder_info.get(index).map_or("", |h| &h.name)
    }

    /// Every holder after this round, with ownership before and after it.
    pub fn holders(&self) -> Vec<HolderRow> {
        rows(
            self.mode,
            &self.holder_info,
            &self.amounts_before,
            &self.amounts,
            Some(self.post_money),
        )
    }
}

/// Ownership bought (`held` over the total after the round) and the implied post-money,
/// amount / ownership, computed as amount × total / held so that no rounded fraction
/// enters it (the engine has checked amount × total in range).
fn bought(total: Decimal, amount: Decimal, held: Decimal) -> (Decimal, Option<Decimal>) {
    let ownership = held.checked_div(total).unwrap_or(Decimal::ZERO);
    let implied = (!held.is_zero())
        .then(|| amount.checked_mul(total).and_then(|v| v.checked_div(held)))
        .flatten();
    (ownership, implied)
}

fn rows(
    mode: Mode,
    holders: &[HolderInfo],
    before: &[Decimal],
    after: &[Decimal],
    post_money: Option<Decimal>,
) -> Vec<HolderRow> {
    let shares = mode == Mode::Shares;
    let before_fractions = ownership::fractions(before);
    let after_fractions = ownership::fractions(after);
    let total_after = after.iter().try_fold(Decimal::ZERO, |acc, a| acc.checked_add(*a));
    // A holder whose share count did not change is diluted by exactly 1 - T_before / T_after.
    let total_before = before.iter().try_fold(Decimal::ZERO, |acc, a| acc.checked_add(*a));
    let unchanged = match (total_before, total_after) {
        (Some(b), Some(a)) if !a.is_zero() => b.checked_div(a).map(|r| Decimal::ONE - r),
        _ => None,
    };
    let mut out = Vec::with_capacity(after.len());
    for (i, &amount) in after.iter().enumerate() {
        let (name, kind) = holders.get(i).map_or(("", HolderKind::Common), |h| (&*h.name, h.kind));
        let ownership_before = before_fractions.get(i).copied().unwrap_or(Decimal::ZERO);
        let ownership_after = after_fractions.get(i).copied().unwrap_or(Decimal::ZERO);
        let dilution = if ownership_before.is_zero() {
            None
        } else if shares && before.get(i) == Some(&amount) && unchanged.is_some() {
            unchanged
        } else {
            ownership_after.checked_div(ownership_before).map(|r| Decimal::ONE - r)
        };
        // ownership × post-money, as amount × post / total so that no rounded fraction
        // enters the value (falling back to the fraction only if the product overflows).
        let value_after = post_money.map(|post| match total_after {
            Some(total) if !total.is_zero() => amount
                .checked_mul(post)
                .and_then(|v| v.checked_div(total))
                .or_else(|| ownership_after.checked_mul(post))
                .unwrap_or(Decimal::ZERO),
            _ => Decimal::ZERO,
        });
        out.push(HolderRow {
            name: name.to_string(),
            kind,
            shares_before: shares.then(|| before.get(i).copied().unwrap_or(Decimal::ZERO)),
            shares_after: shares.then_some(amount),
            ownership_before,
            ownership_after,
            dilution,
            value_after,
        });
    }
    out
}
