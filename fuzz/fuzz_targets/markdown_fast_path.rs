//! Any text as Markdown: the plain blocks read directly give exactly the segments the parser
//! gives when it reads every block.
#![no_main]

use factlint::document::markdown_segments_both_ways;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (direct, parsed) = markdown_segments_both_ways(text, 0..text.len());
    assert_eq!(direct, parsed);
});
