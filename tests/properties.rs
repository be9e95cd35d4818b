//! Properties over generated scenarios that span every feature (issue 6): share and
//! percent mode; holders of every kind (options with a strike, warrants, a pool,
//! preferred of a [[class]]); one to four rounds valued by pre_money, post_money, sold or
//! price; fixed, "rest", pro_rata and existing-holder tranches; post- and pre-money safes
//! (cap, discount, both, neither, fixed_ownership, mfn, pro_rata side letters); notes with
//! interest and dates; pool targets (pre- and post-money timing) and pool increases; the
//! three conversion methods; [rounding] variations; class terms (preference,
//! participation and its cap, seniority, anti-dilution) and down rounds; [exit] values,
//! after a chosen round.
//!
//! Each case is a whole scenario *text*, loaded with `calc::scenario::load` and evaluated
//! with `calc::engine::evaluate`, as a user's file would be. A file the loader or the
//! engine refuses is fine: refusing is an `Err`, and a panic anywhere fails the property
//! (proptest catches it and shrinks the input). For the files that compute, see each
//! property below.
//!
//! Cases: `CALC_PROPTEST_CASES` (default 10,000 per property; the six properties take
//! about 50 s of CPU in a debug build, see the issue-6 report). Each run draws from a new
//! random seed; a failure prints the shrunk scenario as TOML, ready to paste into a file.
//! Nothing is persisted (`failure_persistence: None`: no `.proptest-regressions` files):
//! pin a finding as a named test with the diagnosis. The findings so far are at the end of
//! this file, ignored until the engine is fixed, and each property says which inputs it
//! leaves out because of them.
//!
//! `the_generator_covers_every_feature_and_mostly_computes` keeps the generator honest:
//! most generated files compute, and the computed ones use every feature.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use calc::engine::{HolderKind, HolderRow, Outcome};
use calc::scenario::Document;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use rust_decimal::Decimal;
use serde_json::Value;
use std::collections::BTreeSet;
use std::fmt::Write as _;

fn config() -> ProptestConfig {
    let cases = std::env::var("CALC_PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(10_000);
    ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::with_cases(cases)
    }
}

// ------------------------------------------------------------------ the generated spec

/// Class terms, as written on a [[class]] or a [[round]].
#[derive(Clone, Copy, Debug)]
struct Terms {
    /// The preference multiple in tenths (10 = "1x"); `None`: not written (1x).
    preference: Option<u32>,
    participating: bool,
    /// The participation cap above the preference, in tenths (only if participating).
    cap_above: Option<u32>,
    seniority: Option<u8>,
    /// 0: not written, 1 broad-based, 2 narrow-based, 3 full-ratchet, 4 "none".
    anti: u8,
}

impl Terms {
    fn protected(&self) -> bool {
        (1..=3).contains(&self.anti)
    }
}

#[derive(Clone, Debug)]
struct HolderSpec {
    kind: HolderKind,
    /// Shares (share mode) or a weight for the stakes (percent mode).
    amount: u64,
    /// Cents per share, for options and warrants.
    strike: Option<u32>,
}

#[derive(Clone, Copy, Debug)]
enum SafeTerms {
    /// The cap; the amount is `amount_pct`% of it.
    Cap(u64),
    /// A discount in percent; the amount is `amount`.
    Discount(u8),
    Both(u64, u8),
    Neither,
    /// fixed_ownership in tenths of a percent.
    Fixed(u16),
}

#[derive(Clone, Debug)]
struct SafeSpec {
    terms: SafeTerms,
    amount: u64,
    amount_pct: u8,
    pre_money: bool,
    mfn: bool,
    pro_rata: bool,
    /// The round it converts at (reduced modulo the rounds); `None`: not written.
    converts_at: Option<u8>,
}

#[derive(Clone, Debug)]
struct NoteSpec {
    principal: u64,
    /// Simple annual interest in tenths of a percent.
    interest: Option<u16>,
    /// Days after 2021-01-01 (always before the first round's date).
    issued: Option<u16>,
    cap: Option<u64>,
    discount: Option<u8>,
    outstanding: bool,
    converts_at: Option<u8>,
}

#[derive(Clone, Copy, Debug)]
enum Valuation {
    Pre(u64),
    /// Post-money = the round's new money + this.
    Post(u64),
    Sold(u8),
    /// Cents per share (share mode; percent mode writes pre_money instead).
    Price(u32),
}

#[derive(Clone, Copy, Debug)]
enum TrancheSpec {
    New(u64),
    /// An investor known before the round (a holder, an earlier investor, a safe or note
    /// holder), picked by index.
    Existing(u8, u64),
    ProRata(u8),
}

#[derive(Clone, Copy, Debug)]
enum Pool {
    /// In tenths of a percent.
    Target(u16),
    /// Shares (share mode; percent mode writes a target instead).
    Increase(u64),
}

#[derive(Clone, Debug)]
struct RoundSpec {
    valuation: Valuation,
    tranches: Vec<TrancheSpec>,
    /// A "rest" tranche for the lead, with the round's `amount` = fixed tranches + `extra`.
    rest: bool,
    /// Write `amount` (= the fixed tranches, or `extra` when there are none).
    amount: bool,
    extra: u64,
    pool: Option<Pool>,
    pool_post_money: bool,
    /// 0: not written; 1 percentage-ownership, 2 pre-money, 3 dollars-invested.
    method: u8,
    /// Days after the previous round (the first: after 2024-01-01); `None`: no date.
    date_gap: Option<u16>,
    terms: Option<Terms>,
    label: bool,
}

#[derive(Clone, Copy, Debug)]
struct RoundingSpec {
    price_decimals: Option<u8>,
    /// 0 half-up, 1 up, 2 down, 3 not written; the same for the share rules (0..=4).
    price_rounding: u8,
    cash: u8,
    conversion: u8,
    pool: u8,
}

#[derive(Clone, Debug)]
struct ExitSpec {
    values: Vec<u64>,
    after: Option<u8>,
}

#[derive(Clone, Debug)]
struct Spec {
    percent: bool,
    /// Percent mode: the last holder writes `stake = "rest"`.
    rest_stake: bool,
    holders: Vec<HolderSpec>,
    /// The [[class]] of the preferred holders: its terms and original price in cents.
    class: (Terms, Option<u32>),
    safes: Vec<SafeSpec>,
    notes: Vec<NoteSpec>,
    rounds: Vec<RoundSpec>,
    rounding: Option<RoundingSpec>,
    exit: Option<ExitSpec>,
}

const HOLDER_NAMES: [&str; 6] = [
    "Founder A",
    "Founder B",
    "Zoë Ångström",
    "創業者",
    "Employees",
    "Angel O'Neil",
];
const ROUND_NAMES: [&str; 4] = ["Seed", "Series A", "Series B", "Series C"];
const CLASS: &str = "Seed Preferred";

// The strategies draw small integers and decode them: 0 is always the plainest choice, so
// shrinking (towards 0) simplifies the scenario, and far fewer value-tree nodes are built
// than with `prop_oneof!` and `Option` strategies (in a debug build, generating the cases
// took as long as loading and evaluating them).

/// `Some(value)` when `draw` is at least `from`.
fn from<T>(draw: impl Into<u64>, from: u64, value: T) -> Option<T> {
    (draw.into() >= from).then_some(value)
}

fn terms() -> impl Strategy<Value = Terms> {
    (0u8..=20, any::<bool>(), 0u8..=30, 0u8..=4, 0u8..=7).prop_map(|(p, participating, cap, seniority, anti)| Terms {
        preference: from(p, 1, 9 + u32::from(p)),
        participating,
        cap_above: from(cap, 1, u32::from(cap)),
        seniority: from(seniority, 1, seniority.saturating_sub(1)),
        // One in two: not written; then broad-based, narrow-based, full-ratchet, "none".
        anti: anti.saturating_sub(3),
    })
}

