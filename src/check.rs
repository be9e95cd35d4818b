//! `calc check`: evaluate every `[[expect]]` of a document against the engine's outcome.
//!
//! An expectation that names a round, holder or variant that does not exist is an
//! input error (exit 2), not a failed check.

use crate::diagnostic::Diagnostic;
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
    pub holder: Option<String>,
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
    let mut outcomes: HashMap<Option<String>, Result<Outcome, Vec<Diagnostic>>> = HashMap::new();
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
                        holder: e.holder.as_ref().map(|h| h.name.clone()),
                        variant: key,
                    });
                }
            }
            Err(d) => result.errors.push(d),
        }
    }
    result
}

fn evaluate(doc: &Document, text: &str, stem: &str, e: &Expect) -> Result<Outcome, Vec<Diagnostic>> {
    let variant_doc;
    let doc = match &e.variant {
        None => doc,
        Some(v) => {
            if !doc.variants.iter().any(|known| known.name == v.name) {
                return Err(vec![Diagnostic::at(
                    v.span.clone(),
                    format!("there is no variant \"{}\"", v.name),
                )
                .hint(known_names(doc.variants.iter().map(|v| v.name.as_str())))]);
            }
            variant_doc = scenario::load(text, stem, Some(&v.name), &[])?;
            &variant_doc
        }
    };
    engine::evaluate(&doc.scenario).map_err(|err| {
        vec![Diagnostic {
            span: Some(err.span),
            message: err.message,
            hint: err.hint,
        }]
    })
}

fn known_names<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let list: Vec<String> = names.map(|n| format!("\"{n}\"")).collect();
    if list.is_empty() {
        "there are none".to_string()
    } else {
        format!("the names are: {}", list.join(", "))
    }
}

/// The figure an expectation refers to.
fn actual(e: &Expect, outcome: &Outcome) -> Result<Decimal, Diagnostic> {
    let round = match &e.after {
        Some(after) => Some(outcome.rounds.iter().find(|r| r.name == after.name).ok_or_else(|| {
            Diagnostic::at(after.span.clone(), format!("there is no round \"{}\"", after.name))
                .hint(known_names(outcome.rounds.iter().map(|r| r.name.as_str())))
        })?),
        None => None,
    };
    let not_applicable = |why: &str| Diagnostic::at(e.metric_span.clone(), format!("`{}` {why}", e.metric.name()));
    if e.metric.is_holder_metric() {
        let Some(holder) = &e.holder else {
            return Err(not_applicable("needs `holder`"));
        };
        let rows = round.map_or(&outcome.final_holders, |r| &r.holders);
        let row = rows.iter().find(|h| h.name == holder.name).ok_or_else(|| {
            Diagnostic::at(
                holder.span.clone(),
                format!("there is no holder \"{}\" here", holder.name),
            )
            .hint(known_names(rows.iter().map(|h| h.name.as_str())))
        })?;
        return match e.metric {
            Metric::Ownership => Ok(row.ownership_after),
            Metric::Shares => row
                .shares_after
                .ok_or_else(|| not_applicable("has no share counts in a percent-mode table")),
            Metric::Value => row
                .value_after
                .ok_or_else(|| not_applicable("needs a round to value the company")),
            Metric::Dilution => row
                .dilution
                .ok_or_else(|| not_applicable("does not apply to a holder new in this round")),
            _ => Err(not_applicable(
                "needs an [exit], which this version does not compute yet",
            )),
        };
    }
    let round = round
        .or(outcome.rounds.last())
        .ok_or_else(|| not_applicable("needs a round, and the scenario has none"))?;
    match e.metric {
        Metric::Price => round
            .price
            .ok_or_else(|| not_applicable("has no price per share in a percent-mode table")),
        Metric::PreMoney => Ok(round.pre_money),
        Metric::PostMoney => Ok(round.post_money),
        Metric::Amount => Ok(round.amount),
        Metric::NewShares => round
            .new_shares
            .ok_or_else(|| not_applicable("has no share counts in a percent-mode table")),
        Metric::PoolIncrease => round
            .pool_increase
            .ok_or_else(|| not_applicable("applies to a round with pool_target or pool_increase")),
        _ => Err(not_applicable("is not a round's figure")),
    }
}

/// A figure in the metric's own unit, exactly: "26.5412%" or "1176470.5".
pub fn show(metric: Metric, value: Decimal) -> String {
    match metric.unit() {
        Unit::Percent => format!("{}%", (value * Decimal::ONE_HUNDRED).round_dp(6).normalize()),
        Unit::Shares | Unit::Money => value.round_dp(6).normalize().to_string(),
    }
}
