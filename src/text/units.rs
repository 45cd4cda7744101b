//! Currencies and units next to amounts, and the connectors that mark one amount as the
//! conversion of another ("60坚戈（约合人民币0.88元）", "100 km (62 miles)", "£5m, or about $6m").
//!
//! The names, factors and connectors are data (`rules/data/units.toml`), parsed once.

use std::ops::Range;
use std::sync::{LazyLock, OnceLock};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, Anchored, Input, MatchKind};
use memchr::memmem;
use serde::Deserialize;

use crate::text::chars::push_places_where;
use crate::text::joined::JoinedTexts;

use super::numbers::{Approx, Quantity, hedge_before, scan_quantities};

const DATA: &str = include_str!("../../rules/data/units.toml");

/// A currency or a unit of measure.
#[derive(Clone, Debug, PartialEq)]
pub struct Unit {
    pub id: String,
    pub dimension: String,
    /// Base units per one of this unit (physical units; 1 for money).
    pub factor: f64,
    /// Affine offset (temperature): base = value × factor + offset.
    pub offset: f64,
}

impl Unit {
    pub fn is_money(&self) -> bool {
        self.dimension == "money"
    }

    /// `value` of this unit expressed in `other` (same dimension).
    pub fn convert(&self, value: f64, other: &Unit) -> f64 {
        (value * self.factor + self.offset - other.offset) / other.factor
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Place {
    Suffix,
    Prefix,
    Both,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUnit {
    id: String,
    dimension: String,
    #[serde(default)]
    factor: Option<f64>,
    #[serde(default)]
    offset: f64,
    #[serde(default)]
    suffix: Vec<String>,
    #[serde(default)]
    prefix: Vec<String>,
    #[serde(default)]
    both: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConnectors {
    paren: Vec<String>,
    comma: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTable {
    unit: Vec<RawUnit>,
    connectors: RawConnectors,
}

/// A name: its text, whether it must match case-sensitively, and the (unit, place)s it names.
type Name = (String, bool, Vec<(usize, Place)>);

/// The parsed table with its name matcher.
pub struct Table {
    pub units: Vec<Unit>,
    /// Built on first use: loading a conversion rule needs only the unit ids.
    matcher: OnceLock<AhoCorasick>,
    /// Per pattern: its text, whether it must match case-sensitively, and the (unit, place)s it names.
    names: Vec<Name>,
    paren: Vec<String>,
    comma: Vec<String>,
    /// Built on first use: what the pre-filter looks for.
    prefilter: OnceLock<Prefilter>,
}

/// What [`Table::conversion_candidates`] searches for, derived from the names and connectors.
struct Prefilter {
    /// Non-ASCII triggers after which an amount may start: `（` (which a `paren` word may
    /// follow) and the non-ASCII `comma` connectors, minus those that end with another one (约合
    /// ends with 合: every place after 约合 is also a place after 合).
    wide: Vec<(memmem::Finder<'static>, bool)>,
    /// The second and third bytes of each of the `wide` triggers, when they are few enough and
    /// long enough to be found, with the ASCII triggers, by one scan of the text
    /// ([`wide_starts`]) instead of a search each.
    wide_heads: Option<WideHeads>,
    /// ASCII `comma` connectors (matched ignoring case), likewise reduced, with the offset of a
    /// space in each: they are found from the spaces of the text.
    ascii_spaced: Vec<(Vec<u8>, usize)>,
    /// Bit per byte: the bytes that stand right before the space in some `ascii_spaced`
    /// connector (both cases), or every byte when one starts with its space. A space after
    /// any other byte starts none of them.
    before_space: [u128; 2],
    /// The parts of the `ascii_spaced` connectors before their space, lower-cased, each once:
    /// a space that none of them ends right before starts no connector.
    spaced_heads: Vec<Vec<u8>>,
    /// ASCII `comma` connectors without a space, found by their first letter.
    ascii_plain: Vec<Vec<u8>>,
    /// The `paren` words, and per byte the indexes of those whose first byte it is (ignoring
    /// ASCII case), so that a parenthesis compares only the words that may follow it.
    paren_words: Vec<Vec<u8>>,
    paren_by_first: Vec<Vec<usize>>,
    /// Bit per ASCII byte, and a list for other characters: the first characters of names that
    /// may stand before a number (both cases for ASCII).
    prefix_ascii: u128,
    prefix_wide: Vec<char>,
    /// Prefix names, to tell whether one starts at a position (ignoring ASCII case).
    prefix_names: AhoCorasick,
}

/// Byte frequencies for substring search in UTF-8 Chinese text: lead bytes of three-byte
/// characters are everywhere, continuation bytes spread over sixty-four values, so a search for
/// 合 (E5 90 88) should look for its last two bytes together.
struct Utf8Rank;

impl memchr::arch::all::packedpair::HeuristicFrequencyRank for Utf8Rank {
    fn rank(&self, byte: u8) -> u8 {
        match byte {
            b'a'..=b'z' | b' ' => 230,
            0xE0..=0xEF => 250,
            0x80..=0xBF => 90,
            0xC2..=0xDF => 120,
            b'A'..=b'Z' | b'0'..=b'9' => 150,
            0x00..=0x7F => 100,
            _ => 20,
        }
    }
}

impl Prefilter {
    fn may_start_prefix(&self, c: char) -> bool {
        if c.is_ascii() { self.prefix_ascii >> (c as u32) & 1 == 1 } else { self.prefix_wide.contains(&c) }
    }
}

/// [`Prefilter::spaced_heads`] of the connectors `spaced`.
fn spaced_heads(spaced: &[(Vec<u8>, usize)]) -> Vec<Vec<u8>> {
    let mut heads: Vec<Vec<u8>> = Vec::new();
    for (w, off) in spaced {
        let head = w.get(..*off).unwrap_or_default().to_ascii_lowercase();
        if !heads.contains(&head) {
            heads.push(head);
        }
    }
    heads
}

/// [`Prefilter::before_space`] of the connectors `spaced`.
fn before_space(spaced: &[(Vec<u8>, usize)]) -> [u128; 2] {
    let mut set = [0u128; 2];
    for (w, off) in spaced {
        match off.checked_sub(1).and_then(|k| w.get(k)) {
            Some(&b) => {
                for b in [b.to_ascii_lowercase(), b.to_ascii_uppercase()] {
                    set[usize::from(b >> 7)] |= 1 << (b & 0x7F);
                }
            }
            None => return [u128::MAX; 2],
        }
    }
    set
}

/// How many triggers [`wide_starts`] looks for at once (the built-in table has three).
const MAX_WIDE_HEADS: usize = 3;

/// The second and third bytes of up to [`MAX_WIDE_HEADS`] triggers, the unused places filled
/// with a pair no UTF-8 text holds.
type WideHeads = [[u8; 2]; MAX_WIDE_HEADS];

/// The heads of `needles` for [`wide_starts`], unless there are too many or one is shorter than
/// three bytes or starts with an ASCII byte (then each is searched for on its own).
fn wide_heads<'a>(needles: impl Iterator<Item = &'a [u8]>) -> Option<WideHeads> {
    let mut heads = [[0xFF; 2]; MAX_WIDE_HEADS];
    for (n, needle) in needles.enumerate() {
        let head = needle.first_chunk::<3>().filter(|h| h[0] >= 0x80)?;
        *heads.get_mut(n)? = [head[1], head[2]];
    }
    Some(heads)
}

/// Every position of `bytes` that holds one of the two bytes `ascii` or whose next two bytes
/// are one of `heads` (overlapping ones too), in order: the places where a trigger may start,
/// to be checked by the caller. The bytes are tested a block at a time, each position against
/// all of them with shifted compares, a loop the compiler turns into vector compares: one pass
/// over the text, where a search per trigger would read it once per trigger. The second and
/// third bytes of a Han character all but name it, so few places are handed on that hold no
/// trigger.
fn wide_starts(bytes: &[u8], ascii: [u8; 2], heads: &WideHeads) -> Vec<usize> {
    let mut out = Vec::new();
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: `wide_starts_avx2` only needs AVX2, which the CPU was just found to have.
        unsafe { wide_starts_avx2(bytes, ascii, heads, &mut out) };
        return out;
    }
    wide_starts_portable(bytes, ascii, heads, &mut out);
    out
}

/// [`wide_starts`] compiled for AVX2: the same code, 32 bytes per vector compare instead of 16.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn wide_starts_avx2(bytes: &[u8], ascii: [u8; 2], heads: &WideHeads, out: &mut Vec<usize>) {
    wide_starts_portable(bytes, ascii, heads, out);
}

/// [`wide_starts`] for any CPU: the places where the byte is one of `ascii` or the next two
/// bytes are one of `heads`.
#[inline(always)]
fn wide_starts_portable(bytes: &[u8], ascii: [u8; 2], heads: &WideHeads, out: &mut Vec<usize>) {
    push_places_where(
        bytes,
        out,
        #[inline(always)]
        |a, b, c| {
            let mut hit = (a == ascii[0]) | (a == ascii[1]);
            for h in heads {
                hit |= (b == h[0]) & (c == h[1]);
            }
            hit
        },
    );
}

/// The built-in table.
pub fn table() -> &'static Table {
    static TABLE: LazyLock<Table> = LazyLock::new(|| Table::parse(DATA).expect("rules/data/units.toml is valid"));
    &TABLE
}

impl Table {
    fn matcher(&self) -> &AhoCorasick {
        self.matcher.get_or_init(|| {
            // A contiguous NFA: it searches short texts about as fast as a DFA and is built in a
            // fraction of the time (the build is paid once per run, on the first document).
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::LeftmostLongest)
                .ascii_case_insensitive(true)
                .kind(Some(AhoCorasickKind::ContiguousNFA))
                .build(self.names.iter().map(|n| n.0.as_str()))
                .expect("the built-in unit names make a valid matcher")
        })
    }

    fn parse(data: &str) -> Result<Table, String> {
        let raw: RawTable = toml::from_str(data).map_err(|e| e.to_string())?;
        let mut units = Vec::new();
        let mut names: Vec<Name> = Vec::new();
        for (i, u) in raw.unit.into_iter().enumerate() {
            let lists = [(u.suffix, Place::Suffix), (u.prefix, Place::Prefix), (u.both, Place::Both)];
            for (list, place) in lists {
                for name in list {
                    let exact = name.is_ascii() && name.len() <= 3;
                    match names.iter_mut().find(|(n, _, _)| *n == name) {
                        Some(entry) => entry.2.push((i, place)),
                        None => names.push((name, exact, vec![(i, place)])),
                    }
                }
            }
            units.push(Unit { id: u.id, dimension: u.dimension, factor: u.factor.unwrap_or(1.0), offset: u.offset });
        }
        Ok(Table {
            units,
            matcher: OnceLock::new(),
            names,
            paren: raw.connectors.paren,
            comma: raw.connectors.comma,
            prefilter: OnceLock::new(),
        })
    }

    fn prefilter(&self) -> &Prefilter {
        self.prefilter.get_or_init(|| {
            // Keep a connector only when no other one is a proper suffix of it (ignoring case).
            let ends_with = |a: &str, b: &str| {
                a.len() > b.len() && a.as_bytes()[a.len() - b.len()..].eq_ignore_ascii_case(b.as_bytes())
            };
            let mut reduced: Vec<&String> = Vec::new();
            for w in &self.comma {
                if !w.is_empty()
                    && !self.comma.iter().any(|o| !o.is_empty() && ends_with(w, o))
                    && !reduced.iter().any(|o| o.eq_ignore_ascii_case(w))
                {
                    reduced.push(w);
                }
            }
            let mut wide_words: Vec<(&str, bool)> = vec![("（", true)];
            wide_words.extend(reduced.iter().filter(|w| !w.is_ascii()).map(|w| (w.as_str(), false)));
            let wide: Vec<(memmem::Finder<'static>, bool)> = wide_words
                .into_iter()
                .map(|(w, paren)| {
                    (memmem::FinderBuilder::new().build_forward_with_ranker(Utf8Rank, w.as_bytes()).into_owned(), paren)
                })
                .collect();
            let mut ascii_spaced = Vec::new();
            let mut ascii_plain = Vec::new();
            for w in reduced.iter().filter(|w| w.is_ascii()) {
                match w.find(' ') {
                    Some(k) => ascii_spaced.push((w.as_bytes().to_vec(), k)),
                    None => ascii_plain.push(w.as_bytes().to_vec()),
                }
            }
            let ascii_bits = |bytes: &mut dyn Iterator<Item = u8>| {
                bytes
                    .filter(u8::is_ascii)
                    .fold(0u128, |m, b| m | 1 << b.to_ascii_lowercase() | 1 << b.to_ascii_uppercase())
            };
            let paren_words: Vec<Vec<u8>> =
                self.paren.iter().filter(|w| !w.is_empty()).map(|w| w.as_bytes().to_vec()).collect();
            let paren_by_first = (0..=u8::MAX)
                .map(|b| (0..paren_words.len()).filter(|&k| paren_words[k][0].eq_ignore_ascii_case(&b)).collect())
                .collect();
            let prefix_list: Vec<&str> = self
                .names
                .iter()
                .filter(|n| n.2.iter().any(|(_, p)| *p != Place::Suffix))
                .map(|n| n.0.as_str())
                .collect();
            let firsts: Vec<char> = prefix_list.iter().filter_map(|n| n.chars().next()).collect();
            let prefix_ascii = ascii_bits(&mut firsts.iter().filter(|c| c.is_ascii()).map(|&c| c as u8));
            let mut prefix_wide: Vec<char> = firsts.into_iter().filter(|c| !c.is_ascii()).collect();
            prefix_wide.sort_unstable();
            prefix_wide.dedup();
            let prefix_names = AhoCorasickBuilder::new()
                .match_kind(MatchKind::LeftmostLongest)
                .ascii_case_insensitive(true)
                .start_kind(aho_corasick::StartKind::Anchored)
                .kind(Some(AhoCorasickKind::ContiguousNFA))
                .build(&prefix_list)
                .expect("the built-in prefix names make a valid matcher");
            Prefilter {
                wide_heads: wide_heads(wide.iter().map(|(finder, _)| finder.needle())),
                wide,
                before_space: before_space(&ascii_spaced),
                spaced_heads: spaced_heads(&ascii_spaced),
                ascii_spaced,
                ascii_plain,
                paren_words,
                paren_by_first,
                prefix_ascii,
                prefix_wide,
                prefix_names,
            }
        })
    }

    /// Cheap, exact-enough test: could [`find_conversions`] find a conversion in `text`? Never
    /// false when it could. See [`Table::conversion_candidates`].
    pub fn could_hold_conversion(&self, text: &str) -> bool {
        let mut marked = [false];
        self.mark_candidates(&[text], text.as_bytes(), &[0], &mut marked);
        marked[0]
    }

    /// For each text, whether [`find_conversions`] could find a conversion in it (never false
    /// when it could). Every conversion has a connector right before its second amount: an
    /// opening parenthesis followed (after white space) by nothing or a `paren` word, or a
    /// `comma` word; after it (and white space) the second amount starts with a number or a
    /// prefix name, and a unit name lies inside the amount, before any character that cannot be
    /// part of one (，。；;()（）). The texts are searched as one (the segments of a document are
    /// many and short: a search per segment costs more in starting than in searching).
    pub fn conversion_candidates(&self, texts: &[&str]) -> Vec<bool> {
        self.conversion_candidates_in(texts, None)
    }

    /// [`Table::conversion_candidates`] with the texts already joined (each followed by a
    /// newline) in `joined`, when the caller has them so: they are then not copied again.
    pub fn conversion_candidates_joined(&self, texts: &[&str], joined: &JoinedTexts) -> Vec<bool> {
        self.conversion_candidates_in(texts, Some(joined))
    }

    fn conversion_candidates_in(&self, texts: &[&str], ready: Option<&JoinedTexts>) -> Vec<bool> {
        let mut marked = vec![false; texts.len()];
        match texts {
            [] => {}
            [one] => self.mark_candidates(texts, one.as_bytes(), &[0], &mut marked),
            _ if ready.is_some() => {
                let joined = ready.map(JoinedTexts::as_str).unwrap_or_default();
                // Each text followed by a newline, as laid out by `JoinedTexts`.
                let starts: Vec<usize> = texts
                    .iter()
                    .scan(0, |next, t| {
                        let start = *next;
                        *next += t.len() + 1;
                        Some(start)
                    })
                    .collect();
                debug_assert!(starts.iter().enumerate().all(|(k, &s)| ready.and_then(|j| j.start(k)) == Some(s)));
                self.mark_candidates(texts, joined.as_bytes(), &starts, &mut marked);
            }
            _ => {
                // The texts joined by newlines (no trigger holds one, so none spans two texts).
                let mut joined = Vec::with_capacity(texts.iter().map(|t| t.len() + 1).sum());
                let mut starts = Vec::with_capacity(texts.len());
                for t in texts {
                    starts.push(joined.len());
                    joined.extend_from_slice(t.as_bytes());
                    joined.push(b'\n');
                }
                self.mark_candidates(texts, &joined, &starts, &mut marked);
            }
        }
        marked
    }

    /// Marks the texts (joined in `joined`, text `k` from byte `starts[k]`) that may hold a
    /// conversion.
    fn mark_candidates(&self, texts: &[&str], joined: &[u8], starts: &[usize], marked: &mut [bool]) {
        self.mark_candidates_by(texts, joined, starts, marked, true);
    }

    /// [`Table::mark_candidates`], the `wide` triggers found by one scan for all of them when
    /// `one_scan` (and they allow it), else by a substring search each.
    fn mark_candidates_by(&self, texts: &[&str], joined: &[u8], starts: &[usize], marked: &mut [bool], one_scan: bool) {
        let f = self.prefilter();
        // The text holding joined byte `g`, unless already marked, and `g` within it.
        let locate = |g: usize, marked: &[bool]| -> Option<(usize, usize)> {
            let k = starts.partition_point(|&s| s <= g).checked_sub(1)?;
            let local = g - starts[k];
            (!marked[k] && local < texts[k].len()).then_some((k, local))
        };
        let ascii_at = |text: &str, start: usize, w: &[u8]| {
            text.as_bytes().get(start..start + w.len()).is_some_and(|s| s.eq_ignore_ascii_case(w))
                && self.amount_starts(f, text, skip_white(text, start + w.len()))
        };
        let space = if f.ascii_spaced.is_empty() { b'(' } else { b' ' };
        // An opening parenthesis or a space at joined byte `g`.
        let ascii_trigger_at = |g: usize, marked: &mut [bool]| {
            if joined[g] == b' '
                && g.checked_sub(1)
                    .and_then(|p| joined.get(p))
                    .is_some_and(|&p| (f.before_space[usize::from(p >> 7)] >> (p & 0x7F)) & 1 == 0)
            {
                // No spaced connector has this space: the byte before it is none of theirs.
                return;
            }
            if joined[g] == b' '
                && !f.spaced_heads.iter().any(|h| {
                    g.checked_sub(h.len()).and_then(|s| joined.get(s..g)).is_some_and(|b| b.eq_ignore_ascii_case(h))
                })
            {
                // Nor does any end right before it.
                return;
            }
            let Some((k, i)) = locate(g, marked) else { return };
            let text = texts[k];
            marked[k] = if joined[g] == b'(' {
                self.paren_then_amount(f, text, i + 1)
            } else {
                f.ascii_spaced.iter().any(|(w, off)| i >= *off && ascii_at(text, i - off, w))
            };
        };
        // A `wide` trigger of `len` bytes at joined byte `g`.
        let wide_trigger_at = |g: usize, len: usize, paren: bool, marked: &mut [bool]| {
            let Some((k, i)) = locate(g, marked) else { return };
            let text = texts[k];
            marked[k] = if paren {
                self.paren_then_amount(f, text, i + len)
            } else {
                self.amount_starts(f, text, skip_white(text, i + len))
            };
        };
        // Each trigger found either way is checked; a text marked by one is not looked at again,
        // so the order of the checks does not change the marks.
        match f.wide_heads.as_ref().filter(|_| one_scan) {
            Some(heads) => {
                // One scan finds the places of all the triggers, ASCII and wide.
                for g in wide_starts(joined, [b'(', space], heads) {
                    if matches!(joined[g], b'(' | b' ') {
                        ascii_trigger_at(g, marked);
                        continue;
                    }
                    for (finder, paren) in &f.wide {
                        let needle = finder.needle();
                        if joined.get(g + 1..g + 3) == needle.get(1..3)
                            && joined.get(g..).is_some_and(|rest| rest.starts_with(needle))
                        {
                            wide_trigger_at(g, needle.len(), *paren, marked);
                        }
                    }
                }
            }
            None => {
                for g in memchr::memchr2_iter(b'(', space, joined) {
                    ascii_trigger_at(g, marked);
                }
                for (finder, paren) in &f.wide {
                    for g in finder.find_iter(joined) {
                        wide_trigger_at(g, finder.needle().len(), *paren, marked);
                    }
                }
            }
        }
        for w in &f.ascii_plain {
            let first = w[0];
            for g in memchr::memchr2_iter(first.to_ascii_lowercase(), first.to_ascii_uppercase(), joined) {
                let Some((k, i)) = locate(g, marked) else { continue };
                marked[k] = ascii_at(texts[k], i, w);
            }
        }
    }

    /// After an opening parenthesis ending at `pos`: white space, nothing or a `paren` word,
    /// white space, then an amount.
    fn paren_then_amount(&self, f: &Prefilter, text: &str, pos: usize) -> bool {
        let pos = skip_white(text, pos);
        if self.amount_starts(f, text, pos) {
            return true;
        }
        let rest = &text.as_bytes()[pos.min(text.len())..];
        let Some(&first) = rest.first() else { return false };
        f.paren_by_first[usize::from(first)].iter().any(|&k| {
            let w = &f.paren_words[k];
            rest.len() >= w.len()
                && rest[..w.len()].eq_ignore_ascii_case(w)
                && self.amount_starts(f, text, skip_white(text, pos + w.len()))
        })
    }

    /// Whether an amount may start at `pos`: a number or a prefix name there, and a unit name
    /// before the next character that no amount holds.
    fn amount_starts(&self, f: &Prefilter, text: &str, pos: usize) -> bool {
        let Some(c) = text.get(pos..).and_then(|s| s.chars().next()) else { return false };
        let rest = &text[pos..];
        if f.may_start_prefix(c) && f.prefix_names.find(Input::new(rest).anchored(Anchored::Yes)).is_some() {
            return true;
        }
        if !may_start_quantity(c) {
            return false;
        }
        self.matcher().find(&rest[..amount_limit(rest)]).is_some()
    }

    pub fn unit(&self, i: usize) -> &Unit {
        &self.units[i]
    }

    /// Index of the unit with this id.
    pub fn find(&self, id: &str) -> Option<usize> {
        self.units.iter().position(|u| u.id.eq_ignore_ascii_case(id))
    }

    fn mentions(&self, text: &str) -> Vec<Mention> {
        let mut out = Vec::new();
        for m in self.matcher().find_iter(text) {
            let (name, exact, _) = &self.names[m.pattern().as_usize()];
            let found = &text[m.range()];
            if *exact && found != name {
                continue;
            }
            let first = name.chars().next().unwrap_or(' ');
            let last = name.chars().next_back().unwrap_or(' ');
            if first.is_ascii_alphabetic()
                && text[..m.start()].chars().next_back().is_some_and(|c| c.is_ascii_alphabetic())
            {
                continue;
            }
            if last.is_ascii_alphanumeric() && text[m.end()..].chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
            {
                continue;
            }
            out.push(Mention { span: m.range(), name: m.pattern().as_usize() });
        }
        out
    }
}

#[derive(Clone, Debug)]
struct Mention {
    span: Range<usize>,
    name: usize,
}

/// A quantity with the currency or unit written next to it.
#[derive(Clone, Debug)]
pub struct Amount {
    pub quantity: Quantity,
    /// The units its name may stand for (usually one).
    pub units: Vec<usize>,
    /// From the prefix symbol (or first digit) to the end of the suffix name.
    pub span: Range<usize>,
    /// The unit's name as written.
    pub unit_text: Range<usize>,
    /// The hedge in force (from the quantity, or written before a prefix symbol).
    pub approx: Approx,
}

/// How the second amount of a conversion is introduced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Connector {
    /// In parentheses after the amount, with or without a word (（约合…）, (about …), (…)).
    Paren,
    /// After a word (约合, 折合, 相当于, or about), with or without a comma.
    Word,
}

/// Two amounts written as one and its conversion: `from` then `to`, indexes into the amounts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawConversion {
    pub from: usize,
    pub to: usize,
    pub connector: Connector,
}

