//! Many texts laid end to end, so that one search runs over all of a document's segments.

use std::ops::Range;

/// Texts laid end to end, a newline after each, so that a search runs once over all of them
/// (one call per short paragraph costs more than the scan itself). A match of a needle without
/// a newline never spans two texts.
#[derive(Debug, Default)]
pub struct JoinedTexts {
    text: String,
    /// The byte range of each text in `text`.
    ranges: Vec<Range<usize>>,
}

impl JoinedTexts {
    /// `texts` laid end to end.
    pub fn new<'a>(texts: impl IntoIterator<Item = &'a str> + Clone) -> JoinedTexts {
        let (count, len) = texts.clone().into_iter().fold((0, 0), |(n, len), t| (n + 1, len + t.len() + 1));
        let mut joined = JoinedTexts { text: String::with_capacity(len), ranges: Vec::with_capacity(count) };
        for t in texts {
            let start = joined.text.len();
            joined.text.push_str(t);
            joined.ranges.push(start..joined.text.len());
            joined.text.push('\n');
        }
        joined
    }

    /// All the texts, each followed by a newline.
    #[inline]
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Where text `k` starts in [`as_str`](Self::as_str).
    #[inline]
    pub fn start(&self, k: usize) -> Option<usize> {
        self.ranges.get(k).map(|r| r.start)
    }

    /// The bytes of text `k` (empty past the last).
    #[inline]
    pub fn text(&self, k: usize) -> &[u8] {
        self.ranges.get(k).and_then(|r| self.text.as_bytes().get(r.clone())).unwrap_or(&[])
    }

    /// Each match of `finder` (a needle of non-ASCII bytes, so never across the newline
    /// between two texts) as the index of its text and its offset there, in order.
    pub fn hits<'s>(
        &'s self,
        finder: &'s memchr::memmem::Finder<'static>,
    ) -> impl Iterator<Item = (usize, usize)> + 's {
        let mut k = 0;
        finder.find_iter(self.text.as_bytes()).filter_map(move |at| {
            while self.ranges.get(k).is_some_and(|r| r.end <= at) {
                k += 1;
            }
            let r = self.ranges.get(k)?;
            (at >= r.start).then(|| (k, at - r.start))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_found_where_they_were_laid() {
        let j = JoinedTexts::new(["当地时间", "", "x时"]);
        assert_eq!(j.as_str(), "当地时间\n\nx时\n");
        assert_eq!((j.start(0), j.start(1), j.start(2), j.start(3)), (Some(0), Some(13), Some(14), None));
        assert_eq!(j.text(2), "x时".as_bytes());
        let finder = memchr::memmem::Finder::new("时".as_bytes()).into_owned();
        assert_eq!(j.hits(&finder).collect::<Vec<_>>(), vec![(0, 6), (2, 1)]);
    }
}
