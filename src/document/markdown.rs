//! Markdown (CommonMark + GFM tables) with pulldown-cmark's offset iterator. Text events are
//! used one by one with their own ranges (never merged), so every byte of segment text maps
//! back to the file. HTML blocks go to the HTML reader with their base offset.
//!
//! Most blocks of news prose are plain: a paragraph of text without markup, a heading, a
//! paragraph that opens with a bold lead, a link alone on its line. When no construct of the
//! document can reach across a blank line, blocks are independent, so those plain blocks are
//! read directly and only the runs of other blocks between them go through the parser. The
//! shapes read directly are narrow enough that the parser would give them exactly the events
//! they are given here.

use std::ops::Range;

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};

use super::{Segment, SegmentBuilder, SegmentKind, UrlMarks, html};
use crate::text::chars::{SCAN_BLOCK, block_mask, push_places_where};

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_FOOTNOTES | Options::ENABLE_TASKLISTS
}

/// The prose segments of `source[range]`.
pub fn segments(source: &str, range: Range<usize>) -> Vec<Segment> {
    let base = range.start;
    let body = &source[range];
    let (url_marks, stands_alone) = scan_body(body, base);
    let mut walker = Walker::new(source, url_marks);
    // About one segment per 128 bytes of news prose: room made once rather than grown.
    walker.out.reserve(body.len() / 128);
    if stands_alone {
        walker.blocks(body, base);
    } else {
        walker.parse(body, base);
    }
    walker.finish()
}

/// [`segments`] with every block read by the parser: the definition the direct reading of
/// plain blocks is tested (and fuzzed) against.
pub(super) fn segments_by_parser(source: &str, range: Range<usize>) -> Vec<Segment> {
    let base = range.start;
    let body = &source[range];
    let mut walker = Walker::new(source, UrlMarks::new(body, base));
    walker.parse(body, base);
    walker.finish()
}

/// The events of a document, or of its blocks read directly, turned into segments.
struct Walker<'s> {
    source: &'s str,
    url_marks: UrlMarks,
    /// The segment being built, if one is open; one builder (and its buffers) serves them all.
    builder: SegmentBuilder,
    open: bool,
    /// Depth of constructs whose text is not prose (code blocks, images, autolinks).
    skip_depth: usize,
    html_block: Option<Range<usize>>,
    /// One entry per open link: whether it is an autolink (whose text is a URL).
    links: Vec<bool>,
    out: Vec<Segment>,
    /// The lines of the block being read directly (reused from block to block).
    lines: Vec<(Range<usize>, ParagraphLine)>,
}

