//! Runs the `[[rule.example]]` blocks of rules: each example is linted with its rule alone
//! (after the example's `before` documents, in the same run), and the primary spans found in
//! the example's text must cover exactly the expected texts.

use crate::checks::Example;
use crate::config::Config;
use crate::engine::{self, Input};

/// One example that did not behave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleFailure {
    pub rule: String,
    /// 1-based index of the example within its rule.
    pub example: usize,
    pub problem: String,
}

impl std::fmt::Display for ExampleFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} example {}: {}", self.rule, self.example, self.problem)
    }
}

/// Outcome of running examples.
#[derive(Debug, Default)]
pub struct ExampleRun {
    pub passed: usize,
    pub failures: Vec<ExampleFailure>,
}

/// Runs every example of every rule in `config` (whether or not the rule is enabled).
pub fn run_examples(config: &mut Config) -> ExampleRun {
    let mut run = ExampleRun::default();
    for i in 0..config.rules.len() {
        let examples = config.rules[i].meta.examples.clone();
        let id = config.rules[i].meta.id.clone();
        config.only(i);
        for (n, ex) in examples.iter().enumerate() {
            match check_example(config, ex) {
                Ok(()) => run.passed += 1,
                Err(problem) => run.failures.push(ExampleFailure { rule: id.clone(), example: n + 1, problem }),
            }
        }
    }
    run
}

fn check_example(config: &Config, ex: &Example) -> Result<(), String> {
    let name = ex.path.clone().unwrap_or_else(|| "example.txt".to_string());
    if ex.before.iter().any(|b| b.path == name) {
        return Err(format!("a `before` document is named {name:?} like the example itself"));
    }
    let mut inputs: Vec<Input> =
        ex.before.iter().map(|b| Input::Text { name: b.path.clone(), text: b.text.clone() }).collect();
    inputs.push(Input::Text { name: name.clone(), text: ex.text.clone() });
    let mut report = engine::lint(config, inputs);
    // Only findings in the example's own text count; `before` documents set the scene.
    let own = report.files.iter().position(|f| f.path == name);
    report.diagnostics.retain(|d| Some(d.primary.file) == own);
    let src = &ex.text;
    let mut found: Vec<&str> =
        report.diagnostics.iter().map(|d| src.get(d.primary.range()).unwrap_or("<bad span>")).collect();
    let mut want: Vec<&str> = ex.expect.iter().map(|e| e.text.as_str()).collect();
    found.sort_unstable();
    want.sort_unstable();
    if found != want {
        let msgs: Vec<String> =
            report.diagnostics.iter().map(|d| format!("{:?} ({})", &src[d.primary.range()], d.message)).collect();
        return Err(format!("expected findings on {want:?}, found {found:?}: {msgs:?}"));
    }
    for e in &ex.expect {
        let candidates: Vec<_> = report.diagnostics.iter().filter(|d| src[d.primary.range()] == e.text).collect();
        if let Some(fragment) = &e.message
            && !candidates.iter().any(|d| d.message.contains(fragment.as_str()))
        {
            return Err(format!("no finding on {:?} has a message containing {fragment:?}", e.text));
        }
        if let Some(fixed) = &e.fixed {
            let ok = candidates.iter().any(|d| {
                d.fix.as_ref().is_some_and(|f| {
                    let mut out = src.clone();
                    let mut reps = f.replacements.clone();
                    reps.sort_by_key(|r| std::cmp::Reverse(r.start));
                    for r in reps {
                        out.replace_range(r.start..r.end, &r.text);
                    }
                    &out == fixed
                })
            });
            if !ok {
                return Err(format!("no finding on {:?} has a fix giving {fixed:?}", e.text));
            }
        }
    }
    Ok(())
}
