//! `[exit]`: the proceeds to distribute, and after which round.

use super::reader::{self, Problems, Table};
use crate::engine::Exit;
use toml::de::DeValue;

pub fn read(top: &Table, round_names: &[String], p: &mut Problems) -> Option<Exit> {
    let (entries, span) = top.table("exit", p)?;
    let t = Table::new(entries, span.clone(), "[exit]");
    t.check_keys(&["values", "after"], p);
    let mut values = Vec::new();
    match t.get("values") {
        Some(node) => match node.get_ref() {
            DeValue::Array(items) if !items.is_empty() => {
                for item in items.iter() {
                    if let Some(v) = reader::money("values", item, p) {
                        values.push(v.value);
                    }
                }
            }
            _ => p.at(
                node.span(),
                "`values` must be a list of exit values",
                Some("write `values = [\"500M\", \"1B\"]`".into()),
            ),
        },
        None => t.missing("values", "[\"500M\", \"1B\"]", p),
    }
    let after = match t.string("after", p) {
        Some((name, s)) => match round_names.iter().position(|n| *n == name) {
            Some(i) => Some(i),
            None => {
                let names = round_names.iter().map(String::as_str);
                let hint =
                    crate::diagnostic::name_hint(&name, names, "the rounds are", "the scenario has no [[round]]");
                p.at(s, format!("`after` names no round: \"{name}\""), Some(hint));
                None
            }
        },
        None => None,
    };
    Some(Exit { values, after, span })
}
