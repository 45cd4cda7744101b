//! `variants`: one entity written in more than one form in a document, or across the documents
//! of one run. From a dictionary of variant groups, or automatically: transliterated Chinese
//! names differing in one character, English capitalised names differing in one letter.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::ops::Range;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use serde::Deserialize;

use super::timezone::ascii_features;
use super::{Check, DiagnosticExt, Gathered, KindInfo, Output, RuleMeta, SpecError, SpecInput, build_with};
use crate::diagnostic::FileId;
use crate::document::Document;
use crate::text::chars::{is_ascii_letter, is_han, next_byte_where};
use crate::text::clock::Features;

pub static KIND: KindInfo = KindInfo {
    name: "variants",
    summary: "one entity written in more than one form (曼吉斯套州 / 曼格斯套州, Tokayev / Tokaev)",
    docs: include_str!("../../docs/checks/variants.md"),
    build,
};

/// Keys of a `variants` rule.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Spec {
    /// `"dictionary"` (default): the `groups` below; `"transliteration"`: Chinese transliterated
    /// names differing in one character; `"capitalized"`: English capitalised names differing in
    /// one letter.
    #[serde(default)]
    mode: Mode,
    /// `"document"` (default) or `"run"`: compare forms across all documents of one run.
    #[serde(default)]
    scope: Scope,
    /// Dictionary mode: `[{ forms = ["a", "b"], preferred = "a" }]`.
    #[serde(default)]
    groups: Vec<Group>,
    /// Dictionary mode: match ASCII letters case-insensitively.
    #[serde(default)]
    ignore_case: bool,
    /// Automatic modes: the shortest name compared, in characters (default 4 for
    /// transliteration, 5 for capitalized).
    #[serde(default)]
    min_length: Option<usize>,
    /// Automatic modes: how often the winning form must occur for the other to be reported
    /// (default 1).
    #[serde(default)]
    min_majority: Option<usize>,
    /// Automatic modes: more names known to be distinct (never reported as variants of each
    /// other), added to the built-in table.
    #[serde(default)]
    known: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Group {
    forms: Vec<String>,
    #[serde(default)]
    preferred: Option<String>,
}

#[derive(Debug, Default, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
enum Mode {
    #[default]
    Dictionary,
    Transliteration,
    Capitalized,
}

#[derive(Debug, Default, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum Scope {
    #[default]
    Document,
    Run,
}

/// The built-in table of transliteration characters and known names.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ZhData {
    chars: String,
    weak: String,
    known: Vec<String>,
    sounds: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EnData {
    common: Vec<String>,
    known: Vec<String>,
}

static ZH_DATA: LazyLock<ZhData> = LazyLock::new(|| {
    toml::from_str(include_str!("../../rules/data/zh-transliteration.toml")).expect("valid built-in table")
});
/// The character sets of the built-in table, built on first use and shared by the rules.
struct ZhSets {
    chars: CharSet,
    weak: CharSet,
    /// One set per sound class (only needed once two near-identical names turn up).
    sounds: LazyLock<Vec<CharSet>>,
}

static ZH_SETS: LazyLock<ZhSets> = LazyLock::new(|| ZhSets {
    chars: CharSet::new(&ZH_DATA.chars),
    weak: CharSet::new(&ZH_DATA.weak),
    sounds: LazyLock::new(|| ZH_DATA.sounds.values().map(|v| CharSet::new(v)).collect()),
});

static ZH_KNOWN: LazyLock<FastSet<&'static str>> = LazyLock::new(|| ZH_DATA.known.iter().map(String::as_str).collect());
static EN_KNOWN: LazyLock<FastSet<&'static str>> = LazyLock::new(|| EN_DATA.known.iter().map(String::as_str).collect());
static EN_COMMON: LazyLock<FastSet<&'static str>> =
    LazyLock::new(|| EN_DATA.common.iter().map(String::as_str).collect());

static EN_DATA: LazyLock<EnData> =
    LazyLock::new(|| toml::from_str(include_str!("../../rules/data/en-names.toml")).expect("valid built-in table"));

/// A multiply-rotate hasher (the scheme of FxHash) for the short keys here (words, names):
/// much cheaper than the default one, and no key order reaches the output.
#[derive(Default, Clone, Copy)]
struct FastHasher(u64);

impl std::hash::Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let mut h = self.0;
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let word =
                u64::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3], chunk[4], chunk[5], chunk[6], chunk[7]]);
            h = (h.rotate_left(5) ^ word).wrapping_mul(K);
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            h = (h.rotate_left(5) ^ u64::from_le_bytes(word) ^ (rest.len() as u64) << 59).wrapping_mul(K);
        }
        self.0 = h;
    }

    fn write_u8(&mut self, b: u8) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x517c_c1b7_2722_0a95);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type FastHash = std::hash::BuildHasherDefault<FastHasher>;
type FastSet<T> = HashSet<T, FastHash>;

/// A set of BMP characters as a bitmap (transliteration characters are all in the BMP).
struct CharSet(Box<[u64; 1024]>);

impl CharSet {
    fn new(chars: &str) -> CharSet {
        let mut bits = Box::new([0u64; 1024]);
        for c in chars.chars().filter(|c| !c.is_whitespace()) {
            let i = c as usize;
            if i < 65536 {
                bits[i / 64] |= 1 << (i % 64);
            }
        }
        CharSet(bits)
    }

    /// Whether the three-byte character `b0 b1 b2` (`b0` a three-byte lead) is in the set, read
    /// straight from its bytes.
    #[inline(always)]
    fn contains3(&self, b0: u8, b1: u8, b2: u8) -> bool {
        let word = (usize::from(b0 & 0x0F) << 6) | usize::from(b1 & 0x3F);
        self.0[word] >> (b2 & 0x3F) & 1 != 0
    }

    fn contains(&self, c: char) -> bool {
        let i = c as usize;
        i < 65536 && self.0[i / 64] & (1 << (i % 64)) != 0
    }
}

enum Matcher {
    Dictionary {
        ac: AhoCorasick,
        /// Pattern index → (group, form index in group).
        patterns: Vec<(usize, usize)>,
        groups: Vec<Group>,
        /// No form holds a newline: the segments of a document may be searched joined.
        joinable: bool,
        /// Every form is ASCII and holds an ASCII letter: a match lies inside a stretch of ASCII
        /// text holding a letter, and only such stretches need a search.
        ascii_letter_forms: bool,
        /// Case-sensitive forms of four or more bytes (Chinese names): a skipping search that
        /// finds what `ac` finds.
        skip_search: Option<SkipSearch>,
    },
    Transliteration {
        /// The rule's own known names, to find one inside a longer run (with the built-in ones).
        known: Vec<String>,
    },
    Capitalized,
}

struct VariantsCheck {
    matcher: Matcher,
    scope: Scope,
    min_length: usize,
    min_majority: usize,
    /// The rule's own known names; the built-in ones are in [`ZH_KNOWN`] and [`EN_KNOWN`].
    known: FastSet<String>,
}

fn build(meta: &RuleMeta, input: SpecInput<'_>) -> Result<Box<dyn Check>, SpecError> {
    build_with(meta, input, |_, spec: Spec| {
        // The built-in tables are read on first use, not here.
        let known: FastSet<String> = spec.known.iter().cloned().collect();
        let matcher = match spec.mode {
            Mode::Dictionary => {
                if spec.groups.is_empty() {
                    return Err(SpecError {
                        message: "a dictionary `variants` rule needs `groups`".into(),
                        span: None,
                    });
                }
                let mut words = Vec::new();
                let mut patterns = Vec::new();
                for (gi, g) in spec.groups.iter().enumerate() {
                    if g.forms.len() < 2 || g.forms.iter().any(String::is_empty) {
                        return Err(SpecError {
                            message: format!("variant group {} needs two or more non-empty forms", gi + 1),
                            span: None,
                        });
                    }
                    if let Some(p) = &g.preferred
                        && !g.forms.contains(p)
                    {
                        return Err(SpecError {
                            message: format!("preferred form “{p}” is not one of the group's forms"),
                            span: None,
                        });
                    }
                    for (fi, f) in g.forms.iter().enumerate() {
                        words.push(f.clone());
                        patterns.push((gi, fi));
                    }
                }
                let joinable = !words.iter().any(|w| w.contains(SEGMENT_JOINER));
                let ascii_letter_forms =
                    words.iter().all(|w| w.is_ascii() && w.bytes().any(|b| b.is_ascii_alphabetic()));
                let skip_search = (!spec.ignore_case && !ascii_letter_forms).then(|| SkipSearch::new(&words)).flatten();
                // With a skipping search the automaton is never searched: its cheapest form is
                // built, for the same errors.
                let kind = skip_search.is_some().then_some(AhoCorasickKind::NoncontiguousNFA);
                let ac = AhoCorasickBuilder::new()
                    .match_kind(MatchKind::LeftmostLongest)
                    .ascii_case_insensitive(spec.ignore_case)
                    .kind(kind)
                    .build(&words)
                    .map_err(|e| SpecError { message: format!("cannot build the matcher: {e}"), span: None })?;
                Matcher::Dictionary { ac, patterns, groups: spec.groups, joinable, ascii_letter_forms, skip_search }
            }
            Mode::Transliteration => Matcher::Transliteration { known: spec.known.clone() },
            Mode::Capitalized => Matcher::Capitalized,
        };
        let min_length = spec.min_length.unwrap_or(if spec.mode == Mode::Capitalized { 5 } else { 4 });
        Ok(VariantsCheck {
            matcher,
            scope: spec.scope,
            min_length,
            min_majority: spec.min_majority.unwrap_or(1).max(1),
            known,
        })
    })
}

