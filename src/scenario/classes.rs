//! Class terms: `[[class]]` for preferred held before the first round, and the same
//! keys written on a `[[round]]` for the class that round creates.

use super::reader::{Problems, Table};
use crate::engine::{AntiDilution, ClassDef, ClassTerms};
use rust_decimal::Decimal;
use std::collections::HashSet;

pub const TERM_KEYS: [&str; 5] = [
    "preference",
    "participating",
    "participation_cap",
    "seniority",
    "anti_dilution",
];
const CLASS_KEYS: &[&str] = &[
    "name",
    "original_price",
    "preference",
    "participating",
    "participation_cap",
    "seniority",
    "anti_dilution",
];

/// Reads the class terms written in `t`, defaults for the rest.
pub fn terms(t: &Table, p: &mut Problems) -> ClassTerms {
    let mut terms = ClassTerms::default();
    if let Some(m) = t.multiple("preference", p) {
        terms.preference = m.value;
    }
    terms.participating = t.boolean("participating", p).unwrap_or(false);
    if let Some(cap) = t.multiple("participation_cap", p) {
        terms.participation_cap = Some(cap.value);
        if let Some(span) = t.key_span("participation_cap") {
            if !terms.participating {
                p.at(
                    span.clone(),
                    "`participation_cap` applies only to a participating class",
                    Some("add `participating = true`, or remove the cap".into()),
                );
            } else if cap.value <= terms.preference {
                p.at(
                    span,
                    "the participation cap must exceed the preference multiple",
                    Some(format!(
                        "a cap of {}x with a {}x preference leaves nothing to participate in",
                        cap.value.normalize(),
                        terms.preference.normalize()
                    )),
                );
            }
        }
    }
    if let Some(s) = t.integer("seniority", 0..1_000_000, p) {
        terms.seniority = s;
    }
    if t.get("anti_dilution").is_some() {
        let rules = [
            ("none", AntiDilution::None),
            ("broad-based", AntiDilution::BroadBased),
            ("narrow-based", AntiDilution::NarrowBased),
            ("full-ratchet", AntiDilution::FullRatchet),
        ];
        terms.anti_dilution = t.choice("anti_dilution", &rules, p).unwrap_or(AntiDilution::None);
    }
    terms
}

pub fn read(top: &Table, p: &mut Problems) -> Vec<ClassDef> {
    let mut names = HashSet::new();
    let mut out = Vec::new();
    for (entries, span) in top.tables("class", p) {
        let t = Table::new(entries, span.clone(), "[[class]]");
        t.check_keys(CLASS_KEYS, p);
        let name = t.name("name", p);
        if let Some((n, s)) = &name {
            if !names.insert(n.clone()) {
                p.at(
                    s.clone(),
                    format!("class \"{n}\" is defined twice"),
                    Some("class names must be unique".into()),
                );
            }
        }
        let original_price = t
            .money("original_price", p)
            .map(|v| v.value)
            .filter(|v| *v > Decimal::ZERO);
        let terms = terms(&t, p);
        if let Some((name, _)) = name {
            out.push(ClassDef {
                name: name.into(),
                original_price,
                terms,
                span,
            });
        }
    }
    out
}
