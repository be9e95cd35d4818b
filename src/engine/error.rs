//! Errors found while computing: each points at the part of the scenario it concerns.

use super::model::Span;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EngineError {
    pub span: Span,
    pub message: String,
    pub hint: Option<String>,
}

impl EngineError {
    pub fn new(span: &Span, message: impl Into<String>) -> Self {
        EngineError {
            span: span.clone(),
            message: message.into(),
            hint: None,
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

/// A figure as a message shows it: exact, with thousands separators ("12,500,000").
pub fn figure(value: rust_decimal::Decimal) -> String {
    let text = crate::decimal_text::DecimalText::new(value);
    crate::decimal_text::group_thousands(text.as_str())
}

impl std::fmt::Display for EngineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for EngineError {}