impl<'s> Walker<'s> {
    fn new(source: &'s str, url_marks: UrlMarks) -> Walker<'s> {
        Walker {
            source,
            url_marks,
            builder: SegmentBuilder::new(SegmentKind::Paragraph),
            open: false,
            skip_depth: 0,
            html_block: None,
            links: Vec::new(),
            out: Vec::new(),
            lines: Vec::new(),
        }
    }

    fn finish(mut self) -> Vec<Segment> {
        self.flush();
        self.out
    }

    fn flush(&mut self) {
        if std::mem::take(&mut self.open) {
            self.out.extend(self.builder.take());
        }
    }

    /// Runs the parser over `text`, which starts at source offset `base`.
    fn parse(&mut self, text: &str, base: usize) {
        for (event, r) in Parser::new_ext(text, options()).into_offset_iter() {
            self.event(event, base + r.start..base + r.end);
        }
    }

    fn event(&mut self, event: Event<'_>, r: Range<usize>) {
        match event {
            Event::Start(tag) => match tag {
                Tag::Paragraph => self.start_block(SegmentKind::Paragraph),
                Tag::Heading { .. } => self.start_block(SegmentKind::Heading),
                Tag::Item => self.start_block(SegmentKind::ListItem),
                Tag::TableCell => self.start_block(SegmentKind::TableCell),
                Tag::CodeBlock(_) | Tag::Image { .. } | Tag::MetadataBlock(_) => {
                    self.skip_depth += 1;
                }
                Tag::Link { link_type: LinkType::Autolink | LinkType::Email, .. } => {
                    if self.skip_depth == 0 && self.open {
                        self.builder.push_placeholder(r.clone());
                    }
                    self.skip_depth += 1;
                    self.links.push(true);
                }
                Tag::Link { .. } => self.links.push(false),
                Tag::HtmlBlock => {
                    self.flush();
                    self.html_block = Some(r.clone());
                }
                _ => {}
            },
            Event::End(end) => match end {
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell => self.end_block(),
                TagEnd::CodeBlock | TagEnd::Image | TagEnd::MetadataBlock(_) => {
                    self.skip_depth = self.skip_depth.saturating_sub(1);
                }
                TagEnd::Link if self.links.pop() == Some(true) => {
                    self.skip_depth = self.skip_depth.saturating_sub(1);
                }
                TagEnd::HtmlBlock => {
                    if let Some(block) = self.html_block.take() {
                        self.out.extend(html::segments(self.source, block));
                    }
                }
                _ => {}
            },
            Event::Text(text) => {
                if is_source_slice(self.source, &text, &r) {
                    self.source_text(r);
                } else if self.skip_depth == 0 {
                    self.open_if_closed();
                    self.builder.push_mapped(&text, r);
                }
            }
            Event::Code(_) | Event::InlineMath(_) | Event::DisplayMath(_) => {
                if self.skip_depth == 0 && self.open {
                    self.builder.push_placeholder(r);
                }
            }
            Event::SoftBreak | Event::HardBreak => self.line_break(r),
            Event::Html(_) => {
                if let Some(block) = self.html_block.as_mut() {
                    block.end = block.end.max(r.end);
                }
            }
            Event::InlineHtml(_) | Event::FootnoteReference(_) | Event::Rule | Event::TaskListMarker(_) => {}
        }
    }

    /// The start of a block whose text is a segment of `kind`.
    fn start_block(&mut self, kind: SegmentKind) {
        if self.skip_depth > 0 {
            return;
        }
        self.flush();
        self.builder.restart(kind);
        self.open = true;
    }

    fn end_block(&mut self) {
        if self.skip_depth == 0 {
            self.flush();
        }
    }

    fn open_if_closed(&mut self) {
        if !self.open {
            self.builder.restart(SegmentKind::Paragraph);
            self.open = true;
        }
    }

    /// Text that is the source at `r` itself.
    fn source_text(&mut self, r: Range<usize>) {
        if self.skip_depth > 0 {
            // Inside an autolink, the text is the URL: the placeholder stands for it.
            return;
        }
        self.open_if_closed();
        let text = &self.source[r.clone()];
        if self.url_marks.may_contain(r.clone()) {
            self.builder.push_verbatim(text, r.start);
        } else {
            self.builder.push_verbatim_without_url(text, r.start);
        }
    }

    fn line_break(&mut self, r: Range<usize>) {
        if self.skip_depth == 0 && self.open {
            if self.source.get(r.clone()) == Some("\n") {
                self.builder.push_verbatim_without_url("\n", r.start);
            } else {
                self.builder.push_mapped("\n", r);
            }
        }
    }

    /// Reads `body` (at source offset `base`) block by block: plain blocks directly, each run
    /// of other blocks with the parser. Only for a body whose blocks stand alone.
    fn blocks(&mut self, body: &str, base: usize) {
        let bytes = body.as_bytes();
        // Where the run of blocks not yet given to the parser starts.
        let mut pending: Option<usize> = None;
        let mut pos = 0;
        while let Some(&b) = bytes.get(pos) {
            if b == b'\n' {
                // An empty line, told at once.
                pos += 1;
                continue;
            }
            let line = Line::at(bytes, pos);
            if is_blank(&bytes[line.start..line.end]) {
                pos = line.next;
                continue;
            }
            let block_start = pos;
            let Some(line_text) = body.get(line.start..line.end) else {
                pending.get_or_insert(block_start);
                pos = line.next;
                continue;
            };
            let first = first_line_shape(line_text, line.markup_free);
            // The rest of the block: its lines up to a blank line or the end.
            self.lines.clear();
            let mut plain = first.is_some();
            if let Some(Shape::Paragraph(shape)) = first {
                self.lines.push((line.start..line.end, shape));
            }
            pos = line.next;
            while let Some(&b) = bytes.get(pos) {
                if b == b'\n' {
                    break;
                }
                let line = Line::at(bytes, pos);
                if is_blank(&bytes[line.start..line.end]) {
                    break;
                }
                if plain {
                    let shape = match (&first, body.get(line.start..line.end)) {
                        (Some(Shape::Paragraph(_)), Some(text)) => paragraph_line(text, line.markup_free),
                        _ => None,
                    };
                    match shape {
                        Some(shape) => self.lines.push((line.start..line.end, shape)),
                        None => plain = false,
                    }
                }
                pos = line.next;
            }
            if !plain {
                pending.get_or_insert(block_start);
                continue;
            }
            if let Some(start) = pending.take() {
                self.parse(&body[start..block_start], base + start);
            }
            match first {
                Some(Shape::Paragraph(_)) => self.paragraph(base),
                Some(Shape::Heading { text }) => {
                    self.start_block(SegmentKind::Heading);
                    self.source_text(base + block_start + text.start..base + block_start + text.end);
                    self.end_block();
                }
                Some(Shape::Link { text }) => {
                    self.start_block(SegmentKind::Paragraph);
                    self.source_text(base + block_start + text.start..base + block_start + text.end);
                    self.end_block();
                }
                // An HTML block closes the open segment; a comment has no text.
                Some(Shape::Comment) => self.flush(),
                // A thematic break has no text, and its event changes nothing.
                Some(Shape::Rule) | None => {}
            }
        }
        if let Some(start) = pending {
            self.parse(&body[start..], base + start);
        }
    }

    /// The paragraph of [`Walker::lines`] (offsets in the body at source offset `base`).
    fn paragraph(&mut self, base: usize) {
        self.start_block(SegmentKind::Paragraph);
        if let (Some((first, _)), Some((last, _))) = (self.lines.first(), self.lines.last()) {
            let (start, end) = (base + first.start, base + last.end);
            if self.lines.iter().all(|(_, shape)| *shape == ParagraphLine::Plain) {
                // The lines and the line ends between them are the text, verbatim: one piece
                // (a URL never spans a line end).
                self.source_text(start..end);
                self.end_block();
                return;
            }
            self.builder.reserve(end - start);
        }
        let lines = std::mem::take(&mut self.lines);
        for (i, (line, shape)) in lines.iter().enumerate() {
            let (start, end) = (base + line.start, base + line.end);
            if i > 0 {
                self.line_break(start - 1..start);
            }
            match *shape {
                ParagraphLine::Plain => self.source_text(start..end),
                ParagraphLine::BoldLead { close } => {
                    self.source_text(start + 2..start + close);
                    if start + close + 2 < end {
                        self.source_text(start + close + 2..end);
                    }
                }
            }
        }
        self.lines = lines;
        self.end_block();
    }
}

/// A line of the body.
struct Line {
    start: usize,
    /// Where its line end is (or the end of the body).
    end: usize,
    /// Where the next line starts.
    next: usize,
    /// Whether it holds no [markup byte](is_markup_byte).
    markup_free: bool,
}

impl Line {
    /// The line starting at `pos`. One scan finds its end if it holds no markup (most lines);
    /// otherwise the end is looked for after the first markup byte.
    fn at(bytes: &[u8], pos: usize) -> Line {
        let hit = next_markup_byte(bytes, pos);
        let markup_free = bytes.get(hit).is_none_or(|&b| b == b'\n');
        let end = if markup_free { hit } else { line_end(bytes, hit) };
        Line { start: pos, end, next: (end + 1).min(bytes.len()), markup_free }
    }
}

/// Where the line holding `bytes[pos]` ends: its line end, or the end of `bytes`.
fn line_end(bytes: &[u8], pos: usize) -> usize {
    bytes.get(pos..).and_then(|rest| memchr::memchr(b'\n', rest)).map_or(bytes.len(), |i| pos + i)
}

/// The first [markup byte](is_markup_byte) (line ends included) at or after `from`, else
/// `bytes.len()`. Blocks of 32 bytes are classified at once into a bit mask, a loop the compiler
/// turns into vector compares; the last partial block is padded with bytes that are not markup.
fn next_markup_byte(bytes: &[u8], from: usize) -> usize {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: `next_markup_byte_avx2` only needs AVX2, which the CPU was just found to have.
        return unsafe { next_markup_byte_avx2(bytes, from) };
    }
    next_markup_byte_portable(bytes, from)
}

