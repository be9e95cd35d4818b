//! JSON exactly per the contract: numbers as exact decimal strings, ownership and
//! dilution as fractions, every field present, null where it does not apply.
//!
//! Written as it goes (no document tree in memory), in the layout of
//! `serde_json::to_string_pretty`, so a report of 100,000 holders through 20 rounds
//! streams out instead of building millions of maps first.

use super::format::exact;
use crate::engine::{ConversionRow, HolderRow, Outcome, RoundOutcome, TrancheRow};
use crate::scenario::Document;
use rust_decimal::Decimal;
use std::io::{self, Write};

/// A pretty-printing JSON writer: two-space indentation, `"key": value`.
struct Json<'w> {
    out: &'w mut dyn Write,
    /// For each open object or array: whether it has no element yet.
    empty: Vec<bool>,
}

impl<'w> Json<'w> {
    fn new(out: &'w mut dyn Write) -> Self {
        Json { out, empty: Vec::new() }
    }

    fn open(&mut self, bracket: &[u8]) -> io::Result<()> {
        self.out.write_all(bracket)?;
        self.empty.push(true);
        Ok(())
    }

    fn close(&mut self, bracket: &[u8]) -> io::Result<()> {
        if self.empty.pop() == Some(false) {
            self.newline()?;
        }
        self.out.write_all(bracket)
    }

    fn newline(&mut self) -> io::Result<()> {
        self.out.write_all(b"\n")?;
        for _ in 0..self.empty.len() {
            self.out.write_all(b"  ")?;
        }
        Ok(())
    }

    /// Starts the next element of the innermost object or array.
    fn next(&mut self) -> io::Result<()> {
        if let Some(empty) = self.empty.last_mut() {
            if !*empty {
                self.out.write_all(b",")?;
            }
            *empty = false;
        }
        self.newline()
    }

    fn key(&mut self, key: &str) -> io::Result<()> {
        self.next()?;
        self.string(key)?;
        self.out.write_all(b": ")
    }

    fn string(&mut self, s: &str) -> io::Result<()> {
        self.out.write_all(b"\"")?;
        let mut start = 0;
        for (i, c) in s.char_indices() {
            let escaped: Option<String> = match c {
                '"' => Some("\\\"".into()),
                '\\' => Some("\\\\".into()),
                '\n' => Some("\\n".into()),
                '\r' => Some("\\r".into()),
                '\t' => Some("\\t".into()),
                '\u{8}' => Some("\\b".into()),
                '\u{c}' => Some("\\f".into()),
                c if (c as u32) < 0x20 => Some(format!("\\u{:04x}", c as u32)),
                _ => None,
            };
            if let Some(e) = escaped {
                self.out.write_all(&s.as_bytes()[start..i])?;
                self.out.write_all(e.as_bytes())?;
                start = i + c.len_utf8();
            }
        }
        self.out.write_all(&s.as_bytes()[start..])?;
        self.out.write_all(b"\"")
    }

    fn field_str(&mut self, key: &str, value: &str) -> io::Result<()> {
        self.key(key)?;
        self.string(value)
    }

    fn field_opt_str(&mut self, key: &str, value: Option<&str>) -> io::Result<()> {
        self.key(key)?;
        match value {
            Some(v) => self.string(v),
            None => self.out.write_all(b"null"),
        }
    }

    fn field_num(&mut self, key: &str, value: Decimal) -> io::Result<()> {
        self.field_str(key, &exact(value))
    }

    fn field_opt_num(&mut self, key: &str, value: Option<Decimal>) -> io::Result<()> {
        self.field_opt_str(key, value.map(exact).as_deref())
    }

    fn field_bool(&mut self, key: &str, value: Option<bool>) -> io::Result<()> {
        self.key(key)?;
        self.out.write_all(match value {
            Some(true) => b"true",
            Some(false) => b"false",
            None => b"null",
        })
    }

    /// `"key": [ ... ]` with one element written by `each` per item.
    fn field_array<T>(
        &mut self,
        key: &str,
        items: impl IntoIterator<Item = T>,
        mut each: impl FnMut(&mut Self, T) -> io::Result<()>,
    ) -> io::Result<()> {
        self.key(key)?;
        self.open(b"[")?;
        for item in items {
            self.next()?;
            each(self, item)?;
        }
        self.close(b"]")
    }
}

/// Writes one report, or an array of them when there are several.
pub fn write(reports: &[(&Document, &Outcome)], out: &mut dyn Write) -> io::Result<()> {
    let mut j = Json::new(out);
    match reports {
        [(doc, outcome)] => report(&mut j, doc, outcome)?,
        many => {
            j.open(b"[")?;
            for (doc, outcome) in many {
                j.next()?;
                report(&mut j, doc, outcome)?;
            }
            j.close(b"]")?;
        }
    }
    j.out.write_all(b"\n")
}

