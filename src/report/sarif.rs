//! `--format sarif`: SARIF 2.1.0, one run, for code-scanning services (GitHub code scanning,
//! IDE viewers). The driver lists every rule of the run; columns count Unicode code points,
//! as in the JSON output.

use std::io::{self, Write};

use serde_json::{Value, json};

use super::Reporter;
use crate::diagnostic::{Diagnostic, Severity, Span};
use crate::engine::{Report, RuleInfo};

pub struct Sarif;

const SCHEMA: &str = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

impl Reporter for Sarif {
    fn write(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        super::index_lines(report);
        serde_json::to_writer_pretty(&mut *out, &to_value(report))?;
        writeln!(out)
    }
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A relative URI reference for a path: `/`-separated, bytes outside RFC 3986's unreserved
/// set percent-encoded (so CJK file names and spaces survive).
pub fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let path = path.trim_start_matches("./");
    let mut s = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

fn rule_value(r: &RuleInfo) -> Value {
    let mut help = r.why.clone();
    if let Some(h) = &r.help {
        help.push_str(&format!("\n\nHow to fix: {h}"));
    }
    help.push_str(&format!("\n\nRun `factlint explain {}` for examples and configuration.", r.id));
    json!({
        "id": r.id,
        "name": r.id,
        "shortDescription": {"text": r.description},
        "fullDescription": {"text": format!("{} {}", r.description, r.why)},
        "help": {"text": help},
        "defaultConfiguration": {"level": level(r.severity), "enabled": r.enabled},
        "properties": {"tags": [r.kind], "kind": r.kind},
    })
}

fn region(report: &Report, span: &Span) -> Value {
    let f = &report.files[span.file];
    let start = f.line_index.position(&f.source, span.start);
    let end = f.line_index.position(&f.source, span.end);
    json!({
        "startLine": start.line,
        "startColumn": start.column,
        "endLine": end.line,
        "endColumn": end.column,
    })
}

fn location(report: &Report, span: &Span) -> Value {
    json!({
        "physicalLocation": {
            "artifactLocation": {"uri": uri(report.path(span.file))},
            "region": region(report, span),
        }
    })
}

fn result(report: &Report, d: &Diagnostic, rule_index: Option<usize>) -> Value {
    let mut message = d.message.clone();
    if let Some(h) = &d.help {
        message.push_str(&format!("\nhelp: {h}"));
    }
    let mut v = json!({
        "ruleId": d.rule,
        "level": level(d.severity),
        "message": {"text": message},
        "locations": [location(report, &d.primary)],
        "partialFingerprints": {"factlintContext/v1": crate::baseline::fingerprint(report, d)},
    });
    if let Some(i) = rule_index {
        v["ruleIndex"] = json!(i);
    }
    if !d.labels.is_empty() {
        let related: Vec<Value> = d
            .labels
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let mut loc = location(report, &l.span);
                loc["id"] = json!(i);
                loc["message"] = json!({"text": l.message});
                loc
            })
            .collect();
        v["relatedLocations"] = Value::Array(related);
    }
    if let Some(fix) = &d.fix {
        let replacements: Vec<Value> = fix
            .replacements
            .iter()
            .map(|r| {
                let span = Span { file: d.primary.file, start: r.start, end: r.end };
                json!({"deletedRegion": region(report, &span), "insertedContent": {"text": r.text}})
            })
            .collect();
        let description = d.help.clone().unwrap_or_else(|| format!("apply the fix of {}", d.rule));
        v["fixes"] = json!([{
            "description": {"text": description},
            "artifactChanges": [{
                "artifactLocation": {"uri": uri(report.path(d.primary.file))},
                "replacements": replacements,
            }],
        }]);
    }
    v
}

/// The SARIF log for a report.
pub fn to_value(report: &Report) -> Value {
    let rules: Vec<Value> = report.rules.iter().map(rule_value).collect();
    let results: Vec<Value> = report
        .diagnostics
        .iter()
        .map(|d| result(report, d, report.rules.iter().position(|r| r.id == d.rule)))
        .collect();
    let notifications: Vec<Value> = report
        .errors
        .iter()
        .map(|e| {
            json!({
                "level": "error",
                "message": {"text": format!("{}: {}", e.path, e.reason)},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri(&e.path)}}}],
            })
        })
        .collect();
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "factlint",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://crates.io/crates/factlint",
                    "rules": rules,
                }
            },
            "invocations": [{
                "executionSuccessful": report.errors.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}
