//! The text of one input: owned, or the file's pages mapped read-only.
//!
//! Every file's text is kept until the report is written (snippets, line and column, the
//! run-scope checks). Read into memory, each page of it is a fresh page the kernel must
//! allocate and zero before the copy lands in it; mapped, the pages already in the page cache
//! are used as they are. On the Chinese reference corpus that was a third of all page faults.

use std::fmt;
use std::ops::Deref;

/// UTF-8 text, owned or mapped from a file. Dereferences to `str`.
pub struct Source(Repr);

enum Repr {
    Owned(String),
    /// Validated as UTF-8 when mapped.
    Mapped(memmap2::Mmap),
}

/// Why a file's bytes are not text.
#[derive(Debug, PartialEq, Eq)]
pub enum NotText {
    /// A NUL byte in the first 8 KiB.
    Binary,
    /// Not valid UTF-8: the offset of the first invalid byte.
    InvalidUtf8(usize),
}

impl Source {
    /// The text as a string slice.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Owned(s) => s,
            // SAFETY: the bytes were validated as UTF-8 when mapped (`Source::mapped`), and
            // the mapping is read-only and private.
            Repr::Mapped(m) => unsafe { std::str::from_utf8_unchecked(m) },
        }
    }

    /// A file's bytes read into memory, checked to be text.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Source, NotText> {
        check_text(&bytes)?;
        // SAFETY: `check_text` has just validated every byte as UTF-8.
        Ok(Source(Repr::Owned(unsafe { String::from_utf8_unchecked(bytes) })))
    }

    /// An open file of `len` bytes mapped read-only, checked to be text; `Ok(None)` when it
    /// cannot be mapped (then it is read instead).
    ///
    /// A file truncated by another program while it is mapped makes the next read of a page
    /// past its new end fault (`SIGBUS`), as with every tool that maps its input (ripgrep,
    /// clang); the text itself is never written through the mapping.
    pub fn mapped(file: &std::fs::File, len: u64) -> Result<Option<Source>, NotText> {
        // SAFETY: the mapping is private and read-only; the file is not expected to change
        // while it is linted (see above), and its bytes are validated as UTF-8 before they are
        // ever read as a `str`.
        let map = match unsafe { memmap2::MmapOptions::new().populate().map(file) } {
            Ok(map) if map.len() as u64 == len => map,
            _ => return Ok(None),
        };
        check_text(&map)?;
        Ok(Some(Source(Repr::Mapped(map))))
    }
}

/// A NUL byte in the first 8 KiB means a binary file; then the bytes must be UTF-8, checked
/// with SIMD first (the standard validator walks Chinese text one character at a time), the
/// standard validator giving the offset of the first invalid byte for the message.
fn check_text(bytes: &[u8]) -> Result<(), NotText> {
    let head = &bytes[..bytes.len().min(8192)];
    if memchr::memchr(0, head).is_some() {
        return Err(NotText::Binary);
    }
    if simdutf8::basic::from_utf8(bytes).is_ok() {
        return Ok(());
    }
    match std::str::from_utf8(bytes) {
        Ok(_) => Ok(()),
        Err(e) => Err(NotText::InvalidUtf8(e.valid_up_to())),
    }
}

impl Deref for Source {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl From<String> for Source {
    fn from(s: String) -> Source {
        Source(Repr::Owned(s))
    }
}

impl fmt::Debug for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn bytes_are_checked_to_be_text() {
        assert_eq!(Source::from_bytes("阿拉木图".into()).unwrap().as_str(), "阿拉木图");
        assert_eq!(Source::from_bytes(b"ab\0c".to_vec()).unwrap_err(), NotText::Binary);
        assert_eq!(Source::from_bytes(b"ab\xffc".to_vec()).unwrap_err(), NotText::InvalidUtf8(2));
    }

    #[test]
    fn a_mapped_file_reads_as_its_text() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        let text = "曼吉斯套州。\n".repeat(5000);
        f.write_all(text.as_bytes()).unwrap();
        let file = std::fs::File::open(f.path()).unwrap();
        let s = Source::mapped(&file, text.len() as u64).unwrap().unwrap();
        assert_eq!(s.as_str(), text);
        // A size that no longer matches the file is read the ordinary way instead.
        assert!(Source::mapped(&file, 3).unwrap().is_none());
        let mut bad = tempfile::NamedTempFile::new().unwrap();
        bad.write_all(&[b'a'; 20000]).unwrap();
        bad.write_all(b"\xe6\x9b").unwrap();
        let file = std::fs::File::open(bad.path()).unwrap();
        assert_eq!(Source::mapped(&file, 20002).unwrap_err(), NotText::InvalidUtf8(20000));
    }
}
