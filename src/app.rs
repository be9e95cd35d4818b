//! Wiring: files in, reports out, errors rendered, exit codes chosen. The only place
//! that touches the file system, the terminal and the environment.

use crate::check::{self, FileResult};
use crate::cli::{CheckArgs, Cli, ColorChoice, Command, CompareArgs, ReportOptions, SweepArgs};
use crate::compare;
use crate::diagnostic::{self, Diagnostic};
use crate::engine::{self, Outcome};
use crate::report::{self, table::Style, Format};
use crate::scenario::{self, Document, Override};
use crate::sweep::{self, SweepError};
use std::io::{BufWriter, IsTerminal, Write};
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
    let format = cli.options.format;
    let result = match cli.command {
        Some(Command::Check(args)) => run_check(&args, format, style, out, err),
        Some(Command::Compare(args)) => run_compare(&args, format, style, out, err),
        Some(Command::Sweep(args)) => run_sweep(&args, format, out, err),
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
        ColorChoice::Always => {
            // An explicit request wins over NO_COLOR, which crossterm would honour.
            crossterm::style::Colored::set_ansi_color_disabled(false);
            true
        }
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
pub fn read_source(path: &Path) -> Result<SourceFile, Unreadable> {
    let name = path.display().to_string();
    let stem = path
        .file_stem()
        .map_or_else(|| name.clone(), |s| s.to_string_lossy().into_owned());
    let meta = std::fs::metadata(path).map_err(|e| {
        Diagnostic::whole_file(format!("cannot read the file: {}", io_reason(&e))).hint("check the path")
    })?;
    if meta.is_dir() {
        return Err(Diagnostic::whole_file("is a directory")
            .hint("name a .toml file, or use `calc check DIR`")
            .into());
    }
    if meta.len() > scenario::MAX_BYTES as u64 {
        return Err(Diagnostic::whole_file(format!(
            "the file is {} bytes, more than the {} a scenario may have",
            meta.len(),
            scenario::MAX_BYTES
        ))
        .hint("a scenario is a page of text; split generated tables into smaller files")
        .into());
    }
    let bytes =
        std::fs::read(path).map_err(|e| Diagnostic::whole_file(format!("cannot read the file: {}", io_reason(&e))))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        // Shown against the text with the bad bytes replaced (U+FFFD), so the offending
        // line and column can be pointed at like any other problem.
        let valid = e.utf8_error().valid_up_to();
        let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
        let end = text[valid..].chars().next().map_or(valid, |c| valid + c.len_utf8());
        Unreadable {
            diagnostic: Diagnostic::at(valid..end, "the file is not UTF-8 text: this byte is not valid UTF-8")
                .hint("save the file as UTF-8"),
            text,
        }
    })?;
    Ok(SourceFile { name, stem, text })
}

/// A file that could not be read as a scenario, with the text to show the problem in
/// (empty when there is none to show).
pub struct Unreadable {
    pub diagnostic: Diagnostic,
    pub text: String,
}

impl From<Diagnostic> for Unreadable {
    fn from(diagnostic: Diagnostic) -> Self {
        Unreadable {
            diagnostic,
            text: String::new(),
        }
    }
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
    let diags: Vec<Diagnostic> = diags.iter().map(command_line).collect();
    err.write_all(diagnostic::render(file, text, &diags).as_bytes())?;
    let n = diags.len();
    writeln!(err, "calc: {n} problem{} in {file}", if n == 1 { "" } else { "s" })
}

/// A problem with a value given by `--set` (or `--vary`) has no place in the file: it is
/// shown as a problem of the command line rather than at the end of the file.
fn command_line(d: &Diagnostic) -> Diagnostic {
    match &d.span {
        Some(span) if span.start == scenario::COMMAND_LINE.start => {
            let message = if d.message.starts_with("--set") {
                d.message.clone()
            } else {
                format!("--set: {}", d.message)
            };
            Diagnostic {
                span: None,
                message,
                hint: d.hint.clone(),
            }
        }
        _ => d.clone(),
    }
}

/// Parses `--set PATH=VALUE` arguments.
fn parse_overrides(sets: &[String]) -> Result<Vec<Override>, Diagnostic> {
    sets.iter()
        .map(|s| {
            Override::parse(s).ok_or_else(|| {
                Diagnostic::whole_file(format!("--set {s}: expected PATH=VALUE"))
                    .hint("write e.g. --set 'round[0].pre_money=10M'")
            })
        })
        .collect()
}

