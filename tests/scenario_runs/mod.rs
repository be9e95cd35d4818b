//! Every shipped scenario runs in every format, matching its reviewed snapshot in
//! tests/snapshots/ (`STEM.txt` table, `STEM.md`, `STEM.csv`, `STEM.json`), and
//! `calc check scenarios/` passes every expectation.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::{blessing, calc, golden, root, toml_files};
use std::collections::BTreeSet;
use std::path::Path;

const FORMATS: [(&str, &str); 4] = [("table", "txt"), ("markdown", "md"), ("csv", "csv"), ("json", "json")];

#[test]
fn every_scenario_matches_its_snapshots_in_every_format() {
    let scenarios = toml_files("scenarios");
    assert!(!scenarios.is_empty(), "no scenarios/*.toml");
    let mut failures = Vec::new();
    for file in &scenarios {
        let stem = file.file_stem().unwrap().to_string_lossy();
        for (format, extension) in FORMATS {
            let run = calc(&[file.to_str().unwrap(), "--format", format]);
            if run.code != 0 || !run.stderr.is_empty() {
                failures.push(format!(
                    "{} --format {format}: exit {}\n{}",
                    file.display(),
                    run.code,
                    run.stderr
                ));
                continue;
            }
            let snapshot = Path::new("tests/snapshots").join(format!("{stem}.{extension}"));
            if let Err(e) = golden(&snapshot, &run.stdout) {
                failures.push(e);
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_default_format_is_the_table() {
    let plain = calc(&["scenarios/seed-round.toml"]);
    let table = calc(&["scenarios/seed-round.toml", "--format", "table"]);
    assert_eq!(plain.code, 0);
    assert_eq!(plain.stdout, table.stdout);
    assert!(!plain.stdout.contains('\u{1b}'), "piped output has colour codes");
}

#[test]
fn no_snapshot_is_left_without_its_scenario() {
    let stems: BTreeSet<String> = toml_files("scenarios")
        .iter()
        .map(|f| f.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    for entry in std::fs::read_dir(root().join("tests/snapshots")).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        if stems.contains(&stem) || path.extension().is_some_and(|x| x == "rs") {
            continue;
        }
        if blessing() {
            std::fs::remove_file(&path).unwrap();
            eprintln!("removed stale {}", path.display());
        } else {
            panic!("{} has no scenario: delete it (or run CALC_BLESS=1)", path.display());
        }
    }
}

/// The number of `[[expect]]` blocks written in a scenario file.
fn expectations(file: &Path) -> usize {
    std::fs::read_to_string(root().join(file))
        .unwrap()
        .lines()
        .filter(|l| l.trim() == "[[expect]]")
        .count()
}

#[test]
fn check_passes_every_expectation_of_every_scenario() {
    let run = calc(&["check", "scenarios/"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.stderr, "");
    let written: usize = toml_files("scenarios").iter().map(|f| expectations(f)).sum();
    assert!(written > 0);
    let last = run.stdout.lines().last().unwrap_or("");
    assert_eq!(last, format!("{written} passed, 0 failed"), "{}", run.stdout);
}

#[test]
fn check_defaults_to_the_scenarios_directory() {
    let default = calc(&["check"]);
    let explicit = calc(&["check", "scenarios"]);
    assert_eq!(default.code, 0, "{}", default.stderr);
    assert_eq!(default.stdout, explicit.stdout);
}

#[test]
fn several_files_print_one_json_array() {
    let run = calc(&["scenarios/seed-round.toml", "scenarios/openai.toml", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let items = value.as_array().expect("an array for several files");
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["title"], "Priced seed: $2M at $8M pre-money");
    assert_eq!(items[1]["title"], "OpenAI 2026 round (as reported 2026-01-30)");
}

#[test]
fn a_variant_is_reported_with_its_name() {
    let run = calc(&[
        "scenarios/openai.toml",
        "--variant",
        "800B post-money",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(value["variant"], "800B post-money");
    // $800B read as post-money: less the $100B of new money.
    assert_eq!(value["rounds"][0]["pre_money"], "700000000000");
    assert_eq!(value["rounds"][0]["post_money"], "800000000000");
}

#[test]
fn set_overrides_a_value_by_path() {
    let run = calc(&[
        "scenarios/seed-round.toml",
        "--set",
        "round[Seed].pre_money=\"18M\"",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    // $2M at $18M pre on 2,000,000 shares: price 9, 222,222 new shares (rounded down).
    assert_eq!(value["rounds"][0]["price"], "9");
    assert_eq!(value["rounds"][0]["new_shares"], "222222");
    assert_eq!(value["rounds"][0]["post_money"], "20000000");
}
