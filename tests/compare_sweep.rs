#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Variants and `--set` on every kind of path (and their errors), `calc compare`,
//! `calc sweep` (row counts, order, values against single runs with `--set`, the fast
//! path against re-loading), and `calc check` (exit codes, the tolerance edges).
//!
//! Self-contained: it compiles as its own test target and as a module of tests/lib.rs.
//! Every expected figure is worked out in the comment beside it from the scenario's
//! own numbers (exact fractions), not copied from calc's output.

use calc::engine::{HolderRow, Outcome};
use calc::scenario::{self, Document, Override};
use calc::sweep;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use std::path::{Path, PathBuf};
use std::process::Command;

// ------------------------------------------------------------------ helpers

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the built `calc` in the crate root, piped (no colour, no width).
fn calc<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_calc"))
        .args(args)
        .current_dir(root())
        .env_remove("COLUMNS")
        .env_remove("NO_COLOR")
        .output()
        .expect("the calc binary runs");
    let run = Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    };
    assert!(!run.stderr.contains("panicked"), "calc panicked:\n{}", run.stderr);
    run
}

/// A scratch file with `text`, under cargo's temporary directory for integration tests.
fn scratch(name: &str, text: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("compare_sweep");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn load(text: &str, variant: Option<&str>, sets: &[&str]) -> Result<Document, String> {
    let overrides: Vec<Override> = sets.iter().map(|s| Override::parse(s).unwrap()).collect();
    scenario::load(text, "test", variant, &overrides).map_err(|problems| {
        problems
            .iter()
            .map(|p| p.message.clone())
            .collect::<Vec<_>>()
            .join("\n")
    })
}

fn evaluate(text: &str, variant: Option<&str>, sets: &[&str]) -> Outcome<'static> {
    let doc = load(text, variant, sets).unwrap_or_else(|e| panic!("does not load: {e}"));
    calc::engine::evaluate(&doc.scenario)
        .unwrap_or_else(|e| panic!("does not evaluate: {}", e.message))
        .into_owned()
}

