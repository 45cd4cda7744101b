//! `timeline`: timestamped entries out of order (the majority direction of a live blog sets
//! the order), and a document whose front-matter date is earlier than a past event it reports.

use serde::Deserialize;

use super::timezone::{date_features, doc_year, entries, front_matter_date, may_hold_full_date};
use super::{Check, DiagnosticExt, KindInfo, Output, RuleMeta, SpecError, SpecInput, build_with};
use crate::document::Document;
use crate::text::clock;

pub static KIND: KindInfo = KindInfo {
    name: "timeline",
    summary: "timestamped entries out of order; an article dated before an event it reports",
    docs: include_str!("../../docs/checks/timeline.md"),
    build,
};

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
enum Finding {
    EntriesOutOfOrder,
    EventAfterPublication,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Spec {
    /// The problem this rule reports.
    finding: Finding,
    /// Fewest timestamped entries before their order is judged. Default 3.
    #[serde(default = "default_min_entries")]
    min_entries: usize,
}

fn default_min_entries() -> usize {
    3
}

struct TimelineCheck {
    finding: Finding,
    min_entries: usize,
}

fn build(meta: &RuleMeta, input: SpecInput<'_>) -> Result<Box<dyn Check>, SpecError> {
    build_with(meta, input, |_, spec: Spec| {
        Ok(TimelineCheck { finding: spec.finding, min_entries: spec.min_entries.max(2) })
    })
}

/// Days since 0000-03-01 (a monotone key for comparing civil dates).
fn day_key(y: i16, m: i8, d: i8) -> i64 {
    let (y, m) = if m <= 2 { (i64::from(y) - 1, i64::from(m) + 12) } else { (i64::from(y), i64::from(m)) };
    365 * y + y / 4 - y / 100 + y / 400 + (153 * (m - 3) + 2) / 5 + i64::from(d)
}

/// The front-matter year, else the year of the first full date in the text.
fn first_year(doc: &Document) -> Option<i16> {
    doc_year(doc)
}

const FUTURE: &[&str] =
    &["将", "计划", "预计", "拟", "定于", "届时", "will", "scheduled", "expected", "due to", "plans"];
const PAST_ZH: &[&str] = &["了", "已", "曾", "宣布", "表示", "发生", "举行", "签署", "报道", "称"];
const PAST_EN: &[&str] = &[
    " said",
    " was ",
    " were ",
    " announced",
    " took place",
    " happened",
    " died",
    " killed",
    " signed",
    " reported",
    " held ",
];

impl TimelineCheck {
    fn order(&self, doc: &Document, out: &mut Output<'_>) {
        let es = entries(doc);
        let es = &es.0;
        if es.len() < self.min_entries {
            return;
        }
        let year = first_year(doc).unwrap_or(2000);
        let mut keyed: Vec<(usize, i64, bool)> = Vec::new();
        let mut last_date: Option<(i16, i8, i8)> = None;
        for (k, e) in es.iter().enumerate() {
            let s = &e.stamp;
            let date = match (s.month, s.day) {
                (Some(m), Some(d)) => Some((s.year.unwrap_or(year), m, d)),
                _ => last_date,
            };
            last_date = date;
            let minutes = i64::from(s.hour) * 60 + i64::from(s.minute);
            match date {
                Some((y, m, d)) => keyed.push((k, day_key(y, m, d) * 1440 + minutes, true)),
                // a blog of times only: one day
                None => keyed.push((k, minutes, false)),
            }
        }
        // Time-only stamps more than 12 hours apart cross midnight: compare nothing there.
        let comparable =
            |a: &(usize, i64, bool), b: &(usize, i64, bool)| a.2 == b.2 && (a.2 || (a.1 - b.1).abs() <= 720);
        out.count("timestamped entries", keyed.len() as u64);
        let (mut up, mut down) = (0, 0);
        for w in keyed.windows(2).filter(|w| comparable(&w[0], &w[1])) {
            match w[1].1.cmp(&w[0].1) {
                std::cmp::Ordering::Greater => up += 1,
                std::cmp::Ordering::Less => down += 1,
                std::cmp::Ordering::Equal => {}
            }
        }
        if up == down || up.min(down) * 2 > up.max(down) {
            return;
        }
        let descending = down > up;
        for w in keyed.windows(2).filter(|w| comparable(&w[0], &w[1])) {
            let wrong = if descending { w[1].1 > w[0].1 } else { w[1].1 < w[0].1 };
            if !wrong {
                continue;
            }
            let (prev, cur) = (&doc.segments[es[w[0].0].stamp_seg], &doc.segments[es[w[1].0].stamp_seg]);
            let dir = if descending { "newest first" } else { "oldest first" };
            let vars = [("entry", cur.text.as_str()), ("previous", prev.text.as_str()), ("order", dir)];
            out.report(doc.file, cur.range(), &vars)
                .primary_label(format!("out of order: the entries run {dir}"))
                .label(doc.file, prev.range(), "the entry before it");
        }
    }

