//! `weekday`: a date whose stated weekday is wrong, and dates that do not exist.

use std::sync::Arc;

use serde::Deserialize;

use super::timezone::date_features;
use super::{Check, DiagnosticExt, KindInfo, Output, RuleMeta, SpecInput, build_with};
use crate::document::Document;
use crate::text::chars::mostly_han;
use crate::text::clock::Features;
use crate::text::dates::{
    DateMention, Script, WeekdayStyle, civil_date, days_in_month, extract_dates, extract_dates_with,
};

pub static KIND: KindInfo = KindInfo {
    name: "weekday",
    summary: "a date whose stated weekday is wrong, or a date that does not exist (2月30日)",
    docs: include_str!("../../docs/checks/weekday.md"),
    build,
};

/// Keys of a `weekday` rule.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Spec {
    /// `"zh"` or `"en"`: which written forms this rule examines (numeric ISO dates go by the
    /// weekday's language, or by the paragraph's language when there is none).
    language: Language,
    /// `"wrong-weekday"` (default) or `"invalid-date"`.
    #[serde(default)]
    problem: Problem,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum Language {
    Zh,
    En,
}

#[derive(Debug, Default, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
enum Problem {
    #[default]
    WrongWeekday,
    InvalidDate,
}

struct WeekdayCheck {
    language: Language,
    problem: Problem,
}

fn build(meta: &RuleMeta, input: SpecInput<'_>) -> Result<Box<dyn Check>, super::SpecError> {
    build_with(meta, input, |_, spec: Spec| Ok(WeekdayCheck { language: spec.language, problem: spec.problem }))
}

/// Front-matter keys whose values are dates (RFC 2822 or ISO).
const DATE_KEYS: &[&str] = &["date", "pubdate", "published", "updated", "lastmod", "created", "modified"];

/// A date found in the document, mapped to source bytes.
struct Found {
    mention: DateMention,
    /// Source range of the date and of the stated weekday.
    date_src: std::ops::Range<usize>,
    weekday_src: Option<std::ops::Range<usize>>,
    /// Whether a fix may rewrite the weekday's source bytes.
    fixable: bool,
    /// Where the date's text is (copied only when a finding quotes it).
    date_text: DateText,
    han: bool,
}

/// The text of a found date: a byte range of a front-matter field's value or of a segment.
enum DateText {
    Front(usize, std::ops::Range<usize>),
    Body(usize, std::ops::Range<usize>),
}

impl Found {
    fn date_text<'d>(&self, doc: &'d Document) -> &'d str {
        match &self.date_text {
            DateText::Front(k, r) => doc
                .front_matter
                .as_ref()
                .and_then(|fm| fm.fields.get(*k))
                .and_then(|f| f.value.get(r.clone()))
                .unwrap_or_default(),
            DateText::Body(k, r) => doc.segments.get(*k).and_then(|s| s.text.get(r.clone())).unwrap_or_default(),
        }
    }
}

impl WeekdayCheck {
    fn language_of(&self, f: &Found) -> Language {
        match (f.mention.script, &f.mention.weekday) {
            (Script::Zh, _) => Language::Zh,
            (Script::En, _) => Language::En,
            (Script::Numeric, Some(w)) => match w.style {
                WeekdayStyle::Xingqi | WeekdayStyle::Zhou | WeekdayStyle::Libai => Language::Zh,
                _ => Language::En,
            },
            (Script::Numeric, None) => {
                if f.han {
                    Language::Zh
                } else {
                    Language::En
                }
            }
        }
    }
}

fn collect(doc: &Document) -> (Vec<Found>, Vec<Found>) {
    let mut front = Vec::new();
    if let Some(fm) = &doc.front_matter {
        for (k, field) in fm.fields.iter().enumerate() {
            if !DATE_KEYS.contains(&field.key.to_ascii_lowercase().as_str()) {
                continue;
            }
            let verbatim = doc.source.get(field.range.clone()) == Some(field.value.as_str());
            for m in extract_dates(&field.value) {
                let map = |r: &std::ops::Range<usize>| {
                    if verbatim { field.range.start + r.start..field.range.start + r.end } else { field.range.clone() }
                };
                let date_text = DateText::Front(k, m.range.clone());
                front.push(Found {
                    date_src: map(&m.range),
                    weekday_src: m.weekday.as_ref().map(|w| map(&w.range)),
                    fixable: false,
                    date_text,
                    han: false,
                    mention: m,
                });
            }
        }
    }
    let mut body = Vec::new();
    let features = date_features(doc);
    let date_forms = Features::MONTH_ZH | Features::ISO | Features::MONTH_EN | Features::COMPACT;
    for (k, (seg, f)) in doc.segments.iter().zip(features.iter()).enumerate() {
        if !f.any(date_forms) {
            continue;
        }
        let text = seg.text.as_str();
        let mentions = extract_dates_with(text, *f);
        if mentions.is_empty() {
            continue;
        }
        // Only a numeric date without a weekday takes its language from the paragraph.
        let han = mentions.iter().any(|m| m.script == Script::Numeric && m.weekday.is_none()) && mostly_han(text);
        for m in mentions {
            let fixable = m.weekday.as_ref().is_some_and(|w| seg.is_verbatim(w.range.clone()));
            body.push(Found {
                date_src: seg.source_range(m.range.clone()),
                weekday_src: m.weekday.as_ref().map(|w| seg.source_range(w.range.clone())),
                fixable,
                date_text: DateText::Body(k, m.range.clone()),
                han,
                mention: m,
            });
        }
    }
    (front, body)
}

