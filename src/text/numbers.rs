//! Numbers in prose, with byte spans and the precision they were written with.
//!
//! Arabic numerals (with thousands separators, decimals, full-width digits), Chinese numerals
//! (三十, 两千, 六点五, 一万五), magnitudes (1.2万, 3亿, 1.2 million, $3bn, $5m), ranges
//! (60到120, 85至90, 1.47–1.68, from 60 to 120, between 5 and 6) and approximations (约, 近,
//! 余, 多, 逾, about, nearly, more than).
//!
//! Precision is an interval, as statcheck does it: `0.88` stands for anything in
//! [0.875, 0.885); an approximation widens the interval. Two numbers contradict only when
//! their intervals cannot meet.

use std::ops::Range;

/// How a number is hedged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Approx {
    Exact,
    /// 约, about, roughly: a few percent either way.
    About,
    /// 余, 多, 逾, more than, over: the value is a floor.
    AtLeast,
    /// 近, 不到, nearly, up to, less than: the value is a ceiling.
    AtMost,
}

/// One number as written.
#[derive(Clone, Debug, PartialEq)]
pub struct Number {
    pub value: f64,
    /// The values that round to the text as written (before any approximation).
    pub lo: f64,
    pub hi: f64,
    /// Digits, separators and magnitude words (and an embedded 余/多).
    pub span: Range<usize>,
    /// The magnitude multiplier applied (1 when none).
    pub magnitude: f64,
    /// Digits after the decimal point.
    pub decimals: u8,
    /// Zeros at the end of an integer written without decimals (1,200 → 2).
    pub trailing_zeros: u8,
    /// Written in Chinese numerals.
    pub chinese: bool,
    /// A hedge written inside or right after the number (100余万, 100多).
    pub approx: Approx,
}

impl Number {
    fn scale(&mut self, m: f64) {
        self.value *= m;
        self.lo *= m;
        self.hi *= m;
        self.magnitude *= m;
    }

    /// A plain integer without magnitude or decimals (60, 1,200).
    pub fn is_plain_integer(&self) -> bool {
        self.decimals == 0 && self.magnitude == 1.0 && !self.chinese
    }
}

/// A number or a range of two, with a hedge.
#[derive(Clone, Debug, PartialEq)]
pub struct Quantity {
    pub low: Number,
    /// The upper end of a range.
    pub high: Option<Number>,
    pub approx: Approx,
    /// From the first digit to the end of the last number (with an approximation suffix).
    pub span: Range<usize>,
    /// Where a hedge word before the number starts (equal to `span.start` when none).
    pub hedge_start: usize,
}

impl Quantity {
    /// The ends of the quantity (one for a single number).
    pub fn ends(&self) -> impl Iterator<Item = &Number> {
        std::iter::once(&self.low).chain(self.high.as_ref())
    }

    pub fn is_range(&self) -> bool {
        self.high.is_some()
    }

    /// The interval an end stands for, widened by the hedge.
    pub fn interval(&self, n: &Number) -> (f64, f64) {
        widen(n, combine(self.approx, n.approx))
    }
}

fn combine(a: Approx, b: Approx) -> Approx {
    if a == Approx::Exact { b } else { a }
}

/// The interval a number stands for under a hedge.
pub fn widen(n: &Number, approx: Approx) -> (f64, f64) {
    let (lo, hi) = (n.lo.min(n.hi), n.lo.max(n.hi));
    match approx {
        Approx::Exact => (lo, hi),
        Approx::About => (lo - n.value.abs() * 0.05, hi + n.value.abs() * 0.05),
        Approx::AtLeast => (lo, hi + n.value.abs()),
        Approx::AtMost => (lo - n.value.abs() * 0.5, hi),
    }
}

fn fullwidth_digit(c: char) -> Option<u32> {
    let u = c as u32;
    (0xFF10..=0xFF19).contains(&u).then(|| u - 0xFF10)
}

fn ascii_or_wide_digit(c: char) -> Option<u32> {
    c.to_digit(10).filter(|_| c.is_ascii_digit()).or_else(|| fullwidth_digit(c))
}

fn chinese_digit(c: char) -> Option<u32> {
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
        _ => return None,
    })
}