fn holder() -> impl Strategy<Value = HolderSpec> {
    (0u8..=10, 0u8..13, 1u64..=40_000_000, 0u32..=1_000).prop_map(|(kind, zero, amount, strike)| {
        let kind = match kind {
            0..=5 => HolderKind::Common,
            6 => HolderKind::Preferred,
            7 | 8 => HolderKind::Options,
            9 => HolderKind::Pool,
            _ => HolderKind::Warrants,
        };
        HolderSpec {
            kind,
            amount: if zero == 12 { 0 } else { amount },
            strike: (matches!(kind, HolderKind::Options | HolderKind::Warrants) && (1..=500).contains(&strike))
                .then_some(strike),
        }
    })
}

fn safe() -> impl Strategy<Value = SafeSpec> {
    (
        (0u8..=8, 1_000_000u64..=200_000_000, 5u8..=40, 1u16..=100),
        (10_000u64..=5_000_000, 1u8..=25),
        (0u8..4, 0u8..5, 0u8..5, 0u8..=4),
    )
        .prop_map(
            |((terms, cap, discount, fixed), (amount, amount_pct), (pre, mfn, pro_rata, at))| SafeSpec {
                terms: match terms {
                    0..=2 => SafeTerms::Cap(cap),
                    3 | 4 => SafeTerms::Discount(discount),
                    5 | 6 => SafeTerms::Both(cap, discount),
                    7 => SafeTerms::Neither,
                    _ => SafeTerms::Fixed(fixed),
                },
                amount,
                amount_pct,
                pre_money: pre == 3,
                mfn: mfn == 4,
                pro_rata: pro_rata == 4,
                converts_at: from(at, 1, at.saturating_sub(1)),
            },
        )
}

fn note() -> impl Strategy<Value = NoteSpec> {
    (
        10_000u64..=3_000_000,
        0u16..=300,
        0u16..1_200,
        0u64..=200_000_000,
        0u8..=80,
        any::<bool>(),
        0u8..=4,
    )
        .prop_map(
            |(principal, interest, issued, cap, discount, outstanding, at)| NoteSpec {
                principal,
                interest: (1..=150).contains(&interest).then_some(interest),
                // Up to 2023-12-25; one draw in twelve has no date.
                issued: (issued < 1_090).then_some(issued),
                cap: from(cap, 100_000_000, cap.saturating_sub(99_000_000)),
                discount: from(discount, 41, discount.saturating_sub(40)),
                outstanding,
                converts_at: from(at, 1, at.saturating_sub(1)),
            },
        )
}

fn round() -> impl Strategy<Value = RoundSpec> {
    let valuation =
        (0u8..10, 1_000_000u64..=1_000_000_000, 1u8..=60, 1u32..=2_000).prop_map(|(kind, v, sold, price)| match kind {
            0..=3 => Valuation::Pre(v),
            4 | 5 => Valuation::Post(v),
            6 | 7 => Valuation::Sold(sold),
            _ => Valuation::Price(price),
        });
    let tranche = (0u8..7, any::<u8>(), 10_000u64..=50_000_000).prop_map(|(kind, who, amount)| match kind {
        0..=3 => TrancheSpec::New(amount),
        4 | 5 => TrancheSpec::Existing(who, amount / 2),
        _ => TrancheSpec::ProRata(who),
    });
    let pool = (0u8..20, 5u16..=300, 1u64..=5_000_000).prop_map(|(kind, target, increase)| match kind {
        0..=12 => None,
        13..=17 => Some(Pool::Target(target)),
        _ => Some(Pool::Increase(increase)),
    });
    (
        (
            valuation,
            prop::collection::vec(tranche, 0..=3),
            0u8..10,
            0u8..10,
            100_000u64..=60_000_000,
        ),
        (pool, 0u8..10, 0u8..=3, 0u16..=400, (0u8..10, terms()), 0u8..5),
    )
        .prop_map(
            |((valuation, tranches, rest, amount, extra), (pool, post, method, gap, (with_terms, terms), label))| {
                RoundSpec {
                    valuation,
                    tranches,
                    rest: rest >= 7,
                    amount: amount >= 7,
                    extra,
                    pool,
                    pool_post_money: post >= 7,
                    method,
                    // One round in thirteen has no date.
                    date_gap: from(gap, 30, gap),
                    terms: from(with_terms, 6, terms),
                    label: label == 4,
                }
            },
        )
}

fn rounding() -> impl Strategy<Value = Option<RoundingSpec>> {
    (0u8..10, 0u8..=17, 0u8..=3, 0u8..=4, 0u8..=4, 0u8..=4).prop_map(
        |(with, decimals, price_rounding, cash, conversion, pool)| {
            from(
                with,
                6,
                RoundingSpec {
                    price_decimals: (decimals <= 8).then_some(decimals),
                    price_rounding,
                    cash,
                    conversion,
                    pool,
                },
            )
        },
    )
}

fn exit() -> impl Strategy<Value = Option<ExitSpec>> {
    let value = (0u8..7, 1u64..=5_000_000, 5_000_000u64..=20_000_000_000).prop_map(|(kind, small, big)| match kind {
        0 => 0,
        1 | 2 => small,
        _ => big,
    });
    (0u8..10, prop::collection::vec(value, 1..=4), 0u8..=12).prop_map(|(with, values, after)| {
        from(
            with,
            4,
            ExitSpec {
                values,
                after: from(after, 9, after.saturating_sub(9)),
            },
        )
    })
}

/// A whole scenario; `percent` forces the mode (else percent mode three times in ten).
fn spec(percent: Option<bool>) -> impl Strategy<Value = Spec> {
    (
        (
            0u8..10,
            any::<bool>(),
            prop::collection::vec(holder(), 1..=4),
            terms(),
            0u32..=500,
        ),
        (
            prop::collection::vec(safe(), 0..=3),
            prop::collection::vec(note(), 0..=2),
            prop::collection::vec(round(), 1..=4),
            rounding(),
            exit(),
        ),
    )
        .prop_map(
            move |((mode, rest_stake, mut holders, class_terms, price), (safes, notes, rounds, rounding, exit))| {
                // The first holder is common with shares: the table always has someone to
                // share what is left after the preferences.
                holders[0] = HolderSpec {
                    kind: HolderKind::Common,
                    amount: holders[0].amount.max(1),
                    strike: None,
                };
                Spec {
                    percent: percent.unwrap_or(mode >= 7),
                    rest_stake,
                    holders,
                    class: (class_terms, from(price, 10, price)),
                    safes,
                    notes,
                    rounds,
                    rounding,
                    exit,
                }
            },
        )
}

// ------------------------------------------------------------------ rendering as TOML

/// A generated scenario: its text, and what the properties need to know about it.
#[derive(Clone)]
struct Case {
    spec: Spec,
    text: String,
    percent: bool,
    /// Per round: every name that buys in it (tranches, the lead, the anonymous investor).
    buyers: Vec<BTreeSet<String>>,
    /// Per round: whether the class it creates (and its conversion class) is protected.
    protects: Vec<bool>,
    /// Holders of the [[class]] when it has anti-dilution protection.
    protected_from_start: BTreeSet<String>,
    /// Post-money safes that are not MFN: investor, amount, cap, fixed ownership.
    post_money_safes: Vec<(String, Decimal, Option<Decimal>, Option<Decimal>)>,
    /// Whether a holder of kind "pool" buys in some round (see
    /// `a_pool_buying_preferred_does_not_pay_others`).
    pool_buys: bool,
}

/// Proptest prints the failing input with `Debug`: show the file itself.
impl std::fmt::Debug for Case {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "\n--- scenario.toml ---\n{}--- end ---\n", self.text)
    }
}

fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Tenths as a decimal text: 125 → "12.5".
fn tenths(n: u64) -> String {
    Decimal::new(i64::try_from(n).unwrap(), 1).normalize().to_string()
}

fn cents(n: u32) -> String {
    Decimal::new(i64::from(n), 2).normalize().to_string()
}

/// A civil date `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

const DAY_2021: i64 = 18_628; // 2021-01-01
const DAY_2024: i64 = 19_723; // 2024-01-01

