//! `calc`: an exact valuation and dilution calculator.
//!
//! `scenario` turns TOML into a validated model, `engine` computes it (pure), `report`
//! renders the outcome, `check` verifies expectations, and `cli` wires them together.

pub mod app;
pub mod check;
pub mod cli;
pub mod compare;
pub mod decimal_text;
pub mod diagnostic;
pub mod engine;
pub mod report;
pub mod scenario;
pub mod sweep;
