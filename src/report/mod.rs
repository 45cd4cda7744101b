//! Reporters: one per output format, all over the same [`Report`].

pub mod github;
mod human;
pub mod json;
pub mod sarif;

use std::io::{self, Write};

pub use github::Github;
pub use human::Human;
pub use json::Json;
pub use sarif::Sarif;

use crate::engine::Report;

/// Finds, in parallel, the line starts of every file a finding points into, so that writing
/// positions (one after another) does not scan those files one at a time.
pub(crate) fn index_lines(report: &Report) {
    use rayon::prelude::*;
    let mut wanted = vec![false; report.files.len()];
    for d in &report.diagnostics {
        wanted[d.primary.file] = true;
        for l in &d.labels {
            wanted[l.span.file] = true;
        }
    }
    report.files.par_iter().zip(wanted).filter(|(_, w)| *w).for_each(|(f, _)| {
        f.line_index.position(&f.source, 0);
    });
}

/// Writes a report in one format.
pub trait Reporter {
    fn write(&self, report: &Report, out: &mut dyn Write) -> io::Result<()>;
}

/// The output formats of `--format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    Human,
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// GitHub Actions annotations (workflow commands).
    Github,
}

/// The reporter for a format; `color` only matters for `human`.
pub fn reporter(format: OutputFormat, color: bool) -> Box<dyn Reporter> {
    match format {
        OutputFormat::Human => Box::new(Human { color }),
        OutputFormat::Json => Box::new(Json),
        OutputFormat::Sarif => Box::new(Sarif),
        OutputFormat::Github => Box::new(Github),
    }
}
