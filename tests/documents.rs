//! Segment spans, byte-exact, for every format: what checks see and where it maps in the file.

use factlint::document::{Document, Format, PLACEHOLDER, SegmentKind};

/// Every segment's text must equal its source slice when the segment is verbatim.
fn assert_spans_slice(doc: &Document) {
    for s in &doc.segments {
        let r = s.range();
        assert!(doc.source.is_char_boundary(r.start) && doc.source.is_char_boundary(r.end));
        if s.is_verbatim(0..s.text.len()) {
            assert_eq!(&doc.source[r], s.text);
        }
    }
}

/// A scraped article: a blank first line, YAML front matter, then an HTML `<div>` of `<p>`s
/// with images and captions, saved as `.txt`.
const SCRAPED: &str = "
---
title: '草原城市_燃气涨价_引发抗议'
categories:
 - 国际
author: 本站
date: Thu, 06 Jan 2022 09:29:36 GMT
---

<div>
<img src=\"https://example.org/a.jpg\" width=\"900\">
<p>
【文/本站记者】
</p>
<p>
燃气价格在新年第一天翻了一番，抗议随即从西部蔓延到全国。
</p>
<p style=\"text-align:center;\">
<img src=\"https://example.org/b.jpg\" title=\"点击查看大图\">
</p>
<p style=\"text-align:center;\">
<span style=\"color:#666666;\">市中心广场 （资料图）</span>
</p>
<p>
当局表示&ldquo;局势可控&rdquo;，并称机场已恢复运转。
</p>
</div>
";

#[test]
fn scraped_txt_is_markdown_with_one_segment_per_p() {
    let doc = Document::from_source(0, "article.txt", SCRAPED.to_string());
    assert_eq!(doc.format, Format::Markdown);
    let texts: Vec<&str> = doc.segments.iter().map(|s| s.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "草原城市_燃气涨价_引发抗议",
            "【文/本站记者】",
            "燃气价格在新年第一天翻了一番，抗议随即从西部蔓延到全国。",
            "市中心广场 （资料图）",
            "当局表示“局势可控”，并称机场已恢复运转。",
        ]
    );
    assert_eq!(doc.segments[0].kind, SegmentKind::FrontMatter("title".into()));
    let title = &doc.segments[0];
    assert_eq!(title.range().start, SCRAPED.find("草原").unwrap());
    let p = &doc.segments[2];
    assert_eq!(p.range().start, SCRAPED.find("燃气价格").unwrap());
    assert_eq!(&SCRAPED[p.range()], p.text);
    // An entity maps to its whole reference.
    let last = &doc.segments[4];
    let q = last.text.find('“').unwrap();
    assert_eq!(&SCRAPED[last.source_range(q..q + '“'.len_utf8())], "&ldquo;");
    let k = last.text.find("局势").unwrap();
    assert_eq!(&SCRAPED[last.source_range(k..k + "局势".len())], "局势");
    // Front matter keys that are not prose are fields, not segments.
    assert_eq!(doc.front_matter_value("date").unwrap().value, "Thu, 06 Jan 2022 09:29:36 GMT");
    assert_spans_slice(&doc);
}

#[test]
fn plain_text_paragraphs() {
    let src = "(注:以下均为北京时间)\n\n1月5日17:38\n\n标题一行\n\n正文第一句,\n正文续行。\n";
    let doc = Document::from_source(0, "live.txt", src.to_string());
    assert_eq!(doc.format, Format::Plain);
    let ranges: Vec<&str> = doc.segments.iter().map(|s| &src[s.range()]).collect();
    assert_eq!(ranges, ["(注:以下均为北京时间)", "1月5日17:38", "标题一行", "正文第一句,\n正文续行。"]);
    assert_spans_slice(&doc);
}

#[test]
fn markdown_with_toml_front_matter_tables_and_inline_html() {
    let src = "+++\ntitle = \"Quarterly results\"\ndescription = \"Profits rose\"\n+++\n\n\
               # Results\n\nProfits <b>rose</b> 76% to $1.13bn (see `table`).\n\n\
               | Year | Profit |\n|---|---|\n| 2004 | £600m |\n\n\
               ```text\nthe the\n```\n\n<div>\n<p>An &amp; B</p>\n</div>\n";
    let doc = Document::from_source(0, "r.md", src.to_string());
    let texts: Vec<&str> = doc.segments.iter().map(|s| s.text.as_str()).collect();
    let code = format!("Profits rose 76% to $1.13bn (see {PLACEHOLDER}).");
    assert_eq!(
        texts,
        ["Quarterly results", "Profits rose", "Results", code.as_str(), "Year", "Profit", "2004", "£600m", "An & B"]
    );
    let cell = doc.segments.iter().find(|s| s.text == "£600m").unwrap();
    assert_eq!(cell.kind, SegmentKind::TableCell);
    assert_eq!(&src[cell.range()], "£600m");
    let amp = doc.segments.last().unwrap();
    let i = amp.text.find('&').unwrap();
    assert_eq!(&src[amp.source_range(i..i + 1)], "&amp;");
    assert_spans_slice(&doc);
}

#[test]
fn html_document_skips_scripts_attributes_and_comments() {
    let src = "<!DOCTYPE html>\n<html><head><title>Storm</title><style>p{}</style></head>\n\
               <body><!-- the the --><p title=\"the the\">Rain &mdash; wind.</p>\
               <script>let s = \"the the\";</script><table><tr><td>Cell</td></tr></table></body></html>\n";
    let doc = Document::from_source(0, "page.html", src.to_string());
    assert_eq!(doc.format, Format::Html);
    let texts: Vec<&str> = doc.segments.iter().map(|s| s.text.as_str()).collect();
    assert_eq!(texts, ["Storm", "Rain — wind.", "Cell"]);
    let rain = &doc.segments[1];
    assert_eq!(&src[rain.range()], "Rain &mdash; wind.");
    assert_spans_slice(&doc);
}

#[test]
fn malformed_front_matter_is_a_problem_and_the_body_is_still_read() {
    let src = "---\ntitle: [oops\n---\n\n正文一段。\n";
    let doc = Document::from_source(0, "a.md", src.to_string());
    assert_eq!(doc.problems.len(), 1);
    assert_eq!(doc.segments.len(), 1);
    assert_eq!(doc.segments[0].text, "正文一段。");
}
