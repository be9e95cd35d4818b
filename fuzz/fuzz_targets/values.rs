//! The value parsers on any text, and the diagnostic renderer with any span over any
//! source (spans may be past the end, reversed, or inside a multi-byte character, as
//! `--set` values' `usize::MAX..usize::MAX` is).
//!
//! Input: the value text, then optionally a NUL byte and bytes from which the source,
//! spans and a word for `did_you_mean` are drawn. Plain strings ("26%", "1e20") are
//! therefore inputs as they are, and the dictionary's tokens apply directly.
#![no_main]

use calc::diagnostic::{self, Diagnostic};
use calc::scenario::value;
use libfuzzer_sys::arbitrary::{self, Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Rest<'a> {
    spans: Vec<(usize, usize, bool)>,
    word: &'a str,
    source: &'a str,
}

fuzz_target!(|data: &[u8]| {
    let (head, tail) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let Ok(text) = std::str::from_utf8(head) else {
        return;
    };
    for parse in [
        value::money_text,
        value::percent_text,
        value::shares_text,
        value::multiple_text,
        value::float_text,
    ] {
        if let Ok(p) = parse(text) {
            // Values are zero or more; the unit is the place value of a written digit.
            assert!(
                !p.value.is_sign_negative() && !p.unit.is_sign_negative(),
                "{text:?} -> {p:?}"
            );
        }
    }
    let _ = value::plain_number(text);
    let Ok(rest) = Rest::arbitrary_take_rest(Unstructured::new(tail)) else {
        return;
    };
    let source = if rest.source.is_empty() { text } else { rest.source };
    let diags: Vec<Diagnostic> = rest
        .spans
        .iter()
        .take(16)
        .map(|&(start, end, whole)| {
            if whole {
                Diagnostic::whole_file(text).hint(rest.word)
            } else {
                Diagnostic::at(start..end, text)
            }
        })
        .collect();
    let _ = diagnostic::render("fuzz.toml", source, &diags);
    let _ = diagnostic::render("fuzz.toml", source, &[Diagnostic::at(usize::MAX..usize::MAX, text)]);
    for &(start, _, _) in rest.spans.iter().take(16) {
        let _ = diagnostic::line_column(source, start);
    }
    let _ = diagnostic::did_you_mean(rest.word, [text, "pre_money", "post_money", "pool_target"]);
});
