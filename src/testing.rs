//! Helpers for tests: lint a string with one rule file's text.

use crate::config::{Config, SeenIds, load_rule_file};
use crate::diagnostic::Diagnostic;
use crate::engine::{self, Input};

/// Loads `rule_toml` (panicking on an invalid file) and lints `text` read as `path`.
pub fn lint_with_rule(rule_toml: &str, path: &str, text: &str) -> Vec<Diagnostic> {
    let rules = load_rule_file("test.toml", rule_toml, &mut SeenIds::new()).unwrap_or_else(|e| panic!("{e:?}"));
    let config = Config::from_rules(rules);
    engine::lint(&config, vec![Input::Text { name: path.to_string(), text: text.to_string() }]).diagnostics
}

/// Lints several named documents in one run with `rule_toml`.
pub fn lint_run_with_rule(rule_toml: &str, docs: &[(&str, &str)]) -> crate::engine::Report {
    let rules = load_rule_file("test.toml", rule_toml, &mut SeenIds::new()).unwrap_or_else(|e| panic!("{e:?}"));
    let config = Config::from_rules(rules);
    let inputs = docs.iter().map(|(n, t)| Input::Text { name: n.to_string(), text: t.to_string() }).collect();
    engine::lint(&config, inputs)
}
