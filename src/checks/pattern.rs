//! `pattern`: text that must not (or must) appear in prose.

use std::collections::BTreeMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::{Regex, RegexBuilder};
use serde::Deserialize;
use toml::Spanned;

use super::{Check, DiagnosticExt, KindInfo, Output, RuleMeta, SpecError, SpecInput, build_with};
use crate::document::Document;

pub static KIND: KindInfo = KindInfo {
    name: "pattern",
    summary: "a regex or literal that must not (or must) appear in prose",
    docs: DOCS,
    build,
};

const DOCS: &str = r#"Flags prose that matches a regular expression or one of a list of literal strings
(or, with `mode = "require"`, a document where nothing matches). Only prose is searched:
code, HTML tags and attributes, URLs and front-matter keys never match.

Keys:

  patterns      = ["regex", ...]    regular expressions (Rust `regex` syntax)
  literals      = ["text", ...]     literal strings, all matched in one pass
  replacements  = { "wrong" = "right", ... }
                                    literals with the text that should replace them;
                                    each finding carries a fix and {replacement}
  fix           = "template"        replacement for regex matches; $1 / ${name} are captures
  exceptions    = ["regex", ...]    a match inside a match of one of these is not a finding
  ignore_case   = false
  mode          = "forbid"          or "require": report a document where nothing matches

Message placeholders: {match}, {replacement}, {0}..{9}, and named captures {name}."#;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Spec {
    #[serde(default)]
    patterns: Vec<Spanned<String>>,
    #[serde(default)]
    literals: Vec<String>,
    #[serde(default)]
    replacements: BTreeMap<String, String>,
    #[serde(default)]
    fix: Option<String>,
    #[serde(default)]
    exceptions: Vec<Spanned<String>>,
    #[serde(default)]
    ignore_case: bool,
    #[serde(default)]
    mode: Mode,
}

#[derive(Debug, Default, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum Mode {
    #[default]
    Forbid,
    Require,
}

struct PatternCheck {
    regexes: Vec<Regex>,
    /// Literals and replacement keys, with the replacement (if any) per pattern index.
    literals: Option<(AhoCorasick, Vec<Option<String>>)>,
    /// A quick test that passes over segments holding none of the literals.
    literal_filter: Option<LiteralFilter>,
    fix: Option<String>,
    exceptions: Vec<Regex>,
    mode: Mode,
}

fn compile(pattern: &Spanned<String>, ignore_case: bool) -> Result<Regex, SpecError> {
    RegexBuilder::new(pattern.get_ref())
        .case_insensitive(ignore_case)
        .size_limit(1 << 24)
        .build()
        .map_err(|e| SpecError::at(pattern.span(), format!("invalid regex: {}", first_line(&e.to_string()))))
}

fn first_line(s: &str) -> String {
    // regex errors are multi-line with a caret diagram; the span already points at it.
    s.lines().last().unwrap_or(s).trim().to_string()
}

fn build(meta: &RuleMeta, input: SpecInput<'_>) -> Result<Box<dyn Check>, SpecError> {
    build_with(meta, input, |_, spec: Spec| {
        if spec.patterns.is_empty() && spec.literals.is_empty() && spec.replacements.is_empty() {
            return Err(SpecError {
                message: "a pattern rule needs `patterns`, `literals` or `replacements`".into(),
                span: None,
            });
        }
        let regexes = spec.patterns.iter().map(|p| compile(p, spec.ignore_case)).collect::<Result<Vec<_>, _>>()?;
        let exceptions = spec.exceptions.iter().map(|p| compile(p, spec.ignore_case)).collect::<Result<Vec<_>, _>>()?;
        let mut words: Vec<String> = spec.literals.clone();
        let mut fixes: Vec<Option<String>> = vec![None; words.len()];
        for (from, to) in &spec.replacements {
            words.push(from.clone());
            fixes.push(Some(to.clone()));
        }
        let literals = if words.is_empty() {
            None
        } else {
            let ac = AhoCorasickBuilder::new()
                .match_kind(MatchKind::LeftmostLongest)
                .ascii_case_insensitive(spec.ignore_case)
                .build(&words)
                .map_err(|e| SpecError { message: format!("cannot build the literal matcher: {e}"), span: None })?;
            Some((ac, fixes))
        };
        let literal_filter = if spec.ignore_case { None } else { LiteralFilter::new(&words) };
        Ok(PatternCheck { regexes, literals, literal_filter, fix: spec.fix, exceptions, mode: spec.mode })
    })
}

