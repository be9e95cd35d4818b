#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Regression tests for what the fuzz targets (`fuzz/`) found, each named after what it
//! found and holding the minimized input it found. Each one runs the input through
//! everything `fuzz/fuzz_targets/load_and_evaluate.rs` does (load, evaluate, every
//! report format, `calc check`, the diagnostics of a refusal) and fails cleanly, with
//! the panic message, instead of aborting the test binary.

use calc::diagnostic::{self, Diagnostic};
use calc::report::{self, table::Style, Format};
use calc::scenario::{self, value, Override};
use rust_decimal::Decimal;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Whether a text was computed or refused: both are fine, a panic is not.
#[derive(Debug, PartialEq, Eq)]
enum Verdict {
    Computed,
    Refused,
}

/// Runs `text` (with `overrides`) as the fuzz target does, panicking with the input and
/// the panic's message if any step panics.
fn survives(text: &str, overrides: &[Override]) -> Verdict {
    let run = catch_unwind(AssertUnwindSafe(|| {
        let doc = match scenario::load(text, "regression", None, overrides) {
            Ok(doc) => doc,
            Err(diags) => {
                let _ = diagnostic::render("regression.toml", text, &diags);
                return Verdict::Refused;
            }
        };
        let _ = calc::check::check(&doc, text, "regression");
        match calc::engine::evaluate(&doc.scenario) {
            Ok(outcome) => {
                for format in [Format::Table, Format::Markdown, Format::Csv, Format::Json] {
                    let _ = report::render(&[(&doc, &outcome)], format, Style::default());
                }
                Verdict::Computed
            }
            Err(e) => {
                let d = Diagnostic {
                    span: Some(e.span),
                    message: e.message,
                    hint: e.hint,
                };
                let _ = diagnostic::render("regression.toml", text, &[d]);
                Verdict::Refused
            }
        }
    }));
    match run {
        Ok(verdict) => verdict,
        Err(payload) => {
            let message = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_string()))
                .unwrap_or_default();
            panic!("calc panicked on {text:?}: {message}");
        }
    }
}

/// A value parser's result, with a panic turned into a clean test failure.
fn parse_value(
    parse: fn(&str) -> Result<value::Parsed, value::ValueError>,
    text: &str,
) -> Result<value::Parsed, value::ValueError> {
    catch_unwind(|| parse(text)).unwrap_or_else(|_| panic!("the value parser panicked on {text:?}"))
}

fn pow10(exp: u32) -> Decimal {
    Decimal::from_i128_with_scale(10i128.pow(exp), 0)
}

// Found by the `values` target (minimized input "0e21") and by `load_and_evaluate`
// (minimized input "[[round]]\namount=1e21"): `float_text` computed its power of ten as
// `10u64.pow(exp)`, which overflows for exponents 20 to 28 (a u64 holds 10^19), although
// it accepts exponents from -28 to 21. Debug builds and the fuzzer panicked with
// "attempt to multiply with overflow" at src/scenario/value.rs; the release binary,
// which has no overflow checks, wrapped silently: `shares = 1e20` became
// 7,766,279,631,452,241,920 shares and `1e21` became 3,875,820,019,684,212,736.

#[test]
fn toml_float_exponent_20_or_more_does_not_overflow() {
    assert_eq!(survives("[[round]]\namount=1e21", &[]), Verdict::Refused);
    for exp in ["0e21", "1e20", "1e21", "1.5e20", "1e-20", "1e-28", "0e-28"] {
        let parsed = parse_value(value::float_text, exp);
        assert!(parsed.is_ok(), "{exp} is within the accepted exponents: {parsed:?}");
    }
    assert_eq!(parse_value(value::float_text, "0e21").unwrap().value, Decimal::ZERO);
}

#[test]
fn toml_float_with_large_exponent_keeps_its_exact_value() {
    // Exact, not wrapped: the release binary used to read 1e20 as 7766279631452241920.
    assert_eq!(parse_value(value::float_text, "1e19").unwrap().value, pow10(19));
    assert_eq!(parse_value(value::float_text, "1e20").unwrap().value, pow10(20));
    assert_eq!(parse_value(value::float_text, "1e21").unwrap().value, pow10(21));
    assert_eq!(
        parse_value(value::float_text, "1.5e20").unwrap().value,
        pow10(19) * Decimal::from(15)
    );
    assert_eq!(
        parse_value(value::float_text, "1e-20").unwrap().value,
        Decimal::new(1, 20)
    );
    assert_eq!(
        parse_value(value::float_text, "1e-28").unwrap().value,
        Decimal::new(1, 28)
    );
    assert!(
        parse_value(value::float_text, "1e22").is_err(),
        "beyond the accepted exponents"
    );
    assert!(
        parse_value(value::float_text, "2e21").is_err(),
        "beyond the 10^21 limit"
    );

    let text = "[[holder]]\nname = \"Founder\"\nshares = 1e20\n";
    let doc = scenario::load(text, "regression", None, &[]).expect("1e20 shares is within the limit");
    let founder = doc.scenario.holders.first().expect("one holder");
    assert_eq!(founder.amount, pow10(20));
    assert_eq!(survives(text, &[]), Verdict::Computed);
}

/// Found in review: a narrow-based class reconverted by a down round holds more
/// as-converted shares than its checked issued count; a later round nearly filling
/// Decimal's range then overflowed the unchecked sum of the class's shares (a panic).
/// Now refused as too large, on either solver route.
#[test]
fn a_class_whose_reconverted_shares_overflow_is_refused_not_a_panic() {
    let mut text = String::from(
        r#"
[[class]]
name = "X"
original_price = "1"
anti_dilution = "narrow-based"
[[holder]]
name = "Founder"
shares = 1
[[holder]]
name = "Pool"
shares = 1
kind = "pool"
class = "X"
[[holder]]
name = "Seed"
shares = 1_000_000_000_000_000_000_000
kind = "preferred"
class = "X"
[[round]]
name = "R1"
price = "0.0000000005"
class = "B"
[[round.tranche]]
investor = "J"
amount = "50000000"
[[round]]
name = "R2"
price = "0.000000000000000000000000001"
class = "X"
"#,
    );
    for i in 0..79 {
        text.push_str(&format!("[[round.tranche]]\ninvestor = \"I{i}\"\namount = \"1\"\n"));
    }
    text.push_str(
        r#"[[round.tranche]]
investor = "Ilast"
amount = "0.228161514054327592543850323"
[[round]]
name = "R3"
pre_money = "10000000000"
class = "C"
pool_increase = 110000006456049665
"#,
    );
    assert_eq!(survives(&text, &[]), Verdict::Refused);
}
