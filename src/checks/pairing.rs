//! `pairing`: brackets and quotes that do not pair up within a paragraph: an opener with no
//! closer, a closer with no opener, a curly quote closed by a straight one (“…"), a full-width
//! bracket closed by a half-width one (（…)), and documents that mix curly and straight double
//! quotes in Chinese prose.
//!
//! One linear pass per paragraph keeps a stack of open marks. Apostrophes (don’t, students’,
//! ’90s), inch marks (6"), emoticons (:-) and list labels (1), a), iv)) never take part, and a
//! quotation left open at the end of a paragraph is fine when the next paragraph opens with the
//! same quote (the convention for quotations that run over several paragraphs).

use std::ops::Range;
use std::sync::Arc;

use serde::Deserialize;

use super::{Check, DiagnosticExt, KindInfo, Output, RuleMeta, SpecInput, build_with};
use crate::document::Document;
use crate::text::chars::{is_han, push_places_where};

pub static KIND: KindInfo = KindInfo {
    name: "pairing",
    summary: "unbalanced or mismatched brackets and quotes (“…\", （…), mixed quote styles in one document",
    docs: include_str!("../../docs/checks/pairing.md"),
    build,
};

/// The keys of a `pairing` rule.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Spec {
    /// Which paragraphs the rule reads: `"zh"` those mostly in Han characters, `"en"` the rest.
    language: Language,
    /// What the rule reports: `"unbalanced-bracket"`, `"unbalanced-quote"`,
    /// `"mismatched-quote"` or `"mixed-quote-style"`.
    problem: Problem,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum Language {
    Zh,
    En,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
enum Problem {
    UnbalancedBracket,
    UnbalancedQuote,
    MismatchedQuote,
    MixedQuoteStyle,
}

struct PairingCheck {
    language: Language,
    problem: Problem,
}

fn build(meta: &RuleMeta, input: SpecInput<'_>) -> Result<Box<dyn Check>, super::SpecError> {
    build_with(meta, input, |_, spec: Spec| Ok(PairingCheck { language: spec.language, problem: spec.problem }))
}

/// Families of marks: an opener closed by a different member of its own family is a mismatch
/// rather than two unrelated unbalanced marks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Family {
    Round,
    Square,
    Angle,
    Corner,
    Double,
    Single,
}

impl Family {
    fn is_quote(self) -> bool {
        matches!(self, Family::Double | Family::Single)
    }
}

/// An opener's closer and family.
fn opener(c: char) -> Option<(char, Family)> {
    Some(match c {
        '（' => ('）', Family::Round),
        '(' => (')', Family::Round),
        '[' => (']', Family::Square),
        '［' => ('］', Family::Square),
        '【' => ('】', Family::Square),
        '〔' => ('〕', Family::Square),
        '〖' => ('〗', Family::Square),
        '《' => ('》', Family::Angle),
        '〈' => ('〉', Family::Angle),
        '「' => ('」', Family::Corner),
        '『' => ('』', Family::Corner),
        '“' => ('”', Family::Double),
        '‘' => ('’', Family::Single),
        '"' => ('"', Family::Double),
        _ => return None,
    })
}

/// A closer's opener and family.
fn closer(c: char) -> Option<(char, Family)> {
    Some(match c {
        '）' => ('（', Family::Round),
        ')' => ('(', Family::Round),
        ']' => ('[', Family::Square),
        '］' => ('［', Family::Square),
        '】' => ('【', Family::Square),
        '〕' => ('〔', Family::Square),
        '〗' => ('〖', Family::Square),
        '》' => ('《', Family::Angle),
        '〉' => ('〈', Family::Angle),
        '」' => ('「', Family::Corner),
        '』' => ('『', Family::Corner),
        '”' => ('“', Family::Double),
        '’' => ('‘', Family::Single),
        _ => return None,
    })
}

/// A place in a document: a paragraph (segment index) and a byte range of its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Loc {
    pub seg: usize,
    pub range: Range<usize>,
}

/// What the scan found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Finding {
    pub problem: FindingKind,
    /// The mark that found no partner (or the opener of a mismatched pair).
    pub at: Loc,
    pub mark: char,
    /// The partner it needed.
    pub partner: char,
    /// A mismatched closer: where, and which character.
    pub found: Option<(Loc, char)>,
    /// Whether `mark` is a closer with no opener.
    pub stray_closer: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FindingKind {
    UnbalancedBracket,
    UnbalancedQuote,
    MismatchedQuote,
}

/// The scan of one paragraph.
#[cfg(test)]
#[derive(Debug, Default)]
pub(crate) struct Scan {
    pub findings: Vec<Finding>,
    /// Openers of this paragraph still open at its end, for the next paragraph to close.
    pub leftover: Vec<Open>,
    /// Straight double quotes used as quotes (not inch marks), and the first one.
    pub straight: usize,
    pub first_straight: Option<Range<usize>>,
    /// Curly double quotes, and the first one.
    pub curly: usize,
    pub first_curly: Option<Range<usize>>,
}

/// An open mark waiting for its partner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Open {
    ch: char,
    seg: usize,
    at: usize,
    partner: char,
    family: Family,
    /// How many paragraph ends it has been carried over.
    hops: u8,
}

/// How many paragraph ends an opener may be carried over before it counts as unclosed (a
/// title or quotation broken by stray blank lines).
const MAX_HOPS: u8 = 2;

impl Open {
    fn loc(&self) -> Loc {
        Loc { seg: self.seg, range: self.at..self.at + self.ch.len_utf8() }
    }
}