/// [`next_markup_byte`] compiled for AVX2: the same code, 32 bytes per vector compare instead
/// of 16.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn next_markup_byte_avx2(bytes: &[u8], from: usize) -> usize {
    next_markup_byte_portable(bytes, from)
}

/// [`next_markup_byte`] for any CPU.
#[inline(always)]
fn next_markup_byte_portable(bytes: &[u8], from: usize) -> usize {
    #[inline(always)]
    fn markup_mask(block: &[u8; SCAN_BLOCK]) -> u32 {
        let mut flags = [0u8; SCAN_BLOCK];
        #[allow(clippy::needless_range_loop)] // plain indexing keeps this loop vectorised
        for k in 0..SCAN_BLOCK {
            flags[k] = u8::from(is_markup_byte(block[k]));
        }
        block_mask(&flags)
    }
    let mut i = from;
    while let Some(block) = bytes.get(i..).and_then(|rest| rest.first_chunk::<SCAN_BLOCK>()) {
        let mask = markup_mask(block);
        if mask != 0 {
            return i + mask.trailing_zeros() as usize;
        }
        i += SCAN_BLOCK;
    }
    let rest = bytes.get(i..).unwrap_or(&[]);
    let mut padded = [b'a'; SCAN_BLOCK];
    padded[..rest.len()].copy_from_slice(rest);
    let mask = markup_mask(&padded);
    if mask == 0 { bytes.len() } else { i + mask.trailing_zeros() as usize }
}

