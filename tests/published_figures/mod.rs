//! Figures published by others, reproduced through the library (`scenario::load` then
//! `engine::evaluate`). Each test cites its source; where a source rounds, the engine's
//! exact figure is rounded the same way before comparing. A disagreement with a source is
//! a finding to report, never a reason to change the published number.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::{evaluate, holder};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

/// A fraction as a percentage rounded to `dp` decimals, as sources print them.
fn percent(fraction: Decimal, dp: u32) -> Decimal {
    (fraction * Decimal::ONE_HUNDRED).round_dp(dp)
}

/// 1984 Ventures handbook ("Cap Table 101"), stacking example, as summarized in
/// /work/shared/WORKED_EXAMPLES.md example 7: founders 2,000,000 shares; $2M at $8M
/// pre-money → price $4.00, 500,000 new shares; one investor alone owns 20%.
#[test]
fn handbook_seed_2m_at_8m_pre_money() {
    let (_, outcome) = evaluate(
        r#"
        [[holder]]
        name = "Founders"
        shares = 2_000_000

        [[round]]
        name = "Seed"
        pre_money = "8M"

        [[round.tranche]]
        investor = "Investor"
        amount = "2M"
        "#,
    );
    let seed = &outcome.rounds[0];
    assert_eq!(seed.price, Some(dec!(4)));
    assert_eq!(seed.new_shares, Some(dec!(500_000)));
    assert_eq!(seed.post_money, dec!(10_000_000));
    let investor = holder(&seed.holders(), "Investor");
    assert_eq!(investor.shares_after, Some(dec!(500_000)));
    assert_eq!(investor.ownership_after, dec!(0.2));
    assert_eq!(holder(&seed.holders(), "Founders").ownership_after, dec!(0.8));
}

/// The same handbook example read as two pre-money safes at $8M: the same as a priced round
/// of $4M at $8M pre-money: price $4.00, 500,000 shares and 16.67% each (example 7).
#[test]
fn handbook_two_investors_at_8m_pre_money() {
    let (_, outcome) = evaluate(
        r#"
        [[holder]]
        name = "Founders"
        shares = 2_000_000

        [[round]]
        name = "Seed"
        pre_money = "8M"

        [[round.tranche]]
        investor = "Investor A"
        amount = "2M"

        [[round.tranche]]
        investor = "Investor B"
        amount = "2M"
        "#,
    );
    let seed = &outcome.rounds[0];
    assert_eq!(seed.price, Some(dec!(4)));
    for name in ["Investor A", "Investor B"] {
        let h = holder(&seed.holders(), name);
        assert_eq!(h.shares_after, Some(dec!(500_000)));
        assert_eq!(percent(h.ownership_after, 2), dec!(16.67));
    }
}

