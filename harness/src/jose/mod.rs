//! JOSE compact serialization: splitting a token into its segments and
//! naming them, with [`b64`] (both base64 dialects, every flaw named) and
//! [`json`] (strict JSON objects) beside it. No cryptography and no
//! judgement here; the check pipeline reads what this finds.

pub mod b64;
pub mod json;

/// Input-size bounds applied while parsing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Longest token accepted, in bytes.
    pub max_token_bytes: usize,
    /// Deepest JSON nesting accepted.
    pub max_json_depth: usize,
    /// Most members in one JSON object (header, claims, context).
    pub max_json_members: usize,
}

/// The default limit on the members of one JSON object.
pub const DEFAULT_MAX_JSON_MEMBERS: usize = 256;

/// The default token size limit: 64 KiB.
pub const DEFAULT_MAX_TOKEN_BYTES: usize = 64 * 1024;

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_token_bytes: DEFAULT_MAX_TOKEN_BYTES,
            max_json_depth: crate::jose::json::DEFAULT_MAX_DEPTH,
            max_json_members: DEFAULT_MAX_JSON_MEMBERS,
        }
    }
}

/// A compact JWS: `header.payload.signature`, each still base64url text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompactJws<'a> {
    /// Protected header.
    pub header: &'a str,
    /// Payload (the claims).
    pub payload: &'a str,
    /// Signature.
    pub signature: &'a str,
    /// `header.payload`, the text the signature covers, as sent.
    input: &'a str,
}

impl<'a> CompactJws<'a> {
    /// The bytes the signature covers: `header.payload` as sent (a slice
    /// of the token, not a copy).
    pub fn signing_input(&self) -> &'a str {
        self.input
    }
}

/// A compact JWE: five base64url segments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompactJwe<'a> {
    /// Protected header (its text is the AAD).
    pub header: &'a str,
    /// RSA-encrypted content key.
    pub encrypted_key: &'a str,
    /// Initialization vector.
    pub iv: &'a str,
    /// Ciphertext.
    pub ciphertext: &'a str,
    /// Authentication tag.
    pub tag: &'a str,
}

/// What a token's shape is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compact<'a> {
    /// Three segments.
    Jws(CompactJws<'a>),
    /// Five segments.
    Jwe(CompactJwe<'a>),
    /// Any other number of segments.
    Other(usize),
}

/// Splits a compact token by its dots (counting them all, keeping no
/// more than a JWE's five segments: nothing is allocated).
pub fn split(token: &str) -> Compact<'_> {
    let mut parts = [""; 5];
    let mut count = 0;
    for part in token.split('.') {
        if let Some(slot) = parts.get_mut(count) {
            *slot = part;
        }
        count += 1;
    }
    match (count, parts) {
        (3, [header, payload, signature, ..]) => Compact::Jws(CompactJws {
            header,
            payload,
            signature,
            input: &token[..header.len() + 1 + payload.len()],
        }),
        (5, [header, encrypted_key, iv, ciphertext, tag]) => Compact::Jwe(CompactJwe {
            header,
            encrypted_key,
            iv,
            ciphertext,
            tag,
        }),
        _ => Compact::Other(count),
    }
}

/// Registered JWT claim names (RFC 7519 §4.1).
pub const REGISTERED_CLAIMS: [&str; 7] = ["iss", "sub", "aud", "exp", "nbf", "iat", "jti"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        assert!(matches!(split("a.b.c"), Compact::Jws(j) if j.signing_input() == "a.b"));
        assert!(matches!(split("a.b.c.d.e"), Compact::Jwe(j) if j.tag == "e"));
        assert_eq!(split("a.b"), Compact::Other(2));
        // Segments past a JWE's five are counted, not kept.
        assert_eq!(split("a.b.c.d.e.f.g"), Compact::Other(7));
        assert!(
            matches!(split("hh.pp."), Compact::Jws(j) if j.signing_input() == "hh.pp" && j.signature.is_empty())
        );
        assert_eq!(split(""), Compact::Other(1));
    }
}
