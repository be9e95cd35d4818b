//! Anti-dilution on a down round (NVCA model certificate of incorporation).
//!
//! When the round's price is below a protected class's conversion price CP1:
//!   broad-based    CP2 = CP1 × (A + B) / (A + C), A = fully diluted shares before the
//!                  round (preferred as converted, options and pool included)
//!   narrow-based   the same with A = the class's own as-converted shares
//!   full ratchet   CP2 = the round's price
//! with B = new money / CP1 and C = the new-money shares. CP2 is rounded to the nearest
//! 0.0001; the class then converts at original price / CP2 (floored per holding). The
//! round's own price is computed before the adjustment.

use super::arith::Arith;
use super::cap_table::CapTable;
use super::error::EngineError;
use super::model::AntiDilution;
use super::outcome::Adjustment;
use rust_decimal::{Decimal, RoundingStrategy};

pub fn adjust(
    table: &mut CapTable,
    round_class: usize,
    price: Decimal,
    fully_diluted: Decimal,
    new_money: Decimal,
    new_shares: Decimal,
    a: Arith,
) -> Result<Vec<Adjustment>, EngineError> {
    let mut out = Vec::new();
    for class in 0..table.classes.len() {
        let c = &table.classes[class];
        let Some(cp1) = c.conversion_price else { continue };
        if class == round_class || !c.preferred || c.terms.anti_dilution == AntiDilution::None || price >= cp1 {
            continue;
        }
        let cp2 = match c.terms.anti_dilution {
            AntiDilution::FullRatchet => price,
            rule => {
                let base = if rule == AntiDilution::NarrowBased {
                    table.class_shares(class, a)?
                } else {
                    fully_diluted
                };
                // A class with no shares has nothing to protect (and A + C could be 0).
                if base.is_zero() {
                    continue;
                }
                let b = a.div(new_money, cp1)?;
                a.div(a.mul(cp1, a.add(base, b)?)?, a.add(base, new_shares)?)?
            }
        };
        // Only a real decrease adjusts: a CP2 below CP1 by rounding alone does not.
        if cp2 >= cp1 {
            continue;
        }
        let cp2 = cp2.round_dp_with_strategy(4, RoundingStrategy::MidpointAwayFromZero);
        if cp2 >= cp1 || cp2 <= Decimal::ZERO {
            continue;
        }
        table.classes[class].conversion_price = Some(cp2);
        let extra_shares = table.reconvert(class, a)?;
        out.push(Adjustment {
            class: table.classes[class].name.to_string(),
            before: cp1,
            after: cp2,
            extra_shares,
        });
    }
    Ok(out)
}