fn write_terms(out: &mut String, t: &Terms) {
    if let Some(p) = t.preference {
        let _ = writeln!(out, "preference = \"{}x\"", tenths(u64::from(p)));
    }
    if t.participating {
        out.push_str("participating = true\n");
        if let Some(above) = t.cap_above {
            let cap = t.preference.unwrap_or(10) + above;
            let _ = writeln!(out, "participation_cap = \"{}x\"", tenths(u64::from(cap)));
        }
    }
    if let Some(s) = t.seniority {
        let _ = writeln!(out, "seniority = {s}");
    }
    let anti = ["", "broad-based", "narrow-based", "full-ratchet", "none"][usize::from(t.anti.min(4))];
    if !anti.is_empty() {
        let _ = writeln!(out, "anti_dilution = \"{anti}\"");
    }
}

fn converts_at(at: Option<u8>, rounds: usize) -> Option<usize> {
    at.map(|i| usize::from(i) % rounds)
}

impl Spec {
    /// The round each security converts in.
    fn resolve(&self) -> (Vec<usize>, Vec<usize>) {
        let n = self.rounds.len();
        (
            self.safes
                .iter()
                .map(|s| converts_at(s.converts_at, n).unwrap_or(0))
                .collect(),
            self.notes
                .iter()
                .map(|s| converts_at(s.converts_at, n).unwrap_or(0))
                .collect(),
        )
    }

    /// The first `k + 1` rounds only, without the securities converting after them and
    /// without the exit.
    fn truncated(&self, k: usize) -> Spec {
        let (safe_at, note_at) = self.resolve();
        let mut s = self.clone();
        s.rounds.truncate(k + 1);
        s.safes = self
            .safes
            .iter()
            .zip(&safe_at)
            .filter(|(_, &at)| at <= k)
            .map(|(x, &at)| SafeSpec {
                converts_at: x.converts_at.map(|_| u8::try_from(at).unwrap()),
                ..x.clone()
            })
            .collect();
        s.notes = self
            .notes
            .iter()
            .zip(&note_at)
            .filter(|(_, &at)| at <= k)
            .map(|(x, &at)| NoteSpec {
                converts_at: x.converts_at.map(|_| u8::try_from(at).unwrap()),
                ..x.clone()
            })
            .collect();
        s.exit = None;
        s
    }

    fn render(self) -> Case {
        let mut out = String::from("title = \"generated\"\n");
        let percent = self.percent;
        let n_rounds = self.rounds.len();
        if let Some(r) = &self.rounding {
            out.push_str("\n[rounding]\n");
            if let Some(dp) = r.price_decimals {
                let _ = writeln!(out, "price_decimals = {dp}");
            }
            if let Some(rule) = ["half-up", "up", "down"].get(usize::from(r.price_rounding)) {
                let _ = writeln!(out, "price_rounding = \"{rule}\"");
            }
            for (key, rule) in [
                ("cash_shares", r.cash),
                ("conversion_shares", r.conversion),
                ("pool_shares", r.pool),
            ] {
                if let Some(rule) = ["down", "nearest", "up", "none"].get(usize::from(rule)) {
                    let _ = writeln!(out, "{key} = \"{rule}\"");
                }
            }
        }

        // Holders: shares, or stakes in hundredths of a percent adding up to 100%.
        let weights: u64 = self.holders.iter().map(|h| h.amount.max(1)).sum();
        let mut stakes: Vec<u64> = self
            .holders
            .iter()
            .map(|h| h.amount.max(1) * 10_000 / weights)
            .collect();
        let given: u64 = stakes[1..].iter().sum();
        stakes[0] = 10_000 - given;
        let any_preferred = self.holders.iter().any(|h| h.kind == HolderKind::Preferred);
        let mut protected_from_start = BTreeSet::new();
        if any_preferred {
            let (t, price) = &self.class;
            let _ = writeln!(out, "\n[[class]]\nname = {}", quoted(CLASS));
            if let (Some(p), false) = (price, percent) {
                let _ = writeln!(out, "original_price = \"{}\"", cents(*p));
            }
            write_terms(&mut out, t);
        }
        let mut known: Vec<String> = Vec::new();
        let pools: BTreeSet<&str> = self
            .holders
            .iter()
            .enumerate()
            .filter(|(_, h)| h.kind == HolderKind::Pool)
            .map(|(i, _)| HOLDER_NAMES[i])
            .collect();
        for (i, h) in self.holders.iter().enumerate() {
            let name = HOLDER_NAMES[i];
            known.push(name.to_string());
            let _ = writeln!(out, "\n[[holder]]\nname = {}", quoted(name));
            if percent {
                // The first holder takes the rest, or writes its stake.
                if i == 0 && self.rest_stake {
                    out.push_str("stake = \"rest\"\n");
                } else {
                    let _ = writeln!(
                        out,
                        "stake = \"{}%\"",
                        Decimal::new(i64::try_from(stakes[i]).unwrap(), 2)
                    );
                }
            } else {
                let _ = writeln!(out, "shares = {}", h.amount);
            }
            if h.kind != HolderKind::Common {
                let _ = writeln!(out, "kind = \"{}\"", h.kind.as_str());
            }
            if h.kind == HolderKind::Preferred {
                let _ = writeln!(out, "class = {}", quoted(CLASS));
                if self.class.0.protected() {
                    protected_from_start.insert(name.to_string());
                }
            }
            if let Some(s) = h.strike {
                let _ = writeln!(out, "strike = \"{}\"", cents(s));
            }
        }

        let mut post_money_safes = Vec::new();
        for (i, s) in self.safes.iter().enumerate() {
            let investor = format!("Safe investor {i}");
            known.push(investor.clone());
            let amount = match s.terms {
                SafeTerms::Cap(cap) | SafeTerms::Both(cap, _) => cap * u64::from(s.amount_pct) / 100,
                _ => s.amount,
            };
            let _ = writeln!(out, "\n[[safe]]\ninvestor = {}\namount = {amount}", quoted(&investor));
            let (cap, fixed) = match s.terms {
                SafeTerms::Cap(cap) => {
                    let _ = writeln!(out, "cap = {cap}");
                    (Some(cap), None)
                }
                SafeTerms::Discount(d) => {
                    let _ = writeln!(out, "discount = \"{d}%\"");
                    (None, None)
                }
                SafeTerms::Both(cap, d) => {
                    let _ = writeln!(
                        out,
                        "cap = \"{}k\"\ndiscount = \"{d}%\"",
                        Decimal::new(i64::try_from(cap).unwrap(), 3).normalize()
                    );
                    (Some(cap), None)
                }
                SafeTerms::Neither => (None, None),
                SafeTerms::Fixed(f) => {
                    let _ = writeln!(out, "fixed_ownership = \"{}%\"", tenths(u64::from(f)));
                    (None, Some(Decimal::new(i64::from(f), 3)))
                }
            };
            if s.pre_money {
                out.push_str("type = \"pre-money\"\n");
            } else if !s.mfn {
                post_money_safes.push((investor, Decimal::from(amount), cap.map(Decimal::from), fixed));
            }
            if s.mfn {
                out.push_str("mfn = true\n");
            }
            if s.pro_rata {
                out.push_str("pro_rata = true\n");
            }
            if let Some(at) = converts_at(s.converts_at, n_rounds) {
                let _ = writeln!(out, "converts_at = {}", quoted(ROUND_NAMES[at]));
            }
        }
        for (i, n) in self.notes.iter().enumerate() {
            let investor = format!("Note holder {i}");
            known.push(investor.clone());
            let _ = writeln!(
                out,
                "\n[[note]]\ninvestor = {}\nprincipal = {}",
                quoted(&investor),
                n.principal
            );
            if let Some(r) = n.interest {
                let _ = writeln!(out, "interest = \"{}%\"", tenths(u64::from(r)));
            }
            if let Some(d) = n.issued {
                let _ = writeln!(out, "issued = {}", date(DAY_2021 + i64::from(d)));
            }
            if let Some(c) = n.cap {
                let _ = writeln!(out, "cap = {c}");
            }
            if let Some(d) = n.discount {
                let _ = writeln!(out, "discount = \"{d}%\"");
            }
            if n.outstanding {
                out.push_str("cap_basis = \"outstanding\"\n");
            }
            if let Some(at) = converts_at(n.converts_at, n_rounds) {
                let _ = writeln!(out, "converts_at = {}", quoted(ROUND_NAMES[at]));
            }
        }

        let mut buyers = Vec::new();
        let mut protects = Vec::new();
        let mut day = DAY_2024;
        for (r, round) in self.rounds.iter().enumerate() {
            let name = ROUND_NAMES[r];
            let mut bought = BTreeSet::new();
            let mut tranches = String::new();
            let mut fixed = 0u64;
            let mut pro_rata = false;
            for (k, t) in round.tranches.iter().enumerate() {
                let (investor, amount) = match *t {
                    TrancheSpec::New(a) => (format!("Fund {r}-{k}"), Some(a)),
                    TrancheSpec::Existing(i, a) => (known[usize::from(i) % known.len()].clone(), Some(a)),
                    TrancheSpec::ProRata(i) => {
                        pro_rata = true;
                        (known[usize::from(i) % known.len()].clone(), None)
                    }
                };
                let _ = writeln!(tranches, "\n[[round.tranche]]\ninvestor = {}", quoted(&investor));
                match amount {
                    Some(a) => {
                        fixed += a;
                        let _ = writeln!(tranches, "amount = {a}");
                    }
                    None => tranches.push_str("pro_rata = true\n"),
                }
                if round.label && k == 0 {
                    tranches.push_str("label = \"first close\"\n");
                }
                bought.insert(investor);
            }
            // "rest" (needed beside a pro_rata tranche) takes the total less the others.
            let rest = round.rest || pro_rata;
            if rest {
                let lead = format!("Lead {r}");
                let _ = writeln!(
                    tranches,
                    "\n[[round.tranche]]\ninvestor = {}\namount = \"rest\"",
                    quoted(&lead)
                );
                bought.insert(lead);
            }
            let amount = if rest {
                Some(fixed + round.extra)
            } else if round.amount {
                Some(if round.tranches.is_empty() { round.extra } else { fixed })
            } else {
                None
            };
            if round.tranches.is_empty() && !rest && amount.is_some() {
                bought.insert(format!("{name} investors"));
            }
            let total = amount.unwrap_or(fixed);
            let _ = writeln!(out, "\n[[round]]\nname = {}", quoted(name));
            if let Some(gap) = round.date_gap {
                day += i64::from(gap);
                let _ = writeln!(out, "date = {}", date(day));
            }
            match (round.valuation, percent) {
                (Valuation::Pre(v), _) => {
                    let _ = writeln!(out, "pre_money = {v}");
                }
                (Valuation::Post(v), _) => {
                    let _ = writeln!(out, "post_money = {}", total + v);
                }
                (Valuation::Sold(s), _) => {
                    let _ = writeln!(out, "sold = \"{s}%\"");
                }
                (Valuation::Price(p), false) => {
                    let _ = writeln!(out, "price = \"{}\"", cents(p));
                }
                (Valuation::Price(p), true) => {
                    let _ = writeln!(out, "pre_money = {}", u64::from(p) * 1_000_000);
                }
            }
            if let Some(a) = amount {
                let _ = writeln!(out, "amount = {a}");
            }
            match (round.pool, percent) {
                (Some(Pool::Target(t)), _) => {
                    let _ = writeln!(out, "pool_target = \"{}%\"", tenths(u64::from(t)));
                }
                (Some(Pool::Increase(n)), false) => {
                    let _ = writeln!(out, "pool_increase = {n}");
                }
                (Some(Pool::Increase(n)), true) => {
                    let _ = writeln!(out, "pool_target = \"{}%\"", n % 20 + 1);
                }
                (None, _) => {}
            }
            if round.pool.is_some() && round.pool_post_money {
                out.push_str("pool_timing = \"post-money\"\n");
            }
            if let Some(m) =
                ["", "percentage-ownership", "pre-money", "dollars-invested"].get(usize::from(round.method))
            {
                if !m.is_empty() {
                    let _ = writeln!(out, "conversion_method = \"{m}\"");
                }
            }
            if let Some(t) = &round.terms {
                write_terms(&mut out, t);
            }
            out.push_str(&tranches);
            known.extend(bought.iter().cloned());
            buyers.push(bought);
            protects.push(round.terms.is_some_and(|t| t.protected()));
        }

        if let Some(e) = &self.exit {
            let values: Vec<String> = e.values.iter().map(u64::to_string).collect();
            let _ = writeln!(out, "\n[exit]\nvalues = [{}]", values.join(", "));
            if let Some(after) = e.after {
                let _ = writeln!(out, "after = {}", quoted(ROUND_NAMES[usize::from(after) % n_rounds]));
            }
        }
        let pool_buys = buyers.iter().flatten().any(|b| pools.contains(b.as_str()));
        Case {
            spec: self,
            text: out,
            percent,
            pool_buys,
            buyers,
            protects,
            protected_from_start,
            post_money_safes,
        }
    }
}

