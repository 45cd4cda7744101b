//! Character classes used by several checks.

/// A Han ideograph (CJK Unified Ideographs and extensions, compatibility ideographs).
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2A6DF | 0x2A700..=0x2EBEF | 0x30000..=0x3134F)
}

/// Whether text is mostly Han among its letters (used to pick Chinese-specific behaviour).
pub fn mostly_han(text: &str) -> bool {
    let (mut han, mut latin) = (0usize, 0usize);
    for c in text.chars() {
        if is_han(c) {
            han += 1;
        } else if c.is_alphabetic() {
            latin += 1;
        }
    }
    han > 0 && han * 2 >= latin
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn han_detection() {
        assert!(is_han('由') && is_han('𠀀') && !is_han('a') && !is_han('，'));
        assert!(mostly_han("哈萨克斯坦 KZT") && !mostly_han("Kazakhstan 哈"));
    }
}
