//! Writing a sweep as it is computed: one row at a time, in every format, holding nothing
//! but the current row. Tables are aligned text rows whose widths are taken from the
//! header and a sample of rows (the first and the last point); CSV and JSON are exact
//! decimals (ownership as fractions); JSON is one array, one element per line.

use super::range::{Axis, Kind};
use crate::decimal_text::write_normalized;
use crate::report::format;
use crate::report::Format;
use rust_decimal::Decimal;
use std::io::{self, Write};

/// How a column's figures read in table and markdown output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Show {
    /// A varied value, shown exactly as its axis is written.
    Axis(Kind),
    Money,
    Price,
    Percent,
    Shares,
}

#[derive(Clone, Debug)]
pub struct Column {
    /// CSV header and JSON key: `round[0].pre_money`, `post_money`, `ownership:Amazon`.
    pub key: String,
    /// Table and markdown header.
    pub title: String,
    pub show: Show,
}

/// What the rows look like.
pub enum Layout {
    /// One row per point: the varied values, then figures.
    Rows(Vec<Column>),
    /// Two axes and one figure: a row per value of the first axis, a cell per value of the second.
    Grid {
        /// The first axis.
        rows: Column,
        /// The second axis (iterated for the header, never stored).
        columns: Axis,
        /// The figure in every cell.
        cell: Column,
    },
}

/// Formats a sweep's rows. It holds no output and no counters: the caller says which
/// row and cell it writes, so that rows can be formatted on several threads.
pub struct Writer {
    format: Format,
    symbol: String,
    layout: Layout,
    widths: Vec<usize>,
    /// JSON rows: each column's key as a JSON string followed by `: `, made once rather
    /// than per cell.
    json_keys: Vec<String>,
}

impl Writer {
    /// `samples` are rows (Rows layout) or row-axis value + cells (Grid layout) used to size
    /// table columns.
    pub fn new(format: Format, symbol: &str, layout: Layout, samples: &[Vec<Option<Decimal>>]) -> Self {
        let mut w = Writer {
            format,
            symbol: symbol.to_string(),
            layout,
            widths: Vec::new(),
            json_keys: Vec::new(),
        };
        w.widths = w.measure(samples);
        if let (Format::Json, Layout::Rows(columns)) = (w.format, &w.layout) {
            w.json_keys = columns.iter().map(|c| format!("{}: ", json_string(&c.key))).collect();
        }
        w
    }