/// The year a yearless date gets: from the nearest earlier full date, else the front matter's
/// date. Returns the year and where it came from.
fn context_year(body: &[Found], index: usize, front: &[Found]) -> Option<(i32, u8, std::ops::Range<usize>)> {
    body[..index]
        .iter()
        .rev()
        .chain(front.iter())
        .find_map(|f| f.mention.year.map(|y| (y, f.mention.month, f.date_src.clone())))
}

type Collected = (Vec<Found>, Vec<Found>);

/// The document's dates, shared by every rule of the kind: extraction happens once per
/// document, not per rule.
fn collect_cached(doc: &Document) -> Arc<Collected> {
    doc.shared(|| collect(doc))
}

/// The year a yearless date may belong to instead of its context's, when the context lies at the
/// other end of the year (a January date after a December dateline, or the other way round).
fn adjacent_year(context_year: i32, context_month: u8, month: u8) -> Option<i32> {
    if context_month >= 10 && month <= 3 {
        Some(context_year + 1)
    } else if context_month <= 3 && month >= 10 {
        Some(context_year - 1)
    } else {
        None
    }
}

impl Check for WeekdayCheck {
    fn check(&self, doc: &Document, out: &mut Output<'_>) {
        let collected = collect_cached(doc);
        let (front, body) = (&collected.0, &collected.1);
        let all = front.iter().map(|f| (f, true)).chain(body.iter().map(|f| (f, false)));
        let mut body_index = 0usize;
        for (f, in_front) in all {
            let idx = body_index;
            if !in_front {
                body_index += 1;
            }
            let m = &f.mention;
            if m.context_only || self.language_of(f) != self.language {
                continue;
            }
            if self.problem == Problem::WrongWeekday {
                out.count("dates", 1);
            }
            let inferred = if m.year.is_some() || in_front { None } else { context_year(body, idx, front) };
            let year = m.year.or(inferred.as_ref().map(|c| c.0));
            match self.problem {
                Problem::InvalidDate => {
                    let Some(days) = days_in_month(year, m.month) else { continue };
                    if m.day <= days {
                        continue;
                    }
                    // 2月29日 after a December 2023 dateline may well be in 2024.
                    if let Some((cy, cm, _)) = &inferred
                        && adjacent_year(*cy, *cm, m.month).and_then(|o| civil_date(o, m.month, m.day)).is_some()
                    {
                        continue;
                    }
                    let month_name = crate::text::dates::MONTH_NAMES[usize::from(m.month - 1)];
                    let month = match year {
                        Some(y) if m.month == 2 => format!("{month_name} {y}"),
                        _ => month_name.to_string(),
                    };
                    let days = days.to_string();
                    out.report(
                        doc.file,
                        f.date_src.clone(),
                        &[("date", f.date_text(doc)), ("month", &month), ("days", &days)],
                    )
                    .primary_label(format!("{month} has {days} days"));
                }
                Problem::WrongWeekday => {
                    let (Some(stated), Some(wsrc)) = (&m.weekday, &f.weekday_src) else { continue };
                    out.count("dates with a weekday", 1);
                    let Some(y) = year else {
                        out.count("weekdays without a year", 1);
                        continue;
                    };
                    let Some(date) = civil_date(y, m.month, m.day) else { continue };
                    let actual = date.weekday();
                    if actual == stated.weekday {
                        continue;
                    }
                    // A yearless date may lie across a new year from its context (December
                    // context, January date): accept the stated weekday if the next (or previous)
                    // year fits.
                    if let Some((cy, cm, _)) = &inferred
                        && adjacent_year(*cy, *cm, m.month)
                            .and_then(|o| civil_date(o, m.month, m.day))
                            .is_some_and(|d| d.weekday() == stated.weekday)
                    {
                        continue;
                    }
                    let stated_text = stated.style.render(stated.weekday);
                    let actual_text = stated.style.render(actual);
                    let year_text = y.to_string();
                    let d = out.report(
                        doc.file,
                        wsrc.clone(),
                        &[
                            ("date", f.date_text(doc)),
                            ("stated", &stated_text),
                            ("actual", &actual_text),
                            ("year", &year_text),
                        ],
                    );
                    d.primary_label(if inferred.is_some() {
                        format!("{} ({y}) is a {actual_text}", f.date_text(doc))
                    } else {
                        format!("{} is a {actual_text}", f.date_text(doc))
                    });
                    if let Some((_, _, src)) = &inferred {
                        d.label(doc.file, src.clone(), format!("the year {y} is taken from this date"));
                    }
                    if f.fixable {
                        d.replace(wsrc.clone(), actual_text);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::lint_with_rule;

    const ZH: &str = r#"
[[rule]]
id = "zh/wrong-weekday"
kind = "weekday"
severity = "warning"
message = "{date} is a {actual}, not {stated}"
description = "d"
why = "w"
language = "zh"

[[rule]]
id = "zh/invalid-date"
kind = "weekday"
severity = "warning"
message = "{date} does not exist: {month} has {days} days"
description = "d"
why = "w"
language = "zh"
problem = "invalid-date"
"#;

    const EN: &str = r#"
[[rule]]
id = "en/wrong-weekday"
kind = "weekday"
severity = "warning"
message = "{date} is a {actual}, not {stated}"
description = "d"
why = "w"
language = "en"

[[rule]]
id = "en/invalid-date"
kind = "weekday"
severity = "warning"
message = "{date} does not exist: {month} has {days} days"
description = "d"
why = "w"
language = "en"
problem = "invalid-date"
"#;

    #[test]
    fn wrong_chinese_weekday_with_fix() {
        let src = "2022年1月6日（星期五），会议召开。";
        let d = lint_with_rule(ZH, "a.txt", src);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(&src[d[0].primary.range()], "星期五");
        assert_eq!(d[0].message, "2022年1月6日 is a 星期四, not 星期五");
        assert_eq!(d[0].fix.as_ref().unwrap().replacements[0].text, "星期四");
        assert!(lint_with_rule(ZH, "a.txt", "2022年1月6日（星期四），会议召开。").is_empty());
    }

    #[test]
    fn year_from_an_earlier_date_or_front_matter_never_the_clock() {
        let src = "2022年1月3日，通知发布。1月6日周五开会。";
        let d = lint_with_rule(ZH, "a.txt", src);
        assert_eq!(d.len(), 1);
        assert_eq!(&src[d[0].primary.range()], "周五");
        assert_eq!(d[0].labels.len(), 1);
        assert!(lint_with_rule(ZH, "a.txt", "1月6日周五开会。").is_empty());
        let md = "---\ndate: 2022-01-03\n---\n\n1月6日周五开会。\n";
        assert_eq!(lint_with_rule(ZH, "a.md", md).len(), 1);
    }

    #[test]
    fn year_crossing_is_accepted() {
        // December context, January date with the weekday of the next year.
        let src = "2021年12月28日通知：2022年元旦后，1月6日（星期四）复工。";
        assert!(lint_with_rule(ZH, "a.txt", src).is_empty());
        let src = "2021年12月28日通知：1月6日（星期四）复工。";
        assert!(lint_with_rule(ZH, "a.txt", src).is_empty());
    }

    #[test]
    fn invalid_dates() {
        let d = lint_with_rule(ZH, "a.txt", "活动于2月30日举行，4月31日结束。");
        assert_eq!(d.len(), 2);
        assert!(lint_with_rule(ZH, "a.txt", "农历二月三十日").is_empty());
        assert!(lint_with_rule(ZH, "a.txt", "2月29日").is_empty());
        assert_eq!(lint_with_rule(ZH, "a.txt", "2022年2月29日").len(), 1);
        assert_eq!(lint_with_rule(ZH, "a.txt", "2023年3月1日通知：2月29日截止。").len(), 1);
        assert!(lint_with_rule(ZH, "a.txt", "2023年12月1日通知：2月29日截止。").is_empty());
        let d = lint_with_rule(EN, "a.txt", "The vote is on February 30.");
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("February has 29 days"), "{}", d[0].message);
    }

    #[test]
    fn a_month_written_as_an_entity_is_still_found() {
        // 月 only in the decoded text, not in the source.
        assert_eq!(lint_with_rule(ZH, "a.md", "活动于2&#26376;30日举行。\n").len(), 1);
        assert_eq!(lint_with_rule(ZH, "a.md", "活动于2月30日举行。\n").len(), 1);
    }

    #[test]
    fn english_forms_and_rfc_2822_in_front_matter() {
        let src = "It opened on Friday, January 6, 2022.";
        let d = lint_with_rule(EN, "a.txt", src);
        assert_eq!(d.len(), 1);
        assert_eq!(&src[d[0].primary.range()], "Friday");
        assert_eq!(d[0].fix.as_ref().unwrap().replacements[0].text, "Thursday");
        let md = "---\ndate: Fri, 06 Jan 2022 09:29:36 GMT\n---\n\nText.\n";
        let d = lint_with_rule(EN, "a.md", md);
        assert_eq!(d.len(), 1);
        assert_eq!(&md[d[0].primary.range()], "Fri");
        assert!(d[0].fix.is_none());
        assert!(lint_with_rule(EN, "a.txt", "It opened on Friday 7 January.").is_empty());
        // Chinese rules leave English dates alone and the other way round.
        assert!(lint_with_rule(ZH, "a.txt", src).is_empty());
        assert!(lint_with_rule(EN, "a.txt", "2022年1月6日（星期五）").is_empty());
    }
}