/// Every match of `ac` in `text`, in order. With `ascii_letter_forms` (every form ASCII with a
/// letter), only the maximal stretches of ASCII text that hold a letter are searched: no match can
/// cross a non-ASCII byte, so each stretch gets the matches the whole text gets there, and Chinese
/// text is skipped sixteen bytes at a time.
fn dictionary_matches(
    ac: &AhoCorasick,
    text: &str,
    ascii_letter_forms: bool,
    mut each: impl FnMut(aho_corasick::Match),
) {
    if !ascii_letter_forms {
        ac.find_iter(text).for_each(each);
        return;
    }
    let bytes = text.as_bytes();
    let mut pos = 0;
    loop {
        let letter = next_letter_or_two_byte_lead(bytes, pos);
        let Some(&b) = bytes.get(letter) else { break };
        if b >= 0x80 {
            pos = letter + 1;
            continue;
        }
        let mut start = letter;
        while start > pos && bytes[start - 1] < 0x80 {
            start -= 1;
        }
        let mut end = letter;
        while bytes.get(end).is_some_and(|&b| b < 0x80) {
            end += 1;
        }
        if let Some(stretch) = text.get(start..end) {
            for m in ac.find_iter(stretch) {
                each(aho_corasick::Match::new(m.pattern(), m.start() + start..m.end() + start));
            }
        }
        pos = end;
    }
}

/// Two-byte blocks of text, folded to their low six bits per byte: UTF-8 continuation bytes keep
/// all their information, and a lead byte of Chinese (E4 to E9) keeps what tells it apart.
const BLOCK_MASK: u16 = 0x3F3F;
const BLOCKS: usize = BLOCK_MASK as usize + 1;

/// The leftmost-longest, non-overlapping matches of a set of case-sensitive forms of four or more
/// bytes, found by skipping (Wu and Manber): the window of the shortest form's length moves by
/// as much as the two-byte block ending it allows, so Chinese text is read a few bytes per step
/// and a form is only compared where a start is possible.
struct SkipSearch {
    /// The window: the first `window` bytes of every form (4 to 64).
    window: usize,
    /// Per folded block ending the window: how far the window may move with no form starting
    /// at any skipped position (0: a form may start at the window).
    shift: Box<[u8; BLOCKS]>,
    /// Folded first blocks of the forms, as bits.
    starts: Box<[u64; BLOCKS.div_ceil(64)]>,
    /// (first four bytes, form, pattern index), longest first, then in pattern order: the first
    /// that matches at a position is the match a leftmost-longest search reports there.
    forms: Vec<(u32, Vec<u8>, usize)>,
}

impl SkipSearch {
    /// `None` when a form is shorter than four bytes (the skips would be too short to pay).
    fn new(words: &[String]) -> Option<SkipSearch> {
        let shortest = words.iter().map(String::len).min()?;
        if shortest < 4 {
            return None;
        }
        let window = shortest.min(64);
        let fold = |a: u8, b: u8| usize::from(u16::from_le_bytes([a, b]) & BLOCK_MASK);
        let mut shift = Box::new([u8::try_from(window - 1).unwrap_or(u8::MAX); BLOCKS]);
        let mut starts = Box::new([0u64; BLOCKS.div_ceil(64)]);
        for w in words {
            let p = &w.as_bytes()[..window];
            // The block at `window - 2 - d` ends the window when the form starts `d` bytes in.
            for d in 0..window - 1 {
                let x = fold(p[window - 2 - d], p[window - 1 - d]);
                shift[x] = shift[x].min(u8::try_from(d).unwrap_or(u8::MAX));
            }
            let x = fold(p[0], p[1]);
            starts[x / 64] |= 1 << (x % 64);
        }
        let mut forms: Vec<(u32, Vec<u8>, usize)> = words
            .iter()
            .zip(0..)
            .filter_map(|(w, id)| Some((u32::from_le_bytes(*w.as_bytes().first_chunk()?), w.as_bytes().to_vec(), id)))
            .collect();
        forms.sort_by(|x, y| y.1.len().cmp(&x.1.len()).then(x.2.cmp(&y.2)));
        Some(SkipSearch { window, shift, starts, forms })
    }

    /// Every match in `text`, in order: the matches a leftmost-longest Aho-Corasick search of the
    /// same forms finds.
    #[inline(never)] // called once a document; kept apart so that profiles show it
    fn find_each(&self, text: &str, mut each: impl FnMut(aho_corasick::Match)) {
        let bytes = text.as_bytes();
        // The window starting at `i` ends with the block at `i` of `ends`.
        let Some(ends) = bytes.get(self.window - 2..) else { return };
        // Blocks start below `limit`.
        let limit = ends.len().saturating_sub(1);
        let shift = &*self.shift;
        let fold = |a: u8, b: u8| usize::from(u16::from_le_bytes([a, b]) & BLOCK_MASK);
        const CHUNK: usize = 1024;
        let mut i = 0;
        while i < limit {
            // Steps inside a chunk of blocks read in one piece need no bounds checks: they
            // stop at a possible start, or at the chunk's end.
            while let Some(chunk) = ends.get(i..).and_then(|rest| rest.first_chunk::<{ CHUNK + 1 }>()) {
                let mut k = 0;
                while k < CHUNK {
                    let s = shift[fold(chunk[k], chunk[k + 1])];
                    if s == 0 {
                        break;
                    }
                    k += usize::from(s);
                }
                i += k;
                if k < CHUNK {
                    break;
                }
            }
            let (Some(&a), Some(&b)) = (ends.get(i), ends.get(i + 1)) else { break };
            let s = shift[fold(a, b)];
            if s != 0 {
                i += usize::from(s);
                continue;
            }
            if let Some((form, id)) = self.longest_at(bytes, i) {
                each(aho_corasick::Match::must(id, i..i + form));
                i += form;
            } else {
                i += 1;
            }
        }
    }

    /// The longest form starting at byte `i` (the first in pattern order among equals): its
    /// length and pattern index.
    #[inline]
    fn longest_at(&self, bytes: &[u8], i: usize) -> Option<(usize, usize)> {
        let rest = bytes.get(i..)?;
        let head = rest.first_chunk::<4>()?;
        let x = usize::from(u16::from_le_bytes([head[0], head[1]]) & BLOCK_MASK);
        if self.starts[x / 64] >> (x % 64) & 1 == 0 {
            return None;
        }
        let head = u32::from_le_bytes(*head);
        self.forms.iter().find(|(h, f, _)| *h == head && rest.starts_with(f)).map(|(_, f, id)| (f.len(), *id))
    }
}

/// What separates two segments in [`JoinedSegments`].
const SEGMENT_JOINER: char = '\n';

/// One occurrence of a candidate form.
#[derive(Clone, Debug)]
struct Occ {
    form: String,
    file: FileId,
    range: Range<usize>,
    fixable: bool,
    /// Dictionary mode: the group it belongs to.
    group: usize,
    /// Capitalized mode: the first-name initial before it and the capitalised word after it.
    context: (Option<char>, Option<String>),
}

/// What a document contributes: its occurrences, and (capitalized mode) the candidate forms
/// that also appear in lower case there, and so are ordinary words.
#[derive(Default)]
struct DocData {
    occs: Vec<Occ>,
    lower: BTreeSet<String>,
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

impl VariantsCheck {
    /// Whether `name` is known to be distinct: the rule's own list or the built-in table.
    fn is_known(&self, name: &str) -> bool {
        self.known.contains(name)
            || match self.matcher {
                Matcher::Transliteration { .. } => ZH_KNOWN.contains(name),
                Matcher::Capitalized => EN_KNOWN.contains(name),
                Matcher::Dictionary { .. } => false,
            }
    }

