//! `conversion`: converted amounts that disagree with each other, with the range they
//! convert, with their own shape, with a fixed unit factor or with a reference rate.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use serde::Deserialize;

use super::{Check, DiagnosticExt, Gathered, KindInfo, Output, RuleMeta, SpecError, SpecInput, build_with};
use crate::diagnostic::FileId;
use crate::document::Document;
use crate::text::numbers::{Approx, Number, Quantity};
use crate::text::units::{Amount, RawConversion, find_conversions, table};

pub static KIND: KindInfo = KindInfo {
    name: "conversion",
    summary: "a converted amount that disagrees with other conversions, its range, its shape, a unit factor or a reference rate",
    docs: include_str!("../../docs/checks/conversion.md"),
    build,
};

/// Which comparison a rule makes.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
enum Test {
    /// Every conversion between two currencies against the largest consistent group.
    CurrencyRate,
    /// A range converted into a range must keep its ratio.
    RangeRatio,
    /// A single amount converted into a range, or a range into a single amount.
    PointToRange,
    /// A unit conversion against the unit's fixed factor.
    UnitFactor,
    /// A currency conversion against a dated rate given in the rule.
    ReferenceRate,
}

#[derive(Debug, Default, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum Scope {
    #[default]
    Document,
    Run,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RateSpec {
    from: String,
    to: String,
    rate: f64,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    tolerance: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Spec {
    #[serde(default)]
    test: Option<Test>,
    #[serde(default)]
    scope: Scope,
    #[serde(default = "default_tolerance")]
    tolerance: f64,
    #[serde(default)]
    rate: Vec<RateSpec>,
    #[serde(default = "default_window")]
    window_days: i64,
}

fn default_tolerance() -> f64 {
    0.02
}

fn default_window() -> i64 {
    31
}

struct Rate {
    from: usize,
    to: usize,
    rate: f64,
    date: Option<jiff::civil::Date>,
    date_text: String,
    tolerance: f64,
}

struct ConversionCheck {
    test: Test,
    scope: Scope,
    tolerance: f64,
    rates: Vec<Rate>,
    window_days: i64,
}

fn build(meta: &RuleMeta, input: SpecInput<'_>) -> Result<Box<dyn Check>, SpecError> {
    build_with(meta, input, |meta, spec: Spec| {
        // Without `test`, the rule id's last part names it (conversion/range-ratio), else the
        // rate consensus.
        let test = spec.test.unwrap_or_else(|| {
            let last = meta.id.rsplit('/').next().unwrap_or("");
            Test::deserialize(serde::de::value::StrDeserializer::<serde::de::value::Error>::new(last))
                .unwrap_or(Test::CurrencyRate)
        });
        if !(0.0..1.0).contains(&spec.tolerance) {
            return Err(SpecError { message: "`tolerance` must be at least 0 and below 1".into(), span: None });
        }
        let t = table();
        let mut rates = Vec::new();
        for r in &spec.rate {
            let unit = |id: &str| {
                t.find(id)
                    .filter(|&u| t.unit(u).is_money())
                    .ok_or_else(|| SpecError { message: format!("unknown currency `{id}` in `rate`"), span: None })
            };
            let date = match &r.date {
                Some(d) => Some(
                    d.parse::<jiff::civil::Date>()
                        .map_err(|e| SpecError { message: format!("`date` must be YYYY-MM-DD: {e}"), span: None })?,
                ),
                None => None,
            };
            if r.rate.is_nan() || r.rate <= 0.0 {
                return Err(SpecError { message: "`rate` must be positive".into(), span: None });
            }
            rates.push(Rate {
                from: unit(&r.from)?,
                to: unit(&r.to)?,
                rate: r.rate,
                date,
                date_text: r.date.clone().unwrap_or_default(),
                tolerance: r.tolerance.unwrap_or(spec.tolerance),
            });
        }
        if test == Test::ReferenceRate && rates.is_empty() {
            return Err(SpecError {
                message: "a `reference-rate` rule needs `[[rule.rate]]` tables".into(),
                span: None,
            });
        }
        Ok(ConversionCheck { test, scope: spec.scope, tolerance: spec.tolerance, rates, window_days: spec.window_days })
    })
}

/// One end of an amount: value and the interval it stands for.
#[derive(Clone, Debug)]
struct End {
    value: f64,
    lo: f64,
    hi: f64,
}

/// One side of a conversion.
#[derive(Clone, Debug)]
struct Side {
    unit: usize,
    ends: Vec<End>,
    /// Source bytes of the amount.
    span: Range<usize>,
    text: String,
    unit_text: String,
    /// The magnitude of the last figure and how it is written ("m", " million", "亿").
    mag: f64,
    mag_text: String,
}

impl Side {
    /// Values written the way this side writes its figures: `£10.3m`, `1.76 元`.
    fn write(&self, values: &[f64], other: &Side) -> String {
        // The magnitude of this side, else of the other side, whichever reads naturally.
        let fits = |m: f64| values.iter().all(|&v| (0.1..10_000.0).contains(&(v.abs() / m)));
        let (mag, text) = [(self.mag, &self.mag_text), (other.mag, &other.mag_text)]
            .into_iter()
            .find(|(m, _)| *m > 1.0 && fits(*m))
            .unwrap_or((1.0, &self.mag_text));
        with_unit(values, &self.unit_text, mag, if mag > 1.0 { text } else { "" })
    }
}

/// An amount and its conversion, as found in one document.
#[derive(Clone, Debug)]
struct Conv {
    file: FileId,
    from: Side,
    to: Side,
    /// The source side is a change (由60坚戈提高到120坚戈) rather than a written range.
    change: bool,
    /// The second of two conversions at the ends of a change (由60坚戈（…）涨到120坚戈（…）).
    change_end: bool,
}

impl Conv {
    fn is_money(&self) -> bool {
        table().unit(self.from.unit).is_money()
    }

    /// Pairs of (from end, to end) that stand for the same amount.
    fn pairs(&self) -> Vec<(&End, &End)> {
        let (f, t) = (&self.from.ends, &self.to.ends);
        match (f.len(), t.len()) {
            (2, 2) => vec![(&f[0], &t[0]), (&f[1], &t[1])],
            (2, _) => vec![(&f[0], &t[0]), (&f[1], &t[0])],
            (_, 2) => vec![(&f[0], &t[0]), (&f[0], &t[1])],
            _ => vec![(&f[0], &t[0])],
        }
    }

    /// The rate interval (to per from) of each pair.
    fn pair_rates(&self) -> Vec<(f64, f64)> {
        self.pairs()
            .into_iter()
            .filter(|(f, _)| f.lo > 0.0 && f.hi > 0.0)
            .map(|(f, t)| (t.lo / f.hi, t.hi / f.lo))
            .collect()
    }

    /// The stated rates (values divided), lowest and highest.
    fn stated_rates(&self) -> (f64, f64) {
        let rs: Vec<f64> =
            self.pairs().into_iter().filter(|(f, _)| f.value > 0.0).map(|(f, t)| t.value / f.value).collect();
        let lo = rs.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = rs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        (lo, hi)
    }

    /// One rate interval for the whole conversion: the pairs' intersection when they agree,
    /// else their hull (a range that contradicts itself is the range-ratio rule's business).
    fn rate(&self, tol: f64) -> Option<(f64, f64)> {
        let rs = self.pair_rates();
        let lo = rs.iter().map(|r| r.0).fold(f64::NEG_INFINITY, f64::max);
        let hi = rs.iter().map(|r| r.1).fold(f64::INFINITY, f64::min);
        if rs.is_empty() {
            return None;
        }
        if lo <= hi * (1.0 + tol) {
            return Some((lo.min(hi), hi.max(lo)));
        }
        let lo = rs.iter().map(|r| r.0).fold(f64::INFINITY, f64::min);
        let hi = rs.iter().map(|r| r.1).fold(f64::NEG_INFINITY, f64::max);
        Some((lo, hi))
    }
}

/// Three significant figures, keeping trailing zeros (0.0140).
fn sig(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return "0".into();
    }
    let mag = x.abs().log10().floor() as i32;
    let decimals = (2 - mag).max(0) as usize;
    if decimals == 0 {
        let p = 10f64.powi(mag - 2);
        return format!("{}", (x / p).round() * p);
    }
    format!("{x:.decimals$}")
}