fn case(percent: Option<bool>) -> impl Strategy<Value = Case> {
    spec(percent).prop_map(Spec::render)
}

// ------------------------------------------------------------------ running a case

/// What became of a file: refused by the loader or the engine, or computed.
enum Run {
    Refused,
    Computed(Box<Document>, Box<Outcome<'static>>),
}

/// Loads and evaluates `text`. A refusal must carry a message: an empty one is a bug.
fn run(text: &str) -> Result<Run, TestCaseError> {
    let doc = match calc::scenario::load(text, "generated", None, &[]) {
        Ok(doc) => doc,
        Err(problems) => {
            prop_assert!(!problems.is_empty(), "the loader refused the file without a problem");
            prop_assert!(
                problems.iter().all(|p| !p.message.is_empty()),
                "a problem without a message"
            );
            return Ok(Run::Refused);
        }
    };
    match calc::engine::evaluate(&doc.scenario).map(Outcome::into_owned) {
        Ok(outcome) => Ok(Run::Computed(Box::new(doc), Box::new(outcome))),
        Err(e) => {
            prop_assert!(!e.message.is_empty(), "an engine error without a message");
            // "this makes a division by zero" is the safety net of `Arith::div`: reaching
            // it means a check with a specific message is missing.
            // Known: a conversion price that [rounding] rounds to zero (see
            // `a_conversion_price_rounding_to_zero_is_named`), and narrow-based protection
            // of a class with no shares (see `narrow_based_protection_of_an_empty_class`).
            let known = text.contains("price_decimals") || text.contains("narrow-based");
            prop_assert!(
                !e.message.contains("division by zero") || known,
                "the engine fell through to its division-by-zero safety net: {}\n--- file ---\n{}--- end ---",
                e.message,
                text
            );
            Ok(Run::Refused)
        }
    }
}

fn ownership_sums(rows: &[HolderRow], percent: bool, what: &str) -> Result<(), TestCaseError> {
    let tolerance = if percent { Decimal::ZERO } else { Decimal::new(1, 20) };
    let after: Decimal = rows.iter().map(|h| h.ownership_after).sum();
    let before: Decimal = rows.iter().map(|h| h.ownership_before).sum();
    prop_assert!(
        (after - Decimal::ONE).abs() <= tolerance,
        "{what}: ownership after adds up to {after}"
    );
    prop_assert!(
        (before - Decimal::ONE).abs() <= tolerance,
        "{what}: ownership before adds up to {before}"
    );
    Ok(())
}

// ------------------------------------------------------------------ the properties

proptest! {
    #![proptest_config(config())]

    /// Every file is computed or refused with an error, never a panic; when computed, the
    /// ownership column of every round (before and after it) and of the final table adds
    /// up to exactly 1 in percent mode and to within 10^-20 in share mode.
    #[test]
    fn ownership_sums_to_one(case in case(None)) {
        let Run::Computed(_, outcome) = run(&case.text)? else { return Ok(()) };
        for r in &outcome.rounds {
            ownership_sums(&r.holders(), case.percent, &format!("round {}", r.name))?;
        }
        ownership_sums(&outcome.final_holders(), case.percent, "the final table")?;
    }

    /// In every round, a holder who was there before the round is diluted by a fraction in
    /// [0, 1), unless it
    /// - buys in the round (a tranche, pro_rata, the "rest" lead): it may gain;
    /// - receives shares from a safe or note converting in the round: it may gain;
    /// - holds a class with anti-dilution protection (a preferred [[class]] with
    ///   `anti_dilution`, or shares bought or converted in an earlier round whose terms
    ///   have it): a down round gives it more as-converted shares;
    /// - is the option pool, which a top-up enlarges.
    ///
    /// A holder with nothing before the round has no dilution (null).
    #[test]
    fn existing_holders_are_diluted_by_a_fraction_in_0_1(case in case(None)) {
        let Run::Computed(_, outcome) = run(&case.text)? else { return Ok(()) };
        let mut protected = case.protected_from_start.clone();
        for (i, r) in outcome.rounds.iter().enumerate() {
            let converted: BTreeSet<String> = r.conversion_rows().iter().map(|c| c.investor.to_string()).collect();
            // Known engine bug (see `an_anti_dilution_adjustment_never_takes_shares`): an
            // "adjustment" that takes shares away shrinks the total, so everyone else gains.
            let shrinks = r.adjustments.iter().any(|a| a.extra_shares.is_sign_negative() && !a.extra_shares.is_zero());
            for h in r.holders() {
                if h.ownership_before.is_zero() {
                    prop_assert!(h.dilution.is_none(), "round {}: {} is new but has a dilution", r.name, h.name);
                    continue;
                }
                if shrinks
                    || case.buyers[i].contains(&h.name)
                    || converted.contains(h.name.as_str())
                    || protected.contains(&h.name)
                    || h.kind == HolderKind::Pool
                {
                    continue;
                }
                let d = h.dilution.unwrap();
                prop_assert!(
                    d >= Decimal::ZERO && d < Decimal::ONE,
                    "round {}: {} is diluted by {} ({} -> {})",
                    r.name, h.name, d, h.ownership_before, h.ownership_after
                );
            }
            if case.protects[i] {
                protected.extend(case.buyers[i].iter().cloned());
                protected.extend(converted.iter().map(|s| s.to_string()));
            }
        }
    }

    /// For a fixed scenario, a round's price per share does not fall when its pre-money
    /// rises (weakly: with [rounding] two pre-money values may give one price). The rounds
    /// after it and the exit are dropped; both files must compute for the comparison.
    #[test]
    fn price_rises_with_the_pre_money(
        case in case(Some(false)),
        pick in any::<u8>(),
        low in 1_000_000u64..=500_000_000,
        rise in 1u64..=500_000_000,
    ) {
        let k = usize::from(pick) % case.spec.rounds.len();
        let mut lower = case.spec.truncated(k);
        lower.rounds[k].valuation = Valuation::Pre(low);
        let mut higher = lower.clone();
        higher.rounds[k].valuation = Valuation::Pre(low + rise);
        let (lower, higher) = (lower.render(), higher.render());
        let (Run::Computed(_, a), Run::Computed(_, b)) = (run(&lower.text)?, run(&higher.text)?) else {
            return Ok(());
        };
        let (pa, pb) = (a.rounds[k].price.unwrap(), b.rounds[k].price.unwrap());
        prop_assert!(
            pa <= pb,
            "round {}: price {} at pre-money {} but {} at {}; the file with the lower pre-money:{:?}",
            a.rounds[k].name, pa, low, pb, low + rise, lower
        );
    }

    /// A post-money safe converting at its cap holds amount / cap × (F + S) shares, F the
    /// fully diluted shares before the round and S every conversion's shares in it (YC's
    /// defining identity); a fixed-ownership safe holds its fixed share of F + S. Shares
    /// are rounded once, and S sums rounded counts, so the tolerance is one share plus
    /// amount / cap for each conversion in the round. Percent mode holds the same identity
    /// in value units, to within 10^-20 of F + S.
    #[test]
    fn post_money_safes_at_their_cap_hold_amount_over_cap_of_the_capitalization(case in case(None)) {
        let Run::Computed(_, outcome) = run(&case.text)? else { return Ok(()) };
        // Known engine bug (see `a_capped_safe_counts_the_rounded_conversions_of_its_round`):
        // with prices rounded per [rounding], the Company Capitalization leaves out what the
        // rounding adds to the other conversions of the round, so such rounds are skipped.
        let rounded = case.spec.rounding.is_some_and(|r| r.price_decimals.is_some());
        for r in &outcome.rounds {
            let identity = |c: &calc::engine::ConversionRow| {
                matches!(c.term, "cap" | "fixed") && case.post_money_safes.iter().any(|s| *s.0 == *c.investor)
            };
            let rows = r.conversion_rows();
            if rounded && !rows.iter().all(identity) {
                continue;
            }
            let before: Decimal = r.amounts_before.iter().copied().sum();
            let after: Decimal = r.amounts.iter().copied().sum();
            // Each conversion's shares (percent mode: value units, from its ownership).
            let units: Vec<Decimal> = rows
                .iter()
                .map(|c| c.shares.unwrap_or(c.ownership * after))
                .collect();
            let s: Decimal = units.iter().copied().sum();
            let n = Decimal::from(r.conversions.len());
            for (c, held) in rows.iter().zip(&units) {
                let Some((_, amount, cap, fixed)) = case.post_money_safes.iter().find(|s| *s.0 == *c.investor) else {
                    continue;
                };
                let fraction = match (c.term, cap, fixed) {
                    ("cap", Some(cap), _) => *amount / *cap,
                    ("fixed", _, Some(f)) => *f,
                    _ => continue,
                };
                let expected = fraction * (before + s);
                let tolerance = if case.percent {
                    Decimal::new(1, 20) * (before + s)
                } else {
                    Decimal::ONE + n * fraction
                };
                prop_assert!(
                    (*held - expected).abs() <= tolerance,
                    "round {}: the safe of {} ({}) holds {} shares, not {} x ({} + {}) = {}",
                    r.name, c.investor, c.term, held, fraction, before, s, expected
                );
            }
        }
    }

    /// The payouts of every exit value add up to exactly that value, none is negative, a
    /// holder of common, options or warrants only receives max(q − strike, 0) per share,
    /// and each holder's payout does not fall when the exit value rises, by more than the
    /// settlement's rounding: payouts are rounded to 27 significant digits beside the
    /// largest exit value's integer digits (at most 20 decimals), the same for every exit
    /// value, so that they add up exactly (see `a_fixed_payout_does_not_fall_by_settlement`).
    #[test]
    fn payouts_add_up_to_the_exit_value_and_rise_with_it(case in case(None)) {
        let Run::Computed(_, outcome) = run(&case.text)? else { return Ok(()) };
        let mut exits: Vec<_> = outcome.exits.iter().collect();
        exits.sort_by_key(|e| e.value);
        for e in &exits {
            let paid: Decimal = e.payouts().iter().map(|p| p.amount).sum();
            prop_assert_eq!(paid, e.value, "the payouts at {} add up to {}", e.value, paid);
        }
        // Known engine bugs that pay a class to the wrong holders, `settle` taking the excess
        // back from the largest payout: a pool that buys preferred (see
        // `a_pool_buying_preferred_does_not_pay_others`), and a preferred class left without
        // shares, by conversions into no share or by an adjustment that floors fractional
        // holdings to 0 (see `a_class_without_shares_pays_its_preference_once` and
        // `no_payout_is_negative`). A class without shares shows as `per_share: None`; the
        // class of one unconverted safe has none by design (it only cashes out).
        let n = case.spec.rounds.len();
        let at = case.spec.exit.as_ref().and_then(|e| e.after).map_or(n - 1, |a| usize::from(a) % n);
        let empty_class = exits
            .iter()
            .flat_map(|e| &e.classes)
            .any(|c| c.per_share.is_none() && !c.class.ends_with("(not converted)"));
        if case.pool_buys || empty_class {
            return Ok(());
        }
        for e in &exits {
            for p in &e.payouts() {
                prop_assert!(p.amount >= Decimal::ZERO, "{} receives {} at {}", p.holder, p.amount, e.value);
            }
        }
        // A holder with only common, options or warrants of the table as written (it buys in
        // no round up to the exit) receives max(q − strike, 0) per share, q the common
        // payout per share: nothing more, nothing less (up to the settlement's rounding).
        let amounts = &outcome.rounds[at].amounts;
        let largest = exits.last().map_or(Decimal::ZERO, |e| e.value);
        for e in &exits {
            let slack = settlement_unit(largest) * Decimal::from(e.payouts().len());
            for (i, h) in case.spec.holders.iter().enumerate() {
                let name = HOLDER_NAMES[i];
                if h.kind == HolderKind::Preferred
                    || h.kind == HolderKind::Pool
                    || case.buyers[..=at].iter().any(|b| b.contains(name))
                {
                    continue;
                }
                let strike = h.strike.map_or(Decimal::ZERO, |c| Decimal::new(i64::from(c), 2));
                let expected = (e.common_per_share - strike).max(Decimal::ZERO) * amounts[i];
                let paid = e.payouts()[i].amount;
                prop_assert_eq!(&e.payouts()[i].holder, name);
                prop_assert!(
                    (paid - expected).abs() <= slack,
                    "{} ({}) receives {} at an exit of {}, not {} per share × {} = {}",
                    name, h.kind.as_str(), paid, e.value, e.common_per_share - strike, amounts[i], expected
                );
            }
        }
        for pair in exits.windows(2) {
            let (low, high) = (pair[0], pair[1]);
            let slack = settlement_unit(largest) * Decimal::from(high.payouts().len());
            for (a, b) in low.payouts().iter().zip(&high.payouts()) {
                prop_assert_eq!(&a.holder, &b.holder);
                prop_assert!(
                    a.amount <= b.amount + slack,
                    "{} receives {} at an exit of {} but {} at {}",
                    a.holder, a.amount, low.value, b.amount, high.value
                );
            }
        }
    }

    /// `--format json` parses, and every object the contract names has every field.
    #[test]
    fn json_parses_with_every_contract_field(case in case(None)) {
        let Run::Computed(doc, outcome) = run(&case.text)? else { return Ok(()) };
        let text = calc::report::render(&[(&doc, &outcome)], calc::report::Format::Json, Default::default());
        let json: Value = serde_json::from_str(&text).map_err(|e| TestCaseError::fail(format!("not JSON: {e}\n{text}")))?;
        json_contract(&json, case.percent)?;
    }
}

/// The last decimal place the waterfall settles payouts at, when `x` is the largest exit
/// value of the scenario (src/engine/waterfall.rs, `payout_decimals`).
fn settlement_unit(x: Decimal) -> Decimal {
    let digits = u32::try_from(x.trunc().to_string().len()).unwrap();
    Decimal::new(1, 27u32.saturating_sub(digits).min(20))
}

// ------------------------------------------------------------------ the JSON contract

const TOP: [&str; 7] = ["title", "currency", "variant", "mode", "rounds", "final", "exits"];
const ROUND: [&str; 10] = [
    "name",
    "pre_money",
    "post_money",
    "amount",
    "price",
    "pool_increase",
    "new_shares",
    "conversions",
    "tranches",
    "holders",
];
const CONVERSION: [&str; 6] = ["instrument", "investor", "amount", "price", "shares", "term"];
const TRANCHE: [&str; 6] = [
    "investor",
    "amount",
    "shares",
    "ownership",
    "implied_post_money",
    "label",
];
const HOLDER: [&str; 8] = [
    "name",
    "kind",
    "shares_before",
    "shares_after",
    "ownership_before",
    "ownership_after",
    "dilution",
    "value_after",
];
const EXIT: [&str; 2] = ["value", "payouts"];
const PAYOUT: [&str; 3] = ["holder", "amount", "converted"];
/// Fields that hold share counts or prices: null exactly in percent mode.
const SHARE_FIELDS: [&str; 5] = ["price", "new_shares", "shares", "shares_before", "shares_after"];

fn fields(v: &Value, names: &[&str], at: &str, percent: bool) -> Result<(), TestCaseError> {
    let o = v
        .as_object()
        .ok_or_else(|| TestCaseError::fail(format!("{at} is not an object: {v}")))?;
    for name in names {
        let field = o
            .get(*name)
            .ok_or_else(|| TestCaseError::fail(format!("{at} lacks `{name}`: {v}")))?;
        prop_assert!(!field.is_number(), "{}.{} is a JSON number, not a string", at, name);
        if SHARE_FIELDS.contains(name) && percent {
            prop_assert!(field.is_null(), "{}.{} is not null in percent mode", at, name);
        }
    }
    Ok(())
}

fn list<'v>(v: &'v Value, key: &str, at: &str) -> Result<&'v Vec<Value>, TestCaseError> {
    v[key]
        .as_array()
        .ok_or_else(|| TestCaseError::fail(format!("{at}.{key} is not an array")))
}

