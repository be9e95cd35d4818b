//! JSON exactly per the contract: numbers as exact decimal strings, ownership and
//! dilution as fractions, every field present, null where it does not apply.

use super::format::exact;
use crate::engine::{ConversionRow, HolderRow, Outcome, RoundOutcome, TrancheRow};
use crate::scenario::Document;
use rust_decimal::Decimal;
use serde_json::{json, Value};

fn num(v: Decimal) -> Value {
    Value::String(exact(v))
}

fn opt(v: Option<Decimal>) -> Value {
    v.map_or(Value::Null, num)
}

pub fn value(doc: &Document, outcome: &Outcome) -> Value {
    json!({
        "title": doc.title,
        "currency": doc.currency,
        "variant": doc.variant,
        "mode": outcome.mode.as_str(),
        "rounds": outcome.rounds.iter().enumerate().map(|(i, r)| round(outcome, i, r)).collect::<Vec<_>>(),
        "final": { "holders": outcome.final_holders().iter().map(holder).collect::<Vec<_>>() },
        "exits": outcome.exits.iter().map(|e| json!({
            "value": num(e.value),
            "payouts": e.payouts.iter().map(|p| json!({
                "holder": p.holder,
                "amount": num(p.amount),
                "converted": p.converted,
                "multiple": opt(p.multiple),
            })).collect::<Vec<_>>(),
            "classes": e.classes.iter().map(|c| json!({
                "class": c.class,
                "amount": num(c.amount),
                "per_share": opt(c.per_share),
                "converted": c.converted,
            })).collect::<Vec<_>>(),
            "common_per_share": num(e.common_per_share),
        })).collect::<Vec<_>>(),
        "breakpoints": outcome.breakpoints.iter().map(|b| json!({
            "value": num(b.value),
            "class": b.class,
            "event": b.event,
        })).collect::<Vec<_>>(),
        "description": doc.description,
        "sources": doc.sources,
    })
}

fn round(outcome: &Outcome, index: usize, r: &RoundOutcome) -> Value {
    json!({
        "name": r.name,
        "pre_money": num(r.pre_money),
        "post_money": num(r.post_money),
        "amount": num(r.amount),
        "price": opt(r.price),
        "pool_increase": opt(r.pool_increase),
        "new_shares": opt(r.new_shares),
        "conversions": r.conversions.iter().map(conversion).collect::<Vec<_>>(),
        "tranches": r.tranches.iter().map(tranche).collect::<Vec<_>>(),
        "holders": outcome.round_holders(index).iter().map(holder).collect::<Vec<_>>(),
        "adjustments": r.adjustments.iter().map(|a| json!({
            "class": a.class,
            "conversion_price_before": num(a.before),
            "conversion_price_after": num(a.after),
            "extra_shares": num(a.extra_shares),
        })).collect::<Vec<_>>(),
    })
}

fn conversion(c: &ConversionRow) -> Value {
    json!({
        "instrument": c.instrument,
        "investor": c.investor,
        "amount": num(c.amount),
        "price": opt(c.price),
        "shares": opt(c.shares),
        "term": c.term,
        "ownership": num(c.ownership),
        "implied_post_money": opt(c.implied_post_money),
    })
}

fn tranche(t: &TrancheRow) -> Value {
    json!({
        "investor": t.investor,
        "amount": num(t.amount),
        "shares": opt(t.shares),
        "ownership": num(t.ownership),
        "implied_post_money": opt(t.implied_post_money),
        "label": t.label,
    })
}

fn holder(h: &HolderRow) -> Value {
    json!({
        "name": h.name,
        "kind": h.kind.as_str(),
        "shares_before": opt(h.shares_before),
        "shares_after": opt(h.shares_after),
        "ownership_before": num(h.ownership_before),
        "ownership_after": num(h.ownership_after),
        "dilution": opt(h.dilution),
        "value_after": opt(h.value_after),
    })
}
