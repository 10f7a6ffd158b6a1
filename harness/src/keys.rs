//! Loading RSA keys from every form implementers hold them in: PEM
//! (PKCS#8, PKCS#1, SPKI), DER, bare base64 of DER (the form iAdvize
//! publishes its key in) and JWK. Errors name the file, say what the file
//! looks like and what was expected.

use std::fmt;
use std::path::Path;

use rsa::pkcs1::{DecodeRsaPrivateKey, DecodeRsaPublicKey, EncodeRsaPublicKey};
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use rsa::traits::{PrivateKeyParts, PublicKeyParts};
use rsa::{BigUint, RsaPrivateKey, RsaPublicKey};
use serde_json::Value;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::jose::b64;

/// The largest modulus accepted, in bits (the rsa crate's own ceiling).
pub const MAX_MODULUS_BITS: usize = 4096;

/// iAdvize's published production encryption key (bare base64 of SPKI DER).
/// It is a public key: a token made for it can only be checked by iAdvize.
pub const IADVIZE_PRODUCTION_KEY: &str = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA1KdAzuUa5rOXgLHavoDRYoNXzwWz/pFhgGypYFbvV8DNjB93XK2AzKTwW+vxT7RYl4f+sKLdEi3dJYgPt2hquhTNmFxAzRvTuolUOKr1XNx7QbDj+7cfLVDYjmds/ydNtyHi8TUHSvfzs8SGXO5E5H13llmayPEslHKShG0cLIDcLNr6hJcfv9fvOZqQlLQ4Bx7to/66IHke9zY+1oidrUdFGzxXG+RGK81mIMuXj6N2EGJ7YYcQqXJfBJnWFlSGCQNttw5Rfj00eZbkMRO3XohhNqGIiBG2tejSjfB53UpiHdbzni+tyB72R5aaq4d+gkkgaOVYn/Or2fArOH2FUQIDAQAB";

/// An RSA public key with its encodings, computed once.
#[derive(Clone)]
pub struct PublicKey {
    rsa: RsaPublicKey,
    spki_der: Vec<u8>,
    digest: [u8; 32],
    fingerprint: String,
}

impl PublicKey {
    /// Wraps an rsa public key.
    pub fn new(rsa: RsaPublicKey) -> Self {
        let spki_der = rsa
            .to_public_key_der()
            .map(|d| d.as_bytes().to_vec())
            .unwrap_or_default();
        let digest = Sha256::digest(&spki_der);
        let fingerprint = format!("SHA256:{}", hex(&digest[..12]));
        Self {
            rsa,
            spki_der,
            digest: digest.into(),
            fingerprint,
        }
    }
    /// The rsa crate's key.
    pub fn rsa(&self) -> &RsaPublicKey {
        &self.rsa
    }
    /// SubjectPublicKeyInfo DER.
    pub fn spki_der(&self) -> &[u8] {
        &self.spki_der
    }
    /// SPKI PEM (`PUBLIC KEY`), as most tools write a public key file.
    pub fn spki_pem(&self) -> String {
        pem("PUBLIC KEY", &self.spki_der)
    }
    /// PKCS#1 DER (`RSA PUBLIC KEY`).
    pub fn pkcs1_der(&self) -> Vec<u8> {
        self.rsa
            .to_pkcs1_der()
            .map(|d| d.as_bytes().to_vec())
            .unwrap_or_default()
    }
    /// Modulus size in bits.
    pub fn bits(&self) -> usize {
        self.rsa.n().bits()
    }
    /// Modulus size in bytes (the length of a signature or RSA ciphertext).
    pub fn size(&self) -> usize {
        self.rsa.size()
    }
    /// SHA-256 of the SPKI DER: what identifies this key in the backends'
    /// caches of library key objects.
    #[cfg_attr(not(feature = "openssl"), allow(dead_code))]
    pub(crate) fn digest(&self) -> &[u8; 32] {
        &self.digest
    }
    /// A short fingerprint (SHA-256 of the SPKI DER): safe to print.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }
    /// Whether this is iAdvize's published production key.
    pub fn is_iadvize_production(&self) -> bool {
        b64::decode(IADVIZE_PRODUCTION_KEY, b64::Dialect::Standard)
            .bytes
            .is_some_and(|der| der == self.spki_der)
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({} bits, {})", self.bits(), self.fingerprint)
    }
}

