//! `repetition`: a character or word written twice by mistake (由由, "the the").
//!
//! Chinese reduplicates freely (常常, 天天, 看看, 实实在在), and a doubled character also
//! appears where one word ends and the next begins (中国|国际, 为了|了解). So the Chinese mode
//! only looks at *function characters* that never reduplicate (a table in the rule), and even
//! then stays silent when a word from the rule's word table ends at the first copy, starts at
//! the second, or spans both, or when the pair is half of an AABB form. The English mode finds
//! a word repeated with only white space between, skipping capitalised names (Duran Duran),
//! numbers, quoted mentions and an allow-list of grammatical doubles ("had had").

use std::collections::HashSet;

use serde::Deserialize;

use super::timezone::ascii_features;
use super::{Check, DiagnosticExt, KindInfo, Output, RuleMeta, SpecError, SpecInput, build_with};
use crate::document::{Document, Segment};
use crate::text::chars::{SCAN_BLOCK, block_mask, is_ascii_letter, is_han, next_byte_where};
use crate::text::clock::Features;

pub static KIND: KindInfo = KindInfo {
    name: "repetition",
    summary: "a doubled character or word that is not a legitimate reduplication (由由, \"the the\")",
    docs: include_str!("../../docs/checks/repetition.md"),
    build,
};

/// The keys of a `repetition` rule.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Spec {
    /// `"zh"`: doubled Han characters; `"en"`: doubled words of Latin script.
    language: Language,
    /// zh: the function characters that never reduplicate, as one string ("的了在是由…").
    #[serde(default)]
    characters: String,
    /// zh: words that may legitimately touch a doubled character: a word ending with it
    /// before the pair (目的|的), starting with it after (为了|了解), or containing both
    /// copies (不了了之).
    #[serde(default)]
    words: Vec<String>,
    /// en: phrases, case-insensitive, holding a legitimate doubled word: "had had" allows
    /// that pair anywhere; "what it is is" and "waiting for for years" only with the words
    /// around the pair matching.
    #[serde(default)]
    allow: Vec<String>,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum Language {
    Zh,
    En,
}

struct RepetitionCheck {
    language: Language,
    characters: HashSet<char>,
    words: HashSet<String>,
    /// Longest entry of `words`, in characters.
    max_word: usize,
    /// Allowed phrases, lower-cased, as word lists.
    allow: Vec<Vec<String>>,
    /// Every character of `characters` takes three bytes in UTF-8 (true of the Han function
    /// characters), so a doubled one is three bytes repeated and can be found by comparing
    /// bytes.
    three_byte: bool,
}

fn build(meta: &RuleMeta, input: SpecInput<'_>) -> Result<Box<dyn Check>, SpecError> {
    build_with(meta, input, |_, spec: Spec| {
        if spec.language == Language::Zh && spec.characters.is_empty() {
            return Err(SpecError { message: "a `zh` repetition rule needs `characters`".into(), span: None });
        }
        let words: HashSet<String> =
            spec.words.iter().map(|w| w.trim().to_string()).filter(|w| !w.is_empty()).collect();
        let max_word = words.iter().map(|w| w.chars().count()).max().unwrap_or(0);
        let allow = spec
            .allow
            .iter()
            .map(|p| p.split_whitespace().map(str::to_lowercase).collect::<Vec<_>>())
            .filter(|p| !p.is_empty())
            .collect();
        let characters: HashSet<char> = spec.characters.chars().filter(|c| !c.is_whitespace()).collect();
        Ok(RepetitionCheck {
            language: spec.language,
            three_byte: characters.iter().all(|c| c.len_utf8() == 3),
            characters,
            words,
            max_word,
            allow,
        })
    })
}

impl Check for RepetitionCheck {
    fn check(&self, doc: &Document, out: &mut Output<'_>) {
        match self.language {
            Language::Zh if self.three_byte => self.check_zh_joined(doc, out),
            Language::Zh => {
                for seg in &doc.segments {
                    self.check_zh_by_chars(doc, seg, out);
                }
            }
            Language::En => {
                // Segments without an ASCII letter hold no word: the per-segment flags shared
                // with other kinds (found once per document) pass over them unread (in Chinese
                // prose, most).
                let features = ascii_features(doc);
                // The words of a segment, a buffer kept for the next one.
                let mut words_seen = Vec::new();
                for (seg, f) in doc.segments.iter().zip(features.iter()) {
                    if f.any(Features::ALPHA) {
                        self.check_en(doc, seg, out, &mut words_seen);
                    }
                }
            }
        }
    }
}

