//! `calc sweep FILE --vary PATH=FROM..TO:STEP [--vary ...]`: a sensitivity table.
//!
//! The file is parsed once. Each point sets the varied values and evaluates the engine;
//! when a path names a simple field of the engine's scenario (a round's valuation or
//! amount, a tranche's amount, a pool target) the value is set on the parsed scenario
//! directly (`target`), otherwise the file is re-loaded with the values as `--set`
//! overrides. Rows are written as they are computed, so memory does not grow with the
//! number of points.
//!
//! One `--vary`: a row per value with post-money and price of the last round and every
//! holder's final ownership. Several: a row per combination (the last axis fastest).
//! Two with `--metric`: a grid of that figure.
//!
//! The holder columns are fixed before the first row: the holders of the first and the
//! last points, then every holder the scenario can create at other points (tranche,
//! safe and note investors, an "Option pool" made by a top-up); a holder absent at a
//! point is blank there. The first and last points are computed before anything is
//! written, so most bad ranges fail before any output.
//!
//! Points are computed on several threads in chunks (`parallel`); chunks are written in
//! order and each thread runs at most two chunks ahead, so the output is the same as
//! with one thread and memory stays bounded.

pub mod figure;
pub mod output;
pub mod range;
pub mod target;

use crate::diagnostic::Diagnostic;
use crate::engine::{self, HolderKind, Outcome, Scenario};
use crate::report::{format as fmt, Format};
use crate::scenario::{self, expect::Unit, Document, Override};
use figure::Figure;
use output::{Column, Layout, Show, Writer};
use range::{Axis, Kind};
use rust_decimal::Decimal;
use std::io::Write;
use target::Target;

/// The most points one sweep computes.
pub const MAX_POINTS: u64 = 10_000_001;

/// The scenario a sweep starts from: the file's text, with the variant and `--set`s that
/// apply to every point.
#[derive(Clone, Copy)]
pub struct Source<'a> {
    pub text: &'a str,
    pub stem: &'a str,
    pub variant: Option<&'a str>,
    pub overrides: &'a [Override],
}

#[derive(Debug)]
pub enum SweepError {
    /// A usage problem: the message says what to write instead.
    Usage(String),
    /// Problems with the file or with a point, rendered against the file's text;
    /// `point` names the varied values, if a point caused them.
    Input {
        point: Option<String>,
        diagnostics: Vec<Diagnostic>,
    },
    Io(std::io::Error),
}

impl From<std::io::Error> for SweepError {
    fn from(e: std::io::Error) -> Self {
        SweepError::Io(e)
    }
}

/// Walks every combination of axis values, the last axis fastest.
pub struct Odometer {
    pub index: Vec<u64>,
    pub values: Vec<Decimal>,
}

impl Odometer {
    pub fn new(axes: &[Axis]) -> Self {
        Self::at(axes, 0)
    }

    /// The `point`th combination (from 0).
    pub fn at(axes: &[Axis], point: u64) -> Self {
        let mut index = vec![0; axes.len()];
        let mut rest = point;
        for k in (0..axes.len()).rev() {
            index[k] = rest % axes[k].count;
            rest /= axes[k].count;
        }
        let values = axes.iter().zip(&index).map(|(a, &i)| a.value(i)).collect();
        Odometer { index, values }
    }

    /// Moves to the next combination; `false` after the last.
    pub fn advance(&mut self, axes: &[Axis]) -> bool {
        for k in (0..axes.len()).rev() {
            self.index[k] += 1;
            if self.index[k] < axes[k].count {
                self.values[k] = axes[k].value(self.index[k]);
                return true;
            }
            self.index[k] = 0;
            self.values[k] = axes[k].value(0);
        }
        false
    }
}

