//! CSV for spreadsheets: one row per holder per round (and the final table), with the
//! round's figures beside it, exact decimals, fractions for ownership and dilution.

use super::format::exact;
use crate::engine::{HolderRow, Outcome, RoundOutcome};
use crate::scenario::Document;
use rust_decimal::Decimal;

pub const HEADER: &str = "scenario,variant,round,holder,kind,shares_before,shares_after,ownership_before,ownership_after,dilution,value_after,round_pre_money,round_post_money,round_price";

/// Quotes a field when it holds a comma, quote or line break.
pub fn field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

fn opt(v: Option<Decimal>) -> String {
    v.map(exact).unwrap_or_default()
}

/// Writes every row of one report, a round at a time (rows are derived per round and
/// dropped once written, so a large table streams).
pub fn rows(doc: &Document, outcome: &Outcome, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let prefix = format!("{},{}", field(&doc.title), field(doc.variant.as_deref().unwrap_or("")));
    let mut text = String::new();
    for (i, r) in outcome.rounds.iter().enumerate() {
        for h in &outcome.round_holders(i) {
            line(&mut text, &prefix, &r.name, h, Some(r));
        }
        out.write_all(text.as_bytes())?;
        text.clear();
    }
    for h in &outcome.final_holders() {
        line(&mut text, &prefix, "final", h, None);
    }
    out.write_all(text.as_bytes())
}

fn line(out: &mut String, prefix: &str, round: &str, h: &HolderRow, r: Option<&RoundOutcome>) {
    let cells = [
        field(round),
        field(&h.name),
        h.kind.as_str().to_string(),
        opt(h.shares_before),
        opt(h.shares_after),
        exact(h.ownership_before),
        exact(h.ownership_after),
        opt(h.dilution),
        opt(h.value_after),
        opt(r.map(|r| r.pre_money)),
        opt(r.map(|r| r.post_money)),
        opt(r.and_then(|r| r.price)),
    ];
    out.push_str(prefix);
    for c in cells {
        out.push(',');
        out.push_str(&c);
    }
    out.push('\n');
}