fn json_contract(report: &Value, percent: bool) -> Result<(), TestCaseError> {
    fields(report, &TOP, "the report", percent)?;
    prop_assert_eq!(&report["mode"], if percent { "percent" } else { "shares" });
    for (i, r) in list(report, "rounds", "the report")?.iter().enumerate() {
        let at = format!("rounds[{i}]");
        fields(r, &ROUND, &at, percent)?;
        for (k, c) in list(r, "conversions", &at)?.iter().enumerate() {
            fields(c, &CONVERSION, &format!("{at}.conversions[{k}]"), percent)?;
        }
        for (k, t) in list(r, "tranches", &at)?.iter().enumerate() {
            fields(t, &TRANCHE, &format!("{at}.tranches[{k}]"), percent)?;
        }
        for (k, h) in list(r, "holders", &at)?.iter().enumerate() {
            fields(h, &HOLDER, &format!("{at}.holders[{k}]"), percent)?;
        }
    }
    for (k, h) in list(&report["final"], "holders", "final")?.iter().enumerate() {
        fields(h, &HOLDER, &format!("final.holders[{k}]"), percent)?;
    }
    for (i, e) in list(report, "exits", "the report")?.iter().enumerate() {
        let at = format!("exits[{i}]");
        fields(e, &EXIT, &at, percent)?;
        for (k, p) in list(e, "payouts", &at)?.iter().enumerate() {
            fields(p, &PAYOUT, &format!("{at}.payouts()[{k}]"), percent)?;
        }
    }
    Ok(())
}

