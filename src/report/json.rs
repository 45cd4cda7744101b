//! `--format json`: one object, as fixed in the public contract.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::{Value, json};

use super::Reporter;
use crate::diagnostic::{Diagnostic, Fix, Span};
use crate::engine::Report;

pub struct Json;

impl Reporter for Json {
    fn write(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        super::index_lines(report);
        // Written straight from borrowed fields rather than through a `Value` tree: the same
        // text as `to_value` pretty-printed (its keys in the sorted order a `Value` map has).
        let diagnostics: Vec<JsonDiagnostic<'_>> =
            report.diagnostics.iter().map(|d| JsonDiagnostic::new(report, d)).collect();
        let document = JsonReport { diagnostics, summary: summary(report), version: 1 };
        let mut buf = io::BufWriter::with_capacity(1 << 16, &mut *out);
        serde_json::to_writer_pretty(&mut buf, &document)?;
        writeln!(buf)?;
        buf.flush()
    }
}

/// The fields of each object in alphabetical order, as `to_value` sorts them.
#[derive(Serialize)]
struct JsonReport<'a> {
    diagnostics: Vec<JsonDiagnostic<'a>>,
    summary: Value,
    version: u32,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    check: &'a str,
    column: usize,
    end: usize,
    end_column: usize,
    end_line: usize,
    fix: Option<JsonFix<'a>>,
    help: &'a Option<String>,
    labels: Vec<JsonLabel<'a>>,
    line: usize,
    message: &'a str,
    path: &'a str,
    rule: &'a str,
    severity: &'static str,
    start: usize,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    column: usize,
    end: usize,
    line: usize,
    message: &'a str,
    path: &'a str,
    start: usize,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    replacements: Vec<JsonReplacement<'a>>,
}

#[derive(Serialize)]
struct JsonReplacement<'a> {
    end: usize,
    start: usize,
    text: &'a str,
}

impl<'a> JsonDiagnostic<'a> {
    fn new(report: &'a Report, d: &'a Diagnostic) -> JsonDiagnostic<'a> {
        let file = &report.files[d.primary.file];
        let start = file.line_index.position(&file.source, d.primary.start);
        let end = file.line_index.position(&file.source, d.primary.end);
        let labels = d
            .labels
            .iter()
            .map(|l| {
                let (line, column) = position(report, &l.span);
                JsonLabel {
                    column,
                    end: l.span.end,
                    line,
                    message: &l.message,
                    path: report.path(l.span.file),
                    start: l.span.start,
                }
            })
            .collect();
        JsonDiagnostic {
            check: d.check,
            column: start.column,
            end: d.primary.end,
            end_column: end.column,
            end_line: end.line,
            fix: d.fix.as_ref().map(JsonFix::new),
            help: &d.help,
            labels,
            line: start.line,
            message: &d.message,
            path: &file.path,
            rule: &d.rule,
            severity: d.severity.as_str(),
            start: d.primary.start,
        }
    }
}

impl<'a> JsonFix<'a> {
    fn new(fix: &'a Fix) -> JsonFix<'a> {
        let Fix { replacements } = fix;
        JsonFix {
            replacements: replacements
                .iter()
                .map(|r| JsonReplacement { end: r.end, start: r.start, text: &r.text })
                .collect(),
        }
    }
}

fn summary(report: &Report) -> Value {
    let (errors, warnings, infos) = report.counts();
    json!({
        "files": report.files.len(),
        "errors": errors,
        "warnings": warnings,
        "infos": infos,
        "input_errors": report.errors.iter().map(|e| json!({"path": e.path, "reason": e.reason})).collect::<Vec<_>>(),
        "coverage": report.coverage,
        "suppressed": report.suppressed,
        "baselined": report.baselined,
    })
}

/// The JSON document for a report (the reporter writes the same text without building it).
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
    json!({
        "version": 1,
        "diagnostics": diagnostics,
        "summary": summary(report),
    })
}

fn position(report: &Report, span: &Span) -> (usize, usize) {
    let f = &report.files[span.file];
    let p = f.line_index.position(&f.source, span.start);
    (p.line, p.column)
}