    fn collect(&self, doc: &Document) -> DocData {
        let mut data = DocData::default();
        match &self.matcher {
            Matcher::Dictionary { ac, patterns, groups, joinable, ascii_letter_forms, skip_search } => {
                let mut found = |seg: &crate::document::Segment, m: aho_corasick::Match, range: Range<usize>| {
                    let text = seg.text.as_str();
                    let (gi, fi) = patterns[m.pattern().as_usize()];
                    let form = &groups[gi].forms[fi];
                    // Word boundaries for forms that start or end with a letter or digit of a
                    // spaced script; none for Chinese.
                    let first = form.chars().next().is_some_and(|c| is_word_char(c) && !is_han(c));
                    let last = form.chars().next_back().is_some_and(|c| is_word_char(c) && !is_han(c));
                    if first && text[..range.start].chars().next_back().is_some_and(is_word_char) {
                        return;
                    }
                    if last && text[range.end..].chars().next().is_some_and(is_word_char) {
                        return;
                    }
                    data.occs.push(Occ {
                        form: form.clone(),
                        file: doc.file,
                        range: seg.source_range(range.clone()),
                        fixable: seg.is_verbatim(range),
                        group: gi,
                        context: (None, None),
                    });
                };
                if *ascii_letter_forms {
                    // Only a segment with an ASCII letter can hold a form: the shared per-segment
                    // flags (found once per document) pass over the others unread.
                    let features = ascii_features(doc);
                    for (seg, f) in doc.segments.iter().zip(features.iter()) {
                        if f.any(Features::ALPHA) {
                            dictionary_matches(ac, seg.text.as_str(), true, |m| found(seg, m, m.range()));
                        }
                    }
                } else if *joinable {
                    // One search over the whole document: no form holds a newline, so no match
                    // spans two segments and each segment gets the matches it gets alone.
                    let joined = doc.joined_segments();
                    let mut k = 0;
                    let each = |m: aho_corasick::Match| {
                        while joined.start(k + 1).is_some_and(|s| s <= m.start()) {
                            k += 1;
                        }
                        let (Some(seg), Some(start)) = (doc.segments.get(k), joined.start(k)) else { return };
                        let range = m.start() - start..m.end() - start;
                        if range.end <= seg.text.len() {
                            found(seg, m, range);
                        }
                    };
                    match skip_search {
                        Some(search) => search.find_each(joined.as_str(), each),
                        None => dictionary_matches(ac, joined.as_str(), *ascii_letter_forms, each),
                    }
                } else {
                    for seg in &doc.segments {
                        match skip_search {
                            Some(search) => search.find_each(seg.text.as_str(), |m| found(seg, m, m.range())),
                            None => ac.find_iter(seg.text.as_str()).for_each(|m| found(seg, m, m.range())),
                        }
                    }
                }
            }
            Matcher::Transliteration { .. } => {
                let sets = &*ZH_SETS;
                debug_assert!(!sets.chars.contains(SEGMENT_JOINER));
                // One scan over the whole document: the joiner is no transliteration character, so
                // runs end at segment ends exactly as when each segment is scanned alone.
                let joined = doc.joined_segments();
                let mut k = 0;
                for r in transliteration_runs(joined.as_str(), &sets.chars, &sets.weak, self.min_length) {
                    while joined.start(k + 1).is_some_and(|s| s <= r.start) {
                        k += 1;
                    }
                    let (Some(seg), Some(start)) = (doc.segments.get(k), joined.start(k)) else { break };
                    let r = r.start - start..r.end - start;
                    let Some(form) = seg.text.get(r.clone()) else { continue };
                    data.occs.push(Occ {
                        form: form.to_string(),
                        file: doc.file,
                        range: seg.source_range(r.clone()),
                        fixable: seg.is_verbatim(r),
                        group: 0,
                        context: (None, None),
                    });
                }
            }
            Matcher::Capitalized => {
                let common = &*EN_COMMON;
                let mut lower: FastSet<&str> = FastSet::default();
                // A word starts at an ASCII letter or a two-byte lead: a segment without either
                // has none.
                let features = ascii_features(doc);
                for (seg, f) in doc.segments.iter().zip(features.iter()) {
                    if !f.any(Features::ALPHA | Features::LEAD2) {
                        continue;
                    }
                    let text = seg.text.as_str();
                    let ws = words(text);
                    for (k, word) in ws.iter().enumerate() {
                        let w = &text[word.range.clone()];
                        if word.case == Case::Lower {
                            lower.insert(w);
                            continue;
                        }
                        if word.case != Case::Capital
                            || !word.mid
                            || w.chars().count() < self.min_length
                            || common.contains(w)
                        {
                            continue;
                        }
                        let r = word.range.clone();
                        data.occs.push(Occ {
                            form: w.to_string(),
                            file: doc.file,
                            range: seg.source_range(r.clone()),
                            fixable: seg.is_verbatim(r),
                            group: 0,
                            context: name_context(text, &ws, k),
                        });
                    }
                }
                let forms: BTreeSet<&str> = data.occs.iter().map(|o| o.form.as_str()).collect();
                for f in forms {
                    if lower.contains(f.to_lowercase().as_str()) {
                        data.lower.insert(f.to_string());
                    }
                }
            }
        }
        data
    }

    /// Reports every minority occurrence of the forms in `data` (one run or one document).
    /// `doc`, in document scope, lets the message count every occurrence of a form, also those
    /// inside a longer run of transliteration characters (宣布曼格斯套州).
    fn resolve(&self, data: &DocData, doc: Option<&Document>, out: &mut Output<'_>) {
        if data.occs.is_empty() {
            return;
        }
        // Form → (count, index of first occurrence).
        let forms = FormCounts::of(&data.occs);
        out.count("names", forms.len() as u64);
        // Sets of forms that name one entity: (forms, preferred).
        let mut sets: Vec<(Vec<&str>, Option<&str>)> = Vec::new();
        match &self.matcher {
            Matcher::Dictionary { groups, .. } => {
                let mut by_group: BTreeMap<usize, BTreeSet<&str>> = BTreeMap::new();
                for o in &data.occs {
                    by_group.entry(o.group).or_default().insert(o.form.as_str());
                }
                for (gi, present) in by_group {
                    if present.len() >= 2 {
                        sets.push((present.into_iter().collect(), groups[gi].preferred.as_deref()));
                    }
                }
            }
            Matcher::Transliteration { known } => {
                let sounds = &*ZH_SETS.sounds;
                // A difference at either end is never reported (below): such pairs are not made.
                let interior = |pos: usize, len: usize| pos != 0 && pos + 1 != len;
                // Only forms sharing their length and both end characters with another form
                // can differ inside: most documents have none, and no keys are hashed.
                let candidates = forms_sharing_ends(forms.keys());
                for (a, b, pos) in substitution_pairs_at(candidates.into_iter(), interior) {
                    let (Some(ca), Some(cb)) = (a.chars().nth(pos), b.chars().nth(pos)) else { continue };
                    if !sounds.iter().any(|s| s.contains(ca) && s.contains(cb)) {
                        continue;
                    }
                    let len = a.chars().count();
                    // A difference at either end is most often a run that took in a neighbouring
                    // character (乌克兰提 / 乌克兰多), not a spelling.
                    if pos == 0 || pos + 1 == len || (self.is_known(a) && self.is_known(b)) {
                        continue;
                    }
                    let covered =
                        |form: &str| known_covers(known, form, pos) || known_covers(&ZH_DATA.known, form, pos);
                    if covered(a) && covered(b) {
                        continue;
                    }
                    sets.push((vec![a, b], None));
                }
            }
            Matcher::Capitalized => {
                for (a, b) in one_edit_pairs(forms.keys()) {
                    // A swapped letter makes many a distinct short name (Warne / Wayne, Bogle /
                    // Boyle): substitutions need two letters more than insertions.
                    let same_length = a.chars().count() == b.chars().count();
                    if same_length && a.chars().count() < self.min_length + 2 {
                        continue;
                    }
                    if (self.is_known(a) && self.is_known(b))
                        || data.lower.contains(a)
                        || data.lower.contains(b)
                        || distinct_by_context(&data.occs, a, b)
                    {
                        continue;
                    }
                    sets.push((vec![a, b], None));
                }
            }
        }
        let mut reported: BTreeSet<usize> = BTreeSet::new();
        for (set, preferred) in sets {
            // How often a form occurs: in document scope (transliteration), every occurrence in
            // the text, also inside a longer run of transliteration characters (宣布曼格斯套州).
            let count = |form: &str| {
                let runs = forms.get(form).0;
                match (doc, &self.matcher) {
                    (Some(doc), Matcher::Transliteration { .. }) => {
                        doc.segments.iter().map(|s| s.text.matches(form).count()).sum::<usize>().max(runs)
                    }
                    _ => runs,
                }
            };
            // The winner: the preferred form if present, else the most frequent, else the first.
            let winner = preferred.filter(|p| set.contains(p)).unwrap_or_else(|| {
                set.iter()
                    .copied()
                    .max_by(|x, y| count(x).cmp(&count(y)).then(forms.get(y).1.cmp(&forms.get(x).1)))
                    .unwrap_or(set[0])
            });
            let wcount = count(winner);
            let wfirst = forms.get(winner).1;
            if preferred.is_none() && wcount < self.min_majority {
                continue;
            }
            let first = &data.occs[wfirst];
            let wcount_s = wcount.to_string();
            for (i, o) in data.occs.iter().enumerate() {
                if o.form == winner || !set.contains(&o.form.as_str()) || !reported.insert(i) {
                    continue;
                }
                let count_s = count(&o.form).to_string();
                let d = out.report(
                    o.file,
                    o.range.clone(),
                    &[("form", &o.form), ("other", winner), ("count", &wcount_s), ("form_count", &count_s)],
                );
                d.primary_label(format!("“{}” here", o.form)).label(
                    first.file,
                    first.range.clone(),
                    format!("“{winner}” first written here"),
                );
                if o.fixable {
                    d.replace(o.range.clone(), winner);
                }
            }
        }
    }
}

/// Each form of a list of occurrences with its count and the index of its first occurrence, in
/// form order: a sorted list, which a few dozen occurrences fill faster than a map.
struct FormCounts<'a>(Vec<(&'a str, (usize, usize))>);

