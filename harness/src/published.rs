//! Secrets printed in public documents (`harness/data/published.json`):
//! the AES key and IV of the Moveo.AI sample code, RSA keys printed in
//! RFCs and on jwt.io. A token made with one of them can be read or forged
//! by anyone who read the document, so the check makes each an error.
//!
//! Data, read once from the bundled file; no I/O, no cryptography (the
//! RSA keys are only parsed, and matched by their public key).

use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::Value;

use crate::jose::b64;
use crate::keys::{self, KeyMaterial, PrivateKey, PublicKey};

const DATA: &str = include_str!("../data/published.json");

/// An AES key or IV printed in a document.
#[derive(Debug, Clone)]
pub struct PublishedSecret {
    /// What it is, for a finding ("the Moveo.AI sample's AES key").
    pub name: String,
    /// Where it is printed.
    pub source: String,
    bytes: Vec<u8>,
}

/// An RSA key pair printed in a document.
#[derive(Debug, Clone)]
pub struct PublishedKey {
    /// What it is, for a finding ("the RFC 7515 Appendix A.2 RS256 key").
    pub name: String,
    /// Where it is printed.
    pub source: String,
    /// The key pair (its private half is as public as the rest).
    pub key: PrivateKey,
}

/// Everything in the data file.
#[derive(Debug)]
pub struct Published {
    /// AES keys.
    pub aes_keys: Vec<PublishedSecret>,
    /// IVs.
    pub ivs: Vec<PublishedSecret>,
    /// RSA keys.
    pub rsa_keys: Vec<PublishedKey>,
}

#[derive(Deserialize)]
struct SecretEntry {
    name: String,
    source: String,
    base64: String,
}

#[derive(Deserialize)]
struct KeyEntry {
    name: String,
    source: String,
    jwk: Value,
}

#[derive(Deserialize)]
struct File {
    aes_keys: Vec<SecretEntry>,
    ivs: Vec<SecretEntry>,
    rsa_keys: Vec<KeyEntry>,
}

fn secrets(entries: Vec<SecretEntry>) -> Result<Vec<PublishedSecret>, String> {
    entries
        .into_iter()
        .map(|e| {
            let bytes = b64::decode(&e.base64, b64::Dialect::Standard)
                .strict()
                .ok_or_else(|| format!("{}: not standard base64", e.name))?;
            Ok(PublishedSecret {
                name: e.name,
                source: e.source,
                bytes,
            })
        })
        .collect()
}

/// Reads the data file (the bundled text, or another for tests).
pub fn parse(text: &str) -> Result<Published, String> {
    let file: File = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let rsa_keys = file
        .rsa_keys
        .into_iter()
        .map(|e| {
            let loaded = keys::parse(e.jwk.to_string().as_bytes(), &e.name)
                .map_err(|err| format!("{}: {err}", e.name))?;
            let KeyMaterial::Private(key) = loaded.material else {
                return Err(format!("{}: only its public half is listed", e.name));
            };
            Ok(PublishedKey {
                name: e.name,
                source: e.source,
                key: *key,
            })
        })
        .collect::<Result<_, String>>()?;
    Ok(Published {
        aes_keys: secrets(file.aes_keys)?,
        ivs: secrets(file.ivs)?,
        rsa_keys,
    })
}

/// The bundled data, read once. A file that does not read is a build
/// mistake the tests catch; the check then knows no published secret.
pub fn all() -> &'static Published {
    static ALL: OnceLock<Published> = OnceLock::new();
    ALL.get_or_init(|| {
        parse(DATA).unwrap_or(Published {
            aes_keys: Vec::new(),
            ivs: Vec::new(),
            rsa_keys: Vec::new(),
        })
    })
}

/// The published AES key equal to `key`, if any.
pub fn aes_key(key: &[u8]) -> Option<&'static PublishedSecret> {
    all().aes_keys.iter().find(|s| s.bytes == key)
}

/// The published IV equal to `iv`, if any.
pub fn iv(iv: &[u8]) -> Option<&'static PublishedSecret> {
    all().ivs.iter().find(|s| s.bytes == iv)
}

/// The published key pair whose public half is `key`, if any.
pub fn rsa_key(key: &PublicKey) -> Option<&'static PublishedKey> {
    all()
        .rsa_keys
        .iter()
        .find(|k| k.key.public().spki_der() == key.spki_der())
}

/// The published key pair called `name` (for the forge).
pub fn rsa_key_named(name: &str) -> Option<&'static PublishedKey> {
    all().rsa_keys.iter().find(|k| k.name.contains(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_file_reads_whole() {
        let published = parse(DATA).expect("the data file reads");
        assert_eq!(published.aes_keys.len(), 1);
        assert_eq!(published.ivs.len(), 1);
        assert_eq!(published.rsa_keys.len(), 3);
        for key in &published.rsa_keys {
            key.key.rsa().validate().expect("a consistent key pair");
            assert!(key.key.public().bits() >= 2048, "{}", key.name);
        }
    }

    #[test]
    fn the_sample_values_are_the_texts_printed_in_the_sample() {
        assert!(aes_key(b"(H+MbQeThWmZq4t7w!z%C&F)J@NcRfUj").is_some());
        assert!(iv(b"*F-JaNdRgUkXp2s5").is_some());
        assert!(aes_key(b"*F-JaNdRgUkXp2s5").is_none());
    }
}
