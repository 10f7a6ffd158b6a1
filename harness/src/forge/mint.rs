//! Building tokens: the correct ones `generate` prints, and the low-level
//! pieces tests and the vector generator use to build deliberately wrong
//! ones (any header bytes, any payload bytes, any signature).

use rand::RngCore;
use serde_json::{json, Map, Value};
use zeroize::Zeroizing;

use crate::backend::{Backend, CryptoFailure, JweParts};
use crate::jose::b64;
use crate::keys::{PrivateKey, PublicKey};
use crate::profile::{Profile, IADVIZE_USER_ID};
use crate::rng::HarnessRng;

/// The inner JWS header iAdvize's example uses, byte for byte.
pub const IADVIZE_JWS_HEADER: &str = r#"{"alg":"RS256"}"#;
/// The JWE header for iAdvize.
pub const IADVIZE_JWE_HEADER: &str = r#"{"alg":"RSA-OAEP-256","enc":"A256GCM","cty":"JWT"}"#;
/// The JWS header for Moveo (what Node's jsonwebtoken writes).
pub const MOVEO_JWS_HEADER: &str = r#"{"alg":"RS256","typ":"JWT"}"#;

/// `base64url(header).base64url(payload)`: the JWS signing input.
pub fn signing_input(header: &[u8], payload: &[u8]) -> String {
    format!("{}.{}", b64::encode_url(header), b64::encode_url(payload))
}

/// Appends a signature to a signing input.
pub fn jws_with_signature(signing_input: &str, signature: &[u8]) -> String {
    format!("{signing_input}.{}", b64::encode_url(signature))
}

/// An RS256 JWS over arbitrary header and payload bytes.
pub fn jws_rs256(
    backend: &dyn Backend,
    key: &PrivateKey,
    header: &[u8],
    payload: &[u8],
) -> Result<String, CryptoFailure> {
    let input = signing_input(header, payload);
    let signature = backend.rs256_sign(key, input.as_bytes())?;
    Ok(jws_with_signature(&input, &signature))
}

/// Joins an encoded protected header and the four binary parts.
pub fn jwe_compact(protected_b64: &str, parts: &JweParts) -> String {
    format!(
        "{protected_b64}.{}.{}.{}.{}",
        b64::encode_url(&parts.encrypted_key),
        b64::encode_url(&parts.iv),
        b64::encode_url(&parts.ciphertext),
        b64::encode_url(&parts.tag)
    )
}

/// A JWE (RSA-OAEP-256 + A256GCM) of `plaintext` under arbitrary header bytes.
pub fn jwe(
    backend: &dyn Backend,
    key: &PublicKey,
    header: &[u8],
    plaintext: &[u8],
    rng: &mut HarnessRng,
) -> Result<String, CryptoFailure> {
    let protected = b64::encode_url(header);
    let parts = backend.jwe_encrypt(key, &protected, plaintext, rng)?;
    Ok(jwe_compact(&protected, &parts))
}

/// The three moveo context claims, as they go into the JWT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextClaims {
    /// base64 of the AES-CBC ciphertext.
    pub context: String,
    /// base64 of the RSA-OAEP-256 encrypted AES key.
    pub encryption_key: String,
    /// base64 of the RSA-OAEP-256 encrypted IV.
    pub init_vector: String,
}

impl ContextClaims {
    /// Adds the three claims to a claims object.
    pub fn insert_into(&self, claims: &mut Map<String, Value>) {
        claims.insert("context".into(), Value::String(self.context.clone()));
        claims.insert(
            "encryption_key".into(),
            Value::String(self.encryption_key.clone()),
        );
        claims.insert(
            "init_vector".into(),
            Value::String(self.init_vector.clone()),
        );
    }
}

/// Encrypts a context the Moveo way with a fresh random key
/// (`aes_key_len` 16 or 32 bytes) and IV.
pub fn context(
    backend: &dyn Backend,
    recipient: &PublicKey,
    plaintext: &[u8],
    aes_key_len: usize,
    rng: &mut HarnessRng,
) -> Result<ContextClaims, CryptoFailure> {
    context_fixed(
        backend,
        recipient,
        plaintext,
        aes_key_len,
        Fixed::default(),
        rng,
    )
}

