//! Any bytes, read as each format: parsing never panics and every span is a char boundary.
#![no_main]

use factlint::document::{Document, Format};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for format in [Format::Plain, Format::Markdown, Format::Html] {
        let doc = Document::parse(0, "f", text.to_string(), format);
        for s in &doc.segments {
            let r = s.range();
            assert!(r.end <= text.len() && text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
            for (i, c) in s.text.char_indices() {
                let m = s.source_range(i..i + c.len_utf8());
                assert!(text.get(m).is_some());
            }
        }
        if let Some(fm) = &doc.front_matter {
            for f in &fm.fields {
                assert!(text.get(f.range.clone()).is_some());
            }
        }
    }
});
