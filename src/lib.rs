//! factlint: a fact-consistency linter for news and documentation prose.
//!
//! Data flows one way: files → [`document`]s → rules ([`config`]) → [`checks`] →
//! [`diagnostic`]s → [`report`]ers → exit status. The library never prints.
//!
//! Lint a string with the built-in rules, as a CMS would before publishing:
//!
//! ```
//! let config = factlint::Config::builtin().unwrap();
//! let report = factlint::lint_text(&config, "article.md", "我们要再接再励。\n");
//! assert_eq!(report.diagnostics.len(), 1);
//! let d = &report.diagnostics[0];
//! assert_eq!(&report.files[0].source[d.primary.range()], "再接再励");
//! ```

// Config errors carry their source text for miette; they are rare and not on a hot path.
#![allow(clippy::result_large_err)]

pub mod baseline;
pub mod checks;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod document;
pub mod engine;
pub mod error;
pub mod examples;
pub mod fix;
pub mod report;
pub mod suppress;
#[doc(hidden)]
pub mod testing;
pub mod text;

pub use config::Config;
pub use diagnostic::{Diagnostic, Severity};
pub use engine::{FailOn, Input, Report};
pub use error::Error;

/// Lints files and folders (folders walked honouring `.gitignore`; `-` is standard input,
/// named `stdin_name`).
pub fn lint_paths(config: &Config, paths: &[String], stdin_name: Option<&str>) -> Report {
    lint_paths_with_progress(config, paths, stdin_name, None)
}

/// [`lint_paths`], telling `progress` as documents are done.
pub fn lint_paths_with_progress(
    config: &Config,
    paths: &[String],
    stdin_name: Option<&str>,
    progress: Option<&dyn engine::Progress>,
) -> Report {
    let (inputs, mut errors) = engine::collect_inputs(paths, stdin_name, config);
    let mut report = engine::lint_with_progress(config, inputs, progress);
    errors.append(&mut report.errors);
    report.errors = errors;
    report
}

/// Lints one text; `name` decides its format (`.md`, `.html`, anything else sniffed).
pub fn lint_text(config: &Config, name: &str, text: &str) -> Report {
    engine::lint(config, vec![Input::Text { name: name.to_string(), text: text.to_string() }])
}