fn chinese_place(c: char) -> Option<f64> {
    Some(match c {
        '十' => 10.0,
        '百' => 100.0,
        '千' => 1000.0,
        _ => return None,
    })
}

fn is_chinese_numeral(c: char) -> bool {
    chinese_digit(c).is_some() || matches!(c, '十' | '百' | '千' | '万' | '亿')
}

/// Characters after 千/百 that make it part of a unit (千米, 千克), not a magnitude.
fn unit_after_magnitude(c: Option<char>) -> bool {
    matches!(c, Some('米' | '克' | '瓦' | '卡' | '伏' | '帕' | '焦' | '字' | '赫' | '分' | '位' | '倍'))
}

const CURRENCY_SYMBOLS: &[char] = &['$', '£', '€', '₸', '₽', '₹', '₩', '₦', '₴', '₺', '¥', '￥'];

fn char_at(text: &str, i: usize) -> Option<char> {
    text.get(i..).and_then(|s| s.chars().next())
}

fn char_before(text: &str, i: usize) -> Option<char> {
    text.get(..i).and_then(|s| s.chars().next_back())
}

/// Every number in `text`, in order, with its span.
pub fn scan_numbers(text: &str) -> Vec<Number> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let Some(c) = char_at(text, i) else { break };
        let start_ok = || {
            !char_before(text, i).is_some_and(|p| {
                p.is_ascii_alphanumeric() || p == '.' || p == '_' || fullwidth_digit(p).is_some() || p == '．'
            })
        };
        if ascii_or_wide_digit(c).is_some() {
            if !start_ok() {
                i = skip_digits(text, i);
                continue;
            }
            match parse_arabic(text, i) {
                Some(mut n) => {
                    negate_if_signed(text, &mut n);
                    i = n.span.end;
                    out.push(n);
                }
                None => i = skip_digits(text, i),
            }
            continue;
        }
        if (chinese_digit(c).is_some() || c == '十') && !char_before(text, i).is_some_and(is_chinese_numeral) {
            if let Some(n) = parse_chinese(text, i) {
                i = n.span.end;
                out.push(n);
                continue;
            }
            i += c.len_utf8();
            while let Some(c) = char_at(text, i).filter(|&c| is_chinese_numeral(c)) {
                i += c.len_utf8();
            }
            continue;
        }
        i += c.len_utf8();
    }
    out
}

/// A minus sign right before a number that starts a word (-18°C), not a range dash (60-120).
fn negate_if_signed(text: &str, n: &mut Number) {
    let Some(sign @ ('-' | '−' | '－')) = char_before(text, n.span.start) else { return };
    let at = n.span.start - sign.len_utf8();
    if char_before(text, at).is_some_and(|c| !(c.is_whitespace() || "(（：:".contains(c))) {
        return;
    }
    n.value = -n.value;
    (n.lo, n.hi) = (-n.hi, -n.lo);
    n.span.start = at;
}

fn skip_digits(text: &str, mut i: usize) -> usize {
    while let Some(c) = char_at(text, i) {
        if ascii_or_wide_digit(c).is_some() || c == '.' || c == ',' || c == '．' {
            i += c.len_utf8();
        } else {
            break;
        }
    }
    i.max(1).min(text.len())
}

