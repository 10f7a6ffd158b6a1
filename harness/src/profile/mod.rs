//! The two token profiles: their names and the numbers their rules use.
//!
//! No parsing, no cryptography: the vocabulary every layer above shares.

use serde::{Deserialize, Serialize};

/// The two token profiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// JWS (RS256) nested in a JWE (RSA-OAEP-256 + A256GCM).
    Iadvize,
    /// RS256 JWT with an optional AES-CBC encrypted context claim.
    Moveo,
}

impl Profile {
    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Iadvize => "iadvize",
            Profile::Moveo => "moveo",
        }
    }

    /// Both profiles.
    pub const ALL: [Profile; 2] = [Profile::Iadvize, Profile::Moveo];

    /// The profile of a lowercase name.
    pub fn from_name(name: &str) -> Option<Profile> {
        Profile::ALL.into_iter().find(|p| p.as_str() == name)
    }
}

/// The iAdvize claim-name prefix.
pub const IADVIZE_PREFIX: &str = "https://iadvize.com/";
/// The iAdvize user id claim.
pub const IADVIZE_USER_ID: &str = "https://iadvize.com/userId";
/// The iAdvize visitor data claim.
pub const IADVIZE_VISITOR_DATA: &str = "https://iadvize.com/visitorData";
/// visitorData fields named in the vendor's documentation.
pub const VISITOR_DATA_FIELDS: [&str; 8] = [
    "firstName",
    "lastName",
    "email",
    "phoneNumber",
    "address",
    "zipCode",
    "city",
    "country",
];
/// Longest userId, in characters.
pub const MAX_USER_ID_CHARS: usize = 255;
/// iAdvize's recommended lifetime.
pub const IADVIZE_MAX_LIFETIME: f64 = 60.0;
/// How far ahead Moveo accepts exp.
pub const MOVEO_MAX_EXP_AHEAD: f64 = 300.0;
/// Smallest RSA key accepted.
pub const MIN_RSA_BITS: usize = 2048;
/// The largest NumericDate taken as plausible: 9999-12-31T23:59:59Z.
pub const MAX_NUMERIC_DATE: f64 = 253_402_300_799.0;

pub mod claims;
pub mod headers;
