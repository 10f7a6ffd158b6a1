//! The input of the structure-aware target: a token described field by
//! field ([`TokenModel`]), read from the fuzzer's bytes with `arbitrary`, so
//! that the fuzzer changes one choice at a time and reaches the rules
//! behind the cryptography.

use arbitrary::Arbitrary;
use serde_json::{json, Value};

/// The profile of a [`TokenModel`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Arbitrary)]
pub enum ModelProfile {
    /// JWS in JWE.
    Iadvize,
    /// JWS with a context.
    Moveo,
}

/// The subject claim: iAdvize's userId, Moveo's sub.
#[derive(Debug, Clone, Arbitrary)]
pub enum Subject {
    /// A good value (made non-empty, at most 255 characters).
    Text(String),
    /// No subject claim.
    Missing,
    /// An empty string.
    Empty,
    /// A number.
    Number(i32),
    /// 256 characters or more (only iAdvize limits it).
    Long(u8),
}

/// The iss claim.
#[derive(Debug, Clone, Arbitrary)]
pub enum Issuer {
    /// A good value (made non-empty).
    Text(String),
    /// No iss.
    Missing,
    /// An empty string (Moveo refuses it).
    Empty,
    /// A number (Moveo refuses it).
    Number(i32),
}

/// The exp claim.
#[derive(Debug, Clone, Copy, Arbitrary)]
pub enum Exp {
    /// Within the profile's lifetime.
    Good(u16),
    /// No exp.
    Missing,
    /// Not after now.
    Expired(u16),
    /// A string of digits.
    Text,
    /// Negative.
    Negative(u16),
    /// 10^20.
    Huge,
    /// Within the lifetime, with a fraction (a warning).
    Fraction(u16),
    /// Past the profile's lifetime (an iAdvize warning, a Moveo error).
    Far(u16),
}

/// The iat claim.
#[derive(Debug, Clone, Copy, Arbitrary)]
pub enum Iat {
    /// No iat.
    None,
    /// In the past (within the lifetime for iAdvize).
    Past(u16),
    /// In the future (a warning).
    Future(u16),
    /// A string.
    Text,
}

/// The nbf claim.
#[derive(Debug, Clone, Copy, Arbitrary)]
pub enum Nbf {
    /// No nbf.
    None,
    /// Not after now.
    Past(u16),
    /// After now.
    Future(u16),
}

/// iAdvize's visitorData claim.
#[derive(Debug, Clone, Arbitrary)]
pub enum VisitorData {
    /// No visitorData.
    None,
    /// Documented fields with string values.
    Fields(Vec<(u8, String)>),
    /// A string instead of an object.
    NotObject(String),
    /// A documented field with a number.
    FieldNumber(u8, i32),
    /// An undocumented field (informative).
    Unknown(String),
}

/// The value of an extra claim or context member.
#[derive(Debug, Clone, Arbitrary)]
pub enum ExtraValue {
    /// A string.
    Text(String),
    /// An integer.
    Int(i64),
    /// A boolean.
    Bool(bool),
    /// null.
    Null,
    /// An array of strings.
    List(Vec<String>),
    /// An object of strings.
    Object(Vec<(String, String)>),
}

impl ExtraValue {
    pub(super) fn to_json(&self) -> Value {
        match self {
            ExtraValue::Text(s) => json!(s),
            ExtraValue::Int(n) => json!(n),
            ExtraValue::Bool(b) => json!(b),
            ExtraValue::Null => Value::Null,
            ExtraValue::List(items) => json!(items),
            ExtraValue::Object(members) => {
                Value::Object(members.iter().map(|(k, v)| (k.clone(), json!(v))).collect())
            }
        }
    }
}

/// An extra claim.
#[derive(Debug, Clone, Arbitrary)]
pub struct ExtraClaim {
    /// Its name (prefixed so it never collides with a profile claim).
    pub name: String,
    /// Its value.
    pub value: ExtraValue,
    /// iAdvize: without the https://iadvize.com/ prefix (a warning).
    pub unprefixed: bool,
}

/// The moveo context.
#[derive(Debug, Clone, Arbitrary)]
pub struct ContextModel {
    /// Its members.
    pub members: Vec<(String, ExtraValue)>,
    /// AES-256 rather than AES-128.
    pub aes256: bool,
}

