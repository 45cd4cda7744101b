//! Place → time zone and zone word → zone/offset lookup, from `rules/data/time-zones.toml`
//! (parsed once), with per-rule additions. Conversions use jiff's bundled tz database, so
//! historical offsets are right (Asia/Almaty is +06 in 2022 and +05 from 2024-03-01).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::{LazyLock, OnceLock};

use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use serde::Deserialize;

#[cfg(test)]
const DATA: &str = include_str!("../../rules/data/time-zones.toml");

/// One `[[alias]]` of the data file: (names, zone, offset, local).
type StaticAlias = (&'static [&'static str], Option<&'static str>, Option<&'static str>, bool);

// `ZONE_PLACES`, `ZONE_ALIASES` and the resolved `BUILTIN_*` tables: the data file as static
// arrays, written by build.rs.
include!(concat!(env!("OUT_DIR"), "/time_zones.rs"));

/// One `[[alias]]` table: zone words and what they stand for.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AliasSpec {
    /// The words, matched exactly.
    pub names: Vec<String>,
    /// An IANA zone name.
    #[serde(default)]
    pub zone: Option<String>,
    /// A fixed UTC offset, `+05:00` or `-04`.
    #[serde(default)]
    pub offset: Option<String>,
    /// The word means "the local time of the place named nearby".
    #[serde(default)]
    pub local: bool,
}

/// What a zone word stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alias {
    pub zone: Option<usize>,
    /// Fixed offset in seconds.
    pub offset: Option<i32>,
    pub local: bool,
}