fn parse_arabic(text: &str, start: usize) -> Option<Number> {
    let mut i = start;
    let mut int_digits = String::new();
    let mut frac_digits = String::new();
    // Integer part, with `,` separators only before exactly three digits.
    loop {
        match char_at(text, i) {
            Some(c) if ascii_or_wide_digit(c).is_some() => {
                int_digits.push(char::from_digit(ascii_or_wide_digit(c)?, 10)?);
                i += c.len_utf8();
            }
            Some(',') if group_follows(text, i) => i += 1,
            _ => break,
        }
        if int_digits.len() > 18 {
            return None;
        }
    }
    if int_digits.is_empty() {
        return None;
    }
    // Decimals.
    if let Some(p @ ('.' | '．')) = char_at(text, i)
        && char_at(text, i + p.len_utf8()).and_then(ascii_or_wide_digit).is_some()
    {
        i += p.len_utf8();
        while let Some(c) = char_at(text, i) {
            let Some(d) = ascii_or_wide_digit(c) else { break };
            frac_digits.push(char::from_digit(d, 10)?);
            i += c.len_utf8();
            if frac_digits.len() > 12 {
                return None;
            }
        }
        // 1.2.3 or 2022.01.05: a version or a date, not a number.
        if matches!(char_at(text, i), Some('.' | '．')) && char_at(text, i + 1).is_some_and(|c| c.is_ascii_digit()) {
            return None;
        }
    }
    let literal = if frac_digits.is_empty() { int_digits.clone() } else { format!("{int_digits}.{frac_digits}") };
    let value: f64 = literal.parse().ok()?;
    let decimals = frac_digits.len() as u8;
    let trailing_zeros = if decimals == 0 && value != 0.0 {
        int_digits.bytes().rev().take_while(|&b| b == b'0').count() as u8
    } else {
        0
    };
    let half = 0.5 * 10f64.powi(-(decimals as i32));
    let mut n = Number {
        value,
        lo: value - half,
        hi: value + half,
        span: start..i,
        magnitude: 1.0,
        decimals,
        trailing_zeros,
        chinese: false,
        approx: Approx::Exact,
    };
    let money = char_before(text, start).is_some_and(|c| CURRENCY_SYMBOLS.contains(&c));
    apply_magnitude(text, &mut n, money);
    Some(n)
}

fn group_follows(text: &str, i: usize) -> bool {
    let b = text.as_bytes();
    b.get(i) == Some(&b',')
        && b.get(i + 1..i + 4).is_some_and(|s| s.iter().all(u8::is_ascii_digit))
        && !b.get(i + 4).is_some_and(u8::is_ascii_digit)
}

/// Magnitude words after a number: 万, 亿, 千万, million, bn, and (after a currency symbol) m, k.
fn apply_magnitude(text: &str, n: &mut Number, money: bool) {
    let mut i = n.span.end;
    // 100余万, 1万多
    let mut hedged = false;
    if let Some(c @ ('余' | '多')) = char_at(text, i)
        && matches!(char_at(text, i + c.len_utf8()), Some('万' | '亿' | '千' | '百'))
    {
        i += c.len_utf8();
        hedged = true;
    }
    let mut mult = 1.0;
    let mut j = i;
    while let Some(c) = char_at(text, j) {
        let m = match c {
            '万' => 1e4,
            '亿' => 1e8,
            '千' | '百' if !unit_after_magnitude(char_at(text, j + c.len_utf8())) => {
                if c == '千' {
                    1e3
                } else {
                    1e2
                }
            }
            _ => break,
        };
        mult *= m;
        j += c.len_utf8();
    }
    if mult > 1.0 {
        n.scale(mult);
        n.span.end = j;
        if hedged {
            n.approx = Approx::AtLeast;
        }
        if let Some(c @ ('余' | '多')) = char_at(text, j) {
            n.span.end = j + c.len_utf8();
            n.approx = Approx::AtLeast;
        }
        return;
    }
    let rest = &text[n.span.end..];
    let (words, skip_space) = (
        [
            ("trillion", 1e12),
            ("billion", 1e9),
            ("million", 1e6),
            ("thousand", 1e3),
            ("bn", 1e9),
            ("tn", 1e12),
            ("mn", 1e6),
            ("m", 1e6),
            ("k", 1e3),
            ("K", 1e3),
        ],
        rest.starts_with(' '),
    );
    let body = if skip_space { &rest[1..] } else { rest };
    for (w, m) in words {
        let short = w.len() <= 2;
        if !body.starts_with(w) || (short && (skip_space && (w == "m" || w == "k" || w == "K"))) {
            continue;
        }
        if (w == "m" || w == "k" || w == "K") && !money {
            continue;
        }
        if body[w.len()..].chars().next().is_some_and(|c| c.is_ascii_alphanumeric()) {
            continue;
        }
        n.scale(m);
        n.span.end += usize::from(skip_space) + w.len();
        return;
    }
    if let Some(c @ ('余' | '多')) = char_at(text, n.span.end)
        && n.decimals == 0
    {
        n.span.end += c.len_utf8();
        n.approx = Approx::AtLeast;
    }
}

