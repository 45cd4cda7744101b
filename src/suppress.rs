//! Inline suppressions in Markdown and HTML comments:
//!
//! - `<!-- factlint-disable-next-line RULE -->`: findings that start on the next line;
//! - `<!-- factlint-disable RULE -->` … `<!-- factlint-enable RULE -->`: findings that start
//!   in between (to the end of the file when never enabled again).
//!
//! `RULE` is a rule id or a check kind; several may be given, separated by commas or spaces;
//! none means every rule. Text after ` -- ` is a free reason. A suppression that silences
//! nothing (for a rule that ran on the file) is itself reported, as an info finding.
//!
//! Comments are found by scanning the raw source for `<!-- … -->`: comments are opaque to the
//! Markdown and HTML readers, which keep only prose, and a plain scan is exact for them. In
//! Markdown, comments inside code spans and code blocks are skipped (they show the syntax,
//! they do not use it); plain-text files have no comments.

use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag};
use rayon::prelude::*;

use crate::diagnostic::{Diagnostic, FileId, Severity, Span};
use crate::document::Format;
use crate::engine::Report;

/// The rule id of a suppression that suppresses nothing.
pub const UNUSED_SUPPRESSION: &str = "factlint/unused-suppression";
/// The check kind of [`UNUSED_SUPPRESSION`].
pub const KIND: &str = "suppression";

/// What a comment asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Directive {
    DisableNextLine,
    Disable,
    Enable,
}

impl Directive {
    fn as_str(self) -> &'static str {
        match self {
            Directive::DisableNextLine => "factlint-disable-next-line",
            Directive::Disable => "factlint-disable",
            Directive::Enable => "factlint-enable",
        }
    }
}

/// One suppression comment found in a source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    pub directive: Directive,
    /// Rule ids or check kinds; empty means every rule.
    pub names: Vec<String>,
    /// The whole comment, `<!--` to `-->`.
    pub range: Range<usize>,
}

/// The suppression comments of a source of format `format`, in source order.
pub fn comments(source: &str, format: Format) -> Vec<Comment> {
    if format == Format::Plain || memchr::memmem::find(source.as_bytes(), b"factlint-").is_none() {
        return Vec::new();
    }
    let code = if format == Format::Markdown { code_ranges(source) } else { Vec::new() };
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some(i) = source[pos..].find("<!--") {
        let start = pos + i;
        let Some(j) = source[start + 4..].find("-->") else { break };
        let end = start + 4 + j + 3;
        pos = end;
        if code.iter().any(|c| c.start <= start && start < c.end) {
            continue;
        }
        if let Some(c) = parse(&source[start + 4..end - 3], start..end) {
            out.push(c);
        }
    }
    out
}

fn parse(inner: &str, range: Range<usize>) -> Option<Comment> {
    let inner = inner.trim();
    // Longest directive first: `factlint-disable` is a prefix of `-next-line`.
    let directive = [Directive::DisableNextLine, Directive::Disable, Directive::Enable].into_iter().find(|d| {
        inner.strip_prefix(d.as_str()).is_some_and(|rest| rest.is_empty() || rest.starts_with(char::is_whitespace))
    })?;
    let rest = &inner[directive.as_str().len()..];
    let rest = rest.split(" -- ").next().unwrap_or("");
    let names =
        rest.split(|c: char| c == ',' || c.is_whitespace()).filter(|s| !s.is_empty()).map(String::from).collect();
    Some(Comment { directive, names, range })
}

/// Source ranges of code spans and code blocks in Markdown.
fn code_ranges(source: &str) -> Vec<Range<usize>> {
    Parser::new_ext(source, Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES)
        .into_offset_iter()
        .filter_map(|(e, r)| matches!(e, Event::Code(_) | Event::Start(Tag::CodeBlock(_))).then_some(r))
        .collect()
}

/// One name of one comment and the source range where it silences findings.
#[derive(Debug)]
struct Region {
    comment: usize,
    /// `None`: every rule.
    name: Option<String>,
    range: Range<usize>,
    used: bool,
}

fn matches(name: &Option<String>, d: &Diagnostic) -> bool {
    name.as_ref().is_none_or(|n| *n == d.rule || n == d.check)
}

/// The regions of one file's comments; enable comments that close nothing are returned too.
fn regions(source: &str, comments: &[Comment]) -> (Vec<Region>, Vec<usize>) {
    let mut regions: Vec<Region> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    let mut stray = Vec::new();
    let names = |c: &Comment| -> Vec<Option<String>> {
        if c.names.is_empty() { vec![None] } else { c.names.iter().cloned().map(Some).collect() }
    };
    for (i, c) in comments.iter().enumerate() {
        match c.directive {
            Directive::DisableNextLine => {
                let line_end = source[c.range.end..].find('\n').map_or(source.len(), |k| c.range.end + k + 1);
                let next_end = source[line_end..].find('\n').map_or(source.len(), |k| line_end + k);
                for name in names(c) {
                    regions.push(Region { comment: i, name, range: line_end..next_end, used: false });
                }
            }
            Directive::Disable => {
                for name in names(c) {
                    open.push(regions.len());
                    regions.push(Region { comment: i, name, range: c.range.end..source.len(), used: false });
                }
            }
            Directive::Enable => {
                let before = open.len();
                open.retain(|&r| {
                    let closes = c.names.is_empty() || regions[r].name.as_ref().is_some_and(|n| c.names.contains(n));
                    if closes {
                        regions[r].range.end = c.range.start;
                    }
                    !closes
                });
                if open.len() == before {
                    stray.push(i);
                }
            }
        }
    }
    (regions, stray)
}

