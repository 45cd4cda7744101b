//! Clock times and dates in Chinese and English prose, with byte spans: `1月5日17:38`,
//! `2022-01-05 17:38`, `当地时间1月5日凌晨1时30分`, `当天15时左右`, `十五时`, `下午3点半`,
//! `3 p.m. local time`, `0900 GMT`. Pure extraction: no zone resolution, no I/O.
//!
//! Each [`TimeMention`] carries what surrounds it and matters for its meaning: a zone word
//! before (`北京时间`, `当地时间`) or after (`GMT`, `local time`, `UTC+5`), a day-part word
//! (`凌晨`, `下午`), and whether it sits in a schedule or range (`每日23时至次日7时`) or a
//! future-tense clause (`将于`, `will`), where it names no event time.

use crate::text::chars::push_places_where;
use crate::text::joined::JoinedTexts;
use std::ops::Range;
use std::sync::LazyLock;

/// A part of the day named next to a clock time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DayPart {
    /// 凌晨 (small hours), 午夜/半夜 when not midnight itself.
    Dawn,
    /// 早上, 早晨, 清晨, 上午.
    Morning,
    /// 中午.
    Noon,
    /// 下午.
    Afternoon,
    /// 傍晚.
    Dusk,
    /// 晚上, 晚间, 夜间, 当晚, 晚.
    Evening,
    /// 深夜, 夜里.
    Night,
}

/// One clock time found in text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimeMention {
    /// The whole mention: date (if attached), day part, hour, minute, `许`/`左右`, am/pm.
    pub span: Range<usize>,
    /// Just the hour and minute.
    pub time: Range<usize>,
    pub year: Option<i16>,
    pub month: Option<i8>,
    pub day: Option<i8>,
    /// `当天`, `当日`, `同日`, `今天`, `当晚` before it: the day named earlier in the text.
    pub relative_day: bool,
    /// `次日`/`翌日` before it: the day after the day named earlier.
    pub next_day: bool,
    /// The hour as written (0–24).
    pub hour: i8,
    pub minute: i8,
    pub day_part: Option<(DayPart, Range<usize>)>,
    /// `Some(true)` for p.m., `Some(false)` for a.m.
    pub pm: Option<bool>,
    /// A run of Han characters ending in `时间` right before the mention (`据…当地时间`); the
    /// zone word is one of its suffixes.
    pub zone_before: Option<Range<usize>>,
    /// A zone word right after the time: `GMT`, `UTC+5`, `EST`, `local time`, `Moscow time`.
    pub zone_after: Option<Range<usize>>,
    /// `许`, `左右`, `前后`, `about`, `around`.
    pub approx: bool,
    /// A future-tense clause (`将`, `将于`, `计划`, `预计`, `will`, `is due to`).
    pub future: bool,
    /// A schedule, a range or a bound rather than an event (`每日`, `至`, `到`, `前`,
    /// `until`, `from`, `daily`, `curfew`).
    pub schedule: bool,
}

impl TimeMention {
    /// The hour on a 24-hour clock (0–24) after day part and am/pm.
    pub fn hour24(&self) -> i8 {
        let h = self.hour;
        if let Some(pm) = self.pm {
            return match (pm, h) {
                (true, 1..=11) => h + 12,
                (false, 12) => 0,
                _ => h,
            };
        }
        match self.day_part.as_ref().map(|d| d.0) {
            Some(DayPart::Afternoon | DayPart::Dusk | DayPart::Evening) if (1..=11).contains(&h) => h + 12,
            Some(DayPart::Noon) if (1..=4).contains(&h) => h + 12,
            Some(DayPart::Night) if (7..=11).contains(&h) => h + 12,
            Some(DayPart::Dawn) if h == 12 => 0,
            _ => h,
        }
    }

    /// Whether the day-part word (or am/pm) cannot name the hour as written: `凌晨15时`,
    /// `上午14时`, `晚上15时`, `15 p.m.`.
    pub fn day_part_conflict(&self) -> bool {
        let h = self.hour;
        if self.pm.is_some() {
            return h >= 13;
        }
        match self.day_part.as_ref().map(|d| d.0) {
            Some(DayPart::Dawn | DayPart::Morning) => (13..=23).contains(&h),
            Some(DayPart::Noon) => (15..=23).contains(&h),
            Some(DayPart::Afternoon) => (20..=23).contains(&h),
            Some(DayPart::Evening) => (13..=16).contains(&h),
            _ => false,
        }
    }
}

/// A timestamp line that opens a live-blog entry: `1月5日17:38`, `2022-01-05 17:38`,
/// `2022年1月5日 17:38`, `17:38`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stamp {
    pub year: Option<i16>,
    pub month: Option<i8>,
    pub day: Option<i8>,
    pub hour: i8,
    pub minute: i8,
}

/// The words a clock time is found from.
#[cfg(test)]
const ANCHORS: &[&str] = &["时", "点", ":", "：", "a.m", "p.m", "A.M", "P.M", "am", "pm", "AM", "PM", "GMT", "UTC"];

/// The anchors of [`ANCHORS`] in `text`, in order, without overlaps. Where each starts is
/// found exactly, 32 bytes at a time (see [`find_anchor_starts`]): neither the many Han
/// characters that end in the last byte of 时, 点 or ： nor a letter without its word after it
/// is looked at one by one, as a scan for single candidate bytes would.
fn anchors(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let b = text.as_bytes();
    let mut starts = Vec::new();
    find_anchor_starts(b, &mut starts);
    let mut resume = 0;
    starts.into_iter().filter_map(move |i| {
        if i < resume {
            return None;
        }
        // A Han anchor is named by its last byte.
        let r = if b[i] >= 0x80 { anchor_at(b, i + 2) } else { anchor_at(b, i) }?;
        resume = r.end;
        Some(r)
    })
}

/// Whether an anchor starts at a byte `c` followed by `next` and `next2`: exact (all three
/// bytes of 时/点/：, every letter of a.m./AM/GMT/UTC), written with non-short-circuit
/// operators so that a block is classified with vector compares.
#[inline(always)]
fn starts_anchor(c: u8, next: u8, next2: u8) -> bool {
    let lower = ((c == b'a') | (c == b'p')) & ((next == b'm') | ((next == b'.') & (next2 == b'm')));
    let upper = ((c == b'A') | (c == b'P')) & ((next == b'M') | ((next == b'.') & (next2 == b'M')));
    let zone = ((c == b'G') & (next == b'M') & (next2 == b'T')) | ((c == b'U') & (next == b'T') & (next2 == b'C'));
    let han = ((c == 0xE6) & (next == 0x97) & (next2 == 0xB6))
        | ((c == 0xE7) & (next == 0x82) & (next2 == 0xB9))
        | ((c == 0xEF) & (next == 0xBC) & (next2 == 0x9A));
    (c == b':') | lower | upper | zone | han
}

/// Appends to `out`, in order, where the anchors of `bytes` start (overlapping ones too).
fn find_anchor_starts(bytes: &[u8], out: &mut Vec<usize>) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: `find_anchor_starts_avx2` only needs AVX2, which the CPU was just found to
        // have.
        unsafe { find_anchor_starts_avx2(bytes, out) };
        return;
    }
    find_anchor_starts_portable(bytes, out);
}

/// [`find_anchor_starts`] compiled for AVX2: the same code, a block classified 32 bytes per
/// vector compare instead of 16.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn find_anchor_starts_avx2(bytes: &[u8], out: &mut Vec<usize>) {
    find_anchor_starts_portable(bytes, out);
}

/// [`find_anchor_starts`] for any CPU.
#[inline(always)]
fn find_anchor_starts_portable(bytes: &[u8], out: &mut Vec<usize>) {
    push_places_where(bytes, out, starts_anchor);
}

/// Whether an anchor may start (ASCII) or end (the last byte of 时, 点, ：) at byte value `c`
/// (what the scan for anchors first looked for; kept to test it).
#[cfg(test)]
fn is_anchor_byte(c: u8) -> bool {
    (c == b':')
        | (c == b'a')
        | (c == b'A')
        | (c == b'p')
        | (c == b'P')
        | (c == b'G')
        | (c == b'U')
        | (c == 0xB6)
        | (c == 0xB9)
        | (c == 0x9A)
}

/// The bytes of [`is_anchor_byte`] as a table (what the scan first used; kept to test it).
#[cfg(test)]
static ANCHOR_BYTE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut k = 0;
    let hits: &[u8] = b":aApPGU";
    while k < hits.len() {
        t[hits[k] as usize] = 1;
        k += 1;
    }
    t[0xB6] = 1; // 时 E6 97 B6
    t[0xB9] = 1; // 点 E7 82 B9
    t[0x9A] = 1; // ： EF BC 9A
    t
};

/// The anchor found at byte `i` (its start for ASCII words, its last byte for 时/点/：).
fn anchor_at(b: &[u8], i: usize) -> Option<Range<usize>> {
    let rest = &b[i..];
    let ascii = |words: &[&[u8]]| words.iter().find(|w| rest.starts_with(w)).map(|w| i..i + w.len());
    match b[i] {
        b':' => Some(i..i + 1),
        b'a' => ascii(&[b"a.m", b"am"]),
        b'p' => ascii(&[b"p.m", b"pm"]),
        b'A' => ascii(&[b"A.M", b"AM"]),
        b'P' => ascii(&[b"P.M", b"PM"]),
        b'G' => ascii(&[b"GMT"]),
        b'U' => ascii(&[b"UTC"]),
        last if i >= 2 => {
            let lead = [b[i - 2], b[i - 1], last];
            matches!(lead, [0xE6, 0x97, 0xB6] | [0xE7, 0x82, 0xB9] | [0xEF, 0xBC, 0x9A]).then(|| i - 2..i + 1)
        }
        _ => None,
    }
}

/// English zone words that may follow a time (abbreviations are checked with word bounds).
const ZONE_TOKENS: &[&str] = &[
    "GMT", "UTC", "BST", "CET", "CEST", "EET", "EEST", "WET", "WEST", "MSK", "IST", "JST", "KST", "HKT", "SGT", "AEST",
    "AEDT", "ACST", "ACDT", "AWST", "NZST", "NZDT", "EST", "EDT", "CST", "CDT", "MST", "MDT", "PST", "PDT", "AKST",
    "AKDT", "HST", "ET", "CT", "MT", "PT", "ALMT", "AQTT", "PKT", "WIB", "ICT", "PHT", "SAST", "EAT", "WAT", "CAT",
    "BRT", "ART", "Z",
];

const DAY_PARTS: &[(&str, DayPart)] = &[
    ("凌晨", DayPart::Dawn),
    ("午夜", DayPart::Dawn),
    ("半夜", DayPart::Dawn),
    ("清晨", DayPart::Morning),
    ("早晨", DayPart::Morning),
    ("早上", DayPart::Morning),
    ("上午", DayPart::Morning),
    ("今晨", DayPart::Morning),
    ("中午", DayPart::Noon),
    ("下午", DayPart::Afternoon),
    ("傍晚", DayPart::Dusk),
    ("晚上", DayPart::Evening),
    ("晚间", DayPart::Evening),
    ("夜间", DayPart::Evening),
    ("当晚", DayPart::Evening),
    ("今晚", DayPart::Evening),
    ("深夜", DayPart::Night),
    ("夜里", DayPart::Night),
    ("晚", DayPart::Evening),
    ("早", DayPart::Morning),
];

