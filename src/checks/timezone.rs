//! `timezone`: local times that, converted to the document's reference zone with the real tz
//! database, contradict the entry reporting them; paired times in two zones that disagree; a
//! zone abbreviation wrong for its date; a day-part word that contradicts the hour.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

use jiff::civil::DateTime;
use serde::Deserialize;

use super::{Check, DiagnosticExt, KindInfo, Output, RuleMeta, SpecError, SpecInput, build_with};
use crate::document::{Document, Segment};
use crate::text::clock::{self, Features, TimeMention};
use crate::text::zones::{Alias, AliasSpec, ZoneTable, civil, format_offset, utc_minutes};

pub static KIND: KindInfo = KindInfo {
    name: "timezone",
    summary: "local times that, converted with the tz database, contradict the entry reporting them or their paired time",
    docs: include_str!("../../docs/checks/timezone.md"),
    build,
};

/// Which problem a rule of this kind reports.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
enum Finding {
    EventAfterReport,
    PairedTimesDisagree,
    WrongAbbreviation,
    DayPartMismatch,
}

/// The rule's keys.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Spec {
    /// The problem this rule reports.
    finding: Finding,
    /// Extra places: IANA zone → names.
    #[serde(default)]
    places: BTreeMap<String, Vec<String>>,
    /// Extra or overriding zone words.
    #[serde(default)]
    aliases: Vec<AliasSpec>,
    /// The reference zone when the document declares none (an alias or IANA name).
    #[serde(default)]
    reference: Option<String>,
    /// The longest gap, in hours, between an entry and a later event that is still reported
    /// (larger gaps are more likely a misread date). Default 12.
    #[serde(default = "default_max_hours")]
    max_hours: i64,
}

fn default_max_hours() -> i64 {
    12
}

enum Table {
    Builtin,
    Own(Box<ZoneTable>),
}

struct TimezoneCheck {
    finding: Finding,
    table: Table,
    reference: Option<Alias>,
    max_minutes: i64,
}

fn build(meta: &RuleMeta, input: SpecInput<'_>) -> Result<Box<dyn Check>, SpecError> {
    build_with(meta, input, |_, spec: Spec| {
        let table = if spec.places.is_empty() && spec.aliases.is_empty() {
            Table::Builtin
        } else {
            Table::Own(Box::new(
                ZoneTable::build(&spec.places, &spec.aliases).map_err(|m| SpecError { message: m, span: None })?,
            ))
        };
        // The built-in table is built on first use, not here: rules without a `reference`
        // cost nothing until a document has a time to check.
        let reference = match &spec.reference {
            Some(r) => Some(
                resolve_word(
                    match &table {
                        Table::Builtin => ZoneTable::builtin(),
                        Table::Own(t) => t,
                    },
                    r,
                )
                .ok_or_else(|| SpecError { message: format!("unknown reference zone `{r}`"), span: None })?,
            ),
            None => None,
        };
        Ok(TimezoneCheck { finding: spec.finding, table, reference, max_minutes: spec.max_hours * 60 })
    })
}

fn resolve_word(t: &ZoneTable, w: &str) -> Option<Alias> {
    if let Some(a) = t.alias(w) {
        return Some(a);
    }
    let p = t.places_in(w);
    (p.len() == 1 && p[0].0 == (0..w.len())).then(|| Alias { zone: Some(p[0].1), offset: None, local: false })
}

/// The document's year and month for dates written without them.
#[derive(Clone, Copy)]
struct DocDate {
    year: i16,
    month: i8,
    day: i8,
}

/// Front-matter `date` (YYYY-MM-DD...), parsed.
pub(crate) fn front_matter_date(doc: &Document) -> Option<(i16, i8, i8)> {
    for key in ["date", "published", "pubdate"] {
        if let Some(f) = doc.front_matter_value(key)
            && let Some(d) = clock::first_full_date(&f.value)
        {
            return Some((d.1, d.2, d.3));
        }
    }
    None
}

/// A document-level fallback date: the front-matter date, else the first full date in the text.
fn doc_date(doc: &Document) -> Option<DocDate> {
    shared_doc_date(doc).0
}

/// The document's fallback date, found once per document for every rule that needs it.
struct SharedDocDate(Option<DocDate>);

fn shared_doc_date(doc: &Document) -> Arc<SharedDocDate> {
    doc.shared(|| {
        if let Some((year, month, day)) = front_matter_date(doc) {
            return SharedDocDate(Some(DocDate { year, month, day }));
        }
        let features = date_features(doc);
        SharedDocDate(doc.segments.iter().zip(features.iter()).find_map(|(s, f)| {
            if !may_hold_full_date(*f, &s.text) {
                return None;
            }
            clock::first_full_date(&s.text).map(|d| DocDate { year: d.1, month: d.2, day: d.3 })
        }))
    })
}