/// A doubled pair found in segment text: the two copies' byte ranges.
struct Pair {
    first: std::ops::Range<usize>,
    second: std::ops::Range<usize>,
}

fn report(doc: &Document, seg: &Segment, out: &mut Output<'_>, pair: &Pair, word: &str) {
    let text = &seg.text;
    let whole = pair.first.start..pair.second.end;
    let matched = text.get(whole.clone()).unwrap_or("");
    let range = seg.source_range(whole.clone());
    let d = out.report(doc.file, range, &[("match", matched), ("word", word)]);
    d.primary_label(format!("“{word}” twice"));
    // Delete the second copy with what separates it from the first.
    let del = pair.first.end..pair.second.end;
    if seg.is_verbatim(del.clone()) {
        d.replace(seg.source_range(del), "");
    }
}

impl RepetitionCheck {
    /// The three-byte scan over all the segments at once, laid end to end with a newline after
    /// each (one call per short paragraph costs more than the scan itself). A pair is kept only
    /// when both copies lie in one segment: those are exactly the pairs a scan of that segment
    /// alone finds (a pair inside a segment reads only bytes of that segment, and one reaching
    /// past its end is no pair of the segment).
    fn check_zh_joined(&self, doc: &Document, out: &mut Output<'_>) {
        let joined = doc.joined_segments();
        let mut k = 0;
        // The second copy of the last finding: a triple is one finding, so the pair that
        // starts there is not another.
        let mut last_second: Option<usize> = None;
        three_byte_doubles(joined.as_str().as_bytes(), |first, second| {
            while joined.start(k + 1).is_some_and(|s| s <= first) {
                k += 1;
            }
            let (Some(seg), Some(start)) = (doc.segments.get(k), joined.start(k)) else { return };
            let text = seg.text.as_str();
            let (Some(first), Some(second)) = (first.checked_sub(start), second.checked_sub(start)) else { return };
            if second + 3 > text.len() {
                return;
            }
            let Some(c) = text.get(second..second + 3).and_then(|s| s.chars().next()) else { return };
            if last_second == Some(first + start)
                || !is_han(c)
                || !self.characters.contains(&c)
                || self.legitimate_zh(text, first, second, second + 3)
            {
                return;
            }
            out.count("doubled characters", 1);
            let mut buf = [0u8; 4];
            report(
                doc,
                seg,
                out,
                &Pair { first: first..first + 3, second: second..second + 3 },
                c.encode_utf8(&mut buf),
            );
            last_second = Some(second + start);
        });
    }

    /// The Chinese scan one character at a time, for rules whose characters are not all three
    /// bytes long.
    fn check_zh_by_chars(&self, doc: &Document, seg: &Segment, out: &mut Output<'_>) {
        let text = seg.text.as_str();
        // The last Han character seen, its range, and whether only one line break separates it
        // from the current character.
        let mut last: Option<(char, usize, usize)> = None;
        let mut gap_newlines = 0usize;
        for (i, c) in text.char_indices() {
            if c == '\n' || c == '\r' {
                if c == '\n' {
                    gap_newlines += 1;
                }
                continue;
            }
            let end = i + c.len_utf8();
            if let Some((p, ps, pe)) = last
                && p == c
                && gap_newlines <= 1
                && self.characters.contains(&c)
                && !self.legitimate_zh(text, ps, i, end)
            {
                out.count("doubled characters", 1);
                let mut buf = [0u8; 4];
                report(doc, seg, out, &Pair { first: ps..pe, second: i..end }, c.encode_utf8(&mut buf));
                // A triple is one finding.
                last = None;
                gap_newlines = 0;
                continue;
            }
            last = if is_han(c) { Some((c, i, end)) } else { None };
            gap_newlines = 0;
        }
    }

