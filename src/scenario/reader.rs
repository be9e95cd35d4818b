//! Reading the spanned TOML tree: typed getters that record every problem instead of
//! stopping at the first, and unknown-key checks with "did you mean".

use super::value::{self, Parsed, ValueError};
use crate::diagnostic::{did_you_mean, Diagnostic};
use rust_decimal::Decimal;
use std::ops::Range;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

pub type Node<'i> = Spanned<DeValue<'i>>;

/// The problems found so far in one file.
#[derive(Default, Debug)]
pub struct Problems {
    pub list: Vec<Diagnostic>,
}

impl Problems {
    pub fn push(&mut self, d: Diagnostic) {
        self.list.push(d);
    }

    pub fn at(&mut self, span: Range<usize>, message: impl Into<String>, hint: Option<String>) {
        self.list.push(Diagnostic {
            span: Some(span),
            message: message.into(),
            hint,
        });
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    fn value_error(&mut self, key: &str, node: &Node, e: ValueError) {
        self.at(node.span(), format!("`{key}`: {}", e.message), e.hint);
    }
}

/// A table being read: its span, what it is called in messages, and its entries.
pub struct Table<'a, 'i> {
    pub entries: &'a DeTable<'i>,
    pub span: Range<usize>,
    pub context: String,
}

impl<'a, 'i> Table<'a, 'i> {
    pub fn new(entries: &'a DeTable<'i>, span: Range<usize>, context: impl Into<String>) -> Self {
        Table {
            entries,
            span,
            context: context.into(),
        }
    }

    /// Reports every key not in `known`, suggesting the closest known one.
    pub fn check_keys(&self, known: &[&str], p: &mut Problems) {
        for key in self.entries.keys() {
            let name: &str = key.get_ref();
            if known.contains(&name) {
                continue;
            }
            let hint = match did_you_mean(name, known.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("the keys of {} are: {}", self.context, known.join(", ")),
            };
            p.at(
                key.span(),
                format!("unknown key `{name}` in {}", self.context),
                Some(hint),
            );
        }
    }

    pub fn get(&self, key: &str) -> Option<&'a Node<'i>> {
        self.entries.get(key)
    }

    /// The span of a key itself (for "two valuations" and similar messages).
    pub fn key_span(&self, key: &str) -> Option<Range<usize>> {
        self.entries.get_key_value(key).map(|(k, _)| k.span())
    }

    pub fn missing(&self, key: &str, example: &str, p: &mut Problems) {
        p.at(
            self.span.clone(),
            format!("{} is missing `{key}`", self.context),
            Some(format!("add `{key} = {example}`")),
        );
    }

    pub fn string(&self, key: &str, p: &mut Problems) -> Option<(String, Range<usize>)> {
        let node = self.get(key)?;
        match node.get_ref() {
            DeValue::String(s) => Some((s.to_string(), node.span())),
            _ => {
                p.at(
                    node.span(),
                    format!("`{key}` must be a string"),
                    Some(format!("write `{key} = \"...\"`")),
                );
                None
            }
        }
    }

    /// A required, non-empty string.
    pub fn name(&self, key: &str, p: &mut Problems) -> Option<(String, Range<usize>)> {
        if self.get(key).is_none() {
            self.missing(key, "\"...\"", p);
            return None;
        }
        let (s, span) = self.string(key, p)?;
        if s.trim().is_empty() {
            p.at(span, format!("`{key}` is empty"), Some("give it a name".into()));
            return None;
        }
        Some((s, span))
    }

    pub fn boolean(&self, key: &str, p: &mut Problems) -> Option<bool> {
        let node = self.get(key)?;
        match node.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            _ => {
                p.at(
                    node.span(),
                    format!("`{key}` must be true or false"),
                    Some(format!("write `{key} = true`")),
                );
                None
            }
        }
    }

