//! Paragraph fingerprints for duplicate detection: normalisation, shingles, one-permutation
//! MinHash with densification, LSH band keys, and exact set similarity.
//!
//! Everything is linear in the text and allocation-light: tokens and shingles are 64-bit
//! hashes computed on the fly (no `String` per token or shingle), one hash per shingle feeds
//! the signature (one-permutation hashing rather than k hash functions). A [`Fingerprint`]
//! (hashes and band keys) is all that grouping and LSH need; the exact shingle set that
//! verifies a candidate pair ([`shingle_set`]) is made from the text only for the few
//! paragraphs that LSH pairs, never for every paragraph.

use rayon::prelude::*;
use unicode_normalization::UnicodeNormalization;

use super::chars::is_han;

/// Bins of the one-permutation MinHash signature.
pub const SIGNATURE_BINS: usize = 64;
/// LSH bands; each band hashes `SIGNATURE_BINS / BANDS` consecutive bins.
pub const BANDS: usize = 16;
const ROWS: usize = SIGNATURE_BINS / BANDS;
/// Longest shingle (in tokens) accepted.
pub const MAX_NGRAM: usize = 16;

/// How a paragraph is cut into shingles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ShingleParams {
    /// Shingle length in characters for CJK text.
    pub ngram_cjk: usize,
    /// Shingle length in words for Latin (and other alphabetic) text.
    pub ngram_words: usize,
}

impl Default for ShingleParams {
    fn default() -> Self {
        ShingleParams { ngram_cjk: 3, ngram_words: 2 }
    }
}

/// What a paragraph is written in, which decides the shingle length and the minimum size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Script {
    /// Mostly Han, kana or Hangul: each character is a token.
    Cjk,
    /// Mostly words of alphabetic script.
    Words,
}

/// The fingerprint of one paragraph.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sketch {
    pub script: Script,
    /// Tokens after normalisation: CJK characters plus words (numbers count as words).
    pub tokens: u32,
    /// Hash of the whole normalised token sequence: equal for texts identical after
    /// normalisation.
    pub exact: u64,
    /// Like `exact`, with every run of figures (digits, Chinese numerals) as one placeholder:
    /// equal for texts that differ only in their figures.
    pub figures_masked: u64,
    /// LSH band keys of the MinHash signature (band index mixed in), 32 bits each: a rare
    /// collision only adds a candidate that verification rejects.
    pub bands: [u32; BANDS],
    /// Sorted, deduplicated shingle hashes, for the exact similarity of candidates.
    pub shingles: Box<[u32]>,
}

impl Sketch {
    /// The sketch without its shingle set.
    pub fn fingerprint(&self) -> Fingerprint {
        Fingerprint { script: self.script, tokens: self.tokens, exact: self.exact, bands: self.bands }
    }
}

/// A [`Sketch`] without the shingle set: what exact grouping and LSH need, fixed in size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fingerprint {
    pub script: Script,
    /// Tokens after normalisation.
    pub tokens: u32,
    /// As [`Sketch::exact`].
    pub exact: u64,
    /// As [`Sketch::bands`].
    pub bands: [u32; BANDS],
}

/// Reusable buffers, so fingerprinting many paragraphs allocates nothing per paragraph.
#[derive(Default)]
pub struct Scratch {
    /// Token hashes (a buffer that only grows: its head holds the current paragraph's).
    tokens: Vec<u64>,
    /// Shingle hashes of the current paragraph.
    hashes: Vec<u64>,
    set: Vec<u32>,
}

#[inline]
const fn fmix64(mut k: u64) -> u64 {
    k ^= k >> 33;
    k = k.wrapping_mul(0xff51_afd7_ed55_8ccd);
    k ^= k >> 33;
    k = k.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    k ^= k >> 33;
    k
}

/// A character that is a token on its own (Han, kana, Hangul syllables).
#[inline]
fn is_cjk_token(c: char) -> bool {
    is_han(c) || matches!(c as u32, 0x3040..=0x30FF | 0xAC00..=0xD7AF)
}

/// Characters whose NFKC form is themselves or a plain shift (fullwidth ASCII, the no-break
/// space), handled without the normalisation tables.
#[inline]
fn fast_char(c: char) -> bool {
    matches!(c as u32,
        0x00..=0x7F | 0x3000..=0x3037 | 0x3041..=0x3096 | 0x30A1..=0x30FA | 0x4E00..=0x9FFF | 0x3400..=0x4DBF
        | 0xFF01..=0xFF5E | 0x2010..=0x2027 | 0xFF5F..=0xFF64 | 0xFFFC)
        || is_latin1_separator(c as u32)
}

/// The Latin-1 characters common in Chinese text (the no-break space, the middle dot between
/// the parts of a foreign name, the plus-minus and multiplication signs): each only separates
/// tokens, is unchanged by NFKC but for the no-break space (a space), and neither composes
/// with its neighbours nor is reordered against them.
#[inline]
fn is_latin1_separator(u: u32) -> bool {
    matches!(u, 0xA0 | 0xB1 | 0xB7 | 0xD7)
}

#[inline]
fn fold_fast(c: char) -> char {
    match c as u32 {
        // Fullwidth ASCII: NFKC maps it to ASCII.
        u @ 0xFF01..=0xFF5E => char::from_u32(u - 0xFEE0).unwrap_or(c),
        0x3000 | 0xA0 => ' ',
        _ => c,
    }
}

/// Where token hashes go.
trait Sink {
    fn put(&mut self, token: u64);
    fn len(&self) -> usize;
}

impl Sink for Vec<u64> {
    #[inline]
    fn put(&mut self, token: u64) {
        self.push(token);
    }

    fn len(&self) -> usize {
        Vec::len(self)
    }
}

/// Token hashes written into a buffer made long enough beforehand: no capacity check or
/// length update in memory per token, as a growing vector needs.
struct SliceSink<'a> {
    buf: &'a mut [u64],
    len: usize,
}

impl Sink for SliceSink<'_> {
    #[inline]
    fn put(&mut self, token: u64) {
        debug_assert!(self.len < self.buf.len(), "more tokens than bytes");
        if let Some(slot) = self.buf.get_mut(self.len) {
            *slot = token;
            self.len += 1;
        }
    }

    fn len(&self) -> usize {
        self.len
    }
}

const WORD_SEED: u64 = 0x9E37_79B9_7F4A_7C15;
const FNV_PRIME: u64 = 0x100_0000_01B3;
/// One multiply suffices for a CJK token: shingles are mixed again as a whole.
const CJK_MUL: u64 = 0xD6E8_FEB8_6659_FD93;

/// The word being read: its hash, and whether it is all digits.
type Word = Option<(u64, bool)>;

#[inline]
fn push_word(word: &mut Word, out: &mut impl Sink) {
    if let Some((h, digits)) = word.take() {
        out.put(token(fmix64(h), digits));
    }
}

/// Adds an ASCII letter or digit to the word being read, or ends the word at any other byte.
#[inline]
fn ascii_char(b: u8, word: &mut Word, out: &mut impl Sink) {
    if b.is_ascii_alphanumeric() {
        let (h, digits) = word.unwrap_or((WORD_SEED, true));
        let h = (h ^ u64::from(b.to_ascii_lowercase())).wrapping_mul(FNV_PRIME);
        *word = Some((h, digits && b.is_ascii_digit()));
    } else {
        push_word(word, out);
    }
}

/// A Han character of the basic block U+4E00..=U+9FFF: a token of its own.
#[inline]
fn basic_han(c: u32, word: &mut Word, out: &mut impl Sink) {
    push_word(word, out);
    han_token(c, out);
}

/// The token of a Han character of the basic block.
#[inline]
fn han_token(c: u32, out: &mut impl Sink) {
    out.put(han_token_hash(c));
}

/// Any other character (already normalised): a separator, a CJK token or part of a word.
/// Returns whether it was a CJK token.
#[inline]
fn other_char(c: char, word: &mut Word, out: &mut impl Sink) -> bool {
    if matches!(c as u32, 0x2010..=0x2027 | 0x3000..=0x3004 | 0x3008..=0x3020 | 0x3030 | 0x303D..=0x303F | 0xFF00..=0xFF0F | 0xFF1A..=0xFF20 | 0xFFFC)
    {
        // Common CJK and typographic punctuation: a separator, without a table lookup.
        push_word(word, out);
    } else if is_cjk_token(c) {
        push_word(word, out);
        out.put(token((c as u64).wrapping_mul(CJK_MUL), is_han_numeral(c)));
        return true;
    } else if c.is_alphanumeric() {
        let (mut h, digits) = word.unwrap_or((WORD_SEED, true));
        if c.is_ascii() {
            h = (h ^ c.to_ascii_lowercase() as u64).wrapping_mul(FNV_PRIME);
        } else {
            for l in c.to_lowercase() {
                h = (h ^ l as u64).wrapping_mul(FNV_PRIME);
            }
        }
        *word = Some((h, digits && c.is_numeric()));
    } else {
        push_word(word, out);
    }
    false
}

/// Splits normalised text into token hashes: each CJK character is a token, each run of
/// other alphanumeric characters (case-folded) is a word token; whitespace, punctuation,
/// symbols and placeholders only separate tokens. Returns the number of CJK tokens, or `None`
/// when `fast` is set and a character needs the normalisation tables.
fn tokenize(chars: impl Iterator<Item = char>, fast: bool, out: &mut impl Sink) -> Option<usize> {
    let mut word: Word = None;
    let mut cjk = 0;
    for c in chars {
        if matches!(c as u32, 0x4E00..=0x9FFF) {
            // The common case in Chinese text, first: a Han character of the basic block.
            basic_han(c as u32, &mut word, out);
            cjk += 1;
            continue;
        }
        let c = if fast {
            if !fast_char(c) {
                return None;
            }
            let c = fold_fast(c);
            if c.is_ascii() {
                ascii_char(c as u8, &mut word, out);
                continue;
            }
            c
        } else {
            c
        };
        cjk += usize::from(other_char(c, &mut word, out));
    }
    push_word(&mut word, out);
    Some(cjk)
}

