//! Shared pure helpers, no I/O: character classes, numbers, dates and times, shingles.

pub mod chars;
pub mod clock;
pub mod dates;
pub mod joined;
pub mod numbers;
pub mod shingles;
pub mod units;
pub mod zones;
