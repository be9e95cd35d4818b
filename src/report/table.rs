//! Terminal tables (comfy-table). The caller decides colour and width; nothing here
//! looks at the terminal or the environment.

use super::blocks::{Block, Grid};
use comfy_table::{presets, Attribute, Cell, CellAlignment, Color, ContentArrangement, Table};
use std::fmt::Write as _;

#[derive(Clone, Copy, Debug, Default)]
pub struct Style {
    pub color: bool,
    /// Terminal width to fit tables into; `None` draws them at their natural width.
    pub width: Option<u16>,
}

pub fn render(blocks: &[Block], style: Style) -> String {
    let mut out = String::new();
    for block in blocks {
        render_block(&mut out, block, style);
    }
    out
}

/// Draws one block, appending it to `out`.
pub fn render_block(out: &mut String, block: &Block, style: Style) {
    {
        match block {
            Block::Title(t) => {
                let _ = writeln!(out, "{}", paint(t, style, true));
                let _ = writeln!(out, "{}", "=".repeat(t.chars().count()));
            }
            Block::Text(t) => {
                let _ = writeln!(out, "{t}");
            }
            Block::Heading(h) => {
                let _ = writeln!(out, "\n{}", paint(h, style, true));
            }
            Block::Facts(facts) => {
                let width = facts.iter().map(|(k, _)| k.chars().count()).max().unwrap_or(0);
                for (k, v) in facts {
                    let _ = writeln!(out, "  {k:<width$}  {v}");
                }
            }
            Block::Grid(g) => {
                let _ = writeln!(out, "{}", grid(g, style));
            }
        }
    }
}

fn paint(text: &str, style: Style, bold: bool) -> String {
    if style.color && bold {
        format!("\u{1b}[1m{text}\u{1b}[0m")
    } else {
        text.to_string()
    }
}

fn grid(g: &Grid, style: Style) -> String {
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED);
    if !style.color {
        t.force_no_tty();
    } else {
        t.enforce_styling();
    }
    match style.width {
        Some(w) => {
            t.set_width(w);
            t.set_content_arrangement(ContentArrangement::Dynamic);
        }
        None => {
            t.set_content_arrangement(ContentArrangement::Disabled);
        }
    }
    t.set_header(g.header.iter().map(|h| {
        let c = Cell::new(h);
        if style.color {
            c.add_attribute(Attribute::Bold).fg(Color::Cyan)
        } else {
            c
        }
    }));
    let align = |i: usize| {
        if g.numeric.get(i).copied().unwrap_or(false) {
            CellAlignment::Right
        } else {
            CellAlignment::Left
        }
    };
    for row in &g.rows {
        t.add_row(
            row.iter()
                .enumerate()
                .map(|(i, v)| Cell::new(v).set_alignment(align(i))),
        );
    }
    if let Some(footer) = &g.footer {
        t.add_row(footer.iter().enumerate().map(|(i, v)| {
            let c = Cell::new(v).set_alignment(align(i));
            if style.color {
                c.add_attribute(Attribute::Bold)
            } else {
                c
            }
        }));
    }
    t.to_string()
}