/// Evaluates points: by setting engine fields when every axis allows it, else by re-loading.
pub struct Evaluator<'a> {
    source: Source<'a>,
    axes: &'a [Axis],
    /// The base scenario's copy whose round figures each point sets.
    scenario: Scenario,
    targets: Vec<Option<Target>>,
    /// The base scenario's initial table, built once (its names borrowed from the base):
    /// targets set round figures only (`target::apply`).
    prepared: Option<engine::Prepared<'a>>,
    /// Points that took the slow path.
    pub slow: u64,
}

impl<'a> Evaluator<'a> {
    pub fn new(source: Source<'a>, axes: &'a [Axis], base: &'a Scenario) -> Self {
        let targets = axes.iter().map(|a| target::resolve(base, &a.steps, a.kind)).collect();
        let prepared = engine::prepare(base).ok();
        Evaluator {
            source,
            axes,
            scenario: base.clone(),
            targets,
            prepared,
            slow: 0,
        }
    }

    /// The outcome at `values` (one per axis).
    pub fn eval(&mut self, values: &[Decimal]) -> Result<Outcome<'_>, Vec<Diagnostic>> {
        let mut fast = true;
        for (target, &v) in self.targets.iter().zip(values) {
            match target {
                Some(t) if target::apply(&mut self.scenario, *t, v) => {}
                _ => {
                    fast = false;
                    break;
                }
            }
        }
        if fast {
            let outcome = match &self.prepared {
                Some(prepared) => engine::evaluate_prepared(&self.scenario, prepared),
                None => engine::evaluate(&self.scenario),
            };
            if let Ok(outcome) = outcome {
                return Ok(outcome);
            }
            // An engine error: the slow path reports it with the value's own location.
        }
        self.slow += 1;
        self.reload(values)
    }

    /// The point as `calc FILE --set PATH=VALUE ...` computes it.
    pub fn reload(&self, values: &[Decimal]) -> Result<Outcome<'static>, Vec<Diagnostic>> {
        let mut overrides = self.source.overrides.to_vec();
        overrides.extend(self.axes.iter().zip(values).map(|(a, &v)| Override {
            path: a.path.clone(),
            value: a.toml(v),
        }));
        let doc = scenario::load(self.source.text, self.source.stem, self.source.variant, &overrides)?;
        engine::evaluate(&doc.scenario)
            .map(Outcome::into_owned)
            .map_err(|e| vec![Diagnostic::from(e)])
    }
}

/// Parses the `--vary` arguments and checks the number of points.
pub fn axes(args: &[String]) -> Result<Vec<Axis>, SweepError> {
    if args.is_empty() {
        return Err(SweepError::Usage(
            "name what to vary: --vary PATH=FROM..TO:STEP, e.g. --vary 'round[0].pre_money=600B..1T:50B'".into(),
        ));
    }
    let axes: Vec<Axis> = args
        .iter()
        .map(|a| range::parse(a, MAX_POINTS))
        .collect::<Result<_, _>>()
        .map_err(SweepError::Usage)?;
    let points = axes.iter().try_fold(1u64, |n, a| n.checked_mul(a.count));
    match points {
        Some(n) if n <= MAX_POINTS => Ok(axes),
        _ => Err(SweepError::Usage(format!(
            "the sweep has {} points, more than the {MAX_POINTS} it may compute: use larger steps or fewer --vary",
            axes.iter().map(|a| a.count.to_string()).collect::<Vec<_>>().join(" × ")
        ))),
    }
}

