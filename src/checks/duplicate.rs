//! `duplicate`: paragraphs repeated exactly or nearly, within a document and across the
//! documents of one run, in time linear in the text (MinHash + LSH, then exact verification).

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::{Arc, Mutex, OnceLock};

use rayon::prelude::*;
use regex::{Regex, RegexBuilder, RegexSetBuilder};
use serde::Deserialize;
use toml::Spanned;

use super::{Check, DiagnosticExt, Gathered, KindInfo, Output, RuleMeta, SpecError, SpecInput, build_with};
use crate::diagnostic::{Diagnostic, FileId};
use crate::document::{Document, SegmentKind};
use crate::text::shingles::{self, Fingerprint, Scratch, Script, ShingleParams, Sketch};

pub static KIND: KindInfo = KindInfo {
    name: "duplicate",
    summary: "paragraphs repeated exactly or nearly, within a document and across the documents of one run",
    docs: include_str!("../../docs/checks/duplicate.md"),
    build,
};

/// Buckets larger than this are chained rather than paired all with all.
const BUCKET_CAP: usize = 32;
/// Smallest shingle hashes of a paragraph looked up when searching for containment.
const CONTAINMENT_PROBES: usize = 4;
/// Shingle sets of the cross-document step made together in one list.
const SET_CHUNK: usize = 128;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Spec {
    /// What the rule reports: `exact`, `near`, `all` (exact and near) or `contained`.
    #[serde(default)]
    report: Report,
    /// `document` (pairs inside one document) or `run` (pairs across documents of one run).
    #[serde(default)]
    scope: Scope,
    /// Lowest Jaccard similarity of the shingle sets that counts as a near duplicate.
    #[serde(default = "default_threshold")]
    threshold: Spanned<f64>,
    /// Lowest share of the shorter paragraph's shingles found in the longer one (`contained`).
    #[serde(default = "default_containment")]
    containment: Spanned<f64>,
    /// Shingle length in characters for CJK paragraphs.
    #[serde(default = "default_ngram_cjk")]
    ngram_cjk: Spanned<usize>,
    /// Shingle length in words for other paragraphs.
    #[serde(default = "default_ngram_words")]
    ngram_words: Spanned<usize>,
    /// CJK paragraphs with fewer characters (after normalisation) are ignored.
    #[serde(default = "default_min_cjk")]
    min_cjk_chars: usize,
    /// Other paragraphs with fewer words are ignored.
    #[serde(default = "default_min_words")]
    min_words: usize,
    /// (run scope) a paragraph found in at least this many documents is template text.
    #[serde(default = "default_boilerplate")]
    boilerplate_documents: Spanned<usize>,
    /// Regexes: a paragraph matching any of them is never a duplicate.
    #[serde(default)]
    allow: Vec<Spanned<String>>,
    /// Near duplicates that differ only in their figures (a daily statistic, a session
    /// number) are recurring formulas, not copies: don't report them.
    #[serde(default)]
    ignore_figure_changes: bool,
    /// (run scope) when at least this many paragraphs of one document repeat the same other
    /// document, they are one finding (on the first, with a label on each of the others);
    /// 0 reports every paragraph on its own.
    #[serde(default = "default_group_from")]
    group_from: usize,
}

fn default_threshold() -> Spanned<f64> {
    Spanned::new(0..0, 0.8)
}
fn default_containment() -> Spanned<f64> {
    Spanned::new(0..0, 0.9)
}
fn default_ngram_cjk() -> Spanned<usize> {
    Spanned::new(0..0, 3)
}
fn default_ngram_words() -> Spanned<usize> {
    Spanned::new(0..0, 2)
}
fn default_min_cjk() -> usize {
    20
}
fn default_min_words() -> usize {
    8
}
fn default_group_from() -> usize {
    3
}
fn default_boilerplate() -> Spanned<usize> {
    Spanned::new(0..0, 5)
}

#[derive(Debug, Default, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum Report {
    Exact,
    #[default]
    Near,
    All,
    Contained,
}

#[derive(Debug, Default, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum Scope {
    #[default]
    Document,
    Run,
}

/// How paragraphs are shingled, and which are long enough to compare.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct SketchSettings {
    params: ShingleParams,
    min_cjk: usize,
    min_words: usize,
}

struct DuplicateCheck {
    report: Report,
    scope: Scope,
    threshold: f64,
    containment: f64,
    settings: SketchSettings,
    boilerplate: usize,
    group_from: usize,
    allow: Arc<AllowList>,
    ignore_figure_changes: bool,
}

/// Allow-list patterns known to compile (those of the built-in rules; a test compiles them),
/// each with a literal that every match of it contains (ASCII case aside): a list made only of
/// them is not compiled at start-up, only when first consulted, and a text without any of
/// their literals matches none of them.
const VERIFIED_ALLOW_PATTERNS: [(&str, &str); 3] = [
    ("未经授权.{0,6}不得转载", "未经授权"),
    ("版权所有", "版权所有"),
    // Under `(?i)`, `s` also matches `ſ` and `k` the Kelvin sign, but `g`, `h` and `t` match
    // only themselves in either case.
    ("(?i)all rights reserved", "ght"),
];

/// The literal every match of a verified pattern contains.
fn required_literal(pattern: &str) -> Option<&'static str> {
    VERIFIED_ALLOW_PATTERNS.iter().find(|(p, _)| *p == pattern).map(|&(_, literal)| literal)
}

/// An allow-list, compiled on first use (most runs never consult it: it is only asked about
/// paragraphs that repeat).
struct AllowList {
    patterns: Vec<String>,
    regexes: OnceLock<Vec<Regex>>,
    /// A literal for each pattern that every match contains, when all are known.
    required: Option<Vec<&'static str>>,
}

impl AllowList {
    /// One regex per pattern: each gets its own literal pre-filter (a fast substring search),
    /// which a set of them does not.
    fn regexes(&self) -> &[Regex] {
        self.regexes.get_or_init(|| {
            // Every pattern was validated when the list was made (or is a verified one).
            self.patterns.iter().filter_map(|p| RegexBuilder::new(p).size_limit(1 << 24).build().ok()).collect()
        })
    }

    fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// Whether `text` matches any pattern of the list.
    fn matches(&self, text: &str) -> bool {
        !self.is_empty() && self.regexes().iter().any(|r| r.is_match(text))
    }

    /// Whether any of `texts` may hold a match of a pattern: false means none of them, nor any
    /// piece of one, matches (a pre-filter on the literals every match contains).
    fn may_match_in<'t>(&self, mut texts: impl Iterator<Item = &'t str>) -> bool {
        if self.is_empty() {
            return false;
        }
        match &self.required {
            Some(literals) => {
                texts.any(|t| literals.iter().any(|l| contains_ignoring_ascii_case(t.as_bytes(), l.as_bytes())))
            }
            None => true,
        }
    }
}

