//! Files → documents → rules → diagnostics, in parallel across files, deterministic in output.

use std::collections::BTreeMap;
use std::io::Read;
use std::ops::Range;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::checks::{Coverage, Gathered, Output};
use crate::config::{Config, Level};
use crate::diagnostic::{Diagnostic, FileId, LineIndex, Severity, Span};
use crate::document::{Document, Format};
use crate::error::InputError;
use crate::source::{NotText, Source};

/// Extensions linted when walking a folder (files named on the command line are always read).
pub const DOCUMENT_EXTENSIONS: &[&str] =
    &["md", "markdown", "mdown", "mkd", "mdx", "txt", "text", "html", "htm", "xhtml"];

/// One file of the run, kept for reporters (snippets, line and column).
#[derive(Debug)]
pub struct SourceFile {
    pub path: String,
    pub source: Source,
    pub line_index: LineIndex,
    pub format: Format,
    /// The front-matter block (fences included), which fixes never rewrite.
    pub front_matter: Option<Range<usize>>,
    /// Read from a file at `path` (not standard input or a string), so `--fix` may write it.
    pub on_disk: bool,
}

/// What reporters need to know about a rule (SARIF lists every rule of the run).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleInfo {
    pub id: String,
    pub kind: &'static str,
    pub severity: Severity,
    /// On by default (before `--select` / `--ignore` and per-path settings).
    pub enabled: bool,
    pub description: String,
    pub why: String,
    pub help: Option<String>,
}

/// Findings the engine itself makes, outside any rule file: they can be selected, ignored and
/// listed like rules.
pub fn engine_rules() -> Vec<RuleInfo> {
    vec![
        RuleInfo {
            id: INVALID_FRONT_MATTER.into(),
            kind: "document",
            severity: Severity::Warning,
            enabled: true,
            description: "Front matter that could not be parsed, so its values were not checked.".into(),
            why: "A broken front-matter block usually breaks the site build too, and hides its title from the checks."
                .into(),
            help: Some("fix the front matter; its values were not checked".into()),
        },
        RuleInfo {
            id: crate::suppress::UNUSED_SUPPRESSION.into(),
            kind: crate::suppress::KIND,
            severity: Severity::Info,
            enabled: true,
            description: "A factlint-disable comment that suppresses nothing.".into(),
            why: "A stale suppression hides the next real finding at that place; remove it once the text is fixed."
                .into(),
            help: Some("remove the comment, or name the rule id or check kind it is meant for".into()),
        },
    ]
}

/// Rule id of malformed front matter.
pub const INVALID_FRONT_MATTER: &str = "document/invalid-front-matter";

/// Told about progress of a run (the binary draws a progress bar with it).
pub trait Progress: Sync {
    /// The number of documents about to be linted.
    fn start(&self, total: usize);
    /// One more document linted.
    fn advance(&self);
    /// The run is over.
    fn finish(&self);
}

/// Everything a run found.
#[derive(Debug, Default)]
pub struct Report {
    /// Indexed by [`FileId`].
    pub files: Vec<SourceFile>,
    /// Sorted by path, start, rule.
    pub diagnostics: Vec<Diagnostic>,
    /// Inputs that could not be read or decoded.
    pub errors: Vec<InputError>,
    /// Per check kind: what was extracted and checked.
    pub coverage: Coverage,
    /// Every rule of the config (enabled or not) and the engine's own rules.
    pub rules: Vec<RuleInfo>,
    /// Findings silenced by `factlint-disable` comments.
    pub suppressed: usize,
    /// Findings hidden because the baseline knows them.
    pub baselined: usize,
}

/// The fail level of `--fail-on`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailOn {
    Severity(Severity),
    Never,
}

impl Report {
    /// (errors, warnings, infos)
    pub fn counts(&self) -> (usize, usize, usize) {
        let mut c = (0, 0, 0);
        for d in &self.diagnostics {
            match d.severity {
                Severity::Error => c.0 += 1,
                Severity::Warning => c.1 += 1,
                Severity::Info => c.2 += 1,
            }
        }
        c
    }

