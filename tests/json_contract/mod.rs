//! `--format json` against the contract (SCENARIO_FORMAT.md, "JSON output"): every field
//! present on every object, numbers as exact decimal strings, null where a field does not
//! apply, ownership summing to exactly 1, dilution = 1 - after / before.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::calc;
use rust_decimal::Decimal;
use serde_json::{Map, Value};

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
const TRANCHE: [&str; 6] = [
    "investor",
    "amount",
    "shares",
    "ownership",
    "implied_post_money",
    "label",
];
const CONVERSION: [&str; 6] = ["instrument", "investor", "amount", "price", "shares", "term"];
const TERMS: [&str; 5] = ["cap", "discount", "price", "fixed", "mfn"];
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

fn report(file: &str) -> Value {
    let run = calc(&[file, "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{file}: not JSON: {e}"))
}

fn object<'a>(v: &'a Value, what: &str) -> &'a Map<String, Value> {
    v.as_object().unwrap_or_else(|| panic!("{what} is not an object: {v}"))
}

fn array<'a>(v: &'a Value, what: &str) -> &'a Vec<Value> {
    v.as_array().unwrap_or_else(|| panic!("{what} is not an array: {v}"))
}

fn has_fields(v: &Value, fields: &[&str], what: &str) {
    let o = object(v, what);
    for f in fields {
        assert!(o.contains_key(*f), "{what} lacks `{f}`: {v}");
    }
}

/// An exact decimal from a JSON string; anything else fails.
fn dec(v: &Value, what: &str) -> Decimal {
    let s = v.as_str().unwrap_or_else(|| panic!("{what} is not a string: {v}"));
    Decimal::from_str_exact(s).unwrap_or_else(|e| panic!("{what} = {s:?} is not an exact decimal: {e}"))
}

fn opt_dec(v: &Value, what: &str) -> Option<Decimal> {
    (!v.is_null()).then(|| dec(v, what))
}

/// No JSON number anywhere: every figure is a string.
fn no_numbers(v: &Value, at: &str) {
    match v {
        Value::Number(n) => panic!("{at} is a JSON number ({n}), not a string"),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .for_each(|(i, x)| no_numbers(x, &format!("{at}[{i}]"))),
        Value::Object(o) => o.iter().for_each(|(k, x)| no_numbers(x, &format!("{at}.{k}"))),
        _ => {}
    }
}

/// Checks one holders array; returns nothing, panics with the holder named.
fn holders(list: &Value, percent_mode: bool, post_money: Option<Decimal>, what: &str) {
    let list = array(list, what);
    assert!(!list.is_empty(), "{what} is empty");
    let mut after_sum = Decimal::ZERO;
    let mut before_sum = Decimal::ZERO;
    let tolerance = Decimal::new(1, 20);
    for h in list {
        let name = h["name"].as_str().unwrap_or("?");
        let at = format!("{what}[{name}]");
        has_fields(h, &HOLDER, &at);
        assert!(h["kind"].is_string(), "{at}.kind");
        for key in ["shares_before", "shares_after"] {
            if percent_mode {
                assert!(h[key].is_null(), "{at}.{key} must be null in percent mode");
            } else {
                let shares = dec(&h[key], &format!("{at}.{key}"));
                assert!(shares >= Decimal::ZERO, "{at}.{key} is negative");
            }
        }
        let before = dec(&h["ownership_before"], &format!("{at}.ownership_before"));
        let after = dec(&h["ownership_after"], &format!("{at}.ownership_after"));
        before_sum += before;
        after_sum += after;
        match opt_dec(&h["dilution"], &format!("{at}.dilution")) {
            None => assert!(
                before.is_zero(),
                "{at}: dilution is null but ownership_before is {before}"
            ),
            Some(d) => {
                assert!(!before.is_zero(), "{at}: a new holder has a dilution");
                let expected = Decimal::ONE - after / before;
                assert!(
                    (d - expected).abs() <= tolerance,
                    "{at}: dilution {d} is not 1 - {after}/{before}"
                );
            }
        }
        match (post_money, opt_dec(&h["value_after"], &format!("{at}.value_after"))) {
            (Some(post), Some(value)) => {
                assert!(
                    (value - after * post).abs() <= tolerance * post,
                    "{at}: value {value} is not {after} x {post}"
                )
            }
            (None, _) => {}
            (Some(_), None) => panic!("{at}: value_after is null after a round"),
        }
    }
    assert_eq!(
        after_sum,
        Decimal::ONE,
        "{what}: ownership_after adds up to {after_sum}, not exactly 1"
    );
    assert_eq!(
        before_sum,
        Decimal::ONE,
        "{what}: ownership_before adds up to {before_sum}, not exactly 1"
    );
}

