//! Wiring: files in, reports out, errors rendered, exit codes chosen. The only place
//! that touches the file system, the terminal and the environment.

use crate::check::{self, FileResult};
use crate::cli::{CheckArgs, Cli, ColorChoice, Command, ReportOptions};
use crate::diagnostic::{self, Diagnostic};
use crate::engine::{self, Outcome};
use crate::report::{self, table::Style, Format};
use crate::scenario::{self, Document, Override};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

pub const OK: i32 = 0;
pub const FAILED: i32 = 1;
pub const INVALID: i32 = 2;

/// A source file that was read: its display name, stem and text.
pub struct SourceFile {
    pub name: String,
    pub stem: String,
    pub text: String,
}

/// Runs the command line, writing to `out` and `err`; returns the exit code.
pub fn run(cli: Cli, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let style = style(cli.options.color);
    let result = match cli.command {
        Some(Command::Check(args)) => run_check(&args, &cli.options, style, out, err),
        None => run_report(&cli.files, &cli.options, style, out, err),
    };
    match result {
        Ok(code) => code,
        // Output cut short by a closed pipe (`calc ... | head`) is not a failure.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => OK,
        Err(e) => {
            let _ = writeln!(err, "calc: cannot write the output: {e}");
            INVALID
        }
    }
}

fn style(choice: ColorChoice) -> Style {
    let stdout = std::io::stdout();
    let terminal = stdout.is_terminal();
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let color = match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => terminal && !no_color,
    };
    let width = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse::<u16>().ok())
        .or_else(|| {
            if terminal {
                comfy_table::Table::new().width()
            } else {
                None
            }
        });
    Style { color, width }
}

/// Reads a scenario file, refusing what is not UTF-8 text or too large.
pub fn read_source(path: &Path) -> Result<SourceFile, Diagnostic> {
    let name = path.display().to_string();
    let stem = path
        .file_stem()
        .map_or_else(|| name.clone(), |s| s.to_string_lossy().into_owned());
    let meta = std::fs::metadata(path).map_err(|e| {
        Diagnostic::whole_file(format!("cannot read the file: {}", io_reason(&e))).hint("check the path")
    })?;
    if meta.is_dir() {
        return Err(Diagnostic::whole_file("is a directory").hint("name a .toml file, or use `calc check DIR`"));
    }
    if meta.len() > scenario::MAX_BYTES as u64 {
        return Err(Diagnostic::whole_file(format!(
            "the file is {} bytes, more than the {} a scenario may have",
            meta.len(),
            scenario::MAX_BYTES
        ))
        .hint("a scenario is a page of text; split generated tables into smaller files"));
    }
    let bytes =
        std::fs::read(path).map_err(|e| Diagnostic::whole_file(format!("cannot read the file: {}", io_reason(&e))))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.into_bytes();
        let prefix = String::from_utf8_lossy(&bytes[..valid]).into_owned();
        let (line, column) = diagnostic::line_column(&prefix, valid);
        Diagnostic::whole_file(format!("line {line}, column {column}: the file is not UTF-8 text"))
            .hint("save the file as UTF-8")
    })?;
    Ok(SourceFile { name, stem, text })
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}

/// Expands directories into their .toml files, sorted by name.
fn expand(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(p)
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.path())
                .filter(|f| f.extension().is_some_and(|x| x == "toml") && f.is_file())
                .collect();
            files.sort();
            out.extend(files);
        } else {
            out.push(p.clone());
        }
    }
    out
}

fn print_diagnostics(err: &mut dyn Write, file: &str, text: &str, diags: &[Diagnostic]) -> std::io::Result<()> {
    err.write_all(diagnostic::render(file, text, diags).as_bytes())?;
    let n = diags.len();
    writeln!(err, "calc: {n} problem{} in {file}", if n == 1 { "" } else { "s" })
}

/// Loads and evaluates one file; problems are printed and `None` returned.
fn load_and_evaluate(
    path: &Path,
    options: &ReportOptions,
    err: &mut dyn Write,
) -> std::io::Result<Option<(Document, Outcome)>> {
    let source = match read_source(path) {
        Ok(s) => s,
        Err(d) => {
            print_diagnostics(err, &path.display().to_string(), "", &[d])?;
            return Ok(None);
        }
    };
    let mut overrides = Vec::new();
    for s in &options.sets {
        match Override::parse(s) {
            Some(o) => overrides.push(o),
            None => {
                let d = Diagnostic::whole_file(format!("--set {s}: expected PATH=VALUE"))
                    .hint("write e.g. --set 'round[0].pre_money=\"10M\"'");
                print_diagnostics(err, &source.name, &source.text, &[d])?;
                return Ok(None);
            }
        }
    }
    let doc = match scenario::load(&source.text, &source.stem, options.variant.as_deref(), &overrides) {
        Ok(doc) => doc,
        Err(diags) => {
            print_diagnostics(err, &source.name, &source.text, &diags)?;
            return Ok(None);
        }
    };
    match engine::evaluate(&doc.scenario) {
        Ok(outcome) => Ok(Some((doc, outcome))),
        Err(e) => {
            let d = Diagnostic {
                span: Some(e.span),
                message: e.message,
                hint: e.hint,
            };
            print_diagnostics(err, &source.name, &source.text, &[d])?;
            Ok(None)
        }
    }
}

