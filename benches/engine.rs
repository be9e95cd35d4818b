//! Criterion benchmarks for the workloads the issues name; targets and measured numbers are
//! in docs/performance.md.
//!
//! ```text
//! cargo bench --bench engine -- --warm-up-time 1 --measurement-time 3
//! cargo bench --bench engine -- --peak-memory        # peak RSS of one 10k × 10 evaluation
//! cargo bench --bench engine -- --peak-memory 100k   # the same for 100k × 20
//! ```
//!
//! - `engine/openai`: `engine::evaluate` on scenarios/openai.toml (loaded once). Target < 5 µs.
//! - `engine/1984_readme`: `engine::evaluate` on scenarios/1984-ventures-readme.toml (five
//!   safes, a pool refresh, one round; loaded once). Target < 2 µs (issue 3).
//! - `engine/10k_holders_10_rounds`: a share-mode table of 10,000 holders through 10 priced
//!   rounds (built here as an `engine::Scenario`). Target < 20 ms and < 50 MB peak memory.
//! - `engine/100k_holders_20_rounds`: the same construction with 100,000 holders and 20
//!   rounds. Target < 1 s and < 200 MB peak memory (issue 6).
//! - `rows/10k_holders_10_rounds`: the 10k evaluation, then every holder row a full report
//!   derives (each round's table and the final one: 110,130 rows). No target; for information.
//! - `waterfall/10_classes_1000_holders_1000_exits`: `Waterfall::new` on a table of 10
//!   preferred classes and 1,000 holders, then `at(x)` for 1,000 exit values. Target < 10 ms
//!   (issue 5).
//! - `waterfall/breakpoints`: `Waterfall::new` on the same table, then `breakpoints()`.
//!   Target < 1 ms (issue 5).
//! - `waterfall/new`: `Waterfall::new` alone (the share of both above that is preparation).
//!   No target; for information.
//! - `load/openai`: parsing and validating scenarios/openai.toml (no target; for information).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use calc::engine::cap_table::CapTable;
use calc::engine::waterfall::Waterfall;
use calc::engine::{
    self, ClassDef, ClassTerms, Holder, HolderKind, PoolTiming, PoolTopUp, Round, Scenario, Tranche, TrancheAmount,
    Valuation,
};
use criterion::{criterion_group, Criterion};
use rust_decimal::Decimal;
use std::hint::black_box;

const OPENAI: &str = include_str!("../scenarios/openai.toml");
const README_1984: &str = include_str!("../scenarios/1984-ventures-readme.toml");

/// A one-holder, one-round share-mode file whose parsed elements are the templates the
/// large scenarios are built from: the bench sets only the fields it varies, so fields the
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

