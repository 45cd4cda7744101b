//! Calendar dates in Chinese and English prose, with the weekday stated next to them.
//!
//! Recognised forms (byte spans into the text given):
//! - Chinese: `2022年1月6日（星期四）`, `1月6日周四`, `1月6日礼拜四`, `二〇二二年一月六日`, `6号`
//!   as day suffix; full-width digits too. Lunar dates (`农历…`) are skipped.
//! - ISO `2022-01-06`, optionally followed by a weekday (`(Thu)`, `（周四）`).
//! - English: `Thursday, January 6, 2022`, `Thursday 6 January`, `Thu, 06 Jan 2022 09:29:36 GMT`
//!   (RFC 2822), and dates without a weekday (`January 6, 2022`, `6 January 2022`, `February 30`).
//! - Compact `20220715` (year context only: a dateline such as `（20220715）`).
//!
//! Calendar arithmetic (weekday, validity) is left to the caller through [`civil_date`].

use std::ops::Range;
use std::sync::LazyLock;

use jiff::civil::{Date, Weekday};
use regex::Regex;

use crate::text::clock::Features;

/// How a weekday was written, so a fix can keep the style.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WeekdayStyle {
    /// `星期四`
    Xingqi,
    /// `周四`
    Zhou,
    /// `礼拜四`
    Libai,
    /// `Thursday` (or `THURSDAY` when `upper`)
    EnFull { upper: bool },
    /// `Thu`, `Thur`, `Thurs` (or upper case)
    EnAbbr { upper: bool },
}

impl WeekdayStyle {
    /// The weekday `w` written in this style.
    pub fn render(self, w: Weekday) -> String {
        let i = w.to_monday_zero_offset() as usize;
        const ZH: [&str; 7] = ["一", "二", "三", "四", "五", "六", "日"];
        const FULL: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
        match self {
            WeekdayStyle::Xingqi => format!("星期{}", ZH[i]),
            WeekdayStyle::Zhou => format!("周{}", ZH[i]),
            WeekdayStyle::Libai => format!("礼拜{}", if i == 6 { "天" } else { ZH[i] }),
            WeekdayStyle::EnFull { upper } => cased(FULL[i], upper),
            WeekdayStyle::EnAbbr { upper } => cased(&FULL[i][..3], upper),
        }
    }
}

fn cased(s: &str, upper: bool) -> String {
    if upper { s.to_ascii_uppercase() } else { s.to_string() }
}

/// A weekday written next to a date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatedWeekday {
    /// The weekday word (`星期四`, `Thursday`), the span a fix replaces.
    pub range: Range<usize>,
    pub weekday: Weekday,
    pub style: WeekdayStyle,
}

/// Which script the date is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Script {
    Zh,
    En,
    /// ISO `2022-01-06` and compact `20220106`: either language.
    Numeric,
}

/// One date found in a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DateMention {
    /// The date itself, weekday excluded.
    pub range: Range<usize>,
    pub year: Option<i32>,
    pub month: u8,
    pub day: u8,
    pub weekday: Option<StatedWeekday>,
    pub script: Script,
    /// Only good as year context (a compact `20220715`), never checked itself.
    pub context_only: bool,
}

impl DateMention {
    /// The whole mention, weekday included.
    pub fn full_range(&self) -> Range<usize> {
        match &self.weekday {
            Some(w) => self.range.start.min(w.range.start)..self.range.end.max(w.range.end),
            None => self.range.clone(),
        }
    }
}

/// English month names, January first.
pub const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The calendar date, if the year/month/day exist.
pub fn civil_date(year: i32, month: u8, day: u8) -> Option<Date> {
    let y = i16::try_from(year).ok()?;
    Date::new(y, i8::try_from(month).ok()?, i8::try_from(day).ok()?).ok()
}

/// Days in `month` of `year`; without a year February counts 29.
pub fn days_in_month(year: Option<i32>, month: u8) -> Option<u8> {
    let y = year.and_then(|y| i16::try_from(y).ok()).unwrap_or(2000);
    let d = Date::new(y, i8::try_from(month).ok()?, 1).ok()?;
    u8::try_from(d.days_in_month()).ok()
}

const WD_EN: &str = r"(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|MONDAY|TUESDAY|WEDNESDAY|THURSDAY|FRIDAY|SATURDAY|SUNDAY|Mon|Tues|Tue|Wed|Thurs|Thur|Thu|Fri|Sat|Sun|MON|TUE|WED|THU|FRI|SAT|SUN)\b\.?";
const MON_EN: &str = r"(?P<mon>January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?";

/// The Chinese date form. Matching follows it by hand ([`zh_match_at`]); the tests check the
/// two agree.
#[cfg(test)]
static ZH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        (?:(?P<y>[0-9０-９]{4}|[〇○零一二三四五六七八九]{4})[\x20\t]*年[\x20\t]*)?
        (?P<m>[0-9０-９]{1,2}|十[一二]?|[一二三四五六七八九])[\x20\t]*月[\x20\t]*
        (?P<d>[0-9０-９]{1,2}|三十一?|[一二]?十[一二三四五六七八九]?|[一二三四五六七八九])[\x20\t]*[日号]
        (?:[\x20\t]*[（(，,]?[\x20\t]*(?P<wp>星期|周|礼拜)(?P<w>[一二三四五六日天]))?",
    )
    .expect("valid regex")
});

static ISO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"\b(?P<y>\d{{4}})-(?P<m>\d{{2}})-(?P<d>\d{{2}})\b(?:[\x20\t]*[（(,，]?[\x20\t]*(?:(?P<wp>星期|周|礼拜)(?P<w>[一二三四五六日天])|{WD_EN}))?"
    ))
    .expect("valid regex")
});

static EN_WD_DAY_MON: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"\b{WD_EN},?[\x20\t\n]+(?:the[\x20\t\n]+)?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?[\x20\t\n]+(?:of[\x20\t\n]+)?{MON_EN}(?:,?[\x20\t\n]+(?P<y>\d{{4}})\b)?"
    ))
    .expect("valid regex")
});

static EN_WD_MON_DAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"\b{WD_EN},?[\x20\t\n]+{MON_EN}[\x20\t\n]+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?[\x20\t\n]+(?P<y>\d{{4}})\b)?"
    ))
    .expect("valid regex")
});

/// Dates without a weekday: only full month names (an abbreviation without a weekday is too
/// often something else).
static EN_DAY_MON: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?P<d>\d{1,2})(?:st|nd|rd|th)?[\x20\t\n]+(?:of[\x20\t\n]+)?(?P<mon>January|February|March|April|May|June|July|August|September|October|November|December)\b(?:,?[\x20\t\n]+(?P<y>\d{4})\b)?")
        .expect("valid regex")
});