// ------------------------------------------------------------------ the generator itself

/// The properties are only as good as the files they see: most generated files must
/// compute, and among those every feature must appear. Draws 1,000 files from a fixed
/// seed and counts (run with `--nocapture` to see the counts).
#[test]
fn the_generator_covers_every_feature_and_mostly_computes() {
    let mut runner = TestRunner::deterministic();
    let strategy = case(None);
    let (mut computed, mut refused_by_loader, mut refused_by_engine) = (0, 0, 0);
    let mut seen: BTreeSet<&'static str> = BTreeSet::new();
    let mut messages: std::collections::BTreeMap<String, usize> = Default::default();
    for _ in 0..1_000 {
        let case = strategy.new_tree(&mut runner).unwrap().current();
        let doc = match calc::scenario::load(&case.text, "generated", None, &[]) {
            Ok(doc) => doc,
            Err(problems) => {
                refused_by_loader += 1;
                for p in problems {
                    *messages.entry(p.message.chars().take(60).collect()).or_default() += 1;
                }
                continue;
            }
        };
        let outcome = match calc::engine::evaluate(&doc.scenario) {
            Ok(o) => o,
            Err(e) => {
                refused_by_engine += 1;
                *messages.entry(e.message.chars().take(60).collect()).or_default() += 1;
                continue;
            }
        };
        computed += 1;
        seen.insert(if case.percent { "percent mode" } else { "share mode" });
        for r in &outcome.rounds {
            for c in &r.conversion_rows() {
                seen.insert(match (c.instrument, c.term) {
                    ("note", _) => "a note converting",
                    (_, "cap") => "a safe at its cap",
                    (_, "discount") => "a safe at its discount",
                    (_, "price") => "a safe at the round price",
                    (_, "fixed") => "a fixed-ownership safe",
                    _ => "an mfn safe",
                });
            }
            if !r.adjustments.is_empty() {
                seen.insert("an anti-dilution adjustment");
            }
            if r.pool_increase.is_some_and(|p| !p.is_zero()) {
                seen.insert("a pool top-up");
            }
            if r.tranches.len() > 1 {
                seen.insert("several tranches");
            }
        }
        if outcome
            .exits
            .iter()
            .any(|e| e.payouts().iter().any(|p| p.converted == Some(true)))
        {
            seen.insert("preferred converting at an exit");
        }
        if outcome
            .exits
            .iter()
            .any(|e| e.payouts().iter().any(|p| p.converted == Some(false)))
        {
            seen.insert("preferred taking its preference at an exit");
        }
        if case.text.contains("\nprice = ") {
            seen.insert("a round valued by price");
        }
        if case.spec.rounds.len() == 4 {
            seen.insert("four rounds");
        }
    }
    let mut common: Vec<(usize, String)> = messages.into_iter().map(|(m, n)| (n, m)).collect();
    common.sort_by(|a, b| b.cmp(a));
    eprintln!(
        "generated 1000: {computed} computed, {refused_by_loader} refused by the loader, {refused_by_engine} by the engine"
    );
    for (n, m) in common.iter().take(12) {
        eprintln!("  {n:>5} × {m}");
    }
    eprintln!("features seen: {seen:?}");
    assert!(computed >= 500, "only {computed} of 1000 generated files compute");
    let wanted = [
        "percent mode",
        "share mode",
        "a note converting",
        "a safe at its cap",
        "a safe at its discount",
        "a safe at the round price",
        "a fixed-ownership safe",
        "an mfn safe",
        "an anti-dilution adjustment",
        "a pool top-up",
        "several tranches",
        "preferred converting at an exit",
        "preferred taking its preference at an exit",
        "a round valued by price",
        "four rounds",
    ];
    let missing: Vec<_> = wanted.iter().filter(|w| !seen.contains(**w)).collect();
    assert!(missing.is_empty(), "no computed file has: {missing:?}");
}

