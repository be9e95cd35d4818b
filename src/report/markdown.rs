//! Markdown for pull requests and docs: the same blocks as the terminal report.

use super::blocks::{Block, Grid};
use std::fmt::Write as _;

pub fn render(blocks: &[Block]) -> String {
    let mut out = String::new();
    for block in blocks {
        render_block(&mut out, block);
    }
    out
}

/// Draws one block, appending it to `out`.
pub fn render_block(out: &mut String, block: &Block) {
    {
        match block {
            Block::Title(t) => {
                let _ = writeln!(out, "# {}\n", escape(t));
            }
            Block::Text(t) => {
                let _ = writeln!(out, "{t}\n");
            }
            Block::Heading(h) => {
                let _ = writeln!(out, "## {}\n", escape(h));
            }
            Block::Facts(facts) => {
                for (k, v) in facts {
                    let _ = writeln!(out, "- **{}**: {}", escape(k), escape(v));
                }
                out.push('\n');
            }
            Block::Grid(g) => grid(out, g),
        }
    }
}

fn grid(out: &mut String, g: &Grid) {
    let line = |cells: &[String]| {
        format!(
            "| {} |",
            cells.iter().map(|c| escape(c)).collect::<Vec<_>>().join(" | ")
        )
    };
    let _ = writeln!(out, "{}", line(&g.header));
    let rule: Vec<String> = g
        .numeric
        .iter()
        .map(|&n| if n { "---:".to_string() } else { "---".to_string() })
        .collect();
    let _ = writeln!(out, "|{}|", rule.join("|"));
    for row in &g.rows {
        let _ = writeln!(out, "{}", line(row));
    }
    if let Some(footer) = &g.footer {
        let bold: Vec<String> = footer
            .iter()
            .map(|c| {
                if c.is_empty() {
                    String::new()
                } else {
                    format!("**{c}**")
                }
            })
            .collect();
        let _ = writeln!(out, "{}", line(&bold));
    }
    out.push('\n');
}

/// A cell's text with `|` escaped, so that it stays one cell.
pub fn escape(text: &str) -> String {
    text.replace('|', "\\|")
}
