//! `[[holder]]`: the cap table before the first round, in share mode or percent mode.

use super::reader::{Problems, Table};
use crate::diagnostic::Diagnostic;
use crate::engine::{Holder, HolderKind, Mode};
use rust_decimal::Decimal;
use std::collections::HashSet;
use std::ops::Range;
use toml::de::DeValue;

const KEYS: &[&str] = &["name", "shares", "stake", "kind", "class", "strike"];

/// Reads every holder; returns the table's mode and its holders (stakes as fractions).
pub fn read(top: &Table, p: &mut Problems) -> (Mode, Vec<Holder>) {
    let tables = top.tables("holder", p);
    if tables.is_empty() && top.get("holder").is_none() {
        // Nothing in the file is wrong, something is missing: no line to point at.
        p.push(Diagnostic::whole_file("the scenario has no [[holder]]").hint(
            "start with the cap table: a [[holder]] block with `name = \"Founders\"` and `shares = 1_000_000` \
             (or `stake = \"100%\"`)",
        ));
    }
    let kinds: Vec<(&str, HolderKind)> = HolderKind::NAMES
        .iter()
        .filter_map(|n| HolderKind::parse(n).map(|k| (*n, k)))
        .collect();
    let with_shares = tables.iter().filter(|(t, _)| t.contains_key("shares")).count();
    let mode = if with_shares * 2 >= tables.len() && with_shares > 0 {
        Mode::Shares
    } else {
        Mode::Percent
    };

    let mut holders = Vec::with_capacity(tables.len());
    let mut seen: HashSet<String> = HashSet::new();
    let mut rest: Option<(usize, Range<usize>)> = None;
    for (entries, span) in &tables {
        let t = Table::new(entries, span.clone(), "[[holder]]");
        t.check_keys(KEYS, p);
        let name = t.name("name", p);
        if let Some((n, s)) = &name {
            if !seen.insert(n.clone()) {
                p.at(
                    s.clone(),
                    format!("holder \"{n}\" is listed twice"),
                    Some(format!(
                        "a holder has one [[holder]]: merge this one into the first \"{n}\", or rename it"
                    )),
                );
            }
        }
        let kind = if t.get("kind").is_some() {
            t.choice("kind", &kinds, p)
        } else {
            Some(HolderKind::Common)
        };
        let class = t.string("class", p).map_or_else(|| "Common".to_string(), |(c, _)| c);
        let strike = t.money("strike", p).map(|v| v.value);
        if let (Some(s), Some(k)) = (t.key_span("strike"), kind) {
            if !matches!(k, HolderKind::Options | HolderKind::Warrants) {
                p.at(
                    s,
                    "`strike` applies only to options and warrants",
                    Some("remove it, or set `kind = \"options\"`".into()),
                );
            }
        }
        let amount = match (t.get("shares"), t.get("stake"), mode) {
            (Some(_), Some(_), _) => {
                let s = t.key_span("stake").unwrap_or(span.clone());
                p.at(s, "a holder has `shares` or `stake`, not both", Some("keep one".into()));
                None
            }
            (Some(_), None, Mode::Shares) => t.shares("shares", p).map(|v| v.value),
            (None, Some(_), Mode::Percent) => stake(&t, holders.len(), &mut rest, p),
            (None, None, _) => {
                let key = if mode == Mode::Shares { "shares" } else { "stake" };
                t.missing(key, if mode == Mode::Shares { "1_000_000" } else { "\"10%\"" }, p);
                None
            }
            (Some(_), None, Mode::Percent) | (None, Some(_), Mode::Shares) => {
                let (this, other) = if mode == Mode::Shares {
                    ("stake", "shares")
                } else {
                    ("shares", "stake")
                };
                let s = t.key_span(this).unwrap_or(span.clone());
                p.at(
                    s,
                    format!("this holder has `{this}`, but the table is written in `{other}`"),
                    Some(format!(
                        "write every holder with `{other}` (share mode) or every holder with `stake` (percent mode)"
                    )),
                );
                None
            }
        };
        if let (Some((name, _)), Some(kind), Some(amount)) = (name, kind, amount) {
            holders.push(Holder {
                name: name.into(),
                kind,
                class: class.into(),
                amount,
                strike,
                span: span.clone(),
            });
        }
    }
    if mode == Mode::Percent && !tables.is_empty() && p.is_empty() {
        settle_stakes(&tables, &mut holders, rest, p);
    }
    if mode == Mode::Shares && !holders.is_empty() && holders.iter().all(|h| h.amount.is_zero()) {
        p.at(
            tables[0].1.clone(),
            "every holder has zero shares",
            Some("give at least one holder a number of shares above zero, like `shares = 1_000_000`".into()),
        );
    }
    (mode, holders)
}

/// A stake: a percent, or "rest" (at most once).
fn stake(t: &Table, index: usize, rest: &mut Option<(usize, Range<usize>)>, p: &mut Problems) -> Option<Decimal> {
    let node = t.get("stake")?;
    if let DeValue::String(s) = node.get_ref() {
        if s.trim() == "rest" {
            if rest.is_some() {
                p.at(
                    node.span(),
                    "a second `stake = \"rest\"`",
                    Some("only one holder can take the rest; give this one a percent".into()),
                );
                return None;
            }
            *rest = Some((index, node.span()));
            return Some(Decimal::ZERO);
        }
    }
    let v = t.percent("stake", p)?;
    if v.value > Decimal::ONE {
        p.at(
            node.span(),
            "a stake cannot exceed 100%",
            Some("write the holder's share of the whole company, from 0% to 100%, like `stake = \"26%\"`".into()),
        );
        return None;
    }
    Some(v.value)
}

/// Stakes must add up to exactly 100%, the "rest" holder taking what is left.
fn settle_stakes(
    tables: &[(&toml::de::DeTable, Range<usize>)],
    holders: &mut [Holder],
    rest: Option<(usize, Range<usize>)>,
    p: &mut Problems,
) {
    let sum: Decimal = holders.iter().map(|h| h.amount).sum();
    match rest {
        Some((i, span)) => {
            let left = Decimal::ONE - sum;
            if left <= Decimal::ZERO {
                p.at(
                    span,
                    format!(
                        "the other stakes already add up to {}%, leaving nothing for \"rest\"",
                        (sum * Decimal::ONE_HUNDRED).normalize()
                    ),
                    Some("lower the other stakes so they stay under 100%".into()),
                );
            } else if let Some(h) = holders.get_mut(i) {
                h.amount = left;
            }
        }
        None if sum != Decimal::ONE => {
            p.at(
                tables[0].1.clone(),
                format!(
                    "the stakes add up to {}%, not 100%",
                    (sum * Decimal::ONE_HUNDRED).normalize()
                ),
                Some("adjust them, or let one holder take `stake = \"rest\"`".into()),
            );
        }
        None => {}
    }
}