/// `holders` holders through `rounds` priced rounds, in share mode. The holders are
/// `holders − 1` share counts from 1,000 to 11,006 (7,919 is prime to 10,007, so the first
/// 10,007 are distinct; every tenth holder is an option grant; about 6,000 shares each on
/// average) and an unallocated pool of 600 shares per holder. Round r raises a quarter of
/// its pre-money (round 1 is $1,000 per holder of pre-money, so $10M for 10,000 holders,
/// and each round is ×2.5 the previous one): 60% from a new lead, 10% from an existing
/// holder, the previous lead's pro rata, and the rest from a syndicate. Within each ten
/// rounds, rounds 1, 4 and 7 top the pool up to 10% pre-money and round 9 to 8%
/// post-money; round 4 is valued post-money and round 6 by `sold`. Prices are rounded to
/// 4 decimals, cash shares down.
///
/// With 10,000 holders and 10 rounds this is exactly the scenario the 10k × 10 benchmark
/// has measured since `e482efb`.
fn share_mode_rounds(holders: usize, rounds: usize) -> Scenario {
    let template = calc::scenario::load(TEMPLATE, "large", None, &[]).expect("the template scenario loads");
    let mut scenario = template.scenario;
    let holder0 = scenario.holders[0].clone();
    let round0 = scenario.rounds[0].clone();
    let tranche0 = round0.tranches[0].clone();

    let holder = |name: String, kind: HolderKind, shares: i64| Holder {
        name: name.into(),
        kind,
        amount: Decimal::from(shares),
        ..holder0.clone()
    };
    let tranche = |investor: String, amount: TrancheAmount| Tranche {
        investor: investor.into(),
        amount,
        ..tranche0.clone()
    };

    let mut table: Vec<Holder> = (0..holders - 1)
        .map(|i| {
            let kind = if i % 10 == 9 {
                HolderKind::Options
            } else {
                HolderKind::Common
            };
            let shares = 1_000 + (i as i64 * 7_919) % 10_007;
            holder(format!("Holder {i:05}"), kind, shares)
        })
        .collect();
    let pool = 600 * i64::try_from(holders).expect("the holder count fits in i64");
    table.push(holder("Option pool".to_string(), HolderKind::Pool, pool));

    let mut pre_money = Decimal::from(1_000) * Decimal::from(holders);
    let rounds: Vec<Round> = (1..=rounds)
        .map(|r| {
            let amount = pre_money / Decimal::from(4);
            let mut tranches = vec![
                tranche(
                    format!("Series {r} lead"),
                    TrancheAmount::Fixed(amount * Decimal::new(6, 1)),
                ),
                tranche(
                    format!("Holder {:05}", (r * 997) % (holders - 1)),
                    TrancheAmount::Fixed(amount * Decimal::new(1, 1)),
                ),
            ];
            if r > 1 {
                tranches.push(tranche(format!("Series {} lead", r - 1), TrancheAmount::ProRata));
            }
            tranches.push(tranche(format!("Series {r} syndicate"), TrancheAmount::Rest));
            let in_ten = (r - 1) % 10 + 1;
            let valuation = match in_ten {
                4 => Valuation::PostMoney(pre_money + amount),
                6 => Valuation::Sold(Decimal::new(20, 2)),
                _ => Valuation::PreMoney(pre_money),
            };
            let (pool, pool_timing) = match in_ten {
                1 | 4 | 7 => (Some(PoolTopUp::Target(Decimal::new(10, 2))), PoolTiming::PreMoney),
                9 => (Some(PoolTopUp::Target(Decimal::new(8, 2))), PoolTiming::PostMoney),
                _ => (None, PoolTiming::PreMoney),
            };
            pre_money *= Decimal::new(25, 1);
            Round {
                name: format!("Series {r}").into(),
                valuation,
                amount: Some(amount),
                class: format!("Series {r}").into(),
                tranches,
                pool,
                pool_timing,
                ..round0.clone()
            }
        })
        .collect();

    scenario.holders = table;
    scenario.rounds = rounds;
    scenario
}

/// The templates of the waterfall table: a preferred class, a common and a preferred
/// holder, and an exit (whose span the waterfall reports errors at).
const WATERFALL_TEMPLATE: &str = r#"
[[class]]
name = "Template class"
original_price = "1"

[[holder]]
name = "Template holder"
shares = 1

[[holder]]
name = "Template investor"
shares = 1
kind = "preferred"
class = "Template class"

[exit]
values = ["1M"]
"#;

const CLASSES: usize = 10;
const INVESTORS_PER_CLASS: usize = 20;
const WATERFALL_HOLDERS: usize = 1_000;
const EXITS: usize = 1_000;

