//! Character classes used by several checks.

/// A Han ideograph (CJK Unified Ideographs and extensions, compatibility ideographs).
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2A6DF | 0x2A700..=0x2EBEF | 0x30000..=0x3134F)
}

/// Whether text is mostly Han among its letters (used to pick Chinese-specific behaviour).
/// ASCII and the lead bytes E5..E9 (U+5000..U+9FFF, all Han) are counted without decoding;
/// other characters are decoded and classified.
pub fn mostly_han(text: &str) -> bool {
    let bytes = text.as_bytes();
    let (mut han, mut latin) = (0usize, 0usize);
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b < 0x80 {
            latin += usize::from(b.is_ascii_alphabetic());
            i += 1;
        } else if (0xE5..=0xE9).contains(&b) {
            han += 1;
            i += 3;
        } else {
            let Some(c) = text.get(i..).and_then(|rest| rest.chars().next()) else { break };
            if is_han(c) {
                han += 1;
            } else if c.is_alphabetic() {
                latin += 1;
            }
            i += c.len_utf8();
        }
    }
    han > 0 && han * 2 >= latin
}

/// Bytes classified together by the block scans of several checks: one 256-bit vector.
pub const SCAN_BLOCK: usize = 32;

/// One bit per flag of a classified block (each flag 0 or 1), bit `k` for `flags[k]`, and 0 at
/// once for a block without any (most of them). The flags are gathered eight at a time by one
/// multiplication (each 0/1 byte lands on its own bit of the top byte). Always inlined, so that
/// the AVX2 copies of the scans have their own copy of it.
#[inline(always)]
pub fn block_mask(flags: &[u8; SCAN_BLOCK]) -> u32 {
    if flags.iter().fold(0u8, |any, &f| any | f) == 0 {
        return 0;
    }
    let mut mask = 0u32;
    for (k, word) in flags.chunks_exact(8).enumerate() {
        let word = u64::from_le_bytes(word.try_into().unwrap_or_default());
        mask |= ((word.wrapping_mul(0x0102_0408_1020_4080) >> 56) as u32) << (8 * k);
    }
    mask
}

/// Appends `base` plus the place of every bit set in `mask`, in order.
#[inline(always)]
pub fn push_bit_positions(base: usize, mut mask: u32, out: &mut Vec<usize>) {
    while mask != 0 {
        out.push(base + mask.trailing_zeros() as usize);
        mask &= mask - 1;
    }
}

/// A block and the two bytes after it: all that a test of three bytes reads at any place of
/// the block.
pub const SCAN_WINDOW: usize = SCAN_BLOCK + 2;

/// One bit per place of the block at the start of `window`, set where `hit(byte, next, next2)`
/// holds. Always inlined, so that the AVX2 copies of the scans have their own copy of it.
#[inline(always)]
pub fn window_mask(window: &[u8; SCAN_WINDOW], hit: impl Fn(u8, u8, u8) -> bool) -> u32 {
    let mut flags = [0u8; SCAN_BLOCK];
    #[allow(clippy::needless_range_loop)] // plain indexing keeps this loop vectorised
    for k in 0..SCAN_BLOCK {
        flags[k] = u8::from(hit(window[k], window[k + 1], window[k + 2]));
    }
    block_mask(&flags)
}

/// Appends to `out`, in order, every place `i` of `bytes` where `hit(bytes[i], bytes[i + 1],
/// bytes[i + 2])` holds, bytes past the end read as zero (where `hit` must not hold). Places are
/// tested a block at a time in a loop the compiler turns into vector compares, so `hit` should
/// be branch-free arithmetic, itself always inlined (a closure marked `#[inline(always)]`). Always inlined, so that each caller's AVX2 copy (compiled with
/// `#[target_feature(enable = "avx2")]`, chosen at run time) has its own copy of it.
#[inline(always)]
pub fn push_places_where(bytes: &[u8], out: &mut Vec<usize>, hit: impl Fn(u8, u8, u8) -> bool + Copy) {
    let mut base = 0;
    while let Some(window) = bytes.get(base..).and_then(|rest| rest.first_chunk::<SCAN_WINDOW>()) {
        push_bit_positions(base, window_mask(window, hit), out);
        base += SCAN_BLOCK;
    }
    // The last one or two blocks, padded with zero bytes.
    while let Some(rest) = bytes.get(base..).filter(|rest| !rest.is_empty()) {
        let mut padded = [0u8; SCAN_WINDOW];
        let len = rest.len().min(SCAN_WINDOW);
        padded[..len].copy_from_slice(&rest[..len]);
        push_bit_positions(base, window_mask(&padded, hit), out);
        base += SCAN_BLOCK;
    }
}