fn skip_space_fwd(text: &str, i: usize) -> usize {
    match text[i..].chars().next() {
        Some(c @ (' ' | '\u{a0}' | '\u{2009}' | '\u{202f}')) => i + c.len_utf8(),
        _ => i,
    }
}

fn skip_space_back(text: &str, i: usize) -> usize {
    match text[..i].chars().next_back() {
        Some(c @ (' ' | '\u{a0}' | '\u{2009}' | '\u{202f}')) => i - c.len_utf8(),
        _ => i,
    }
}

/// Skips white space (as `str::trim` counts it) from `i`.
fn skip_white(text: &str, i: usize) -> usize {
    match text.get(i..) {
        Some(rest) => i + (rest.len() - rest.trim_start().len()),
        None => i,
    }
}

/// Where an amount starting at the beginning of `rest` must have ended: at the first character
/// no amount holds (，。；;()（）), else at the end.
fn amount_limit(rest: &str) -> usize {
    let b = rest.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b';' | b'(' | b')' => return i,
            // ，；（） are EF BC 8C / 9B / 88 / 89; 。 is E3 80 82.
            0xEF if b.get(i + 1) == Some(&0xBC) && matches!(b.get(i + 2), Some(0x8C | 0x9B | 0x88 | 0x89)) => return i,
            0xE3 if b.get(i + 1) == Some(&0x80) && b.get(i + 2) == Some(&0x82) => return i,
            _ => i += 1,
        }
    }
    b.len()
}

