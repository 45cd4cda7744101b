//! Any text as a rule file: loading returns rules or an error whose span is inside the file.
#![no_main]

use factlint::config::{SeenIds, load_rule_file};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Err(e) = load_rule_file("f.toml", text, &mut SeenIds::new()) {
        let r = e.range();
        assert!(r.start <= r.end && r.end <= text.len());
    }
});
