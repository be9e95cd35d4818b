//! What the engine computes: one value that every renderer reads.
//!
//! Share fields are `None` in percent mode; a field that does not apply is `None`.
//!
//! Holder and round names are borrowed from the scenario (`'s`): a round copies no name
//! and counts no references to one. `into_owned` gives an outcome that outlives its
//! scenario.

use super::model::{HolderKind, Mode};
use rust_decimal::Decimal;
use std::borrow::Cow;
use std::sync::Arc;

/// Holder rows are derived on demand: see `initial_holders`, `round_holders` and
/// `final_holders` in holder_rows.rs.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome<'s> {
    pub mode: Mode,
    /// Every holder, in order of first appearance (the final table's order).
    pub holders: Arc<[HolderInfo<'s>]>,
    /// As-converted amounts before the first round (the first holders, in order).
    pub initial: Arc<[Decimal]>,
    pub rounds: Vec<RoundOutcome<'s>>,
    /// One waterfall per `[exit]` value.
    pub exits: Vec<ExitOutcome>,
    /// Exit values where a class's payout changes regime.
    pub breakpoints: Vec<Breakpoint>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ExitOutcome {
    pub value: Decimal,
    pub classes: Vec<ClassPayout>,
    /// What one common share receives.
    pub common_per_share: Decimal,
    /// Each claim's payout; holders' payouts are derived from them on demand
    /// (`payouts()`), so an exit value costs its claims, not its holders.
    pub claims: Vec<ClaimPaid>,
    pub distribution: Arc<Distribution>,
}

/// What one claim on the proceeds (a preferred class, or the common-like shares at one
/// exercise price) receives at an exit.
#[derive(Clone, Debug, PartialEq)]
pub struct ClaimPaid {
    pub amount: Decimal,
    /// `None` for a claim without shares (a safe that only cashes out).
    pub per_share: Option<Decimal>,
    pub shares: Decimal,
    /// A preferred claim, and whether it converted to common.
    pub converted: Option<bool>,
}

/// Who holds which claims: shared by every exit value of a waterfall.
#[derive(Clone, Debug, PartialEq)]
pub struct Distribution {
    pub names: Vec<String>,
    /// For each holder: (claim index, shares of that claim it holds).
    pub holdings: Vec<Vec<(usize, Decimal)>>,
    /// Money each holder put in (for the multiple on invested money).
    pub invested: Vec<Decimal>,
    /// Decimal places payouts are kept to (one scale for every exit value).
    pub decimals: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Payout {
    pub holder: String,
    pub amount: Decimal,
    /// Whether the holder's preferred converted to common (`None`: holds no preferred).
    pub converted: Option<bool>,
    /// Payout over the money the holder invested (`None` if it invested nothing).
    pub multiple: Option<Decimal>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ClassPayout {
    pub class: String,
    pub amount: Decimal,
    pub per_share: Option<Decimal>,
    pub converted: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Breakpoint {
    pub value: Decimal,
    pub class: String,
    pub event: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct HolderInfo<'s> {
    pub name: Cow<'s, str>,
    pub kind: HolderKind,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RoundOutcome<'s> {
    pub name: Cow<'s, str>,
    pub pre_money: Decimal,
    pub post_money: Decimal,
    pub amount: Decimal,
    pub price: Option<Decimal>,
    pub pool_increase: Option<Decimal>,
    pub new_shares: Option<Decimal>,
    /// The safes and notes converting here; rows with ownership are derived on demand
    /// (`conversion_rows`).
    pub conversions: Vec<Conversion>,
    /// The new money, one per tranche; rows derived by `tranche_rows`.
    pub tranches: Vec<Purchase>,
    /// Anti-dilution adjustments this round triggered.
    pub adjustments: Vec<Adjustment>,
    pub mode: Mode,
    /// Every holder's as-converted amount before and after the round (shares, or value
    /// units in percent mode), in holder order; shared with the neighbouring rounds.
    pub amounts_before: Arc<[Decimal]>,
    pub amounts: Arc<[Decimal]>,
    /// The names and kinds behind the amounts (shared by every round).
    pub holder_info: Arc<[HolderInfo<'s>]>,
    /// Fully diluted shares before and after (share mode).
    pub total_before: Option<Decimal>,
    pub total_after: Option<Decimal>,
}

impl Outcome<'_> {
    /// The same outcome with its names copied: it no longer borrows the scenario.
    pub fn into_owned(self) -> Outcome<'static> {
        let holders: Arc<[HolderInfo<'static>]> = self
            .holders
            .iter()
            .map(|h| HolderInfo {
                name: Cow::Owned(h.name.to_string()),
                kind: h.kind,
            })
            .collect();
        let rounds = self
            .rounds
            .into_iter()
            .map(|r| RoundOutcome {
                name: Cow::Owned(r.name.into_owned()),
                holder_info: Arc::clone(&holders),
                pre_money: r.pre_money,
                post_money: r.post_money,
                amount: r.amount,
                price: r.price,
                pool_increase: r.pool_increase,
                new_shares: r.new_shares,
                conversions: r.conversions,
                tranches: r.tranches,
                adjustments: r.adjustments,
                mode: r.mode,
                amounts_before: r.amounts_before,
                amounts: r.amounts,
                total_before: r.total_before,
                total_after: r.total_after,
            })
            .collect();
        Outcome {
            mode: self.mode,
            holders,
            initial: self.initial,
            rounds,
            exits: self.exits,
            breakpoints: self.breakpoints,
        }
    }
}

/// A tranche's purchase as computed: the row adds ownership and the implied valuation.
#[derive(Clone, Debug, PartialEq)]
pub struct Purchase {
    /// The investor's index in `holder_info`.
    pub holder: usize,
    pub label: Option<String>,
    pub amount: Decimal,
    /// Shares bought (value units in percent mode).
    pub shares: Decimal,
}

/// A safe or note's conversion as computed; `ConversionRow` is derived from it.
#[derive(Clone, Debug, PartialEq)]
pub struct Conversion {
    /// "safe" or "note".
    pub instrument: &'static str,
    /// The investor's index in `holder_info`.
    pub holder: usize,
    pub amount: Decimal,
    /// The conversion price (a price per value unit in percent mode, not reported).
    pub price: Decimal,
    pub shares: Decimal,
    /// What set the price: cap, discount, price, fixed or mfn.
    pub term: &'static str,
}

/// Borrows the investor's name from its round outcome (`'r`).
#[derive(Clone, Debug, PartialEq)]
pub struct TrancheRow<'r> {
    pub investor: &'r str,
    pub label: Option<String>,
    pub amount: Decimal,
    pub shares: Option<Decimal>,
    /// The fraction of the post-money company this tranche bought.
    pub ownership: Decimal,
    /// amount / ownership: what the tranche paid per 100% of the company.
    pub implied_post_money: Option<Decimal>,
}

/// A protected class's conversion price lowered by a down round.
#[derive(Clone, Debug, PartialEq)]
pub struct Adjustment {
    pub class: String,
    /// Conversion price before (CP1) and after (CP2) the round.
    pub before: Decimal,
    pub after: Decimal,
    /// As-converted shares the class gained.
    pub extra_shares: Decimal,
}

/// A safe or note converting in a round.
#[derive(Clone, Debug, PartialEq)]
pub struct ConversionRow<'r> {
    /// "safe" or "note".
    pub instrument: &'static str,
    /// Borrowed from the round outcome (`'r`).
    pub investor: &'r str,
    /// The amount converted: a note's principal plus accrued interest.
    pub amount: Decimal,
    pub price: Option<Decimal>,
    pub shares: Option<Decimal>,
    /// What set the price: cap, discount, price, fixed or mfn.
    pub term: &'static str,
    /// The fraction of the post-money company the conversion holds.
    pub ownership: Decimal,
    pub implied_post_money: Option<Decimal>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct HolderRow {
    pub name: String,
    pub kind: HolderKind,
    pub shares_before: Option<Decimal>,
    pub shares_after: Option<Decimal>,
    pub ownership_before: Decimal,
    pub ownership_after: Decimal,
    /// 1 − after/before; `None` for a holder new in this round.
    pub dilution: Option<Decimal>,
    /// ownership_after × post-money (`None` before any round prices the company).
    pub value_after: Option<Decimal>,
}
