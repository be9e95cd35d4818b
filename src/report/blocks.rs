//! The human report as neutral blocks (headings, facts, grids) that the terminal and
//! markdown renderers both draw. Only formatting happens here: every figure comes
//! from the engine's outcome.

use super::format;
use crate::engine::{HolderRow, Mode, Outcome, RoundOutcome};
use crate::scenario::Document;

/// Passes blocks on to the renderer's callback.
struct Emit<'e>(&'e mut dyn FnMut(Block) -> std::io::Result<()>);

impl Emit<'_> {
    fn push(&mut self, block: Block) -> std::io::Result<()> {
        (self.0)(block)
    }
}

pub enum Block {
    Title(String),
    Text(String),
    Heading(String),
    /// Label and value pairs, such as a round's summary.
    Facts(Vec<(String, String)>),
    Grid(Grid),
}

pub struct Grid {
    pub header: Vec<String>,
    /// Right-aligned (numeric) columns.
    pub numeric: Vec<bool>,
    pub rows: Vec<Vec<String>>,
    /// A totals row, drawn apart from the others.
    pub footer: Option<Vec<String>>,
}

/// Every block of the report, in order.
pub fn report(doc: &Document, outcome: &Outcome) -> Vec<Block> {
    let mut blocks = Vec::new();
    each_block(doc, outcome, &mut |b| {
        blocks.push(b);
        Ok(())
    })
    .ok();
    blocks
}

/// Hands the blocks of the report to `emit` one at a time, so that a renderer can draw
/// and drop each (a round's table of 100,000 holders) before the next is built.
pub fn each_block(
    doc: &Document,
    outcome: &Outcome,
    emit: &mut dyn FnMut(Block) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let symbol = format::currency_symbol(&doc.currency);
    let mut out = Emit(emit);
    out.push(Block::Title(match &doc.variant {
        Some(v) => format!("{} — variant \"{v}\"", doc.title),
        None => doc.title.clone(),
    }))?;
    if let Some(d) = &doc.description {
        out.push(Block::Text(d.trim().to_string()))?;
    }
    let mut facts = vec![("Currency".to_string(), doc.currency.clone())];
    facts.push((
        "Table".to_string(),
        match outcome.mode {
            Mode::Shares => "share counts".to_string(),
            Mode::Percent => "percentages (no share counts)".to_string(),
        },
    ));
    out.push(Block::Facts(facts))?;
    if !doc.sources.is_empty() {
        out.push(Block::Heading("Sources".into()))?;
        out.push(Block::Text(
            doc.sources
                .iter()
                .map(|s| format!("- {s}"))
                .collect::<Vec<_>>()
                .join("\n"),
        ))?;
    }
    if outcome.rounds.is_empty() {
        out.push(Block::Heading("Cap table".into()))?;
        out.push(Block::Grid(holder_grid(
            &outcome.initial_holders(),
            outcome.mode,
            &symbol,
        )))?;
    }
    for (i, round) in outcome.rounds.iter().enumerate() {
        out.push(Block::Heading(format!("Round {}: {}", i + 1, round.name)))?;
        out.push(Block::Facts(round_facts(round, &symbol)))?;
        if !round.conversions.is_empty() {
            out.push(Block::Grid(conversion_grid(round, outcome.mode, &symbol)))?;
        }
        out.push(Block::Grid(tranche_grid(round, outcome.mode, &symbol)))?;
        if !round.adjustments.is_empty() {
            out.push(Block::Grid(adjustment_grid(round, &symbol)))?;
        }
        out.push(Block::Grid(holder_grid(
            &outcome.round_holders(i),
            outcome.mode,
            &symbol,
        )))?;
    }
    if let Some(last) = outcome.rounds.last() {
        let heading = if outcome.rounds.len() == 1 {
            "Final cap table".to_string()
        } else {
            format!("Final cap table (dilution since before {})", outcome.rounds[0].name)
        };
        out.push(Block::Heading(heading))?;
        let mut grid = holder_grid(&outcome.final_holders(), outcome.mode, &symbol);
        grid.footer = Some(totals(outcome, last, &symbol));
        out.push(Block::Grid(grid))?;
    }
    if !outcome.exits.is_empty() {
        out.push(Block::Heading("Exit waterfall".into()))?;
        out.push(Block::Grid(waterfall_grid(outcome, &symbol)))?;
        out.push(Block::Grid(class_grid(outcome, &symbol)))?;
    }
    if !outcome.breakpoints.is_empty() {
        out.push(Block::Heading(
            "Breakpoints (exit values where a payout changes regime)".into(),
        ))?;
        let rows = outcome
            .breakpoints
            .iter()
            .map(|b| vec![format::money(b.value, &symbol), b.class.clone(), b.event.clone()])
            .collect();
        out.push(Block::Grid(Grid {
            header: vec!["Exit value".into(), "Class".into(), "Event".into()],
            numeric: vec![true, false, false],
            rows,
            footer: None,
        }))?;
    }
    Ok(())
}