/// 10 preferred classes and 1,000 holders, with `[exit] values` of $1M, $2M, …, $1B.
///
/// Class k (k = 0..9) has an original price of $0.50 × (k + 1) and 20 investors holding
/// 50,000 + 1,000 j shares each (j = 0..19): 1.19M shares a class, $0.595M to $5.95M
/// invested, $32.725M in all ($35.7M of preferences). Its terms cycle through
/// non-participating (k = 0, 3, 6, 9; class 9 at 1.5x), participating with no cap (k = 1,
/// 4, 7) and participating capped at 3x (k = 2, 5, 8; class 5 at 2x); classes 5 to 9 are
/// senior (seniority 2) to classes 0 to 4 (seniority 1).
/// The other 800 holders are 700 common holders (20,000 to 30,006 shares), 99 option
/// holders (1,000 to 11,006 options at strikes of $0.10, $0.25, $0.50 or $1.00) and a
/// 2M-share pool. The exits cross the whole preference stack, every cap and every
/// conversion.
fn waterfall_scenario() -> Scenario {
    let template = calc::scenario::load(WATERFALL_TEMPLATE, "waterfall", None, &[]).expect("the template loads");
    let mut scenario = template.scenario;
    let class0 = scenario.classes[0].clone();
    let common0 = scenario.holders[0].clone();
    let investor0 = scenario.holders[1].clone();

    scenario.classes = (0..CLASSES)
        .map(|k| {
            let (participating, participation_cap) = match k % 3 {
                0 => (false, None),
                1 => (true, None),
                _ => (true, Some(Decimal::from(if k == 5 { 2 } else { 3 }))),
            };
            ClassDef {
                name: format!("Class {k}").into(),
                original_price: Some(Decimal::new(5 * (k as i64 + 1), 1)),
                terms: ClassTerms {
                    preference: if k == 9 { Decimal::new(15, 1) } else { Decimal::ONE },
                    participating,
                    participation_cap,
                    seniority: if k < 5 { 1 } else { 2 },
                    ..class0.terms
                },
                ..class0.clone()
            }
        })
        .collect();

    let mut holders = Vec::with_capacity(WATERFALL_HOLDERS);
    for k in 0..CLASSES {
        for j in 0..INVESTORS_PER_CLASS {
            holders.push(Holder {
                name: format!("Investor {k}-{j:02}").into(),
                class: format!("Class {k}").into(),
                amount: Decimal::from(50_000 + 1_000 * j as i64),
                ..investor0.clone()
            });
        }
    }
    let strikes = [
        Decimal::new(10, 2),
        Decimal::new(25, 2),
        Decimal::new(50, 2),
        Decimal::ONE,
    ];
    let others = WATERFALL_HOLDERS - holders.len() - 1;
    for i in 0..others {
        let spread = (i as i64 * 7_919) % 10_007;
        holders.push(if i % 8 == 7 {
            Holder {
                name: format!("Option holder {i:03}").into(),
                kind: HolderKind::Options,
                amount: Decimal::from(1_000 + spread),
                strike: Some(strikes[(i / 8) % strikes.len()]),
                ..common0.clone()
            }
        } else {
            Holder {
                name: format!("Holder {i:03}").into(),
                amount: Decimal::from(20_000 + spread),
                ..common0.clone()
            }
        });
    }
    holders.push(Holder {
        name: "Option pool".into(),
        kind: HolderKind::Pool,
        amount: Decimal::from(2_000_000),
        ..common0.clone()
    });
    scenario.holders = holders;

    let exit = scenario.exit.as_mut().expect("the template has an exit");
    exit.values = (1..=EXITS as i64).map(|i| Decimal::from(1_000_000 * i)).collect();
    scenario
}

