//! `calc compare`: scenarios side by side. One column per scenario (a file, or a file's
//! variant); rows for each round's key figures, aligned by round name, and for every
//! holder's final ownership and value (the union of holders, blank where absent), with
//! the difference of every later column against the first.
//!
//! `build` computes the comparison once; the renderers only format it.

use crate::engine::{self, Outcome};
use crate::report::blocks::{Block, Grid};
use crate::report::csv::field;
use crate::report::format;
use crate::scenario::Document;
use rust_decimal::Decimal;
use serde_json::{json, Value};

/// One scenario to compare.
pub struct Input<'a> {
    /// Column header: the title, or "title#variant".
    pub label: String,
    /// The file it came from, as given.
    pub file: String,
    pub doc: &'a Document,
    pub outcome: &'a Outcome<'a>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Figure {
    PreMoney,
    Amount,
    PostMoney,
    Price,
    Ownership,
    Value,
    /// A holder's payout at an exit value.
    Payout,
}

impl Figure {
    /// The JSON and CSV name (the `[[expect]]` metric of the same figure).
    pub fn key(self) -> &'static str {
        match self {
            Figure::PreMoney => "pre_money",
            Figure::Amount => "amount",
            Figure::PostMoney => "post_money",
            Figure::Price => "price",
            Figure::Ownership => "ownership",
            Figure::Value => "value",
            Figure::Payout => "payout",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Figure::PreMoney => "pre-money",
            Figure::Amount => "new money",
            Figure::PostMoney => "post-money",
            Figure::Price => "price per share",
            Figure::Ownership => "ownership",
            Figure::Value => "value",
            Figure::Payout => "payout",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Row {
    /// The round a round figure belongs to.
    pub round: Option<String>,
    /// The holder a final-table figure belongs to.
    pub holder: Option<String>,
    pub figure: Figure,
    /// The exit value a payout figure is taken at.
    pub exit: Option<Decimal>,
    /// One per column; `None` where the round or holder is absent (or a price in percent mode).
    pub values: Vec<Option<Decimal>>,
}

impl Row {
    /// Column `i` less the first column; `None` for the first or where either is blank.
    pub fn difference(&self, i: usize) -> Option<Decimal> {
        if i == 0 {
            return None;
        }
        Some(self.values.get(i).copied()?? - self.values.first().copied()??)
    }
}

#[derive(Clone, Debug)]
pub struct ColumnInfo {
    pub label: String,
    pub file: String,
    pub title: String,
    pub variant: Option<String>,
    pub currency: String,
}

#[derive(Clone, Debug)]
pub struct Comparison {
    pub columns: Vec<ColumnInfo>,
    pub rows: Vec<Row>,
    /// The exit values of the payout rows, in order of first appearance.
    pub exits: Vec<Decimal>,
}

/// Names in order of first appearance across the columns.
fn union<'a>(lists: impl Iterator<Item = Vec<&'a str>>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for list in lists {
        for name in list {
            if !out.iter().any(|n| n == name) {
                out.push(name.to_string());
            }
        }
    }
    out
}

pub fn build(inputs: &[Input]) -> Comparison {
    let columns = inputs
        .iter()
        .map(|i| ColumnInfo {
            label: i.label.clone(),
            file: i.file.clone(),
            title: i.doc.title.clone(),
            variant: i.doc.variant.clone(),
            currency: i.doc.currency.clone(),
        })
        .collect();
    let rounds = union(
        inputs
            .iter()
            .map(|i| i.outcome.rounds.iter().map(|r| &*r.name).collect()),
    );
    let holders = union(
        inputs
            .iter()
            .map(|i| i.outcome.holders.iter().map(|h| &*h.name).collect()),
    );
    let mut rows = Vec::new();
    for name in &rounds {
        let per_column: Vec<_> = inputs
            .iter()
            .map(|i| i.outcome.rounds.iter().find(|r| *r.name == **name))
            .collect();
        let any_price = per_column.iter().any(|r| r.is_some_and(|r| r.price.is_some()));
        let mut figures = vec![Figure::PreMoney, Figure::Amount, Figure::PostMoney];
        if any_price {
            figures.push(Figure::Price);
        }
        for figure in figures {
            rows.push(Row {
                round: Some(name.clone()),
                holder: None,
                figure,
                exit: None,
                values: per_column
                    .iter()
                    .map(|r| {
                        r.and_then(|r| match figure {
                            Figure::PreMoney => Some(r.pre_money),
                            Figure::Amount => Some(r.amount),
                            Figure::PostMoney => Some(r.post_money),
                            Figure::Price => r.price,
                            _ => None,
                        })
                    })
                    .collect(),
            });
        }
    }
    for figure in [Figure::Ownership, Figure::Value] {
        for name in &holders {
            rows.push(Row {
                round: None,
                holder: Some(name.clone()),
                figure,
                exit: None,
                values: inputs
                    .iter()
                    .map(|i| {
                        let rows = i.outcome.final_holders();
                        let h = rows.iter().find(|h| h.name == *name)?;
                        match figure {
                            Figure::Ownership => Some(h.ownership_after),
                            _ => h.value_after,
                        }
                    })
                    .collect(),
            });
        }
    }
    // Payouts at every exit value any column computes, holder by holder: variants that
    // differ only in their preferences differ here.
    let mut exits: Vec<Decimal> = Vec::new();
    for i in inputs {
        for e in &i.outcome.exits {
            if !exits.contains(&e.value) {
                exits.push(e.value);
            }
        }
    }
    for &exit in &exits {
        let payouts: Vec<Option<Vec<engine::Payout>>> = inputs
            .iter()
            .map(|i| i.outcome.exits.iter().find(|e| e.value == exit).map(|e| e.payouts()))
            .collect();
        for name in &holders {
            rows.push(Row {
                round: None,
                holder: Some(name.clone()),
                figure: Figure::Payout,
                exit: Some(exit),
                values: payouts
                    .iter()
                    .map(|p| Some(p.as_ref()?.iter().find(|p| p.holder == *name)?.amount))
                    .collect(),
            });
        }
    }
    Comparison { columns, rows, exits }
}

/// A figure for people.
fn human(figure: Figure, v: Decimal, symbol: &str) -> String {
    match figure {
        Figure::Ownership => format::percent(v),
        Figure::Price => format::price(v, symbol),
        _ => format::money(v, symbol),
    }
}

/// A difference for people: "+0.69 pp", "-$35B", "+$0.1234", "=" when equal.
pub fn human_difference(figure: Figure, d: Decimal, symbol: &str) -> String {
    // Equal, or equal to the cent: an exact difference below display precision is noise
    // from fractions rounded at 28 digits.
    if d.is_zero() || (figure != Figure::Ownership && figure != Figure::Price && d.abs() < Decimal::new(5, 3)) {
        return "=".to_string();
    }
    let sign = if d.is_sign_negative() { "-" } else { "+" };
    let abs = d.abs();
    match figure {
        Figure::Ownership => {
            let pp = (abs * Decimal::ONE_HUNDRED).round_dp(2);
            if pp.is_zero() {
                format!("{sign}<0.01 pp")
            } else {
                let mut pp = pp;
                pp.rescale(2);
                format!("{sign}{pp} pp")
            }
        }
        Figure::Price => format!("{sign}{}", format::price(abs, symbol)),
        _ => format!("{sign}{}", format::money(abs, symbol)),
    }
}

impl Comparison {
    fn symbol(&self, i: usize) -> String {
        format::currency_symbol(self.columns.get(i).map_or("USD", |c| c.currency.as_str()))
    }