/// The year of the document's fallback date.
pub(crate) fn doc_year(doc: &Document) -> Option<i16> {
    doc_date(doc).map(|d| d.year)
}

/// Whether `text`, with date features `f` (from [`date_features`]), may hold a
/// [`clock::find_full_dates`] date: ASCII digits and an ISO date, an English month name with a
/// space, or 年 and 月.
pub(crate) fn may_hold_full_date(f: Features, text: &str) -> bool {
    f.any(Features::DIGIT)
        && (f.any(Features::ISO)
            || (f.any(Features::SPACE) && f.any(Features::UPPER))
            || (f.any(Features::MONTH_ZH) && clock::contains_nian(text)))
}

/// The [`Features`] of every segment, each part found once per document on first use and
/// shared by the time and date checks.
#[derive(Default)]
struct SegmentFeatures {
    ascii: OnceLock<Vec<Features>>,
    /// The clock and the date flags, found by one search over the document.
    han: OnceLock<(Vec<Features>, Vec<Features>)>,
}

/// One part of a document's [`SegmentFeatures`], one entry per segment.
pub(crate) struct FeaturePart {
    all: Arc<SegmentFeatures>,
    part: fn(&SegmentFeatures) -> &[Features],
}

impl std::ops::Deref for FeaturePart {
    type Target = [Features];

    fn deref(&self) -> &[Features] {
        (self.part)(&self.all)
    }
}

/// The flags of [`Features::ascii`] for every segment.
pub(crate) fn ascii_features(doc: &Document) -> FeaturePart {
    let all = doc.shared(SegmentFeatures::default);
    all.ascii.get_or_init(|| doc.segments.iter().map(|s| Features::ascii(&s.text)).collect());
    FeaturePart { all, part: |a| a.ascii.get().map_or(&[], Vec::as_slice) }
}

/// The clock and date flags of every segment, found together on first use.
fn han_features(doc: &Document) -> Arc<SegmentFeatures> {
    let all = doc.shared(SegmentFeatures::default);
    all.han.get_or_init(|| {
        let ascii = ascii_features(doc);
        Features::han_all(&doc.joined_segments(), &ascii)
    });
    all
}

/// The ASCII and clock-time flags ([`Features::clock`]) of every segment.
pub(crate) fn clock_features(doc: &Document) -> FeaturePart {
    FeaturePart { all: han_features(doc), part: |a| a.han.get().map_or(&[], |h| h.0.as_slice()) }
}

/// The ASCII and date flags ([`Features::with_dates`]) of every segment.
pub(crate) fn date_features(doc: &Document) -> FeaturePart {
    FeaturePart { all: han_features(doc), part: |a| a.han.get().map_or(&[], |h| h.1.as_slice()) }
}

/// A timestamped entry: the stamp segment and the segments up to the next stamp.
pub(crate) struct Entry {
    pub stamp_seg: usize,
    pub end_seg: usize,
    pub stamp: clock::Stamp,
}

/// The document's timestamped entries, found once per document.
pub(crate) struct Entries(pub Vec<Entry>);

pub(crate) fn entries(doc: &Document) -> Arc<Entries> {
    doc.shared(|| Entries(find_entries(doc)))
}

/// Whether `text` has a colon (`:` or `：`) with an ASCII digit on each side, as the time of a
/// stamp has.
fn has_clock_colon(text: &str) -> bool {
    let b = text.as_bytes();
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    (1..b.len()).any(|i| match b[i] {
        b':' => digit(i - 1) && digit(i + 1),
        0xEF => b.get(i + 1..i + 3) == Some(&[0xBC, 0x9A]) && digit(i - 1) && digit(i + 3),
        _ => false,
    })
}

fn find_entries(doc: &Document) -> Vec<Entry> {
    let mut out: Vec<Entry> = Vec::new();
    let features = ascii_features(doc);
    for (i, (s, f)) in doc.segments.iter().zip(features.iter()).enumerate() {
        // A stamp is short and has a colon between hour and minute, so an ASCII digit.
        if s.text.len() > 48 || !f.any(Features::DIGIT) || !has_clock_colon(&s.text) {
            continue;
        }
        if let Some(stamp) = clock::parse_stamp(&s.text) {
            if let Some(last) = out.last_mut() {
                last.end_seg = i;
            }
            out.push(Entry { stamp_seg: i, end_seg: doc.segments.len(), stamp });
        }
    }
    out
}

