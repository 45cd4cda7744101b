//! The `factlint` binary: parse arguments, call the library, map the outcome to 0 / 1 / 2.

// Config errors carry their source text for miette; they are rare and not on a hot path.
#![allow(clippy::result_large_err)]

use std::io::{IsTerminal, Write};

/// Prints a line to stdout; a closed pipe (`factlint rules | head`) is not an error.
macro_rules! say {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}
use std::path::Path;
use std::process::ExitCode;

use clap::Parser;
use factlint::cli::{Cli, Command, FailOnArg};
use factlint::{Config, Error, FailOn, Severity, checks, config, examples, report};
use miette::{GraphicalReportHandler, GraphicalTheme};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let color_out = !cli.no_color && std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal();
    let color_err = !cli.no_color && std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal();
    match run(&cli, color_out) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            print_error(&e, color_err);
            ExitCode::from(2)
        }
    }
}

fn print_error(e: &Error, color: bool) {
    let theme = if color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let mut s = String::new();
    if GraphicalReportHandler::new_themed(theme).render_report(&mut s, e).is_err() {
        s = format!("error: {e}");
    }
    eprintln!("{s}");
}

fn load_config(cli: &Cli) -> Result<Config, Error> {
    match &cli.config {
        Some(p) => Config::load(p),
        None => {
            let cwd = std::env::current_dir().map_err(|source| Error::Io { path: ".".into(), source })?;
            Config::discover(&cwd)
        }
    }
}

fn run(cli: &Cli, color: bool) -> Result<u8, Error> {
    match &cli.command {
        Command::Check(args) => {
            let mut config = load_config(cli)?;
            if !args.select.is_empty() {
                config.select(&args.select)?;
            }
            config.ignore(&args.ignore)?;
            let paths = if args.paths.is_empty() { vec![".".to_string()] } else { args.paths.clone() };
            if args.stdin_filename.is_some() && !paths.iter().any(|p| p == "-") {
                return Err(Error::Usage("--stdin-filename needs `-` among the paths".into()));
            }
            let report = factlint::lint_paths(&config, &paths, args.stdin_filename.as_deref());
            for e in &report.errors {
                eprintln!("error: {}: {}", e.path, e.reason);
            }
            let reporter = report::reporter(args.format, color);
            let stdout = std::io::stdout();
            let mut lock = stdout.lock();
            if let Err(e) = reporter.write(&report, &mut lock).and_then(|_| lock.flush())
                && e.kind() != std::io::ErrorKind::BrokenPipe
            {
                return Err(Error::Io { path: "<stdout>".into(), source: e });
            }
            let fail_on = match args.fail_on {
                FailOnArg::Error => FailOn::Severity(Severity::Error),
                FailOnArg::Warning => FailOn::Severity(Severity::Warning),
                FailOnArg::Info => FailOn::Severity(Severity::Info),
                FailOnArg::Never => FailOn::Never,
            };
            Ok(report.exit_code(fail_on) as u8)
        }
        Command::Rules => {
            let config = load_config(cli)?;
            let width = config.rules.iter().map(|r| r.meta.id.len()).max().unwrap_or(10);
            say!("{:width$}  {:10}  {:8}  {:7}  summary", "rule", "kind", "severity", "enabled");
            for (i, r) in config.rules.iter().enumerate() {
                let enabled = if config.level(i).is_some() { "yes" } else { "no" };
                say!(
                    "{:width$}  {:10}  {:8}  {:7}  {}",
                    r.meta.id,
                    r.meta.kind,
                    r.meta.severity,
                    enabled,
                    r.meta.description
                );
            }
            Ok(0)
        }
        Command::Explain { rule } => {
            let config = load_config(cli)?;
            if let Some(r) = config.rule(rule) {
                say!("{}", explain_rule(r));
                return Ok(0);
            }
            if let Some(k) = checks::kind(rule) {
                say!("{}  (check kind)\n\n{}\n\n{}", k.name, k.summary, k.docs);
                let ids: Vec<&str> =
                    config.rules.iter().filter(|r| r.meta.kind == k.name).map(|r| r.meta.id.as_str()).collect();
                if !ids.is_empty() {
                    say!("\nBuilt-in and configured rules of this kind:\n  {}", ids.join("\n  "));
                }
                return Ok(0);
            }
            let candidates =
                config.rules.iter().map(|r| r.meta.id.as_str()).chain(checks::KINDS.iter().map(|k| k.name));
            let hint = factlint::error::nearest(rule, candidates)
                .map(|n| format!(" (did you mean `{n}`?)"))
                .unwrap_or_default();
            Err(Error::Usage(format!("unknown rule id or check kind `{rule}`{hint}; `factlint rules` lists them")))
        }
        Command::Init => {
            for name in config::CONFIG_NAMES {
                if Path::new(name).exists() {
                    return Err(Error::Usage(format!("{name} already exists here; not overwriting it")));
                }
            }
            std::fs::write("factlint.toml", STARTER_CONFIG)
                .map_err(|source| Error::Io { path: "factlint.toml".into(), source })?;
            say!("wrote factlint.toml");
            Ok(0)
        }
        Command::Segments { file } => {
            let text = std::fs::read_to_string(file).map_err(|source| Error::Io { path: file.clone(), source })?;
            let doc = factlint::document::Document::from_source(0, &file.display().to_string(), text);
            say!("format: {}", doc.format.as_str());
            for s in &doc.segments {
                say!("{:?} {:?}: {}", s.range(), s.kind, s.text.replace('\n', "⏎"));
            }
            Ok(0)
        }
        Command::TestRules { file } => {
            let mut config = Config::from_rule_file(file)?;
            let run = examples::run_examples(&mut config);
            for f in &run.failures {
                say!("FAIL {f}");
            }
            say!("{} passed, {} failed", run.passed, run.failures.len());
            Ok(u8::from(!run.failures.is_empty()))
        }
    }
}