/// Bits of the hash of four bytes that indexes [`LiteralFilter`]'s tables. Four bytes (rather
/// than three) and a table this large make the windows whose end looks like part of a literal
/// (each one a branch taken at random) a third as many, for a step one byte shorter.
const HASH_BITS: u32 = 14;

/// The hash of four bytes given as one little-endian word.
#[inline]
fn hash_key(key: u32) -> usize {
    (key.wrapping_mul(0x9E37_79B1) >> (32 - HASH_BITS)) as usize
}

/// [`hash_key`] of the four bytes of `bytes` ending at `end`.
#[inline]
fn hash_ending_at(bytes: &[u8], end: usize) -> usize {
    hash_key(u32::from_le_bytes([bytes[end - 4], bytes[end - 3], bytes[end - 2], bytes[end - 1]]))
}

/// Whether a text may hold one of a set of literals, decided with a window as long as the
/// shortest literal sliding over the text (the multi-pattern Horspool scheme of Wu and
/// Manber): the last four bytes of the window, hashed, tell how far it can move without
/// passing over an occurrence; literals are compared only where that is zero. On prose the
/// window moves almost its whole length at each step, so most bytes are never read, where
/// the literal matcher's vector search stumbles over the many Chinese characters that share
/// their first bytes with a literal. It answers no only when no literal occurs, so a text it
/// rules out gives no match.
#[derive(Debug)]
struct LiteralFilter {
    /// The shortest literal's length in bytes.
    window: usize,
    /// Per hash: how far the window may move when its last four bytes hash there.
    shift: Box<[u8; 1 << HASH_BITS]>,
    /// The shift for four bytes that end no part of a literal (the largest).
    shift_for_none: u8,
    /// The literals, each with the hash of the last four bytes of its first `window` bytes.
    literals: Vec<(usize, Vec<u8>)>,
}

impl LiteralFilter {
    /// `None` when the literals are too short for the window to pay (or there are none).
    fn new(words: &[String]) -> Option<LiteralFilter> {
        let window = words.iter().map(String::len).min()?;
        if window < 6 {
            return None;
        }
        let longest_shift = u8::try_from(window - 3).unwrap_or(u8::MAX);
        let mut shift = Box::new([longest_shift; 1 << HASH_BITS]);
        let mut literals = Vec::with_capacity(words.len());
        for word in words {
            let prefix = &word.as_bytes()[..window];
            for end in 4..=window {
                let h = hash_ending_at(prefix, end);
                let s = u8::try_from(window - end).unwrap_or(u8::MAX);
                shift[h] = shift[h].min(s);
            }
            let h = hash_ending_at(prefix, window);
            literals.push((h, word.as_bytes().to_vec()));
        }
        Some(LiteralFilter { window, shift, shift_for_none: longest_shift, literals })
    }

    fn may_contain(&self, text: &[u8]) -> bool {
        const CHUNK: usize = 1024;
        let longest = self.shift_for_none;
        let shift = &*self.shift;
        // The window is at least six bytes long, so `end - 4` never underflows.
        let mut end = self.window;
        loop {
            // Steps inside a chunk read in one piece need no bounds checks: they stop at a
            // zero shift (a possible match), or past the chunk's end. The chunk starts at the
            // window's last four bytes, and `j` is where they are in it.
            while let Some(chunk) = text.get(end - 4..).and_then(|rest| rest.first_chunk::<{ CHUNK + 4 }>()) {
                let mut j = 0;
                while j < CHUNK {
                    let quad = u32::from_le_bytes([chunk[j], chunk[j + 1], chunk[j + 2], chunk[j + 3]]);
                    let s = shift[hash_key(quad)];
                    // The usual case first, as a branch with a constant step: the next
                    // window's bytes can be loaded before this window's shift is known.
                    if s == longest {
                        j += usize::from(longest);
                        continue;
                    }
                    if s == 0 {
                        break;
                    }
                    j += usize::from(s);
                }
                end += j;
                if j < CHUNK {
                    break;
                }
            }
            let Some(&quad) = text.get(end - 4..end).and_then(|w| w.first_chunk::<4>()) else { return false };
            let h = hash_key(u32::from_le_bytes(quad));
            let s = shift[h];
            if s > 0 {
                end += usize::from(s);
                continue;
            }
            let start = end - self.window;
            if self.literals.iter().any(|(lh, lit)| *lh == h && text[start..].starts_with(lit)) {
                return true;
            }
            end += 1;
        }
    }
}