/// Whether `hay` contains `needle`, ASCII letters in either case.
fn contains_ignoring_ascii_case(hay: &[u8], needle: &[u8]) -> bool {
    let Some(&first) = needle.first() else { return true };
    if !needle.iter().any(u8::is_ascii_alphabetic) {
        return memchr::memmem::find(hay, needle).is_some();
    }
    memchr::memchr2_iter(first.to_ascii_lowercase(), first.to_ascii_uppercase(), hay)
        .any(|i| hay.get(i..i + needle.len()).is_some_and(|w| w.eq_ignore_ascii_case(needle)))
}

/// Allow-lists made so far (the built-in rules share one).
static ALLOW_LISTS: Mutex<Vec<Arc<AllowList>>> = Mutex::new(Vec::new());

/// The allow-list of `patterns`: an error names the first invalid pattern. Lists of verified
/// patterns only are compiled when first used; others are checked (compiled) now.
fn allow_list(patterns: &[Spanned<String>]) -> Result<Arc<AllowList>, SpecError> {
    let mut lists = ALLOW_LISTS.lock().unwrap_or_else(|e| e.into_inner());
    let same =
        |l: &&Arc<AllowList>| l.patterns.iter().map(String::as_str).eq(patterns.iter().map(|p| p.get_ref().as_str()));
    if let Some(list) = lists.iter().find(same) {
        return Ok(Arc::clone(list));
    }
    let list = AllowList {
        patterns: patterns.iter().map(|p| p.get_ref().clone()).collect(),
        regexes: OnceLock::new(),
        required: patterns.iter().map(|p| required_literal(p.get_ref())).collect(),
    };
    if list.required.is_none() {
        // Checked as one set, whose size limit covers the whole list; only when the set
        // fails is each pattern compiled on its own, to point at the bad one.
        let set = RegexSetBuilder::new(patterns.iter().map(|p| p.get_ref().as_str())).size_limit(1 << 24).build();
        if let Err(e) = set {
            for p in patterns {
                regex::Regex::new(p.get_ref()).map_err(|e| {
                    let last = e.to_string().lines().last().unwrap_or("").to_string();
                    SpecError::at(p.span(), format!("invalid regex: {last}"))
                })?;
            }
            return Err(SpecError { message: format!("invalid allow-list: {e}"), span: None });
        }
        let mut each = Vec::with_capacity(patterns.len());
        for p in patterns {
            let r = RegexBuilder::new(p.get_ref()).size_limit(1 << 24).build();
            each.push(r.map_err(|e| SpecError::at(p.span(), format!("invalid regex: {e}")))?);
        }
        let _ = list.regexes.set(each);
    }
    let list = Arc::new(list);
    lists.push(Arc::clone(&list));
    Ok(list)
}

fn build(meta: &RuleMeta, input: SpecInput<'_>) -> Result<Box<dyn Check>, SpecError> {
    build_with(meta, input, |_, spec: Spec| {
        for (v, name) in [(&spec.threshold, "threshold"), (&spec.containment, "containment")] {
            if !(v.get_ref() > &0.0 && v.get_ref() <= &1.0) {
                return Err(SpecError::at(v.span(), format!("`{name}` must be above 0 and at most 1")));
            }
        }
        for (v, name) in [(&spec.ngram_cjk, "ngram_cjk"), (&spec.ngram_words, "ngram_words")] {
            if !(1..=shingles::MAX_NGRAM).contains(v.get_ref()) {
                return Err(SpecError::at(v.span(), format!("`{name}` must be between 1 and {}", shingles::MAX_NGRAM)));
            }
        }
        if *spec.boilerplate_documents.get_ref() < 2 {
            return Err(SpecError::at(spec.boilerplate_documents.span(), "`boilerplate_documents` must be at least 2"));
        }
        if spec.scope == Scope::Run && spec.report == Report::Contained {
            return Err(SpecError {
                message: "containment is checked within a document only (`scope = \"document\"`)".into(),
                span: None,
            });
        }
        let allow = allow_list(&spec.allow)?;
        Ok(DuplicateCheck {
            report: spec.report,
            scope: spec.scope,
            threshold: *spec.threshold.get_ref(),
            containment: *spec.containment.get_ref(),
            settings: SketchSettings {
                params: ShingleParams {
                    ngram_cjk: *spec.ngram_cjk.get_ref(),
                    ngram_words: *spec.ngram_words.get_ref(),
                },
                min_cjk: spec.min_cjk_chars,
                min_words: spec.min_words,
            },
            boilerplate: *spec.boilerplate_documents.get_ref(),
            group_from: spec.group_from,
            allow,
            ignore_figure_changes: spec.ignore_figure_changes,
        })
    })
}

/// One paragraph long enough to be compared.
struct Para {
    /// Index of its segment in the document.
    seg: u32,
    range: Range<usize>,
    line: u32,
    fp: Fingerprint,
}

/// Shortest paragraphs (CJK tokens, words) a list of sketches holds: shorter ones are never
/// compared by any rule that uses the list, so they are not fingerprinted at all.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Floor {
    cjk: usize,
    words: usize,
}

impl Floor {
    fn of(settings: &SketchSettings) -> Floor {
        Floor { cjk: settings.min_cjk.max(1), words: settings.min_words.max(1) }
    }

    /// Whether a list made with this floor holds every paragraph a rule with `other` needs.
    fn serves(self, other: Floor) -> bool {
        self.cjk <= other.cjk && self.words <= other.words
    }

    fn min(self, other: Floor) -> Floor {
        Floor { cjk: self.cjk.min(other.cjk), words: self.words.min(other.words) }
    }
}

/// The shingle set values of every paragraph of a list, unsorted and with repeats (what the
/// containment rule indexes): paragraph `k`'s are `all[ends[k - 1]..ends[k]]`.
#[derive(Default)]
struct ShingleValues {
    all: Vec<u32>,
    ends: Vec<usize>,
}

impl ShingleValues {
    fn of(&self, k: usize) -> &[u32] {
        let start = if k == 0 { 0 } else { self.ends.get(k - 1).copied().unwrap_or(0) };
        let end = self.ends.get(k).copied().unwrap_or(start);
        self.all.get(start..end).unwrap_or(&[])
    }
}

/// A document's fingerprints, by the shingle lengths and the floor they were made with,
/// shared by the exact, near and cross-document rules so that a document is fingerprinted
/// once between them.
#[derive(Default)]
struct DocSketches(Mutex<Vec<SketchList>>);

/// Fingerprints made with these shingle lengths, down to this floor, and the shingle values
/// when a rule asked for them.
struct SketchList {
    params: ShingleParams,
    floor: Floor,
    paras: Arc<Vec<Para>>,
    values: Option<Arc<ShingleValues>>,
}