/// The reference zone declared in the text ("以下均为北京时间", "All times GMT") or front matter.
fn declared_reference(doc: &Document, t: &ZoneTable) -> Option<Alias> {
    let features = ascii_features(doc);
    for key in ["timezone", "time_zone", "tz"] {
        if let Some(f) = doc.front_matter_value(key)
            && let Some(a) = resolve_word(t, f.value.trim())
        {
            return Some(a);
        }
    }
    for (s, f) in doc.segments.iter().zip(features.iter()) {
        let text = s.text.as_str();
        if let Some(i) = text.find("以下") {
            let rest = &text[i..];
            if let Some(j) = rest.find("时间") {
                let run = &rest[..j + "时间".len()];
                if run.chars().count() <= 12
                    && let Some((_, a)) = t.alias_suffix(run)
                    && !a.local
                {
                    return Some(a);
                }
            }
        }
        if !f.any(Features::ALPHA) {
            continue;
        }
        let lower = text.to_ascii_lowercase();
        for lead in ["all times are ", "all times in ", "all times ", "times are in ", "times are "] {
            if let Some(i) = lower.find(lead) {
                let rest = &text[i + lead.len()..];
                let word: String =
                    rest.chars().take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | ':')).collect();
                if let Some(a) = t.alias(&word)
                    && !a.local
                {
                    return Some(a);
                }
            }
        }
    }
    None
}

/// A zone word attached to a mention: its span in segment text and what it stands for.
fn mention_zone(t: &ZoneTable, text: &str, m: &TimeMention) -> Option<(Range<usize>, Alias)> {
    if let Some(r) = &m.zone_after
        && let Some(a) = t.alias(&text[r.clone()])
    {
        return Some((r.clone(), a));
    }
    if let Some(r) = &m.zone_before
        && let Some((i, a)) = t.alias_suffix(&text[r.clone()])
    {
        return Some((r.start + i..r.end, a));
    }
    None
}

/// The sentence of `text` around `range`.
fn sentence(text: &str, range: &Range<usize>) -> Range<usize> {
    let is_end = |c: char| matches!(c, '。' | '！' | '？' | '!' | '?' | '\n' | ';' | '；');
    let start = text[..range.start].rfind(is_end).map_or(0, |i| i + text[i..].chars().next().map_or(1, char::len_utf8));
    let end = text[range.end..].find(is_end).map_or(text.len(), |i| range.end + i);
    // an English sentence ends at ". " too
    let s = &text[start..range.start];
    let start = s.rfind(". ").map_or(start, |i| start + i + 2);
    let e = &text[range.end..end];
    let end = e.find(". ").map_or(end, |i| range.end + i + 1);
    start..end
}

/// The zones of the places a local time at `range` belongs to: the places of its sentence,
/// else the last place before it in the segment, else in earlier segments from `first_seg`.
fn place_zones(t: &ZoneTable, segs: &[Segment], seg: usize, first_seg: usize, range: &Range<usize>) -> Vec<usize> {
    let text = segs[seg].text.as_str();
    let sent = sentence(text, range);
    let in_sentence: Vec<usize> = t.places_in(&text[sent.clone()]).into_iter().map(|p| p.1).collect();
    if !in_sentence.is_empty() {
        return in_sentence;
    }
    if let Some(p) = t.places_in(&text[..sent.start]).last() {
        return vec![p.1];
    }
    for s in (first_seg..seg).rev() {
        if let Some(p) = t.places_in(&segs[s].text).last() {
            return vec![p.1];
        }
    }
    Vec::new()
}

/// The offset of the place a local time belongs to (all candidate places must agree on it).
fn local_zone(
    t: &ZoneTable,
    segs: &[Segment],
    seg: usize,
    first_seg: usize,
    m: &TimeMention,
    dt: DateTime,
) -> Option<(i32, usize)> {
    let zs = place_zones(t, segs, seg, first_seg, &m.span);
    t.same_offset(&zs, dt).map(|o| (o, zs[0]))
}

/// Whether the places found for a local time agree (on the offset at `dt` when known).
fn resolves(t: &ZoneTable, zs: &[usize], dt: Option<DateTime>) -> bool {
    match dt {
        _ if zs.is_empty() => false,
        Some(dt) => t.same_offset(zs, dt).is_some(),
        None => zs.iter().all(|&z| z == zs[0]),
    }
}

/// Month and day written right after a local-time word (`当地时间1月5日`, `当地时间5日`).
fn date_after(text: &str, at: usize) -> Option<(Option<i8>, i8)> {
    let rest = text.get(at..)?;
    let digits = |s: &str| s.bytes().take_while(u8::is_ascii_digit).count();
    let n = digits(rest);
    if n == 0 || n > 2 {
        return None;
    }
    let v: i8 = rest[..n].parse().ok()?;
    let after = &rest[n..];
    if let Some(r) = after.strip_prefix('月') {
        let k = digits(r);
        if k == 0 || k > 2 || !(r[k..].starts_with('日') || r[k..].starts_with('号')) {
            return None;
        }
        return Some((Some(v), r[..k].parse().ok()?));
    }
    (after.starts_with('日') || after.starts_with('号')).then_some((None, v))
}

