//! The bad-input table (README "Bad input"): each case gets a clear message, the right exit
//! status, and the other files are still linted.

use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

const TYPO: &str = "队员们要再接再励。\n";

fn factlint(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("factlint").unwrap();
    cmd.current_dir(dir).env_remove("NO_COLOR").env_remove("CI").timeout(Duration::from_secs(120));
    cmd
}

/// Runs `check --format json` on `paths` beside a good file; returns (exit code, json, stderr).
fn run_beside_good(dir: &TempDir, paths: &[&str]) -> (Option<i32>, Value, String) {
    std::fs::write(dir.path().join("good.md"), TYPO).unwrap();
    let out = factlint(dir.path()).args(["check", "--format", "json"]).args(paths).arg("good.md").output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    let good = v["diagnostics"].as_array().unwrap().iter().filter(|d| d["path"] == "good.md").count();
    assert_eq!(good, 1, "the good file is still linted");
    (out.status.code(), v, String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn invalid_utf8() {
    let dir = TempDir::new().unwrap();
    std::fs::write(dir.path().join("latin1.txt"), b"na\xefve caf\xe9\n").unwrap();
    let (code, _, err) = run_beside_good(&dir, &["latin1.txt"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("latin1.txt: not valid UTF-8 (invalid byte at offset 2)"), "{err}");
}

#[test]
fn binary_named_explicitly() {
    let dir = TempDir::new().unwrap();
    std::fs::write(dir.path().join("image.txt"), b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR").unwrap();
    let (code, _, err) = run_beside_good(&dir, &["image.txt"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("image.txt: binary file"), "{err}");
}

#[test]
fn empty_file_is_clean() {
    let dir = TempDir::new().unwrap();
    std::fs::write(dir.path().join("empty.md"), b"").unwrap();
    let (code, v, err) = run_beside_good(&dir, &["empty.md"]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(v["summary"]["files"], 2);
}

#[test]
fn huge_file_is_refused_without_reading_it() {
    let dir = TempDir::new().unwrap();
    // Sparse: 200 MB on paper, nothing on disk.
    let f = std::fs::File::create(dir.path().join("huge.txt")).unwrap();
    f.set_len(200 << 20).unwrap();
    let (code, _, err) = run_beside_good(&dir, &["huge.txt"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("huge.txt: file too large to lint (200 MB; the limit is 64 MB"), "{err}");
}

#[test]
fn html_nested_100_000_deep() {
    let dir = TempDir::new().unwrap();
    let mut html = "<div>".repeat(100_000);
    html.push_str("<p>队员们要再接再励。</p>");
    html.push_str(&"</div>".repeat(100_000));
    std::fs::write(dir.path().join("deep.html"), html).unwrap();
    let (code, v, err) = run_beside_good(&dir, &["deep.html"]);
    assert_eq!(code, Some(0), "{err}");
    let deep = v["diagnostics"].as_array().unwrap().iter().filter(|d| d["path"] == "deep.html").count();
    assert_eq!(deep, 1, "the paragraph at the bottom is still checked");
}

#[test]
fn markdown_nested_deep() {
    let dir = TempDir::new().unwrap();
    let mut md = ">".repeat(20_000);
    md.push_str(" 队员们要再接再励。\n\n");
    for i in 0..2_000 {
        md.push_str(&"  ".repeat(i));
        md.push_str("- 项\n");
    }
    std::fs::write(dir.path().join("deep.md"), md).unwrap();
    let (code, _, err) = run_beside_good(&dir, &["deep.md"]);
    assert_eq!(code, Some(0), "{err}");
}

#[test]
fn malformed_front_matter_is_a_finding_not_an_abort() {
    let dir = TempDir::new().unwrap();
    std::fs::write(dir.path().join("fm.md"), "---\ntitle: [unclosed\n---\n\n队员们要再接再励。\n").unwrap();
    let (code, v, err) = run_beside_good(&dir, &["fm.md"]);
    assert_eq!(code, Some(0), "{err}");
    let rules: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["path"] == "fm.md")
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["document/invalid-front-matter", "zh/misspelled-idiom"]);
}

#[test]
fn bad_toml_config_exits_2_before_linting() {
    let dir = TempDir::new().unwrap();
    std::fs::write(dir.path().join("factlint.toml"), "extends = [\n").unwrap();
    std::fs::write(dir.path().join("good.md"), TYPO).unwrap();
    let out = factlint(dir.path()).args(["--no-color", "check", "good.md"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid config"));
}

#[cfg(unix)]
#[test]
fn symlink_loop() {
    let dir = TempDir::new().unwrap();
    std::os::unix::fs::symlink("b.md", dir.path().join("a.md")).unwrap();
    std::os::unix::fs::symlink("a.md", dir.path().join("b.md")).unwrap();
    let (code, _, err) = run_beside_good(&dir, &["a.md"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("a.md:"), "{err}");
    // Walking the folder does not follow the links, so it neither loops nor fails.
    let out = factlint(dir.path()).args(["check", "--format", "json", "."]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
}

#[cfg(unix)]
#[test]
fn unreadable_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new().unwrap();
    let p = dir.path().join("secret.md");
    std::fs::write(&p, TYPO).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&p).is_ok() {
        return; // running as root: permissions do not stop reads, nothing to test
    }
    let (code, _, err) = run_beside_good(&dir, &["secret.md"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("secret.md: permission denied"), "{err}");
}

#[test]
fn a_single_10_mb_line() {
    let dir = TempDir::new().unwrap();
    let sentence = "这是一句很长的话，没有换行。";
    let mut line = sentence.repeat((10 << 20) / sentence.len() + 1);
    line.push_str("队员们要再接再励。");
    assert!(line.len() >= 10 << 20);
    std::fs::write(dir.path().join("long.txt"), line).unwrap();
    let (code, v, err) = run_beside_good(&dir, &["long.txt"]);
    assert_eq!(code, Some(0), "{err}");
    let long: Vec<&Value> = v["diagnostics"].as_array().unwrap().iter().filter(|d| d["path"] == "long.txt").collect();
    assert_eq!(long.len(), 1);
    assert_eq!(long[0]["line"], 1);
}

#[test]
fn large_files_are_mapped_and_give_what_reading_gives() {
    let dir = TempDir::new().unwrap();
    // Well over the size from which files are mapped rather than read.
    let filler = "这是一段普通的文字，只为把文件撑大。\n\n".repeat(1000);
    std::fs::write(dir.path().join("big.md"), format!("{filler}{TYPO}")).unwrap();
    let mut invalid = filler.clone().into_bytes();
    invalid.extend_from_slice(b"caf\xe9\n");
    std::fs::write(dir.path().join("invalid.md"), &invalid).unwrap();
    let mut binary = b"\x89PNG\x00\x00".to_vec();
    binary.extend_from_slice(filler.as_bytes());
    std::fs::write(dir.path().join("binary.txt"), &binary).unwrap();
    let run = |extra: &[&str]| {
        factlint(dir.path())
            .args(["check", "--format", "json"])
            .args(extra)
            .args(["big.md", "invalid.md", "binary.txt"])
            .output()
            .unwrap()
    };
    let (mapped, read) = (run(&[]), run(&["--no-mmap"]));
    assert_eq!(mapped.status.code(), Some(2));
    assert_eq!(mapped.status.code(), read.status.code());
    assert_eq!(mapped.stdout, read.stdout);
    assert_eq!(mapped.stderr, read.stderr);
    let err = String::from_utf8_lossy(&mapped.stderr);
    assert!(
        err.contains(&format!("invalid.md: not valid UTF-8 (invalid byte at offset {})", filler.len() + 3)),
        "{err}"
    );
    assert!(err.contains("binary.txt: binary file"), "{err}");
    let v: Value = serde_json::from_slice(&mapped.stdout).unwrap();
    let found: Vec<&Value> = v["diagnostics"].as_array().unwrap().iter().filter(|d| d["path"] == "big.md").collect();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["line"], 2001);
}