fn parse_chinese(text: &str, start: usize) -> Option<Number> {
    let mut i = start;
    let (mut yi, mut wan, mut section, mut digit): (f64, f64, f64, Option<f64>) = (0.0, 0.0, 0.0, None);
    let mut last_place = 1.0f64;
    let mut after_zero = false;
    let mut frac = String::new();
    let mut count = 0;
    while let Some(c) = char_at(text, i) {
        count += 1;
        if count > 24 {
            return None;
        }
        if let Some(d) = chinese_digit(c) {
            if d == 0 && digit.is_none() && section + wan + yi > 0.0 {
                after_zero = true;
                i += c.len_utf8();
                continue;
            }
            if digit.is_some() {
                // 一二 is not a number we read (list numbering, years written digit by digit).
                return None;
            }
            after_zero = d == 0 || after_zero;
            digit = Some(d as f64);
            i += c.len_utf8();
        } else if let Some(p) = chinese_place(c) {
            if unit_after_magnitude(char_at(text, i + c.len_utf8())) {
                break;
            }
            section += digit.take().unwrap_or(1.0) * p;
            last_place = p;
            after_zero = false;
            i += c.len_utf8();
        } else if c == '万' {
            if digit.is_none() && section == 0.0 {
                break;
            }
            wan = (wan + section + digit.take().unwrap_or(0.0)) * 1e4;
            section = 0.0;
            last_place = 1e4;
            i += c.len_utf8();
        } else if c == '亿' {
            if digit.is_none() && section == 0.0 && wan == 0.0 {
                break;
            }
            yi = (yi + wan + section + digit.take().unwrap_or(0.0)) * 1e8;
            wan = 0.0;
            section = 0.0;
            last_place = 1e8;
            i += c.len_utf8();
        } else if c == '点' && digit.is_some() && char_at(text, i + c.len_utf8()).and_then(chinese_digit).is_some() {
            i += c.len_utf8();
            while let Some(c) = char_at(text, i) {
                let Some(d) = chinese_digit(c) else { break };
                frac.push(char::from_digit(d, 10)?);
                i += c.len_utf8();
            }
            break;
        } else {
            break;
        }
    }
    if i == start {
        return None;
    }
    let mut value = yi + wan + section;
    let mut place;
    if let Some(d) = digit {
        // 三百五 = 350 (colloquial), 三百零五 = 305.
        if last_place >= 100.0 && !after_zero && section + wan + yi > 0.0 {
            value += d * last_place / 10.0;
            place = last_place / 10.0;
        } else {
            value += d;
            place = 1.0;
        }
    } else {
        place = last_place;
    }
    if !frac.is_empty() {
        value += format!("0.{frac}").parse::<f64>().ok()?;
        place = 10f64.powi(-(frac.len() as i32));
    }
    if value == 0.0 && !text[start..i].contains(['零', '〇']) {
        return None;
    }
    let half = place * 0.5;
    let mut n = Number {
        value,
        lo: value - half,
        hi: value + half,
        span: start..i,
        magnitude: 1.0,
        decimals: frac.len() as u8,
        trailing_zeros: 0,
        chinese: true,
        approx: Approx::Exact,
    };
    if let Some(c @ ('余' | '多')) = char_at(text, i) {
        n.span.end += c.len_utf8();
        n.approx = Approx::AtLeast;
    }
    Some(n)
}

const HEDGES: &[(&str, Approx)] = &[
    ("大约", Approx::About),
    ("约", Approx::About),
    ("将近", Approx::AtMost),
    ("接近", Approx::AtMost),
    ("近", Approx::AtMost),
    ("不到", Approx::AtMost),
    ("不足", Approx::AtMost),
    ("逾", Approx::AtLeast),
    ("超过", Approx::AtLeast),
    ("至少", Approx::AtLeast),
    ("about", Approx::About),
    ("around", Approx::About),
    ("roughly", Approx::About),
    ("approximately", Approx::About),
    ("some", Approx::About),
    ("~", Approx::About),
    ("≈", Approx::About),
    ("nearly", Approx::AtMost),
    ("almost", Approx::AtMost),
    ("up to", Approx::AtMost),
    ("less than", Approx::AtMost),
    ("under", Approx::AtMost),
    ("more than", Approx::AtLeast),
    ("over", Approx::AtLeast),
    ("at least", Approx::AtLeast),
];