/// `value` with its unit as written: "$27.2", "1.76 元", "19,700 feet".
fn with_unit(values: &[f64], unit: &str, mag: f64, mag_text: &str) -> String {
    let prefix = unit.ends_with('$') || unit.chars().all(|c| !c.is_alphabetic());
    let v: Vec<String> = values
        .iter()
        .map(|&x| {
            let n = format!("{}{mag_text}", group(sig(x / mag)));
            if prefix { format!("{unit}{n}") } else { n }
        })
        .collect();
    let v = v.join("–");
    if prefix { v } else { format!("{v} {unit}") }
}

/// Thousands separators for a plain number string.
fn group(s: String) -> String {
    let (int, frac) = s.split_once('.').map_or((s.as_str(), None), |(a, b)| (a, Some(b)));
    let (sign, digits) = int.strip_prefix('-').map_or(("", int), |d| ("-", d));
    if digits.len() <= 4 {
        return s;
    }
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{out}.{f}"),
        None => format!("{sign}{out}"),
    }
}

fn span_of(lo: f64, hi: f64) -> String {
    let (a, b) = (sig(lo), sig(hi));
    if a == b { a } else { format!("{a}–{b}") }
}

/// The conversions of a document, and whether they were extracted just now. Every rule of the
/// kind reads the same document, so extraction runs once per document.
fn conversions(doc: &Document) -> (Arc<Vec<Conv>>, bool) {
    let mut made = false;
    let v = doc.shared(|| {
        made = true;
        extract(doc)
    });
    (v, made)
}

