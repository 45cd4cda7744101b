//! The owned diagnostic model every check produces and every reporter consumes.
//!
//! Spans are byte offsets into the original file; line and column are computed only at the
//! edges, by [`LineIndex`].

use std::fmt;
use std::ops::Range;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// Index of a file within one run (into [`crate::Report::files`]).
pub type FileId = usize;

/// How serious a finding is. Ordered: `Info < Warning < Error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A byte range in one file of the run.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub file: FileId,
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(file: FileId, range: Range<usize>) -> Span {
        Span { file, start: range.start, end: range.end }
    }

    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }
}

/// A secondary span with its explanation ("the rate used here", "contradicts this").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// One text replacement of a mechanical fix.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Replacement {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// A mechanical fix: replacements in the primary span's file, non-overlapping.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fix {
    pub replacements: Vec<Replacement>,
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The rule's stable id, e.g. `conversion/currency-rate`.
    pub rule: String,
    /// The check kind that produced it, e.g. `conversion`.
    pub check: &'static str,
    pub severity: Severity,
    pub message: String,
    pub primary: Span,
    /// A short text under the primary span's carets (may be empty).
    pub primary_label: String,
    pub labels: Vec<Label>,
    pub help: Option<String>,
    pub fix: Option<Fix>,
}

impl Diagnostic {
    /// The ordering every reporter relies on: path, then start, then rule (path order is
    /// applied by the caller, which knows the paths).
    pub fn sort_key(&self) -> (usize, usize, &str, usize) {
        (self.primary.start, self.primary.end, &self.rule, self.labels.len())
    }
}

/// Line starts of one file, for 1-based line and character-column positions.
///
/// An index made by [`LineIndex::deferred`] finds its line starts on the first
/// [`LineIndex::position`] or [`LineIndex::utf16_column`] (which are given the source): a run
/// keeps one per file, and most files of a run have no finding to place.
#[derive(Clone, Debug, Default)]
pub struct LineIndex {
    starts: OnceLock<Vec<usize>>,
}

/// A 1-based line and 1-based column counted in Unicode scalar values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl LineIndex {
    pub fn new(source: &str) -> LineIndex {
        let index = LineIndex::deferred();
        index.starts_of(source);
        index
    }

    /// An index of a source that is only scanned when a position is first asked for.
    pub fn deferred() -> LineIndex {
        LineIndex { starts: OnceLock::new() }
    }

    /// The line starts, found now if they were deferred.
    fn starts_of(&self, source: &str) -> &[usize] {
        self.starts.get_or_init(|| {
            let mut starts = vec![0];
            push_line_starts(source.as_bytes(), &mut starts);
            starts
        })
    }

    /// The line starts known so far: those of the source for an index made by
    /// [`LineIndex::new`] (or once a position was asked for), else just the first line's.
    fn known_starts(&self) -> &[usize] {
        self.starts.get().map_or(&[0], Vec::as_slice)
    }

    /// 0-based line number containing byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        line_in(self.known_starts(), offset)
    }

    pub fn line_start(&self, line: usize) -> usize {
        self.known_starts()[line]
    }

    pub fn line_starts(&self) -> &[usize] {
        self.known_starts()
    }

    /// Position of byte `offset` (clamped to the source and to a char boundary).
    pub fn position(&self, source: &str, offset: usize) -> Position {
        let offset = floor_char_boundary(source, offset.min(source.len()));
        let starts = self.starts_of(source);
        let line = line_in(starts, offset);
        let start = starts[line];
        let column = source[start..offset].chars().count() + 1;
        Position { line: line + 1, column }
    }

    /// Column of byte `offset` counted in UTF-16 code units (for editors that want it).
    pub fn utf16_column(&self, source: &str, offset: usize) -> usize {
        let offset = floor_char_boundary(source, offset.min(source.len()));
        let starts = self.starts_of(source);
        let start = starts[line_in(starts, offset)];
        source[start..offset].encode_utf16().count() + 1
    }
}