/// The hedge written right before `pos` (one space allowed after an English word).
pub fn hedge_before(text: &str, pos: usize) -> Option<(Approx, usize)> {
    let head = text.get(..pos)?;
    let trimmed = head.strip_suffix(' ').unwrap_or(head);
    for &(w, a) in HEDGES {
        let ascii_word = w.as_bytes()[0].is_ascii_alphabetic();
        let h = if ascii_word { trimmed } else { head };
        if h.len() >= w.len() && h.is_char_boundary(h.len() - w.len()) && h[h.len() - w.len()..].eq_ignore_ascii_case(w)
        {
            let s = h.len() - w.len();
            if ascii_word && char_before(h, s).is_some_and(|c| c.is_ascii_alphanumeric()) {
                continue;
            }
            return Some((a, s));
        }
    }
    None
}

const RANGE_WORDS: &[&str] = &["到", "至", "～", "~", "–", "—", "-", "to", "and"];

/// Numbers, joined into ranges where written as one (60到120, 1.47元到1.68元, $5–$6,
/// between 5 and 6 million) and hedged where a hedge is written.
pub fn scan_quantities(text: &str) -> Vec<Quantity> {
    let nums = scan_numbers(text);
    let mut out: Vec<Quantity> = Vec::with_capacity(nums.len());
    let mut k = 0;
    while k < nums.len() {
        let a = &nums[k];
        let (approx, hedge_start) = hedge_before(text, a.span.start).unwrap_or((Approx::Exact, a.span.start));
        if let Some(b) = nums.get(k + 1)
            && let Some((low, high)) = join_range(text, a, b)
        {
            out.push(Quantity { span: low.span.start..high.span.end, low, high: Some(high), approx, hedge_start });
            k += 2;
            continue;
        }
        out.push(Quantity { low: a.clone(), high: None, approx, span: a.span.clone(), hedge_start });
        k += 1;
    }
    out
}

