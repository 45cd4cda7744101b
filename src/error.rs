//! The tool's own errors: bad rule or config files (with their TOML span, for miette), bad
//! arguments, unreadable inputs. Lint findings are never errors; they are diagnostics.

use std::ops::Range;
use std::path::PathBuf;

use miette::{Diagnostic, NamedSource, SourceSpan};
use thiserror::Error;

/// A problem in a TOML file (rule file or config), pointing at the exact span.
#[derive(Debug, Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(code(factlint::config))]
pub struct FileError {
    pub message: String,
    #[source_code]
    pub src: NamedSource<String>,
    #[label("{label}")]
    pub span: SourceSpan,
    pub label: String,
    #[label("{other_label}")]
    pub other: Option<SourceSpan>,
    pub other_label: String,
    #[help]
    pub help: Option<String>,
}

impl FileError {
    pub fn new(name: &str, source: &str, span: Range<usize>, message: impl Into<String>) -> FileError {
        let span = clamp(source, span);
        FileError {
            message: message.into(),
            src: NamedSource::new(name, source.to_string()).with_language("toml"),
            span: span.into(),
            label: "here".into(),
            other: None,
            other_label: String::new(),
            help: None,
        }
    }

    pub fn label(mut self, label: impl Into<String>) -> FileError {
        self.label = label.into();
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> FileError {
        self.help = Some(help.into());
        self
    }

    pub fn also(mut self, source_len: usize, span: Range<usize>, label: impl Into<String>) -> FileError {
        let span = span.start.min(source_len)..span.end.min(source_len);
        self.other = Some(span.into());
        self.other_label = label.into();
        self
    }

    /// The byte range the error points at.
    pub fn range(&self) -> Range<usize> {
        self.span.offset()..self.span.offset() + self.span.len()
    }
}

fn clamp(source: &str, span: Range<usize>) -> Range<usize> {
    let start = span.start.min(source.len());
    let end = span.end.clamp(start, source.len());
    start..end
}

/// Everything that stops factlint from doing its job (exit status 2).
#[derive(Debug, Error, Diagnostic)]
pub enum Error {
    #[error(transparent)]
    #[diagnostic(transparent)]
    File(FileError),

    #[error("cannot read {path}: {source}")]
    #[diagnostic(code(factlint::io))]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("{0}")]
    #[diagnostic(code(factlint::usage))]
    Usage(String),
}

impl From<FileError> for Error {
    fn from(e: FileError) -> Error {
        Error::File(e)
    }
}

/// A file that could not be linted; the run goes on without it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub path: String,
    pub reason: String,
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.reason)
    }
}

/// The closest candidate to `word` (edit distance at most a third of its length, min 2).
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(2);
    candidates
        .into_iter()
        .map(|c| (levenshtein(word, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_key() {
        assert_eq!(nearest("severty", ["severity", "message", "id"]), Some("severity"));
        assert_eq!(nearest("zzz", ["severity", "message"]), None);
        assert_eq!(nearest("conversoin", ["conversion", "pattern"]), Some("conversion"));
    }
}