impl<'a> FormCounts<'a> {
    fn of(occs: &'a [Occ]) -> FormCounts<'a> {
        let mut all: Vec<(&str, usize)> = occs.iter().enumerate().map(|(i, o)| (o.form.as_str(), i)).collect();
        all.sort_unstable();
        let mut forms: Vec<(&str, (usize, usize))> = Vec::new();
        for (form, i) in all {
            match forms.last_mut() {
                Some((last, (count, _))) if *last == form => *count += 1,
                _ => forms.push((form, (1, i))),
            }
        }
        FormCounts(forms)
    }

    fn len(&self) -> usize {
        self.0.len()
    }

    fn keys(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.0.iter().map(|(form, _)| *form)
    }

    /// The count and first occurrence of `form`, one of the forms.
    fn get(&self, form: &str) -> (usize, usize) {
        self.0.binary_search_by(|(f, _)| (*f).cmp(form)).map_or((0, 0), |k| self.0[k].1)
    }
}

/// The character starting at byte `i` of `bytes` (valid UTF-8, `i` at a character start) and
/// its length, decoded without checks beyond bounds (a malformed tail decodes as U+FFFD).
fn decode_at(bytes: &[u8], i: usize) -> (u32, usize) {
    let at = |k: usize| u32::from(bytes.get(i + k).copied().unwrap_or(0x80) & 0x3F);
    match bytes[i] {
        b @ 0..=0x7F => (u32::from(b), 1),
        b @ 0xC0..=0xDF => ((u32::from(b & 0x1F) << 6) | at(1), 2),
        b @ 0xE0..=0xEF => ((u32::from(b & 0x0F) << 12) | (at(1) << 6) | at(2), 3),
        b @ 0xF0.. => ((u32::from(b & 0x07) << 18) | (at(1) << 12) | (at(2) << 6) | at(3), 4),
        _ => (0xFFFD, 1),
    }
}

/// The start of the character ending at byte `end` of `bytes` (valid UTF-8).
fn char_start_before(bytes: &[u8], end: usize) -> usize {
    let mut i = end - 1;
    while i > 0 && bytes[i] & 0xC0 == 0x80 {
        i -= 1;
    }
    i
}

/// Where the last ASCII byte of the first `3 * MIN` bytes of `window` (twelve or more) is.
#[inline(always)]
fn last_ascii<const MIN: usize>(window: &[u8]) -> Option<usize> {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let (Some(head), Some(tail)) = (window.first_chunk::<8>(), window.get(4..).and_then(|w| w.first_chunk::<8>()))
    else {
        return None;
    };
    // The high bits of bytes 0 to 11 in one mask (bytes 0 to 3 from `head`, 4 to 11 from
    // `tail`), the last ASCII byte read from its high end without a branch.
    let ascii_tail = !u64::from_le_bytes(*tail) & HIGH;
    let ascii_head = !u64::from_le_bytes(*head) & HIGH & 0xFFFF_FFFF;
    let ascii = (u128::from(ascii_tail) << 32) | u128::from(ascii_head);
    if ascii == 0 {
        return None;
    }
    let found = (127 - ascii.leading_zeros() as usize) / 8;
    // A window of fewer than four characters (`MIN` below 4): only its own bytes count.
    (found < 3 * MIN).then_some(found).or_else(|| window[..3 * MIN].iter().rposition(|&b| b < 0x80))
}

/// Outside a run, over windows of `MIN` three-byte characters from `i`: the last character of a
/// window that is no transliteration character ends every run that could start before it, so the
/// scan moves on past it unread. Returns where it stopped, and whether that is at a window of
/// `MIN` members (else at a window that is not all three-byte characters, or near the end).
/// `mask` and `value` test the lead bytes of the first `MIN - 1` characters in one word.
/// With `three_byte_members` (every member is a three-byte character), a window whose last place
/// holds a three-byte character that is no member is passed over whatever comes before it: the
/// run-breaking character is there, and fewer than `MIN` members fit before it.
#[inline(always)]
fn skip_windows<const MIN: usize>(
    bytes: &[u8],
    mut i: usize,
    chars: &CharSet,
    mask: u64,
    value: u64,
    three_byte_members: bool,
    no_ascii_members: bool,
) -> (usize, bool) {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const CHUNK: usize = 1024;
    let last = 3 * (MIN - 1);
    loop {
        // The common windows first, inside a chunk read in one piece (no bounds checks). A
        // window whose last character is a three-byte character that is no member is passed
        // over, as below. A window that holds ASCII (no member) is passed over up to its last
        // ASCII byte: a run of `MIN` members spans the whole window and cannot hold it. Other
        // windows go on to the steps below.
        while three_byte_members
            && let Some(chunk) = bytes.get(i..).and_then(|rest| rest.first_chunk::<{ CHUNK + 12 }>())
        {
            let mut k = 0;
            'steps: while k < CHUNK {
                let b = chunk[k + last];
                if b & 0xF0 == 0xE0 {
                    if !chars.contains3(b, chunk[k + last + 1], chunk[k + last + 2]) {
                        k += last + 3;
                        continue;
                    }
                    // The last character is a member: in a window of `MIN` three-byte
                    // characters, the window is passed over up to its last non-member, as below.
                    let w = u64::from_le_bytes([
                        chunk[k],
                        chunk[k + 1],
                        chunk[k + 2],
                        chunk[k + 3],
                        chunk[k + 4],
                        chunk[k + 5],
                        chunk[k + 6],
                        chunk[k + 7],
                    ]);
                    if w & mask == value {
                        for j in (0..MIN - 1).rev() {
                            if !chars.contains3(chunk[k + 3 * j], chunk[k + 3 * j + 1], chunk[k + 3 * j + 2]) {
                                k += 3 * (j + 1);
                                continue 'steps;
                            }
                        }
                    }
                    break;
                } else if no_ascii_members && let Some(a) = last_ascii::<MIN>(&chunk[k..]) {
                    k += a + 1;
                } else {
                    break;
                }
            }
            i += k;
            if k < CHUNK {
                break;
            }
        }
        let Some(window) = bytes.get(i..).and_then(|rest| rest.first_chunk::<12>()) else { break };
        if three_byte_members
            && window[last] & 0xF0 == 0xE0
            && !chars.contains3(window[last], window[last + 1], window[last + 2])
        {
            i += last + 3;
            continue;
        }
        let w = u64::from_le_bytes([
            window[0], window[1], window[2], window[3], window[4], window[5], window[6], window[7],
        ]);
        if three_byte_members && no_ascii_members {
            // An ASCII byte in the window ends every run before it, and fewer than `MIN`
            // members fit before it: pass over them and the ASCII stretch at once.
            let ascii = !w & HIGH;
            let first_ascii = if ascii != 0 {
                (ascii.trailing_zeros() / 8) as usize
            } else {
                window[8..].iter().position(|&b| b < 0x80).map_or(12, |k| 8 + k)
            };
            if first_ascii < 3 * MIN {
                i += first_ascii;
                while bytes.get(i).is_some_and(|&b| b < 0x80) {
                    i += 1;
                }
                continue;
            }
        }
        if w & mask != value || window[3 * (MIN - 1)] & 0xF0 != 0xE0 {
            return (i, false);
        }
        let mut k = MIN;
        loop {
            if k == 0 {
                return (i, true);
            }
            k -= 1;
            if !chars.contains3(window[3 * k], window[3 * k + 1], window[3 * k + 2]) {
                i += 3 * (k + 1);
                break;
            }
        }
    }
    (i, false)
}

