//! Base64 in the two dialects these tokens use, decoded so that every kind
//! of mistake is its own [`B64Flaw`].
//!
//! JOSE segments are base64url without padding, canonical (RFC 7515 §2).
//! The moveo context claims are standard base64 with padding (what Node's
//! `Buffer.toString('base64')` writes). Decoding is lenient about the flaw
//! it found, so the caller can report it *and* go on checking the rest of
//! the token, but the flaw is always reported.

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine;
use serde::Serialize;

/// One way a base64 text departs from the dialect that was expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum B64Flaw {
    /// `=` padding where the dialect has none (base64url in JOSE).
    Padding,
    /// No `=` padding where the dialect requires it (standard base64).
    MissingPadding,
    /// `+` or `/` in base64url text: the standard alphabet was used.
    StdAlphabet,
    /// `-` or `_` in standard base64 text: the URL alphabet was used.
    UrlAlphabet,
    /// Spaces, tabs or line breaks inside the text.
    Whitespace,
    /// The last character carries bits that a canonical encoder sets to
    /// zero: two texts decode to the same bytes (a malleability).
    TrailingBits,
    /// A character that belongs to no base64 alphabet.
    InvalidCharacter,
    /// A length no encoder produces (one character over a multiple of four).
    InvalidLength,
}

impl B64Flaw {
    /// A short phrase for reports.
    pub fn describe(self) -> &'static str {
        match self {
            B64Flaw::Padding => "'=' padding (base64url in JOSE has none)",
            B64Flaw::MissingPadding => "no '=' padding (standard base64 requires it)",
            B64Flaw::StdAlphabet => "'+' or '/' (the standard alphabet, not base64url)",
            B64Flaw::UrlAlphabet => "'-' or '_' (the base64url alphabet, not standard base64)",
            B64Flaw::Whitespace => "whitespace or line breaks",
            B64Flaw::TrailingBits => "non-canonical trailing bits in the last character",
            B64Flaw::InvalidCharacter => "a character outside every base64 alphabet",
            B64Flaw::InvalidLength => "a length no base64 encoder produces",
        }
    }

    /// Whether bytes could still be recovered despite this flaw.
    pub fn is_fatal(self) -> bool {
        matches!(self, B64Flaw::InvalidCharacter | B64Flaw::InvalidLength)
    }
}

/// The outcome of a lenient decode: the bytes when they could be recovered,
/// and every flaw found on the way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The decoded bytes, `None` when a fatal flaw stopped decoding.
    pub bytes: Option<Vec<u8>>,
    /// Every flaw, sorted, each once.
    pub flaws: Vec<B64Flaw>,
}

impl Decoded {
    /// The bytes, only when the text was flawless.
    pub fn strict(self) -> Option<Vec<u8>> {
        if self.flaws.is_empty() {
            self.bytes
        } else {
            None
        }
    }
}

const LENIENT_URL: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::RequireNone)
        .with_decode_allow_trailing_bits(true),
);

const URL: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::RequireNone),
);

const STD: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_encode_padding(true)
        .with_decode_padding_mode(DecodePaddingMode::RequireCanonical),
);

/// Which dialect a text is expected to be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// base64url, no padding: JOSE compact segments.
    Url,
    /// standard alphabet with padding: the moveo context claims.
    Standard,
}

/// Encodes bytes as canonical unpadded base64url.
pub fn encode_url(bytes: &[u8]) -> String {
    URL.encode(bytes)
}

/// Encodes bytes as standard padded base64.
pub fn encode_std(bytes: &[u8]) -> String {
    STD.encode(bytes)
}

/// Decodes base64url strictly: any flaw is an error naming the first one.
pub fn decode_url_strict(text: &str) -> Result<Vec<u8>, B64Flaw> {
    let decoded = decode(text, Dialect::Url);
    match decoded.flaws.first() {
        Some(flaw) => Err(*flaw),
        None => decoded.bytes.ok_or(B64Flaw::InvalidCharacter),
    }
}

/// Decodes `text` expecting `dialect`, recovering the bytes when the flaws
/// allow and listing every flaw.
pub fn decode(text: &str, dialect: Dialect) -> Decoded {
    // Nearly every text is flawless: the base64 crate's strict decoder
    // accepts exactly those (and gives the same bytes), and is several
    // times faster than the classification below, which only a text it
    // refuses needs.
    let strict = match dialect {
        Dialect::Url => &URL,
        Dialect::Standard => &STD,
    };
    if let Ok(bytes) = strict.decode(text) {
        return Decoded {
            bytes: Some(bytes),
            flaws: Vec::new(),
        };
    }
    classify(text, dialect)
}