/// Drops the findings that comments suppress and reports the comments that suppress nothing.
/// `enabled(file, name)` says whether a rule id or kind ran on the file; `known(name)` whether
/// it names any rule or kind at all.
pub fn apply(report: &mut Report, enabled: &dyn Fn(FileId, &str) -> bool, known: &dyn Fn(&str) -> bool) {
    // Every source is scanned, so in parallel: serially this was a large part of a run's
    // single-threaded tail.
    let per_file: Vec<Vec<Comment>> = report.files.par_iter().map(|f| comments(&f.source, f.format)).collect();
    apply_comments(report, &per_file, enabled, known);
}

/// [`apply`] with the comments of each file (by [`FileId`]) already found by [`comments`].
pub fn apply_comments(
    report: &mut Report,
    per_file: &[Vec<Comment>],
    enabled: &dyn Fn(FileId, &str) -> bool,
    known: &dyn Fn(&str) -> bool,
) {
    if per_file.iter().all(Vec::is_empty) {
        return;
    }
    let mut by_file: Vec<Vec<Region>> = Vec::with_capacity(per_file.len());
    let mut strays: Vec<Vec<usize>> = Vec::with_capacity(per_file.len());
    for (f, cs) in report.files.iter().zip(per_file) {
        let (r, s) = regions(&f.source, cs);
        by_file.push(r);
        strays.push(s);
    }
    let before = report.diagnostics.len();
    report.diagnostics.retain(|d| {
        let start = d.primary.start;
        let mut hit = false;
        for r in by_file[d.primary.file].iter_mut() {
            if r.range.start <= start && start < r.range.end.max(r.range.start + 1) && matches(&r.name, d) {
                r.used = true;
                hit = true;
            }
        }
        !hit
    });
    report.suppressed += before - report.diagnostics.len();
    for (file, (rs, cs)) in by_file.iter().zip(per_file).enumerate() {
        for r in rs.iter().filter(|r| !r.used) {
            let c = &cs[r.comment];
            let message = match &r.name {
                Some(n) if !known(n) => format!("`{n}` is not a rule id or check kind, so this suppresses nothing"),
                Some(n) if !enabled(file, n) => continue,
                Some(n) => format!("`{} {n}` suppresses nothing", c.directive.as_str()),
                None => format!("`{}` suppresses nothing", c.directive.as_str()),
            };
            report.diagnostics.push(unused(file, c.range.clone(), message));
        }
        for &i in &strays[file] {
            let c = &cs[i];
            report.diagnostics.push(unused(
                file,
                c.range.clone(),
                "this `factlint-enable` closes no `factlint-disable` before it".into(),
            ));
        }
    }
}

fn unused(file: FileId, range: Range<usize>, message: String) -> Diagnostic {
    Diagnostic {
        rule: UNUSED_SUPPRESSION.into(),
        check: KIND,
        severity: Severity::Info,
        message,
        primary: Span::new(file, range),
        primary_label: "suppresses nothing".into(),
        labels: Vec::new(),
        help: Some("remove the comment, or name the rule id or check kind it is meant for".into()),
        fix: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_directives_names_and_reasons() {
        let src = "<!-- factlint-disable-next-line zh/misspelled-idiom, pattern -- quoted on purpose -->\n";
        let cs = comments(src, Format::Markdown);
        assert_eq!(cs.len(), 1);
        assert_eq!(cs[0].directive, Directive::DisableNextLine);
        assert_eq!(cs[0].names, vec!["zh/misspelled-idiom", "pattern"]);
        assert_eq!(cs[0].range, 0..src.len() - 1);
        let cs = comments("<!--factlint-disable-->x<!-- factlint-enable -->", Format::Html);
        assert_eq!(cs.iter().map(|c| c.directive).collect::<Vec<_>>(), vec![Directive::Disable, Directive::Enable]);
        assert!(cs[0].names.is_empty());
        assert!(comments("<!-- factlint-disabled x -->", Format::Html).is_empty());
        assert!(comments("<!-- factlint-disable x -->", Format::Plain).is_empty());
    }

    #[test]
    fn comments_in_markdown_code_are_not_directives() {
        let src = "Use `<!-- factlint-disable x -->` like this:\n\n```\n<!-- factlint-enable -->\n```\n";
        assert!(comments(src, Format::Markdown).is_empty());
    }

    #[test]
    fn next_line_and_block_regions() {
        let src = "<!-- factlint-disable-next-line a -->\nline two\nline three\n<!-- factlint-disable b -->\nx\n<!-- factlint-enable b -->\n";
        let cs = comments(src, Format::Markdown);
        let (rs, stray) = regions(src, &cs);
        assert!(stray.is_empty());
        assert_eq!(&src[rs[0].range.clone()], "line two");
        assert_eq!(&src[rs[1].range.clone()], "\nx\n");
        let (_, stray) = regions("<!-- factlint-enable -->", &comments("<!-- factlint-enable -->", Format::Html));
        assert_eq!(stray, vec![0]);
    }
}
