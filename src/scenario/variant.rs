//! Variants and `--set`: change values in the parsed tree by path before it is read.
//!
//! A path is dot-separated keys; `key[N]` picks the Nth element (from 0) and `key[NAME]`
//! the element whose `name` (or, for tranches, `investor`) is NAME:
//! `round[Series A].tranche[Amazon].amount`.

use super::reader::{Node, Problems, Table};
use super::rounds::VALUATION_KEYS;
use std::borrow::Cow;
use std::ops::Range;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    Key(String),
    Index(usize),
    Named(String),
}

/// Splits a path into steps; `None` if it is malformed.
pub fn parse_path(path: &str) -> Option<Vec<Step>> {
    let mut steps = Vec::new();
    let mut rest = path.trim();
    while !rest.is_empty() {
        let end = rest.find(['.', '[']).unwrap_or(rest.len());
        let key = rest[..end].trim();
        if key.is_empty() {
            return None;
        }
        steps.push(Step::Key(key.to_string()));
        rest = &rest[end..];
        while let Some(inner) = rest.strip_prefix('[') {
            let close = inner.find(']')?;
            let selector = inner[..close].trim();
            if selector.is_empty() {
                return None;
            }
            steps.push(match selector.parse::<usize>() {
                Ok(n) => Step::Index(n),
                Err(_) => Step::Named(selector.to_string()),
            });
            rest = &inner[close + 1..];
        }
        if let Some(after) = rest.strip_prefix('.') {
            if after.is_empty() {
                return None;
            }
            rest = after;
        } else if !rest.is_empty() {
            return None;
        }
    }
    (!steps.is_empty()).then_some(steps)
}

/// Sets `value` at `path` in `root`. Setting one valuation key of a round removes the others.
///
/// A missing table on the way is created (`rounding.price_decimals` works without a
/// `[rounding]`); a missing or ambiguous list element is an error that names the choices.
pub fn set<'i>(root: &mut DeTable<'i>, path: &str, value: Node<'i>) -> Result<(), String> {
    let steps = parse_path(path).ok_or_else(|| {
        format!("`{path}` is not a path like `round[0].pre_money` or `round[Seed].tranche[Amazon].amount`")
    })?;
    let (last, parents) = match steps.split_last() {
        Some((Step::Key(k), parents)) => (k.clone(), parents),
        _ => return Err(format!("`{path}` must end with a key, like `.amount`")),
    };
    let mut table: &mut DeTable<'i> = root;
    let mut walked = String::new();
    let mut i = 0;
    while i < parents.len() {
        let Step::Key(key) = &parents[i] else {
            return Err(format!("`{path}`: a selector must follow a key"));
        };
        walked.push_str(key);
        let selector = match parents.get(i + 1) {
            Some(s @ (Step::Index(_) | Step::Named(_))) => Some(s),
            _ => None,
        };
        if table.get(key.as_str()).is_none() {
            if selector.is_some() {
                return Err(format!("`{path}`: there is no `{walked}` in the scenario"));
            }
            // A missing table on the way is created, as TOML's dotted keys would.
            table.insert(
                Spanned::new(value.span(), Cow::Owned(key.clone())),
                Spanned::new(value.span(), DeValue::Table(DeTable::new())),
            );
        }
        let node = table
            .get_mut(key.as_str())
            .ok_or_else(|| format!("`{path}`: there is no `{walked}` in the scenario"))?;
        match (node.get_mut(), selector) {
            (DeValue::Array(items), Some(selector)) => {
                let found = select(items, selector, path, &walked)?;
                walked.push_str(&describe(selector));
                match found.get_mut() {
                    DeValue::Table(t) => table = t,
                    _ => return Err(format!("`{path}`: `{walked}` is not a table")),
                }
                i += 2;
            }
            (DeValue::Table(t), None) => {
                table = t;
                i += 1;
            }
            (DeValue::Table(_), Some(selector)) => {
                return Err(format!(
                    "`{path}`: `{walked}` is a table, not a list: write `{walked}.…` without `{}`",
                    describe(selector)
                ))
            }
            (DeValue::Array(_), None) => {
                return Err(format!(
                    "`{path}`: `{walked}` is a list: pick an element, like `{walked}[0]`"
                ))
            }
            _ => return Err(format!("`{path}`: `{walked}` is a single value, not a table")),
        }
        walked.push('.');
    }
    if VALUATION_KEYS.contains(&last.as_str()) {
        for other in VALUATION_KEYS {
            table.remove(other);
        }
    }
    let key_span = value.span();
    table.insert(Spanned::new(key_span, Cow::Owned(last)), value);
    Ok(())
}

