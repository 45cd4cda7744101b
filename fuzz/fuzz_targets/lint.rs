//! Any text linted with every built-in rule, as Markdown, HTML and plain text: no panic, and
//! every span slices its file.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;

static CONFIG: LazyLock<factlint::Config> = LazyLock::new(|| factlint::Config::builtin().unwrap());

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for name in ["f.md", "f.html", "f.txt"] {
        let report = factlint::lint_text(&CONFIG, name, text);
        for d in &report.diagnostics {
            assert!(report.files[d.primary.file].source.get(d.primary.range()).is_some());
            for l in &d.labels {
                assert!(report.files[l.span.file].source.get(l.span.range()).is_some());
            }
        }
    }
});