/// Maximal runs of transliteration characters, weak characters trimmed at both ends, at least
/// `min` characters long. A byte scan decoding each character in place (no `char` iterator),
/// counting characters as it goes.
#[inline(never)] // called once a document; kept apart so that profiles show it
fn transliteration_runs(text: &str, chars: &CharSet, weak: &CharSet, min: usize) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let in_set = |set: &CharSet, cp: u32| cp < 65536 && set.0[cp as usize / 64] & (1 << (cp % 64)) != 0;
    // A run `s..e` of `count` characters, trimmed of weak characters at both ends.
    let push = |s: usize, e: usize, count: usize, out: &mut Vec<Range<usize>>| {
        if count < min {
            return;
        }
        let (mut a, mut b, mut n) = (s, e, count);
        while a < b {
            let (cp, len) = decode_at(bytes, a);
            if !in_set(weak, cp) {
                break;
            }
            a += len;
            n -= 1;
        }
        while a < b {
            let start = char_start_before(bytes, b);
            if !in_set(weak, decode_at(bytes, start).0) {
                break;
            }
            b = start;
            n -= 1;
        }
        if a < b && n >= min {
            out.push(a..b);
        }
    };
    let member3 = |b0: u8, b1: u8, b2: u8| chars.contains3(b0, b1, b2);
    let is_lead3 = |b: u8| b & 0xF0 == 0xE0;
    // For a short `min` (2 to 4), a window of `min` three-byte characters fits in twelve bytes,
    // and the lead bytes of all but the last are tested in one eight-byte word: (mask, value).
    let leads_word = (2..=4)
        .contains(&min)
        .then(|| (0..min - 1).fold((0u64, 0u64), |(m, v), k| (m | 0xF0 << (24 * k), v | 0xE0 << (24 * k))));
    let leads_before = |i: usize| (0..min - 1).all(|k| is_lead3(bytes[i + 3 * k]));
    let no_ascii_members = chars.0[0] | chars.0[1] == 0;
    // No member below U+0800 (the set holds only the BMP): every member takes three bytes.
    let three_byte_members = chars.0[..32].iter().all(|&w| w == 0);
    let (mut start, mut count) = (None, 0);
    let mut i = 0;
    while i < bytes.len() {
        if start.is_none()
            && let Some((mask, value)) = leads_word
        {
            // Only a window of `min` members, or one that is not all three-byte characters, goes
            // on to the character steps below.
            let at_window;
            (i, at_window) = match min {
                2 => skip_windows::<2>(bytes, i, chars, mask, value, three_byte_members, no_ascii_members),
                3 => skip_windows::<3>(bytes, i, chars, mask, value, three_byte_members, no_ascii_members),
                _ => skip_windows::<4>(bytes, i, chars, mask, value, three_byte_members, no_ascii_members),
            };
            if !at_window && i >= bytes.len() {
                break;
            }
        } else if start.is_none()
            && min >= 2
            && let Some(probe) = (min - 1).checked_mul(3).and_then(|d| d.checked_add(i))
            && let Some(&[p0, p1, p2]) = bytes.get(probe..probe.saturating_add(3))
            && is_lead3(p0)
            && leads_before(i)
            && !member3(p0, p1, p2)
        {
            // Outside a run, with the next `min` characters all three bytes long: when the last
            // of them is no transliteration character, no run of `min` or more starts at any of
            // them (it would hold that one), so they are skipped unread.
            i = probe + 3;
            continue;
        }
        // A stretch of ASCII (digits, spaces, the segment joiner) holds no transliteration
        // character: it ends a run and is stepped over whole.
        if no_ascii_members && bytes[i] < 0x80 {
            if let Some(s) = start.take() {
                push(s, i, count, &mut out);
            }
            i += 1;
            while bytes.get(i).is_some_and(|&b| b < 0x80) {
                i += 1;
            }
            continue;
        }
        // Three-byte characters (all of Chinese) are looked up without a general decode.
        let (hit, len) = match bytes.get(i..i + 3) {
            Some(&[b0, b1, b2]) if is_lead3(b0) => (member3(b0, b1, b2), 3),
            _ => {
                let (cp, len) = decode_at(bytes, i);
                (in_set(chars, cp), len)
            }
        };
        if hit {
            if start.is_none() {
                start = Some(i);
                count = 0;
            }
            count += 1;
        } else if let Some(s) = start.take() {
            push(s, i, count, &mut out);
        }
        i += len;
    }
    if let Some(s) = start {
        push(s, bytes.len(), count, &mut out);
    }
    out
}

/// How a word of a spaced script is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Case {
    /// Starts lower case.
    Lower,
    /// Capitalised: upper-case first letter, then lower case only.
    Capital,
    /// Anything else (all capitals, an initial, mixed case).
    Other,
}

impl Case {
    /// How `word` (one or more letters) is written.
    fn of(word: &str) -> Case {
        let mut chars = word.chars();
        let c = chars.next().unwrap_or(' ');
        let (mut lower, mut upper_inside) = (false, false);
        for d in chars {
            lower |= d.is_lowercase();
            upper_inside |= d.is_uppercase();
        }
        if c.is_lowercase() {
            Case::Lower
        } else if c.is_uppercase() && lower && !upper_inside {
            Case::Capital
        } else {
            Case::Other
        }
    }
}

/// A word of a spaced script, with whether it stands mid-sentence (the previous non-space
/// character is a letter, a digit or a comma).
struct Word {
    range: Range<usize>,
    case: Case,
    mid: bool,
}

#[inline(never)] // called once a segment; kept apart so that profiles show it
fn words(text: &str) -> Vec<Word> {
    // A byte scan to the next ASCII letter or two-byte lead (a Latin, Greek or Cyrillic letter may
    // start there), sixteen bytes at a time: Chinese, digits and punctuation are never read one by
    // one. Whether a word stands mid-sentence is read backwards from its start.
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let letter_at = |j: usize| -> Option<usize> {
        let b = *bytes.get(j)?;
        if b.is_ascii_alphabetic() {
            Some(1)
        } else if (0xC2..=0xDF).contains(&b) {
            text.get(j..)?.chars().next().filter(|c| c.is_alphabetic()).map(char::len_utf8)
        } else {
            None
        }
    };
    loop {
        i = next_letter_or_two_byte_lead(bytes, i);
        if i >= bytes.len() {
            break;
        }
        let Some(first_len) = letter_at(i) else {
            // A two-byte character that is no letter.
            i = (i + 2).min(bytes.len());
            continue;
        };
        let start = i;
        i += first_len;
        while let Some(len) = letter_at(i) {
            i += len;
        }
        out.push(Word { range: start..i, case: Case::of(&text[start..i]), mid: mid_sentence_before(text, start) });
    }
    out
}

/// Whether the last character before byte `start` that is no (ASCII or non-breaking) space is a
/// letter or digit of a spaced script, or a comma: letters of two bytes count, characters of three
/// or four bytes (Chinese and its punctuation) do not.
fn mid_sentence_before(text: &str, start: usize) -> bool {
    let bytes = text.as_bytes();
    let mut end = start.min(bytes.len());
    loop {
        let Some(&b) = end.checked_sub(1).and_then(|k| bytes.get(k)) else { return false };
        if b.is_ascii_whitespace() {
            end -= 1;
        } else if b < 0x80 {
            return b.is_ascii_alphanumeric() || b == b',';
        } else if end >= 2 && bytes[end - 2] == 0xC2 && b == 0xA0 {
            end -= 2;
        } else {
            let from = char_start_before(bytes, end);
            return end - from == 2
                && text.get(from..end).and_then(|c| c.chars().next()).is_some_and(char::is_alphabetic);
        }
    }
}

/// The first byte at or after `i` that is an ASCII letter or leads a two-byte character, else the
/// end.
fn next_letter_or_two_byte_lead(bytes: &[u8], i: usize) -> usize {
    next_byte_where(bytes, i, |b| is_ascii_letter(b) | (b & 0xE0 == 0xC0))
}

/// The name context of word `k`: the initial of a first name or initial right before it
/// (`Shane Horgan`, `M. Horan`) and the capitalised word right after it (`Being Julia`).
fn name_context(text: &str, words: &[Word], k: usize) -> (Option<char>, Option<String>) {
    let w = &words[k];
    let prev = k.checked_sub(1).map(|j| &words[j]).and_then(|p| {
        let gap = text.get(p.range.end..w.range.start)?;
        let word = &text[p.range.clone()];
        let initial = p.case == Case::Other && word.chars().count() == 1;
        let ok = (p.case == Case::Capital && gap == " ") || (initial && (gap == " " || gap == ". "));
        ok.then(|| word.chars().next()).flatten()
    });
    let next = words.get(k + 1).and_then(|n| {
        let gap = text.get(w.range.end..n.range.start)?;
        (n.case == Case::Capital && gap == " ").then(|| text[n.range.clone()].to_string())
    });
    (prev, next)
}

/// Whether a known name in `form` covers character `pos` (巴基斯坦伊斯兰 at 基): every
/// occurrence of every name, overlapping ones too, is tried (forms are short, and this runs only
/// for a pair of near-identical names).
fn known_covers(known: &[String], form: &str, pos: usize) -> bool {
    let Some((byte, _)) = form.char_indices().nth(pos) else { return false };
    form.char_indices().take_while(|&(start, _)| start <= byte).any(|(start, _)| {
        let rest = &form[start..];
        known.iter().any(|name| !name.is_empty() && rest.starts_with(name.as_str()) && byte < start + name.len())
    })
}

/// Two names are different people or places when both come with a name context (a first-name
/// initial before, a capitalised word after) and the contexts never agree: Marcus Horan and
/// Shane Horgan, Annette Bening and Being Julia.
fn distinct_by_context(occs: &[Occ], a: &str, b: &str) -> bool {
    let ctx = |form: &str| {
        let mut prev = BTreeSet::new();
        let mut next = BTreeSet::new();
        for o in occs.iter().filter(|o| o.form == form) {
            prev.extend(o.context.0);
            next.extend(o.context.1.clone());
        }
        (prev, next)
    };
    let (pa, na) = ctx(a);
    let (pb, nb) = ctx(b);
    let has_a = !pa.is_empty() || !na.is_empty();
    let has_b = !pb.is_empty() || !nb.is_empty();
    let shared = pa.intersection(&pb).next().is_some() || na.intersection(&nb).next().is_some();
    has_a && has_b && !shared
}

/// A small, fast hash (the multiply-rotate scheme of FxHash): keys here are short names.
fn fx_hash(parts: &[&[u8]]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut h: u64 = 0;
    for part in parts {
        for chunk in part.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            h = (h.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(K);
        }
        h = (h.rotate_left(5) ^ 0xFF).wrapping_mul(K);
    }
    h
}