static EN_MON_DAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?P<mon>January|February|March|April|May|June|July|August|September|October|November|December)[\x20\t\n]+(?P<d>\d{1,2})(?:st|nd|rd|th)?\b(?:,?[\x20\t\n]+(?P<y>\d{4})\b)?")
        .expect("valid regex")
});

static COMPACT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^0-9])(?P<all>(?P<y>(?:19|20)\d\d)(?P<m>0[1-9]|1[0-2])(?P<d>0[1-9]|[12]\d|3[01]))(?:[^0-9]|$)")
        .expect("valid regex")
});

fn digit_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        '０'..='９' => Some(c as u32 - '０' as u32),
        '〇' | '○' | '零' => Some(0),
        '一' => Some(1),
        '二' => Some(2),
        '三' => Some(3),
        '四' => Some(4),
        '五' => Some(5),
        '六' => Some(6),
        '七' => Some(7),
        '八' => Some(8),
        '九' => Some(9),
        _ => None,
    }
}

/// A number written with digits (`12`, `１２`), digit by digit (`二〇二二`) or with 十
/// (`十二`, `二十九`, `三十一`).
fn parse_number(s: &str) -> Option<u32> {
    if let Some(pos) = s.find('十') {
        let (head, tail) = (&s[..pos], &s[pos + '十'.len_utf8()..]);
        let tens = if head.is_empty() { 1 } else { digit_value(single(head)?)? };
        let ones = if tail.is_empty() { 0 } else { digit_value(single(tail)?)? };
        return Some(tens * 10 + ones);
    }
    let mut n: u32 = 0;
    for c in s.chars() {
        n = n.checked_mul(10)?.checked_add(digit_value(c)?)?;
    }
    Some(n)
}

fn single(s: &str) -> Option<char> {
    let mut it = s.chars();
    let c = it.next()?;
    it.next().is_none().then_some(c)
}

fn zh_weekday(c: &str) -> Option<Weekday> {
    Some(match c {
        "一" => Weekday::Monday,
        "二" => Weekday::Tuesday,
        "三" => Weekday::Wednesday,
        "四" => Weekday::Thursday,
        "五" => Weekday::Friday,
        "六" => Weekday::Saturday,
        "日" | "天" => Weekday::Sunday,
        _ => return None,
    })
}

fn en_weekday(s: &str) -> Option<(Weekday, WeekdayStyle)> {
    let upper = s.len() > 1 && s.chars().all(|c| c.is_ascii_uppercase());
    let lower = s.to_ascii_lowercase();
    let w = match lower.get(..2)? {
        "mo" => Weekday::Monday,
        "tu" => Weekday::Tuesday,
        "we" => Weekday::Wednesday,
        "th" => Weekday::Thursday,
        "fr" => Weekday::Friday,
        "sa" => Weekday::Saturday,
        "su" => Weekday::Sunday,
        _ => return None,
    };
    let style = if lower.ends_with("day") { WeekdayStyle::EnFull { upper } } else { WeekdayStyle::EnAbbr { upper } };
    Some((w, style))
}

fn en_month(s: &str) -> Option<u8> {
    let lower = s.to_ascii_lowercase();
    const M: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    M.iter().position(|m| lower.starts_with(m)).map(|i| i as u8 + 1)
}

/// Whether a lunar-calendar marker sits just before `start` (`农历二月三十`).
fn lunar_before(text: &str, start: usize) -> bool {
    let mut begin = start;
    for _ in 0..8 {
        match text[..begin].chars().next_back() {
            Some(c) => begin -= c.len_utf8(),
            None => break,
        }
    }
    // Each marker is two characters, the second 历 or 月: one walk over the window's pairs.
    let mut prev = None;
    text[begin..start].chars().any(|c| {
        let marker = matches!((prev, c), (Some('农' | '阴' | '夏' | '旧'), '历') | (Some('正' | '腊'), '月'));
        prev = Some(c);
        marker
    })
}

/// The groups of one match of [`ZH`], as byte ranges into the text.
#[derive(Debug, PartialEq, Eq)]
struct ZhGroups {
    y: Option<Range<usize>>,
    m: Range<usize>,
    d: Range<usize>,
    /// The weekday prefix (星期, 周, 礼拜) and its character.
    wp: Option<Range<usize>>,
    w: Option<Range<usize>>,
}

/// Splits a match of [`ZH`] at `range` of `text` into its groups. The pattern's separators
/// (年, 月, 日/号, the weekday prefixes) never occur inside a group, so the split is the one
/// the regex's captures give, without running a capturing engine.
fn zh_groups(text: &str, range: Range<usize>) -> Option<ZhGroups> {
    const BLANK: [char; 2] = [' ', '\t'];
    let t = text.get(range.clone())?;
    let base = range.start;
    let trimmed_end = |from: usize, to: usize| from..from + t[from..to].trim_end_matches(BLANK).len();
    let skip_blank = |from: usize| t.len() - t[from..].trim_start_matches(BLANK).len();
    let (y, month_start) = match t.find('年') {
        Some(p) => (Some(trimmed_end(0, p)), skip_blank(p + '年'.len_utf8())),
        None => (None, 0),
    };
    let yue = month_start + t[month_start..].find('月')?;
    let m = trimmed_end(month_start, yue);
    let day_start = skip_blank(yue + '月'.len_utf8());
    let ri = day_start + t[day_start..].find(['日', '号'])?;
    let d = trimmed_end(day_start, ri);
    let after = ri + '日'.len_utf8();
    let (mut wp, mut w) = (None, None);
    if after < t.len() {
        let ps = after + t[after..].find(['星', '周', '礼'])?;
        let plen = if t[ps..].starts_with('周') { '周'.len_utf8() } else { "星期".len() };
        let wc = t[ps + plen..].chars().next()?;
        wp = Some(base + ps..base + ps + plen);
        w = Some(base + ps + plen..base + ps + plen + wc.len_utf8());
    }
    let shift = |r: Range<usize>| base + r.start..base + r.end;
    Some(ZhGroups { y: y.map(shift), m: shift(m), d: shift(d), wp, w })
}

/// Characters a match of [`ZH`] may hold before its 月 (year, 年, month, blanks): what
/// [`before_month_start`] reads by bytes (kept to test it).
#[cfg(test)]
fn before_month(c: char) -> bool {
    matches!(c, ' ' | '\t' | '0'..='9' | '０'..='９' | '〇' | '○' | '零' | '十' | '年') || digit_value(c).is_some()
}

