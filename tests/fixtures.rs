//! Every document under `fixtures/<kind>/`:
//! - `flag-*` files must produce at least one finding of check kind `<kind>`;
//! - `clean-*` files must produce none of that kind;
//! - the rendered human output of each file, linted alone with the built-in rules, is an
//!   insta snapshot (so spans, messages and caret alignment are pinned).

use std::path::{Path, PathBuf};

use factlint::report::{OutputFormat, reporter};
use factlint::{Config, lint_paths};

fn fixture_files() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    for kind in std::fs::read_dir(&root).expect("fixtures/") {
        let kind = kind.unwrap().path();
        if !kind.is_dir() {
            continue;
        }
        for f in std::fs::read_dir(&kind).unwrap() {
            let f = f.unwrap().path();
            if f.is_file() {
                out.push(f);
            }
        }
    }
    out.sort();
    out
}

fn relative(p: &Path) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    p.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/")
}

#[test]
fn fixtures_flag_and_stay_clean_by_kind() {
    let config = Config::builtin().unwrap();
    let mut problems = Vec::new();
    let files = fixture_files();
    assert!(!files.is_empty());
    // Run from the crate root so paths are relative and snapshots portable.
    std::env::set_current_dir(env!("CARGO_MANIFEST_DIR")).unwrap();
    for f in &files {
        let rel = relative(f);
        let kind = f.parent().unwrap().file_name().unwrap().to_str().unwrap().to_string();
        let name = f.file_name().unwrap().to_str().unwrap();
        if name.starts_with("multi-") {
            continue; // linted together with its siblings by the kind's own tests
        }
        let report = lint_paths(&config, std::slice::from_ref(&rel), None);
        assert!(report.errors.is_empty(), "{rel}: {:?}", report.errors);
        let of_kind = report.diagnostics.iter().filter(|d| d.check == kind).count();
        if name.starts_with("flag-") && of_kind == 0 {
            problems.push(format!("{rel}: expected a `{kind}` finding, got none"));
        }
        if name.starts_with("clean-") && of_kind > 0 {
            let msgs: Vec<_> =
                report.diagnostics.iter().filter(|d| d.check == kind).map(|d| d.message.clone()).collect();
            problems.push(format!("{rel}: expected no `{kind}` finding, got {msgs:?}"));
        }
        let mut out = Vec::new();
        reporter(OutputFormat::Human, false).write(&report, &mut out).unwrap();
        let rendered = String::from_utf8(out).unwrap();
        let snap_name = rel.trim_start_matches("fixtures/").replace(['/', '.'], "__");
        insta::with_settings!({ snapshot_path => "snapshots/fixtures", prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!(snap_name, rendered);
        });
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
