//! Rule files: `[[rule]]` tables read in two steps, so that every problem is reported at its
//! key or value. Step one splits the fields every rule shares from the kind's own keys; step
//! two hands the kind's keys to the kind, which denies unknown ones.

use std::collections::HashMap;

use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::checks::{self, Check, Example, KINDS, RuleMeta, SpecInput};
use crate::diagnostic::Severity;
use crate::error::{FileError, nearest};

/// A rule ready to run.
pub struct Rule {
    pub meta: RuleMeta,
    pub check: Box<dyn Check>,
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rule").field("meta", &self.meta).finish_non_exhaustive()
    }
}

/// Keys every rule has, whatever its kind.
const COMMON_KEYS: &[&str] = &["id", "kind", "severity", "message", "description", "why", "help", "enabled", "example"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Common {
    id: Spanned<String>,
    kind: Spanned<String>,
    severity: Spanned<String>,
    message: String,
    description: String,
    why: String,
    #[serde(default)]
    help: Option<String>,
    #[serde(default = "yes")]
    enabled: bool,
    #[serde(default)]
    example: Vec<Example>,
}

fn yes() -> bool {
    true
}

/// Where an id was first defined, to report duplicates across files.
pub type SeenIds = HashMap<String, (String, std::ops::Range<usize>)>;

/// Parses one rule file. `name` is how errors name it (a path or `builtin:rules/x.toml`).
pub fn load_rule_file(name: &str, source: &str, seen: &mut SeenIds) -> Result<Vec<Rule>, FileError> {
    let err = |span: std::ops::Range<usize>, msg: String| FileError::new(name, source, span, msg);
    let doc = DeTable::parse(source)
        .map_err(|e| err(e.span().unwrap_or(0..0), format!("invalid TOML: {}", e.message().trim())).label("here"))?;
    let mut rules = Vec::new();
    for (key, value) in doc.into_inner() {
        if key.get_ref() != "rule" {
            let mut e = err(key.span(), format!("unknown key `{}` in a rule file", key.get_ref())).label("unknown key");
            e = e.help(match nearest(key.get_ref(), ["rule"]) {
                Some(k) => format!("did you mean `{k}`? A rule file holds `[[rule]]` tables"),
                None => "a rule file holds only `[[rule]]` tables".to_string(),
            });
            return Err(e);
        }
        let span = value.span();
        let DeValue::Array(items) = value.into_inner() else {
            return Err(err(span, "`rule` must be an array of tables: write `[[rule]]`".into()));
        };
        for item in items {
            rules.push(load_rule(name, source, item, seen)?);
        }
    }
    Ok(rules)
}

fn load_rule(name: &str, source: &str, item: Spanned<DeValue<'_>>, seen: &mut SeenIds) -> Result<Rule, FileError> {
    let err = |span: std::ops::Range<usize>, msg: String| FileError::new(name, source, span, msg);
    let table_span = item.span();
    let DeValue::Table(table) = item.into_inner() else {
        return Err(err(table_span, "each `rule` must be a table".into()));
    };
    // The table's span covers the header only: point "missing key" errors at it.
    let mut common = DeTable::new();
    let mut rest = DeTable::new();
    for (k, v) in table {
        if COMMON_KEYS.contains(&k.get_ref().as_ref()) {
            common.insert(k, v);
        } else {
            rest.insert(k, v);
        }
    }
    // Step one: the shared fields.
    let common: Common = Common::deserialize(toml::de::ValueDeserializer::from(Spanned::new(
        table_span.clone(),
        DeValue::Table(common),
    )))
    .map_err(|e| {
        let span = e.span().unwrap_or(table_span.clone());
        let msg = e.message().trim().to_string();
        // A missing shared field is usually a misspelt one: point at the misspelling.
        if let Some(missing) = msg.strip_prefix("missing field `").and_then(|r| r.split('`').next())
            && let Some((k, _)) = rest.iter().find(|(k, _)| nearest(k.get_ref(), [missing]).is_some())
        {
            return err(k.span(), format!("unknown key `{}` in rule", k.get_ref()))
                .label("unknown key")
                .help(format!("did you mean `{missing}`?"));
        }
        let mut fe = err(span, format!("invalid rule: {msg}"));
        if msg.starts_with("missing field") {
            fe = fe.label("in this rule");
        }
        fe
    })?;

    let kind = checks::kind(common.kind.get_ref()).ok_or_else(|| {
        let names = KINDS.iter().map(|k| k.name);
        let mut e = err(common.kind.span(), format!("unknown check kind `{}`", common.kind.get_ref()))
            .label("not a check kind");
        let all: Vec<&str> = KINDS.iter().map(|k| k.name).collect();
        e = e.help(match nearest(common.kind.get_ref(), names) {
            Some(k) => format!("did you mean `{k}`? Kinds: {}", all.join(", ")),
            None => format!("the kinds are: {}", all.join(", ")),
        });
        e
    })?;

    let severity = Severity::parse(common.severity.get_ref()).ok_or_else(|| {
        err(common.severity.span(), format!("invalid severity `{}`", common.severity.get_ref()))
            .label("not a severity")
            .help("use \"error\", \"warning\" or \"info\"")
    })?;

    let id = common.id.get_ref().clone();
    if !valid_id(&id) {
        return Err(err(common.id.span(), format!("invalid rule id `{id}`"))
            .label("not a rule id")
            .help("rule ids are \"pack-or-kind/problem-name\", lowercase kebab-case, e.g. \"zh/doubled-character\""));
    }
    if let Some((first_file, first_span)) = seen.get(&id) {
        let mut e = err(common.id.span(), format!("duplicate rule id `{id}`")).label("defined again here");
        if first_file == name {
            e = e.also(source.len(), first_span.clone(), "first defined here");
        } else {
            e = e.help(format!("first defined in {first_file}"));
        }
        return Err(e);
    }
    seen.insert(id.clone(), (name.to_string(), common.id.span()));

    let meta = RuleMeta {
        id,
        kind: kind.name,
        severity,
        message: common.message,
        description: common.description,
        why: common.why,
        help: common.help,
        enabled: common.enabled,
        origin: name.to_string(),
        examples: common.example,
    };
    // Step two: the kind's own keys.
    let spec = SpecInput { value: Spanned::new(table_span.clone(), DeValue::Table(rest)) };
    let check = (kind.build)(&meta, spec).map_err(|e| {
        let span = e.span.clone().unwrap_or(table_span.clone());
        let mut fe = err(span, format!("invalid `{}` rule `{}`: {}", kind.name, meta.id, e.message));
        if let Some(field) = unknown_field(&e.message) {
            let expected = expected_fields(&e.message);
            let candidates = expected.iter().map(String::as_str).chain(COMMON_KEYS.iter().copied());
            fe = fe.label("unknown key");
            fe = fe.help(match nearest(field, candidates) {
                Some(k) => format!("did you mean `{k}`? See `factlint explain {}` for its keys", kind.name),
                None => format!("see `factlint explain {}` for its keys", kind.name),
            });
        }
        fe
    })?;
    Ok(Rule { meta, check })
}

/// `pack-or-kind/problem-name`, lowercase kebab-case segments.
fn valid_id(id: &str) -> bool {
    let parts: Vec<&str> = id.split('/').collect();
    parts.len() >= 2
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && !p.starts_with('-')
                && !p.ends_with('-')
        })
}