/// Where the run of `before_month` characters ending at byte `end` starts, looking no
/// further back than `from` (a character start). Read back byte-wise: every such character is
/// a one-byte ASCII one or a three-byte one, told by its bytes without decoding it.
fn before_month_start(b: &[u8], from: usize, end: usize) -> usize {
    const THREE_BYTE: [[u8; 3]; 24] = {
        let chars = [
            '０', '１', '２', '３', '４', '５', '６', '７', '８', '９', '〇', '○', '零', '十', '年', '一', '二', '三',
            '四', '五', '六', '七', '八', '九',
        ];
        let mut out = [[0u8; 3]; 24];
        let mut k = 0;
        while k < chars.len() {
            let mut buf = [0u8; 4];
            let e = chars[k].encode_utf8(&mut buf).as_bytes();
            out[k] = [e[0], e[1], e[2]];
            k += 1;
        }
        out
    };
    let mut s = end;
    loop {
        if s > from && matches!(b[s - 1], b' ' | b'\t' | b'0'..=b'9') {
            s -= 1;
        } else if s >= from + 3
            && let Some(c) = b.get(s - 3..s).and_then(|c| <[u8; 3]>::try_from(c).ok())
            && THREE_BYTE.contains(&c)
        {
            s -= 3;
        } else {
            return s;
        }
    }
}

/// The next match of [`ZH`] starting at or after byte `from`, as `ZH.find_at(text, from)`
/// would give it, advancing `from` past it. Only the short stretch before each 月 is tried
/// as a start: every character of a match before its 月 is one of `before_month`, a set
/// without 月, so a match can start nowhere else. The match itself is found by
/// [`zh_match_at`], which follows the regex's leftmost-first rules without running it.
fn next_zh_match(text: &str, from: &mut usize) -> Option<Range<usize>> {
    static YUE: LazyLock<memchr::memmem::Finder<'static>> = LazyLock::new(|| memchr::memmem::Finder::new("月"));
    loop {
        let yue = *from + YUE.find(text.as_bytes().get(*from..)?)?;
        let mut start = before_month_start(text.as_bytes(), *from, yue);
        while start < yue {
            if let Some(end) = zh_match_at(text, start) {
                *from = end;
                return Some(start..end);
            }
            start += text[start..].chars().next().map_or(1, char::len_utf8);
        }
        *from = yue + '月'.len_utf8();
    }
}

/// The end of the match of [`ZH`] starting at byte `at`, if there is one: the year group is
/// tried first (it is greedy), then each way to read the month and the day in the order of the
/// pattern's alternatives, longest first; the first way that reaches 日/号 wins, and the
/// weekday is taken when it follows.
fn zh_match_at(text: &str, at: usize) -> Option<usize> {
    if let Some(after_year) = zh_year(text, at)
        && let Some(end) = zh_month_day(text, after_year)
    {
        return Some(end);
    }
    zh_month_day(text, at)
}

fn char_at(text: &str, at: usize) -> Option<char> {
    text.get(at..)?.chars().next()
}

fn skip_blank(text: &str, at: usize) -> usize {
    at + text[at..].bytes().take_while(|&b| b == b' ' || b == b'\t').count()
}

fn arabic_digit(c: char) -> bool {
    matches!(c, '0'..='9' | '０'..='９')
}

/// 一 … 九.
fn small_numeral(c: char) -> bool {
    matches!(c, '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九')
}

/// `(?:[0-9０-９]{4}|[〇○零一二三四五六七八九]{4})[ \t]*年[ \t]*` at `at`: where the month starts.
fn zh_year(text: &str, at: usize) -> Option<usize> {
    let first = char_at(text, at)?;
    let class: fn(char) -> bool = if arabic_digit(first) {
        arabic_digit
    } else if matches!(first, '〇' | '○' | '零') || small_numeral(first) {
        |c| matches!(c, '〇' | '○' | '零') || small_numeral(c)
    } else {
        return None;
    };
    let mut i = at;
    for _ in 0..4 {
        let c = char_at(text, i).filter(|&c| class(c))?;
        i += c.len_utf8();
    }
    let i = skip_blank(text, i);
    char_at(text, i).filter(|&c| c == '年')?;
    Some(skip_blank(text, i + '年'.len_utf8()))
}

/// The ends of the ways a number of the month (`month`) or the day (`!month`) can be read at
/// `at`, in the order the pattern tries them. At most four.
fn zh_number_ends(text: &str, at: usize, month: bool) -> ([usize; 4], usize) {
    let (mut ends, mut n) = ([0usize; 4], 0);
    let mut push = |e: usize| {
        if n < 4 {
            ends[n] = e;
            n += 1;
        }
    };
    // The next three characters and where each ends.
    let mut c = [None::<(usize, char)>; 3];
    for (slot, (i, ch)) in c.iter_mut().zip(text[at..].char_indices()) {
        *slot = Some((at + i + ch.len_utf8(), ch));
    }
    let end_of = |k: usize| c[k].map_or(text.len(), |(e, _)| e);
    let is = |k: usize, f: &dyn Fn(char) -> bool| c[k].is_some_and(|(_, ch)| f(ch));
    if is(0, &arabic_digit) {
        if is(1, &arabic_digit) {
            push(end_of(1));
        }
        push(end_of(0));
        return (ends, n);
    }
    if month {
        // 十[一二]? | [一二三四五六七八九]
        if is(0, &|ch| ch == '十') {
            if is(1, &|ch| ch == '一' || ch == '二') {
                push(end_of(1));
            }
            push(end_of(0));
        } else if is(0, &small_numeral) {
            push(end_of(0));
        }
        return (ends, n);
    }
    // 三十一? | [一二]?十[一二三四五六七八九]? | [一二三四五六七八九]
    if is(0, &|ch| ch == '三') && is(1, &|ch| ch == '十') {
        if is(2, &|ch| ch == '一') {
            push(end_of(2));
        }
        push(end_of(1));
    }
    if is(0, &|ch| ch == '一' || ch == '二') && is(1, &|ch| ch == '十') {
        if is(2, &small_numeral) {
            push(end_of(2));
        }
        push(end_of(1));
    }
    if is(0, &|ch| ch == '十') {
        if is(1, &small_numeral) {
            push(end_of(1));
        }
        push(end_of(0));
    }
    if is(0, &small_numeral) {
        push(end_of(0));
    }
    (ends, n)
}