fn is_latin_letter(c: char) -> bool {
    c.is_alphabetic() && !is_han(c) && !matches!(c as u32, 0x3040..=0x30FF | 0xAC00..=0xD7AF)
}

/// Whether the three-byte character whose lead byte is at `i` is a mark: “”‘’ (E2 80 ..),
/// 〈〉《》「」『』【】〔〕〖〗 (E3 80 ..), ＂（）［］ (EF BC ..). The plain definition that
/// [`starts_mark`] computes for a whole block at once.
#[cfg(test)]
fn is_wide_mark(bytes: &[u8], i: usize) -> bool {
    let Some(&[lead, b1, b2]) = bytes.get(i..i + 3) else {
        return false;
    };
    // Per lead and second byte, one bit per possible third byte (80..BF) that makes a mark.
    let third: u64 = match (lead, b1) {
        (0xE2, 0x80) => bits(&[0x98, 0x99, 0x9C, 0x9D]),
        (0xE3, 0x80) => bits(&[0x88, 0x89, 0x8A, 0x8B, 0x8C, 0x8D, 0x8E, 0x8F, 0x90, 0x91, 0x94, 0x95, 0x96, 0x97]),
        (0xEF, 0xBC) => bits(&[0x82, 0x88, 0x89, 0xBB, 0xBD]),
        _ => return false,
    };
    b2 & 0xC0 == 0x80 && (third >> (b2 & 0x3F)) & 1 == 1
}

/// The bit set of continuation bytes (80..BF) `list`, bit `b - 0x80` for byte `b`.
#[cfg(test)]
const fn bits(list: &[u8]) -> u64 {
    let mut set = 0u64;
    let mut k = 0;
    while k < list.len() {
        set |= 1 << (list[k] & 0x3F);
        k += 1;
    }
    set
}

/// Whether a mark starts at a byte `b0` followed by `b1` and `b2`: `"()[]`, or a wide mark
/// whose three bytes are all checked. Exact, so that the many ，。、：(EF BC 8C, E3 80 82, ...)
/// that share lead and second bytes with the marks are never looked at one by one. Written
/// with non-short-circuit operators so that a block is classified with vector compares.
#[inline(always)]
fn starts_mark(b0: u8, b1: u8, b2: u8) -> bool {
    let ascii = (b0 == b'"') | ((b0 & 0xFE) == b'(') | (b0 == b'[') | (b0 == b']');
    // “”‘’: E2 80 98, 99, 9C, 9D.
    let curly = (b0 == 0xE2) & (b1 == 0x80) & ((b2 & 0xFA) == 0x98);
    // 〈〉《》「」『』【】: E3 80 88..=91; 〔〕〖〗: E3 80 94..=97.
    let cjk = (b0 == 0xE3) & (b1 == 0x80) & ((b2.wrapping_sub(0x88) < 10) | ((b2 & 0xFC) == 0x94));
    // ＂（）［］: EF BC 82, 88, 89, BB, BD.
    let full = (b0 == 0xEF) & (b1 == 0xBC) & ((b2 == 0x82) | ((b2 & 0xFE) == 0x88) | (b2 == 0xBB) | (b2 == 0xBD));
    ascii | curly | cjk | full
}

/// Appends to `out`, in order, the positions of the marks of `bytes`. Bytes are classified 32
/// at a time into a bit mask of the places where marks start, a loop the compiler turns into
/// vector compares; the bits set are exactly the marks.
fn find_marks(bytes: &[u8], out: &mut Vec<usize>) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: `find_marks_avx2` only needs AVX2, which the CPU was just found to have.
        unsafe { find_marks_avx2(bytes, out) };
        return;
    }
    find_marks_portable(bytes, out);
}

/// [`find_marks`] compiled for AVX2: the same code, the blocks classified 32 bytes per vector
/// compare instead of 16.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn find_marks_avx2(bytes: &[u8], out: &mut Vec<usize>) {
    find_marks_portable(bytes, out);
}

/// [`find_marks`] for any CPU.
#[inline(always)]
fn find_marks_portable(bytes: &[u8], out: &mut Vec<usize>) {
    push_places_where(bytes, out, starts_mark);
}

/// The marks of one segment, taken in order from the positions found in the texts of all
/// segments laid end to end (one pass for the document, without a partial block per segment).
struct SegmentMarks<'a> {
    /// Positions of the segment's marks not yet passed, in the joined text.
    positions: &'a [usize],
    /// Where the segment starts in the joined text.
    start: usize,
}

impl SegmentMarks<'_> {
    /// The first mark at or after byte `from` of the segment (`from` never decreases between
    /// calls).
    fn next_from(&mut self, from: usize) -> Option<usize> {
        let target = self.start + from;
        while let Some((&at, rest)) = self.positions.split_first() {
            if at >= target {
                return Some(at - self.start);
            }
            self.positions = rest;
        }
        None
    }
}

/// Whether the `)` or `）` at `i` closes a list label: `1)`, `a)`, `iv)`, `二）` at the start of
/// the paragraph or after white space or punctuation.
fn is_list_label(text: &str, i: usize) -> bool {
    let before = &text[..i];
    let mut label_chars = 0;
    let mut start = i;
    for (j, c) in before.char_indices().rev() {
        if c.is_ascii_alphanumeric() || "一二三四五六七八九十".contains(c) {
            label_chars += 1;
            start = j;
            if label_chars > 3 {
                return false;
            }
        } else {
            break;
        }
    }
    if label_chars == 0 {
        return false;
    }
    let label = &text[start..i];
    let ok_label = label.bytes().all(|b| b.is_ascii_digit())
        || (label.chars().count() == 1)
        || label.bytes().all(|b| matches!(b.to_ascii_lowercase(), b'i' | b'v' | b'x'));
    ok_label && text[..start].chars().next_back().is_none_or(|c| c.is_whitespace() || !c.is_alphanumeric())
}

