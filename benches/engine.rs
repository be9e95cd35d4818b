//! Criterion benchmarks for the workloads the issues name; targets and measured numbers are
//! in docs/performance.md.
//!
//! ```text
//! cargo bench --bench engine -- --warm-up-time 1 --measurement-time 3
//! cargo bench --bench engine -- --peak-memory      # peak RSS of one 10k × 10 evaluation
//! ```
//!
//! - `engine/openai`: `engine::evaluate` on scenarios/openai.toml (loaded once). Target < 5 µs.
//! - `engine/10k_holders_10_rounds`: a share-mode table of 10,000 holders through 10 priced
//!   rounds (built here as an `engine::Scenario`). Target < 20 ms and < 50 MB peak memory.
//! - `rows/10k_holders_10_rounds`: the same evaluation, then every holder row a full report
//!   derives (each round's table and the final one: 110,130 rows). No target; for information.
//! - `load/openai`: parsing and validating scenarios/openai.toml (no target; for information).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use calc::engine::{
    self, Holder, HolderKind, PoolTiming, PoolTopUp, Round, Scenario, Tranche, TrancheAmount, Valuation,
};
use criterion::{criterion_group, Criterion};
use rust_decimal::Decimal;
use std::hint::black_box;

const OPENAI: &str = include_str!("../scenarios/openai.toml");

const HOLDERS: usize = 10_000;
const ROUNDS: usize = 10;

/// A one-holder, one-round share-mode file whose parsed elements are the templates the
/// large scenario is built from: the bench sets only the fields it varies, so fields the
/// engine's model gains later keep the loader's defaults.
const TEMPLATE: &str = r#"
[rounding]
price_decimals = 4       # cash_shares "down", pool_shares "up": the defaults

[[holder]]
name = "Template holder"
shares = 1

[[round]]
name = "Template round"
pre_money = "1M"

[[round.tranche]]
investor = "Template investor"
amount = "1"
"#;

/// 10,000 holders through 10 priced rounds. The holders are 9,999 distinct share counts
/// (1,000 to 11,006; every tenth an option grant; about 60M shares) and a 6M-share pool.
/// Round r raises a quarter of its pre-money ($10M pre in round 1, ×2.5 a round): 60% from
/// a new lead, 10% from an existing holder, the previous lead's pro rata, and the rest from
/// a syndicate. Rounds 1, 4 and 7 top the pool up to 10% pre-money, round 9 to 8%
/// post-money; round 4 is valued post-money and round 6 by `sold`. Prices are rounded to
/// 4 decimals, cash shares down.
fn ten_k_holders_ten_rounds() -> Scenario {
    let template = calc::scenario::load(TEMPLATE, "10k", None, &[]).expect("the template scenario loads");
    let mut scenario = template.scenario;
    let holder0 = scenario.holders[0].clone();
    let round0 = scenario.rounds[0].clone();
    let tranche0 = round0.tranches[0].clone();

    let holder = |name: String, kind: HolderKind, shares: i64| Holder {
        name,
        kind,
        amount: Decimal::from(shares),
        ..holder0.clone()
    };
    let tranche = |investor: String, amount: TrancheAmount| Tranche {
        investor,
        amount,
        ..tranche0.clone()
    };

    let mut holders: Vec<Holder> = (0..HOLDERS - 1)
        .map(|i| {
            let kind = if i % 10 == 9 {
                HolderKind::Options
            } else {
                HolderKind::Common
            };
            let shares = 1_000 + (i as i64 * 7_919) % 10_007; // 7,919 is prime to 10,007: all distinct
            holder(format!("Holder {i:05}"), kind, shares)
        })
        .collect();
    holders.push(holder("Option pool".to_string(), HolderKind::Pool, 6_000_000));

    let mut pre_money = Decimal::from(10_000_000);
    let rounds: Vec<Round> = (1..=ROUNDS)
        .map(|r| {
            let amount = pre_money / Decimal::from(4);
            let mut tranches = vec![
                tranche(
                    format!("Series {r} lead"),
                    TrancheAmount::Fixed(amount * Decimal::new(6, 1)),
                ),
                tranche(
                    format!("Holder {:05}", (r * 997) % (HOLDERS - 1)),
                    TrancheAmount::Fixed(amount * Decimal::new(1, 1)),
                ),
            ];
            if r > 1 {
                tranches.push(tranche(format!("Series {} lead", r - 1), TrancheAmount::ProRata));
            }
            tranches.push(tranche(format!("Series {r} syndicate"), TrancheAmount::Rest));
            let valuation = match r {
                4 => Valuation::PostMoney(pre_money + amount),
                6 => Valuation::Sold(Decimal::new(20, 2)),
                _ => Valuation::PreMoney(pre_money),
            };
            let (pool, pool_timing) = match r {
                1 | 4 | 7 => (Some(PoolTopUp::Target(Decimal::new(10, 2))), PoolTiming::PreMoney),
                9 => (Some(PoolTopUp::Target(Decimal::new(8, 2))), PoolTiming::PostMoney),
                _ => (None, PoolTiming::PreMoney),
            };
            pre_money *= Decimal::new(25, 1);
            Round {
                name: format!("Series {r}"),
                valuation,
                amount: Some(amount),
                class: format!("Series {r}"),
                tranches,
                pool,
                pool_timing,
                ..round0.clone()
            }
        })
        .collect();

    scenario.holders = holders;
    scenario.rounds = rounds;
    scenario
}

