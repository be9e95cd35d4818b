//! `[[safe]]` and `[[note]]`: securities that convert in a priced round.

use super::reader::{Problems, Table};
use crate::diagnostic::name_hint;
use crate::engine::{CapBasis, Date, Note, Safe, SafeKind};
use rust_decimal::Decimal;

const SAFE_KEYS: &[&str] = &[
    "investor",
    "amount",
    "cap",
    "discount",
    "type",
    "fixed_ownership",
    "mfn",
    "pro_rata",
    "converts_at",
];
const NOTE_KEYS: &[&str] = &[
    "investor",
    "principal",
    "interest",
    "issued",
    "cap",
    "discount",
    "cap_basis",
    "converts_at",
];

/// Round names in order, to resolve `converts_at`.
pub struct RoundNames<'a> {
    pub names: &'a [String],
}

impl RoundNames<'_> {
    /// The index of the round a security converts in: the named one, or the first.
    fn resolve(&self, t: &Table, p: &mut Problems) -> usize {
        let Some((name, span)) = t.string("converts_at", p) else {
            return 0;
        };
        match self.names.iter().position(|n| *n == name) {
            Some(i) => i,
            None => {
                let names = self.names.iter().map(String::as_str);
                let hint = name_hint(&name, names, "the rounds are", "the scenario has no [[round]]");
                p.at(span, format!("`converts_at` names no round: \"{name}\""), Some(hint));
                usize::MAX
            }
        }
    }
}

fn fraction_below_one(t: &Table, key: &str, p: &mut Problems) -> Option<Decimal> {
    let v = t.percent(key, p)?.value;
    if v >= Decimal::ONE {
        if let Some(s) = t.key_span(key) {
            p.at(
                s,
                format!("`{key}` must be below 100%"),
                Some(format!("write e.g. `{key} = \"20%\"`")),
            );
        }
        return None;
    }
    Some(v)
}

fn positive_money(t: &Table, key: &str, p: &mut Problems) -> Option<Decimal> {
    let v = t.money(key, p)?.value;
    if v.is_zero() {
        if let Some(s) = t.key_span(key) {
            p.at(s, format!("`{key}` must be above zero"), None);
        }
        return None;
    }
    Some(v)
}

/// The terms safes and notes share: an optional cap (money above zero) and an optional
/// discount (below 100%).
fn cap_and_discount(t: &Table, p: &mut Problems) -> (Option<Decimal>, Option<Decimal>) {
    let cap = if t.get("cap").is_some() {
        positive_money(t, "cap", p)
    } else {
        None
    };
    let discount = if t.get("discount").is_some() {
        fraction_below_one(t, "discount", p)
    } else {
        None
    };
    (cap, discount)
}

pub fn read_safes(top: &Table, rounds: &RoundNames, p: &mut Problems) -> Vec<Safe> {
    let mut out = Vec::new();
    let mut fixed_total = Decimal::ZERO;
    for (entries, span) in top.tables("safe", p) {
        let t = Table::new(entries, span.clone(), "[[safe]]");
        t.check_keys(SAFE_KEYS, p);
        let investor = t.name("investor", p);
        let amount = if t.get("amount").is_some() {
            positive_money(&t, "amount", p)
        } else {
            t.missing("amount", "\"200k\"", p);
            None
        };
        let (cap, discount) = cap_and_discount(&t, p);
        let fixed_ownership = if t.get("fixed_ownership").is_some() {
            let f = fraction_below_one(&t, "fixed_ownership", p);
            if let Some(f) = f {
                fixed_total += f;
            }
            if let (Some(s), true) = (
                t.key_span("fixed_ownership"),
                t.get("cap").is_some() || t.get("discount").is_some(),
            ) {
                p.at(
                    s,
                    "a fixed-ownership safe has no cap or discount",
                    Some("remove `cap` and `discount`, or `fixed_ownership`".into()),
                );
            }
            f
        } else {
            None
        };
        let kind = if t.get("type").is_some() {
            t.choice(
                "type",
                &[("post-money", SafeKind::PostMoney), ("pre-money", SafeKind::PreMoney)],
                p,
            )
        } else {
            Some(SafeKind::PostMoney)
        };
        let mfn = t.boolean("mfn", p).unwrap_or(false);
        let pro_rata = t.boolean("pro_rata", p).unwrap_or(false);
        let converts_at = rounds.resolve(&t, p);
        if let (Some((investor, _)), Some(amount), Some(kind)) = (investor, amount, kind) {
            out.push(Safe {
                investor: investor.into(),
                amount,
                cap,
                discount,
                kind,
                fixed_ownership,
                mfn,
                pro_rata,
                converts_at,
                span,
            });
        }
    }
    if fixed_total >= Decimal::ONE {
        if let Some(first) = out.iter().find(|s| s.fixed_ownership.is_some()) {
            p.at(
                first.span.clone(),
                "the fixed-ownership safes add up to 100% or more",
                Some("fixed ownerships must leave part of the company to everyone else".into()),
            );
        }
    }
    out
}

pub fn read_notes(top: &Table, rounds: &RoundNames, p: &mut Problems) -> Vec<Note> {
    let mut out = Vec::new();
    for (entries, span) in top.tables("note", p) {
        let t = Table::new(entries, span.clone(), "[[note]]");
        t.check_keys(NOTE_KEYS, p);
        let investor = t.name("investor", p);
        let principal = if t.get("principal").is_some() {
            positive_money(&t, "principal", p)
        } else {
            t.missing("principal", "\"400k\"", p);
            None
        };
        let interest = t.percent("interest", p).map_or(Decimal::ZERO, |v| v.value);
        let issued = t.date("issued", p).map(|d| Date {
            year: i32::from(d.year),
            month: u32::from(d.month),
            day: u32::from(d.day),
        });
        let (cap, discount) = cap_and_discount(&t, p);
        let cap_basis = if t.get("cap_basis").is_some() {
            t.choice(
                "cap_basis",
                &[
                    ("fully-diluted", CapBasis::FullyDiluted),
                    ("outstanding", CapBasis::Outstanding),
                ],
                p,
            )
        } else {
            Some(CapBasis::FullyDiluted)
        };
        let converts_at = rounds.resolve(&t, p);
        if let (Some((investor, _)), Some(principal), Some(cap_basis)) = (investor, principal, cap_basis) {
            out.push(Note {
                investor: investor.into(),
                principal,
                interest,
                issued,
                cap,
                discount,
                cap_basis,
                converts_at,
                span,
            });
        }
    }
    out
}

/// Names of the rounds some security converts in (such rounds may raise no new money).
pub fn converting_rounds(names: &[String], safes: &[Safe], notes: &[Note]) -> std::collections::HashSet<String> {
    let indices = safes
        .iter()
        .map(|s| s.converts_at)
        .chain(notes.iter().map(|n| n.converts_at));
    indices.filter_map(|i| names.get(i).cloned()).collect()
}
