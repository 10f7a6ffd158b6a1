//! JOSE compact serialization: splitting a token into its segments and
//! naming them. No cryptography and no judgement here; the check pipeline
//! reads what this finds.

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
            max_json_depth: crate::json::DEFAULT_MAX_DEPTH,
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
}

impl CompactJws<'_> {
    /// The bytes the signature covers: `header.payload` as sent.
    pub fn signing_input(&self) -> String {
        format!("{}.{}", self.header, self.payload)
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

/// Splits a compact token by its dots.
pub fn split(token: &str) -> Compact<'_> {
    let parts: Vec<&str> = token.split('.').collect();
    match parts[..] {
        [header, payload, signature] => Compact::Jws(CompactJws {
            header,
            payload,
            signature,
        }),
        [header, encrypted_key, iv, ciphertext, tag] => Compact::Jwe(CompactJwe {
            header,
            encrypted_key,
            iv,
            ciphertext,
            tag,
        }),
        _ => Compact::Other(parts.len()),
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
        assert_eq!(split(""), Compact::Other(1));
    }
}
