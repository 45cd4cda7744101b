//! The closed set of check kinds. One module per kind: its TOML spec (serde, unknown keys
//! denied), its check, its documentation and its unit tests. [`KINDS`] is the one registry.
//!
//! A rule file parameterises a kind; [`KindInfo::build`] turns the rule's kind-specific keys
//! into a ready [`Check`] (regexes compiled once per run, here).

pub mod conversion;
pub mod duplicate;
pub mod pairing;
pub mod pattern;
pub mod repetition;
pub mod timeline;
pub mod timezone;
pub mod variants;
pub mod weekday;

use std::any::Any;
use std::collections::BTreeMap;
use std::ops::Range;

use serde::de::DeserializeOwned;

use crate::diagnostic::{Diagnostic, FileId, Fix, Label, Replacement, Severity, Span};
use crate::document::Document;

/// The registry, in the order `factlint rules` lists kinds.
pub static KINDS: &[&KindInfo] = &[
    &conversion::KIND,
    &duplicate::KIND,
    &timezone::KIND,
    &timeline::KIND,
    &weekday::KIND,
    &variants::KIND,
    &repetition::KIND,
    &pairing::KIND,
    &pattern::KIND,
];

/// Looks a kind up by name.
pub fn kind(name: &str) -> Option<&'static KindInfo> {
    KINDS.iter().copied().find(|k| k.name == name)
}

/// Per-document data a run-scope check keeps for [`Check::finish`].
pub type Gathered = Box<dyn Any + Send>;

/// Turns a rule's kind-specific keys into a ready check.
pub type BuildFn = fn(&RuleMeta, SpecInput<'_>) -> Result<Box<dyn Check>, SpecError>;

/// What a kind's module declares about itself.
pub struct KindInfo {
    pub name: &'static str,
    /// One line for `factlint rules` and the README table.
    pub summary: &'static str,
    /// Markdown for `factlint explain`: what it catches and its TOML keys.
    pub docs: &'static str,
    /// Builds a check from the rule's kind-specific keys.
    pub build: BuildFn,
}

/// The kind-specific keys of one rule table, still in TOML form, with spans into the file.
pub struct SpecInput<'i> {
    pub value: toml::Spanned<toml::de::DeValue<'i>>,
}

impl SpecInput<'_> {
    /// Deserializes the keys into the kind's spec struct. Errors carry the TOML span.
    pub fn parse<S: DeserializeOwned>(self) -> Result<S, SpecError> {
        S::deserialize(toml::de::ValueDeserializer::from(self.value))
            .map_err(|e| SpecError { message: e.message().to_string(), span: e.span() })
    }
}

/// A kind-specific problem in a rule (bad regex, inconsistent table), with the span of the
/// offending TOML value when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    pub message: String,
    pub span: Option<Range<usize>>,
}

impl SpecError {
    pub fn at(span: Range<usize>, message: impl Into<String>) -> SpecError {
        SpecError { message: message.into(), span: Some(span) }
    }
}

/// Builds a kind's check with the common signature from a typed spec.
pub fn build_with<S, C, F>(meta: &RuleMeta, input: SpecInput<'_>, f: F) -> Result<Box<dyn Check>, SpecError>
where
    S: DeserializeOwned,
    C: Check + 'static,
    F: FnOnce(&RuleMeta, S) -> Result<C, SpecError>,
{
    let spec: S = input.parse()?;
    Ok(Box::new(f(meta, spec)?))
}

/// The fields every rule shares, after validation.
#[derive(Clone, Debug)]
pub struct RuleMeta {
    pub id: String,
    pub kind: &'static str,
    pub severity: Severity,
    /// The message template: `{name}` placeholders are filled by the check.
    pub message: String,
    pub description: String,
    pub why: String,
    pub help: Option<String>,
    pub enabled: bool,
    /// The rule file it came from (`builtin:rules/zh-typos.toml` or a path).
    pub origin: String,
    pub examples: Vec<Example>,
}

/// A `[[rule.example]]`: a text and the findings it must produce.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    pub text: String,
    /// The file name the text is read as (decides the format); default `example.txt`.
    #[serde(default)]
    pub path: Option<String>,
    /// Expected findings, by the text their primary span covers; empty means silent.
    #[serde(default)]
    pub expect: Vec<Expected>,
    /// Documents linted in the same run before the example (for run-scope kinds such as
    /// cross-document duplicates); only findings in the example's own text are compared.
    #[serde(default)]
    pub before: Vec<ExampleDocument>,
}

/// A document of an example's run other than the example itself.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExampleDocument {
    pub path: String,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expected {
    pub text: String,
    /// A fragment the message must contain.
    #[serde(default)]
    pub message: Option<String>,
    /// The fixed text of the whole example after applying this finding's fix.
    #[serde(default)]
    pub fixed: Option<String>,
}