fn is_blank(line: &[u8]) -> bool {
    line.iter().all(|&b| b == b' ' || b == b'\t')
}

/// The [URL marks](UrlMarks) of `body` (at source offset `base`), and whether its blocks
/// [stand alone](blocks_stand_alone), found in one scan for the bytes that either looks at.
fn scan_body(body: &str, base: usize) -> (UrlMarks, bool) {
    let bytes = body.as_bytes();
    let mut hits = Vec::new();
    find_scanned_bytes(bytes, &mut hits);
    let mut marks = Vec::new();
    let mut stands_alone = true;
    for i in hits {
        match bytes[i] {
            b':' | b'w' | b'W' => marks.extend(UrlMarks::mark_from(bytes, i).map(|m| base + m)),
            _ => stands_alone &= stands_alone_at(bytes, i),
        }
    }
    (UrlMarks::from_marks(marks), stands_alone)
}

/// The bytes [`scan_body`] looks at: `:`, `w` and `W` for URLs, `]`, `` ` ``, `~` and `<` for
/// constructs that may reach across a blank line. Tested without branches.
#[inline(always)]
fn is_scanned_byte(b: u8) -> bool {
    (b == b':') | ((b | 0x20) == b'w') | (b == b']') | (b == b'`') | (b == b'~') | (b == b'<')
}

/// Appends to `hits`, in order, the positions of the [scanned bytes](is_scanned_byte).
fn find_scanned_bytes(bytes: &[u8], hits: &mut Vec<usize>) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: `find_scanned_bytes_avx2` only needs AVX2, which the CPU was just found to have.
        unsafe { find_scanned_bytes_avx2(bytes, hits) };
        return;
    }
    find_scanned_bytes_portable(bytes, hits);
}

/// [`find_scanned_bytes`] compiled for AVX2: the same code, 32 bytes per vector compare.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn find_scanned_bytes_avx2(bytes: &[u8], hits: &mut Vec<usize>) {
    find_scanned_bytes_portable(bytes, hits);
}

/// [`find_scanned_bytes`] for any CPU.
#[inline(always)]
fn find_scanned_bytes_portable(bytes: &[u8], hits: &mut Vec<usize>) {
    push_places_where(
        bytes,
        hits,
        #[inline(always)]
        |b, _, _| is_scanned_byte(b),
    );
}