/// An RSA private key. Its Debug form never shows key material.
#[derive(Clone)]
pub struct PrivateKey {
    rsa: RsaPrivateKey,
    public: PublicKey,
    digest: Zeroizing<[u8; 32]>,
}

impl PrivateKey {
    /// A new RSA key of `bits` bits drawn from `rng` (`keygen`).
    pub fn generate(rng: &mut crate::rng::HarnessRng, bits: usize) -> Result<Self, String> {
        RsaPrivateKey::new(rng, bits)
            .map(Self::new)
            .map_err(|e| e.to_string())
    }

    /// Wraps an rsa private key.
    pub fn new(rsa: RsaPrivateKey) -> Self {
        let public = PublicKey::new(rsa.to_public_key());
        // The whole key, not only its public half: two private keys that
        // share a modulus but differ are different keys to a library.
        let mut hash = Sha256::new();
        hash.update(b"jose-harness private key\0");
        let mut part = |bytes: &[u8]| {
            hash.update((bytes.len() as u64).to_be_bytes());
            hash.update(bytes);
        };
        part(&public.spki_der);
        part(&Zeroizing::new(rsa.d().to_bytes_be()));
        for prime in rsa.primes() {
            part(&Zeroizing::new(prime.to_bytes_be()));
        }
        let digest = Zeroizing::new(hash.finalize().into());
        Self {
            rsa,
            public,
            digest,
        }
    }
    /// A SHA-256 digest of the whole key (SPKI, private exponent,
    /// primes): what identifies it in the backends' caches of library key
    /// objects. Computed once; it reveals nothing of the key, and is
    /// zeroized on drop all the same.
    #[cfg_attr(not(feature = "openssl"), allow(dead_code))]
    pub(crate) fn digest(&self) -> &[u8; 32] {
        &self.digest
    }
    /// The rsa crate's key (zeroized on drop by the rsa crate).
    pub fn rsa(&self) -> &RsaPrivateKey {
        &self.rsa
    }
    /// The matching public key.
    pub fn public(&self) -> &PublicKey {
        &self.public
    }
    /// PKCS#8 DER, zeroized when dropped.
    pub fn pkcs8_der(&self) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(
            self.rsa
                .to_pkcs8_der()
                .map(|d| d.as_bytes().to_vec())
                .unwrap_or_default(),
        )
    }
    /// PKCS#8 PEM (`PRIVATE KEY`), zeroized when dropped.
    pub fn pkcs8_pem(&self) -> Zeroizing<String> {
        Zeroizing::new(pem("PRIVATE KEY", &self.pkcs8_der()))
    }
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "PrivateKey({} bits, {})",
            self.public.bits(),
            self.public.fingerprint
        )
    }
}

/// The form a key file was in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyForm {
    /// PEM `PRIVATE KEY` (PKCS#8).
    Pkcs8Pem,
    /// PEM `RSA PRIVATE KEY` (PKCS#1).
    Pkcs1PrivatePem,
    /// PEM `PUBLIC KEY` (SPKI).
    SpkiPem,
    /// PEM `RSA PUBLIC KEY` (PKCS#1).
    Pkcs1PublicPem,
    /// Binary DER (any of the four structures).
    Der,
    /// Bare base64 of DER, no PEM armour.
    Base64Der,
    /// A JSON Web Key (or a set holding exactly one).
    Jwk,
}

impl fmt::Display for KeyForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            KeyForm::Pkcs8Pem => "PEM PKCS#8 private key",
            KeyForm::Pkcs1PrivatePem => "PEM PKCS#1 private key",
            KeyForm::SpkiPem => "PEM SPKI public key",
            KeyForm::Pkcs1PublicPem => "PEM PKCS#1 public key",
            KeyForm::Der => "DER key",
            KeyForm::Base64Der => "bare base64 DER key",
            KeyForm::Jwk => "JWK",
        })
    }
}

/// A key as loaded: public, or private (which also gives the public half).
#[derive(Debug, Clone)]
pub enum KeyMaterial {
    /// Only the public half.
    Public(PublicKey),
    /// A private key.
    Private(Box<PrivateKey>),
}

/// A key with where it came from.
#[derive(Debug, Clone)]
pub struct LoadedKey {
    /// The file (or other origin) it was read from.
    pub origin: String,
    /// The form it was in.
    pub form: KeyForm,
    /// The key.
    pub material: KeyMaterial,
    /// The file's permission bits, when it holds a private key that its
    /// group or others may read (as ssh warns about). Unix only.
    pub exposed_mode: Option<u32>,
}

