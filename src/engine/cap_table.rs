//! The running cap table: one position per holder name (in order of first appearance),
//! each made of holdings in share classes. A position's `amount` is its as-converted
//! total; a preferred holding converts at original price / conversion price.

use super::arith::Arith;
use super::error::EngineError;
use super::model::{ClassTerms, Holder, HolderKind, Scenario};
use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::HashMap;
use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::Arc;

/// Tables up to this many names are searched linearly: cheaper than hashing for the
/// cap tables people write, and no allocation for an index.
const LINEAR: usize = 32;

/// Names to indices: a linear search for small tables, a hash map once they grow.
#[derive(Clone, Debug, Default)]
struct NameIndex {
    map: Option<HashMap<String, usize>>,
}

/// A name's length and its first and last eight bytes (four for shorter names, every byte
/// below four) folded into one word, kept beside each name: two names whose keys differ
/// differ, so a linear search compares one word per entry ("Safe 750k" and "Safe 475k"
/// share their length and last byte, not their key).
#[inline]
fn name_key(name: &str) -> u64 {
    let bytes = name.as_bytes();
    let n = bytes.len();
    let (first, last) = match (bytes.first_chunk::<8>(), bytes.last_chunk::<8>()) {
        (Some(first), Some(last)) => (u64::from_le_bytes(*first), u64::from_le_bytes(*last)),
        // Four to seven bytes ("Common"): their first and last four, overlapping.
        _ => match (bytes.first_chunk::<4>(), bytes.last_chunk::<4>()) {
            (Some(first), Some(last)) => (
                u64::from(u32::from_le_bytes(*first)),
                u64::from(u32::from_le_bytes(*last)),
            ),
            _ => (bytes.iter().fold(0, |word, &b| word << 8 | u64::from(b)), 0),
        },
    };
    first ^ last.rotate_left(29) ^ (n as u64).rotate_right(8)
}

/// `a == b` for names whose keys are equal: the same text (names are borrowed from the
/// scenario, so usually the very same bytes) needs no comparison.
#[inline]
fn same_name(a: &str, b: &str) -> bool {
    std::ptr::eq(a, b) || a == b
}

impl NameIndex {
    /// The index of `name` among `entries` (`named` gives an entry's key and name, `None`
    /// for an entry not looked up by name).
    #[inline]
    fn get<T>(&self, name: &str, entries: &[T], named: impl Fn(&T) -> (u64, Option<&str>)) -> Option<usize> {
        match &self.map {
            Some(map) => map.get(name).copied(),
            None => {
                let key = name_key(name);
                let linear = &entries[..entries.len().min(LINEAR)];
                linear.iter().position(|entry| {
                    let (k, n) = named(entry);
                    k == key && n.is_some_and(|n| same_name(n, name))
                })
            }
        }
    }

    fn insert<'n>(&mut self, name: &str, index: usize, names: impl Iterator<Item = Option<&'n str>>) {
        match &mut self.map {
            Some(map) => {
                map.insert(name.to_string(), index);
            }
            None if index >= LINEAR => {
                let mut map: HashMap<String, usize> = names
                    .enumerate()
                    .filter_map(|(i, n)| Some((n?.to_string(), i)))
                    .collect();
                map.insert(name.to_string(), index);
                self.map = Some(map);
            }
            None => {}
        }
    }
}

/// A class's name, borrowed from the scenario: written in the file (or a round's class),
/// the shadow series that safes and notes converting into a round's class form, or an
/// unconverted safe's claim at an exit. The last two are spelled out only when shown, so
/// an evaluation pays for no text (and, borrowing, for no reference counts).
#[derive(Clone, Debug, PartialEq)]
pub enum ClassName<'s> {
    Given(&'s str),
    /// "Series A (conversion)", or "Series A (conversion at 0.5)" when the round's
    /// conversions had several prices.
    Conversion {
        of: &'s str,
        at: Option<Decimal>,
    },
    /// "Safe of YC (not converted)": a safe still outstanding at an exit.
    Unconverted {
        investor: &'s str,
    },
}

impl<'s> ClassName<'s> {
    fn given(&self) -> Option<&'s str> {
        match *self {
            ClassName::Given(name) => Some(name),
            ClassName::Conversion { .. } | ClassName::Unconverted { .. } => None,
        }
    }
}

impl fmt::Display for ClassName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClassName::Given(name) => f.write_str(name),
            ClassName::Conversion { of, at: None } => write!(f, "{of} (conversion)"),
            ClassName::Conversion { of, at: Some(price) } => write!(f, "{of} (conversion at {})", price.normalize()),
            ClassName::Unconverted { investor } => write!(f, "Safe of {investor} (not converted)"),
        }
    }
}