/// Whether the round bracket at `i` is part of an emoticon: `:)`, `;-)`, `=(`, `):`.
fn is_emoticon(text: &str, i: usize, c: char) -> bool {
    let mut back = text[..i].chars().rev();
    let p = back.next();
    let face = |c: Option<char>| matches!(c, Some(':' | ';' | '='));
    if face(p) || (p == Some('-') && face(back.next())) {
        return true;
    }
    let next = text[i + c.len_utf8()..].chars().next();
    face(next) && p.is_none_or(char::is_whitespace)
}

/// Which way a straight double quote faces, from its neighbours: after a space and before a
/// word it opens; after a word and before a space or punctuation it closes. Between two Han
/// characters (no spaces in Chinese) it is unknown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Facing {
    Opening,
    Closing,
    Unknown,
}

fn facing(prev: Option<char>, next: Option<char>) -> Facing {
    let open_side = |c: Option<char>| c.is_none_or(|c| c.is_whitespace() || "([{—–-/".contains(c));
    let close_side = |c: Option<char>| c.is_none_or(|c| c.is_whitespace() || ",.;:!?)]}—–-/".contains(c));
    let (o, cl) = (open_side(prev), close_side(next));
    match (o, cl) {
        (true, false) => Facing::Opening,
        (false, true) => Facing::Closing,
        _ => Facing::Unknown,
    }
}

/// Whether the text before byte `i` ends a sentence (or is empty): a new quotation may start
/// there while the previous one is still open, the convention for a quotation running over
/// several paragraphs that were later joined.
fn after_sentence_end(text: &str, i: usize) -> bool {
    let before = text[..i].trim_end().trim_end_matches(['\'', '’', '”', ')']);
    before.chars().next_back().is_none_or(|c| ".?!:…。？！：".contains(c))
}

fn mismatch(o: &Open, seg: usize, r: Range<usize>, c: char) -> Finding {
    Finding {
        problem: if o.family.is_quote() { FindingKind::MismatchedQuote } else { FindingKind::UnbalancedBracket },
        at: o.loc(),
        mark: o.ch,
        partner: o.partner,
        found: Some((Loc { seg, range: r }, c)),
        stray_closer: false,
    }
}

fn is_straight(c: char) -> bool {
    c == '"' || c == '＂'
}

/// Scans paragraph `seg` with the openers `carried` over from the previous paragraph (which
/// may close here). `next` is the text of the following paragraph, if any.
#[cfg(test)]
pub(crate) fn scan(seg: usize, text: &str, carried: Vec<Open>, next: Option<&str>) -> Scan {
    let mut stack = carried;
    let mut findings = Vec::new();
    let mut positions = Vec::new();
    find_marks(text.as_bytes(), &mut positions);
    let marks = SegmentMarks { positions: &positions, start: 0 };
    let styles = scan_into(seg, text, marks, &mut stack, next.is_some(), &mut findings);
    Scan {
        findings,
        leftover: stack,
        straight: styles.straight,
        first_straight: styles.first_straight,
        curly: styles.curly,
        first_curly: styles.first_curly,
    }
}

/// Double quotes of one paragraph: straight ones used as quotes (not inch marks) and curly
/// ones, with the first of each.
#[derive(Debug, Default)]
struct QuoteStyles {
    straight: usize,
    first_straight: Option<Range<usize>>,
    curly: usize,
    first_curly: Option<Range<usize>>,
}