/// The seed article's headline (WORKED_EXAMPLES.md, "OpenAI: what is public", last
/// paragraph): $50B of a $100B round at $800B is 5.56% when $800B is the pre-money
/// (50 / 900 = 5.5556%) and 6.25% when it is the post-money (50 / 800).
#[test]
fn seed_headline_pre_and_post_money_readings() {
    let scenario = |valuation: &str| {
        format!(
            r#"
            [[holder]]
            name = "Existing holders"
            stake = "100%"

            [[round]]
            name = "2026 round"
            {valuation}
            amount = "100B"

            [[round.tranche]]
            investor = "Amazon"
            amount = "50B"

            [[round.tranche]]
            investor = "Others"
            amount = "rest"
            "#
        )
    };
    let (_, pre) = evaluate(&scenario(r#"pre_money = "800B""#));
    let amazon = holder(&pre.final_holders(), "Amazon").ownership_after;
    assert_eq!(percent(amazon, 4), dec!(5.5556));
    assert_eq!(percent(amazon, 2), dec!(5.56));
    assert_eq!(pre.rounds[0].post_money, dec!(900_000_000_000));

    let (_, post) = evaluate(&scenario(r#"post_money = "800B""#));
    assert_eq!(holder(&post.final_holders(), "Amazon").ownership_after, dec!(0.0625));
    assert_eq!(post.rounds[0].pre_money, dec!(700_000_000_000));
}

/// WORKED_EXAMPLES.md, "OpenAI: what is public", derived figures for the round as closed
/// (2026-03-31): $122B at $730B pre-money, $852B post-money. New money is 14.32% of the
/// post-money, Amazon's $50B is 5.87% if fully funded, Microsoft's 27% becomes 23.13% if
/// it bought nothing.
#[test]
fn openai_close_derived_figures() {
    let (_, outcome) = evaluate(
        r#"
        [[holder]]
        name = "OpenAI Foundation"
        stake = "26%"

        [[holder]]
        name = "Microsoft"
        stake = "27%"

        [[holder]]
        name = "Employees and other investors"
        stake = "rest"

        [[round]]
        name = "2026 round"
        pre_money = "730B"
        amount = "122B"

        [[round.tranche]]
        investor = "Amazon"
        amount = "50B"

        [[round.tranche]]
        investor = "Others"
        amount = "rest"
        "#,
    );
    let round = &outcome.rounds[0];
    assert_eq!(round.post_money, dec!(852_000_000_000));
    let foundation = holder(&round.holders(), "OpenAI Foundation");
    assert_eq!(percent(foundation.dilution.unwrap(), 2), dec!(14.32));
    assert_eq!(
        percent(holder(&round.holders(), "Amazon").ownership_after, 2),
        dec!(5.87)
    );
    assert_eq!(
        percent(holder(&round.holders(), "Microsoft").ownership_after, 2),
        dec!(23.13)
    );
}

/// Venture Hacks, "The Option Pool Shuffle" (https://venturehacks.com/option-pool-shuffle):
/// 6M shares outstanding; $2M at an $8M pre-money valuation "includes an option pool equal
/// to 20% of the post-financing fully diluted capitalization". Without the pool the price
/// would be $8M / 6M = $1.33; the term sheet's price is $1.00; the pool in the pre-money
/// "lowers your effective valuation to $6M".
#[test]
fn venture_hacks_option_pool_shuffle() {
    let (_, outcome) = evaluate(
        r#"
        [[holder]]
        name = "Founders"
        shares = 6_000_000

        [[round]]
        name = "Series A"
        pre_money = "8M"
        pool_target = "20%"
        pool_timing = "pre-money"

        [[round.tranche]]
        investor = "Blue Shirt Capital"
        amount = "2M"
        "#,
    );
    let round = &outcome.rounds[0];
    assert_eq!(round.price, Some(dec!(1)), "the term sheet's price is $1.00");
    assert_eq!(round.post_money, dec!(10_000_000));
    // Effective pre-money: what the existing 6M shares are worth at the round's price.
    let founders = holder(&round.holders(), "Founders");
    let effective_pre_money = round.price.unwrap() * founders.shares_after.unwrap();
    assert_eq!(effective_pre_money, dec!(6_000_000), "the effective valuation is $6M");
    // The pool is 20% of the post-financing fully diluted capitalization.
    let pool = round
        .holders()
        .into_iter()
        .find(|h| h.kind == calc::engine::HolderKind::Pool)
        .expect("the round creates a pool");
    assert_eq!(pool.ownership_after, dec!(0.2));
    assert_eq!(round.pool_increase, Some(dec!(2_000_000)));
    assert_eq!(
        holder(&round.holders(), "Blue Shirt Capital").ownership_after,
        dec!(0.2)
    );
    assert_eq!(founders.ownership_after, dec!(0.6));

    // Without the pool the same money buys at $8M / 6M = $1.33 a share (as the article
    // rounds it).
    let (_, no_pool) = evaluate(
        r#"
        [[holder]]
        name = "Founders"
        shares = 6_000_000

        [[round]]
        name = "Series A"
        pre_money = "8M"

        [[round.tranche]]
        investor = "Blue Shirt Capital"
        amount = "2M"
        "#,
    );
    assert_eq!(no_pool.rounds[0].price.unwrap().round_dp(2), dec!(1.33));
}

/// YC Quick Start (WORKED_EXAMPLES.md example 1): on a $6.7M post-money valuation,
/// $500k / $800k / $1M buy 7.4627% / 11.9403% / 14.9254%. A post-money safe's ownership is
/// amount / post-money, which is what a percent-mode tranche at that post-money owns.
#[test]
fn yc_quick_start_ownership_on_a_post_money_valuation() {
    for (amount, published) in [("500k", dec!(7.4627)), ("800k", dec!(11.9403)), ("1M", dec!(14.9254))] {
        let (_, outcome) = evaluate(&format!(
            r#"
            [[holder]]
            name = "Founders"
            stake = "100%"

            [[round]]
            name = "Safe"
            post_money = "6.7M"

            [[round.tranche]]
            investor = "Investor"
            amount = "{amount}"
            "#
        ));
        let bought = outcome.rounds[0].tranche_rows()[0].ownership;
        assert_eq!(percent(bought, 4), published, "{amount}");
    }
}

/// WORKED_EXAMPLES.md example 11 (Wikipedia, corrected): $1M at $6M pre-money is 1/7 =
/// 14.29%; example 12 (Brad Feld): $10M for 50% is a $20M post-money.
#[test]
fn one_seventh_and_half_the_company() {
    let (_, seventh) = evaluate(
        r#"
        [[holder]]
        name = "Founders"
        shares = 6_000_000

        [[round]]
        name = "A"
        pre_money = "6M"
        amount = "1M"
        "#,
    );
    let bought = seventh.rounds[0].tranche_rows()[0].ownership;
    assert_eq!(percent(bought, 2), dec!(14.29));
    assert_eq!(seventh.rounds[0].new_shares, Some(dec!(1_000_000)));

    let (_, half) = evaluate(
        r#"
        [[holder]]
        name = "Founders"
        shares = 1_000_000

        [[round]]
        name = "A"
        sold = "50%"
        amount = "10M"
        "#,
    );
    assert_eq!(half.rounds[0].post_money, dec!(20_000_000));
    assert_eq!(half.rounds[0].pre_money, dec!(10_000_000));
    assert_eq!(half.rounds[0].tranche_rows()[0].ownership, dec!(0.5));
}

/// Wikipedia, "Option pool shuffle" (2020 revision), example: 90,000 shares outstanding,
/// a VC allocated 18,000 shares, a 10% option pool. Founder-friendly order (the VC's
/// shares first, then the pool): the pool is 12,000 shares, 10% of 120,000, and the VC
/// owns 15%. VC-friendly order (a pool of 10% of the pre-money shares first, 10,000): the
/// VC owns 18,000 / 118,000 = 15.25% and the pool 10,000 / 118,000 = 8.47%. The article
/// gives share counts only; a $1.00 price turns them into money.
#[test]
fn wikipedia_option_pool_shuffle_both_orders() {
    let (_, vc_first) = evaluate(
        r#"
        [[holder]]
        name = "Founders"
        shares = 90_000

        [[round]]
        name = "Series A"
        price = "1.00"
        pool_target = "10%"
        pool_timing = "post-money"

        [[round.tranche]]
        investor = "VC"
        amount = 18_000
        "#,
    );
    let round = &vc_first.rounds[0];
    assert_eq!(round.pool_increase, Some(dec!(12_000)));
    assert_eq!(holder(&round.holders(), "VC").ownership_after, dec!(0.15));

    let (_, pool_first) = evaluate(
        r#"
        [[holder]]
        name = "Founders"
        shares = 90_000

        [[round]]
        name = "Series A"
        price = "1.00"
        pool_increase = 10_000

        [[round.tranche]]
        investor = "VC"
        amount = 18_000
        "#,
    );
    let rows = pool_first.rounds[0].holders();
    assert_eq!(percent(holder(&rows, "VC").ownership_after, 2), dec!(15.25));
    assert_eq!(percent(holder(&rows, "Option pool").ownership_after, 2), dec!(8.47));
}

/// TWO12, "Do You Trust Your Cap Table Solution?" (2021), scenario 1: founders 8,000,000
/// fully diluted shares; $500k convertible at a $5M cap (no discount, no interest); a $5M
/// Series A at $20M pre-money with a 20% post-money option pool. TWO12's figures: founders
/// 54.07%, the convertible 7.41%, the pool 20%, Series A 18.52%. They need the cap divided
/// by the pre-money shares including the pool increase and the round priced on the
/// pre-money shares without the conversion: a pre-money safe under the "pre-money"
/// method (methodology §7.3, §8: a `[[note]]` cap divides by F and cannot give them).
/// Identities: Series A = 5M / 27M = 18.52%; the convertible 500k / 5M × (F + P) / (F + P +
/// S + new) = 2/27 = 7.41%.
#[test]
fn two12_convertible_with_a_post_money_pool() {
    let (_, outcome) = evaluate(
        r#"
        [[holder]]
        name = "Founders"
        shares = 8_000_000

        [[safe]]
        investor = "Convertible"
        amount = "500k"
        cap = "5M"
        type = "pre-money"

        [[round]]
        name = "Series A"
        pre_money = "20M"
        pool_target = "20%"
        conversion_method = "pre-money"

        [[round.tranche]]
        investor = "Series A"
        amount = "5M"
        "#,
    );
    let rows = outcome.final_holders();
    assert_eq!(percent(holder(&rows, "Founders").ownership_after, 2), dec!(54.07));
    assert_eq!(percent(holder(&rows, "Convertible").ownership_after, 2), dec!(7.41));
    assert_eq!(percent(holder(&rows, "Series A").ownership_after, 2), dec!(18.52));
    assert_eq!(percent(holder(&rows, "Option pool").ownership_after, 2), dec!(20.00));
}