/// A month (when written) and a day.
type MonthDay = (Option<i8>, i8);

/// A civil date for a mention: its own date, else the date of the local-time context.
fn mention_civil(m: &TimeMention, ctx: Option<(Option<i8>, i8)>, base: DocDate) -> Option<DateTime> {
    let (month, day) = match (m.month, m.day) {
        (mo, Some(d)) => (mo, d),
        // 当天 after 当地时间1月5日; else the day of the entry (today, 当地时间今天)
        _ if m.relative_day => ctx.unwrap_or((Some(base.month), base.day)),
        _ => return None,
    };
    let mut year = m.year.unwrap_or(base.year);
    let mut month = month.unwrap_or(base.month);
    if m.month.is_none() && m.year.is_none() && day > base.day + 1 {
        // 31日 in an entry of 1月1日 is last month's
        month -= 1;
        if month == 0 {
            month = 12;
            year -= 1;
        }
    }
    civil(year, month, day, m.hour24(), m.minute)
}

fn hm(dt: DateTime) -> String {
    format!("{}-{:02}-{:02} {:02}:{:02}", dt.year(), dt.month(), dt.day(), dt.hour(), dt.minute())
}

fn local_civil(utc_min: i64, offset: i32) -> Option<DateTime> {
    let ts = jiff::Timestamp::from_second(utc_min.checked_mul(60)?).ok()?;
    Some(jiff::tz::Offset::from_seconds(offset).ok()?.to_datetime(ts))
}

/// The time mentions of one document's segments, each found on first use and shared by the
/// rules of this kind.
struct DocTimes {
    times: Vec<OnceLock<Vec<TimeMention>>>,
}

impl DocTimes {
    fn get(&self, seg: usize, text: &str) -> &[TimeMention] {
        self.times[seg].get_or_init(|| clock::find_times(text))
    }
}

fn doc_times(doc: &Document) -> Arc<DocTimes> {
    doc.shared(|| DocTimes { times: (0..doc.segments.len()).map(|_| OnceLock::new()).collect() })
}

/// The check's zone table, built (for the built-in one, once per run) only when a document
/// first has something to look up in it.
struct LazyTable<'a>(&'a TimezoneCheck);

impl std::ops::Deref for LazyTable<'_> {
    type Target = ZoneTable;

    fn deref(&self) -> &ZoneTable {
        self.0.table()
    }
}

impl TimezoneCheck {
    fn table(&self) -> &ZoneTable {
        match &self.table {
            Table::Builtin => ZoneTable::builtin(),
            Table::Own(t) => t,
        }
    }

    fn alias_offset(&self, a: &Alias, dt: DateTime) -> Option<i32> {
        match (a.offset, a.zone) {
            (Some(o), _) => Some(o),
            (None, Some(z)) => self.table().offset_at(z, dt),
            _ => None,
        }
    }