/// The forms of three or more characters that share their length in characters, their first
/// and their last character with another form: the only ones that can make a pair differing in
/// one interior character. In no particular order. Forms arrive sorted (else they are sorted
/// here), so forms sharing a first character are neighbours, and most forms, alone with their
/// first character, are passed over without counting their characters.
fn forms_sharing_ends<'a>(forms: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut sorted: Vec<&'a str> = forms.collect();
    if !sorted.is_sorted() {
        sorted.sort_unstable();
    }
    let mut out = Vec::new();
    for same_first in sorted.chunk_by(|x, y| x.chars().next() == y.chars().next()) {
        if same_first.len() < 2 {
            continue;
        }
        let mut keyed: Vec<((usize, char), &'a str)> = same_first
            .iter()
            .filter_map(|&f| {
                let mut chars = f.chars();
                let (_, last) = (chars.next()?, chars.next_back()?);
                let len = chars.count() + 2;
                (len >= 3).then_some(((len, last), f))
            })
            .collect();
        keyed.sort_unstable_by_key(|&(key, _)| key);
        out.extend(
            keyed
                .chunk_by(|x, y| x.0 == y.0)
                .filter(|group| group.len() >= 2)
                .flat_map(|group| group.iter().map(|&(_, f)| f)),
        );
    }
    out
}

/// Every pair of [`substitution_pairs_at`], at any position.
#[cfg(test)]
fn substitution_pairs<'a>(forms: impl Iterator<Item = &'a str>) -> BTreeSet<(&'a str, &'a str, usize)> {
    substitution_pairs_at(forms, |_, _| true)
}

/// Pairs of forms of equal length that differ in exactly one position `pos` (of forms of `len`
/// characters) for which `wanted(pos, len)` holds, found by bucketing each form under its
/// one-deletion keys (position, form without that character) at the wanted positions only:
/// linear in the total length, no all-pairs comparison. The keys are hashed without building
/// them, sorted, and every pair sharing a key is checked, so a hash collision never makes a
/// pair. Pairs are returned sorted.
fn substitution_pairs_at<'a>(
    forms: impl Iterator<Item = &'a str>,
    wanted: impl Fn(usize, usize) -> bool,
) -> BTreeSet<(&'a str, &'a str, usize)> {
    // (position, hash of the form without the character there, byte offset of that character, form)
    let mut keys: Vec<(usize, u64, usize, &'a str)> = Vec::new();
    for f in forms {
        let len = f.chars().count();
        for (pos, (i, c)) in f.char_indices().enumerate() {
            if !wanted(pos, len) {
                continue;
            }
            let b = f.as_bytes();
            keys.push((pos, fx_hash(&[&b[..i], &b[i + c.len_utf8()..]]), i, f));
        }
    }
    keys.sort_unstable_by_key(|k| (k.0, k.1));
    let mut pairs = BTreeSet::new();
    for group in keys.chunk_by(|x, y| (x.0, x.1) == (y.0, y.1)) {
        for (k, &(pos, _, ia, a)) in group.iter().enumerate() {
            for &(_, _, ib, b) in &group[k + 1..] {
                let (ca, cb) = (a[ia..].chars().next(), b[ib..].chars().next());
                let (la, lb) = (ca.map_or(0, char::len_utf8), cb.map_or(0, char::len_utf8));
                // Equal once the character at `pos` is taken out of each.
                let same_rest = a[..ia] == b[..ib] && a[ia + la..] == b[ib + lb..];
                if a != b && same_rest {
                    let (x, y) = if a < b { (a, b) } else { (b, a) };
                    pairs.insert((x, y, pos));
                }
            }
        }
    }
    pairs
}

/// Pairs of capitalised names at edit distance one (substitution, insertion or deletion), found
/// with symmetric-delete keys, keeping only pairs that share the first letter and differ before
/// the last letter (Clark / Clarke, Russia / Russian are different words).
fn one_edit_pairs<'a>(forms: impl Iterator<Item = &'a str>) -> BTreeSet<(&'a str, &'a str)> {
    let mut buckets: HashMap<String, Vec<&'a str>, FastHash> = HashMap::default();
    for f in forms {
        buckets.entry(f.to_string()).or_default().push(f);
        for (i, c) in f.char_indices() {
            let mut key = String::with_capacity(f.len());
            key.push_str(&f[..i]);
            key.push_str(&f[i + c.len_utf8()..]);
            buckets.entry(key).or_default().push(f);
        }
    }
    let mut pairs = BTreeSet::new();
    for list in buckets.values() {
        for (k, a) in list.iter().enumerate() {
            for b in &list[k + 1..] {
                if a != b && close_names(a, b) {
                    pairs.insert(if a < b { (*a, *b) } else { (*b, *a) });
                }
            }
        }
    }
    pairs
}

/// Edit distance one, same first letter, the difference neither at the first nor the last
/// character.
fn close_names(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.first() != b.first() || a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suffix = a.iter().rev().zip(b.iter().rev()).take_while(|(x, y)| x == y).count();
    let (short, long) = (a.len().min(b.len()), a.len().max(b.len()));
    // Everything but one character (long side) must be covered by prefix + suffix, without the
    // two overlapping on the short side.
    let one_edit =
        if short == long { prefix + suffix == short - 1 } else { prefix + suffix >= short && prefix <= short };
    one_edit && suffix >= 1 && prefix >= 1
}

impl Check for VariantsCheck {
    fn check(&self, doc: &Document, out: &mut Output<'_>) {
        if self.scope == Scope::Document {
            let data = self.collect(doc);
            self.resolve(&data, Some(doc), out);
        }
    }

    fn gather(&self, doc: &Document) -> Option<Gathered> {
        if self.scope != Scope::Run {
            return None;
        }
        let data = self.collect(doc);
        if data.occs.is_empty() {
            return None;
        }
        Some(Box::new(data))
    }

    fn finish(&self, gathered: Vec<(FileId, Gathered)>, _sources: &[&str], out: &mut Output<'_>) {
        let mut all = DocData::default();
        for (_, g) in gathered {
            if let Ok(d) = g.downcast::<DocData>() {
                let d = *d;
                all.occs.extend(d.occs);
                all.lower.extend(d.lower);
            }
        }
        // File order, then position: the first occurrence is the first in the run.
        all.occs.sort_by_key(|x| (x.file, x.range.start));
        self.resolve(&all, None, out);
    }

    fn is_run_scope(&self) -> bool {
        self.scope == Scope::Run
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{lint_run_with_rule, lint_with_rule};

    const ZH_AUTO: &str = r#"
[[rule]]
id = "zh/transliteration-variants"
kind = "variants"
severity = "warning"
message = "“{form}” is written “{other}” elsewhere ({count}×)"
description = "d"
why = "w"
mode = "transliteration"
"#;

    const EN_AUTO: &str = r#"
[[rule]]
id = "en/name-spelling-variants"
kind = "variants"
severity = "warning"
message = "“{form}” is written “{other}” elsewhere ({count}×)"
description = "d"
why = "w"
mode = "capitalized"
"#;

    const DICT: &str = r#"
[[rule]]
id = "test/name-variants"
kind = "variants"
severity = "warning"
message = "“{form}” is written “{other}” elsewhere ({count}×)"
description = "d"
why = "w"
groups = [{ forms = ["Kyiv", "Kiev"] }, { forms = ["悉尼", "雪梨"], preferred = "悉尼" }]
"#;

    #[test]
    fn transliteration_one_character_apart() {
        let src = "曼格斯套州的气价上涨。他说曼吉斯套州将建厂。曼格斯套州政府回应。";
        let d = lint_with_rule(ZH_AUTO, "a.txt", src);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(&src[d[0].primary.range()], "曼吉斯套");
        assert_eq!(d[0].message, "“曼吉斯套” is written “曼格斯套” elsewhere (2×)");
        assert_eq!(d[0].labels[0].span.start, 0);
        assert_eq!(d[0].fix.as_ref().unwrap().replacements[0].text, "曼格斯套");
    }

    #[test]
    fn counts_include_forms_inside_longer_runs() {
        // 布 is a transliteration character: 宣布曼格斯套 is one run, yet 曼格斯套 is counted.
        let src = "总统宣布曼格斯套州进入紧急状态。曼格斯套州政府回应。他说曼吉斯套州将建厂。";
        let d = lint_with_rule(ZH_AUTO, "a.txt", src);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.ends_with("(2×)"), "{}", d[0].message);
    }

    #[test]
    fn weak_characters_are_trimmed_at_the_ends() {
        let src = "总统托卡耶夫讲话。托卡耶夫强调改革。托卡也夫也表示支持。";
        let d = lint_with_rule(ZH_AUTO, "a.txt", src);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(&src[d[0].primary.range()], "托卡也夫");
    }