/// [`scan`] into buffers the caller reuses: `stack` holds the carried openers on entry and the
/// ones left for the next paragraph on return; findings are appended to `findings`. `marks`
/// is the mark finder of `text` (the caller may have asked it for the first mark already).
fn scan_into(
    seg: usize,
    text: &str,
    mut marks: SegmentMarks<'_>,
    stack: &mut Vec<Open>,
    has_next: bool,
    findings: &mut Vec<Finding>,
) -> QuoteStyles {
    let mut out = ScanOut { findings, styles: QuoteStyles::default() };
    let first_finding = out.findings.len();
    // A quotation that continues: this paragraph opens with the quote left open before.
    if let Some(first) = text.trim_start().chars().next()
        && let Some(k) = stack.iter().rposition(|o| o.family == Family::Double && o.ch == first)
    {
        stack.remove(k);
    }
    // Closing curly quotes still ahead, counted once on first need and kept up to date, so
    // that a paragraph full of quotes stays linear.
    let mut ahead = Ahead::default();
    let mut i = 0;
    while let Some(at) = marks.next_from(i) {
        let Some(c) = text[at..].chars().next() else { break };
        i = at + c.len_utf8();
        ahead.pass(c);
        // The neighbours, decoded only for the quotes that need them (most marks are
        // brackets and curly quotes).
        let end = i;
        let prev = || text[..at].chars().next_back();
        let next_c = || text[end..].chars().next();
        if is_straight(c) {
            let (prev, next_c) = (prev(), next_c());
            // 6" and 5'10" are inch marks, unless they close an open quotation ("50-50").
            if prev.is_some_and(|p| p.is_ascii_digit() || p == '\'') && !stack.last().is_some_and(|o| is_straight(o.ch))
            {
                continue;
            }
            out.styles.straight += 1;
            out.styles.first_straight.get_or_insert(at..i);
            let face = facing(prev, next_c);
            let new = Open { ch: c, seg, at, partner: c, family: Family::Double, hops: 0 };
            match stack.last().copied() {
                Some(top) if is_straight(top.ch) => {
                    if face == Facing::Opening {
                        // A new quotation while one is open: the open one runs on (joined
                        // paragraphs of one quotation) after a sentence end; otherwise this
                        // is a quotation nested with the same marks, one level deep.
                        let straight_open = stack.iter().filter(|o| is_straight(o.ch)).count();
                        if after_sentence_end(text, at) {
                            stack.pop();
                        } else if straight_open >= 2 {
                            stack.pop();
                            out.findings.push(unclosed(&top));
                        }
                        stack.push(new);
                    } else {
                        stack.pop();
                    }
                }
                Some(top) if top.ch == '“' && face != Facing::Opening => {
                    // Straight quotes nested in curly ones, or a curly quote closed by a
                    // straight one: nested only if enough closing curly quotes follow.
                    let open_curly = stack.iter().rev().take(SEARCH).filter(|o| o.ch == '“').count();
                    let closing = ahead.count(text, i, '”');
                    if closing >= open_curly && face == Facing::Unknown {
                        stack.push(new);
                    } else {
                        stack.pop();
                        out.findings.push(mismatch(&top, seg, at..i, c));
                    }
                }
                _ => {
                    if face == Facing::Opening {
                        stack.push(new);
                    } else if let Some(k) = find_near_top(stack, |o| is_straight(o.ch)) {
                        close_down_to(stack, k, out.findings);
                    } else if face == Facing::Closing {
                        out.findings.push(Finding {
                            problem: FindingKind::UnbalancedQuote,
                            at: Loc { seg, range: at..i },
                            mark: c,
                            partner: c,
                            found: None,
                            stray_closer: true,
                        });
                    } else {
                        stack.push(new);
                    }
                }
            }
            continue;
        }
        if let Some((partner, family)) = opener(c) {
            if family == Family::Double {
                out.styles.curly += 1;
                out.styles.first_curly.get_or_insert(at..i);
            }
            match c {
                // ‘90s, rock‘n’roll: apostrophes, not quotes.
                '‘' if next_c().is_some_and(|n| n.is_ascii_digit()) || prev().is_some_and(is_latin_letter) => {
                    continue;
                }
                '(' if is_emoticon(text, at, c) => continue,
                '“' | '‘' => {
                    // An opening quote used again where the closing one belongs: “…“.
                    if let Some(top) = stack.last().copied()
                        && top.ch == c
                    {
                        let open_same = stack.iter().rev().take(SEARCH).filter(|o| o.ch == c).count();
                        let closing = ahead.count(text, i, partner);
                        if closing < open_same + 1 && !(top.seg != seg && after_sentence_end(text, at)) {
                            stack.pop();
                            out.findings.push(mismatch(&top, seg, at..i, c));
                            continue;
                        }
                    }
                }
                _ => {}
            }
            stack.push(Open { ch: c, seg, at, partner, family, hops: 0 });
            continue;
        }
        let Some((open, family)) = closer(c) else { continue };
        if family == Family::Double {
            out.styles.curly += 1;
            out.styles.first_curly.get_or_insert(at..i);
        }
        if c == '’' {
            let (prev, next_c) = (prev(), next_c());
            let letter_before = prev.is_some_and(|p| is_latin_letter(p) || p.is_ascii_digit());
            let word_after = next_c.is_some_and(|n| is_latin_letter(n) || n.is_ascii_digit());
            let top_single = stack.last().is_some_and(|o| o.ch == '‘');
            // don’t, students’ (unless closing an open ‘), ’em, ’90s.
            if (letter_before && (word_after || !top_single)) || (prev.is_none_or(char::is_whitespace) && word_after) {
                continue;
            }
        }
        if c == ')' && is_emoticon(text, at, c) {
            continue;
        }
        if stack.last().is_some_and(|o| o.partner == c) {
            stack.pop();
            continue;
        }
        if let Some(k) = find_near_top(stack, |o| o.partner == c) {
            close_down_to(stack, k, out.findings);
            continue;
        }
        if let Some(top) = stack.last().copied()
            && top.family == family
        {
            stack.pop();
            out.findings.push(mismatch(&top, seg, at..i, c));
            continue;
        }
        if matches!(c, ')' | '）') && is_list_label(text, at) {
            continue;
        }
        out.findings.push(Finding {
            problem: if family.is_quote() { FindingKind::UnbalancedQuote } else { FindingKind::UnbalancedBracket },
            at: Loc { seg, range: at..i },
            mark: c,
            partner: open,
            found: None,
            stray_closer: true,
        });
    }
    // Openers left at the end may still close in the next paragraphs (a stray paragraph
    // break inside a title or a quotation), or a quotation may continue there.
    stack.retain_mut(|o| {
        if has_next && o.hops < MAX_HOPS {
            o.hops += 1;
            true
        } else {
            out.findings.push(unclosed(o));
            false
        }
    });
    out.findings[first_finding..].sort_by_key(|f| (f.at.seg, f.at.range.start));
    out.styles
}

/// Where [`scan_into`] writes.
struct ScanOut<'a> {
    findings: &'a mut Vec<Finding>,
    styles: QuoteStyles,
}

