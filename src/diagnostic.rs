//! Every problem with an input is rendered one way: `file:line:column: message`, the
//! offending source line with a marker under the offending text, and a hint.

use std::fmt::Write as _;
use std::ops::Range;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Byte range in the source; `None` for problems with the file as a whole.
    pub span: Option<Range<usize>>,
    pub message: String,
    pub hint: Option<String>,
}

/// An engine error is a diagnostic at its place in the file.
impl From<crate::engine::EngineError> for Diagnostic {
    fn from(e: crate::engine::EngineError) -> Self {
        Diagnostic {
            span: Some(e.span),
            message: e.message,
            hint: e.hint,
        }
    }
}

impl Diagnostic {
    pub fn at(span: Range<usize>, message: impl Into<String>) -> Self {
        Diagnostic {
            span: Some(span),
            message: message.into(),
            hint: None,
        }
    }

    pub fn whole_file(message: impl Into<String>) -> Self {
        Diagnostic {
            span: None,
            message: message.into(),
            hint: None,
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

/// Characters of a long source line shown on each side of the offending column.
const WINDOW: usize = 80;

/// 1-based line and column (in characters) of a byte offset.
pub fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(source, offset.min(source.len()));
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = source[line_start..offset].chars().count() + 1;
    (line, column)
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Renders diagnostics for one file, in source order, each with its line and marker.
pub fn render(file: &str, source: &str, diagnostics: &[Diagnostic]) -> String {
    let mut sorted: Vec<&Diagnostic> = diagnostics.iter().collect();
    sorted.sort_by_key(|d| d.span.as_ref().map_or(0, |s| s.start));
    let mut out = String::new();
    for d in sorted {
        render_one(&mut out, file, source, d);
    }
    out
}

fn render_one(out: &mut String, file: &str, source: &str, d: &Diagnostic) {
    let Some(span) = &d.span else {
        let _ = writeln!(out, "{file}: {}", d.message);
        if let Some(hint) = &d.hint {
            let _ = writeln!(out, "  = hint: {hint}");
        }
        return;
    };
    let (line, column) = line_column(source, span.start);
    let _ = writeln!(out, "{file}:{line}:{column}: {}", d.message);
    let start = floor_char_boundary(source, span.start.min(source.len()));
    let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = source[start..].find('\n').map_or(source.len(), |i| start + i);
    let gutter = line.to_string().len();
    let end = floor_char_boundary(source, span.end.clamp(start, line_end));
    let width = source[start..end].chars().count().clamp(1, WINDOW);
    // A very long line (generated files, deep nesting) is shown as a window around the
    // offending column, marked with … where it is cut.
    let before: Vec<char> = source[line_start..start].chars().collect();
    let after = source[start..line_end].trim_end_matches('\r');
    let cut_left = before.len().saturating_sub(WINDOW / 2);
    let shown_before: String = before[cut_left..].iter().collect();
    let shown_after: String = after.chars().take(WINDOW).collect();
    let (left, right) = (
        if cut_left > 0 { "…" } else { "" },
        if after.chars().nth(WINDOW).is_some() { "…" } else { "" },
    );
    let text = format!("{left}{shown_before}{shown_after}{right}");
    let pad: String = left
        .chars()
        .chain(shown_before.chars())
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    let _ = writeln!(out, "{:gutter$} |", "");
    let _ = writeln!(out, "{line} | {text}");
    let _ = writeln!(out, "{:gutter$} | {pad}{}", "", "^".repeat(width));
    if let Some(hint) = &d.hint {
        let _ = writeln!(out, "{:gutter$} = hint: {hint}", "");
    }
}

/// The hint for a name that matches nothing: "did you mean …?" when one is close, else
/// `intro` and the names (`intro: "a", "b"`), else `if_none` when there are none.
pub fn name_hint<'a>(word: &str, names: impl Iterator<Item = &'a str> + Clone, intro: &str, if_none: &str) -> String {
    if let Some(near) = did_you_mean(word, names.clone()) {
        return format!("did you mean \"{near}\"?");
    }
    let list: Vec<String> = names.map(|n| format!("\"{n}\"")).collect();
    if list.is_empty() {
        if_none.to_string()
    } else {
        format!("{intro}: {}", list.join(", "))
    }
}

/// The closest of `candidates` to `word`, if it is close enough to be a likely typo, or
/// else the only candidate that starts with `word` (a name cut short: "10M post" for
/// "10M post-money").
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word_lower = word.to_lowercase();
    let candidates: Vec<&'a str> = candidates.into_iter().collect();
    let closest = candidates
        .iter()
        .map(|c| (edit_distance(&word_lower, &c.to_lowercase()), *c))
        .filter(|(d, c)| *d <= 2.max(c.chars().count() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c);
    if closest.is_some() || word_lower.chars().count() < 3 {
        return closest;
    }
    let mut starting = candidates.iter().filter(|c| c.to_lowercase().starts_with(&word_lower));
    match (starting.next(), starting.next()) {
        (Some(only), None) => Some(*only),
        _ => None,
    }
}

/// Optimal string alignment distance (Levenshtein plus adjacent transpositions).
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().take(64).collect();
    let b: Vec<char> = b.chars().take(64).collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_location_line_marker_and_hint() {
        let src = "title = \"x\"\npre_mony = \"15M\"\n";
        let d = Diagnostic::at(12..20, "unknown key `pre_mony`").hint("did you mean `pre_money`?");
        assert_eq!(
            render("f.toml", src, &[d]),
            "f.toml:2:1: unknown key `pre_mony`\n  |\n2 | pre_mony = \"15M\"\n  | ^^^^^^^^\n  = hint: did you mean `pre_money`?\n"
        );
    }

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(did_you_mean("pre_mony", ["pre_money", "post_money"]), Some("pre_money"));
        assert_eq!(did_you_mean("zzz", ["pre_money", "post_money"]), None);
    }

    #[test]
    fn suggests_the_only_name_a_short_word_begins() {
        assert_eq!(
            did_you_mean("10M-post", ["10M-post-money", "base"]),
            Some("10M-post-money")
        );
        assert_eq!(did_you_mean("pool", ["pool_target", "pool_increase"]), None);
        assert_eq!(did_you_mean("p", ["pre_money"]), None);
    }

    #[test]
    fn columns_count_characters() {
        assert_eq!(line_column("é = 1\nab", 7), (2, 1));
        assert_eq!(line_column("é = 1", 3), (1, 3));
    }
}
