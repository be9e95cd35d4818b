//! The command line (clap derive): `calc FILE...`, `calc check`, and their options.

use crate::report::Format;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

const AFTER_HELP: &str = "\
Examples:
  calc scenarios/openai.toml                      report every round and the final table
  calc scenarios/openai.toml --format json        the same, as JSON (exact decimal strings)
  calc scenarios/openai.toml --variant \"800B post-money\"
  calc scenarios/openai.toml --set 'round[0].pre_money=\"700B\"'
  calc check                                      verify every [[expect]] in scenarios/

Exit status: 0 ok · 1 an expectation failed · 2 invalid input, usage or I/O error.
File format: docs/scenario-format.md · Formulas and sources: docs/methodology.md";

#[derive(Parser, Debug)]
#[command(
    name = "calc",
    version,
    about = "Exact valuation and dilution calculator: who owns what after each round",
    long_about = "Reads scenario files (TOML): a cap table, then rounds with pre- or post-money \
valuations and their tranches. Prints, round by round, the price per share, new shares, every \
holder's ownership before and after, dilution and the value of each stake, in exact decimal arithmetic.",
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
    /// Verify every [[expect]] block; ends with "N passed, M failed"
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

    /// Override a value by path, e.g. --set 'round[0].pre_money="700B"' (repeatable)
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub sets: Vec<String>,

    /// When to colour the output (NO_COLOR is respected with auto)
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
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