/// Where the byte-level tokenizer gave up: the text from byte `at` on (the start of a basic
/// Han character, or 0) needs the normalisation tables; the `tokens` tokens before it stand,
/// `cjk` of them CJK characters.
#[derive(Clone, Copy, Debug)]
struct SlowFrom {
    at: usize,
    tokens: usize,
    cjk: usize,
}

/// `tokenize(text.chars(), true, out)` reading bytes: ASCII and the basic Han block (the bulk
/// of the text) are decoded inline, and every character the fast path accepts is ASCII or
/// three bytes long, so any other sequence means the normalisation tables are needed.
///
/// Then only the text from the last basic Han character on is normalised: such a character
/// never combines with its neighbours under NFKC and ends any word, so the tokens before it
/// are those of the whole text (and the fast path gives the tokens of NFKC for text it
/// accepts).
fn tokenize_fast(text: &str, out: &mut SliceSink<'_>) -> Result<usize, SlowFrom> {
    let bytes = text.as_bytes();
    let mut rest = bytes;
    let mut word: Word = None;
    let mut cjk = 0;
    let mut restart = SlowFrom { at: 0, tokens: 0, cjk: 0 };
    loop {
        match *rest {
            [] => break,
            [b, ref tail @ ..] if b < 0x80 => {
                ascii_char(b, &mut word, out);
                rest = tail;
            }
            [b0 @ 0xE0..=0xEF, b1, b2, ref tail @ ..] => {
                let u = (u32::from(b0 & 0x0F) << 12) | (u32::from(b1 & 0x3F) << 6) | u32::from(b2 & 0x3F);
                if (0x4E00..=0x9FFF).contains(&u) {
                    push_word(&mut word, out);
                    han_token(u, out);
                    // The rest of a run of basic Han characters and common punctuation, in a
                    // tight loop.
                    let run = han_run(tail, out.buf.get_mut(out.len..).unwrap_or(&mut []));
                    out.len += run.tokens;
                    let han = run.tokens + 1;
                    // The last Han character is where the normalised reading would restart.
                    let last_han = bytes.len() - tail.len() + run.last_han_end - 3;
                    restart = SlowFrom { at: last_han, tokens: out.len() - 1, cjk: cjk + han - 1 };
                    cjk += han;
                    rest = tail.get(run.read..).unwrap_or(&[]);
                    continue;
                } else if matches!(u, 0x2010..=0x2027 | 0x3001..=0x3003 | 0x3008..=0x3011 | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20)
                {
                    // The common CJK and typographic punctuation: it only ends a word (as
                    // the general path below finds, after width folding for the fullwidth
                    // forms).
                    push_word(&mut word, out);
                } else {
                    let c = match char::from_u32(u) {
                        Some(c) if fast_char(c) => fold_fast(c),
                        _ => break,
                    };
                    if c.is_ascii() {
                        ascii_char(c as u8, &mut word, out);
                    } else {
                        cjk += usize::from(other_char(c, &mut word, out));
                    }
                }
                rest = tail;
            }
            // Two-byte characters: only the separators among them.
            [b0 @ 0xC2..=0xC3, b1, ref tail @ ..]
                if is_latin1_separator((u32::from(b0 & 0x1F) << 6) | u32::from(b1 & 0x3F)) =>
            {
                push_word(&mut word, out);
                rest = tail;
            }
            _ => break,
        }
    }
    if !rest.is_empty() {
        out.len = restart.tokens;
        return Err(restart);
    }
    push_word(&mut word, out);
    Ok(cjk)
}

/// What [`han_run`] read.
struct HanRun {
    /// Tokens written (one per Han character).
    tokens: usize,
    /// Bytes read.
    read: usize,
    /// Where the last Han character read ends (0 when there is none: the Han character
    /// just before the run).
    last_han_end: usize,
}

/// Tokens of the basic Han characters at the start of `bytes`, written into `out` (as many as
/// fit), reading on over the common CJK and typographic punctuation between them (which only
/// ends words, and no word is being read). Kept apart so the loop has registers to itself.
#[inline(never)]
fn han_run(bytes: &[u8], out: &mut [u64]) -> HanRun {
    if out.len() < bytes.len() / 3 {
        return han_run_bounded(bytes, out);
    }
    let (mut n, mut at) = (0, 0usize);
    // Whether a character is Han or punctuation is a coin toss where punctuation is common:
    // both are read without a branch, and the only jumps are those that end the run. A
    // token is written for punctuation too, in the place the next token takes (`out` has a
    // place for every three bytes: `n <= at / 3 < bytes.len() / 3`).
    for window in bytes.chunks_exact(3) {
        let u = char_at_lead(window[0], window[1], window[2]);
        let class = run_class(u);
        if class & RUN_GOES_ON == 0 {
            break;
        }
        if let Some(slot) = out.get_mut(n) {
            *slot = (u64::from(u).wrapping_mul(CJK_MUL) & !1) | u64::from(class & RUN_NUMERAL);
        }
        n += usize::from((class & RUN_HAN) >> 1);
        at += 3;
    }
    // The punctuation the run ends with stepped back over (a few characters at most).
    let mut last_han_end = at;
    while let Some(&[b0, b1, b2]) = last_han_end.checked_sub(3).and_then(|from| bytes.get(from..last_han_end)) {
        if char_at_lead(b0, b1, b2).wrapping_sub(0x4E00) <= 0x9FFF - 0x4E00 {
            break;
        }
        last_han_end -= 3;
    }
    HanRun { tokens: n, read: at, last_han_end }
}

/// [`han_run`] when `out` may be too short for the run: it stops at the first Han character
/// without a place.
fn han_run_bounded(bytes: &[u8], out: &mut [u64]) -> HanRun {
    let (mut n, mut at, mut last_han_end) = (0, 0, 0);
    // Any character starts a three-byte window here (a shorter tail ends the run): the window
    // is decoded as if it were a three-byte character, which is exact for the characters
    // tested below and out of their ranges for any other lead byte (see `char_at_lead`).
    while let Some(&[b0, b1, b2]) = bytes.get(at..at + 3) {
        let u = char_at_lead(b0, b1, b2);
        let offset = u.wrapping_sub(0x4E00);
        if offset <= 0x9FFF - 0x4E00 {
            let Some(slot) = out.get_mut(n) else { break };
            *slot = basic_han_token(u, offset);
            n += 1;
            at += 3;
            last_han_end = at;
        } else if is_word_ending_punctuation(u) {
            at += 3;
        } else {
            break;
        }
    }
    HanRun { tokens: n, read: at, last_han_end }
}

/// [`RUN_CLASS`] bits: the character is a Han numeral.
const RUN_NUMERAL: u8 = 1;
/// [`RUN_CLASS`] bits: the character is a basic Han character (a token).
const RUN_HAN: u8 = 2;
/// [`RUN_CLASS`] bits: a [`han_run`] reads on over the character (Han or word-ending
/// punctuation).
const RUN_GOES_ON: u8 = 4;

/// What [`han_run`] needs of every character below U+10000, in one load: whether the run goes
/// on over it, whether it is a Han token and whether that is a numeral. Loads instead of range
/// tests, which become jumps whose outcome is a coin toss where punctuation is common.
static RUN_CLASS: [u8; 0x10000] = {
    let mut t = [0u8; 0x10000];
    let punctuation: [(usize, usize); 5] =
        [(0x2010, 0x2027), (0x3001, 0x3003), (0x3008, 0x3011), (0xFF01, 0xFF0F), (0xFF1A, 0xFF20)];
    let mut r = 0;
    while r < punctuation.len() {
        let mut u = punctuation[r].0;
        while u <= punctuation[r].1 {
            t[u] = RUN_GOES_ON;
            u += 1;
        }
        r += 1;
    }
    let mut u = 0x4E00;
    while u <= 0x9FFF {
        t[u] = RUN_GOES_ON | RUN_HAN | BASIC_HAN_NUMERAL_FLAGS[u - 0x4E00];
        u += 1;
    }
    t
};

/// The [`RUN_CLASS`] bits of `u` (as [`char_at_lead`] gives it, any value): none at or above
/// U+10000.
#[inline]
fn run_class(u: u32) -> u8 {
    RUN_CLASS.get(u as usize).copied().unwrap_or(0)
}

/// The common CJK and typographic punctuation between Han characters: it only ends a word
/// (as the general path finds, after width folding for the fullwidth forms).
#[inline]
fn is_word_ending_punctuation(u: u32) -> bool {
    matches!(u, 0x2010..=0x2027 | 0x3001..=0x3003 | 0x3008..=0x3011 | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20)
}

/// The character starting with lead byte `b0` (at a character boundary of a `str`) followed by
/// `b1` and `b2`, when `b0` leads a three-byte sequence. For any other lead byte the result is
/// below U+2000 (ASCII and two-byte leads: at most 0xDF << 12 + 0xFF << 6 + 0xFF, less the
/// offset, or a wrapped-around huge value) or above U+FFFF (four-byte leads), so outside every
/// range the fast paths test it against.
#[inline]
fn char_at_lead(b0: u8, b1: u8, b2: u8) -> u32 {
    ((u32::from(b0) << 12) + (u32::from(b1) << 6) + u32::from(b2)).wrapping_sub((0xE0 << 12) + (0x80 << 6) + 0x80)
}