    fn event_after_report(&self, doc: &Document, out: &mut Output<'_>) {
        let t = &LazyTable(self);
        let entries = entries(doc);
        let entries = &entries.0;
        let features_part = clock_features(doc);
        // Indexed once per segment: deref once, not through the shared part every time.
        let features: &[Features] = &features_part;
        let reference =
            if entries.is_empty() { None } else { declared_reference(doc, t).or_else(|| self.reference.clone()) };
        let mut lazy_base: Option<Option<DocDate>> = None;
        let (mut found, mut resolved, mut checked) = (0u64, 0u64, 0u64);
        let times = doc_times(doc);
        // The entry of each segment, found as the segments are walked in order: the entries'
        // spans follow one another, each from its stamp up to the next stamp.
        let mut next_entry = 0;
        for (si, seg) in doc.segments.iter().enumerate() {
            let text = seg.text.as_str();
            // A segment with 当天 or 当日 but no local-time word only matters for a time with a
            // zone word, which needs 时间 or an ASCII capital.
            let f = features[si];
            if !(f.any(Features::LOCAL_ZH | Features::LOCAL_EN)
                || (f.any(Features::SHIJIAN | Features::UPPER) && (text.contains("当天") || text.contains("当日"))))
            {
                continue;
            }
            while entries.get(next_entry).is_some_and(|e| e.stamp_seg <= si) {
                next_entry += 1;
            }
            let entry = next_entry.checked_sub(1).and_then(|k| entries.get(k)).filter(|e| si < e.end_seg);
            if entry.is_some_and(|e| e.stamp_seg == si) {
                continue;
            }
            // The document's date, then the stamp's, for local dates without a month or year.
            let first = entry.map_or(si, |e| e.stamp_seg + 1);
            let doc_base = *lazy_base.get_or_insert_with(|| doc_date(doc));
            let noon = doc_base.and_then(|b| civil(b.year, b.month, b.day, 12, 0));
            let mentions = times.get(si, text);
            for w in ["当地时间", "local time"] {
                for (i, _) in text.match_indices(w) {
                    found += 1;
                    resolved +=
                        u64::from(resolves(t, &place_zones(t, &doc.segments, si, first, &(i..i + w.len())), noon));
                }
            }
            for m in mentions {
                if mention_zone(t, text, m).is_none()
                    && m.relative_day
                    && (text[..m.span.start].contains("当地时间") || text[..m.span.start].contains("local time"))
                {
                    found += 1;
                    resolved += u64::from(resolves(t, &place_zones(t, &doc.segments, si, first, &m.span), noon));
                }
            }
            let Some(mut base) = doc_base else { continue };
            let entry_dt = entry.and_then(|e| {
                let (mo, d) = (e.stamp.month?, e.stamp.day?);
                let y = e.stamp.year.unwrap_or(base.year);
                base = DocDate { year: y, month: mo, day: d };
                civil(y, mo, d, e.stamp.hour, e.stamp.minute)
            });
            let local_words: Vec<(usize, Option<MonthDay>)> = ["当地时间", "local time"]
                .iter()
                .flat_map(|w| text.match_indices(w).map(|(i, w)| (i, date_after(text, i + w.len()))))
                .collect();
            for m in mentions {
                let zone = mention_zone(t, text, m);
                let ctx = local_words.iter().filter(|(i, _)| *i < m.span.start).max_by_key(|(i, _)| *i);
                let is_local = match &zone {
                    Some((_, a)) => a.local,
                    None => m.relative_day && ctx.is_some(),
                };
                if !is_local && zone.is_none() {
                    continue;
                }
                if m.future || m.schedule {
                    continue;
                }
                let ctx_date = ctx.and_then(|c| c.1);
                let Some(dt) = mention_civil(m, ctx_date, base) else { continue };
                let (offset, place) = if is_local {
                    match local_zone(t, &doc.segments, si, first, m, dt) {
                        Some((o, z)) => (o, Some(z)),
                        None => continue,
                    }
                } else {
                    match zone.as_ref().and_then(|(_, a)| self.alias_offset(a, dt)) {
                        Some(o) => (o, None),
                        None => continue,
                    }
                };
                let (Some(entry), Some(entry_dt), Some(reference)) = (entry, entry_dt, reference.as_ref()) else {
                    continue;
                };
                let Some(ref_off) = self.alias_offset(reference, entry_dt) else { continue };
                let (Some(ev), Some(rep)) = (utc_minutes(dt, offset), utc_minutes(entry_dt, ref_off)) else { continue };
                if is_local {
                    checked += 1;
                }
                if ev <= rep || ev - rep > self.max_minutes {
                    continue;
                }
                let Some(conv) = local_civil(ev, ref_off) else { continue };
                let place_name = place.map_or_else(|| "its zone".to_string(), |z| t.zone_name(z).to_string());
                let local = format!("{} {} ({})", hm(dt), format_offset(offset), place_name);
                let converted = format!("{} {}", hm(conv), format_offset(ref_off));
                let stamp = format!("{} {}", hm(entry_dt), format_offset(ref_off));
                let late = format!("{} min", ev - rep);
                let vars = [
                    ("mention", &text[m.span.clone()]),
                    ("local", local.as_str()),
                    ("converted", converted.as_str()),
                    ("entry", stamp.as_str()),
                    ("late", late.as_str()),
                ];
                let stamp_seg = &doc.segments[entry.stamp_seg];
                out.report(doc.file, seg.source_range(m.span.clone()), &vars)
                    .primary_label(format!("{local} = {converted}"))
                    .label(doc.file, stamp_seg.range(), format!("the entry reporting it is stamped {stamp}"));
            }
        }
        out.count("local-time mentions found", found);
        out.count("local-time mentions resolved", resolved);
        out.count("local-time mentions checked", checked);
    }

    /// The offset of one side of a pair at `dt`: the zone word's, or the place's for a local time.
    fn side_offset(
        &self,
        doc: &Document,
        si: usize,
        m: &TimeMention,
        z: &Alias,
        dt: DateTime,
    ) -> Option<(i32, Option<usize>)> {
        if z.local {
            local_zone(self.table(), &doc.segments, si, si, m, dt).map(|(o, z)| (o, Some(z)))
        } else {
            self.alias_offset(z, dt).map(|o| (o, z.zone))
        }
    }

