//! Input → [`Document`]: the prose segments of a file, each with a map from its text back to
//! byte offsets in the original source.
//!
//! Checks only ever see [`Segment::text`]; they map a range in it back to the file with
//! [`Segment::source_range`]. Code, tags, attributes and URLs never reach segment text: inline
//! code and URLs become one [`PLACEHOLDER`] character so that words on either side stay apart.

mod front_matter;
mod html;
mod markdown;
mod plain;

use std::any::{Any, TypeId};
use std::ops::Range;
use std::path::Path;
use std::sync::{Arc, LazyLock, Mutex};

use regex::Regex;

pub use front_matter::{FrontMatter, FrontMatterField, FrontMatterSyntax};

/// The Markdown segments of `source[range]` read both ways: plain blocks directly where they
/// can be, and every block through the parser. Not API: for the differential fuzz target.
#[doc(hidden)]
pub fn markdown_segments_both_ways(source: &str, range: std::ops::Range<usize>) -> (Vec<Segment>, Vec<Segment>) {
    (markdown::segments(source, range.clone()), markdown::segments_by_parser(source, range))
}

use crate::diagnostic::FileId;
use crate::source::Source;

/// Stands in segment text for something that is not prose (inline code, a URL).
pub const PLACEHOLDER: char = '\u{FFFC}';

/// The bytes of [`PLACEHOLDER`], as an array so that comparing with them is three byte
/// compares rather than a call.
const PLACEHOLDER_UTF8: [u8; 3] = [0xEF, 0xBF, 0xBC];

/// How a file is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    Plain,
    Markdown,
    Html,
}

impl Format {
    /// The format named by a file's extension, if the extension decides it.
    pub fn from_extension(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "md" | "markdown" | "mdown" | "mkd" | "mdx" => Some(Format::Markdown),
            "html" | "htm" | "xhtml" => Some(Format::Html),
            _ => None,
        }
    }

    /// Chooses a format for `path` (extension first, then the content for `.txt`, stdin and
    /// unknown extensions).
    pub fn detect(path: &Path, source: &str) -> Format {
        Format::from_extension(path).unwrap_or_else(|| Format::sniff(source))
    }

    /// A leading front-matter block or HTML block tags make text Markdown; a document that
    /// starts with `<!doctype` or `<html` is HTML.
    pub fn sniff(source: &str) -> Format {
        let head = source.trim_start_matches('\u{feff}').trim_start();
        let lower: String = head.chars().take(16).collect::<String>().to_ascii_lowercase();
        if lower.starts_with("<!doctype") || lower.starts_with("<html") {
            return Format::Html;
        }
        if front_matter::split(source).is_some() {
            return Format::Markdown;
        }
        static BLOCK_TAG: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"(?im)^[ \t]{0,3}</?(?:p|div|h[1-6]|ul|ol|li|table|blockquote|section|article|br)\b[^>]*>")
                .expect("valid regex")
        });
        if BLOCK_TAG.is_match(source) {
            return Format::Markdown;
        }
        Format::Plain
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Plain => "plain",
            Format::Markdown => "markdown",
            Format::Html => "html",
        }
    }
}

/// What a segment is, structurally.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum SegmentKind {
    Paragraph,
    Heading,
    ListItem,
    TableCell,
    /// A prose value of front matter (`title`, `description`, ...), with its key.
    FrontMatter(String),
}

/// One run of the offset map: text bytes `text..text+text_len` come from source bytes
/// `source..source+source_len`. A verbatim run has equal lengths and maps byte for byte; other
/// runs (a decoded entity, a placeholder) map as a whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Run {
    text: usize,
    text_len: usize,
    source: usize,
    source_len: usize,
    verbatim: bool,
}

/// The runs of a segment, never empty. Most segments are a single verbatim run, kept inline
/// so that a segment costs one allocation (its text) rather than two.
#[derive(Clone, Debug)]
enum Runs {
    One(Run),
    Many(Vec<Run>),
}