    /// Whether the doubled character at `first` (byte start) and `second..second_end` is a
    /// word boundary, part of a word from the table, or half of an AABB form.
    fn legitimate_zh(&self, text: &str, first: usize, second: usize, second_end: usize) -> bool {
        let span = self.max_word.max(3);
        let before: Vec<char> = text[..first].chars().rev().filter(|c| *c != '\n' && *c != '\r').take(span).collect();
        let after: Vec<char> = text[second_end..].chars().filter(|c| *c != '\n' && *c != '\r').take(span).collect();
        let x = text[second..second_end].chars().next().unwrap_or(' ');
        // AABB: 实实在在, 的的确确.
        if (before.len() >= 2 && before[0] == before[1] && before[0] != x)
            || (after.len() >= 2 && after[0] == after[1] && after[0] != x)
        {
            return true;
        }
        if self.words.is_empty() {
            return false;
        }
        // The context as one char list: before (in order), x, x, after.
        let mut ctx: Vec<char> = before.iter().rev().copied().collect();
        let p1 = ctx.len();
        ctx.push(x);
        ctx.push(x);
        let p2 = p1 + 1;
        ctx.extend(after.iter().copied());
        let mut w = String::new();
        for s in 0..ctx.len() {
            for e in s + 2..=(s + self.max_word).min(ctx.len()) {
                let touches = e == p1 + 1 || s == p2 || (s <= p1 && e > p2);
                if !touches {
                    continue;
                }
                w.clear();
                w.extend(&ctx[s..e]);
                if self.words.contains(&w) {
                    return true;
                }
            }
        }
        false
    }

    fn check_en(&self, doc: &Document, seg: &Segment, out: &mut Output<'_>, words_seen: &mut Vec<(usize, usize)>) {
        let text = seg.text.as_str();
        let bytes = text.as_bytes();
        // Words of ASCII letters (with inner apostrophes), in order: (start, end, joined).
        // A joined word touches a digit, hyphen, other letter or a mark, so it is not a
        // free-standing word (numbers, "so-so", "Boutros-Ghali").
        let mut prev: Option<(usize, usize, bool)> = None;
        let mut i = 0;
        words_seen.clear();
        while let Some(start) = next_letter(bytes, i) {
            i = start;
            while i < bytes.len() {
                let inner_apostrophe = bytes[i] == b'\'' && i + 1 < bytes.len() && bytes[i + 1].is_ascii_alphabetic();
                if bytes[i].is_ascii_alphabetic() || inner_apostrophe {
                    i += 1;
                } else {
                    break;
                }
            }
            let end = i;
            let before = text[..start].chars().next_back();
            let after = text[end..].chars().next();
            let joined = |c: Option<char>| {
                c.is_some_and(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '\u{FFFC}' | '/' | '@' | '&'))
            };
            let is_joined = joined(before) || joined(after);
            if let Some((ps, pe, pj)) = prev
                && !pj
                && !is_joined
                && text[pe..start].chars().all(char::is_whitespace)
                && text[ps..pe].eq_ignore_ascii_case(&text[start..end])
                && self.doubled_word_is_error(text, words_seen, ps, start, end)
            {
                out.count("doubled words", 1);
                let word = text[start..end].to_ascii_lowercase();
                report(doc, seg, out, &Pair { first: ps..pe, second: start..end }, &word);
                prev = None;
                words_seen.push((start, end));
                continue;
            }
            words_seen.push((start, end));
            prev = Some((start, end, is_joined));
        }
    }

    fn doubled_word_is_error(
        &self,
        text: &str,
        words_seen: &[(usize, usize)],
        ps: usize,
        start: usize,
        end: usize,
    ) -> bool {
        let second = &text[start..end];
        // Names and titles: "Duran Duran", "Spend Spend Spend", "Walla Walla".
        if second.chars().next().is_some_and(|c| c.is_ascii_uppercase()) {
            return false;
        }
        // Single letters other than "a" are labels or initials (a) b) c), "x x").
        if second.len() == 1 && !second.eq_ignore_ascii_case("a") {
            return false;
        }
        // A quoted mention of the words themselves: "the the", ‘is is’.
        let quote =
            |c: Option<char>| c.is_some_and(|c| matches!(c, '"' | '\'' | '“' | '”' | '‘' | '’' | '`' | '«' | '»'));
        if quote(text[..ps].chars().next_back()) || quote(text[end..].chars().next()) {
            return false;
        }
        // Allowed phrases holding the pair: the words around it must match the phrase.
        let lower = second.to_ascii_lowercase();
        for phrase in &self.allow {
            for j in 0..phrase.len().saturating_sub(1) {
                if phrase[j] != lower || phrase[j + 1] != lower {
                    continue;
                }
                if phrase.len() == 2 {
                    return false;
                }
                // words_seen ends with the first copy.
                let before = &phrase[..j];
                let after = &phrase[j + 2..];
                let seen = words_seen.len().saturating_sub(1);
                let before_ok = seen >= before.len()
                    && words_seen[seen - before.len()..seen]
                        .iter()
                        .zip(before)
                        .all(|(&(s, e), w)| text[s..e].eq_ignore_ascii_case(w));
                let after_ok = next_words(&text[end..], after.len())
                    .iter()
                    .zip(after)
                    .filter(|(a, b)| a.eq_ignore_ascii_case(b))
                    .count()
                    == after.len();
                if before_ok && after_ok {
                    return false;
                }
            }
        }
        true
    }
}

