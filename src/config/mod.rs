//! `factlint.toml`: discovery, built-in packs, extra rule files, severities, per-path
//! overrides and `--select` / `--ignore`.

pub mod rules;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use toml::Spanned;

pub use rules::{Rule, SeenIds, load_rule_file};

use crate::checks;
use crate::diagnostic::Severity;
use crate::error::{Error, FileError, nearest};

include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

/// The built-in packs; a file `rules/zh-*.toml` belongs to `zh-news`, `rules/en-*.toml` to
/// `en-news`, any other to `common`. The language-independent `common` rules (conversions,
/// duplicates, times) come with either news pack too.
pub const PACKS: &[&str] = &["common", "zh-news", "en-news"];

/// Names of the config files looked for, in order, in each folder from the current one up.
pub const CONFIG_NAMES: &[&str] = &["factlint.toml", ".factlint.toml"];

pub fn pack_of(file_name: &str) -> &'static str {
    if file_name.starts_with("zh-") {
        "zh-news"
    } else if file_name.starts_with("en-") {
        "en-news"
    } else {
        "common"
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default)]
    extends: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    rules: Vec<Spanned<String>>,
    #[serde(default)]
    severity: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default, rename = "override")]
    overrides: Vec<OverrideFile>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    #[serde(default)]
    max_file_mb: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OverrideFile {
    paths: Vec<Spanned<String>>,
    #[serde(default)]
    ignore: Vec<Spanned<String>>,
    #[serde(default)]
    select: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    severity: BTreeMap<Spanned<String>, Spanned<String>>,
}

/// `None` means the rule is off.
pub type Level = Option<Severity>;

#[derive(Debug)]
struct Override {
    globs: GlobSet,
    /// Per rule: the level this override sets, if it touches the rule.
    levels: Vec<Option<Level>>,
}

/// A loaded configuration: every rule, and what is enabled where.
#[derive(Debug)]
pub struct Config {
    /// The config file, when one was used.
    pub path: Option<PathBuf>,
    /// The folder relative paths in the config are resolved against.
    pub root: PathBuf,
    pub rules: Vec<Rule>,
    /// Per rule, its level everywhere (before per-path overrides).
    base: Vec<Level>,
    overrides: Vec<Override>,
    exclude: GlobSet,
    /// Larger files are reported as input errors instead of being read (memory stays bounded).
    pub max_file_bytes: u64,
    /// Files of some size are mapped into memory rather than read (`--no-mmap` turns it off).
    pub map_files: bool,
    /// `[severity]` entries for the engine's own rules (by id or kind), which no rule file holds.
    engine_levels: BTreeMap<String, Level>,
}

/// The default of `max_file_mb`.
pub const DEFAULT_MAX_FILE_MB: u64 = 64;

impl Config {
    /// The built-in packs, all of them, as when no config file exists.
    pub fn builtin() -> Result<Config, Error> {
        Config::from_parts(None, PathBuf::from("."), ConfigFile::default(), "")
    }

    /// Finds `factlint.toml` / `.factlint.toml` from `cwd` upward; built-ins when none.
    pub fn discover(cwd: &Path) -> Result<Config, Error> {
        for dir in cwd.ancestors() {
            for name in CONFIG_NAMES {
                let candidate = dir.join(name);
                if candidate.is_file() {
                    return Config::load(&candidate);
                }
            }
        }
        Config::builtin()
    }