impl Runs {
    fn new(mut runs: impl Iterator<Item = Run>) -> Runs {
        let first = runs.next().expect("segments are never empty");
        match runs.next() {
            None => Runs::One(first),
            Some(second) => {
                let mut all = Vec::with_capacity(runs.size_hint().0 + 2);
                all.extend([first, second]);
                all.extend(runs);
                Runs::Many(all)
            }
        }
    }

    fn as_slice(&self) -> &[Run] {
        match self {
            Runs::One(run) => std::slice::from_ref(run),
            Runs::Many(runs) => runs,
        }
    }
}

impl PartialEq for Runs {
    fn eq(&self, other: &Runs) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for Runs {}

/// A piece of prose with its map back to the source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    pub kind: SegmentKind,
    pub text: String,
    runs: Runs,
}

impl Segment {
    /// A segment whose text is the source slice `range` itself.
    pub fn verbatim(kind: SegmentKind, source: &str, range: Range<usize>) -> Segment {
        let mut b = SegmentBuilder::new(kind);
        b.push_verbatim(&source[range.clone()], range.start);
        b.finish().expect("non-empty")
    }

    /// The byte range of the whole segment in the source.
    pub fn range(&self) -> Range<usize> {
        let runs = self.runs.as_slice();
        let first = runs.first().expect("segments are never empty");
        let last = runs.last().expect("segments are never empty");
        first.source..last.source + last.source_len
    }

    /// Maps a byte range of [`Segment::text`] to a byte range of the source. A range that
    /// starts or ends inside a non-verbatim run widens to cover the whole run.
    pub fn source_range(&self, range: Range<usize>) -> Range<usize> {
        let start = self.map_offset(range.start, false);
        let end = if range.end <= range.start { start } else { self.map_offset(range.end, true).max(start) };
        start..end
    }

    /// Source offset of text offset `offset`; `is_end` picks the run ending there.
    pub fn source_offset(&self, offset: usize) -> usize {
        self.map_offset(offset, false)
    }

    fn map_offset(&self, offset: usize, is_end: bool) -> usize {
        // The run holding the offset: for an end, the run holding the byte before it.
        let probe = if is_end { offset.saturating_sub(1) } else { offset };
        let runs = self.runs.as_slice();
        let idx = match runs.binary_search_by(|r| r.text.cmp(&probe)) {
            Ok(i) => i,
            Err(0) => 0,
            Err(i) => i - 1,
        };
        let run = &runs[idx];
        if offset >= run.text + run.text_len && !is_end {
            // Past the last run: the end of the segment.
            return run.source + run.source_len;
        }
        if run.verbatim {
            let delta = offset.saturating_sub(run.text).min(run.source_len);
            run.source + delta
        } else if is_end {
            run.source + run.source_len
        } else {
            run.source
        }
    }

    /// Whether text bytes `range` map byte for byte onto the source (no entity or placeholder
    /// inside), so a fix may replace the source slice with new text.
    pub fn is_verbatim(&self, range: Range<usize>) -> bool {
        self.runs
            .as_slice()
            .iter()
            .filter(|r| r.text < range.end && range.start < r.text + r.text_len.max(1))
            .all(|r| r.verbatim)
    }
}

/// Builds a segment from pieces in source order.
#[derive(Debug)]
pub struct SegmentBuilder {
    kind: SegmentKind,
    text: String,
    runs: Vec<Run>,
}

static URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:https?://|ftp://|www\.)[^\s<>\x22'“”（）()，。、；]+").expect("valid regex")
});

/// Whether `text` may hold a match of [`URL`]: every match has `://` or a case-insensitive
/// `www.` (no other character folds to `w`), and most text has neither, so the regex is skipped.
/// One scan for the two bytes, which prose (Chinese above all) has few of.
fn may_contain_url(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr2_iter(b':', b'.', bytes).any(|i| url_mark_at(bytes, i))
}

/// The places in a text where a [`URL`] match may be (a `:` before `//`, a `.` after `www`),
/// found in one scan of a whole document so that each piece of it is checked with a lookup
/// rather than a scan of its own.
#[derive(Debug)]
pub(crate) struct UrlMarks {
    /// Source offsets, ascending.
    marks: Vec<usize>,
}