/// The month, 月, the day, 日/号 and an optional weekday from `at`: the match's end.
fn zh_month_day(text: &str, at: usize) -> Option<usize> {
    let (month_ends, months) = zh_number_ends(text, at, true);
    for &me in &month_ends[..months] {
        let i = skip_blank(text, me);
        if char_at(text, i) != Some('月') {
            continue;
        }
        let day_at = skip_blank(text, i + '月'.len_utf8());
        let (day_ends, days) = zh_number_ends(text, day_at, false);
        for &de in &day_ends[..days] {
            let i = skip_blank(text, de);
            if !matches!(char_at(text, i), Some('日' | '号')) {
                continue;
            }
            let end = i + '日'.len_utf8();
            return Some(zh_weekday_after(text, end).unwrap_or(end));
        }
    }
    None
}

/// `[ \t]*[（(，,]?[ \t]*(?:星期|周|礼拜)[一二三四五六日天]` at `at`: its end.
fn zh_weekday_after(text: &str, at: usize) -> Option<usize> {
    let mut i = skip_blank(text, at);
    if let Some(c @ ('（' | '(' | '，' | ',')) = char_at(text, i) {
        i = skip_blank(text, i + c.len_utf8());
    }
    let rest = &text[i..];
    let prefix = ["星期", "周", "礼拜"].into_iter().find(|p| rest.starts_with(p))?;
    let i = i + prefix.len();
    let w = char_at(text, i).filter(|c| matches!(c, '一' | '二' | '三' | '四' | '五' | '六' | '日' | '天'))?;
    Some(i + w.len_utf8())
}

/// Every date in `text`, sorted by start, without overlaps (the longer mention wins).
pub fn extract_dates(text: &str) -> Vec<DateMention> {
    extract_dates_with(text, Features::ascii(text).with_dates(text))
}

/// [`extract_dates`] for a text whose [`Features`] (ASCII and date flags) are known: only the
/// forms the flags allow are looked for.
pub fn extract_dates_with(text: &str, features: Features) -> Vec<DateMention> {
    let mut out: Vec<DateMention> = Vec::new();
    if features.any(Features::MONTH_ZH) {
        let mut from = 0;
        while let Some(whole) = next_zh_match(text, &mut from) {
            // A digit just before means the month is the tail of a longer number.
            if text[..whole.start].chars().next_back().is_some_and(|p| digit_value(p).is_some() || p == '十') {
                continue;
            }
            if lunar_before(text, whole.start) {
                continue;
            }
            let Some(g) = zh_groups(text, whole.clone()) else { continue };
            let (Some(month), Some(day)) = (parse_number(&text[g.m.clone()]), parse_number(&text[g.d.clone()])) else {
                continue;
            };
            let year = g.y.and_then(|y| parse_number(&text[y])).and_then(|y| i32::try_from(y).ok());
            let date_end = text[g.d.end..]
                .char_indices()
                .find(|(_, ch)| *ch == '日' || *ch == '号')
                .map_or(whole.end, |(i, ch)| g.d.end + i + ch.len_utf8());
            let weekday = match (g.wp, g.w) {
                (Some(p), Some(w)) => zh_weekday(&text[w.clone()]).map(|wd| StatedWeekday {
                    weekday: wd,
                    style: match &text[p.clone()] {
                        "星期" => WeekdayStyle::Xingqi,
                        "周" => WeekdayStyle::Zhou,
                        _ => WeekdayStyle::Libai,
                    },
                    range: p.start..w.end,
                }),
                _ => None,
            };
            push(&mut out, whole.start..date_end, year, month, day, weekday, Script::Zh, false);
        }
    }
    if features.any(Features::ISO) {
        // The hand matcher answers unless a character it cannot classify is in play.
        let iso = iso_dates_by_hand(text).unwrap_or_else(|NonAsciiDigit| iso_dates_by_regex(text));
        for c in iso {
            let (Some(year), Some(month), Some(day)) =
                (parse_number(&text[c.y.clone()]), parse_number(&text[c.m.clone()]), parse_number(&text[c.d.clone()]))
            else {
                continue;
            };
            let weekday = if let (Some(p), Some(w)) = (c.wp.clone(), c.w.clone()) {
                zh_weekday(&text[w.clone()]).map(|wd| StatedWeekday {
                    range: p.start..w.end,
                    weekday: wd,
                    style: match &text[p] {
                        "星期" => WeekdayStyle::Xingqi,
                        "周" => WeekdayStyle::Zhou,
                        _ => WeekdayStyle::Libai,
                    },
                })
            } else {
                c.wd.clone().and_then(|w| {
                    en_weekday(&text[w.clone()]).map(|(wd, style)| StatedWeekday { range: w, weekday: wd, style })
                })
            };
            push(&mut out, c.y.start..c.d.end, i32::try_from(year).ok(), month, day, weekday, Script::Numeric, false);
        }
    }
    if features.any(Features::MONTH_EN) {
        for re in [&*EN_WD_DAY_MON, &*EN_WD_MON_DAY, &*EN_DAY_MON, &*EN_MON_DAY] {
            for c in re.captures_iter(text) {
                let (Some(mon), Some(d)) = (c.name("mon"), c.name("d")) else { continue };
                let (Some(month), Some(day)) = (en_month(mon.as_str()), parse_number(d.as_str())) else { continue };
                let year = c.name("y").and_then(|y| parse_number(y.as_str())).and_then(|y| i32::try_from(y).ok());
                let weekday = c.name("wd").and_then(|w| {
                    en_weekday(w.as_str()).map(|(wd, style)| StatedWeekday { range: w.range(), weekday: wd, style })
                });
                // "The Sun, 12 March 2004" names a newspaper, not a Sunday.
                let weekday = weekday.filter(|w| {
                    !matches!(w.style, WeekdayStyle::EnAbbr { .. })
                        || !(text[..w.range.start].ends_with("the ") || text[..w.range.start].ends_with("The "))
                });
                // The date part: from the first of day/month to the last of day/month/year.
                let start = mon.start().min(d.start());
                let end = c.name("y").map_or(mon.end().max(d.end()), |y| y.end());
                let end = end.max(mon.end()).max(d.end());
                push(&mut out, start..end, year, u32::from(month), day, weekday, Script::En, false);
            }
        }
    }
    if features.any(Features::COMPACT) {
        // The hand matcher answers unless a non-ASCII digit is in play; then the regex does.
        let compact = compact_dates_by_hand(text).unwrap_or_else(|NonAsciiDigit| compact_dates_by_regex(text));
        for [all, y, m, d] in compact {
            let (Some(year), Some(month), Some(day)) =
                (parse_number(&text[y]), parse_number(&text[m]), parse_number(&text[d]))
            else {
                continue;
            };
            if civil_date(i32::try_from(year).unwrap_or(0), month as u8, day as u8).is_none() {
                continue;
            }
            push(&mut out, all, i32::try_from(year).ok(), month, day, None, Script::Numeric, true);
        }
    }
    // Sort, then drop mentions overlapping an earlier kept one (longer first at equal start).
    out.sort_by(|a, b| {
        let (fa, fb) = (a.full_range(), b.full_range());
        fa.start.cmp(&fb.start).then(fb.end.cmp(&fa.end))
    });
    let mut kept: Vec<DateMention> = Vec::with_capacity(out.len());
    for m in out {
        if let Some(last) = kept.last()
            && m.full_range().start < last.full_range().end
        {
            continue;
        }
        kept.push(m);
    }
    kept
}