fn explain_rule(r: &factlint::config::Rule) -> String {
    let m = &r.meta;
    let mut s = format!(
        "{}  (kind: {}, severity: {}{}, from {})\n\n{}\n\nWhy: {}\n",
        m.id,
        m.kind,
        m.severity,
        if m.enabled { "" } else { ", off by default" },
        m.origin,
        m.description,
        m.why
    );
    if let Some(h) = &m.help {
        s.push_str(&format!("\nHelp: {h}\n"));
    }
    for ex in &m.examples {
        if ex.expect.is_empty() {
            s.push_str(&format!("\nStays silent on:\n    {}\n", ex.text.trim_end().replace('\n', "\n    ")));
        } else {
            s.push_str(&format!("\nFires on:\n    {}\n", ex.text.trim_end().replace('\n', "\n    ")));
            for e in &ex.expect {
                s.push_str(&format!("  finding at: {}\n", e.text));
            }
        }
    }
    s.push_str(&format!(
        "\nConfigure in factlint.toml:\n    [severity]\n    \"{}\" = \"warning\"   # or \"error\", \"info\", \"off\"\n",
        m.id
    ));
    if let Some(k) = checks::kind(m.kind) {
        s.push_str(&format!("\nKind `{}`: {}\n\n{}\n", k.name, k.summary, k.docs));
    }
    s
}

const STARTER_CONFIG: &str = r#"# factlint configuration. `factlint rules` lists every rule; `factlint explain ID` documents one.

# Built-in packs: builtin:common, builtin:zh-news, builtin:en-news (all of them when omitted).
extends = ["builtin:common", "builtin:zh-news", "builtin:en-news"]

# Extra rule files, relative to this file.
rules = []

# Files left out when walking folders (globs relative to this file).
exclude = []

# Files larger than this many megabytes are reported instead of read.
max_file_mb = 64

# Per-rule or per-kind severities: "error", "warning", "info" or "off".
[severity]
# "duplicate" = "warning"

# Per-path settings.
# [[override]]
# paths = ["archive/**"]
# ignore = ["timeline"]
"#;
