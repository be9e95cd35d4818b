//! The value parsers on any text, and the diagnostic renderer with any span over any
//! source (spans may be past the end, reversed, or inside a multi-byte character, as
//! `--set` values' `usize::MAX..usize::MAX` is).
#![no_main]

use calc::diagnostic::{self, Diagnostic};
use calc::scenario::value;
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    value: &'a str,
    source: &'a str,
    spans: Vec<(usize, usize, bool)>,
    word: &'a str,
}

fuzz_target!(|input: Input<'_>| {
    let text = input.value;
    for parse in [
        value::money_text,
        value::percent_text,
        value::shares_text,
        value::multiple_text,
        value::float_text,
    ] {
        if let Ok(p) = parse(text) {
            // Values are zero or more, and the unit is the place value of a written digit.
            assert!(!p.unit.is_sign_negative() && !p.value.is_sign_negative(), "{text:?} -> {p:?}");
        }
    }
    let _ = value::plain_number(text);
    let diags: Vec<Diagnostic> = input
        .spans
        .iter()
        .take(16)
        .map(|&(start, end, whole)| {
            if whole {
                Diagnostic::whole_file(text).hint(input.word)
            } else {
                Diagnostic::at(start..end, text)
            }
        })
        .collect();
    let _ = diagnostic::render("fuzz.toml", input.source, &diags);
    let _ = diagnostic::render("fuzz.toml", input.source, &[Diagnostic::at(usize::MAX..usize::MAX, text)]);
    for &(start, _, _) in input.spans.iter().take(16) {
        let _ = diagnostic::line_column(input.source, start);
    }
    let _ = diagnostic::did_you_mean(input.word, [text, "pre_money", "post_money", "pool_target"]);
});