fn ends_of(q: &Quantity, approx: Approx, target: bool) -> Vec<End> {
    q.ends()
        .map(|n: &Number| {
            let a = if approx == Approx::Exact { n.approx } else { approx };
            let (mut lo, mut hi) = crate::text::numbers::widen(n, a);
            if !target && a == Approx::Exact && n.is_plain_integer() {
                // The original amount is usually exact; its conversion is what gets rounded.
                lo = n.value * (1.0 - 1e-3);
                hi = n.value * (1.0 + 1e-3);
            }
            if target && n.decimals == 0 && n.trailing_zeros > 0 {
                // 12,000 may be 11,700 rounded to the thousand; at most 5% either way.
                let half = (0.5 * 10f64.powi(i32::from(n.trailing_zeros)) * n.magnitude).min(n.value.abs() * 0.05);
                lo = lo.min(n.value - half);
                hi = hi.max(n.value + half);
            }
            End { value: n.value, lo, hi }
        })
        .collect()
}

fn side(seg: &crate::document::Segment, a: &Amount, unit: usize, target: bool) -> Side {
    let last = a.quantity.high.as_ref().unwrap_or(&a.quantity.low);
    let written = seg.text.get(last.span.clone()).unwrap_or("");
    let digits = written.find(|c: char| !(c.is_ascii_digit() || ",.-−－".contains(c) || ('０'..='９').contains(&c)));
    let (mag, mag_text) = match digits {
        Some(i) if last.magnitude > 1.0 && !last.chinese => {
            (last.magnitude, written[i..].trim_end_matches(['余', '多']).to_string())
        }
        _ => (1.0, String::new()),
    };
    Side {
        mag,
        mag_text,
        unit,
        ends: ends_of(&a.quantity, a.approx, target),
        span: seg.source_range(a.span.clone()),
        text: seg.text[a.span.clone()].to_string(),
        unit_text: seg.text[a.unit_text.clone()].to_string(),
    }
}

/// Text between the two ends of a change: "提高到", "涨至", "to", with no figure in it.
fn is_change_gap(gap: &str) -> bool {
    let g = gap.trim();
    gap.len() <= 30
        && !gap.contains(|c: char| c.is_ascii_digit() || "，,。；;（()".contains(c))
        && (g.ends_with('到') || g.ends_with('至') || g.ends_with(" to") || g == "to")
}

/// Whether a change starts right before `pos` (由每升, 从, from).
fn starts_change(text: &str, pos: usize) -> bool {
    let Some(before) = text.get(..pos) else { return false };
    let tail: String = before.chars().rev().take(6).collect();
    tail.contains('由') || tail.contains('从') || tail.contains("morf")
}

