//! Reporters: one per output format, all over the same [`Report`].

mod human;
mod json;

use std::io::{self, Write};

pub use human::Human;
pub use json::Json;

use crate::engine::Report;

/// Writes a report in one format.
pub trait Reporter {
    fn write(&self, report: &Report, out: &mut dyn Write) -> io::Result<()>;
}

/// The output formats of `--format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    Human,
    Json,
}

/// The reporter for a format; `color` only matters for `human`.
pub fn reporter(format: OutputFormat, color: bool) -> Box<dyn Reporter> {
    match format {
        OutputFormat::Human => Box::new(Human { color }),
        OutputFormat::Json => Box::new(Json),
    }
}