    fn paired(&self, doc: &Document, out: &mut Output<'_>) {
        let t = &LazyTable(self);
        let mut lazy_base: Option<Option<DocDate>> = None;
        let (mut pairs, mut local_checked) = (0, 0);
        let times = doc_times(doc);
        let features_part = clock_features(doc);
        // Indexed once per segment: deref once, not through the shared part every time.
        let features: &[Features] = &features_part;
        for (si, seg) in doc.segments.iter().enumerate() {
            let text = seg.text.as_str();
            if !features[si].any(Features::SHIJIAN | Features::GMT_UTC | Features::LOCAL_EN) {
                continue;
            }
            let ms = times.get(si, text);
            for w in ms.windows(2) {
                let (a, b) = (&w[0], &w[1]);
                let Some((bz, zb)) = mention_zone(t, text, b) else { continue };
                let b_start = bz.start.min(b.span.start);
                let Some(gap) = text.get(a.span.end..b_start) else { continue };
                let mut g = gap.to_string();
                for word in ["也就是", "相当于", "即", "起", "and", "or"] {
                    g = g.replace(word, "");
                }
                if g.chars().count() > 3 || !g.chars().all(|c| matches!(c, '（' | '(' | ' ' | '，' | ',' | '/' | '、'))
                {
                    continue;
                }
                let Some((_, za)) = mention_zone(t, text, a) else { continue };
                if za == zb {
                    continue;
                }
                // A local time whose sentence names places in different zones is not resolved.
                let ambiguous = |m: &TimeMention, z: &Alias| {
                    let mut zs = place_zones(t, &doc.segments, si, si, &m.span);
                    zs.sort_unstable();
                    zs.dedup();
                    z.local && zs.len() != 1
                };
                if ambiguous(a, &za) || ambiguous(b, &zb) {
                    continue;
                }
                // Dates: a full date in the paragraph fixes the year; otherwise any year from
                // 2000 to 2030 that makes the pair agree clears it (offsets change rarely).
                let own = clock::first_full_date(text).map(|d| DocDate { year: d.1, month: d.2, day: d.3 });
                let base = own.or_else(|| *lazy_base.get_or_insert_with(|| doc_date(doc)));
                let month = a.month.or(b.month).or(base.map(|b| b.month));
                let years: Vec<i16> = match (
                    a.year.or(b.year),
                    own.or_else(|| front_matter_date(doc).map(|d| DocDate { year: d.0, month: d.1, day: d.2 })),
                ) {
                    (Some(y), _) => vec![y],
                    (None, Some(o)) => vec![o.year],
                    _ => (2000..=2030).collect(),
                };
                let months: Vec<i8> = month.map_or_else(|| (1..=12).collect(), |m| vec![m]);
                let day_delta = match (a.day, b.day) {
                    (Some(da), Some(db)) => {
                        let d = i64::from(db) - i64::from(da);
                        Some(if d > 1 {
                            -1
                        } else if d < -1 {
                            1
                        } else {
                            d
                        })
                    }
                    _ => None,
                };
                let mut agree = false;
                let mut shown: Option<(i32, i32, Option<usize>)> = None;
                let mut any = false;
                'cands: for &y in &years {
                    for &mo in &months {
                        let day_a = a.day.unwrap_or(15).min(28);
                        let (Some(da), Some(db)) = (
                            civil(y, mo, day_a, a.hour24().min(23), a.minute),
                            civil(y, mo, b.day.unwrap_or(15).min(28), b.hour24().min(23), b.minute),
                        ) else {
                            continue;
                        };
                        let (Some((oa, _)), Some((ob, pb))) =
                            (self.side_offset(doc, si, a, &za, da), self.side_offset(doc, si, b, &zb, db))
                        else {
                            continue;
                        };
                        any = true;
                        let ta = i64::from(a.hour24()) * 60 + i64::from(a.minute) - i64::from(oa / 60);
                        let tb = i64::from(b.hour24()) * 60 + i64::from(b.minute) - i64::from(ob / 60);
                        let diff = match day_delta {
                            Some(dd) => tb + dd * 1440 - ta,
                            None => (tb - ta).rem_euclid(1440),
                        };
                        if diff == 0 {
                            agree = true;
                            break 'cands;
                        }
                        if shown.is_none() || (base.is_some_and(|b| b.year == y)) {
                            shown = Some((oa, ob, pb));
                        }
                    }
                }
                if !any {
                    continue;
                }
                pairs += 1;
                local_checked += u64::from(za.local) + u64::from(zb.local);
                let Some((oa, ob, pb)) = shown.filter(|_| !agree) else { continue };
                let minutes =
                    i64::from(a.hour24()) * 60 + i64::from(a.minute) - i64::from(oa / 60) + i64::from(ob / 60);
                let (dshift, rem) = (minutes.div_euclid(1440), minutes.rem_euclid(1440));
                let want = match a.day {
                    Some(d) => format!("{}日{:02}:{:02}", i64::from(d) + dshift, rem / 60, rem % 60),
                    None => format!("{:02}:{:02}", rem / 60, rem % 60),
                };
                let first = format!("{} ({})", &text[a.span.clone()], format_offset(oa));
                let zone_b =
                    pb.map_or_else(|| format_offset(ob), |z| format!("{} {}", t.zone_name(z), format_offset(ob)));
                let vars = [
                    ("first", first.as_str()),
                    ("second", &text[b.span.clone()]),
                    ("expected", want.as_str()),
                    ("zone", zone_b.as_str()),
                ];
                out.report(doc.file, seg.source_range(b.span.clone()), &vars)
                    .primary_label(format!("{} would be {want} in {zone_b}", &text[a.span.clone()]))
                    .label(doc.file, seg.source_range(a.span.clone()), "paired with this time");
            }
        }
        out.count("paired times checked", pairs);
        out.count("local-time mentions checked", local_checked);
    }

    fn abbreviations(&self, doc: &Document, out: &mut Output<'_>) {
        let t = &LazyTable(self);
        let mut lazy_base: Option<Option<DocDate>> = None;
        let mut n = 0;
        let times = doc_times(doc);
        let features_part = clock_features(doc);
        // Indexed once per segment: deref once, not through the shared part every time.
        let features: &[Features] = &features_part;
        for (si, seg) in doc.segments.iter().enumerate() {
            let text = seg.text.as_str();
            if !features[si].any(Features::UPPER | Features::SHIJIAN | Features::DST) {
                continue;
            }
            let candidates: Vec<(TimeMention, Range<usize>, usize, i32)> = times
                .get(si, text)
                .iter()
                .filter_map(|m| {
                    let (zr, a) = mention_zone(t, text, m)?;
                    let (zone, stated) = (a.zone?, a.offset?);
                    Some((m.clone(), zr, zone, stated))
                })
                .collect();
            if candidates.is_empty() {
                continue;
            }
            let dates = clock::find_full_dates(text);
            for (m, zr, zone, stated) in candidates {
                // the mention's date: its own, the nearest full date in the segment, the document's
                let date = match (m.year, m.month, m.day) {
                    (Some(y), Some(mo), Some(d)) => Some((y, mo, d)),
                    _ => {
                        dates.iter().min_by_key(|d| d.0.start.abs_diff(m.span.start)).map(|d| (d.1, d.2, d.3)).or_else(
                            || lazy_base.get_or_insert_with(|| doc_date(doc)).map(|b| (b.year, b.month, b.day)),
                        )
                    }
                };
                let Some((y, mo, d)) = date else { continue };
                let Some(dt) = civil(y, mo, d, m.hour24(), m.minute) else { continue };
                let Some(actual) = t.offset_at(zone, dt) else { continue };
                n += 1;
                if actual == stated {
                    continue;
                }
                let word = &text[zr.clone()];
                let right = t.right_abbreviation(zone, actual, word.is_ascii());
                let date_s = format!("{y}-{mo:02}-{d:02}");
                let vars = [
                    ("abbr", word),
                    ("stated", &format_offset(stated)),
                    ("actual", &format_offset(actual)),
                    ("zone", t.zone_name(zone)),
                    ("date", date_s.as_str()),
                    ("right", right.as_deref().unwrap_or("")),
                ];
                let range = seg.source_range(zr.clone());
                let d = out.report(doc.file, range.clone(), &vars);
                d.primary_label(format!("{} on {date_s}", format_offset(actual)));
                if let Some(r) = right
                    && seg.is_verbatim(zr.clone())
                {
                    d.replace(range, r);
                }
            }
        }
        out.count("zone abbreviations checked", n);
    }

    fn day_parts(&self, doc: &Document, out: &mut Output<'_>) {
        let mut n = 0;
        let times = doc_times(doc);
        let features_part = clock_features(doc);
        // Indexed once per segment: deref once, not through the shared part every time.
        let features: &[Features] = &features_part;
        for (si, seg) in doc.segments.iter().enumerate() {
            // Only a time with a day part or a.m./p.m. is counted or checked.
            if !features[si].any(Features::DAY_PART) {
                continue;
            }
            let text = seg.text.as_str();
            for m in times.get(si, text) {
                let Some((_, dpr)) = &m.day_part else {
                    if m.pm.is_none() {
                        continue;
                    }
                    n += 1;
                    if m.day_part_conflict() {
                        let vars = [
                            ("part", "a.m./p.m."),
                            ("time", &text[m.time.clone()]),
                            ("mention", &text[m.span.clone()]),
                        ];
                        out.report(doc.file, seg.source_range(m.span.clone()), &vars)
                            .primary_label("a.m./p.m. with a 24-hour time");
                    }
                    continue;
                };
                n += 1;
                if !m.day_part_conflict() {
                    continue;
                }
                let vars =
                    [("part", &text[dpr.clone()]), ("time", &text[m.time.clone()]), ("mention", &text[m.span.clone()])];
                out.report(doc.file, seg.source_range(m.span.clone()), &vars)
                    .primary_label(format!("“{}” with a 24-hour time", &text[dpr.clone()]));
            }
        }
        out.count("day parts checked", n);
    }
}