/// The groups of one [`ISO`] match.
#[derive(Clone, Debug, PartialEq, Eq)]
struct IsoCaps {
    y: Range<usize>,
    m: Range<usize>,
    d: Range<usize>,
    wp: Option<Range<usize>>,
    w: Option<Range<usize>>,
    wd: Option<Range<usize>>,
    /// The end of the whole match.
    end: usize,
}

fn iso_dates_by_regex(text: &str) -> Vec<IsoCaps> {
    ISO.captures_iter(text)
        .filter_map(|c| {
            Some(IsoCaps {
                y: c.name("y")?.range(),
                m: c.name("m")?.range(),
                d: c.name("d")?.range(),
                wp: c.name("wp").map(|m| m.range()),
                w: c.name("w").map(|m| m.range()),
                wd: c.name("wd").map(|m| m.range()),
                end: c.get(0)?.end(),
            })
        })
        .collect()
}

/// The weekday names of `WD_EN`, in its order (an earlier name wins).
const WD_EN_NAMES: [&str; 31] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "MONDAY",
    "TUESDAY",
    "WEDNESDAY",
    "THURSDAY",
    "FRIDAY",
    "SATURDAY",
    "SUNDAY",
    "Mon",
    "Tues",
    "Tue",
    "Wed",
    "Thurs",
    "Thur",
    "Thu",
    "Fri",
    "Sat",
    "Sun",
    "MON",
    "TUE",
    "WED",
    "THU",
    "FRI",
    "SAT",
    "SUN",
];

/// Unicode `\w` for the character starting at byte `i` (`false` past the end): exact for
/// ASCII, letters and the punctuation of Chinese text; `Err` for anything else.
fn word_at(text: &str, i: usize) -> Result<bool, NonAsciiDigit> {
    let Some(c) = text.get(i..).and_then(|r| r.chars().next()) else { return Ok(false) };
    word_char(c)
}

fn word_char(c: char) -> Result<bool, NonAsciiDigit> {
    if c.is_ascii() {
        return Ok(c.is_ascii_alphanumeric() || c == '_');
    }
    // Han, kana, Hangul and accented Latin letters, old enough to be word characters in every
    // Unicode version.
    if matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{3041}'..='\u{3096}' | '\u{30A1}'..='\u{30FA}' | '\u{AC00}'..='\u{D7A3}')
        || (matches!(c, '\u{C0}'..='\u{24F}') && c.is_alphabetic())
    {
        return Ok(true);
    }
    if surely_not_word(c) {
        return Ok(false);
    }
    Err(NonAsciiDigit)
}

/// Non-ASCII characters that are never Unicode `\w`: spaces and the punctuation usual in
/// Chinese text (checked against the regex class by a test).
fn surely_not_word(c: char) -> bool {
    matches!(c,
        '\u{80}'..='\u{BF}' | '\u{D7}' | '\u{F7}'
        | '\u{2000}'..='\u{200B}' | '\u{200E}'..='\u{203E}' | '\u{2041}'..='\u{2053}' | '\u{2055}'..='\u{205F}'
        | '\u{3000}'..='\u{3004}' | '\u{3008}'..='\u{3020}' | '\u{3030}' | '\u{303D}'..='\u{303F}'
        | '\u{FF01}'..='\u{FF0F}' | '\u{FF1A}'..='\u{FF20}' | '\u{FF3B}'..='\u{FF3E}' | '\u{FF40}'
        | '\u{FF5B}'..='\u{FF65}' | '\u{FFE0}'..='\u{FFEE}'
    ) && !c.is_alphabetic()
}

/// [`iso_dates_by_regex`] without the regex, for text without non-ASCII numeric characters
/// (so `\d` is an ASCII digit). A `\b` that needs a character [`word_char`] cannot classify
/// sends the text to the regex.
fn iso_dates_by_hand(text: &str) -> Result<Vec<IsoCaps>, NonAsciiDigit> {
    if text.chars().any(|c| !c.is_ascii() && crate::text::clock::is_numeric(c)) {
        return Err(NonAsciiDigit);
    }
    let b = text.as_bytes();
    let digits = |i: usize, n: usize| b.get(i..i + n).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            // A block at a time to the next digit.
            i = crate::text::chars::next_byte_where(b, i + 1, |c| c.wrapping_sub(b'0') < 10);
            continue;
        }
        let s = i;
        // `\b` before a digit: the character before is not a word character.
        let before_ok = s == 0 || !word_char(text[..s].chars().next_back().unwrap_or(' '))?;
        if !(before_ok
            && digits(s, 4)
            && b.get(s + 4) == Some(&b'-')
            && digits(s + 5, 2)
            && b.get(s + 7) == Some(&b'-')
            && digits(s + 8, 2)
            && !word_at(text, s + 10)?)
        {
            i += 1;
            continue;
        }
        let e = s + 10;
        let mut caps = IsoCaps { y: s..s + 4, m: s + 5..s + 7, d: s + 8..e, wp: None, w: None, wd: None, end: e };
        // `[\x20\t]*[（(,，]?[\x20\t]*`, then a Chinese or English weekday (or nothing).
        let blanks = |mut k: usize| {
            while matches!(b.get(k), Some(b' ' | b'\t')) {
                k += 1;
            }
            k
        };
        let mut q = blanks(e);
        if let Some(p) = ["（", "(", ",", "，"].iter().find(|p| b[q..].starts_with(p.as_bytes())) {
            q = blanks(q + p.len());
        }
        let rest = &text[q..];
        if let Some(p) = ["星期", "周", "礼拜"].iter().find(|p| rest.starts_with(*p))
            && let Some(w) = rest[p.len()..].chars().next().filter(|w| "一二三四五六日天".contains(*w))
        {
            let w_start = q + p.len();
            caps.wp = Some(q..w_start);
            caps.w = Some(w_start..w_start + w.len_utf8());
            caps.end = w_start + w.len_utf8();
        } else {
            for name in WD_EN_NAMES {
                if rest.starts_with(name) && !word_at(text, q + name.len())? {
                    let end = q + name.len();
                    caps.wd = Some(q..end);
                    caps.end = if b.get(end) == Some(&b'.') { end + 1 } else { end };
                    break;
                }
            }
        }
        i = caps.end;
        out.push(caps);
    }
    Ok(out)
}