thread_local! {
    /// The lowest floor of the duplicate rules seen on this thread, so that a list serves
    /// every rule after the first document, whatever order the rules run in.
    static LOWEST_FLOOR: std::cell::Cell<Option<Floor>> = const { std::cell::Cell::new(None) };
    /// Whether a rule on this thread needs the shingle values: then every list keeps them.
    static WANT_VALUES: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// Buffers for fingerprinting, kept from one document to the next.
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
    /// The paragraphs of the document being fingerprinted.
    static PARAS: std::cell::RefCell<Vec<Para>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn long_enough(s: &Fingerprint, settings: &SketchSettings) -> bool {
    let min = match s.script {
        Script::Cjk => settings.min_cjk,
        Script::Words => settings.min_words,
    };
    s.tokens as usize >= min.max(1)
}

/// Whether a paragraph has at least one sentence end. Titles set as bold lines and the summary
/// lines that announce them ("（5）…；") have none, and repeat each other by design.
fn is_running_text(text: &str) -> bool {
    // Running text mostly ends with its sentence end, perhaps inside a closing quote: then
    // the answer is known without reading the paragraph. (A final '.' counts as a sentence
    // end in the full reading too.)
    let mut tail = text.chars().rev();
    match tail.next() {
        Some('。' | '！' | '？' | '!' | '?' | '｡' | '.') => return true,
        Some(close @ ('"' | '\'' | '”' | '’' | ')' | '」' | '』')) => match tail.next() {
            Some('。' | '！' | '？' | '!' | '?' | '｡') => return true,
            // A period ends a sentence before these quotes, not before corner brackets.
            Some('.') if !matches!(close, '」' | '』') => return true,
            _ => {}
        },
        _ => {}
    }
    has_sentence_end(text)
}

/// The full reading of [`is_running_text`].
fn has_sentence_end(text: &str) -> bool {
    let mut prev_period = false;
    for c in text.chars() {
        match c {
            '。' | '！' | '？' | '!' | '?' | '｡' => return true,
            '.' => prev_period = true,
            c if prev_period && (c.is_whitespace() || matches!(c, '"' | '\'' | '”' | '’' | ')')) => return true,
            _ => prev_period = false,
        }
    }
    prev_period
}

/// Fingerprints every paragraph of running text with at least `floor` tokens (the rules apply
/// their own minimum length), and with `with_values` keeps their shingle values.
fn sketch_document(
    doc: &Document,
    params: ShingleParams,
    floor: Floor,
    with_values: bool,
) -> (Vec<Para>, Option<ShingleValues>) {
    SCRATCH.with(|scratch| {
        PARAS.with(|paras| {
            let (mut scratch, mut paras) = (scratch.borrow_mut(), paras.borrow_mut());
            let values = sketch_document_with(doc, params, floor, with_values, &mut scratch, &mut paras);
            // Kept to the end of the run: copied out at their size, while the list that grows
            // stays for the next document (growing each document's own list touched about
            // twice the memory).
            let mut kept = Vec::with_capacity(paras.len());
            kept.extend(paras.drain(..));
            (kept, values)
        })
    })
}

fn sketch_document_with(
    doc: &Document,
    params: ShingleParams,
    floor: Floor,
    with_values: bool,
    scratch: &mut Scratch,
    paras: &mut Vec<Para>,
) -> Option<ShingleValues> {
    paras.clear();
    let mut values = with_values.then(ShingleValues::default);
    let (mut pos, mut line) = (0usize, 1u32);
    let bytes = doc.source.as_bytes();
    for (i, seg) in doc.segments.iter().enumerate() {
        // Headings repeat the summary lines that announce them, table cells repeat by nature,
        // and a front-matter description repeats the lede: only running text is compared.
        if !matches!(seg.kind, SegmentKind::Paragraph | SegmentKind::ListItem) {
            continue;
        }
        if !is_running_text(&seg.text) {
            continue;
        }
        let fp = match &mut values {
            Some(v) => {
                let fp = shingles::fingerprint_with_values_if_long(
                    &seg.text,
                    params,
                    floor.cjk,
                    floor.words,
                    scratch,
                    &mut v.all,
                );
                if fp.is_some() {
                    v.ends.push(v.all.len());
                }
                fp
            }
            None => shingles::fingerprint_if_long(&seg.text, params, floor.cjk, floor.words, scratch),
        };
        let Some(fp) = fp else { continue };
        let range = seg.range();
        if range.start < pos {
            (pos, line) = (0, 1);
        }
        let upto = range.start.min(bytes.len());
        let skipped = bytes.get(pos.min(upto)..upto).unwrap_or(&[]);
        line += count_newlines(skipped);
        pos = upto;
        paras.push(Para { seg: i as u32, range, line, fp });
    }
    values
}

/// How many line feeds `bytes` holds. The spans between paragraphs are short (a few hundred
/// bytes): blocks of a fixed size, each counted in byte lanes (a fixed number of vector
/// compares), and the last partial block as the final whole block with the bytes already
/// counted masked off, so that the only jump is the loop's own (a search's set-up and exits,
/// or a vector loop's remainder, cost more there).
fn count_newlines(bytes: &[u8]) -> u32 {
    const BLOCK: usize = 64;
    let Some(last) = bytes.last_chunk::<BLOCK>() else {
        return bytes.iter().map(|&b| u32::from(b == b'\n')).sum();
    };
    let (blocks, rest) = bytes.as_chunks::<BLOCK>();
    // At most 64 in a block: no lane overflows.
    let in_block = |block: &[u8; BLOCK]| u32::from(block.iter().fold(0u8, |n, &b| n + u8::from(b == b'\n')));
    let whole: u32 = blocks.iter().map(in_block).sum();
    // The final block's bytes before this were counted with the whole blocks.
    let counted = BLOCK - rest.len();
    let tail = last.iter().enumerate().fold(0u8, |n, (i, &b)| n + (u8::from(b == b'\n') & u8::from(i >= counted)));
    whole + u32::from(tail)
}

/// The sketches of a document's comparable paragraphs with the default settings (for
/// benchmarks and tools that measure the candidate stage).
pub fn paragraph_sketches(doc: &Document) -> Vec<Sketch> {
    let settings = SketchSettings {
        params: ShingleParams {
            ngram_cjk: *default_ngram_cjk().get_ref(),
            ngram_words: *default_ngram_words().get_ref(),
        },
        min_cjk: default_min_cjk(),
        min_words: default_min_words(),
    };
    let mut scratch = Scratch::default();
    sketch_document(doc, settings.params, Floor::of(&settings), false)
        .0
        .into_iter()
        .filter(|p| long_enough(&p.fp, &settings))
        .filter_map(|p| shingles::sketch(&doc.segments.get(p.seg as usize)?.text, settings.params, &mut scratch))
        .collect()
}

/// Buckets larger than this in the LSH stage are chained (exposed for benchmarks).
pub const LSH_BUCKET_CAP: usize = BUCKET_CAP;

/// Exact shingle sets of a document's paragraphs, made on first use (only paragraphs that are
/// candidates of a pair ever need one).
struct LazySets<'a> {
    doc: &'a Document,
    paras: &'a [Para],
    values: Option<&'a ShingleValues>,
    params: ShingleParams,
    sets: Vec<Option<Box<[u32]>>>,
    scratch: Scratch,
    buf: Vec<u32>,
}