    /// Loads a config file.
    pub fn load(path: &Path) -> Result<Config, Error> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io { path: path.to_path_buf(), source })?;
        Config::from_str(path, &text)
    }

    /// Parses config text that lives at `path` (relative paths resolve against its folder).
    pub fn from_str(path: &Path, text: &str) -> Result<Config, Error> {
        let name = path.display().to_string();
        let file: ConfigFile = toml::from_str(text).map_err(|e| {
            let span = e.span().unwrap_or(0..0);
            let msg = e.message().trim().to_string();
            let mut fe = FileError::new(&name, text, span, format!("invalid config: {msg}"));
            if let Some(rest) = msg.strip_prefix("unknown field `") {
                let field = &rest[..rest.find('`').unwrap_or(rest.len())];
                let keys =
                    ["extends", "rules", "severity", "override", "exclude", "max_file_mb", "paths", "ignore", "select"];
                fe = fe.label("unknown key");
                if let Some(k) = nearest(field, keys) {
                    fe = fe.help(format!("did you mean `{k}`?"));
                }
            }
            fe
        })?;
        let root = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let root = if root.as_os_str().is_empty() { PathBuf::from(".") } else { root };
        let mut config = Config::from_parts(Some(path.to_path_buf()), root, file, text)?;
        config.path = Some(path.to_path_buf());
        Ok(config)
    }

    /// Only the rules of one rule file (for `test-rules`).
    pub fn from_rule_file(path: &Path) -> Result<Config, Error> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io { path: path.to_path_buf(), source })?;
        let rules = load_rule_file(&path.display().to_string(), &text, &mut SeenIds::new())?;
        Ok(Config::from_rules(rules))
    }

    /// A config of exactly these rules, each at its own severity when enabled.
    pub fn from_rules(rules: Vec<Rule>) -> Config {
        let base = rules.iter().map(|r| r.meta.enabled.then_some(r.meta.severity)).collect();
        Config {
            path: None,
            root: PathBuf::from("."),
            rules,
            base,
            overrides: Vec::new(),
            exclude: GlobSet::empty(),
            max_file_bytes: DEFAULT_MAX_FILE_MB << 20,
            map_files: true,
            engine_levels: BTreeMap::new(),
        }
    }

    /// Turns every rule off but rule `index`, which runs at its own severity.
    pub fn only(&mut self, index: usize) {
        for (i, l) in self.base.iter_mut().enumerate() {
            *l = (i == index).then_some(self.rules[i].meta.severity);
        }
        self.overrides.clear();
    }

    fn from_parts(path: Option<PathBuf>, root: PathBuf, file: ConfigFile, text: &str) -> Result<Config, Error> {
        let name = path.as_ref().map(|p| p.display().to_string()).unwrap_or_default();
        let err = |span: std::ops::Range<usize>, msg: String| FileError::new(&name, text, span, msg);

        // Packs.
        let packs: Vec<&str> = match &file.extends {
            None => PACKS.to_vec(),
            Some(list) => {
                let mut packs = Vec::new();
                for item in list {
                    let pack = item.get_ref().strip_prefix("builtin:").and_then(|p| PACKS.iter().find(|k| **k == p));
                    match pack {
                        Some(p) => packs.push(*p),
                        None => {
                            let names: Vec<String> = PACKS.iter().map(|p| format!("builtin:{p}")).collect();
                            let mut e =
                                err(item.span(), format!("unknown pack `{}`", item.get_ref())).label("not a pack");
                            e = e.help(match nearest(item.get_ref(), names.iter().map(String::as_str)) {
                                Some(n) => format!("did you mean `{n}`?"),
                                None => format!("the built-in packs are {}", names.join(", ")),
                            });
                            return Err(e.into());
                        }
                    }
                }
                packs
            }
        };
        let mut seen = SeenIds::new();
        let mut rules = Vec::new();
        for (file_name, contents) in BUILTIN_RULE_FILES {
            let pack = pack_of(file_name);
            if packs.contains(&pack) || (pack == "common" && !packs.is_empty()) {
                rules.extend(load_rule_file(&format!("builtin:rules/{file_name}"), contents, &mut seen)?);
            }
        }
        for extra in &file.rules {
            let p = root.join(extra.get_ref());
            let contents = std::fs::read_to_string(&p).map_err(|e| {
                err(extra.span(), format!("cannot read rule file {}: {e}", p.display())).label("this file")
            })?;
            rules.extend(load_rule_file(&p.display().to_string(), &contents, &mut seen)?);
        }

        let mut base: Vec<Level> = rules.iter().map(|r| r.meta.enabled.then_some(r.meta.severity)).collect();
        let (engine_entries, rule_entries): (BTreeMap<_, _>, BTreeMap<_, _>) =
            file.severity.into_iter().partition(|(k, _)| is_engine_rule(k.get_ref()));
        apply_levels(&rules, &mut base, &rule_entries, &err)?;
        let mut engine_levels = BTreeMap::new();
        for (key, value) in &engine_entries {
            engine_levels.insert(key.get_ref().clone(), parse_level(value, &err)?);
        }

        let mut overrides = Vec::new();
        for o in &file.overrides {
            let globs = glob_set(&o.paths, &err)?;
            let mut levels: Vec<Option<Level>> = vec![None; rules.len()];
            for sel in &o.ignore {
                for i in select_rules(&rules, sel, &err)? {
                    levels[i] = Some(None);
                }
            }
            if let Some(select) = &o.select {
                let mut keep = vec![false; rules.len()];
                for sel in select {
                    for i in select_rules(&rules, sel, &err)? {
                        keep[i] = true;
                    }
                }
                for (i, k) in keep.iter().enumerate() {
                    if !k {
                        levels[i] = Some(None);
                    }
                }
            }
            let mut sev: Vec<Level> = base.clone();
            apply_levels(&rules, &mut sev, &o.severity, &err)?;
            for (i, (new, old)) in sev.iter().zip(&base).enumerate() {
                if new != old && levels[i].is_none() {
                    levels[i] = Some(*new);
                }
            }
            overrides.push(Override { globs, levels });
        }
        let exclude = glob_set(&file.exclude, &err)?;
        Ok(Config {
            path,
            root,
            rules,
            base,
            overrides,
            exclude,
            max_file_bytes: file.max_file_mb.unwrap_or(DEFAULT_MAX_FILE_MB) << 20,
            map_files: true,
            engine_levels,
        })
    }

    /// Keeps only the rules named (by id or kind); an unknown name is a usage error.
    pub fn select(&mut self, names: &[String]) -> Result<(), Error> {
        let mut keep = vec![false; self.rules.len()];
        for n in names {
            let hits = self.matching(n)?;
            for i in hits {
                keep[i] = true;
                // Selecting a rule that is disabled by default turns it on.
                if self.base[i].is_none() {
                    self.base[i] = Some(self.rules[i].meta.severity);
                }
            }
        }
        for (i, k) in keep.iter().enumerate() {
            if !k {
                self.base[i] = None;
            }
        }
        Ok(())
    }

    /// Turns off the rules named (by id or kind).
    pub fn ignore(&mut self, names: &[String]) -> Result<(), Error> {
        for n in names {
            for i in self.matching(n)? {
                self.base[i] = None;
            }
        }
        Ok(())
    }

    fn matching(&self, name: &str) -> Result<Vec<usize>, Error> {
        let hits: Vec<usize> = self
            .rules
            .iter()
            .enumerate()
            .filter(|(_, r)| r.meta.id == name || r.meta.kind == name)
            .map(|(i, _)| i)
            .collect();
        if hits.is_empty() && checks::kind(name).is_none() {
            let candidates = self.rules.iter().map(|r| r.meta.id.as_str()).chain(checks::KINDS.iter().map(|k| k.name));
            let hint = nearest(name, candidates).map(|n| format!(" (did you mean `{n}`?)")).unwrap_or_default();
            return Err(Error::Usage(format!("unknown rule id or check kind `{name}`{hint}")));
        }
        Ok(hits)
    }

    /// Each rule's level for a file at `path` (as given on the command line or walked).
    pub fn levels_for(&self, path: &str) -> Vec<Level> {
        let mut levels = self.base.clone();
        if self.overrides.is_empty() {
            return levels;
        }
        let rel = self.relative(path);
        for o in &self.overrides {
            if o.globs.is_match(&rel) {
                for (l, o) in levels.iter_mut().zip(&o.levels) {
                    if let Some(set) = o {
                        *l = *set;
                    }
                }
            }
        }
        levels
    }

    /// Whether the config's `exclude` globs leave this path out.
    pub fn is_excluded(&self, path: &str) -> bool {
        !self.exclude.is_empty() && self.exclude.is_match(self.relative(path))
    }

    fn relative(&self, path: &str) -> String {
        let p = Path::new(path);
        let p = p.strip_prefix(&self.root).unwrap_or(p);
        let s = p.to_string_lossy().replace('\\', "/");
        s.trim_start_matches("./").to_string()
    }

    /// The level `[severity]` gives an engine rule (by its id, else its kind); `None` when the
    /// config says nothing about it.
    pub fn engine_level(&self, id: &str, kind: &str) -> Option<Level> {
        self.engine_levels.get(id).or_else(|| self.engine_levels.get(kind)).copied()
    }

    /// The base level of rule `i` (for `factlint rules`).
    pub fn level(&self, i: usize) -> Level {
        self.base[i]
    }

    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.meta.id == id)
    }
}

