//! The error catalog: `tests/errors/NAME.toml` is one minimal bad scenario per error the
//! loader, the engine or `calc check` can raise, and `tests/errors/NAME.stderr` the exact
//! stderr of `calc tests/errors/NAME.toml` (exit status 2). A first line
//! `# calc: ARGS` gives other arguments, with `FILE` standing for the file:
//! `# calc: check FILE`, `# calc: FILE --variant NAME`.
//!
//! Regenerate the .stderr files with `CALC_BLESS=1 cargo test` and read every one: each
//! problem must say `file:line:column: message`, show the offending source line with a `^`
//! marker under the offending text, and end with a hint that names the fix.
//! `every_message_has_a_location_a_marker_and_a_hint` checks the shape mechanically, and
//! `every_message_in_the_source_has_a_catalog_entry` fails when a message written in the
//! loader, the engine, `calc check` or the file reader appears in no .stderr.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::{calc, golden, root, toml_files};
use std::collections::BTreeSet;
use std::path::Path;

/// Every catalog entry, and what it pins. Adding an error to calc means adding it here
/// and in tests/errors/.
const CATALOG: &[(&str, &str)] = &[
    ("pool-invests", "the unallocated pool named as a tranche's investor"),
    (
        "conversion-price-rounds-to-zero",
        "a safe's cap price that rounds to $0 with price_decimals = 0",
    ),
    (
        "conversion-buys-no-share",
        "a safe whose amount is below the price of one share",
    ),
    // --- the file itself
    ("empty", "an empty file"),
    ("not-utf8", "a file that is not UTF-8"),
    ("toml-syntax", "a TOML syntax error (an unquoted `15M`)"),
    ("duplicate-key", "a key written twice in one table (TOML)"),
    ("several-problems", "several problems in one file, all reported"),
    // --- keys and shapes
    (
        "unknown-key-did-you-mean",
        "an unknown key close to a known one: `pre_mony`",
    ),
    (
        "unknown-top-level-key",
        "an unknown top-level key, with the list of keys",
    ),
    ("single-bracket-table", "[holder] written instead of [[holder]]"),
    (
        "rounding-not-a-table",
        "`rounding = \"...\"` instead of a [rounding] table",
    ),
    ("title-not-a-string", "a number where a string is needed"),
    ("sources-not-a-list", "`sources` written as one string, not a list"),
    (
        "holder-not-a-table",
        "`holder = [\"Founders\"]`: a list of strings, not of tables",
    ),
    ("money-not-a-number", "`pre_money = true`"),
    ("percent-not-a-string", "`sold = true`"),
    ("not-a-boolean", "a string where true/false is needed"),
    ("date-quoted", "a quoted date"),
    ("sources-not-strings", "a non-string in `sources`"),
    // --- values
    ("negative-money", "negative money"),
    ("not-money", "text that is not an amount of money"),
    ("not-shares", "text that is not a share count"),
    ("not-a-multiple", "text that is not a multiple"),
    ("too-large", "a number too large for exact arithmetic"),
    (
        "long-float",
        "a TOML float with more than 15 significant digits: quote it",
    ),
    ("float-not-finite", "inf as money"),
    ("bare-percent", "`sold = 20`: a bare number for a percent, hint \"20%\""),
    ("percent-without-sign", "`sold = \"20\"`: a percent without its `%`"),
    ("not-a-percent", "`sold = \"a fifth%\"`: words where the percent goes"),
    (
        "pro-rata-without-side-letter",
        "a pro rata tranche for a safe holder whose safe has no `pro_rata = true` side letter",
    ),
    (
        "pro-rata-no-stake",
        "a pro rata tranche for a name that holds nothing (a typo), hint did-you-mean",
    ),
    (
        "decimal-comma",
        "\"2,5%\" and \"2,5M\": a decimal comma is refused (it would read as 25), hint with the point",
    ),
    (
        "bare-fraction-percent",
        "`sold = 0.2`: a fraction for a percent, hint \"20%\"",
    ),
    ("price-decimals-out-of-range", "price_decimals outside 0..=20"),
    ("rounding-typo", "a rounding choice misspelt, with did you mean"),
    ("kind-typo", "`kind = \"comon\"`, did you mean \"common\""),
    // --- holders and classes
    ("no-holders", "a scenario without [[holder]]"),
    ("missing-name", "a holder without `name`"),
    ("empty-name", "`name = \"\"`"),
    ("duplicate-holder", "two holders with one name"),
    ("holder-without-amount", "a holder with neither shares nor stake"),
    ("shares-and-stake", "a holder with both shares and stake"),
    ("mixed-shares-stake", "shares for some holders, stake for others"),
    ("zero-shares", "every holder with zero shares"),
    ("stakes-not-100", "stakes that do not add up to 100%"),
    ("stake-over-100", "a stake above 100%"),
    ("two-rest-stakes", "two `stake = \"rest\"`"),
    ("rest-stake-nothing-left", "`stake = \"rest\"` with nothing left"),
    ("strike-on-common", "a strike on a common holder"),
    (
        "preferred-without-class",
        "a preferred holder whose class has no [[class]]",
    ),
    ("duplicate-class", "two [[class]] with one name"),
    (
        "participation-cap-without-participating",
        "`participation_cap` on a class that does not participate",
    ),
    (
        "participation-cap-not-above-preference",
        "a participation cap of 2x over a 2x preference",
    ),
    // --- rounds and tranches
    ("duplicate-round", "two rounds with one name"),
    ("no-valuation", "a round with no valuation"),
    ("two-valuations", "a round valued twice"),
    ("zero-pre-money", "pre_money = 0"),
    ("sold-100", "`sold = \"100%\"`"),
    ("price-in-percent-mode", "a `price` valuation in percent mode"),
    ("no-new-money", "a round with neither amount nor tranches"),
    ("tranche-without-investor", "a tranche without `investor`"),
    ("tranche-without-amount", "a tranche without `amount`"),
    (
        "rest-without-round-amount",
        "`amount = \"rest\"` without the round's amount",
    ),
    ("two-rest-tranches", "two `amount = \"rest\"` tranches"),
    ("pro-rata-with-amount", "a pro_rata tranche that also has an amount"),
    ("pool-target-and-increase", "pool_target and pool_increase in one round"),
    ("pool-target-100", "pool_target of 100%"),
    // --- safes and notes
    (
        "converts-at-unknown-round",
        "a safe converting at a round that does not exist",
    ),
    ("fixed-ownership-with-cap", "a fixed-ownership safe with a cap"),
    ("fixed-ownerships-100", "fixed-ownership safes adding up to 100%"),
    // --- [exit]
    ("exit-values-empty", "`values = []`"),
    ("exit-after-unknown-round", "an exit after a round that does not exist"),
    // --- found by the engine
    (
        "tranches-do-not-add-up",
        "tranches that do not add up to the round's amount",
    ),
    (
        "rest-tranche-negative",
        "tranches above the round's amount, leaving a negative rest",
    ),
    (
        "pro-rata-without-round-amount",
        "a pro_rata tranche in a round without an amount",
    ),
    ("post-money-below-new-money", "post_money below the new money"),
    ("sold-without-money", "`sold` in a round with no new money"),
    (
        "pool-target-unreachable",
        "a pool target that no pool increase can reach",
    ),
    ("pool-increase-in-percent-mode", "pool_increase in a percent-mode table"),
    ("price-rounds-to-zero", "a price that rounds to zero"),
    ("engine-overflow", "figures whose products overflow exact arithmetic"),
    ("tranche-buys-no-share", "a tranche of $5 at $10 a share"),
    (
        "safes-take-the-whole-company",
        "safes whose amounts over caps add up to 120%: the round has no solution",
    ),
    (
        "note-interest-without-issued",
        "a note accruing interest without an `issued` date",
    ),
    (
        "note-interest-without-round-date",
        "a note accruing interest, converting in a round without a `date`",
    ),
    (
        "note-issued-after-round",
        "a note issued after the round it converts in",
    ),
    (
        "exit-with-only-a-pool",
        "an exit of a table that holds only the unallocated pool",
    ),
    (
        "too-many-holder-rounds",
        "holders × rounds above the engine's bound (1,500 rounds in a 68 kB file)",
    ),
    // --- variants and --set
    ("duplicate-variant", "two variants with one name"),
    ("variant-without-set", "a variant without `set`"),
    ("variant-set-not-a-table", "a variant whose `set` is not a table"),
    ("variant-bad-path", "a variant path that is not a path"),
    (
        "variant-path-ends-with-selector",
        "a variant path ending in `[0]`, not a key",
    ),
    ("variant-path-two-selectors", "a variant path with `[0][1]`"),
    (
        "variant-path-missing-list",
        "a variant path through [[safe]] in a file without safes",
    ),
    (
        "variant-path-element-not-a-table",
        "a variant path through an element that is a string",
    ),
    (
        "variant-path-table-not-a-list",
        "a variant path selecting `[0]` of the [rounding] table",
    ),
    (
        "variant-path-list-without-selector",
        "`round.pre_money`: a list without a selector",
    ),
    ("variant-path-through-a-value", "`title.text`: a path through a string"),
    ("variant-path-index-in-empty-list", "`sources[0]` when `sources = []`"),
    (
        "variant-path-index-out-of-range",
        "`round[5]` in a file with two rounds",
    ),
    (
        "variant-path-ambiguous-name",
        "`tranche[Lead]` when two tranches are Lead's",
    ),
    (
        "variant-path-matches-nothing",
        "a variant path naming a round that does not exist",
    ),
    ("unknown-variant", "--variant naming no variant"),
    ("set-path-matches-nothing", "--set with a path matching nothing"),
    ("set-without-equals", "--set without `=`"),
    ("set-bad-value", "--set with a bad value: no line of the file to show"),
    ("compare-empty-variant", "calc compare FILE#: an empty variant name"),
    // --- [[expect]] (in the file, or found by `calc check`)
    ("expect-no-metric", "an [[expect]] without a metric"),
    ("expect-two-metrics", "an [[expect]] with two metrics"),
    ("expect-without-holder", "a holder's figure without `holder`"),
    ("expect-round-figure-with-holder", "a round's figure with `holder`"),
    ("expect-payout-without-exit", "`payout` without `exit`"),
    ("expect-missing-round", "calc check: `after` names no round"),
    ("expect-missing-holder", "calc check: `holder` names no holder"),
    ("expect-missing-variant", "calc check: `variant` names no variant"),
    (
        "expect-shares-in-percent-mode",
        "calc check: `shares` in a percent-mode table",
    ),
    (
        "expect-dilution-of-new-holder",
        "calc check: dilution of a holder new in the round",
    ),
    (
        "expect-pool-increase-without-pool",
        "calc check: pool_increase of a round without a pool top-up",
    ),
    (
        "expect-value-without-round",
        "calc check: a value with no round to price the company",
    ),
    (
        "expect-round-figure-without-round",
        "calc check: a round's figure in a scenario without rounds",
    ),
    (
        "expect-price-in-percent-mode",
        "calc check: `price` in a percent-mode table",
    ),
    (
        "expect-payout-at-an-unlisted-exit",
        "calc check: `payout` at an exit value the [exit] does not list",
    ),
    (
        "expect-payout-of-a-holder-after-the-exit",
        "calc check: `payout` of a holder who arrives after the exit",
    ),
];

