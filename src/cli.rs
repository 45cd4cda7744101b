//! Command-line interface: commands and flags, each documented where it is declared.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::report::OutputFormat;

/// factlint: find contradictions in articles before they are published.
#[derive(Debug, Parser)]
#[command(name = "factlint", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// Use this config file instead of the nearest factlint.toml / .factlint.toml.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Plain output, no colour (also when NO_COLOR is set or stdout is not a terminal).
    #[arg(long, global = true)]
    pub no_color: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint files and folders (folders walked honouring .gitignore); no PATH means ".".
    Check(CheckArgs),
    /// List every rule: id, check kind, default severity, enabled, summary.
    Rules,
    /// Show a rule's (or a check kind's) documentation.
    Explain {
        /// A rule id such as `zh/doubled-character`, or a check kind such as `pattern`.
        rule: String,
    },
    /// Write a commented starter factlint.toml in the current folder (never overwrites).
    Init,
    /// Run the examples of every rule in a rule file (each after its `before` documents, in one
    /// run); exit 1 if one fails.
    TestRules {
        /// The rule file (TOML with [[rule]] tables).
        file: PathBuf,
    },
    /// Print the prose segments of a file with their byte ranges (for debugging rules).
    #[command(hide = true)]
    Segments { file: PathBuf },
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or folders to lint; `-` reads standard input.
    #[arg(value_name = "PATH")]
    pub paths: Vec<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,

    /// The lowest severity that makes the exit status 1.
    #[arg(long, value_enum, default_value_t = FailOnArg::Error)]
    pub fail_on: FailOnArg,

    /// Enable only these rules, by rule id or check kind (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "ID,...")]
    pub select: Vec<String>,

    /// Disable these rules, by rule id or check kind (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "ID,...")]
    pub ignore: Vec<String>,

    /// The name (and so the format) of text read from standard input.
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<String>,

    /// Apply the safe fixes findings carry, writing files in place (atomically); then report
    /// what is left. Front matter is never rewritten.
    #[arg(long, conflicts_with = "diff")]
    pub fix: bool,

    /// Print the fixes as a unified diff instead of writing them; exit 1 when there is one.
    #[arg(long)]
    pub diff: bool,

    /// Hide the findings recorded in this baseline file: only new findings are reported.
    #[arg(long, value_name = "FILE", conflicts_with = "write_baseline")]
    pub baseline: Option<PathBuf>,

    /// Record every finding of this run in a baseline file (and report nothing; exit 0).
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,

    /// Print per check kind what was extracted and checked, and what was found (on stderr).
    #[arg(long)]
    pub stats: bool,
    /// Worker threads (default: one per core). The output is the same for any number.
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<usize>,
    /// Read every file instead of mapping the larger ones into memory (mapping is faster, but a
    /// file truncated by another program while it is being linted stops the run).
    #[arg(long)]
    pub no_mmap: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOnArg {
    Error,
    Warning,
    Info,
    Never,
}