fn join_range(text: &str, a: &Number, b: &Number) -> Option<(Number, Number)> {
    let gap = text.get(a.span.end..b.span.start)?;
    if gap.is_empty() || gap.len() > 24 || gap.contains(|c: char| c.is_ascii_digit() || "，,。；;（）()".contains(c))
    {
        return None;
    }
    for w in RANGE_WORDS {
        let Some(pos) = gap.find(w) else { continue };
        let ascii_word = w.as_bytes()[0].is_ascii_alphabetic();
        if ascii_word
            && (char_before(gap, pos).is_none_or(|c| c != ' ') || char_at(gap, pos + w.len()).is_none_or(|c| c != ' '))
        {
            continue;
        }
        let s = gap[..pos].trim();
        let p = gap[pos + w.len()..].trim();
        if s.chars().count() > 6 || p.chars().count() > 4 {
            continue;
        }
        if *w == "-" && (gap.contains(' ') || !s.is_empty()) {
            continue;
        }
        if !s.is_empty() && !text[b.span.end..].trim_start().starts_with(s) {
            continue;
        }
        if !p.is_empty() && !text[..a.span.start].trim_end().ends_with(p) {
            continue;
        }
        if *w == "and" {
            let before = text[..a.span.start].trim_end();
            let before = before.strip_suffix(p).unwrap_or(before).trim_end();
            if !before.to_ascii_lowercase().ends_with("between") {
                continue;
            }
        }
        let mut low = a.clone();
        let high = b.clone();
        if low.magnitude == 1.0 && high.magnitude > 1.0 && low.value < high.value / high.magnitude {
            low.scale(high.magnitude);
        }
        if low.value > high.value {
            return None;
        }
        return Some((low, high));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn one(text: &str) -> Number {
        let v = scan_numbers(text);
        assert_eq!(v.len(), 1, "{text}: {v:?}");
        v.into_iter().next().unwrap()
    }

    #[test]
    fn arabic_with_precision() {
        let n = one("约合人民币0.88元");
        assert_eq!(n.value, 0.88);
        assert!((n.lo - 0.875).abs() < 1e-12 && (n.hi - 0.885).abs() < 1e-12);
        assert_eq!(one("1,200 tenge").value, 1200.0);
        assert_eq!(one("1,200 tenge").trailing_zeros, 2);
        assert_eq!(one("１２０坚戈").value, 120.0);
        assert_eq!(one("价格 3.5 元").decimals, 1);
    }

    #[test]
    fn magnitudes() {
        assert_eq!(one("1.2万元").value, 12000.0);
        assert_eq!(one("3亿").value, 3e8);
        assert_eq!(one("2千万").value, 2e7);
        assert_eq!(one("1.2 million tenge").value, 1.2e6);
        assert_eq!(one("$3bn").value, 3e9);
        assert_eq!(one("$5m").value, 5e6);
        assert_eq!(one("5m deep").value, 5.0);
        assert_eq!(one("3千米").value, 3.0);
        let n = one("100余万元");
        assert_eq!((n.value, n.approx), (1e6, Approx::AtLeast));
    }

    #[test]
    fn chinese_numerals() {
        assert_eq!(one("三十坚戈").value, 30.0);
        assert_eq!(one("两千元").value, 2000.0);
        assert_eq!(one("六点五公里").value, 6.5);
        assert_eq!(one("一万五千").value, 15000.0);
        assert_eq!(one("一万五").value, 15000.0);
        assert_eq!(one("三百零五").value, 305.0);
        assert_eq!(one("一亿二千万").value, 1.2e8);
        assert!(scan_numbers("千万不要").is_empty());
    }

    #[test]
    fn ranges_and_hedges() {
        let q = scan_quantities("约合人民币1.47元到1.68元");
        assert_eq!(q.len(), 1);
        assert_eq!(q[0].high.as_ref().unwrap().value, 1.68);
        assert_eq!(scan_quantities("85坚戈至90坚戈").len(), 1);
        assert_eq!(scan_quantities("60到120").len(), 1);
        assert_eq!(scan_quantities("1.47–1.68").len(), 1);
        assert_eq!(scan_quantities("60-120").len(), 1);
        assert!(scan_quantities("2022-01-05")[0].high.is_none());
        assert_eq!(scan_quantities("from 60 to 120 tenge").len(), 1);
        assert_eq!(scan_quantities("between 5 and 6 million").len(), 1);
        assert_eq!(scan_quantities("between 5 and 6 million")[0].low.value, 5e6);
        assert_eq!(scan_quantities("$1.47–$1.68").len(), 1);
        assert_eq!(scan_quantities("5 and 6").len(), 2);
        let q = scan_quantities("about 120 tenge");
        assert_eq!(q[0].approx, Approx::About);
        assert_eq!(scan_quantities("近100元")[0].approx, Approx::AtMost);
        assert_eq!(scan_quantities("100多元")[0].low.approx, Approx::AtLeast);
        assert_eq!(scan_quantities("逾5亿")[0].approx, Approx::AtLeast);
    }

    #[test]
    fn signs() {
        assert_eq!(one("kept at -18°C").value, -18.0);
        assert_eq!(scan_quantities("60-120")[0].low.value, 60.0);
    }

    #[test]
    fn not_numbers() {
        assert!(scan_numbers("A320 v1.2").is_empty());
        assert!(scan_numbers("版本 1.2.3").is_empty());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]
        #[test]
        fn never_panics_and_spans_are_sound(s in "[0-9０-９.,，一二两三十百千万亿点余多约近 a-z$£元坚戈到至–-]{0,40}") {
            for q in scan_quantities(&s) {
                prop_assert!(s.is_char_boundary(q.span.start) && s.is_char_boundary(q.span.end));
                prop_assert!(s.is_char_boundary(q.hedge_start) && q.hedge_start <= q.span.start);
                for n in q.ends() {
                    prop_assert!(s.is_char_boundary(n.span.start) && s.is_char_boundary(n.span.end));
                    prop_assert!(n.span.start < n.span.end);
                    let (lo, hi) = q.interval(n);
                    prop_assert!(lo <= n.value && n.value <= hi, "{} not in [{}, {}]", n.value, lo, hi);
                }
            }
        }

        #[test]
        fn any_text_is_safe(s in "\\PC{0,60}") {
            for n in scan_numbers(&s) {
                prop_assert!(s.is_char_boundary(n.span.start) && s.is_char_boundary(n.span.end));
                prop_assert!(n.lo <= n.value && n.value <= n.hi);
            }
        }
    }
}