impl UrlMarks {
    /// The marks of `text`, which starts at source offset `base` (the plain definition; the
    /// Markdown reader finds them in a scan of its own).
    pub(crate) fn new(text: &str, base: usize) -> UrlMarks {
        let bytes = text.as_bytes();
        // The `.` of `www.` is found from its first `w`: prose has far fewer `w`s than dots
        // (list numbers, decimals). A mark from a `w` at `i` is at `i + 3`, and no `:` lies
        // between, so the marks come out ascending.
        let marks = memchr::memchr3_iter(b':', b'w', b'W', bytes)
            .filter_map(|i| UrlMarks::mark_from(bytes, i))
            .map(|i| base + i)
            .collect();
        UrlMarks { marks }
    }

    /// The mark that the `:`, `w` or `W` at `bytes[i]` gives, if any: the `:` itself, or the
    /// `.` of a `www.` starting there.
    pub(crate) fn mark_from(bytes: &[u8], i: usize) -> Option<usize> {
        match bytes[i] {
            b':' => url_mark_at(bytes, i).then_some(i),
            _ => (bytes.get(i + 3) == Some(&b'.') && url_mark_at(bytes, i + 3)).then_some(i + 3),
        }
    }

    /// The marks found by a scan of its own with [`UrlMarks::mark_from`] at every `:`, `w` and
    /// `W`, in order (so ascending), as source offsets.
    pub(crate) fn from_marks(marks: Vec<usize>) -> UrlMarks {
        UrlMarks { marks }
    }

    /// Whether the source range may hold a URL: a piece of the scanned text in which
    /// [`may_contain_url`] holds has a mark inside.
    pub(crate) fn may_contain(&self, range: Range<usize>) -> bool {
        let first = self.marks.partition_point(|&m| m < range.start);
        self.marks.get(first).is_some_and(|&m| m < range.end)
    }
}

/// Whether the `:` or `.` at `bytes[i]` may belong to a URL: `://`, or `www.` in any case.
fn url_mark_at(bytes: &[u8], i: usize) -> bool {
    if bytes[i] == b':' {
        bytes[i + 1..].starts_with(b"//")
    } else {
        i >= 3 && bytes[i - 3..i].iter().all(|b| b.eq_ignore_ascii_case(&b'w'))
    }
}

impl SegmentBuilder {
    pub fn new(kind: SegmentKind) -> SegmentBuilder {
        SegmentBuilder { kind, text: String::new(), runs: Vec::new() }
    }

    pub fn is_empty(&self) -> bool {
        self.runs.is_empty()
    }

    fn push_run(&mut self, text: &str, source: usize, source_len: usize, verbatim: bool) {
        if text.is_empty() && source_len == 0 {
            return;
        }
        if text.is_empty() {
            return;
        }
        // Merge with the previous verbatim run when contiguous in both text and source.
        if verbatim
            && let Some(last) = self.runs.last_mut()
            && last.verbatim
            && last.source + last.source_len == source
            && last.text + last.text_len == self.text.len()
        {
            last.text_len += text.len();
            last.source_len += source_len;
            self.text.push_str(text);
            return;
        }
        self.runs.push(Run { text: self.text.len(), text_len: text.len(), source, source_len, verbatim });
        self.text.push_str(text);
    }

    /// Text that is exactly the source at `source..source+text.len()`; URLs in it become
    /// placeholders.
    pub fn push_verbatim(&mut self, text: &str, source: usize) {
        if !may_contain_url(text) {
            debug_assert!(!URL.is_match(text), "the URL pre-filter skipped a URL in {text:?}");
            self.push_run(text, source, text.len(), true);
            return;
        }
        let mut last = 0;
        for m in URL.find_iter(text) {
            self.push_run(&text[last..m.start()], source + last, m.start() - last, true);
            self.push_placeholder(source + m.start()..source + m.end());
            last = m.end();
        }
        self.push_run(&text[last..], source + last, text.len() - last, true);
    }

    /// [`SegmentBuilder::push_verbatim`] for text known to hold no URL (see [`UrlMarks`]).
    pub(crate) fn push_verbatim_without_url(&mut self, text: &str, source: usize) {
        debug_assert!(!URL.is_match(text), "a URL in {text:?} was not marked");
        self.push_run(text, source, text.len(), true);
    }

