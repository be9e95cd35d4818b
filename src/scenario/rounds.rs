//! `[[round]]` and `[[round.tranche]]`: the financings, in order.

use super::reader::{Problems, Table};
use crate::engine::{ConversionMethod, Date, Mode, PoolTiming, PoolTopUp, Round, Tranche, TrancheAmount, Valuation};
use rust_decimal::Decimal;
use std::collections::HashSet;
use toml::de::DeValue;

const KEYS: &[&str] = &[
    "name",
    "date",
    "pre_money",
    "post_money",
    "price",
    "sold",
    "amount",
    "class",
    "pool_target",
    "pool_increase",
    "pool_timing",
    "conversion_method",
    "preference",
    "participating",
    "participation_cap",
    "seniority",
    "anti_dilution",
    "tranche",
];
const TRANCHE_KEYS: &[&str] = &["investor", "amount", "label", "pro_rata"];
pub const VALUATION_KEYS: [&str; 4] = ["pre_money", "post_money", "price", "sold"];

/// `converting` holds the names of rounds in which a safe or note converts: such a
/// round may have no new money of its own.
pub fn read(top: &Table, mode: Mode, converting: &HashSet<String>, p: &mut Problems) -> Vec<Round> {
    let mut names = HashSet::new();
    let mut rounds = Vec::new();
    for (entries, span) in top.tables("round", p) {
        let t = Table::new(entries, span.clone(), "[[round]]");
        t.check_keys(KEYS, p);
        let name = t.name("name", p);
        if let Some((n, s)) = &name {
            if !names.insert(n.clone()) {
                p.at(
                    s.clone(),
                    format!("round \"{n}\" is named twice"),
                    Some("round names must be unique".into()),
                );
            }
        }
        let label = name
            .as_ref()
            .map_or_else(|| "[[round]]".to_string(), |(n, _)| format!("round \"{n}\""));
        let valuation = valuation(&t, &label, mode, p);
        let amount = t.money("amount", p).map(|v| v.value);
        let class = t.string("class", p).map(|(c, _)| c);
        let date = t.date("date", p).map(|d| Date {
            year: i32::from(d.year),
            month: u32::from(d.month),
            day: u32::from(d.day),
        });
        let conversion_method = if t.get("conversion_method").is_some() {
            t.choice(
                "conversion_method",
                &[
                    ("percentage-ownership", ConversionMethod::PercentageOwnership),
                    ("pre-money", ConversionMethod::PreMoney),
                    ("dollars-invested", ConversionMethod::DollarsInvested),
                ],
                p,
            )
        } else {
            Some(ConversionMethod::PercentageOwnership)
        };
        let (pool, pool_span) = pool(&t, p);
        let pool_timing = if t.get("pool_timing").is_some() {
            t.choice(
                "pool_timing",
                &[
                    ("pre-money", PoolTiming::PreMoney),
                    ("post-money", PoolTiming::PostMoney),
                ],
                p,
            )
        } else {
            Some(PoolTiming::PreMoney)
        };
        let terms = super::classes::terms(&t, p);
        let mut tranches = tranches(&t, amount.is_some(), p);
        let converts_here = name.as_ref().is_some_and(|(n, _)| converting.contains(n));
        if let (Mode::Percent, Some(span)) = (mode, t.key_span("pool_increase")) {
            p.at(
                span,
                "`pool_increase` counts shares, and this table is in percent mode",
                Some("write `pool_target = \"10%\"` instead".into()),
            );
        }
        if tranches.is_empty() {
            if let (Some(a), Some((n, _))) = (amount, &name) {
                // A round written with a total only is bought by one anonymous investor.
                tranches.push(Tranche {
                    investor: format!("{n} investors").into(),
                    amount: TrancheAmount::Fixed(a),
                    label: None,
                    span: span.clone(),
                });
            } else if pool.is_none() && !converts_here && t.get("amount").is_none() && t.get("tranche").is_none() {
                p.at(
                    span.clone(),
                    format!("{label} has no new money"),
                    Some("add `amount = \"5M\"` or [[round.tranche]] blocks with investor and amount".into()),
                );
            }
        }
        if let (Some((name, _)), Some((valuation, valuation_span)), Some(pool_timing), Some(conversion_method)) =
            (name, valuation, pool_timing, conversion_method)
        {
            rounds.push(Round {
                date,
                conversion_method,
                terms,
                class: class.unwrap_or_else(|| name.clone()).into(),
                name: name.into(),
                valuation,
                valuation_span,
                amount,
                tranches,
                pool,
                pool_timing,
                pool_span: pool_span.unwrap_or(span.clone()),
                span,
            });
        }
    }
    rounds
}