/// Entries calc does not refuse yet: known bugs in files this suite does not own. They
/// have no .stderr; the test checks that they still pass, so that the fix is noticed.
/// When one starts failing as it should, remove it here and bless its .stderr.
const KNOWN_ACCEPTED: &[(&str, &str)] = &[];

fn known_accepted(name: &str) -> bool {
    KNOWN_ACCEPTED.iter().any(|(n, _)| *n == name)
}

/// Entries whose problem concerns the file or the command line as a whole: no line to show.
const WHOLE_FILE: &[&str] = &[
    "empty",
    "no-holders",
    "unknown-variant",
    "set-path-matches-nothing",
    "set-without-equals",
    "set-bad-value",
    "compare-empty-variant",
];

/// Entries with a message that has no hint yet. Each is a known gap in a file this suite
/// does not own (see the list in the test-suite report); remove the entry when its message
/// gains a hint, and this test will insist on it.
const KNOWN_WITHOUT_HINT: &[&str] = &[];

fn names_on_disk(extension: &str) -> BTreeSet<String> {
    std::fs::read_dir(root().join("tests/errors"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == extension))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect()
}

/// The arguments of an entry: `FILE`, or what its `# calc:` first line says (`FILE`
/// stands for the file's path, also inside an argument: `compare FILE#`).
fn arguments(file: &Path) -> Vec<String> {
    let bytes = std::fs::read(root().join(file)).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    let first = text.lines().next().unwrap_or("");
    let spec = first.strip_prefix("# calc:").unwrap_or("FILE");
    let shown = file.to_string_lossy().into_owned();
    spec.split_whitespace().map(|a| a.replace("FILE", &shown)).collect()
}

