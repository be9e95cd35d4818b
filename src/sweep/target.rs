//! The sweep's fast path: a `--vary` path that names a simple field of the engine's
//! `Scenario` (a round's valuation, its amount, a tranche's amount, its pool target) is
//! set on the parsed scenario directly, with no re-parsing.
//!
//! The fast path must give exactly what re-loading the file with `--set PATH=VALUE`
//! gives. So it takes only the cases whose loader rules it can state completely, and a
//! value those rules would refuse (zero, out of range, the wrong kind) is handed to the
//! slow path, which re-loads the file and reports the problem the way `--set` would.

use super::range::Kind;
use crate::engine::{Mode, PoolTopUp, Scenario, TrancheAmount, Valuation};
use crate::scenario::value;
use crate::scenario::variant::Step;
use rust_decimal::Decimal;

/// A field of the engine's scenario that a path maps to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// `round[R].pre_money | post_money | price | sold`
    Valuation { round: usize, key: ValuationKey },
    /// `round[R].amount`
    RoundAmount { round: usize },
    /// `round[R].tranche[T].amount`
    TrancheAmount { round: usize, tranche: usize },
    /// `round[R].pool_target`
    PoolTarget { round: usize },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValuationKey {
    PreMoney,
    PostMoney,
    Price,
    Sold,
}

/// The field `steps` names in `scenario`, if the fast path can set it with values of `kind`.
pub fn resolve(scenario: &Scenario, steps: &[Step], kind: Kind) -> Option<Target> {
    let money = matches!(kind, Kind::Money | Kind::Number);
    let [Step::Key(top), round_selector, rest @ ..] = steps else {
        return None;
    };
    if top != "round" {
        return None;
    }
    let round = match round_selector {
        Step::Index(i) => (*i < scenario.rounds.len()).then_some(*i)?,
        Step::Named(name) => one(scenario.rounds.iter().map(|r| *r.name == **name))?,
        Step::Key(_) => return None,
    };
    let r = &scenario.rounds[round];
    // A round written with `amount` and no tranches gets one tranche from the loader.
    let synthesized = r.tranches.len() == 1 && r.tranches[0].span == r.span;
    match rest {
        [Step::Key(key)] => match key.as_str() {
            "pre_money" if money => Some(Target::Valuation {
                round,
                key: ValuationKey::PreMoney,
            }),
            "post_money" if money => Some(Target::Valuation {
                round,
                key: ValuationKey::PostMoney,
            }),
            "price" if money && scenario.mode == Mode::Shares => Some(Target::Valuation {
                round,
                key: ValuationKey::Price,
            }),
            "sold" if kind == Kind::Percent => Some(Target::Valuation {
                round,
                key: ValuationKey::Sold,
            }),
            // Without tranches the loader would build one from the new amount.
            "amount" if money && (!r.tranches.is_empty() || r.amount.is_some()) => Some(Target::RoundAmount { round }),
            "pool_target" if kind == Kind::Percent && !matches!(r.pool, Some(PoolTopUp::Increase(_))) => {
                Some(Target::PoolTarget { round })
            }
            _ => None,
        },
        [Step::Key(list), selector, Step::Key(key)] if list == "tranche" && key == "amount" && money => {
            if synthesized {
                return None; // the file has no tranche array to select from
            }
            let tranche = match selector {
                Step::Index(i) => (*i < r.tranches.len()).then_some(*i)?,
                Step::Named(name) => one(r.tranches.iter().map(|t| *t.investor == **name))?,
                Step::Key(_) => return None,
            };
            // A pro rata tranche may not have an amount: the loader says so.
            (r.tranches[tranche].amount != TrancheAmount::ProRata).then_some(Target::TrancheAmount { round, tranche })
        }
        _ => None,
    }
}

/// The index of the only `true`; `None` if there are none or several.
fn one(matches: impl Iterator<Item = bool>) -> Option<usize> {
    let mut found = None;
    for (i, m) in matches.enumerate() {
        if m {
            if found.is_some() {
                return None;
            }
            found = Some(i);
        }
    }
    found
}

/// Sets `value` on `scenario`; `false` if the loader would refuse the value (the caller
/// then takes the slow path, which reports why).
pub fn apply(scenario: &mut Scenario, target: Target, value: Decimal) -> bool {
    if value > value::limit() || value.is_sign_negative() {
        return false;
    }
    match target {
        Target::Valuation { round, key } => {
            let r = &mut scenario.rounds[round];
            r.valuation = match key {
                _ if key != ValuationKey::Sold && value.is_zero() => return false,
                ValuationKey::PreMoney => Valuation::PreMoney(value),
                ValuationKey::PostMoney => Valuation::PostMoney(value),
                ValuationKey::Price => Valuation::Price(value),
                ValuationKey::Sold if value <= Decimal::ZERO || value >= Decimal::ONE => return false,
                ValuationKey::Sold => Valuation::Sold(value),
            };
        }
        Target::RoundAmount { round } => {
            let r = &mut scenario.rounds[round];
            r.amount = Some(value);
            if r.tranches.len() == 1 && r.tranches[0].span == r.span {
                r.tranches[0].amount = TrancheAmount::Fixed(value);
            }
        }
        Target::TrancheAmount { round, tranche } => {
            scenario.rounds[round].tranches[tranche].amount = TrancheAmount::Fixed(value);
        }
        Target::PoolTarget { round } => {
            if value >= Decimal::ONE {
                return false;
            }
            scenario.rounds[round].pool = Some(PoolTopUp::Target(value));
        }
    }
    true
}
