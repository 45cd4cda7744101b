//! Scaling of the `duplicate` check: its rules run over 10% and 100% of a corpus (time should
//! grow linearly), peak memory, and the recall of the LSH candidate stage against exhaustive
//! comparison of a sample.
//!
//! `cargo bench --bench duplicates -- [FOLDER]` or `DUPLICATES_CORPUS=FOLDER` (default: the
//! repo's fixtures). Not a test: numbers, not assertions.

use std::time::{Duration, Instant};

use factlint::checks::duplicate::{LSH_BUCKET_CAP, paragraph_sketches};
use factlint::document::Document;
use factlint::engine::{self, Input};
use factlint::text::shingles::{Sketch, jaccard, lsh_candidates};

const RULES: [&str; 3] = ["duplicate/exact", "duplicate/near", "duplicate/cross-document"];
const THRESHOLD: f64 = 0.8;
/// Paragraphs compared exhaustively for the recall figure.
const SAMPLE_PARAGRAPHS: usize = 10_000;

fn main() {
    let folder = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with("--"))
        .or_else(|| std::env::var("DUPLICATES_CORPUS").ok())
        .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures").to_string());
    let mut config = factlint::Config::builtin().expect("built-in rules");
    let (inputs, errors) = engine::collect_inputs(std::slice::from_ref(&folder), None, &config);
    assert!(errors.is_empty(), "{errors:?}");
    let paths: Vec<std::path::PathBuf> = inputs
        .into_iter()
        .filter_map(|i| match i {
            Input::File { path, .. } => Some(path),
            Input::Text { .. } => None,
        })
        .collect();
    let mut baseline = factlint::Config::builtin().expect("built-in rules");
    baseline.select(&["zh/misspelled-idiom".to_string()]).expect("baseline rule");
    config.select(&RULES.map(String::from)).expect("duplicate rules");
    println!("corpus: {} files, {} threads", paths.len(), rayon::current_num_threads());
    println!("peak RSS before linting: {} MB", peak_rss_kb() / 1024);

    let mut times = Vec::new();
    for share in [10, 100] {
        let n = (paths.len() * share).div_ceil(100).max(1).min(paths.len());
        let part = &paths[..n];
        let mb = part.iter().map(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0)).sum::<u64>() as f64 / 1e6;
        let run = |config: &factlint::Config| {
            let inputs = part.iter().map(|p| Input::File { path: p.clone(), explicit: false }).collect();
            engine::lint(config, inputs)
        };
        let base = best_of(3, || {
            std::hint::black_box(run(&baseline).diagnostics.len());
        });
        let mut findings = 0;
        let dup = best_of(3, || findings = run(&config).diagnostics.len());
        let extra = dup.saturating_sub(base);
        println!(
            "{share:>3}% ({n} files, {mb:.1} MB): CPU time: duplicate rules {:.3} s, engine alone (one literal rule) {:.3} s, \
             the check's own cost {:.3} s ({:.0} MB/s); {findings} findings ({:.2}/MB)",
            dup.as_secs_f64(),
            base.as_secs_f64(),
            extra.as_secs_f64(),
            mb / extra.as_secs_f64().max(1e-9),
            findings as f64 / mb.max(1e-9)
        );
        times.push((mb, extra.as_secs_f64(), dup.as_secs_f64()));
        println!("peak RSS so far: {} MB", peak_rss_kb() / 1024);
    }
    if let [(mb10, own10, all10), (mb100, own100, all100)] = times[..] {
        println!(
            "scaling: {:.1}x the text took {:.1}x the time (own cost), {:.1}x (whole run)",
            mb100 / mb10,
            own100 / own10.max(1e-9),
            all100 / all10.max(1e-9)
        );
    }
    recall(&paths);
}

/// Exhaustive comparison of a sample (every k-th document) against the LSH candidates.
fn recall(paths: &[std::path::PathBuf]) {
    let mut sketches: Vec<Sketch> = Vec::new();
    let total: usize = paths.len();
    // A spread-out sample: every k-th document until the paragraph budget is spent.
    let step = if total > 200 { 5 } else { 1 };
    for (i, p) in paths.iter().enumerate().step_by(step) {
        let Ok(text) = std::fs::read_to_string(p) else { continue };
        let doc = Document::from_source(i, &p.to_string_lossy(), text);
        sketches.extend(paragraph_sketches(&doc));
        if sketches.len() >= SAMPLE_PARAGRAPHS {
            break;
        }
    }
    let t = Instant::now();
    // Exhaustive: every pair whose sizes allow a similarity at the threshold.
    let mut order: Vec<usize> = (0..sketches.len()).collect();
    order.sort_by_key(|&i| sketches[i].shingles.len());
    let mut truth: Vec<(u32, u32, bool)> = Vec::new();
    let mut compared = 0u64;
    for (x, &i) in order.iter().enumerate() {
        let a = &sketches[i].shingles;
        for &j in &order[x + 1..] {
            let b = &sketches[j].shingles;
            if (a.len() as f64) < THRESHOLD * b.len() as f64 {
                break;
            }
            compared += 1;
            if jaccard(a, b) >= THRESHOLD {
                let identical = sketches[i].exact == sketches[j].exact;
                truth.push((i.min(j) as u32, i.max(j) as u32, identical));
            }
        }
    }
    let exhaustive = t.elapsed();
    let t = Instant::now();
    let candidates =
        lsh_candidates(sketches.iter().enumerate().map(|(i, s)| (i as u32, s)), LSH_BUCKET_CAP, |_, _| true);
    let lsh = t.elapsed();
    let found = |t: &(u32, u32, bool)| candidates.binary_search(&(t.0, t.1)).is_ok();
    let near: Vec<&(u32, u32, bool)> = truth.iter().filter(|t| !t.2).collect();
    let near_found = near.iter().filter(|t| found(t)).count();
    let all_found = truth.iter().filter(|t| t.2 || found(t)).count();
    println!(
        "recall sample: {} paragraphs; exhaustive: {compared} pairs compared in {:.2} s, {} at or above {THRESHOLD} \
         ({} identical, {} near)",
        sketches.len(),
        exhaustive.as_secs_f64(),
        truth.len(),
        truth.len() - near.len(),
        near.len()
    );
    println!(
        "LSH: {} candidate pairs in {:.3} s; recall {}/{} = {:.4} (near pairs {near_found}/{}; identical pairs are \
         grouped by their exact hash before LSH)",
        candidates.len(),
        lsh.as_secs_f64(),
        all_found,
        truth.len(),
        all_found as f64 / truth.len().max(1) as f64,
        near.len()
    );
}

/// The best of `n` runs, in CPU time of the whole process (user + system, all threads), which
/// other load on the machine disturbs less than wall time does.
fn best_of(n: usize, mut f: impl FnMut()) -> Duration {
    (0..n)
        .map(|_| {
            let t = cpu_time();
            f();
            cpu_time().saturating_sub(t)
        })
        .min()
        .unwrap()
}

/// CPU time used by this process so far (Linux; clock ticks of 10 ms), zero elsewhere.
fn cpu_time() -> Duration {
    let ticks = std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            // Fields after the command name (which may hold spaces) start at the last ')'.
            let rest = s.rsplit_once(')')?.1;
            let f: Vec<&str> = rest.split_whitespace().collect();
            Some(f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?)
        })
        .unwrap_or(0);
    Duration::from_millis(ticks * 10)
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
