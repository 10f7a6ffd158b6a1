//! The catalogue of implementers' mistakes: what the code that minted a
//! token most likely did wrong, beyond which rule the token breaks.
//!
//! A rule says what is wrong with a token ("the context does not end in
//! valid PKCS#7 padding"); a mistake says what the sender's code did to
//! make it so ("PHP `openssl_encrypt` without `OPENSSL_RAW_DATA`, then
//! `base64_encode`: the context is base64 text encrypted... twice") and
//! how to fix that in the sender's own language. Each [`Mistake`] is data:
//! a stable id, the layer of the token whose failure it explains, the
//! trial that tells it apart, the rules it explains, its message and the
//! fix per [`Lang`].
//!
//! Trials run only after the regular path failed, and are bounded (a fixed
//! list, never a search). One that reproduces the sender's bytes makes a
//! [`Status::Confirmed`] cause, whose finding replaces the symptom's; one
//! that matches a pattern without proof makes a [`Status::Likely`] cause,
//! added as a hint to the symptom's finding. The trials that need
//! cryptography run in [`crate::check`], through the backend; the others
//! are pure functions in [`patterns`].

use std::fmt;
use std::str::FromStr;

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use crate::rules::Rule;

mod catalogue;
pub mod patterns;

pub use catalogue::*;

/// The languages a fix is written for, in the order they are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Lang {
    /// Node.js (JavaScript, TypeScript).
    Node,
    /// Python.
    Python,
    /// Java and Kotlin (the JCA, Nimbus, jose4j, jjwt).
    Java,
    /// PHP.
    Php,
    /// C# and the rest of .NET.
    Dotnet,
    /// Go.
    Go,
    /// Ruby.
    Ruby,
}

impl Lang {
    /// Every language, in display order.
    pub const ALL: [Lang; 7] = [
        Lang::Node,
        Lang::Python,
        Lang::Java,
        Lang::Php,
        Lang::Dotnet,
        Lang::Go,
        Lang::Ruby,
    ];

    /// The name `--lang` takes and JSON uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::Node => "node",
            Lang::Python => "python",
            Lang::Java => "java",
            Lang::Php => "php",
            Lang::Dotnet => "dotnet",
            Lang::Go => "go",
            Lang::Ruby => "ruby",
        }
    }

    /// The name people read.
    pub fn label(self) -> &'static str {
        match self {
            Lang::Node => "Node.js",
            Lang::Python => "Python",
            Lang::Java => "Java/Kotlin",
            Lang::Php => "PHP",
            Lang::Dotnet => "C#/.NET",
            Lang::Go => "Go",
            Lang::Ruby => "Ruby",
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Lang {
    type Err = String;

    /// A language by its name or a usual alias (`js`, `ts`, `kotlin`,
    /// `csharp`, `c#`, `golang`, `py`), in any case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lang = match s.trim().to_ascii_lowercase().as_str() {
            "node" | "nodejs" | "node.js" | "js" | "javascript" | "ts" | "typescript" => Lang::Node,
            "python" | "py" => Lang::Python,
            "java" | "kotlin" | "kt" | "jvm" => Lang::Java,
            "php" => Lang::Php,
            "dotnet" | ".net" | "csharp" | "c#" | "cs" | "net" => Lang::Dotnet,
            "go" | "golang" => Lang::Go,
            "ruby" | "rb" => Lang::Ruby,
            other => {
                return Err(format!(
                    "unknown language {other:?}; one of {}",
                    Lang::ALL.map(Lang::as_str).join(", ")
                ))
            }
        };
        Ok(lang)
    }
}

/// Which layer of a token a mistake explains the failure of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Layer {
    /// The header: `alg`, `enc`, `cty`.
    Header,
    /// Base64 and the segments' encoding.
    Encoding,
    /// The signature.
    Signature,
    /// The RSA unwrap of the JWE content key or the moveo key and IV.
    RsaUnwrap,
    /// The symmetric decryption: AES-CBC (moveo) or AES-GCM (iAdvize).
    SymmetricDecrypt,
    /// What was encrypted: the context JSON, the JWE plaintext.
    Plaintext,
    /// `exp`, `iat`, `nbf`.
    TimeClaims,
}

impl Layer {
    /// The name `checks` shows.
    pub fn as_str(self) -> &'static str {
        match self {
            Layer::Header => "header",
            Layer::Encoding => "encoding",
            Layer::Signature => "signature",
            Layer::RsaUnwrap => "RSA unwrap",
            Layer::SymmetricDecrypt => "symmetric decryption",
            Layer::Plaintext => "plaintext",
            Layer::TimeClaims => "time claims",
        }
    }
}

/// How sure a cause is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The trial reproduced the sender's bytes (or the token itself shows
    /// the mistake, as a header does).
    Confirmed,
    /// A pattern without proof.
    Likely,
}