/// How deep below the top of the stack a closer looks for its opener.
const SEARCH: usize = 8;

/// The index of the topmost opener within [`SEARCH`] of the top that satisfies `f`.
fn find_near_top(stack: &[Open], f: impl Fn(&Open) -> bool) -> Option<usize> {
    stack.iter().rev().take(SEARCH).position(f).map(|d| stack.len() - 1 - d)
}

/// Counts of closing curly quotes after the current position of the scan.
#[derive(Default)]
struct Ahead {
    double: Option<usize>,
    single: Option<usize>,
}

impl Ahead {
    /// The scan has reached `c`.
    fn pass(&mut self, c: char) {
        // Nothing counted yet (nearly every paragraph): nothing to keep up to date, and no
        // test of which mark this is (a branch taken at random).
        if self.double.is_none() && self.single.is_none() {
            return;
        }
        let slot = match c {
            '”' => &mut self.double,
            '’' => &mut self.single,
            _ => return,
        };
        if let Some(n) = slot {
            *n = n.saturating_sub(1);
        }
    }

    /// How many `closer` (” or ’) follow byte `from` of `text`.
    fn count(&mut self, text: &str, from: usize, closer: char) -> usize {
        let slot = if closer == '’' { &mut self.single } else { &mut self.double };
        *slot.get_or_insert_with(|| text[from..].matches(closer).count())
    }
}

fn unclosed(o: &Open) -> Finding {
    Finding {
        problem: if o.family.is_quote() { FindingKind::UnbalancedQuote } else { FindingKind::UnbalancedBracket },
        at: o.loc(),
        mark: o.ch,
        partner: o.partner,
        found: None,
        stray_closer: false,
    }
}

/// Closes the opener at stack index `k`; the openers above it never found their partner.
fn close_down_to(stack: &mut Vec<Open>, k: usize, findings: &mut Vec<Finding>) {
    for o in stack.drain(k..).skip(1) {
        findings.push(unclosed(&o));
    }
}

/// Whether a paragraph is mostly Han: lead bytes of U+4000..U+9FFF against ASCII letters (the
/// same test as `text::chars::mostly_han`, by bytes, so it costs one pass). Counted in blocks
/// of 255 bytes with byte-wide counters, a form the compiler turns into vector code.
fn is_zh_bytes(text: &str) -> bool {
    let (mut han, mut latin) = (0usize, 0usize);
    for block in text.as_bytes().chunks(255) {
        let (mut block_han, mut block_latin) = (0u8, 0u8);
        for &b in block {
            block_han += u8::from(b.wrapping_sub(0xE4) < 6);
            block_latin += u8::from((b | 0x20).wrapping_sub(b'a') < 26);
        }
        han += usize::from(block_han);
        latin += usize::from(block_latin);
    }
    han > 0 && han * 2 >= latin
}

fn quote_name(c: char) -> String {
    format!("`{c}`")
}

/// Everything the pairing rules report on one document, computed once and shared by the
/// rules of the kind (they run one after the other on the same thread).
#[derive(Debug, Default)]
struct DocScan {
    findings: Vec<Finding>,
    /// Per segment: mostly Han.
    zh: Vec<bool>,
    /// Double quotes in Chinese paragraphs: counts and the first of each style (left empty in
    /// a document without both styles, where they are never reported).
    straight: usize,
    curly: usize,
    first_straight: Option<Loc>,
    first_curly: Option<Loc>,
}

fn scan_document(doc: &Document) -> DocScan {
    let segs = &doc.segments;
    let mut out = DocScan::default();
    // Per segment, whether it is mostly Han, worked out only where it matters: where double
    // quotes are counted and where findings are.
    let mut zh: Vec<Option<bool>> = vec![None; segs.len()];
    let mut zh_of = |idx: usize| *zh[idx].get_or_insert_with(|| segs.get(idx).is_some_and(|s| is_zh_bytes(&s.text)));
    let mut stack: Vec<Open> = Vec::new();
    let joined = doc.joined_segments();
    let mut positions = Vec::new();
    find_marks(joined.as_str().as_bytes(), &mut positions);
    // The marks of the segments still ahead.
    let mut ahead = &positions[..];
    // The segments with double quotes, and their quotes.
    let mut quoted: Vec<(usize, QuoteStyles)> = Vec::new();
    for (idx, seg) in segs.iter().enumerate() {
        let Some(start) = joined.start(idx) else { break };
        let end = start + seg.text.len();
        let count = ahead.iter().take_while(|&&at| at < end).count();
        let (own, rest) = ahead.split_at(count);
        ahead = rest;
        let marks = SegmentMarks { positions: own, start };
        if stack.is_empty() && own.is_empty() {
            continue;
        }
        let s = scan_into(idx, &seg.text, marks, &mut stack, idx + 1 < segs.len(), &mut out.findings);
        if s.straight > 0 || s.curly > 0 {
            quoted.push((idx, s));
        }
    }
    // The quote styles of the Chinese paragraphs matter only to a document with both styles
    // somewhere: in any other, no paragraph needs telling Chinese or not for them.
    if quoted.iter().any(|(_, s)| s.straight > 0) && quoted.iter().any(|(_, s)| s.curly > 0) {
        for (idx, s) in quoted {
            if !zh_of(idx) {
                continue;
            }
            out.straight += s.straight;
            out.curly += s.curly;
            if out.first_straight.is_none() {
                out.first_straight = s.first_straight.map(|range| Loc { seg: idx, range });
            }
            if out.first_curly.is_none() {
                out.first_curly = s.first_curly.map(|range| Loc { seg: idx, range });
            }
        }
    }
    out.findings.extend(stack.drain(..).map(|o| unclosed(&o)));
    for f in &out.findings {
        zh_of(f.at.seg);
    }
    out.zh = zh.into_iter().map(|z| z == Some(true)).collect();
    out
}