/// A point amount `a` written as the end of a change from an earlier amount of the same unit
/// (由每升60坚戈提高到120坚戈, from 120 to 60 tenge): the earlier amount's index.
fn change_start(text: &str, amounts: &[Amount], idx: usize, unit: usize, sources: &[bool]) -> Option<usize> {
    let a = &amounts[idx];
    let p_idx = idx.checked_sub(1)?;
    let p = &amounts[p_idx];
    if p.quantity.is_range() || !p.units.contains(&unit) || sources[p_idx] {
        return None;
    }
    let gap = text.get(p.span.end..a.span.start)?;
    (is_change_gap(gap) && starts_change(text, p.quantity.hedge_start.min(p.span.start))).then_some(p_idx)
}

/// Two conversions at the two ends of a change (由60坚戈（约合0.88元）涨到120坚戈（约合1.47元）):
/// whether `second` is the later end of such a change begun by `first`.
fn change_pair(
    text: &str,
    amounts: &[Amount],
    first: (&RawConversion, &Conv),
    second: (&RawConversion, &Conv),
) -> bool {
    let ((r1, c1), (r2, c2)) = (first, second);
    if r2.from != r1.to + 1
        || (c1.from.unit, c1.to.unit) != (c2.from.unit, c2.to.unit)
        || c1.from.ends.len() != 1
        || c2.from.ends.len() != 1
        || c1.to.ends.len() != 1
        || c2.to.ends.len() != 1
    {
        return false;
    }
    let Some(gap) = text.get(amounts[r1.to].span.end..amounts[r2.from].span.start) else { return false };
    let gap = gap.trim_start().trim_start_matches([')', '）']);
    let a = &amounts[r1.from];
    is_change_gap(gap) && starts_change(text, a.quantity.hedge_start.min(a.span.start))
}

fn extract(doc: &Document) -> Vec<Conv> {
    let t = table();
    let mut out = Vec::new();
    // One search over all segments rules out those that cannot hold a conversion: nearly all.
    let texts: Vec<&str> = doc.segments.iter().map(|s| s.text.as_str()).collect();
    let candidates = t.conversion_candidates_joined(&texts, &doc.joined_segments());
    for (seg, _) in doc.segments.iter().zip(candidates).filter(|(_, candidate)| *candidate) {
        let text = seg.text.as_str();
        let (amounts, raws) = find_conversions(text);
        if raws.is_empty() {
            continue;
        }
        let mut sources = vec![false; amounts.len()];
        for r in &raws {
            sources[r.from] = true;
        }
        let mut prev: Option<(&RawConversion, Conv)> = None;
        for r in &raws {
            let (a, b) = (&amounts[r.from], &amounts[r.to]);
            let Some((ua, ub)) = a.units.iter().find_map(|&ua| {
                b.units.iter().find(|&&ub| ub != ua && t.unit(ub).dimension == t.unit(ua).dimension).map(|&ub| (ua, ub))
            }) else {
                continue;
            };
            let mut from = side(seg, a, ua, false);
            let to = side(seg, b, ub, true);
            let mut change = false;
            if !a.quantity.is_range()
                && b.quantity.is_range()
                && let Some(p) = change_start(text, &amounts, r.from, ua, &sources)
            {
                let first = side(seg, &amounts[p], ua, false);
                from.ends.insert(0, first.ends[0].clone());
                from.span = first.span.start..from.span.end;
                from.text = format!("{}→{}", first.text, from.text);
                change = true;
            }
            let mut conv = Conv { file: doc.file, from, to, change, change_end: false };
            if let Some((r1, c1)) = &prev
                && change_pair(text, &amounts, (r1, c1), (r, &conv))
            {
                conv.change_end = true;
            }
            out.push(conv.clone());
            prev = Some((r, conv));
        }
    }
    out
}

impl Check for ConversionCheck {
    fn check(&self, doc: &Document, out: &mut Output<'_>) {
        let (convs, fresh) = conversions(doc);
        if fresh {
            out.count("conversions parsed", convs.len() as u64);
        }
        if self.scope == Scope::Run && self.test == Test::CurrencyRate {
            return;
        }
        match self.test {
            Test::CurrencyRate => self.consensus(&convs.iter().collect::<Vec<_>>(), out, "here"),
            Test::RangeRatio => self.range_ratio(&convs, out),
            Test::PointToRange => self.shape(&convs, out),
            Test::UnitFactor => self.unit_factor(&convs, out),
            Test::ReferenceRate => self.reference(doc, &convs, out),
        }
    }

    fn gather(&self, doc: &Document) -> Option<Gathered> {
        if self.scope != Scope::Run || self.test != Test::CurrencyRate {
            return None;
        }
        let (convs, _) = conversions(doc);
        Some(Box::new(convs))
    }

