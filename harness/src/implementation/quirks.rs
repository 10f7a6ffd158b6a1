//! Known quirks: library behaviour that differs from the harness's rules
//! on purpose, recorded with its reason (like BoringSSL's BoGo
//! `DisabledTests`). A negative case an implementation accepts is a
//! failure unless it is listed here; a listed quirk that no longer happens
//! is reported as stale, so the file cannot rot.
//!
//! The file is JSON: `{"quirks": [{"implementation", "library", "case",
//! "reason"}]}`, where `case` is a negative case's name
//! (`iadvize/jws.b64.padding`) or a `*` pattern over names
//! (`*/jws.b64.padding`), and `library` the library and version the quirk
//! was seen with (optional, but every bundled quirk has it).

use serde::{Deserialize, Serialize};

/// The quirks file built into the binary (`harness/data/quirks.json`).
pub const BUNDLED: &str = include_str!("../../data/quirks.json");

/// One known quirk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quirk {
    /// The implementation's name in the matrix (`python-cryptography`).
    pub implementation: String,
    /// The library and version it was seen with (`jose 6.2.17`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub library: Option<String>,
    /// The negative case, or a pattern with `*`.
    pub case: String,
    /// Why it behaves so, and whether it matters.
    pub reason: String,
}

/// A quirks file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quirks {
    /// Every known quirk.
    pub quirks: Vec<Quirk>,
}

impl Quirks {
    /// Parses a quirks file.
    pub fn parse(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// The bundled quirks.
    pub fn bundled() -> Self {
        // A unit test proves the bundled file parses.
        Self::parse(BUNDLED).unwrap_or_default()
    }

    /// The quirk that explains `implementation` accepting `case`.
    pub fn find(&self, implementation: &str, case: &str) -> Option<&Quirk> {
        self.quirks
            .iter()
            .find(|q| q.implementation == implementation && matches(&q.case, case))
    }
}

impl Quirk {
    /// How reports say it: `known quirk of LIBRARY: REASON`.
    pub fn explain(&self) -> String {
        match &self.library {
            Some(library) => format!("known quirk of {library}: {}", self.reason),
            None => format!("known quirk: {}", self.reason),
        }
    }
}

/// Whether `name` matches `pattern`, where `*` matches any run of
/// characters.
pub fn matches(pattern: &str, name: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == name,
        Some((head, rest)) => {
            let Some(tail) = name.strip_prefix(head) else {
                return false;
            };
            (0..=tail.len())
                .filter(|i| tail.is_char_boundary(*i))
                .any(|i| matches(rest, &tail[i..]))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_file_parses_and_every_quirk_has_a_reason() {
        let quirks = Quirks::parse(BUNDLED).expect("harness/data/quirks.json parses");
        assert!(quirks.quirks.iter().all(|q| q.reason.len() > 20));
        assert!(
            quirks.quirks.iter().all(|q| q.library.is_some()),
            "every bundled quirk names the library and version it was seen with"
        );
    }

    #[test]
    fn patterns() {
        assert!(matches("*/jws.b64.padding", "moveo/jws.b64.padding"));
        assert!(matches("iadvize/*", "iadvize/jwe.zip"));
        assert!(!matches("iadvize/*", "moveo/jwe.zip"));
        assert!(matches("a*c*e", "abcde"));
        assert!(!matches("a*c*e", "abcd"));
    }
}
