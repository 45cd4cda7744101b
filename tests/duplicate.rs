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

const COPIED: [&str; 3] = [
    "当地时间1月6日清晨，首都机场恢复运营，首批国际航班在军队护送下降落，数百名滞留旅客陆续办理登机手续离境。",
    "能源部门当天宣布，液化气零售价格上限将维持半年不变，各地加油站排起的长队在午后逐渐散去，秩序基本恢复。",
    "政府发言人表示，全国范围内的通讯服务将分阶段恢复，银行网点预计在下周一重新开门营业，居民生活逐步回到正轨。",
];

fn lint_pair(config_extra: &str) -> factlint::Report {
    let dir = tempfile::tempdir().unwrap();
    let a = format!("# 早间\n\n{}\n\n{}\n\n{}\n", COPIED[0], COPIED[1], COPIED[2]);
    let b = format!("# 晚间\n\n今天的晚间新闻有所不同。\n\n{}\n\n{}\n\n{}\n", COPIED[0], COPIED[1], COPIED[2]);
    std::fs::write(dir.path().join("a.md"), a).unwrap();
    std::fs::write(dir.path().join("b.md"), b).unwrap();
    let rules = format!(
        "[[rule]]\nid = \"t/cross\"\nkind = \"duplicate\"\nseverity = \"warning\"\n\
         message = \"repeated: {{similarity}} to {{other}}{{more}}\"\ndescription = \"d\"\nwhy = \"w\"\n\
         report = \"all\"\nscope = \"run\"\n{config_extra}\n"
    );
    std::fs::write(dir.path().join("r.toml"), rules).unwrap();
    let config = Config::from_rule_file(&dir.path().join("r.toml")).unwrap();
    let paths = ["a.md", "b.md"].map(|n| dir.path().join(n).to_string_lossy().into_owned());
    let report = lint_paths(&config, &paths, None);
    // The report keeps its own copy of every source, so the files may go.
    report
}

#[test]
fn a_copied_run_of_paragraphs_is_one_finding_with_a_label_on_each() {
    let report = lint_pair("");
    assert_eq!(report.diagnostics.len(), 1, "{:?}", report.diagnostics);
    let d = &report.diagnostics[0];
    let src = &report.files[d.primary.file].source;
    assert!(report.files[d.primary.file].path.ends_with("b.md"));
    assert_eq!(&src[d.primary.range()], COPIED[0]);
    assert!(d.message.ends_with("a.md:3; 2 more paragraphs of this document repeat that one"), "{}", d.message);
    // The earlier copy of the first, then the two other repeated paragraphs of this document.
    let labelled: Vec<&str> = d.labels.iter().map(|l| &report.files[l.span.file].source[l.span.range()]).collect();
    assert_eq!(labelled, [COPIED[0], COPIED[1], COPIED[2]]);
    assert_eq!(d.labels[1].message, "also repeated (identical to line 5)");
    assert!(report.files[d.labels[2].span.file].path.ends_with("b.md"));
}

#[test]
fn grouping_can_be_turned_off() {
    let report = lint_pair("group_from = 0");
    assert_eq!(report.diagnostics.len(), 3);
    assert!(report.diagnostics.iter().all(|d| !d.message.contains("more paragraphs")));
}