impl LoadedKey {
    /// The public key, from either half.
    pub fn public(&self) -> &PublicKey {
        match &self.material {
            KeyMaterial::Public(p) => p,
            KeyMaterial::Private(k) => k.public(),
        }
    }

    /// The private key, or an error telling that `flag` needs one.
    pub fn private(&self, flag: &str) -> Result<&PrivateKey, KeyError> {
        match &self.material {
            KeyMaterial::Private(k) => Ok(k),
            KeyMaterial::Public(p) => Err(KeyError::NeedPrivate {
                origin: self.origin.clone(),
                flag: flag.to_owned(),
                production: p.is_iadvize_production(),
            }),
        }
    }
}

/// Why a key could not be loaded or used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The file could not be read.
    #[error("cannot read key file {origin}: {source}")]
    Io {
        /// The file.
        origin: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The content is not any key form we know.
    #[error("{origin} is not an RSA key: it looks like {looks_like}; expected PEM (PRIVATE KEY, RSA PRIVATE KEY, PUBLIC KEY or RSA PUBLIC KEY), DER, bare base64 of DER, or an RSA JWK")]
    Unrecognized {
        /// The file.
        origin: String,
        /// What the content seems to be.
        looks_like: String,
    },
    /// A key, but not RSA.
    #[error("{origin} holds {algorithm} key; both profiles use RSA keys (RS256, RSA-OAEP-256)")]
    NotRsa {
        /// The file.
        origin: String,
        /// The key algorithm found.
        algorithm: String,
    },
    /// A passphrase-protected key.
    #[error("{origin} is an encrypted (passphrase-protected) private key; decrypt it first, e.g. `openssl pkey -in {origin} -out plain.pem`")]
    Encrypted {
        /// The file.
        origin: String,
    },
    /// A certificate where a key was expected.
    #[error("{origin} is a certificate, not a key; extract its public key with `openssl x509 -in {origin} -pubkey -noout > public.pem`")]
    Certificate {
        /// The file.
        origin: String,
    },
    /// The form was recognised but its content is broken.
    #[error("{origin} looks like {form} but cannot be read: {reason}")]
    Malformed {
        /// The file.
        origin: String,
        /// The form it claims to be.
        form: String,
        /// What is wrong.
        reason: String,
    },
    /// A public key where a private key is needed.
    #[error("{origin} is a public key; {flag} needs the private key{}", if *production { " (this is iAdvize's production public key: only iAdvize holds its private key, so only iAdvize can decrypt tokens made for it)" } else { "" })]
    NeedPrivate {
        /// The file.
        origin: String,
        /// The command-line flag that needs it.
        flag: String,
        /// Whether it is the vendor's production key.
        production: bool,
    },
}

/// The largest key file read: an RSA-4096 JWK with every member is about
/// 3.3 KiB, a PEM less; anything near this is not a key.
pub const MAX_KEY_FILE_BYTES: u64 = 64 * 1024;