impl<'a> LazySets<'a> {
    fn new(
        doc: &'a Document,
        paras: &'a [Para],
        values: Option<&'a ShingleValues>,
        params: ShingleParams,
    ) -> LazySets<'a> {
        LazySets { doc, paras, values, params, sets: Vec::new(), scratch: Scratch::default(), buf: Vec::new() }
    }

    /// Makes paragraph `k`'s set if it is not made yet.
    fn make(&mut self, k: u32) {
        let k = k as usize;
        if self.sets.len() < self.paras.len() {
            self.sets.resize(self.paras.len(), None);
        }
        if self.sets.get(k).is_none_or(|s| s.is_some()) {
            return;
        }
        match self.values {
            Some(v) => {
                self.buf.clear();
                self.buf.extend_from_slice(v.of(k));
                self.buf.sort_unstable();
                self.buf.dedup();
            }
            None => {
                let text =
                    self.paras.get(k).and_then(|p| self.doc.segments.get(p.seg as usize)).map_or("", |s| &s.text);
                shingles::shingle_set(text, self.params, &mut self.scratch, &mut self.buf);
            }
        }
        self.sets[k] = Some(Box::from(self.buf.as_slice()));
    }

    /// Paragraph `k`'s set (empty until made).
    fn get(&self, k: u32) -> &[u32] {
        self.sets.get(k as usize).and_then(|s| s.as_deref()).unwrap_or(&[])
    }
}

impl DuplicateCheck {
    /// The document's fingerprints (and shingle values, with `with_values`), made once for the
    /// duplicate rules with the same shingle lengths.
    fn paras(&self, doc: &Document, with_values: bool) -> (Arc<Vec<Para>>, Option<Arc<ShingleValues>>) {
        let params = self.settings.params;
        let own = Floor::of(&self.settings);
        let floor = LOWEST_FLOOR.with(|f| {
            let lowest = f.get().map_or(own, |l| l.min(own));
            f.set(Some(lowest));
            lowest
        });
        let want_values = WANT_VALUES.with(|w| {
            w.set(w.get() || with_values);
            w.get()
        });
        let shared = doc.shared(DocSketches::default);
        let mut lists = shared.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(l) =
            lists.iter().find(|l| l.params == params && l.floor.serves(own) && (!with_values || l.values.is_some()))
        {
            return (Arc::clone(&l.paras), l.values.clone());
        }
        let (paras, values) = sketch_document(doc, params, floor, want_values);
        let (paras, values) = (Arc::new(paras), values.map(Arc::new));
        lists.push(SketchList { params, floor, paras: Arc::clone(&paras), values: values.clone() });
        (paras, values)
    }

    /// Whether a paragraph takes part (not on the allow-list).
    fn allowed(&self, doc: &Document, p: &Para) -> bool {
        match doc.segments.get(p.seg as usize) {
            Some(seg) => !self.allow.matches(&seg.text),
            None => true,
        }
    }

