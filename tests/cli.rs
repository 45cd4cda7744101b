//! The command-line contract: exit codes, formats, inputs, config errors, commands.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

const TYPO: &str = "# 训练\n\n队员们要再接再励。\n";
const CLEAN: &str = "# 训练\n\n队员们要再接再厉。\n";

fn factlint(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("factlint").unwrap();
    cmd.current_dir(dir).env_remove("NO_COLOR").env_remove("CI");
    cmd
}

fn dir_with(files: &[(&str, &[u8])]) -> TempDir {
    let dir = TempDir::new().unwrap();
    for (name, content) in files {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, content).unwrap();
    }
    dir
}

fn json(out: &[u8]) -> Value {
    serde_json::from_slice(out).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(out)))
}

#[test]
fn clean_file_exits_0_with_contract_json() {
    let dir = dir_with(&[("a.md", CLEAN.as_bytes())]);
    let out = factlint(dir.path()).args(["check", "--format", "json", "a.md"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out.stdout);
    assert_eq!(v["version"], 1);
    assert_eq!(v["diagnostics"].as_array().unwrap().len(), 0);
    assert_eq!(v["summary"]["files"], 1);
    assert_eq!(v["summary"]["errors"], 0);
    assert_eq!(v["summary"]["warnings"], 0);
    assert_eq!(v["summary"]["infos"], 0);
}

#[test]
fn json_diagnostic_has_every_field_and_exact_offsets() {
    let dir = dir_with(&[("a.md", TYPO.as_bytes())]);
    let out = factlint(dir.path()).args(["check", "--format", "json", "a.md"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "a warning does not fail by default");
    let v = json(&out.stdout);
    let d = &v["diagnostics"][0];
    assert_eq!(d["rule"], "zh/misspelled-idiom");
    assert_eq!(d["check"], "pattern");
    assert_eq!(d["severity"], "warning");
    assert_eq!(d["path"], "a.md");
    let (start, end) = (d["start"].as_u64().unwrap() as usize, d["end"].as_u64().unwrap() as usize);
    assert_eq!(&TYPO[start..end], "再接再励");
    assert_eq!((d["line"].as_u64(), d["column"].as_u64()), (Some(3), Some(5)));
    assert_eq!((d["end_line"].as_u64(), d["end_column"].as_u64()), (Some(3), Some(9)));
    assert_eq!(d["labels"], serde_json::json!([]));
    assert!(d["help"].is_string());
    assert_eq!(d["fix"]["replacements"][0]["text"], "再接再厉");
    assert_eq!(d["fix"]["replacements"][0]["start"].as_u64(), Some(start as u64));
    assert_eq!(v["summary"]["warnings"], 1);
}

#[test]
fn fail_on_sets_the_threshold() {
    let dir = dir_with(&[("a.md", TYPO.as_bytes())]);
    let code = |args: &[&str]| factlint(dir.path()).arg("check").args(args).arg("a.md").output().unwrap().status.code();
    assert_eq!(code(&[]), Some(0));
    assert_eq!(code(&["--fail-on", "warning"]), Some(1));
    assert_eq!(code(&["--fail-on", "info"]), Some(1));
    assert_eq!(code(&["--fail-on", "never"]), Some(0));
    assert_eq!(code(&["--fail-on", "bogus"]), Some(2));
}

#[test]
fn severity_override_in_config_makes_it_an_error() {
    let dir =
        dir_with(&[("a.md", TYPO.as_bytes()), ("factlint.toml", b"[severity]\n\"zh/misspelled-idiom\" = \"error\"\n")]);
    let out = factlint(dir.path()).args(["check", "--format", "json", "a.md"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json(&out.stdout)["summary"]["errors"], 1);
}

#[test]
fn per_path_override_and_off() {
    let dir = dir_with(&[
        ("news/a.md", TYPO.as_bytes()),
        ("archive/b.md", TYPO.as_bytes()),
        ("factlint.toml", b"[[override]]\npaths = [\"archive/**\"]\nignore = [\"pattern\"]\n"),
    ]);
    let out = factlint(dir.path()).args(["check", "--format", "json", "."]).output().unwrap();
    let v = json(&out.stdout);
    let paths: Vec<&str> = v["diagnostics"].as_array().unwrap().iter().map(|d| d["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["news/a.md"]);
    assert_eq!(v["summary"]["files"], 2);
}

#[test]
fn missing_and_non_utf8_files_exit_2_and_the_rest_is_linted() {
    let dir = dir_with(&[("a.md", TYPO.as_bytes()), ("bad.txt", b"caf\xe9 au lait\n")]);
    let out = factlint(dir.path()).args(["check", "--format", "json", "nope.md", "bad.txt", "a.md"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("nope.md: no such file or directory"), "{stderr}");
    assert!(stderr.contains("bad.txt: not valid UTF-8"), "{stderr}");
    let v = json(&out.stdout);
    assert_eq!(v["diagnostics"].as_array().unwrap().len(), 1);
    assert_eq!(v["summary"]["input_errors"].as_array().unwrap().len(), 2);
}

#[test]
fn binary_files_are_skipped_when_walking_but_an_error_when_named() {
    let dir = dir_with(&[("docs/a.md", CLEAN.as_bytes()), ("docs/blob.txt", b"\x00\x01\x02binary")]);
    let out = factlint(dir.path()).args(["check", "--format", "json", "docs"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json(&out.stdout)["summary"]["files"], 1);
    let out = factlint(dir.path()).args(["check", "docs/blob.txt"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("binary"));
}

#[test]
fn gitignore_is_honoured_outside_git_repositories() {
    let dir = dir_with(&[
        ("site/keep.md", TYPO.as_bytes()),
        ("site/drafts/skip.md", TYPO.as_bytes()),
        ("site/.gitignore", b"drafts/\n"),
    ]);
    let out = factlint(dir.path()).args(["check", "--format", "json", "site"]).output().unwrap();
    let v = json(&out.stdout);
    assert_eq!(v["summary"]["files"], 1);
    assert_eq!(v["diagnostics"][0]["path"], "site/keep.md");
}

#[test]
fn stdin_with_a_name_decides_the_format() {
    let dir = TempDir::new().unwrap();
    let text = "正文再接再励。`再接再励`\n";
    let out = factlint(dir.path())
        .args(["check", "--format", "json", "--stdin-filename", "post.md", "-"])
        .write_stdin(text)
        .output()
        .unwrap();
    let v = json(&out.stdout);
    let diags = v["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 1, "inline code is not prose in Markdown");
    assert_eq!(diags[0]["path"], "post.md");
    assert_eq!(diags[0]["start"].as_u64(), Some("正文".len() as u64));
}

#[test]
fn human_output_has_no_colour_in_a_pipe_and_aligns_carets() {
    let dir = dir_with(&[("a.md", TYPO.as_bytes())]);
    let out = factlint(dir.path()).args(["check", "a.md"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains('\u{1b}'), "no escape codes when not a terminal");
    let line = text.lines().find(|l| l.contains("再接再励。")).unwrap();
    let carets = text.lines().find(|l| l.contains('^')).unwrap();
    let col = |s: &str, pat: &str| unicode_width::UnicodeWidthStr::width(&s[..s.find(pat).unwrap()]);
    assert_eq!(col(line, "再接再励"), col(carets, "^"));
    assert_eq!(carets.matches('^').count(), 8, "four wide characters are eight columns");
    assert!(text.contains("warning[zh/misspelled-idiom]"));
}

#[test]
fn config_errors_exit_2_with_the_span_and_a_suggestion() {
    let dir = dir_with(&[("a.md", CLEAN.as_bytes()), ("factlint.toml", b"severty = {}\n")]);
    let out = factlint(dir.path()).args(["--no-color", "check", "a.md"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("severty"), "{stderr}");
    assert!(stderr.contains("did you mean `severity`?"), "{stderr}");

    let rules = b"[[rule]]\nid = \"x/y\"\nkind = \"patern\"\nseverity = \"error\"\nmessage = \"m\"\ndescription = \"d\"\nwhy = \"w\"\n";
    let dir = dir_with(&[("a.md", CLEAN.as_bytes()), ("r.toml", rules), ("c.toml", b"rules = [\"r.toml\"]\n")]);
    let out = factlint(dir.path()).args(["--no-color", "check", "--config", "c.toml", "a.md"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("unknown check kind `patern`"), "{stderr}");
    assert!(stderr.contains("did you mean `pattern`?"), "{stderr}");
    assert!(stderr.contains("r.toml:3:8"), "points at the value: {stderr}");
}

#[test]
fn select_and_ignore_validate_names() {
    let dir = dir_with(&[("a.md", TYPO.as_bytes())]);
    let out = factlint(dir.path()).args(["check", "--select", "zh/misspeled-idiom", "a.md"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean `zh/misspelled-idiom`?"));
    let out = factlint(dir.path())
        .args(["check", "--format", "json", "--fail-on", "warning", "--ignore", "pattern", "a.md"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let out = factlint(dir.path())
        .args(["check", "--format", "json", "--fail-on", "warning", "--select", "pattern", "a.md"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn rules_explain_init_commands() {
    let dir = TempDir::new().unwrap();
    let out = factlint(dir.path()).arg("rules").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.lines().any(|l| l.starts_with("zh/misspelled-idiom") && l.contains("pattern") && l.contains("yes")));

    let out = factlint(dir.path()).args(["explain", "zh/misspelled-idiom"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Why:") && text.contains("Fires on:") && text.contains("[severity]"));

    let out = factlint(dir.path()).args(["explain", "pattern"]).output().unwrap();
    assert!(String::from_utf8(out.stdout).unwrap().contains("replacements"));
    assert_eq!(factlint(dir.path()).args(["explain", "no/such"]).output().unwrap().status.code(), Some(2));

    assert_eq!(factlint(dir.path()).arg("init").output().unwrap().status.code(), Some(0));
    let written = std::fs::read_to_string(dir.path().join("factlint.toml")).unwrap();
    assert!(written.contains("extends"));
    assert_eq!(factlint(dir.path()).arg("init").output().unwrap().status.code(), Some(2), "never overwrites");
    // The starter config is itself valid.
    let out = factlint(dir.path()).args(["check", "--format", "json", "."]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn test_rules_runs_a_user_rule_file() {
    let good = r#"
[[rule]]
id = "house/no-utilize"
kind = "pattern"
severity = "info"
message = "prefer “use” to “{match}”"
description = "d"
why = "w"
patterns = ['\butiliz(e|es|ed|ing)\b']

[[rule.example]]
text = "We utilize tools."
expect = [{ text = "utilize" }]

[[rule.example]]
text = "We use tools."
expect = []
"#;
    let bad = good.replace("expect = []", "expect = [{ text = \"use\" }]");
    let dir = dir_with(&[("good.toml", good.as_bytes()), ("bad.toml", bad.as_bytes())]);
    let out = factlint(dir.path()).args(["test-rules", "good.toml"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8(out.stdout).unwrap().contains("2 passed, 0 failed"));
    let out = factlint(dir.path()).args(["test-rules", "bad.toml"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8(out.stdout).unwrap().contains("FAIL house/no-utilize example 2"));
    assert_eq!(factlint(dir.path()).args(["test-rules", "missing.toml"]).output().unwrap().status.code(), Some(2));
}

#[test]
fn output_is_identical_with_one_and_many_threads() {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for i in 0..40 {
        let body = if i % 3 == 0 { TYPO } else { CLEAN };
        files.push((format!("d{}/f{i}.md", i % 4), body.as_bytes().to_vec()));
    }
    let refs: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
    let dir = dir_with(&refs);
    let run = |threads: &str| {
        factlint(dir.path())
            .env("RAYON_NUM_THREADS", threads)
            .args(["check", "--format", "json", "."])
            .output()
            .unwrap()
            .stdout
    };
    let one = run("1");
    assert_eq!(one, run("8"));
    assert_eq!(json(&one)["diagnostics"].as_array().unwrap().len(), 14);
}

#[test]
fn fixtures_lint_identically_with_one_and_eight_threads() {
    // Every check kind, run-scope ones included, over every fixture at once.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let run = |threads: &str| {
        let out =
            factlint(root).args(["check", "--format", "json", "--threads", threads, "fixtures"]).output().unwrap();
        assert!(matches!(out.status.code(), Some(0 | 1)), "{}", String::from_utf8_lossy(&out.stderr));
        out.stdout
    };
    let one = run("1");
    assert!(!json(&one)["diagnostics"].as_array().unwrap().is_empty());
    assert_eq!(one, run("8"));
}

#[test]
fn zero_threads_is_a_usage_error() {
    let out = factlint(std::path::Path::new(".")).args(["check", "--threads", "0", "."]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--threads"));
}

#[test]
fn engine_rules_take_their_level_from_the_config() {
    let doc: &[u8] = "---\ntitle: [unclosed\n---\n正文一段。\n".as_bytes();
    let rules_of = |config: &str| {
        let dir = dir_with(&[("factlint.toml", config.as_bytes()), ("a.md", doc)]);
        let out = factlint(dir.path()).args(["check", "--format", "json", "a.md"]).output().unwrap();
        if out.stdout.is_empty() {
            return (out.status.code(), Vec::new());
        }
        let v = json(&out.stdout);
        let found: Vec<(String, String)> = v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| (d["rule"].as_str().unwrap().to_string(), d["severity"].as_str().unwrap().to_string()))
            .collect();
        (out.status.code(), found)
    };
    let fm = "document/invalid-front-matter".to_string();
    assert_eq!(rules_of(""), (Some(0), vec![(fm.clone(), "warning".into())]));
    assert_eq!(
        rules_of("[severity]\n\"document/invalid-front-matter\" = \"error\"\n"),
        (Some(1), vec![(fm, "error".into())])
    );
    assert_eq!(rules_of("[severity]\ndocument = \"off\"\n"), (Some(0), vec![]));
    let (code, _) = rules_of("[severity]\ndocument = \"loud\"\n");
    assert_eq!(code, Some(2));
}

#[test]
fn the_contract_example_config_is_valid() {
    // The configuration shown in the public contract and the README must load as written.
    let config = "extends = [\"builtin:zh-news\", \"builtin:en-news\"]\nrules = [\"rules/house-style.toml\"]\n\
                  [severity]\n\"duplicate/near\" = \"error\"\n[[override]]\npaths = [\"archive/**\"]\n\
                  ignore = [\"timeline\"]\n";
    let house = "[[rule]]\nid = \"house/no-utilize\"\nkind = \"pattern\"\nseverity = \"info\"\n\
                 message = \"prefer use\"\ndescription = \"d\"\nwhy = \"w\"\npatterns = ['\\butilize\\b']\n\
                 [[rule.example]]\ntext = \"We utilize tools.\"\nexpect = [{ text = \"utilize\" }]\n\
                 [[rule.example]]\ntext = \"We use tools.\"\nexpect = []\n";
    let dir = dir_with(&[
        ("factlint.toml", config.as_bytes()),
        ("rules/house-style.toml", house.as_bytes()),
        ("a.md", b"We utilize tools.\n"),
    ]);
    let out = factlint(dir.path()).args(["check", "--format", "json", "a.md"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v = json(&out.stdout);
    assert_eq!(v["diagnostics"][0]["rule"], "house/no-utilize");
}
