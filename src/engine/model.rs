//! The validated scenario the engine evaluates: plain data, no TOML, no I/O.
//!
//! Every element keeps the byte range of the source text it came from (`Span`),
//! so that an error found while computing can point back at the offending line.

use rust_decimal::Decimal;
use std::sync::Arc;

/// Byte range in the scenario source. The engine only carries it back in errors.
pub type Span = std::ops::Range<usize>;

/// How the cap table is written: share counts, or percentages of the company.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Shares,
    Percent,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Shares => "shares",
            Mode::Percent => "percent",
        }
    }
}

/// What a holder's position is. Every kind counts in the fully diluted total.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HolderKind {
    Common,
    Preferred,
    Options,
    Pool,
    Warrants,
}

impl HolderKind {
    pub const NAMES: [&'static str; 5] = ["common", "preferred", "options", "pool", "warrants"];

    pub fn as_str(self) -> &'static str {
        match self {
            HolderKind::Common => "common",
            HolderKind::Preferred => "preferred",
            HolderKind::Options => "options",
            HolderKind::Pool => "pool",
            HolderKind::Warrants => "warrants",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "common" => Some(HolderKind::Common),
            "preferred" => Some(HolderKind::Preferred),
            "options" => Some(HolderKind::Options),
            "pool" => Some(HolderKind::Pool),
            "warrants" => Some(HolderKind::Warrants),
            _ => None,
        }
    }
}

/// A line of the cap table before the first round.
#[derive(Clone, Debug)]
pub struct Holder {
    pub name: Arc<str>,
    pub kind: HolderKind,
    pub class: Arc<str>,
    /// Shares in share mode; a fraction of the company (0.26) in percent mode.
    pub amount: Decimal,
    pub strike: Option<Decimal>,
    pub span: Span,
}

/// The one figure a round is valued by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Valuation {
    PreMoney(Decimal),
    PostMoney(Decimal),
    /// Price per share (share mode only).
    Price(Decimal),
    /// The fraction of the post-money company the new money buys.
    Sold(Decimal),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TrancheAmount {
    Fixed(Decimal),
    /// The round's total less every other tranche.
    Rest,
    /// The investor's pro-rata share of the round's new-money shares.
    ProRata,
}

#[derive(Clone, Debug)]
pub struct Tranche {
    pub investor: Arc<str>,
    pub amount: TrancheAmount,
    pub label: Option<String>,
    pub span: Span,
}

/// When an option pool top-up happens relative to the new money.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PoolTiming {
    /// Inside the pre-money: only existing holders are diluted (the "option pool shuffle").
    PreMoney,
    /// After the new money: everyone is diluted.
    PostMoney,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PoolTopUp {
    /// The unallocated pool as a fraction of the post-money fully diluted total.
    Target(Decimal),
    /// An explicit number of new pool shares (or, in percent mode, a fraction).
    Increase(Decimal),
}

/// Anti-dilution protection of a preferred class (NVCA).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AntiDilution {
    None,
    BroadBased,
    NarrowBased,
    FullRatchet,
}

/// The economic terms of a share class.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClassTerms {
    /// Liquidation preference as a multiple of the money invested (1x by default).
    pub preference: Decimal,
    pub participating: bool,
    /// Total return cap of a participating class, as a multiple of the money invested.
    pub participation_cap: Option<Decimal>,
    /// Higher is paid first; equal seniority is pari passu.
    pub seniority: i64,
    pub anti_dilution: AntiDilution,
}

impl Default for ClassTerms {
    fn default() -> Self {
        ClassTerms {
            preference: Decimal::ONE,
            participating: false,
            participation_cap: None,
            seniority: 1,
            anti_dilution: AntiDilution::None,
        }
    }
}

/// A preferred class held before the first round (`[[class]]`).
#[derive(Clone, Debug)]
pub struct ClassDef {
    pub name: Arc<str>,
    /// Issue price per share (share mode); the preference is shares × this × multiple.
    pub original_price: Option<Decimal>,
    pub terms: ClassTerms,
    pub span: Span,
}

/// `[exit]`: proceeds to distribute, after a given round.
#[derive(Clone, Debug)]
pub struct Exit {
    pub values: Vec<Decimal>,
    /// Index of the round after which the exit happens; `None` after the last.
    pub after: Option<usize>,
    pub span: Span,
}

