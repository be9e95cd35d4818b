//! Scenario files: TOML text → a validated `Document` (metadata, the engine's `Scenario`,
//! expectations and variants), with every problem in the file reported at once.

pub mod classes;
pub mod convertibles;
pub mod exit;
pub mod expect;
pub mod holders;
pub mod reader;
pub mod rounds;
pub mod settings;
pub mod value;
pub mod variant;

use crate::diagnostic::{did_you_mean, name_hint, Diagnostic};
use crate::engine::TrancheAmount;
use crate::engine::{HolderKind, Scenario};
use expect::Expect;
use reader::{Node, Problems, Table};
use std::ops::Range;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// Files larger than this are refused before parsing: a scenario is a page of text.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;

/// The span given to values that came from `--set` rather than from the file.
pub const COMMAND_LINE: Range<usize> = usize::MAX..usize::MAX;

const TOP_KEYS: &[&str] = &[
    "title",
    "currency",
    "description",
    "sources",
    "holder",
    "class",
    "round",
    "safe",
    "note",
    "rounding",
    "exit",
    "variant",
    "expect",
];

#[derive(Clone, Debug)]
pub struct VariantInfo {
    pub name: String,
    pub description: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Document {
    pub title: String,
    pub currency: String,
    pub description: Option<String>,
    pub sources: Vec<String>,
    pub scenario: Scenario,
    pub expects: Vec<Expect>,
    pub variants: Vec<VariantInfo>,
    /// The variant applied to this document, if any.
    pub variant: Option<String>,
}

/// A `--set PATH=VALUE` given on the command line.
#[derive(Clone, Debug)]
pub struct Override {
    pub path: String,
    pub value: String,
}

impl Override {
    pub fn parse(arg: &str) -> Option<Override> {
        let (path, value) = arg.split_once('=')?;
        Some(Override {
            path: path.trim().to_string(),
            value: value.trim().to_string(),
        })
    }
}

/// Parses and validates `text`; `stem` is the default title.
pub fn load(
    text: &str,
    stem: &str,
    variant: Option<&str>,
    overrides: &[Override],
) -> Result<Document, Vec<Diagnostic>> {
    if text.len() > MAX_BYTES {
        return Err(vec![Diagnostic::whole_file(format!(
            "the file is {} bytes, more than the {MAX_BYTES} a scenario may have",
            text.len()
        ))
        .hint("a scenario is a page of text; split generated tables into smaller files")]);
    }
    if text.trim().is_empty() {
        return Err(vec![Diagnostic::whole_file("the file is empty")
            .hint("a scenario needs at least one [[holder]]; see docs/scenario-format.md")]);
    }
    let (root, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        return Err(errors.iter().map(syntax_error).collect());
    }
    let mut root = root.into_inner();
    let mut p = Problems::default();
    let top = Table::new(&root, 0..0, "the top level");
    let variants = variant::read(&top, &mut p);
    let infos: Vec<VariantInfo> = variants
        .iter()
        .map(|v| VariantInfo {
            name: v.name.clone(),
            description: v.description.clone(),
        })
        .collect();
    if !p.is_empty() {
        return Err(p.list);
    }
    if let Some(wanted) = variant {
        let Some(def) = variants.iter().find(|v| v.name == wanted) else {
            let names = infos.iter().map(|v| v.name.as_str());
            let hint = name_hint(wanted, names, "its variants are", "this file has no [[variant]]");
            return Err(vec![Diagnostic::whole_file(format!(
                "there is no variant \"{wanted}\""
            ))
            .hint(hint)]);
        };
        let sets = def.sets.clone();
        for (path, span, value) in sets {
            if let Err(message) = variant::set(&mut root, &path, value) {
                p.at(span, message, Some("a path is keys separated by dots, like `round[0].pre_money` or `round[Seed].tranche[Amazon].amount`".into()));
            }
        }
    }
    let parsed: Vec<(String, Node)> = overrides
        .iter()
        .map(|o| (o.path.clone(), override_value(&o.value)))
        .collect();
    for (path, value) in parsed {
        if let Err(message) = variant::set(&mut root, &path, value) {
            p.push(
                Diagnostic::whole_file(format!("--set {message}"))
                    .hint("a path is keys separated by dots, like `round[0].pre_money`"),
            );
        }
    }
    if !p.is_empty() {
        return Err(p.list);
    }
    let doc = build(&root, text, stem, &mut p, infos, variant);
    match doc {
        Some(doc) if p.is_empty() => Ok(doc),
        _ => Err(p.list),
    }
}

fn syntax_error(e: &toml::de::Error) -> Diagnostic {
    let message = e.message().trim().to_string();
    let hint = if message.contains("duplicate key") {
        "each key may appear once per table"
    } else if message.contains("string") || message.contains("invalid") {
        "check the quotes and brackets on this line; money and percents are strings: \"5M\", \"20%\""
    } else {
        "this line is not valid TOML"
    };
    Diagnostic {
        span: e.span(),
        message: format!("TOML syntax: {message}"),
        hint: Some(hint.into()),
    }
}

/// A `--set` value: TOML if it parses as a value, else the text as a string. The value
/// borrows `text` (the caller's `Override`, alive for the whole of `load`); every span in
/// it is replaced by `COMMAND_LINE`, since its offsets are not offsets in the file.
fn override_value(text: &str) -> Node<'_> {
    let value = match DeValue::parse(text) {
        Ok(v) => command_line(v.into_inner()),
        Err(_) => DeValue::String(std::borrow::Cow::Borrowed(text)),
    };
    Spanned::new(COMMAND_LINE, value)
}