/// Compact dates by [`COMPACT`]: the spans of `all`, `y`, `m` and `d`.
fn compact_dates_by_regex(text: &str) -> Vec<[Range<usize>; 4]> {
    COMPACT
        .captures_iter(text)
        .filter_map(|c| {
            Some([c.name("all")?.range(), c.name("y")?.range(), c.name("m")?.range(), c.name("d")?.range()])
        })
        .collect()
}

/// A `\d` test met a non-ASCII character that may be a Unicode decimal digit.
#[derive(Debug)]
struct NonAsciiDigit;

/// Unicode `\d` at byte `i`, answered for ASCII; `Err` for a non-ASCII numeric character.
fn ascii_digit_at(text: &str, i: usize) -> Result<bool, NonAsciiDigit> {
    match text.as_bytes().get(i) {
        None => Ok(false),
        Some(c) if c.is_ascii() => Ok(c.is_ascii_digit()),
        Some(_) => match text.get(i..).and_then(|r| r.chars().next()) {
            Some(c) if !crate::text::clock::is_numeric(c) => Ok(false),
            _ => Err(NonAsciiDigit),
        },
    }
}

/// [`compact_dates_by_regex`] without the regex. `(?:^|[^0-9])` before `all` and
/// `(?:[^0-9]|$)` after it belong to the match, so a match starts one character before `all`
/// (or at 0) and ends one character after it; the next search starts there.
fn compact_dates_by_hand(text: &str) -> Result<Vec<[Range<usize>; 4]>, NonAsciiDigit> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut searched_to = 0;
    for p in memchr::memchr2_iter(b'1', b'2', b) {
        // Where the match would start: `^`, else the character before `all`, which must not be
        // an ASCII digit.
        let start = if p == 0 {
            0
        } else {
            if b[p - 1].is_ascii_digit() {
                continue;
            }
            text[..p].chars().next_back().map_or(p, |c| p - c.len_utf8())
        };
        if start < searched_to {
            continue;
        }
        if !(b[p..].starts_with(b"19") || b[p..].starts_with(b"20")) {
            continue;
        }
        if !(ascii_digit_at(text, p + 2)? && ascii_digit_at(text, p + 3)?) {
            continue;
        }
        let month_ok =
            matches!((b.get(p + 4), b.get(p + 5)), (Some(b'0'), Some(b'1'..=b'9')) | (Some(b'1'), Some(b'0'..=b'2')));
        if !month_ok {
            continue;
        }
        let day_ok = match (b.get(p + 6), b.get(p + 7)) {
            (Some(b'0'), Some(b'1'..=b'9')) | (Some(b'3'), Some(b'0' | b'1')) => true,
            (Some(b'1' | b'2'), _) => ascii_digit_at(text, p + 7)?,
            _ => false,
        };
        if !day_ok {
            continue;
        }
        let e = p + 8;
        let end = match text.get(e..).and_then(|r| r.chars().next()) {
            None => e,
            Some(c) if c.is_ascii_digit() => continue,
            Some(c) => e + c.len_utf8(),
        };
        out.push([p..e, p..p + 4, p + 4..p + 6, p + 6..e]);
        searched_to = end;
    }
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
fn push(
    out: &mut Vec<DateMention>,
    range: Range<usize>,
    year: Option<i32>,
    month: u32,
    day: u32,
    weekday: Option<StatedWeekday>,
    script: Script,
    context_only: bool,
) {
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return;
    }
    out.push(DateMention { range, year, month: month as u8, day: day as u8, weekday, script, context_only });
}

