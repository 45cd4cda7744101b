//! Markdown (CommonMark + GFM tables) with pulldown-cmark's offset iterator. Text events are
//! used one by one with their own ranges (never merged), so every byte of segment text maps
//! back to the file. HTML blocks go to the HTML reader with their base offset.

use std::ops::Range;

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};

use super::{Segment, SegmentBuilder, SegmentKind, UrlMarks, html};

/// The prose segments of `source[range]`.
pub fn segments(source: &str, range: Range<usize>) -> Vec<Segment> {
    let base = range.start;
    let body = &source[range];
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_FOOTNOTES | Options::ENABLE_TASKLISTS;
    let mut out = Vec::new();
    let url_marks = UrlMarks::new(body, base);
    // The segment being built, if one is open; one builder (and its buffers) serves them all.
    let mut builder = SegmentBuilder::new(SegmentKind::Paragraph);
    let mut open = false;
    // Depth of constructs whose text is not prose (code blocks, images, autolinks).
    let mut skip_depth = 0usize;
    let mut html_block: Option<Range<usize>> = None;
    // One entry per open link: whether it is an autolink (whose text is a URL).
    let mut links: Vec<bool> = Vec::new();

    let flush = |builder: &mut SegmentBuilder, open: &mut bool, out: &mut Vec<Segment>| {
        if std::mem::take(open) {
            out.extend(builder.take());
        }
    };

    for (event, r) in Parser::new_ext(body, options).into_offset_iter() {
        let r = base + r.start..base + r.end;
        match event {
            Event::Start(tag) => match tag {
                Tag::Paragraph | Tag::Heading { .. } | Tag::Item | Tag::TableCell => {
                    if skip_depth > 0 {
                        continue;
                    }
                    flush(&mut builder, &mut open, &mut out);
                    let kind = match tag {
                        Tag::Heading { .. } => SegmentKind::Heading,
                        Tag::Item => SegmentKind::ListItem,
                        Tag::TableCell => SegmentKind::TableCell,
                        _ => SegmentKind::Paragraph,
                    };
                    builder.restart(kind);
                    open = true;
                }
                Tag::CodeBlock(_) | Tag::Image { .. } | Tag::MetadataBlock(_) => {
                    skip_depth += 1;
                }
                Tag::Link { link_type: LinkType::Autolink | LinkType::Email, .. } => {
                    if skip_depth == 0 && open {
                        builder.push_placeholder(r.clone());
                    }
                    skip_depth += 1;
                    links.push(true);
                }
                Tag::Link { .. } => links.push(false),
                Tag::HtmlBlock => {
                    flush(&mut builder, &mut open, &mut out);
                    html_block = Some(r.clone());
                }
                _ => {}
            },
            Event::End(end) => match end {
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell if skip_depth == 0 => {
                    flush(&mut builder, &mut open, &mut out);
                }
                TagEnd::CodeBlock | TagEnd::Image | TagEnd::MetadataBlock(_) => {
                    skip_depth = skip_depth.saturating_sub(1);
                }
                TagEnd::Link if links.pop() == Some(true) => {
                    skip_depth = skip_depth.saturating_sub(1);
                }
                TagEnd::HtmlBlock => {
                    if let Some(block) = html_block.take() {
                        out.extend(html::segments(source, block));
                    }
                }
                _ => {}
            },
            Event::Text(text) => {
                if skip_depth > 0 {
                    // Inside an autolink, the text is the URL: the placeholder stands for it.
                    continue;
                }
                if !open {
                    builder.restart(SegmentKind::Paragraph);
                    open = true;
                }
                if is_source_slice(source, &text, &r) {
                    if url_marks.may_contain(r.clone()) {
                        builder.push_verbatim(&text, r.start);
                    } else {
                        builder.push_verbatim_without_url(&text, r.start);
                    }
                } else {
                    builder.push_mapped(&text, r);
                }
            }
            Event::Code(_) | Event::InlineMath(_) | Event::DisplayMath(_) => {
                if skip_depth == 0 && open {
                    builder.push_placeholder(r);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if skip_depth == 0 && open {
                    if source.get(r.clone()) == Some("\n") {
                        builder.push_verbatim_without_url("\n", r.start);
                    } else {
                        builder.push_mapped("\n", r);
                    }
                }
            }
            Event::Html(_) => {
                if let Some(block) = html_block.as_mut() {
                    block.end = block.end.max(r.end);
                }
            }
            Event::InlineHtml(_) | Event::FootnoteReference(_) | Event::Rule | Event::TaskListMarker(_) => {}
        }
    }
    flush(&mut builder, &mut open, &mut out);
    out
}

/// Whether `text` is the source slice `range` itself. Most text events borrow their bytes
/// from the source at exactly that place, which settles it without comparing the bytes.
fn is_source_slice(source: &str, text: &str, range: &Range<usize>) -> bool {
    match source.get(range.clone()) {
        Some(slice) => (std::ptr::eq(slice.as_ptr(), text.as_ptr()) && slice.len() == text.len()) || slice == text,
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(src: &str) -> Vec<(String, String)> {
        segments(src, 0..src.len()).into_iter().map(|s| (s.text.clone(), src[s.range()].to_string())).collect()
    }

    #[test]
    fn paragraphs_headings_items_cells() {
        let src = "# 标题\n\n第一段，`code` 在此。\n\n- 项目一\n- 项目二\n\n| a | b |\n|---|---|\n| 甲 | 乙 |\n";
        let t = texts(src);
        let just: Vec<&str> = t.iter().map(|(a, _)| a.as_str()).collect();
        assert_eq!(just, ["标题", "第一段，\u{FFFC} 在此。", "项目一", "项目二", "a", "b", "甲", "乙"]);
        assert_eq!(t[1].1, "第一段，`code` 在此。");
    }

    #[test]
    fn code_blocks_and_autolinks_are_not_prose() {
        let src = "```\nthe the\n```\n\nSee <https://x.org> now.\n";
        let segs = segments(src, 0..src.len());
        assert_eq!(segs.len(), 1);
        assert_eq!(segs[0].text, "See \u{FFFC} now.");
    }

    #[test]
    fn entities_map_to_their_source() {
        let src = "AT&amp;T and &quot;x&quot;\n";
        let segs = segments(src, 0..src.len());
        let s = &segs[0];
        assert_eq!(s.text, "AT&T and \"x\"");
        let amp = s.text.find('&').unwrap();
        assert_eq!(&src[s.source_range(amp..amp + 1)], "&amp;");
        let x = s.text.find('x').unwrap();
        assert_eq!(&src[s.source_range(x..x + 1)], "x");
    }

    #[test]
    fn html_blocks_inside_markdown() {
        let src = "前言。\n\n<div>\n<p>\n第一段。\n</p>\n<p>第二&amp;段</p>\n</div>\n\n后记。\n";
        let t = texts(src);
        let just: Vec<&str> = t.iter().map(|(a, _)| a.as_str()).collect();
        assert_eq!(just, ["前言。", "第一段。", "第二&段", "后记。"]);
        assert_eq!(t[2].1, "第二&amp;段");
    }

    #[test]
    fn soft_breaks_are_kept_as_newlines() {
        let src = "the\nthe end\n";
        let segs = segments(src, 0..src.len());
        assert_eq!(segs[0].text, "the\nthe end");
        assert!(segs[0].is_verbatim(0..segs[0].text.len()));
    }
}