    fn finish(&self, gathered: Vec<(FileId, Gathered)>, _sources: &[&str], out: &mut Output<'_>) {
        let all: Vec<Arc<Vec<Conv>>> =
            gathered.into_iter().filter_map(|(_, g)| g.downcast::<Arc<Vec<Conv>>>().ok().map(|b| *b)).collect();
        let refs: Vec<&Conv> = all.iter().flat_map(|v| v.iter()).collect();
        self.consensus(&refs, out, "in this run");
    }

    fn is_run_scope(&self) -> bool {
        self.scope == Scope::Run && self.test == Test::CurrencyRate
    }
}

/// A conversion with its rate interval in the pair's orientation.
type Member<'c> = (&'c Conv, (f64, f64));

impl ConversionCheck {
    fn consensus(&self, convs: &[&Conv], out: &mut Output<'_>, place: &str) {
        let tol = self.tolerance;
        // Currency pair (lower unit index first) → (conversion, rate in that orientation).
        let mut groups: BTreeMap<(usize, usize), Vec<Member<'_>>> = BTreeMap::new();
        for c in convs.iter().copied().filter(|c| c.is_money()) {
            let Some((lo, hi)) = c.rate(tol) else { continue };
            let (key, r) = if c.from.unit < c.to.unit {
                ((c.from.unit, c.to.unit), (lo, hi))
            } else {
                ((c.to.unit, c.from.unit), (1.0 / hi, 1.0 / lo))
            };
            if r.0.is_finite() && r.1.is_finite() && r.0 > 0.0 {
                groups.entry(key).or_default().push((c, r));
            }
        }
        for members in groups.values() {
            out.count("currency conversions compared", members.len() as u64);
            if members.len() < 2 {
                continue;
            }
            // Two that disagree cannot say which one is wrong, except the two ends of one
            // change: the first conversion sets the rate the reader carries to the second.
            let pair_of_change =
                members.len() == 2 && members[1].0.change_end && members[0].0.file == members[1].0.file;
            let best = match largest_consistent(members.iter().map(|m| m.1), tol) {
                Some(best) if best.len() >= 2 => best,
                None if pair_of_change => vec![0],
                _ => continue,
            };
            let lo = best.iter().map(|&i| members[i].1.0).fold(f64::NEG_INFINITY, f64::max);
            let hi = best.iter().map(|&i| members[i].1.1).fold(f64::INFINITY, f64::min);
            let mid = if lo <= hi { (lo + hi) / 2.0 } else { (lo * hi).sqrt() };
            for (i, (c, _)) in members.iter().enumerate() {
                if best.contains(&i) {
                    continue;
                }
                let canonical = c.from.unit < c.to.unit;
                let rate = if canonical { mid } else { 1.0 / mid };
                let (s_lo, s_hi) = c.stated_rates();
                let unit = format!("{}/{}", c.to.unit_text, c.from.unit_text);
                let values: Vec<f64> = c.from.ends.iter().map(|e| e.value * rate).collect();
                let expected = c.to.write(&values, &c.from);
                let off = ((s_lo * s_hi).sqrt() / rate).log10();
                let steps = (off / 3.0).round();
                let note = if steps != 0.0 && (off - steps * 3.0).abs() < 0.05 {
                    format!(
                        " (off by a factor of {}: is a magnitude such as m, bn or 万 missing or extra?)",
                        group(sig(10f64.powf(steps.abs() * 3.0)))
                    )
                } else {
                    String::new()
                };
                let others = if best.len() == 1 {
                    "the other conversion".to_string()
                } else {
                    format!("{} other conversions", best.len())
                };
                let imply = if best.len() == 1 { "implies" } else { "imply" };
                let stated = format!("{} → {}", c.from.text, c.to.text);
                let implied = span_of(s_lo, s_hi);
                let consensus = sig(rate);
                let vars = [
                    ("stated", stated.as_str()),
                    ("from", c.from.text.as_str()),
                    ("to", c.to.text.as_str()),
                    ("rate", implied.as_str()),
                    ("unit", unit.as_str()),
                    ("others", others.as_str()),
                    ("imply", imply),
                    ("place", place),
                    ("consensus", consensus.as_str()),
                    ("expected", expected.as_str()),
                    ("note", note.as_str()),
                ];
                let d = out.report(c.file, c.to.span.clone(), &vars);
                d.primary_label(format!("implies {implied} {unit}"));
                for &j in &best {
                    let o = members[j].0;
                    let (a, b) = o.stated_rates();
                    let r = if o.from.unit == c.from.unit { span_of(a, b) } else { span_of(1.0 / b, 1.0 / a) };
                    d.label(o.file, o.to.span.clone(), format!("{} → {} implies {r} {unit}", o.from.text, o.to.text));
                }
            }
        }
    }