/// The 0-based line of `offset` among line starts `starts` (which begin with 0).
fn line_in(starts: &[usize], offset: usize) -> usize {
    match starts.binary_search(&offset) {
        Ok(i) => i,
        Err(i) => i.saturating_sub(1),
    }
}

/// Pushes the offset after each newline of `bytes`, in order. Lines of prose are short, so a
/// search that restarts at each newline pays its start-up cost every few dozen bytes: this
/// takes a mask of the newlines of 32 bytes at a time (vector compares) and walks its bits.
fn push_line_starts(bytes: &[u8], starts: &mut Vec<usize>) {
    let mut chunks = bytes.chunks_exact(32);
    let mut base = 0;
    for chunk in &mut chunks {
        let mut mask = 0u32;
        for (i, &b) in chunk.iter().enumerate() {
            mask |= u32::from(b == b'\n') << i;
        }
        while mask != 0 {
            starts.push(base + mask.trailing_zeros() as usize + 1);
            mask &= mask - 1;
        }
        base += 32;
    }
    starts.extend(chunks.remainder().iter().enumerate().filter(|(_, b)| **b == b'\n').map(|(i, _)| base + i + 1));
}

/// The largest char boundary `<= offset`.
pub fn floor_char_boundary(s: &str, mut offset: usize) -> usize {
    if offset >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive_line_starts(bytes: &[u8]) -> Vec<usize> {
        bytes.iter().enumerate().filter(|(_, b)| **b == b'\n').map(|(i, _)| i + 1).collect()
    }

    proptest::proptest! {
        #[test]
        fn line_starts_by_mask_agree_with_a_byte_scan(text in "[a\n一\r]{0,200}") {
            let mut starts = Vec::new();
            push_line_starts(text.as_bytes(), &mut starts);
            proptest::prop_assert_eq!(starts, naive_line_starts(text.as_bytes()));
        }
    }

    #[test]
    fn line_starts_by_mask_agree_with_a_byte_scan_at_every_alignment() {
        let texts = ["", "\n", "a\nb", "第一行\n由由abc\n", &"x\n".repeat(40), &"一二三\n\n".repeat(17)];
        for t in texts {
            for cut in 0..t.len().min(70) {
                let bytes = &t.as_bytes()[cut..];
                let mut starts = Vec::new();
                push_line_starts(bytes, &mut starts);
                assert_eq!(starts, naive_line_starts(bytes), "{t:?} from {cut}");
            }
        }
    }

    #[test]
    fn positions_count_characters_not_bytes() {
        let src = "第一行\n由由abc\n";
        let idx = LineIndex::new(src);
        let off = src.find("abc").unwrap();
        assert_eq!(idx.position(src, off), Position { line: 2, column: 3 });
        assert_eq!(idx.position(src, 0), Position { line: 1, column: 1 });
        assert_eq!(idx.position(src, src.len()), Position { line: 3, column: 1 });
    }

    #[test]
    fn a_deferred_index_gives_the_same_positions() {
        let src = "第一行\n由由abc\n\nend";
        let eager = LineIndex::new(src);
        let deferred = LineIndex::deferred();
        for offset in 0..=src.len() + 2 {
            assert_eq!(deferred.position(src, offset), eager.position(src, offset));
            assert_eq!(deferred.utf16_column(src, offset), eager.utf16_column(src, offset));
        }
        assert_eq!(deferred.line_starts(), eager.line_starts());
    }

    #[test]
    fn utf16_columns_count_surrogate_pairs() {
        let src = "😀x";
        let idx = LineIndex::new(src);
        assert_eq!(idx.utf16_column(src, 4), 3);
        assert_eq!(idx.position(src, 4).column, 2);
    }

    #[test]
    fn severity_orders_info_warning_error() {
        assert!(Severity::Info < Severity::Warning && Severity::Warning < Severity::Error);
    }
}