/// The characters a quantity's span may start with: a digit, a sign, a Chinese numeral.
fn may_start_quantity(c: char) -> bool {
    c.is_ascii_digit()
        || ('０'..='９').contains(&c)
        || matches!(
            c,
            '-' | '−'
                | '－'
                | '零'
                | '〇'
                | '一'
                | '二'
                | '两'
                | '三'
                | '四'
                | '五'
                | '六'
                | '七'
                | '八'
                | '九'
                | '十'
        )
}

/// Cheap test: could `text` hold a conversion at all? (Every connector has one of these.)
pub fn may_hold_conversion(text: &str) -> bool {
    text.as_bytes().contains(&b'(')
        || text.contains('（')
        || text.contains('合')
        || text.contains("相当于")
        || text.contains("or ")
        || text.contains("equivalent")
}

/// The amounts of `text` and the conversions between them, in text order.
pub fn find_conversions(text: &str) -> (Vec<Amount>, Vec<RawConversion>) {
    let t = table();
    if !t.could_hold_conversion(text) {
        debug_assert!(
            find_conversions_unfiltered(t, text).1.is_empty(),
            "the pre-filter skipped a conversion: {text:?}"
        );
        return (Vec::new(), Vec::new());
    }
    find_conversions_unfiltered(t, text)
}