    /// Text that stands for the source range as a whole (a decoded entity, a line break).
    pub fn push_mapped(&mut self, text: &str, source: Range<usize>) {
        self.push_run(text, source.start, source.len(), false);
    }

    /// One placeholder character for a non-prose source range (inline code, a URL).
    pub fn push_placeholder(&mut self, source: Range<usize>) {
        let mut buf = [0u8; 4];
        self.push_run(PLACEHOLDER.encode_utf8(&mut buf), source.start, source.len(), false);
    }

    /// Makes room for `additional` more bytes of text, so that a segment known to be built
    /// from several pieces grows its text once.
    pub(crate) fn reserve(&mut self, additional: usize) {
        self.text.reserve(additional);
    }

    /// Starts a new segment of `kind` with the buffers of the last one, so that one builder
    /// serves a whole document without growing a fresh text and run list per segment.
    pub(crate) fn restart(&mut self, kind: SegmentKind) {
        self.kind = kind;
        self.text.clear();
        self.runs.clear();
    }

    /// The segment built so far, as [`SegmentBuilder::finish`] gives it, leaving the builder
    /// empty (its buffers kept) for [`SegmentBuilder::restart`].
    pub(crate) fn take(&mut self) -> Option<Segment> {
        let kind = std::mem::replace(&mut self.kind, SegmentKind::Paragraph);
        let segment = match prose_bounds(&self.text) {
            // Nothing to trim (the common case): the text built becomes the segment's, moved
            // rather than copied; the next segment is built in a new string.
            Some((0, end)) if end == self.text.len() => {
                let runs = match self.runs[..] {
                    [one] => Runs::One(one),
                    _ => Runs::Many(self.runs.clone()),
                };
                Some(Segment { kind, text: std::mem::take(&mut self.text), runs })
            }
            Some((start, end)) => Some(cut_segment(kind, &self.text, &self.runs, start..end)),
            None => None,
        };
        self.text.clear();
        self.runs.clear();
        segment
    }

    /// The segment, with surrounding whitespace trimmed; `None` when nothing but whitespace
    /// and placeholders is left.
    pub fn finish(self) -> Option<Segment> {
        let SegmentBuilder { kind, text, runs } = self;
        let (start, end) = prose_bounds(&text)?;
        if start == 0 && end == text.len() {
            return Some(Segment { kind, text, runs: Runs::new(runs.into_iter()) });
        }
        Some(cut_segment(kind, &text, &runs, start..end))
    }
}

/// The bounds of `text` without surrounding whitespace; `None` when nothing but whitespace and
/// placeholders is left.
fn prose_bounds(text: &str) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    if let (Some(&first), Some(&last_three)) = (bytes.first(), bytes.last_chunk::<3>())
        && cannot_start_whitespace(first) & !may_end_with_whitespace(last_three) & (bytes[..3] != PLACEHOLDER_UTF8)
    {
        // Nothing to trim, and the first character is prose: the common case, decided
        // without decoding and with one branch.
        return Some((0, text.len()));
    }
    trimmed_prose_bounds(text)
}

/// Whether text ending with the bytes `last_three` may end with white space: an ASCII space or
/// control from tab to carriage return, or U+0085, U+00A0 (C2 85, C2 A0), U+1680 (E1 9A 80),
/// U+2000 to U+205F (E2 80 or E2 81, with some that are not white space) or U+3000 (E3 80 80).
/// Tested without branches.
fn may_end_with_whitespace([b3, b2, b1]: [u8; 3]) -> bool {
    let ascii = (b1 == b' ') | (b1.wrapping_sub(b'\t') < 5);
    let two_bytes = (b2 == 0xC2) & ((b1 == 0x85) | (b1 == 0xA0));
    let ogham = (b3 == 0xE1) & (b2 == 0x9A) & (b1 == 0x80);
    let general = (b3 == 0xE2) & ((b2 == 0x80) | (b2 == 0x81));
    let ideographic = (b3 == 0xE3) & (b2 == 0x80) & (b1 == 0x80);
    ascii | two_bytes | ogham | general | ideographic
}