    #[test]
    fn distinct_chinese_names_stay_quiet() {
        for src in [
            "湖南和湖北、河南和河北、山东和山西都有降雨。",
            "多米尼克和多米尼加是两个国家。",
            "巴拉圭与乌拉圭队交手。",
            "乌克兰提出倡议，乌克兰多地停电。",
            "巴基斯坦伊斯兰堡和巴勒斯坦伊斯兰运动。",
            "副总理扎菲罗夫会见了总统扎帕罗夫。",
        ] {
            assert!(lint_with_rule(ZH_AUTO, "a.txt", src).is_empty(), "{src}");
        }
    }

    #[test]
    fn english_names_one_letter_apart() {
        let src = "The president, Kassym Tokayev, spoke. Reporters asked Tokayev again, and Tokaev replied.";
        let d = lint_with_rule(EN_AUTO, "a.txt", src);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(&src[d[0].primary.range()], "Tokaev");
        for src in [
            "Exports to Austria and Australia rose.",
            "Both Clark and Clarke spoke, as did Brown and Browne.",
            "Leaders from Russia and the Russian fleet.",
            "We met Jon and Jan.",
            "Shane Warne bowled to Wayne; Warne won.",
            "Marcus Horan and Shane Horgan started; Horan scored, as did Horgan.",
            "Annette Bening won for Being Julia; Bening thanked the cast.",
            "The Games opened; later the games were praised and Gates spoke.",
        ] {
            assert!(lint_with_rule(EN_AUTO, "a.txt", src).is_empty(), "{src}");
        }
    }

    #[test]
    fn dictionary_majority_and_preferred() {
        let src = "Flights to Kyiv resumed. Kyiv airport and Kiev station. Kievan Rus is history.";
        let d = lint_with_rule(DICT, "a.txt", src);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(&src[d[0].primary.range()], "Kiev");
        let src = "雪梨和雪梨港，还有悉尼。";
        let d = lint_with_rule(DICT, "a.txt", src);
        assert_eq!(d.len(), 2);
        assert!(lint_with_rule(DICT, "a.txt", "只写雪梨，雪梨。").is_empty());
    }

    #[test]
    fn run_scope_compares_documents() {
        let rule = format!("{ZH_AUTO}scope = \"run\"\n");
        let report = lint_run_with_rule(
            &rule,
            &[("a.txt", "曼格斯套州气价上涨，曼格斯套州回应。"), ("b.txt", "曼吉斯套州建厂。")],
        );
        assert_eq!(report.diagnostics.len(), 1);
        let d = &report.diagnostics[0];
        assert_eq!(d.primary.file, 1);
        assert_eq!(d.labels[0].span.file, 0);
        // Document scope keeps them apart.
        let report = lint_run_with_rule(ZH_AUTO, &[("a.txt", "曼格斯套州气价上涨。"), ("b.txt", "曼吉斯套州建厂。")]);
        assert!(report.diagnostics.is_empty());
    }

    #[test]
    fn words_skip_chinese_and_keep_accents() {
        let t = "他说，Müller said Ånd 中文Tokayev, then Özil.";
        let ws: Vec<(&str, bool)> = words(t).iter().map(|w| (&t[w.range.clone()], w.mid)).collect();
        assert_eq!(
            ws,
            vec![("Müller", false), ("said", true), ("Ånd", true), ("Tokayev", false), ("then", true), ("Özil", true)]
        );
    }

    proptest::proptest! {
        #[test]
        fn words_never_panic(s in "\\PC{0,40}") {
            for w in words(&s) {
                proptest::prop_assert!(s.is_char_boundary(w.range.start) && s.is_char_boundary(w.range.end));
            }
            let (chars, weak) = (&ZH_SETS.chars, &ZH_SETS.weak);
            for r in transliteration_runs(&s, chars, weak, 2) {
                proptest::prop_assert!(s.is_char_boundary(r.start) && s.is_char_boundary(r.end));
            }
        }
    }

    #[test]
    fn run_scope_fixtures_are_compared_across_documents() {
        let a = include_str!("../../fixtures/variants/multi-run-a.md");
        let b = include_str!("../../fixtures/variants/multi-run-b.md");
        let rule = format!("{ZH_AUTO}scope = \"run\"\n");
        let report = lint_run_with_rule(&rule, &[("a.md", a), ("b.md", b)]);
        assert_eq!(report.diagnostics.len(), 1, "{:?}", report.diagnostics);
        let d = &report.diagnostics[0];
        assert_eq!((d.primary.file, &b[d.primary.range()]), (1, "曼吉斯套"));
        assert_eq!((d.labels[0].span.file, &a[d.labels[0].span.range()]), (0, "曼格斯套"));
        // Each alone is consistent.
        assert!(lint_run_with_rule(ZH_AUTO, &[("a.md", a), ("b.md", b)]).diagnostics.is_empty());
    }

