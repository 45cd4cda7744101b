//! Property tests (bounded): whatever the input, documents parse without panicking, every
//! segment span lies on char boundaries inside the file, and linting never panics.

use std::sync::LazyLock;

use factlint::document::{Document, Format};
use proptest::prelude::*;

/// Text built from pieces that exercise every reader: markup, entities, CJK, fences, quotes.
fn doc_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("<p>".to_string()),
        Just("</p>".to_string()),
        Just("<div>".to_string()),
        Just("<script>".to_string()),
        Just("</script>".to_string()),
        Just("<!--".to_string()),
        Just("-->".to_string()),
        Just("&amp;".to_string()),
        Just("&#x4E2D;".to_string()),
        Just("&bogus".to_string()),
        Just("&".to_string()),
        Just("---\n".to_string()),
        Just("+++\n".to_string()),
        Just("title: '".to_string()),
        Just("```\n".to_string()),
        Just("`".to_string()),
        Just("\n\n".to_string()),
        Just("\r\n".to_string()),
        Just("# ".to_string()),
        Just("- ".to_string()),
        Just("| a | b |\n|---|---|\n".to_string()),
        Just("<https://x.org/由由>".to_string()),
        Just("“".to_string()),
        Just("\"".to_string()),
        Just("（".to_string()),
        Just("由由".to_string()),
        Just("再接再励".to_string()),
        Just("the the ".to_string()),
        Just("60坚戈（约合0.88元）".to_string()),
        Just("1月5日17:38".to_string()),
        "[a-z 。，\u{4e00}-\u{4e20}]{0,12}",
        any::<String>(),
    ];
    prop::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

static CONFIG: LazyLock<factlint::Config> = LazyLock::new(|| factlint::Config::builtin().unwrap());

fn check_spans(doc: &Document) {
    let src = &doc.source;
    for s in &doc.segments {
        let r = s.range();
        assert!(r.start <= r.end && r.end <= src.len(), "{r:?} outside {}", src.len());
        assert!(src.is_char_boundary(r.start) && src.is_char_boundary(r.end));
        // Every char boundary of the text maps to a char boundary of the source.
        for (i, c) in s.text.char_indices() {
            let m = s.source_range(i..i + c.len_utf8());
            assert!(m.start <= m.end && m.end <= src.len());
            assert!(src.is_char_boundary(m.start) && src.is_char_boundary(m.end), "{m:?}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    #[test]
    fn spans_are_char_boundaries_in_every_format(text in doc_text()) {
        for format in [Format::Plain, Format::Markdown, Format::Html] {
            let doc = Document::parse(0, "x", text.clone(), format);
            check_spans(&doc);
        }
        let sniffed = Document::from_source(0, "x.txt", text.clone());
        check_spans(&sniffed);
    }

    #[test]
    fn linting_any_text_never_panics_and_spans_slice(text in doc_text()) {
        let config = &*CONFIG;
        for name in ["a.md", "a.html", "a.txt"] {
            let report = factlint::lint_text(config, name, &text);
            for d in &report.diagnostics {
                let src = &report.files[d.primary.file].source;
                prop_assert!(src.get(d.primary.range()).is_some(), "{:?} on {:?}", d.primary, src);
                for l in &d.labels {
                    let src = &report.files[l.span.file].source;
                    prop_assert!(src.get(l.span.range()).is_some());
                }
            }
        }
    }
}