    fn measure(&self, samples: &[Vec<Option<Decimal>>]) -> Vec<usize> {
        let width = |s: &str| s.chars().count();
        match &self.layout {
            Layout::Rows(columns) => columns
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    samples
                        .iter()
                        .filter_map(|row| row.get(i).copied())
                        .map(|v| width(&self.human(v, c.show)))
                        .chain([width(&c.title)])
                        .max()
                        .unwrap_or(0)
                })
                .collect(),
            Layout::Grid { rows, columns, cell } => {
                let first = samples
                    .iter()
                    .filter_map(|row| row.first().copied())
                    .map(|v| width(&self.human(v, rows.show)))
                    .chain([width(&corner(rows, columns))])
                    .max()
                    .unwrap_or(0);
                let ends = [Some(columns.value(0)), Some(columns.value(columns.count - 1))];
                let cells = samples
                    .iter()
                    .flat_map(|row| row.iter().skip(1).map(|v| width(&self.human(*v, cell.show))))
                    .chain(ends.iter().map(|v| width(&self.human(*v, Show::Axis(columns.kind)))))
                    .max()
                    .unwrap_or(0);
                vec![first, cells]
            }
        }
    }

    fn human(&self, v: Option<Decimal>, show: Show) -> String {
        let Some(v) = v else { return String::new() };
        match show {
            Show::Axis(Kind::Money) => money(v, &self.symbol),
            Show::Axis(Kind::Number) | Show::Shares => format::shares(v),
            Show::Axis(Kind::Percent) => format!("{}%", (v * Decimal::ONE_HUNDRED).normalize()),
            Show::Money => money(v, &self.symbol),
            Show::Price => format::price(v, &self.symbol),
            Show::Percent => format::percent(v),
        }
    }

    fn width(&self, i: usize) -> usize {
        match self.layout {
            Layout::Rows(_) => self.widths.get(i).copied().unwrap_or(0),
            Layout::Grid { .. } => self.widths[usize::from(i > 0)],
        }
    }

    /// Writes what comes before the first row.
    pub fn begin(&self, out: &mut dyn Write) -> io::Result<()> {
        match (&self.layout, self.format) {
            (Layout::Rows(columns), Format::Csv) => {
                let keys: Vec<String> = columns.iter().map(|c| crate::report::csv::field(&c.key)).collect();
                writeln!(out, "{}", keys.join(","))
            }
            (Layout::Rows(_), Format::Json) => out.write_all(b"[\n"),
            (Layout::Rows(columns), Format::Markdown) => {
                let titles: Vec<String> = columns
                    .iter()
                    .map(|c| crate::report::markdown::escape(&c.title))
                    .collect();
                writeln!(out, "| {} |", titles.join(" | "))?;
                writeln!(out, "|{}|", vec!["---:"; columns.len()].join("|"))
            }
            (Layout::Rows(columns), Format::Table) => {
                let titles: Vec<String> = columns.iter().map(|c| c.title.clone()).collect();
                self.table_header(out, &titles)
            }
            (Layout::Grid { rows, columns, .. }, Format::Csv) => {
                write!(out, "{}", crate::report::csv::field(&corner(rows, columns)))?;
                for k in 0..columns.count {
                    out.write_all(b",")?;
                    write_normalized(out, columns.value(k))?;
                }
                writeln!(out)
            }
            (Layout::Grid { rows, columns, cell }, Format::Json) => {
                write!(
                    out,
                    "{{\"metric\": {}, \"rows\": {}, \"columns\": {}, \"column_values\": [",
                    json_string(&cell.key),
                    json_string(&rows.key),
                    json_string(&columns.path)
                )?;
                for k in 0..columns.count {
                    out.write_all(if k == 0 { b"\"" } else { b", \"" })?;
                    write_normalized(out, columns.value(k))?;
                    out.write_all(b"\"")?;
                }
                out.write_all(b"], \"grid\": [\n")
            }
            (Layout::Grid { rows, columns, .. }, Format::Markdown) => {
                write!(out, "| {} |", crate::report::markdown::escape(&corner(rows, columns)))?;
                for k in 0..columns.count {
                    write!(
                        out,
                        " {} |",
                        self.human(Some(columns.value(k)), Show::Axis(columns.kind))
                    )?;
                }
                writeln!(out)?;
                out.write_all(b"|---:|")?;
                for _ in 0..columns.count {
                    out.write_all(b"---:|")?;
                }
                writeln!(out)
            }
            (Layout::Grid { rows, columns, .. }, Format::Table) => {
                let head = corner(rows, columns);
                let w0 = self.widths[0];
                let w1 = self.widths[1];
                write!(out, "{head:>w0$}")?;
                for k in 0..columns.count {
                    let v = self.human(Some(columns.value(k)), Show::Axis(columns.kind));
                    write!(out, "  {v:>w1$}")?;
                }
                writeln!(out)?;
                write!(out, "{}", "─".repeat(w0))?;
                for _ in 0..columns.count {
                    write!(out, "  {}", "─".repeat(w1))?;
                }
                writeln!(out)
            }
        }
    }

    fn table_header(&self, out: &mut dyn Write, titles: &[String]) -> io::Result<()> {
        for (i, t) in titles.iter().enumerate() {
            let w = self.width(i);
            let sep = if i == 0 { "" } else { "  " };
            write!(out, "{sep}{t:>w$}")?;
        }
        writeln!(out)?;
        for i in 0..titles.len() {
            let sep = if i == 0 { "" } else { "  " };
            write!(out, "{sep}{}", "─".repeat(self.width(i)))?;
        }
        writeln!(out)
    }

    /// Writes cell `i` of row `row` (counted from 0 over the whole sweep).
    pub fn cell<W: Write + ?Sized>(&self, out: &mut W, row: u64, i: usize, v: Option<Decimal>) -> io::Result<()> {
        let show = match &self.layout {
            Layout::Rows(columns) => columns.get(i).map_or(Show::Money, |c| c.show),
            Layout::Grid { rows, cell, .. } => {
                if i == 0 {
                    rows.show
                } else {
                    cell.show
                }
            }
        };
        match self.format {
            Format::Csv => {
                if i > 0 {
                    out.write_all(b",")?;
                }
                if let Some(v) = v {
                    write_normalized(out, v)?;
                }
                Ok(())
            }
            Format::Json => self.json_cell(out, row, i, v),
            Format::Markdown => {
                if i == 0 {
                    out.write_all(b"|")?;
                }
                write!(out, " {} |", self.human(v, show))
            }
            Format::Table => {
                let w = self.width(i);
                let sep = if i == 0 { "" } else { "  " };
                write!(out, "{sep}{:>w$}", self.human(v, show))
            }
        }
    }

    fn json_cell<W: Write + ?Sized>(&self, out: &mut W, row: u64, i: usize, v: Option<Decimal>) -> io::Result<()> {
        let value = |out: &mut W| match v {
            Some(v) => {
                out.write_all(b"\"")?;
                write_normalized(out, v)?;
                out.write_all(b"\"")
            }
            None => out.write_all(b"null"),
        };
        match &self.layout {
            Layout::Rows(_) => {
                let open: &[u8] = match (i, row) {
                    (0, 0) => b"{",
                    (0, _) => b",\n{",
                    _ => b", ",
                };
                out.write_all(open)?;
                out.write_all(self.json_keys.get(i).map_or(b": ".as_slice(), |k| k.as_bytes()))?;
                value(out)
            }
            Layout::Grid { .. } => {
                if i == 0 {
                    let open = if row == 0 { "" } else { ",\n" };
                    write!(out, "{open}{{\"value\": ")?;
                    value(out)?;
                    out.write_all(b", \"cells\": [")
                } else {
                    if i > 1 {
                        out.write_all(b", ")?;
                    }
                    value(out)
                }
            }
        }
    }

    /// Ends the current row.
    pub fn end_row<W: Write + ?Sized>(&self, out: &mut W) -> io::Result<()> {
        match (self.format, &self.layout) {
            (Format::Json, Layout::Rows(_)) => out.write_all(b"}"),
            (Format::Json, Layout::Grid { .. }) => out.write_all(b"]}"),
            _ => out.write_all(b"\n"),
        }
    }

    /// Writes what comes after the last row.
    pub fn finish(&self, out: &mut dyn Write) -> io::Result<()> {
        match (self.format, &self.layout) {
            (Format::Json, Layout::Rows(_)) => out.write_all(b"\n]\n")?,
            (Format::Json, Layout::Grid { .. }) => out.write_all(b"\n]}\n")?,
            _ => {}
        }
        out.flush()
    }
}