/// Gives every element of an array or table (and its keys) the command line's span.
fn command_line(v: DeValue<'_>) -> DeValue<'_> {
    match v {
        DeValue::Array(items) => {
            let mut out = toml::de::DeArray::new();
            for item in items.iter() {
                out.push(Spanned::new(COMMAND_LINE, command_line(item.get_ref().clone())));
            }
            DeValue::Array(out)
        }
        DeValue::Table(t) => {
            let mut out = DeTable::new();
            for (k, v) in t {
                out.insert(
                    Spanned::new(COMMAND_LINE, k.into_inner()),
                    Spanned::new(COMMAND_LINE, command_line(v.into_inner())),
                );
            }
            DeValue::Table(out)
        }
        leaf => leaf,
    }
}

fn build(
    root: &DeTable,
    text: &str,
    stem: &str,
    p: &mut Problems,
    variants: Vec<VariantInfo>,
    variant: Option<&str>,
) -> Option<Document> {
    let top = Table::new(root, 0..0, "the top level");
    top.check_keys(TOP_KEYS, p);
    let title = top.string("title", p).map_or_else(|| stem.to_string(), |(t, _)| t);
    let currency = top.string("currency", p).map_or_else(|| "USD".to_string(), |(c, _)| c);
    let description = top.string("description", p).map(|(d, _)| d);
    let sources = strings(&top, "sources", p);
    let classes = classes::read(&top, p);
    let (mode, holders) = holders::read(&top, p);
    for h in &holders {
        if h.kind == HolderKind::Preferred && !classes.iter().any(|c| c.name == h.class) {
            p.at(
                h.span.clone(),
                format!(
                    "holder \"{}\" holds preferred of class \"{}\", which has no [[class]]",
                    h.name, h.class
                ),
                Some(format!(
                    "add [[class]] name = \"{}\" with its terms, or set `class` to one that exists",
                    h.class
                )),
            );
        }
    }
    let round_names = round_names(&top);
    let names = convertibles::RoundNames { names: &round_names };
    let safes = convertibles::read_safes(&top, &names, p);
    let notes = convertibles::read_notes(&top, &names, p);
    let converting = convertibles::converting_rounds(&round_names, &safes, &notes);
    let rounds = rounds::read(&top, mode, &converting, p);
    let rounding = settings::read(&top, p);
    pool_never_invests(&holders, &rounds, &safes, &notes, p);
    pro_rata_needs_a_stake(&holders, &rounds, &safes, &notes, p);
    let exit = exit::read(&top, &round_names, p);
    let expects = expect::read(&top, text, p);
    Some(Document {
        title,
        currency,
        description,
        sources,
        scenario: Scenario {
            mode,
            holders,
            classes,
            rounds,
            exit,
            safes,
            notes,
            rounding,
        },
        expects,
        variants,
        variant: variant.map(str::to_string),
    })
}

/// The names of the rounds in order, as written (problems are reported by `rounds::read`).
fn round_names(top: &Table) -> Vec<String> {
    let Some(DeValue::Array(items)) = top.get("round").map(|n| n.get_ref()) else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| match item.get_ref() {
            DeValue::Table(t) => match t.get("name").map(|n| n.get_ref()) {
                Some(DeValue::String(s)) => Some(s.to_string()),
                _ => Some(String::new()),
            },
            _ => None,
        })
        .collect()
}