/// Every text made from `seeds` by one insertion, replacement or deletion of a character from
/// `alphabet` (and the seeds themselves): inputs for comparing a hand matcher with its regex.
#[cfg(test)]
pub(crate) fn one_char_edits(seeds: &[&str], alphabet: &[char]) -> Vec<String> {
    let mut texts = Vec::new();
    for seed in seeds {
        let chars: Vec<char> = seed.chars().collect();
        texts.push(seed.to_string());
        for i in 0..=chars.len() {
            for &c in alphabet {
                let mut v = chars.clone();
                v.insert(i, c);
                texts.push(v.iter().collect());
                if i < chars.len() {
                    let mut v = chars.clone();
                    v[i] = c;
                    texts.push(v.iter().collect());
                }
            }
            if i < chars.len() {
                let mut v = chars.clone();
                v.remove(i);
                texts.push(v.iter().collect());
            }
        }
    }
    texts
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn one(text: &str) -> DateMention {
        let v = extract_dates(text);
        assert_eq!(v.len(), 1, "{text}: {v:?}");
        v.into_iter().next().unwrap()
    }

    #[test]
    fn word_classes_agree_with_the_regex() {
        let w = Regex::new(r"^\w$").unwrap();
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            if let Ok(word) = word_char(c) {
                assert_eq!(word, w.is_match(c.encode_utf8(&mut [0; 4])), "{c:?} U+{:04X}", c as u32);
            }
        }
        for c in ['，', '。', '（', '）', '：', '、', '“', '”', '《', '》', ' ', '\u{3000}', '—', '…'] {
            assert_eq!(word_char(c).ok(), Some(false), "{c}");
        }
    }

    #[test]
    fn iso_by_hand_equals_the_regex() {
        let seeds = [
            "更新时间：2024-02-10T01:37:16.842Z",
            "2022-01-06 (Thu)",
            "2022-01-06（周四）",
            "2022-01-06，星期四。",
            "on 2022-01-06, Thursday.",
            "2022-01-06\tMON. 2022-01-07 Tues",
            "a2022-01-06 _2022-01-07 2022-01-08x 2022-01-09-10 12022-01-01",
            "2022-01-06 礼拜天 2022-01-06 Sundays 2022-01-06 Sun.",
        ];
        let alphabet = [
            '0', '1', '-', ' ', '\t', 'a', '_', '（', '(', ',', '，', '周', '日', 'd', 'S', '.', '０', '٣', 'é',
            '\u{301}',
        ];
        let mut by_hand_count = 0;
        let texts = one_char_edits(&seeds, &alphabet);
        for t in &texts {
            if let Ok(v) = iso_dates_by_hand(t) {
                by_hand_count += 1;
                assert_eq!(v, iso_dates_by_regex(t), "{t}");
            }
        }
        assert!(by_hand_count * 10 > texts.len() * 7, "{by_hand_count} of {}", texts.len());
    }

    #[test]
    fn compact_by_hand_equals_the_regex() {
        let seeds = [
            "20220715",
            "（20220715）",
            "x19991231y20000101",
            "20220715 20220716",
            "2022071520220716",
            "《新闻联播》 20240209 19:00 20241301 20240230 1999093",
        ];
        let alphabet = ['0', '1', '2', '3', '9', ' ', 'x', '（', '０', '٣', '〇', '二'];
        let mut by_hand_count = 0;
        let texts = one_char_edits(&seeds, &alphabet);
        for t in &texts {
            match compact_dates_by_hand(t) {
                Ok(v) => {
                    by_hand_count += 1;
                    assert_eq!(v, compact_dates_by_regex(t), "{t}");
                }
                Err(NonAsciiDigit) => assert!(t.chars().any(|c| !c.is_ascii() && c.is_numeric()), "{t}"),
            }
        }
        assert!(by_hand_count * 10 > texts.len() * 8, "{by_hand_count} of {}", texts.len());
    }

    #[test]
    fn chinese_forms() {
        let t = "2022年1月6日（星期四）";
        let m = one(t);
        assert_eq!((m.year, m.month, m.day), (Some(2022), 1, 6));
        assert_eq!(&t[m.range.clone()], "2022年1月6日");
        let w = m.weekday.unwrap();
        assert_eq!(&t[w.range], "星期四");
        assert_eq!(w.weekday, Weekday::Thursday);

        let t = "会议定于1月6日周四举行";
        let m = one(t);
        assert_eq!(m.year, None);
        assert_eq!(&t[m.weekday.as_ref().unwrap().range.clone()], "周四");
        assert_eq!(m.weekday.unwrap().style, WeekdayStyle::Zhou);

        let m = one("3月6号礼拜天");
        assert_eq!(m.weekday.unwrap().weekday, Weekday::Sunday);

        let m = one("二〇二二年一月六日");
        assert_eq!((m.year, m.month, m.day), (Some(2022), 1, 6));
        let m = one("二〇二一年十二月三十一日");
        assert_eq!((m.year, m.month, m.day), (Some(2021), 12, 31));
        let m = one("２０２２年２月２９日");
        assert_eq!((m.year, m.month, m.day), (Some(2022), 2, 29));
    }

    #[test]
    fn lunar_and_long_numbers_are_skipped() {
        assert!(extract_dates("农历二月三十日").is_empty());
        assert!(extract_dates("编号112月3日").iter().all(|m| m.month != 12 || m.day != 3));
    }

    #[test]
    fn english_and_iso_forms() {
        let t = "Thursday, January 6, 2022";
        let m = one(t);
        assert_eq!((m.year, m.month, m.day), (Some(2022), 1, 6));
        assert_eq!(&t[m.range.clone()], "January 6, 2022");
        assert_eq!(m.weekday.unwrap().style, WeekdayStyle::EnFull { upper: false });

        let t = "Thu, 06 Jan 2022 09:29:36 GMT";
        let m = one(t);
        assert_eq!((m.year, m.month, m.day), (Some(2022), 1, 6));
        assert_eq!(m.weekday.unwrap().style, WeekdayStyle::EnAbbr { upper: false });

        let t = "on Thursday 6 January the vote";
        let m = one(t);
        assert_eq!(m.year, None);
        assert_eq!(&t[m.full_range()], "Thursday 6 January");

        let t = "2022-01-06 (Thu)";
        let m = one(t);
        assert_eq!(&t[m.weekday.unwrap().range], "Thu");
        let m = one("2022-01-06（周四）");
        assert_eq!(m.weekday.unwrap().style, WeekdayStyle::Zhou);

        let t = "as The Sun, 12 March 2004, said";
        let m = one(t);
        assert!(m.weekday.is_none(), "{m:?}");
        let m = one("due February 30.");
        assert_eq!((m.month, m.day), (2, 30));
        let m = one("on 5 March 2004 they");
        assert_eq!(m.year, Some(2004));
        let m = one("《新闻联播》（20220715）");
        assert!(m.context_only && m.year == Some(2022));
    }

    #[test]
    fn render_keeps_the_style() {
        assert_eq!(WeekdayStyle::Zhou.render(Weekday::Friday), "周五");
        assert_eq!(WeekdayStyle::Xingqi.render(Weekday::Sunday), "星期日");
        assert_eq!(WeekdayStyle::Libai.render(Weekday::Sunday), "礼拜天");
        assert_eq!(WeekdayStyle::EnFull { upper: false }.render(Weekday::Friday), "Friday");
        assert_eq!(WeekdayStyle::EnAbbr { upper: true }.render(Weekday::Friday), "FRI");
    }

    #[test]
    fn calendar_helpers() {
        assert_eq!(civil_date(2022, 1, 6).unwrap().weekday(), Weekday::Thursday);
        assert!(civil_date(2022, 2, 30).is_none());
        assert_eq!(days_in_month(None, 2), Some(29));
        assert_eq!(days_in_month(Some(2022), 2), Some(28));
        assert_eq!(days_in_month(Some(2022), 4), Some(30));
    }

    /// The groups as the regex's captures give them.
    fn zh_groups_by_captures(text: &str) -> Vec<ZhGroups> {
        ZH.captures_iter(text)
            .map(|c| ZhGroups {
                y: c.name("y").map(|g| g.range()),
                m: c.name("m").map(|g| g.range()).unwrap_or_default(),
                d: c.name("d").map(|g| g.range()).unwrap_or_default(),
                wp: c.name("wp").map(|g| g.range()),
                w: c.name("w").map(|g| g.range()),
            })
            .collect()
    }

    fn zh_groups_by_split(text: &str) -> Vec<ZhGroups> {
        let mut from = 0;
        std::iter::from_fn(|| next_zh_match(text, &mut from)).filter_map(|m| zh_groups(text, m)).collect()
    }

    fn zh_matches_windowed(text: &str) -> Vec<Range<usize>> {
        let mut from = 0;
        std::iter::from_fn(|| next_zh_match(text, &mut from)).collect()
    }

    #[test]
    fn zh_split_matches_captures_on_examples() {
        for t in [
            "2022年1月6日（星期四）",
            "二〇二二 年 一 月 六 日 ， 周日",
            "1月6日周四举行，3月6号礼拜天",
            "２０２２年２月２９日,星期五",
            "二〇二一年十二月三十一日",
            "12月3日\t(周一)",
        ] {
            assert_eq!(zh_groups_by_split(t), zh_groups_by_captures(t), "{t}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

        #[test]
        fn byte_walk_back_equals_the_character_walk(
            s in "[0-9０-９〇○零十年一二三四五六七八九 \t月日中é\u{1F600}a]{0,16}",
            from_char in 0usize..16,
        ) {
            let from = s.char_indices().map(|(i, _)| i).nth(from_char).unwrap_or(s.len());
            for (end, _) in s.char_indices().chain([(s.len(), ' ')]).filter(|&(end, _)| end >= from) {
                let back: usize = s[from..end].chars().rev().take_while(|&c| before_month(c)).map(char::len_utf8).sum();
                prop_assert_eq!(before_month_start(s.as_bytes(), from, end), end - back, "{:?} {}..{}", s, from, end);
            }
        }

        #[test]
        fn lunar_marker_walk_equals_substring_search(s in "[农阴夏旧正腊历月二三十日 a1]{0,14}") {
            for (start, _) in s.char_indices().chain([(s.len(), ' ')]) {
                let mut begin = start;
                for _ in 0..8 {
                    match s[..begin].chars().next_back() {
                        Some(c) => begin -= c.len_utf8(),
                        None => break,
                    }
                }
                let window = &s[begin..start];
                let expected = ["农历", "阴历", "夏历", "旧历", "正月", "腊月"].iter().any(|m| window.contains(m));
                prop_assert_eq!(lunar_before(&s, start), expected);
            }
        }

        #[test]
        fn windowed_search_finds_what_a_whole_text_search_finds(
            s in r"[0-9０-９〇○零一二三四五六七八九十年月日号周星期礼拜天（(，, \ta]{0,50}"
        ) {
            prop_assert_eq!(zh_matches_windowed(&s), ZH.find_iter(&s).map(|m| m.range()).collect::<Vec<_>>());
        }

        #[test]
        fn windowed_search_agrees_on_date_like_text(
            s in r"([0-9０二〇]{0,5}[ 年]{0,2}[0-9十一二三九]{0,3}\t?月 ?[0-9十一二三]{0,3} ?[日号]?[ （(，,]{0,2}(星期|周|礼拜)?[一日天五]?|[a，農])*"
        ) {
            prop_assert_eq!(zh_matches_windowed(&s), ZH.find_iter(&s).map(|m| m.range()).collect::<Vec<_>>());
            prop_assert_eq!(zh_groups_by_split(&s), zh_groups_by_captures(&s));
        }

        #[test]
        fn zh_split_matches_captures(
            s in r"[0-9０-９〇○零一二三四五六七八九十年月日号周星期礼拜天（(，, \t]{0,40}"
        ) {
            prop_assert_eq!(zh_groups_by_split(&s), zh_groups_by_captures(&s));
        }

        #[test]
        fn features_never_hide_a_date(
            s in r"[0-9０-９〇一二十年月日号周星期四\-: a-zA-Z农历]{0,40}|[0-9 ]{0,9}(19|20)[0-9０-９٣]{2}(0[1-9]|1[0-2])[0-3][0-9][0-9 ]{0,9}|[a0-9 ]{0,3}[0-9０-９٣]{4}-[0-9０-９]{2}-[0-9０-９٣]{2}[a0-9 ]{0,3}( ?\(?(周四|Thu|Fri))?|\PC{0,40}"
        ) {
            // The forms as they were gated before: 月, `-`, a month abbreviation, eight digits.
            let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
            let mut flags = 0;
            for (on, flag) in [
                (s.contains('月'), Features::MONTH_ZH),
                (s.contains('-'), Features::ISO),
                (months.iter().any(|m| s.contains(m)), Features::MONTH_EN),
                (s.bytes().filter(u8::is_ascii_digit).count() >= 8, Features::COMPACT),
            ] {
                if on {
                    flags |= flag;
                }
            }
            prop_assert_eq!(extract_dates(&s), extract_dates_with(&s, Features::from_flags(flags)));
        }

        #[test]
        fn never_panics_and_spans_are_char_boundaries(
            s in r"[0-9０-９〇一二三四五六七八九十年月日号周星期礼拜天（）(), \-a-zA-Z农历]{0,40}"
        ) {
            for m in extract_dates(&s) {
                for r in [m.range.clone(), m.full_range()] {
                    prop_assert!(r.start <= r.end && r.end <= s.len());
                    prop_assert!(s.is_char_boundary(r.start) && s.is_char_boundary(r.end));
                }
                prop_assert!((1..=12).contains(&m.month) && (1..=31).contains(&m.day));
            }
        }

        #[test]
        fn month_scan_finds_what_a_substring_search_finds(
            s in r"[a-zA-Z一 ]{0,40}(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|JAN|Ja|ec)?[a-zA-Z一 ]{0,40}"
        ) {
            let expected = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
                .iter()
                .any(|m| s.contains(m));
            prop_assert_eq!(Features::ascii(&s).any(Features::MONTH_EN), expected);
        }

        #[test]
        fn iso_by_hand_equals_the_regex_on_date_text(s in "[0-9 \t\\-（(,，周星期礼拜一日天MonSunTuesdayTHU._aé]{0,30}|(2022-01-06|2022|-|01| |（|,|周四|Mon|Sunday|SAT|\\.|x|日){0,12}|\\PC{0,30}") {
            if let Ok(v) = iso_dates_by_hand(&s) {
                prop_assert_eq!(v, iso_dates_by_regex(&s));
            }
        }

        #[test]
        fn compact_by_hand_equals_the_regex_on_digit_text(s in "[0-39 x（０٣]{0,24}|(19|20|0|1|2|3|9| |０|x){0,14}|\\PC{0,30}") {
            match compact_dates_by_hand(&s) {
                Ok(v) => prop_assert_eq!(v, compact_dates_by_regex(&s)),
                Err(NonAsciiDigit) => prop_assert!(s.chars().any(|c| !c.is_ascii() && c.is_numeric())),
            }
        }

        #[test]
        fn any_text_never_panics(s in "\\PC{0,60}") {
            for m in extract_dates(&s) {
                prop_assert!(s.is_char_boundary(m.range.start) && s.is_char_boundary(m.range.end));
            }
        }
    }
}