fn cn_digit(c: char) -> Option<i32> {
    Some(match c {
        '零' | '〇' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        '十' => 10,
        _ => return None,
    })
}

/// Value of a Chinese numeral below 100 (`十五`, `二十三`, `零五`), or `None`.
pub fn chinese_number(s: &str) -> Option<i32> {
    let mut total = 0;
    let mut cur: Option<i32> = None;
    let mut seen_ten = false;
    for c in s.chars() {
        let d = cn_digit(c)?;
        if d == 10 {
            if seen_ten {
                return None;
            }
            seen_ten = true;
            total += cur.unwrap_or(1) * 10;
            cur = None;
        } else {
            if cur.is_some() && d != 0 && !seen_ten {
                // 零五 is 5, 二三 is not a number
                if cur != Some(0) {
                    return None;
                }
            }
            cur = Some(d);
        }
    }
    Some(total + cur.unwrap_or(0))
}

fn prev_char(text: &str, at: usize) -> Option<(usize, char)> {
    text.get(..at)?.char_indices().next_back()
}

fn next_char(text: &str, at: usize) -> Option<char> {
    text.get(at..)?.chars().next()
}

/// Start of the run of ASCII digits ending at `end` (at most `max` digits), if any.
fn digits_before(text: &str, end: usize, max: usize) -> Option<(usize, i32)> {
    let b = text.as_bytes();
    let mut s = end;
    while s > 0 && b[s - 1].is_ascii_digit() && end - s <= max {
        s -= 1;
    }
    if s == end || end - s > max {
        return None;
    }
    text[s..end].parse().ok().map(|v| (s, v))
}

fn digits_after(text: &str, start: usize, max: usize) -> Option<(usize, i32)> {
    let b = text.as_bytes();
    let mut e = start;
    while e < b.len() && b[e].is_ascii_digit() && e - start <= max {
        e += 1;
    }
    if e == start || e - start > max {
        return None;
    }
    text[start..e].parse().ok().map(|v| (e, v))
}

fn cn_number_before(text: &str, end: usize, max_chars: usize) -> Option<(usize, i32)> {
    let mut s = end;
    let mut n = 0;
    while let Some((i, c)) = prev_char(text, s) {
        if cn_digit(c).is_none() || n == max_chars {
            break;
        }
        s = i;
        n += 1;
    }
    if s == end {
        return None;
    }
    chinese_number(&text[s..end]).map(|v| (s, v))
}

fn cn_number_after(text: &str, start: usize, max_chars: usize) -> Option<(usize, i32)> {
    let mut e = start;
    for (n, c) in text[start..].chars().enumerate() {
        if cn_digit(c).is_none() || n == max_chars {
            break;
        }
        e += c.len_utf8();
    }
    if e == start {
        return None;
    }
    chinese_number(&text[start..e]).map(|v| (e, v))
}

fn ends_with_at<'a>(text: &str, end: usize, words: &[&'a str]) -> Option<&'a str> {
    let head = text.get(..end)?;
    words.iter().copied().find(|w| head.ends_with(w))
}

/// Date attached before byte `end`: `2022年1月5日`, `1月5日`, `5日`, `5号`, `2022-01-05`,
/// `2022/1/5`, with optional spaces. Returns (start, year, month, day).
/// Where a date starts, and its year, month and day as written.
type DateAt = (usize, Option<i16>, Option<i8>, Option<i8>);

fn date_before(text: &str, end: usize) -> Option<DateAt> {
    let mut e = end;
    while e > 0 && text.as_bytes()[e - 1] == b' ' {
        e -= 1;
    }
    // ISO-like 2022-01-05 / 2022/1/5
    if let Some((ds, d)) = digits_before(text, e, 2)
        && ds > 0
        && matches!(text.as_bytes()[ds - 1], b'-' | b'/')
    {
        let sep = text.as_bytes()[ds - 1];
        if let Some((ms, m)) = digits_before(text, ds - 1, 2)
            && ms > 0
            && text.as_bytes()[ms - 1] == sep
            && let Some((ys, y)) = digits_before(text, ms - 1, 4)
            && ms - 1 - ys == 4
            && valid_md(m, d)
        {
            return Some((ys, Some(y as i16), Some(m as i8), Some(d as i8)));
        }
    }
    let day_end = if text[..e].ends_with('日') || text[..e].ends_with('号') { e - 3 } else { return None };
    let (ds, d) = digits_before(text, day_end, 2)?;
    if !(1..=31).contains(&d) {
        return None;
    }
    let (mut start, mut month, mut year) = (ds, None, None);
    if text[..ds].ends_with('月')
        && let Some((ms, m)) = digits_before(text, ds - 3, 2)
        && (1..=12).contains(&m)
    {
        start = ms;
        month = Some(m as i8);
        if text[..ms].ends_with('年')
            && let Some((ys, y)) = digits_before(text, ms - 3, 4)
            && ms - 3 - ys == 4
        {
            start = ys;
            year = Some(y as i16);
        }
    }
    Some((start, year, month, Some(d as i8)))
}

/// A date in brackets ending at `end`: `（3月25日）`, `(25日)`.
fn bracket_date_before(text: &str, end: usize) -> Option<DateAt> {
    let head = text.get(..end)?;
    let inner_end = head.strip_suffix('）').or_else(|| head.strip_suffix(')'))?.len();
    let (ds, y, mo, d) = date_before(text, inner_end)?;
    let open = text[..ds].strip_suffix('（').or_else(|| text[..ds].strip_suffix('('))?.len();
    Some((open, y, mo, d))
}

fn valid_md(m: i32, d: i32) -> bool {
    (1..=12).contains(&m) && (1..=31).contains(&d)
}

/// Scans the prefix before a time (at byte `at`) for day part, date, relative-day words and a
/// zone word; fills them into `m` and returns the mention's new start.
fn scan_prefix(text: &str, at: usize, m: &mut TimeMention) -> usize {
    let mut start = at;
    let mut e = at;
    // day part may sit before or after the date: 5日凌晨1时 / 凌晨5日? (only the former)
    if let Some(&(w, part)) = text.get(..e).and_then(|head| DAY_PARTS.iter().find(|d| head.ends_with(d.0))) {
        let s = e - w.len();
        m.day_part = Some((part, s..e));
        if matches!(w, "当晚" | "今晚" | "今晨") {
            m.relative_day = true;
        }
        start = s;
        e = s;
    }
    // 今天（3月25日）: a relative day explained by a date in brackets
    if let Some((bs, y, mo, d)) = bracket_date_before(text, e) {
        m.year = y;
        m.month = mo;
        m.day = d;
        start = bs;
        e = bs;
        if let Some(w) = ends_with_at(
            text,
            e,
            &["今天", "今日", "当天", "当日", "昨天", "昨日", "明天", "昨晚", "今晨", "今晚", "当晚"],
        ) {
            start = e - w.len();
            e = start;
        }
    } else if let Some((ds, y, mo, d)) = date_before(text, e) {
        m.year = y;
        m.month = mo;
        m.day = d;
        start = ds;
        e = ds;
    } else if let Some(w) = ends_with_at(text, e, &["当天", "当日", "同日", "同一天", "今天", "今日", "当地时间当天"])
    {
        m.relative_day = true;
        start = e - w.len();
        e = start;
    } else if let Some(w) = ends_with_at(text, e, &["次日", "翌日", "第二天"]) {
        m.next_day = true;
        start = e - w.len();
        e = start;
    }
    // Zone word: Han run ending in 时间, allowing one space.
    let mut z = e;
    if z > 0 && text.as_bytes()[z - 1] == b' ' {
        z -= 1;
    }
    if text[..z].ends_with("时间") {
        let mut s = z - "时间".len();
        let mut n = 0;
        while let Some((i, c)) = prev_char(text, s) {
            if !crate::text::chars::is_han(c) || n >= 8 {
                break;
            }
            s = i;
            n += 1;
        }
        if n > 0 {
            m.zone_before = Some(s..z);
        }
    }
    start
}

/// English zone word after byte `at` (one optional space): `GMT`, `UTC+5`, `EST`, `local time`,
/// `Moscow time`, `(GMT)`.
fn zone_after(text: &str, at: usize) -> Option<Range<usize>> {
    let rest = text.get(at..)?;
    let trimmed = rest.trim_start_matches([' ', '(']);
    let off = at + (rest.len() - trimmed.len());
    if rest.len() - trimmed.len() > 2 {
        return None;
    }
    let lower_starts =
        |w: &str| trimmed.len() >= w.len() && trimmed.as_bytes()[..w.len()].eq_ignore_ascii_case(w.as_bytes());
    if lower_starts("local time") {
        return Some(off..off + "local time".len());
    }
    let word_len = trimmed.bytes().take_while(|b| b.is_ascii_alphabetic()).count();
    if word_len == 0 {
        return None;
    }
    let word = &trimmed[..word_len];
    if ZONE_TOKENS.contains(&word) {
        let mut end = off + word_len;
        // UTC+5, GMT+05:30
        let b = text.as_bytes();
        if matches!(word, "UTC" | "GMT") && end < b.len() && matches!(b[end], b'+' | b'-') {
            let mut e = end + 1;
            while e < b.len() && (b[e].is_ascii_digit() || b[e] == b':') && e - end <= 5 {
                e += 1;
            }
            if e > end + 1 {
                end = e;
            }
        }
        if end < b.len() && b[end].is_ascii_alphanumeric() {
            return None;
        }
        return Some(off..end);
    }
    // "Moscow time", "Beijing time"
    if word.as_bytes()[0].is_ascii_uppercase() && trimmed[word_len..].starts_with(" time") {
        let end = off + word_len + " time".len();
        if text.as_bytes().get(end).is_none_or(|b| !b.is_ascii_alphanumeric()) {
            return Some(off..end);
        }
    }
    None
}

/// Chinese and English words that make the clause future tense.
const FUTURE_ZH: &[&str] = &["将", "计划", "预计", "拟", "定于", "准备", "届时", "要在", "预定", "预期"];
const FUTURE_EN: &[&str] = &[
    "will ",
    "would ",
    "is due",
    "are due",
    "scheduled",
    "expected to",
    "plans to",
    "planned",
    "is set to",
    "shall ",
    "'ll ",
];
/// Words anywhere in the clause before a time that make it part of a schedule.
const SCHEDULE_ZH: &[&str] =
    &["每日", "每天", "每晚", "每周", "每逢", "每隔", "从", "宵禁", "期间", "营业", "开放", "截至", "直至"];
const SCHEDULE_EN: &[&str] = &["every", "daily", "nightly", "curfew", "each ", "opens", "closes", "between", "from "];
/// Words right before a time that make it a bound or the end of a range.
const BOUND_ZH: &[&str] = &["至", "到", "直到", "自", "起", "~", "～", "—", "-", "–"];
const BOUND_EN: &[&str] = &["until", "till", "by", "before", "after", "to", "through", "since", "-", "–"];
/// Words right after a time that make it the start of a range or a bound.
const AFTER_SCHEDULE: &[&str] = &[
    "至", "到", "～", "~", "—", "-", "–", "前", "以前", "之前", "后", "以后", "之后", "以来", "to ", "until", "and ",
    "till",
];