/// Checks one report object against the contract.
fn contract(report: &Value, file: &str) {
    no_numbers(report, file);
    has_fields(report, &TOP, file);
    let mode = report["mode"].as_str().unwrap();
    assert!(mode == "shares" || mode == "percent", "{file}: mode {mode}");
    let percent_mode = mode == "percent";
    assert!(report["title"].is_string() && report["currency"].is_string());
    for (i, exit) in array(&report["exits"], "exits").iter().enumerate() {
        let at = format!("{file}: exits[{i}]");
        has_fields(exit, &["value", "payouts"], &at);
        let value = dec(&exit["value"], &format!("{at}.value"));
        let mut paid = Decimal::ZERO;
        for p in array(&exit["payouts"], &format!("{at}.payouts")) {
            has_fields(p, &["holder", "amount", "converted"], &at);
            assert!(
                p["converted"].is_null() || p["converted"].is_boolean(),
                "{at}: converted"
            );
            paid += dec(&p["amount"], &format!("{at}.payouts[].amount"));
        }
        assert_eq!(paid, value, "{at}: the payouts do not add up to the proceeds");
    }
    let rounds = array(&report["rounds"], "rounds");
    assert!(!rounds.is_empty(), "{file}: no rounds");
    for r in rounds {
        let name = r["name"].as_str().unwrap_or("?");
        let at = format!("{file}: round {name}");
        has_fields(r, &ROUND, &at);
        let pre = dec(&r["pre_money"], &format!("{at}.pre_money"));
        let post = dec(&r["post_money"], &format!("{at}.post_money"));
        let amount = dec(&r["amount"], &format!("{at}.amount"));
        assert_eq!(pre + amount, post, "{at}: pre_money + amount is not post_money");
        for (i, c) in array(&r["conversions"], &format!("{at}.conversions"))
            .iter()
            .enumerate()
        {
            let cat = format!("{at}.conversions[{i}]");
            has_fields(c, &CONVERSION, &cat);
            assert!(dec(&c["amount"], &format!("{cat}.amount")) > Decimal::ZERO);
            let term = c["term"]
                .as_str()
                .unwrap_or_else(|| panic!("{cat}.term is not a string"));
            assert!(TERMS.contains(&term), "{cat}.term is {term}, not one of {TERMS:?}");
            for key in ["price", "shares"] {
                assert_eq!(
                    c[key].is_null(),
                    percent_mode,
                    "{cat}.{key}: null exactly in percent mode"
                );
            }
        }
        if percent_mode {
            for key in ["price", "new_shares", "pool_increase"] {
                assert!(r[key].is_null(), "{at}.{key} must be null in percent mode");
            }
        } else {
            assert!(dec(&r["price"], &format!("{at}.price")) > Decimal::ZERO);
            dec(&r["new_shares"], &format!("{at}.new_shares"));
            opt_dec(&r["pool_increase"], &format!("{at}.pool_increase"));
        }
        let tranches = array(&r["tranches"], &format!("{at}.tranches"));
        let mut paid = Decimal::ZERO;
        let mut shares = Decimal::ZERO;
        for (i, t) in tranches.iter().enumerate() {
            let tat = format!("{at}.tranches[{i}]");
            has_fields(t, &TRANCHE, &tat);
            assert!(t["investor"].is_string(), "{tat}.investor");
            assert!(t["label"].is_null() || t["label"].is_string(), "{tat}.label");
            let money = dec(&t["amount"], &format!("{tat}.amount"));
            let ownership = dec(&t["ownership"], &format!("{tat}.ownership"));
            paid += money;
            match opt_dec(&t["shares"], &format!("{tat}.shares")) {
                Some(s) => {
                    assert!(!percent_mode, "{tat}.shares must be null in percent mode");
                    shares += s;
                }
                None => assert!(percent_mode, "{tat}.shares is null in share mode"),
            }
            if let Some(implied) = opt_dec(&t["implied_post_money"], &format!("{tat}.implied_post_money")) {
                let expected = money / ownership;
                assert!(
                    (implied - expected).abs() <= Decimal::new(1, 12) * expected,
                    "{tat}: implied_post_money {implied} is not amount / ownership {expected}"
                );
            }
        }
        assert_eq!(paid, amount, "{at}: the tranches do not add up to the round's amount");
        if !percent_mode {
            assert_eq!(
                shares,
                dec(&r["new_shares"], "new_shares"),
                "{at}: tranche shares are not new_shares"
            );
        }
        holders(&r["holders"], percent_mode, Some(post), &format!("{at}.holders"));
    }
    has_fields(&report["final"], &["holders"], &format!("{file}: final"));
    let last_post = rounds.last().map(|r| dec(&r["post_money"], "post_money"));
    holders(
        &report["final"]["holders"],
        percent_mode,
        last_post,
        &format!("{file}: final.holders"),
    );
}

#[test]
fn share_mode_report_meets_the_contract() {
    let report = report("scenarios/seed-to-series-b.toml");
    contract(&report, "seed-to-series-b");
    assert_eq!(report["mode"], "shares");
    assert_eq!(report["variant"], Value::Null);
    assert_eq!(report["currency"], "USD");
    let rounds = array(&report["rounds"], "rounds");
    assert_eq!(rounds.len(), 3);
    // The file's own, hand-checked figures: Seed at 0.8, 2,500,000 new shares.
    assert_eq!(dec(&rounds[0]["price"], "price"), Decimal::new(8, 1));
    assert_eq!(dec(&rounds[0]["new_shares"], "new_shares"), Decimal::from(2_500_000));
    // No pool top-up in this file: pool_increase does not apply.
    assert!(rounds.iter().all(|r| r["pool_increase"].is_null()));
}

#[test]
fn percent_mode_report_meets_the_contract() {
    let report = report("scenarios/openai.toml");
    contract(&report, "openai");
    assert_eq!(report["mode"], "percent");
    let round = &report["rounds"][0];
    // 800B pre-money + 100B = 900B post-money (the file's reading of the reported round).
    assert_eq!(round["pre_money"], "800000000000");
    assert_eq!(round["post_money"], "900000000000");
    assert_eq!(round["amount"], "100000000000");
}

#[test]
fn every_shipped_scenario_and_variant_meets_the_contract() {
    for file in crate::support::toml_files("scenarios") {
        let file = file.to_str().unwrap().to_string();
        let report = report(&file);
        contract(&report, &file);
    }
    let variant = calc(&[
        "scenarios/openai.toml",
        "--variant",
        "800B post-money",
        "--format",
        "json",
    ]);
    let report: Value = serde_json::from_str(&variant.stdout).unwrap();
    contract(&report, "openai#800B post-money");
}
