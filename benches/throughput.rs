//! Throughput of a whole lint run with every built-in rule, beside a floor: reading the same
//! files and running one regex over them in parallel (what a grep-like scan costs), and the
//! reading and parsing into documents alone.
//!
//! `cargo bench --bench throughput -- [FOLDER ...]` (default: the repo's fixtures). Reports
//! MB/s, files/s and peak RSS. Not a test: numbers, not assertions.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use factlint::document::Document;
use factlint::engine::{self, Input};
use rayon::prelude::*;

/// The binary's allocator, so that the figures are those of `factlint check`.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let folders =
        if args.is_empty() { vec![concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures").to_string()] } else { args };
    let config = factlint::Config::builtin().expect("built-in rules");
    let (inputs, errors) = engine::collect_inputs(&folders, None, &config);
    assert!(errors.is_empty(), "{errors:?}");
    let paths: Vec<PathBuf> = inputs
        .iter()
        .filter_map(|i| match i {
            Input::File { path, .. } => Some(path.clone()),
            Input::Text { .. } => None,
        })
        .collect();
    let bytes: u64 = paths.iter().map(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0)).sum();
    let mb = bytes as f64 / 1e6;
    println!("corpus: {} files, {:.1} MB, {} threads", paths.len(), mb, rayon::current_num_threads());

    let floor = best_of(5, || {
        let re = regex::Regex::new(r"\d+(?:\.\d+)?\s*(?:坚戈|元|美元|£|\$)").unwrap();
        let n: usize =
            paths.par_iter().map(|p| std::fs::read_to_string(p).map(|s| re.find_iter(&s).count()).unwrap_or(0)).sum();
        std::hint::black_box(n);
    });
    report("floor: read + one regex", floor, mb, paths.len());

    let parse = best_of(5, || {
        let segments: usize = paths
            .par_iter()
            .map(|p| {
                std::fs::read_to_string(p)
                    .map(|s| Document::from_source(0, &p.to_string_lossy(), s).segments.len())
                    .unwrap_or(0)
            })
            .sum();
        std::hint::black_box(segments);
    });
    report("read + parse (what every rule builds on)", parse, mb, paths.len());

    let mut diagnostics = 0;
    let lint = best_of(5, || {
        let inputs = paths.iter().map(|p| Input::File { path: p.clone(), explicit: false }).collect();
        diagnostics = engine::lint(&config, inputs).diagnostics.len();
    });
    report("factlint check (all built-in rules)", lint, mb, paths.len());
    println!("  findings: {diagnostics}; {:.1}x the floor", lint.as_secs_f64() / floor.as_secs_f64());

    let startup = best_of(5, || {
        std::hint::black_box(factlint::Config::builtin().unwrap());
    });
    println!("rule loading (built-in packs): {:.2} ms", startup.as_secs_f64() * 1e3);
    println!("peak RSS: {} MB", peak_rss_kb() / 1024);
}

fn best_of(n: usize, mut f: impl FnMut()) -> Duration {
    (0..n)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap()
}

fn report(what: &str, d: Duration, mb: f64, files: usize) {
    let s = d.as_secs_f64();
    println!("{what}: {:.3} s, {:.0} MB/s, {:.0} files/s", s, mb / s, files as f64 / s);
}

/// Peak resident set size in KiB (Linux), 0 elsewhere.
fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}