/// Loads and evaluates one file; problems are printed and `None` returned.
fn load_and_evaluate(
    path: &Path,
    options: &ReportOptions,
    err: &mut dyn Write,
) -> std::io::Result<Option<(SourceFile, Document, Outcome<'static>)>> {
    let source = match read_source(path) {
        Ok(s) => s,
        Err(u) => {
            print_diagnostics(err, &path.display().to_string(), &u.text, &[u.diagnostic])?;
            return Ok(None);
        }
    };
    let overrides = match parse_overrides(&options.sets) {
        Ok(o) => o,
        Err(d) => {
            print_diagnostics(err, &source.name, &source.text, &[d])?;
            return Ok(None);
        }
    };
    let doc = match scenario::load(&source.text, &source.stem, options.variant.as_deref(), &overrides) {
        Ok(doc) => doc,
        Err(diags) => {
            print_diagnostics(err, &source.name, &source.text, &diags)?;
            return Ok(None);
        }
    };
    // Kept beside its document (the names copied once): the reports follow every file.
    match engine::evaluate(&doc.scenario).map(Outcome::into_owned) {
        Ok(outcome) => Ok(Some((source, doc, outcome))),
        Err(e) => {
            print_diagnostics(err, &source.name, &source.text, &[Diagnostic::from(e)])?;
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
    let paths = expand(files);
    if paths.is_empty() {
        writeln!(err, "calc: no scenario files found in {}", shown(files))?;
        return Ok(INVALID);
    }
    let mut code = OK;
    let mut loaded = Vec::new();
    for path in paths {
        match load_and_evaluate(&path, options, err)? {
            Some(triple) => loaded.push(triple),
            None => code = INVALID,
        }
    }
    match options.format {
        Format::Table | Format::Markdown => {
            // Each report, then (for the base of a file with variants) its variants side
            // by side; each streams out block by block.
            let mut buffered = std::io::BufWriter::new(&mut *out);
            for (k, (source, doc, outcome)) in loaded.iter().enumerate() {
                if k > 0 {
                    buffered.write_all(b"\n")?;
                }
                report::write(&[(doc, outcome)], options.format, style, &mut buffered)?;
                if options.variant.is_none() && !doc.variants.is_empty() {
                    match variant_comparison(source, doc, outcome, options, err)? {
                        Some(blocks) => buffered.write_all(render_blocks(&blocks, options.format, style).as_bytes())?,
                        None => code = INVALID,
                    }
                }
            }
            buffered.flush()?;
        }
        Format::Csv | Format::Json => {
            let reports: Vec<(&Document, &Outcome)> = loaded.iter().map(|(_, d, o)| (d, o)).collect();
            if !reports.is_empty() {
                let mut buffered = std::io::BufWriter::new(&mut *out);
                report::write(&reports, options.format, style, &mut buffered)?;
                buffered.flush()?;
            }
        }
    }
    out.flush()?;
    Ok(code)
}

fn shown(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn render_blocks(blocks: &[report::blocks::Block], format: Format, style: Style) -> String {
    match format {
        Format::Markdown => report::markdown::render(blocks),
        _ => report::table::render(blocks, style),
    }
}

/// The base scenario and each of its variants side by side (with the same `--set`s).
fn variant_comparison(
    source: &SourceFile,
    doc: &Document,
    outcome: &Outcome,
    options: &ReportOptions,
    err: &mut dyn Write,
) -> std::io::Result<Option<Vec<report::blocks::Block>>> {
    let overrides = parse_overrides(&options.sets).unwrap_or_default();
    let mut evaluated = Vec::new();
    let mut problems = Vec::new();
    for v in &doc.variants {
        let result = scenario::load(&source.text, &source.stem, Some(&v.name), &overrides).and_then(|d| {
            engine::evaluate(&d.scenario)
                .map(Outcome::into_owned)
                .map(|o| (d, o))
                .map_err(|e| vec![Diagnostic::from(e)])
        });
        match result {
            Ok(pair) => evaluated.push(pair),
            Err(d) => problems.extend(d),
        }
    }
    if !problems.is_empty() {
        print_diagnostics(err, &source.name, &source.text, &problems)?;
        return Ok(None);
    }
    let mut inputs = vec![compare::Input {
        label: "base".to_string(),
        file: source.name.clone(),
        doc,
        outcome,
    }];
    inputs.extend(evaluated.iter().map(|(d, o)| compare::Input {
        label: d.variant.clone().unwrap_or_default(),
        file: source.name.clone(),
        doc: d,
        outcome: o,
    }));
    let comparison = compare::build(&inputs);
    let mut blocks = comparison.blocks("Variants side by side (Δ against the base)");
    // What each variant stands for, as its `description` says, under the heading.
    let described: Vec<(String, String)> = doc
        .variants
        .iter()
        .filter_map(|v| Some((v.name.clone(), v.description.clone()?)))
        .collect();
    if !described.is_empty() {
        blocks.insert(1, report::blocks::Block::Facts(described));
    }
    Ok(Some(blocks))
}

/// `FILE` or `FILE#VARIANT`: the longest prefix before a `#` that is an existing file
/// wins, so file names with `#` still work.
fn split_scenario_arg(arg: &str) -> (String, Option<String>) {
    if Path::new(arg).is_file() {
        return (arg.to_string(), None);
    }
    let mut cut = None;
    for (i, _) in arg.match_indices('#') {
        if Path::new(&arg[..i]).is_file() {
            cut = Some(i);
        }
    }
    let i = cut.or_else(|| arg.find('#'));
    match i {
        Some(i) => (arg[..i].to_string(), Some(arg[i + 1..].to_string())),
        None => (arg.to_string(), None),
    }
}

fn run_compare(
    args: &CompareArgs,
    format: Format,
    style: Style,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<i32> {
    let overrides = match parse_overrides(&args.sets) {
        Ok(o) => o,
        Err(d) => {
            writeln!(err, "calc: {}", d.message)?;
            if let Some(h) = &d.hint {
                writeln!(err, "  = hint: {h}")?;
            }
            return Ok(INVALID);
        }
    };
    // What to load: (file, variant) in column order.
    let mut wanted: Vec<(String, Option<String>)> = args.scenarios.iter().map(|a| split_scenario_arg(a)).collect();
    let mut sources: Vec<SourceFile> = Vec::new();
    let mut code = OK;
    for (file, _) in &wanted {
        if sources.iter().any(|s| s.name == *file) {
            continue;
        }
        match read_source(Path::new(file)) {
            Ok(s) => sources.push(s),
            Err(u) => {
                print_diagnostics(err, file, &u.text, &[u.diagnostic])?;
                code = INVALID;
            }
        }
    }
    if code != OK {
        return Ok(code);
    }
    let source_of = |file: &str| sources.iter().find(|s| s.name == file);
    // A single FILE alone: its base and every variant.
    if let [(file, None)] = wanted.as_slice() {
        if let Some(source) = source_of(file) {
            if let Ok(doc) = scenario::load(&source.text, &source.stem, None, &overrides) {
                let file = file.clone();
                wanted.extend(doc.variants.iter().map(|v| (file.clone(), Some(v.name.clone()))));
            }
        }
    }
    let mut loaded: Vec<(String, Document, Outcome<'static>)> = Vec::new();
    for (file, variant) in &wanted {
        let Some(source) = source_of(file) else { continue };
        if variant.as_deref() == Some("") {
            let d = Diagnostic::whole_file(format!("`{file}#` names no variant"))
                .hint("write FILE#VARIANT with the variant's name, or FILE alone for the base scenario");
            print_diagnostics(err, file, &source.text, &[d])?;
            code = INVALID;
            continue;
        }
        let result = scenario::load(&source.text, &source.stem, variant.as_deref(), &overrides).and_then(|d| {
            engine::evaluate(&d.scenario)
                .map(Outcome::into_owned)
                .map(|o| (d, o))
                .map_err(|e| vec![Diagnostic::from(e)])
        });
        match result {
            Ok((d, o)) => loaded.push((file.clone(), d, o)),
            Err(diags) => {
                print_diagnostics(err, file, &source.text, &diags)?;
                code = INVALID;
            }
        }
    }
    if code != OK {
        return Ok(code);
    }
    // Columns of one file are named by variant ("base" for none) under the file's title;
    // columns of several files by title, or title#variant.
    let one_file = loaded.windows(2).all(|w| w[0].0 == w[1].0);
    let mut labels: Vec<String> = loaded
        .iter()
        .map(|(_, d, _)| match (&d.variant, one_file) {
            (Some(v), true) => v.clone(),
            (None, true) => "base".to_string(),
            (Some(v), false) => format!("{}#{v}", d.title),
            (None, false) => d.title.clone(),
        })
        .collect();
    // Two columns with one label (two files with one title): name the files too.
    for i in 0..labels.len() {
        if labels.iter().filter(|l| **l == labels[i]).count() > 1 {
            let (file, d, _) = &loaded[i];
            labels[i] = match &d.variant {
                Some(v) => format!("{file}#{v}"),
                None => file.clone(),
            };
        }
    }
    let inputs: Vec<compare::Input> = loaded
        .iter()
        .zip(labels)
        .map(|((file, doc, outcome), label)| compare::Input {
            label,
            file: file.clone(),
            doc,
            outcome,
        })
        .collect();
    let comparison = compare::build(&inputs);
    let text = match format {
        Format::Table | Format::Markdown => {
            let first = inputs.first().map_or(String::new(), |i| i.label.clone());
            let title = match (one_file, loaded.first()) {
                (true, Some((_, d, _))) => format!("{}: base and variants compared", d.title),
                _ => format!("Comparison of {} scenarios", inputs.len()),
            };
            let mut blocks = vec![report::blocks::Block::Title(title)];
            if inputs.len() > 1 {
                blocks.push(report::blocks::Block::Text(format!(
                    "Δ: the difference against \"{first}\""
                )));
            }
            let rest = comparison.blocks("");
            blocks.extend(rest.into_iter().skip(1));
            render_blocks(&blocks, format, style)
        }
        Format::Csv => comparison.csv(),
        Format::Json => {
            let mut t = serde_json::to_string_pretty(&comparison.json()).unwrap_or_default();
            t.push('\n');
            t
        }
    };
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(OK)
}

fn run_sweep(args: &SweepArgs, format: Format, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<i32> {
    let usage = |err: &mut dyn Write, message: &str| -> std::io::Result<i32> {
        writeln!(err, "calc: {message}")?;
        Ok(INVALID)
    };
    let overrides = match parse_overrides(&args.sets) {
        Ok(o) => o,
        Err(d) => return usage(err, &d.message),
    };
    let axes = match sweep::axes(&args.vary) {
        Ok(a) => a,
        Err(SweepError::Usage(m)) => return usage(err, &m),
        Err(_) => return Ok(INVALID),
    };
    let source = match read_source(&args.file) {
        Ok(s) => s,
        Err(u) => {
            print_diagnostics(err, &args.file.display().to_string(), &u.text, &[u.diagnostic])?;
            return Ok(INVALID);
        }
    };
    let input = sweep::Source {
        text: &source.text,
        stem: &source.stem,
        variant: args.variant.as_deref(),
        overrides: &overrides,
    };
    // Rows are many and small: write them through a buffer, not line by line.
    let mut buffered = BufWriter::with_capacity(1 << 16, out);
    let result = sweep::run(input, &axes, args.metric.as_deref(), format, None, &mut buffered);
    let flushed = buffered.flush();
    match result {
        Ok(_) => {
            flushed?;
            Ok(OK)
        }
        Err(SweepError::Usage(m)) => usage(err, &m),
        Err(SweepError::Io(e)) => Err(e),
        Err(SweepError::Input { point, diagnostics }) => {
            if let Some(p) = point {
                writeln!(err, "calc: the sweep cannot compute {p}:")?;
            }
            print_diagnostics(err, &source.name, &source.text, &diagnostics)?;
            Ok(INVALID)
        }
    }
}

fn run_check(
    args: &CheckArgs,
    format: Format,
    style: Style,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<i32> {
    let default = args.paths.is_empty();
    let paths = if default {
        vec![PathBuf::from("scenarios")]
    } else {
        args.paths.clone()
    };
    if default && !paths[0].is_dir() {
        let d = Diagnostic::whole_file("`calc check` with no argument checks ./scenarios/, and there is none here")
            .hint("name the files or directories to check: `calc check FILE|DIR...`");
        print_diagnostics(err, "scenarios", "", std::slice::from_ref(&d))?;
        return Ok(INVALID);
    }
    let files = expand(&paths);
    let mut results: Vec<(SourceFile, FileResult)> = Vec::new();
    let mut invalid = false;
    for path in &files {
        let source = match read_source(path) {
            Ok(s) => s,
            Err(u) => {
                let d = u.diagnostic;
                print_diagnostics(err, &path.display().to_string(), &u.text, std::slice::from_ref(&d))?;
                invalid = true;
                let name = path.display().to_string();
                let result = FileResult {
                    errors: vec![d],
                    ..FileResult::default()
                };
                results.push((
                    SourceFile {
                        stem: name.clone(),
                        name,
                        text: String::new(),
                    },
                    result,
                ));
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
        writeln!(err, "calc: no scenario files found in {}", shown(&paths))?;
        invalid = true;
    }
    let passed: usize = results.iter().map(|(_, r)| r.passed).sum();
    let failed: usize = results.iter().map(|(_, r)| r.failures.len()).sum();
    let text = match format {
        Format::Json => check_json(&results, passed, failed),
        _ => check_text(&results, passed, failed, format, style),
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

/// A failed expectation, located and described for people and machines.
struct FailureRow {
    file: String,
    line: usize,
    /// "ownership of Amazon after Seed (variant \"x\")"
    what: String,
    failure: check::Failure,
}

fn failure_rows(results: &[(SourceFile, FileResult)]) -> Vec<FailureRow> {
    let mut rows = Vec::new();
    for (source, r) in results {
        for f in &r.failures {
            let (line, _) = diagnostic::line_column(&source.text, f.span.start);
            let mut what = f.metric.name().to_string();
            if let Some(h) = &f.holder {
                what = format!("{what} of {h}");
            }
            if let Some(a) = &f.after {
                what = format!("{what} after {a}");
            }
            if let Some(v) = &f.variant {
                what = format!("{what} (variant \"{v}\")");
            }
            rows.push(FailureRow {
                file: source.name.clone(),
                line,
                what,
                failure: f.clone(),
            });
        }
    }
    rows
}

fn check_text(
    results: &[(SourceFile, FileResult)],
    passed: usize,
    failed: usize,
    format: Format,
    style: Style,
) -> String {
    let mut out = String::new();
    for (source, r) in results {
        let status = if !r.errors.is_empty() {
            "ERROR"
        } else if r.failures.is_empty() {
            "ok"
        } else {
            "FAIL"
        };
        let line = format!(
            "{status:<5} {}  ({} passed, {} failed{})",
            source.name,
            r.passed,
            r.failures.len(),
            match r.errors.len() {
                0 => String::new(),
                1 => ", 1 problem".to_string(),
                n => format!(", {n} problems"),
            }
        );
        if format == Format::Markdown {
            out.push_str(&format!("- {line}\n"));
        } else {
            out.push_str(&line);
            out.push('\n');
        }
    }
    let rows = failure_rows(results);
    if !rows.is_empty() {
        let grid = report::blocks::Grid {
            header: ["Expectation", "Metric", "Expected", "Actual", "Difference"]
                .map(String::from)
                .to_vec(),
            numeric: vec![false, false, true, true, true],
            rows: rows
                .into_iter()
                .map(|r| {
                    let f = &r.failure;
                    vec![
                        format!("{}:{}", r.file, r.line),
                        r.what,
                        f.written.clone(),
                        check::show(f.metric, f.actual),
                        check::show_difference(f.metric, f.actual - f.expected),
                    ]
                })
                .collect(),
            footer: None,
        };
        out.push('\n');
        out.push_str(&render_blocks(&[report::blocks::Block::Grid(grid)], format, style));
        if format == Format::Table {
            out.push('\n');
        }
    } else if format == Format::Markdown {
        out.push('\n');
    }
    out.push_str(&format!("{passed} passed, {failed} failed\n"));
    out
}

fn check_json(results: &[(SourceFile, FileResult)], passed: usize, failed: usize) -> String {
    use serde_json::json;
    let exact = |v: rust_decimal::Decimal| report::format::exact(v);
    let files: Vec<_> = results
        .iter()
        .map(|(s, r)| json!({"file": s.name, "passed": r.passed, "failed": r.failures.len(), "errors": r.errors.len()}))
        .collect();
    let failures: Vec<_> = failure_rows(results)
        .into_iter()
        .map(|r| {
            let f = &r.failure;
            json!({
                "at": format!("{}:{}", r.file, r.line),
                "file": r.file,
                "line": r.line,
                "metric": f.metric.name(),
                "holder": f.holder,
                "after": f.after,
                "variant": f.variant,
                "description": r.what,
                "written": f.written,
                "expected": exact(f.expected),
                "actual": exact(f.actual),
                "difference": exact(f.actual - f.expected),
                "tolerance": exact(f.tolerance),
            })
        })
        .collect();
    let problems: Vec<_> = results
        .iter()
        .flat_map(|(s, r)| {
            r.errors.iter().map(move |d| {
                let d = command_line(d);
                let (line, column) = match &d.span {
                    Some(span) => {
                        let (l, c) = diagnostic::line_column(&s.text, span.start);
                        (Some(l), Some(c))
                    }
                    None => (None, None),
                };
                json!({"file": s.name, "line": line, "column": column, "message": d.message, "hint": d.hint})
            })
        })
        .collect();
    let errors: usize = results.iter().map(|(_, r)| r.errors.len()).sum();
    let mut text = serde_json::to_string_pretty(&json!({
        "passed": passed,
        "failed": failed,
        "errors": errors,
        "files": files,
        "failures": failures,
        "problems": problems,
    }))
    .unwrap_or_default();
    text.push('\n');
    text
}