/// [`decode`] without its fast path: every flaw found character by
/// character.
fn classify(text: &str, dialect: Dialect) -> Decoded {
    let mut flaws = Vec::new();
    let mut normal = String::with_capacity(text.len());
    let mut padding = 0usize;
    let mut data_after_padding = false;
    for c in text.chars() {
        match c {
            'A'..='Z' | 'a'..='z' | '0'..='9' => {
                if padding > 0 {
                    data_after_padding = true;
                }
                normal.push(c);
            }
            '+' | '/' => {
                if padding > 0 {
                    data_after_padding = true;
                }
                if dialect == Dialect::Url {
                    flaws.push(B64Flaw::StdAlphabet);
                }
                normal.push(if c == '+' { '-' } else { '_' });
            }
            '-' | '_' => {
                if padding > 0 {
                    data_after_padding = true;
                }
                if dialect == Dialect::Standard {
                    flaws.push(B64Flaw::UrlAlphabet);
                }
                normal.push(c);
            }
            '=' => padding += 1,
            ' ' | '\t' | '\r' | '\n' => flaws.push(B64Flaw::Whitespace),
            _ => flaws.push(B64Flaw::InvalidCharacter),
        }
    }
    if data_after_padding || padding > 2 {
        flaws.push(B64Flaw::InvalidCharacter);
    }
    match dialect {
        Dialect::Url if padding > 0 => flaws.push(B64Flaw::Padding),
        Dialect::Standard => {
            let expected = (4 - normal.len() % 4) % 4;
            if normal.len() % 4 != 1 && padding != expected {
                flaws.push(if padding == 0 {
                    B64Flaw::MissingPadding
                } else {
                    B64Flaw::InvalidLength
                });
            }
        }
        Dialect::Url => {}
    }
    if normal.len() % 4 == 1 {
        flaws.push(B64Flaw::InvalidLength);
    }
    let fatal = flaws.iter().any(|f| f.is_fatal());
    let bytes = if fatal {
        None
    } else {
        match LENIENT_URL.decode(normal.as_bytes()) {
            Ok(bytes) => {
                if LENIENT_URL.encode(&bytes) != normal {
                    flaws.push(B64Flaw::TrailingBits);
                }
                Some(bytes)
            }
            Err(_) => {
                flaws.push(B64Flaw::InvalidCharacter);
                None
            }
        }
    };
    flaws.sort();
    flaws.dedup();
    Decoded { bytes, flaws }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_url_text_has_no_flaw() {
        let d = decode("eyJhbGciOiJSUzI1NiJ9", Dialect::Url);
        assert_eq!(d.flaws, vec![]);
        assert_eq!(d.bytes.as_deref(), Some(&br#"{"alg":"RS256"}"#[..]));
    }

    #[test]
    fn each_url_mistake_is_its_own_flaw() {
        assert_eq!(decode("YQ==", Dialect::Url).flaws, vec![B64Flaw::Padding]);
        assert_eq!(
            decode("+/8", Dialect::Url).flaws,
            vec![B64Flaw::StdAlphabet]
        );
        assert_eq!(
            decode("YW Jj", Dialect::Url).flaws,
            vec![B64Flaw::Whitespace]
        );
        // "YR" decodes to "a" but the canonical text is "YQ".
        let d = decode("YR", Dialect::Url);
        assert_eq!(d.flaws, vec![B64Flaw::TrailingBits]);
        assert_eq!(d.bytes.as_deref(), Some(&b"a"[..]));
        assert_eq!(
            decode("YWJjZ", Dialect::Url).flaws,
            vec![B64Flaw::InvalidLength]
        );
        assert_eq!(
            decode("YW*j", Dialect::Url).flaws,
            vec![B64Flaw::InvalidCharacter]
        );
    }

    #[test]
    fn standard_dialect_flaws() {
        assert_eq!(decode("YQ==", Dialect::Standard).flaws, vec![]);
        assert_eq!(
            decode("YQ", Dialect::Standard).flaws,
            vec![B64Flaw::MissingPadding]
        );
        assert_eq!(
            decode("-_8=", Dialect::Standard).flaws,
            vec![B64Flaw::UrlAlphabet]
        );
        assert_eq!(
            decode("+/8=", Dialect::Standard).bytes,
            Some(vec![0xfb, 0xff])
        );
    }

    #[test]
    fn encoders_round_trip() {
        let bytes: Vec<u8> = (0..=255).collect();
        assert_eq!(decode_url_strict(&encode_url(&bytes)), Ok(bytes.clone()));
        assert_eq!(
            decode(&encode_std(&bytes), Dialect::Standard).strict(),
            Some(bytes)
        );
    }

    proptest::proptest! {
        /// The fast path changes nothing: on texts made of every kind of
        /// character either dialect can meet (both alphabets, padding,
        /// whitespace, a stray byte), and on canonical encodings of random
        /// bytes, `decode` returns what the classification alone returns.
        #[test]
        fn the_fast_path_agrees_with_the_classification(
            text in "[A-Za-z0-9+/_=\\- \n!é-]{0,24}",
            bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..40),
        ) {
            for dialect in [Dialect::Url, Dialect::Standard] {
                proptest::prop_assert_eq!(decode(&text, dialect), classify(&text, dialect));
                for encoded in [encode_url(&bytes), encode_std(&bytes)] {
                    proptest::prop_assert_eq!(
                        decode(&encoded, dialect),
                        classify(&encoded, dialect)
                    );
                }
            }
        }
    }
}