/// Bytes looked at together by the block tests below.
const BLOCK: usize = SCAN_BLOCK;

/// Calls `found(first, second)`, in order, for every three-byte character repeated right after
/// itself or after a run of `\r` and `\n` holding at most one `\n` (`first` and `second` are
/// the two copies' starts). Blocks of 32 positions are first tested for any three bytes
/// repeating after three, or a line break, in a loop the compiler turns into vector compares;
/// most Chinese text has neither, and only blocks that do are looked at byte by byte.
fn three_byte_doubles(bytes: &[u8], found: impl FnMut(usize, usize)) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: `three_byte_doubles_avx2` only needs AVX2, which the CPU was just found to have.
        unsafe { three_byte_doubles_avx2(bytes, found) };
        return;
    }
    three_byte_doubles_portable(bytes, found);
}

/// [`three_byte_doubles`] compiled for AVX2: the same code, the block tests done 32 bytes per
/// vector compare instead of 16.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn three_byte_doubles_avx2(bytes: &[u8], found: impl FnMut(usize, usize)) {
    three_byte_doubles_portable(bytes, found);
}

/// [`three_byte_doubles`] for any CPU.
#[inline(always)]
fn three_byte_doubles_portable(bytes: &[u8], mut found: impl FnMut(usize, usize)) {
    let mut base = 0;
    while let Some(window) = bytes.get(base..base + BLOCK + 5) {
        if let Ok(window) = <&[u8; BLOCK + 5]>::try_from(window) {
            let mut mask = double_mask(window);
            // Only the flagged positions are looked at: the others neither start a repeat nor
            // hold a line break.
            while mask != 0 {
                let j = base + mask.trailing_zeros() as usize;
                mask &= mask - 1;
                double_at(bytes, j, &mut found);
            }
        }
        base += BLOCK;
    }
    // The last partial block, padded with bytes that neither repeat after three nor break a
    // line, so the block test still spares the byte-by-byte look.
    let tail = bytes.get(base..).unwrap_or_default();
    if tail.is_empty() {
        return;
    }
    let mut window = TAIL_PADDING;
    window[..tail.len()].copy_from_slice(tail);
    // A tail of 33 to 36 bytes has places beyond the block test's 32: those few are always
    // looked at (a line break there may still stand between two copies).
    let from = if double_mask(&window) != 0 { base } else { base + BLOCK };
    for j in from..bytes.len() {
        double_at(bytes, j, &mut found);
    }
}

/// Bytes that neither repeat after three nor break a line, to pad the last block.
const TAIL_PADDING: [u8; BLOCK + 5] = {
    let mut pad = [0u8; BLOCK + 5];
    let mut k = 0;
    while k < pad.len() {
        pad[k] = 0xC0 + k as u8;
        k += 1;
    }
    pad
};

/// One bit per position of the first 32 of `window`, set where three bytes start that repeat
/// right after them, or where a line break is (the flags gathered by [`block_mask`]). Always
/// inlined, so that the AVX2 copy of the scan has its own copy of it.
#[inline(always)]
fn double_mask(window: &[u8; BLOCK + 5]) -> u32 {
    let mut flags = [0u8; BLOCK];
    #[allow(clippy::needless_range_loop)] // plain indexing keeps this loop vectorised
    for k in 0..BLOCK {
        let repeat = (window[k] == window[k + 3]) & (window[k + 1] == window[k + 4]) & (window[k + 2] == window[k + 5]);
        let line_break = (window[k] == b'\n') | (window[k] == b'\r');
        flags[k] = u8::from(repeat | line_break);
    }
    block_mask(&flags)
}

