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

impl PublishedSecret {
    /// The secret itself (public: it is printed in `source`).
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }
}

/// An RSA key pair printed in a document.
#[derive(Debug, Clone)]
pub struct PublishedKey {
    /// What it is, for a finding ("the RFC 7515 Appendix A.2 RS256 key").
    pub name: String,
    /// Where it is printed.
    pub source: String,
    /// Its public half.
    pub public: PublicKey,
    /// Its private half, where the data lists it (as public as the rest).
    pub private: Option<PrivateKey>,
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
            let (public, private) = match loaded.material {
                KeyMaterial::Private(key) => (key.public().clone(), Some(*key)),
                KeyMaterial::Public(key) => (key, None),
            };
            Ok(PublishedKey {
                name: e.name,
                source: e.source,
                public,
                private,
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
        .find(|k| k.public.spki_der() == key.spki_der())
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
            if let Some(private) = &key.private {
                private.rsa().validate().expect("a consistent key pair");
            }
            assert!(key.public.bits() >= 2048, "{}", key.name);
        }
        assert_eq!(
            published
                .rsa_keys
                .iter()
                .filter(|k| k.private.is_some())
                .count(),
            2
        );
    }

    #[test]
    fn the_sample_values_are_the_texts_printed_in_the_sample() {
        assert!(aes_key(b"(H+MbQeThWmZq4t7w!z%C&F)J@NcRfUj").is_some());
        assert!(iv(b"*F-JaNdRgUkXp2s5").is_some());
        assert!(aes_key(b"*F-JaNdRgUkXp2s5").is_none());
    }
}

#[cfg(test)]
mod byte_exact {
    use super::*;
    use crate::backend;

    /// A published example token verifies with the listed key: the key is
    /// the document's, byte for byte.
    fn verifies(name: &str, token: &str) {
        let key = rsa_key_named(name).expect("listed");
        let (input, signature) = token.rsplit_once('.').expect("a JWS");
        let signature = b64::decode(signature, b64::Dialect::Url)
            .strict()
            .expect("base64url");
        backend::reproducible()
            .rs256_verify(&key.public, input.as_bytes(), &signature)
            .expect("the document's own example verifies");
    }

    #[test]
    fn rfc_7515_a2_example_verifies_with_the_listed_key() {
        verifies("RFC 7515", "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw");
    }

    #[test]
    fn jwt_io_default_rs256_token_verifies_with_the_listed_key() {
        verifies("jwt.io", "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiYWRtaW4iOnRydWUsImlhdCI6MTUxNjIzOTAyMn0.NHVaYe26MbtOYhSKkoKYdFVomg4i8ZJd8_-RU8VNbftc4TSMb4bXP3l3YlNWACwyXPGffz5aXHc6lty1Y2t4SWRqGteragsVdZufDn5BlnJl9pdR_kdVFUsra2rWKEofkZeIC4yWytE58sMIihvo9H1ScmmVwBcQP6XETqYd0aSHp1gOa9RdUPDvoXQ5oqygTqVtxaDr6wUFKrKItgBMzWIdNZ6y7O9E0DhEPTbE9rfBo6KTFsHAZnMg4k68CDp2woYIaXbmYTWcvbzIuHO7_37GT79XdIwkm95QJ7hYC9RiwrV7mesbY4PAahERJawntho0my942XheVLmGwLMBkQ");
    }
}