    /// One of a fixed set of words, with "did you mean" for near misses.
    pub fn choice<T: Copy>(&self, key: &str, options: &[(&str, T)], p: &mut Problems) -> Option<T> {
        let (s, span) = self.string(key, p)?;
        if let Some((_, v)) = options.iter().find(|(name, _)| *name == s) {
            return Some(*v);
        }
        let names: Vec<&str> = options.iter().map(|(n, _)| *n).collect();
        let hint = match did_you_mean(&s, names.iter().copied()) {
            Some(n) => format!("did you mean \"{n}\"?"),
            None => format!("one of: {}", names.join(", ")),
        };
        p.at(span, format!("`{key}` cannot be \"{s}\""), Some(hint));
        None
    }

    pub fn money(&self, key: &str, p: &mut Problems) -> Option<Parsed> {
        let node = self.get(key)?;
        money(key, node, p)
    }

    pub fn shares(&self, key: &str, p: &mut Problems) -> Option<Parsed> {
        let node = self.get(key)?;
        number(key, node, p, value::shares_text, SHARES_EXAMPLES)
    }

    pub fn percent(&self, key: &str, p: &mut Problems) -> Option<Parsed> {
        let node = self.get(key)?;
        percent(key, node, p)
    }

    pub fn multiple(&self, key: &str, p: &mut Problems) -> Option<Parsed> {
        let node = self.get(key)?;
        number(key, node, p, value::multiple_text, MULTIPLE_EXAMPLES)
    }

    pub fn integer(&self, key: &str, range: Range<i64>, p: &mut Problems) -> Option<i64> {
        let node = self.get(key)?;
        let n = match node.get_ref() {
            DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix()).ok(),
            _ => None,
        };
        let (first, last) = (range.start, range.end - 1);
        let hint = match (n, node.get_ref()) {
            // Out of range: the nearest allowed value is the likely fix.
            (Some(n), _) => format!("write `{key} = {}`", n.clamp(first, last)),
            (None, DeValue::String(s)) => match s.trim().parse::<i64>() {
                Ok(n) if range.contains(&n) => format!("write it without quotes: `{key} = {n}`"),
                _ => format!(
                    "write a whole number without quotes, like `{key} = {}`",
                    first.max(1).min(last)
                ),
            },
            (None, _) => format!("write a whole number, like `{key} = {}`", first.max(1).min(last)),
        };
        match n {
            Some(n) if range.contains(&n) => Some(n),
            _ => {
                p.at(
                    node.span(),
                    format!("`{key}` must be a whole number from {first} to {last}"),
                    Some(hint),
                );
                None
            }
        }
    }

    pub fn date(&self, key: &str, p: &mut Problems) -> Option<toml::value::Date> {
        let node = self.get(key)?;
        match node.get_ref() {
            DeValue::Datetime(dt) if dt.time.is_none() && dt.offset.is_none() => dt.date.map(|d| toml::value::Date {
                year: d.year,
                month: d.month,
                day: d.day,
            }),
            _ => {
                p.at(
                    node.span(),
                    format!("`{key}` must be a date"),
                    Some(format!("write `{key} = 2026-03-31` (no quotes)")),
                );
                None
            }
        }
    }

    /// An array of tables, each with its span; a single table is refused with a hint.
    pub fn tables(&self, key: &str, p: &mut Problems) -> Vec<(&'a DeTable<'i>, Range<usize>)> {
        let Some(node) = self.get(key) else {
            return Vec::new();
        };
        match node.get_ref() {
            DeValue::Array(items) => {
                let mut out = Vec::new();
                for item in items.iter() {
                    match item.get_ref() {
                        DeValue::Table(t) => out.push((t, item.span())),
                        _ => p.at(
                            item.span(),
                            format!("each `{key}` must be a table"),
                            Some(format!("write [[{key}]] blocks")),
                        ),
                    }
                }
                out
            }
            _ => {
                p.at(
                    node.span(),
                    format!("`{key}` must be written as [[{key}]]"),
                    Some(format!("use [[{key}]] (double brackets), one per entry")),
                );
                Vec::new()
            }
        }
    }

    /// A single sub-table such as [rounding].
    pub fn table(&self, key: &str, p: &mut Problems) -> Option<(&'a DeTable<'i>, Range<usize>)> {
        let node = self.get(key)?;
        match node.get_ref() {
            DeValue::Table(t) => Some((t, node.span())),
            _ => {
                p.at(
                    node.span(),
                    format!("`{key}` must be a table"),
                    Some(format!("write a [{key}] section")),
                );
                None
            }
        }
    }
}