/// The token hash of a basic Han character `u` (U+4E00..=U+9FFF) at `offset` from U+4E00.
#[inline]
fn basic_han_token(u: u32, offset: u32) -> u64 {
    // The mask keeps the index in the table without a bounds check.
    let numeral = BASIC_HAN_NUMERAL_FLAGS[offset as usize & (BASIC_HAN_FLAGS - 1)];
    (u64::from(u).wrapping_mul(CJK_MUL) & !1) | u64::from(numeral)
}

/// The token hash of a basic Han character (U+4E00..=U+9FFF).
#[inline]
fn han_token_hash(c: u32) -> u64 {
    basic_han_token(c, c.wrapping_sub(0x4E00))
}

/// A token hash whose lowest bit says whether the token is a figure.
#[inline]
fn token(hash: u64, figure: bool) -> u64 {
    (hash & !1) | u64::from(figure)
}

const HAN_NUMERALS: [char; 17] =
    ['〇', '零', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '百', '千', '万', '亿', '两'];

/// Entries of the table below: a power of two above 0x9FFF - 0x4E00.
const BASIC_HAN_FLAGS: usize = 1 << 15;
const _: () = assert!(BASIC_HAN_FLAGS > 0x9FFF - 0x4E00 && BASIC_HAN_FLAGS.is_power_of_two());

/// `is_han_numeral` for the basic Han block U+4E00..=U+9FFF, one byte (0 or 1) per character:
/// one load in the hot loop (fewer instructions than a bitmap).
static BASIC_HAN_NUMERAL_FLAGS: [u8; BASIC_HAN_FLAGS] = {
    let mut t = [0u8; BASIC_HAN_FLAGS];
    let mut i = 0;
    while i < HAN_NUMERALS.len() {
        let u = HAN_NUMERALS[i] as usize;
        if u >= 0x4E00 && u <= 0x9FFF {
            t[u - 0x4E00] = 1;
        }
        i += 1;
    }
    t
};

fn is_han_numeral(c: char) -> bool {
    matches!(
        c,
        '〇' | '零'
            | '一'
            | '二'
            | '三'
            | '四'
            | '五'
            | '六'
            | '七'
            | '八'
            | '九'
            | '十'
            | '百'
            | '千'
            | '万'
            | '亿'
            | '两'
    )
}

/// Token hashes of `text` after NFKC normalisation and Latin case folding; returns how many
/// are CJK characters.
pub fn tokens(text: &str, out: &mut Vec<u64>) -> usize {
    let (n, cjk) = tokens_into(text, out);
    out.truncate(n);
    cjk
}

/// Like [`tokens`], into the first `n` places of `buf` (which may hold more): `(n, CJK tokens)`.
/// The buffer only grows, so reusing it costs nothing per paragraph.
fn tokens_into(text: &str, buf: &mut Vec<u64>) -> (usize, usize) {
    // The fast path makes no more tokens than the text has bytes.
    if buf.len() <= text.len() {
        buf.resize(text.len() + 1, 0);
    }
    let mut sink = SliceSink { buf, len: 0 };
    match tokenize_fast(text, &mut sink) {
        Ok(cjk) => (sink.len, cjk),
        Err(slow) => {
            buf.truncate(slow.tokens);
            let cjk = slow.cjk + tokenize(text.get(slow.at..).unwrap_or("").nfkc(), false, buf).unwrap_or(0);
            (buf.len(), cjk)
        }
    }
}

/// The script of a paragraph of `len` tokens, `cjk` of them CJK characters.
fn script_of(len: usize, cjk: usize) -> Script {
    if cjk > 0 && cjk * 2 >= len { Script::Cjk } else { Script::Words }
}

/// Shingle length for a paragraph of `len` (at least one) tokens.
fn ngram_of(script: Script, params: ShingleParams, len: usize) -> usize {
    match script {
        Script::Cjk => params.ngram_cjk,
        Script::Words => params.ngram_words,
    }
    .clamp(1, MAX_NGRAM)
    .min(len)
}

/// The hash of every shingle of `n` (1..=len) tokens, in order, in the head of `buf` (which
/// only grows); returns how many. A rolling polynomial hash over the last n token hashes,
/// H = Σ t_i · B^(n-1-i), mixed.
fn shingle_hashes(toks: &[u64], n: usize, buf: &mut Vec<u64>) -> usize {
    const B: u64 = 0x9E37_79B9_7F4A_7C15;
    let b_pow = (1..n).fold(1u64, |p, _| p.wrapping_mul(B));
    let Some((head, tail)) = toks.split_at_checked(n) else { return 0 };
    let count = tail.len() + 1;
    if buf.len() < count {
        buf.resize(count, 0);
    }
    let mut h = head.iter().fold(0u64, |h, &t| h.wrapping_mul(B).wrapping_add(t));
    let (first, rest) = buf[..count].split_at_mut(1);
    first[0] = fmix64(h);
    // Equal lengths, so the loop has no bounds checks: the token leaving the window is n
    // places behind the one entering it.
    let gone = &toks[..tail.len()];
    for i in 0..rest.len() {
        h = h.wrapping_sub(gone[i].wrapping_mul(b_pow)).wrapping_mul(B).wrapping_add(tail[i]);
        rest[i] = fmix64(h);
    }
    count
}

/// Enters the hash of every shingle of `n` (1..=len) tokens (as [`shingle_hashes`]) in the
/// one-permutation MinHash signature `sig`, as they are made (nothing is stored); returns the
/// mask of the bins filled.
fn sign_shingles(toks: &[u64], n: usize, sig: &mut [u32; SIGNATURE_BINS]) -> u64 {
    const B: u64 = 0x9E37_79B9_7F4A_7C15;
    let b_pow = (1..n).fold(1u64, |p, _| p.wrapping_mul(B));
    let Some((head, tail)) = toks.split_at_checked(n) else { return 0 };
    let mut filled = 0u64;
    let mut sign = |s: u64| {
        // The top bits pick the bin (below 64: no bounds check), the low bits compete for it.
        let bin = (s >> 58) as usize;
        sig[bin] = sig[bin].min(s as u32);
        filled |= 1 << bin;
    };
    let mut h = head.iter().fold(0u64, |h, &t| h.wrapping_mul(B).wrapping_add(t));
    sign(fmix64(h));
    // The token leaving the window is n places behind the one entering it.
    for (&gone, &t) in toks.iter().zip(tail) {
        h = h.wrapping_sub(gone.wrapping_mul(b_pow)).wrapping_mul(B).wrapping_add(t);
        sign(fmix64(h));
    }
    filled
}

/// [`sign_shingles`] and [`exact_hash`] in one pass, for shingles of `N` tokens: each
/// shingle's polynomial hash is computed on its own (Horner's rule over its `N` tokens, the
/// same value as the rolling hash), so no step waits on the previous one, and the serial chain
/// of the sequence hash overlaps with the shingle work. Returns the mask of the bins filled and
/// the sequence hash.
fn sign_shingles_and_hash<const N: usize>(toks: &[u64], sig: &mut [u32; SIGNATURE_BINS]) -> (u64, u64) {
    const B: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut exact = EXACT_SEED ^ toks.len() as u64;
    let mut filled = 0u64;
    // The tokens before the first shingle's last one enter the sequence hash alone (all of
    // them when there are fewer than `N`, and then no shingle).
    for &t in toks.iter().take(N.saturating_sub(1)) {
        exact = exact_step(exact, t);
    }
    for window in toks.windows(N) {
        let Ok(window) = <&[u64; N]>::try_from(window) else { continue };
        exact = exact_step(exact, window[N - 1]);
        let h = window.iter().fold(0u64, |h, &t| h.wrapping_mul(B).wrapping_add(t));
        let s = fmix64(h);
        let bin = (s >> 58) as usize;
        sig[bin] = sig[bin].min(s as u32);
        filled |= 1 << bin;
    }
    (filled, exact)
}

/// The value a shingle hash has in the exact shingle set.
#[inline]
fn set_value(s: u64) -> u32 {
    (s >> 32) as u32
}

const SEQUENCE_MUL: u64 = 0x9E37_79B9_7F4A_7C15;

/// [`Sketch::exact`] of a token sequence.
fn exact_hash(toks: &[u64]) -> u64 {
    toks.iter().fold(EXACT_SEED ^ toks.len() as u64, |h, &t| exact_step(h, t))
}

const EXACT_SEED: u64 = 0x243F_6A88_85A3_08D3;

/// One token into [`exact_hash`].
#[inline]
fn exact_step(h: u64, t: u64) -> u64 {
    (h.rotate_left(23) ^ t).wrapping_mul(SEQUENCE_MUL)
}

/// [`Sketch::figures_masked`] of a token sequence: [`exact_hash`] with every run of figures as
/// one placeholder.
fn figures_masked_hash(toks: &[u64]) -> u64 {
    let mut masked = 0x1319_8A2E_0370_7344u64;
    let mut in_figure = false;
    for &t in toks {
        let figure = t & 1 == 1;
        if !(figure && in_figure) {
            let m = if figure { 0x5EED } else { t };
            masked = (masked.rotate_left(23) ^ m).wrapping_mul(SEQUENCE_MUL);
        }
        in_figure = figure;
    }
    masked
}