fn run_report(
    files: &[PathBuf],
    options: &ReportOptions,
    style: Style,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<i32> {
    if files.is_empty() {
        writeln!(
            err,
            "calc: name a scenario file, e.g. `calc scenarios/openai.toml` (see `calc --help`)"
        )?;
        return Ok(INVALID);
    }
    let mut code = OK;
    let mut loaded = Vec::new();
    for path in expand(files) {
        match load_and_evaluate(&path, options, err)? {
            Some(pair) => loaded.push(pair),
            None => code = INVALID,
        }
    }
    let reports: Vec<(&Document, &Outcome)> = loaded.iter().map(|(d, o)| (d, o)).collect();
    if !reports.is_empty() {
        out.write_all(report::render(&reports, options.format, style).as_bytes())?;
    }
    out.flush()?;
    Ok(code)
}

fn run_check(
    args: &CheckArgs,
    options: &ReportOptions,
    style: Style,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<i32> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from("scenarios")]
    } else {
        args.paths.clone()
    };
    let files = expand(&paths);
    let mut results: Vec<(SourceFile, FileResult)> = Vec::new();
    let mut invalid = false;
    for path in &files {
        let source = match read_source(path) {
            Ok(s) => s,
            Err(d) => {
                print_diagnostics(err, &path.display().to_string(), "", &[d])?;
                invalid = true;
                continue;
            }
        };
        let result = match scenario::load(&source.text, &source.stem, None, &[]) {
            Ok(doc) => check::check(&doc, &source.text, &source.stem),
            Err(errors) => FileResult {
                errors,
                ..FileResult::default()
            },
        };
        if !result.errors.is_empty() {
            print_diagnostics(err, &source.name, &source.text, &result.errors)?;
            invalid = true;
        }
        results.push((source, result));
    }
    if files.is_empty() {
        writeln!(
            err,
            "calc: no scenario files found in {}",
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )?;
        invalid = true;
    }
    let passed: usize = results.iter().map(|(_, r)| r.passed).sum();
    let failed: usize = results.iter().map(|(_, r)| r.failures.len()).sum();
    let text = match options.format {
        Format::Json => check_json(&results, passed, failed),
        _ => check_text(&results, passed, failed, style),
    };
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(if invalid {
        INVALID
    } else if failed > 0 {
        FAILED
    } else {
        OK
    })
}

fn failure_rows(results: &[(SourceFile, FileResult)]) -> Vec<(String, String, String, String, String)> {
    let mut rows = Vec::new();
    for (source, r) in results {
        for f in &r.failures {
            let (line, _) = diagnostic::line_column(&source.text, f.span.start);
            let mut what = f.metric.name().to_string();
            if let Some(h) = &f.holder {
                what = format!("{what} of {h}");
            }
            if let Some(v) = &f.variant {
                what = format!("{what} (variant \"{v}\")");
            }
            rows.push((
                format!("{}:{line}", source.name),
                what,
                f.written.clone(),
                check::show(f.metric, f.actual),
                check::show(f.metric, f.actual - f.expected),
            ));
        }
    }
    rows
}

fn check_text(results: &[(SourceFile, FileResult)], passed: usize, failed: usize, style: Style) -> String {
    let mut out = String::new();
    for (source, r) in results {
        let status = if !r.errors.is_empty() {
            "ERROR"
        } else if r.failures.is_empty() {
            "ok"
        } else {
            "FAIL"
        };
        out.push_str(&format!(
            "{status:<5} {}  ({} passed, {} failed)\n",
            source.name,
            r.passed,
            r.failures.len()
        ));
    }
    let rows = failure_rows(results);
    if !rows.is_empty() {
        let grid = report::blocks::Grid {
            header: ["Expectation", "Metric", "Expected", "Actual", "Difference"]
                .map(String::from)
                .to_vec(),
            numeric: vec![false, false, true, true, true],
            rows: rows.into_iter().map(|(a, b, c, d, e)| vec![a, b, c, d, e]).collect(),
            footer: None,
        };
        out.push('\n');
        out.push_str(&report::table::render(&[report::blocks::Block::Grid(grid)], style));
    }
    out.push_str(&format!("{passed} passed, {failed} failed\n"));
    out
}

fn check_json(results: &[(SourceFile, FileResult)], passed: usize, failed: usize) -> String {
    use serde_json::json;
    let files: Vec<_> = results
        .iter()
        .map(|(s, r)| json!({"file": s.name, "passed": r.passed, "failed": r.failures.len(), "errors": r.errors.len()}))
        .collect();
    let failures: Vec<_> = failure_rows(results)
        .into_iter()
        .map(|(at, metric, expected, actual, difference)| json!({"at": at, "metric": metric, "expected": expected, "actual": actual, "difference": difference}))
        .collect();
    let mut text = serde_json::to_string_pretty(
        &json!({"passed": passed, "failed": failed, "files": files, "failures": failures}),
    )
    .unwrap_or_default();
    text.push('\n');
    text
}