/// Two ways of writing a value of one kind, for hints: a bare number and a string.
type Examples = (&'static str, &'static str);
const MONEY_EXAMPLES: Examples = ("5_000_000", "\"5M\"");
const SHARES_EXAMPLES: Examples = ("4_500_000", "\"1176470.5\"");
const MULTIPLE_EXAMPLES: Examples = ("1", "\"1x\"");

/// What a TOML value is, in words, for "must be a number" messages.
fn type_name(v: &DeValue) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "a whole number",
        DeValue::Float(_) => "a number",
        DeValue::Boolean(_) => "true or false",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "a list",
        DeValue::Table(_) => "a table",
    }
}

fn number(
    key: &str,
    node: &Node,
    p: &mut Problems,
    text: fn(&str) -> Result<Parsed, ValueError>,
    examples: Examples,
) -> Option<Parsed> {
    let result = match node.get_ref() {
        DeValue::String(s) => text(s),
        DeValue::Integer(i) => integer_value(i.as_str(), i.radix()),
        DeValue::Float(f) => value::float_text(f.as_str()),
        other => {
            p.at(
                node.span(),
                format!("`{key}` must be a number or a string, not {}", type_name(other)),
                Some(format!("write `{key} = {}` or `{key} = {}`", examples.0, examples.1)),
            );
            return None;
        }
    };
    match result {
        Ok(v) => Some(v),
        Err(e) => {
            p.value_error(key, node, e);
            None
        }
    }
}

fn integer_value(digits: &str, radix: u32) -> Result<Parsed, ValueError> {
    match i128::from_str_radix(digits, radix) {
        Ok(n) if n < 0 => Err(ValueError {
            message: format!("{n} is negative"),
            hint: Some("remove the minus sign: amounts and share counts are zero or more".into()),
        }),
        Ok(n) => match Decimal::try_from_i128_with_scale(n, 0) {
            Ok(v) if v <= value::limit() => Ok(Parsed {
                value: v,
                unit: Decimal::ONE,
            }),
            _ => Err(value::too_large(digits)),
        },
        Err(_) => Err(value::too_large(digits)),
    }
}

pub fn money(key: &str, node: &Node, p: &mut Problems) -> Option<Parsed> {
    number(key, node, p, value::money_text, MONEY_EXAMPLES)
}

pub fn percent(key: &str, node: &Node, p: &mut Problems) -> Option<Parsed> {
    match node.get_ref() {
        DeValue::String(s) => match value::percent_text(s) {
            Ok(v) => Some(v),
            Err(e) => {
                p.value_error(key, node, e);
                None
            }
        },
        DeValue::Integer(_) | DeValue::Float(_) => {
            let raw = match node.get_ref() {
                DeValue::Integer(i) => i.as_str().to_string(),
                DeValue::Float(f) => f.as_str().to_string(),
                _ => String::new(),
            };
            let shown = value::plain_number(&raw).map_or(raw.clone(), |n| value::suggest_percent(n.value));
            p.at(
                node.span(),
                format!("`{key}` is a percent, and {raw} is a bare number"),
                Some(format!("write `{key} = \"{shown}%\"`")),
            );
            None
        }
        _ => {
            p.at(
                node.span(),
                format!("`{key}` must be a percent"),
                Some(format!("write `{key} = \"20%\"`")),
            );
            None
        }
    }
}
