//! `[rounding]`: how prices and share counts are rounded (share mode).

use super::reader::{Problems, Table};
use crate::engine::{PriceRounding, Rounding, ShareRounding};

const KEYS: &[&str] = &[
    "price_decimals",
    "price_rounding",
    "cash_shares",
    "conversion_shares",
    "pool_shares",
];
const SHARE_RULES: &[(&str, ShareRounding)] = &[
    ("down", ShareRounding::Down),
    ("nearest", ShareRounding::Nearest),
    ("up", ShareRounding::Up),
    ("none", ShareRounding::None),
];

pub fn read(top: &Table, p: &mut Problems) -> Rounding {
    let mut r = Rounding::default();
    let Some((entries, span)) = top.table("rounding", p) else {
        return r;
    };
    let t = Table::new(entries, span, "[rounding]");
    t.check_keys(KEYS, p);
    if let Some(dp) = t.integer("price_decimals", 0..21, p) {
        r.price_decimals = u32::try_from(dp).ok();
    }
    if t.get("price_rounding").is_some() {
        let rules = [
            ("half-up", PriceRounding::HalfUp),
            ("up", PriceRounding::Up),
            ("down", PriceRounding::Down),
        ];
        r.price_rounding = t.choice("price_rounding", &rules, p).unwrap_or(r.price_rounding);
    }
    for (key, slot) in [
        ("cash_shares", &mut r.cash_shares),
        ("conversion_shares", &mut r.conversion_shares),
        ("pool_shares", &mut r.pool_shares),
    ] {
        if t.get(key).is_some() {
            *slot = t.choice(key, SHARE_RULES, p).unwrap_or(*slot);
        }
    }
    r
}
