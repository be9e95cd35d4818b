//! `calc check`: evaluate every `[[expect]]` of a document against the engine's outcome.
//!
//! An expectation that names a round, holder or variant that does not exist is an
//! input error (exit 2), not a failed check.

use crate::diagnostic::{name_hint, Diagnostic};
use crate::engine::{self, Outcome};
use crate::scenario::expect::{Expect, Metric, Unit};
use crate::scenario::{self, Document};
use rust_decimal::Decimal;
use std::collections::HashMap;

#[derive(Clone, Debug)]
pub struct Failure {
    pub span: std::ops::Range<usize>,
    pub metric: Metric,
    pub expected: Decimal,
    pub actual: Decimal,
    pub written: String,
    /// The allowed difference: explicit, or half a unit of the last written digit.
    pub tolerance: Decimal,
    pub holder: Option<String>,
    pub after: Option<String>,
    pub variant: Option<String>,
}

#[derive(Debug, Default)]
pub struct FileResult {
    pub passed: usize,
    pub failures: Vec<Failure>,
    pub errors: Vec<Diagnostic>,
}

/// Checks every expectation of `doc` (the base document of `text`).
pub fn check(doc: &Document, text: &str, stem: &str) -> FileResult {
    let mut result = FileResult::default();
    let mut outcomes: HashMap<Option<String>, Result<Outcome<'_>, Vec<Diagnostic>>> = HashMap::new();
    for e in &doc.expects {
        let key = e.variant.as_ref().map(|v| v.name.clone());
        let outcome = outcomes
            .entry(key.clone())
            .or_insert_with(|| evaluate(doc, text, stem, e));
        let outcome = match outcome {
            Ok(o) => o,
            Err(diags) => {
                for d in diags.iter() {
                    if !result.errors.contains(d) {
                        result.errors.push(d.clone());
                    }
                }
                continue;
            }
        };
        match actual(e, outcome) {
            Ok(actual) => {
                if (actual - e.expected).abs() <= e.tolerance {
                    result.passed += 1;
                } else {
                    result.failures.push(Failure {
                        span: e.span.clone(),
                        metric: e.metric,
                        expected: e.expected,
                        actual,
                        written: e.written.clone(),
                        tolerance: e.tolerance,
                        holder: e.holder.as_ref().map(|h| h.name.clone()),
                        after: e.after.as_ref().map(|a| a.name.clone()),
                        variant: key,
                    });
                }
            }
            Err(d) => result.errors.push(d),
        }
    }
    // The base and every variant must compute, even those no expectation reads: a
    // variant broken by an edit is an input error, not something to find out later.
    let unchecked: Vec<Option<String>> = std::iter::once(None)
        .chain(doc.variants.iter().map(|v| Some(v.name.clone())))
        .filter(|key| !outcomes.contains_key(key))
        .collect();
    for key in unchecked {
        if let Err(diags) = outcome_of(doc, text, stem, key.as_deref()) {
            for d in diags {
                if !result.errors.contains(&d) {
                    result.errors.push(d);
                }
            }
        }
    }
    result
}

/// The outcome an expectation reads; an unknown variant is refused at the expectation.
fn evaluate<'d>(doc: &'d Document, text: &str, stem: &str, e: &Expect) -> Result<Outcome<'d>, Vec<Diagnostic>> {
    if let Some(v) = &e.variant {
        if !doc.variants.iter().any(|known| known.name == v.name) {
            let names = doc.variants.iter().map(|v| v.name.as_str());
            let hint = name_hint(&v.name, names, "the variants are", "this file has no [[variant]]");
            return Err(vec![Diagnostic::at(
                v.span.clone(),
                format!("there is no variant \"{}\"", v.name),
            )
            .hint(hint)]);
        }
    }
    outcome_of(doc, text, stem, e.variant.as_ref().map(|v| v.name.as_str()))
}

/// The base scenario's outcome, or a variant's (loaded from the text with its changes).
fn outcome_of<'d>(
    doc: &'d Document,
    text: &str,
    stem: &str,
    variant: Option<&str>,
) -> Result<Outcome<'d>, Vec<Diagnostic>> {
    let evaluated = match variant {
        None => engine::evaluate(&doc.scenario),
        Some(name) => {
            // A variant's document is loaded here: its outcome keeps copies of the names.
            let variant_doc = scenario::load(text, stem, Some(name), &[])?;
            engine::evaluate(&variant_doc.scenario).map(Outcome::into_owned)
        }
    };
    evaluated.map_err(|e| vec![Diagnostic::from(e)])
}

