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
