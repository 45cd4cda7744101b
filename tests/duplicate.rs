//! Cross-document duplicates: the `fixtures/duplicate/multi-*` documents linted together.

use std::path::Path;

use factlint::{Config, lint_paths};

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/duplicate").join(name).to_string_lossy().into_owned()
}

/// (file name, primary text, message, label file name, label text) of each duplicate finding.
fn findings(names: &[&str]) -> Vec<(String, String, String, String, String)> {
    let config = Config::builtin().unwrap();
    let paths: Vec<String> = names.iter().map(|n| fixture(n)).collect();
    let report = lint_paths(&config, &paths, None);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let base = |f: usize| report.files[f].path.rsplit('/').next().unwrap().to_string();
    report
        .diagnostics
        .iter()
        .filter(|d| d.check == "duplicate")
        .map(|d| {
            let src = &report.files[d.primary.file].source;
            let l = &d.labels[0];
            let lsrc = &report.files[l.span.file].source;
            (
                base(d.primary.file),
                src[d.primary.range()].to_string(),
                d.message.clone(),
                base(l.span.file),
                lsrc[l.span.range()].to_string(),
            )
        })
        .collect()
}

const AKTOBE: &str =
    "当地时间1月5日下午，数百名示威者冲进阿克托别州政府大楼，警方随即使用催泪瓦斯和震爆弹驱散人群，至少二十人被捕。";
const SIGN_OFF: &str =
    "本文为本报独家稿件，文章内容仅代表作者个人观点，不代表本报立场，转载须注明出处并保留作者署名信息。";

#[test]
fn a_paragraph_copied_into_a_later_document_is_reported_once_on_the_later_copy() {
    let f = findings(&["multi-earlier.md", "multi-later.md"]);
    assert_eq!(f.len(), 2, "{f:#?}");
    let near = &f[0];
    assert_eq!(near.0, "multi-later.md");
    assert_eq!(near.1, format!("据报道，{AKTOBE}"));
    assert!(near.2.starts_with("paragraph repeated from another document: 9"), "{}", near.2);
    assert!(
        near.2.ends_with(&("% similar to the paragraph at ".to_string() + &fixture("multi-earlier.md") + ":3")),
        "{}",
        near.2
    );
    assert_eq!((near.3.as_str(), near.4.as_str()), ("multi-earlier.md", AKTOBE));
    let exact = &f[1];
    assert_eq!((exact.0.as_str(), exact.1.as_str()), ("multi-later.md", SIGN_OFF));
    assert!(exact.2.contains("identical to the paragraph at"), "{}", exact.2);
    assert_eq!((exact.3.as_str(), exact.4.as_str()), ("multi-earlier.md", SIGN_OFF));
}

#[test]
fn the_order_of_the_arguments_does_not_change_the_findings() {
    assert_eq!(findings(&["multi-earlier.md", "multi-later.md"]), findings(&["multi-later.md", "multi-earlier.md"]));
}

#[test]
fn a_sign_off_found_in_five_documents_is_template_text() {
    let f = findings(&[
        "multi-earlier.md",
        "multi-later.md",
        "multi-template-1.md",
        "multi-template-2.md",
        "multi-template-3.md",
    ]);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].1, format!("据报道，{AKTOBE}"));
}
