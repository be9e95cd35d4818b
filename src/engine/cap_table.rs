//! The running cap table: one position per holder name, in order of first appearance.

use super::model::{Holder, HolderKind};
use rust_decimal::Decimal;
use std::collections::HashMap;

#[derive(Clone, Debug)]
pub struct Position {
    pub name: String,
    pub kind: HolderKind,
    /// Shares (share mode) or the fraction of the company (percent mode).
    pub amount: Decimal,
}

#[derive(Clone, Debug, Default)]
pub struct CapTable {
    pub positions: Vec<Position>,
    index: HashMap<String, usize>,
}

impl CapTable {
    pub fn from_holders(holders: &[Holder]) -> Self {
        let mut table = CapTable::default();
        for h in holders {
            let i = table.position_of(&h.name, h.kind);
            table.positions[i].amount += h.amount;
        }
        table
    }

    /// The index of `name`'s position, creating an empty one of `kind` if it is new.
    pub fn position_of(&mut self, name: &str, kind: HolderKind) -> usize {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        self.positions.push(Position {
            name: name.to_string(),
            kind,
            amount: Decimal::ZERO,
        });
        self.index.insert(name.to_string(), self.positions.len() - 1);
        self.positions.len() - 1
    }

    pub fn find(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    /// The first unallocated pool, if the table has one.
    pub fn pool(&self) -> Option<usize> {
        self.positions.iter().position(|p| p.kind == HolderKind::Pool)
    }

    pub fn amounts(&self) -> Vec<Decimal> {
        self.positions.iter().map(|p| p.amount).collect()
    }
}