/// [`three_byte_doubles`] at position `j`.
#[inline]
fn double_at(bytes: &[u8], j: usize, found: &mut impl FnMut(usize, usize)) {
    let is_lead = |b: u8| (0xE0..=0xEF).contains(&b);
    let is_break = |b: u8| b == b'\n' || b == b'\r';
    let Some(&b) = bytes.get(j) else { return };
    if is_lead(b) {
        if j + 6 <= bytes.len() && bytes[j..j + 3] == bytes[j + 3..j + 6] {
            found(j, j + 3);
        }
    } else if is_break(b) && j >= 3 && !is_break(bytes[j - 1]) && is_lead(bytes[j - 3]) {
        // A run of line breaks after a three-byte character: the copy may follow it.
        let mut end = j;
        let mut newlines = 0;
        while end < bytes.len() && is_break(bytes[end]) {
            newlines += usize::from(bytes[end] == b'\n');
            end += 1;
        }
        if newlines <= 1 && end + 3 <= bytes.len() && bytes[j - 3..j] == bytes[end..end + 3] {
            found(j - 3, end);
        }
    }
}

/// The first ASCII letter at or after byte `from`.
fn next_letter(bytes: &[u8], from: usize) -> Option<usize> {
    let i = next_byte_where(bytes, from, is_ascii_letter);
    (i < bytes.len()).then_some(i)
}