fn engine_benches(c: &mut Criterion) {
    let doc = calc::scenario::load(OPENAI, "openai", None, &[]).expect("scenarios/openai.toml loads");
    c.bench_function("engine/openai", |b| {
        b.iter(|| engine::evaluate(black_box(&doc.scenario)).unwrap())
    });

    let doc = calc::scenario::load(README_1984, "1984", None, &[]).expect("scenarios/1984-ventures-readme.toml loads");
    engine::evaluate(&doc.scenario).expect("the 1984 Ventures README case evaluates");
    c.bench_function("engine/1984_readme", |b| {
        b.iter(|| engine::evaluate(black_box(&doc.scenario)).unwrap())
    });

    // The large scenarios are built on first use, so that a filtered run (and a profile of
    // one benchmark) does not build and evaluate the others.
    let mut ten_k = None;
    let mut hundred_k = None;
    let mut group = c.benchmark_group("engine");
    group.sample_size(10);
    group.bench_function("10k_holders_10_rounds", |b| {
        let ten_k = ten_k.get_or_insert_with(|| large(10_000, 10));
        b.iter(|| engine::evaluate(black_box(&*ten_k)).unwrap())
    });
    group.bench_function("100k_holders_20_rounds", |b| {
        let hundred_k = hundred_k.get_or_insert_with(|| large(100_000, 20));
        b.iter(|| engine::evaluate(black_box(&*hundred_k)).unwrap())
    });
    group.finish();

    let mut group = c.benchmark_group("rows");
    group.sample_size(10);
    group.bench_function("10k_holders_10_rounds", |b| {
        let ten_k = ten_k.get_or_insert_with(|| large(10_000, 10));
        b.iter(|| all_rows(&engine::evaluate(black_box(&*ten_k)).unwrap()))
    });
    group.finish();
}

/// `share_mode_rounds`, checked once: every round is computed and every holder is kept.
fn large(holders: usize, rounds: usize) -> Scenario {
    let scenario = share_mode_rounds(holders, rounds);
    let outcome = engine::evaluate(&scenario).expect("the large scenario evaluates");
    assert_eq!(outcome.rounds.len(), rounds);
    assert!(outcome.final_holders().len() > holders);
    scenario
}

/// Derives every holder row a full report prints (each round's table, then the final
/// one), one table at a time as a renderer does; returns how many there were.
fn all_rows(outcome: &engine::Outcome) -> usize {
    let rounds: usize = outcome.rounds.iter().map(|r| black_box(r.holders()).len()).sum();
    rounds + black_box(outcome.final_holders()).len()
}

/// The waterfall workload: the cap table the exits are paid from, and the `[exit]`.
struct WaterfallCase {
    table: CapTable<'static>,
    exit: engine::Exit,
}

impl WaterfallCase {
    /// Builds `waterfall_scenario`'s table and checks it against `engine::evaluate`: the
    /// table built here is the one the engine pays out from (there are no rounds), every
    /// exit pays out exactly its value, and the exits reach past every conversion.
    fn new() -> Self {
        // The table borrows its names from the scenario, kept for the whole run.
        let scenario: &'static Scenario = Box::leak(Box::new(waterfall_scenario()));
        let exit = scenario.exit.clone().expect("the waterfall scenario has an exit");
        let table = CapTable::from_scenario(scenario).expect("the waterfall table builds");
        assert_eq!(table.positions.len(), WATERFALL_HOLDERS);
        assert_eq!(table.classes.iter().filter(|c| c.preferred).count(), CLASSES);

        let waterfall = Waterfall::new(&table, &[], largest_exit(&exit), &exit.span).expect("the waterfall prepares");
        let outcome = engine::evaluate(scenario).expect("the waterfall scenario evaluates");
        assert_eq!(outcome.exits.len(), EXITS);
        for (x, engine_exit) in exit.values.iter().zip(&outcome.exits) {
            let here = waterfall.at(*x).unwrap();
            let paid: Decimal = here.payouts().iter().map(|p| p.amount).sum();
            assert_eq!(paid, *x, "the payouts at {x} sum to the exit value");
            assert!(here
                .payouts()
                .iter()
                .zip(&engine_exit.payouts())
                .all(|(l, r)| l.holder == r.holder && l.amount == r.amount));
        }
        let breakpoints = waterfall.breakpoints().unwrap();
        assert_eq!(breakpoints, outcome.breakpoints);
        assert!(breakpoints.len() >= CLASSES, "every class has at least one breakpoint");
        // At the last exit every class that can convert has: all but the three uncapped
        // participating ones.
        let last = outcome.exits.last().expect("there are exits");
        assert_eq!(
            last.classes.iter().filter(|c| c.converted).count(),
            CLASSES - 3,
            "the exits reach past every conversion"
        );
        drop(waterfall);
        WaterfallCase { table, exit }
    }
}