/// Reads and parses a key file (at most [`MAX_KEY_FILE_BYTES`]).
pub fn load_file(path: &Path) -> Result<LoadedKey, KeyError> {
    use std::io::Read;
    let origin = path.display().to_string();
    let io = |source| KeyError::Io {
        origin: origin.clone(),
        source,
    };
    let mut bytes = Zeroizing::new(Vec::new());
    std::fs::File::open(path)
        .and_then(|file| file.take(MAX_KEY_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(io)?;
    if bytes.len() as u64 > MAX_KEY_FILE_BYTES {
        return Err(KeyError::Unrecognized {
            origin,
            looks_like: format!(
                "a file of more than {MAX_KEY_FILE_BYTES} bytes, far more than any RSA key file"
            ),
        });
    }
    let mut loaded = parse(&bytes, &origin)?;
    if matches!(loaded.material, KeyMaterial::Private(_)) {
        loaded.exposed_mode = exposed_mode(path);
    }
    Ok(loaded)
}

/// The permission bits of `path` when its group or others have any access.
#[cfg(unix)]
fn exposed_mode(path: &Path) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
    (mode & 0o077 != 0).then_some(mode)
}

#[cfg(not(unix))]
fn exposed_mode(_path: &Path) -> Option<u32> {
    None
}

/// Parses key bytes of any supported form; `origin` names them in errors.
pub fn parse(bytes: &[u8], origin: &str) -> Result<LoadedKey, KeyError> {
    let (form, material) = parse_material(bytes, origin)?;
    Ok(LoadedKey {
        origin: origin.to_owned(),
        form,
        material,
        exposed_mode: None,
    })
}

fn parse_material(bytes: &[u8], origin: &str) -> Result<(KeyForm, KeyMaterial), KeyError> {
    if bytes.first() == Some(&0x30) {
        return parse_der(bytes, origin).map(|m| (KeyForm::Der, m));
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Err(KeyError::Unrecognized {
            origin: origin.to_owned(),
            looks_like: format!("binary data of {} bytes that is not DER", bytes.len()),
        });
    };
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(KeyError::Unrecognized {
            origin: origin.to_owned(),
            looks_like: "an empty file".into(),
        });
    }
    if let Some(start) = text.find("-----BEGIN ") {
        return parse_pem(&text[start..], origin);
    }
    if trimmed.starts_with('{') {
        return parse_jwk(trimmed, origin).map(|m| (KeyForm::Jwk, m));
    }
    let decoded = b64::decode(trimmed, b64::Dialect::Standard);
    match decoded.bytes {
        Some(der) if der.first() == Some(&0x30) => {
            let der = Zeroizing::new(der);
            parse_der(&der, origin).map(|m| (KeyForm::Base64Der, m))
        }
        _ => Err(KeyError::Unrecognized {
            origin: origin.to_owned(),
            looks_like: format!(
                "text of {} characters that is neither PEM, JSON nor base64 of DER",
                trimmed.chars().count()
            ),
        }),
    }
}

fn parse_pem(text: &str, origin: &str) -> Result<(KeyForm, KeyMaterial), KeyError> {
    let malformed = |form: &str, reason: &str| KeyError::Malformed {
        origin: origin.to_owned(),
        form: form.to_owned(),
        reason: reason.to_owned(),
    };
    let first = text.lines().next().unwrap_or_default().trim();
    let label = first
        .strip_prefix("-----BEGIN ")
        .and_then(|l| l.strip_suffix("-----"))
        .ok_or_else(|| {
            malformed(
                "PEM",
                "the BEGIN line is not of the form -----BEGIN LABEL-----",
            )
        })?
        .to_owned();
    let end = format!("-----END {label}-----");
    let mut body = String::new();
    let mut ended = false;
    for line in text.lines().skip(1) {
        let line = line.trim();
        if line == end {
            ended = true;
            break;
        }
        if line.contains(':') {
            if line.starts_with("Proc-Type") && line.contains("ENCRYPTED") {
                return Err(KeyError::Encrypted {
                    origin: origin.to_owned(),
                });
            }
            continue;
        }
        body.push_str(line);
    }
    let form_name = format!("PEM {label}");
    if !ended {
        return Err(malformed(&form_name, &format!("no {end} line")));
    }
    let der = Zeroizing::new(
        b64::decode(&body, b64::Dialect::Standard)
            .strict()
            .ok_or_else(|| malformed(&form_name, "the body is not valid base64"))?,
    );
    let e = |err: String| malformed(&form_name, &err);
    match label.as_str() {
        "PRIVATE KEY" => match RsaPrivateKey::from_pkcs8_der(&der) {
            Ok(k) => Ok((
                KeyForm::Pkcs8Pem,
                KeyMaterial::Private(Box::new(PrivateKey::new(k))),
            )),
            Err(err) => Err(not_rsa_private(&der, origin).unwrap_or_else(|| e(err.to_string()))),
        },
        "RSA PRIVATE KEY" => match RsaPrivateKey::from_pkcs1_der(&der) {
            Ok(k) => Ok((
                KeyForm::Pkcs1PrivatePem,
                KeyMaterial::Private(Box::new(PrivateKey::new(k))),
            )),
            Err(err) => Err(match RsaPrivateKey::from_pkcs8_der(&der) {
                Ok(_) => e("the body is PKCS#8; label it PRIVATE KEY".into()),
                Err(_) => e(err.to_string()),
            }),
        },
        "PUBLIC KEY" => match RsaPublicKey::from_public_key_der(&der) {
            Ok(k) => Ok((KeyForm::SpkiPem, KeyMaterial::Public(PublicKey::new(k)))),
            Err(err) => Err(not_rsa_public(&der, origin).unwrap_or_else(|| {
                match RsaPublicKey::from_pkcs1_der(&der) {
                    Ok(_) => e(
                        "the body is PKCS#1; label it RSA PUBLIC KEY (SPKI is PUBLIC KEY)".into(),
                    ),
                    Err(_) => e(err.to_string()),
                }
            })),
        },
        "RSA PUBLIC KEY" => match RsaPublicKey::from_pkcs1_der(&der) {
            Ok(k) => Ok((
                KeyForm::Pkcs1PublicPem,
                KeyMaterial::Public(PublicKey::new(k)),
            )),
            Err(err) => Err(match RsaPublicKey::from_public_key_der(&der) {
                Ok(_) => {
                    e("the body is SPKI; label it PUBLIC KEY (PKCS#1 is RSA PUBLIC KEY)".into())
                }
                Err(_) => e(err.to_string()),
            }),
        },
        "ENCRYPTED PRIVATE KEY" => Err(KeyError::Encrypted {
            origin: origin.to_owned(),
        }),
        "CERTIFICATE" | "X509 CERTIFICATE" | "TRUSTED CERTIFICATE" => Err(KeyError::Certificate {
            origin: origin.to_owned(),
        }),
        "EC PRIVATE KEY" | "EC PARAMETERS" => Err(KeyError::NotRsa {
            origin: origin.to_owned(),
            algorithm: "an elliptic-curve".into(),
        }),
        "OPENSSH PRIVATE KEY" => Err(e(
            "OpenSSH's own format; convert it with `ssh-keygen -p -m PKCS8 -f FILE`".into(),
        )),
        other => Err(KeyError::Unrecognized {
            origin: origin.to_owned(),
            looks_like: format!("PEM labelled {other:?}"),
        }),
    }
}