/// The field named by serde's "unknown field `x`, expected ..." message.
fn unknown_field(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("unknown field `")?;
    Some(&rest[..rest.find('`')?])
}

/// The field names listed after "expected" in serde's unknown-field message.
fn expected_fields(message: &str) -> Vec<String> {
    let Some(i) = message.find("expected") else {
        return Vec::new();
    };
    message[i..].split('`').skip(1).step_by(2).map(str::to_string).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(src: &str) -> Result<Vec<Rule>, FileError> {
        load_rule_file("rules.toml", src, &mut SeenIds::new())
    }

    const OK: &str = r#"
[[rule]]
id = "test/x"
kind = "pattern"
severity = "warning"
message = "m"
description = "d"
why = "w"
patterns = ["x"]
"#;

    fn span_text(src: &str, e: &FileError) -> String {
        src[e.range()].to_string()
    }

    #[test]
    fn loads_a_valid_rule() {
        let rules = load(OK).unwrap();
        assert_eq!(rules.len(), 1);
        assert_eq!(rules[0].meta.id, "test/x");
        assert_eq!(rules[0].meta.severity, Severity::Warning);
    }

    #[test]
    fn unknown_kind_key_points_at_the_key_and_suggests() {
        let src = OK.replace("patterns = ", "paterns = ");
        let e = load(&src).unwrap_err();
        assert_eq!(span_text(&src, &e), "paterns");
        assert_eq!(e.help.as_deref().unwrap().split('?').next(), Some("did you mean `patterns`"));
    }

    #[test]
    fn unknown_common_key_is_reported_at_the_key() {
        let src = OK.replace("severity =", "severty =");
        let e = load(&src).unwrap_err();
        assert_eq!(span_text(&src, &e), "severty");
        assert!(e.help.as_deref().unwrap().contains("`severity`"), "{:?}", e.help);
    }

    #[test]
    fn unknown_kind_suggests_the_nearest() {
        let src = OK.replace("\"pattern\"", "\"patern\"");
        let e = load(&src).unwrap_err();
        assert_eq!(span_text(&src, &e), "\"patern\"");
        assert!(e.help.unwrap().starts_with("did you mean `pattern`"));
    }

    #[test]
    fn wrong_type_points_at_the_value() {
        let src = OK.replace("patterns = [\"x\"]", "patterns = 3");
        let e = load(&src).unwrap_err();
        assert_eq!(span_text(&src, &e), "3");
        assert!(e.message.contains("invalid type"), "{}", e.message);
    }

    #[test]
    fn invalid_regex_points_at_the_pattern() {
        let src = OK.replace("[\"x\"]", "[\"ok\", \"(unclosed\"]");
        let e = load(&src).unwrap_err();
        assert_eq!(span_text(&src, &e), "\"(unclosed\"");
        assert!(e.message.contains("invalid regex"));
    }

    #[test]
    fn duplicate_id_points_at_the_second() {
        let src = format!("{OK}\n{OK}");
        let e = load(&src).unwrap_err();
        assert_eq!(e.message, "duplicate rule id `test/x`");
        assert!(e.range().start > OK.len());
        assert!(e.other.is_some());
    }

    #[test]
    fn invalid_severity_and_toml_syntax() {
        let src = OK.replace("\"warning\"", "\"fatal\"");
        let e = load(&src).unwrap_err();
        assert_eq!(span_text(&src, &e), "\"fatal\"");
        let e = load("[[rule]\nid=").unwrap_err();
        assert!(e.message.starts_with("invalid TOML"));
    }

    #[test]
    fn missing_field_names_it() {
        let src = OK.replace("why = \"w\"\n", "");
        let e = load(&src).unwrap_err();
        assert!(e.message.contains("missing field `why`"), "{}", e.message);
    }
}