/// How the round price treats converting securities (Cooley's three methods).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConversionMethod {
    /// price = pre / (F + S + P): conversions dilute the existing holders only (YC).
    PercentageOwnership,
    /// price = pre / (F + P): conversion shares come on top and dilute the new money too.
    PreMoney,
    /// price = (pre + converting principal) / (F + S + P).
    DollarsInvested,
}

/// A calendar date (for note interest).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SafeKind {
    /// YC since 2018: the cap is divided by the post-money Company Capitalization.
    PostMoney,
    /// The cap is divided by the pre-money capitalization (pool increase in, safes out).
    PreMoney,
}

#[derive(Clone, Debug)]
pub struct Safe {
    pub investor: Arc<str>,
    pub amount: Decimal,
    pub cap: Option<Decimal>,
    pub discount: Option<Decimal>,
    pub kind: SafeKind,
    /// A fixed share of the Company Capitalization (the YC standard deal's 7%).
    pub fixed_ownership: Option<Decimal>,
    /// Takes the best cap and discount of the safes listed after it.
    pub mfn: bool,
    pub pro_rata: bool,
    /// Index of the round it converts in.
    pub converts_at: usize,
    pub span: Span,
}

/// What a note's cap is divided by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CapBasis {
    FullyDiluted,
    /// Issued and outstanding shares: options, warrants and the pool left out.
    Outstanding,
}

#[derive(Clone, Debug)]
pub struct Note {
    pub investor: Arc<str>,
    pub principal: Decimal,
    /// Simple annual rate, actual/365.
    pub interest: Decimal,
    pub issued: Option<Date>,
    pub cap: Option<Decimal>,
    pub discount: Option<Decimal>,
    pub cap_basis: CapBasis,
    pub converts_at: usize,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Round {
    pub name: Arc<str>,
    pub date: Option<Date>,
    pub conversion_method: ConversionMethod,
    /// Terms of the class this round creates.
    pub terms: ClassTerms,
    pub valuation: Valuation,
    pub valuation_span: Span,
    /// Total new money, if written; otherwise the sum of the tranches.
    pub amount: Option<Decimal>,
    pub class: Arc<str>,
    pub tranches: Vec<Tranche>,
    pub pool: Option<PoolTopUp>,
    pub pool_timing: PoolTiming,
    pub pool_span: Span,
    pub span: Span,
}

/// How a per-share price is rounded before anything is divided by it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PriceRounding {
    HalfUp,
    Up,
    Down,
}

/// How a computed share count is rounded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShareRounding {
    Down,
    Nearest,
    Up,
    /// Keep the exact fractional count.
    None,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rounding {
    /// Decimals a price is rounded to; `None` keeps it exact.
    pub price_decimals: Option<u32>,
    pub price_rounding: PriceRounding,
    pub cash_shares: ShareRounding,
    pub conversion_shares: ShareRounding,
    pub pool_shares: ShareRounding,
}

impl Rounding {
    /// No rounding at all: percent mode, where "shares" are fractions of the company.
    pub const EXACT: Rounding = Rounding {
        price_decimals: None,
        price_rounding: PriceRounding::HalfUp,
        cash_shares: ShareRounding::None,
        conversion_shares: ShareRounding::None,
        pool_shares: ShareRounding::None,
    };
}

impl Default for Rounding {
    fn default() -> Self {
        Rounding {
            price_decimals: None,
            price_rounding: PriceRounding::HalfUp,
            cash_shares: ShareRounding::Down,
            conversion_shares: ShareRounding::Down,
            pool_shares: ShareRounding::Up,
        }
    }
}

/// Everything the engine needs to compute a scenario.
#[derive(Clone, Debug)]
pub struct Scenario {
    pub mode: Mode,
    pub holders: Vec<Holder>,
    pub classes: Vec<ClassDef>,
    pub rounds: Vec<Round>,
    pub exit: Option<Exit>,
    pub safes: Vec<Safe>,
    pub notes: Vec<Note>,
    pub rounding: Rounding,
}

impl Scenario {
    /// The most positions a cap table can hold by the end: the holders, one per safe,
    /// note and tranche, and a pool a round may create.
    pub fn max_names(&self) -> usize {
        self.holders.len()
            + self.safes.len()
            + self.notes.len()
            + self.rounds.iter().map(|r| r.tranches.len() + 1).sum::<usize>()
    }
}