#[derive(Clone, Debug)]
pub struct ClassState<'s> {
    pub name: ClassName<'s>,
    /// `name_key` of a given name (unused for conversion and unconverted-safe classes).
    key: u64,
    /// Preferred classes carry a liquidation preference; common-like ones do not.
    pub preferred: bool,
    pub terms: ClassTerms,
    pub original_price: Option<Decimal>,
    /// Starts at the original price; anti-dilution lowers it.
    pub conversion_price: Option<Decimal>,
    /// Money put in (or converted): the base of the preference.
    pub invested: Decimal,
    /// Shares issued (before any anti-dilution conversion).
    pub issued: Decimal,
}

#[derive(Clone, Debug)]
pub struct Holding {
    pub class: usize,
    pub issued: Decimal,
    /// As-converted shares (issued × conversion ratio, floored once adjusted).
    pub shares: Decimal,
}

#[derive(Clone, Debug)]
pub struct Position<'s> {
    pub name: &'s str,
    /// `name_key(name)`, for the linear search.
    key: u64,
    pub kind: HolderKind,
    /// As-converted shares in share mode; value units in percent mode.
    pub amount: Decimal,
    pub holdings: Holdings,
    pub strike: Option<Decimal>,
}

/// A position's holdings, one per class. Nearly every holder has one class, so that one
/// is kept inline: a table of many holders allocates nothing per holder for it.
#[derive(Clone, Debug, Default)]
pub enum Holdings {
    #[default]
    Empty,
    One(Holding),
    Many(Vec<Holding>),
}

impl Holdings {
    pub fn push(&mut self, holding: Holding) {
        match self {
            Holdings::Empty => *self = Holdings::One(holding),
            Holdings::One(first) => *self = Holdings::Many(vec![first.clone(), holding]),
            Holdings::Many(all) => all.push(holding),
        }
    }
}

impl Deref for Holdings {
    type Target = [Holding];
    fn deref(&self) -> &[Holding] {
        match self {
            Holdings::Empty => &[],
            Holdings::One(h) => std::slice::from_ref(h),
            Holdings::Many(all) => all,
        }
    }
}

