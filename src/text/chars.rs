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

#[cfg(test)]
mod tests {
    use super::*;

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
}
