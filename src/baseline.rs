//! Baselines: `--write-baseline FILE` records the findings of today; `--baseline FILE` hides
//! them so that only new findings show.
//!
//! A finding is keyed by its path, its rule and a fingerprint of the flagged text with a little
//! of the text around it on its line, never by line numbers: editing another part of the file
//! does not bring an old finding back, while changing the flagged sentence does. The same key
//! may occur several times (the same slip twice on one line); the baseline hides as many
//! findings of a key as it recorded.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;
use crate::engine::Report;
use crate::error::Error;

/// Characters of context taken on each side of the flagged text (within its line).
const CONTEXT_CHARS: usize = 24;

/// One recorded finding.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub path: String,
    pub rule: String,
    /// [`fingerprint`] of the finding.
    pub fingerprint: String,
    /// The flagged text, for people reading the file; not part of the key.
    #[serde(default)]
    pub text: String,
}

/// A baseline file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    pub findings: Vec<Entry>,
}

/// The path as it is keyed: forward slashes, no leading `./`.
fn key_path(path: &str) -> String {
    let p = path.replace('\\', "/");
    p.trim_start_matches("./").to_string()
}

/// A stable 64-bit FNV-1a hash, written as 16 hex digits (stable across Rust versions and
/// platforms, unlike the standard library's hasher).
fn fnv1a(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain([0xff]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

/// The fingerprint of a finding: its rule, the flagged text and up to [`CONTEXT_CHARS`]
/// characters either side of it on the same line, with runs of whitespace collapsed.
pub fn fingerprint(report: &Report, d: &Diagnostic) -> String {
    let source = &report.files[d.primary.file].source;
    let start = crate::diagnostic::floor_char_boundary(source, d.primary.start);
    let end = crate::diagnostic::floor_char_boundary(source, d.primary.end.max(start));
    let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = source[end..].find('\n').map_or(source.len(), |i| end + i);
    let before: String = {
        let mut v: Vec<char> = source[line_start..start].chars().rev().take(CONTEXT_CHARS).collect();
        v.reverse();
        v.into_iter().collect()
    };
    let after: String = source[end..line_end].chars().take(CONTEXT_CHARS).collect();
    let norm = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    fnv1a(&[&d.rule, &norm(&before), &norm(&source[start..end]), &norm(&after)])
}

impl Baseline {
    /// The baseline of every finding in `report`.
    pub fn from_report(report: &Report) -> Baseline {
        let mut findings: Vec<Entry> = report
            .diagnostics
            .iter()
            .map(|d| {
                let source = &report.files[d.primary.file].source;
                Entry {
                    path: key_path(&report.files[d.primary.file].path),
                    rule: d.rule.clone(),
                    fingerprint: fingerprint(report, d),
                    text: source.get(d.primary.range()).unwrap_or("").to_string(),
                }
            })
            .collect();
        findings.sort();
        Baseline { version: 1, findings }
    }

    /// Reads a baseline file.
    pub fn load(path: &Path) -> Result<Baseline, Error> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io { path: path.to_path_buf(), source })?;
        let b: Baseline = serde_json::from_str(&text)
            .map_err(|e| Error::Usage(format!("{} is not a factlint baseline: {e}", path.display())))?;
        if b.version != 1 {
            return Err(Error::Usage(format!("{}: unsupported baseline version {}", path.display(), b.version)));
        }
        Ok(b)
    }

    /// Writes the baseline as pretty JSON (one finding per entry, sorted: diffs stay small).
    pub fn save(&self, path: &Path) -> Result<(), Error> {
        let mut text = serde_json::to_string_pretty(self).expect("a baseline serializes");
        text.push('\n');
        crate::fix::write_atomic(path, &text).map_err(|source| Error::Io { path: path.to_path_buf(), source })
    }

    /// Hides the findings of `report` this baseline knows; returns how many were hidden (also
    /// added to [`Report::baselined`]).
    pub fn apply(&self, report: &mut Report) -> usize {
        let mut budget: BTreeMap<(String, String, String), usize> = BTreeMap::new();
        for e in &self.findings {
            *budget.entry((e.path.clone(), e.rule.clone(), e.fingerprint.clone())).or_insert(0) += 1;
        }
        let keep: Vec<bool> = report
            .diagnostics
            .iter()
            .map(|d| {
                let key = (key_path(&report.files[d.primary.file].path), d.rule.clone(), fingerprint(report, d));
                match budget.get_mut(&key) {
                    Some(n) if *n > 0 => {
                        *n -= 1;
                        false
                    }
                    _ => true,
                }
            })
            .collect();
        let before = report.diagnostics.len();
        let mut keep = keep.into_iter();
        report.diagnostics.retain(|_| keep.next().unwrap_or(true));
        let hidden = before - report.diagnostics.len();
        report.baselined += hidden;
        hidden
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Config;

    fn lint(text: &str) -> Report {
        crate::lint_text(&Config::builtin().unwrap(), "a.md", text)
    }

    #[test]
    fn edits_elsewhere_keep_findings_hidden_and_new_ones_show() {
        let old = "第一段。\n\n队员们表示要再接再励。\n";
        let baseline = Baseline::from_report(&lint(old));
        assert_eq!(baseline.findings.len(), 1);
        assert_eq!(baseline.findings[0].text, "再接再励");

        let mut moved = lint("新加的一段。\n\n第一段。\n\n队员们表示要再接再励。\n");
        assert_eq!(baseline.apply(&mut moved), 1);
        assert!(moved.diagnostics.is_empty());

        let mut new = lint("第一段。\n\n队员们表示要再接再励。\n\n大家一股作气。\n");
        assert_eq!(baseline.apply(&mut new), 1);
        assert_eq!(new.diagnostics.len(), 1);
        assert_eq!(&new.files[0].source[new.diagnostics[0].primary.range()], "一股作气");
    }

    #[test]
    fn a_second_identical_finding_is_new() {
        let baseline = Baseline::from_report(&lint("再接再励。\n"));
        let mut twice = lint("再接再励。\n\n再接再励。\n");
        assert_eq!(baseline.apply(&mut twice), 1);
        assert_eq!(twice.diagnostics.len(), 1);
    }

    #[test]
    fn fingerprints_are_stable() {
        assert_eq!(fnv1a(&["a", "b"]), fnv1a(&["a", "b"]));
        assert_ne!(fnv1a(&["ab", ""]), fnv1a(&["a", "b"]));
        assert_eq!(fnv1a(&[]), "cbf29ce484222325");
    }
}