impl<'h> IntoIterator for &'h Holdings {
    type Item = &'h Holding;
    type IntoIter = std::slice::Iter<'h, Holding>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl DerefMut for Holdings {
    fn deref_mut(&mut self) -> &mut [Holding] {
        match self {
            Holdings::Empty => &mut [],
            Holdings::One(h) => std::slice::from_mut(h),
            Holdings::Many(all) => all,
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct CapTable<'s> {
    pub positions: Vec<Position<'s>>,
    pub classes: Vec<ClassState<'s>>,
    index: NameIndex,
    class_index: NameIndex,
}

impl<'s> CapTable<'s> {
    pub fn from_scenario(scenario: &'s Scenario) -> Result<Self, EngineError> {
        // Room for every name the rounds can add, so that the table grows once; and for
        // the file's classes, two for the holders' defaults, each round's class, and a
        // conversion class per converting instrument at most.
        let converting = scenario.safes.len() + scenario.notes.len();
        let classes = scenario.classes.len() + 2 + scenario.rounds.len() + converting;
        let mut table = CapTable {
            positions: Vec::with_capacity(scenario.max_names()),
            classes: Vec::with_capacity(classes),
            ..CapTable::default()
        };
        for def in &scenario.classes {
            let i = table.class_of(&def.name, true, def.terms);
            table.classes[i].original_price = def.original_price;
            table.classes[i].conversion_price = def.original_price;
        }
        for h in &scenario.holders {
            table.add_holder(h)?;
        }
        Ok(table)
    }

    /// A copy with room for every name and class `scenario`'s rounds can add (a plain
    /// clone would grow again during the rounds).
    pub fn fork(&self, scenario: &Scenario) -> Self {
        let mut positions = Vec::with_capacity(self.positions.len().max(scenario.max_names()));
        positions.extend_from_slice(&self.positions);
        let mut classes = Vec::with_capacity(self.classes.capacity());
        classes.extend_from_slice(&self.classes);
        CapTable {
            positions,
            classes,
            index: self.index.clone(),
            class_index: self.class_index.clone(),
        }
    }

    fn add_holder(&mut self, h: &'s Holder) -> Result<(), EngineError> {
        let arith = Arith::at(&h.span);
        let preferred = h.kind == HolderKind::Preferred;
        let class = self.class_of(&h.class, preferred, ClassTerms::default());
        if let Some(price) = self.classes[class].original_price {
            let invested = arith.mul(h.amount, price)?;
            arith.add_to(&mut self.classes[class].invested, invested)?;
        }
        let i = self.position_of(&h.name, h.kind);
        self.positions[i].strike = h.strike;
        self.add(i, class, h.amount, arith)
    }

    /// The index of the class named `name`, if there is one.
    pub fn find_class(&self, name: &str) -> Option<usize> {
        self.class_index.get(name, &self.classes, |c| (c.key, c.name.given()))
    }

    /// The index of class `name`, creating it with `terms` if it is new.
    pub fn class_of(&mut self, name: &'s str, preferred: bool, terms: ClassTerms) -> usize {
        if let Some(i) = self.find_class(name) {
            return i;
        }
        let index = self.classes.len();
        self.class_index
            .insert(name, index, self.classes.iter().map(|c| c.name.given()));
        self.new_class(ClassName::Given(name), preferred, terms)
    }

    /// The shadow series of conversions into class `of` at `at` (see `ClassName`),
    /// created preferred with `terms` if it is new.
    pub fn conversion_class_of(&mut self, of: &'s str, at: Option<Decimal>, terms: ClassTerms) -> usize {
        let found = self.classes.iter().position(|c| match c.name {
            ClassName::Conversion { of: o, at: a } => a == at && same_name(o, of),
            _ => false,
        });
        found.unwrap_or_else(|| self.new_class(ClassName::Conversion { of, at }, true, terms))
    }

    /// The class of `investor`'s safes outstanding at an exit, created preferred if new.
    pub fn unconverted_class_of(&mut self, investor: &'s str) -> usize {
        let found = self.classes.iter().position(|c| match c.name {
            ClassName::Unconverted { investor: i } => same_name(i, investor),
            _ => false,
        });
        found.unwrap_or_else(|| self.new_class(ClassName::Unconverted { investor }, true, ClassTerms::default()))
    }

    fn new_class(&mut self, name: ClassName<'s>, preferred: bool, terms: ClassTerms) -> usize {
        self.classes.push(ClassState {
            key: name.given().map_or(0, name_key),
            name,
            preferred,
            terms,
            original_price: None,
            conversion_price: None,
            invested: Decimal::ZERO,
            issued: Decimal::ZERO,
        });
        self.classes.len() - 1
    }

    /// The index of `name`'s position, creating an empty one of `kind` if it is new.
    pub fn position_of(&mut self, name: &'s str, kind: HolderKind) -> usize {
        if let Some(i) = self.find(name) {
            return i;
        }
        let index = self.positions.len();
        self.index
            .insert(name, index, self.positions.iter().map(|p| Some(p.name)));
        self.positions.push(Position {
            key: name_key(name),
            name,
            kind,
            amount: Decimal::ZERO,
            holdings: Holdings::Empty,
            strike: None,
        });
        index
    }

    /// Issues `shares` of `class` to position `i` (at a ratio of one to one).
    pub fn add(&mut self, i: usize, class: usize, shares: Decimal, arith: Arith) -> Result<(), EngineError> {
        let c = &mut self.classes[class];
        arith.add_to(&mut c.issued, shares)?;
        let p = &mut self.positions[i];
        arith.add_to(&mut p.amount, shares)?;
        match p.holdings.iter_mut().find(|h| h.class == class) {
            Some(h) => {
                arith.add_to(&mut h.issued, shares)?;
                arith.add_to(&mut h.shares, shares)?;
            }
            None => p.holdings.push(Holding {
                class,
                issued: shares,
                shares,
            }),
        }
        Ok(())
    }

    /// Re-derives the as-converted shares of every holding of `class` after its
    /// conversion price changed; each holding is floored to whole shares.
    pub fn reconvert(&mut self, class: usize, arith: Arith) -> Result<Decimal, EngineError> {
        let (op, cp) = match (self.classes[class].original_price, self.classes[class].conversion_price) {
            (Some(op), Some(cp)) if !cp.is_zero() => (op, cp),
            _ => (Decimal::ONE, Decimal::ONE),
        };
        let mut extra = Decimal::ZERO;
        for p in &mut self.positions {
            for h in p.holdings.iter_mut().filter(|h| h.class == class) {
                // issued × original price / conversion price, multiplied first: 3,000,000
                // at $0.70 ratcheted to $0.30 is exactly 7,000,000.
                let converted = arith
                    .div(arith.mul(h.issued, op)?, cp)?
                    .round_dp_with_strategy(0, RoundingStrategy::ToZero);
                // Protection only ever adds shares: flooring never takes one away.
                let converted = converted.max(h.shares);
                let delta = arith.sub(converted, h.shares)?;
                h.shares = converted;
                arith.add_to(&mut p.amount, delta)?;
                arith.add_to(&mut extra, delta)?;
            }
        }
        Ok(extra)
    }

    pub fn find(&self, name: &str) -> Option<usize> {
        self.index.get(name, &self.positions, |p| (p.key, Some(p.name)))
    }

    /// The first unallocated pool, if the table has one.
    pub fn pool(&self) -> Option<usize> {
        self.positions.iter().position(|p| p.kind == HolderKind::Pool)
    }

    /// Every position's amount, in order (one allocation: the iterator's length is known).
    pub fn amounts(&self) -> Arc<[Decimal]> {
        self.positions.iter().map(|p| p.amount).collect()
    }

    /// As-converted shares of one class across all holders (checked: after an
    /// anti-dilution adjustment they can exceed the issued count that was checked).
    pub fn class_shares(&self, class: usize, arith: Arith) -> Result<Decimal, EngineError> {
        arith.sum(
            self.positions
                .iter()
                .flat_map(|p| p.holdings.iter())
                .filter(|h| h.class == class)
                .map(|h| h.shares),
        )
    }
}