/// [`prose_bounds`] by trimming.
fn trimmed_prose_bounds(text: &str) -> Option<(usize, usize)> {
    let start = text.len() - text.trim_start().len();
    let end = text.trim_end().len();
    if start >= end || !text[start..end].chars().any(|c| c != PLACEHOLDER) {
        return None;
    }
    Some((start, end))
}

/// Whether a character starting with byte `b` is certainly not white space: Unicode white
/// space outside ASCII begins with 0xC2 (U+0085, U+00A0), 0xE1 (U+1680), 0xE2 (U+2000 to
/// U+205F) or 0xE3 (U+3000).
/// Tested without branches.
fn cannot_start_whitespace(b: u8) -> bool {
    let ascii = (b == b' ') | (b.wrapping_sub(b'\t') < 5);
    let lead = (b == 0xC2) | (b.wrapping_sub(0xE1) < 3);
    !(ascii | lead)
}

/// The segment of `text[keep]`, with the runs cut to it.
fn cut_segment(kind: SegmentKind, text: &str, runs: &[Run], keep: Range<usize>) -> Segment {
    let (start, end) = (keep.start, keep.end);
    let cut = runs.iter().filter_map(|r| {
        let (a, b) = (r.text.max(start), (r.text + r.text_len).min(end));
        if a >= b {
            return None;
        }
        Some(if r.verbatim {
            Run { text: a - start, text_len: b - a, source: r.source + (a - r.text), source_len: b - a, verbatim: true }
        } else {
            Run { text: a - start, text_len: b - a, ..*r }
        })
    });
    Segment { kind, text: text[start..end].to_string(), runs: Runs::new(cut) }
}

/// A parsed input file.
#[derive(Debug)]
pub struct Document {
    pub file: FileId,
    /// The path as given or found while walking (`-` for standard input unless named).
    pub path: String,
    pub source: Source,
    pub format: Format,
    pub front_matter: Option<FrontMatter>,
    pub segments: Vec<Segment>,
    /// Problems met while reading the structure (malformed front matter), reported as
    /// findings by the engine rather than aborting.
    pub problems: Vec<DocumentProblem>,
    /// What the rules of one kind extract from this document, made once and shared.
    shared: Shared,
}

/// Per-document results shared by the rules of a kind (one value per type), so extraction
/// runs once per document however many rules read it; they live and die with the document.
#[derive(Default)]
struct Shared(Mutex<Vec<(TypeId, Arc<dyn Any + Send + Sync>)>>);

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Shared")
    }
}

/// A structural problem of a document, with its byte range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentProblem {
    pub message: String,
    pub range: Range<usize>,
}

impl Document {
    /// Parses `source` as `format`.
    pub fn parse(file: FileId, path: &str, source: impl Into<Source>, format: Format) -> Document {
        let mut doc = Document {
            file,
            path: path.to_string(),
            source: source.into(),
            format,
            front_matter: None,
            segments: Vec::new(),
            problems: Vec::new(),
            shared: Shared::default(),
        };
        let source = doc.source.as_str();
        match format {
            Format::Plain => doc.segments = plain::segments(source, 0..source.len()),
            Format::Html => doc.segments = html::segments(source, 0..source.len()),
            Format::Markdown => {
                let body = match front_matter::split(source) {
                    Some(block) => {
                        let (fm, problems) = front_matter::parse(source, &block);
                        doc.segments.extend(fm.prose_segments(source));
                        doc.front_matter = Some(fm);
                        doc.problems = problems;
                        block.body
                    }
                    None => 0..source.len(),
                };
                let body_segments = markdown::segments(source, body);
                if doc.segments.is_empty() {
                    doc.segments = body_segments;
                } else {
                    doc.segments.extend(body_segments);
                }
            }
        }
        doc
    }

    /// Reads format from the path and content.
    pub fn from_source(file: FileId, path: &str, source: impl Into<Source>) -> Document {
        let source = source.into();
        let format = Format::detect(Path::new(path), &source);
        Document::parse(file, path, source, format)
    }

