//! `--fix` and `--diff`: apply the mechanical fixes that findings carry.
//!
//! Per file, fixes are taken in source order; a fix whose replacements overlap one already
//! taken is skipped whole (the next run can pick it up), and so is a fix that would touch the
//! front matter, fall outside the file or split a character. Bytes outside the replaced spans
//! are never touched. Files are written atomically: a temporary file beside the original,
//! then a rename.

use std::io::Write;
use std::ops::Range;
use std::path::Path;

use crate::diagnostic::{FileId, Replacement};
use crate::engine::Report;

/// The fixed text of one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileFix {
    pub file: FileId,
    pub path: String,
    /// The whole new text of the file.
    pub fixed: String,
    /// Findings whose fix was applied.
    pub applied: usize,
    /// Findings whose fix was left out (overlap, front matter, bad span).
    pub skipped: usize,
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    // Two insertions at the same point also conflict: their order would be arbitrary.
    (a.start < b.end && b.start < a.end) || a.start == b.start
}

/// The fixes of every file of `report` that has at least one applicable fix, in file order.
pub fn plan(report: &Report) -> Vec<FileFix> {
    let mut out = Vec::new();
    for (file, f) in report.files.iter().enumerate() {
        let mut fixes: Vec<&[Replacement]> = report
            .diagnostics
            .iter()
            .filter(|d| d.primary.file == file)
            .filter_map(|d| d.fix.as_ref().map(|fx| fx.replacements.as_slice()))
            .filter(|r| !r.is_empty())
            .collect();
        if fixes.is_empty() {
            continue;
        }
        fixes.sort_by_key(|r| r.iter().map(|x| x.start).min());
        let mut taken: Vec<&Replacement> = Vec::new();
        let (mut applied, mut skipped) = (0, 0);
        for reps in fixes {
            let valid = reps.iter().all(|r| {
                r.start <= r.end
                    && r.end <= f.source.len()
                    && f.source.is_char_boundary(r.start)
                    && f.source.is_char_boundary(r.end)
                    && f.front_matter.as_ref().is_none_or(|fm| r.end <= fm.start || r.start >= fm.end)
            });
            if !valid {
                skipped += 1;
                continue;
            }
            // The same edit proposed by two findings counts as applied for both.
            if reps.iter().all(|r| taken.contains(&r)) {
                applied += 1;
                continue;
            }
            if reps.iter().any(|r| taken.iter().any(|t| overlaps(&(r.start..r.end), &(t.start..t.end)))) {
                skipped += 1;
                continue;
            }
            taken.extend(reps);
            applied += 1;
        }
        if taken.is_empty() {
            continue;
        }
        taken.sort_by_key(|r| r.start);
        let mut fixed = String::with_capacity(f.source.len());
        let mut pos = 0;
        for r in taken {
            fixed.push_str(&f.source[pos..r.start]);
            fixed.push_str(&r.text);
            pos = r.end;
        }
        fixed.push_str(&f.source[pos..]);
        if fixed != *f.source {
            out.push(FileFix { file, path: f.path.clone(), fixed, applied, skipped });
        }
    }
    out
}

/// A unified diff of `old` → `new` for `path`, three lines of context (empty when equal).
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&diff_name("a", path), &diff_name("b", path))
        .to_string()
}

/// `a/path` for a relative path, the path itself for an absolute one.
fn diff_name(side: &str, path: &str) -> String {
    if path.starts_with('/') { path.to_string() } else { format!("{side}/{path}") }
}

/// Replaces the file at `path` with `contents` atomically: writes a temporary file in the
/// same folder (keeping the original's permissions), flushes it, then renames it over.
pub fn write_atomic(path: &Path, contents: &str) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "file".into());
    let tmp = dir.join(format!(".{name}.factlint-{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(contents.as_bytes())?;
        f.sync_all()?;
        if let Ok(meta) = std::fs::metadata(path) {
            std::fs::set_permissions(&tmp, meta.permissions())?;
        }
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Diagnostic, Fix, Severity, Span};
    use crate::engine::{Input, lint};

    fn report_with(source: &str, fixes: &[&[(Range<usize>, &str)]]) -> Report {
        let config = crate::Config::from_rules(Vec::new());
        let mut report = lint(&config, vec![Input::Text { name: "a.md".into(), text: source.into() }]);
        for reps in fixes {
            report.diagnostics.push(Diagnostic {
                rule: "t/t".into(),
                check: "pattern",
                severity: Severity::Warning,
                message: String::new(),
                primary: Span::new(0, reps[0].0.clone()),
                primary_label: String::new(),
                labels: Vec::new(),
                help: None,
                fix: Some(Fix {
                    replacements: reps
                        .iter()
                        .map(|(r, t)| Replacement { start: r.start, end: r.end, text: t.to_string() })
                        .collect(),
                }),
            });
        }
        report
    }

    #[test]
    fn applies_non_overlapping_fixes_and_skips_the_rest() {
        let src = "abc def ghi\n";
        let r = report_with(src, &[&[(0..3, "ABC")], &[(1..2, "x")], &[(8..11, "GHI")], &[(8..11, "GHI")]]);
        let p = plan(&r);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].fixed, "ABC def GHI\n");
        assert_eq!((p[0].applied, p[0].skipped), (3, 1));
    }

    #[test]
    fn front_matter_is_never_rewritten() {
        let src = "---\ntitle: abc\n---\nabc\n";
        let r = report_with(src, &[&[(11..14, "X")], &[(19..22, "Y")]]);
        let p = plan(&r);
        assert_eq!(p[0].fixed, "---\ntitle: abc\n---\nY\n");
        assert_eq!((p[0].applied, p[0].skipped), (1, 1));
    }

    #[test]
    fn diff_shows_the_change() {
        let d = unified_diff("a.md", "x\ny\n", "x\nz\n");
        assert!(d.contains("--- a/a.md\n+++ b/a.md\n"), "{d}");
        assert!(d.contains("-y\n+z\n"), "{d}");
        assert_eq!(unified_diff("a.md", "x", "x"), "");
    }

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.md");
        std::fs::write(&p, "old").unwrap();
        write_atomic(&p, "new").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