/// The first `n` words of ASCII letters in `text`, separated only by white space.
fn next_words(text: &str, n: usize) -> Vec<&str> {
    let mut out = Vec::with_capacity(n);
    let mut rest = text;
    while out.len() < n {
        let trimmed = rest.trim_start();
        if trimmed.len() == rest.len() && !out.is_empty() {
            break;
        }
        let len = trimmed.bytes().take_while(|b| b.is_ascii_alphabetic() || *b == b'\'').count();
        if len == 0 {
            break;
        }
        out.push(&trimmed[..len]);
        rest = &trimmed[len..];
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::testing::lint_with_rule;
    use proptest::prelude::*;

    const ZH: &str = r#"
[[rule]]
id = "test/doubled-character"
kind = "repetition"
severity = "warning"
message = "“{word}” is written twice"
description = "d"
why = "w"
language = "zh"
characters = "的了在是由对为以"
words = ["为了", "了解", "目的", "不了了之", "反对", "可以", "现在"]
"#;

    /// [`ZH`] with a two-byte character among its characters (one that is no Han character,
    /// so never reported): the rule takes the scan one character at a time, segment by segment.
    const ZH_BY_CHARS: &str = r#"
[[rule]]
id = "test/doubled-character"
kind = "repetition"
severity = "warning"
message = "“{word}” is written twice"
description = "d"
why = "w"
language = "zh"
characters = "的了在是由对为以é"
words = ["为了", "了解", "目的", "不了了之", "反对", "可以", "现在"]
"#;

    const EN: &str = r#"
[[rule]]
id = "test/doubled-word"
kind = "repetition"
severity = "warning"
message = "“{word}” is written twice"
description = "d"
why = "w"
language = "en"
allow = ["had had", "that that", "what it is is", "for for years"]
"#;

    fn found(rule: &str, src: &str) -> Vec<String> {
        lint_with_rule(rule, "a.txt", src).iter().map(|d| src[d.primary.range()].to_string()).collect()
    }

    #[test]
    fn zh_doubled_function_characters() {
        assert_eq!(found(ZH, "价格由由每升60坚戈提高。"), ["由由"]);
        assert_eq!(found(ZH, "所做出的的努力"), ["的的"]);
        assert_eq!(found(ZH, "价格由\n由每升"), ["由\n由"]);
    }

    #[test]
    fn zh_reduplication_and_word_boundaries_are_fine() {
        for s in [
            "常常天天人人谢谢看看渐渐五五",
            "中国国际",
            "为了了解情况",
            "达到目的的手段",
            "实实在在的好处",
            "不了了之",
            "反对对华制裁",
            "可以以此为例",
            "他现在在北京",
        ] {
            assert!(found(ZH, s).is_empty(), "{s}");
        }
    }

    #[test]
    fn zh_fix_deletes_the_second_copy() {
        let src = "价格由由每升";
        let d = &lint_with_rule(ZH, "a.txt", src)[0];
        let r = &d.fix.as_ref().unwrap().replacements[0];
        assert_eq!(&src[r.start..r.end], "由");
        assert_eq!(r.start, "价格由".len());
    }

    #[test]
    fn en_doubled_words() {
        assert_eq!(found(EN, "He said the the plan failed."), ["the the"]);
        assert_eq!(found(EN, "It went to\nto the end."), ["to\nto"]);
        assert_eq!(found(EN, "The the plan."), ["The the"]);
        assert_eq!(found(EN, "The vote is is low."), ["is is"]);
        assert_eq!(found(EN, "I asked for for help."), ["for for"]);
        let src = "We saw the the end.";
        let d = &lint_with_rule(EN, "a.txt", src)[0];
        let r = &d.fix.as_ref().unwrap().replacements[0];
        assert_eq!(&src[r.start..r.end], " the");
    }

    #[test]
    fn en_legitimate_doubles_are_fine() {
        for s in [
            "She had had enough.",
            "He said that that was wrong.",
            "What it is is a mess.",
            "I have waited for for years.",
            "Duran Duran played.",
            "He scored 10 10 times.",
            "The word \"the the\" is a typo.",
            "A so-so so-so result.",
            "Options a) b) c) c) here.",
            "The, the end.",
        ] {
            assert!(found(EN, s).is_empty(), "{s}");
        }
    }

    /// The pairs the byte scan reports, against a char-by-char reading of the same rule:
    /// adjacent equal three-byte characters with only `\r` and at most one `\n` between.
    fn slow_doubles(text: &str) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut last: Option<(char, usize)> = None;
        let mut newlines = 0;
        for (i, c) in text.char_indices() {
            if c == '\n' || c == '\r' {
                newlines += usize::from(c == '\n');
                continue;
            }
            if let Some((p, ps)) = last
                && p == c
                && newlines <= 1
            {
                out.push((ps, i));
            }
            last = (c.len_utf8() == 3).then_some((c, i));
            newlines = 0;
        }
        out
    }

    fn fast_doubles(text: &str) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        super::three_byte_doubles(text.as_bytes(), |a, b| out.push((a, b)));
        out
    }

    #[test]
    fn byte_scan_finds_the_doubles_of_the_char_scan() {
        let long = format!("{}由由{}的\r\n的{}了\n\n了", "中".repeat(40), "国".repeat(13), "x".repeat(33));
        // A line break at the 33rd of the last 36 bytes, beyond the last block test.
        let break_in_tail = "abcdefghijklmnopqrstuvwxyzABC由\n由";
        assert_eq!(fast_doubles(break_in_tail), vec![(29, 33)]);
        for s in [
            long.as_str(),
            break_in_tail,
            "由由",
            "由\n由",
            "由\r\r\n\r由",
            "由\n\n由",
            "的的的的",
            "a由由",
            "\n由由",
            "𠀀𠀀",
        ] {
            assert_eq!(fast_doubles(s), slow_doubles(s), "{s:?}");
        }
    }

    #[test]
    fn next_letter_skips_whole_blocks() {
        let s = format!("{}ab", "中".repeat(30));
        assert_eq!(super::next_letter(s.as_bytes(), 0), Some(90));
        assert_eq!(super::next_letter(s.as_bytes(), 91), Some(91));
        assert_eq!(super::next_letter("中文".as_bytes(), 0), None);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn byte_scan_matches_the_char_scan(s in "[的由了中a-f \\n\\r𠀀]{0,80}") {
            prop_assert_eq!(fast_doubles(&s), slow_doubles(&s));
            // The code for any CPU finds the same (the dispatch may have taken the AVX2 copy).
            let mut portable = Vec::new();
            super::three_byte_doubles_portable(s.as_bytes(), |a, b| portable.push((a, b)));
            prop_assert_eq!(portable, slow_doubles(&s));
        }

        #[test]
        fn joined_scan_reports_what_the_scan_of_each_segment_reports(
            paragraphs in proptest::collection::vec("[的由了中为解a \n\r]{0,12}", 1..6)
        ) {
            let src = paragraphs.join("\n\n");
            prop_assert_eq!(lint_with_rule(ZH, "a.md", &src), lint_with_rule(ZH_BY_CHARS, "a.md", &src));
        }

        #[test]
        fn never_panics_and_spans_are_char_boundaries(s in "[的由了 a-zA-Z\\n“”\"'-]{0,40}") {
            for rule in [ZH, EN] {
                for d in lint_with_rule(rule, "a.txt", &s) {
                    prop_assert!(s.is_char_boundary(d.primary.start) && s.is_char_boundary(d.primary.end));
                }
            }
        }
    }
}