/// The figure an expectation refers to.
fn actual(e: &Expect, outcome: &Outcome) -> Result<Decimal, Diagnostic> {
    let round = match &e.after {
        Some(after) => Some(outcome.rounds.iter().find(|r| *r.name == *after.name).ok_or_else(|| {
            Diagnostic::at(after.span.clone(), format!("there is no round \"{}\"", after.name)).hint(name_hint(
                &after.name,
                outcome.rounds.iter().map(|r| &*r.name),
                "the rounds are",
                "there are none",
            ))
        })?),
        None => None,
    };
    let not_applicable =
        |why: &str, fix: &str| Diagnostic::at(e.metric_span.clone(), format!("`{}` {why}", e.metric.name())).hint(fix);
    if e.metric.is_holder_metric() {
        let Some(holder) = &e.holder else {
            return Err(not_applicable("needs `holder`", "add `holder = \"...\"`"));
        };
        let rows = match round.and_then(|r| outcome.rounds.iter().position(|o| o.name == r.name)) {
            Some(index) => outcome.round_holders(index),
            None => outcome.final_holders(),
        };
        let row = rows.iter().find(|h| h.name == holder.name).ok_or_else(|| {
            Diagnostic::at(
                holder.span.clone(),
                format!("there is no holder \"{}\" here", holder.name),
            )
            .hint(name_hint(
                &holder.name,
                rows.iter().map(|h| h.name.as_str()),
                "the holders are",
                "there are none",
            ))
        })?;
        return match e.metric {
            Metric::Ownership => Ok(row.ownership_after),
            Metric::Shares => row.shares_after.ok_or_else(|| {
                not_applicable(
                    "has no share counts in a percent-mode table",
                    "check `ownership` instead",
                )
            }),
            Metric::Value => row.value_after.ok_or_else(|| {
                not_applicable(
                    "needs a round to value the company",
                    "add a [[round]], or check `ownership` instead",
                )
            }),
            Metric::Dilution => row.dilution.ok_or_else(|| {
                not_applicable(
                    "does not apply to a holder new in this round",
                    "a new holder had nothing to dilute: check its `ownership` instead",
                )
            }),
            _ => payout(e, &holder.name, holder.span.clone(), outcome),
        };
    }
    let round = round.or(outcome.rounds.last()).ok_or_else(|| {
        not_applicable(
            "needs a round, and the scenario has none",
            "add a [[round]], or remove this [[expect]]",
        )
    })?;
    match e.metric {
        Metric::Price => round.price.ok_or_else(|| {
            not_applicable(
                "has no price per share in a percent-mode table",
                "check `pre_money` or `post_money` instead",
            )
        }),
        Metric::PreMoney => Ok(round.pre_money),
        Metric::PostMoney => Ok(round.post_money),
        Metric::Amount => Ok(round.amount),
        Metric::NewShares => round.new_shares.ok_or_else(|| {
            not_applicable(
                "has no share counts in a percent-mode table",
                "check `amount` or the holders' `ownership` instead",
            )
        }),
        Metric::PoolIncrease => round.pool_increase.ok_or_else(|| {
            not_applicable(
                "applies to a round with pool_target or pool_increase",
                "add `pool_target` to the round, or name the round that tops the pool up in `after`",
            )
        }),
        _ => Err(not_applicable("is not a round's figure", "add `holder = \"...\"`")),
    }
}

/// A holder's payout at the exit value the expectation names.
fn payout(
    e: &Expect,
    holder: &str,
    holder_span: std::ops::Range<usize>,
    outcome: &Outcome,
) -> Result<Decimal, Diagnostic> {
    let value = e.exit.unwrap_or_default();
    let shown = |v: Decimal| crate::report::format::money(v, "$");
    let Some(exit) = outcome.exits.iter().find(|x| x.value == value) else {
        let values: Vec<String> = outcome
            .exits
            .iter()
            .map(|x| format!("\"{}\"", shown(x.value)))
            .collect();
        let hint = if values.is_empty() {
            "add an [exit] with `values = [...]` that include it".to_string()
        } else {
            format!("the [exit] values are {}; add this one to `values`", values.join(", "))
        };
        return Err(Diagnostic::at(
            e.metric_span.clone(),
            format!(
                "`payout` at an exit of {}, which the [exit] does not list",
                shown(value)
            ),
        )
        .hint(hint));
    };
    let payouts = exit.payouts();
    match payouts.iter().find(|p| p.holder == holder) {
        Some(p) => Ok(p.amount),
        None => Err(
            Diagnostic::at(holder_span, format!("there is no holder \"{holder}\" in the exit")).hint(name_hint(
                holder,
                payouts.iter().map(|p| p.holder.as_str()),
                "the holders are",
                "there are none",
            )),
        ),
    }
}

/// A figure in the metric's own unit, exactly: "26.5412%" or "1176470.5".
pub fn show(metric: Metric, value: Decimal) -> String {
    match metric.unit() {
        Unit::Percent => match value.checked_mul(Decimal::ONE_HUNDRED) {
            Some(pct) => format!("{}%", pct.round_dp(6).normalize()),
            None => format!("{} (as a fraction)", value.normalize()),
        },
        Unit::Shares | Unit::Money => value.round_dp(6).normalize().to_string(),
    }
}

/// A difference in the metric's own unit, signed: "+0.006 pp", "-1.5".
pub fn show_difference(metric: Metric, difference: Decimal) -> String {
    let sign = if difference.is_sign_negative() { "-" } else { "+" };
    let abs = difference.abs();
    match metric.unit() {
        Unit::Percent => match abs.checked_mul(Decimal::ONE_HUNDRED) {
            Some(pp) => format!("{sign}{} pp", pp.round_dp(6).normalize()),
            None => format!("{sign}{} (as a fraction)", abs.normalize()),
        },
        Unit::Shares | Unit::Money => format!("{sign}{}", abs.round_dp(6).normalize()),
    }
}
