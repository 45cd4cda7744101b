//! `--format human`: rustc-style snippets with labelled spans (codespan-reporting), carets
//! aligned by display width under CJK text.

use std::io::{self, Write};

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label, Severity as CsSeverity};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::termcolor::{Ansi, NoColor};
use codespan_reporting::term::{self, Config};

use super::Reporter;
use crate::diagnostic::Severity;
use crate::engine::Report;

pub struct Human {
    pub color: bool,
}

impl Reporter for Human {
    fn write(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let mut files = SimpleFiles::new();
        for f in &report.files {
            files.add(f.path.as_str(), f.source.as_str());
        }
        let config = Config::default();
        let mut ansi;
        let mut plain;
        let writer: &mut dyn term::WriteStyle = if self.color {
            ansi = Ansi::new(&mut *out);
            &mut ansi
        } else {
            plain = NoColor::new(&mut *out);
            &mut plain
        };
        for d in &report.diagnostics {
            let severity = match d.severity {
                Severity::Error => CsSeverity::Error,
                Severity::Warning => CsSeverity::Warning,
                Severity::Info => CsSeverity::Note,
            };
            let mut labels = vec![Label::primary(d.primary.file, d.primary.range()).with_message(&d.primary_label)];
            labels.extend(
                d.labels.iter().map(|l| Label::secondary(l.span.file, l.span.range()).with_message(&l.message)),
            );
            let mut notes = Vec::new();
            if let Some(h) = &d.help {
                notes.push(format!("help: {h}"));
            }
            if d.fix.is_some() {
                notes.push("fix available: run with --fix".to_string());
            }
            let diag = CsDiagnostic::new(severity)
                .with_code(&d.rule)
                .with_message(&d.message)
                .with_labels(labels)
                .with_notes(notes);
            term::emit_to_write_style(writer, &config, &files, &diag).map_err(io::Error::other)?;
        }
        let (e, w, i) = report.counts();
        let files_word = if report.files.len() == 1 { "file" } else { "files" };
        let hidden = match (report.suppressed, report.baselined) {
            (0, 0) => String::new(),
            (s, b) => format!(" ({s} suppressed by comments, {b} known to the baseline)"),
        };
        writeln!(
            writer,
            "{} {}, {} {}, {} {} in {} {}{}",
            e,
            plural(e, "error"),
            w,
            plural(w, "warning"),
            i,
            plural(i, "info"),
            report.files.len(),
            files_word,
            hidden
        )
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 || word == "info" { word.to_string() } else { format!("{word}s") }
}
