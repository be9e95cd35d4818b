//! Any text, through everything a user's file goes through: load (plain, with each of
//! its variants, and with a `--set` from a first line `#set PATH=VALUE`), evaluate,
//! render every format, `calc check`, and the diagnostics of every refusal.
//! A panic, a hang (-timeout) or unbounded memory (-rss_limit_mb) is a finding.
#![no_main]

use calc::diagnostic::{self, Diagnostic};
use calc::report::{self, table::Style, Format};
use calc::scenario::{self, Override};
use libfuzzer_sys::fuzz_target;

const MAX_LEN: usize = 64 * 1024;
const STEM: &str = "fuzz";

fuzz_target!(|data: &[u8]| {
    if data.len() >= MAX_LEN {
        return;
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let overrides: Vec<Override> = text
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("#set "))
        .and_then(Override::parse)
        .into_iter()
        .collect();
    let Some(doc) = run(text, None, &[]) else {
        return;
    };
    if !overrides.is_empty() {
        run(text, None, &overrides);
    }
    let _ = calc::check::check(&doc, text, STEM);
    for v in doc.variants.iter().take(8) {
        run(text, Some(&v.name), &overrides);
    }
    // A variant that does not exist is refused with a suggestion.
    run(text, Some("no such variant"), &[]);
});

fn run(text: &str, variant: Option<&str>, overrides: &[Override]) -> Option<scenario::Document> {
    let doc = match scenario::load(text, STEM, variant, overrides) {
        Ok(doc) => doc,
        Err(diags) => {
            let _ = diagnostic::render("fuzz.toml", text, &diags);
            return None;
        }
    };
    match calc::engine::evaluate(&doc.scenario) {
        Ok(outcome) => {
            let pair = [(&doc, &outcome)];
            for format in [Format::Table, Format::Markdown, Format::Csv, Format::Json] {
                let _ = report::render(&pair, format, Style::default());
            }
            let narrow = Style {
                color: true,
                width: Some(40),
            };
            let _ = report::render(&pair, Format::Table, narrow);
            // Two reports at once, as `calc a.toml b.toml` renders them.
            let _ = report::render(&[(&doc, &outcome), (&doc, &outcome)], Format::Json, Style::default());
        }
        Err(e) => {
            let d = Diagnostic {
                span: Some(e.span),
                message: e.message,
                hint: e.hint,
            };
            let _ = diagnostic::render("fuzz.toml", text, &[d]);
        }
    }
    Some(doc)
}