fn point_label(axes: &[Axis], values: &[Decimal], symbol: &str) -> String {
    axes.iter()
        .zip(values)
        .map(|(a, &v)| {
            let shown = match a.kind {
                Kind::Money => output::money(v, symbol),
                Kind::Number => v.normalize().to_string(),
                Kind::Percent => format!("{}%", (v * Decimal::ONE_HUNDRED).normalize()),
            };
            format!("{} = {shown}", a.path)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The holders a row reports: those of the first and last points, then any the scenario
/// could add at other points (a tranche's investor, a safe's, a pool created by a top-up).
fn holder_names(doc: &Document, samples: &[&Outcome]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut add = |n: &str| {
        if !names.iter().any(|known| known == n) {
            names.push(n.to_string());
        }
    };
    for o in samples {
        for h in o.holders.iter() {
            add(&h.name);
        }
    }
    let s = &doc.scenario;
    for h in &s.holders {
        add(&h.name);
    }
    if s.rounds.iter().any(|r| r.pool.is_some()) && !s.holders.iter().any(|h| h.kind == HolderKind::Pool) {
        add("Option pool");
    }
    for safe in &s.safes {
        add(&safe.investor);
    }
    for note in &s.notes {
        add(&note.investor);
    }
    for r in &s.rounds {
        for t in &r.tranches {
            add(&t.investor);
        }
    }
    names
}

fn show_of(figure: &Figure) -> Show {
    match figure.metric().unit() {
        Unit::Percent => Show::Percent,
        Unit::Shares => Show::Shares,
        Unit::Money if figure.metric() == crate::scenario::expect::Metric::Price => Show::Price,
        Unit::Money => Show::Money,
    }
}

fn axis_column(a: &Axis) -> Column {
    Column {
        key: a.path.clone(),
        title: a.path.clone(),
        show: Show::Axis(a.kind),
    }
}

/// What a row holds besides the varied values.
enum Figures {
    /// Post-money, price, then each holder's final ownership.
    Standard(Vec<String>),
    One(Figure),
}

impl Figures {
    fn push(&self, outcome: &Outcome, row: &mut Vec<Option<Decimal>>) {
        match self {
            Figures::One(f) => row.push(f.get(outcome)),
            Figures::Standard(holders) => {
                let last = outcome.rounds.last();
                row.push(last.map(|r| r.post_money));
                row.push(last.and_then(|r| r.price));
                // Only the final ownership is read: no other row is derived.
                let ownership = outcome.final_ownership();
                for (i, name) in holders.iter().enumerate() {
                    // Holders usually keep their positions: look there first.
                    let found = match outcome.holders.get(i) {
                        Some(h) if *h.name == **name => Some(i),
                        _ => outcome.holders.iter().position(|h| *h.name == **name),
                    };
                    row.push(found.and_then(|k| ownership.get(k).copied()));
                }
            }
        }
    }
}

/// Runs the sweep, writing rows to `out` as they are computed; returns the number of points.
/// `threads`: how many threads compute points (`None`: as many as the machine has, up to
/// 8); the output is the same whatever the number.
pub fn run(
    source: Source,
    axes: &[Axis],
    metric: Option<&str>,
    format: Format,
    threads: Option<usize>,
    out: &mut dyn Write,
) -> Result<u64, SweepError> {
    let doc =
        scenario::load(source.text, source.stem, source.variant, source.overrides).map_err(|d| SweepError::Input {
            point: None,
            diagnostics: d,
        })?;
    let symbol = fmt::currency_symbol(&doc.currency);
    let figure = metric.map(Figure::parse).transpose().map_err(SweepError::Usage)?;
    let mut eval = Evaluator::new(source, axes, &doc.scenario);

    let at = |values: &[Decimal], diagnostics| SweepError::Input {
        point: Some(point_label(axes, values, &symbol)),
        diagnostics,
    };
    let first: Vec<Decimal> = axes.iter().map(|a| a.value(0)).collect();
    let last: Vec<Decimal> = axes.iter().map(|a| a.value(a.count - 1)).collect();
    // Both kept at once: copies that no longer borrow the evaluator.
    let first_outcome = eval.eval(&first).map_err(|d| at(&first, d))?.into_owned();
    let last_outcome = eval.eval(&last).map_err(|d| at(&last, d))?.into_owned();
    let holders = holder_names(&doc, &[&first_outcome, &last_outcome]);
    if let Some(f) = &figure {
        check_figure(f, &holders, &doc)?;
    }

    let figures = match &figure {
        Some(f) => Figures::One(f.clone()),
        None => Figures::Standard(holders.clone()),
    };
    let sample = |values: &[Decimal], o: &Outcome| {
        let mut row: Vec<Option<Decimal>> = values.iter().copied().map(Some).collect();
        figures.push(o, &mut row);
        row
    };
    let grid = axes.len() == 2 && figure.is_some();
    let (layout, samples) = match (&figure, grid) {
        (Some(f), true) => {
            let cell = Column {
                key: f.key(),
                title: f.key(),
                show: show_of(f),
            };
            let samples = vec![
                vec![Some(first[0]), figure_of(&figures, &first_outcome)],
                vec![Some(last[0]), figure_of(&figures, &last_outcome)],
            ];
            let layout = Layout::Grid {
                rows: axis_column(&axes[0]),
                columns: axes[1].clone(),
                cell,
            };
            (layout, samples)
        }
        _ => {
            let mut columns: Vec<Column> = axes.iter().map(axis_column).collect();
            match &figure {
                Some(f) => columns.push(Column {
                    key: f.key(),
                    title: f.key(),
                    show: show_of(f),
                }),
                None => {
                    columns.push(Column {
                        key: "post_money".into(),
                        title: "Post-money".into(),
                        show: Show::Money,
                    });
                    columns.push(Column {
                        key: "price".into(),
                        title: "Price".into(),
                        show: Show::Price,
                    });
                    columns.extend(holders.iter().map(|h| Column {
                        key: format!("ownership:{h}"),
                        title: h.clone(),
                        show: Show::Percent,
                    }));
                }
            }
            let samples = vec![sample(&first, &first_outcome), sample(&last, &last_outcome)];
            (Layout::Rows(columns), samples)
        }
    };

    let writer = Writer::new(format, &symbol, layout, &samples);
    writer.begin(out)?;
    let total = axes.iter().map(|a| a.count).product::<u64>();
    let emit = Emit {
        writer: &writer,
        figures: &figures,
        axes,
        grid,
    };
    let threads = threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .clamp(1, MAX_THREADS);
    if threads < 2 || total < 2 * CHUNK {
        let mut row = Vec::new();
        let mut at_point = Odometer::new(axes);
        loop {
            let outcome = eval.eval(&at_point.values).map_err(|d| at(&at_point.values, d))?;
            emit.point(out, &at_point, &outcome, &mut row)?;
            if !at_point.advance(axes) {
                break;
            }
        }
    } else {
        parallel(source, axes, &doc.scenario, &emit, total, threads, out).map_err(|e| match e {
            Failure::Point(values, d) => at(&values, d),
            Failure::Io(e) => SweepError::Io(e),
        })?;
    }
    writer.finish(out)?;
    Ok(total)
}

/// Points per unit of work handed to a thread; a chunk's rows are formatted into one buffer.
const CHUNK: u64 = 4096;
/// Threads used at most (the machine's parallelism, if lower).
const MAX_THREADS: usize = 8;

/// Writes the rows of one point.
struct Emit<'a> {
    writer: &'a Writer,
    figures: &'a Figures,
    axes: &'a [Axis],
    grid: bool,
}

impl Emit<'_> {
    fn point<W: Write + ?Sized>(
        &self,
        out: &mut W,
        at: &Odometer,
        outcome: &Outcome,
        row: &mut Vec<Option<Decimal>>,
    ) -> std::io::Result<()> {
        if self.grid {
            let r = at.index[0];
            let c = at.index[1];
            if c == 0 {
                self.writer.cell(out, r, 0, Some(at.values[0]))?;
            }
            self.writer.cell(
                out,
                r,
                1 + usize::try_from(c).unwrap_or(usize::MAX),
                figure_of(self.figures, outcome),
            )?;
            if c + 1 == self.axes[1].count {
                self.writer.end_row(out)?;
            }
        } else {
            let r = self.axes.iter().zip(&at.index).fold(0u64, |n, (a, &i)| n * a.count + i);
            row.clear();
            row.extend(at.values.iter().copied().map(Some));
            self.figures.push(outcome, row);
            for (i, &v) in row.iter().enumerate() {
                self.writer.cell(out, r, i, v)?;
            }
            self.writer.end_row(out)?;
        }
        Ok(())
    }
}

enum Failure {
    Point(Vec<Decimal>, Vec<Diagnostic>),
    Io(std::io::Error),
}

/// Computes chunks of points on `threads` threads, chunk c on thread c mod threads, and
/// writes them in order. Each thread runs at most two chunks ahead of the writer, so
/// memory stays bounded whatever the number of points.
fn parallel(
    source: Source,
    axes: &[Axis],
    base: &Scenario,
    emit: &Emit,
    total: u64,
    threads: usize,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::mpsc::sync_channel;
    let chunks = total.div_ceil(CHUNK);
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let mut receivers = Vec::with_capacity(threads);
        for t in 0..threads {
            let (tx, rx) = sync_channel::<Result<Vec<u8>, Failure>>(2);
            receivers.push(rx);
            let stop = &stop;
            scope.spawn(move || {
                let mut eval = Evaluator::new(source, axes, base);
                let mut row = Vec::new();
                let mut chunk = t as u64;
                while chunk < chunks && !stop.load(Ordering::Relaxed) {
                    let first = chunk * CHUNK;
                    let end = (first + CHUNK).min(total);
                    let mut buf = Vec::with_capacity(64 * 1024);
                    let mut result = Ok(());
                    let mut at_point = Odometer::at(axes, first);
                    for p in first..end {
                        match eval.eval(&at_point.values) {
                            Ok(outcome) => {
                                if let Err(e) = emit.point(&mut buf, &at_point, &outcome, &mut row) {
                                    result = Err(Failure::Io(e));
                                    break;
                                }
                            }
                            Err(d) => {
                                result = Err(Failure::Point(at_point.values.clone(), d));
                                break;
                            }
                        }
                        if p + 1 < end {
                            at_point.advance(axes);
                        }
                    }
                    let failed = result.is_err();
                    if tx.send(result.map(|()| buf)).is_err() || failed {
                        break;
                    }
                    chunk += threads as u64;
                }
            });
        }
        let result = (0..chunks).try_for_each(|c| {
            let from = &receivers[usize::try_from(c % threads as u64).unwrap_or(0)];
            match from.recv() {
                Ok(Ok(buf)) => out.write_all(&buf).map_err(Failure::Io),
                Ok(Err(failure)) => Err(failure),
                Err(_) => Err(Failure::Io(std::io::Error::other("a sweep thread stopped early"))),
            }
        });
        if result.is_err() {
            stop.store(true, Ordering::Relaxed);
        }
        // Dropping the receivers releases threads waiting to send.
        drop(receivers);
        result
    })
}