    /// A top-level front-matter scalar by key.
    pub fn front_matter_value(&self, key: &str) -> Option<&FrontMatterField> {
        self.front_matter.as_ref()?.get(key)
    }

    /// The value of type `T` shared by every rule reading this document: made by `make` the
    /// first time it is asked for, then returned as it is.
    pub fn shared<T: Any + Send + Sync>(&self, make: impl FnOnce() -> T) -> Arc<T> {
        let id = TypeId::of::<T>();
        let found = |slots: &[(TypeId, Arc<dyn Any + Send + Sync>)]| {
            slots.iter().find(|(t, _)| *t == id).and_then(|(_, v)| Arc::clone(v).downcast::<T>().ok())
        };
        if let Some(v) = found(&self.shared.0.lock().unwrap_or_else(|e| e.into_inner())) {
            return v;
        }
        // Made outside the lock, so `make` may itself ask for other shared values.
        let value = Arc::new(make());
        let mut slots = self.shared.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(v) = found(&slots) {
            return v;
        }
        slots.push((id, Arc::clone(&value) as Arc<dyn Any + Send + Sync>));
        value
    }

    /// The segments' texts end to end, a newline after each, made once per document for every
    /// kind that searches the whole document in one go.
    pub fn joined_segments(&self) -> Arc<crate::text::joined::JoinedTexts> {
        self.shared(|| crate::text::joined::JoinedTexts::new(self.segments.iter().map(|s| s.text.as_str())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholder_bytes_are_its_utf8() {
        assert_eq!(PLACEHOLDER.to_string().as_bytes(), PLACEHOLDER_UTF8);
    }

    #[test]
    fn source_range_maps_verbatim_and_whole_runs() {
        let mut b = SegmentBuilder::new(SegmentKind::Paragraph);
        b.push_verbatim("a ", 10);
        b.push_mapped("&", 12..17); // &amp;
        b.push_verbatim(" b", 17);
        let seg = b.finish().unwrap();
        assert_eq!(seg.text, "a & b");
        assert_eq!(seg.source_range(0..1), 10..11);
        assert_eq!(seg.source_range(2..3), 12..17);
        assert_eq!(seg.source_range(2..5), 12..19);
        assert_eq!(seg.source_range(4..5), 18..19);
        assert!(seg.is_verbatim(0..2));
        assert!(!seg.is_verbatim(0..3));
    }

    #[test]
    fn urls_become_placeholders() {
        let mut b = SegmentBuilder::new(SegmentKind::Paragraph);
        let text = "see https://example.com/a the";
        b.push_verbatim(text, 0);
        let seg = b.finish().unwrap();
        assert_eq!(seg.text, format!("see {PLACEHOLDER} the"));
        let p = seg.text.find(PLACEHOLDER).unwrap();
        assert_eq!(seg.source_range(p..p + PLACEHOLDER.len_utf8()), 4..25);
    }

    #[test]
    fn url_prefilter_never_skips_a_url() {
        let texts = [
            "see https://example.com/a the",
            "HTTP://X.ORG",
            "httpſ://x.org",
            "www.example.com",
            "WwW.example.com",
            "去www.新华网.cn看",
            "ftp://files",
            "no link here. Really.",
            "ww.x",
            "中文，没有链接。",
            "://",
            "",
        ];
        for t in texts {
            assert!(may_contain_url(t) || !URL.is_match(t), "{t:?}");
        }
        assert!(!may_contain_url("中文，没有链接。3.5 亿"));
        assert!(may_contain_url("Www.x"));
    }

    #[test]
    fn prose_bounds_fast_path_agrees_with_trimming() {
        let texts = [
            "文字",
            "文字。",
            "  文字\n",
            "a",
            " ",
            "",
            "\u{3000}文字",
            "文字\u{3000}",
            "\u{FFFC}",
            "\u{FFFC}a",
            "a\u{FFFC}",
            "\u{0B}a",
            "a\u{0B}",
            "\u{85}a",
            "\u{A0}a",
            "\u{1680}a",
            "\u{2003}a",
            "\u{205F}a",
            "《书》",
            "（一）",
            "\u{1C}a\u{1F}",
            "Done.",
            "a\t",
            "é",
            "中\u{2028}",
        ];
        for t in texts {
            assert_eq!(prose_bounds(t), trimmed_prose_bounds(t), "{t:?}");
        }
        for c in (0..=0x3000u32).filter_map(char::from_u32) {
            let t = format!("{c}x{c}");
            assert_eq!(prose_bounds(&t), trimmed_prose_bounds(&t), "{t:?}");
        }
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            for t in [format!("xyz{c}"), format!("{c}xyz"), format!("中{c}"), format!("{c}")] {
                assert_eq!(prose_bounds(&t), trimmed_prose_bounds(&t), "{t:?}");
            }
        }
    }

    #[test]
    fn url_marks_cover_every_url_in_a_piece() {
        let body = "见 https://a.org 和 WWW.b.cn。x:/y 3.5 ww.z 又见 ftp://c";
        let marks = UrlMarks::new(body, 100);
        for a in (0..=body.len()).filter(|&i| body.is_char_boundary(i)) {
            for b in (a..=body.len()).filter(|&i| body.is_char_boundary(i)) {
                let piece = &body[a..b];
                if may_contain_url(piece) || URL.is_match(piece) {
                    assert!(marks.may_contain(100 + a..100 + b), "{piece:?}");
                }
            }
        }
        assert!(!marks.may_contain(100..100 + "见 ".len()));
    }

    /// The marks as first defined: every `:` and `.` at which [`url_mark_at`] holds.
    fn marks_by_every_colon_and_dot(text: &str) -> Vec<usize> {
        let bytes = text.as_bytes();
        memchr::memchr2_iter(b':', b'.', bytes).filter(|&i| url_mark_at(bytes, i)).collect()
    }

    #[test]
    fn url_marks_found_from_colons_and_ws_are_every_mark() {
        let texts = ["wWw.x WWWW.y ww.z www www. :// a:b http://w.ww.www.", "w", "ww.", "www.", "wwww..www.:", ""];
        for t in texts {
            assert_eq!(UrlMarks::new(t, 0).marks, marks_by_every_colon_and_dot(t), "{t:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn url_marks_agree_with_the_scan_of_every_colon_and_dot(text in "[wW.:/a一]{0,60}", base in 0usize..1000) {
            let expected: Vec<usize> = marks_by_every_colon_and_dot(&text).into_iter().map(|i| base + i).collect();
            proptest::prop_assert_eq!(UrlMarks::new(&text, base).marks, expected);
        }
    }

    #[test]
    fn a_reused_builder_gives_the_same_segments() {
        let pieces: [(&str, usize); 3] = [("  第一段 ", 0), ("see www.x.org now", 20), ("\n", 50)];
        let mut reused = SegmentBuilder::new(SegmentKind::Heading);
        for (kind, (text, at)) in
            [SegmentKind::Paragraph, SegmentKind::ListItem, SegmentKind::Paragraph].into_iter().zip(pieces)
        {
            let mut fresh = SegmentBuilder::new(kind.clone());
            fresh.push_verbatim(text, at);
            reused.restart(kind);
            reused.push_verbatim(text, at);
            assert_eq!(reused.take(), fresh.finish());
        }
    }

    #[test]
    fn trimming_keeps_the_map() {
        let mut b = SegmentBuilder::new(SegmentKind::Paragraph);
        b.push_verbatim("\n  你好 \n", 5);
        let seg = b.finish().unwrap();
        assert_eq!(seg.text, "你好");
        assert_eq!(seg.range(), 8..14);
    }

    #[test]
    fn sniffing_front_matter_and_html_blocks() {
        assert_eq!(Format::sniff("\n---\ntitle: x\n---\nbody"), Format::Markdown);
        assert_eq!(Format::sniff("<div>\n<p>\n文字\n</p>"), Format::Markdown);
        assert_eq!(Format::sniff("<!DOCTYPE html><p>x</p>"), Format::Html);
        assert_eq!(Format::sniff("只是文字。\n\n第二段。"), Format::Plain);
    }
}
