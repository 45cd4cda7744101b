//! Any text through the pure extractors (numbers, conversions, dates, clock times, shingles):
//! they never panic, and
//! every span they return is inside the text on char boundaries.
#![no_main]

use factlint::text::{clock, dates, numbers, shingles, units};
use libfuzzer_sys::fuzz_target;

fn in_text(text: &str, r: &std::ops::Range<usize>) {
    assert!(r.start <= r.end && text.get(r.clone()).is_some(), "bad span {r:?}");
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for n in numbers::scan_numbers(text) {
        in_text(text, &n.span);
        assert!(!(n.lo > n.hi), "interval {} .. {}", n.lo, n.hi);
    }
    for q in numbers::scan_quantities(text) {
        in_text(text, &q.span);
        assert!(q.hedge_start <= q.span.start);
    }
    let (amounts, conversions) = units::find_conversions(text);
    for a in &amounts {
        in_text(text, &a.span);
        in_text(text, &a.unit_text);
    }
    for c in &conversions {
        assert!(c.from < amounts.len() && c.to < amounts.len());
    }
    for d in dates::extract_dates(text) {
        in_text(text, &d.range);
        in_text(text, &d.full_range());
    }
    for t in clock::find_times(text) {
        in_text(text, &t.span);
        in_text(text, &t.time);
    }
    for (r, ..) in clock::find_full_dates(text) {
        in_text(text, &r);
    }
    for line in text.lines() {
        let _ = clock::parse_stamp(line);
    }
    let mut scratch = shingles::Scratch::default();
    if let Some(s) = shingles::sketch(text, shingles::ShingleParams::default(), &mut scratch) {
        assert!(s.shingles.windows(2).all(|w| w[0] < w[1]), "shingle set not sorted and deduplicated");
        assert_eq!(shingles::jaccard(&s.shingles, &s.shingles), 1.0);
    }
});