/// Whether no construct of `body` can reach across a blank line into a later block, so that
/// each run of blocks parses alike alone or in the whole: no link or footnote definitions
/// (`]:`), no fenced code, and no HTML block that a blank line does not end, except comments
/// closed on their own line. The plain definition that [`scan_body`] is tested against.
#[cfg(test)]
fn blocks_stand_alone(body: &[u8]) -> bool {
    memchr::memchr3_iter(b']', b'`', b'~', body)
        .chain(memchr::memchr_iter(b'<', body))
        .all(|i| stands_alone_at(body, i))
}

/// For a `]`, `` ` ``, `~` or `<` at `bytes[i]`: whether it starts nothing that may reach
/// across a blank line (see [`blocks_stand_alone`]).
fn stands_alone_at(bytes: &[u8], i: usize) -> bool {
    let rest = &bytes[i + 1..];
    match bytes[i] {
        b']' => rest.first() != Some(&b':'),
        b'<' => {
            if rest.starts_with(b"!--") {
                let line = &bytes[i + 4..line_end(bytes, i + 4)];
                memchr::memmem::find(line, b"-->").is_some()
            } else {
                !(rest.first().is_some_and(|&c| c == b'!' || c == b'?')
                    || ["script", "pre", "style", "textarea"]
                        .iter()
                        .any(|tag| rest.get(..tag.len()).is_some_and(|r| r.eq_ignore_ascii_case(tag.as_bytes()))))
            }
        }
        c => !bytes[i..].starts_with(&[c, c, c]),
    }
}

/// A block read directly, from its first line.
enum Shape {
    /// A paragraph; its other lines must be paragraph lines too.
    Paragraph(ParagraphLine),
    /// `#` to `######`, one space, then text (its range in the line), alone in its block.
    Heading { text: Range<usize> },
    /// `[text](destination)` alone in its block.
    Link { text: Range<usize> },
    /// `---` and more dashes, alone in its block.
    Rule,
    /// An HTML comment without markup inside, alone in its block and on its line.
    Comment,
}

/// A line of a paragraph read directly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ParagraphLine {
    /// Text without markup.
    Plain,
    /// `**lead**rest`, both parts without markup; `close` is where the closing `**` is.
    BoldLead { close: usize },
}

/// The shape of a block from its first line, which holds no markup byte if `markup_free`.
fn first_line_shape(line: &str, markup_free: bool) -> Option<Shape> {
    let bytes = line.as_bytes();
    match bytes.first()? {
        b'#' => heading_text(line, markup_free).map(|text| Shape::Heading { text }),
        b'[' => link_text(line).map(|text| Shape::Link { text }),
        b'-' => (bytes.len() >= 3 && bytes.iter().all(|&b| b == b'-')).then_some(Shape::Rule),
        b'<' => is_plain_comment(bytes).then_some(Shape::Comment),
        _ => paragraph_line(line, markup_free).map(Shape::Paragraph),
    }
}

/// `<!--`, text without markup, `-->`: an HTML block of one comment, ended on its line, in
/// which the HTML reader finds no text (no `>` or `!` inside can end the comment early).
fn is_plain_comment(line: &[u8]) -> bool {
    line.len() >= 7
        && line.starts_with(b"<!--")
        && line.ends_with(b"-->")
        && next_markup_byte(&line[..line.len() - 3], 4) == line.len() - 3
}

/// Whether `c` is certainly neither white space nor punctuation (which decide whether a `**`
/// may open or close emphasis).
fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

/// Common punctuation, every one of it punctuation to CommonMark.
fn is_known_punctuation(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(
            c,
            '，' | '。'
                | '、'
                | '：'
                | '；'
                | '！'
                | '？'
                | '（'
                | '）'
                | '《'
                | '》'
                | '“'
                | '”'
                | '‘'
                | '’'
                | '「'
                | '」'
                | '【'
                | '】'
        )
}

