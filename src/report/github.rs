//! `--format github`: GitHub Actions workflow commands, one annotation per finding
//! (`::error file=…,line=…,endLine=…,col=…,endColumn=…,title=…::message`), shown on the
//! pull request's changed lines. Escaping follows the Actions toolkit: in the message `%`, CR
//! and LF; in property values also `:` and `,`.

use std::io::{self, Write};

use super::Reporter;
use crate::diagnostic::Severity;
use crate::engine::Report;

pub struct Github;

/// Escapes a command's message.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a command's property value.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

impl Reporter for Github {
    fn write(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        super::index_lines(report);
        for e in &report.errors {
            writeln!(
                out,
                "::error file={},title={}::{}",
                escape_property(&e.path),
                escape_property("factlint: input error"),
                escape_data(&e.reason)
            )?;
        }
        for d in &report.diagnostics {
            let f = &report.files[d.primary.file];
            let start = f.line_index.position(&f.source, d.primary.start);
            let end = f.line_index.position(&f.source, d.primary.end);
            let command = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let mut message = d.message.clone();
            if let Some(h) = &d.help {
                message.push_str(&format!("\nhelp: {h}"));
            }
            writeln!(
                out,
                "::{command} file={},line={},endLine={},col={},endColumn={},title={}::{}",
                escape_property(&f.path),
                start.line,
                end.line,
                start.column,
                end.column,
                escape_property(&format!("factlint {}", d.rule)),
                escape_data(&message)
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_toolkit() {
        assert_eq!(escape_data("50% a\r\nb: c, d"), "50%25 a%0D%0Ab: c, d");
        assert_eq!(escape_property("50% a\r\nb: c, d"), "50%25 a%0D%0Ab%3A c%2C d");
    }
}