// ------------------------------------------------------------------ found by the properties
//
// Each is the shrunk input of a property failure, cut down by hand, with the diagnosis.
// They are ignored until the engine is fixed (src/ belongs to the engine's authors); run
// them with `cargo test --test lib -- --ignored properties::`.

/// Found by `post_money_safes_at_their_cap_hold_amount_over_cap_of_the_capitalization`.
/// A post-money safe at its cap gets amount / cap × the Company Capitalization, which
/// counts every converting security's shares. With prices rounded (here to whole dollars:
/// the round's price 0.85 becomes 1.00) the note converts at the rounded price, 500,000
/// shares, but the safe's share count uses the solver's exact capitalization, in which the
/// note had 588,235 shares: the safe receives 176,470 shares, 10.53% of the company for a
/// $100k safe capped at $1M (an implied post-money of $950k, below its cap). With the
/// note's actual shares, C = (1,000,000 + 500,000) / (1 − 10%) = 1,666,666.67 and the safe
/// holds floor(10% × C) = 166,666 shares. src/engine/priced_round.rs, `convert`: the
/// (Term::Cap, CapBase::Capitalization) and Term::Fixed arms use `sol.capitalization`.
#[test]
fn a_capped_safe_counts_the_rounded_conversions_of_its_round() {
    let (_, outcome) = crate::support::evaluate(
        r#"
        [rounding]
        price_decimals = 0

        [[holder]]
        name = "Founders"
        shares = 1_000_000

        [[safe]]
        investor = "Safe"
        amount = 100_000
        cap = 1_000_000

        [[note]]
        investor = "Note"
        principal = 500_000

        [[round]]
        name = "Seed"
        pre_money = 1_500_000
        "#,
    );
    let round = &outcome.rounds[0];
    let rows = round.conversion_rows();
    let note = rows.iter().find(|c| c.investor == "Note").unwrap();
    assert_eq!(note.shares, Some(Decimal::from(500_000)));
    let safe = rows.iter().find(|c| c.investor == "Safe").unwrap();
    assert_eq!(safe.shares, Some(Decimal::from(166_666)));
}

/// Found by `payouts_add_up_to_the_exit_value_and_rise_with_it` before its tolerance: at
/// an exit of exactly the preference stack (81,250,844) and at 1B, Fund 1-0 takes the same
/// share of its class's preference, 43,031,802.0894715071188475317 at the first and
/// 43,031,802.08947150711884753 at the second: `settle` rounds every payout to
/// 27 − (digits of the exit value) decimals, 19 for the first, 17 for the second, so a
/// payout that does not change with the exit value can lose 10^-20 as the value grows.
/// Immaterial (far below a cent), but payouts are then not monotone in the exit value.
/// src/engine/waterfall.rs, `settle`: round with the decimals of the largest exit value
/// of the scenario (the same for every value), e.g. by passing them to `Waterfall::at`.
#[test]
fn a_fixed_payout_does_not_fall_by_settlement() {
    let (_, outcome) = crate::support::evaluate(
        r#"
        [[holder]]
        name = "Founder A"
        shares = 1

        [[round]]
        name = "Seed"
        price = "0.01"

        [[round.tranche]]
        investor = "Fund 0-0"
        amount = 1279518

        [[round]]
        name = "Series A"
        price = "12.27"

        [[round.tranche]]
        investor = "Fund 1-0"
        amount = 43031796

        [[round.tranche]]
        investor = "Fund 1-1"
        amount = 12396895

        [[round.tranche]]
        investor = "Fund 1-2"
        amount = 24542635

        [exit]
        values = [81250844, 1000000000]
        "#,
    );
    let paid = |e: usize| {
        outcome.exits[e]
            .payouts()
            .iter()
            .find(|p| p.holder == "Fund 1-0")
            .unwrap()
            .amount
    };
    assert!(paid(0) <= paid(1), "{} at 81,250,844 but {} at 1B", paid(0), paid(1));
}

/// Found by the division-by-zero check in `run`: a pre-money safe's cap price,
/// 17,551,214 / 35,951,902 = 0.488, rounds to 0 with `price_decimals = 0`, and its shares
/// are then amount / 0: the engine falls through to `Arith::div`'s safety net, "this makes
/// a division by zero", pointed at the round, with a hint about empty tables. The round's
/// own price has a check ("the price per share rounds to zero"); conversion prices have
/// none. src/engine/priced_round.rs, `convert`: after each `rounding.price(..)` of a cap or
/// discount price, refuse a zero with an error at the safe's or note's span, e.g. "the
/// conversion price of the safe of \"X\" rounds to zero", hint "raise `price_decimals`".
#[test]
fn a_conversion_price_rounding_to_zero_is_named() {
    let text = r#"
        [rounding]
        price_decimals = 0

        [[holder]]
        name = "Founder A"
        shares = 17204060

        [[holder]]
        name = "Founder B"
        shares = 18747842

        [[safe]]
        investor = "Safe investor 1"
        amount = 351024
        cap = 17551214
        type = "pre-money"

        [[round]]
        name = "Series B"
        price = "14.25"
        "#;
    let doc = calc::scenario::load(text, "test", None, &[]).unwrap();
    let error = calc::engine::evaluate(&doc.scenario).unwrap_err();
    assert!(error.message.contains("rounds to zero"), "{}", error.message);
}

/// Found by the division-by-zero check in `run` (through `price_rises_with_the_pre_money`):
/// the Seed converts a note and sells nothing, so its own class "Seed" (narrow-based
/// protection) has no shares; the Series A is a down round, and narrow-based protection
/// computes CP2 = CP1 × (A + B) / (A + C) with A = the class's shares = 0 and B = C = 0
/// (no new money): 0 / 0, "this makes a division by zero" at the round. A class with no
/// shares has nothing to adjust. src/engine/anti_dilution.rs, `adjust`: skip a class whose
/// `table.class_shares(class)` is zero (before computing CP2).
#[test]
fn narrow_based_protection_of_an_empty_class() {
    let (_, outcome) = crate::support::evaluate(
        r#"
        [[holder]]
        name = "Founder"
        shares = 14840344

        [[safe]]
        investor = "Safe"
        amount = 20000
        converts_at = "Series A"

        [[note]]
        investor = "Note"
        principal = 865137

        [[round]]
        name = "Seed"
        price = "8.03"
        anti_dilution = "narrow-based"

        [[round]]
        name = "Series A"
        pre_money = 1000000
        "#,
    );
    // The note's conversion class ("Seed (conversion)", protected at 8.03) is adjusted by
    // the down round; the empty "Seed" class is not.
    assert!(outcome.rounds[1].adjustments.iter().all(|a| a.class != "Seed"));
}

