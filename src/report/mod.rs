//! One outcome, many renderers: terminal tables, markdown, CSV and JSON.
//! Renderers format; they never compute.

pub mod blocks;
pub mod csv;
pub mod format;
pub mod json;
pub mod markdown;
pub mod table;

use crate::engine::Outcome;
use crate::scenario::Document;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Markdown,
    Csv,
    Json,
}

/// Renders reports of several scenarios in one format.
pub fn render(reports: &[(&Document, &Outcome)], format: Format, style: table::Style) -> String {
    match format {
        Format::Table => reports
            .iter()
            .map(|(d, o)| table::render(&blocks::report(d, o), style))
            .collect::<Vec<_>>()
            .join("\n"),
        Format::Markdown => reports
            .iter()
            .map(|(d, o)| markdown::render(&blocks::report(d, o)))
            .collect::<Vec<_>>()
            .join("\n"),
        Format::Csv => {
            let mut out = String::from(csv::HEADER);
            out.push('\n');
            for (d, o) in reports {
                csv::rows(d, o, &mut out);
            }
            out
        }
        Format::Json => {
            let value = match reports {
                [(d, o)] => json::value(d, o),
                many => serde_json::Value::Array(many.iter().map(|(d, o)| json::value(d, o)).collect()),
            };
            let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
            text.push('\n');
            text
        }
    }
}