/// The lookup tables, ready to use.
pub struct ZoneTable {
    zone_names: Vec<Cow<'static, str>>,
    /// Looked up in the tz database on first use (the built-in names are checked by a test;
    /// a rule's extra names when the rule is built).
    zones: Vec<OnceLock<Option<TimeZone>>>,
    places: PlaceNames,
    /// Sorted by word, one entry per word.
    aliases: Vec<(Cow<'static, str>, Alias)>,
}

/// Place names with their zones, searched leftmost-longest by hand: building an automaton
/// over a thousand names costs more than searching the few segments with a local time.
struct PlaceNames {
    /// Sorted by name (bytes), one entry per name, none empty.
    names: Vec<(Cow<'static, str>, usize)>,
    /// First characters of names: (char, range in `names`), sorted by char.
    heads: Vec<(char, u32, u32)>,
    /// One bit per character below U+10000 that starts a name.
    head_bits: Vec<u64>,
    /// Some name starts with a character above U+FFFF.
    astral_heads: bool,
}

impl PlaceNames {
    /// `names` sorted by name, without duplicates.
    fn new(names: Vec<(Cow<'static, str>, usize)>) -> PlaceNames {
        // An empty name would match everywhere (and between the bytes of a character).
        let names: Vec<_> = names.into_iter().filter(|(n, _)| !n.is_empty()).collect();
        let mut heads: Vec<(char, u32, u32)> = Vec::new();
        let mut head_bits = vec![0u64; 1024];
        let mut astral_heads = false;
        for (k, (n, _)) in names.iter().enumerate() {
            let Some(c) = n.chars().next() else { continue };
            match heads.last_mut() {
                Some(h) if h.0 == c => h.2 = k as u32 + 1,
                _ => heads.push((c, k as u32, k as u32 + 1)),
            }
            let u = c as usize;
            if u < 0x10000 {
                head_bits[u >> 6] |= 1 << (u & 63);
            } else {
                astral_heads = true;
            }
        }
        PlaceNames { names, heads, head_bits, astral_heads }
    }

    /// The longest name at byte `i` of `text` (a char boundary): (length, index in `names`).
    fn longest_at(&self, text: &str, i: usize) -> Option<(usize, usize)> {
        let c = text.get(i..)?.chars().next()?;
        let u = c as usize;
        if u < 0x10000 {
            if self.head_bits[u >> 6] & (1 << (u & 63)) == 0 {
                return None;
            }
        } else if !self.astral_heads {
            return None;
        }
        let h = self.heads[self.heads.binary_search_by(|h| h.0.cmp(&c)).ok()?];
        let rest = &text.as_bytes()[i..];
        let mut best: Option<(usize, usize)> = None;
        for k in h.1 as usize..h.2 as usize {
            let n = self.names[k].0.as_bytes();
            if n.len() > best.map_or(0, |b| b.0) && rest.starts_with(n) {
                best = Some((n.len(), k));
            }
        }
        best
    }

    /// Non-overlapping leftmost-longest matches: (byte range, index in `names`).
    fn find_iter<'t>(&'t self, text: &'t str) -> impl Iterator<Item = (Range<usize>, usize)> + 't {
        let b = text.as_bytes();
        let mut i = 0;
        std::iter::from_fn(move || {
            while i < b.len() {
                if let Some((len, k)) = self.longest_at(text, i) {
                    let m = i..i + len;
                    i += len;
                    return Some((m, k));
                }
                i += match b[i] {
                    0..0xc0 => 1,
                    0xc0..0xe0 => 2,
                    0xe0..0xf0 => 3,
                    _ => 4,
                };
            }
            None
        })
    }
}

/// Parses `+05:00`, `-04`, `+0530`, `UTC+5`.
pub fn parse_offset(s: &str) -> Option<i32> {
    let s = s.trim().trim_start_matches("UTC").trim_start_matches("GMT");
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let (h, m) = match rest.split_once(':') {
        Some((h, m)) => (h.parse::<i32>().ok()?, m.parse::<i32>().ok()?),
        None if rest.len() == 4 => (rest[..2].parse().ok()?, rest[2..].parse().ok()?),
        None => (rest.parse().ok()?, 0),
    };
    if h > 14 || m > 59 {
        return None;
    }
    Some(sign * (h * 3600 + m * 60))
}

/// Formats an offset as `UTC+05:00`.
pub fn format_offset(secs: i32) -> String {
    let sign = if secs < 0 { '−' } else { '+' };
    let a = secs.abs();
    format!("UTC{sign}{:02}:{:02}", a / 3600, (a % 3600) / 60)
}

/// Sorts `(word, value)` pairs by word, keeping the last pair of each word (a map's "later
/// inserts win").
fn sorted_last_wins<T>(mut v: Vec<(Cow<'static, str>, T)>) -> Vec<(Cow<'static, str>, T)> {
    v.reverse();
    // Stable: among equal words the last inserted is now first, and dedup keeps the first.
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v.dedup_by(|later, first| later.0 == first.0);
    v
}

/// Assigns zone indices in first-seen order.
struct ZoneIds<'a> {
    ids: BTreeMap<&'a str, usize>,
    names: Vec<Cow<'static, str>>,
    zones: Vec<OnceLock<Option<TimeZone>>>,
}

impl<'a> ZoneIds<'a> {
    /// The index of zone `name`; `check` looks it up in the tz database now (a rule's own
    /// names, so a typo is an error when the rule loads).
    fn index(
        &mut self,
        name: &'a str,
        owned: impl FnOnce() -> Cow<'static, str>,
        check: bool,
    ) -> Result<usize, String> {
        let i = match self.ids.get(name) {
            Some(&i) => i,
            None => {
                self.names.push(owned());
                self.zones.push(OnceLock::new());
                self.ids.insert(name, self.zones.len() - 1);
                self.zones.len() - 1
            }
        };
        if check && self.zones[i].get().is_none() {
            let tz = TimeZone::get(name).map_err(|e| format!("unknown time zone `{name}`: {e}"))?;
            let _ = self.zones[i].set(Some(tz));
        }
        Ok(i)
    }
}

impl ZoneTable {
    /// The built-in table.
    pub fn builtin() -> &'static ZoneTable {
        static T: LazyLock<ZoneTable> = LazyLock::new(ZoneTable::precomputed);
        &T
    }

    /// The built-in table from the arrays build.rs resolved (what [`ZoneTable::build`] makes
    /// without extras; a test compares the two).
    fn precomputed() -> ZoneTable {
        ZoneTable {
            zone_names: BUILTIN_ZONES.iter().map(|&z| Cow::Borrowed(z)).collect(),
            zones: BUILTIN_ZONES.iter().map(|_| OnceLock::new()).collect(),
            places: PlaceNames::new(BUILTIN_PLACES.iter().map(|&(n, z)| (Cow::Borrowed(n), z)).collect()),
            aliases: BUILTIN_ALIASES
                .iter()
                .map(|&(n, zone, offset, local)| {
                    (Cow::Borrowed(n), Alias { zone, offset: offset.and_then(parse_offset), local })
                })
                .collect(),
        }
    }

