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

/// Writes reports of several scenarios in one format straight to `out`: JSON streams,
/// the others are rendered first.
pub fn write(
    reports: &[(&Document, &Outcome)],
    format: Format,
    style: table::Style,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match format {
        Format::Json => json::write(reports, out),
        Format::Csv => {
            writeln!(out, "{}", csv::HEADER)?;
            for (d, o) in reports {
                csv::rows(d, o, out)?;
            }
            Ok(())
        }
        Format::Table | Format::Markdown => {
            for (k, (d, o)) in reports.iter().enumerate() {
                if k > 0 {
                    out.write_all(b"\n")?;
                }
                blocks::each_block(d, o, &mut |block| {
                    let mut text = String::new();
                    match format {
                        Format::Markdown => markdown::render_block(&mut text, &block),
                        _ => table::render_block(&mut text, &block, style),
                    }
                    out.write_all(text.as_bytes())
                })?;
            }
            Ok(())
        }
    }
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
            let mut bytes = Vec::new();
            // Writing to memory cannot fail.
            let _ = write(reports, format, style, &mut bytes);
            String::from_utf8(bytes).unwrap_or_default()
        }
        Format::Json => {
            let mut bytes = Vec::new();
            // Writing to memory cannot fail.
            let _ = json::write(reports, &mut bytes);
            String::from_utf8(bytes).unwrap_or_default()
        }
    }
}