fn strings(top: &Table, key: &str, p: &mut Problems) -> Vec<String> {
    let Some(node) = top.get(key) else { return Vec::new() };
    match node.get_ref() {
        DeValue::Array(items) => items
            .iter()
            .filter_map(|item| match item.get_ref() {
                DeValue::String(s) => Some(s.to_string()),
                _ => {
                    p.at(
                        item.span(),
                        format!("each of `{key}` must be a string"),
                        Some("quote it".into()),
                    );
                    None
                }
            })
            .collect(),
        _ => {
            p.at(
                node.span(),
                format!("`{key}` must be a list of strings"),
                Some(format!("write `{key} = [\"...\", \"...\"]`")),
            );
            Vec::new()
        }
    }
}

/// The unallocated pool holds options not yet granted: it cannot buy in a round or hold a
/// safe or a note (its shares receive nothing at an exit, so its money would vanish).
fn pool_never_invests(
    holders: &[crate::engine::Holder],
    rounds: &[crate::engine::Round],
    safes: &[crate::engine::Safe],
    notes: &[crate::engine::Note],
    p: &mut Problems,
) {
    let pools: Vec<&str> = holders
        .iter()
        .filter(|h| h.kind == HolderKind::Pool)
        .map(|h| &*h.name)
        .collect();
    let investors = rounds
        .iter()
        .flat_map(|r| r.tranches.iter().map(|t| (&*t.investor, &t.span)))
        .chain(safes.iter().map(|s| (&*s.investor, &s.span)))
        .chain(notes.iter().map(|n| (&*n.investor, &n.span)));
    for (investor, span) in investors {
        if pools.contains(&investor) {
            p.at(
                span.clone(),
                format!("\"{investor}\" is the unallocated option pool, which cannot invest"),
                Some("name the investor who buys; the pool is topped up with `pool_target` or `pool_increase`".into()),
            );
        }
    }
}

/// A pro rata tranche buys the investor's share of the round, measured by what it holds
/// once the round's safes and notes have converted: an investor who holds nothing by then
/// (most often a misspelt name) would silently buy nothing.
fn pro_rata_needs_a_stake(
    holders: &[crate::engine::Holder],
    rounds: &[crate::engine::Round],
    safes: &[crate::engine::Safe],
    notes: &[crate::engine::Note],
    p: &mut Problems,
) {
    for (k, round) in rounds.iter().enumerate() {
        // What an investor holds before round k's new money, apart from the safes that
        // convert in round k itself (whose pro rata right is a side letter).
        let holdings = || {
            holders
                .iter()
                .map(|h| &*h.name)
                .chain(safes.iter().filter(|s| s.converts_at < k).map(|s| &*s.investor))
                .chain(notes.iter().filter(|n| n.converts_at <= k).map(|n| &*n.investor))
                .chain(rounds[..k].iter().flat_map(|r| r.tranches.iter().map(|t| &*t.investor)))
        };
        let converting = || safes.iter().filter(|s| s.converts_at == k);
        for t in round.tranches.iter().filter(|t| t.amount == TrancheAmount::ProRata) {
            if holdings().any(|name| name == &*t.investor) {
                continue;
            }
            let mut safes_here = converting().filter(|s| s.investor == t.investor).peekable();
            if safes_here.peek().is_some() {
                if !safes_here.any(|s| s.pro_rata) {
                    p.at(
                        t.span.clone(),
                        format!(
                            "\"{}\" holds only a safe without a pro rata side letter, so it has no pro rata right in round \"{}\"",
                            t.investor, round.name
                        ),
                        Some("write `pro_rata = true` on its [[safe]] (the side letter), or give this tranche a fixed `amount`".into()),
                    );
                }
                continue;
            }
            let known = holdings().chain(converting().map(|s| &*s.investor));
            let hint = match did_you_mean(&t.investor, known) {
                Some(near) => format!("did you mean \"{near}\"?"),
                None => "pro rata is a share of what the investor already holds: give a new investor a fixed `amount`"
                    .into(),
            };
            p.at(
                t.span.clone(),
                format!(
                    "\"{}\" has a pro rata tranche in round \"{}\" but holds nothing before it",
                    t.investor, round.name
                ),
                Some(hint),
            );
        }
    }
}
