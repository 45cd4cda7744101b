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
//!
//! A CMS that keeps its own house rules passes a config (here from a string; the path names
//! the folder rule files are resolved against), reads each finding's rule, severity, message,
//! line and column, and applies the mechanical fixes it trusts:
//!
//! ```
//! use factlint::{Config, Severity};
//!
//! let config = Config::from_str(
//!     std::path::Path::new("factlint.toml"),
//!     "extends = [\"builtin:zh-news\"]\n[severity]\n\"zh/misspelled-idiom\" = \"error\"\n",
//! )
//! .unwrap();
//! let draft = "---\ntitle: 赛后\n---\n队员们表示要再接再励。\n";
//! let report = factlint::lint_text(&config, "drafts/42.md", draft);
//!
//! let d = &report.diagnostics[0];
//! let file = &report.files[d.primary.file];
//! let pos = file.line_index.position(&file.source, d.primary.start);
//! assert_eq!((d.rule.as_str(), d.severity), ("zh/misspelled-idiom", Severity::Error));
//! assert_eq!((pos.line, pos.column), (4, 7));
//! assert_eq!(d.message, "“再接再励” is a misspelling of “再接再厉”");
//!
//! // Publishing waits while an error is open (the CLI's exit status 1).
//! assert_eq!(report.exit_code(factlint::FailOn::Severity(Severity::Error)), 1);
//!
//! // The fixes, applied to the text (front matter is never touched).
//! let fixed = &factlint::fix::plan(&report)[0].fixed;
//! assert_eq!(fixed, "---\ntitle: 赛后\n---\n队员们表示要再接再厉。\n");
//!
//! // The same report as the CLI's `--format json` (or `report::Sarif`, `report::Github`).
//! let json = factlint::report::json::to_value(&report);
//! assert_eq!(json["diagnostics"][0]["line"], 4);
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
pub mod source;
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
    let (inputs, errors) = engine::collect_inputs(paths, stdin_name, config);
    lint_inputs_with_progress(config, inputs, errors, progress)
}

/// Lints inputs already collected (see [`engine::collect_inputs`]), with the errors met while
/// collecting them, telling `progress` as documents are done.
pub fn lint_inputs_with_progress(
    config: &Config,
    inputs: Vec<Input>,
    mut errors: Vec<crate::error::InputError>,
    progress: Option<&dyn engine::Progress>,
) -> Report {
    let mut report = engine::lint_with_progress(config, inputs, progress);
    errors.append(&mut report.errors);
    report.errors = errors;
    report
}

/// Lints one text; `name` decides its format (`.md`, `.html`, anything else sniffed).
pub fn lint_text(config: &Config, name: &str, text: &str) -> Report {
    engine::lint(config, vec![Input::Text { name: name.to_string(), text: text.to_string() }])
}
