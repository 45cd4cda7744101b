//! The integrations: SARIF and GitHub output, inline suppressions, baselines, fixes, the CMS
//! path (standard input + JSON), coverage statistics and the progress bar's silence in pipes.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

/// A misspelled idiom (a warning with a fix) in a paragraph of its own.
const BAD: &str = "队员们表示要再接再励，争取更好成绩。\n";

fn factlint(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("factlint").unwrap();
    c.current_dir(dir).env_remove("CI").env("NO_COLOR", "1");
    c
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

fn stdout_of(c: &mut Command, code: i32) -> String {
    let out = c.output().unwrap();
    assert_eq!(out.status.code(), Some(code), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

// ---------------------------------------------------------------- SARIF

#[test]
fn sarif_has_one_run_every_rule_regions_in_code_points_and_fixes() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.md", &format!("# 标题\n\n{BAD}"));
    let out = stdout_of(factlint(dir.path()).args(["check", "--format", "sarif", "a.md"]), 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["version"], "2.1.0");
    assert!(v["$schema"].as_str().unwrap().ends_with("sarif-schema-2.1.0.json"));
    let runs = v["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "factlint");
    let rules = driver["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&"zh/misspelled-idiom") && ids.contains(&"factlint/unused-suppression"), "{ids:?}");
    for r in rules {
        for key in ["shortDescription", "fullDescription", "help"] {
            assert!(!r[key]["text"].as_str().unwrap().is_empty(), "{} lacks {key}", r["id"]);
        }
        assert!(["error", "warning", "note"].contains(&r["defaultConfiguration"]["level"].as_str().unwrap()));
    }
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    let res = &results[0];
    assert_eq!(res["ruleId"], "zh/misspelled-idiom");
    assert_eq!(rules[res["ruleIndex"].as_u64().unwrap() as usize]["id"], "zh/misspelled-idiom");
    assert_eq!(rules[res["ruleIndex"].as_u64().unwrap() as usize]["defaultConfiguration"]["level"], "warning");
    assert_eq!(res["level"], "warning");
    let loc = &res["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "a.md");
    // Line 3, "再接再励" starts at character 7 and ends before character 11.
    assert_eq!(loc["region"], serde_json::json!({"startLine": 3, "startColumn": 7, "endLine": 3, "endColumn": 11}));
    let change = &res["fixes"][0]["artifactChanges"][0];
    assert_eq!(change["artifactLocation"]["uri"], "a.md");
    assert_eq!(change["replacements"][0]["deletedRegion"], loc["region"]);
    assert_eq!(change["replacements"][0]["insertedContent"]["text"], "再接再厉");
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
}

#[test]
fn sarif_related_locations_carry_labels() {
    use factlint::diagnostic::Label;
    use factlint::diagnostic::Span;
    let config = factlint::Config::builtin().unwrap();
    let text = format!("第一段。\n\n{BAD}");
    let mut report = factlint::lint_text(&config, "新闻 1.md", &text);
    let first = text.find("第一段").unwrap();
    report.diagnostics[0].labels.push(Label { span: Span::new(0, first..first + 9), message: "see here".into() });
    let v = factlint::report::sarif::to_value(&report);
    let res = &v["runs"][0]["results"][0];
    let rel = &res["relatedLocations"][0];
    assert_eq!(rel["id"], 0);
    assert_eq!(rel["message"]["text"], "see here");
    assert_eq!(rel["physicalLocation"]["artifactLocation"]["uri"], "%E6%96%B0%E9%97%BB%201.md");
    assert_eq!(
        rel["physicalLocation"]["region"],
        serde_json::json!({"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 4})
    );
}

#[test]
fn sarif_reports_unreadable_inputs_as_notifications_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = stdout_of(factlint(dir.path()).args(["check", "--format", "sarif", "missing.md"]), 2);
    let v: Value = serde_json::from_str(&out).unwrap();
    let inv = &v["runs"][0]["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false);
    assert_eq!(inv["toolExecutionNotifications"][0]["message"]["text"], "missing.md: no such file or directory");
}

// ---------------------------------------------------------------- GitHub annotations

#[test]
fn github_annotations_have_positions_title_and_escaping() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a,b:c.md", BAD);
    let out = stdout_of(factlint(dir.path()).args(["check", "--format", "github", "a,b:c.md"]), 0);
    assert_eq!(
        out,
        "::warning file=a%2Cb%3Ac.md,line=1,endLine=1,col=7,endColumn=11,title=factlint zh/misspelled-idiom::\
         “再接再励” is a misspelling of “再接再厉”%0Ahelp: write “再接再厉”\n"
    );
}

#[test]
fn github_escapes_percent_and_newlines_in_messages() {
    assert_eq!(factlint::report::github::escape_data("5% off\r\nnow"), "5%25 off%0D%0Anow");
    assert_eq!(factlint::report::github::escape_property("a:b,c%"), "a%3Ab%2Cc%25");
}

// ---------------------------------------------------------------- suppressions

#[test]
fn disable_next_line_by_rule_id_or_kind() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "<!-- factlint-disable-next-line zh/misspelled-idiom -->\n{BAD}\n<!-- factlint-disable-next-line pattern -->\n{BAD}\n{BAD}"
    );
    write(dir.path(), "a.md", &text);
    let out = stdout_of(factlint(dir.path()).args(["check", "--format", "json", "a.md"]), 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    let diags = v["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 1, "{out}");
    assert_eq!(diags[0]["line"], 7);
}

#[test]
fn disable_enable_blocks_and_html() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("<!-- factlint-disable -->\n{BAD}\n{BAD}\n<!-- factlint-enable -->\n\n{BAD}");
    write(dir.path(), "a.md", &text);
    let out = stdout_of(factlint(dir.path()).args(["check", "--format", "json", "a.md"]), 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    let lines: Vec<u64> = v["diagnostics"].as_array().unwrap().iter().map(|d| d["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, vec![8]);

    let html = "<p>一</p>\n<!-- factlint-disable zh/misspelled-idiom -->\n<p>要再接再励。</p>\n";
    write(dir.path(), "b.html", html);
    let out = stdout_of(factlint(dir.path()).args(["check", "--format", "json", "b.html"]), 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["diagnostics"].as_array().unwrap().len(), 0, "{out}");
}

#[test]
fn unused_suppressions_are_info_findings_that_select_and_ignore_control() {
    let dir = tempfile::tempdir().unwrap();
    let text = "<!-- factlint-disable-next-line zh/misspelled-idiom -->\n队员们表示要再接再厉。\n\n<!-- factlint-disable no/such-rule -->\n";
    write(dir.path(), "a.md", text);
    let out = stdout_of(factlint(dir.path()).args(["check", "--format", "json", "a.md"]), 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    let diags = v["diagnostics"].as_array().unwrap();
    let got: Vec<(&str, &str, &str, u64)> = diags
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap(),
                d["check"].as_str().unwrap(),
                d["severity"].as_str().unwrap(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("factlint/unused-suppression", "suppression", "info", 1),
            ("factlint/unused-suppression", "suppression", "info", 4)
        ]
    );
    assert_eq!(diags[0]["message"], "`factlint-disable-next-line zh/misspelled-idiom` suppresses nothing");
    assert_eq!(diags[1]["message"], "`no/such-rule` is not a rule id or check kind, so this suppresses nothing");
    // Info findings fail only with --fail-on info.
    stdout_of(factlint(dir.path()).args(["check", "--fail-on", "info", "a.md"]), 1);
    // Ignored by id or by kind; a --select that leaves them out hides them.
    for args in [
        &["--ignore", "factlint/unused-suppression"][..],
        &["--ignore", "suppression"],
        &["--select", "zh/misspelled-idiom"],
    ] {
        let out = stdout_of(factlint(dir.path()).args(["check", "--format", "json", "a.md"]).args(args), 0);
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["diagnostics"].as_array().unwrap().len(), 0, "{args:?}: {out}");
    }
    // Selected alone, they are all that is reported.
    let out = stdout_of(
        factlint(dir.path()).args(["check", "--format", "json", "--select", "factlint/unused-suppression", "a.md"]),
        0,
    );
    let v: Value = serde_json::from_str(&out).unwrap();
    // The suppression for a rule that did not run is not "unused"; the unknown name still is.
    assert_eq!(v["diagnostics"].as_array().unwrap().len(), 1, "{out}");
}

// ---------------------------------------------------------------- baseline

#[test]
fn baseline_hides_old_findings_even_when_lines_move_and_shows_new_ones() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.md", &format!("第一段。\n\n{BAD}"));
    let out = factlint(dir.path()).args(["check", "--write-baseline", "baseline.json", "."]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    let b: Value = serde_json::from_str(&std::fs::read_to_string(dir.path().join("baseline.json")).unwrap()).unwrap();
    assert_eq!(b["version"], 1);
    assert_eq!(b["findings"][0]["path"], "a.md");
    assert_eq!(b["findings"][0]["rule"], "zh/misspelled-idiom");
    assert_eq!(b["findings"][0]["text"], "再接再励");

    // Lines added above: nothing new.
    write(dir.path(), "a.md", &format!("新的导语。\n\n更多背景。\n\n第一段。\n\n{BAD}"));
    let fail_on = ["--fail-on", "warning"];
    let out = stdout_of(
        factlint(dir.path()).args(["check", "--format", "json", "--baseline", "baseline.json", "."]).args(fail_on),
        0,
    );
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["diagnostics"].as_array().unwrap().len(), 0);
    assert_eq!(v["summary"]["baselined"], 1);
    let out = stdout_of(factlint(dir.path()).args(["check", "--baseline", "baseline.json", "."]), 0);
    assert!(
        out.ends_with("0 errors, 0 warnings, 0 info in 1 file (0 suppressed by comments, 1 known to the baseline)\n"),
        "{out}"
    );

    // A new finding shows, alone.
    write(dir.path(), "a.md", &format!("第一段。\n\n{BAD}\n大家一股作气。\n"));
    let out = stdout_of(
        factlint(dir.path()).args(["check", "--format", "json", "--baseline", "baseline.json", "."]).args(fail_on),
        1,
    );
    let v: Value = serde_json::from_str(&out).unwrap();
    let diags = v["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0]["line"], 5);
}

#[test]
fn a_missing_or_invalid_baseline_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.md", BAD);
    factlint(dir.path()).args(["check", "--baseline", "nope.json", "a.md"]).assert().code(2);
    write(dir.path(), "bad.json", "{\"version\": 1}");
    factlint(dir.path()).args(["check", "--baseline", "bad.json", "a.md"]).assert().code(2);
}

// ---------------------------------------------------------------- fixes

const WITH_FRONT_MATTER: &str =
    "---\ntitle: 要再接再励\n---\n\n队员们表示要再接再励，  争取更好成绩。\r\n\n另一段也要再接再励。\n";

#[test]
fn fix_writes_only_the_fixed_spans_and_the_file_relints_clean() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.md", WITH_FRONT_MATTER);
    let out = factlint(dir.path()).args(["check", "--fix", "--format", "json", "a.md"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("fixed 2 finding(s) in 1 file(s)"), "{stderr}");
    let fixed = std::fs::read_to_string(dir.path().join("a.md")).unwrap();
    // Front matter untouched; the CRLF and the double space kept; both body slips fixed.
    assert_eq!(
        fixed,
        WITH_FRONT_MATTER.replacen("再接再励，", "再接再厉，", 1).replace("也要再接再励", "也要再接再厉")
    );
    // What is reported after fixing is what is left: the front-matter finding (no fix there).
    let v: Value = serde_json::from_str(&String::from_utf8(out.stdout).unwrap()).unwrap();
    let diags = v["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0]["line"], 2);
    assert_eq!(diags[0]["fix"], Value::Null);
    // No temporary file left beside it.
    let names: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(names, vec!["a.md"]);
}

#[test]
fn a_fixed_body_relints_clean() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.md", &format!("# 赛后\n\n{BAD}\n大家一股作气。\n"));
    factlint(dir.path()).args(["check", "--fix", "--fail-on", "info", "a.md"]).assert().code(0);
    factlint(dir.path()).args(["check", "--fail-on", "info", "a.md"]).assert().code(0);
}

#[test]
fn diff_shows_fixes_without_writing() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.md", WITH_FRONT_MATTER);
    let out = stdout_of(factlint(dir.path()).args(["check", "--diff", "a.md"]), 1);
    assert_eq!(
        out,
        "--- a/a.md\n+++ b/a.md\n@@ -2,6 +2,6 @@\n title: 要再接再励\n ---\n \n\
         -队员们表示要再接再励，  争取更好成绩。\r\n+队员们表示要再接再厉，  争取更好成绩。\r\n \n\
         -另一段也要再接再励。\n+另一段也要再接再厉。\n"
    );
    assert_eq!(std::fs::read_to_string(dir.path().join("a.md")).unwrap(), WITH_FRONT_MATTER);
    // Nothing to fix: no diff, exit 0.
    write(dir.path(), "b.md", "干净的一段。\n");
    assert_eq!(stdout_of(factlint(dir.path()).args(["check", "--diff", "b.md"]), 0), "");
}

#[test]
fn fix_refuses_standard_input() {
    let dir = tempfile::tempdir().unwrap();
    factlint(dir.path()).args(["check", "--fix", "-"]).write_stdin(BAD).assert().code(2);
    let out =
        stdout_of(factlint(dir.path()).args(["check", "--diff", "--stdin-filename", "x.md", "-"]).write_stdin(BAD), 1);
    assert!(out.contains("+队员们表示要再接再厉"), "{out}");
}

// ---------------------------------------------------------------- CMS, stats, progress

#[test]
fn cms_lints_standard_input_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let article = format!("---\ntitle: 赛后\n---\n{BAD}");
    let out = stdout_of(
        factlint(dir.path())
            .args(["check", "--format", "json", "--fail-on", "warning", "--stdin-filename", "drafts/42.md", "-"])
            .write_stdin(article),
        1,
    );
    let v: Value = serde_json::from_str(&out).unwrap();
    let d = &v["diagnostics"][0];
    assert_eq!(d["path"], "drafts/42.md");
    assert_eq!((d["line"].as_u64(), d["column"].as_u64()), (Some(4), Some(7)));
    assert_eq!(d["fix"]["replacements"][0]["text"], "再接再厉");
}

#[test]
fn stats_and_json_coverage_say_what_was_checked() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.md", &format!("# 标题\n\n{BAD}"));
    write(dir.path(), "b.txt", "一段。\n\n两段。\n");
    let out = factlint(dir.path()).args(["check", "--stats", "."]).output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("coverage of 2 file(s):"), "{stderr}");
    assert!(stderr.contains("pattern      documents 2, segments 4, findings 1"), "{stderr}");
    let out = stdout_of(factlint(dir.path()).args(["check", "--format", "json", "."]), 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["summary"]["coverage"]["pattern"]["documents"], 2);
    assert_eq!(v["summary"]["coverage"]["pattern"]["segments"], 4);
}

#[test]
fn no_progress_bar_in_pipes() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..250 {
        write(dir.path(), &format!("{i:03}.txt"), "一段。\n");
    }
    let out = factlint(dir.path()).args(["check", "."]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn progress_is_told_every_document() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    #[derive(Default)]
    struct Count {
        total: AtomicUsize,
        done: AtomicUsize,
        finished: AtomicUsize,
    }
    impl factlint::engine::Progress for Count {
        fn start(&self, total: usize) {
            self.total.store(total, Ordering::SeqCst);
        }
        fn advance(&self) {
            self.done.fetch_add(1, Ordering::SeqCst);
        }
        fn finish(&self) {
            self.finished.fetch_add(1, Ordering::SeqCst);
        }
    }
    let dir = tempfile::tempdir().unwrap();
    for i in 0..5 {
        write(dir.path(), &format!("{i}.md"), BAD);
    }
    let count = Count::default();
    let config = factlint::Config::builtin().unwrap();
    let root = dir.path().display().to_string();
    let report = factlint::lint_paths_with_progress(&config, &[root], None, Some(&count));
    assert_eq!(report.diagnostics.len(), 5);
    assert_eq!((count.total.into_inner(), count.done.into_inner(), count.finished.into_inner()), (5, 5, 1));
}

#[test]
fn fixes_of_every_fixing_kind_apply_and_relint_clean() {
    // A doubled character, a wrong weekday, a non-preferred variant and a mismatched quote.
    let text =
        "# 访问\n\n2022年1月6日（星期五），代表团由由北京出发。\n\n特朗普会见代表团。川普当天表示“欢迎来访\"。\n";
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.md", text);
    let out = factlint(dir.path()).args(["check", "--fix", "--fail-on", "info", "a.md"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("fixed 4 finding(s) in 1 file(s)"), "{out:?}");
    let fixed = std::fs::read_to_string(dir.path().join("a.md")).unwrap();
    assert_eq!(
        fixed,
        "# 访问\n\n2022年1月6日（星期四），代表团由北京出发。\n\n特朗普会见代表团。特朗普当天表示“欢迎来访”。\n"
    );
    factlint(dir.path()).args(["check", "--fail-on", "info", "a.md"]).assert().code(0);
}