/// The clause before byte `at`: back to the last sentence or clause mark, at most ~90 bytes.
fn clause_before(text: &str, at: usize) -> &str {
    let mut s = at.saturating_sub(90);
    while !text.is_char_boundary(s) {
        s += 1;
    }
    let head = &text[s..at];
    match head.rfind(['。', '；', '！', '？', '\n', ';', '!', '?', '，', ',']) {
        Some(i) => {
            let c = head[i..].chars().next().map_or(1, char::len_utf8);
            &head[i + c..]
        }
        None => head,
    }
}

/// The key of byte `i` of `b` for [`contains_any`]'s filter: its value and the next one's mixed.
#[inline]
fn pair_key(b: &[u8], i: usize) -> u32 {
    u32::from(b[i] ^ (b.get(i + 1).copied().unwrap_or(0) << 1)) & 127
}

/// The keys ([`pair_key`]) at which a word of `lists` may start, as a set (every key for a
/// one-byte word, whose next byte is anyone's).
fn word_start_filter(lists: &[&[&str]]) -> u128 {
    lists.iter().flat_map(|l| l.iter()).fold(0, |f, w| match w.len() {
        0 | 1 => u128::MAX,
        _ => f | 1 << pair_key(w.as_bytes(), 0),
    })
}

/// For each of `lists` (whose word starts are all in `filter`), whether `hay` contains one of
/// its words: one pass over `hay`'s characters, each looked at closer only when its key passes
/// the filter (many separate substring searches over a short clause cost more than the clause
/// is long).
fn contains_any<const N: usize>(hay: &str, lists: [&[&str]; N], filter: u128) -> [bool; N] {
    let b = hay.as_bytes();
    let mut found = [false; N];
    let mut i = 0;
    while i < b.len() {
        if filter >> pair_key(b, i) & 1 != 0 {
            let rest = &b[i..];
            for (f, list) in found.iter_mut().zip(lists) {
                *f = *f || list.iter().any(|w| rest.starts_with(w.as_bytes()));
            }
            if found.iter().all(|&f| f) {
                break;
            }
        }
        // Every word starts at a character start.
        i += match b[i] {
            0..0xC0 => 1,
            0xC0..0xE0 => 2,
            0xE0..0xF0 => 3,
            _ => 4,
        };
    }
    found
}

/// Words after a time (or in its clause) that put it on the day of the report.
const TODAY_EN: &[&str] = &["today", "this morning", "this afternoon", "this evening", "tonight"];

/// Where the English future, schedule and today words may start.
static EN_CLAUSE_FILTER: LazyLock<u128> = LazyLock::new(|| word_start_filter(&[FUTURE_EN, SCHEDULE_EN, TODAY_EN]));

/// Where the Chinese future and schedule words may start.
static ZH_CLAUSE_FILTER: LazyLock<u128> = LazyLock::new(|| word_start_filter(&[FUTURE_ZH, SCHEDULE_ZH]));

fn mark_context(text: &str, m: &mut TimeMention) {
    let clause = clause_before(text, m.span.start);
    // The English words all hold a letter, the Chinese ones a non-ASCII character: a clause
    // without them needs no search for them (nor a lower-case copy).
    let clause_alpha = clause.bytes().any(|b| b.is_ascii_alphabetic());
    let clause_han = !clause.is_ascii();
    let en = if clause_alpha { clause.to_ascii_lowercase() } else { String::new() };
    let [future_zh, schedule_zh] =
        if clause_han { contains_any(clause, [FUTURE_ZH, SCHEDULE_ZH], *ZH_CLAUSE_FILTER) } else { [false; 2] };
    let [future_en, schedule_en, today_en] = if clause_alpha {
        contains_any(&en, [FUTURE_EN, SCHEDULE_EN, TODAY_EN], *EN_CLAUSE_FILTER)
    } else {
        [false; 3]
    };
    m.future = future_zh || future_en;
    let zh_last = clause.trim_end();
    // Without a letter, the clause is its own lower case and ends in no English word.
    let en_last = if clause_alpha {
        en.trim_end().trim_end_matches(" at").trim_end_matches(" about").trim_end_matches(" around")
    } else {
        zh_last
    };
    let last_word = en_last.rsplit(' ').next().unwrap_or("");
    let tail = text.get(m.span.end..).unwrap_or("").trim_start_matches(' ');
    if m.day.is_none() && !m.relative_day {
        // "this afternoon at 3 p.m.", "at 9 a.m. today": the day of the report
        let upto = tail.find(['.', ',', ';', '。', '，']).unwrap_or(tail.len());
        let after = tail.get(..upto).unwrap_or("");
        m.relative_day = today_en
            || (after.bytes().any(|b| b.is_ascii_alphabetic())
                && contains_any(&after.to_ascii_lowercase(), [TODAY_EN], *EN_CLAUSE_FILTER)[0]);
    }
    m.schedule = m.next_day
        || schedule_zh
        || schedule_en
        || BOUND_ZH.iter().any(|w| zh_last.ends_with(w))
        || BOUND_EN.contains(&last_word)
        || AFTER_SCHEDULE.iter().any(|w| tail.starts_with(w));
}

/// Where [`skip_non_ascii`] leaves bit 6 of each byte of the form 110xxxxx (a two-byte lead).
const LEAD2_BITS: u64 = 0x4040_4040_4040_4040;

/// The first ASCII byte at or after `from` (or the end of `b`), found 32 bytes at a time: one
/// loop whose only branch is whether the block holds an ASCII byte, rather than a cascade of
/// 32-, 16-, 8- and 1-byte steps whose exits the branch predictor cannot guess in Chinese
/// text with digits and spaces here and there. The two-byte leads of the bytes read are ORed
/// into `leads` (at bit 6 of a byte, see [`LEAD2_BITS`]): every non-ASCII byte passed over is
/// read, so over a whole text the flag is exact.
#[inline]
fn skip_non_ascii(b: &[u8], from: usize, leads: &mut u64) -> usize {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut i = from;
    while let Some(rest) = b.get(i..).filter(|rest| !rest.is_empty()) {
        let block = match rest.first_chunk::<32>() {
            Some(block) => *block,
            None => {
                // The last bytes, padded with 0x80: neither ASCII nor a lead.
                let mut padded = [0x80u8; 32];
                padded[..rest.len()].copy_from_slice(rest);
                padded
            }
        };
        let word = |k: usize| u64::from_le_bytes(block[8 * k..8 * k + 8].try_into().unwrap_or([0; 8]));
        let (w0, w1, w2, w3) = (word(0), word(1), word(2), word(3));
        if w0 & w1 & w2 & w3 & HIGH == HIGH {
            // Bit 7 is set throughout: a lead is bit 6 set with bit 5 clear.
            *leads |= (w0 & !(w0 << 1)) | (w1 & !(w1 << 1)) | (w2 & !(w2 << 1)) | (w3 & !(w3 << 1));
            i += 32;
            continue;
        }
        // Bit 6 set, bit 5 clear and bit 7 set (the block holds ASCII).
        let lead2 = |w: u64| w & !(w << 1) & (w >> 1);
        *leads |= lead2(w0) | lead2(w1) | lead2(w2) | lead2(w3);
        // The high bit of the first ASCII byte, found without branches.
        let ascii = |w: u64| !w & HIGH;
        let low = u128::from(ascii(w0)) | u128::from(ascii(w1)) << 64;
        let high = u128::from(ascii(w2)) | u128::from(ascii(w3)) << 64;
        let low_empty = u32::from(low == 0);
        let bit = low.trailing_zeros() + low_empty * high.trailing_zeros();
        return i + (bit / 8) as usize;
    }
    b.len()
}

/// What a text may contain, found before any extraction runs, so that most paragraphs cost a
/// few fast scans: one over ASCII bytes (skipping eight non-ASCII bytes at a time) and a
/// substring search for each of a few Han characters.
///
/// Every flag is exact ("contains 时间") or errs on the side of `true` (a paragraph the flag
/// rules out can never yield what it guards).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Features(u32);

impl Features {
    /// `月`.
    pub const MONTH_ZH: u32 = 1 << 0;
    /// `dddd-dd-dd` in ASCII or full-width digits (ISO dates).
    pub const ISO: u32 = 1 << 1;
    /// An English month abbreviation with its capital (`Jan` … `Dec`).
    pub const MONTH_EN: u32 = 1 << 2;
    /// Digits that may be a compact date (`20220715`).
    pub const COMPACT: u32 = 1 << 3;
    /// An ASCII digit.
    pub const DIGIT: u32 = 1 << 4;
    /// `时间`.
    pub const SHIJIAN: u32 = 1 << 5;
    /// `当地时间`.
    pub const LOCAL_ZH: u32 = 1 << 6;
    /// `local time`.
    pub const LOCAL_EN: u32 = 1 << 7;
    /// `夏令时`.
    pub const DST: u32 = 1 << 8;
    /// An ASCII capital letter.
    pub const UPPER: u32 = 1 << 9;
    /// `GMT` or `UTC`.
    pub const GMT_UTC: u32 = 1 << 10;
    /// A day-part word right before the hour of an anchor, or an a.m./p.m. in any case: a
    /// time here may carry a day part.
    pub const DAY_PART: u32 = 1 << 11;
    /// `-`.
    pub const HYPHEN: u32 = 1 << 12;
    /// A space.
    pub const SPACE: u32 = 1 << 13;
    /// An ASCII letter.
    pub const ALPHA: u32 = 1 << 14;
    /// The lead byte of a two-byte character (Latin, Greek and Cyrillic letters are such, and
    /// so is the middle dot of Chinese transliterated names).
    pub const LEAD2: u32 = 1 << 15;

    /// Every flag of `text`.
    pub fn of(text: &str) -> Features {
        Features::clock(text, Features::ascii(text)).with_dates(text)
    }

    /// A value with exactly `flags` set.
    pub fn from_flags(flags: u32) -> Features {
        Features(flags)
    }

    /// Whether any of `flags` is set.
    pub fn any(self, flags: u32) -> bool {
        self.0 & flags != 0
    }

