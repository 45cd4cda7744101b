//! HTML with html5gum's spans: block-level tags delimit segments; script, style and similar
//! raw content is skipped; `<code>` becomes a placeholder; character references are decoded
//! with a map back to their source bytes.

use std::ops::Range;

use html5gum::{DefaultEmitter, Token, Tokenizer};

use super::{Segment, SegmentBuilder, SegmentKind};

/// Tags that end the current segment and may start a new one.
const BLOCK_TAGS: &[&str] = &[
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "td",
    "th",
    "tr",
    "table",
    "thead",
    "tbody",
    "caption",
    "blockquote",
    "section",
    "article",
    "header",
    "footer",
    "aside",
    "nav",
    "main",
    "figure",
    "figcaption",
    "title",
    "body",
    "head",
    "html",
    "hr",
    "pre",
    "form",
    "details",
    "summary",
];

/// Tags whose content is never prose.
const SKIP_TAGS: &[&str] =
    &["script", "style", "noscript", "template", "svg", "math", "pre", "textarea", "select", "object", "iframe"];

/// The prose segments of `source[range]`.
pub fn segments(source: &str, range: Range<usize>) -> Vec<Segment> {
    let base = range.start;
    let html = &source[range];
    if is_one_comment(html) {
        // Markdown often holds comments as HTML blocks of their own; they have no prose, and
        // starting the tokenizer for each cost more than the rest of the block's reading.
        return Vec::new();
    }
    tokenized_segments(source, base, html)
}

/// The prose segments of `html`, which starts at `source[base]`, read with the tokenizer.
fn tokenized_segments(source: &str, base: usize, html: &str) -> Vec<Segment> {
    let mut emitter = DefaultEmitter::<usize>::new_with_span();
    emitter.naively_switch_states(true);
    let tokenizer = Tokenizer::new_with_emitter(html, emitter);

    let mut out = Vec::new();
    let mut current: Option<SegmentBuilder> = None;
    let mut skip: Vec<String> = Vec::new();
    let mut code_depth = 0usize;
    let mut pending_code: Option<Range<usize>> = None;

    fn flush(current: &mut Option<SegmentBuilder>, out: &mut Vec<Segment>) {
        if let Some(b) = current.take() {
            out.extend(b.finish());
        }
    }

    for token in tokenizer {
        let Ok(token) = token;
        match token {
            Token::StartTag(tag) => {
                let name = String::from_utf8_lossy(&tag.name).to_ascii_lowercase();
                if SKIP_TAGS.contains(&name.as_str()) {
                    if !tag.self_closing {
                        skip.push(name.clone());
                    }
                    if BLOCK_TAGS.contains(&name.as_str()) {
                        flush(&mut current, &mut out);
                    }
                    continue;
                }
                if !skip.is_empty() {
                    continue;
                }
                if BLOCK_TAGS.contains(&name.as_str()) {
                    flush(&mut current, &mut out);
                    let kind = match name.as_str() {
                        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "title" => SegmentKind::Heading,
                        "li" | "dt" | "dd" => SegmentKind::ListItem,
                        "td" | "th" => SegmentKind::TableCell,
                        _ => SegmentKind::Paragraph,
                    };
                    current = Some(SegmentBuilder::new(kind));
                } else if name == "br" {
                    if let Some(b) = current.as_mut() {
                        b.push_mapped("\n", base + tag.span.start..base + tag.span.end);
                    }
                } else if (name == "code" || name == "kbd" || name == "samp") && !tag.self_closing {
                    code_depth += 1;
                }
            }
            Token::EndTag(tag) => {
                let name = String::from_utf8_lossy(&tag.name).to_ascii_lowercase();
                if let Some(pos) = skip.iter().rposition(|s| *s == name) {
                    skip.truncate(pos);
                    continue;
                }
                if !skip.is_empty() {
                    continue;
                }
                if BLOCK_TAGS.contains(&name.as_str()) {
                    flush(&mut current, &mut out);
                } else if name == "code" || name == "kbd" || name == "samp" {
                    code_depth = code_depth.saturating_sub(1);
                    if code_depth == 0
                        && let Some(r) = pending_code.take()
                    {
                        current.get_or_insert_with(|| SegmentBuilder::new(SegmentKind::Paragraph)).push_placeholder(r);
                    }
                }
            }
            Token::String(s) => {
                if !skip.is_empty() {
                    continue;
                }
                let span = base + s.span.start..base + s.span.end;
                if code_depth > 0 {
                    pending_code = Some(match pending_code.take() {
                        Some(r) => r.start..span.end,
                        None => span,
                    });
                    continue;
                }
                let text = String::from_utf8_lossy(&s.value);
                let b = current.get_or_insert_with(|| SegmentBuilder::new(SegmentKind::Paragraph));
                push_decoded(b, source, &text, span);
            }
            Token::Comment(_) | Token::Doctype(_) | Token::Error(_) => {}
        }
    }
    if let Some(r) = pending_code.take() {
        current.get_or_insert_with(|| SegmentBuilder::new(SegmentKind::Paragraph)).push_placeholder(r);
    }
    flush(&mut current, &mut out);
    out
}

