//! A leading YAML (`---`) or TOML (`+++`) block: split it off, parse it with spans.

use std::collections::BTreeMap;
use std::ops::Range;

use super::{DocumentProblem, Segment, SegmentBuilder, SegmentKind};

/// Keys whose values are prose and so are checked like paragraphs.
const PROSE_KEYS: &[&str] = &["title", "subtitle", "description", "summary", "excerpt", "abstract", "lead"];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrontMatterSyntax {
    Yaml,
    Toml,
}

/// Where the block lies in the source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    pub syntax: FrontMatterSyntax,
    /// Between the fences.
    pub inner: Range<usize>,
    /// Fences included.
    pub whole: Range<usize>,
    /// Everything after the closing fence.
    pub body: Range<usize>,
}

/// A top-level scalar value of the front matter, as text, with the byte range of the value
/// (quotes excluded) in the source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrontMatterField {
    pub key: String,
    pub value: String,
    pub range: Range<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrontMatter {
    pub syntax: FrontMatterSyntax,
    /// Fences included.
    pub range: Range<usize>,
    pub fields: Vec<FrontMatterField>,
}

impl FrontMatter {
    pub fn get(&self, key: &str) -> Option<&FrontMatterField> {
        self.fields.iter().find(|f| f.key.eq_ignore_ascii_case(key))
    }

    /// The prose values as segments.
    pub fn prose_segments(&self, source: &str) -> Vec<Segment> {
        self.fields
            .iter()
            .filter(|f| PROSE_KEYS.contains(&f.key.to_ascii_lowercase().as_str()))
            .filter_map(|f| {
                let mut b = SegmentBuilder::new(SegmentKind::FrontMatter(f.key.clone()));
                if source.get(f.range.clone()) == Some(f.value.as_str()) {
                    b.push_verbatim(&f.value, f.range.start);
                } else {
                    b.push_mapped(&f.value, f.range.clone());
                }
                b.finish()
            })
            .collect()
    }
}

/// Finds a front-matter block at the start of `source` (after a BOM and blank lines).
pub fn split(source: &str) -> Option<Block> {
    let mut pos = 0;
    if source.starts_with('\u{feff}') {
        pos = 3;
    }
    // Skip blank lines.
    loop {
        let rest = &source[pos..];
        let line_end = rest.find('\n').map_or(rest.len(), |i| i + 1);
        if line_end > 0 && rest[..line_end].trim().is_empty() && line_end < rest.len() {
            pos += line_end;
        } else {
            break;
        }
    }
    let rest = &source[pos..];
    let (fence, syntax) = if rest.starts_with("---") {
        ("---", FrontMatterSyntax::Yaml)
    } else if rest.starts_with("+++") {
        ("+++", FrontMatterSyntax::Toml)
    } else {
        return None;
    };
    let first_end = rest.find('\n')? + 1;
    if rest[..first_end].trim_end() != fence {
        return None;
    }
    let inner_start = pos + first_end;
    let mut line_start = inner_start;
    for line in source[inner_start..].split_inclusive('\n') {
        let trimmed = line.trim_end();
        let closes = trimmed == fence || (syntax == FrontMatterSyntax::Yaml && trimmed == "...");
        if closes {
            let end = line_start + line.len();
            return Some(Block { syntax, inner: inner_start..line_start, whole: pos..end, body: end..source.len() });
        }
        line_start += line.len();
    }
    None
}

/// Parses the block; a malformed block yields a problem and no fields.
pub fn parse(source: &str, block: &Block) -> (FrontMatter, Vec<DocumentProblem>) {
    let inner = &source[block.inner.clone()];
    let mut problems = Vec::new();
    let fields = match block.syntax {
        FrontMatterSyntax::Yaml => parse_yaml(inner, block.inner.start),
        FrontMatterSyntax::Toml => parse_toml(inner, block.inner.start),
    }
    .unwrap_or_else(|(message, range)| {
        problems.push(DocumentProblem { message, range });
        Vec::new()
    });
    (FrontMatter { syntax: block.syntax, range: block.whole.clone(), fields }, problems)
}

type ParseResult = Result<Vec<FrontMatterField>, (String, Range<usize>)>;