/// Found by `payouts_add_up_to_the_exit_value_and_rise_with_it` (30,000 cases): a holder
/// of kind "pool" that buys in a round holds preferred of that round's class, but the
/// waterfall skips every holding of the pool (src/engine/waterfall.rs, `Waterfall::new`:
/// `if p.kind == HolderKind::Pool ... continue`) while the class's claim still counts the
/// pool's shares (`table.class_shares`). The pool's part of the class is then paid to
/// nobody, and `settle` hands it, as if it were a rounding residue, to the largest payout:
/// here Lead, 1x non-participating on $1M and not converting, receives all $1.5M of a $1.5M
/// exit, and at $100M the Founders receive the pool's as-converted Seed shares (90.98M
/// instead of 81.97M). Payouts are then not monotone either (the residue moves from one
/// holder to another as the exit grows). Either refuse the pool as an investor (a check in
/// src/scenario/mod.rs `build`, where holders and rounds are both known: "the option pool
/// \"X\" cannot buy in a round"), or count a pool's preferred like any holder's; and make
/// `settle` refuse a residue larger than its rounding (a few units of the last decimal).
#[test]
fn a_pool_buying_preferred_does_not_pay_others() {
    let text = r#"
        [[holder]]
        name = "Founders"
        shares = 1_000_000

        [[holder]]
        name = "Option pool"
        shares = 100_000
        kind = "pool"

        [[round]]
        name = "Seed"
        pre_money = "10M"

        [[round.tranche]]
        investor = "Option pool"
        amount = "1M"

        [[round.tranche]]
        investor = "Lead"
        amount = "1M"

        [exit]
        values = ["1.5M", "100M"]
        "#;
    let refused = match calc::scenario::load(text, "test", None, &[]) {
        Err(problems) => problems.iter().any(|p| p.message.contains("pool")),
        Ok(doc) => match calc::engine::evaluate(&doc.scenario) {
            Err(e) => e.message.contains("pool"),
            Ok(outcome) => {
                let lead = outcome.exits[0]
                    .payouts()
                    .into_iter()
                    .find(|p| p.holder == "Lead")
                    .unwrap();
                // Not converting, Lead takes at most its 1x preference.
                assert!(lead.amount <= Decimal::from(1_000_000), "Lead receives {}", lead.amount);
                false
            }
        },
    };
    let _ = refused;
}

/// Found by `payouts_add_up_to_the_exit_value_and_rise_with_it` (its common-holder check):
/// two $100 safes convert at the round's price of $800 into no share each (floored), in one
/// class "Seed (conversion)" with a $200 preference and no shares. `Waterfall::at` gives a
/// holder the whole claim when its shares equal the claim's (`if c.shares == shares`), and
/// 0 == 0 for both: each safe receives the class's $200, and `settle` takes the $200 excess
/// back from the largest payout, the Founder's (800 instead of 1,000 at an exit of 1,200).
/// src/engine/waterfall.rs `Waterfall::at`: split a claim without shares by the money each
/// holder put in (never the whole claim to each), and make `settle` refuse a residue larger
/// than its rounding; src/engine/priced_round.rs `convert`: a conversion into no share might
/// be refused like a tranche that "buys no share".
#[test]
fn a_class_without_shares_pays_its_preference_once() {
    let text = r#"
        [[holder]]
        name = "Founder"
        shares = 1

        [[safe]]
        investor = "Angel A"
        amount = 100

        [[safe]]
        investor = "Angel B"
        amount = 100

        [[round]]
        name = "Seed"
        pre_money = 1_000

        [exit]
        values = [1_200]
        "#;
    let doc = calc::scenario::load(text, "test", None, &[]).unwrap();
    match calc::engine::evaluate(&doc.scenario) {
        Err(e) => assert!(e.message.contains("no share"), "{}", e.message),
        Ok(outcome) => {
            let paid = |name: &str| {
                outcome.exits[0]
                    .payouts()
                    .iter()
                    .find(|p| p.holder == name)
                    .unwrap()
                    .amount
            };
            assert_eq!(paid("Angel A"), Decimal::from(100));
            assert_eq!(paid("Angel B"), Decimal::from(100));
            assert_eq!(paid("Founder"), Decimal::from(1_000));
        }
    }
}

/// Found by `existing_holders_are_diluted_by_a_fraction_in_0_1` (50,000 cases): the
/// Series A raises no new money, so broad-based protection gives CP2 = CP1 × A / A = CP1,
/// 2.900001; rounded to 0.0001 that is 2.9, below CP1, and the engine records an
/// adjustment (src/engine/anti_dilution.rs `adjust` compares the *rounded* CP2 with CP1).
/// Re-converting then floors the Angel's fractional holding (conversion_shares = "none"):
/// 34,482.7467 shares become 34,482, an "anti-dilution adjustment" of −0.7467 shares, and
/// every other holder's ownership rises (the Founders' "dilution" went negative in the
/// shrunk case). Fixes: in `adjust`, skip the class when the exact CP2 is not below CP1
/// (before rounding it); in src/engine/cap_table.rs `reconvert`, never lower a holding
/// (`converted.max(h.shares)`), since an adjustment only ever adds shares.
#[test]
fn an_anti_dilution_adjustment_never_takes_shares() {
    let (_, outcome) = crate::support::evaluate(
        r#"
        [rounding]
        conversion_shares = "none"

        [[holder]]
        name = "Founders"
        shares = 1_000_000

        [[note]]
        investor = "Angel"
        principal = 100_000

        [[round]]
        name = "Seed"
        pre_money = 3_000_001
        anti_dilution = "broad-based"

        [[round]]
        name = "Series A"
        pre_money = 1_000_000
        pool_target = "1%"
        "#,
    );
    let series_a = &outcome.rounds[1];
    assert!(
        series_a.adjustments.is_empty(),
        "no new money, no adjustment: {:?}",
        series_a.adjustments
    );
    let angel = crate::support::holder(&series_a.holders(), "Angel");
    assert!(angel.shares_after >= angel.shares_before);
}

/// Found by `payouts_add_up_to_the_exit_value_and_rise_with_it` (100,000 cases): the two
/// bugs above together. With cash_shares = "none" the Seed's funds hold fractions of a
/// share (0.16, 0.088, 0.062); the Series A down round re-converts the protected Seed class
/// at 249,334,181.0541 and floors each holding to 0 (`reconvert`), so the class has no
/// shares, each fund is paid the whole class (`Waterfall::at`), and `settle` takes the
/// excess back from the largest payout: at an exit of $1, Fund 0-2 receives −$0.9987.
#[test]
fn no_payout_is_negative() {
    let (_, outcome) = crate::support::evaluate(
        r#"
        [rounding]
        price_decimals = 0
        cash_shares = "none"

        [[holder]]
        name = "Founder A"
        shares = 1

        [[round]]
        name = "Seed"
        pre_money = 252452518
        anti_dilution = "broad-based"

        [[round.tranche]]
        investor = "Fund 0-0"
        amount = 40360404

        [[round.tranche]]
        investor = "Fund 0-1"
        amount = 22218625

        [[round.tranche]]
        investor = "Fund 0-2"
        amount = 15636362

        [[round]]
        name = "Series A"
        pre_money = 7814660
        amount = 100000

        [exit]
        values = [1]
        "#,
    );
    for p in &outcome.exits[0].payouts() {
        assert!(p.amount >= Decimal::ZERO, "{} receives {}", p.holder, p.amount);
    }
}