/// The shape of a paragraph line read directly, if it is one: text without markup that
/// starts no other block, or such text after a bold lead. `markup_free` tells whether the line
/// holds no markup byte.
fn paragraph_line(line: &str, markup_free: bool) -> Option<ParagraphLine> {
    let bytes = line.as_bytes();
    let (&first, &last) = (bytes.first()?, bytes.last()?);
    if last == b' ' || line.chars().next_back().is_some_and(char::is_whitespace) {
        return None;
    }
    if first == b'*' {
        return bold_lead(line);
    }
    let starts_text = match first {
        b' ' | b'#' | b'-' | b'+' | b'=' | b':' => false,
        b'0'..=b'9' => !starts_with_ordered_list_marker(bytes),
        0x80.. => line.chars().next().is_some_and(|c| !c.is_whitespace() && c != '\u{FEFF}'),
        _ => true,
    };
    (starts_text && markup_free).then_some(ParagraphLine::Plain)
}

/// `**lead**rest` where both `**` are sure to pair up: the lead neither starts with white space
/// nor ends with white space, and ends with punctuation only before punctuation or the end.
fn bold_lead(line: &str) -> Option<ParagraphLine> {
    let bytes = line.as_bytes();
    // The first markup byte after the opening `**` starts the closing one, and none follows.
    let close = next_markup_byte(bytes, 2);
    if !bytes.starts_with(b"**")
        || close == 2
        || bytes.get(close..close + 2) != Some(b"**")
        || next_markup_byte(bytes, close + 2) != bytes.len()
    {
        return None;
    }
    let (lead, rest) = (line.get(2..close)?, line.get(close + 2..)?);
    let first = lead.chars().next()?;
    let last = lead.chars().next_back()?;
    if first.is_whitespace() || last.is_whitespace() {
        return None;
    }
    let closes = is_word_char(last)
        || (is_known_punctuation(last)
            && rest.chars().next().is_none_or(|c| c.is_whitespace() || is_known_punctuation(c)));
    closes.then_some(ParagraphLine::BoldLead { close })
}

/// Digits, then `.` or `)`, then a space, a tab or the end: an ordered list item.
fn starts_with_ordered_list_marker(bytes: &[u8]) -> bool {
    let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    matches!(bytes.get(digits), Some(b'.' | b')')) && matches!(bytes.get(digits + 1), None | Some(b' ' | b'\t'))
}

/// The text of an ATX heading line read directly: `#` to `######`, one space, then text without
/// markup or `#`, neither starting nor ending with white space. `markup_free` tells whether the
/// line holds no markup byte.
fn heading_text(line: &str, markup_free: bool) -> Option<Range<usize>> {
    let bytes = line.as_bytes();
    let level = bytes.iter().take_while(|&&b| b == b'#').count();
    if level > 6 || bytes.get(level) != Some(&b' ') {
        return None;
    }
    let text = line.get(level + 1..)?;
    let (first, last) = (text.chars().next()?, text.chars().next_back()?);
    let has_hash = text.bytes().fold(false, |any, b| any | (b == b'#'));
    if first.is_whitespace() || last.is_whitespace() || !markup_free || has_hash {
        return None;
    }
    Some(level + 1..line.len())
}

/// The text of a line that is one inline link: `[text](destination)`, the text without markup
/// and not starting or ending with white space, the destination of URL characters only.
fn link_text(line: &str) -> Option<Range<usize>> {
    let bytes = line.as_bytes();
    // The first markup byte after the `[` is the `]`.
    let close = next_markup_byte(bytes, 1);
    if bytes.get(close) != Some(&b']') {
        return None;
    }
    let destination = bytes.get(close + 1..)?.strip_prefix(b"(")?.strip_suffix(b")")?;
    let text = line.get(1..close)?;
    let (first, last) = (text.chars().next()?, text.chars().next_back()?);
    if first.is_whitespace() || last.is_whitespace() {
        return None;
    }
    (!destination.is_empty() && destination.iter().fold(true, |all, &b| all & is_url_byte(b))).then_some(1..close)
}

/// An ASCII letter or digit or one of `: / . ? = % # -`, tested without branches.
#[inline(always)]
fn is_url_byte(b: u8) -> bool {
    ((b | 0x20).wrapping_sub(b'a') < 26)
        | (b.wrapping_sub(b'0') < 10)
        | (b == b':')
        | (b == b'/')
        | (b == b'.')
        | (b == b'?')
        | (b == b'=')
        | (b == b'%')
        | (b == b'#')
        | (b == b'-')
}