fn figure_of(figures: &Figures, outcome: &Outcome) -> Option<Decimal> {
    match figures {
        Figures::One(f) => f.get(outcome),
        Figures::Standard(_) => None,
    }
}

fn check_figure(f: &Figure, holders: &[String], doc: &Document) -> Result<(), SweepError> {
    let known =
        |names: &mut dyn Iterator<Item = &str>| names.map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(", ");
    match f {
        Figure::Holder { holder, .. } if !holders.iter().any(|h| h == holder) => Err(SweepError::Usage(format!(
            "--metric {}: there is no holder \"{holder}\"; the holders are {}",
            f.key(),
            known(&mut holders.iter().map(String::as_str))
        ))),
        Figure::Round { round: Some(r), .. } if !doc.scenario.rounds.iter().any(|x| *x.name == **r) => {
            Err(SweepError::Usage(format!(
                "--metric {}: there is no round \"{r}\"; the rounds are {}",
                f.key(),
                known(&mut doc.scenario.rounds.iter().map(|x| &*x.name))
            )))
        }
        Figure::Round { round: None, .. } if doc.scenario.rounds.is_empty() => Err(SweepError::Usage(format!(
            "--metric {}: the scenario has no round",
            f.key()
        ))),
        _ => Ok(()),
    }
}