/// [`find_conversions`] without the connector pre-filter.
fn find_conversions_unfiltered(t: &Table, text: &str) -> (Vec<Amount>, Vec<RawConversion>) {
    if !may_hold_conversion(text) {
        return (Vec::new(), Vec::new());
    }
    let mentions = t.mentions(text);
    if mentions.len() < 2 {
        return (Vec::new(), Vec::new());
    }
    let amounts = attach(t, text, &mentions);
    let mut conversions = Vec::new();
    let mut i = 1;
    while i < amounts.len() {
        let (a, b) = (&amounts[i - 1], &amounts[i]);
        if a.span.end > b.span.start {
            i += 1;
            continue;
        }
        // (£722m; $1.3bn) and ($2.3bn or £1.2bn): one amount converted into several.
        let mut last = i;
        while let Some(c) = amounts.get(last + 1)
            && is_separator(text.get(amounts[last].span.end..c.span.start).unwrap_or("x"))
        {
            last += 1;
        }
        match connector_between(t, text, a.span.end, b.span.start, amounts[last].span.end) {
            Some(Connector::Paren) => {
                for to in i..=last {
                    conversions.push(RawConversion { from: i - 1, to, connector: Connector::Paren });
                }
                i = last + 1;
            }
            Some(connector) => {
                conversions.push(RawConversion { from: i - 1, to: i, connector });
                i += 1;
            }
            None => i += 1,
        }
    }
    (amounts, conversions)
}