    /// 2 when an input could not be read, else 1 when a finding is at or above the fail
    /// level, else 0.
    pub fn exit_code(&self, fail_on: FailOn) -> i32 {
        if !self.errors.is_empty() {
            return 2;
        }
        match fail_on {
            FailOn::Never => 0,
            FailOn::Severity(min) => i32::from(self.diagnostics.iter().any(|d| d.severity >= min)),
        }
    }

    pub fn path(&self, file: FileId) -> &str {
        &self.files[file].path
    }
}

/// Where a document comes from.
#[derive(Debug, Clone)]
pub enum Input {
    /// A file; `explicit` when named on the command line rather than found by walking.
    File { path: PathBuf, explicit: bool },
    /// Text already read (standard input, a CMS), with the name that decides its format.
    Text { name: String, text: String },
}

fn display_path(path: &Path) -> String {
    let s = path.to_string_lossy().into_owned();
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

/// Expands command-line paths into inputs: folders are walked (honouring `.gitignore`, also
/// outside git repositories), `-` reads standard input named `stdin_name`.
pub fn collect_inputs(paths: &[String], stdin_name: Option<&str>, config: &Config) -> (Vec<Input>, Vec<InputError>) {
    collect(paths, stdin_name, &|path| config.is_excluded(path))
}

/// [`collect_inputs`] before the config is known: folders are walked without its exclusions,
/// which [`exclude`] applies afterwards to the same effect.
pub fn collect_inputs_unfiltered(paths: &[String], stdin_name: Option<&str>) -> (Vec<Input>, Vec<InputError>) {
    collect(paths, stdin_name, &|_| false)
}

/// Drops the walked files that `config` excludes (files named on the command line stay).
pub fn exclude(inputs: &mut Vec<Input>, config: &Config) {
    inputs.retain(|input| match input {
        Input::File { path, explicit: false } => !config.is_excluded(&display_path(path)),
        _ => true,
    });
}

fn collect(
    paths: &[String],
    stdin_name: Option<&str>,
    excluded: &dyn Fn(&str) -> bool,
) -> (Vec<Input>, Vec<InputError>) {
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        if p == "-" {
            let mut text = Vec::new();
            let name = stdin_name.unwrap_or("-").to_string();
            match std::io::stdin().read_to_end(&mut text) {
                Ok(_) => match String::from_utf8(text) {
                    Ok(text) => inputs.push(Input::Text { name, text }),
                    Err(e) => errors.push(InputError {
                        path: name,
                        reason: format!("not valid UTF-8 (invalid byte at offset {})", e.utf8_error().valid_up_to()),
                    }),
                },
                Err(e) => errors.push(InputError { path: name, reason: e.to_string() }),
            }
            continue;
        }
        let path = PathBuf::from(p);
        match std::fs::metadata(&path) {
            Err(e) => errors.push(InputError { path: p.clone(), reason: io_reason(&e) }),
            Ok(m) if m.is_dir() => walk(&path, excluded, &mut inputs, &mut errors),
            Ok(_) => inputs.push(Input::File { path, explicit: true }),
        }
    }
    (inputs, errors)
}

fn walk(root: &Path, excluded: &dyn Fn(&str) -> bool, inputs: &mut Vec<Input>, errors: &mut Vec<InputError>) {
    let walker = ignore::WalkBuilder::new(root).require_git(false).follow_links(false).build();
    let mut found: Vec<PathBuf> = Vec::new();
    let mut failed: Vec<InputError> = Vec::new();
    for entry in walker {
        match entry {
            Ok(e) => {
                if !e.file_type().is_some_and(|t| t.is_file()) {
                    continue;
                }
                let path = e.into_path();
                let ext_ok = path
                    .extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| DOCUMENT_EXTENSIONS.iter().any(|known| known.eq_ignore_ascii_case(e)));
                if ext_ok && !excluded(&display_path(&path)) {
                    found.push(path);
                }
            }
            Err(e) => {
                let path = match &e {
                    ignore::Error::WithPath { path, .. } => display_path(path),
                    _ => display_path(root),
                };
                failed.push(InputError { path, reason: e.to_string() });
            }
        }
    }
    // Depth first with the entries of each folder in file-name order, which is the order of
    // the paths compared component by component. One sort of the whole list costs far less
    // than the walker's sort of each folder, which takes both file names apart again at every
    // comparison.
    found.sort_by_cached_key(|path| component_order_key(path.as_os_str().as_encoded_bytes()));
    failed.sort_by_cached_key(|e| component_order_key(e.path.as_bytes()));
    inputs.extend(found.into_iter().map(|path| Input::File { path, explicit: false }));
    errors.extend(failed);
}