/// A check: stateless per document; run-scope kinds also gather and finish.
pub trait Check: Send + Sync {
    /// Lints one document.
    fn check(&self, doc: &Document, out: &mut Output<'_>);

    /// Keeps what the run-scope part of the check needs from this document.
    fn gather(&self, _doc: &Document) -> Option<Gathered> {
        None
    }

    /// Runs once after every document, with what [`Check::gather`] kept, in file order, and
    /// every document's source by [`FileId`] (so that a check may keep ranges of a source
    /// rather than copies of its text).
    fn finish(&self, _gathered: Vec<(FileId, Gathered)>, _sources: &[&str], _out: &mut Output<'_>) {}

    /// Whether this rule gathers across documents.
    fn is_run_scope(&self) -> bool {
        false
    }
}

/// Coverage counters: kind → counter name → count.
pub type Coverage = BTreeMap<String, BTreeMap<String, u64>>;

/// Where a check puts its findings and counters; knows the rule being run.
pub struct Output<'a> {
    pub meta: &'a RuleMeta,
    pub diagnostics: Vec<Diagnostic>,
    pub counters: BTreeMap<&'static str, u64>,
}

impl<'a> Output<'a> {
    pub fn new(meta: &'a RuleMeta) -> Output<'a> {
        Output { meta, diagnostics: Vec::new(), counters: BTreeMap::new() }
    }

    /// Adds `n` to a coverage counter of this rule's kind.
    pub fn count(&mut self, name: &'static str, n: u64) {
        *self.counters.entry(name).or_insert(0) += n;
    }

    /// Starts a finding of this rule: the message is the rule's template with `vars` filled.
    pub fn report(&mut self, file: FileId, range: Range<usize>, vars: &[(&str, &str)]) -> &mut Diagnostic {
        let message = render_template(&self.meta.message, vars);
        let help = self.meta.help.as_ref().map(|h| render_template(h, vars));
        self.diagnostics.push(Diagnostic {
            rule: self.meta.id.clone(),
            check: self.meta.kind,
            severity: self.meta.severity,
            message,
            primary: Span::new(file, range),
            primary_label: String::new(),
            labels: Vec::new(),
            help,
            fix: None,
        });
        self.diagnostics.last_mut().expect("just pushed")
    }
}

/// Builder-style helpers on a finding being reported.
pub trait DiagnosticExt {
    fn primary_label(&mut self, text: impl Into<String>) -> &mut Self;
    fn label(&mut self, file: FileId, range: Range<usize>, text: impl Into<String>) -> &mut Self;
    fn replace(&mut self, range: Range<usize>, text: impl Into<String>) -> &mut Self;
    fn help_text(&mut self, text: impl Into<String>) -> &mut Self;
}

impl DiagnosticExt for Diagnostic {
    fn primary_label(&mut self, text: impl Into<String>) -> &mut Self {
        self.primary_label = text.into();
        self
    }

    fn label(&mut self, file: FileId, range: Range<usize>, text: impl Into<String>) -> &mut Self {
        self.labels.push(Label { span: Span::new(file, range), message: text.into() });
        self
    }

    fn replace(&mut self, range: Range<usize>, text: impl Into<String>) -> &mut Self {
        let fix = self.fix.get_or_insert_with(|| Fix { replacements: Vec::new() });
        fix.replacements.push(Replacement { start: range.start, end: range.end, text: text.into() });
        self
    }

    fn help_text(&mut self, text: impl Into<String>) -> &mut Self {
        self.help = Some(text.into());
        self
    }
}

/// Fills `{name}` placeholders; unknown names are left as they are, `{{`/`}}` escape braces.
pub fn render_template(template: &str, vars: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(i) = rest.find(['{', '}']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if let Some(after) = tail.strip_prefix("{{") {
            out.push('{');
            rest = after;
        } else if let Some(after) = tail.strip_prefix("}}") {
            out.push('}');
            rest = after;
        } else if tail.starts_with('{')
            && let Some(close) = tail.find('}')
            && let Some((_, v)) = vars.iter().find(|(k, _)| *k == &tail[1..close])
        {
            out.push_str(v);
            rest = &tail[close + 1..];
        } else {
            out.push_str(&tail[..1]);
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_fills_known_names_only() {
        let s = render_template("{a} and {b} {{x}} {a}", &[("a", "1")]);
        assert_eq!(s, "1 and {b} {x} 1");
    }

    #[test]
    fn kinds_have_unique_names_and_docs() {
        let mut names: Vec<_> = KINDS.iter().map(|k| k.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), KINDS.len());
        assert!(KINDS.iter().all(|k| !k.docs.is_empty() && !k.summary.is_empty()));
    }
}