    fn check_document(&self, doc: &Document, out: &mut Output<'_>) {
        let containment = self.report == Report::Contained;
        let (paras, values) = self.paras(doc, containment);
        // The allow-list is consulted only for paragraphs about to be reported (it is rare
        // for a paragraph to be repeated at all).
        let ids: Vec<u32> =
            (0..paras.len() as u32).filter(|&i| long_enough(&paras[i as usize].fp, &self.settings)).collect();
        out.count("paragraphs compared", ids.len() as u64);
        if ids.len() < 2 {
            return;
        }
        // Exact groups: each later member points at the group's first.
        let identical_to = shingles::first_with_same_key(&ids, paras.len(), |i| paras[i as usize].fp.exact);
        let mut sets = LazySets::new(doc, &paras, values.as_deref(), self.settings.params);
        // Best earlier match per later paragraph: (earlier, similarity).
        let mut best: Vec<Option<(u32, f64)>> = vec![None; paras.len()];
        match self.report {
            Report::Exact | Report::All | Report::Near => {
                if self.report != Report::Near {
                    for (j, e) in identical_to.iter().enumerate() {
                        if let Some(i) = e {
                            best[j] = Some((*i, 1.0));
                        }
                    }
                }
                if self.report != Report::Exact {
                    let candidates = shingles::lsh_candidates_by_bands(
                        ids.iter()
                            .filter(|&&i| identical_to[i as usize].is_none())
                            .map(|&i| (i, &paras[i as usize].fp.bands)),
                        BUCKET_CAP,
                        |_, _| true,
                    );
                    out.count("candidate pairs", candidates.len() as u64);
                    for (i, j) in candidates {
                        let (a, b) = (&paras[i as usize].fp, &paras[j as usize].fp);
                        let text =
                            |k: u32| doc.segments.get(paras[k as usize].seg as usize).map_or("", |s| s.text.as_str());
                        if a.exact == b.exact || self.figures_only(a, b, text(i), text(j)) {
                            continue;
                        }
                        sets.make(i);
                        sets.make(j);
                        let sim = shingles::jaccard_at_least(sets.get(i), sets.get(j), self.threshold);
                        if sim >= self.threshold && best[j as usize].is_none_or(|(_, s)| sim > s) {
                            best[j as usize] = Some((i, sim));
                        }
                    }
                }
                for (j, b) in best.iter().enumerate() {
                    let Some((i, sim)) = *b else { continue };
                    let (later, earlier) = (&paras[j], &paras[i as usize]);
                    if !self.allowed(doc, later) || !self.allowed(doc, earlier) {
                        continue;
                    }
                    let identical = later.fp.exact == earlier.fp.exact;
                    let other = format!("line {}", earlier.line);
                    emit(out, doc.file, later, doc.file, earlier, &other, similarity_text(sim, identical), "", "");
                }
            }
            Report::Contained => {
                let values = values.as_deref().unwrap_or(&EMPTY_VALUES);
                self.check_containment(doc, &paras, values, &mut sets, &ids, &identical_to, out)
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn check_containment(
        &self,
        doc: &Document,
        paras: &[Para],
        values: &ShingleValues,
        sets: &mut LazySets<'_>,
        ids: &[u32],
        identical_to: &[Option<u32>],
        out: &mut Output<'_>,
    ) {
        // Each paragraph's probes are the smallest values of its shingle set; a paragraph
        // that contains another holds (nearly) all of the other's probes.
        let mut probes_of: Vec<[u32; CONTAINMENT_PROBES]> = vec![[0; CONTAINMENT_PROBES]; paras.len()];
        let mut probe_count: Vec<u8> = vec![0; paras.len()];
        let mut probes: Vec<u32> = Vec::new();
        for &a in ids {
            if identical_to[a as usize].is_none() {
                let (p, n) = smallest_distinct(values.of(a as usize));
                probes_of[a as usize] = p;
                probe_count[a as usize] = n as u8;
                probes.extend_from_slice(&p[..n]);
            }
        }
        probes.sort_unstable();
        probes.dedup();
        // Only the probes are ever looked up, so only their postings are collected. Probes
        // are small values: anything above the largest is rejected by one comparison, and a
        // bit filter over a mix of the bits rejects almost every other shingle before a
        // binary search among the probes.
        let largest = probes.last().copied().unwrap_or(0);
        let filter_bit = |s: u32| (s.wrapping_mul(0x9E37_79B1) >> 16) as usize;
        let mut filter = vec![0u64; (1 << 16) / 64];
        for &s in &probes {
            filter[filter_bit(s) >> 6] |= 1 << (filter_bit(s) & 63);
        }
        let mut postings: Vec<(u32, u32)> = Vec::new();
        for &i in ids {
            for &s in values.of(i as usize) {
                if s <= largest
                    && filter[filter_bit(s) >> 6] & (1 << (filter_bit(s) & 63)) != 0
                    && probes.binary_search(&s).is_ok()
                {
                    postings.push((s, i));
                }
            }
        }
        // The values repeat where a shingle does: a set holds each once.
        postings.sort_unstable();
        postings.dedup();
        // Where each probe's postings start (and the last end).
        let mut posting_starts: Vec<usize> = Vec::with_capacity(probes.len() + 1);
        let mut at = 0;
        for &s in &probes {
            while at < postings.len() && postings[at].0 < s {
                at += 1;
            }
            posting_starts.push(at);
        }
        posting_starts.push(postings.len());
        let all_probes = probes;
        let mut reported: Vec<(u32, u32)> = Vec::new();
        let mut found: Vec<u32> = Vec::new();
        for &a in ids {
            if identical_to[a as usize].is_some() {
                continue;
            }
            found.clear();
            let probes = &probes_of[a as usize][..probe_count[a as usize] as usize];
            for s in probes {
                let Ok(k) = all_probes.binary_search(s) else { continue };
                let hits = postings.get(posting_starts[k]..posting_starts[k + 1]).unwrap_or(&[]);
                found.extend(hits.iter().map(|p| p.1).filter(|&b| b != a));
            }
            found.sort_unstable();
            let need = probes.len().saturating_sub(1).max(1);
            for g in found.chunk_by(|x, y| x == y) {
                let b = g[0];
                if g.len() < need {
                    continue;
                }
                sets.make(a);
                sets.make(b);
                let (small, large) = (sets.get(a), sets.get(b));
                if large.len() <= small.len() {
                    continue;
                }
                let c = shingles::containment(small, large);
                if c < self.containment || shingles::jaccard(small, large) >= self.threshold {
                    continue;
                }
                let (later, earlier) = (&paras[a.max(b) as usize], &paras[a.min(b) as usize]);
                if !self.allowed(doc, later) || !self.allowed(doc, earlier) {
                    continue;
                }
                reported.push((a.max(b), a.min(b)));
                let relation = if a > b { "is contained in" } else { "contains" };
                let other = format!("line {}", earlier.line);
                emit(out, doc.file, later, doc.file, earlier, &other, format!("{}%", percent(c)), relation, "");
            }
        }
        out.count("contained pairs", reported.len() as u64);
    }
}

static EMPTY_VALUES: ShingleValues = ShingleValues { all: Vec::new(), ends: Vec::new() };

/// The `CONTAINMENT_PROBES` smallest distinct values (ascending) and how many there are: the
/// first values of the sorted, deduplicated set, without sorting it.
fn smallest_distinct(values: &[u32]) -> ([u32; CONTAINMENT_PROBES], usize) {
    const LAST: usize = CONTAINMENT_PROBES - 1;
    let mut low = [u32::MAX; CONTAINMENT_PROBES];
    let mut n = 0;
    for &v in values {
        if n == CONTAINMENT_PROBES && v >= low[LAST] {
            continue;
        }
        if low[..n].contains(&v) {
            continue;
        }
        // Insertion, dropping the largest when full.
        let mut j = n.min(LAST);
        while j > 0 && low[j - 1] > v {
            low[j] = low[j - 1];
            j -= 1;
        }
        low[j] = v;
        n = (n + 1).min(CONTAINMENT_PROBES);
    }
    (low, n)
}

fn percent(sim: f64) -> u32 {
    // Floor, so a similarity just under a threshold never prints as the threshold.
    (sim * 100.0 + 1e-9).floor() as u32
}

fn similarity_text(sim: f64, identical: bool) -> String {
    if identical { "identical".to_string() } else { format!("{}% similar", percent(sim)) }
}

#[allow(clippy::too_many_arguments)]
fn emit<'a>(
    out: &'a mut Output<'_>,
    file: FileId,
    later: &Para,
    earlier_file: FileId,
    earlier: &Para,
    other: &str,
    similarity: String,
    relation: &str,
    more: &str,
) -> &'a mut Diagnostic {
    let d = out.report(
        file,
        later.range.clone(),
        &[("similarity", &similarity), ("other", other), ("relation", relation), ("more", more)],
    );
    d.primary_label("repeated here");
    d.label(earlier_file, earlier.range.clone(), format!("earlier paragraph ({similarity})"))
}

/// A later paragraph (run index), its best earlier match (run index) and their similarity.
type CrossPair = (usize, u32, f64);

/// What the run-scope rule keeps of one document.
struct DocData {
    path: String,
    paras: Arc<Vec<Para>>,
    /// Indices of paragraphs taking part (not on the allow-list).
    ids: Vec<u32>,
    /// Where the text of each of those paragraphs is (shingle sets are made from them for
    /// candidate pairs only): `ids[k]`'s at `texts[k]`.
    texts: Vec<TextAt>,
    /// The texts of the paragraphs that are not slices of the source, one after the other.
    copies: String,
}

/// Where a gathered paragraph's text is: most are slices of the document's source (kept
/// until the end of the run), so only the others are copied.
#[derive(Clone, Copy)]
struct TextAt {
    /// The start, with [`TextAt::COPY`] set for a range of the copies.
    start: usize,
    end: usize,
}

impl TextAt {
    /// Marks a range of the copies (a source's length never reaches this bit: no allocation
    /// is larger than `isize::MAX` bytes).
    const COPY: usize = 1 << (usize::BITS - 1);

    fn source(range: Range<usize>) -> TextAt {
        TextAt { start: range.start & !Self::COPY, end: range.end }
    }

    fn copy(range: Range<usize>) -> TextAt {
        TextAt { start: range.start | Self::COPY, end: range.end }
    }
}

impl DocData {
    /// The text of `ids[slot]`, in a document whose source is `source`.
    fn text<'a>(&'a self, slot: u32, source: &'a str) -> &'a str {
        let Some(&at) = self.texts.get(slot as usize) else { return "" };
        let (from, range) = match at.start & TextAt::COPY {
            0 => (source, at.start..at.end),
            _ => (self.copies.as_str(), at.start & !TextAt::COPY..at.end),
        };
        from.get(range).unwrap_or("")
    }
}

/// A paragraph of the run: (document index in the gathered list, paragraph index, and its
/// place among the document's gathered ones).
#[derive(Clone, Copy)]
struct RunPara {
    doc: u32,
    para: u32,
    slot: u32,
}

fn find(parent: &mut [u32], mut x: u32) -> u32 {
    while parent[x as usize] != x {
        parent[x as usize] = parent[parent[x as usize] as usize];
        x = parent[x as usize];
    }
    x
}

impl DuplicateCheck {
    /// Whether two different paragraphs differ only in their figures, and that is ignored.
    /// (`a_text` and `b_text` are their texts: the hash without figures is made only here.)
    fn figures_only(&self, a: &Fingerprint, b: &Fingerprint, a_text: &str, b_text: &str) -> bool {
        self.ignore_figure_changes
            && a.exact != b.exact
            && SCRATCH.with(|scratch| {
                let mut scratch = scratch.borrow_mut();
                shingles::figures_masked(a_text, &mut scratch) == shingles::figures_masked(b_text, &mut scratch)
            })
    }

