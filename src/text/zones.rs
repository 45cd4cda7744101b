//! Place → time zone and zone word → zone/offset lookup, from `rules/data/time-zones.toml`
//! (parsed once), with per-rule additions. Conversions use jiff's bundled tz database, so
//! historical offsets are right (Asia/Almaty is +06 in 2022 and +05 from 2024-03-01).

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::{LazyLock, OnceLock};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use serde::Deserialize;

const DATA: &str = include_str!("../../rules/data/time-zones.toml");

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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Data {
    places: BTreeMap<String, Vec<String>>,
    alias: Vec<AliasSpec>,
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
    zone_names: Vec<String>,
    zone_ids: BTreeMap<String, usize>,
    /// Looked up in the tz database on first use (the built-in names are checked by a test;
    /// a rule's extra names when the rule is built).
    zones: Vec<OnceLock<Option<TimeZone>>>,
    place_zone: Vec<usize>,
    place_ascii: Vec<bool>,
    places: AhoCorasick,
    aliases: BTreeMap<String, Alias>,
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

impl ZoneTable {
    /// The built-in table.
    pub fn builtin() -> &'static ZoneTable {
        static T: LazyLock<ZoneTable> =
            LazyLock::new(|| ZoneTable::build(&BTreeMap::new(), &[]).expect("the built-in time-zone table is valid"));
        &T
    }

    /// The built-in table with extra places (zone → names) and aliases; later entries win.
    pub fn build(
        extra_places: &BTreeMap<String, Vec<String>>,
        extra_aliases: &[AliasSpec],
    ) -> Result<ZoneTable, String> {
        let data: Data = toml::from_str(DATA).map_err(|e| e.to_string())?;
        let mut t = ZoneTable {
            zone_names: Vec::new(),
            zone_ids: BTreeMap::new(),
            zones: Vec::new(),
            place_zone: Vec::new(),
            place_ascii: Vec::new(),
            places: AhoCorasick::new(["\u{0}"]).map_err(|e| e.to_string())?,
            aliases: BTreeMap::new(),
        };
        let mut names: BTreeMap<String, usize> = BTreeMap::new();
        for (zone, list) in data.places.iter() {
            let z = t.zone_index(zone, false)?;
            for n in list {
                names.insert(n.clone(), z);
            }
        }
        for (zone, list) in extra_places {
            let z = t.zone_index(zone, true)?;
            for n in list {
                names.insert(n.clone(), z);
            }
        }
        let mut patterns = Vec::with_capacity(names.len());
        for (n, z) in names {
            t.place_ascii.push(n.is_ascii());
            t.place_zone.push(z);
            patterns.push(n);
        }
        // A contiguous NFA: building a DFA over a thousand names costs more than the few
        // segments with a time ever save.
        t.places = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .build(&patterns)
            .map_err(|e| e.to_string())?;
        let builtin = data.alias.len();
        for (k, a) in data.alias.iter().chain(extra_aliases).enumerate() {
            let zone = match &a.zone {
                Some(z) => Some(t.zone_index(z, k >= builtin)?),
                None => None,
            };
            let offset = match &a.offset {
                Some(o) => Some(parse_offset(o).ok_or_else(|| format!("bad offset `{o}`"))?),
                None => None,
            };
            if zone.is_none() && offset.is_none() && !a.local {
                return Err(format!("alias {:?} needs `zone`, `offset` or `local`", a.names));
            }
            for n in &a.names {
                t.aliases.insert(n.clone(), Alias { zone, offset, local: a.local });
            }
        }
        Ok(t)
    }

    /// The index of zone `name`; `check` looks it up in the tz database now (a rule's own
    /// names, so a typo is an error when the rule loads).
    fn zone_index(&mut self, name: &str, check: bool) -> Result<usize, String> {
        let i = match self.zone_ids.get(name) {
            Some(&i) => i,
            None => {
                self.zone_names.push(name.to_string());
                self.zones.push(OnceLock::new());
                self.zone_ids.insert(name.to_string(), self.zones.len() - 1);
                self.zones.len() - 1
            }
        };
        if check && self.zones[i].get().is_none() {
            let tz = TimeZone::get(name).map_err(|e| format!("unknown time zone `{name}`: {e}"))?;
            let _ = self.zones[i].set(Some(tz));
        }
        Ok(i)
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
            .filter(|m| {
                let i = m.pattern().as_usize();
                // 北京时间, Moscow time: a zone word, not a place
                let rest = &text[m.end()..];
                if rest.starts_with("时间") || rest.starts_with(" time") {
                    return false;
                }
                !self.place_ascii[i]
                    || ((m.start() == 0 || !b[m.start() - 1].is_ascii_alphanumeric())
                        && b.get(m.end()).is_none_or(|c| !c.is_ascii_alphanumeric()))
            })
            .map(|m| (m.range(), self.place_zone[m.pattern().as_usize()]))
            .collect()
    }

    /// The alias for an exact word (`UTC+5`, `GMT-4` are fixed offsets).
    pub fn alias(&self, word: &str) -> Option<Alias> {
        if let Some(a) = self.aliases.get(word) {
            return Some(a.clone());
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
            .map(|(n, _)| n.clone())
            .collect()
    }

    /// A zone word for a fixed offset alone (GMT for +00:00), preferring the shortest.
    pub fn fixed_alias(&self, offset: i32) -> Option<String> {
        self.aliases
            .iter()
            .filter(|(n, a)| a.zone.is_none() && a.offset == Some(offset) && n.len() >= 3)
            .map(|(n, _)| n.clone())
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

    #[test]
    fn offsets_parse() {
        assert_eq!(parse_offset("+05:30"), Some(19800));
        assert_eq!(parse_offset("-04"), Some(-14400));
        assert_eq!(format_offset(-14400), "UTC−04:00");
    }
}