    fn publication(&self, doc: &Document, out: &mut Output<'_>) {
        let Some((py, pm, pd)) = front_matter_date(doc) else { return };
        let mut pub_key = day_key(py, pm, pd);
        for key in ["updated", "lastmod", "modified", "last_modified"] {
            if let Some(f) = doc.front_matter_value(key)
                && let Some(d) = clock::first_full_date(&f.value)
            {
                pub_key = pub_key.max(day_key(d.1, d.2, d.3));
            }
        }
        let field = doc.front_matter_value("date").or_else(|| doc.front_matter_value("published"));
        let mut n = 0;
        let features = date_features(doc);
        for (seg, f) in doc.segments.iter().zip(features.iter()) {
            if matches!(seg.kind, crate::document::SegmentKind::FrontMatter(_)) || !may_hold_full_date(*f, &seg.text) {
                continue;
            }
            let text = seg.text.as_str();
            for (r, y, m, d) in clock::find_full_dates(text) {
                n += 1;
                // one day of slack for the zone the date is written in
                if day_key(y, m, d) <= pub_key + 1 {
                    continue;
                }
                let sent = sentence_of(text, r.clone());
                let lower = sent.to_ascii_lowercase();
                if FUTURE.iter().any(|w| lower.contains(w)) {
                    continue;
                }
                let past = PAST_ZH.iter().any(|w| sent.contains(w)) || PAST_EN.iter().any(|w| lower.contains(w));
                let bound = ["截至", "至", "到", "until", "by ", "before", "through"]
                    .iter()
                    .any(|w| text[..r.start].trim_end().ends_with(w.trim_end()));
                if !past || bound {
                    continue;
                }
                let date = format!("{y}-{m:02}-{d:02}");
                let published = format!("{py}-{pm:02}-{pd:02}");
                let vars = [("date", date.as_str()), ("published", published.as_str()), ("event", &text[r.clone()])];
                let dg = out.report(doc.file, seg.source_range(r), &vars);
                dg.primary_label("reported as past");
                if let Some(f) = field {
                    dg.label(doc.file, f.range.clone(), format!("published {published}"));
                }
            }
        }
        out.count("dates compared with publication", n);
    }
}

fn sentence_of(text: &str, r: std::ops::Range<usize>) -> &str {
    let is_end = |c: char| matches!(c, '。' | '！' | '？' | '!' | '?' | '\n');
    let start = text[..r.start].rfind(is_end).map_or(0, |i| i + text[i..].chars().next().map_or(1, char::len_utf8));
    let end = text[r.end..].find(is_end).map_or(text.len(), |i| r.end + i);
    let s = &text[start..r.start];
    let start = s.rfind(". ").map_or(start, |i| start + i + 2);
    let e = &text[r.end..end];
    let end = e.find(". ").map_or(end, |i| r.end + i + 1);
    &text[start..end]
}

impl Check for TimelineCheck {
    fn check(&self, doc: &Document, out: &mut Output<'_>) {
        match self.finding {
            Finding::EntriesOutOfOrder => self.order(doc, out),
            Finding::EventAfterPublication => self.publication(doc, out),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::lint_with_rule;

    fn rule(finding: &str) -> String {
        format!(
            "[[rule]]\nid = \"test/{finding}\"\nkind = \"timeline\"\nseverity = \"warning\"\nmessage = \"m\"\ndescription = \"d\"\nwhy = \"w\"\nfinding = \"{finding}\"\n"
        )
    }

    #[test]
    fn out_of_order_entry() {
        let src = "1月6日13:59\n\n甲。\n\n1月6日11:52\n\n乙。\n\n1月6日12:30\n\n丙。\n\n1月6日10:19\n\n丁。\n\n1月6日08:34\n\n戊。\n";
        let d = lint_with_rule(&rule("entries-out-of-order"), "a.txt", src);
        assert_eq!(d.len(), 1);
        assert_eq!(&src[d[0].primary.range()], "1月6日12:30");
        let ok = src.replace("1月6日12:30", "1月6日11:30");
        assert!(lint_with_rule(&rule("entries-out-of-order"), "a.txt", &ok).is_empty());
    }

    #[test]
    fn dated_before_event() {
        let src = "---\ndate: 2024-03-01\n---\n\n2024年3月5日，议会通过了法案。\n\n议会将于2024年3月9日再次开会。\n";
        let d = lint_with_rule(&rule("event-after-publication"), "a.md", src);
        assert_eq!(d.len(), 1);
        assert_eq!(&src[d[0].primary.range()], "2024年3月5日");
    }

    #[test]
    fn day_keys_are_monotone() {
        assert!(super::day_key(2024, 2, 29) + 1 == super::day_key(2024, 3, 1));
        assert!(super::day_key(2023, 12, 31) + 1 == super::day_key(2024, 1, 1));
    }
}