type ErrFn<'a> = dyn Fn(std::ops::Range<usize>, String) -> FileError + 'a;

fn select_rules(rules: &[Rule], sel: &Spanned<String>, err: &ErrFn<'_>) -> Result<Vec<usize>, FileError> {
    let name = sel.get_ref();
    let hits: Vec<usize> =
        rules.iter().enumerate().filter(|(_, r)| &r.meta.id == name || r.meta.kind == name).map(|(i, _)| i).collect();
    if hits.is_empty() && checks::kind(name).is_none() {
        let candidates = rules.iter().map(|r| r.meta.id.as_str()).chain(checks::KINDS.iter().map(|k| k.name));
        let mut e = err(sel.span(), format!("unknown rule id or check kind `{name}`")).label("no such rule");
        if let Some(n) = nearest(name, candidates) {
            e = e.help(format!("did you mean `{n}`?"));
        }
        return Err(e);
    }
    Ok(hits)
}

fn apply_levels(
    rules: &[Rule],
    levels: &mut [Level],
    table: &BTreeMap<Spanned<String>, Spanned<String>>,
    err: &ErrFn<'_>,
) -> Result<(), FileError> {
    // Kinds first, then ids, so that an id overrides its kind whatever the order written.
    let mut entries: Vec<_> = table.iter().collect();
    entries.sort_by_key(|(k, _)| k.get_ref().contains('/'));
    for (key, value) in entries {
        let level = parse_level(value, err)?;
        for i in select_rules(rules, key, err)? {
            levels[i] = level;
        }
    }
    Ok(())
}