/// The first byte at or after `from` for which `wanted` holds, else `bytes.len()`. Blocks of 32
/// bytes without one (most of a Chinese paragraph, when looking for ASCII letters) are passed
/// over with a test the compiler vectorises, so `wanted` should be branch-free arithmetic; it
/// must not want the zero byte (the last partial block is padded with zeros).
#[inline]
pub fn next_byte_where(bytes: &[u8], from: usize, wanted: impl Fn(u8) -> bool) -> usize {
    const BLOCK: usize = SCAN_BLOCK;
    debug_assert!(!wanted(0));
    let mut i = from;
    while let Some(block) = bytes.get(i..).and_then(|rest| rest.first_chunk::<BLOCK>()) {
        if block.iter().fold(0u8, |any, &b| any | u8::from(wanted(b))) != 0 {
            break;
        }
        i += BLOCK;
    }
    let Some(rest) = bytes.get(i..) else { return bytes.len() };
    if rest.len() < BLOCK {
        // The last partial block, padded with zero bytes, gets the same test: most paragraph
        // ends hold nothing wanted.
        let mut padded = [0u8; BLOCK];
        padded[..rest.len()].copy_from_slice(rest);
        if padded.iter().fold(0u8, |any, &b| any | u8::from(wanted(b))) == 0 {
            return bytes.len();
        }
    }
    rest.iter().position(|&b| wanted(b)).map_or(bytes.len(), |k| i + k)
}

/// An ASCII letter, tested without branches (for [`next_byte_where`]).
#[inline]
pub fn is_ascii_letter(b: u8) -> bool {
    (b | 0x20).wrapping_sub(b'a') < 26
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_masks_have_one_bit_per_flag() {
        let mut flags = [0u8; SCAN_BLOCK];
        assert_eq!(block_mask(&flags), 0);
        for k in [0, 7, 8, 13, 31] {
            flags[k] = 1;
        }
        let mask = block_mask(&flags);
        assert_eq!(mask, 1 | 1 << 7 | 1 << 8 | 1 << 13 | 1 << 31);
        let mut at = vec![99];
        push_bit_positions(64, mask, &mut at);
        assert_eq!(at, [99, 64, 71, 72, 77, 95]);
    }

    /// The plain reading that `mostly_han` must agree with.
    fn mostly_han_by_chars(text: &str) -> bool {
        let han = text.chars().filter(|&c| is_han(c)).count();
        let latin = text.chars().filter(|&c| !is_han(c) && c.is_alphabetic()).count();
        han > 0 && han * 2 >= latin
    }

    proptest::proptest! {
        #[test]
        fn mostly_han_agrees_with_the_char_reading(s in "[a-zA-Z 1，。中国丁㐀䶵䷀亜\\u{4E00}\\u{9FFF}\\u{F900}𠀀éжか한]{0,30}") {
            proptest::prop_assert_eq!(mostly_han(&s), mostly_han_by_chars(&s));
        }
    }

    #[test]
    fn han_detection() {
        assert!(is_han('由') && is_han('𠀀') && !is_han('a') && !is_han('，'));
        assert!(mostly_han("哈萨克斯坦 KZT") && !mostly_han("Kazakhstan 哈"));
    }

    #[test]
    fn places_where_a_three_byte_test_holds_are_found_at_every_length() {
        let hit = |a: u8, b: u8, c: u8| (a == b'x') | ((a == 0xE4) & (b == 0xB8) & (c == 0xAD));
        for len in 0..100 {
            for at in 0..len {
                let mut text = "中".repeat(len).into_bytes();
                text.truncate(len);
                text[at] = b'x';
                let slow: Vec<usize> = (0..len)
                    .filter(|&i| {
                        hit(text[i], text.get(i + 1).copied().unwrap_or(0), text.get(i + 2).copied().unwrap_or(0))
                    })
                    .collect();
                let mut found = Vec::new();
                push_places_where(&text, &mut found, hit);
                assert_eq!(found, slow, "{len} {at}");
            }
        }
    }

    #[test]
    fn next_byte_where_finds_the_first_wanted_byte() {
        let text = format!("{}x{}", "中文".repeat(20), "。".repeat(3));
        let b = text.as_bytes();
        for from in 0..=b.len() + 1 {
            let slow =
                b.iter().enumerate().skip(from).find(|&(_, &c)| c.is_ascii_alphabetic()).map_or(b.len(), |(k, _)| k);
            assert_eq!(next_byte_where(b, from, is_ascii_letter), slow, "from {from}");
        }
        assert!((0..=255u8).all(|c| is_ascii_letter(c) == c.is_ascii_alphabetic()));
    }
}