fn parse_der(der: &[u8], origin: &str) -> Result<KeyMaterial, KeyError> {
    if let Ok(k) = RsaPrivateKey::from_pkcs8_der(der) {
        return Ok(KeyMaterial::Private(Box::new(PrivateKey::new(k))));
    }
    if let Ok(k) = RsaPrivateKey::from_pkcs1_der(der) {
        return Ok(KeyMaterial::Private(Box::new(PrivateKey::new(k))));
    }
    if let Ok(k) = RsaPublicKey::from_public_key_der(der) {
        return Ok(KeyMaterial::Public(PublicKey::new(k)));
    }
    if let Ok(k) = RsaPublicKey::from_pkcs1_der(der) {
        return Ok(KeyMaterial::Public(PublicKey::new(k)));
    }
    if let Some(err) = not_rsa_private(der, origin).or_else(|| not_rsa_public(der, origin)) {
        return Err(err);
    }
    Err(KeyError::Unrecognized {
        origin: origin.to_owned(),
        looks_like: format!(
            "DER of {} bytes that is none of PKCS#8, PKCS#1 or SPKI for RSA (a certificate? an RSA key over {MAX_MODULUS_BITS} bits?)",
            der.len()
        ),
    })
}

fn algorithm_name(oid: &str) -> String {
    match oid {
        "1.2.840.10045.2.1" => "an elliptic-curve (EC)".into(),
        "1.3.101.112" => "an Ed25519".into(),
        "1.3.101.113" => "an Ed448".into(),
        "1.3.101.110" => "an X25519".into(),
        "1.2.840.113549.1.1.10" => "an RSASSA-PSS-only (restricted)".into(),
        "1.2.840.10040.4.1" => "a DSA".into(),
        other => format!("an unknown (OID {other})"),
    }
}

const RSA_ENCRYPTION_OID: &str = "1.2.840.113549.1.1.1";

fn not_rsa_private(der: &[u8], origin: &str) -> Option<KeyError> {
    let info = rsa::pkcs8::PrivateKeyInfo::try_from(der).ok()?;
    let oid = info.algorithm.oid.to_string();
    (oid != RSA_ENCRYPTION_OID).then(|| KeyError::NotRsa {
        origin: origin.to_owned(),
        algorithm: algorithm_name(&oid),
    })
}

fn not_rsa_public(der: &[u8], origin: &str) -> Option<KeyError> {
    let info = rsa::pkcs8::spki::SubjectPublicKeyInfoRef::try_from(der).ok()?;
    let oid = info.algorithm.oid.to_string();
    (oid != RSA_ENCRYPTION_OID).then(|| KeyError::NotRsa {
        origin: origin.to_owned(),
        algorithm: algorithm_name(&oid),
    })
}

