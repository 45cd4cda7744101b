//! Shared pure helpers, no I/O: character classes, numbers, dates and times, shingles.

pub mod chars;
pub mod shingles;