    /// The flags found from ASCII bytes (all but 时间, 当地时间, 夏令时, 月, and day parts
    /// before a Chinese-numeral hour).
    pub fn ascii(text: &str) -> Features {
        let b = text.as_bytes();
        let mut f = 0u32;
        let (mut ascii_digits, mut short_run_after_wide) = (0usize, false);
        let mut leads = 0u64;
        let mut i = 0;
        while i < b.len() {
            if b[i] >= 0x80 {
                i = skip_non_ascii(b, i, &mut leads);
                if i >= b.len() {
                    break;
                }
            }
            let c = b[i];
            match c {
                b'0'..=b'9' => {
                    // The run's bounds, flags and tests computed without branches: runs are
                    // short and many, and a branch on their length or on what follows them
                    // would be mispredicted often.
                    let start = i;
                    i = digit_run_end(b, i);
                    let run = i - start;
                    ascii_digits += run;
                    f |= Features::DIGIT;
                    // A compact date is a run of eight ASCII digits, or (Unicode `\d` in its
                    // year) four or five right after a non-ASCII digit.
                    f |= Features::COMPACT * u32::from(run == 8);
                    let after_wide = start.checked_sub(1).and_then(|k| b.get(k)).map_or(0, |&x| x >> 7);
                    if (run.wrapping_sub(4) < 2) & (after_wide != 0)
                        && text[..start].chars().next_back().is_some_and(is_numeric)
                    {
                        short_run_after_wide = true;
                    }
                    // An hour in ASCII digits before 时, 点 or a colon.
                    if hour_mark_at(b, i) && day_part_before_hour(b, i) {
                        f |= Features::DAY_PART;
                    }
                    continue;
                }
                b'-' => {
                    f |= Features::HYPHEN;
                    if iso_date_at(b, i) {
                        f |= Features::ISO;
                    }
                }
                b' ' => f |= Features::SPACE,
                b':' if day_part_before_hour(b, i) => f |= Features::DAY_PART,
                b'A'..=b'Z' | b'a'..=b'z' => {
                    f |= if c.is_ascii_uppercase() { Features::ALPHA | Features::UPPER } else { Features::ALPHA };
                    let rest = &b[i..];
                    let m = |k: usize| rest.get(k).is_some_and(|x| x.eq_ignore_ascii_case(&b'm'));
                    match c {
                        b'a' | b'A' | b'p' | b'P' if m(1) || (rest.get(1) == Some(&b'.') && m(2)) => {
                            f |= Features::DAY_PART;
                        }
                        b'l' if rest.starts_with(b"local time") => f |= Features::LOCAL_EN,
                        b'G' | b'U' if rest.starts_with(b"GMT") || rest.starts_with(b"UTC") => {
                            f |= Features::GMT_UTC;
                        }
                        _ => {}
                    }
                    // Every abbreviation starts with one of these capitals.
                    if matches!(c, b'J' | b'F' | b'M' | b'A' | b'S' | b'O' | b'N' | b'D')
                        && rest.get(..3).is_some_and(|p| MONTH_ABBRS.contains(&p))
                    {
                        f |= Features::MONTH_EN;
                    }
                }
                _ => {}
            }
            i += 1;
        }
        if ascii_digits >= 8 && short_run_after_wide {
            f |= Features::COMPACT;
        }
        if leads & LEAD2_BITS != 0 {
            f |= Features::LEAD2;
        }
        Features(f)
    }

    /// `ascii` (the flags from [`Features::ascii`]) with the clock-time flags from Han text:
    /// 时间, 当地时间, 夏令时, and day parts before a Chinese-numeral hour.
    pub fn clock(text: &str, ascii: Features) -> Features {
        let b = text.as_bytes();
        let mut f = ascii.0;
        for at in SHI_FINDER.find_iter(b) {
            f = shi_flags(b, at, f);
        }
        if f & Features::DAY_PART == 0 && DIAN_FINDER.find_iter(b).any(|at| day_part_before_hour(b, at)) {
            f |= Features::DAY_PART;
        }
        Features(f)
    }

    /// [`Features::clock`] of every text of `joined`, `ascii` holding each one's ASCII flags:
    /// one substring search per character over all the texts rather than one per text.
    pub fn clock_all(joined: &JoinedTexts, ascii: &[Features]) -> Vec<Features> {
        let mut flags: Vec<u32> = ascii.iter().map(|a| a.0).collect();
        for (k, at) in joined.hits(&SHI_FINDER) {
            if let Some(f) = flags.get_mut(k) {
                *f = shi_flags(joined.text(k), at, *f);
            }
        }
        for (k, at) in joined.hits(&DIAN_FINDER) {
            if let Some(f) = flags.get_mut(k)
                && *f & Features::DAY_PART == 0
                && day_part_before_hour(joined.text(k), at)
            {
                *f |= Features::DAY_PART;
            }
        }
        flags.into_iter().map(Features).collect()
    }

    /// [`Features::clock_all`] and [`Features::with_dates_all`] at once: one multi-pattern
    /// search finds 时, 点 and 月 over all the texts, where separate substring searches would
    /// read them three times.
    pub fn han_all(joined: &JoinedTexts, ascii: &[Features]) -> (Vec<Features>, Vec<Features>) {
        let Some(marks) = &*HAN_MARKS else {
            return (Features::clock_all(joined, ascii), Features::with_dates_all(joined, ascii));
        };
        let mut clock: Vec<u32> = ascii.iter().map(|a| a.0).collect();
        let mut dates: Vec<u32> = clock.clone();
        let mut k = 0;
        for m in marks.find_iter(joined.as_str()) {
            let at = m.start();
            while joined.start(k + 1).is_some_and(|s| s <= at) {
                k += 1;
            }
            let (Some(start), Some(c), Some(d)) = (joined.start(k), clock.get_mut(k), dates.get_mut(k)) else { break };
            let Some(at) = at.checked_sub(start) else { continue };
            let text = joined.text(k);
            match m.pattern().as_usize() {
                0 => *c = shi_flags(text, at, *c),
                1 => {
                    if *c & Features::DAY_PART == 0 && day_part_before_hour(text, at) {
                        *c |= Features::DAY_PART;
                    }
                }
                _ => *d |= Features::MONTH_ZH,
            }
        }
        (clock.into_iter().map(Features).collect(), dates.into_iter().map(Features).collect())
    }

    /// These flags with [`Features::MONTH_ZH`] from `text`.
    pub fn with_dates(self, text: &str) -> Features {
        let month = if YUE_FINDER.find(text.as_bytes()).is_some() { Features::MONTH_ZH } else { 0 };
        Features(self.0 | month)
    }

    /// [`Features::with_dates`] of every text of `joined`, `ascii` holding each one's flags.
    pub fn with_dates_all(joined: &JoinedTexts, ascii: &[Features]) -> Vec<Features> {
        let mut flags = ascii.to_vec();
        for (k, _) in joined.hits(&YUE_FINDER) {
            if let Some(f) = flags.get_mut(k) {
                f.0 |= Features::MONTH_ZH;
            }
        }
        flags
    }
}