fn engine_benches(c: &mut Criterion) {
    let doc = calc::scenario::load(OPENAI, "openai", None, &[]).expect("scenarios/openai.toml loads");
    c.bench_function("engine/openai", |b| {
        b.iter(|| engine::evaluate(black_box(&doc.scenario)).unwrap())
    });

    let big = ten_k_holders_ten_rounds();
    let outcome = engine::evaluate(&big).expect("the 10k-holder scenario evaluates");
    assert_eq!(outcome.rounds.len(), ROUNDS);
    assert!(outcome.final_holders().len() > HOLDERS);
    let mut group = c.benchmark_group("engine");
    group.sample_size(10);
    group.bench_function("10k_holders_10_rounds", |b| {
        b.iter(|| engine::evaluate(black_box(&big)).unwrap())
    });
    group.finish();

    let mut group = c.benchmark_group("rows");
    group.sample_size(10);
    group.bench_function("10k_holders_10_rounds", |b| {
        b.iter(|| all_rows(&engine::evaluate(black_box(&big)).unwrap()))
    });
    group.finish();
}

/// Derives every holder row a full report prints (each round's table, then the final
/// one), one table at a time as a renderer does; returns how many there were.
fn all_rows(outcome: &engine::Outcome) -> usize {
    let rounds: usize = outcome.rounds.iter().map(|r| black_box(r.holders()).len()).sum();
    rounds + black_box(outcome.final_holders()).len()
}

fn load_benches(c: &mut Criterion) {
    c.bench_function("load/openai", |b| {
        b.iter(|| calc::scenario::load(black_box(OPENAI), "openai", None, &[]).unwrap())
    });
}

criterion_group!(benches, engine_benches, load_benches);

/// Peak resident memory (VmHWM, from /proc/self/status on Linux), in kB.
fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// `--peak-memory`: evaluates the 10k × 10 scenario once and prints the process's peak RSS
/// before and after, so the engine's share can be told apart from the input's, then after
/// deriving every holder row as a report would.
fn peak_memory() {
    let show = |kb: Option<u64>| {
        kb.map_or_else(
            || "unavailable".to_string(),
            |kb| format!("{:.1} MB", kb as f64 / 1024.0),
        )
    };
    println!("peak RSS at start:                      {}", show(peak_rss_kb()));
    let big = ten_k_holders_ten_rounds();
    println!("peak RSS with the scenario built:       {}", show(peak_rss_kb()));
    let outcome = engine::evaluate(black_box(&big)).unwrap();
    println!("peak RSS after evaluate (outcome held): {}", show(peak_rss_kb()));
    let rows = all_rows(&outcome);
    println!("peak RSS after deriving every row:      {}", show(peak_rss_kb()));
    println!("holder rows derived:                    {rows}");
}

fn main() {
    if std::env::args().any(|a| a == "--peak-memory") {
        peak_memory();
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