/// [`context`], with the key or IV fixed (the random bytes are drawn all
/// the same, so the rest of a seeded run does not change).
pub fn context_fixed(
    backend: &dyn Backend,
    recipient: &PublicKey,
    plaintext: &[u8],
    aes_key_len: usize,
    fixed: Fixed<'_>,
    rng: &mut HarnessRng,
) -> Result<ContextClaims, CryptoFailure> {
    let mut key = Zeroizing::new(vec![0u8; aes_key_len]);
    rng.fill_bytes(&mut key);
    // The IV is a secret here too: it travels RSA-encrypted.
    let mut iv = Zeroizing::new([0u8; 16]);
    rng.fill_bytes(iv.as_mut_slice());
    if let Some(fixed) = fixed.key {
        key = Zeroizing::new(fixed.to_vec());
    }
    if let Some(fixed) = fixed.iv {
        if fixed.len() != iv.len() {
            return Err(CryptoFailure::IvLength(fixed.len()));
        }
        iv.copy_from_slice(fixed);
    }
    let ciphertext = backend.aes_cbc_encrypt(&key, iv.as_slice(), plaintext)?;
    Ok(ContextClaims {
        context: b64::encode_std(&ciphertext),
        encryption_key: b64::encode_std(&backend.rsa_oaep256_encrypt(recipient, &key, rng)?),
        init_vector: b64::encode_std(&backend.rsa_oaep256_encrypt(
            recipient,
            iv.as_slice(),
            rng,
        )?),
    })
}

/// The claims `generate` starts from: a valid set for the profile,
/// expiring `ttl` seconds after `now`.
pub fn default_claims(profile: Profile, now: i64, ttl: i64, user: &str) -> Map<String, Value> {
    let value = match profile {
        Profile::Iadvize => json!({
            "iss": "https://customer.example/",
            IADVIZE_USER_ID: user,
            "iat": now,
            "exp": now + ttl,
        }),
        Profile::Moveo => json!({
            "iss": "customer.example",
            "sub": user,
            "iat": now,
            "exp": now + ttl,
        }),
    };
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// A correct iAdvize token: RS256 JWS of `claims`, encrypted as a JWE.
pub fn iadvize(
    backend: &dyn Backend,
    claims: &Map<String, Value>,
    customer: &PrivateKey,
    recipient: &PublicKey,
    rng: &mut HarnessRng,
) -> Result<String, CryptoFailure> {
    let payload = serde_json::to_vec(claims).map_err(|e| CryptoFailure::Other(e.to_string()))?;
    let jws = jws_rs256(backend, customer, IADVIZE_JWS_HEADER.as_bytes(), &payload)?;
    jwe(
        backend,
        recipient,
        IADVIZE_JWE_HEADER.as_bytes(),
        jws.as_bytes(),
        rng,
    )
}

/// A correct Moveo token, with the context encrypted when one is given.
pub fn moveo(
    backend: &dyn Backend,
    claims: &Map<String, Value>,
    context: Option<(&Value, &PublicKey, usize)>,
    customer: &PrivateKey,
    rng: &mut HarnessRng,
) -> Result<String, CryptoFailure> {
    moveo_fixed(backend, claims, context, Fixed::default(), customer, rng)
}

/// An AES key or IV a sender hard-codes instead of drawing it per token
/// (`generate --aes-key`, `--aes-iv`): to reproduce that mistake in tests
/// and demos, never for real tokens.
#[derive(Debug, Clone, Copy, Default)]
pub struct Fixed<'a> {
    /// The AES key (16 or 32 bytes), instead of random bytes.
    pub key: Option<&'a [u8]>,
    /// The IV (16 bytes), instead of random bytes.
    pub iv: Option<&'a [u8]>,
}

/// [`moveo`], with the context's key or IV fixed.
pub fn moveo_fixed(
    backend: &dyn Backend,
    claims: &Map<String, Value>,
    context: Option<(&Value, &PublicKey, usize)>,
    fixed: Fixed<'_>,
    customer: &PrivateKey,
    rng: &mut HarnessRng,
) -> Result<String, CryptoFailure> {
    let mut claims = claims.clone();
    if let Some((object, recipient, aes_key_len)) = context {
        let plaintext =
            serde_json::to_vec(object).map_err(|e| CryptoFailure::Other(e.to_string()))?;
        context_fixed(backend, recipient, &plaintext, aes_key_len, fixed, rng)?
            .insert_into(&mut claims);
    }
    let payload = serde_json::to_vec(&claims).map_err(|e| CryptoFailure::Other(e.to_string()))?;
    jws_rs256(backend, customer, MOVEO_JWS_HEADER.as_bytes(), &payload)
}
