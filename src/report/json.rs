//! `--format json`: one object, as fixed in the public contract.

use std::io::{self, Write};

use serde_json::{Value, json};

use super::Reporter;
use crate::diagnostic::Span;
use crate::engine::Report;

pub struct Json;

impl Reporter for Json {
    fn write(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, &to_value(report))?;
        writeln!(out)
    }
}

/// The JSON document for a report.
pub fn to_value(report: &Report) -> Value {
    let diagnostics: Vec<Value> = report
        .diagnostics
        .iter()
        .map(|d| {
            let file = &report.files[d.primary.file];
            let start = file.line_index.position(&file.source, d.primary.start);
            let end = file.line_index.position(&file.source, d.primary.end);
            let labels: Vec<Value> = d
                .labels
                .iter()
                .map(|l| {
                    json!({
                        "path": report.path(l.span.file),
                        "start": l.span.start,
                        "end": l.span.end,
                        "line": position(report, &l.span).0,
                        "column": position(report, &l.span).1,
                        "message": l.message,
                    })
                })
                .collect();
            json!({
                "rule": d.rule,
                "check": d.check,
                "severity": d.severity.as_str(),
                "message": d.message,
                "path": file.path,
                "start": d.primary.start,
                "end": d.primary.end,
                "line": start.line,
                "column": start.column,
                "end_line": end.line,
                "end_column": end.column,
                "labels": labels,
                "help": d.help,
                "fix": d.fix,
            })
        })
        .collect();
    let (errors, warnings, infos) = report.counts();
    json!({
        "version": 1,
        "diagnostics": diagnostics,
        "summary": {
            "files": report.files.len(),
            "errors": errors,
            "warnings": warnings,
            "infos": infos,
            "input_errors": report.errors.iter().map(|e| json!({"path": e.path, "reason": e.reason})).collect::<Vec<_>>(),
            "coverage": report.coverage,
            "suppressed": report.suppressed,
            "baselined": report.baselined,
        }
    })
}

fn position(report: &Report, span: &Span) -> (usize, usize) {
    let f = &report.files[span.file];
    let p = f.line_index.position(&f.source, span.start);
    (p.line, p.column)
}
