//! Shared helpers: run the built `calc`, compare with golden files, load scenarios.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The crate root: every command runs there, so paths in messages are relative.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// What one run of `calc` produced.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the built binary in the crate root with `args`, stdout piped (so no colour) and no
/// width from the environment.
pub fn calc<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_calc"))
        .args(args)
        .current_dir(root())
        .env_remove("COLUMNS")
        .env_remove("NO_COLOR")
        .output()
        .expect("the calc binary runs");
    let run = Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    };
    assert!(
        !run.stderr.contains("panicked"),
        "calc panicked on {:?}:\n{}",
        args.iter()
            .map(|a| a.as_ref().to_string_lossy().into_owned())
            .collect::<Vec<_>>(),
        run.stderr
    );
    run
}

/// `CALC_BLESS=1`: write golden files from the actual output instead of comparing.
pub fn blessing() -> bool {
    std::env::var_os("CALC_BLESS").is_some_and(|v| v == "1")
}

/// Compares `actual` with the golden file at `path` (relative to the crate root); with
/// `CALC_BLESS=1` writes it instead. Returns a description of the mismatch.
pub fn golden(path: &Path, actual: &str) -> Result<(), String> {
    let full = root().join(path);
    let expected = std::fs::read_to_string(&full).ok();
    if expected.as_deref() == Some(actual) {
        return Ok(());
    }
    if blessing() {
        std::fs::write(&full, actual).map_err(|e| format!("{}: cannot write: {e}", path.display()))?;
        eprintln!("blessed {}: review it", path.display());
        return Ok(());
    }
    let Some(expected) = expected else {
        return Err(format!(
            "{}: no golden file; run `CALC_BLESS=1 cargo test` and review it",
            path.display()
        ));
    };
    Err(format!(
        "{}: differs from the actual output\n{}",
        path.display(),
        diff(&expected, actual)
    ))
}

/// The first differing line of two texts, with its neighbours.
fn diff(expected: &str, actual: &str) -> String {
    let e: Vec<&str> = expected.lines().collect();
    let a: Vec<&str> = actual.lines().collect();
    let at = e
        .iter()
        .zip(&a)
        .position(|(x, y)| x != y)
        .unwrap_or(e.len().min(a.len()));
    let from = at.saturating_sub(2);
    let mut out = format!("  first difference at line {}:\n", at + 1);
    for (i, line) in e.iter().enumerate().skip(from).take(5) {
        out.push_str(&format!("  expected {:>4} | {line}\n", i + 1));
    }
    for (i, line) in a.iter().enumerate().skip(from).take(5) {
        out.push_str(&format!("  actual   {:>4} | {line}\n", i + 1));
    }
    if expected.ends_with('\n') != actual.ends_with('\n') {
        out.push_str("  (one of them lacks the final newline)\n");
    }
    out
}

/// The `.toml` files of a directory under the crate root, sorted by name.
pub fn toml_files(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml") && p.is_file())
        .map(|p| Path::new(dir).join(p.file_name().unwrap()))
        .collect();
    files.sort();
    files
}

/// Loads a scenario given as text and evaluates it with the library.
pub fn evaluate(text: &str) -> (calc::scenario::Document, calc::engine::Outcome<'static>) {
    let doc = match calc::scenario::load(text, "test", None, &[]) {
        Ok(doc) => doc,
        Err(problems) => panic!(
            "the scenario does not load:\n{}",
            calc::diagnostic::render("test.toml", text, &problems)
        ),
    };
    // Owned names: the outcome is returned beside the document it was computed from.
    let outcome = match calc::engine::evaluate(&doc.scenario).map(calc::engine::Outcome::into_owned) {
        Ok(o) => o,
        Err(e) => panic!("the scenario does not evaluate: {}", e.message),
    };
    (doc, outcome)
}

/// The holder row named `name` in `rows`.
/// The row of `name`, cloned (rows are derived on demand from the outcome).
pub fn holder(rows: &[calc::engine::HolderRow], name: &str) -> calc::engine::HolderRow {
    rows.iter()
        .find(|h| h.name == name)
        .cloned()
        .unwrap_or_else(|| panic!("no holder {name}"))
}