/// The top-left cell of a grid: `round[0].pre_money \ round[0].amount`.
fn corner(rows: &Column, columns: &Axis) -> String {
    format!("{} \\ {}", rows.key, columns.path)
}

fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

/// Money as written when that is exact ("$650B", "$10.5M"), else with every digit
/// ("$10,000,030"), else rounded like the report ("$1.653M") when it has many decimals.
pub fn money(v: Decimal, symbol: &str) -> String {
    let abs = v.abs();
    let sign = if v.is_sign_negative() && !v.is_zero() { "-" } else { "" };
    for (exp, suffix) in [(12u32, "T"), (9, "B"), (6, "M")] {
        let unit = Decimal::from(10u64.pow(exp));
        if abs >= unit {
            let q = abs / unit;
            if q.round_dp(3) == q {
                return format!("{sign}{symbol}{}{suffix}", q.normalize());
            }
            break;
        }
    }
    let exact = abs.normalize();
    if exact.scale() == 0 {
        return format!("{sign}{symbol}{}", format::shares(exact));
    }
    if exact.scale() <= 2 {
        let cents = (exact.fract() * Decimal::ONE_HUNDRED).trunc();
        return format!("{sign}{symbol}{}.{cents:0>2}", format::shares(exact.trunc()));
    }
    format::money(v, symbol)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn money_is_exact_when_it_can_be() {
        assert_eq!(money(dec!(650_000_000_000), "$"), "$650B");
        assert_eq!(money(dec!(10_500_000), "$"), "$10.5M");
        assert_eq!(money(dec!(10_000_030), "$"), "$10,000,030");
        assert_eq!(money(dec!(250_000), "$"), "$250,000");
        assert_eq!(money(dec!(1_250.5), "€"), "€1,250.50");
        assert_eq!(money(dec!(1_652_999.123456), "$"), "$1.653M");
    }
}