#[test]
fn the_catalog_lists_every_entry_and_every_entry_has_its_stderr() {
    let listed: BTreeSet<String> = CATALOG.iter().map(|(n, _)| n.to_string()).collect();
    assert_eq!(listed.len(), CATALOG.len(), "a name is listed twice in CATALOG");
    let tomls = names_on_disk("toml");
    let unlisted: Vec<_> = tomls.difference(&listed).collect();
    let missing: Vec<_> = listed.difference(&tomls).collect();
    assert!(
        unlisted.is_empty(),
        "tests/errors/ entries not in CATALOG: {unlisted:?}"
    );
    assert!(
        missing.is_empty(),
        "CATALOG entries without tests/errors/NAME.toml: {missing:?}"
    );
    if !crate::support::blessing() {
        let stderrs = names_on_disk("stderr");
        let orphans: Vec<_> = stderrs.difference(&tomls).collect();
        let unblessed: Vec<_> = tomls.difference(&stderrs).filter(|n| !known_accepted(n)).collect();
        assert!(orphans.is_empty(), ".stderr files without a .toml: {orphans:?}");
        assert!(
            unblessed.is_empty(),
            "entries without a .stderr (run CALC_BLESS=1): {unblessed:?}"
        );
    }
    let accepted: Vec<&str> = KNOWN_ACCEPTED.iter().map(|(n, _)| *n).collect();
    for list in [WHOLE_FILE, KNOWN_WITHOUT_HINT, &accepted] {
        for name in list {
            assert!(listed.contains(*name), "{name} is not a catalog entry");
        }
    }
}