fn parse_level(value: &Spanned<String>, err: &ErrFn<'_>) -> Result<Level, FileError> {
    Ok(match value.get_ref().as_str() {
        "off" => None,
        s => Some(Severity::parse(s).ok_or_else(|| {
            err(value.span(), format!("invalid severity `{s}`"))
                .label("not a severity")
                .help("use \"error\", \"warning\", \"info\" or \"off\"")
        })?),
    })
}

/// Whether a name is one of the engine's own rules or kinds (not in any rule file).
fn is_engine_rule(name: &str) -> bool {
    crate::engine::engine_rules().iter().any(|r| r.id == name || r.kind == name)
}

fn glob_set(globs: &[Spanned<String>], err: &ErrFn<'_>) -> Result<GlobSet, FileError> {
    let mut b = GlobSetBuilder::new();
    for g in globs {
        let glob = Glob::new(g.get_ref()).map_err(|e| err(g.span(), format!("invalid glob: {}", e.kind())))?;
        b.add(glob);
    }
    b.build().map_err(|e| err(0..0, format!("invalid globs: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(text: &str) -> Result<Config, Error> {
        Config::from_str(Path::new("factlint.toml"), text)
    }

    fn file_err(e: Error) -> FileError {
        match e {
            Error::File(f) => f,
            other => panic!("not a file error: {other:?}"),
        }
    }

    #[test]
    fn builtin_loads_every_pack() {
        let c = Config::builtin().unwrap();
        assert!(!c.rules.is_empty());
    }

    #[test]
    fn unknown_config_key_points_at_it() {
        let text = "extends = [\"builtin:zh-news\"]\nseverty = {}\n";
        let e = file_err(cfg(text).unwrap_err());
        assert_eq!(&text[e.range()], "severty");
        assert_eq!(e.help.as_deref(), Some("did you mean `severity`?"));
    }

    #[test]
    fn unknown_pack_and_unknown_rule_in_severity() {
        let text = "extends = [\"builtin:zh-new\"]\n";
        let e = file_err(cfg(text).unwrap_err());
        assert_eq!(&text[e.range()], "\"builtin:zh-new\"");
        assert_eq!(e.help.as_deref(), Some("did you mean `builtin:zh-news`?"));
        let text = "[severity]\n\"no/such-rule\" = \"off\"\n";
        let e = file_err(cfg(text).unwrap_err());
        assert!(e.message.contains("unknown rule id"), "{}", e.message);
    }

    #[test]
    fn severity_off_and_overrides_by_path() {
        let text =
            "[severity]\npattern = \"off\"\n[[override]]\npaths = [\"news/**\"]\nseverity = { pattern = \"info\" }\n";
        let c = cfg(text).unwrap();
        let pattern_rules: Vec<usize> = (0..c.rules.len()).filter(|&i| c.rules[i].meta.kind == "pattern").collect();
        assert!(!pattern_rules.is_empty());
        let elsewhere = c.levels_for("other/a.md");
        let news = c.levels_for("./news/a.md");
        for &i in &pattern_rules {
            assert_eq!(elsewhere[i], None);
            assert_eq!(news[i], Some(Severity::Info));
        }
    }

    #[test]
    fn select_and_ignore_by_kind_or_id() {
        let mut c = Config::builtin().unwrap();
        assert!(matches!(c.select(&["nope/nope".into()]), Err(Error::Usage(_))));
        c.ignore(&["pattern".into()]).unwrap();
        assert!((0..c.rules.len()).filter(|&i| c.rules[i].meta.kind == "pattern").all(|i| c.level(i).is_none()));
    }
}