    fn finish_run(&self, gathered: Vec<(FileId, Gathered)>, sources: &[&str], out: &mut Output<'_>) {
        let mut docs: Vec<(FileId, Box<DocData>)> =
            gathered.into_iter().filter_map(|(f, g)| g.downcast::<DocData>().ok().map(|d| (f, d))).collect();
        // "Earlier" is path order, so the findings do not depend on the order of the arguments.
        docs.sort_by(|a, b| (&a.1.path, a.0).cmp(&(&b.1.path, b.0)));
        let mut all: Vec<RunPara> = Vec::new();
        for (d, (_, data)) in docs.iter().enumerate() {
            all.extend(data.ids.iter().enumerate().map(|(s, &p)| RunPara { doc: d as u32, para: p, slot: s as u32 }));
        }
        out.count("paragraphs compared", all.len() as u64);
        let fp = |g: u32| -> &Fingerprint {
            let rp = all[g as usize];
            &docs[rp.doc as usize].1.paras[rp.para as usize].fp
        };
        let source_of = |d: u32| -> &str { sources.get(docs[d as usize].0).copied().unwrap_or("") };
        let text_of = |g: u32| -> &str {
            let rp = all[g as usize];
            docs[rp.doc as usize].1.text(rp.slot, source_of(rp.doc))
        };
        // Exact groups: one representative (the first) enters LSH for the whole group.
        // (The order of the edges found here and below changes nothing: the best match is
        // chosen by a total order, and a group's root is its smallest member.)
        // The keys read once, in parallel, into one list (not through the documents in the
        // single-threaded table walk), while the band keys of every paragraph are packed for
        // LSH on the other thread(s); the ones of non-representatives are left out below.
        let (first_of, band_keys) = rayon::join(
            || {
                let every: Vec<u32> = (0..all.len() as u32).collect();
                let exact: Vec<u64> =
                    all.par_iter().map(|rp| docs[rp.doc as usize].1.paras[rp.para as usize].fp.exact).collect();
                shingles::first_with_same_key(&every, all.len(), |g| exact[g as usize])
            },
            || shingles::pack_sketch_keys(all.len(), |g| (g as u32, fp(g as u32).bands)),
        );
        let mut parent: Vec<u32> = (0..all.len() as u32).collect();
        let mut edges: Vec<(u32, u32, f64)> = Vec::new();
        let mut representative = vec![true; all.len()];
        for (m, first) in first_of.iter().enumerate() {
            let Some(first) = *first else { continue };
            representative[m] = false;
            parent[m] = first;
            if all[m].doc != all[first as usize].doc {
                edges.push((first, m as u32, 1.0));
            }
        }
        drop(first_of);
        let candidates = shingles::lsh_candidates_of_packed(
            band_keys,
            |g| representative.get(g as usize).copied().unwrap_or(false),
            BUCKET_CAP,
            |a, b| all[a as usize].doc != all[b as usize].doc,
        );
        out.count("candidate pairs", candidates.len() as u64);
        // The shingle sets of the paragraphs in a candidate pair, made in parallel.
        let mut needed: Vec<u32> = candidates.iter().flat_map(|&(a, b)| [a, b]).collect();
        needed.par_sort_unstable();
        needed.dedup();
        let params = self.settings.params;
        // Made in chunks, each chunk's sets one after the other in one list (not one allocation
        // per paragraph): set `k` is at `chunks[k / SET_CHUNK]`, ending where its `ends` says.
        let chunks: Vec<(Vec<u32>, Vec<u32>)> = needed
            .par_chunks(SET_CHUNK)
            .map_init(Scratch::default, |scratch, gs| {
                let (mut values, mut ends) = (Vec::new(), Vec::with_capacity(gs.len()));
                for &g in gs {
                    shingles::append_shingle_set(text_of(g), params, scratch, &mut values);
                    ends.push(values.len() as u32);
                }
                (values, ends)
            })
            .collect();
        let mut set_index = vec![u32::MAX; all.len()];
        for (k, &g) in needed.iter().enumerate() {
            set_index[g as usize] = k as u32;
        }
        drop(needed);
        let set_of = |g: u32| -> &[u32] {
            let k = set_index[g as usize] as usize;
            let Some((values, ends)) = chunks.get(k / SET_CHUNK) else { return &[] };
            let i = k % SET_CHUNK;
            let start = if i == 0 { 0 } else { ends.get(i - 1).copied().unwrap_or(0) as usize };
            let end = ends.get(i).copied().unwrap_or(0) as usize;
            values.get(start..end).unwrap_or(&[])
        };
        let threshold = self.threshold;
        let sims: Vec<f64> = candidates
            .par_iter()
            .map(|&(i, j)| {
                // Below the threshold, the exact similarity does not matter.
                shingles::jaccard_at_least(set_of(i), set_of(j), threshold)
            })
            .collect();
        for (&(i, j), &sim) in candidates.iter().zip(&sims) {
            if sim >= self.threshold {
                edges.push((i, j, sim));
                let (ri, rj) = (find(&mut parent, i), find(&mut parent, j));
                if ri != rj {
                    parent[ri.max(rj) as usize] = ri.min(rj);
                }
            }
        }
        drop(chunks);
        // Template text: a group of similar paragraphs spread over many documents.
        let root: Vec<u32> = (0..all.len() as u32).map(|g| find(&mut parent, g)).collect();
        drop(parent);
        // A paragraph alone in its group is in one document: only the others (and their roots)
        // can be template text.
        let mut cluster_docs: Vec<(u32, u32)> = root
            .iter()
            .enumerate()
            .filter(|&(g, &r)| r != g as u32)
            .flat_map(|(g, &r)| [(r, all[g].doc), (r, all[r as usize].doc)])
            .collect();
        cluster_docs.sort_unstable();
        cluster_docs.dedup();
        let mut boilerplate = vec![false; all.len()];
        for grp in cluster_docs.chunk_by(|a, b| a.0 == b.0) {
            if grp.len() >= self.boilerplate {
                boilerplate[grp[0].0 as usize] = true;
            }
        }
        drop(cluster_docs);
        let is_boilerplate: Vec<bool> = root.iter().map(|&r| boilerplate[r as usize]).collect();
        drop(root);
        out.count("boilerplate paragraphs", is_boilerplate.iter().filter(|&&b| b).count() as u64);
        // Best earlier match per later paragraph, in another document.
        // Which edges are left out is decided in parallel (the figure test hashes both texts).
        let left_out: Vec<bool> = edges
            .par_iter()
            .map(|&(a, b, _)| {
                let (earlier, later) = (a.min(b), a.max(b));
                is_boilerplate[later as usize]
                    || all[earlier as usize].doc == all[later as usize].doc
                    || self.figures_only(fp(earlier), fp(later), text_of(earlier), text_of(later))
            })
            .collect();
        let mut best: Vec<Option<(u32, f64)>> = vec![None; all.len()];
        for (&(a, b, sim), &left_out) in edges.iter().zip(&left_out) {
            if left_out {
                continue;
            }
            let (earlier, later) = (a.min(b), a.max(b));
            let better = match best[later as usize] {
                None => true,
                Some((e, s)) => sim > s || (sim == s && earlier < e),
            };
            if better {
                best[later as usize] = Some((earlier, sim));
            }
        }
        // A document that repeats many paragraphs of one other document (a copied article) is
        // one finding, not one per paragraph.
        let mut groups: BTreeMap<(u32, u32), Vec<CrossPair>> = BTreeMap::new();
        for (later, b) in best.iter().enumerate() {
            let Some((earlier, sim)) = *b else { continue };
            groups.entry((all[later].doc, all[earlier as usize].doc)).or_default().push((later, earlier, sim));
        }
        let mut findings: Vec<&[CrossPair]> = Vec::new();
        for pairs in groups.values() {
            if self.group_from > 0 && pairs.len() >= self.group_from {
                findings.push(&pairs[..]);
            } else {
                findings.extend(pairs.iter().map(std::slice::from_ref));
            }
        }
        findings.sort_by_key(|f| f[0].0);
        for pairs in findings {
            let (later, earlier, sim) = pairs[0];
            let (l, e) = (all[later], all[earlier as usize]);
            let (lfile, ldoc) = (&docs[l.doc as usize].0, &docs[l.doc as usize].1);
            let (efile, edoc) = (&docs[e.doc as usize].0, &docs[e.doc as usize].1);
            let (lp, ep) = (&ldoc.paras[l.para as usize], &edoc.paras[e.para as usize]);
            let identical = lp.fp.exact == ep.fp.exact;
            let other = format!("{}:{}", edoc.path, ep.line);
            let more = match pairs.len() {
                1 => String::new(),
                n => format!("; {} more paragraphs of this document repeat that one", n - 1),
            };
            let d = emit(out, *lfile, lp, *efile, ep, &other, similarity_text(sim, identical), "", &more);
            if pairs.len() > 1 {
                for &(later, earlier, sim) in &pairs[1..] {
                    let (l, e) = (all[later], all[earlier as usize]);
                    let lp = &docs[l.doc as usize].1.paras[l.para as usize];
                    let ep = &docs[e.doc as usize].1.paras[e.para as usize];
                    let similarity = similarity_text(sim, lp.fp.exact == ep.fp.exact);
                    d.label(*lfile, lp.range.clone(), format!("also repeated ({similarity} to line {})", ep.line));
                }
            }
        }
        // The gathered data of every document freed in parallel.
        drop(all);
        docs.into_par_iter().for_each(drop);
    }
}

impl Check for DuplicateCheck {
    fn check(&self, doc: &Document, out: &mut Output<'_>) {
        if self.scope == Scope::Document {
            self.check_document(doc, out);
        }
    }