/// Whether `b` may be Markdown markup inside a line (or is a control character, a tab or a
/// line end, which the parser may treat apart): `! $ & * < = > [ \ ] ^ _ ` { | } ~` and DEL.
/// Written without short-circuits, so that a block of bytes is tested in vector registers.
#[inline(always)]
fn is_markup_byte(b: u8) -> bool {
    (b < 0x20)
        | (b == b'!')
        | (b == b'$')
        | (b == b'&')
        | (b == b'*')
        | (b.wrapping_sub(b'<') < 3)
        | (b.wrapping_sub(b'[') < 6)
        | (b.wrapping_sub(b'{') < 5)
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

    /// Pieces of Markdown rich in what the direct reading of blocks must get right: markup
    /// at line starts and inside lines, bold leads before and after punctuation and white
    /// space, links, blank lines, URLs.
    const PIECES: &[&str] = &[
        "\n",
        "\n",
        "\n",
        "\n\n",
        "\n\n",
        "\n\n",
        " \n",
        "  \n",
        "\t",
        " ",
        "\r\n",
        "\r",
        "文字",
        "文字",
        "中文，",
        "。",
        "》",
        "《",
        "（",
        "）",
        "“",
        "”",
        "\u{3000}",
        "\u{A0}",
        "\u{FEFF}",
        "a",
        "Z",
        "1",
        "12",
        "1.",
        "1)",
        ". ",
        "- ",
        "-",
        "---",
        "+ ",
        "* ",
        "*",
        "**",
        "**",
        "**",
        "***",
        "_",
        "__",
        "# ",
        "## ",
        "####### ",
        "#",
        "> ",
        ">",
        "=",
        "===",
        ":",
        "|",
        "| a |",
        "|---|",
        "[",
        "]",
        "](",
        "(",
        ")",
        "[查看](https://x.cn/a.html)",
        "[a](b)",
        "[^1]",
        "!",
        "![i](p)",
        "`",
        "~~",
        "&amp;",
        "&",
        "\\",
        "$",
        "{",
        "}",
        "^",
        "<",
        "<!--c-->",
        "<div>",
        "</div>",
        "<br>",
        "http://a.org",
        "www.b.cn",
        "://",
        "    ",
        "\u{0}",
        "\u{B}",
        "\u{C}",
    ];

    /// Constructs that may reach across a blank line, after which the parser reads it all.
    const REACHING: &[&str] =
        &["]:", "[x]: /u", "[^1]: n", "```", "~~~", "<!--", "-->", "<pre>", "<?", "<![CDATA[", "<!X"];

    /// Pieces of the text of plain blocks, and what may make them not plain.
    const TEXT: &[&str] = &[
        "文字",
        "文字",
        "中文，",
        "。",
        "》",
        "《",
        "（",
        "）",
        "“",
        "”",
        "：",
        "a",
        "Z",
        "1",
        "12",
        "1.",
        "1)",
        ". ",
        ".",
        ":",
        "-",
        "#",
        "=",
        "+",
        "http://a.org",
        "www.b.cn",
        " ",
        " ",
        "  ",
        "\t",
        "\u{3000}",
        "\u{A0}",
        "\u{FEFF}",
        "*",
        "[",
        "]",
        "(",
        ")",
        "&amp;",
        "`",
        "\\",
        "_",
        "\u{1F600}",
        "é",
    ];

    fn text() -> impl Strategy<Value = String> {
        proptest::collection::vec(proptest::sample::select(TEXT), 0..6).prop_map(|p| p.concat())
    }

    /// A block: most of the shapes read directly, with their near misses, and anything.
    fn block() -> impl Strategy<Value = String> {
        proptest::prop_oneof![
            4 => proptest::collection::vec(text(), 1..4).prop_map(|lines| lines.join("\n")),
            3 => (text(), text(), text()).prop_map(|(a, b, c)| format!("**{a}**{b}\n{c}")),
            2 => (1usize..8, text()).prop_map(|(n, t)| format!("{} {t}", "#".repeat(n))),
            2 => (text(), proptest::sample::select(&["https://x.cn/a.html", "b", "", "a b", "a_b", "<u>"][..]))
                .prop_map(|(t, d)| format!("[{t}]({d})")),
            1 => proptest::sample::select(&[
                "---", "-----", "--", "- - -", "***", "<!--c-->", "<!--c--> x", "<!---->", "<!-->", "<!--->",
                "<!--a.b-->", "<!-- -- -->", "<!--x--!>y-->", "<!--a-->b-->", " <!--c-->", "<!--c-->\n文字",
            ][..])
                .prop_map(String::from),
            2 => proptest::collection::vec(proptest::sample::select(PIECES), 0..8).prop_map(|p| p.concat()),
        ]
    }

    fn document() -> impl Strategy<Value = String> {
        let separator = proptest::sample::select(&["\n\n", "\n\n", "\n\n", "\n", "\n \n", "\n\n\n", "\n\t\n"][..]);
        let reaching = proptest::option::weighted(0.05, proptest::sample::select(REACHING));
        (proptest::collection::vec((block(), separator), 0..10), reaching).prop_map(|(blocks, reaching)| {
            let mut doc: String = blocks.into_iter().map(|(b, sep)| b + sep).collect();
            if let Some(r) = reaching {
                let at = (doc.len() / 2..doc.len()).find(|&i| doc.is_char_boundary(i)).unwrap_or(0);
                doc.insert_str(at, r);
            }
            doc
        })
    }

    use proptest::strategy::Strategy;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(20_000))]
        #[test]
        fn blocks_read_directly_give_what_the_parser_gives(doc in document(), lead in 0usize..3) {
            let prefix = ["", "x", "前言\n\n"][lead];
            let src = format!("{prefix}{doc}");
            let range = prefix.len()..src.len();
            proptest::prop_assert_eq!(segments(&src, range.clone()), segments_by_parser(&src, range));
        }
    }

    #[test]
    fn plain_news_blocks_are_read_directly_alike() {
        let src = "# 《新闻联播》（20220110）\n\n## 新闻摘要\n\n本期节目主要内容：\n\n1.习近平同白俄罗斯总统通电话；\n\n\
                   **央视网消息**（新闻联播）：国家主席习近平。\n\n**教育部出台《指南》**\n\n<!--repaste.body.begin-->\n\n\
                   [查看原文](https://tv.cctv.com/2022/01/10/VIDE.shtml)\n\n---\n\n更新时间：2023-09-04T14:18:37.551Z\n\n\
                   第一行\n第二行 www.x.cn 见\n**要点**，第三行\n";
        assert!(blocks_stand_alone(src.as_bytes()));
        let direct = segments(src, 0..src.len());
        assert_eq!(direct, segments_by_parser(src, 0..src.len()));
        let texts: Vec<&str> = direct.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(texts[..3], ["《新闻联播》（20220110）", "新闻摘要", "本期节目主要内容："]);
    }

    proptest::proptest! {
        #[test]
        fn one_scan_finds_the_url_marks_and_what_reaches_across_blank_lines(
            text in "[:/wW.\\]~`<!?\\-a中\n]{0,90}",
            base in 0usize..100,
        ) {
            let (marks, stands_alone) = scan_body(&text, base);
            proptest::prop_assert_eq!(marks.marks, UrlMarks::new(&text, base).marks);
            proptest::prop_assert_eq!(stands_alone, blocks_stand_alone(text.as_bytes()));
        }
    }

    #[test]
    fn markup_test_agrees_with_the_byte_by_byte_definition() {
        let markup = b"!$&*<=>[\\]^_`{|}~\x7f";
        for b in 0..=255u8 {
            assert_eq!(is_markup_byte(b), b < 0x20 || markup.contains(&b), "{b:#x}");
        }
        for len in 0..80 {
            for at in 0..len {
                for b in [b'*', b'\n', b'~', b'a', 0xE4] {
                    let mut bytes = vec![0x80u8; len];
                    bytes[at] = b;
                    for from in 0..=len + 1 {
                        let expected = (from..len).find(|&i| is_markup_byte(bytes[i])).unwrap_or(len);
                        assert_eq!(next_markup_byte(&bytes, from), expected, "{len} {at} {b} {from}");
                    }
                }
            }
        }
    }
}