    fn range_ratio(&self, convs: &[Conv], out: &mut Output<'_>) {
        for c in convs.iter().filter(|c| c.is_money() && c.from.ends.len() == 2 && c.to.ends.len() == 2) {
            out.count("converted ranges compared", 1);
            let rs = c.pair_rates();
            if rs.len() != 2 {
                continue;
            }
            let (a, b) = (rs[0], rs[1]);
            if a.0 <= b.1 * (1.0 + self.tolerance) && b.0 <= a.1 * (1.0 + self.tolerance) {
                continue;
            }
            let ratio = |s: &Side| format!("×{:.2}", s.ends[1].value / s.ends[0].value);
            let (rf, rt) = (ratio(&c.from), ratio(&c.to));
            let expected = c.to.write(
                &[c.to.ends[0].value, c.to.ends[0].value * c.from.ends[1].value / c.from.ends[0].value],
                &c.from,
            );
            let vars = [
                ("from", c.from.text.as_str()),
                ("to", c.to.text.as_str()),
                ("from_ratio", rf.as_str()),
                ("to_ratio", rt.as_str()),
                ("expected", expected.as_str()),
            ];
            out.report(c.file, c.to.span.clone(), &vars).primary_label(format!("{rt} here")).label(
                c.file,
                c.from.span.clone(),
                if c.change { format!("a change of {rf}") } else { format!("{rf} here") },
            );
        }
    }

    fn shape(&self, convs: &[Conv], out: &mut Output<'_>) {
        for c in convs {
            let (f, t) = (c.from.ends.len(), c.to.ends.len());
            out.count("conversion shapes checked", 1);
            let problem = match (f, t) {
                (1, 2) => "a single amount is converted into a range",
                (2, 1) => "a range is converted into a single amount",
                _ => continue,
            };
            let vars = [("from", c.from.text.as_str()), ("to", c.to.text.as_str()), ("problem", problem)];
            out.report(c.file, c.to.span.clone(), &vars)
                .primary_label(if t == 2 { "a range" } else { "a single amount" })
                .label(c.file, c.from.span.clone(), if f == 2 { "a range" } else { "a single amount" });
        }
    }

    fn unit_factor(&self, convs: &[Conv], out: &mut Output<'_>) {
        let t = table();
        for c in convs.iter().filter(|c| !c.is_money()) {
            out.count("unit conversions checked", 1);
            let (uf, ut) = (t.unit(c.from.unit), t.unit(c.to.unit));
            let mut bad = false;
            for (f, to) in c.pairs() {
                let (e1, e2) = (uf.convert(f.lo, ut), uf.convert(f.hi, ut));
                let (elo, ehi) = (e1.min(e2), e1.max(e2));
                let slack = self.tolerance * ((elo.abs() + ehi.abs()) / 2.0).max(1.0);
                if to.lo > ehi + slack || to.hi < elo - slack {
                    bad = true;
                }
            }
            if !bad {
                continue;
            }
            let values: Vec<f64> = c.from.ends.iter().map(|e| uf.convert(e.value, ut)).collect();
            let expected = c.to.write(&values, &c.from);
            let vars = [("from", c.from.text.as_str()), ("to", c.to.text.as_str()), ("expected", expected.as_str())];
            out.report(c.file, c.to.span.clone(), &vars).primary_label(format!("{} is about {expected}", c.from.text));
        }
    }

