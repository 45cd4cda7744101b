//! The `factlint` binary: parse arguments, call the library, map the outcome to 0 / 1 / 2.

// Config errors carry their source text for miette; they are rare and not on a hot path.
#![allow(clippy::result_large_err)]

use std::io::{IsTerminal, Write};

/// A lint run makes and frees many small allocations on every thread (parser trees, segment
/// texts, fingerprints): mimalloc serves them faster than the system allocator and backs them
/// with huge pages where the OS allows it, which saves most of the page faults of a large run.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Prints a line to stdout; a closed pipe (`factlint rules | head`) is not an error.
macro_rules! say {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}
use std::path::Path;
use std::process::ExitCode;

use clap::Parser;
use factlint::baseline::Baseline;
use factlint::cli::{CheckArgs, Cli, Command, FailOnArg};
use factlint::engine::Progress;
use factlint::{Config, Error, FailOn, Severity, checks, config, examples, fix, report};
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
        Command::Check(args) => run_check(cli, args, color),
        Command::Rules => {
            let config = load_config(cli)?;
            let engine = factlint::engine::engine_rules();
            let width = config.rules.iter().map(|r| r.meta.id.len()).chain(engine.iter().map(|r| r.id.len())).max();
            let width = width.unwrap_or(10);
            let kinds = config.rules.iter().map(|r| r.meta.kind.len()).chain(engine.iter().map(|r| r.kind.len()));
            let kind_width = kinds.max().unwrap_or(4).max(4);
            say!("{:width$}  {:kind_width$}  {:8}  {:7}  summary", "rule", "kind", "severity", "enabled");
            for (i, r) in config.rules.iter().enumerate() {
                let enabled = if config.level(i).is_some() { "yes" } else { "no" };
                let severity = r.meta.severity.as_str();
                let (id, kind, summary) = (&r.meta.id, r.meta.kind, &r.meta.description);
                say!("{id:width$}  {kind:kind_width$}  {severity:8}  {enabled:7}  {summary}");
            }
            for r in &engine {
                let (id, kind, summary) = (&r.id, r.kind, &r.description);
                let level = config.engine_level(id, kind).unwrap_or(Some(r.severity));
                let severity = level.unwrap_or(r.severity).as_str();
                let enabled = if level.is_some() { "yes" } else { "no" };
                say!("{id:width$}  {kind:kind_width$}  {severity:8}  {enabled:7}  {summary}");
            }
            Ok(0)
        }
        Command::Explain { rule } => {
            let config = load_config(cli)?;
            if let Some(r) = config.rule(rule) {
                say!("{}", explain_rule(r));
                return Ok(0);
            }
            if let Some(r) = factlint::engine::engine_rules().into_iter().find(|r| &r.id == rule) {
                say!(
                    "{}  (kind: {}, severity: {}, built into the engine)\n\n{}\n\nWhy: {}\n\nHelp: {}\n\n\
                     Select or ignore it with --select / --ignore (by id or by kind `{}`).",
                    r.id,
                    r.kind,
                    r.severity,
                    r.description,
                    r.why,
                    r.help.as_deref().unwrap_or(""),
                    r.kind
                );
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

/// Splits `--select` / `--ignore` names into rule-file names (handled by the config) and the
/// engine's own rules (handled here, on the findings).
fn split_engine_names(names: &[String]) -> (Vec<String>, Vec<String>) {
    let engine = factlint::engine::engine_rules();
    names.iter().cloned().partition(|n| !engine.iter().any(|r| &r.id == n || r.kind == n))
}

fn run_check(cli: &Cli, args: &CheckArgs, color: bool) -> Result<u8, Error> {
    if let Some(n) = args.threads {
        if n == 0 {
            return Err(Error::Usage("--threads needs at least 1".into()));
        }
        // Only fails when a pool exists already, which the binary never builds before this.
        let _ = rayon::ThreadPoolBuilder::new().num_threads(n).build_global();
    }
    let paths = if args.paths.is_empty() { vec![".".to_string()] } else { args.paths.clone() };
    // Walking needs no config (its exclusions are applied afterwards), so folders are walked
    // while it loads; not when standard input is read, which must not be waited for when the
    // config turns out to be invalid.
    let (config, walked) = if paths.iter().any(|p| p == "-") {
        (load_config(cli), None)
    } else {
        std::thread::scope(|scope| {
            let walk = scope.spawn(|| factlint::engine::collect_inputs_unfiltered(&paths, None));
            let config = load_config(cli);
            (config, walk.join().ok())
        })
    };
    let mut config = config?;
    config.map_files = !args.no_mmap;
    let (select, engine_select) = split_engine_names(&args.select);
    let (ignore, engine_ignore) = split_engine_names(&args.ignore);
    if !args.select.is_empty() {
        config.select(&select)?;
    }
    config.ignore(&ignore)?;
    if args.stdin_filename.is_some() && !paths.iter().any(|p| p == "-") {
        return Err(Error::Usage("--stdin-filename needs `-` among the paths".into()));
    }
    if args.fix && paths.iter().any(|p| p == "-") {
        return Err(Error::Usage("--fix cannot write standard input back; use --diff to see the fixes".into()));
    }
    let baseline = args.baseline.as_deref().map(Baseline::load).transpose()?;
    let mut walked = walked;
    let mut run = |config: &Config| {
        let bar = ProgressBar::new();
        let progress = bar.as_ref().map(|b| b as &dyn Progress);
        let mut report = match walked.take() {
            Some((mut inputs, errors)) => {
                factlint::engine::exclude(&mut inputs, config);
                factlint::lint_inputs_with_progress(config, inputs, errors, progress)
            }
            None => factlint::lint_paths_with_progress(config, &paths, args.stdin_filename.as_deref(), progress),
        };
        let wanted = |n: &str| engine_select.iter().any(|s| s == n);
        let unwanted = |n: &str| engine_ignore.iter().any(|s| s == n);
        let engine_ids: Vec<String> = factlint::engine::engine_rules().into_iter().map(|r| r.id).collect();
        report.diagnostics.retain(|d| {
            !engine_ids.contains(&d.rule)
                || ((args.select.is_empty() || wanted(&d.rule) || wanted(d.check))
                    && !unwanted(&d.rule)
                    && !unwanted(d.check))
        });
        if let Some(b) = &baseline {
            b.apply(&mut report);
        }
        report
    };
    let mut report = run(&config);
    for e in &report.errors {
        eprintln!("error: {}: {}", e.path, e.reason);
    }
    let input_errors = !report.errors.is_empty();

    if let Some(path) = &args.write_baseline {
        let b = Baseline::from_report(&report);
        b.save(path)?;
        eprintln!("wrote {} finding(s) to the baseline {}", b.findings.len(), path.display());
        return Ok(if input_errors { 2 } else { 0 });
    }

    if args.diff {
        let plan = fix::plan(&report);
        let stdout = std::io::stdout();
        let mut lock = stdout.lock();
        for f in &plan {
            let old = &report.files[f.file].source;
            write_stdout(&mut lock, fix::unified_diff(&f.path, old, &f.fixed).as_bytes())?;
        }
        let n: usize = plan.iter().map(|f| f.applied).sum();
        eprintln!("{n} fix(es) in {} file(s) would be applied with --fix", plan.len());
        return Ok(if input_errors { 2 } else { u8::from(!plan.is_empty()) });
    }

    if args.fix {
        let plan = fix::plan(&report);
        let mut fixed = 0;
        let mut files = 0;
        for f in &plan {
            let src = &report.files[f.file];
            if !src.on_disk {
                continue;
            }
            fix::write_atomic(Path::new(&src.path), &f.fixed)
                .map_err(|source| Error::Io { path: src.path.clone().into(), source })?;
            fixed += f.applied;
            files += 1;
        }
        if files > 0 {
            eprintln!("fixed {fixed} finding(s) in {files} file(s)");
            // Report what is left, from the files as they are now.
            report = run(&config);
        }
    }

    let reporter = report::reporter(args.format, color);
    let mut buf = Vec::new();
    reporter.write(&report, &mut buf).map_err(|source| Error::Io { path: "<stdout>".into(), source })?;
    write_stdout(&mut std::io::stdout().lock(), &buf)?;
    if args.stats {
        eprint!("{}", stats(&report));
    }
    let fail_on = match args.fail_on {
        FailOnArg::Error => FailOn::Severity(Severity::Error),
        FailOnArg::Warning => FailOn::Severity(Severity::Warning),
        FailOnArg::Info => FailOn::Severity(Severity::Info),
        FailOnArg::Never => FailOn::Never,
    };
    let code = report.exit_code(fail_on) as u8;
    // The process is about to exit, which frees everything at once: freeing the report first
    // (and unmapping each mapped file on its own) only adds time.
    std::mem::forget(report);
    Ok(code)
}

/// Writes to stdout; a closed pipe (`| head`) is not an error.
fn write_stdout(out: &mut dyn Write, bytes: &[u8]) -> Result<(), Error> {
    match out.write_all(bytes).and_then(|_| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::Io { path: "<stdout>".into(), source: e }),
        _ => Ok(()),
    }
}

/// The `--stats` table: per check kind, what was extracted and checked, and what was found.
fn stats(report: &factlint::Report) -> String {
    let mut findings: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for d in &report.diagnostics {
        *findings.entry(d.check).or_insert(0) += 1;
    }
    let mut kinds: Vec<&str> = report.coverage.keys().map(String::as_str).chain(findings.keys().copied()).collect();
    kinds.sort_unstable();
    kinds.dedup();
    let mut s = format!("coverage of {} file(s):\n", report.files.len());
    for k in kinds {
        let counters: Vec<String> = report
            .coverage
            .get(k)
            .into_iter()
            .flatten()
            .map(|(name, n)| format!("{} {n}", name.replace('_', " ")))
            .collect();
        let found = findings.get(k).copied().unwrap_or(0);
        let mut parts = counters;
        parts.push(format!("findings {found}"));
        s.push_str(&format!("  {k:<12} {}\n", parts.join(", ")));
    }
    if report.suppressed > 0 || report.baselined > 0 {
        s.push_str(&format!(
            "  hidden: {} by factlint-disable comments, {} by the baseline\n",
            report.suppressed, report.baselined
        ));
    }
    s
}

/// The progress bar of long runs: only when stderr is a terminal and not under CI.
struct ProgressBar(indicatif::ProgressBar);

/// Runs with fewer documents than this finish before a bar would be worth drawing.
const PROGRESS_MIN_DOCUMENTS: usize = 200;

impl ProgressBar {
    fn new() -> Option<ProgressBar> {
        let wanted = std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
        wanted.then(|| ProgressBar(indicatif::ProgressBar::hidden()))
    }
}

impl Progress for ProgressBar {
    fn start(&self, total: usize) {
        if total >= PROGRESS_MIN_DOCUMENTS {
            self.0.set_length(total as u64);
            if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} documents {elapsed}") {
                self.0.set_style(style);
            }
            self.0.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
    }

    fn advance(&self) {
        self.0.inc(1);
    }

    fn finish(&self) {
        self.0.finish_and_clear();
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
        for b in &ex.before {
            s.push_str(&format!(
                "\nWith, earlier in the run, {}:\n    {}\n",
                b.path,
                b.text.trim_end().replace('\n', "\n    ")
            ));
        }
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