fn valuation(t: &Table, label: &str, mode: Mode, p: &mut Problems) -> Option<(Valuation, std::ops::Range<usize>)> {
    let present: Vec<&str> = VALUATION_KEYS.iter().copied().filter(|k| t.get(k).is_some()).collect();
    match present.as_slice() {
        [] => {
            // A misspelt valuation key (`pre_mony`) is already reported as an unknown key
            // with "did you mean"; saying the round has no valuation as well is noise.
            let misspelt = t.entries.keys().any(|k| {
                let k: &str = k.get_ref();
                !KEYS.contains(&k) && crate::diagnostic::did_you_mean(k, VALUATION_KEYS).is_some()
            });
            if !misspelt {
                p.at(
                    t.span.clone(),
                    format!("{label} has no valuation"),
                    Some("add one of `pre_money`, `post_money`, `price` or `sold`".into()),
                );
            }
            None
        }
        [key] => {
            let span = t.get(key)?.span();
            let v = match *key {
                "pre_money" => Valuation::PreMoney(positive(t, key, t.money(key, p)?.value, p)?),
                "post_money" => Valuation::PostMoney(positive(t, key, t.money(key, p)?.value, p)?),
                "price" => {
                    let price = positive(t, key, t.money(key, p)?.value, p)?;
                    if mode == Mode::Percent {
                        p.at(
                            span,
                            "`price` needs share counts, and this table is in percent mode",
                            Some("value the round with `pre_money`, `post_money` or `sold`".into()),
                        );
                        return None;
                    }
                    Valuation::Price(price)
                }
                _ => {
                    let sold = t.percent(key, p)?.value;
                    if sold <= Decimal::ZERO || sold >= Decimal::ONE {
                        p.at(
                            span,
                            "`sold` must be above 0% and below 100%",
                            Some("write e.g. `sold = \"20%\"`".into()),
                        );
                        return None;
                    }
                    Valuation::Sold(sold)
                }
            };
            Some((v, span))
        }
        [first, others @ ..] => {
            for other in others {
                if let Some(s) = t.key_span(other) {
                    p.at(
                        s,
                        format!("{label} is valued twice: `{first}` and `{other}`"),
                        Some(format!(
                            "keep exactly one of pre_money, post_money, price or sold; remove `{other}`"
                        )),
                    );
                }
            }
            None
        }
    }
}

fn positive(t: &Table, key: &str, v: Decimal, p: &mut Problems) -> Option<Decimal> {
    if v.is_zero() {
        p.at(
            t.get(key)?.span(),
            format!("`{key}` must be above zero"),
            Some(format!(
                "write the {} as a positive amount, e.g. `{key} = \"10M\"`",
                key.replace('_', "-")
            )),
        );
        return None;
    }
    Some(v)
}

fn pool(t: &Table, p: &mut Problems) -> (Option<PoolTopUp>, Option<std::ops::Range<usize>>) {
    match (t.get("pool_target"), t.get("pool_increase")) {
        (Some(node), Some(_)) => {
            p.at(
                node.span(),
                "a round has `pool_target` or `pool_increase`, not both",
                Some("keep one".into()),
            );
            (None, None)
        }
        (Some(node), None) => {
            let target = t.percent("pool_target", p).map(|v| v.value);
            if let Some(v) = target {
                if v >= Decimal::ONE {
                    p.at(
                        node.span(),
                        "`pool_target` must be below 100%",
                        Some("write e.g. `pool_target = \"10%\"`".into()),
                    );
                    return (None, None);
                }
            }
            (target.map(PoolTopUp::Target), Some(node.span()))
        }
        (None, Some(node)) => (
            t.shares("pool_increase", p).map(|v| PoolTopUp::Increase(v.value)),
            Some(node.span()),
        ),
        (None, None) => (None, None),
    }
}

fn tranches(t: &Table, has_amount: bool, p: &mut Problems) -> Vec<Tranche> {
    let mut out = Vec::new();
    let mut rest_seen = false;
    for (entries, span) in t.tables("tranche", p) {
        let tt = Table::new(entries, span.clone(), "[[round.tranche]]");
        tt.check_keys(TRANCHE_KEYS, p);
        let investor = tt.name("investor", p);
        let label = tt.string("label", p).map(|(l, _)| l);
        let pro_rata = tt.boolean("pro_rata", p).unwrap_or(false);
        let amount = match (tt.get("amount"), pro_rata) {
            (Some(node), true) => {
                p.at(
                    node.span(),
                    "a pro_rata tranche has no `amount`: its amount follows from its ownership",
                    Some("remove `amount`, or `pro_rata = true`".into()),
                );
                None
            }
            (None, true) => Some(TrancheAmount::ProRata),
            (None, false) => {
                tt.missing("amount", "\"5M\"", p);
                None
            }
            (Some(node), false) => match node.get_ref() {
                DeValue::String(s) if s.trim() == "rest" => {
                    if rest_seen {
                        p.at(
                            node.span(),
                            "a second `amount = \"rest\"` in this round",
                            Some("only one tranche can take the rest".into()),
                        );
                        None
                    } else if !has_amount {
                        p.at(
                            node.span(),
                            "`amount = \"rest\"` needs the round's total",
                            Some("add `amount = \"...\"` to the [[round]]".into()),
                        );
                        None
                    } else {
                        rest_seen = true;
                        Some(TrancheAmount::Rest)
                    }
                }
                _ => tt.money("amount", p).map(|v| TrancheAmount::Fixed(v.value)),
            },
        };
        if let (Some((investor, _)), Some(amount)) = (investor, amount) {
            out.push(Tranche {
                investor: investor.into(),
                amount,
                label,
                span,
            });
        }
    }
    out
}
