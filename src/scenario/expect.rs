//! `[[expect]]`: figures a scenario asserts, verified by `calc check`.

use super::reader::{self, Problems, Table};
use super::value::Parsed;
use rust_decimal::Decimal;
use std::ops::Range;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Metric {
    Ownership,
    Shares,
    Value,
    Dilution,
    Payout,
    Price,
    PreMoney,
    PostMoney,
    Amount,
    NewShares,
    PoolIncrease,
}

/// How a metric's expected value is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Percent,
    Shares,
    Money,
}

impl Metric {
    pub const ALL: [(&'static str, Metric); 11] = [
        ("ownership", Metric::Ownership),
        ("shares", Metric::Shares),
        ("value", Metric::Value),
        ("dilution", Metric::Dilution),
        ("payout", Metric::Payout),
        ("price", Metric::Price),
        ("pre_money", Metric::PreMoney),
        ("post_money", Metric::PostMoney),
        ("amount", Metric::Amount),
        ("new_shares", Metric::NewShares),
        ("pool_increase", Metric::PoolIncrease),
    ];

    pub fn name(self) -> &'static str {
        Metric::ALL.iter().find(|(_, m)| *m == self).map_or("?", |(n, _)| n)
    }

    pub fn unit(self) -> Unit {
        match self {
            Metric::Ownership | Metric::Dilution => Unit::Percent,
            Metric::Shares | Metric::NewShares | Metric::PoolIncrease => Unit::Shares,
            _ => Unit::Money,
        }
    }

    /// Holder metrics need `holder`; the others describe a round.
    pub fn is_holder_metric(self) -> bool {
        matches!(
            self,
            Metric::Ownership | Metric::Shares | Metric::Value | Metric::Dilution | Metric::Payout
        )
    }
}

#[derive(Clone, Debug)]
pub struct Named {
    pub name: String,
    pub span: Range<usize>,
}

#[derive(Clone, Debug)]
pub struct Expect {
    pub span: Range<usize>,
    pub after: Option<Named>,
    pub variant: Option<Named>,
    pub holder: Option<Named>,
    pub metric: Metric,
    pub metric_span: Range<usize>,
    pub expected: Decimal,
    /// The value as written, for reports.
    pub written: String,
    /// Explicit, or half a unit of the last written digit.
    pub tolerance: Decimal,
    pub exit: Option<Decimal>,
}

const OTHER_KEYS: &[&str] = &["after", "variant", "holder", "exit", "tolerance"];

pub fn read(top: &Table, source: &str, p: &mut Problems) -> Vec<Expect> {
    let mut keys: Vec<&str> = OTHER_KEYS.to_vec();
    keys.extend(Metric::ALL.iter().map(|(n, _)| *n));
    let mut out = Vec::new();
    for (entries, span) in top.tables("expect", p) {
        let t = Table::new(entries, span.clone(), "[[expect]]");
        t.check_keys(&keys, p);
        let named = |key: &str, p: &mut Problems| t.name(key, p).map(|(name, span)| Named { name, span });
        let after = t.get("after").and_then(|_| named("after", p));
        let variant = t.get("variant").and_then(|_| named("variant", p));
        let holder = t.get("holder").and_then(|_| named("holder", p));
        let exit = t.money("exit", p).map(|v| v.value);
        let metrics: Vec<(&str, Metric)> = Metric::ALL
            .iter()
            .copied()
            .filter(|(n, _)| t.get(n).is_some())
            .collect();
        let (key, metric) = match metrics.as_slice() {
            [one] => *one,
            [] => {
                p.at(span.clone(), "[[expect]] names no metric", Some("add one of: ownership, shares, value, dilution, payout, price, pre_money, post_money, amount, new_shares, pool_increase".into()));
                continue;
            }
            [_, second, ..] => {
                let s = t.key_span(second.0).unwrap_or(span.clone());
                p.at(
                    s,
                    "one [[expect]] checks one metric",
                    Some("split it into several [[expect]] blocks".into()),
                );
                continue;
            }
        };
        let Some(node) = t.get(key) else { continue };
        if metric.is_holder_metric() && holder.is_none() {
            p.at(
                node.span(),
                format!("`{key}` is a holder's figure: the [[expect]] needs `holder`"),
                Some("add `holder = \"...\"`".into()),
            );
        }
        if !metric.is_holder_metric() && holder.is_some() {
            p.at(
                node.span(),
                format!("`{key}` is a round's figure: `holder` does not apply"),
                Some("remove `holder`".into()),
            );
        }
        if metric == Metric::Payout && exit.is_none() {
            p.at(
                node.span(),
                "`payout` needs the exit value it refers to",
                Some("add `exit = \"1B\"`".into()),
            );
        }
        let parse = |key: &str, node: &reader::Node, p: &mut Problems| -> Option<Parsed> {
            match metric.unit() {
                Unit::Percent => reader::percent(key, node, p),
                Unit::Shares => t.shares(key, p),
                Unit::Money => reader::money(key, node, p),
            }
        };
        let Some(expected) = parse(key, node, p) else { continue };
        let tolerance = match t.get("tolerance") {
            Some(tol) => match parse("tolerance", tol, p) {
                Some(v) => v.value,
                None => continue,
            },
            None => expected.unit / Decimal::TWO,
        };
        out.push(Expect {
            span: span.clone(),
            after,
            variant,
            holder,
            metric,
            metric_span: node.span(),
            expected: expected.value,
            written: source.get(node.span()).unwrap_or("").trim_matches('"').to_string(),
            tolerance,
            exit,
        });
    }
    out
}