fn describe(selector: &Step) -> String {
    match selector {
        Step::Index(n) => format!("[{n}]"),
        Step::Named(name) => format!("[{name}]"),
        Step::Key(k) => k.clone(),
    }
}

/// The one element of `items` that `selector` picks; none or several is an error.
fn select<'a, 'i>(
    items: &'a mut [Node<'i>],
    selector: &Step,
    path: &str,
    walked: &str,
) -> Result<&'a mut Node<'i>, String> {
    match selector {
        Step::Index(n) => {
            let len = items.len();
            items.get_mut(*n).ok_or_else(|| match len {
                0 => format!("`{path}`: `{walked}[{n}]` matches nothing: `{walked}` is empty"),
                1 => format!("`{path}`: `{walked}[{n}]` matches nothing: there is one, `{walked}[0]`"),
                _ => format!(
                    "`{path}`: `{walked}[{n}]` matches nothing: there are {len}, `{walked}[0]` to `{walked}[{}]`",
                    len - 1
                ),
            })
        }
        Step::Named(name) => {
            let matching: Vec<usize> = items
                .iter()
                .enumerate()
                .filter(|(_, item)| element_name(item) == Some(name.as_str()))
                .map(|(k, _)| k)
                .collect();
            match matching.as_slice() {
                [k] => Ok(&mut items[*k]),
                [] => {
                    let names: Vec<String> = items
                        .iter()
                        .filter_map(|item| element_name(item))
                        .map(|n| format!("\"{n}\""))
                        .collect();
                    let known = if names.is_empty() {
                        String::new()
                    } else {
                        format!("; the names are {}", names.join(", "))
                    };
                    Err(format!("`{path}`: `{walked}[{name}]` matches nothing{known}"))
                }
                several => Err(format!(
                    "`{path}`: `{walked}[{name}]` matches {} elements; pick one by position: {}",
                    several.len(),
                    several
                        .iter()
                        .map(|k| format!("`{walked}[{k}]`"))
                        .collect::<Vec<_>>()
                        .join(" or ")
                )),
            }
        }
        Step::Key(_) => Err(format!("`{path}`: a selector must follow `{walked}`")),
    }
}

fn element_name<'a>(item: &'a Node) -> Option<&'a str> {
    let DeValue::Table(t) = item.get_ref() else { return None };
    ["name", "investor"]
        .iter()
        .find_map(|k| match t.get(*k).map(|n| n.get_ref()) {
            Some(DeValue::String(s)) => Some(s.as_ref()),
            _ => None,
        })
}

/// A variant as written: its name, description and the (path, value) pairs it sets.
#[derive(Clone, Debug)]
pub struct VariantDef<'i> {
    pub name: String,
    pub description: Option<String>,
    pub span: Range<usize>,
    pub sets: Vec<(String, Range<usize>, Node<'i>)>,
}

pub fn read<'i>(top: &Table<'_, 'i>, p: &mut Problems) -> Vec<VariantDef<'i>> {
    let mut out = Vec::new();
    let mut names = std::collections::HashSet::new();
    for (entries, span) in top.tables("variant", p) {
        let t = Table::new(entries, span.clone(), "[[variant]]");
        t.check_keys(&["name", "description", "set"], p);
        let Some((name, name_span)) = t.name("name", p) else {
            continue;
        };
        if !names.insert(name.clone()) {
            p.at(
                name_span,
                format!("variant \"{name}\" is named twice"),
                Some("variant names must be unique".into()),
            );
        }
        let description = t.string("description", p).map(|(d, _)| d);
        let mut sets = Vec::new();
        match t.get("set").map(|n| n.get_ref()) {
            Some(DeValue::Table(entries)) => {
                for (k, v) in entries.iter() {
                    sets.push((k.get_ref().to_string(), k.span(), v.clone()));
                }
            }
            Some(_) => {
                if let Some(s) = t.key_span("set") {
                    p.at(
                        s,
                        "`set` must be a table of paths and values",
                        Some("write `set = { \"round[0].post_money\" = \"800B\" }`".into()),
                    );
                }
            }
            None => t.missing("set", "{ \"round[0].pre_money\" = \"10M\" }", p),
        }
        out.push(VariantDef {
            name,
            description,
            span,
            sets,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_parse() {
        assert_eq!(
            parse_path("round[Series A].tranche[Amazon].amount").unwrap(),
            vec![
                Step::Key("round".into()),
                Step::Named("Series A".into()),
                Step::Key("tranche".into()),
                Step::Named("Amazon".into()),
                Step::Key("amount".into())
            ]
        );
        assert_eq!(parse_path("round[0].post_money").unwrap().len(), 3);
        for bad in ["", "round[", "round[]", ".x", "x.", "round[0]x"] {
            assert!(parse_path(bad).is_none(), "{bad}");
        }
    }
}