/// A key that orders paths found under one root as their components compare (file names byte
/// by byte), compared as plain bytes: each separator becomes a zero byte, which ranks below
/// every byte a name has, so a name ranks below the longer names it begins. Walked paths have
/// no `.` or doubled separators.
fn component_order_key(path: &[u8]) -> Vec<u8> {
    path.iter().map(|&b| if std::path::is_separator(char::from(b)) { 0 } else { b }).collect()
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// What reading one input gave.
enum Loaded {
    /// Name, text, and whether it was read from a file.
    Text(String, Source, bool),
    Skip,
    Error(InputError),
}

fn load(input: Input, max_bytes: u64, map_files: bool) -> Loaded {
    match input {
        Input::Text { name, text } => Loaded::Text(name, text.into(), false),
        Input::File { path, explicit } => {
            let name = display_path(&path);
            let too_large = |len: u64| {
                let reason = format!(
                    "file too large to lint ({} MB; the limit is {} MB, set by `max_file_mb` in factlint.toml)",
                    len >> 20,
                    max_bytes >> 20
                );
                Loaded::Error(InputError { path: name.clone(), reason })
            };
            // The size comes from the open file, which saves a lookup of the path per file.
            let mut file = match std::fs::File::open(&path) {
                Ok(file) => file,
                Err(e) => {
                    if let Ok(m) = std::fs::metadata(&path)
                        && m.len() > max_bytes
                    {
                        return too_large(m.len());
                    }
                    return Loaded::Error(InputError { path: name, reason: io_reason(&e) });
                }
            };
            let metadata = file.metadata().ok();
            let len = metadata.as_ref().map(std::fs::Metadata::len);
            if let Some(len) = len
                && len > max_bytes
            {
                return too_large(len);
            }
            // A larger regular file is mapped (its pages come from the page cache as they are,
            // not copied into fresh ones); a small one, or one that cannot be mapped, is read.
            let mapped = match len {
                Some(len) if map_files && len >= MAP_FROM && metadata.as_ref().is_some_and(|m| m.is_file()) => {
                    Source::mapped(&file, len)
                }
                _ => Ok(None),
            };
            let text = match mapped {
                Ok(Some(text)) => Ok(text),
                Ok(None) => match read_file(&mut file, len) {
                    Ok(bytes) => Source::from_bytes(bytes),
                    Err(e) => return Loaded::Error(InputError { path: name, reason: io_reason(&e) }),
                },
                Err(e) => Err(e),
            };
            match text {
                Ok(text) => Loaded::Text(name, text, true),
                Err(NotText::Binary) if !explicit => Loaded::Skip,
                Err(NotText::Binary) => Loaded::Error(InputError {
                    path: name,
                    reason: "binary file (contains NUL bytes), not text".into(),
                }),
                Err(NotText::InvalidUtf8(at)) => Loaded::Error(InputError {
                    path: name,
                    reason: format!("not valid UTF-8 (invalid byte at offset {at})"),
                }),
            }
        }
    }
}

/// Files of at least this many bytes are mapped rather than read.
const MAP_FROM: u64 = 16 << 10;

/// The bytes of an open file of `size` bytes (as its metadata said): one read for the whole
/// file and one that finds its end, where `read_to_end` without the size would take several
/// or ask for the size again.
fn read_file(file: &mut std::fs::File, size: Option<u64>) -> std::io::Result<Vec<u8>> {
    let mut bytes = vec![0; size.and_then(|n| usize::try_from(n).ok()).unwrap_or(0).saturating_add(1)];
    let mut filled = 0;
    loop {
        if filled == bytes.len() {
            // The file grew since its size was read: the rest, the general way.
            file.read_to_end(&mut bytes)?;
            return Ok(bytes);
        }
        match file.read(&mut bytes[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    bytes.truncate(filled);
    Ok(bytes)
}

/// One file's results before the run-scope phase.
struct FileResult {
    file: SourceFile,
    diagnostics: Vec<Diagnostic>,
    /// By rule index, only the rules that gathered something.
    gathered: Vec<(usize, Gathered)>,
    /// By rule index, only the rules that counted something.
    /// Flattened here, in parallel, so that the serial merge adds numbers without walking
    /// (and freeing) a map per file and rule.
    counters: Vec<(usize, &'static str, u64)>,
    levels: Vec<Level>,
    /// Prose segments of the document.
    segments: usize,
    /// Its suppression comments, found while its text is at hand.
    comments: Vec<crate::suppress::Comment>,
}

/// Lints inputs with a config.
pub fn lint(config: &Config, inputs: Vec<Input>) -> Report {
    lint_with_progress(config, inputs, None)
}

/// Lints inputs with a config, telling `progress` as documents are done.
pub fn lint_with_progress(config: &Config, inputs: Vec<Input>, progress: Option<&dyn Progress>) -> Report {
    let loaded: Vec<Loaded> =
        inputs.into_par_iter().map(|i| load(i, config.max_file_bytes, config.map_files)).collect();
    let mut errors = Vec::new();
    let mut texts = Vec::new();
    for l in loaded {
        match l {
            Loaded::Text(name, text, on_disk) => texts.push((name, text, on_disk)),
            Loaded::Skip => {}
            Loaded::Error(e) => errors.push(e),
        }
    }
    if let Some(p) = progress {
        p.start(texts.len());
    }
    let results: Vec<FileResult> = texts
        .into_par_iter()
        .enumerate()
        .map(|(id, (name, text, on_disk))| {
            let r = lint_one(config, id, name, text, on_disk);
            if let Some(p) = progress {
                p.advance();
            }
            r
        })
        .collect();
    let report = finish(config, results, errors);
    if let Some(p) = progress {
        p.finish();
    }
    report
}

fn lint_one(config: &Config, id: FileId, name: String, text: Source, on_disk: bool) -> FileResult {
    let levels = config.levels_for(&name);
    let doc = Document::from_source(id, &name, text);
    let mut diagnostics = Vec::new();
    let mut gathered = Vec::new();
    let mut counters = Vec::new();
    for p in &doc.problems {
        diagnostics.push(Diagnostic {
            rule: INVALID_FRONT_MATTER.into(),
            check: "document",
            severity: Severity::Warning,
            message: p.message.clone(),
            primary: Span::new(id, p.range.clone()),
            primary_label: String::new(),
            labels: Vec::new(),
            help: Some("fix the front matter; its values were not checked".into()),
            fix: None,
        });
    }
    for (i, (rule, level)) in config.rules.iter().zip(&levels).enumerate() {
        if level.is_none() {
            continue;
        }
        let mut out = Output::new(&rule.meta);
        rule.check.check(&doc, &mut out);
        if let Some(g) = rule.check.gather(&doc) {
            gathered.push((i, g));
        }
        diagnostics.extend(out.diagnostics);
        counters.extend(out.counters.into_iter().map(|(k, v)| (i, k, v)));
    }
    // Front matter is never rewritten: a fix touching it is dropped (the finding stays).
    if let Some(fm) = doc.front_matter.as_ref().map(|f| f.range.clone()) {
        for d in &mut diagnostics {
            if d.fix.as_ref().is_some_and(|f| f.replacements.iter().any(|r| r.start < fm.end && fm.start <= r.end)) {
                d.fix = None;
            }
        }
    }
    let segments = doc.segments.len();
    let comments = crate::suppress::comments(&doc.source, doc.format);
    let Document { path, source, format, front_matter, .. } = doc;
    // Most files have no finding to place: their line starts are found only if one is asked for.
    let line_index = LineIndex::deferred();
    let front_matter = front_matter.map(|f| f.range);
    FileResult {
        file: SourceFile { path, source, line_index, format, front_matter, on_disk },
        diagnostics,
        gathered,
        counters,
        levels,
        segments,
        comments,
    }
}

fn finish(config: &Config, results: Vec<FileResult>, errors: Vec<InputError>) -> Report {
    let mut report = Report { errors, ..Report::default() };
    report.rules = config
        .rules
        .iter()
        .map(|r| RuleInfo {
            id: r.meta.id.clone(),
            kind: r.meta.kind,
            severity: r.meta.severity,
            enabled: r.meta.enabled,
            description: r.meta.description.clone(),
            why: r.meta.why.clone(),
            help: r.meta.help.clone(),
        })
        .chain(engine_rules())
        .collect();
    let n_rules = config.rules.len();
    let mut per_rule: Vec<Vec<(FileId, Gathered)>> = (0..n_rules).map(|_| Vec::new()).collect();
    let mut levels: Vec<Vec<Level>> = Vec::with_capacity(results.len());
    let mut comments: Vec<Vec<crate::suppress::Comment>> = Vec::with_capacity(results.len());
    // Coverage is summed per rule and per kind first, without making a string per file and
    // rule, then named once at the end.
    // A rule counts a handful of names: a list searched in order is quicker than a map.
    let mut rule_counters: Vec<Vec<(&'static str, u64)>> = vec![Vec::new(); n_rules];
    let mut kind_names: Vec<&'static str> = config.rules.iter().map(|r| r.meta.kind).collect();
    kind_names.sort_unstable();
    kind_names.dedup();
    let rule_kind: Vec<usize> =
        config.rules.iter().map(|r| kind_names.binary_search(&r.meta.kind).expect("every kind is listed")).collect();
    // Per kind, the documents it ran on and their segments.
    let mut kind_runs: Vec<(u64, u64)> = vec![(0, 0); kind_names.len()];
    let mut kind_ran = vec![false; kind_names.len()];
    report.files.reserve(results.len());
    for (id, r) in results.into_iter().enumerate() {
        report.diagnostics.extend(r.diagnostics);
        for (i, g) in r.gathered {
            per_rule[i].push((id, g));
        }
        for (i, k, v) in r.counters {
            let sums = &mut rule_counters[i];
            match sums.iter_mut().find(|(name, _)| *name == k) {
                Some((_, sum)) => *sum += v,
                None => sums.push((k, v)),
            }
        }
        kind_ran.fill(false);
        for (level, &kind) in r.levels.iter().zip(&rule_kind) {
            if level.is_some() {
                kind_ran[kind] = true;
            }
        }
        for (k, ran) in kind_ran.iter().enumerate() {
            if *ran {
                kind_runs[k].0 += 1;
                kind_runs[k].1 += r.segments as u64;
            }
        }
        levels.push(r.levels);
        comments.push(r.comments);
        report.files.push(r.file);
    }
    for (i, counters) in rule_counters.into_iter().enumerate() {
        if counters.is_empty() {
            continue;
        }
        let entry = report.coverage.entry(config.rules[i].meta.kind.to_string()).or_default();
        for (k, v) in counters {
            *entry.entry(k.to_string()).or_insert(0) += v;
        }
    }
    for (kind, (documents, segments)) in kind_names.iter().zip(kind_runs) {
        if documents > 0 {
            let entry = report.coverage.entry(kind.to_string()).or_default();
            *entry.entry("documents".into()).or_insert(0) += documents;
            *entry.entry("segments".into()).or_insert(0) += segments;
        }
    }
    // Run-scope phase, rule by rule, in parallel over rules.
    let run_scope: Vec<(usize, Vec<(FileId, Gathered)>)> = per_rule
        .into_iter()
        .enumerate()
        .filter(|(i, g)| !g.is_empty() && config.rules[*i].check.is_run_scope())
        .collect();
    let sources: Vec<&str> = report.files.iter().map(|f| f.source.as_str()).collect();
    let finished: Vec<(usize, Vec<Diagnostic>, BTreeMap<&'static str, u64>)> = run_scope
        .into_par_iter()
        .map(|(i, gathered)| {
            let rule = &config.rules[i];
            let mut out = Output::new(&rule.meta);
            rule.check.finish(gathered, &sources, &mut out);
            (i, out.diagnostics, out.counters)
        })
        .collect();
    for (i, diags, counters) in finished {
        let kind = config.rules[i].meta.kind.to_string();
        let entry = report.coverage.entry(kind).or_default();
        for (k, v) in counters {
            *entry.entry(k.to_string()).or_insert(0) += v;
        }
        // A run-scope finding is kept only where its rule is on for the primary's file.
        report.diagnostics.extend(diags.into_iter().filter(|d| levels[d.primary.file][i].is_some()));
    }
    // Per-path severities (a rule may be an error in one folder and info in another).
    let index: BTreeMap<&str, usize> = config.rules.iter().enumerate().map(|(i, r)| (r.meta.id.as_str(), i)).collect();
    for d in &mut report.diagnostics {
        if let Some(&i) = index.get(d.rule.as_str())
            && let Some(level) = levels[d.primary.file][i]
        {
            d.severity = level;
        }
    }
    // Inline `factlint-disable` comments, after every finding (run-scope ones too) is known.
    let enabled = |file: FileId, name: &str| {
        config.rules.iter().zip(&levels[file]).any(|(r, l)| l.is_some() && (r.meta.id == name || r.meta.kind == name))
            || name == INVALID_FRONT_MATTER
            || name == "document"
    };
    let known = |name: &str| {
        config.rules.iter().any(|r| r.meta.id == name || r.meta.kind == name)
            || crate::checks::kind(name).is_some()
            || engine_rules().iter().any(|r| r.id == name || r.kind == name)
    };
    crate::suppress::apply_comments(&mut report, &comments, &enabled, &known);
    // The engine's own rules take their level from `[severity]` too.
    report.diagnostics.retain_mut(|d| match config.engine_level(&d.rule, d.check) {
        None => true,
        Some(None) => false,
        Some(Some(level)) => {
            d.severity = level;
            true
        }
    });
    let files = &report.files;
    report.diagnostics.sort_by(|a, b| {
        (files[a.primary.file].path.as_str(), a.sort_key(), &a.message).cmp(&(
            files[b.primary.file].path.as_str(),
            b.sort_key(),
            &b.message,
        ))
    });
    report.diagnostics.dedup();
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walking_first_and_excluding_afterwards_gives_the_same_inputs() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["a.md", "skip/b.md", "skip/c.txt", "keep/d.md", "keep/skip.md"] {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, "x").unwrap();
        }
        std::fs::write(dir.path().join("factlint.toml"), "exclude = [\"skip/**\", \"**/skip.md\"]\n").unwrap();
        let config = Config::load(&dir.path().join("factlint.toml")).unwrap();
        let root = dir.path().display().to_string();
        let paths = [root.clone(), format!("{root}/skip/b.md"), format!("{root}/missing.md")];
        let names = |inputs: &[Input]| -> Vec<(PathBuf, bool)> {
            inputs
                .iter()
                .map(|i| match i {
                    Input::File { path, explicit } => (path.clone(), *explicit),
                    Input::Text { .. } => unreachable!(),
                })
                .collect()
        };
        let (filtered, errors) = collect_inputs(&paths, None, &config);
        let (mut later, later_errors) = collect_inputs_unfiltered(&paths, None);
        assert!(names(&later).len() > names(&filtered).len());
        exclude(&mut later, &config);
        assert_eq!(names(&later), names(&filtered));
        assert_eq!(later_errors, errors);
        assert_eq!(filtered.len(), 3, "{:?}", names(&filtered));
    }

    #[test]
    fn walking_gives_a_sorted_walks_order() {
        let dir = tempfile::tempdir().unwrap();
        let names = ["b.md", "a-b.md", "a/b.md", "a/c/z.md", "a/a.txt", "a.md", "B.md", "a-b/x.md", "中.md", "a/c.md"];
        for name in names {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, "x").unwrap();
        }
        let sorted_walk: Vec<PathBuf> = ignore::WalkBuilder::new(dir.path())
            .require_git(false)
            .follow_links(false)
            .sort_by_file_name(|a, b| a.cmp(b))
            .build()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
            .map(|e| e.into_path())
            .collect();
        let config = Config::builtin().unwrap();
        let (mut inputs, mut errors) = (Vec::new(), Vec::new());
        walk(dir.path(), &|path| config.is_excluded(path), &mut inputs, &mut errors);
        let walked: Vec<PathBuf> = inputs
            .into_iter()
            .map(|i| match i {
                Input::File { path, .. } => path,
                Input::Text { .. } => unreachable!(),
            })
            .collect();
        assert!(errors.is_empty());
        let mut by_components = walked.clone();
        by_components.sort();
        assert_eq!(walked, by_components);
        assert_eq!(walked, sorted_walk);
        assert_eq!(walked.len(), names.len());
    }
}