/// The end of the run of ASCII digits starting at byte `start`: eight bytes tested at a time,
/// so that a run shorter than eight (nearly all) costs no branch on its length.
#[inline]
fn digit_run_end(b: &[u8], start: usize) -> usize {
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut i = start;
    while let Some(word) = b.get(i..).and_then(|rest| rest.first_chunk::<8>()) {
        // A byte is a digit when its value less b'0' is below 10: adding 0x76 to its low
        // seven bits carries into bit 7 from 10 up, and a byte with bit 7 set is no digit.
        let y = u64::from_le_bytes(*word) ^ 0x3030_3030_3030_3030;
        let not_digit = (((y & LOW7) + 0x7676_7676_7676_7676) | y) & HIGH;
        if not_digit != 0 {
            return i + (not_digit.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while b.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    i
}

/// Whether 时, 点 or ： starts at byte `i`: the three bytes compared at once.
#[inline]
fn hour_mark_at(b: &[u8], i: usize) -> bool {
    let Some(&[b0, b1, b2]) = b.get(i..).and_then(|rest| rest.first_chunk::<3>()) else { return false };
    let key = u32::from(b0) << 16 | u32::from(b1) << 8 | u32::from(b2);
    (key == 0xE6_97B6) | (key == 0xE7_82B9) | (key == 0xEF_BC9A)
}

static SHI_FINDER: LazyLock<memchr::memmem::Finder<'static>> = LazyLock::new(|| memchr::memmem::Finder::new("时"));
static DIAN_FINDER: LazyLock<memchr::memmem::Finder<'static>> = LazyLock::new(|| memchr::memmem::Finder::new("点"));
static YUE_FINDER: LazyLock<memchr::memmem::Finder<'static>> = LazyLock::new(|| memchr::memmem::Finder::new("月"));

static NIAN_FINDER: LazyLock<memchr::memmem::Finder<'static>> = LazyLock::new(|| memchr::memmem::Finder::new("年"));

/// 时, 点, 月 (patterns 0 to 2), for [`Features::han_all`]: a SIMD multi-pattern search where
/// the target has one, else none.
static HAN_MARKS: LazyLock<Option<aho_corasick::packed::Searcher>> =
    LazyLock::new(|| aho_corasick::packed::Searcher::new(["时", "点", "月"]));

/// Whether `text` contains 年 (a substring search: faster than `str::contains` for a Han
/// character, whose last byte is common in Chinese text).
pub fn contains_nian(text: &str) -> bool {
    NIAN_FINDER.find(text.as_bytes()).is_some()
}

/// Whether `text` contains 月 (see [`contains_nian`]).
pub fn contains_yue(text: &str) -> bool {
    YUE_FINDER.find(text.as_bytes()).is_some()
}

/// Flags `f` with those a 时 at byte `at` of `b` adds.
fn shi_flags(b: &[u8], at: usize, mut f: u32) -> u32 {
    let after = &b[at + 3..];
    if after.starts_with(&JIAN) {
        f |= Features::SHIJIAN;
        if b[..at].ends_with("当地".as_bytes()) {
            f |= Features::LOCAL_ZH;
        }
    }
    if b[..at].ends_with("夏令".as_bytes()) {
        f |= Features::DST;
    }
    if f & Features::DAY_PART == 0 && day_part_before_hour(b, at) {
        f |= Features::DAY_PART;
    }
    f
}

const JIAN: [u8; 3] = utf8('间');

/// The UTF-8 bytes of a three-byte character.
const fn utf8(c: char) -> [u8; 3] {
    let mut buf = [0u8; 4];
    let s = c.encode_utf8(&mut buf);
    let b = s.as_bytes();
    [b[0], b[1], b[2]]
}

const MONTH_ABBRS: [&[u8]; 12] =
    [b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec"];

/// The byte length of an ASCII or full-width digit ending right before byte `at`.
fn digit_ending_at(b: &[u8], at: usize) -> Option<usize> {
    if at >= 1 && b[at - 1].is_ascii_digit() {
        Some(1)
    } else if at >= 3 && b[at - 3] == 0xEF && b[at - 2] == 0xBC && (0x90..=0x99).contains(&b[at - 1]) {
        Some(3)
    } else {
        None
    }
}

/// The byte length of an ASCII or full-width digit starting at byte `at`.
fn digit_starting_at(b: &[u8], at: usize) -> Option<usize> {
    match b.get(at..)? {
        [d, ..] if d.is_ascii_digit() => Some(1),
        [0xEF, 0xBC, 0x90..=0x99, ..] => Some(3),
        _ => None,
    }
}

/// Whether the `-` at byte `at` is the first of `dddd-dd-dd` in ASCII or full-width digits.
fn iso_date_at(b: &[u8], at: usize) -> bool {
    let mut start = at;
    for _ in 0..4 {
        match digit_ending_at(b, start) {
            Some(n) => start -= n,
            None => return false,
        }
    }
    let mut end = at + 1;
    for k in 0..5 {
        if k == 2 {
            if b.get(end) != Some(&b'-') {
                return false;
            }
            end += 1;
            continue;
        }
        match digit_starting_at(b, end) {
            Some(n) => end += n,
            None => return false,
        }
    }
    true
}

/// Whether the number ending at byte `anchor` (ASCII digits and Chinese numerals, any mix) is
/// preceded by the last character of a day-part word (凌晨, 下午, 晚上, 晚, 早 …).
fn day_part_before_hour(b: &[u8], anchor: usize) -> bool {
    const NUMERALS: [[u8; 3]; 13] = [
        utf8('零'),
        utf8('〇'),
        utf8('一'),
        utf8('二'),
        utf8('两'),
        utf8('三'),
        utf8('四'),
        utf8('五'),
        utf8('六'),
        utf8('七'),
        utf8('八'),
        utf8('九'),
        utf8('十'),
    ];
    const DAY_PART_ENDS: [[u8; 3]; 8] =
        [utf8('晨'), utf8('夜'), utf8('上'), utf8('午'), utf8('晚'), utf8('间'), utf8('里'), utf8('早')];
    let mut j = anchor;
    loop {
        if j >= 1 && b[j - 1].is_ascii_digit() {
            j -= 1;
        } else if j >= 3 && NUMERALS.iter().any(|n| b[j - 3..j] == *n) {
            j -= 3;
        } else {
            break;
        }
    }
    j < anchor && j >= 3 && DAY_PART_ENDS.iter().any(|d| b[j - 3..j] == *d)
}

/// Every clock time in `text`, in order, without overlaps.
pub fn find_times(text: &str) -> Vec<TimeMention> {
    let mut out: Vec<TimeMention> = Vec::new();
    for a in anchors(text) {
        if out.last().is_some_and(|l| a.start < l.span.end) {
            continue;
        }
        let found = match &text[a.clone()] {
            "时" | "点" => zh_time(text, a.start, a.end),
            ":" | "：" => colon_time(text, a.start, a.end),
            "GMT" | "UTC" => four_digit_time(text, a.start),
            _ => meridiem_time(text, a.start, a.end),
        };
        if let Some(mut m) = found {
            if out.last().is_some_and(|l| m.span.start < l.span.end) {
                continue;
            }
            mark_context(text, &mut m);
            out.push(m);
        }
    }
    out
}

fn blank(hour: i32, minute: i32, time: Range<usize>) -> TimeMention {
    TimeMention {
        span: time.clone(),
        time,
        year: None,
        month: None,
        day: None,
        relative_day: false,
        next_day: false,
        hour: hour as i8,
        minute: minute as i8,
        day_part: None,
        pm: None,
        zone_before: None,
        zone_after: None,
        approx: false,
        future: false,
        schedule: false,
    }
}

/// `15时`, `十五时三十分`, `凌晨1时许`, `下午3点半`, `8点钟`.
fn zh_time(text: &str, anchor: usize, after: usize) -> Option<TimeMention> {
    let is_dian = &text[anchor..after] == "点";
    if let Some(c) = next_char(text, after)
        && matches!(c, '间' | '期' | '代' | '候' | '速' | '差' | '区' | '刻' | '节' | '光' | '机' | '段' | '点')
    {
        return None;
    }
    let (hs, h, arabic) = match digits_before(text, anchor, 2) {
        Some((s, v)) => (s, v, true),
        None => {
            let (s, v) = cn_number_before(text, anchor, 3)?;
            (s, v, false)
        }
    };
    if !(0..=24).contains(&h) {
        return None;
    }
    if let Some((_, c)) = prev_char(text, hs)
        && (c.is_ascii_digit()
            || matches!(c, '.' | '第' | '每' | '个' | '几' | '多' | '半' | '年' | '/' | '：' | ':')
            || (arabic && cn_digit(c).is_some()))
    {
        return None;
    }
    // minutes
    let mut end = after;
    let mut minute = 0;
    let mut has_minute = false;
    let mut has_zhong = false;
    if text[end..].starts_with("钟") {
        end += "钟".len();
        has_zhong = true;
    }
    if text[end..].starts_with('半') {
        end += '半'.len_utf8();
        minute = 30;
        has_minute = true;
    } else if let Some((e, v)) = digits_after(text, end, 2).or_else(|| cn_number_after(text, end, 3))
        && text[e..].starts_with('分')
        && (0..60).contains(&v)
    {
        minute = v;
        end = e + '分'.len_utf8();
        has_minute = true;
        if text[end..].starts_with('钟') {
            // 15分钟 after an hour is still the minute: 8时15分钟 is rare; keep the span tight.
        }
    }
    let time_end = end;
    let mut m = blank(h, minute, hs..time_end);
    let start = scan_prefix(text, hs, &mut m);
    let mut approx = false;
    for w in ["许", "左右", "前后", "多"] {
        if text[end..].starts_with(w) {
            end += w.len();
            approx = true;
            break;
        }
    }
    let anchored = m.day_part.is_some() || m.day.is_some() || m.relative_day || m.zone_before.is_some();
    if is_dian && !(has_zhong || has_minute || anchored) {
        return None;
    }
    if !(arabic || has_minute || anchored || approx || has_zhong) {
        return None;
    }
    if is_dian && !arabic && text[end..].starts_with(|c: char| cn_digit(c).is_some()) {
        return None; // 三点五 is a decimal
    }
    m.approx = approx;
    m.span = start..end;
    Some(m)
}

/// `17:38`, `1月5日17:38`, `2022-01-05 17:38`, `9:30 a.m.`, `15:00 GMT`.
fn colon_time(text: &str, anchor: usize, after: usize) -> Option<TimeMention> {
    let (hs, h) = digits_before(text, anchor, 2)?;
    let (me, mi) = digits_after(text, after, 2)?;
    if me - after != 2 || !(0..=24).contains(&h) || !(0..60).contains(&mi) {
        return None;
    }
    if let Some((_, c)) = prev_char(text, hs)
        && (c.is_ascii_digit() || matches!(c, ':' | '：' | '.' | '比'))
    {
        return None;
    }
    let mut end = me;
    // seconds
    if text[end..].starts_with(':')
        && let Some((se, _)) = digits_after(text, end + 1, 2)
        && se - end == 3
    {
        end = se;
    }
    if next_char(text, end).is_some_and(|c| c.is_ascii_digit() || c == ':' || c == '：') {
        return None; // 3:1:2 or a ratio
    }
    let mut m = blank(h, mi, hs..end);
    let start = scan_prefix(text, hs, &mut m);
    if let Some((pm, e)) = meridiem_after(text, end) {
        m.pm = Some(pm);
        end = e;
    }
    if let Some(z) = zone_after(text, end) {
        end = z.end;
        m.zone_after = Some(z);
    }
    m.span = start..end;
    Some(m)
}

/// ` a.m.`, `pm`, `P.M.` after byte `at` (one optional space); (is_pm, end).
fn meridiem_after(text: &str, at: usize) -> Option<(bool, usize)> {
    let rest = text.get(at..)?;
    let t = rest.strip_prefix(' ').unwrap_or(rest);
    let off = at + rest.len() - t.len();
    let b = t.as_bytes();
    if b.len() < 2 {
        return None;
    }
    let pm = match b[0].to_ascii_lowercase() {
        b'a' => false,
        b'p' => true,
        _ => return None,
    };
    let (len, ok) = if b[1] == b'.' && b.len() >= 3 && b[2].eq_ignore_ascii_case(&b'm') {
        (if b.get(3) == Some(&b'.') { 4 } else { 3 }, true)
    } else if b[1].eq_ignore_ascii_case(&b'm') {
        (2, true)
    } else {
        (0, false)
    };
    if !ok {
        return None;
    }
    if b.get(len).is_some_and(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    Some((pm, off + len))
}

/// `3 p.m.`, `3pm`, `10:30 a.m.` (the colon form is found from the colon).
fn meridiem_time(text: &str, anchor: usize, _after: usize) -> Option<TimeMention> {
    let mut e = anchor;
    if e > 0 && text.as_bytes()[e - 1] == b' ' {
        e -= 1;
    }
    let (hs, h) = digits_before(text, e, 2)?;
    if !(1..=12).contains(&h) && h < 13 {
        return None;
    }
    if hs > 0
        && (matches!(text.as_bytes()[hs - 1], b':' | b'.' | b',' | b'$')
            || text.as_bytes()[hs - 1].is_ascii_alphanumeric())
    {
        return None;
    }
    let (pm, mut end) = meridiem_after(text, e)?;
    let mut m = blank(h, 0, hs..end);
    m.pm = Some(pm);
    if let Some(z) = zone_after(text, end) {
        end = z.end;
        m.zone_after = Some(z);
    }
    m.span = hs..end;
    let head = clause_before(text, hs).to_ascii_lowercase();
    m.approx = head.ends_with("about ") || head.ends_with("around ") || head.ends_with("approximately ");

    Some(m)
}

/// `0900 GMT`, `1500 UTC` (four digits right before the zone word).
fn four_digit_time(text: &str, anchor: usize) -> Option<TimeMention> {
    let e = if anchor > 0 && text.as_bytes()[anchor - 1] == b' ' { anchor - 1 } else { anchor };
    let (hs, v) = digits_before(text, e, 4)?;
    if e - hs != 4 || (hs > 0 && text.as_bytes()[hs - 1].is_ascii_alphanumeric()) {
        return None;
    }
    let (h, mi) = (v / 100, v % 100);
    if h > 24 || mi > 59 {
        return None;
    }
    let z = zone_after(text, e)?;
    let mut m = blank(h, mi, hs..e);
    m.span = hs..z.end;
    m.zone_after = Some(z);
    Some(m)
}

/// A line that is nothing but a timestamp (an entry heading of a live blog).
pub fn parse_stamp(line: &str) -> Option<Stamp> {
    let t = line.trim().trim_matches(|c: char| matches!(c, '*' | '#' | '【' | '】' | '[' | ']')).trim();
    if t.is_empty() || t.len() > 40 {
        return None;
    }
    let ms = find_times(t);
    let m = ms.first()?;
    if ms.len() != 1 || m.span != (0..t.len()) || m.zone_before.is_some() || m.day_part.is_some() || m.approx {
        return None;
    }
    if !t[m.time.clone()].contains([':', '：']) {
        return None;
    }
    Some(Stamp { year: m.year, month: m.month, day: m.day, hour: m.hour, minute: m.minute })
}

/// Full dates (`2022年1月5日`, `2022-01-05`, `January 5, 2022`, `5 January 2022`) with spans.
pub fn find_full_dates(text: &str) -> Vec<(Range<usize>, i16, i8, i8)> {
    if !text.bytes().any(|b| b.is_ascii_digit()) {
        return Vec::new();
    }
    // The hand matcher answers for all text whose digits are ASCII; the regex (compiled on
    // first need) for the rest.
    full_dates_by_hand(text).unwrap_or_else(|NonAsciiDigit| full_dates_by_regex(text))
}

/// The regex [`full_dates_by_hand`] follows, kept for text where a non-ASCII character could
/// be a Unicode `\d`.
fn full_dates_by_regex(text: &str) -> Vec<(Range<usize>, i16, i8, i8)> {
    static RE: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(
            r"(?x)(?P<y>[0-9]{4})年(?P<m>[0-9]{1,2})月(?P<d>\d{1,2})[日号]
             |(?-u:\b)(?P<y2>\d{4})-(?P<m2>\d{2})-(?P<d2>\d{2})(?-u:\b)
             |(?-u:\b)(?P<mn>January|February|March|April|May|June|July|August|September|October|November|December)\x20(?P<d3>\d{1,2}),\x20(?P<y3>\d{4})(?-u:\b)
             |(?-u:\b)(?P<d4>\d{1,2})\x20(?P<mn4>January|February|March|April|May|June|July|August|September|October|November|December)\x20(?P<y4>\d{4})(?-u:\b)",
        )
        .expect("valid regex")
    });
    let mut out = Vec::new();
    for c in RE.captures_iter(text) {
        let get = |n: &str| c.name(n).and_then(|m| m.as_str().parse::<i32>().ok());
        let month_name = |n: &str| {
            c.name(n).map(|m| {
                crate::text::dates::MONTH_NAMES.iter().position(|x| *x == m.as_str()).map_or(0, |p| p as i32 + 1)
            })
        };
        let (y, mo, d) = if let Some(y) = get("y") {
            (y, get("m"), get("d"))
        } else if let Some(y) = get("y2") {
            (y, get("m2"), get("d2"))
        } else if let Some(y) = get("y3") {
            (y, month_name("mn"), get("d3"))
        } else {
            (get("y4").unwrap_or(0), month_name("mn4"), get("d4"))
        };
        if let (Some(mo), Some(d)) = (mo, d)
            && (1000..=9999).contains(&y)
            && valid_md(mo, d)
        {
            let r = c.get(0).map_or(0..0, |m| m.range());
            out.push((r, y as i16, mo as i8, d as i8));
        }
    }
    out
}

/// A `\d` test met a non-ASCII character that may be a Unicode decimal digit.
struct NonAsciiDigit;

/// A full date: (span, year, month, day).
pub type FullDate = (Range<usize>, i16, i8, i8);

/// Runs of `\d`, `(?-u:\b)` and literals over `text`, matched the way the regex of
/// [`full_dates_by_regex`] does: leftmost start, then its alternatives in order, each
/// quantifier greedy with backtracking. A `\d` is an ASCII digit here; wherever it is tested on
/// a non-ASCII numeric character the answer could differ, so the whole text goes to the regex.
struct DateScan<'t> {
    text: &'t str,
    b: &'t [u8],
}

/// A match: (whole span, year, month, day), numbers not yet range-checked.
type RawDate = (Range<usize>, i32, i32, i32);

impl DateScan<'_> {
    fn digit(&self, i: usize) -> Result<bool, NonAsciiDigit> {
        match self.b.get(i) {
            None => Ok(false),
            Some(c) if c.is_ascii_digit() => Ok(true),
            Some(&c) if c < 0x80 => Ok(false),
            Some(_) => match self.text.get(i..).and_then(|r| r.chars().next()) {
                Some(ch) if !is_numeric(ch) => Ok(false),
                _ => Err(NonAsciiDigit),
            },
        }
    }

    /// `n` `\d`s at `i`, as a number.
    fn digits(&self, i: usize, n: usize) -> Result<Option<i32>, NonAsciiDigit> {
        let mut v = 0;
        for k in i..i + n {
            if !self.digit(k)? {
                return Ok(None);
            }
            v = v * 10 + i32::from(self.b[k] - b'0');
        }
        Ok(Some(v))
    }

    fn is_word(&self, i: usize) -> bool {
        self.b.get(i).is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
    }

    /// `(?-u:\b)` at byte `i`.
    fn boundary(&self, i: usize) -> bool {
        (i > 0 && self.is_word(i - 1)) != self.is_word(i)
    }

    fn lit(&self, i: usize, s: &str) -> bool {
        self.b.get(i..).is_some_and(|r| r.starts_with(s.as_bytes()))
    }

    /// `\d{1,2}` at `i`, greedy, then `rest` from where the digits end: (value, match end).
    fn one_or_two(
        &self,
        i: usize,
        rest: impl Fn(usize) -> Result<Option<usize>, NonAsciiDigit>,
    ) -> Result<Option<(i32, usize)>, NonAsciiDigit> {
        if !self.digit(i)? {
            return Ok(None);
        }
        let first = i32::from(self.b[i] - b'0');
        if self.digit(i + 1)?
            && let Some(end) = rest(i + 2)?
        {
            return Ok(Some((first * 10 + i32::from(self.b[i + 1] - b'0'), end)));
        }
        Ok(rest(i + 1)?.map(|end| (first, end)))
    }

    /// The month name at `i` (1-based).
    fn month_name(&self, i: usize) -> Option<(i32, usize)> {
        crate::text::dates::MONTH_NAMES.iter().zip(1..).find(|(n, _)| self.lit(i, n)).map(|(n, k)| (k, i + n.len()))
    }

    /// `[0-9]{4}年[0-9]{1,2}月\d{1,2}[日号]`
    fn chinese(&self, s: usize) -> Result<Option<RawDate>, NonAsciiDigit> {
        let ascii = |i: usize, n: usize| self.b.get(i..i + n).filter(|d| d.iter().all(u8::is_ascii_digit));
        let Some(y) = ascii(s, 4) else { return Ok(None) };
        let y = y.iter().fold(0, |v, d| v * 10 + i32::from(d - b'0'));
        let p = s + 4;
        if !self.lit(p, "年") {
            return Ok(None);
        }
        let p = p + "年".len();
        for n in [2, 1] {
            let Some(m) = ascii(p, n) else { continue };
            let m = m.iter().fold(0, |v, d| v * 10 + i32::from(d - b'0'));
            let q = p + n;
            if !self.lit(q, "月") {
                continue;
            }
            let day = self.one_or_two(q + "月".len(), |e| {
                Ok((self.lit(e, "日") || self.lit(e, "号")).then_some(e + "日".len()))
            })?;
            if let Some((d, end)) = day {
                return Ok(Some((s..end, y, m, d)));
            }
        }
        Ok(None)
    }

    /// `\b\d{4}-\d{2}-\d{2}\b`
    fn iso(&self, s: usize) -> Result<Option<RawDate>, NonAsciiDigit> {
        if !self.boundary(s) {
            return Ok(None);
        }
        let Some(y) = self.digits(s, 4)? else { return Ok(None) };
        if !self.lit(s + 4, "-") {
            return Ok(None);
        }
        let Some(m) = self.digits(s + 5, 2)? else { return Ok(None) };
        if !self.lit(s + 7, "-") {
            return Ok(None);
        }
        let Some(d) = self.digits(s + 8, 2)? else { return Ok(None) };
        Ok(self.boundary(s + 10).then_some((s..s + 10, y, m, d)))
    }

    /// `\d{4}\b` at `i`: (year, end).
    fn year_at_end(&self, i: usize) -> Result<Option<(i32, usize)>, NonAsciiDigit> {
        Ok(self.digits(i, 4)?.filter(|_| self.boundary(i + 4)).map(|y| (y, i + 4)))
    }

    /// `\b(Month) \d{1,2}, \d{4}\b`
    fn month_day_year(&self, s: usize) -> Result<Option<RawDate>, NonAsciiDigit> {
        if !self.boundary(s) {
            return Ok(None);
        }
        let Some((m, p)) = self.month_name(s) else { return Ok(None) };
        if !self.lit(p, " ") {
            return Ok(None);
        }
        let year = std::cell::Cell::new(0);
        let day = self.one_or_two(p + 1, |e| {
            if !self.lit(e, ", ") {
                return Ok(None);
            }
            Ok(self.year_at_end(e + 2)?.map(|(y, end)| {
                year.set(y);
                end
            }))
        })?;
        Ok(day.map(|(d, end)| (s..end, year.get(), m, d)))
    }

    /// `\b\d{1,2} (Month) \d{4}\b`
    fn day_month_year(&self, s: usize) -> Result<Option<RawDate>, NonAsciiDigit> {
        if !self.boundary(s) {
            return Ok(None);
        }
        let found = std::cell::Cell::new((0, 0));
        let day = self.one_or_two(s, |e| {
            if !self.lit(e, " ") {
                return Ok(None);
            }
            let Some((m, p)) = self.month_name(e + 1) else { return Ok(None) };
            if !self.lit(p, " ") {
                return Ok(None);
            }
            Ok(self.year_at_end(p + 1)?.map(|(y, end)| {
                found.set((y, m));
                end
            }))
        })?;
        Ok(day.map(|(d, end)| (s..end, found.get().0, found.get().1, d)))
    }

    /// The regex's match starting at `s`, if any.
    fn at(&self, s: usize) -> Result<Option<RawDate>, NonAsciiDigit> {
        let c = self.b[s];
        if c.is_ascii_digit() {
            if let Some(m) = self.chinese(s)? {
                return Ok(Some(m));
            }
            if let Some(m) = self.iso(s)? {
                return Ok(Some(m));
            }
            return self.day_month_year(s);
        }
        if c.is_ascii_uppercase() {
            return self.month_day_year(s);
        }
        // A non-ASCII Unicode digit could start an ISO or day-month-year date after an ASCII
        // word character (the only way `\b` holds before it).
        if c >= 0x80 && s > 0 && self.is_word(s - 1) && self.digit(s)? {
            return Err(NonAsciiDigit);
        }
        Ok(None)
    }
}

/// `char::is_numeric`, with the CJK unified ideographs (letters all, none numeric) answered
/// without the Unicode table lookup: most characters a date scan asks about are Han.
pub(crate) fn is_numeric(c: char) -> bool {
    !matches!(c, '\u{4E00}'..='\u{9FFF}') && c.is_numeric()
}

/// The first ASCII byte of `b` at or after `i`, else the end: eight bytes at a time.
fn next_ascii(b: &[u8], mut i: usize) -> usize {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    while let Some(word) = b.get(i..).and_then(|rest| rest.first_chunk::<8>()) {
        let ascii = !u64::from_le_bytes(*word) & HIGH;
        if ascii != 0 {
            return i + (ascii.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < b.len() && b[i] >= 0x80 {
        i += 1;
    }
    i.min(b.len())
}

/// [`find_full_dates`] without the regex; `Err` when a non-ASCII digit might matter.
fn full_dates_by_hand(text: &str) -> Result<Vec<FullDate>, NonAsciiDigit> {
    full_dates_by_hand_upto(text, usize::MAX)
}

/// The first `limit` dates of [`full_dates_by_hand`]. Matching is left to right, so the first
/// dates are the same whether or not later text would need the regex.
fn full_dates_by_hand_upto(text: &str, limit: usize) -> Result<Vec<FullDate>, NonAsciiDigit> {
    let scan = DateScan { text, b: text.as_bytes() };
    let mut out = Vec::new();
    let mut i = 0;
    while i < scan.b.len() && out.len() < limit {
        // Non-ASCII characters after anything but an ASCII word character start nothing (see
        // `DateScan::at`): skip the run.
        if scan.b[i] >= 0x80 && !(i > 0 && scan.is_word(i - 1)) {
            i = next_ascii(scan.b, i);
            continue;
        }
        if let Some((r, y, mo, d)) = scan.at(i)? {
            i = r.end;
            if (1000..=9999).contains(&y) && valid_md(mo, d) {
                out.push((r, y as i16, mo as i8, d as i8));
            }
            continue;
        }
        i += match scan.b[i] {
            0..0xc0 => 1,
            0xc0..0xe0 => 2,
            0xe0..0xf0 => 3,
            _ => 4,
        };
    }
    Ok(out)
}

/// The first of [`find_full_dates`], without looking further.
pub fn first_full_date(text: &str) -> Option<FullDate> {
    if !text.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    match full_dates_by_hand_upto(text, 1) {
        Ok(v) => v.into_iter().next(),
        Err(NonAsciiDigit) => full_dates_by_regex(text).into_iter().next(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> TimeMention {
        let v = find_times(text);
        assert_eq!(v.len(), 1, "{text}: {v:?}");
        v.into_iter().next().unwrap()
    }

    #[test]
    fn chinese_forms() {
        let t = "据报道，当天15时左右，抗议者冲进大楼。";
        let m = one(t);
        assert_eq!(&t[m.span.clone()], "当天15时左右");
        assert!(m.relative_day && m.approx && m.hour == 15);

        let t = "当地时间1月5日凌晨1时30分，总统宣布。";
        let m = one(t);
        assert_eq!(&t[m.span.clone()], "1月5日凌晨1时30分");
        assert_eq!((m.month, m.day, m.hour24(), m.minute), (Some(1), Some(5), 1, 30));
        assert_eq!(&t[m.zone_before.clone().unwrap()], "当地时间");

        let m = one("晚上十五时发生爆炸");
        assert_eq!(m.hour, 15);
        assert!(m.day_part_conflict());
        assert_eq!(one("下午3点半开会").hour24(), 15);
        assert_eq!(one("下午3点半开会").minute, 30);
        assert_eq!(one("2022年1月5日下午3时").year, Some(2022));
        let t = "北京时间今天（2月9日）上午7时23分，地震发生";
        let m = one(t);
        assert_eq!(&t[m.span.clone()], "今天（2月9日）上午7时23分");
        assert_eq!((m.month, m.day, m.hour24()), (Some(2), Some(9), 7));
        assert_eq!(&t[m.zone_before.clone().unwrap()], "北京时间");
    }

    #[test]
    fn not_times() {
        for t in
            ["一时间难以判断", "同时宣布", "5个小时", "3点建议", "增长3点5个百分点", "比分3:1", "第3时段", "盛极一时"]
        {
            assert!(find_times(t).is_empty(), "{t}: {:?}", find_times(t));
        }
    }

    #[test]
    fn schedules_and_future() {
        let t = "每日23时至次日7时实行宵禁";
        let v = find_times(t);
        assert_eq!(v.len(), 2);
        assert!(v.iter().all(|m| m.schedule));
        let t = "措施持续至1月19日0时。";
        assert!(one(t).schedule);
        assert!(one("他将于当天15时发表讲话").future);
        assert!(one("The minister will speak at 3 p.m. local time.").future);
    }

    #[test]
    fn english_forms() {
        let t = "The blast came at 3 p.m. local time (0900 GMT) on Monday.";
        let v = find_times(t);
        assert_eq!(v.len(), 2);
        assert_eq!(&t[v[0].span.clone()], "3 p.m. local time");
        assert_eq!(v[0].hour24(), 15);
        assert_eq!(&t[v[1].span.clone()], "0900 GMT");
        assert_eq!(&t[v[1].zone_after.clone().unwrap()], "GMT");
        let t = "at 10:30 a.m. EST on 4 July";
        let m = one(t);
        assert_eq!(&t[m.span.clone()], "10:30 a.m. EST");
        assert!(find_times("the name game, I am here").is_empty());
    }

    fn ac_anchors(text: &str) -> Vec<Range<usize>> {
        use aho_corasick::{AhoCorasickBuilder, MatchKind};
        let ac = AhoCorasickBuilder::new().match_kind(MatchKind::LeftmostFirst).build(ANCHORS).expect("valid anchors");
        ac.find_iter(text).map(|m| m.range()).collect()
    }

    #[test]
    fn anchor_scan_matches_a_multi_pattern_search() {
        for t in [
            "",
            "时",
            "a.m.pm",
            "凌晨1时30分，9:30 a.m. GMT，3点：UTC，AM PM P.M A.M",
            "时间点：:aApPGU",
            "GMTUTCamp.m",
        ] {
            assert_eq!(anchors(t).collect::<Vec<_>>(), ac_anchors(t), "{t}");
        }
    }

    #[test]
    fn han_is_never_numeric() {
        assert!(('\u{4E00}'..='\u{9FFF}').all(|c| !c.is_numeric()));
        for c in ['1', '０', '٣', '〇', '①', '一', 'a', '中'] {
            assert_eq!(is_numeric(c), c.is_numeric(), "{c}");
        }
    }

    #[test]
    fn next_ascii_finds_the_first_ascii_byte() {
        let text = format!("{}x{}", "中文".repeat(5), "。".repeat(3));
        let b = text.as_bytes();
        for from in 0..=b.len() + 1 {
            let slow = (from..b.len()).find(|&k| b[k] < 0x80).unwrap_or(b.len());
            assert_eq!(next_ascii(b, from), slow, "from {from}");
        }
    }

    #[test]
    fn anchor_bytes_are_the_anchor_table() {
        assert!((0..=255u8).all(|c| is_anchor_byte(c) == (ANCHOR_BYTE[usize::from(c)] != 0)));
        assert!(!is_anchor_byte(0));
    }

    #[test]
    fn features_of_examples() {
        let f = Features::of("当地时间1月5日凌晨1时30分，夏令时 at 3 p.m. local time GMT");
        for flag in [
            Features::LOCAL_ZH,
            Features::SHIJIAN,
            Features::MONTH_ZH,
            Features::DAY_PART,
            Features::DST,
            Features::LOCAL_EN,
            Features::GMT_UTC,
        ] {
            assert!(f.any(flag), "{flag:b}");
        }
        assert!(!Features::of("据报道，当天15时左右").any(Features::DAY_PART));
        assert!(Features::of("下午三点").any(Features::DAY_PART));
        for t in ["下午3点", "晚上8：30", "凌晨1时", "早8:00"] {
            assert!(Features::ascii(t).any(Features::DAY_PART), "{t}");
        }
        assert!(Features::of("（20220715）").any(Features::COMPACT));
        assert!(!Features::of("（2022071）").any(Features::COMPACT));
        assert!(Features::of("2022-01-06").any(Features::ISO));
        assert!(!Features::of("a - b").any(Features::ISO));
        assert!(Features::of("（２０２２-０１-０６）").any(Features::ISO));
        assert!(!Features::of("2022-01").any(Features::ISO));
        assert!(!Features::of("1-2-3").any(Features::ISO));
    }

    /// The flags of [`Features::ascii`], each found by its plain definition.
    fn ascii_by_definition(text: &str) -> Features {
        let b = text.as_bytes();
        let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
        // Maximal runs of ASCII digits, as (start, end).
        let runs: Vec<(usize, usize)> = (0..b.len())
            .filter(|&i| digit(i) && (i == 0 || !digit(i - 1)))
            .map(|s| (s, (s..=b.len()).find(|&e| !digit(e)).unwrap_or(b.len())))
            .collect();
        let total: usize = runs.iter().map(|(s, e)| e - s).sum();
        let after_wide = |s: usize| s > 0 && b[s - 1] >= 0x80 && text[..s].chars().next_back().is_some_and(is_numeric);
        let compact = runs.iter().any(|&(s, e)| e - s == 8)
            || (total >= 8 && runs.iter().any(|&(s, e)| (4..=5).contains(&(e - s)) && after_wide(s)));
        let hour_mark = |i: usize| ["时", "点", "："].iter().any(|m| b[i..].starts_with(m.as_bytes()));
        let m_at = |i: usize| b.get(i).is_some_and(|x| x.eq_ignore_ascii_case(&b'm'));
        let day_part = runs.iter().any(|&(_, e)| hour_mark(e) && day_part_before_hour(b, e))
            || (0..b.len()).any(|i| b[i] == b':' && day_part_before_hour(b, i))
            || (0..b.len()).any(|i| {
                matches!(b[i], b'a' | b'A' | b'p' | b'P')
                    && (m_at(i + 1) || (b.get(i + 1) == Some(&b'.') && m_at(i + 2)))
            });
        let has = |w: &str| text.contains(w);
        let flags = [
            (Features::DIGIT, !runs.is_empty()),
            (Features::COMPACT, compact),
            (Features::DAY_PART, day_part),
            (Features::HYPHEN, has("-")),
            (Features::ISO, (0..b.len()).any(|i| b[i] == b'-' && iso_date_at(b, i))),
            (Features::SPACE, has(" ")),
            (Features::ALPHA, b.iter().any(u8::is_ascii_alphabetic)),
            (Features::UPPER, b.iter().any(u8::is_ascii_uppercase)),
            (Features::LOCAL_EN, has("local time")),
            (Features::GMT_UTC, has("GMT") || has("UTC")),
            (Features::MONTH_EN, MONTH_ABBRS.iter().any(|m| b.windows(3).any(|w| w == *m))),
            (Features::LEAD2, b.iter().any(|&x| x & 0xE0 == 0xC0)),
        ];
        Features(flags.iter().filter(|f| f.1).fold(0, |all, f| all | f.0))
    }

    #[test]
    fn ascii_flags_of_examples_follow_their_definitions() {
        for t in ["", "12345678", "凌晨1时", "٣2022年", "٣20221 12345", "2022-01-06", "3 p.m.", "Jan", "中文é"]
        {
            assert_eq!(Features::ascii(t), ascii_by_definition(t), "{t}");
        }
    }

    #[test]
    fn stamps() {
        assert_eq!(parse_stamp("1月5日17:38").map(|s| (s.month, s.hour, s.minute)), Some((Some(1), 17, 38)));
        assert_eq!(parse_stamp("2022-01-05 17:38").and_then(|s| s.year), Some(2022));
        assert!(parse_stamp("17:38").is_some());
        assert!(parse_stamp("当天15时左右，抗议者冲进大楼").is_none());
        assert!(parse_stamp("1月5日").is_none());
    }

    #[test]
    fn numerals() {
        assert_eq!(chinese_number("十五"), Some(15));
        assert_eq!(chinese_number("二十三"), Some(23));
        assert_eq!(chinese_number("零五"), Some(5));
        assert_eq!(chinese_number("二三"), None);
    }

    #[test]
    fn full_dates() {
        let d = find_full_dates("自2022年1月1日起，and on January 5, 2024 and 2024-03-01.");
        assert_eq!(
            d.iter().map(|x| (x.1, x.2, x.3)).collect::<Vec<_>>(),
            vec![(2022, 1, 1), (2024, 1, 5), (2024, 3, 1)]
        );
    }

    #[test]
    fn hand_dates_equal_the_regex_on_every_one_char_edit() {
        let seeds = [
            "自2022年1月5日起",
            "x2022年12月31号，",
            "(2024-03-01)",
            "on January 5, 2024.",
            "the 15 May 2023 vote",
            "1999年10月1日 2000-10-01 March 3, 2001 1 April 2002",
        ];
        let alphabet = ['0', '1', '5', '9', '年', '月', '日', '号', '-', ' ', ',', 'a', '_', 'M', '。', '０', '〇'];
        let texts = crate::text::dates::one_char_edits(&seeds, &alphabet);
        let mut by_hand_count = 0;
        for s in &texts {
            match full_dates_by_hand(s) {
                Ok(by_hand) => {
                    by_hand_count += 1;
                    assert_eq!(by_hand, full_dates_by_regex(s), "{s}");
                }
                Err(NonAsciiDigit) => assert!(s.chars().any(|c| !c.is_ascii() && c.is_numeric()), "{s}"),
            }
        }
        assert!(by_hand_count * 10 > texts.len() * 8, "{by_hand_count} of {}", texts.len());
    }

    #[test]
    fn first_full_date_is_the_first_of_all() {
        for t in [
            "",
            "no digits",
            "自2022年1月5日起，2023年2月3日",
            "x０ 2022-01-05 and 2022年1月5日",
            "2022年13月5日，2022年1月5日",
            "a٣ 2022年1月5日 b",
            "见2024-03-01，2022年1月1日起，January 5, 2024",
        ] {
            assert_eq!(first_full_date(t), find_full_dates(t).into_iter().next(), "{t}");
        }
    }

    /// Pieces of full dates and their near misses, for [`hand_dates_equal_the_regex`].
    const DATE_TOKENS: &[&str] = &[
        "2022",
        "0000",
        "12",
        "1",
        "05",
        "31",
        "9",
        "123",
        "年",
        "月",
        "日",
        "号",
        "-",
        " ",
        ", ",
        ",",
        "May",
        "March",
        "December",
        "Mayo",
        "january",
        "a",
        "_",
        "x2",
        "。",
        "当地时间",
        "０",
        "٣",
        "〇",
        "二",
        "2022年1月5日",
        "2024-03-01",
        "January 5, 2024",
        "5 January 2024",
        "𝟙",
        "é",
        "2022年",
        "1月",
        "12月",
        "5日",
        "15号",
        "5号",
        "2024-",
        "03-",
        "01-",
        "January ",
        "5, ",
        "15 ",
        " 2024",
        "2024 ",
        "May 1",
        "1 May",
        "202",
        "20245",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]
        #[test]
        fn hand_dates_equal_the_regex(
            parts in proptest::collection::vec(proptest::sample::select(DATE_TOKENS), 0..10),
            raw in "[0-9０٣〇 ,_a年月日号Ja-]{0,30}|\\PC{0,30}",
        ) {
            for s in [parts.concat(), raw] {
                let by_regex = full_dates_by_regex(&s);
                proptest::prop_assert_eq!(first_full_date(&s), by_regex.first().cloned());
                match full_dates_by_hand(&s) {
                    Ok(by_hand) => proptest::prop_assert_eq!(by_hand, by_regex, "{}", s),
                    // Only a non-ASCII numeric character may send a text to the regex.
                    Err(NonAsciiDigit) => proptest::prop_assert!(s.chars().any(|c| !c.is_ascii() && c.is_numeric())),
                }
            }
        }
    }

    /// The context marks as first written: a substring search per word.
    fn mark_context_by_searches(text: &str, m: &mut TimeMention) {
        let clause = clause_before(text, m.span.start);
        let en = clause.to_ascii_lowercase();
        m.future = FUTURE_ZH.iter().any(|w| clause.contains(w)) || FUTURE_EN.iter().any(|w| en.contains(w));
        let zh_last = clause.trim_end();
        let en_last = en.trim_end().trim_end_matches(" at").trim_end_matches(" about").trim_end_matches(" around");
        let last_word = en_last.rsplit(' ').next().unwrap_or("");
        let tail = text.get(m.span.end..).unwrap_or("").trim_start_matches(' ');
        if m.day.is_none() && !m.relative_day {
            let upto = tail.find(['.', ',', ';', '。', '，']).unwrap_or(tail.len());
            let after = tail.get(..upto).unwrap_or("").to_ascii_lowercase();
            m.relative_day = ["today", "this morning", "this afternoon", "this evening", "tonight"]
                .iter()
                .any(|w| en.contains(w) || after.contains(w));
        }
        m.schedule = m.next_day
            || SCHEDULE_ZH.iter().any(|w| clause.contains(w))
            || SCHEDULE_EN.iter().any(|w| en.contains(w))
            || BOUND_ZH.iter().any(|w| zh_last.ends_with(w))
            || BOUND_EN.contains(&last_word)
            || AFTER_SCHEDULE.iter().any(|w| tail.starts_with(w));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
        #[test]
        fn never_panics_and_spans_on_boundaries(s in "[0-9０-９:：时点分半许左右当天地间北京凌晨下午晚上将至每日 ap.mGMTUTClocaltime十五二三年月日号-]{0,40}") {
            for m in find_times(&s) {
                proptest::prop_assert!(s.is_char_boundary(m.span.start) && s.is_char_boundary(m.span.end));
                proptest::prop_assert!(m.span.start <= m.time.start && m.time.end <= m.span.end);
                proptest::prop_assert!(m.hour <= 24 && m.minute < 60);
            }
            let _ = parse_stamp(&s);
            let _ = find_full_dates(&s);
        }

        #[test]
        fn features_agree_with_plain_searches(s in "[0-9０-９:：时点分间当地天日夏令晚上午早夜晨里零一两十 aApPmMlocaltime.GMTUCJanDecFebMay月年号-]{0,60}|\\PC{0,40}") {
            let f = Features::of(&s);
            let has = |w: &str| s.contains(w);
            proptest::prop_assert_eq!(f.any(Features::MONTH_ZH), has("月"));
            proptest::prop_assert_eq!(f.any(Features::SHIJIAN), has("时间"));
            proptest::prop_assert_eq!(f.any(Features::LOCAL_ZH), has("当地时间"));
            proptest::prop_assert_eq!(f.any(Features::LOCAL_EN), has("local time"));
            proptest::prop_assert_eq!(f.any(Features::DST), has("夏令时"));
            proptest::prop_assert_eq!(f.any(Features::GMT_UTC), has("GMT") || has("UTC"));
            proptest::prop_assert_eq!(f.any(Features::HYPHEN), has("-"));
            proptest::prop_assert_eq!(f.any(Features::SPACE), has(" "));
            proptest::prop_assert_eq!(f.any(Features::DIGIT), s.bytes().any(|b| b.is_ascii_digit()));
            proptest::prop_assert_eq!(f.any(Features::UPPER), s.bytes().any(|b| b.is_ascii_uppercase()));
            proptest::prop_assert_eq!(f.any(Features::ALPHA), s.bytes().any(|b| b.is_ascii_alphabetic()));
            proptest::prop_assert_eq!(f.any(Features::LEAD2), s.bytes().any(|b| b & 0xE0 == 0xC0));
            if !f.any(Features::DAY_PART) {
                proptest::prop_assert!(find_times(&s).iter().all(|m| m.day_part.is_none() && m.pm.is_none()));
            }
        }

        #[test]
        fn context_marks_equal_the_plain_searches(s in "[0-9:：时点分将计划预定于拟准每日天从宵禁期间至到起前后以来，。 aApPmM.willdueeverytodayuntilbyfromthe-]{0,60}|\\PC{0,40}") {
            for m in find_times(&s) {
                for relative in [false, true] {
                    let mut fast = m.clone();
                    fast.relative_day = relative;
                    let mut slow = fast.clone();
                    mark_context(&s, &mut fast);
                    mark_context_by_searches(&s, &mut slow);
                    proptest::prop_assert_eq!(
                        (fast.future, fast.schedule, fast.relative_day),
                        (slow.future, slow.schedule, slow.relative_day)
                    );
                }
            }
        }

        #[test]
        fn one_pass_word_search_equals_substring_searches(s in "[将计划预定于拟准备届时要在每日天晚周逢隔从宵禁期间营业开放截至直定a 1-]{0,30}|\\PC{0,30}") {
            for list in [FUTURE_ZH, SCHEDULE_ZH, BOUND_ZH, AFTER_SCHEDULE] {
                let filter = word_start_filter(&[list]);
                let slow = list.iter().any(|w| s.contains(w));
                proptest::prop_assert_eq!(contains_any(&s, [list], filter), [slow]);
                let both = contains_any(&s, [list, FUTURE_ZH], *ZH_CLAUSE_FILTER | filter);
                proptest::prop_assert_eq!(both, [slow, FUTURE_ZH.iter().any(|w| s.contains(w))]);
            }
        }

        #[test]
        fn ascii_flags_follow_their_definitions(
            parts in proptest::collection::vec(proptest::sample::select(&[
                "1", "2", "0", "12345678", "2022", "17", "０", "٣", "〇", ":", "：", "-", " ", "时", "点", "间",
                "凌晨", "晚", "上午", "十", "a", "m", "A", "M", "p", ".", "PM", "local time", "lo", "GMT", "UTC",
                "U", "G", "Jan", "Ma", "Dec", "é", "中文", "。", "\n",
            ][..]), 0..40),
        ) {
            let s = parts.concat();
            proptest::prop_assert_eq!(Features::ascii(&s), ascii_by_definition(&s), "{:?}", s);
        }

        #[test]
        fn two_byte_leads_are_flagged_wherever_they_stand(
            parts in proptest::collection::vec(proptest::sample::select(&["中文", "·", "é", "a", "1", "ж", "。", "\u{1F600}", " "][..]), 0..40),
        ) {
            let s = parts.concat();
            proptest::prop_assert_eq!(Features::ascii(&s).any(Features::LEAD2), s.bytes().any(|b| b & 0xE0 == 0xC0));
        }

        #[test]
        fn block_skip_stops_at_the_first_ascii_byte(
            parts in proptest::collection::vec(proptest::sample::select(&["中文", "·", "é", "，", "\u{1F600}", "a", "1", " ", "\n"][..]), 0..80),
            from in 0usize..200,
        ) {
            // Long non-ASCII runs with ASCII bytes at every offset of a block, and runs that
            // reach the end of the text.
            let s = parts.concat();
            let b = s.as_bytes();
            let from = from.min(b.len());
            let mut leads = 0;
            let expected = (from..b.len()).find(|&i| b[i] < 0x80).unwrap_or(b.len());
            proptest::prop_assert_eq!(skip_non_ascii(b, from, &mut leads), expected);
            let passed_lead = b[from..expected].iter().any(|&x| x & 0xE0 == 0xC0);
            proptest::prop_assert!(!passed_lead || leads & LEAD2_BITS != 0);
        }

        #[test]
        fn one_search_for_han_marks_equals_the_separate_searches(texts in proptest::collection::vec("[0-9:：时点分间当地夏令晚上午早夜晨里零一两十 aApPmM月年-]{0,50}|\\PC{0,20}", 0..8)) {
            let joined = JoinedTexts::new(texts.iter().map(String::as_str));
            let ascii: Vec<Features> = texts.iter().map(|t| Features::ascii(t)).collect();
            let clock: Vec<Features> = texts.iter().zip(&ascii).map(|(t, a)| Features::clock(t, *a)).collect();
            let dates: Vec<Features> = texts.iter().zip(&ascii).map(|(t, a)| a.with_dates(t)).collect();
            proptest::prop_assert_eq!(Features::han_all(&joined, &ascii), (clock, dates));
        }

        #[test]
        fn joined_features_equal_each_text_alone(texts in proptest::collection::vec("[0-9:：时点分间当地夏令晚上午早夜晨里零一两十 aApPmM月年-]{0,30}|\\PC{0,20}", 0..6)) {
            let joined = JoinedTexts::new(texts.iter().map(String::as_str));
            let ascii: Vec<Features> = texts.iter().map(|t| Features::ascii(t)).collect();
            let clock: Vec<Features> = texts.iter().zip(&ascii).map(|(t, a)| Features::clock(t, *a)).collect();
            let dates: Vec<Features> = texts.iter().zip(&ascii).map(|(t, a)| a.with_dates(t)).collect();
            proptest::prop_assert_eq!(Features::clock_all(&joined, &ascii), clock);
            proptest::prop_assert_eq!(Features::with_dates_all(&joined, &ascii), dates);
        }

        #[test]
        fn anchor_scan_equals_the_multi_pattern_search(s in "[0-9:：时点分间当地晚上午早夜晨里 aApPmM.GMTUC月日年号-]{0,60}|\\PC{0,40}") {
            proptest::prop_assert_eq!(anchors(&s).collect::<Vec<_>>(), ac_anchors(&s));
        }
    }
}