fn parse_jwk(text: &str, origin: &str) -> Result<KeyMaterial, KeyError> {
    let malformed = |reason: String| KeyError::Malformed {
        origin: origin.to_owned(),
        form: "JWK".into(),
        reason,
    };
    let value = crate::jose::json::parse_value(text, crate::jose::json::DEFAULT_MAX_DEPTH)
        .map_err(|p| malformed(p.to_string()))?;
    let jwk = match value.get("keys") {
        Some(Value::Array(keys)) if keys.len() == 1 => &keys[0],
        Some(Value::Array(keys)) => {
            return Err(malformed(format!(
                "a key set with {} keys; put the one key to use in its own file",
                keys.len()
            )))
        }
        _ => &value,
    };
    let kty = jwk.get("kty").and_then(Value::as_str).unwrap_or_default();
    if kty != "RSA" {
        return Err(if kty.is_empty() {
            malformed("no \"kty\" member".into())
        } else {
            KeyError::NotRsa {
                origin: origin.to_owned(),
                algorithm: format!("a kty {kty:?}"),
            }
        });
    }
    let number = |name: &str| -> Result<Option<BigUint>, KeyError> {
        match jwk.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => b64::decode_url_strict(s)
                .map(|b| Some(BigUint::from_bytes_be(&b)))
                .map_err(|flaw| malformed(format!("member {name:?} has {}", flaw.describe()))),
            Some(_) => Err(malformed(format!("member {name:?} is not a string"))),
        }
    };
    let n = number("n")?.ok_or_else(|| malformed("no \"n\" member".into()))?;
    let e = number("e")?.ok_or_else(|| malformed("no \"e\" member".into()))?;
    if n.bits() > MAX_MODULUS_BITS {
        return Err(malformed(format!(
            "a {}-bit modulus; at most {MAX_MODULUS_BITS} bits are accepted",
            n.bits()
        )));
    }
    match number("d")? {
        None => RsaPublicKey::new(n, e)
            .map(|k| KeyMaterial::Public(PublicKey::new(k)))
            .map_err(|err| malformed(err.to_string())),
        Some(d) => {
            // Without p and q the rsa crate recovers them from n, e and d,
            // and that recovery panics on a degenerate n or d (subtracting
            // past zero): check the public half and d before it runs.
            RsaPublicKey::new(n.clone(), e.clone()).map_err(|err| malformed(err.to_string()))?;
            if d.bits() == 0 {
                return Err(malformed("member \"d\" is zero".into()));
            }
            let primes = match (number("p")?, number("q")?) {
                (Some(p), Some(q)) => vec![p, q],
                _ => vec![],
            };
            RsaPrivateKey::from_components(n, e, d, primes)
                .map(|k| KeyMaterial::Private(Box::new(PrivateKey::new(k))))
                .map_err(|err| malformed(err.to_string()))
        }
    }
}

/// PEM-armours DER with 64-character lines.
pub fn pem(label: &str, der: &[u8]) -> String {
    let body = b64::encode_std(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in body.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The key as a public JWK object (`kty`, `n`, `e`).
pub fn public_jwk(key: &PublicKey) -> Value {
    serde_json::json!({
        "kty": "RSA",
        "n": b64::encode_url(&key.rsa().n().to_bytes_be()),
        "e": b64::encode_url(&key.rsa().e().to_bytes_be()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vendor_production_key_loads_as_public() {
        let key = parse(IADVIZE_PRODUCTION_KEY.as_bytes(), "seed").unwrap();
        assert_eq!(key.form, KeyForm::Base64Der);
        assert_eq!(key.public().bits(), 2048);
        assert!(key.public().is_iadvize_production());
        let err = key.private("--decrypt-key").unwrap_err().to_string();
        assert!(
            err.contains("is a public key; --decrypt-key needs the private key"),
            "{err}"
        );
    }

    #[test]
    fn garbage_says_what_it_looks_like() {
        let err = parse(b"hello world", "k.pem").unwrap_err().to_string();
        assert!(
            err.contains("k.pem") && err.contains("neither PEM"),
            "{err}"
        );
        let err = parse(b"{\"kty\":\"EC\"}", "k.json")
            .unwrap_err()
            .to_string();
        assert!(err.contains("kty \"EC\""), "{err}");
    }
}
