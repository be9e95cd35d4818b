//! Identities the engine must meet on any input (SCENARIO_FORMAT.md, "Rounds"): `sold`
//! sets post = amount / sold, a `price` sets pre = price × fully diluted shares, ownership
//! sums to exactly 1, shares are conserved, a pool target is met. The property tests build
//! scenario text from generated figures and run it through the library.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::{evaluate, holder};
use calc::engine::{HolderKind, Outcome};
use proptest::prelude::*;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

fn config() -> ProptestConfig {
    ProptestConfig {
        // PROPTEST_CASES=10000 for a longer search; failures print a shrunk scenario.
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(48),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// `sold = "20%"` with $5M of new money: post-money = 5M / 20% = $25M, pre-money $20M.
#[test]
fn sold_sets_the_post_money() {
    for table in [
        "[[holder]]\nname = \"Founders\"\nshares = 4_000_000\n",
        "[[holder]]\nname = \"Founders\"\nstake = \"100%\"\n",
    ] {
        let (_, outcome) = evaluate(&format!(
            "{table}\n[[round]]\nname = \"A\"\nsold = \"20%\"\namount = \"5M\"\n"
        ));
        let round = &outcome.rounds[0];
        assert_eq!(round.post_money, dec!(25_000_000));
        assert_eq!(round.pre_money, dec!(20_000_000));
        assert_eq!(round.tranche_rows()[0].ownership, dec!(0.2));
    }
}

/// A `price` valuation: pre-money = price × fully diluted shares before the round.
#[test]
fn price_sets_the_pre_money() {
    let (_, outcome) = evaluate(
        r#"
        [[holder]]
        name = "Founders"
        shares = 4_500_000

        [[holder]]
        name = "Pool"
        shares = 500_000
        kind = "pool"

        [[round]]
        name = "A"
        price = "1.1144"
        amount = "5M"
        "#,
    );
    let round = &outcome.rounds[0];
    assert_eq!(round.pre_money, dec!(1.1144) * dec!(5_000_000));
    assert_eq!(round.price, Some(dec!(1.1144)));
    // floor(5,000,000 / 1.1144) = floor(4,486,719.31...)
    assert_eq!(round.new_shares, Some(dec!(4_486_719)));
    assert_eq!(round.post_money, round.pre_money + dec!(5_000_000));
}

fn shares_of(rows: &[calc::engine::HolderRow], before: bool) -> Decimal {
    rows.iter()
        .map(|h| if before { h.shares_before } else { h.shares_after }.unwrap())
        .sum()
}

/// Every round's and the final ownership column sums to exactly 1.
fn ownership_sums_to_one(outcome: &Outcome) -> Result<(), TestCaseError> {
    for r in &outcome.rounds {
        let after: Decimal = r.holders().iter().map(|h| h.ownership_after).sum();
        prop_assert_eq!(after, Decimal::ONE, "round {}", r.name);
        let before: Decimal = r.holders().iter().map(|h| h.ownership_before).sum();
        prop_assert_eq!(before, Decimal::ONE, "round {} before", r.name);
    }
    let last: Decimal = outcome.final_holders().iter().map(|h| h.ownership_after).sum();
    prop_assert_eq!(last, Decimal::ONE, "final table");
    Ok(())
}

/// A round in TOML: a valuation line, an optional total, the tranches and extra lines.
fn round(name: &str, valuation: &str, tranches: &[(String, u64)], extra: &str) -> String {
    let mut text = format!("\n[[round]]\nname = \"{name}\"\n{valuation}\n{extra}\n");
    for (investor, amount) in tranches {
        text.push_str(&format!(
            "\n[[round.tranche]]\ninvestor = \"{investor}\"\namount = {amount}\n"
        ));
    }
    text
}

/// Tranches: new investors and existing holders, amounts in whole dollars.
fn tranches(round: usize, amounts: &[u64], holders: usize) -> Vec<(String, u64)> {
    amounts
        .iter()
        .enumerate()
        .map(|(k, &a)| {
            let investor = if k % 3 == 2 {
                format!("H{}", k % holders)
            } else {
                format!("R{round}-{k}")
            };
            (investor, a)
        })
        .collect()
}

proptest! {
    #![proptest_config(config())]

    /// Percent mode: stakes in hundredths of a percent, any number of rounds, valued by
    /// pre-money, post-money or sold: ownership sums to exactly 1 every time.
    #[test]
    fn percent_mode_ownership_sums_to_exactly_one(
        stakes in prop::collection::vec(1u32..4_000, 1..5),
        rounds in prop::collection::vec(
            (0u8..3, 1u64..1_000_000_000_000, prop::collection::vec(1u64..50_000_000_000, 1..4), 1u32..99),
            1..4,
        ),
    ) {
        let mut text = String::new();
        for (i, s) in stakes.iter().enumerate() {
            text.push_str(&format!("[[holder]]\nname = \"H{i}\"\nstake = \"{}%\"\n\n", Decimal::new(i64::from(*s), 2)));
        }
        text.push_str("[[holder]]\nname = \"Rest\"\nstake = \"rest\"\n");
        prop_assume!(stakes.iter().sum::<u32>() < 10_000);
        for (i, (kind, valuation, amounts, sold)) in rounds.iter().enumerate() {
            let total: u64 = amounts.iter().sum();
            let valuation = match kind {
                0 => format!("pre_money = {valuation}"),
                1 => format!("post_money = {}", valuation + total),
                _ => format!("sold = \"{sold}%\""),
            };
            text.push_str(&round(&format!("R{i}"), &valuation, &tranches(i, amounts, stakes.len()), ""));
        }
        let (_, outcome) = evaluate(&text);
        ownership_sums_to_one(&outcome)?;
        for r in &outcome.rounds {
            prop_assert_eq!(r.pre_money + r.amount, r.post_money);
        }
    }

    /// Share mode: whatever the valuation and rounding, shares are conserved (total after =
    /// total before + new shares + pool increase), ownership sums to exactly 1, and a
    /// pre-money pool target is met after the round.
    #[test]
    fn share_mode_conserves_shares_and_meets_pool_targets(
        holders in prop::collection::vec(1u64..20_000_000, 1..5),
        pool in 0u64..3_000_000,
        rounds in prop::collection::vec(
            (0u8..3, 1u64..500_000_000, prop::collection::vec(1u64..50_000_000, 1..4), prop::option::of(1u32..30)),
            1..4,
        ),
        price_decimals in prop::option::of(4u32..7),
    ) {
        let mut text = String::new();
        if let Some(dp) = price_decimals {
            text.push_str(&format!("[rounding]\nprice_decimals = {dp}\n\n"));
        }
        for (i, s) in holders.iter().enumerate() {
            text.push_str(&format!("[[holder]]\nname = \"H{i}\"\nshares = {s}\n\n"));
        }
        if pool > 0 {
            text.push_str(&format!("[[holder]]\nname = \"Pool\"\nshares = {pool}\nkind = \"pool\"\n"));
        }
        for (i, (kind, figure, amounts, target)) in rounds.iter().enumerate() {
            let total: u64 = amounts.iter().sum();
            let valuation = match kind {
                0 => format!("pre_money = {figure}"),
                1 => format!("post_money = {}", figure + total),
                // A price between 0.01 and 5.00, from the generated figure.
                _ => format!("price = \"{}\"", Decimal::new(i64::try_from(figure % 500 + 1).unwrap(), 2)),
            };
            // A pre-money pool target is reachable only below the existing holders' share
            // after the new money, pre / post (with a margin: rounding moves it a little).
            // Rounded prices are left out of pool targets: see
            // `pool_target_with_a_rounded_price_is_met`, a known engine failure.
            let reachable = |t: &u32| {
                price_decimals.is_none() && (*kind == 2 || u64::from(*t) * (figure + total) < 90 * figure)
            };
            let extra = target
                .filter(reachable)
                .map_or(String::new(), |t| format!("pool_target = \"{t}%\""));
            text.push_str(&round(&format!("R{i}"), &valuation, &tranches(i, amounts, holders.len()), &extra));
        }
        let (doc, outcome) = evaluate(&text);
        ownership_sums_to_one(&outcome)?;
        for (r, spec) in outcome.rounds.iter().zip(&doc.scenario.rounds) {
            let before = shares_of(&r.holders(), true);
            let after = shares_of(&r.holders(), false);
            let added = r.new_shares.unwrap() + r.pool_increase.unwrap_or(Decimal::ZERO);
            prop_assert_eq!(after, before + added, "round {}", r.name);
            prop_assert_eq!(r.tranches.iter().map(|t| t.shares).sum::<Decimal>(), r.new_shares.unwrap());
            prop_assert_eq!(r.pre_money + r.amount, r.post_money);
            if let Some(calc::engine::PoolTopUp::Target(t)) = spec.pool {
                let pool: Decimal = r.holders().iter().filter(|h| h.kind == HolderKind::Pool).map(|h| h.shares_after.unwrap()).sum();
                prop_assert!(pool >= t * after, "round {}: pool {} below {} of {}", r.name, pool, t, after);
            }
        }
    }
}

/// Found by `share_mode_conserves_shares_and_meets_pool_targets` (shrunk by hand): with
/// prices rounded to 4 decimals (the YC convention) this pre-money pool target was once
/// refused with "the pool target of round \"B\" is not met after rounding": the increase
/// was rounded up, then single shares were added while the target was missed, but each
/// share moved the exact price and, past a 0.0001 step of the rounded price, $35M bought
/// some 20,000 more shares. Since the increase is rounded on its exact fraction
/// (src/engine/option_pool.rs, methodology §6) the target is met: a 17% pool is reachable,
/// the existing holders keeping 236 / 272 = 87% after the new money.
#[test]
fn pool_target_with_a_rounded_price_is_met() {
    let (_, outcome) = evaluate(
        r#"
        [rounding]
        price_decimals = 4

        [[holder]]
        name = "Founders"
        shares = 595_940_941

        [[holder]]
        name = "Pool"
        shares = 1_435_622
        kind = "pool"

        [[round]]
        name = "B"
        pre_money = 236_240_282
        pool_target = "17%"

        [[round.tranche]]
        investor = "Lead"
        amount = 35_361_411
        "#,
    );
    let round = &outcome.rounds[0];
    let pool = holder(&round.holders(), "Pool").shares_after.unwrap();
    let total: Decimal = round.holders().iter().map(|h| h.shares_after.unwrap()).sum();
    assert!(pool >= dec!(0.17) * total);
}

/// The identities on a fixed case, so a failure names a readable scenario: a holder that
/// buys in a later round stays one holder, with all its shares.
#[test]
fn a_holder_buying_again_is_one_holder() {
    let (_, outcome) = evaluate(
        r#"
        [[holder]]
        name = "Founders"
        shares = 8_000_000

        [[round]]
        name = "Seed"
        pre_money = "8M"

        [[round.tranche]]
        investor = "Fund"
        amount = "2M"

        [[round]]
        name = "A"
        pre_money = "30M"

        [[round.tranche]]
        investor = "Fund"
        amount = "1M"
        "#,
    );
    let rows = outcome.final_holders();
    let fund: Vec<_> = rows.iter().filter(|h| h.name == "Fund").collect();
    assert_eq!(fund.len(), 1);
    // Seed: price 1, 2,000,000 shares; A: price 30M / 10M = 3, floor(1M / 3) = 333,333.
    assert_eq!(
        holder(&outcome.final_holders(), "Fund").shares_after,
        Some(dec!(2_333_333))
    );
}

/// A prepared initial table (what `calc sweep` evaluates its points from) gives the same
/// outcome as a fresh evaluation, for every scenario in scenarios/, evaluated twice from
/// one preparation (a fork must leave the prepared table untouched).
#[test]
fn evaluating_from_a_prepared_table_is_evaluating() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios");
    let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    assert!(files.len() >= 5);
    for path in files.iter().filter(|p| p.extension().is_some_and(|e| e == "toml")) {
        let text = std::fs::read_to_string(path).unwrap();
        let doc = calc::scenario::load(&text, "s", None, &[]).unwrap();
        let fresh = calc::engine::evaluate(&doc.scenario).unwrap();
        let prepared = calc::engine::prepare(&doc.scenario).unwrap();
        for _ in 0..2 {
            let again = calc::engine::evaluate_prepared(&doc.scenario, &prepared).unwrap();
            assert_eq!(again, fresh, "{}", path.display());
        }
    }
}