/// Whether `html` is one comment and whitespace around it, which the tokenizer reads as a
/// comment token and whitespace text (no segment). With no `>` inside, nothing closes the
/// comment before its final `-->` (not `--!>`, nor the abrupt `<!-->` and `<!--->`).
fn is_one_comment(html: &str) -> bool {
    let t = html.trim_ascii();
    t.len() >= "<!---->".len()
        && t.starts_with("<!--")
        && t.ends_with("-->")
        && !t.as_bytes()[4..t.len() - 3].contains(&b'>')
}

/// Pushes decoded text whose raw source is `source[span]`, aligning the two so that only
/// character references (and CRLF) become whole-mapped runs.
fn push_decoded(b: &mut SegmentBuilder, source: &str, decoded: &str, span: Range<usize>) {
    let Some(raw) = source.get(span.clone()) else {
        b.push_mapped(decoded, span);
        return;
    };
    if raw == decoded {
        b.push_verbatim(decoded, span.start);
        return;
    }
    let (rb, db) = (raw.as_bytes(), decoded.as_bytes());
    let (mut i, mut j) = (0usize, 0usize);
    let mut verbatim_from: Option<(usize, usize)> = None;
    let flush_verbatim = |b: &mut SegmentBuilder, from: &mut Option<(usize, usize)>, i: usize, j: usize| {
        if let Some((ri, dj)) = from.take() {
            debug_assert_eq!(i - ri, j - dj);
            b.push_verbatim(&decoded[dj..j], span.start + ri);
        }
    };
    while i < rb.len() && j < db.len() {
        if rb[i] == db[j] && rb[i] != b'&' || (rb[i] == b'&' && db[j] == b'&' && !is_reference(&raw[i..])) {
            verbatim_from.get_or_insert((i, j));
            i += 1;
            j += 1;
            continue;
        }
        flush_verbatim(b, &mut verbatim_from, i, j);
        if rb[i] == b'\r' && db[j] == b'\n' {
            let len = if rb.get(i + 1) == Some(&b'\n') { 2 } else { 1 };
            b.push_mapped("\n", span.start + i..span.start + i + len);
            i += len;
            j += 1;
            continue;
        }
        if rb[i] == b'&' {
            let ref_len = reference_len(&raw[i..]);
            let next_raw = raw[i + ref_len..].chars().next();
            // A reference decodes to one character, rarely two.
            let mut chars = decoded[j..].char_indices();
            let first = chars.next().map_or(0, |(_, c)| c.len_utf8());
            let mut take = first;
            if let Some((k, c2)) = chars.next()
                && Some(c2) != next_raw
                && (next_raw != Some('&'))
            {
                take = k + c2.len_utf8();
            }
            b.push_mapped(&decoded[j..j + take], span.start + i..span.start + i + ref_len);
            i += ref_len;
            j += take;
            continue;
        }
        // Anything else we cannot align: map the rest as a whole.
        b.push_mapped(&decoded[j..], span.start + i..span.end);
        return;
    }
    flush_verbatim(b, &mut verbatim_from, i, j);
    if j < db.len() {
        b.push_mapped(&decoded[j..], span.start + i..span.end);
    }
}