    fn header(&self, first: &str) -> (Vec<String>, Vec<bool>) {
        let mut header = vec![first.to_string()];
        let mut numeric = vec![false];
        for (i, c) in self.columns.iter().enumerate() {
            header.push(c.label.clone());
            numeric.push(true);
            if i > 0 {
                header.push("Δ".to_string());
                numeric.push(true);
            }
        }
        (header, numeric)
    }

    fn cells(&self, row: &Row) -> Vec<String> {
        let mut cells = Vec::new();
        for (i, v) in row.values.iter().enumerate() {
            let symbol = self.symbol(i);
            cells.push(v.map(|v| human(row.figure, v, &symbol)).unwrap_or_default());
            if i > 0 {
                cells.push(
                    row.difference(i)
                        .map(|d| human_difference(row.figure, d, &self.symbol(0)))
                        .unwrap_or_default(),
                );
            }
        }
        cells
    }

    /// Blocks for the terminal and markdown renderers: the rounds, then final ownership
    /// and final value.
    pub fn blocks(&self, heading: &str) -> Vec<Block> {
        let mut out = vec![Block::Heading(heading.to_string())];
        let round_rows: Vec<&Row> = self.rows.iter().filter(|r| r.round.is_some()).collect();
        if !round_rows.is_empty() {
            let (header, numeric) = self.header("Round");
            let rows = round_rows
                .iter()
                .map(|r| {
                    let mut cells = vec![format!("{}: {}", r.round.as_deref().unwrap_or(""), r.figure.title())];
                    cells.extend(self.cells(r));
                    cells
                })
                .collect();
            out.push(Block::Grid(Grid {
                header,
                numeric,
                rows,
                footer: None,
            }));
        }
        for (figure, title) in [(Figure::Ownership, "Final ownership"), (Figure::Value, "Final value")] {
            let rows: Vec<Vec<String>> = self
                .rows
                .iter()
                .filter(|r| r.figure == figure)
                .map(|r| {
                    let mut cells = vec![r.holder.clone().unwrap_or_default()];
                    cells.extend(self.cells(r));
                    cells
                })
                .collect();
            if rows.is_empty() {
                continue;
            }
            let (header, numeric) = self.header(title);
            out.push(Block::Grid(Grid {
                header,
                numeric,
                rows,
                footer: None,
            }));
        }
        // One table of payouts per exit value.
        for &exit in &self.exits {
            let rows = self
                .rows
                .iter()
                .filter(|r| r.exit == Some(exit))
                .map(|r| {
                    let mut cells = vec![r.holder.clone().unwrap_or_default()];
                    cells.extend(self.cells(r));
                    cells
                })
                .collect();
            let (header, numeric) = self.header(&format!("Payout at {}", format::money(exit, &self.symbol(0))));
            out.push(Block::Grid(Grid {
                header,
                numeric,
                rows,
                footer: None,
            }));
        }
        out
    }