    // The straightforward versions the fast ones must agree with.
    fn slow_transliteration_runs(text: &str, chars: &CharSet, weak: &CharSet, min: usize) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        let mut start: Option<usize> = None;
        let push = |s: usize, e: usize, out: &mut Vec<Range<usize>>| {
            let run = &text[s..e];
            let mut a = s;
            for c in run.chars() {
                if weak.contains(c) {
                    a += c.len_utf8();
                } else {
                    break;
                }
            }
            let mut b = e;
            for c in text[a..e].chars().rev() {
                if weak.contains(c) {
                    b -= c.len_utf8();
                } else {
                    break;
                }
            }
            if a < b && text[a..b].chars().count() >= min {
                out.push(a..b);
            }
        };
        for (i, c) in text.char_indices() {
            if chars.contains(c) {
                if start.is_none() {
                    start = Some(i);
                }
            } else if let Some(s) = start.take() {
                push(s, i, &mut out);
            }
        }
        if let Some(s) = start {
            push(s, text.len(), &mut out);
        }
        out
    }

    fn slow_substitution_pairs<'a>(forms: impl Iterator<Item = &'a str>) -> BTreeSet<(&'a str, &'a str, usize)> {
        let mut buckets: HashMap<(usize, String), Vec<&'a str>> = HashMap::new();
        for f in forms {
            let chars: Vec<(usize, char)> = f.char_indices().collect();
            for (pos, &(i, c)) in chars.iter().enumerate() {
                let mut key = String::with_capacity(f.len());
                key.push_str(&f[..i]);
                key.push_str(&f[i + c.len_utf8()..]);
                // Equal keys at equal positions mean equal lengths, equal everywhere but `pos`.
                buckets.entry((pos, key)).or_default().push(f);
            }
        }
        let mut pairs = BTreeSet::new();
        for ((pos, _), list) in &buckets {
            for (k, a) in list.iter().enumerate() {
                for b in &list[k + 1..] {
                    if a != b {
                        let (x, y) = if a < b { (*a, *b) } else { (*b, *a) };
                        pairs.insert((x, y, *pos));
                    }
                }
            }
        }
        pairs
    }

    fn slow_words(text: &str) -> Vec<Word> {
        // A byte scan: Chinese text (three-byte characters) is skipped a character at a time without
        // decoding; words are ASCII letters and two-byte letters (Latin, Greek, Cyrillic).
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        let mut prev_sig: Option<char> = None;
        let mut i = 0;
        let letter_at = |j: usize| -> Option<usize> {
            let b = *bytes.get(j)?;
            if b.is_ascii_alphabetic() {
                Some(1)
            } else if (0xC2..=0xDF).contains(&b) {
                text.get(j..)?.chars().next().filter(|c| c.is_alphabetic()).map(char::len_utf8)
            } else {
                None
            }
        };
        while i < bytes.len() {
            let b = bytes[i];
            let Some(first_len) = letter_at(i) else {
                if b < 0x80 {
                    if !b.is_ascii_whitespace() {
                        prev_sig = Some(b as char);
                    }
                    i += 1;
                } else {
                    // Not a word character: step over the whole character.
                    let len = match b {
                        0xF0.. => 4,
                        0xE0.. => 3,
                        _ => 2,
                    };
                    // A non-breaking space keeps the previous context; anything else ends it.
                    if !(b == 0xC2 && bytes.get(i + 1) == Some(&0xA0)) {
                        prev_sig = Some('\u{3002}');
                    }
                    i = (i + len).min(bytes.len());
                    while i < bytes.len() && !text.is_char_boundary(i) {
                        i += 1;
                    }
                }
                continue;
            };
            let start = i;
            i += first_len;
            while let Some(len) = letter_at(i) {
                i += len;
            }
            let word = &text[start..i];
            let case = Case::of(word);
            let mid = prev_sig.is_some_and(|p| p.is_alphanumeric() || p == ',');
            out.push(Word { range: start..i, case, mid });
            prev_sig = word.chars().next_back();
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn fast_scans_agree_with_the_straightforward_ones(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "曼", "格", "斯", "套", "吉", "州", "尔", "的", "托", "卡", "耶", "夫", "也", "a", "Tokayev", " ", "，", "\u{a0}",
                "é", "𠀀", "1", "Ab", "布", "宣", ",", "\n", "\t", "²", "×", "Ωmega", "zZ",
            ]), 0..30),
            min in 1usize..6,
        ) {
            let s = parts.concat();
            let (chars, weak) = (&ZH_SETS.chars, &ZH_SETS.weak);
            proptest::prop_assert_eq!(
                transliteration_runs(&s, chars, weak, min),
                slow_transliteration_runs(&s, chars, weak, min)
            );
            // A member of two bytes turns off the window skip that needs three-byte members.
            let with_two_byte = CharSet::new(&format!("{}é", ZH_DATA.chars));
            proptest::prop_assert_eq!(
                transliteration_runs(&s, &with_two_byte, weak, min),
                slow_transliteration_runs(&s, &with_two_byte, weak, min)
            );
            let fast: Vec<(Range<usize>, Case, bool)> = words(&s).into_iter().map(|w| (w.range, w.case, w.mid)).collect();
            let slow: Vec<(Range<usize>, Case, bool)> = slow_words(&s).into_iter().map(|w| (w.range, w.case, w.mid)).collect();
            proptest::prop_assert_eq!(fast, slow);
            let forms: BTreeSet<&str> = parts.iter().map(|p| if p.len() > 3 { *p } else { "曼格斯套" }).chain(
                s.split(['，', ' ']).filter(|f| !f.is_empty())
            ).collect();
            proptest::prop_assert_eq!(
                substitution_pairs(forms.iter().copied()),
                slow_substitution_pairs(forms.iter().copied())
            );
        }

        #[test]
        fn long_texts_scan_like_the_straightforward_scan(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "曼", "格", "斯", "套", "吉", "州", "尔", "的", "是", "在", "也", "a", "12", " ", "，", "。", "\n", "é",
                "𠀀", "2024年", "Ab", "布", "宣", "×",
            ]), 0..1500),
            min in 1usize..6,
        ) {
            // Long enough for the chunked steps (a thousand bytes and more).
            let s = parts.concat();
            let (chars, weak) = (&ZH_SETS.chars, &ZH_SETS.weak);
            proptest::prop_assert_eq!(
                transliteration_runs(&s, chars, weak, min),
                slow_transliteration_runs(&s, chars, weak, min)
            );
        }

        #[test]
        fn interior_pairs_are_the_pairs_differing_inside(
            forms in proptest::collection::btree_set("[曼吉格斯套尔ab]{1,5}", 0..40)
        ) {
            let interior = |pos: usize, len: usize| pos != 0 && pos + 1 != len;
            let all: BTreeSet<_> = substitution_pairs(forms.iter().map(String::as_str))
                .into_iter()
                .filter(|(a, _, pos)| interior(*pos, a.chars().count()))
                .collect();
            proptest::prop_assert_eq!(substitution_pairs_at(forms.iter().map(String::as_str), interior), all.clone());
            // The forms that share length and ends with another make every interior pair.
            let candidates = forms_sharing_ends(forms.iter().map(String::as_str));
            proptest::prop_assert_eq!(substitution_pairs_at(candidates.into_iter(), interior), all.clone());
            // In any order.
            let candidates = forms_sharing_ends(forms.iter().rev().map(String::as_str));
            proptest::prop_assert_eq!(substitution_pairs_at(candidates.into_iter(), interior), all);
        }

        #[test]
        fn substitution_pairs_agree_on_near_names(
            forms in proptest::collection::btree_set("[曼吉格斯套尔ab]{1,5}", 0..40)
        ) {
            let forms: Vec<&str> = forms.iter().map(String::as_str).collect();
            proptest::prop_assert_eq!(
                substitution_pairs(forms.iter().copied()),
                slow_substitution_pairs(forms.iter().copied())
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn next_letter_or_two_byte_lead_is_the_first_such_byte(
            bytes in proptest::collection::vec(proptest::sample::select(vec![
                0x41u8, 0x5A, 0x61, 0x7A, 0x40, 0x5B, 0x60, 0x7B, 0x20, 0x31, 0x7F, 0x80, 0xBF, 0xC0, 0xC3, 0xDF, 0xE0, 0xE5,
                0xEF, 0xF0, 0xFF,
            ]), 0..70),
            from in 0usize..70,
        ) {
            let from = from.min(bytes.len());
            let slow = (from..bytes.len())
                .find(|&k| bytes[k].is_ascii_alphabetic() || bytes[k] & 0xE0 == 0xC0)
                .unwrap_or(bytes.len());
            proptest::prop_assert_eq!(next_letter_or_two_byte_lead(&bytes, from), slow);
        }
    }

    proptest::proptest! {
        #[test]
        fn ascii_stretch_search_finds_what_the_whole_search_finds(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "Kyiv", "Kiev", "Ky", "iv", "Nur-", "Sultan", "Nursultan", "A", "a", "-", " ", "1", "中文", "é", "\n",
                "𠀀", "Zelenskyy", "Zelensky",
            ]), 0..40),
            ignore_case in proptest::bool::ANY,
        ) {
            let s = parts.concat();
            let ac = AhoCorasickBuilder::new()
                .match_kind(MatchKind::LeftmostLongest)
                .ascii_case_insensitive(ignore_case)
                .build(["Kyiv", "Kiev", "Nur-Sultan", "Nursultan", "Zelensky", "Zelenskyy", "A-1"])
                .expect("matcher");
            let mut stretches = Vec::new();
            dictionary_matches(&ac, &s, true, |m| stretches.push((m.pattern(), m.range())));
            let whole: Vec<_> = ac.find_iter(s.as_str()).map(|m| (m.pattern(), m.range())).collect();
            proptest::prop_assert_eq!(stretches, whole);
        }
    }

    proptest::proptest! {
        #[test]
        fn skip_search_finds_what_the_automaton_finds(
            forms in proptest::collection::vec(proptest::sample::select(vec![
                "普京", "普丁", "特朗普", "川普", "沙特阿拉伯", "沙乌地阿拉伯", "努尔苏丹", "努尔-苏丹", "努尔",
                "京普京", "普京普", "aaaa", "ab普", "尔苏", "普京\n普", "阿拉伯", "特朗普京",
            ]), 1..8),
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "普", "京", "丁", "特", "朗", "川", "沙", "乌", "地", "阿", "拉", "伯", "努", "尔", "苏", "丹", "-", "a",
                "b", "\n", "，", "的", "é", "𠀀", "普京", "aaa", "\u{3f}\u{3f}",
            ]), 0..1000),
        ) {
            let words: Vec<String> = forms.iter().map(|f| f.to_string()).collect();
            let text = parts.concat();
            let ac = AhoCorasickBuilder::new().match_kind(MatchKind::LeftmostLongest).build(&words).expect("matcher");
            let whole: Vec<_> = ac.find_iter(text.as_str()).map(|m| (m.pattern(), m.range())).collect();
            match SkipSearch::new(&words) {
                Some(search) => {
                    let mut skipped = Vec::new();
                    search.find_each(&text, |m| skipped.push((m.pattern(), m.range())));
                    proptest::prop_assert_eq!(skipped, whole);
                }
                None => proptest::prop_assert!(words.iter().any(|w| w.len() < 4)),
            }
        }
    }

    #[test]
    fn known_covers_tries_every_occurrence_of_every_name() {
        let names = |list: &[&str]| list.iter().map(|n| n.to_string()).collect::<Vec<String>>();
        // 巴基斯坦伊斯兰: 基 (position 1) lies inside 巴基斯坦, not inside 伊斯兰.
        let known = names(&["伊斯兰", "巴基斯坦"]);
        assert!(known_covers(&known, "巴基斯坦伊斯兰", 1));
        assert!(!known_covers(&names(&["伊斯兰"]), "巴基斯坦伊斯兰", 1));
        // Every start is tried, and overlapping occurrences of one name count too: in 拉拉拉,
        // position 2 lies only in the 拉拉 that starts at 1.
        assert!(known_covers(&names(&["阿拉"]), "阿阿拉拉", 2));
        assert!(known_covers(&names(&["拉拉"]), "拉拉拉", 2));
        // An empty name covers nothing; a position past the end is covered by nothing.
        assert!(!known_covers(&names(&[""]), "曼格斯套", 1));
        assert!(!known_covers(&names(&["曼格斯套"]), "曼格斯套", 4));
    }

    #[test]
    fn transliteration_runs_take_any_min_length() {
        let (chars, weak) = (&ZH_SETS.chars, &ZH_SETS.weak);
        let text = "曼格斯套州的气价上涨。";
        assert!(transliteration_runs(text, chars, weak, usize::MAX).is_empty());
        assert_eq!(transliteration_runs(text, chars, weak, 0), slow_transliteration_runs(text, chars, weak, 0));
    }

    #[test]
    fn pair_finders() {
        let p = substitution_pairs(["曼格斯套", "曼吉斯套", "曼格斯套尔", "阿拉木图"].into_iter());
        assert_eq!(p.into_iter().collect::<Vec<_>>(), vec![("曼吉斯套", "曼格斯套", 1)]);
        assert!(close_names("Tokayev", "Tokaev") && close_names("Phillips", "Philips"));
        assert!(!close_names("Clark", "Clarke") && !close_names("Russia", "Russian"));
        assert!(!close_names("Tokayev", "Rokayev") && !close_names("Austria", "Australia"));
        let p = one_edit_pairs(["Tokayev", "Tokaev", "Tokayeva"].into_iter());
        assert!(p.contains(&("Tokaev", "Tokayev")) && p.len() == 1, "{p:?}");
    }
}