/// Holders down, exit values across: each cell the payout (and the multiple on money in).
fn waterfall_grid(outcome: &Outcome, symbol: &str) -> Grid {
    let mut header = vec!["Holder".to_string()];
    header.extend(
        outcome
            .exits
            .iter()
            .map(|e| format!("at {}", format::money(e.value, symbol))),
    );
    let payouts: Vec<Vec<crate::engine::Payout>> = outcome.exits.iter().map(|e| e.payouts()).collect();
    let holders = payouts.first().map_or(0, Vec::len);
    let rows = (0..holders)
        .map(|i| {
            let mut row = vec![payouts[0][i].holder.clone()];
            for exit in &payouts {
                let p = &exit[i];
                let mut cell = format::money(p.amount, symbol);
                if let Some(m) = p.multiple {
                    cell.push_str(&format!(" ({}x)", m.round_dp(2).normalize()));
                }
                row.push(cell);
            }
            row
        })
        .collect();
    // Percent mode has no shares, so no payout per share.
    let footer = (outcome.mode == Mode::Shares).then(|| {
        let mut footer = vec!["Per common share".to_string()];
        footer.extend(outcome.exits.iter().map(|e| format::price(e.common_per_share, symbol)));
        footer
    });
    let numeric = (0..header.len()).map(|i| i > 0).collect();
    Grid {
        header,
        numeric,
        rows,
        footer,
    }
}

/// Preferred classes down, exit values across: payout, and whether the class converted.
fn class_grid(outcome: &Outcome, symbol: &str) -> Grid {
    let mut header = vec!["Class".to_string()];
    header.extend(
        outcome
            .exits
            .iter()
            .map(|e| format!("at {}", format::money(e.value, symbol))),
    );
    let classes = outcome.exits.first().map_or(0, |e| e.classes.len());
    let rows = (0..classes)
        .map(|i| {
            let mut row = vec![outcome.exits[0].classes[i].class.clone()];
            for e in &outcome.exits {
                let c = &e.classes[i];
                // Not converted: paid as preferred (its preference, and its participation
                // if it participates), which "preference" alone would understate.
                let how = if c.converted { "converted" } else { "as preferred" };
                row.push(format!("{} ({how})", format::money(c.amount, symbol)));
            }
            row
        })
        .collect();
    let numeric = (0..header.len()).map(|i| i > 0).collect();
    Grid {
        header,
        numeric,
        rows,
        footer: None,
    }
}

fn round_facts(r: &RoundOutcome, symbol: &str) -> Vec<(String, String)> {
    let mut facts = vec![
        ("Pre-money".to_string(), format::money(r.pre_money, symbol)),
        ("New money".to_string(), format::money(r.amount, symbol)),
        ("Post-money".to_string(), format::money(r.post_money, symbol)),
    ];
    if let Some(p) = r.price {
        facts.push(("Price per share".into(), format::price(p, symbol)));
    }
    if let Some(n) = r.new_shares {
        facts.push(("New shares".into(), format::shares(n)));
    }
    if let Some(p) = r.pool_increase {
        facts.push(("Pool increase".into(), format::shares(p)));
    }
    facts
}