/// One mistake of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mistake {
    /// Stable, namespaced id (`rsa.oaep_label`).
    pub id: &'static str,
    /// The layer whose failure it explains.
    pub layer: Layer,
    /// The rules whose findings it explains: a confirmed cause's finding
    /// is one of these, a likely one joins a finding of one of these.
    pub rules: &'static [Rule],
    /// What its trial can establish.
    pub status: Status,
    /// How the trial tells it apart, in words.
    pub trial: &'static str,
    /// The mistake, in one line.
    pub message: &'static str,
    /// Whether every finding of its rule is this mistake (the rule's own
    /// check is the trial), so the cause goes with the rule.
    pub shown_by_rule: bool,
    /// The fix in each language the mistake is made in.
    pub fixes: &'static [(Lang, &'static str)],
    /// Where it was seen: issue threads, library docs.
    pub source: &'static str,
}

/// A finding's fix per language: a mistake's fixes, with the language
/// the reader asked for (`--lang`) first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fixes {
    entries: &'static [(Lang, &'static str)],
    first: Option<Lang>,
}

impl Fixes {
    /// A mistake's fixes, in catalogue order.
    pub fn of(mistake: &Mistake) -> Self {
        Fixes {
            entries: mistake.fixes,
            first: None,
        }
    }

    /// The same fixes with `lang` first.
    pub fn preferring(self, lang: Option<Lang>) -> Self {
        Fixes {
            first: lang,
            ..self
        }
    }

    /// The fix for `lang`, if there is one.
    pub fn get(&self, lang: Lang) -> Option<&'static str> {
        self.entries
            .iter()
            .find(|(l, _)| *l == lang)
            .map(|(_, f)| *f)
    }

    /// Every fix, the preferred language's first.
    pub fn ordered(&self) -> Vec<(Lang, &'static str)> {
        let mut fixes = self.entries.to_vec();
        if let Some(lang) = self.first {
            fixes.sort_by_key(|(l, _)| *l != lang);
        }
        fixes
    }

    /// The preferred language, if one was asked for.
    pub fn preferred(&self) -> Option<Lang> {
        self.first
    }
}

impl Serialize for Fixes {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let fixes = self.ordered();
        let mut map = serializer.serialize_map(Some(fixes.len()))?;
        for (lang, fix) in fixes {
            map.serialize_entry(lang.as_str(), fix)?;
        }
        map.end()
    }
}

/// The cause a check found for a finding: a mistake of the catalogue, how
/// sure, and what showed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cause {
    /// The mistake's id.
    pub id: &'static str,
    /// Confirmed by a trial, or likely from a pattern.
    pub status: Status,
    /// The mistake, in one line.
    pub message: &'static str,
    /// What the trial showed in this token, when the finding's detail
    /// does not already say it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
}

impl Cause {
    /// A cause of `mistake` with its own status, and what showed it.
    pub fn of(mistake: &Mistake, evidence: Option<String>) -> Self {
        Cause {
            id: mistake.id,
            status: mistake.status,
            message: mistake.message,
            evidence,
        }
    }

    /// The catalogue entry.
    pub fn mistake(&self) -> Option<&'static Mistake> {
        by_id(self.id)
    }
}

/// Every mistake, in catalogue order.
pub fn all() -> &'static [Mistake] {
    catalogue::ALL
}

/// A mistake by id.
pub fn by_id(id: &str) -> Option<&'static Mistake> {
    all().iter().find(|m| m.id == id)
}

/// The mistakes that can explain findings of `rule_id`.
pub fn for_rule(rule_id: &str) -> Vec<&'static Mistake> {
    all()
        .iter()
        .filter(|m| m.rules.iter().any(|r| r.id == rule_id))
        .collect()
}

impl Serialize for Mistake {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(9))?;
        map.serialize_entry("id", self.id)?;
        map.serialize_entry("layer", &self.layer)?;
        map.serialize_entry("status", &self.status)?;
        map.serialize_entry(
            "rules",
            &self.rules.iter().map(|r| r.id).collect::<Vec<_>>(),
        )?;
        map.serialize_entry("shown_by_rule", &self.shown_by_rule)?;
        map.serialize_entry("trial", self.trial)?;
        map.serialize_entry("message", self.message)?;
        map.serialize_entry("fixes", &Fixes::of(self))?;
        map.serialize_entry("source", self.source)?;
        map.end()
    }
}

/// The mistake every finding of `rule_id` is: the entry listing the rule
/// whose trial is the rule's own check.
pub fn shown_by_rule(rule_id: &str) -> Option<&'static Mistake> {
    all()
        .iter()
        .find(|m| m.shown_by_rule && m.rules.iter().any(|r| r.id == rule_id))
}
