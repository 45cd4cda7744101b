//! Plain text: paragraphs are runs of non-blank lines.

use std::ops::Range;

use super::{Segment, SegmentBuilder, SegmentKind};

/// The paragraphs of `source[range]`, each verbatim.
pub fn segments(source: &str, range: Range<usize>) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut para_start: Option<usize> = None;
    let mut para_end = range.start;
    let mut pos = range.start;
    let body = &source[range.clone()];
    for line in body.split_inclusive('\n') {
        let line_start = pos;
        pos += line.len();
        if line.trim().is_empty() {
            if let Some(start) = para_start.take() {
                push(source, start..para_end, &mut out);
            }
        } else {
            para_start.get_or_insert(line_start);
            para_end = pos;
        }
    }
    if let Some(start) = para_start {
        push(source, start..para_end, &mut out);
    }
    out
}

fn push(source: &str, range: Range<usize>, out: &mut Vec<Segment>) {
    let mut b = SegmentBuilder::new(SegmentKind::Paragraph);
    b.push_verbatim(&source[range.clone()], range.start);
    out.extend(b.finish());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_lines_split_paragraphs() {
        let src = "第一段\n续行\n\n  \n第二段\r\n";
        let segs = segments(src, 0..src.len());
        assert_eq!(segs.len(), 2);
        assert_eq!(segs[0].text, "第一段\n续行");
        assert_eq!(&src[segs[0].range()], "第一段\n续行");
        assert_eq!(&src[segs[1].range()], "第二段");
    }
}