fn is_reference(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() > 1 && (b[1] == b'#' || b[1].is_ascii_alphanumeric())
}

/// Length of the character reference at the start of `s` (which starts with `&`).
fn reference_len(s: &str) -> usize {
    let b = s.as_bytes();
    let mut k = 1;
    if b.get(k) == Some(&b'#') {
        k += 1;
        if matches!(b.get(k), Some(b'x' | b'X')) {
            k += 1;
        }
    }
    while k < b.len() && b[k].is_ascii_alphanumeric() && k < 40 {
        k += 1;
    }
    if b.get(k) == Some(&b';') {
        k += 1;
    }
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lone_comments_are_skipped_as_the_tokenizer_would() {
        let comments =
            ["<!--repaste.body.begin-->", "  <!---->\n\n", "<!-- a -- b --!x <!-- c -->\n", "<!--\n多行\n注释\n-->"];
        for c in comments {
            assert!(is_one_comment(c), "{c:?}");
            assert!(tokenized_segments(c, 0, c).is_empty(), "{c:?}");
        }
        let not_lone =
            ["<!-->文字<!---->", "<!--->文字-->", "<!-- a --!> 文字 -->", "<!-- a --> 文字 -->", "文字<!-- a -->"];
        for c in not_lone {
            assert!(!is_one_comment(c), "{c:?}");
            assert!(!tokenized_segments(c, 0, c).is_empty(), "{c:?}");
        }
    }

    fn seg_texts(src: &str) -> Vec<(String, String)> {
        segments(src, 0..src.len()).into_iter().map(|s| (s.text.clone(), src[s.range()].to_string())).collect()
    }

    #[test]
    fn one_segment_per_block_and_no_script() {
        let src = "<html><head><title>题目</title><script>var a = \"由由\";</script>\
                   <style>p{}</style></head><body><h1>标题</h1><p>第一段<b>加粗</b>。</p>\
                   <ul><li>一</li><li>二</li></ul><p class=\"x\" title=\"由由\">末段</p></body></html>";
        let t = seg_texts(src);
        let just: Vec<&str> = t.iter().map(|(a, _)| a.as_str()).collect();
        assert_eq!(just, ["题目", "标题", "第一段加粗。", "一", "二", "末段"]);
    }

    #[test]
    fn entities_are_decoded_with_an_offset_map() {
        let src = "<p>AT&amp;T &lt;b&gt; caf&eacute; &#x4E2D;文</p>";
        let segs = segments(src, 0..src.len());
        let s = &segs[0];
        assert_eq!(s.text, "AT&T <b> café 中文");
        let e = s.text.find('é').unwrap();
        assert_eq!(&src[s.source_range(e..e + 'é'.len_utf8())], "&eacute;");
        let z = s.text.find('中').unwrap();
        assert_eq!(&src[s.source_range(z..z + 3)], "&#x4E2D;");
        let w = s.text.find('文').unwrap();
        assert_eq!(&src[s.source_range(w..w + 3)], "文");
        let t = s.text.find('T').unwrap();
        assert_eq!(&src[s.source_range(t..t + 1)], "T");
    }

    #[test]
    fn code_is_a_placeholder_and_br_a_newline() {
        let src = "<p>run <code>the the</code> now<br>next</p>";
        let segs = segments(src, 0..src.len());
        assert_eq!(segs[0].text, "run \u{FFFC} now\nnext");
    }

    #[test]
    fn base_offset_is_respected() {
        let src = "xx<p>好</p>";
        let segs = segments(src, 2..src.len());
        assert_eq!(segs[0].range(), 5..8);
    }
}