impl Check for PatternCheck {
    fn check(&self, doc: &Document, out: &mut Output<'_>) {
        let mut any = false;
        // A rule of literals only finds nothing in a document whose segments, searched as one
        // text, hold none of them (nearly every document): the segments are not looked at.
        let nothing_to_find = self.regexes.is_empty()
            && self.literal_filter.as_ref().is_some_and(|f| !f.may_contain(doc.joined_segments().as_str().as_bytes()));
        let segments = if nothing_to_find { &[][..] } else { &doc.segments[..] };
        for seg in segments {
            let text = seg.text.as_str();
            let excepted: Vec<(usize, usize)> =
                self.exceptions.iter().flat_map(|re| re.find_iter(text).map(|m| (m.start(), m.end()))).collect();
            let is_excepted = |s: usize, e: usize| excepted.iter().any(|&(a, b)| a <= s && e <= b);
            for re in &self.regexes {
                for caps in re.captures_iter(text) {
                    let m = caps.get(0).expect("group 0");
                    if m.is_empty() || is_excepted(m.start(), m.end()) {
                        continue;
                    }
                    any = true;
                    if self.mode == Mode::Require {
                        continue;
                    }
                    let mut owned: Vec<(String, String)> = Vec::new();
                    for (i, name) in re.capture_names().enumerate() {
                        let value = caps.get(i).map_or("", |c| c.as_str()).to_string();
                        if i < 10 {
                            owned.push((i.to_string(), value.clone()));
                        }
                        if let Some(name) = name {
                            owned.push((name.to_string(), value));
                        }
                    }
                    let replacement = self.fix.as_ref().map(|t| {
                        let mut s = String::new();
                        caps.expand(t, &mut s);
                        s
                    });
                    owned.push(("match".into(), m.as_str().to_string()));
                    owned.push(("replacement".into(), replacement.clone().unwrap_or_default()));
                    let vars: Vec<(&str, &str)> = owned.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                    let range = seg.source_range(m.range());
                    let d = out.report(doc.file, range.clone(), &vars);
                    if let Some(r) = replacement
                        && seg.is_verbatim(m.range())
                    {
                        d.replace(range, r);
                    }
                }
            }
            if let Some((ac, fixes)) = &self.literals
                && self.literal_filter.as_ref().is_none_or(|f| f.may_contain(text.as_bytes()))
            {
                for m in ac.find_iter(text) {
                    if is_excepted(m.start(), m.end()) {
                        continue;
                    }
                    any = true;
                    if self.mode == Mode::Require {
                        continue;
                    }
                    let replacement = fixes[m.pattern().as_usize()].clone();
                    let matched = &text[m.range()];
                    let vars =
                        [("match", matched), ("0", matched), ("replacement", replacement.as_deref().unwrap_or(""))];
                    let range = seg.source_range(m.range());
                    let d = out.report(doc.file, range.clone(), &vars);
                    if let Some(r) = replacement
                        && seg.is_verbatim(m.range())
                    {
                        d.replace(range, r);
                    }
                }
            }
        }
        if self.mode == Mode::Require
            && !any
            && let Some(first) = doc.segments.first()
        {
            let r = first.range();
            out.report(doc.file, r.start..r.start, &[("match", ""), ("replacement", "")]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::LiteralFilter;
    use crate::testing::lint_with_rule;

    const RULE: &str = r#"
[[rule]]
id = "test/should-of"
kind = "pattern"
severity = "warning"
message = "“{match}” should be “{replacement}”"
description = "d"
why = "w"
patterns = ['(?i)\b(should|could|would) of\b']
fix = "$1 have"
exceptions = ['(?i)\b(should|could|would) of course\b']
"#;

    #[test]
    fn literal_filter_never_misses_a_literal() {
        let words: Vec<String> =
            ["再接再励", "一股作气", "再所不惜", "ab再c", "不径而走走走"].map(String::from).to_vec();
        let filter = LiteralFilter::new(&words).expect("long enough");
        let has_any = |t: &str| words.iter().any(|w| t.contains(w.as_str()));
        let pieces = ["再", "接", "励", "一", "股", "作", "气", "所", "不", "惜", "a", "b", "c", "径", "而", "走", " "];
        // Every string of up to four pieces, and longer ones built from them.
        let mut texts = vec![String::new()];
        let mut last = texts.clone();
        for _ in 0..4 {
            last = last.iter().flat_map(|t| pieces.iter().map(move |p| format!("{t}{p}"))).collect();
            texts.extend(last.iter().cloned());
        }
        for t in &texts {
            let long = format!("{t}中文{t}再接{t}");
            for s in [t.as_str(), long.as_str()] {
                assert_eq!(filter.may_contain(s.as_bytes()), has_any(s), "{s}");
            }
        }
        assert!(LiteralFilter::new(&["ab".to_string()]).is_none());
    }

    #[test]
    fn literal_filter_finds_literals_anywhere_in_long_texts() {
        let words: Vec<String> = ["再接再励", "一股作气", "ab再c"].map(String::from).to_vec();
        let filter = LiteralFilter::new(&words).expect("long enough");
        let has_any = |t: &str| words.iter().any(|w| t.contains(w.as_str()));
        // Fillers of one, two and three bytes shift the literal over every offset of the chunks
        // the search reads in one piece (and their ends).
        for filler in ["a", "é", "再", "中文a", "股作"] {
            for reps in (330..370).chain(680..700).chain(1020..1040) {
                let head = filler.repeat(reps);
                for word in &words {
                    let near_miss = &word[..word.len() - word.chars().last().map_or(0, char::len_utf8)];
                    for s in
                        [format!("{head}{word}{head}"), format!("{head}{word}"), format!("{head}{near_miss}x{head}")]
                    {
                        assert_eq!(filter.may_contain(s.as_bytes()), has_any(&s), "{filler} {reps} {word}");
                    }
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn literal_filter_agrees_with_a_plain_search(
            s in "[再接励一股作气abc中文 ]{0,3000}"
        ) {
            let words: Vec<String> = ["再接再励", "一股作气", "ab再c"].map(String::from).to_vec();
            let filter = LiteralFilter::new(&words).expect("long enough");
            proptest::prop_assert_eq!(filter.may_contain(s.as_bytes()), words.iter().any(|w| s.contains(w.as_str())));
        }
    }

    #[test]
    fn regex_with_fix_and_exception() {
        let src = "You should of known. You could of course go.";
        let diags = lint_with_rule(RULE, "a.txt", src);
        assert_eq!(diags.len(), 1);
        let d = &diags[0];
        assert_eq!(&src[d.primary.range()], "should of");
        assert_eq!(d.message, "“should of” should be “should have”");
        assert_eq!(d.fix.as_ref().unwrap().replacements[0].text, "should have");
    }

    #[test]
    fn replacements_table_in_markdown_skips_code() {
        let rule = r#"
[[rule]]
id = "test/typo"
kind = "pattern"
severity = "error"
message = "{match} → {replacement}"
description = "d"
why = "w"
replacements = { "再接再励" = "再接再厉" }
"#;
        let src = "我们要再接再励。`再接再励`\n";
        let diags = lint_with_rule(rule, "a.md", src);
        assert_eq!(diags.len(), 1);
        assert_eq!(&src[diags[0].primary.range()], "再接再励");
        assert_eq!(diags[0].primary.start, "我们要".len());
    }

    #[test]
    fn require_mode_reports_a_document_without_a_match() {
        let rule = r#"
[[rule]]
id = "test/byline"
kind = "pattern"
severity = "info"
message = "no byline"
description = "d"
why = "w"
mode = "require"
patterns = ['记者']
"#;
        assert_eq!(lint_with_rule(rule, "a.txt", "没有署名。").len(), 1);
        assert_eq!(lint_with_rule(rule, "a.txt", "本报记者报道。").len(), 0);
    }
}