/// The JWS alg.
#[derive(Debug, Clone, Arbitrary)]
pub enum Alg {
    /// RS256.
    Rs256,
    /// none, in one of four casings.
    None(u8),
    /// HS256.
    Hs256,
    /// RS512.
    Rs512,
    /// PS256.
    Ps256,
    /// No alg.
    Missing,
    /// Any text.
    Text(String),
}

/// A member of a JWS header that a receiver must refuse.
#[derive(Debug, Clone, Copy, Arbitrary)]
pub enum HeaderExtra {
    /// Nothing more.
    Nothing,
    /// crit naming an unknown extension.
    Crit,
    /// jku.
    Jku,
    /// x5u.
    X5u,
    /// x5c.
    X5c,
    /// jwk.
    Jwk,
    /// alg a second time (none).
    DuplicateAlg,
}

/// The JWS header (iAdvize's inner one, Moveo's only one).
#[derive(Debug, Clone, Arbitrary)]
pub struct HeaderModel {
    /// alg.
    pub alg: Alg,
    /// typ, if any (not checked).
    pub typ: Option<String>,
    /// kid, if any (informative).
    pub kid: Option<String>,
    /// One member to refuse, or none.
    pub extra: HeaderExtra,
    /// Written with spaces after `:` and `,`.
    pub spaced: bool,
}

/// The JWE cty.
#[derive(Debug, Clone, Arbitrary)]
pub enum Cty {
    /// "JWT".
    Jwt,
    /// "jwt" (the comparison ignores case).
    Lower,
    /// No cty (a warning).
    Missing,
    /// Any text (a warning unless it is JWT in some casing).
    Text(String),
}

/// The JWE header (iAdvize); alg and enc mistakes come from the catalogue.
#[derive(Debug, Clone, Arbitrary)]
pub struct JweHeaderModel {
    /// cty.
    pub cty: Cty,
    /// kid, if any (informative).
    pub kid: Option<String>,
    /// zip DEF (refused).
    pub zip: bool,
    /// Written with spaces after `:` and `,`.
    pub spaced: bool,
}

/// An edit to the token's text after it is built.
#[derive(Debug, Clone, Copy, Arbitrary)]
pub enum TextEdit {
    /// `=` after a segment.
    Pad {
        /// Segment index (modulo the count).
        segment: u8,
    },
    /// `-` and `_` of a segment written `+` and `/`.
    StdAlphabet {
        /// Segment index (modulo the count).
        segment: u8,
    },
    /// A line break inside a segment.
    Whitespace {
        /// Segment index (modulo the count).
        segment: u8,
        /// Position in it (modulo its length + 1).
        at: u16,
    },
    /// Unused low bits set in a segment's last character.
    TrailingBits {
        /// Segment index (modulo the count).
        segment: u8,
    },
    /// One byte replaced by a printable ASCII character.
    SetByte {
        /// Position (modulo the length).
        at: u16,
        /// The new character (mapped to `!`..`~`).
        byte: u8,
    },
    /// The token cut short.
    Truncate {
        /// New length (modulo the length + 1).
        at: u16,
    },
    /// Whitespace around the token (receivers trim it).
    Surround,
}

/// The structure-aware target's input: a token described field by field.
#[derive(Debug, Clone, Arbitrary)]
pub struct TokenModel {
    /// The profile.
    pub profile: ModelProfile,
    /// Seed of the IVs, keys and OAEP randomness.
    pub seed: u64,
    /// userId or sub.
    pub subject: Subject,
    /// iss.
    pub issuer: Issuer,
    /// exp.
    pub exp: Exp,
    /// iat.
    pub iat: Iat,
    /// nbf.
    pub nbf: Nbf,
    /// visitorData (iAdvize).
    pub visitor_data: VisitorData,
    /// Extra claims (the first four).
    pub extra: Vec<ExtraClaim>,
    /// The context (Moveo).
    pub context: Option<ContextModel>,
    /// The JWS header.
    pub header: HeaderModel,
    /// The JWE header (iAdvize).
    pub jwe_header: JweHeaderModel,
    /// A negative case of the catalogue ([`mutate::published`]), by index among
    /// the profile's: it replaces the headers above.
    pub mutation: Option<u8>,
    /// Edits of the token text (the first three).
    pub edits: Vec<TextEdit>,
}