/// The document's scan, shared by every pairing rule that reads it.
fn doc_scan(doc: &Document) -> Arc<DocScan> {
    doc.shared(|| scan_document(doc))
}

impl Check for PairingCheck {
    fn check(&self, doc: &Document, out: &mut Output<'_>) {
        let scan = doc_scan(doc);
        let want_zh = self.language == Language::Zh;
        if self.problem == Problem::MixedQuoteStyle {
            if want_zh
                && let (Some(s), Some(c)) = (&scan.first_straight, &scan.first_curly)
                && let (Some(seg_s), Some(seg_c)) = (doc.segments.get(s.seg), doc.segments.get(c.seg))
            {
                let (n_s, n_c) = (scan.straight.to_string(), scan.curly.to_string());
                out.report(doc.file, seg_s.source_range(s.range.clone()), &[("straight", &n_s), ("curly", &n_c)])
                    .primary_label("straight quote")
                    .label(doc.file, seg_c.source_range(c.range.clone()), "curly quote");
            }
            return;
        }
        for f in &scan.findings {
            let wanted = match f.problem {
                FindingKind::UnbalancedBracket => Problem::UnbalancedBracket,
                FindingKind::UnbalancedQuote => Problem::UnbalancedQuote,
                FindingKind::MismatchedQuote => Problem::MismatchedQuote,
            };
            if wanted == self.problem && scan.zh.get(f.at.seg).copied() == Some(want_zh) {
                out.count("marks unpaired", 1);
                report(doc, f, out);
            }
        }
    }
}