    /// The built-in table with extra places (zone → names) and aliases; later entries win.
    pub fn build(
        extra_places: &BTreeMap<String, Vec<String>>,
        extra_aliases: &[AliasSpec],
    ) -> Result<ZoneTable, String> {
        let mut ids = ZoneIds { ids: BTreeMap::new(), names: Vec::new(), zones: Vec::new() };
        let mut names: Vec<(Cow<'static, str>, usize)> = Vec::new();
        for &(zone, list) in ZONE_PLACES {
            let z = ids.index(zone, || Cow::Borrowed(zone), false)?;
            names.extend(list.iter().map(|&n| (Cow::Borrowed(n), z)));
        }
        for (zone, list) in extra_places {
            let z = ids.index(zone, || Cow::Owned(zone.clone()), true)?;
            names.extend(list.iter().map(|n| (Cow::Owned(n.clone()), z)));
        }
        let places = PlaceNames::new(sorted_last_wins(names));
        let mut aliases: Vec<(Cow<'static, str>, Alias)> = Vec::new();
        let builtin = ZONE_ALIASES.iter().map(|&(names, zone, offset, local)| {
            (names.iter().map(|&n| Cow::Borrowed(n)).collect::<Vec<_>>(), zone.map(Cow::Borrowed), offset, local)
        });
        let extra = extra_aliases.iter().map(|a| {
            (
                a.names.iter().map(|n| Cow::Owned(n.clone())).collect::<Vec<_>>(),
                a.zone.as_deref().map(|z| Cow::Owned(z.to_string())),
                a.offset.as_deref(),
                a.local,
            )
        });
        let zone_words: Vec<_> = builtin.chain(extra).collect();
        for (k, (names, zone, offset, local)) in zone_words.iter().enumerate() {
            let zone = match zone {
                Some(z) => Some(ids.index(z, || Cow::Owned(z.to_string()), k >= ZONE_ALIASES.len())?),
                None => None,
            };
            let offset = match offset {
                Some(o) => Some(parse_offset(o).ok_or_else(|| format!("bad offset `{o}`"))?),
                None => None,
            };
            if zone.is_none() && offset.is_none() && !local {
                return Err(format!("alias {names:?} needs `zone`, `offset` or `local`"));
            }
            for n in names {
                aliases.push((n.clone(), Alias { zone, offset, local: *local }));
            }
        }
        let aliases = sorted_last_wins(aliases);
        Ok(ZoneTable { zone_names: ids.names, zones: ids.zones, places, aliases })
    }

    fn zone(&self, z: usize) -> Option<&TimeZone> {
        self.zones[z].get_or_init(|| TimeZone::get(&self.zone_names[z]).ok()).as_ref()
    }

    pub fn zone_name(&self, z: usize) -> &str {
        &self.zone_names[z]
    }

    /// Places named in `text`: (byte range, zone index). English names only at word bounds.
    pub fn places_in(&self, text: &str) -> Vec<(Range<usize>, usize)> {
        let b = text.as_bytes();
        self.places
            .find_iter(text)
            .filter(|(m, k)| {
                // 北京时间, Moscow time: a zone word, not a place
                let rest = &b[m.end..];
                if rest.starts_with("时间".as_bytes()) || rest.starts_with(b" time") {
                    return false;
                }
                !self.places.names[*k].0.is_ascii()
                    || ((m.start == 0 || !b[m.start - 1].is_ascii_alphanumeric())
                        && b.get(m.end).is_none_or(|c| !c.is_ascii_alphanumeric()))
            })
            .map(|(m, k)| (m, self.places.names[k].1))
            .collect()
    }

    /// The alias for an exact word (`UTC+5`, `GMT-4` are fixed offsets).
    pub fn alias(&self, word: &str) -> Option<Alias> {
        if let Ok(k) = self.aliases.binary_search_by(|(n, _)| n.as_ref().cmp(word)) {
            return Some(self.aliases[k].1.clone());
        }
        let rest = word.strip_prefix("UTC").or_else(|| word.strip_prefix("GMT"))?;
        parse_offset(rest).map(|o| Alias { zone: None, offset: Some(o), local: false })
    }

    /// The longest suffix of `run` (a Han run ending in 时间) that is an alias, with its byte
    /// offset in `run`.
    pub fn alias_suffix(&self, run: &str) -> Option<(usize, Alias)> {
        run.char_indices().find_map(|(i, _)| self.alias(&run[i..]).map(|a| (i, a)))
    }

    /// The zone words that name `zone` at exactly `offset` (EDT for New York at −04:00).
    pub fn aliases_for(&self, zone: usize, offset: i32) -> Vec<String> {
        self.aliases
            .iter()
            .filter(|(_, a)| a.zone == Some(zone) && a.offset == Some(offset))
            .map(|(n, _)| n.to_string())
            .collect()
    }

    /// A zone word for a fixed offset alone (GMT for +00:00), preferring the shortest.
    pub fn fixed_alias(&self, offset: i32) -> Option<String> {
        self.aliases
            .iter()
            .filter(|(n, a)| a.zone.is_none() && a.offset == Some(offset) && n.len() >= 3)
            .map(|(n, _)| n.to_string())
            .min_by_key(|n| (n.chars().count(), n.clone()))
    }

    /// The UTC offset (seconds) of zone `z` at local civil time `dt`.
    pub fn offset_at(&self, z: usize, dt: DateTime) -> Option<i32> {
        let tz = self.zone(z)?;
        let ts = tz.to_timestamp(dt).ok()?;
        Some(tz.to_offset(ts).seconds())
    }

    /// Whether zone `z` keeps the same offset at every place in `zs` at `dt`.
    pub fn same_offset(&self, zs: &[usize], dt: DateTime) -> Option<i32> {
        let mut it = zs.iter().map(|&z| self.offset_at(z, dt));
        let first = it.next()??;
        it.all(|o| o == Some(first)).then_some(first)
    }
}

/// Minutes since the Unix epoch of a civil time at a UTC offset.
pub fn utc_minutes(dt: DateTime, offset_secs: i32) -> Option<i64> {
    let ts = jiff::tz::Offset::from_seconds(offset_secs).ok()?.to_timestamp(dt).ok()?;
    Some(ts.as_second().div_euclid(60))
}

/// A civil date-time, with hour 24 rolled to the next day.
pub fn civil(year: i16, month: i8, day: i8, hour: i8, minute: i8) -> Option<DateTime> {
    if hour == 24 {
        let d = jiff::civil::Date::new(year, month, day).ok()?.tomorrow().ok()?;
        return DateTime::new(d.year(), d.month(), d.day(), 0, minute, 0, 0).ok();
    }
    DateTime::new(year, month, day, hour, minute, 0, 0).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_table_loads_and_has_history() {
        let t = ZoneTable::builtin();
        let p = t.places_in("抗议者冲进哈萨克斯坦西部城市阿克托别市政府大楼");
        assert_eq!(p.len(), 1);
        assert_eq!(t.zone_name(p[0].1), "Asia/Aqtobe");
        let almaty = t.places_in("Almaty")[0].1;
        assert_eq!(t.offset_at(almaty, civil(2022, 1, 5, 12, 0).unwrap()), Some(6 * 3600));
        assert_eq!(t.offset_at(almaty, civil(2024, 6, 1, 12, 0).unwrap()), Some(5 * 3600));
        assert!(t.places_in("an oral exam in Nicety").is_empty());
        assert!(t.alias("EST").is_some_and(|a| a.offset == Some(-5 * 3600)));
        assert_eq!(t.alias("UTC+5").and_then(|a| a.offset), Some(5 * 3600));
        assert_eq!(t.alias_suffix("据国际文传电讯社当地时间").map(|(i, a)| (i, a.local)), Some((24, true)));
        let count: usize = DATA.lines().filter(|l| l.contains("\" = [")).map(|l| l.matches("\", \"").count() + 1).sum();
        assert!(count >= 400, "{count} place names");
    }

    #[test]
    fn every_builtin_zone_is_in_the_tz_database() {
        let t = ZoneTable::builtin();
        for (z, name) in t.zone_names.iter().enumerate() {
            assert!(t.zone(z).is_some(), "unknown time zone `{name}`");
        }
    }

    /// The table as the data file's TOML parser reads it: (zone names, name → zone, alias words).
    fn from_toml() -> (Vec<String>, BTreeMap<String, usize>, BTreeMap<String, Alias>) {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Data {
            places: BTreeMap<String, Vec<String>>,
            alias: Vec<AliasSpec>,
        }
        let data: Data = toml::from_str(DATA).unwrap();
        let mut zone_names: Vec<String> = Vec::new();
        let mut index = |z: &str| match zone_names.iter().position(|n| n == z) {
            Some(i) => i,
            None => {
                zone_names.push(z.to_string());
                zone_names.len() - 1
            }
        };
        let mut names = BTreeMap::new();
        for (zone, list) in &data.places {
            let z = index(zone);
            for n in list {
                names.insert(n.clone(), z);
            }
        }
        let mut aliases = BTreeMap::new();
        for a in &data.alias {
            let zone = a.zone.as_deref().map(&mut index);
            let offset = a.offset.as_deref().map(|o| parse_offset(o).unwrap());
            for n in &a.names {
                aliases.insert(n.clone(), Alias { zone, offset, local: a.local });
            }
        }
        (zone_names, names, aliases)
    }

    #[test]
    fn compiled_table_matches_the_toml_file() {
        let t = ZoneTable::builtin();
        let (zone_names, names, aliases) = from_toml();
        assert_eq!(t.zone_names.iter().map(|n| n.to_string()).collect::<Vec<_>>(), zone_names);
        let got: Vec<(String, usize)> = t.places.names.iter().map(|(n, z)| (n.to_string(), *z)).collect();
        assert_eq!(got, names.into_iter().collect::<Vec<_>>());
        let got: Vec<(String, Alias)> = t.aliases.iter().map(|(n, a)| (n.to_string(), a.clone())).collect();
        assert_eq!(got, aliases.into_iter().collect::<Vec<_>>());
    }

    #[test]
    fn precomputed_table_is_the_built_one() {
        let (a, b) = (ZoneTable::precomputed(), ZoneTable::build(&BTreeMap::new(), &[]).unwrap());
        assert_eq!(a.zone_names, b.zone_names);
        assert_eq!(a.places.names, b.places.names);
        assert_eq!(a.places.heads, b.places.heads);
        assert_eq!(a.aliases, b.aliases);
    }

    #[test]
    fn extra_places_and_aliases_override() {
        let places = BTreeMap::from([("Europe/Paris".to_string(), vec!["莫斯科".to_string(), "Lyon".to_string()])]);
        let aliases =
            vec![AliasSpec { names: vec!["MSK".into()], zone: None, offset: Some("+04:00".into()), local: false }];
        let t = ZoneTable::build(&places, &aliases).unwrap();
        let z = t.places_in("莫斯科")[0].1;
        assert_eq!(t.zone_name(z), "Europe/Paris");
        assert_eq!(t.zone_name(t.places_in("in Lyon.")[0].1), "Europe/Paris");
        assert_eq!(t.alias("MSK").and_then(|a| a.offset), Some(4 * 3600));
        let bad = vec![AliasSpec { names: vec!["X".into()], zone: None, offset: None, local: false }];
        assert!(ZoneTable::build(&BTreeMap::new(), &bad).is_err());
        let typo = BTreeMap::from([("Europe/Pariss".to_string(), vec!["x".to_string()])]);
        assert!(ZoneTable::build(&typo, &[]).is_err());
    }

    /// The aho-corasick search the hand matcher replaces.
    fn automaton(t: &ZoneTable) -> aho_corasick::AhoCorasick {
        use aho_corasick::{AhoCorasickBuilder, MatchKind};
        AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(t.places.names.iter().map(|(n, _)| n.as_bytes()))
            .unwrap()
    }

    fn automaton_matches(ac: &aho_corasick::AhoCorasick, text: &str) -> Vec<(Range<usize>, usize)> {
        ac.find_iter(text).map(|m| (m.range(), m.pattern().as_usize())).collect()
    }

    #[test]
    fn place_search_is_leftmost_longest() {
        let t = ZoneTable::builtin();
        let ac = automaton(t);
        let names: Vec<&str> = t.places.names.iter().map(|(n, _)| n.as_ref()).collect();
        // Names, their prefixes and suffixes, glued with and without separators.
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = |m: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % m as u64) as usize
        };
        let glue = ["", " ", "市", "时间", " time", "州", "a", "-", "，", "𝕏"];
        for _ in 0..3000 {
            let mut text = String::new();
            for _ in 0..1 + next(6) {
                let n = names[next(names.len())];
                let cut: Vec<usize> = (0..=n.len()).filter(|&i| n.is_char_boundary(i)).collect();
                match next(4) {
                    0 => text.push_str(&n[..cut[next(cut.len())]]),
                    1 => text.push_str(&n[cut[next(cut.len())]..]),
                    _ => text.push_str(n),
                }
                text.push_str(glue[next(glue.len())]);
            }
            let got: Vec<_> = t.places.find_iter(&text).collect();
            assert_eq!(got, automaton_matches(&ac, &text), "{text}");
        }
        let text = "据国际文传电讯社当地时间1月5日报道，当天15时左右，抗议者冲进阿克托别州阿克托别市政府大楼。 In Almaty Region and St. Petersburg";
        assert_eq!(t.places.find_iter(text).collect::<Vec<_>>(), automaton_matches(&ac, text));
    }

    #[test]
    fn offsets_parse() {
        assert_eq!(parse_offset("+05:30"), Some(19800));
        assert_eq!(parse_offset("-04"), Some(-14400));
        assert_eq!(format_offset(-14400), "UTC−04:00");
    }
}