fn conversion_grid(r: &RoundOutcome, mode: Mode, symbol: &str) -> Grid {
    let shares = mode == Mode::Shares;
    let mut header = vec!["Converts", "Investor", "Amount", "Term"];
    if shares {
        header.extend(["Price", "Shares"]);
    }
    header.extend(["Ownership", "Implied post-money"]);
    let rows = r
        .conversion_rows()
        .into_iter()
        .map(|c| {
            let mut row = vec![
                c.instrument.to_string(),
                c.investor.to_string(),
                format::money(c.amount, symbol),
                c.term.to_string(),
            ];
            if shares {
                row.push(c.price.map(|p| format::price(p, symbol)).unwrap_or_default());
                row.push(c.shares.map(format::shares).unwrap_or_default());
            }
            row.push(format::percent(c.ownership));
            row.push(
                c.implied_post_money
                    .map(|v| format::money(v, symbol))
                    .unwrap_or_else(|| "—".into()),
            );
            row
        })
        .collect();
    let numeric = header
        .iter()
        .map(|h| !matches!(*h, "Converts" | "Investor" | "Term"))
        .collect();
    Grid {
        header: header.into_iter().map(String::from).collect(),
        numeric,
        rows,
        footer: None,
    }
}

fn adjustment_grid(r: &RoundOutcome, symbol: &str) -> Grid {
    let header = [
        "Anti-dilution: class",
        "Conversion price before",
        "after",
        "Extra as-converted shares",
    ];
    let rows = r
        .adjustments
        .iter()
        .map(|a| {
            vec![
                a.class.clone(),
                format::price(a.before, symbol),
                format::price(a.after, symbol),
                format::shares(a.extra_shares),
            ]
        })
        .collect();
    Grid {
        header: header.iter().map(|h| h.to_string()).collect(),
        numeric: vec![false, true, true, true],
        rows,
        footer: None,
    }
}

fn tranche_grid(r: &RoundOutcome, mode: Mode, symbol: &str) -> Grid {
    let shares = mode == Mode::Shares;
    let mut header = vec!["Investor", "Label", "Amount"];
    if shares {
        header.push("Shares");
    }
    header.extend(["Ownership bought", "Implied post-money"]);
    let rows = r
        .tranche_rows()
        .into_iter()
        .map(|t| {
            let mut row = vec![
                t.investor.to_string(),
                t.label.unwrap_or_default(),
                format::money(t.amount, symbol),
            ];
            if shares {
                row.push(t.shares.map(format::shares).unwrap_or_default());
            }
            row.push(format::percent(t.ownership));
            row.push(
                t.implied_post_money
                    .map(|v| format::money(v, symbol))
                    .unwrap_or_else(|| "—".into()),
            );
            row
        })
        .collect();
    let numeric = header.iter().map(|h| !matches!(*h, "Investor" | "Label")).collect();
    Grid {
        header: header.into_iter().map(String::from).collect(),
        numeric,
        rows,
        footer: None,
    }
}

fn holder_grid(rows: &[HolderRow], mode: Mode, symbol: &str) -> Grid {
    let shares = mode == Mode::Shares;
    let mut header = vec!["Holder", "Kind"];
    if shares {
        header.extend(["Shares before", "Shares after"]);
    }
    header.extend(["Owned before", "Owned after", "Dilution", "Value"]);
    let body = rows
        .iter()
        .map(|h| {
            let mut row = vec![h.name.clone(), h.kind.as_str().to_string()];
            if shares {
                row.push(h.shares_before.map(format::shares).unwrap_or_default());
                row.push(h.shares_after.map(format::shares).unwrap_or_default());
            }
            row.push(format::percent(h.ownership_before));
            row.push(format::percent(h.ownership_after));
            row.push(h.dilution.map_or_else(|| "new".to_string(), format::percent));
            row.push(
                h.value_after
                    .map(|v| format::money(v, symbol))
                    .unwrap_or_else(|| "—".into()),
            );
            row
        })
        .collect();
    let numeric = header.iter().map(|h| !matches!(*h, "Holder" | "Kind")).collect();
    Grid {
        header: header.into_iter().map(String::from).collect(),
        numeric,
        rows: body,
        footer: None,
    }
}

fn totals(outcome: &Outcome, last: &RoundOutcome, symbol: &str) -> Vec<String> {
    let mut row = vec!["Total".to_string(), String::new()];
    if outcome.mode == Mode::Shares {
        let first_total = outcome.rounds.first().and_then(|r| r.total_before);
        row.push(first_total.map(format::shares).unwrap_or_default());
        row.push(last.total_after.map(format::shares).unwrap_or_default());
    }
    row.extend([
        "100.00%".to_string(),
        "100.00%".to_string(),
        String::new(),
        format::money(last.post_money, symbol),
    ]);
    row
}
