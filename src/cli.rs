//! The command line (clap derive): `calc FILE...`, `calc compare`, `calc sweep`,
//! `calc check`, and their options.

use crate::report::Format;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

const AFTER_HELP: &str = "\
Examples:
  calc scenarios/openai.toml                      report every round and the final table,
                                                  then the file's variants side by side
  calc scenarios/openai.toml --format json        the same, as JSON (exact decimal strings)
  calc scenarios/openai.toml --variant \"800B post-money\"
  calc scenarios/openai.toml --set 'round[0].pre_money=700B'
  calc compare scenarios/openai.toml 'scenarios/openai.toml#800B post-money'
  calc sweep scenarios/openai.toml --vary 'round[0].pre_money=600B..1T:50B'
  calc sweep scenarios/openai.toml --vary 'round[0].pre_money=600B..1T:100B' \\
             --vary 'round[0].tranche[Amazon].amount=10B..50B:10B' --metric ownership:Amazon
  calc check                                      verify every [[expect]] in scenarios/

Paths (--set, --vary, [[variant]] set): keys separated by dots; key[N] picks the Nth
element (from 0), key[NAME] the one with that name (a tranche: that investor):
  round[0].pre_money   round[Series A].tranche[Amazon].amount   round[0].tranche
Setting one of pre_money, post_money, price or sold removes the others from that round.

Exit status: 0 ok · 1 an expectation failed · 2 invalid input, usage or I/O error.
File format: docs/scenario-format.md · Formulas and sources: docs/methodology.md";

const COMPARE_HELP: &str = "\
Examples:
  calc compare scenarios/openai.toml              the base and every variant of one file
  calc compare scenarios/openai.toml 'scenarios/openai.toml#800B post-money'
  calc compare a.toml b.toml --format csv         two scenarios, exact decimals

Rows: each round's pre-money, new money, post-money and price (aligned by round name),
then every holder's final ownership and value, then (with an [exit]) every holder's
payout at each exit value; blank where a column has no such round, holder or exit value.
Δ is the difference against the first column (ownership in percentage points).";

const SWEEP_HELP: &str = "\
Examples:
  calc sweep scenarios/openai.toml --vary 'round[0].pre_money=600B..1T:50B'
  calc sweep scenarios/openai.toml --vary 'round[0].sold=10%..30%:5%' --format csv
  calc sweep scenarios/openai.toml --vary 'round[0].pre_money=600B..1T:100B' \\
             --vary 'round[0].amount=100B..140B:20B' --metric ownership:Amazon

FROM, TO and STEP are written like values in a scenario: money (\"600B\", \"$10M\", \"250k\"),
plain numbers, or percents (\"10%\"). TO is included when a whole number of steps reaches
it; TO below FROM counts down. One --vary: a row per value with the last round's
post-money and price and every holder's final ownership. Several: a row per combination
(the last --vary fastest). Two with --metric: a grid of that figure. Rows are written as
they are computed; at most 10,000,001 points.

Metrics: ownership:HOLDER, value:HOLDER, shares:HOLDER, dilution:HOLDER (final table);
price, pre_money, post_money, amount, new_shares, pool_increase (last round, or :ROUND).";

const CHECK_HELP: &str = "\
Examples:
  calc check                              every .toml file in scenarios/
  calc check scenarios/openai.toml        one file
  calc check --format json                for CI and scripts

An expected value matches when the actual one lies within half a unit of its last
written digit (\"26.54%\" accepts 26.535% to 26.545%), or within `tolerance`.
Exit status: 0 all passed · 1 an expectation failed · 2 an expectation or file is invalid
(a missing round, holder or variant is invalid, not a failure).";

#[derive(Parser, Debug)]
#[command(
    name = "calc",
    version,
    about = "Exact valuation and dilution calculator: who owns what after each round",
    long_about = "Reads scenario files (TOML): a cap table, then rounds with pre- or post-money \
valuations and their tranches. Prints, round by round, the price per share, new shares, every \
holder's ownership before and after, dilution and the value of each stake, in exact decimal arithmetic. \
Compares scenarios and variants side by side, sweeps a value over a range, and checks the \
[[expect]] blocks of scenario files.",
    after_help = AFTER_HELP,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Scenario files to report (a directory means every .toml file in it)
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,

    #[command(flatten)]
    pub options: ReportOptions,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Scenarios side by side: one column per FILE or FILE#VARIANT, with differences
    #[command(after_help = COMPARE_HELP)]
    Compare(CompareArgs),
    /// A sensitivity table: vary values over ranges, one row per point
    #[command(after_help = SWEEP_HELP)]
    Sweep(SweepArgs),
    /// Verify every [[expect]] block; ends with "N passed, M failed"
    #[command(after_help = CHECK_HELP)]
    Check(CheckArgs),
}

#[derive(Args, Debug, Clone)]
pub struct ReportOptions {
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table, global = true)]
    pub format: Format,

    /// Report this [[variant]] of the scenario instead of the base
    #[arg(long, value_name = "NAME")]
    pub variant: Option<String>,

    /// Override a value by path, e.g. --set 'round[0].pre_money=700B' (repeatable)
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub sets: Vec<String>,

    /// When to colour the output (NO_COLOR is respected with auto)
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
}

#[derive(Args, Debug)]
pub struct CompareArgs {
    /// Scenarios: FILE for its base scenario, FILE#VARIANT for one of its variants; a
    /// single FILE alone compares its base with all its variants
    #[arg(value_name = "FILE[#VARIANT]", required = true)]
    pub scenarios: Vec<String>,

    /// Override a value by path in every column, e.g. --set 'round[0].amount=100B' (repeatable)
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub sets: Vec<String>,
}

#[derive(Args, Debug)]
pub struct SweepArgs {
    /// The scenario file
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// A value to vary: PATH=FROM..TO:STEP, e.g. 'round[0].pre_money=600B..1T:50B' (repeatable)
    #[arg(long = "vary", value_name = "PATH=FROM..TO:STEP", required = true)]
    pub vary: Vec<String>,

    /// Show only this figure: ownership:HOLDER, value:HOLDER, price, post_money, ... (a grid with two --vary)
    #[arg(long, value_name = "METRIC")]
    pub metric: Option<String>,

    /// Sweep this [[variant]] of the scenario instead of the base
    #[arg(long, value_name = "NAME")]
    pub variant: Option<String>,

    /// Override a value by path at every point (repeatable)
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub sets: Vec<String>,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Scenario files or directories (default: scenarios/)
    #[arg(value_name = "FILE|DIR")]
    pub paths: Vec<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}