    /// CSV: one row per figure, a column per scenario, then the differences against the first.
    pub fn csv(&self) -> String {
        let mut out = String::from("round,holder,figure");
        for c in &self.columns {
            out.push(',');
            out.push_str(&field(&c.label));
        }
        for c in self.columns.iter().skip(1) {
            out.push(',');
            out.push_str(&field(&format!("difference:{}", c.label)));
        }
        // Payout rows carry their exit value, in a last column (only when there are
        // any, so that comparisons without an exit keep their columns).
        let with_exit = !self.exits.is_empty();
        out.push_str(if with_exit { ",exit\n" } else { "\n" });
        let exact = |v: Option<Decimal>| v.map(format::exact).unwrap_or_default();
        for r in &self.rows {
            out.push_str(&field(r.round.as_deref().unwrap_or("")));
            out.push(',');
            out.push_str(&field(r.holder.as_deref().unwrap_or("")));
            out.push(',');
            out.push_str(r.figure.key());
            for v in &r.values {
                out.push(',');
                out.push_str(&exact(*v));
            }
            for i in 1..self.columns.len() {
                out.push(',');
                out.push_str(&exact(r.difference(i)));
            }
            if with_exit {
                out.push(',');
                out.push_str(&exact(r.exit));
            }
            out.push('\n');
        }
        out
    }

    /// JSON: exact decimal strings, ownership as fractions, null where blank.
    pub fn json(&self) -> Value {
        let num = |v: Option<Decimal>| v.map_or(Value::Null, |v| Value::String(format::exact(v)));
        json!({
            "columns": self.columns.iter().map(|c| json!({
                "label": c.label,
                "file": c.file,
                "title": c.title,
                "variant": c.variant,
                "currency": c.currency,
            })).collect::<Vec<_>>(),
            "rows": self.rows.iter().map(|r| json!({
                "round": r.round,
                "holder": r.holder,
                "figure": r.figure.key(),
                "exit": num(r.exit),
                "values": r.values.iter().map(|v| num(*v)).collect::<Vec<_>>(),
                "differences": (0..self.columns.len()).map(|i| num(r.difference(i))).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn differences_read_as_people_write_them() {
        assert_eq!(human_difference(Figure::Ownership, dec!(0.0069), "$"), "+0.69 pp");
        assert_eq!(human_difference(Figure::Ownership, dec!(-0.00001), "$"), "-<0.01 pp");
        assert_eq!(human_difference(Figure::Value, dec!(-35_000_000_000), "$"), "-$35B");
        assert_eq!(human_difference(Figure::Price, dec!(0.1234), "$"), "+$0.1234");
        assert_eq!(human_difference(Figure::PostMoney, dec!(0), "$"), "=");
        assert_eq!(human_difference(Figure::Value, dec!(-0.0000000001), "$"), "=");
    }
}