/// Between two converted amounts inside one parenthesis: `; `, `, `, ` or `, `/`.
fn is_separator(gap: &str) -> bool {
    let g = gap.trim();
    matches!(g, ";" | "；" | "," | "，" | "/" | "or" | "; or" | "、")
}

fn attach(t: &Table, text: &str, mentions: &[Mention]) -> Vec<Amount> {
    let mut out = Vec::new();
    for q in scan_quantities(text) {
        let after = skip_space_fwd(text, q.span.end);
        let before = skip_space_back(text, q.hedge_start.min(q.span.start));
        let before_digits = skip_space_back(text, q.span.start);
        let suffix = mentions
            .binary_search_by(|m| m.span.start.cmp(&after))
            .ok()
            .map(|i| &mentions[i])
            .filter(|m| t.names[m.name].2.iter().any(|(_, p)| *p != Place::Prefix));
        let prefix = [before_digits, before]
            .into_iter()
            .find_map(|pos| mentions.binary_search_by(|m| m.span.end.cmp(&pos)).ok())
            .map(|i| &mentions[i])
            .filter(|m| t.names[m.name].2.iter().any(|(_, p)| *p != Place::Suffix));
        let Some(m) = suffix.or(prefix) else { continue };
        let units: Vec<usize> = t.names[m.name].2.iter().map(|(u, _)| *u).collect();
        let start = prefix.map_or(q.span.start, |p| p.span.start.min(q.span.start));
        let end = suffix.map_or(q.span.end, |s| s.span.end);
        let mut approx = q.approx;
        if approx == Approx::Exact
            && let Some(p) = prefix
            && let Some((a, _)) = hedge_before(text, p.span.start)
        {
            approx = a;
        }
        out.push(Amount { quantity: q, units, span: start..end, unit_text: m.span.clone(), approx });
    }
    out
}