/// The largest exit value, as `engine::evaluate` passes it to `Waterfall::new`: every
/// payout is kept to the decimals it allows.
fn largest_exit(exit: &engine::Exit) -> Decimal {
    exit.values.iter().copied().max().unwrap_or_default()
}

fn waterfall_benches(c: &mut Criterion) {
    let mut case = None;
    let mut group = c.benchmark_group("waterfall");
    group.sample_size(10);
    group.bench_function("10_classes_1000_holders_1000_exits", |b| {
        let WaterfallCase { table, exit } = case.get_or_insert_with(WaterfallCase::new);
        b.iter(|| {
            let waterfall = Waterfall::new(black_box(&*table), &[], largest_exit(exit), &exit.span).unwrap();
            for &x in &exit.values {
                black_box(waterfall.at(black_box(x)).unwrap());
            }
        })
    });
    // For information: the same, and every holder's payout derived at every exit value
    // (what a full report prints).
    group.bench_function("10_classes_1000_holders_1000_exits_with_holder_payouts", |b| {
        let WaterfallCase { table, exit } = case.get_or_insert_with(WaterfallCase::new);
        b.iter(|| {
            let waterfall = Waterfall::new(black_box(&*table), &[], largest_exit(exit), &exit.span).unwrap();
            for &x in &exit.values {
                black_box(waterfall.at(black_box(x)).unwrap().payouts());
            }
        })
    });
    group.bench_function("breakpoints", |b| {
        let WaterfallCase { table, exit } = case.get_or_insert_with(WaterfallCase::new);
        b.iter(|| {
            Waterfall::new(black_box(&*table), &[], largest_exit(exit), &exit.span)
                .unwrap()
                .breakpoints()
                .unwrap()
        })
    });
    group.bench_function("new", |b| {
        let WaterfallCase { table, exit } = case.get_or_insert_with(WaterfallCase::new);
        b.iter(|| Waterfall::new(black_box(&*table), &[], largest_exit(exit), &exit.span).unwrap())
    });
    group.finish();
}

fn load_benches(c: &mut Criterion) {
    c.bench_function("load/openai", |b| {
        b.iter(|| calc::scenario::load(black_box(OPENAI), "openai", None, &[]).unwrap())
    });
}

criterion_group!(benches, engine_benches, waterfall_benches, load_benches);

/// Peak resident memory (VmHWM, from /proc/self/status on Linux), in kB.
fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// `--peak-memory [10k|100k]`: evaluates the 10k × 10 (default) or the 100k × 20 scenario
/// once and prints the process's peak RSS before and after, so the engine's share can be
/// told apart from the input's, then after deriving every holder row as a report would.
/// One workload per process: the peak is a high-water mark.
fn peak_memory(holders: usize, rounds: usize) {
    let show = |kb: Option<u64>| {
        kb.map_or_else(
            || "unavailable".to_string(),
            |kb| format!("{:.1} MB", kb as f64 / 1024.0),
        )
    };
    println!("workload: {holders} holders through {rounds} rounds");
    println!("peak RSS at start:                      {}", show(peak_rss_kb()));
    let big = share_mode_rounds(holders, rounds);
    println!("peak RSS with the scenario built:       {}", show(peak_rss_kb()));
    let outcome = engine::evaluate(black_box(&big)).unwrap();
    println!("peak RSS after evaluate (outcome held): {}", show(peak_rss_kb()));
    let rows = all_rows(&outcome);
    println!("peak RSS after deriving every row:      {}", show(peak_rss_kb()));
    println!("holder rows derived:                    {rows}");
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--peak-memory") {
        match args.get(at + 1).map(String::as_str) {
            Some("100k") => peak_memory(100_000, 20),
            Some("10k") | None => peak_memory(10_000, 10),
            Some(other) if other.starts_with('-') => peak_memory(10_000, 10),
            Some(other) => panic!("--peak-memory takes 10k or 100k, not {other}"),
        }
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