fn parse_yaml(inner: &str, base: usize) -> ParseResult {
    if inner.trim().is_empty() {
        return Ok(Vec::new());
    }
    type Map = BTreeMap<String, serde_saphyr::Spanned<serde_json::Value>>;
    let map: Map = serde_saphyr::from_str(inner).map_err(|e| {
        let range = e
            .location()
            .and_then(|l| {
                let span = l.span();
                let start = usize::try_from(span.byte_offset()?).ok()?;
                Some(base + start.min(inner.len())..base + start.min(inner.len()))
            })
            .unwrap_or(base..base + inner.len());
        let first_line = e.to_string().lines().next().unwrap_or("").to_string();
        (format!("front matter is not valid YAML: {first_line}"), range)
    })?;
    let mut fields = Vec::new();
    for (key, spanned) in map {
        let Some(value) = scalar_text(&spanned.value) else {
            continue;
        };
        let span = spanned.referenced.span();
        let range = match (span.byte_offset(), span.byte_len()) {
            (Some(off), Some(len)) => {
                let (off, len) = (off as usize, len as usize);
                unquote(inner, off..(off + len).min(inner.len()))
            }
            _ => continue,
        };
        fields.push(FrontMatterField { key, value, range: base + range.start..base + range.end });
    }
    fields.sort_by_key(|f| f.range.start);
    Ok(fields)
}

fn parse_toml(inner: &str, base: usize) -> ParseResult {
    let table = toml::de::DeTable::parse(inner).map_err(|e| {
        let range = e.span().map_or(base..base + inner.len(), |s| base + s.start..base + s.end);
        (format!("front matter is not valid TOML: {}", e.message()), range)
    })?;
    let mut fields = Vec::new();
    for (key, value) in table.get_ref().iter() {
        let text = match value.get_ref() {
            toml::de::DeValue::String(s) => s.to_string(),
            toml::de::DeValue::Integer(i) => i.to_string(),
            toml::de::DeValue::Float(f) => f.to_string(),
            toml::de::DeValue::Boolean(b) => b.to_string(),
            toml::de::DeValue::Datetime(d) => d.to_string(),
            _ => continue,
        };
        let span = value.span();
        let range = unquote(inner, span.start..span.end.min(inner.len()));
        fields.push(FrontMatterField {
            key: key.get_ref().to_string(),
            value: text,
            range: base + range.start..base + range.end,
        });
    }
    fields.sort_by_key(|f| f.range.start);
    Ok(fields)
}

fn scalar_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Drops surrounding quotes (and trailing whitespace) from a scalar's source range.
fn unquote(text: &str, range: Range<usize>) -> Range<usize> {
    let Some(raw) = text.get(range.clone()) else {
        return range;
    };
    let trimmed_len = raw.trim_end().len();
    let raw = &raw[..trimmed_len];
    for q in ['"', '\''] {
        if raw.len() >= 2 && raw.starts_with(q) && raw.ends_with(q) {
            return range.start + 1..range.start + raw.len() - 1;
        }
    }
    if raw.starts_with("\"\"\"") || raw.starts_with("'''") {
        return range.start + 3..range.start + raw.len().saturating_sub(3).max(3);
    }
    range.start..range.start + raw.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_after_blank_line_with_spans() {
        let src = "\n---\ntitle: '标题_一'\ndate: Thu, 06 Jan 2022 09:29:36 GMT\ntags:\n - a\n---\n正文\n";
        let block = split(src).unwrap();
        assert_eq!(&src[block.body.clone()], "正文\n");
        let (fm, problems) = parse(src, &block);
        assert!(problems.is_empty(), "{problems:?}");
        let title = fm.get("title").unwrap();
        assert_eq!(title.value, "标题_一");
        assert_eq!(&src[title.range.clone()], "标题_一");
        let date = fm.get("date").unwrap();
        assert_eq!(&src[date.range.clone()], "Thu, 06 Jan 2022 09:29:36 GMT");
        assert!(fm.get("tags").is_none());
    }

    #[test]
    fn toml_front_matter_with_spans() {
        let src = "+++\ntitle = \"Hello there\"\ndate = 2022-01-06\n+++\nBody\n";
        let block = split(src).unwrap();
        let (fm, problems) = parse(src, &block);
        assert!(problems.is_empty());
        let title = fm.get("title").unwrap();
        assert_eq!(&src[title.range.clone()], "Hello there");
        assert_eq!(fm.get("date").unwrap().value, "2022-01-06");
    }

    #[test]
    fn malformed_yaml_is_a_problem_not_a_panic() {
        let src = "---\ntitle: [unclosed\n---\nbody";
        let block = split(src).unwrap();
        let (fm, problems) = parse(src, &block);
        assert!(fm.fields.is_empty());
        assert_eq!(problems.len(), 1);
        assert!(problems[0].message.contains("YAML"));
    }

    #[test]
    fn no_closing_fence_is_no_front_matter() {
        assert!(split("---\ntitle: x\nbody").is_none());
        assert!(split("--- not a fence\n").is_none());
    }
}
