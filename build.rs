//! Embeds every `rules/*.toml` file in the binary, so adding a rule file needs no code.

use std::fmt::Write;
use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".toml"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let mut out = String::from(
        "/// Built-in rule files: (file name, contents), sorted by name.\npub static BUILTIN_RULE_FILES: &[(&str, &str)] = &[\n",
    );
    for n in &names {
        println!("cargo:rerun-if-changed={}", dir.join(n).display());
        writeln!(out, "    ({n:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/rules/{n}\"))),").unwrap();
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("builtin_rules.rs");
    std::fs::write(dest, out).unwrap();
    zone_table();
}

/// Turns `rules/data/time-zones.toml` into static arrays (`time_zones.rs` in `OUT_DIR`), so the
/// zone table needs no TOML parse when a run first uses it. The file keeps to a small, fixed
/// shape (one `"zone" = [names]` line per zone under `[places]`, then `[[alias]]` tables of
/// `names`, `zone`, `offset` and `local`); anything else fails the build. A unit test checks the
/// result against the TOML parser.
fn zone_table() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/data/time-zones.toml");
    println!("cargo:rerun-if-changed={}", path.display());
    let src = std::fs::read_to_string(&path).expect("rules/data/time-zones.toml is readable");
    let mut places: std::collections::BTreeMap<String, Vec<String>> = std::collections::BTreeMap::new();
    // (names, zone, offset, local)
    type AliasRow = (Vec<String>, Option<String>, Option<String>, bool);
    let mut aliases: Vec<AliasRow> = Vec::new();
    let mut section = "";
    for (n, raw) in src.lines().enumerate() {
        let line = raw.trim();
        let bad = || panic!("time-zones.toml line {}: unexpected `{raw}`", n + 1);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line == "[places]" {
            section = "places";
            continue;
        }
        if line == "[[alias]]" {
            section = "alias";
            aliases.push((Vec::new(), None, None, false));
            continue;
        }
        let Some((key, value)) = line.split_once(" = ") else { bad() };
        match (section, key) {
            ("places", _) => {
                let zone = quoted(key).unwrap_or_else(|| bad());
                let names = quoted_list(value).unwrap_or_else(|| bad());
                if places.insert(zone, names).is_some() {
                    bad();
                }
            }
            ("alias", "names") => aliases.last_mut().unwrap().0 = quoted_list(value).unwrap_or_else(|| bad()),
            ("alias", "zone") => aliases.last_mut().unwrap().1 = Some(quoted(value).unwrap_or_else(|| bad())),
            ("alias", "offset") => aliases.last_mut().unwrap().2 = Some(quoted(value).unwrap_or_else(|| bad())),
            ("alias", "local") if value == "true" || value == "false" => {
                aliases.last_mut().unwrap().3 = value == "true"
            }
            _ => bad(),
        }
    }
    let mut out = String::from(
        "/// `[places]` of time-zones.toml: (zone, names), sorted by zone.\npub static ZONE_PLACES: &[(&str, &[&str])] = &[\n",
    );
    for (zone, names) in &places {
        writeln!(out, "    ({zone:?}, &{names:?}),").unwrap();
    }
    out.push_str(
        "];\n/// `[[alias]]` of time-zones.toml, in file order: (names, zone, offset, local).\npub static ZONE_ALIASES: &[StaticAlias] = &[\n",
    );
    for (names, zone, offset, local) in &aliases {
        writeln!(out, "    (&{names:?}, {zone:?}, {offset:?}, {local}),").unwrap();
    }
    out.push_str("];\n");
    // The built-in table resolved as `ZoneTable::build` would without extras: zone indices in
    // first-seen order (places, then aliases), names sorted with later entries winning.
    let mut zones: Vec<String> = Vec::new();
    let mut zone_index = |z: &str| -> usize {
        match zones.iter().position(|n| *n == z) {
            Some(i) => i,
            None => {
                zones.push(z.to_string());
                zones.len() - 1
            }
        }
    };
    let mut names: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for (zone, list) in &places {
        let z = zone_index(zone);
        for n in list {
            names.insert(n, z);
        }
    }
    let mut words: std::collections::BTreeMap<&str, (Option<usize>, Option<&str>, bool)> =
        std::collections::BTreeMap::new();
    for (list, zone, offset, local) in &aliases {
        let z = zone.as_deref().map(&mut zone_index);
        for n in list {
            words.insert(n, (z, offset.as_deref(), *local));
        }
    }
    writeln!(out, "/// The built-in zones, by index.\npub static BUILTIN_ZONES: &[&str] = &{zones:?};").unwrap();
    out.push_str(
        "/// The built-in place names, sorted: (name, zone index).\npub static BUILTIN_PLACES: &[(&str, usize)] = &[\n",
    );
    for (n, z) in &names {
        writeln!(out, "    ({n:?}, {z}),").unwrap();
    }
    out.push_str("];\n/// The built-in zone words, sorted: (word, zone index, offset, local).\npub static BUILTIN_ALIASES: &[(&str, Option<usize>, Option<&str>, bool)] = &[\n");
    for (n, (z, o, l)) in &words {
        writeln!(out, "    ({n:?}, {z:?}, {o:?}, {l}),").unwrap();
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("time_zones.rs");
    std::fs::write(dest, out).unwrap();
}

/// `"text"` without escapes.
fn quoted(s: &str) -> Option<String> {
    let inner = s.trim().strip_prefix('"')?.strip_suffix('"')?;
    (!inner.contains(['"', '\\'])).then(|| inner.to_string())
}

/// `["a", "b"]` of strings without escapes or commas.
fn quoted_list(s: &str) -> Option<Vec<String>> {
    let inner = s.trim().strip_prefix('[')?.strip_suffix(']')?;
    if inner.trim().is_empty() {
        return Some(Vec::new());
    }
    inner.split(',').map(quoted).collect()
}