fn report(doc: &Document, f: &Finding, out: &mut Output<'_>) {
    let Some(seg) = doc.segments.get(f.at.seg) else { return };
    let detail = match (&f.found, f.stray_closer) {
        (Some((_, found)), _) => format!("closed by {} instead of {}", quote_name(*found), quote_name(f.partner)),
        (None, true) if is_straight(f.mark) => "no opening quote before it in this paragraph".to_string(),
        (None, true) => format!("no opening {} before it in this paragraph", quote_name(f.partner)),
        (None, false) => format!("no closing {} in this paragraph", quote_name(f.partner)),
    };
    let (mark, partner) = (quote_name(f.mark), quote_name(f.partner));
    let found = f.found.as_ref().map(|(_, c)| quote_name(*c)).unwrap_or_default();
    let vars = [
        ("mark", mark.as_str()),
        ("partner", partner.as_str()),
        ("found", found.as_str()),
        ("detail", detail.as_str()),
    ];
    let d = out.report(doc.file, seg.source_range(f.at.range.clone()), &vars);
    match &f.found {
        Some((loc, _)) => {
            let Some(cseg) = doc.segments.get(loc.seg) else { return };
            let r = cseg.source_range(loc.range.clone());
            d.primary_label("opened here").label(doc.file, r.clone(), "closed here");
            if !is_straight(f.mark) {
                d.help_text(format!("write {partner} instead of {found}"));
            }
            // The fix makes the closer match the opener (not for a straight opener, whose
            // curly partner may be the one meant).
            if cseg.is_verbatim(loc.range.clone()) && !is_straight(f.mark) {
                let mut buf = [0u8; 4];
                d.replace(r, f.partner.encode_utf8(&mut buf).to_string());
            }
        }
        None if f.stray_closer => {
            d.primary_label("no opener");
        }
        None => {
            d.primary_label("no partner");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn kinds(text: &str) -> Vec<(FindingKind, String)> {
        scan(0, text, Vec::new(), None)
            .findings
            .iter()
            .map(|f| (f.problem, text[f.at.range.clone()].to_string()))
            .collect()
    }

    fn is_mark(c: char) -> bool {
        opener(c).is_some() || closer(c).is_some() || is_straight(c)
    }

    fn all_marks(text: &str) -> Vec<usize> {
        all_marks_of(text.as_bytes())
    }

    fn all_marks_of(bytes: &[u8]) -> Vec<usize> {
        let mut found = Vec::new();
        find_marks(bytes, &mut found);
        found
    }

    /// Pieces of text dense in the lead bytes E2, E3 and EF: marks, the punctuation that
    /// shares their first bytes, and broken sequences.
    const DENSE_PIECES: &[&[u8]] = &[
        "，".as_bytes(),
        "。".as_bytes(),
        "、".as_bytes(),
        "：".as_bytes(),
        "“".as_bytes(),
        "”".as_bytes(),
        "‘".as_bytes(),
        "’".as_bytes(),
        "「".as_bytes(),
        "」".as_bytes(),
        "（".as_bytes(),
        "）".as_bytes(),
        "《".as_bytes(),
        "〗".as_bytes(),
        "〘".as_bytes(),
        "［".as_bytes(),
        "］".as_bytes(),
        "＂".as_bytes(),
        "—".as_bytes(),
        "…".as_bytes(),
        "中".as_bytes(),
        b"\xE2",
        b"\xE3",
        b"\xEF",
        b"\xE2\x80",
        b"\xE3\x80",
        b"\xEF\xBC",
        b"\xE3\xBC",
        b"\xEF\x80",
        b"\x80",
        b"\x82",
        b"\x88",
        b"\x98",
        b"\xBB",
        b"\xBD",
        b"\x92",
        b"\xD8",
        b"(",
        b")",
        b"[",
        b"]",
        b"\"",
        b"a",
        b" ",
    ];

    #[test]
    fn byte_test_finds_exactly_the_marks() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let mut buf = [0u8; 4];
            let s = c.encode_utf8(&mut buf);
            assert_eq!(all_marks(s) == [0], is_mark(c), "{c:?}");
        }
        let has_mark = |s: &str| !all_marks(s).is_empty();
        let long = "他说，“好。”（完）[1] \"x\" 《书》".repeat(5);
        let mut portable = Vec::new();
        find_marks_portable(long.as_bytes(), &mut portable);
        assert_eq!(all_marks(&long), portable);
        assert!(!has_mark("他说，好。、") && has_mark("他说，“好。”"));
    }

    #[test]
    fn curly_closed_by_straight_is_a_mismatch() {
        let s = scan(0, "飞机被“恐怖分子\"扣押。", Vec::new(), None);
        assert_eq!(s.findings.len(), 1);
        let f = &s.findings[0];
        assert_eq!(f.problem, FindingKind::MismatchedQuote);
        assert_eq!(f.mark, '“');
        assert_eq!(f.found.as_ref().map(|(_, c)| *c), Some('"'));
    }

    #[test]
    fn nested_straight_inside_curly_is_fine() {
        assert!(kinds("他说：“名为\"和平\"的行动已经开始。”").is_empty());
    }

    #[test]
    fn unbalanced_brackets_and_quotes() {
        assert_eq!(kinds("阿拉木图机场（资料图"), [(FindingKind::UnbalancedBracket, "（".into())]);
        assert_eq!(kinds("阿拉木图机场（资料图)"), [(FindingKind::UnbalancedBracket, "（".into())]);
        assert_eq!(kinds("书名《新闻联播"), [(FindingKind::UnbalancedBracket, "《".into())]);
        assert_eq!(kinds("他说“好。"), [(FindingKind::UnbalancedQuote, "“".into())]);
        assert_eq!(kinds("资料图）"), [(FindingKind::UnbalancedBracket, "）".into())]);
        assert_eq!(kinds("He said (quietly."), [(FindingKind::UnbalancedBracket, "(".into())]);
    }

    #[test]
    fn apostrophes_inches_lists_and_emoticons_are_not_pairs() {
        for s in [
            "Don’t touch the students’ union in the ’90s.",
            "It's the players' choice, isn't it?",
            "He is 6' 2\" tall.",
            "Choose 1) red, 2) blue or a) green.",
            "Great news :) and sad news :-(",
            "一）加强管理；二）完善制度。",
            "‘Yes,’ she said, ‘we’re ready.’",
        ] {
            assert!(kinds(s).is_empty(), "{s}: {:?}", kinds(s));
        }
    }

    #[test]
    fn quotes_may_span_sentences_and_continue_in_the_next_paragraph() {
        assert!(kinds("“第一句。第二句。”他说。").is_empty());
        let first = scan(0, "“The first part.", Vec::new(), Some("“And the rest.”"));
        assert!(first.findings.is_empty());
        assert!(scan(1, "“And the rest.”", first.leftover, None).findings.is_empty());
        let first = scan(0, "“The first part.", Vec::new(), Some("And the rest."));
        let second = scan(1, "And the rest.", first.leftover, None);
        assert_eq!(second.findings.len(), 1);
        assert_eq!(second.findings[0].at, Loc { seg: 0, range: 0..3 });
        // A paragraph break inside a title: the bracket closes in the next paragraph.
        let first = scan(0, "8.【稳字当头：", Vec::new(), Some("怎么看】激发活力"));
        assert!(scan(1, "怎么看】激发活力", first.leftover, None).findings.is_empty());
        // Joined paragraphs of one quotation: a new quotation after a sentence end.
        assert!(kinds("He said: \"We will act. \"It is time,\" he added.").is_empty());
        assert!(kinds("He rates him no better than \"50-50\" to play; the 13\" screen.").is_empty());
        assert!(kinds("\"You skip work because you \"had things to do\"; you stay in,\" he wrote.").is_empty());
        assert!(kinds("\"Say 'wow, that is new.' \"Then wait,\" he said.").is_empty());
        assert_eq!(kinds("He said \"we will \"act\" now."), [(FindingKind::UnbalancedQuote, "\"".into())]);
    }

    #[test]
    fn crossing_marks_report_the_inner_opener() {
        assert_eq!(kinds("（他说“好）。"), [(FindingKind::UnbalancedQuote, "“".into())]);
    }

    #[test]
    fn counts_quote_styles() {
        let s = scan(0, "“甲”与\"乙\"", Vec::new(), None);
        assert_eq!((s.curly, s.straight), (2, 2));
        assert_eq!((s.first_curly, s.first_straight), (Some(0..3), Some(12..13)));
    }

    #[test]
    fn an_opener_may_close_two_paragraphs_later_but_not_three() {
        let paras = ["\"He wanted a real contest. I", "was", "the leader and I wanted a fight,\" he says."];
        let a = scan(0, paras[0], Vec::new(), Some(paras[1]));
        let b = scan(1, paras[1], a.leftover, Some(paras[2]));
        let c = scan(2, paras[2], b.leftover, None);
        assert!(a.findings.is_empty() && b.findings.is_empty() && c.findings.is_empty());
        let paras = ["（注释开始", "第二段", "第三段", "第四段）"];
        let mut carry = Vec::new();
        let mut all = Vec::new();
        for (i, p) in paras.iter().enumerate() {
            let s = scan(i, p, carry, paras.get(i + 1).copied());
            carry = s.leftover;
            all.extend(s.findings);
        }
        assert_eq!(all.iter().filter(|f| f.at.seg == 0 && !f.stray_closer).count(), 1);
    }

    #[test]
    fn pathological_paragraphs_stay_linear() {
        // Quadratic work here would take minutes; linear work takes milliseconds.
        let quotes = "“\"".repeat(50_000);
        assert!(!scan(0, &quotes, Vec::new(), None).findings.is_empty());
        let brackets = format!("{}{}", "(".repeat(50_000), "]".repeat(50_000));
        assert_eq!(scan(0, &brackets, Vec::new(), None).findings.len(), 100_000);
        let reopened = "“".repeat(100_000);
        assert!(!scan(0, &reopened, Vec::new(), None).findings.is_empty());
    }

    const RULES: &str = r#"
[[rule]]
id = "t/bracket"
kind = "pairing"
severity = "warning"
message = "{detail}"
description = "d"
why = "w"
language = "zh"
problem = "unbalanced-bracket"

[[rule]]
id = "t/mixed"
kind = "pairing"
severity = "info"
message = "{straight} straight, {curly} curly"
description = "d"
why = "w"
language = "zh"
problem = "mixed-quote-style"

[[rule]]
id = "t/quote-en"
kind = "pairing"
severity = "warning"
message = "{detail}"
description = "d"
why = "w"
language = "en"
problem = "unbalanced-quote"
"#;

    #[test]
    fn rules_share_one_scan_and_keep_to_their_language() {
        let src = "机场（资料图。\n\n他说“好”，又说\"行\"。\n\nHe said \"no.\n";
        let diags = crate::testing::lint_with_rule(RULES, "a.txt", src);
        let got: Vec<(&str, &str)> = diags.iter().map(|d| (d.rule.as_str(), &src[d.primary.range()])).collect();
        assert_eq!(got, [("t/bracket", "（"), ("t/mixed", "\""), ("t/quote-en", "\"")]);
        // The same text under another name and format is scanned afresh.
        let md = crate::testing::lint_with_rule(RULES, "a.md", "机场（资料图）。");
        assert!(md.is_empty());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn never_panics_and_ranges_are_char_boundaries(s in "[（）()《》“”‘’\"'a-z1 中:;-]{0,40}", n in proptest::option::of("[“\"a]{0,3}")) {
            let first = scan(0, &s, Vec::new(), n.as_deref());
            let mut all = first.findings;
            if let Some(n) = &n {
                all.extend(scan(1, n, first.leftover, None).findings);
            }
            for f in &all {
                let t = if f.at.seg == 0 { s.as_str() } else { n.as_deref().unwrap_or("") };
                prop_assert!(t.is_char_boundary(f.at.range.start) && t.is_char_boundary(f.at.range.end) && f.at.range.end <= t.len());
                if let Some((fr, _)) = &f.found {
                    let t = if fr.seg == 0 { s.as_str() } else { n.as_deref().unwrap_or("") };
                    prop_assert!(t.is_char_boundary(fr.range.start) && t.is_char_boundary(fr.range.end));
                }
            }
        }

        #[test]
        fn marks_are_found_where_the_chars_are(s in "[（）()《》【】〔〕〖〗「」『』〈〉［］＂“”‘’\"\\[\\]，。：、—…a中 ]{0,40}") {
            let expected: Vec<usize> = s.char_indices().filter(|&(_, c)| is_mark(c)).map(|(i, _)| i).collect();
            prop_assert_eq!(all_marks(&s), expected.clone());
            // The code for any CPU finds the same (the dispatch may have taken the AVX2 copy).
            let mut portable = Vec::new();
            find_marks_portable(s.as_bytes(), &mut portable);
            prop_assert_eq!(portable, expected);
        }

        #[test]
        fn block_test_is_the_byte_by_byte_definition(
            pieces in proptest::collection::vec(
                prop_oneof![
                    proptest::sample::select(DENSE_PIECES).prop_map(<[u8]>::to_vec),
                    (0x80u8..=0xBF).prop_map(|b| vec![b]),
                ],
                0..80,
            )
        ) {
            // Whole characters, lone lead bytes, cut sequences and any continuation byte, so
            // that every byte of a mark also turns up in the wrong places and at block edges.
            let bytes: Vec<u8> = pieces.concat();
            let expected: Vec<usize> = (0..bytes.len())
                .filter(|&i| matches!(bytes[i], b'"' | b'(' | b')' | b'[' | b']') || is_wide_mark(&bytes, i))
                .collect();
            prop_assert_eq!(all_marks_of(&bytes), expected.clone());
            let mut portable = Vec::new();
            find_marks_portable(&bytes, &mut portable);
            prop_assert_eq!(portable, expected);
        }

        #[test]
        fn whole_documents_never_panic(s in "[（）()《》【】“”‘’\"'a-z中 \n:#*`-]{0,60}") {
            for name in ["a.md", "a.txt"] {
                for d in crate::testing::lint_with_rule(RULES, name, &s) {
                    prop_assert!(s.is_char_boundary(d.primary.start) && s.is_char_boundary(d.primary.end));
                }
            }
        }
    }
}