    fn gather(&self, doc: &Document) -> Option<Gathered> {
        if self.scope != Scope::Run {
            return None;
        }
        let (paras, _) = self.paras(doc, false);
        let source = doc.source.as_str();
        let mut ids: Vec<u32> =
            (0..paras.len() as u32).filter(|&i| long_enough(&paras[i as usize].fp, &self.settings)).collect();
        let mut texts = Vec::with_capacity(ids.len());
        let mut copies = String::new();
        // The part of the source from the first to the last paragraph kept as a slice of it.
        let (mut first, mut last) = (usize::MAX, 0);
        for &i in &ids {
            let Some(seg) = doc.segments.get(paras[i as usize].seg as usize) else {
                texts.push(TextAt::copy(0..0));
                continue;
            };
            let range = seg.range();
            if source.get(range.clone()) == Some(seg.text.as_str()) {
                (first, last) = (first.min(range.start), last.max(range.end));
                texts.push(TextAt::source(range));
            } else {
                let start = copies.len();
                copies.push_str(&seg.text);
                texts.push(TextAt::copy(start..copies.len()));
            }
        }
        // The allow-list's literals searched once over the source and once over the copies:
        // when neither holds one, no paragraph matches.
        let spanned = source.get(first..last).unwrap_or("");
        if self.allow.may_match_in([spanned, copies.as_str()].into_iter()) {
            (ids, texts) = ids
                .iter()
                .zip(&texts)
                .filter(|&(&i, _)| self.allowed(doc, &paras[i as usize]))
                .map(|(&i, &at)| (i, at))
                .unzip();
        }
        Some(Box::new(DocData { path: doc.path.clone(), paras, ids, texts, copies }))
    }

    fn finish(&self, gathered: Vec<(FileId, Gathered)>, sources: &[&str], out: &mut Output<'_>) {
        if self.scope == Scope::Run {
            self.finish_run(gathered, sources, out);
        }
    }

    fn is_run_scope(&self) -> bool {
        self.scope == Scope::Run
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::{lint_run_with_rule, lint_with_rule};

    fn rule(extra: &str) -> String {
        format!(
            r#"
[[rule]]
id = "test/dup"
kind = "duplicate"
severity = "warning"
message = "{{similarity}} to the paragraph at {{other}}{{relation}}"
description = "d"
why = "w"
{extra}
"#
        )
    }

    const A: &str = "据报道，阿拉木图市副市长当地时间1月6日凌晨表示，阿拉木图已开始反恐特别行动，国际机场已被政府重新控制并恢复运转。";
    const A2: &str = "据报道，阿拉木图市副市长当地时间1月6日凌晨表示，阿拉木图已开始名为和平的反恐特别行动，国际机场已被政府重新控制并恢复运转。";
    const B: &str =
        "托卡耶夫说，骚乱团伙曾在国外受训，企图夺取城市的重要设施，当地军校学员正与他们交战，伤亡数字尚不清楚。";

    #[test]
    fn verified_allow_patterns_compile_and_cover_the_built_in_rules() {
        for (p, literal) in super::VERIFIED_ALLOW_PATTERNS {
            assert!(regex::RegexBuilder::new(p).size_limit(1 << 24).build().is_ok(), "{p}");
            assert!(p.to_ascii_lowercase().contains(literal), "{p}");
        }
        // The ASCII letters of the literals have no other case forms under Unicode `(?i)`.
        let only_ascii = regex::Regex::new("(?i)^[ght]$").unwrap();
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert!(!only_ascii.is_match(c.encode_utf8(&mut [0; 4])) || "ghtGHT".contains(c), "{c:?}");
        }
        let rules: toml::Value = toml::from_str(include_str!("../../rules/common-duplicate.toml")).unwrap();
        for rule in rules["rule"].as_array().unwrap() {
            for p in rule.get("allow").and_then(|a| a.as_array()).into_iter().flatten() {
                assert!(super::required_literal(p.as_str().unwrap()).is_some(), "{p}");
            }
        }
    }

    #[test]
    fn literal_search_ignores_ascii_case_only() {
        use super::contains_ignoring_ascii_case as has;
        assert!(has("All RiGHTs".as_bytes(), b"ght"));
        assert!(has("xgh".as_bytes(), b"gh") && !has("xgh".as_bytes(), b"ght"));
        assert!(has("本文版权所有".as_bytes(), "版权所有".as_bytes()));
        assert!(!has("本文版权".as_bytes(), "版权所有".as_bytes()));
        assert!(has(b"", b""));
    }