    fn reference(&self, doc: &Document, convs: &[Conv], out: &mut Output<'_>) {
        let doc_date = doc
            .front_matter_value("date")
            .and_then(|f| f.value.get(..10).and_then(|d| d.parse::<jiff::civil::Date>().ok()));
        for c in convs.iter().filter(|c| c.is_money()) {
            for r in &self.rates {
                let forward = (c.from.unit, c.to.unit) == (r.from, r.to);
                if !forward && (c.from.unit, c.to.unit) != (r.to, r.from) {
                    continue;
                }
                if let (Some(rd), Some(dd)) = (r.date, doc_date)
                    && let Ok(span) = rd.until(dd)
                    && span.get_days().abs() > self.window_days as i32
                {
                    continue;
                }
                let Some((lo, hi)) = c.rate(self.tolerance) else { continue };
                out.count("conversions checked against reference rates", 1);
                let reference = if forward { r.rate } else { 1.0 / r.rate };
                if lo <= reference * (1.0 + r.tolerance) && reference * (1.0 - r.tolerance) <= hi {
                    continue;
                }
                let (s_lo, s_hi) = c.stated_rates();
                let implied = span_of(s_lo, s_hi);
                let unit = format!("{}/{}", c.to.unit_text, c.from.unit_text);
                let refs = sig(reference);
                let values: Vec<f64> = c.from.ends.iter().map(|e| e.value * reference).collect();
                let expected = c.to.write(&values, &c.from);
                let date = if r.date_text.is_empty() { "the reference date".to_string() } else { r.date_text.clone() };
                let vars = [
                    ("from", c.from.text.as_str()),
                    ("to", c.to.text.as_str()),
                    ("rate", implied.as_str()),
                    ("unit", unit.as_str()),
                    ("reference", refs.as_str()),
                    ("date", date.as_str()),
                    ("expected", expected.as_str()),
                ];
                out.report(c.file, c.to.span.clone(), &vars).primary_label(format!("implies {implied} {unit}"));
            }
        }
    }
}