impl ZoneTable {
    /// An abbreviation for `zone` at `offset` (the one to write instead of a wrong one).
    pub fn right_abbreviation(&self, zone: usize, offset: i32, ascii: bool) -> Option<String> {
        self.aliases_for(zone, offset)
            .into_iter()
            .find(|n| n.is_ascii() == ascii)
            .or_else(|| self.fixed_alias(offset).filter(|n| n.is_ascii() == ascii))
    }
}

impl Check for TimezoneCheck {
    fn check(&self, doc: &Document, out: &mut Output<'_>) {
        match self.finding {
            Finding::EventAfterReport => self.event_after_report(doc, out),
            Finding::PairedTimesDisagree => self.paired(doc, out),
            Finding::WrongAbbreviation => self.abbreviations(doc, out),
            Finding::DayPartMismatch => self.day_parts(doc, out),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::lint_with_rule;

    fn rule(finding: &str) -> String {
        format!(
            r#"
[[rule]]
id = "test/{finding}"
kind = "timezone"
severity = "warning"
message = "m"
description = "d"
why = "w"
finding = "{finding}"
"#
        )
    }

    const BLOG: &str = "（注：以下均为北京时间）\n\n2022年1月5日17:38\n\n据通讯社当地时间1月5日报道，当天15时左右，抗议者冲进阿克托别市政府大楼。\n\n1月5日17:02\n\n当地时间1月5日，阿拉木图发生集会。当天13时30分左右，人群冲击市政府。\n";

    #[test]
    fn event_after_its_entry() {
        let d = lint_with_rule(&rule("event-after-report"), "a.txt", BLOG);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(&BLOG[d[0].primary.range()], "当天15时左右");
        assert_eq!(&BLOG[d[0].labels[0].span.range()], "2022年1月5日17:38");
    }

    #[test]
    fn schedules_future_and_unknown_places_are_silent() {
        let src = "以下均为北京时间。\n\n2022年1月5日17:38\n\n当地时间1月5日，阿克托别每日23时至次日7时宵禁，措施持续至1月19日0时。总统将于当天16时讲话。\n\n2022年1月5日17:30\n\n当地时间1月5日，某地发生冲突。当天16时，人群散去。\n";
        assert!(lint_with_rule(&rule("event-after-report"), "a.txt", src).is_empty());
    }

    #[test]
    fn paired_times() {
        let src = "2022年3月9日，莫斯科发生地震，时间为北京时间10日8时（当地时间9日19时）。";
        let d = lint_with_rule(&rule("paired-times-disagree"), "a.txt", src);
        assert_eq!(d.len(), 1);
        let ok = "2022年3月9日，莫斯科发生地震，时间为北京时间10日8时（当地时间10日3时）。";
        assert!(lint_with_rule(&rule("paired-times-disagree"), "a.txt", ok).is_empty());
    }

    #[test]
    fn abbreviations_follow_dst() {
        let r = rule("wrong-abbreviation");
        assert_eq!(
            lint_with_rule(&r, "a.txt", "On July 4, 2024, the parade began at 10 a.m. EST in New York.").len(),
            1
        );
        assert!(
            lint_with_rule(&r, "a.txt", "On July 4, 2024, the parade began at 10 a.m. EDT in New York.").is_empty()
        );
        assert!(lint_with_rule(&r, "a.txt", "On January 4, 2024, the talks began at 10 a.m. EST.").is_empty());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]
        #[test]
        fn blog_like_text_never_panics(body in "[0-9:：时分点日月年当地时间北京莫斯科阿拉木图凌晨下午将至每日（）\n 2022-]{0,80}") {
            let src = format!("以下均为北京时间\n\n2022年1月5日17:38\n\n{body}\n\n1月5日17:02\n\n{body}");
            for f in ["event-after-report", "paired-times-disagree", "wrong-abbreviation", "day-part-mismatch"] {
                for d in lint_with_rule(&rule(f), "a.txt", &src) {
                    proptest::prop_assert!(src.get(d.primary.range()).is_some());
                }
            }
        }
    }

    #[test]
    fn clock_colons() {
        for (t, want) in
            [("17:38", true), ("1月5日17：38", true), ("新华社述评：", false), ("a:b", false), (":5", false)]
        {
            assert_eq!(super::has_clock_colon(t), want, "{t}");
        }
    }

    #[test]
    fn day_part_conflicts() {
        let r = rule("day-part-mismatch");
        assert_eq!(lint_with_rule(&r, "a.txt", "爆炸发生在凌晨15时。").len(), 1);
        assert!(lint_with_rule(&r, "a.txt", "爆炸发生在下午15时。").is_empty());
    }
}