    #[test]
    fn allow_list_literals_searched_over_joined_texts_miss_no_part() {
        let patterns = ["未经授权.{0,6}不得转载", "版权所有", "(?i)all rights reserved", "^本文", "转载$", r"\bAP\b"];
        let parts = [
            "本文来自新华社",
            "版权所有",
            "All Rights Reserved.",
            "ALL RIGHTſ RESERVED",
            "未经授权，不得转载",
            "AP",
            "据AP报道",
            "请勿转载",
            "新闻",
        ];
        for p in patterns {
            let list = super::AllowList {
                patterns: vec![p.to_string()],
                regexes: std::sync::OnceLock::new(),
                required: super::required_literal(p).map(|l| vec![l]),
            };
            for a in parts {
                for b in parts {
                    for c in parts {
                        let joined = format!("{a}{b}{c}");
                        let any = [a, b, c].iter().any(|t| list.matches(t));
                        assert!(!any || list.may_match_in([joined.as_str()].into_iter()), "{p} {joined}");
                        assert!(!any || list.may_match_in([a, b, c].into_iter()), "{p} {joined}");
                    }
                }
            }
        }
        let empty =
            super::AllowList { patterns: Vec::new(), regexes: std::sync::OnceLock::new(), required: Some(Vec::new()) };
        assert!(!empty.may_match_in(["版权所有"].into_iter()));
    }

    #[test]
    fn invalid_allow_pattern_is_an_error_at_start_up() {
        let toml = rule("allow = ['版权所有', '(unclosed']");
        let e = crate::config::load_rule_file("test.toml", &toml, &mut crate::config::SeenIds::new()).err();
        assert!(e.is_some_and(|e| format!("{e:?}").contains("invalid regex")));
    }

    #[test]
    fn exact_repeat_in_a_document() {
        let src = format!("{A}\n\n{B}\n\n{A}\n");
        let d = lint_with_rule(&rule("report = \"exact\""), "a.md", &src);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].primary.start, src.rfind(A).unwrap());
        assert_eq!(d[0].message, "identical to the paragraph at line 1");
        assert_eq!(d[0].labels[0].span.start, 0);
    }

    #[test]
    fn near_repeat_in_a_document_and_not_an_exact_one() {
        let src = format!("{A}\n\n{B}\n\n{A2}\n\n{A}\n");
        let d = lint_with_rule(&rule(""), "a.md", &src);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("% similar to the paragraph at line 1"), "{}", d[0].message);
        assert_eq!(d[0].primary.start, src.find(A2).unwrap());
    }

    #[test]
    fn short_and_allowed_paragraphs_are_ignored() {
        let src = "记者报道。\n\n记者报道。\n";
        assert!(lint_with_rule(&rule("report = \"exact\""), "a.md", src).is_empty());
        let src = format!("{A}\n\n{A}\n");
        assert!(lint_with_rule(&rule("report = \"exact\"\nallow = ['阿拉木图']"), "a.md", &src).is_empty());
    }

    #[test]
    fn containment() {
        let long = format!("{A}{B}");
        let src = format!("{A}\n\n{long}\n");
        let d = lint_with_rule(&rule("report = \"contained\""), "a.md", &src);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.ends_with("line 1contains"), "{}", d[0].message);
    }

    #[test]
    fn across_documents_once_and_boilerplate_skipped() {
        let r = rule("report = \"all\"\nscope = \"run\"\nboilerplate_documents = 3");
        let report = lint_run_with_rule(&r, &[("a.md", A), ("b.md", &format!("{B}\n\n{A2}")), ("c.md", B)]);
        let d = &report.diagnostics;
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d[0].message.ends_with("% similar to the paragraph at a.md:1"), "{}", d[0].message);
        assert_eq!(report.files[d[0].primary.file].path, "b.md");
        assert_eq!(d[1].message, "identical to the paragraph at b.md:1");
        assert_eq!(report.files[d[1].labels[0].span.file].path, "b.md");
        // Three documents sharing a paragraph: template text.
        let report = lint_run_with_rule(&r, &[("a.md", A), ("b.md", A), ("c.md", A)]);
        assert!(report.diagnostics.is_empty());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        #[test]
        fn spans_are_on_char_boundaries(parts in proptest::collection::vec("[a-c 阿图。，.!\\n]{0,30}", 0..8)) {
            // Paragraphs drawn from a tiny alphabet repeat often; each is doubled to force pairs.
            let text: String = parts.iter().flat_map(|p| [p.as_str(), "\n\n", p.as_str(), "\n\n"]).collect();
            for report in ["exact", "near", "contained"] {
                let r = rule(&format!("report = \"{report}\"\nmin_cjk_chars = 1\nmin_words = 1"));
                for d in lint_with_rule(&r, "a.md", &text) {
                    proptest::prop_assert!(text.get(d.primary.range()).is_some());
                    for l in &d.labels {
                        proptest::prop_assert!(text.get(l.span.range()).is_some());
                    }
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn running_text_shortcut_agrees_with_the_full_reading(s in "[a-z .!?。！？｡\"'”’)」』\n]{0,20}") {
            proptest::prop_assert_eq!(super::is_running_text(&s), super::has_sentence_end(&s));
        }

        #[test]
        fn newlines_counted_in_lanes_are_all_of_them(
            bytes in proptest::collection::vec(proptest::prop_oneof![proptest::strategy::Just(b'\n'), proptest::strategy::Just(b'a'), proptest::num::u8::ANY], 0..9000),
            from in 0usize..64,
        ) {
            // Every start and length: shorter than a block, whole blocks, and a partial last one.
            let bytes = &bytes[from.min(bytes.len())..];
            let expected = bytes.iter().filter(|&&b| b == b'\n').count() as u32;
            proptest::prop_assert_eq!(super::count_newlines(bytes), expected);
            let all_newlines = vec![b'\n'; bytes.len()];
            proptest::prop_assert_eq!(super::count_newlines(&all_newlines), bytes.len() as u32);
        }

        #[test]
        fn smallest_distinct_is_the_head_of_the_sorted_set(small in proptest::collection::vec(0u32..50, 0..40)) {
            // Values near the top of the range too, where the empty places hold u32::MAX.
            let values: Vec<u32> = small.iter().map(|v| u32::MAX - 49 + v).collect();
            let (low, n) = super::smallest_distinct(&values);
            let mut set = values.clone();
            set.sort_unstable();
            set.dedup();
            set.truncate(super::CONTAINMENT_PROBES);
            proptest::prop_assert_eq!(&low[..n], &set[..]);
        }
    }

    #[test]
    fn bad_settings_are_rejected() {
        let bad = "[[rule]]\nid = \"t/d\"\nkind = \"duplicate\"\nseverity = \"info\"\nmessage = \"m\"\ndescription = \"d\"\nwhy = \"w\"\nthreshold = 1.5\n";
        let rules = crate::config::load_rule_file("t.toml", bad, &mut crate::config::SeenIds::new());
        assert!(rules.is_err());
    }
}
