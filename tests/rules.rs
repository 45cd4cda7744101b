//! Runs every built-in rule's `[[rule.example]]` blocks: each must fire exactly where it says
//! and stay silent where it says.

use factlint::Config;
use factlint::examples::run_examples;

#[test]
fn every_builtin_rule_example_passes() {
    let mut config = Config::builtin().expect("built-in rules load");
    let run = run_examples(&mut config);
    let failures: Vec<String> = run.failures.iter().map(ToString::to_string).collect();
    assert!(failures.is_empty(), "{} example(s) failed:\n{}", failures.len(), failures.join("\n"));
    assert!(run.passed > 0);
}

#[test]
fn every_builtin_rule_has_a_firing_and_a_silent_example() {
    let config = Config::builtin().expect("built-in rules load");
    for r in &config.rules {
        let m = &r.meta;
        assert!(m.examples.iter().any(|e| !e.expect.is_empty()), "{} has no example that fires", m.id);
        assert!(m.examples.iter().any(|e| e.expect.is_empty()), "{} has no example that stays silent", m.id);
        assert!(!m.description.is_empty() && !m.why.is_empty(), "{} lacks docs", m.id);
    }
}