#[test]
fn every_catalog_entry_exits_2_with_its_exact_stderr() {
    let mut failures = Vec::new();
    for file in toml_files("tests/errors") {
        let run = calc(&arguments(&file));
        let name = file.file_stem().unwrap().to_string_lossy().into_owned();
        if let Some((_, bug)) = KNOWN_ACCEPTED.iter().find(|(n, _)| *n == name) {
            if run.code == 2 {
                failures.push(format!(
                    "{name} is refused now (was a known bug: {bug}): remove it from KNOWN_ACCEPTED, bless and review \
                     its .stderr"
                ));
            }
            continue;
        }
        if run.code != 2 {
            failures.push(format!(
                "{}: exit status {}, not 2\n{}",
                file.display(),
                run.code,
                run.stderr
            ));
            continue;
        }
        if let Err(e) = golden(&file.with_extension("stderr"), &run.stderr) {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// One rendered problem, as read back from stderr.
struct Rendered {
    located: bool,
    hint: bool,
}

/// Reads back the problems of one stderr, checking each against the source: the line shown
/// is the line named, and the marker starts at the column named.
fn read_back(file: &str, source: &str, stderr: &str) -> Result<Vec<Rendered>, String> {
    let lines: Vec<&str> = stderr.lines().collect();
    let (last, body) = lines.split_last().ok_or("empty stderr")?;
    let mut out = Vec::new();
    let mut i = 0;
    while i < body.len() {
        let header = body[i];
        let rest = header
            .strip_prefix(file)
            .and_then(|r| r.strip_prefix(':'))
            .ok_or_else(|| format!("expected a line starting `{file}:`, found `{header}`"))?;
        i += 1;
        let located = !rest.starts_with(' ');
        if located {
            let mut parts = rest.splitn(3, ':');
            let line: usize = parts.next().and_then(|l| l.parse().ok()).ok_or("no line number")?;
            let column: usize = parts.next().and_then(|c| c.parse().ok()).ok_or("no column number")?;
            let gutter = " ".repeat(line.to_string().len());
            let shown = body.get(i + 1).ok_or("no source line")?;
            let marker = body.get(i + 2).ok_or("no marker line")?;
            if body[i] != format!("{gutter} |") {
                return Err(format!("line {line}: expected an empty gutter, found `{}`", body[i]));
            }
            let expected = source
                .lines()
                .nth(line - 1)
                .ok_or("the line named is not in the file")?;
            if *shown != format!("{line} | {expected}").trim_end() && *shown != format!("{line} | {expected}") {
                return Err(format!(
                    "line {line}: the source shown is `{shown}`, not the file's `{expected}`"
                ));
            }
            let carets = marker
                .strip_prefix(&format!("{gutter} | "))
                .ok_or_else(|| format!("line {line}: bad marker line `{marker}`"))?;
            let pad = carets.chars().take_while(|c| *c == ' ' || *c == '\t').count();
            if pad + 1 != column || !carets.trim_start().starts_with('^') {
                return Err(format!(
                    "line {line}: the marker `{carets}` does not start at column {column}"
                ));
            }
            i += 3;
        }
        let hint = body.get(i).is_some_and(|l| l.trim_start().starts_with("= hint: "));
        if hint {
            i += 1;
        }
        out.push(Rendered { located, hint });
    }
    let n = out.len();
    let summary = format!("calc: {n} problem{} in {file}", if n == 1 { "" } else { "s" });
    if *last != summary {
        return Err(format!("the last line is `{last}`, not `{summary}`"));
    }
    Ok(out)
}

#[test]
fn every_message_has_a_location_a_marker_and_a_hint() {
    let mut failures = Vec::new();
    for file in toml_files("tests/errors") {
        let name = file.file_stem().unwrap().to_string_lossy().into_owned();
        if known_accepted(&name) {
            continue;
        }
        // The actual stderr, not the .stderr file: the check holds while blessing too.
        let stderr = calc(&arguments(&file)).stderr;
        let source = String::from_utf8_lossy(&std::fs::read(root().join(&file)).unwrap()).into_owned();
        let problems = match read_back(&file.to_string_lossy(), &source, &stderr) {
            Ok(p) => p,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        let whole_file = WHOLE_FILE.contains(&name.as_str());
        if problems.iter().any(|p| !p.located) != whole_file {
            failures.push(format!(
                "{name}: {}",
                if whole_file {
                    "listed in WHOLE_FILE but every problem has a location"
                } else {
                    "a problem without file:line:column"
                }
            ));
        }
        let known = KNOWN_WITHOUT_HINT.contains(&name.as_str());
        if problems.iter().all(|p| p.hint) == known {
            failures.push(format!(
                "{name}: {}",
                if known {
                    "now has a hint everywhere: remove it from KNOWN_WITHOUT_HINT"
                } else {
                    "a problem without a hint"
                }
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn several_problems_are_all_reported() {
    let stderr = calc(&["tests/errors/several-problems.toml"]).stderr;
    assert!(
        stderr.ends_with("calc: 5 problems in tests/errors/several-problems.toml\n"),
        "{stderr}"
    );
}

// ------------------------------------------------------------ errors outside the catalog

#[test]
fn a_missing_file_is_an_error_with_exit_2() {
    let run = calc(&["tests/errors/no-such-file.toml"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "tests/errors/no-such-file.toml: cannot read the file: no such file\n  = hint: check the path\n\
         calc: 1 problem in tests/errors/no-such-file.toml\n"
    );
    assert_eq!(run.stdout, "");
    assert_eq!(calc(&["check", "tests/errors/no-such-file.toml"]).code, 2);
}

#[test]
fn check_without_arguments_outside_a_project() {
    let empty = std::env::temp_dir().join(format!("calc-no-scenarios-{}", std::process::id()));
    std::fs::create_dir_all(&empty).unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_calc"))
        .arg("check")
        .current_dir(&empty)
        .output()
        .unwrap();
    std::fs::remove_dir_all(&empty).ok();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "scenarios: `calc check` with no argument checks ./scenarios/, and there is none here\n  \
         = hint: name the files or directories to check: `calc check FILE|DIR...`\n\
         calc: 1 problem in scenarios\n"
    );
}

#[test]
fn no_file_is_a_usage_error() {
    let run = calc::<&str>(&[]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "calc: name a scenario file, e.g. `calc scenarios/openai.toml` (see `calc --help`)\n"
    );
}

#[test]
fn an_unknown_option_is_a_usage_error() {
    let run = calc(&["scenarios/openai.toml", "--frobnicate"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--frobnicate"), "{}", run.stderr);
    let run = calc(&["scenarios/openai.toml", "--format", "yaml"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("yaml"), "{}", run.stderr);
}

#[test]
fn help_and_version_exit_0() {
    let help = calc(&["--help"]);
    assert_eq!(help.code, 0);
    assert!(help.stdout.contains("Exit status"), "{}", help.stdout);
    assert_eq!(calc(&["--version"]).code, 0);
}

/// A fresh, empty directory under cargo's scratch space for integration tests.
fn scratch(name: &str) -> std::path::PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn compare_of_a_directory_is_an_error() {
    let run = calc(&["compare", "tests/errors", "scenarios/openai.toml"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "tests/errors: is a directory\n  = hint: name a .toml file, or use `calc check DIR`\n\
         calc: 1 problem in tests/errors\n"
    );
}

#[test]
fn check_of_a_directory_without_scenarios_is_an_error() {
    let dir = scratch("check-empty-dir");
    let run = calc(&["check".as_ref(), dir.as_os_str()]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        format!("calc: no scenario files found in {}\n", dir.display())
    );
}

#[test]
fn report_of_a_directory_without_scenarios_is_an_error() {
    let dir = scratch("report-empty-dir");
    let run = calc(&[dir.as_os_str()]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        format!("calc: no scenario files found in {}\n", dir.display())
    );
    assert_eq!(run.stdout, "");
}

#[test]
fn a_file_larger_than_a_scenario_may_be_is_refused() {
    let dir = scratch("too-big");
    let file = dir.join("big.toml");
    let mut text = String::from("# padding\n");
    text.push_str(&"#".repeat(calc::scenario::MAX_BYTES));
    std::fs::write(&file, text).unwrap();
    let run = calc(&[file.as_os_str()]);
    assert_eq!(run.code, 2);
    let shown = file.display();
    assert_eq!(
        run.stderr,
        format!(
            "{shown}: the file is {} bytes, more than the {} a scenario may have\n  = hint: a scenario is a page of \
             text; split generated tables into smaller files\ncalc: 1 problem in {shown}\n",
            calc::scenario::MAX_BYTES + 10,
            calc::scenario::MAX_BYTES
        )
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_failed_expectation_exits_1_not_2() {
    let dir = scratch("failing-expect");
    let file = dir.join("seed.toml");
    std::fs::write(
        &file,
        "[[holder]]\nname = \"Founders\"\nshares = 2_000_000\n\n[[round]]\nname = \"Seed\"\npre_money = \"8M\"\n\
         amount = \"2M\"\n\n[[expect]]\nholder = \"Founders\"\nownership = \"75%\"\n",
    )
    .unwrap();
    let run = calc(&["check".as_ref(), file.as_os_str()]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.stderr, "");
    assert!(run.stdout.ends_with("0 passed, 1 failed\n"), "{}", run.stdout);
}

// ------------------------------------------------------------ every message has an entry

/// Where messages are written: the calls that take one, and which argument it is (from 0).
/// `not_applicable` is `calc check`'s helper for figures that do not apply; `Err(format!(`
/// catches the messages of `--set`/variant paths (src/scenario/variant.rs), which reach
/// `p.at` as a variable.
const MESSAGE_CALLS: &[(&str, usize)] = &[
    ("p.at(", 1),
    ("Diagnostic::at(", 1),
    ("Diagnostic::whole_file(", 0),
    ("EngineError::new(", 1),
    ("ValueError::new(", 0),
    ("Err(format!(", 0),
    ("not_applicable(", 0),
];

/// The files whose messages must each appear in some tests/errors/*.stderr.
const MESSAGE_SOURCES: &[&str] = &["src/scenario", "src/engine", "src/check.rs", "src/app.rs"];

/// Messages that no file in tests/errors/ can raise, each with the reason; every other
/// message must appear in some .stderr. Keep this list short: add an entry instead.
const MESSAGES_WITHOUT_ENTRY: &[(&str, &str)] = &[
    (
        "the payouts differ from the exit value … by ",
        "a guard against a defect in the waterfall (src/engine/waterfall.rs, settle): the \
         claims always add up to the exit value, so no file can raise it; the properties \
         (`payouts_add_up_to_the_exit_value_and_rise_with_it`) would show it",
    ),
    (
        "the file is … bytes, more than the … a scenario may have",
        "needs a file over 10 MiB (src/app.rs and src/scenario/mod.rs): \
         `a_file_larger_than_a_scenario_may_be_is_refused` writes one in a scratch directory",
    ),
    (
        "`calc check` with no argument checks ./scenarios/, and there is none here",
        "needs a working directory without scenarios/: `check_without_arguments_outside_a_project`",
    ),
    (
        "cannot read the file: ",
        "a file that does not exist cannot be an entry: `a_missing_file_is_an_error_with_exit_2`",
    ),
    (
        "is a directory",
        "a directory, not a file: `compare_of_a_directory_is_an_error`",
    ),
    (
        "this makes a division by zero",
        "the safety net of `Arith::div` (src/engine/arith.rs): every reachable zero divisor must have \
         its own message, so reaching it is a bug; known ways in: \
         properties::narrow_based_protection_of_an_empty_class and \
         properties::a_conversion_price_rounding_to_zero_is_named",
    ),
    (
        "the round has no valuation",
        "src/engine/priced_round.rs: only `price` gives no money valuation, and it is matched first; \
         a round without a valuation is refused by the loader (`no-valuation`)",
    ),
    (
        "the pool target of round \"…\" is not met after rounding",
        "src/engine/option_pool.rs: the increase is solved against the rounded share counts, so the \
         first check holds; the message bounds the correction loop",
    ),
    (
        "the unconverted safes' caps would take all of the company at the exit",
        "src/engine/waterfall.rs: a safe unconverted at the exit converts in a later round, which is \
         computed first and has no solution when the safes' amounts over caps (with fixed ownerships) \
         reach 100% (`safes-take-the-whole-company`)",
    ),
    (
        "is not a round's figure",
        "src/check.rs: every metric is a holder's (handled before) or matched by name",
    ),
    (
        "`…`: a selector must follow `…`",
        "src/scenario/variant.rs `select`: only ever called with an index or a name",
    ),
];

/// One message as written in the source: the file and line, and its fixed parts (the
/// text between `{}` placeholders, unescaped).
#[derive(Debug)]
struct Message {
    at: String,
    parts: Vec<String>,
}

impl Message {
    /// The message as the catalog knows it: the fixed parts, with `…` for placeholders.
    fn key(&self) -> String {
        self.parts.join("…")
    }

    /// Whether one line of some stderr holds every fixed part, in order.
    fn found_in(&self, line: &str) -> bool {
        let mut rest = line;
        for part in &self.parts {
            match rest.find(part.as_str()) {
                Some(i) => rest = &rest[i + part.len()..],
                None => return false,
            }
        }
        true
    }
}

/// Reads a Rust string literal starting at `s[0]` (`"` or `r#"`): its unescaped text and
/// its length in bytes; `None` if `s` does not start with one.
fn string_literal(s: &str) -> Option<(String, usize)> {
    let raw = s.strip_prefix('r').map(|r| {
        let hashes = r.chars().take_while(|c| *c == '#').count();
        (hashes, &r[hashes..])
    });
    if let Some((hashes, body)) = raw {
        let body = body.strip_prefix('"')?;
        let close = format!("\"{}", "#".repeat(hashes));
        let end = body.find(&close)?;
        return Some((body[..end].to_string(), 1 + hashes + 1 + end + close.len()));
    }
    let body = s.strip_prefix('"')?;
    let mut out = String::new();
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out, i + 2)),
            '\\' => match chars.next().map(|(_, e)| e) {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('0') => out.push('\0'),
                Some('u') => {
                    let code: String = chars
                        .by_ref()
                        .map(|(_, c)| c)
                        .skip_while(|c| *c == '{')
                        .take_while(|c| *c != '}')
                        .collect();
                    out.extend(u32::from_str_radix(&code, 16).ok().and_then(char::from_u32));
                }
                // A line continuation: the newline and the next line's indentation vanish.
                Some('\n') => {
                    let rest = &body[i + 2..];
                    let skip = rest.len() - rest.trim_start().len();
                    for _ in 0..skip {
                        chars.next();
                    }
                }
                Some(other) => out.push(other),
                None => return None,
            },
            _ => out.push(c),
        }
    }
    None
}

/// The length of the token at the start of `s` that must be skipped whole while scanning
/// code: a string literal, a char literal or a comment; `None` for anything else.
fn skip_token(s: &str) -> Option<usize> {
    if s.starts_with("//") {
        return Some(s.find('\n').unwrap_or(s.len()));
    }
    if s.starts_with("/*") {
        return Some(s.find("*/").map_or(s.len(), |i| i + 2));
    }
    if s.starts_with('"') || s.starts_with("r\"") || s.starts_with("r#") {
        return string_literal(s).map(|(_, n)| n);
    }
    if let Some(rest) = s.strip_prefix('\'') {
        // '\n', '\'', 'x' are char literals; 'a in a lifetime is not.
        if rest.starts_with('\\') {
            return rest[2..].find('\'').map(|i| i + 4);
        }
        let mut chars = rest.chars();
        let first = chars.next()?;
        if chars.next() == Some('\'') {
            return Some(2 + first.len_utf8());
        }
    }
    None
}

/// The arguments of the call whose `(` ends `code[..start]`, each as source text.
fn arguments_of(code: &str, start: usize) -> Vec<&str> {
    let mut args = Vec::new();
    let (mut depth, mut from, mut i) = (0usize, start, start);
    let bytes = code.as_bytes();
    while i < code.len() {
        if let Some(n) = skip_token(&code[i..]) {
            i += n;
            continue;
        }
        match bytes[i] {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' if depth == 0 => {
                args.push(&code[from..i]);
                return args;
            }
            b')' | b']' | b'}' => depth -= 1,
            b',' if depth == 0 => {
                args.push(&code[from..i]);
                from = i + 1;
            }
            _ => {}
        }
        i += code[i..].chars().next().map_or(1, char::len_utf8);
    }
    args
}

/// The fixed parts of a message template: `{...}` placeholders cut it (in a format string),
/// `{{` and `}}` are braces.
fn fixed_parts(template: &str, formatted: bool) -> Vec<String> {
    if !formatted {
        return vec![template.to_string()];
    }
    let mut parts = vec![String::new()];
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('{', Some('{')) | ('}', Some('}')) => {
                chars.next();
                parts.last_mut().unwrap().push(c);
            }
            ('{', _) => {
                for d in chars.by_ref() {
                    if d == '}' {
                        break;
                    }
                }
                parts.push(String::new());
            }
            _ => parts.last_mut().unwrap().push(c),
        }
    }
    parts.retain(|p| !p.trim().is_empty());
    parts
}

/// Every message written in `file`'s code (its `#[cfg(test)]` module left out).
fn messages_in(file: &Path) -> Vec<Message> {
    let text = std::fs::read_to_string(root().join(file)).unwrap();
    let code = text.split("#[cfg(test)]").next().unwrap_or("");
    let mut out = Vec::new();
    let mut i = 0;
    while i < code.len() {
        if let Some(n) = skip_token(&code[i..]) {
            i += n;
            continue;
        }
        let rest = &code[i..];
        if let Some((call, index)) = MESSAGE_CALLS.iter().find(|(call, _)| rest.starts_with(call)) {
            // `p.at(` must not be the tail of a longer name (`self.p.at(` is fine, `xp.at(` not).
            let boundary = !code[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_');
            if let (true, Some(arg)) = (boundary, arguments_of(code, i + call.len()).get(*index)) {
                let arg = arg.trim();
                let formatted = arg.starts_with("format!(") || *call == "Err(format!(";
                let literal = arg
                    .char_indices()
                    .find_map(|(k, _)| string_literal(&arg[k..]).filter(|_| arg[..k].matches('"').count() == 0));
                if let Some((template, _)) = literal {
                    let parts = fixed_parts(&template, formatted);
                    if !parts.is_empty() {
                        let line = code[..i].matches('\n').count() + 1;
                        out.push(Message {
                            at: format!("{}:{line}", file.display()),
                            parts,
                        });
                    }
                }
            }
            i += call.len();
            continue;
        }
        i += rest.chars().next().map_or(1, char::len_utf8);
    }
    out
}

fn message_sources() -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for source in MESSAGE_SOURCES {
        let path = root().join(source);
        if path.is_dir() {
            let mut here: Vec<_> = std::fs::read_dir(&path)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|x| x == "rs"))
                .map(|p| Path::new(source).join(p.file_name().unwrap()))
                .collect();
            here.sort();
            files.extend(here);
        } else {
            files.push(Path::new(source).to_path_buf());
        }
    }
    files
}

/// The meta-test (as ledger has for its options): every message the loader, the engine,
/// `calc check` and the file reader can write appears in some tests/errors/*.stderr, or
/// is in `MESSAGES_WITHOUT_ENTRY` with the reason. A message's fixed parts (the text
/// between placeholders) must all appear, in order, on one line of one .stderr.
#[test]
fn every_message_in_the_source_has_a_catalog_entry() {
    let mut stderr_lines = Vec::new();
    for name in names_on_disk("stderr") {
        let text = std::fs::read_to_string(root().join("tests/errors").join(format!("{name}.stderr"))).unwrap();
        stderr_lines.extend(text.lines().map(str::to_string));
    }
    let messages: Vec<Message> = message_sources().iter().flat_map(|f| messages_in(f)).collect();
    assert!(
        messages.len() > 100,
        "the scan found only {} messages: has the source changed shape?",
        messages.len()
    );
    let allowed = |m: &Message| MESSAGES_WITHOUT_ENTRY.iter().any(|(key, _)| m.key() == *key);
    let mut missing: Vec<String> = messages
        .iter()
        .filter(|m| !allowed(m) && !stderr_lines.iter().any(|line| m.found_in(line)))
        .map(|m| format!("  {}: {:?}", m.at, m.key()))
        .collect();
    missing.dedup();
    assert!(
        missing.is_empty(),
        "{} messages appear in no tests/errors/*.stderr: add an entry for each (or, if no file can raise \
         it, list it in MESSAGES_WITHOUT_ENTRY with the reason)\n{}",
        missing.len(),
        missing.join("\n")
    );
    // The allow-list holds only messages that exist and have no entry.
    for (key, _) in MESSAGES_WITHOUT_ENTRY {
        let Some(m) = messages.iter().find(|m| m.key() == *key) else {
            panic!("MESSAGES_WITHOUT_ENTRY lists {key:?}, which is no longer in the source");
        };
        assert!(
            !stderr_lines.iter().any(|line| m.found_in(line)),
            "MESSAGES_WITHOUT_ENTRY lists {key:?}, which now has a catalog entry: remove it from the list"
        );
    }
}
