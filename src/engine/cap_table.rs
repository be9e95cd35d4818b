//! The running cap table: one position per holder name (in order of first appearance),
//! each made of holdings in share classes. A position's `amount` is its as-converted
//! total; a preferred holding converts at original price / conversion price.

use super::arith::Arith;
use super::error::EngineError;
use super::model::{ClassTerms, Holder, HolderKind, Scenario};
use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::HashMap;

/// Tables up to this many names are searched linearly: cheaper than hashing for the
/// cap tables people write, and no allocation for an index.
const LINEAR: usize = 32;

/// Names to indices: a linear search for small tables, a hash map once they grow.
#[derive(Clone, Debug, Default)]
struct NameIndex {
    map: Option<HashMap<String, usize>>,
}

impl NameIndex {
    fn get<'n>(&self, name: &str, names: impl Iterator<Item = &'n str>) -> Option<usize> {
        match &self.map {
            Some(map) => map.get(name).copied(),
            None => names.take(LINEAR).position(|n| n == name),
        }
    }

    fn insert<'n>(&mut self, name: &str, index: usize, names: impl Iterator<Item = &'n str>) {
        match &mut self.map {
            Some(map) => {
                map.insert(name.to_string(), index);
            }
            None if index >= LINEAR => {
                let mut map: HashMap<String, usize> = names.enumerate().map(|(i, n)| (n.to_string(), i)).collect();
                map.insert(name.to_string(), index);
                self.map = Some(map);
            }
            None => {}
        }
    }
}

#[derive(Clone, Debug)]
pub struct ClassState {
    pub name: String,
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
pub struct Position {
    pub name: String,
    pub kind: HolderKind,
    /// As-converted shares in share mode; value units in percent mode.
    pub amount: Decimal,
    pub holdings: Vec<Holding>,
    pub strike: Option<Decimal>,
}

#[derive(Clone, Debug, Default)]
pub struct CapTable {
    pub positions: Vec<Position>,
    pub classes: Vec<ClassState>,
    index: NameIndex,
    class_index: NameIndex,
}

impl CapTable {
    pub fn from_scenario(scenario: &Scenario) -> Result<Self, EngineError> {
        let mut table = CapTable::default();
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

    fn add_holder(&mut self, h: &Holder) -> Result<(), EngineError> {
        let arith = Arith::at(&h.span);
        let preferred = h.kind == HolderKind::Preferred;
        let class = self.class_of(&h.class, preferred, ClassTerms::default());
        if let Some(price) = self.classes[class].original_price {
            let invested = arith.mul(h.amount, price)?;
            self.classes[class].invested = arith.add(self.classes[class].invested, invested)?;
        }
        let i = self.position_of(&h.name, h.kind);
        self.positions[i].strike = h.strike;
        self.add(i, class, h.amount, arith)
    }

    /// The index of class `name`, creating it with `terms` if it is new.
    pub fn class_of(&mut self, name: &str, preferred: bool, terms: ClassTerms) -> usize {
        if let Some(i) = self.class_index.get(name, self.classes.iter().map(|c| c.name.as_str())) {
            return i;
        }
        let index = self.classes.len();
        self.class_index
            .insert(name, index, self.classes.iter().map(|c| c.name.as_str()));
        self.classes.push(ClassState {
            name: name.to_string(),
            preferred,
            terms,
            original_price: None,
            conversion_price: None,
            invested: Decimal::ZERO,
            issued: Decimal::ZERO,
        });
        index
    }

    /// The index of `name`'s position, creating an empty one of `kind` if it is new.
    pub fn position_of(&mut self, name: &str, kind: HolderKind) -> usize {
        if let Some(i) = self.index.get(name, self.positions.iter().map(|p| p.name.as_str())) {
            return i;
        }
        let index = self.positions.len();
        self.index
            .insert(name, index, self.positions.iter().map(|p| p.name.as_str()));
        self.positions.push(Position {
            name: name.to_string(),
            kind,
            amount: Decimal::ZERO,
            holdings: Vec::new(),
            strike: None,
        });
        index
    }

    /// Issues `shares` of `class` to position `i` (at a ratio of one to one).
    pub fn add(&mut self, i: usize, class: usize, shares: Decimal, arith: Arith) -> Result<(), EngineError> {
        let c = &mut self.classes[class];
        c.issued = arith.add(c.issued, shares)?;
        let p = &mut self.positions[i];
        p.amount = arith.add(p.amount, shares)?;
        match p.holdings.iter_mut().find(|h| h.class == class) {
            Some(h) => {
                h.issued = arith.add(h.issued, shares)?;
                h.shares = arith.add(h.shares, shares)?;
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
                p.amount = arith.add(p.amount, delta)?;
                extra = arith.add(extra, delta)?;
            }
        }
        Ok(extra)
    }

    pub fn find(&self, name: &str) -> Option<usize> {
        self.index.get(name, self.positions.iter().map(|p| p.name.as_str()))
    }

    /// The first unallocated pool, if the table has one.
    pub fn pool(&self) -> Option<usize> {
        self.positions.iter().position(|p| p.kind == HolderKind::Pool)
    }

    pub fn amounts(&self) -> Vec<Decimal> {
        self.positions.iter().map(|p| p.amount).collect()
    }

    /// As-converted shares of one class across all holders.
    pub fn class_shares(&self, class: usize) -> Decimal {
        self.positions
            .iter()
            .flat_map(|p| p.holdings.iter())
            .filter(|h| h.class == class)
            .map(|h| h.shares)
            .sum()
    }
}
