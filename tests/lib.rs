//! The integration tests, in one binary (one link step, as casey/just does): each module
//! is a feature. Golden files (`tests/errors/*.stderr`, `tests/snapshots/*`) are
//! regenerated with `CALC_BLESS=1 cargo test`; review every changed file before keeping it.

#[path = "compare_sweep.rs"]
mod compare_sweep;
#[path = "conversions.rs"]
mod conversions;
mod error_catalog;
mod identities;
mod json_contract;
#[path = "properties.rs"]
mod properties;
mod published_figures;
#[path = "regressions.rs"]
mod regressions;
mod scenario_runs;
mod support;
#[path = "waterfall.rs"]
mod waterfall;