fn eq_word(found: &str, list: &[String]) -> bool {
    list.iter().any(|w| w.eq_ignore_ascii_case(found))
}

fn connector_between(t: &Table, text: &str, a_end: usize, b_start: usize, b_end: usize) -> Option<Connector> {
    let gap = text.get(a_end..b_start)?;
    if gap.len() > 40 {
        return None;
    }
    let trimmed = gap.trim_start_matches([' ', '\u{a0}', '\u{3000}']);
    let paren_at = trimmed.find(['(', '（']);
    if let Some(p) = paren_at {
        let before = trimmed[..p].trim();
        let per_unit = before.is_empty()
            || (before.starts_with('每') && before.chars().count() <= 3)
            || ((before.starts_with("per ") || before.starts_with("a ") || before.starts_with("an "))
                && before.len() <= 14
                && before.chars().all(|c| c.is_ascii_alphabetic() || c == ' '));
        if !per_unit {
            return None;
        }
        let open = trimmed[p..].chars().next()?.len_utf8();
        let inner = trimmed[p + open..].trim();
        if !(inner.is_empty() || eq_word(inner, &t.paren)) {
            return None;
        }
        // The parenthesis closes after the converted amount, with no other number inside.
        for c in text.get(b_end..)?.chars().take(24) {
            match c {
                ')' | '）' => return Some(Connector::Paren),
                '(' | '（' | '。' | '=' | '＝' => return None,
                c if c.is_ascii_digit() => return None,
                _ => {}
            }
        }
        return None;
    }
    let inner = trimmed.trim_start_matches([',', '，']).trim();
    if !inner.is_empty() && eq_word(inner, &t.comma) {
        return Some(Connector::Word);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn never_panics_and_spans_are_sound(s in "[0-9.,（）() 约合折元坚戈美英镑$£€kmiles公里英里到至or about-]{0,50}") {
            let (amounts, convs) = find_conversions(&s);
            for a in &amounts {
                prop_assert!(s.is_char_boundary(a.span.start) && s.is_char_boundary(a.span.end));
                prop_assert!(a.span.start <= a.quantity.span.start && a.quantity.span.end <= a.span.end);
                prop_assert!(s.is_char_boundary(a.unit_text.start) && s.is_char_boundary(a.unit_text.end));
            }
            for c in &convs {
                prop_assert!(c.from < c.to && c.to < amounts.len());
            }
        }

        #[test]
        fn any_text_is_safe(s in "\\PC{0,60}") {
            let _ = find_conversions(&s);
        }

        #[test]
        fn amount_limit_is_the_first_stop_character(s in "[a1 ，。；;()（）,.、元\u{3000}]{0,20}") {
            let slow = s.find(['，', '。', '；', ';', '(', ')', '（', '）']).unwrap_or(s.len());
            prop_assert_eq!(amount_limit(&s), slow);
        }

        #[test]
        fn prefilter_never_skips_a_conversion(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "60", "0.88", "1,200", "５", "-", "−", "十", "一万", "两", " ", "\u{3000}", "\u{a0}", "(", ")", "（", "）",
                "，", ",", "。", "；", "约合", "约", "折合", "合", "相当于", "即", "或", "元", "人民币", "坚戈", "美元", "英镑",
                "$", "£", "US $", "USD", "km", "miles", "公里", "英里", "到", "至", "or", "OR ABOUT", "or about",
                "the equivalent of", "Equivalent to", "about", "x", "每升", "per litre",
            ]), 0..14)
        ) {
            let s = parts.concat();
            let t = table();
            if !find_conversions_unfiltered(t, &s).1.is_empty() {
                prop_assert!(t.could_hold_conversion(&s), "{s:?}");
            }
            // Searched together with other texts, each text gets the answer it gets alone.
            let texts: Vec<&str> = parts.iter().copied().chain([s.as_str()]).chain(parts.iter().copied()).collect();
            let alone: Vec<bool> = texts.iter().map(|x| t.could_hold_conversion(x)).collect();
            prop_assert_eq!(t.conversion_candidates(&texts), alone.clone());
            // Joined beforehand, the same.
            let joined = JoinedTexts::new(texts.iter().copied());
            prop_assert_eq!(t.conversion_candidates_joined(&texts, &joined), alone);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        /// Characters sharing bytes with the triggers （ (EF BC 88), 合 (E5 90 88) and 相当于:
        /// Ｈ (EF BC A8), ｈ (EF BD 88), 吐 (E5 90 90), 刈 (E5 88 88), 目 (E7 9B AE).
        #[test]
        fn wide_starts_are_every_place_before_a_head(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "（", "Ｈ", "ｈ", "合", "吐", "刈", "相", "目", "当", "于", "相当于", "相当", "，", "。", "a", " ", "(", "\n", "1",
            ]), 0..80)
        ) {
            let s = parts.concat();
            let b = s.as_bytes();
            let heads = wide_heads(["（", "合", "相当于"].iter().map(|w| w.as_bytes())).unwrap();
            let slow: Vec<usize> = (0..b.len())
                .filter(|&p| matches!(b[p], b'(' | b' ') || heads.iter().any(|h| b[p + 1..].starts_with(h)))
                .collect();
            prop_assert_eq!(wide_starts(b, [b'(', b' '], &heads), slow.clone());
            let mut portable = Vec::new();
            wide_starts_portable(b, [b'(', b' '], &heads, &mut portable);
            prop_assert_eq!(portable, slow);
        }

        #[test]
        fn one_scan_marks_what_the_searches_mark(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "60", "（", "）", "(", "合", "约合", "相当于", "相当", "吐", "Ｈ", "元", "美元", "km", "英里", "，", "。",
                " ", "or about ", "x",
            ]), 0..14),
            cut in 0usize..14,
        ) {
            let t = table();
            prop_assert!(t.prefilter().wide_heads.is_some());
            let cut = cut.min(parts.len());
            let texts = [parts[..cut].concat(), parts[cut..].concat(), parts.concat()];
            let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
            let joined = JoinedTexts::new(texts.iter().copied());
            let starts: Vec<usize> = (0..texts.len()).filter_map(|k| joined.start(k)).collect();
            let mark = |one_scan: bool| {
                let mut marked = vec![false; texts.len()];
                t.mark_candidates_by(&texts, joined.as_str().as_bytes(), &starts, &mut marked, one_scan);
                marked
            };
            prop_assert_eq!(mark(true), mark(false));
        }
    }

    #[test]
    fn wide_heads_need_few_long_non_ascii_needles() {
        assert!(wide_heads(["合".as_bytes()].into_iter()).is_some());
        assert!(wide_heads(["é".as_bytes()].into_iter()).is_none());
        assert!(wide_heads(["abc".as_bytes()].into_iter()).is_none());
        assert!(wide_heads(["合".as_bytes(); MAX_WIDE_HEADS + 1].into_iter()).is_none());
    }

    fn conv(text: &str) -> Vec<(String, String)> {
        let (amounts, convs) = find_conversions(text);
        convs
            .iter()
            .map(|c| (text[amounts[c.from].span.clone()].to_string(), text[amounts[c.to].span.clone()].to_string()))
            .collect()
    }

    #[test]
    fn table_loads() {
        let t = table();
        assert!(t.find("KZT").is_some() && t.find("mile").is_some());
        let c = &t.units[t.find("C").unwrap()];
        let f = &t.units[t.find("F").unwrap()];
        assert!((c.convert(100.0, f) - 212.0).abs() < 1e-9);
    }

    #[test]
    fn finds_conversions() {
        assert_eq!(
            conv("价格由每升60坚戈(约合人民币0.88元)提高到120坚戈(约合人民币1.47元到1.68元)。"),
            vec![("60坚戈".into(), "人民币0.88元".into()), ("120坚戈".into(), "人民币1.47元到1.68元".into())]
        );
        assert_eq!(conv("降至50坚戈(0.735元)每升。"), vec![("50坚戈".into(), "0.735元".into())]);
        assert_eq!(
            conv("a fine of 5 million tenge (about $12,000)."),
            vec![("5 million tenge".into(), "$12,000".into())]
        );
        assert_eq!(conv("The route is 100 km (62 miles) long."), vec![("100 km".into(), "62 miles".into())]);
        assert_eq!(conv("It cost £5m, or about $6.5m, last year."), vec![("£5m".into(), "$6.5m".into())]);
        assert_eq!(conv("投资1.2万美元，折合人民币8万元。").len(), 1);
        assert_eq!(conv("气温30℃（86°F）").len(), 1);
        assert_eq!(
            conv("was 9.5bn kronor (£722m; $1.3bn) and 6.5 billion reais ($2.3bn or £1.2bn)."),
            vec![
                ("9.5bn kronor".into(), "£722m".into()),
                ("9.5bn kronor".into(), "$1.3bn".into()),
                ("6.5 billion reais".into(), "$2.3bn".into()),
                ("6.5 billion reais".into(), "£1.2bn".into())
            ]
        );
        assert_eq!(conv("逆差为641亿日元，约合32.7亿元人民币").len(), 1);
        assert_eq!(conv("约1.37万亿日元、约合693亿元人民币").len(), 1);
        assert_eq!(conv("达到约28.5万亿美元，约合180万亿人民币").len(), 1);
    }

    #[test]
    fn prefilter_passes_every_known_conversion() {
        let t = table();
        for text in [
            "价格由每升60坚戈(约合人民币0.88元)提高到120坚戈(约合人民币1.47元到1.68元)。",
            "a fine of 5 million tenge (about $12,000).",
            "The route is 100 km ( 62 miles) long.",
            "It cost £5m, OR ABOUT $6.5m, last year (net).",
            "投资1.2万美元，折合人民币8万元。",
            "气温30℃（86°F）",
            "was 9.5bn kronor (£722m; $1.3bn) and 6.5 billion reais ($2.3bn or £1.2bn).",
            "逆差为641亿日元，约合32.7亿元人民币",
            "达到约28.5万亿美元，约合180万亿人民币",
            "It is 5 km, the equivalent of 3.1 miles.",
            "It is 5 km, roughly equivalent to 3.1 miles.",
            "降至五十坚戈（约三元）每升。",
            "-18°C (-0.4°F)",
        ] {
            assert!(!find_conversions_unfiltered(t, text).1.is_empty(), "{text}");
            assert!(t.could_hold_conversion(text), "{text}");
        }
        for text in ["国务院新闻办今天（7月15日）举行新闻发布会（1）。", "结合人民群众的需求，", "no numbers (here)"]
        {
            assert!(!t.could_hold_conversion(text), "{text}");
        }
    }

    #[test]
    fn leaves_non_conversions() {
        assert!(conv("收入100亿元，约15亿美元来自海外。").is_empty());
        assert!(conv("He paid $5 (and £4 later) for it.").is_empty());
        assert!(conv("售价100元（2022年）").is_empty());
        assert!(conv("票价60坚戈（上涨5%）").is_empty());
        assert!(conv("($1 = 7 yuan)").is_empty());
    }
}