/// [`Sketch::figures_masked`] of a paragraph (not part of its [`Fingerprint`]: only pairs
/// already found similar need it).
pub fn figures_masked(text: &str, scratch: &mut Scratch) -> u64 {
    let (n, _) = tokens_into(text, &mut scratch.tokens);
    figures_masked_hash(scratch.tokens.get(..n).unwrap_or(&[]))
}

/// Fingerprints token hashes (`None` for no token or too few); with `VALUES`, also appends the
/// set value of every shingle to `values` (unsorted, repeats kept; nothing when `None`).
fn fingerprint_tokens<const VALUES: bool>(
    toks: &[u64],
    cjk: usize,
    params: ShingleParams,
    min_cjk: usize,
    min_words: usize,
    hashes: &mut Vec<u64>,
    values: &mut Vec<u32>,
) -> Option<Fingerprint> {
    if toks.is_empty() {
        return None;
    }
    let script = script_of(toks.len(), cjk);
    let min = match script {
        Script::Cjk => min_cjk,
        Script::Words => min_words,
    };
    if toks.len() < min {
        return None;
    }
    let n = ngram_of(script, params, toks.len());

    // One-permutation MinHash: the top bits pick the bin, the low bits compete for it; a bin
    // is filled once any shingle falls in it.
    let mut sig = [u32::MAX; SIGNATURE_BINS];
    let mut filled = 0u64;
    let exact;
    // The shingle hashes first, in a loop of their own: with the signature in the same loop
    // there are too few registers for all the state.
    if VALUES {
        exact = exact_hash(toks);
        let count = shingle_hashes(toks, n, hashes);
        let hashes = &hashes[..count];
        for &s in hashes {
            let bin = (s >> 58) as usize;
            sig[bin] = sig[bin].min(s as u32);
            filled |= 1 << bin;
        }
        values.extend(hashes.iter().map(|&s| set_value(s)));
    } else {
        (filled, exact) = match n {
            2 => sign_shingles_and_hash::<2>(toks, &mut sig),
            3 => sign_shingles_and_hash::<3>(toks, &mut sig),
            _ => (sign_shingles(toks, n, &mut sig), exact_hash(toks)),
        };
    }
    densify(&mut sig, filled);
    let mut bands = [0u32; BANDS];
    for (b, key) in bands.iter_mut().enumerate() {
        let mut k = (b as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        for &v in &sig[b * ROWS..(b + 1) * ROWS] {
            k = fmix64(k ^ v as u64);
        }
        *key = (k >> 32) as u32;
    }
    Some(Fingerprint { script, tokens: u32::try_from(toks.len()).unwrap_or(u32::MAX), exact, bands })
}

/// Fingerprints a paragraph, or `None` when it has no token, or fewer than `min_cjk` tokens
/// (CJK script) or `min_words` tokens (word script).
pub fn fingerprint_if_long(
    text: &str,
    params: ShingleParams,
    min_cjk: usize,
    min_words: usize,
    scratch: &mut Scratch,
) -> Option<Fingerprint> {
    let (n, cjk) = tokens_into(text, &mut scratch.tokens);
    let toks = scratch.tokens.get(..n).unwrap_or(&[]);
    fingerprint_tokens::<false>(toks, cjk, params, min_cjk, min_words, &mut scratch.hashes, &mut scratch.set)
}

/// Like [`fingerprint_if_long`], and appends the set value of each of the paragraph's shingles
/// to `values` (unsorted, with repeats): sorted and deduplicated, they are its shingle set.
pub fn fingerprint_with_values_if_long(
    text: &str,
    params: ShingleParams,
    min_cjk: usize,
    min_words: usize,
    scratch: &mut Scratch,
    values: &mut Vec<u32>,
) -> Option<Fingerprint> {
    let (n, cjk) = tokens_into(text, &mut scratch.tokens);
    let toks = scratch.tokens.get(..n).unwrap_or(&[]);
    fingerprint_tokens::<true>(toks, cjk, params, min_cjk, min_words, &mut scratch.hashes, values)
}

/// The sorted, deduplicated shingle set of `text` (what [`Sketch::shingles`] holds), in `out`;
/// empty when the text has no token.
pub fn shingle_set(text: &str, params: ShingleParams, scratch: &mut Scratch, out: &mut Vec<u32>) {
    out.clear();
    append_shingle_set(text, params, scratch, out);
}

/// Appends the shingle set of `text` (as [`shingle_set`] makes it) to `out`, so that the sets
/// of many paragraphs can share one list.
pub fn append_shingle_set(text: &str, params: ShingleParams, scratch: &mut Scratch, out: &mut Vec<u32>) {
    let (n, cjk) = tokens_into(text, &mut scratch.tokens);
    let toks = scratch.tokens.get(..n).unwrap_or(&[]);
    if toks.is_empty() {
        return;
    }
    let n = ngram_of(script_of(toks.len(), cjk), params, toks.len());
    let count = shingle_hashes(toks, n, &mut scratch.hashes);
    let start = out.len();
    out.extend(scratch.hashes.iter().take(count).map(|&s| set_value(s)));
    let set = &mut out[start..];
    set.sort_unstable();
    // Repeats removed in place, then the list cut after the last kept value.
    let mut kept = usize::from(!set.is_empty());
    for i in 1..set.len() {
        if set[i] != set[kept - 1] {
            set[kept] = set[i];
            kept += 1;
        }
    }
    out.truncate(start + kept);
}

/// Fingerprints a paragraph, or `None` when it has no token at all.
pub fn sketch(text: &str, params: ShingleParams, scratch: &mut Scratch) -> Option<Sketch> {
    sketch_if_long(text, params, 0, 0, scratch)
}

/// Like [`sketch`], but `None` (without the cost of fingerprinting) when the paragraph has
/// fewer than `min_cjk` tokens (CJK script) or `min_words` tokens (word script).
pub fn sketch_if_long(
    text: &str,
    params: ShingleParams,
    min_cjk: usize,
    min_words: usize,
    scratch: &mut Scratch,
) -> Option<Sketch> {
    let (n, cjk) = tokens_into(text, &mut scratch.tokens);
    let toks = scratch.tokens.get(..n).unwrap_or(&[]);
    let set = &mut scratch.set;
    set.clear();
    let fp = fingerprint_tokens::<true>(toks, cjk, params, min_cjk, min_words, &mut scratch.hashes, set)?;
    set.sort_unstable();
    set.dedup();
    Some(Sketch {
        script: fp.script,
        tokens: fp.tokens,
        exact: fp.exact,
        figures_masked: figures_masked_hash(toks),
        bands: fp.bands,
        shingles: Box::from(set.as_slice()),
    })
}

/// Bin probed by empty bin `i` at its `attempt`-th try.
const fn probe(i: usize, attempt: u64) -> usize {
    (fmix64(((i as u64) << 32) | attempt) % SIGNATURE_BINS as u64) as usize
}

/// Tries of every empty bin's probe sequence that are precomputed.
const PROBED: usize = 24;

/// The first `PROBED` bins of every bin's probe sequence (attempts 1, 2, ...).
static PROBES: [[u8; PROBED]; SIGNATURE_BINS] = {
    let mut t = [[0u8; PROBED]; SIGNATURE_BINS];
    let mut i = 0;
    while i < SIGNATURE_BINS {
        let mut a = 0;
        while a < PROBED {
            t[i][a] = probe(i, a as u64 + 1) as u8;
            a += 1;
        }
        i += 1;
    }
    t
};

// `filled` is a bit mask of the bins.
const _: () = assert!(SIGNATURE_BINS == 64);

/// Optimal densification (Shrivastava, 2017): an empty bin borrows the value of the first
/// filled bin on its own pseudo-random probe sequence, so similar sets borrow alike.
fn densify(sig: &mut [u32; SIGNATURE_BINS], filled: u64) {
    if filled == 0 || filled == u64::MAX {
        return;
    }
    let is_filled = |j: usize| (filled >> j) & 1 == 1;
    // Only empty bins are written, and they borrow only from filled ones: every value read is
    // an original one, with no copy of the signature.
    let mut empty = !filled;
    while empty != 0 {
        let i = empty.trailing_zeros() as usize;
        empty &= empty - 1;
        let probes = &PROBES[i];
        // Which of the first four probes hit a filled bin, as a mask: no branch per probe,
        // whose outcome is a coin toss when a fair share of the bins is empty.
        let hits = (0..4).fold(0u32, |m, a| m | (((filled >> probes[a]) & 1) as u32) << a);
        let from = if hits != 0 {
            probes[hits.trailing_zeros() as usize] as usize
        } else if let Some(&j) = probes[4..].iter().find(|&&j| is_filled(j as usize)) {
            j as usize
        } else {
            let mut attempt = 1 + PROBED as u64;
            loop {
                let j = probe(i, attempt);
                if is_filled(j) {
                    break j;
                }
                attempt += 1;
            }
        };
        sig[i] = sig[from];
    }
}

/// |a ∩ b| of two sorted, deduplicated sets.
pub fn intersection(a: &[u32], b: &[u32]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    // Branch-free merge: which side advances is data, not a jump the CPU must guess.
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i], b[j]);
        n += usize::from(x == y);
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    n
}

/// Exact Jaccard similarity of two sorted, deduplicated sets (1.0 for two empty sets).
pub fn jaccard(a: &[u32], b: &[u32]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let inter = intersection(a, b);
    inter as f64 / (a.len() + b.len() - inter) as f64
}