fn report(j: &mut Json, doc: &Document, outcome: &Outcome) -> io::Result<()> {
    j.open(b"{")?;
    j.field_str("title", &doc.title)?;
    j.field_str("currency", &doc.currency)?;
    j.field_opt_str("variant", doc.variant.as_deref())?;
    j.field_str("mode", outcome.mode.as_str())?;
    j.field_array("rounds", &outcome.rounds, |j, r| round(j, r))?;
    j.key("final")?;
    j.open(b"{")?;
    j.field_array("holders", &outcome.final_holders(), |j, h| holder(j, h))?;
    j.close(b"}")?;
    j.field_array("exits", &outcome.exits, |j, e| {
        j.open(b"{")?;
        j.field_num("value", e.value)?;
        j.field_array("payouts", &e.payouts(), |j, p| {
            j.open(b"{")?;
            j.field_str("holder", &p.holder)?;
            j.field_num("amount", p.amount)?;
            j.field_bool("converted", p.converted)?;
            j.field_opt_num("multiple", p.multiple)?;
            j.close(b"}")
        })?;
        j.field_array("classes", &e.classes, |j, c| {
            j.open(b"{")?;
            j.field_str("class", &c.class)?;
            j.field_num("amount", c.amount)?;
            j.field_opt_num("per_share", c.per_share)?;
            j.field_bool("converted", Some(c.converted))?;
            j.close(b"}")
        })?;
        j.field_num("common_per_share", e.common_per_share)?;
        j.close(b"}")
    })?;
    j.field_array("breakpoints", &outcome.breakpoints, |j, b| {
        j.open(b"{")?;
        j.field_num("value", b.value)?;
        j.field_str("class", &b.class)?;
        j.field_str("event", &b.event)?;
        j.close(b"}")
    })?;
    j.field_opt_str("description", doc.description.as_deref())?;
    j.field_array("sources", &doc.sources, |j, s| j.string(s))?;
    j.close(b"}")
}

fn round(j: &mut Json, r: &RoundOutcome) -> io::Result<()> {
    j.open(b"{")?;
    j.field_str("name", &r.name)?;
    j.field_num("pre_money", r.pre_money)?;
    j.field_num("post_money", r.post_money)?;
    j.field_num("amount", r.amount)?;
    j.field_opt_num("price", r.price)?;
    j.field_opt_num("pool_increase", r.pool_increase)?;
    j.field_opt_num("new_shares", r.new_shares)?;
    j.field_array("conversions", &r.conversion_rows(), |j, c| conversion(j, c))?;
    j.field_array("tranches", &r.tranche_rows(), |j, t| tranche(j, t))?;
    // Derived one round at a time and dropped after writing.
    j.field_array("holders", &r.holders(), |j, h| holder(j, h))?;
    j.field_array("adjustments", &r.adjustments, |j, a| {
        j.open(b"{")?;
        j.field_str("class", &a.class)?;
        j.field_num("conversion_price_before", a.before)?;
        j.field_num("conversion_price_after", a.after)?;
        j.field_num("extra_shares", a.extra_shares)?;
        j.close(b"}")
    })?;
    j.close(b"}")
}

fn conversion(j: &mut Json, c: &ConversionRow) -> io::Result<()> {
    j.open(b"{")?;
    j.field_str("instrument", c.instrument)?;
    j.field_str("investor", c.investor)?;
    j.field_num("amount", c.amount)?;
    j.field_opt_num("price", c.price)?;
    j.field_opt_num("shares", c.shares)?;
    j.field_str("term", c.term)?;
    j.field_num("ownership", c.ownership)?;
    j.field_opt_num("implied_post_money", c.implied_post_money)?;
    j.close(b"}")
}

fn tranche(j: &mut Json, t: &TrancheRow) -> io::Result<()> {
    j.open(b"{")?;
    j.field_str("investor", t.investor)?;
    j.field_num("amount", t.amount)?;
    j.field_opt_num("shares", t.shares)?;
    j.field_num("ownership", t.ownership)?;
    j.field_opt_num("implied_post_money", t.implied_post_money)?;
    j.field_opt_str("label", t.label.as_deref())?;
    j.close(b"}")
}

fn holder(j: &mut Json, h: &HolderRow) -> io::Result<()> {
    j.open(b"{")?;
    j.field_str("name", &h.name)?;
    j.field_str("kind", h.kind.as_str())?;
    j.field_opt_num("shares_before", h.shares_before)?;
    j.field_opt_num("shares_after", h.shares_after)?;
    j.field_num("ownership_before", h.ownership_before)?;
    j.field_num("ownership_after", h.ownership_after)?;
    j.field_opt_num("dilution", h.dilution)?;
    j.field_opt_num("value_after", h.value_after)?;
    j.close(b"}")
}
