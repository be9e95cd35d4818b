//! `--metric`: the one figure a sweep grid shows, e.g. `ownership:Amazon`, `value:Amazon`,
//! `price`, `post_money` or `price:Seed` (a round figure of a named round; default the last).

use crate::engine::Outcome;
use crate::scenario::expect::Metric;
use rust_decimal::Decimal;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Figure {
    /// A holder's figure in the final table.
    Holder { metric: Metric, holder: String },
    /// A round's figure; `None` is the last round.
    Round { metric: Metric, round: Option<String> },
}

const HOLDER_METRICS: &str = "ownership, shares, value, dilution";
const ROUND_METRICS: &str = "price, pre_money, post_money, amount, new_shares, pool_increase";

impl Figure {
    /// Parses `METRIC[:NAME]`; the message lists what can be written.
    pub fn parse(text: &str) -> Result<Figure, String> {
        let (name, arg) = match text.split_once(':') {
            Some((m, a)) => (m.trim(), Some(a.trim())),
            None => (text.trim(), None),
        };
        let metric = Metric::ALL.iter().find(|(n, _)| *n == name).map(|(_, m)| *m);
        let usage = format!(
            "write --metric ownership:HOLDER (or {HOLDER_METRICS} with :HOLDER), or one of {ROUND_METRICS} (optionally :ROUND)"
        );
        match (metric, arg) {
            (Some(Metric::Payout), _) => Err(format!(
                "--metric {text}: `payout` needs an exit, which a sweep does not compute; {usage}"
            )),
            (Some(m), Some(holder)) if m.is_holder_metric() && !holder.is_empty() => Ok(Figure::Holder {
                metric: m,
                holder: holder.to_string(),
            }),
            (Some(m), _) if m.is_holder_metric() => Err(format!(
                "--metric {text}: `{name}` is a holder's figure: write `{name}:HOLDER`"
            )),
            (Some(m), Some(round)) if !round.is_empty() => Ok(Figure::Round {
                metric: m,
                round: Some(round.to_string()),
            }),
            (Some(m), None) => Ok(Figure::Round { metric: m, round: None }),
            _ => Err(format!("--metric {text}: unknown figure; {usage}")),
        }
    }

    pub fn metric(&self) -> Metric {
        match self {
            Figure::Holder { metric, .. } | Figure::Round { metric, .. } => *metric,
        }
    }

    /// The machine name: `ownership:Amazon`, `price`, `price:Seed`.
    pub fn key(&self) -> String {
        match self {
            Figure::Holder { metric, holder } => format!("{}:{holder}", metric.name()),
            Figure::Round { metric, round: None } => metric.name().to_string(),
            Figure::Round { metric, round: Some(r) } => format!("{}:{r}", metric.name()),
        }
    }

    /// The figure in `outcome`; `None` where it does not apply (a holder absent at this
    /// point, a price in percent mode).
    pub fn get(&self, outcome: &Outcome) -> Option<Decimal> {
        match self {
            Figure::Holder { metric, holder } => {
                let rows = outcome.final_holders();
                let row = rows.iter().find(|h| h.name == *holder)?;
                match metric {
                    Metric::Ownership => Some(row.ownership_after),
                    Metric::Shares => row.shares_after,
                    Metric::Value => row.value_after,
                    Metric::Dilution => row.dilution,
                    _ => None,
                }
            }
            Figure::Round { metric, round } => {
                let r = match round {
                    Some(name) => outcome.rounds.iter().find(|r| *r.name == **name)?,
                    None => outcome.rounds.last()?,
                };
                match metric {
                    Metric::Price => r.price,
                    Metric::PreMoney => Some(r.pre_money),
                    Metric::PostMoney => Some(r.post_money),
                    Metric::Amount => Some(r.amount),
                    Metric::NewShares => r.new_shares,
                    Metric::PoolIncrease => r.pool_increase,
                    _ => None,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_parse() {
        assert_eq!(
            Figure::parse("ownership:Amazon").unwrap(),
            Figure::Holder {
                metric: Metric::Ownership,
                holder: "Amazon".into()
            }
        );
        assert_eq!(
            Figure::parse("price").unwrap(),
            Figure::Round {
                metric: Metric::Price,
                round: None
            }
        );
        assert_eq!(Figure::parse("post_money:Seed").unwrap().key(), "post_money:Seed");
        for bad in ["ownership", "value:", "payout:X", "owner:X", ""] {
            assert!(Figure::parse(bad).is_err(), "{bad}");
        }
    }
}