/// [`jaccard`] when it is at least `threshold`, else an upper bound of it below `threshold`:
/// the merge stops as soon as the values left cannot lift the similarity to the threshold.
pub fn jaccard_at_least(a: &[u32], b: &[u32], threshold: f64) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let total = a.len() + b.len();
    // As `jaccard` computes it, which grows with the intersection.
    let sim = |inter: usize| inter as f64 / (total - inter) as f64;
    let most = a.len().min(b.len());
    // The smallest intersection that reaches the threshold, if any does.
    let estimate = (threshold * total as f64 / (1.0 + threshold)).ceil();
    let mut need = if estimate.is_finite() && estimate > 0.0 { (estimate as usize).min(most) } else { 0 };
    while need > 0 && sim(need - 1) >= threshold {
        need -= 1;
    }
    while need <= most && sim(need) < threshold {
        need += 1;
    }
    if need > most {
        return sim(most);
    }
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        let reachable = n + (a.len() - i).min(b.len() - j);
        if reachable < need {
            return sim(reachable);
        }
        let (x, y) = (a[i], b[j]);
        n += usize::from(x == y);
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    sim(n)
}

/// Share of the smaller set found in the larger one.
pub fn containment(a: &[u32], b: &[u32]) -> f64 {
    let small = a.len().min(b.len());
    if small == 0 {
        return 0.0;
    }
    intersection(a, b) as f64 / small as f64
}

/// Key lists longer than this are split into parts by the top bits of the band key, in
/// parallel, so that each part is grouped in cache.
const SMALL_KEY_SET: usize = 1 << 15;

/// Bits of the band key that pick a key's part.
const KEY_PART_BITS: u32 = 10;
const KEY_PARTS: usize = 1 << KEY_PART_BITS;

/// Keys partitioned together (one task's worth).
const CHUNK_KEYS: usize = 1 << 16;

/// Lists of keys, each partitioned by the top [`KEY_PART_BITS`] bits of the band key.
trait PartedKeys: Sync {
    /// Appends the keys of part `p` whose id `keep` accepts.
    fn extend_part(&self, p: usize, keep: &impl Fn(u32) -> bool, out: &mut Vec<u64>);

    /// How many keys the list holds.
    fn len(&self) -> usize;
}

/// A list of keys reordered by their part (top [`KEY_PART_BITS`] bits): part `p` is
/// `keys[starts[p]..starts[p + 1]]`.
struct PartitionedKeys {
    keys: Vec<u64>,
    starts: Vec<usize>,
}

impl PartitionedKeys {
    /// One counting pass and one scatter into a new list.
    fn of(keys: &[u64]) -> PartitionedKeys {
        let part = |k: u64| (k >> (64 - KEY_PART_BITS)) as usize;
        let mut starts = vec![0usize; KEY_PARTS + 1];
        for &k in keys {
            starts[part(k) + 1] += 1;
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        let mut next = starts.clone();
        let mut out = vec![0u64; keys.len()];
        for &k in keys {
            let p = part(k);
            out[next[p]] = k;
            next[p] += 1;
        }
        PartitionedKeys { keys: out, starts }
    }
}

impl PartedKeys for PartitionedKeys {
    fn extend_part(&self, p: usize, keep: &impl Fn(u32) -> bool, out: &mut Vec<u64>) {
        let keys = self.keys.get(self.starts[p]..self.starts[p + 1]).unwrap_or(&[]);
        out.extend(keys.iter().copied().filter(|&k| keep(k as u32)));
    }

    fn len(&self) -> usize {
        self.keys.len()
    }
}

/// Bits of a sketch's place in a [`PackedChunk`].
const SLOT_BITS: u32 = 10;
const PACKED_SKETCHES: usize = 1 << SLOT_BITS;
// The band key's bits below its part and the slot share 32 bits.
const _: () = assert!(SLOT_BITS <= KEY_PART_BITS);

/// The keys of up to [`PACKED_SKETCHES`] sketches in half the room of a key list: a key is
/// kept as 32 bits, the band key's bits below its part and the sketch's place in the chunk
/// (the part is where the key is, the id is looked up), reordered by part.
struct PackedChunk {
    ids: Vec<u32>,
    packed: Vec<u32>,
    starts: Box<[u32; KEY_PARTS + 1]>,
}

impl PackedChunk {
    /// The keys of the sketches `ids[s]` with band keys `bands[s]` (as many of each).
    fn of(ids: Vec<u32>, bands: &[[u32; BANDS]]) -> PackedChunk {
        let part = |band: u32| (band >> (32 - KEY_PART_BITS)) as usize;
        let below_part = |band: u32| band & (u32::MAX >> KEY_PART_BITS);
        // Arrays indexed by a part: no bounds checks.
        let mut starts = [0u32; KEY_PARTS + 1];
        for b in bands {
            for &band in b {
                starts[part(band) + 1] += 1;
            }
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        let mut next = starts;
        let mut packed = vec![0u32; bands.len() * BANDS];
        for (slot, b) in bands.iter().enumerate() {
            for &band in b {
                let p = part(band);
                packed[next[p] as usize] = (below_part(band) << SLOT_BITS) | slot as u32;
                next[p] += 1;
            }
        }
        PackedChunk { ids, packed, starts: Box::new(starts) }
    }
}

impl PartedKeys for PackedChunk {
    fn extend_part(&self, p: usize, keep: &impl Fn(u32) -> bool, out: &mut Vec<u64>) {
        let range = self.starts[p] as usize..self.starts[p + 1] as usize;
        let high = (p as u32) << (32 - KEY_PART_BITS);
        out.extend(self.packed.get(range).unwrap_or(&[]).iter().filter_map(|&v| {
            let band = high | (v >> SLOT_BITS);
            let id = self.ids[(v & ((1 << SLOT_BITS) - 1)) as usize];
            keep(id).then_some((u64::from(band) << 32) | u64::from(id))
        }));
    }