fn holder(rows: &[HolderRow], name: &str) -> HolderRow {
    rows.iter()
        .find(|h| h.name == name)
        .cloned()
        .unwrap_or_else(|| panic!("no holder {name}"))
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

/// Founders 2,000,000 shares; Seed at $8M pre-money bought by Lead $1.5M and Angel $0.5M.
/// Price 8M / 2M = $4.00; Lead 375,000 and Angel 125,000 shares; post-money $10M.
const SEED: &str = r#"
[[holder]]
name = "Founders"
shares = 2_000_000

[[round]]
name = "Seed"
pre_money = "8M"

[[round.tranche]]
investor = "Lead"
amount = "1.5M"

[[round.tranche]]
investor = "Angel"
amount = "0.5M"

[[variant]]
name = "post"
set = { "round[Seed].post_money" = "10M" }

[[variant]]
name = "bigger lead"
set = { "round[0].tranche[Lead].amount" = "3.5M" }
"#;

// ------------------------------------------------------------------ variants and --set

#[test]
fn set_by_index_and_by_name_reach_the_same_value() {
    // $2M at $18M pre-money: price 9, post-money 20M.
    for path in ["round[0].pre_money", "round[Seed].pre_money"] {
        let o = evaluate(SEED, None, &[&format!("{path}=18M")]);
        assert_eq!(o.rounds[0].price, Some(dec!(9)), "{path}");
        assert_eq!(o.rounds[0].post_money, dec!(20_000_000), "{path}");
    }
}

#[test]
fn set_a_tranche_by_investor_and_by_index() {
    // Lead $3.5M at $4.00: 875,000 shares; new money 4M, post-money 12M.
    for path in ["round[Seed].tranche[Lead].amount", "round[0].tranche[0].amount"] {
        let o = evaluate(SEED, None, &[&format!("{path}=3.5M")]);
        assert_eq!(
            holder(&o.final_holders(), "Lead").shares_after,
            Some(dec!(875_000)),
            "{path}"
        );
        assert_eq!(o.rounds[0].post_money, dec!(12_000_000), "{path}");
    }
    // The variant that writes the same path gives the same outcome.
    assert_eq!(
        evaluate(SEED, Some("bigger lead"), &[]),
        evaluate(SEED, None, &["round[0].tranche[Lead].amount=3.5M"])
    );
}

#[test]
fn set_a_whole_array_of_tranches() {
    // One investor, $4M at $4.00: 1,000,000 shares = 1/3 of 3,000,000.
    let o = evaluate(
        SEED,
        None,
        &[r#"round[0].tranche=[{investor = "Fund", amount = "4M", label = "all of it"}]"#],
    );
    let rows = o.final_holders();
    let fund = holder(&rows, "Fund");
    assert_eq!(fund.shares_after, Some(dec!(1_000_000)));
    assert!(o.final_holders().iter().all(|h| h.name != "Lead" && h.name != "Angel"));
    assert_eq!(o.rounds[0].tranches[0].label.as_deref(), Some("all of it"));
}

#[test]
fn setting_one_valuation_key_replaces_the_others() {
    // post_money 10M with 2M new money: pre-money 8M again (the file's pre_money is gone,
    // or the round would be valued twice).
    let o = evaluate(SEED, None, &["round[0].post_money=10M"]);
    assert_eq!(o.rounds[0].pre_money, dec!(8_000_000));
    assert_eq!(evaluate(SEED, Some("post"), &[]), o);
    // sold 25%: post-money = 2M / 25% = 8M, pre-money 6M, price 6M / 2M = 3.
    let o = evaluate(SEED, None, &["round[0].sold=25%"]);
    assert_eq!(o.rounds[0].post_money, dec!(8_000_000));
    assert_eq!(o.rounds[0].price, Some(dec!(3)));
    // price $5: pre-money = 5 x 2,000,000 = 10M.
    let o = evaluate(SEED, None, &["round[0].price=5"]);
    assert_eq!(o.rounds[0].pre_money, dec!(10_000_000));
    // A variant's valuation replaced again by --set, applied after it.
    let o = evaluate(SEED, Some("post"), &["round[0].pre_money=18M"]);
    assert_eq!(o.rounds[0].post_money, dec!(20_000_000));
}

#[test]
fn set_values_may_be_toml_or_the_contracts_value_strings() {
    let a = evaluate(SEED, None, &["round[0].pre_money=18000000"]);
    let b = evaluate(SEED, None, &[r#"round[0].pre_money="18M""#]);
    let c = evaluate(SEED, None, &["round[0].pre_money=$18M"]);
    assert_eq!(a, b);
    assert_eq!(a, c);
}

#[test]
fn set_creates_a_missing_table_on_the_way() {
    // [rounding] is absent: price_decimals = 0 rounds the price 8M / 2M = 4 to 4 (no
    // change) but 9M / 2M = 4.5 up to 5 (half-up).
    let o = evaluate(SEED, None, &["rounding.price_decimals=0", "round[0].pre_money=9M"]);
    assert_eq!(o.rounds[0].price, Some(dec!(5)));
}

#[test]
fn paths_that_match_nothing_say_what_there_is() {
    let cases: &[(&str, &str)] = &[
        (
            "round[3].pre_money=1M",
            "`round[3]` matches nothing: there is one, `round[0]`",
        ),
        (
            "round[Series A].pre_money=1M",
            "`round[Series A]` matches nothing; the names are \"Seed\"",
        ),
        (
            "round[0].tranche[Nobody].amount=1M",
            "the names are \"Lead\", \"Angel\"",
        ),
        ("safe[0].amount=1M", "there is no `safe` in the scenario"),
        (
            "round.pre_money=1M",
            "`round` is a list: pick an element, like `round[0]`",
        ),
        ("variant[0].set[0].x=1", "is a table, not a list"),
        ("round[0].name.x=1", "is a single value, not a table"),
        ("round[=1M", "is not a path"),
        ("round[0]=1M", "must end with a key"),
    ];
    for (set, wanted) in cases {
        let e = load(SEED, None, &[set]).unwrap_err();
        assert!(e.contains(wanted), "--set {set}: {e}");
        assert!(e.starts_with("--set"), "--set {set}: {e}");
    }
}

#[test]
fn a_name_that_picks_several_elements_is_refused() {
    let text = SEED.replace("investor = \"Angel\"", "investor = \"Lead\"");
    let e = load(&text, None, &["round[0].tranche[Lead].amount=1M"]).unwrap_err();
    assert!(
        e.contains("`round[0].tranche[Lead]` matches 2 elements; pick one by position: `round[0].tranche[0]` or `round[0].tranche[1]`"),
        "{e}"
    );
}

#[test]
fn set_errors_on_the_command_line_are_not_placed_in_the_file() {
    let file = scratch("seed.toml", SEED);
    // A bad value and an unknown key given by --set are problems of the command line:
    // no line of the file is shown for them.
    for set in ["round[0].pre_money=abc", "round[0].pre_mony=8M"] {
        let run = calc(&[file.as_os_str(), "--set".as_ref(), set.as_ref()]);
        assert_eq!(run.code, 2, "{set}");
        let shown = file.display().to_string();
        assert!(
            run.stderr.starts_with(&format!("{shown}: --set")),
            "{set}: {}",
            run.stderr
        );
        assert!(
            !run.stderr.contains(" | "),
            "{set}: a source line is shown:\n{}",
            run.stderr
        );
        assert!(run.stderr.contains("= hint: "), "{set}: {}", run.stderr);
    }
    let run = calc(&[file.as_os_str(), "--set".as_ref(), "round[0].pre_money".as_ref()]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("expected PATH=VALUE"), "{}", run.stderr);
}

#[test]
fn a_variant_path_error_points_at_the_variant() {
    let text = SEED.replace("round[Seed].post_money", "round[Series A].post_money");
    let file = scratch("bad-variant.toml", &text);
    let run = calc(&[file.as_os_str(), "--variant".as_ref(), "post".as_ref()]);
    assert_eq!(run.code, 2);
    // The `set` key is on line 24 of the file (line 1 is empty).
    let line = text.lines().position(|l| l.contains("round[Series A]")).unwrap() + 1;
    assert!(
        run.stderr.starts_with(&format!("{}:{line}:", file.display())),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("matches nothing"), "{}", run.stderr);
}

// ------------------------------------------------------------------ compare

/// Variants that differ only in their preferences differ in their payouts: compare
/// lists each holder's payout at each exit value (Foley Hoag's three forms of preferred,
/// $5M for 20% and a $40M sale: $8M / $10M / $12M to the investors).
#[test]
fn compare_shows_payouts_at_each_exit_value() {
    let file = "scenarios/liquidation-preferences.toml";
    let run = calc(&[
        "compare",
        file,
        &format!("{file}#participating, 2x cap"),
        &format!("{file}#participating, no cap"),
        "--format",
        "csv",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines[0].ends_with(",exit"), "{}", lines[0]);
    // Values, then each variant less the base, then the exit value; common takes the
    // rest of the $40M (32M / 30M / 28M).
    assert!(
        lines.contains(&",Series A investors,payout,8000000,10000000,12000000,2000000,4000000,40000000"),
        "{}",
        run.stdout
    );
    assert!(
        lines.contains(&",Common,payout,32000000,30000000,28000000,-2000000,-4000000,40000000"),
        "{}",
        run.stdout
    );
    // Rows without an exit leave the column empty; the price is 20M / 8M.
    assert!(lines.contains(&"Series A,,price,2.5,2.5,2.5,0,0,"), "{}", run.stdout);
}

#[test]
fn compare_puts_scenarios_side_by_side_with_exact_differences() {
    let run = calc(&[
        "compare",
        "scenarios/openai.toml",
        "scenarios/openai.toml#800B post-money",
        "--format",
        "csv",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    // One file: columns are named by variant.
    assert_eq!(
        lines[0],
        "round,holder,figure,base,800B post-money,difference:800B post-money"
    );
    // 800B read as pre-money: post 900B; as post-money: pre 700B.
    assert!(lines.contains(&"2026 round,,pre_money,800000000000,700000000000,-100000000000"));
    assert!(lines.contains(&"2026 round,,post_money,900000000000,800000000000,-100000000000"));
    // Amazon: 50/900 = 5.5555...% against 50/800 = 6.25%: +0.6944...pp (WORKED_EXAMPLES).
    let amazon = lines.iter().find(|l| l.starts_with(",Amazon,ownership,")).unwrap();
    let cells: Vec<Decimal> = amazon.split(',').skip(3).map(|c| c.parse().unwrap()).collect();
    assert_eq!(cells[1], dec!(0.0625));
    assert!((cells[0] - dec!(50) / dec!(900)).abs() < dec!(1e-27));
    assert_eq!(cells[2], cells[1] - cells[0]);
}

#[test]
fn compare_aligns_rounds_by_name_and_leaves_absent_holders_blank() {
    let run = calc(&[
        "compare",
        "scenarios/openai.toml",
        "scenarios/openai-2026-close.toml",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v = json(&run.stdout);
    let columns = v["columns"].as_array().unwrap();
    assert_eq!(columns.len(), 2);
    assert_eq!(columns[0]["label"], "OpenAI 2026 round (as reported 2026-01-30)");
    assert_eq!(columns[1]["variant"], serde_json::Value::Null);
    let rows = v["rows"].as_array().unwrap();
    let row = |round: &str, holder: &str, figure: &str| {
        rows.iter()
            .find(|r| {
                r["figure"] == figure
                    && (r["round"] == round || round.is_empty())
                    && (r["holder"] == holder || holder.is_empty())
            })
            .unwrap_or_else(|| panic!("no row {round} {holder} {figure}"))
    };
    // Both files name their round "2026 round": one row, two values (900B and 852B).
    let post = row("2026 round", "", "post_money");
    assert_eq!(post["values"], serde_json::json!(["900000000000", "852000000000"]));
    // 852B − 900B.
    assert_eq!(post["differences"], serde_json::json!([null, "-48000000000"]));
    // "Other investors (incl. Microsoft)" exists only in the close file.
    let others = row("", "Other investors (incl. Microsoft)", "ownership");
    assert_eq!(others["values"][0], serde_json::Value::Null);
    assert_eq!(others["differences"][1], serde_json::Value::Null);
}

#[test]
fn compare_of_one_file_shows_its_base_and_every_variant() {
    let one = calc(&["compare", "scenarios/openai.toml", "--format", "csv"]);
    let all = calc(&[
        "compare",
        "scenarios/openai.toml",
        "scenarios/openai.toml#800B post-money",
        "scenarios/openai.toml#as announced 2026-02-27",
        "scenarios/openai.toml#as closed 2026-03-31",
        "scenarios/openai.toml#closed, without the conditional 35B",
        "--format",
        "csv",
    ]);
    assert_eq!(one.code, 0, "{}", one.stderr);
    assert_eq!(one.stdout, all.stdout);
}

#[test]
fn compare_table_marks_differences_in_percentage_points() {
    let run = calc(&[
        "compare",
        "scenarios/openai.toml",
        "scenarios/openai.toml#800B post-money",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Amazon 5.56% -> 6.25%: +0.69 pp (WORKED_EXAMPLES: 5.56% pre-money, 6.25% post-money).
    let amazon = run
        .stdout
        .lines()
        .find(|l| l.contains("Amazon") && l.contains('%'))
        .unwrap();
    assert!(
        amazon.contains("5.56%") && amazon.contains("6.25%") && amazon.contains("+0.69 pp"),
        "{amazon}"
    );
    let markdown = calc(&["compare", "scenarios/openai.toml", "--format", "markdown"]);
    assert!(
        markdown.stdout.contains("| Amazon | 5.56% | 6.25% | +0.69 pp |"),
        "{}",
        markdown.stdout
    );
}

#[test]
fn compare_of_a_missing_variant_or_file_is_an_input_error() {
    let run = calc(&[
        "compare",
        "scenarios/openai.toml",
        "scenarios/openai.toml#800B pre-money",
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("there is no variant \"800B pre-money\""),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean \"800B post-money\"?"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stdout, "");
    assert_eq!(calc(&["compare", "scenarios/no-such-file.toml"]).code, 2);
    assert_eq!(calc(&["compare", "scenarios/openai.toml#"]).code, 2);
}

#[test]
fn a_report_of_a_file_with_variants_ends_with_their_comparison() {
    let table = calc(&["scenarios/openai.toml"]);
    assert_eq!(table.code, 0, "{}", table.stderr);
    assert!(table.stdout.contains("Variants side by side (Δ against the base)"));
    assert!(table.stdout.contains("as closed 2026-03-31"));
    // A report of one variant, and JSON, stay one scenario.
    let variant = calc(&["scenarios/openai.toml", "--variant", "800B post-money"]);
    assert!(!variant.stdout.contains("Variants side by side"));
    let v = json(&calc(&["scenarios/openai.toml", "--format", "json"]).stdout);
    assert!(v.is_object() && v["variant"].is_null());
}

// ------------------------------------------------------------------ sweep

fn csv_rows(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

#[test]
fn sweep_writes_one_row_per_value_in_order() {
    let run = calc(&[
        "sweep",
        "scenarios/openai.toml",
        "--vary",
        "round[0].pre_money=600B..1T:50B",
        "--format",
        "csv",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows = csv_rows(&run.stdout);
    assert_eq!(rows[0][..3], ["round[0].pre_money", "post_money", "price"]);
    assert!(rows[0].contains(&"ownership:Amazon".to_string()));
    // 600B, 650B, ..., 1T: 9 values, TO included.
    assert_eq!(rows.len(), 1 + 9);
    let values: Vec<Decimal> = rows[1..].iter().map(|r| r[0].parse().unwrap()).collect();
    let expected: Vec<Decimal> = (0..9)
        .map(|k| dec!(600_000_000_000) + dec!(50_000_000_000) * Decimal::from(k))
        .collect();
    assert_eq!(values, expected);
    // Percent mode: no price.
    assert!(rows[1..].iter().all(|r| r[2].is_empty()));
    // Amazon at 600B pre: 50/700; post-money 600B + 100B.
    let amazon = rows[0].iter().position(|h| h == "ownership:Amazon").unwrap();
    let first: Decimal = rows[1][amazon].parse().unwrap();
    assert!((first - dec!(50) / dec!(700)).abs() < dec!(1e-27));
    assert_eq!(rows[1][1], "700000000000");
}

#[test]
fn sweep_counts_down_when_to_is_below_from() {
    let run = calc(&[
        "sweep",
        "scenarios/openai.toml",
        "--vary",
        "round[0].sold=30%..10%:5%",
        "--format",
        "csv",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows = csv_rows(&run.stdout);
    let sold: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(sold, ["0.3", "0.25", "0.2", "0.15", "0.1"]);
    // sold 20% of 100B: post-money 500B.
    assert_eq!(rows[3][1], "500000000000");
}

#[test]
fn sweep_rows_match_single_runs_with_set() {
    for (file, path, range) in [
        ("scenarios/openai.toml", "round[0].pre_money", "600B..1T:200B"),
        (
            "scenarios/openai-2026-close.toml",
            "round[0].tranche[1].amount",
            "0..35B:17.5B",
        ),
        (
            "scenarios/seed-to-series-b.toml",
            "round[Series A].pre_money",
            "20M..40M:10M",
        ),
        // Not a field the fast path sets: every point re-loads the file.
        ("scenarios/seed-to-series-b.toml", "rounding.price_decimals", "2..4:1"),
    ] {
        let sweep = calc(&["sweep", file, "--vary", &format!("{path}={range}"), "--format", "csv"]);
        assert_eq!(sweep.code, 0, "{file} {path}: {}", sweep.stderr);
        let rows = csv_rows(&sweep.stdout);
        assert_eq!(rows.len(), 4, "{file} {path}");
        for row in &rows[1..] {
            let single = calc(&[file, "--set", &format!("{path}={}", row[0]), "--format", "json"]);
            assert_eq!(single.code, 0, "{}", single.stderr);
            let v = json(&single.stdout);
            let last = v["rounds"].as_array().unwrap().last().unwrap().clone();
            assert_eq!(row[1], last["post_money"].as_str().unwrap(), "{file} {path}={}", row[0]);
            assert_eq!(row[2], last["price"].as_str().unwrap_or(""), "{file} {path}={}", row[0]);
            for h in v["final"]["holders"].as_array().unwrap() {
                let column = rows[0]
                    .iter()
                    .position(|c| *c == format!("ownership:{}", h["name"].as_str().unwrap()))
                    .unwrap();
                assert_eq!(
                    row[column],
                    h["ownership_after"].as_str().unwrap(),
                    "{file} {path}={}",
                    row[0]
                );
            }
        }
    }
}

/// Founders, options, a pool, five post-money safes (one fixed 7%, one MFN) and a Series A
/// with a 10% post-money pool target: the shape of the 1984 Ventures README case.
const SAFES: &str = r#"
[[holder]]
name = "Founder A"
shares = 4_500_000
[[holder]]
name = "Founder B"
shares = 4_500_000
[[holder]]
name = "Issued options"
shares = 250_000
kind = "options"
[[holder]]
name = "Option pool"
shares = 750_000
kind = "pool"
[[safe]]
investor = "YC"
amount = "125k"
fixed_ownership = "7%"
[[safe]]
investor = "YC MFN"
amount = "375k"
mfn = true
[[safe]]
investor = "Safe 750k"
amount = "750k"
cap = "10M"
[[safe]]
investor = "Safe 475k"
amount = "475k"
cap = "10M"
[[safe]]
investor = "Safe 500k"
amount = "500k"
cap = "13M"
[rounding]
price_decimals = 5
price_rounding = "up"
[[round]]
name = "Series A"
pre_money = "25M"
amount = "4M"
pool_target = "10%"
[[round.tranche]]
investor = "Lead"
amount = "rest"
[[round.tranche]]
investor = "Follow"
amount = "1M"
"#;

/// The fast path (fields set on the parsed scenario) gives exactly what re-loading the
/// file with `--set PATH=VALUE` gives, for every kind of path it takes.
#[test]
fn the_fast_path_equals_reloading_with_set() {
    for (text, vary) in [
        (SAFES, "round[0].pre_money=10M..40M:7.5M"),
        (SAFES, "round[Series A].post_money=20M..40M:10M"),
        (SAFES, "round[0].price=1..3:1"),
        (SAFES, "round[0].sold=10%..30%:10%"),
        (SAFES, "round[0].amount=2M..6M:2M"),
        (SAFES, "round[0].tranche[Follow].amount=0..2M:1M"),
        (SAFES, "round[0].tranche[1].amount=1M..3M:1M"),
        (SAFES, "round[0].pool_target=5%..15%:5%"),
        (SEED, "round[0].tranche[Angel].amount=0.5M..1.5M:0.5M"),
        (SEED, "round[0].sold=10%..30%:10%"),
    ] {
        let axes = sweep::axes(&[vary.to_string()]).unwrap();
        let source = sweep::Source {
            text,
            stem: "test",
            variant: None,
            overrides: &[],
        };
        let base = calc::scenario::load(text, "test", None, &[]).unwrap();
        let mut eval = sweep::Evaluator::new(source, &axes, &base.scenario);
        let mut at = sweep::Odometer::new(&axes);
        let mut points = 0;
        loop {
            let fast = eval
                .eval(&at.values)
                .unwrap_or_else(|e| panic!("{vary}: {e:?}"))
                .into_owned();
            let slow = eval.reload(&at.values).unwrap();
            assert_eq!(fast, slow, "{vary} at {:?}", at.values);
            points += 1;
            if !at.advance(&axes) {
                break;
            }
        }
        assert_eq!(
            eval.slow, 0,
            "{vary}: {} of {points} points took the slow path",
            eval.slow
        );
    }
}

#[test]
fn values_the_loader_refuses_take_the_slow_path_and_its_message() {
    // sold = 0% is refused by the loader ("above 0%"): the sweep stops there, exit 2.
    let file = scratch("seed-sweep.toml", SEED);
    let run = calc(&[
        "sweep".as_ref(),
        file.as_os_str(),
        "--vary".as_ref(),
        "round[0].sold=0%..20%:10%".as_ref(),
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("calc: the sweep cannot compute round[0].sold = 0%"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("`sold` must be above 0% and below 100%"),
        "{}",
        run.stderr
    );
    // A post-money below the new money is refused by the engine. The first and the last
    // points are computed before any row is written: the last one fails here, so no row.
    let run = calc(&[
        "sweep".as_ref(),
        file.as_os_str(),
        "--vary".as_ref(),
        "round[0].post_money=4M..1M:1M".as_ref(),
        "--format".as_ref(),
        "csv".as_ref(),
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("the sweep cannot compute round[0].post_money = $1M"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("is not above the round's new money"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stdout, "");
}

#[test]
fn two_varied_values_make_a_grid_of_one_metric() {
    let run = calc(&[
        "sweep",
        "scenarios/openai.toml",
        "--vary",
        "round[0].pre_money=600B..1T:100B",
        "--vary",
        "round[0].tranche[Amazon].amount=10B..50B:20B",
        "--metric",
        "ownership:Amazon",
        "--format",
        "csv",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows = csv_rows(&run.stdout);
    assert_eq!(
        rows[0],
        [
            "round[0].pre_money \\ round[0].tranche[Amazon].amount",
            "10000000000",
            "30000000000",
            "50000000000"
        ]
    );
    assert_eq!(rows.len(), 1 + 5);
    // Amazon's tranche is paid out of Microsoft's "rest": new money stays 100B.
    // At 700B pre and 30B: 30/800 = 3.75% exactly.
    assert_eq!(rows[2][0], "700000000000");
    assert_eq!(rows[2][2], "0.0375");
    let grid = json(
        &calc(&[
            "sweep",
            "scenarios/openai.toml",
            "--vary",
            "round[0].pre_money=600B..1T:100B",
            "--vary",
            "round[0].tranche[Amazon].amount=10B..50B:20B",
            "--metric",
            "ownership:Amazon",
            "--format",
            "json",
        ])
        .stdout,
    );
    assert_eq!(grid["metric"], "ownership:Amazon");
    assert_eq!(grid["grid"].as_array().unwrap().len(), 5);
    assert_eq!(grid["grid"][1]["cells"][1], "0.0375");
}

#[test]
fn several_varied_values_without_a_metric_give_a_row_per_combination() {
    let run = calc(&[
        "sweep",
        "scenarios/seed-round.toml",
        "--vary",
        "round[0].pre_money=8M..10M:1M",
        "--vary",
        "round[0].tranche[0].amount=1M..2M:1M",
        "--format",
        "csv",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows = csv_rows(&run.stdout);
    let pairs: Vec<(String, String)> = rows[1..].iter().map(|r| (r[0].clone(), r[1].clone())).collect();
    let expected: Vec<(String, String)> = [8, 9, 10]
        .iter()
        .flat_map(|p| [1, 2].map(move |a| (format!("{p}000000"), format!("{a}000000"))))
        .collect();
    assert_eq!(pairs, expected, "the last --vary moves fastest");
}

#[test]
fn every_format_streams_the_same_rows() {
    let args = |format: &str| {
        calc(&[
            "sweep",
            "scenarios/seed-to-series-b.toml",
            "--vary",
            "round[Seed].pre_money=6M..10M:1M",
            "--format",
            format,
        ])
    };
    let table = args("table");
    let markdown = args("markdown");
    let json_rows = json(&args("json").stdout);
    assert_eq!(table.stdout.lines().count(), 2 + 5);
    assert_eq!(markdown.stdout.lines().count(), 2 + 5);
    let rows = json_rows.as_array().unwrap();
    assert_eq!(rows.len(), 5);
    // Seed at 8M pre: price 0.8, as the file's own expectations say.
    assert_eq!(rows[2]["round[Seed].pre_money"], "8000000");
    assert_eq!(
        markdown
            .stdout
            .lines()
            .nth(4)
            .unwrap()
            .split('|')
            .nth(1)
            .unwrap()
            .trim(),
        "$8M"
    );
    assert!(table.stdout.lines().next().unwrap().contains("Founders"));
}

#[test]
fn threads_do_not_change_the_output() {
    // More points than two chunks, so that the parallel path runs.
    let axes = sweep::axes(&["round[0].pre_money=600B..1T:40M".to_string()]).unwrap();
    let text = std::fs::read_to_string(root().join("scenarios/openai.toml")).unwrap();
    let source = sweep::Source {
        text: &text,
        stem: "openai",
        variant: None,
        overrides: &[],
    };
    let mut one = Vec::new();
    let mut two = Vec::new();
    let n1 = sweep::run(source, &axes, None, calc::report::Format::Csv, Some(1), &mut one).unwrap();
    let n2 = sweep::run(source, &axes, None, calc::report::Format::Csv, Some(2), &mut two).unwrap();
    // (1T − 600B) / 40M + 1 points.
    assert_eq!((n1, n2), (10_001, 10_001));
    assert_eq!(one.len(), two.len());
    assert!(one == two, "the outputs differ");
}

#[test]
fn sweep_usage_errors_exit_2() {
    let cases: &[(&[&str], &str)] = &[
        (&["--vary", "round[0].pre_money=0..20M:1"], "more than the 10000001"),
        (
            &[
                "--vary",
                "round[0].pre_money=1..5000:1",
                "--vary",
                "round[0].amount=1..5000:1",
            ],
            "5000 × 5000 points",
        ),
        (&["--vary", "round[0].pre_money=1M..2M"], "needs a step"),
        (
            &["--vary", "round[0].pre_money=10%..2M:1M"],
            "must all be percents or all amounts",
        ),
        (&["--vary", "round[0].pre_money=1M..2M:0"], "STEP must be above zero"),
        (
            &["--vary", "round[0].pre_money=1M..2M:1M", "--metric", "ownership:Nobody"],
            "there is no holder \"Nobody\"",
        ),
        (
            &["--vary", "round[0].pre_money=1M..2M:1M", "--metric", "owner"],
            "unknown figure",
        ),
        (&["--vary", "round[9].pre_money=1M..2M:1M"], "matches nothing"),
    ];
    for (args, wanted) in cases {
        let mut all = vec!["sweep", "scenarios/seed-round.toml"];
        all.extend_from_slice(args);
        let run = calc(&all);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(wanted), "{args:?}: {}", run.stderr);
        assert_eq!(run.stdout, "", "{args:?}");
    }
    assert_eq!(
        calc(&["sweep", "scenarios/seed-round.toml"]).code,
        2,
        "--vary is required"
    );
}

// ------------------------------------------------------------------ check

/// A share-mode table whose only figure is A's ownership: `a` of 100,000 shares.
fn ownership_file(name: &str, a: u32, expected: &str, extra: &str) -> PathBuf {
    scratch(
        name,
        &format!(
            "[[holder]]\nname = \"A\"\nshares = {a}\n\n[[holder]]\nname = \"B\"\nshares = {}\n\n\
             [[expect]]\nholder = \"A\"\nownership = \"{expected}\"\n{extra}",
            100_000 - a
        ),
    )
}

#[test]
fn check_tolerance_is_half_a_unit_of_the_last_written_digit() {
    // "26.54%" accepts 26.535% to 26.545%, both ends included.
    for (a, code) in [(26_535, 0), (26_545, 0), (26_540, 0), (26_534, 1), (26_546, 1)] {
        let file = ownership_file(&format!("edge-{a}.toml"), a, "26.54%", "");
        let run = calc(&["check".as_ref(), file.as_os_str()]);
        assert_eq!(run.code, code, "{a} of 100,000 against 26.54%:\n{}", run.stdout);
    }
    // An explicit tolerance replaces it: 26.546% is within 0.01% of 26.54%.
    let file = ownership_file("tolerance.toml", 26_546, "26.54%", "tolerance = \"0.01%\"\n");
    assert_eq!(calc(&["check".as_ref(), file.as_os_str()]).code, 0);
}

#[test]
fn a_failure_is_listed_with_its_line_metric_and_difference() {
    let file = ownership_file("fails.toml", 26_546, "26.54%", "");
    let run = calc(&["check".as_ref(), file.as_os_str()]);
    assert_eq!(run.code, 1);
    let shown = file.display().to_string();
    // The [[expect]] is on line 9; 26,546 / 100,000 = 26.546%, 0.006 points above.
    let row = run.stdout.lines().find(|l| l.contains(&format!("{shown}:9"))).unwrap();
    for cell in ["ownership of A", "26.54%", "26.546%", "+0.006 pp"] {
        assert!(row.contains(cell), "{cell} not in {row}");
    }
    assert_eq!(run.stdout.lines().last(), Some("0 passed, 1 failed"));
    let v = json(&calc(&["check".as_ref(), file.as_os_str(), "--format".as_ref(), "json".as_ref()]).stdout);
    assert_eq!((v["passed"].as_u64(), v["failed"].as_u64()), (Some(0), Some(1)));
    let f = &v["failures"][0];
    assert_eq!(f["line"], 9);
    assert_eq!(f["metric"], "ownership");
    assert_eq!(f["holder"], "A");
    assert_eq!(f["expected"], "0.2654");
    assert_eq!(f["actual"], "0.26546");
    assert_eq!(f["difference"], "0.00006");
    assert_eq!(f["tolerance"], "0.00005");
}

#[test]
fn naming_what_does_not_exist_is_an_input_error_not_a_failure() {
    let base = "[[holder]]\nname = \"A\"\nshares = 1_000_000\n\n[[round]]\nname = \"Seed\"\npre_money = \"4M\"\namount = \"1M\"\n\n";
    for (name, expect, message) in [
        (
            "no-holder",
            "[[expect]]\nholder = \"Z\"\nownership = \"1%\"\n",
            "there is no holder \"Z\"",
        ),
        (
            "no-round",
            "[[expect]]\nafter = \"Series Z\"\nprice = \"1\"\n",
            "there is no round \"Series Z\"",
        ),
        (
            "no-variant",
            "[[expect]]\nvariant = \"v\"\nprice = \"1\"\n",
            "there is no variant \"v\"",
        ),
    ] {
        let file = scratch(&format!("{name}.toml"), &format!("{base}{expect}"));
        let run = calc(&["check".as_ref(), file.as_os_str()]);
        assert_eq!(run.code, 2, "{name}: {}{}", run.stdout, run.stderr);
        assert!(run.stderr.contains(message), "{name}: {}", run.stderr);
        assert!(run.stdout.ends_with("0 passed, 0 failed\n"), "{name}: {}", run.stdout);
    }
}

#[test]
fn an_invalid_file_outranks_a_failed_one() {
    let failing = ownership_file("mixed-fail.toml", 26_546, "26.54%", "");
    let passing = ownership_file("mixed-pass.toml", 26_540, "26.54%", "");
    let invalid = scratch("mixed-invalid.toml", "[[holder]]\nname = \"A\"\n");
    assert_eq!(calc(&["check".as_ref(), passing.as_os_str()]).code, 0);
    assert_eq!(
        calc(&["check".as_ref(), passing.as_os_str(), failing.as_os_str()]).code,
        1
    );
    let run = calc(&["check".as_ref(), failing.as_os_str(), invalid.as_os_str()]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.ends_with("0 passed, 1 failed\n"), "{}", run.stdout);
}

#[test]
fn the_shipped_scenarios_carry_at_least_40_passing_expectations() {
    let run = calc(&["check", "scenarios/", "--format", "json"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let v = json(&run.stdout);
    assert!(v["passed"].as_u64().unwrap() >= 40);
    assert_eq!(v["failed"], 0);
    // Every variant of openai.toml is checked by at least one expectation.
    let text = std::fs::read_to_string(root().join("scenarios/openai.toml")).unwrap();
    for variant in [
        "800B post-money",
        "as announced 2026-02-27",
        "as closed 2026-03-31",
        "closed, without the conditional 35B",
    ] {
        assert!(
            text.contains(&format!("variant = \"{variant}\"")),
            "{variant} has no [[expect]]"
        );
    }
}