/// The indexes of the largest set of intervals that meet within `tol` (a relative widening of
/// each upper end), by a sweep over sorted endpoints. `None` when two different sets tie.
fn largest_consistent(intervals: impl Iterator<Item = (f64, f64)>, tol: f64) -> Option<Vec<usize>> {
    let iv: Vec<(f64, f64)> = intervals.map(|(lo, hi)| (lo, hi * (1.0 + tol))).collect();
    // Events: (position, 0 = opens / 1 = closes, index); opens sort first at a tie (closed ends).
    let mut events: Vec<(f64, u8, usize)> = Vec::with_capacity(iv.len() * 2);
    for (i, &(lo, hi)) in iv.iter().enumerate() {
        events.push((lo, 0, i));
        events.push((hi, 1, i));
    }
    events.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let (mut count, mut best, mut best_at, mut tie) = (0usize, 0usize, f64::NAN, false);
    let mut rising = false;
    for &(x, kind, _) in &events {
        if kind == 0 {
            count += 1;
            rising = true;
        } else {
            if rising {
                // A local peak: the set open just before this close.
                if count > best {
                    best = count;
                    best_at = x;
                    tie = false;
                } else if count == best {
                    tie = true;
                }
            }
            rising = false;
            count -= 1;
        }
    }
    if tie || best == 0 {
        return None;
    }
    Some((0..iv.len()).filter(|&i| iv[i].0 <= best_at && best_at <= iv[i].1).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{lint_run_with_rule, lint_with_rule};

    fn rule(test: &str, extra: &str) -> String {
        format!(
            r#"
[[rule]]
id = "test/{test}"
kind = "conversion"
severity = "warning"
message = "{{from}} → {{to}}: {{rate}} {{unit}} vs {{consensus}}; {{expected}} {{problem}} {{from_ratio}} {{to_ratio}}"
description = "d"
why = "w"
test = "{test}"
{extra}
"#
        )
    }

    const SEED_003: &str = "价格由每升60坚戈(约合人民币0.88元)提高到120坚戈(约合人民币1.47元到1.68元)。\n\n\
        3日，价格降至85坚戈至90坚戈(约合人民币1.25元至1.32元)每升。4日降至50坚戈(0.735元)每升。\n";

    const SEED_000: &str = "在该州，价格由每升60坚戈提高到120坚戈（约合人民币1.47元到1.68元）。\n";

    #[test]
    fn consensus_flags_the_odd_conversion_only() {
        let diags = lint_with_rule(&rule("currency-rate", ""), "a.md", SEED_003);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(&SEED_003[diags[0].primary.range()], "人民币1.47元到1.68元");
        assert!(diags[0].message.contains("0.0147"), "{}", diags[0].message);
        assert_eq!(diags[0].labels.len(), 3);
    }

    #[test]
    fn ratio_of_two_converted_ends() {
        let r = rule("currency-rate", "");
        let src = "票价由60坚戈（约合0.88元）涨到120坚戈（约合1.47元）。";
        let d = lint_with_rule(&r, "a.md", src);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(&src[d[0].primary.range()], "1.47元");
        assert!(lint_with_rule(&r, "a.md", "票价由60坚戈（约合0.88元）涨到120坚戈（约合1.76元）。").is_empty());
        assert!(lint_with_rule(&r, "a.md", "票价60坚戈（约合0.88元），另一种120坚戈（约合1.47元）。").is_empty());
    }

    #[test]
    fn shape_and_ratio_on_the_change() {
        let d = lint_with_rule(&rule("range-ratio", ""), "a.md", SEED_000);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("×2.00") && d[0].message.contains("×1.14"), "{}", d[0].message);
        assert!(lint_with_rule(&rule("point-to-range", ""), "a.md", SEED_000).is_empty());
        let d = lint_with_rule(&rule("point-to-range", ""), "a.md", SEED_003);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(&SEED_003[d[0].primary.range()], "人民币1.47元到1.68元");
    }

    #[test]
    fn unit_factor() {
        let r = rule("unit-factor", "");
        assert!(lint_with_rule(&r, "a.txt", "The road is 100 km (62 miles) long.").is_empty());
        assert!(lint_with_rule(&r, "a.txt", "The road is 100 km (60 miles) long.").is_empty());
        assert_eq!(lint_with_rule(&r, "a.txt", "The road is 100 km (72 miles) long.").len(), 1);
        assert!(lint_with_rule(&r, "a.txt", "气温达到30℃（86°F）。").is_empty());
        assert_eq!(lint_with_rule(&r, "a.txt", "气温达到30℃（96°F）。").len(), 1);
    }

    #[test]
    fn reference_rate_and_run_scope() {
        let r =
            rule("reference-rate", "[[rule.rate]]\nfrom = \"KZT\"\nto = \"CNY\"\nrate = 0.0147\ndate = \"2022-01-05\"");
        let d = lint_with_rule(&r, "a.md", SEED_003);
        assert_eq!(d.len(), 1, "{d:?}");
        let r = rule("currency-rate", "scope = \"run\"");
        let rep = lint_run_with_rule(
            &r,
            &[
                ("a.md", "票价60坚戈（约合0.88元）。"),
                ("b.md", "票价50坚戈（约合0.735元）。"),
                ("c.md", "票价120坚戈（约合1.47元）。"),
            ],
        );
        assert_eq!(rep.diagnostics.len(), 1, "{:?}", rep.diagnostics);
    }

    #[test]
    fn contract_example_rule_without_test_key() {
        let r = r#"
[[rule]]
id = "conversion/currency-rate"
kind = "conversion"
severity = "error"
message = "{stated} implies {rate}; other conversions here imply {consensus}"
description = "d"
why = "w"
scope = "document"
tolerance = 0.02
"#;
        let src = "票价由60坚戈（约合0.88元）涨到120坚戈（约合1.47元）。";
        let d = lint_with_rule(r, "a.txt", src);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(&src[d[0].primary.range()], "1.47元");
        assert!(lint_with_rule(r, "a.txt", "票价由60坚戈（约合0.88元）涨到120坚戈（约合1.76元）。").is_empty());
    }

    #[test]
    fn sweep_finds_largest_group() {
        let g = largest_consistent([(1.0, 2.0), (1.5, 2.5), (3.0, 4.0)].into_iter(), 0.0).unwrap();
        assert_eq!(g, vec![0, 1]);
        assert!(largest_consistent([(1.0, 2.0), (3.0, 4.0)].into_iter(), 0.0).is_none());
    }

    #[test]
    fn sig_figures() {
        assert_eq!(sig(0.014), "0.0140");
        assert_eq!(sig(1.764), "1.76");
        assert_eq!(sig(12345.0), "12300");
        assert_eq!(with_unit(&[27.2], "$", 1.0, ""), "$27.2");
        assert_eq!(with_unit(&[320000000.0], "元", 1.0, ""), "320,000,000 元");
        assert_eq!(with_unit(&[10.3e6], "£", 1e6, "m"), "£10.3m");
    }
}