    fn len(&self) -> usize {
        self.packed.len()
    }
}

/// Words of each bit map of a [`RepeatFilter`]: 64 Ki bits, some forty per key of a part of a
/// large run (a larger part only lets more keys through to the exact comparison).
const FILTER_WORDS: usize = 1 << 10;

/// Two bit maps indexed by the low bits of the band key: which were seen, and which were seen
/// twice. A key whose bit was seen only once has a band key of its own; the others (the
/// shared ones, and a few that share only the bit) are sorted and compared exactly.
struct RepeatFilter {
    /// Both all zero between lists.
    seen: Box<[u64; FILTER_WORDS]>,
    twice: Box<[u64; FILTER_WORDS]>,
    maybe: Vec<u64>,
}

impl Default for RepeatFilter {
    fn default() -> RepeatFilter {
        RepeatFilter { seen: Box::new([0; FILTER_WORDS]), twice: Box::new([0; FILTER_WORDS]), maybe: Vec::new() }
    }
}

impl RepeatFilter {
    /// Appends to `shared` the keys of `keys` whose band key occurs more than once in it,
    /// sorted.
    fn shared_sorted(&mut self, keys: &[u64], shared: &mut Vec<u64>) {
        if keys.len() < 2 {
            return;
        }
        let place = |k: u64| {
            let i = (k >> 32) as usize;
            ((i >> 6) & (FILTER_WORDS - 1), 1u64 << (i & 63))
        };
        // Without branches: most keys are unique, and which is which cannot be guessed.
        for &k in keys {
            let (w, b) = place(k);
            self.twice[w] |= self.seen[w] & b;
            self.seen[w] |= b;
        }
        self.maybe.clear();
        // A plain loop: the test inlined, and its jump is well guessed (few keys pass).
        for &k in keys {
            let (w, b) = place(k);
            if self.twice[w] & b != 0 {
                self.maybe.push(k);
            }
        }
        // The maps set back to zero: as a whole when the keys are many (a fill is cheaper
        // than a store per key), else only the words used.
        if keys.len() > FILTER_WORDS / 4 {
            self.seen.fill(0);
            self.twice.fill(0);
        } else {
            for &k in keys {
                let (w, _) = place(k);
                self.seen[w] = 0;
                self.twice[w] = 0;
            }
        }
        self.maybe.sort_unstable();
        for g in self.maybe.chunk_by(|a, b| a >> 32 == b >> 32) {
            if g.len() > 1 {
                shared.extend_from_slice(g);
            }
        }
    }
}

/// The keys whose high half (the band key) occurs in more than one key, sorted.
fn shared_keys(keys: &[u64]) -> Vec<u64> {
    if keys.len() <= SMALL_KEY_SET {
        // A short list (a document's): grouped at once, with this thread's bit maps.
        thread_local! {
            static FILTER: std::cell::RefCell<RepeatFilter> = std::cell::RefCell::new(RepeatFilter::default());
        }
        let mut shared = Vec::new();
        FILTER.with(|f| f.borrow_mut().shared_sorted(keys, &mut shared));
        return shared;
    }
    let chunks: Vec<PartitionedKeys> = keys.par_chunks(CHUNK_KEYS).map(PartitionedKeys::of).collect();
    shared_keys_of_parts(&chunks, &|_| true)
}

/// [`shared_keys`] of a list given in partitioned chunks (of the keys whose id `keep`
/// accepts): each part (or group of neighbouring parts) gathered from every chunk and grouped
/// on its own, in parallel; the parts, in order, give the sorted list.
fn shared_keys_of_parts(chunks: &[impl PartedKeys], keep: &(impl Fn(u32) -> bool + Sync)) -> Vec<u64> {
    shared_keys_by_group(chunks, keep).concat()
}

/// [`shared_keys_of_parts`] as one sorted list per group of neighbouring parts, in order (a
/// band key's keys are all in one group).
fn shared_keys_by_group(chunks: &[impl PartedKeys], keep: &(impl Fn(u32) -> bool + Sync)) -> Vec<Vec<u64>> {
    // Neighbouring parts are grouped together when they are small (a short list), so that a
    // group holds some two thousand keys.
    let total: usize = chunks.iter().map(PartedKeys::len).sum();
    let groups = (total / 2048).next_power_of_two().clamp(1, KEY_PARTS);
    let parts_per_group = KEY_PARTS / groups;
    let per_part: Vec<Vec<u64>> = (0..groups)
        .into_par_iter()
        .map_init(
            || (Vec::new(), RepeatFilter::default()),
            |(part, filter), g| {
                part.clear();
                for chunk in chunks {
                    for p in g * parts_per_group..(g + 1) * parts_per_group {
                        chunk.extend_part(p, keep, part);
                    }
                }
                let mut shared = Vec::new();
                filter.shared_sorted(part, &mut shared);
                shared
            },
        )
        .collect();
    per_part
}

/// For each of `ids` (ascending, each below `len`), the first earlier one with the same
/// `key`, by a hash table; `None` for the first of each key.
pub fn first_with_same_key(ids: &[u32], len: usize, key: impl Fn(u32) -> u64) -> Vec<Option<u32>> {
    const EMPTY: u32 = u32::MAX;
    let mut first_of: Vec<Option<u32>> = vec![None; len];
    let size = (ids.len() * 2).next_power_of_two().max(16);
    let mask = size - 1;
    let mut slots = vec![EMPTY; size];
    for &i in ids {
        let k = key(i);
        let mut s = (fmix64(k) as usize) & mask;
        loop {
            let f = slots[s];
            if f == EMPTY {
                slots[s] = i;
                break;
            }
            if key(f) == k {
                if let Some(slot) = first_of.get_mut(i as usize) {
                    *slot = Some(f);
                }
                break;
            }
            s = (s + 1) & mask;
        }
    }
    first_of
}

/// Candidate pairs `(i, j)`, `i < j`, of sketches sharing an LSH band key, sorted and
/// deduplicated. A bucket larger than `bucket_cap` (template text recurring everywhere) is
/// chained instead of paired all with all: each member is paired with the bucket's first and
/// its predecessor, which keeps the work linear while still connecting the group.
pub fn lsh_candidates<'a>(
    sketches: impl Iterator<Item = (u32, &'a Sketch)>,
    bucket_cap: usize,
    allow: impl FnMut(u32, u32) -> bool,
) -> Vec<(u32, u32)> {
    lsh_candidates_by_bands(sketches.map(|(id, s)| (id, &s.bands)), bucket_cap, allow)
}

/// [`lsh_candidates`] of the band keys alone (of [`Fingerprint`]s).
pub fn lsh_candidates_by_bands<'a>(
    bands: impl Iterator<Item = (u32, &'a [u32; BANDS])>,
    bucket_cap: usize,
    allow: impl FnMut(u32, u32) -> bool,
) -> Vec<(u32, u32)> {
    let mut keys: Vec<u64> = Vec::new();
    for (id, b) in bands {
        keys.extend(band_keys(id, b));
    }
    lsh_candidates_of_keys(keys, bucket_cap, allow)
}

/// The LSH keys of one sketch (`band key << 32 | id`, sorted as plain integers), as
/// [`lsh_candidates_of_keys`] takes them.
pub fn band_keys(id: u32, bands: &[u32; BANDS]) -> impl Iterator<Item = u64> + '_ {
    bands.iter().map(move |&k| (u64::from(k) << 32) | u64::from(id))
}

/// [`lsh_candidates`] of the [`band_keys`] of every sketch, in any order (so that they can be
/// made in parallel).
pub fn lsh_candidates_of_keys(
    keys: Vec<u64>,
    bucket_cap: usize,
    allow: impl FnMut(u32, u32) -> bool,
) -> Vec<(u32, u32)> {
    // Only band keys that occur twice or more give pairs: set those apart (most keys are
    // unique).
    let shared = shared_keys(&keys);
    drop(keys);
    pairs_of_buckets(&shared, bucket_cap, allow)
}

/// The LSH keys of many sketches, packed and partitioned, for [`lsh_candidates_of_packed`].
pub struct PackedKeys {
    chunks: Vec<PackedChunk>,
}

/// The keys of `count` sketches, the `k`th of which `sketch(k)` gives as its id and band
/// keys, read in parallel and partitioned as they are made (never gathered into one list).
pub fn pack_sketch_keys(count: usize, sketch: impl Fn(usize) -> (u32, [u32; BANDS]) + Sync) -> PackedKeys {
    let chunks = (0..count.div_ceil(PACKED_SKETCHES))
        .into_par_iter()
        .map_init(Vec::new, |bands, c| {
            let range = c * PACKED_SKETCHES..((c + 1) * PACKED_SKETCHES).min(count);
            let mut ids = Vec::with_capacity(range.len());
            bands.clear();
            for k in range {
                let (id, b) = sketch(k);
                ids.push(id);
                bands.push(b);
            }
            PackedChunk::of(ids, bands)
        })
        .collect();
    PackedKeys { chunks }
}

/// [`lsh_candidates`] of the packed sketches whose id `keep` accepts: the others are left
/// out before the buckets are formed, as if never packed.
pub fn lsh_candidates_of_packed(
    keys: PackedKeys,
    keep: impl Fn(u32) -> bool + Sync,
    bucket_cap: usize,
    allow: impl Fn(u32, u32) -> bool + Sync,
) -> Vec<(u32, u32)> {
    let groups = shared_keys_by_group(&keys.chunks, &keep);
    drop(keys);
    // The buckets of each group paired in parallel, then all pairs sorted together (one pair
    // may share keys of several bands, in different groups).
    let mut pairs: Vec<(u32, u32)> = groups
        .par_iter()
        .flat_map_iter(|shared| {
            let mut pairs = Vec::new();
            push_bucket_pairs(shared, bucket_cap, &allow, &mut pairs);
            pairs
        })
        .collect();
    pairs.par_sort_unstable();
    pairs.dedup();
    pairs
}

/// The pairs of the buckets of `keys` (sorted; only shared band keys), sorted and
/// deduplicated.
fn pairs_of_buckets(keys: &[u64], bucket_cap: usize, allow: impl FnMut(u32, u32) -> bool) -> Vec<(u32, u32)> {
    let mut pairs = Vec::new();
    push_bucket_pairs(keys, bucket_cap, allow, &mut pairs);
    pairs.sort_unstable();
    pairs.dedup();
    pairs
}

/// Appends the pairs of the buckets of `keys` (sorted; only shared band keys), in bucket
/// order, repeats included.
fn push_bucket_pairs(
    keys: &[u64],
    bucket_cap: usize,
    mut allow: impl FnMut(u32, u32) -> bool,
    pairs: &mut Vec<(u32, u32)>,
) {
    for bucket in keys.chunk_by(|a, b| a >> 32 == b >> 32) {
        let id = |k: u64| k as u32;
        if bucket.len() <= bucket_cap {
            for (x, &ka) in bucket.iter().enumerate() {
                for &kb in &bucket[x + 1..] {
                    let (a, b) = (id(ka), id(kb));
                    if a != b && allow(a, b) {
                        pairs.push((a.min(b), a.max(b)));
                    }
                }
            }
        } else {
            let first = id(bucket[0]);
            for w in bucket.windows(2) {
                for (a, b) in [(first, id(w[1])), (id(w[0]), id(w[1]))] {
                    if a != b && allow(a, b) {
                        pairs.push((a.min(b), a.max(b)));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sk(text: &str) -> Sketch {
        sketch(text, ShingleParams::default(), &mut Scratch::default()).unwrap()
    }

    #[test]
    fn normalisation_ignores_width_case_space_and_punctuation() {
        let a = sk("Almaty Airport, RETAKEN by the government!");
        let b = sk("almaty   airport retaken by the GOVERNMENT");
        assert_eq!(a.exact, b.exact);
        assert_eq!(a.shingles, b.shingles);
        let c = sk("阿拉木图机场已恢复运转，航班１２架。");
        let d = sk("阿拉木图机场 已恢复运转 航班12架");
        assert_eq!(c.exact, d.exact);
        // NFKC slow path (a compatibility ideograph and a ligature) agrees with the fast one.
        assert_eq!(sk("ﬁne day").exact, sk("fine day").exact);
    }

    #[test]
    fn scripts_and_token_counts() {
        let a = sk("哈萨克斯坦阿拉木图市副市长表示");
        assert_eq!(a.script, Script::Cjk);
        assert_eq!(a.tokens, 15);
        let b = sk("The deputy mayor said on Thursday");
        assert_eq!(b.script, Script::Words);
        assert_eq!(b.tokens, 6);
        assert_eq!(sk("1月6日").tokens, 4);
    }

    #[test]
    fn near_texts_are_similar_and_different_texts_are_not() {
        let a = sk(
            "据报道，阿拉木图市副市长当地时间1月6日凌晨表示，阿拉木图已开始反恐特别行动，国际机场已被政府重新控制并恢复运转。",
        );
        let b = sk(
            "据报道，阿拉木图市副市长当地时间1月6日凌晨表示，阿拉木图已开始名为和平的反恐特别行动，国际机场已被政府重新控制并恢复运转。",
        );
        let c = sk("托卡耶夫说，骚乱团伙曾在国外受训，企图夺取城市的重要设施，当地军校学员正与他们交战。");
        let j = jaccard(&a.shingles, &b.shingles);
        assert!(j > 0.75 && j < 1.0, "{j}");
        assert!(jaccard(&a.shingles, &c.shingles) < 0.1);
        assert!(a.bands.iter().zip(&b.bands).any(|(x, y)| x == y));
    }

    #[test]
    fn candidates_find_identical_sketches() {
        let a = sk("the quick brown fox jumps over the lazy dog near the river bank today");
        let c = sk("completely different words about weather forecasts for the coming weekend");
        let list = [a.clone(), c, a];
        let pairs = lsh_candidates(list.iter().enumerate().map(|(i, s)| (i as u32, s)), 32, |_, _| true);
        assert_eq!(pairs, vec![(0, 2)]);
    }

    #[test]
    fn set_measures() {
        assert_eq!(intersection(&[1, 3, 5], &[3, 4, 5]), 2);
        assert!((jaccard(&[1, 3, 5], &[3, 4, 5]) - 0.5).abs() < 1e-9);
        assert!((containment(&[3, 5], &[1, 3, 5, 7]) - 1.0).abs() < 1e-9);
        assert_eq!(containment(&[], &[1]), 0.0);
    }

    #[test]
    fn tables_agree_with_their_definitions() {
        for u in 0x4E00u32..=0x9FFF {
            let c = char::from_u32(u).unwrap();
            let o = (u - 0x4E00) as usize;
            assert_eq!(BASIC_HAN_NUMERAL_FLAGS[o] == 1, is_han_numeral(c), "{c}");
        }
        for u in (0..0x12000).chain([u32::MAX, u32::MAX - 0x1000, 0xE2080]) {
            let han = (0x4E00..=0x9FFF).contains(&u);
            let class = run_class(u);
            assert_eq!(class & RUN_GOES_ON != 0, han || is_word_ending_punctuation(u), "{u:#x}");
            assert_eq!(class & RUN_HAN != 0, han, "{u:#x}");
            let numeral = char::from_u32(u).is_some_and(|c| han && is_han_numeral(c));
            assert_eq!(class & RUN_NUMERAL != 0, numeral, "{u:#x}");
            if han {
                assert_eq!(
                    (u64::from(u).wrapping_mul(CJK_MUL) & !1) | u64::from(class & RUN_NUMERAL),
                    han_token_hash(u)
                );
            }
        }
        for (i, row) in PROBES.iter().enumerate() {
            for (a, &j) in row.iter().enumerate() {
                assert_eq!(j as usize, probe(i, a as u64 + 1));
            }
        }
    }

    /// The tokens as first defined: the fast reading when it accepts the whole text, else the
    /// normalised reading of all of it.
    fn reference_tokens(text: &str) -> (Vec<u64>, usize) {
        let mut v = Vec::new();
        if let Some(cjk) = tokenize(text.chars(), true, &mut v) {
            return (v, cjk);
        }
        v.clear();
        let cjk = tokenize(text.nfkc(), false, &mut v).unwrap_or(0);
        (v, cjk)
    }

    /// Candidate pairs as first defined: every key sorted, buckets read off in order.
    fn reference_candidates(bands: &[[u32; BANDS]], cap: usize) -> Vec<(u32, u32)> {
        let mut keys: Vec<u64> = Vec::new();
        for (id, b) in bands.iter().enumerate() {
            keys.extend(b.iter().map(|&k| (u64::from(k) << 32) | id as u64));
        }
        keys.sort_unstable();
        let mut pairs = Vec::new();
        for bucket in keys.chunk_by(|a, b| a >> 32 == b >> 32) {
            let id = |k: u64| k as u32;
            if bucket.len() <= cap {
                for (x, &ka) in bucket.iter().enumerate() {
                    for &kb in &bucket[x + 1..] {
                        if id(ka) != id(kb) {
                            pairs.push((id(ka).min(id(kb)), id(ka).max(id(kb))));
                        }
                    }
                }
            } else {
                let first = id(bucket[0]);
                for w in bucket.windows(2) {
                    for (a, b) in [(first, id(w[1])), (id(w[0]), id(w[1]))] {
                        if a != b {
                            pairs.push((a.min(b), a.max(b)));
                        }
                    }
                }
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        pairs
    }

    #[test]
    fn fingerprints_and_sets_agree_with_sketches() {
        let p = ShingleParams::default();
        let mut scratch = Scratch::default();
        for text in [
            "据报道，阿拉木图市副市长当地时间1月6日凌晨表示，国际机场已被政府重新控制。",
            "The deputy mayor said on Thursday that the airport was back under control.",
            "café ﬁne 十二 ㍿ 三·四",
        ] {
            let s = sk(text);
            let fp = fingerprint_if_long(text, p, 0, 0, &mut scratch).unwrap();
            assert_eq!(fp, s.fingerprint());
            let mut set = Vec::new();
            shingle_set(text, p, &mut scratch, &mut set);
            assert_eq!(set, s.shingles.to_vec());
            let mut values = vec![7];
            let fp2 = fingerprint_with_values_if_long(text, p, 0, 0, &mut scratch, &mut values).unwrap();
            assert_eq!(fp2, fp);
            assert_eq!(values[0], 7);
            let mut values = values[1..].to_vec();
            values.sort_unstable();
            values.dedup();
            assert_eq!(values, s.shingles.to_vec());
        }
        assert!(fingerprint_if_long("短句。", p, 20, 8, &mut scratch).is_none());
        let mut values = Vec::new();
        assert!(fingerprint_with_values_if_long("短句。", p, 20, 8, &mut scratch, &mut values).is_none());
        assert!(values.is_empty());
    }

    /// `rows` band lists of pseudo-random keys (xorshift from `seed`), `distinct` values at
    /// most, spread over the whole range of the top bits.
    fn random_bands(rows: usize, distinct: u64, seed: u64) -> Vec<[u32; BANDS]> {
        let mut x = seed;
        (0..rows)
            .map(|_| {
                std::array::from_fn(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    ((x % distinct) as u32).wrapping_mul(0x9E37_79B9)
                })
            })
            .collect()
    }

    #[test]
    fn long_key_lists_give_the_sorted_pairs() {
        // Past the size where the keys are split by a radix pass and grouped in parallel: in
        // two chunks, and in several.
        for (rows, distinct) in [(3000, 20_000), (14_000, 90_000)] {
            let bands = random_bands(rows, distinct, 0x2545_F491_4F6C_DD1D);
            assert!(bands.len() * BANDS > SMALL_KEY_SET);
            for cap in [2, 32] {
                let got =
                    lsh_candidates_by_bands(bands.iter().enumerate().map(|(i, b)| (i as u32, b)), cap, |_, _| true);
                assert!(!got.is_empty());
                assert_eq!(got, reference_candidates(&bands, cap));
                // The keys given in another order (as when made in parallel) give the same pairs.
                let mut keys: Vec<u64> =
                    bands.iter().enumerate().rev().flat_map(|(i, b)| band_keys(i as u32, b)).collect();
                let third = keys.len() / 3;
                keys.rotate_left(third);
                assert_eq!(lsh_candidates_of_keys(keys, cap, |_, _| true), got);
            }
        }
    }

    #[test]
    fn sketches_read_in_parallel_give_the_pairs_of_their_keys() {
        // Below and above the size where keys are made and partitioned in chunks.
        for (rows, distinct) in [(100, 300), (3000, 20_000), (14_000, 90_000)] {
            let bands = random_bands(rows, distinct, 0x9E37_79B9_7F4A_7C15);
            // Ids not in the order the sketches are read.
            let id = |k: usize| (rows - 1 - k) as u32;
            let by_id: Vec<[u32; BANDS]> = bands.iter().rev().copied().collect();
            for cap in [2, 32] {
                let got =
                    lsh_candidates_of_packed(pack_sketch_keys(rows, |k| (id(k), bands[k])), |_| true, cap, |_, _| true);
                assert!(!got.is_empty());
                assert_eq!(got, reference_candidates(&by_id, cap));
                // Sparse ids, and pairs left out.
                let sparse = |k: usize| id(k) * 3;
                let odd = |a: u32, b: u32| (a + b) % 2 == 1;
                let got =
                    lsh_candidates_of_packed(pack_sketch_keys(rows, |k| (sparse(k), bands[k])), |_| true, cap, odd);
                let keys: Vec<u64> = (0..rows).flat_map(|k| band_keys(sparse(k), &bands[k])).collect();
                assert_eq!(got, lsh_candidates_of_keys(keys, cap, odd));
                // Sketches left out after packing are as if never given.
                let kept = |id: u32| id % 5 != 2;
                let packed = pack_sketch_keys(rows, |k| (sparse(k), bands[k]));
                let got = lsh_candidates_of_packed(packed, kept, cap, odd);
                let keys: Vec<u64> =
                    (0..rows).filter(|&k| kept(sparse(k))).flat_map(|k| band_keys(sparse(k), &bands[k])).collect();
                assert_eq!(got, lsh_candidates_of_keys(keys, cap, odd));
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn packed_chunks_give_back_their_keys_by_part(
            sketches in proptest::collection::vec((any::<u32>(), proptest::collection::vec(any::<u32>(), BANDS)), 0..PACKED_SKETCHES + 1),
        ) {
            let ids: Vec<u32> = sketches.iter().map(|s| s.0).collect();
            let bands: Vec<[u32; BANDS]> = sketches.iter().map(|s| s.1.as_slice().try_into().unwrap()).collect();
            let keys: Vec<u64> = ids.iter().zip(&bands).flat_map(|(&id, b)| band_keys(id, b)).collect();
            let (packed, plain) = (PackedChunk::of(ids.clone(), &bands), PartitionedKeys::of(&keys));
            let (mut got, mut expected) = (Vec::new(), Vec::new());
            for p in 0..KEY_PARTS {
                got.clear();
                expected.clear();
                packed.extend_part(p, &|_| true, &mut got);
                plain.extend_part(p, &|_| true, &mut expected);
                got.sort_unstable();
                expected.sort_unstable();
                prop_assert_eq!(&got, &expected);
            }
        }

    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn appended_sets_are_the_sets_one_after_the_other(
            texts in proptest::collection::vec("[a-c 阿图一二。，.3\\n]{0,40}", 0..6),
        ) {
            // Each set as first defined: every shingle's value, sorted, repeats removed.
            let p = ShingleParams::default();
            let mut scratch = Scratch::default();
            let mut expected = Vec::new();
            for t in &texts {
                let mut toks = Vec::new();
                let cjk = tokens(t, &mut toks);
                if toks.is_empty() {
                    continue;
                }
                let n = ngram_of(script_of(toks.len(), cjk), p, toks.len());
                let mut set: Vec<u32> = toks
                    .windows(n)
                    .map(|w| set_value(fmix64(w.iter().fold(0u64, |h, &t| h.wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_add(t)))))
                    .collect();
                set.sort_unstable();
                set.dedup();
                expected.extend(set);
            }
            let mut got = vec![7];
            for t in &texts {
                append_shingle_set(t, p, &mut scratch, &mut got);
            }
            prop_assert_eq!(&got[1..], &expected[..]);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]
        #[test]
        fn repeat_filter_keeps_every_shared_key(
            keys in proptest::collection::vec((0u32..2000, 0u32..50), 0..300),
            spread in 0u32..4,
        ) {
            // Band keys close together, or spread over the top bits (the parts).
            let keys: Vec<u64> = keys
                .iter()
                .map(|&(band, id)| (u64::from(band.wrapping_mul([1, 0x9E37_79B9, 1 << 20, 0x10001][spread as usize])) << 32) | u64::from(id))
                .collect();
            let mut sorted = keys.clone();
            sorted.sort_unstable();
            let mut expected = Vec::new();
            for g in sorted.chunk_by(|a, b| a >> 32 == b >> 32) {
                if g.len() > 1 {
                    expected.extend_from_slice(g);
                }
            }
            let mut got = Vec::new();
            RepeatFilter::default().shared_sorted(&keys, &mut got);
            prop_assert_eq!(&got, &expected);
            prop_assert_eq!(shared_keys(&keys), expected);
        }

        #[test]
        fn tokens_match_the_first_definition(
            parts in proptest::collection::vec(
                "[a-zA-Z0-9 ,.<>=阿图十二三一〇。，、（）「」《》【】〃—“”…：！？／＠々〆ぁかカｶＡ１　\u{3099}\u{0301}\u{0338}\u{2017}\u{2025}\u{3036}\u{302A}\u{302E}\u{FF61}\u{F900}\u{3400}éÅ·\u{A0}×±ﬁ㍿ℌ①\u{1F600}\u{AC00}\u{1100}\u{1161}]{0,12}",
                0..6,
            )
        ) {
            let text: String = parts.concat();
            let mut v = vec![1, 2, 3];
            let cjk = tokens(&text, &mut v);
            prop_assert_eq!((v, cjk), reference_tokens(&text));
        }

        #[test]
        fn han_runs_read_without_jumps_match_the_plain_reading(
            parts in proptest::collection::vec(
                "[阿图十二三一〇。，、（）「」《》【】〃—“”…：！？／＠々ぁカＡ１　\u{2010}\u{2027}\u{2028}\u{3000}\u{3004}\u{3012}\u{FF00}\u{FF10}\u{FF19}\u{FF21}\u{4DFF}\u{A000}\u{9FFF}\u{4E00}a1 \n·é\u{1F600}\u{20000}]{0,12}",
                0..6,
            ),
            room in 0usize..40,
        ) {
            let text: String = parts.concat();
            let bytes = text.as_bytes();
            // Places enough for every character, and too few.
            for len in [bytes.len() / 3 + 1, room] {
                let (mut fast, mut plain) = (vec![0u64; len], vec![0u64; len]);
                let got = han_run(bytes, &mut fast);
                let expected = han_run_bounded(bytes, &mut plain);
                prop_assert_eq!((got.tokens, got.read, got.last_han_end), (expected.tokens, expected.read, expected.last_han_end));
                prop_assert_eq!(&fast[..got.tokens], &plain[..expected.tokens]);
            }
        }

        #[test]
        fn the_fast_reading_is_the_normalised_one_where_it_applies(
            parts in proptest::collection::vec(
                "[a-zA-Z0-9 ,.阿图十二。，（）々ぁカＡ１　\u{3099}\u{0301}\u{0308}\u{302A}\u{302E}\u{A0}\u{A8}\u{B1}\u{B4}\u{B7}\u{D7}\u{387}éﬁ]{0,12}",
                0..6,
            )
        ) {
            let text: String = parts.concat();
            let mut fast = Vec::new();
            if let Some(cjk) = tokenize(text.chars(), true, &mut fast) {
                let mut normalised = Vec::new();
                let normalised_cjk = tokenize(text.nfkc(), false, &mut normalised);
                prop_assert_eq!((fast, Some(cjk)), (normalised, normalised_cjk));
            }
        }

        #[test]
        fn one_pass_signature_matches_the_rolling_one(
            toks in proptest::collection::vec(prop_oneof![0u64..4, any::<u64>()], 0..80),
        ) {
            for n in 1..=toks.len().min(3) {
                let mut rolling = [u32::MAX; SIGNATURE_BINS];
                let filled = sign_shingles(&toks, n, &mut rolling);
                let mut one_pass = [u32::MAX; SIGNATURE_BINS];
                let got = match n {
                    2 => sign_shingles_and_hash::<2>(&toks, &mut one_pass),
                    3 => sign_shingles_and_hash::<3>(&toks, &mut one_pass),
                    _ => sign_shingles_and_hash::<1>(&toks, &mut one_pass),
                };
                prop_assert_eq!(got, (filled, exact_hash(&toks)));
                prop_assert_eq!(one_pass, rolling);
            }
        }

        #[test]
        fn densification_matches_its_definition(
            values in proptest::collection::vec(any::<u32>(), SIGNATURE_BINS),
            filled in prop_oneof![any::<u64>(), (0u32..64).prop_map(|b| 1u64 << b), Just(u64::MAX)],
        ) {
            let mut sig: [u32; SIGNATURE_BINS] = values.as_slice().try_into().unwrap();
            // As first defined: an empty bin takes the value of the first filled bin on its
            // probe sequence, read from the signature before densification.
            let original = sig;
            let mut expected = sig;
            if filled != 0 {
                for (i, slot) in expected.iter_mut().enumerate() {
                    if (filled >> i) & 1 == 0 {
                        let j = (1..).map(|a| probe(i, a)).find(|&j| (filled >> j) & 1 == 1).unwrap();
                        *slot = original[j];
                    }
                }
            }
            densify(&mut sig, filled);
            prop_assert_eq!(sig, expected);
        }

        #[test]
        fn hashed_buckets_give_the_sorted_pairs(
            bands in proptest::collection::vec(proptest::collection::vec(0u32..40, BANDS), 0..60),
            cap in 1usize..6,
        ) {
            let bands: Vec<[u32; BANDS]> = bands.iter().map(|b| b.as_slice().try_into().unwrap()).collect();
            let got = lsh_candidates_by_bands(bands.iter().enumerate().map(|(i, b)| (i as u32, b)), cap, |_, _| true);
            prop_assert_eq!(got, reference_candidates(&bands, cap));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn never_panics_and_is_deterministic(s in "\\PC{0,80}", n in 0usize..20, m in 0usize..20) {
            let p = ShingleParams { ngram_cjk: n, ngram_words: m };
            let a = sketch(&s, p, &mut Scratch::default());
            let b = sketch(&s, p, &mut Scratch::default());
            prop_assert_eq!(&a, &b);
            if let Some(a) = a {
                prop_assert!(a.shingles.windows(2).all(|w| w[0] < w[1]));
                prop_assert!((jaccard(&a.shingles, &a.shingles) - 1.0).abs() < 1e-12);
            }
        }

        #[test]
        fn jaccard_at_least_agrees_above_the_threshold_and_bounds_below(
            a in proptest::collection::btree_set(0u32..60, 0..40),
            b in proptest::collection::btree_set(0u32..60, 0..40),
            threshold in prop_oneof![0.0..=1.0f64, Just(0.8), Just(0.5), Just(1.0), Just(1e-9)],
        ) {
            let a: Vec<u32> = a.into_iter().collect();
            let b: Vec<u32> = b.into_iter().collect();
            let exact = jaccard(&a, &b);
            let got = jaccard_at_least(&a, &b, threshold);
            if exact >= threshold {
                prop_assert_eq!(got.to_bits(), exact.to_bits());
            } else {
                prop_assert!(got < threshold && got >= exact, "{} {} {}", got, exact, threshold);
            }
        }

        #[test]
        fn jaccard_is_symmetric_and_bounded(a in proptest::collection::btree_set(0u32..50, 0..20),
                                            b in proptest::collection::btree_set(0u32..50, 0..20)) {
            let a: Vec<u32> = a.into_iter().collect();
            let b: Vec<u32> = b.into_iter().collect();
            let j = jaccard(&a, &b);
            prop_assert!((0.0..=1.0).contains(&j));
            prop_assert!((j - jaccard(&b, &a)).abs() < 1e-12);
        }
    }
}
