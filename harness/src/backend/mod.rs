//! One small trait, several independent implementations of the
//! cryptography the two profiles use.
//!
//! Each backend declares its [`Capabilities`]; every operation defaults to
//! [`CryptoFailure::Unsupported`], so a JWS-only library implements only
//! what it has. Outcomes are compared by failure *class*, never by message
//! text. The rest of the code finds backends through [`all`] and
//! [`by_name`] and never names a concrete one.

use std::fmt::Debug;

use rand::RngCore;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::keys::{PrivateKey, PublicKey};
use crate::padding::PaddingFlaw;
use crate::rng::HarnessRng;

#[cfg(feature = "josekit")]
pub mod josekit;
pub mod jsonwebtoken;
#[cfg(feature = "openssl")]
#[doc(hidden)]
pub mod keycache;
#[cfg(feature = "openssl")]
pub mod openssl;
pub mod reference;
pub mod unpad;

/// The content key length of A256GCM, the profile's JWE content encryption.
pub const A256GCM_KEY_LEN: usize = 32;
/// The GCM IV length JWE uses (96 bits).
pub const GCM_IV_LEN: usize = 12;
/// The GCM tag length JWE uses (128 bits).
pub const GCM_TAG_LEN: usize = 16;

/// What a backend can do.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Capabilities {
    /// RS256 signing.
    pub rs256_sign: bool,
    /// RS256 verification.
    pub rs256_verify: bool,
    /// JWE RSA-OAEP-256 + A256GCM encryption.
    pub jwe_encrypt: bool,
    /// JWE RSA-OAEP-256 + A256GCM decryption.
    pub jwe_decrypt: bool,
    /// The moveo context scheme, encrypting (RSA-OAEP-SHA256 + AES-CBC).
    pub context_encrypt: bool,
    /// The moveo context scheme, decrypting.
    pub context_decrypt: bool,
}

/// The four binary parts of a compact JWE after its protected header.
#[derive(Clone, PartialEq, Eq)]
pub struct JweParts {
    /// The RSA-encrypted content-encryption key.
    pub encrypted_key: Vec<u8>,
    /// The content IV (12 bytes for GCM).
    pub iv: Vec<u8>,
    /// The ciphertext.
    pub ciphertext: Vec<u8>,
    /// The authentication tag (16 bytes for GCM).
    pub tag: Vec<u8>,
}

impl std::fmt::Debug for JweParts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "JweParts {{ encrypted_key: {} bytes, iv: {} bytes, ciphertext: {} bytes, tag: {} bytes }}",
            self.encrypted_key.len(),
            self.iv.len(),
            self.ciphertext.len(),
            self.tag.len()
        )
    }
}

/// Why an operation failed, as a class that can be compared across
/// implementations.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CryptoFailure {
    /// The backend does not implement this operation.
    #[error("{0} is not supported by this backend")]
    Unsupported(&'static str),
    /// An RSA signature did not verify.
    #[error("signature does not verify")]
    BadSignature,
    /// RSA decryption (of a key or IV) failed.
    #[error("RSA decryption failed")]
    RsaDecrypt,
    /// A symmetric key of the wrong length.
    #[error("key of {0} bytes has the wrong length")]
    KeyLength(usize),
    /// An IV of the wrong length.
    #[error("IV of {0} bytes has the wrong length")]
    IvLength(usize),
    /// An authentication tag of the wrong length.
    #[error("tag of {0} bytes has the wrong length")]
    TagLength(usize),
    /// AEAD authentication failed.
    #[error("authentication failed")]
    Integrity,
    /// A CBC ciphertext that is empty or not whole blocks.
    #[error("ciphertext of {0} bytes is not whole AES blocks")]
    CiphertextLength(usize),
    /// Bad PKCS#7 padding after decryption.
    #[error("bad padding: {0:?}")]
    Padding(PaddingFlaw),
    /// Anything else the library reported.
    #[error("{0}")]
    Other(String),
}

/// The RSA encryption schemes implementers use, right and wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RsaScheme {
    /// OAEP, SHA-256, MGF1-SHA-256: what both profiles require.
    OaepSha256,
    /// OAEP, SHA-1, MGF1-SHA-1 (JWE RSA-OAEP; Node's publicEncrypt default).
    OaepSha1,
    /// OAEP, SHA-256 label hash but MGF1-SHA-1 (Java SunJCE's default).
    OaepSha256Mgf1Sha1,
    /// PKCS#1 v1.5 encryption (JWE RSA1_5).
    Pkcs1v15,
    /// OAEP, SHA-256, MGF1-SHA-256 under a non-empty label (Go's
    /// `rsa.EncryptOAEP` example passes `[]byte("orders")`).
    OaepSha256Label(&'static str),
}

impl RsaScheme {
    /// Labels an OAEP diagnosis can name: seen in examples and in code
    /// that labels what it encrypts.
    pub const LABELS_SEEN: [&'static str; 12] = [
        "orders",
        "label",
        "encryption_key",
        "init_vector",
        "context",
        "key",
        "iv",
        "aes_key",
        "moveo",
        "iadvize",
        "OAEP",
        "test",
    ];

    /// The wrong schemes, in the order a diagnosis tries them.
    pub const WRONG: [RsaScheme; 3] = [
        RsaScheme::OaepSha1,
        RsaScheme::OaepSha256Mgf1Sha1,
        RsaScheme::Pkcs1v15,
    ];
}

/// Raw primitives, beyond the profiles' own operations: what the check
/// pipeline needs to *diagnose* a failure (which RSA padding was really
/// used, whether a signature is PS256, what a HS256 MAC was keyed with)
/// and what the forge needs to make deliberately wrong tokens (another
/// RSA scheme, another GCM key size or IV length, unpadded CBC, PS256).
///
/// A sibling of [`Backend`], reached through [`Backend::primitives`], so
/// that the profiles' trait stays small and a library that offers none of
/// this implements none of it. Every method defaults to
/// [`CryptoFailure::Unsupported`]; [`primitives_of`] completes a backend's
/// set with the reference's, call by call.
pub trait Primitives: Send + Sync + Debug {
    /// RSA encryption of `data` under `scheme`.
    fn rsa_encrypt(
        &self,
        _key: &PublicKey,
        _scheme: RsaScheme,
        _data: &[u8],
        _rng: &mut HarnessRng,
    ) -> Result<Vec<u8>, CryptoFailure> {
        Err(CryptoFailure::Unsupported("raw RSA encryption"))
    }
    /// RSA decryption under `scheme`; [`CryptoFailure::RsaDecrypt`] when
    /// the ciphertext does not decrypt that way (or is not the key's size).
    fn rsa_decrypt(
        &self,
        _key: &PrivateKey,
        _scheme: RsaScheme,
        _ciphertext: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, CryptoFailure> {
        Err(CryptoFailure::Unsupported("raw RSA decryption"))
    }
    /// AES-GCM (128, 192 or 256 by key length) with a detached tag; the
    /// IV may be of another length than JWE's 12 bytes where the
    /// implementation allows it (forging only).
    fn gcm_encrypt(
        &self,
        _key: &[u8],
        _iv: &[u8],
        _aad: &[u8],
        _plaintext: &[u8],
    ) -> Result<(Vec<u8>, Vec<u8>), CryptoFailure> {
        Err(CryptoFailure::Unsupported("raw AES-GCM encryption"))
    }
    /// AES-GCM decryption with JWE's 12-byte IV and 16-byte tag, lengths
    /// checked first in that order (IV, tag, key), then the tag.
    fn gcm_decrypt(
        &self,
        _key: &[u8],
        _iv: &[u8],
        _aad: &[u8],
        _ciphertext: &[u8],
        _tag: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, CryptoFailure> {
        Err(CryptoFailure::Unsupported("raw AES-GCM decryption"))
    }
    /// AES-CBC (128, 192 or 256) over whole blocks, adding no padding.
    fn cbc_encrypt_raw(
        &self,
        _key: &[u8],
        _iv: &[u8],
        _data: &[u8],
    ) -> Result<Vec<u8>, CryptoFailure> {
        Err(CryptoFailure::Unsupported("raw AES-CBC encryption"))
    }
    /// AES-CBC decryption of whole blocks, leaving any padding in place.
    fn cbc_decrypt_raw(
        &self,
        _key: &[u8],
        _iv: &[u8],
        _data: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, CryptoFailure> {
        Err(CryptoFailure::Unsupported("raw AES-CBC decryption"))
    }
    /// RSASSA-PKCS1-v1_5 under the hash a JWS `alg` of RS256, RS384 or
    /// RS512 names (the wrong-hash mistakes); another alg is
    /// [`CryptoFailure::Other`].
    fn pkcs1v15_sign(
        &self,
        _alg: &str,
        _key: &PrivateKey,
        _signing_input: &[u8],
    ) -> Result<Vec<u8>, CryptoFailure> {
        Err(CryptoFailure::Unsupported("RSASSA-PKCS1-v1_5 signing"))
    }
    /// RSASSA-PSS with SHA-256 (PS256).
    fn ps256_sign(
        &self,
        _key: &PrivateKey,
        _signing_input: &[u8],
        _rng: &mut HarnessRng,
    ) -> Result<Vec<u8>, CryptoFailure> {
        Err(CryptoFailure::Unsupported("PS256 signing"))
    }
    /// PS256 verification with any salt length libraries use: the digest's
    /// (RFC 7518), the largest (OpenSSL's and Node's default) or none;
    /// [`CryptoFailure::BadSignature`] when none verifies.
    fn ps256_verify(
        &self,
        _key: &PublicKey,
        _signing_input: &[u8],
        _signature: &[u8],
    ) -> Result<(), CryptoFailure> {
        Err(CryptoFailure::Unsupported("PS256 verification"))
    }
    /// The HMAC of `data` for a JWS `alg` of HS256, HS384 or HS512 (any
    /// case); another alg is [`CryptoFailure::Other`].
    fn hmac(&self, _alg: &str, _key: &[u8], _data: &[u8]) -> Result<Vec<u8>, CryptoFailure> {
        Err(CryptoFailure::Unsupported("HMAC"))
    }
    /// RSASSA-PKCS1-v1_5 verification under the hash `alg` names (RS1,
    /// RS256, RS384, RS512: the wrong-hash diagnosis);
    /// [`CryptoFailure::BadSignature`] when it does not verify.
    fn pkcs1v15_verify(
        &self,
        _alg: &str,
        _key: &PublicKey,
        _signing_input: &[u8],
        _signature: &[u8],
    ) -> Result<(), CryptoFailure> {
        Err(CryptoFailure::Unsupported("RSASSA-PKCS1-v1_5 verification"))
    }
    /// RSA-OAEP-SHA256 decryption whatever its label: the RSA operation
    /// and the OAEP decoding by hand, keeping the label's hash instead of
    /// requiring the empty label's. Gives the message and which of
    /// `labels` it was encrypted under (`None`: a label not among them);
    /// [`CryptoFailure::RsaDecrypt`] when the block is not OAEP-SHA256,
    /// or is under the empty label (the profile's own scheme).
    fn rsa_oaep256_labelled(
        &self,
        _key: &PrivateKey,
        _ciphertext: &[u8],
        _labels: &[&str],
    ) -> Result<(Option<usize>, Zeroizing<Vec<u8>>), CryptoFailure> {
        Err(CryptoFailure::Unsupported("OAEP decoding under any label"))
    }
}

/// The salt lengths [`Primitives::ps256_verify`] tries for a key of
/// `key_bytes`: the digest's, the largest, none.
pub fn pss_salt_lengths(key_bytes: usize) -> [usize; 3] {
    [32, key_bytes.saturating_sub(32 + 2), 0]
}

/// A backend's primitives, with the reference's for every one it lacks
/// (call by call: the openssl backend, say, leaves OAEP under one given
/// label to the reference).
pub fn primitives_of(backend: &dyn Backend) -> WithReference<'_> {
    WithReference {
        first: backend.primitives(),
    }
}

/// See [`primitives_of`].
#[derive(Debug, Clone, Copy)]
pub struct WithReference<'a> {
    first: Option<&'a dyn Primitives>,
}

impl WithReference<'_> {
    fn either<T>(
        &self,
        mut call: impl FnMut(&dyn Primitives) -> Result<T, CryptoFailure>,
    ) -> Result<T, CryptoFailure> {
        if let Some(first) = self.first {
            match call(first) {
                Err(CryptoFailure::Unsupported(_)) => {}
                done => return done,
            }
        }
        call(&reference::Reference)
    }
}

impl Primitives for WithReference<'_> {
    fn rsa_encrypt(
        &self,
        key: &PublicKey,
        scheme: RsaScheme,
        data: &[u8],
        rng: &mut HarnessRng,
    ) -> Result<Vec<u8>, CryptoFailure> {
        self.either(|p| p.rsa_encrypt(key, scheme, data, rng))
    }
    fn rsa_decrypt(
        &self,
        key: &PrivateKey,
        scheme: RsaScheme,
        ciphertext: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, CryptoFailure> {
        self.either(|p| p.rsa_decrypt(key, scheme, ciphertext))
    }
    fn gcm_encrypt(
        &self,
        key: &[u8],
        iv: &[u8],
        aad: &[u8],
        plaintext: &[u8],
    ) -> Result<(Vec<u8>, Vec<u8>), CryptoFailure> {
        self.either(|p| p.gcm_encrypt(key, iv, aad, plaintext))
    }
    fn gcm_decrypt(
        &self,
        key: &[u8],
        iv: &[u8],
        aad: &[u8],
        ciphertext: &[u8],
        tag: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, CryptoFailure> {
        self.either(|p| p.gcm_decrypt(key, iv, aad, ciphertext, tag))
    }
    fn cbc_encrypt_raw(
        &self,
        key: &[u8],
        iv: &[u8],
        data: &[u8],
    ) -> Result<Vec<u8>, CryptoFailure> {
        self.either(|p| p.cbc_encrypt_raw(key, iv, data))
    }
    fn cbc_decrypt_raw(
        &self,
        key: &[u8],
        iv: &[u8],
        data: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, CryptoFailure> {
        self.either(|p| p.cbc_decrypt_raw(key, iv, data))
    }
    fn pkcs1v15_sign(
        &self,
        alg: &str,
        key: &PrivateKey,
        signing_input: &[u8],
    ) -> Result<Vec<u8>, CryptoFailure> {
        self.either(|p| p.pkcs1v15_sign(alg, key, signing_input))
    }
    fn ps256_sign(
        &self,
        key: &PrivateKey,
        signing_input: &[u8],
        rng: &mut HarnessRng,
    ) -> Result<Vec<u8>, CryptoFailure> {
        self.either(|p| p.ps256_sign(key, signing_input, rng))
    }
    fn ps256_verify(
        &self,
        key: &PublicKey,
        signing_input: &[u8],
        signature: &[u8],
    ) -> Result<(), CryptoFailure> {
        self.either(|p| p.ps256_verify(key, signing_input, signature))
    }
    fn hmac(&self, alg: &str, key: &[u8], data: &[u8]) -> Result<Vec<u8>, CryptoFailure> {
        self.either(|p| p.hmac(alg, key, data))
    }
    fn pkcs1v15_verify(
        &self,
        alg: &str,
        key: &PublicKey,
        signing_input: &[u8],
        signature: &[u8],
    ) -> Result<(), CryptoFailure> {
        self.either(|p| p.pkcs1v15_verify(alg, key, signing_input, signature))
    }
    fn rsa_oaep256_labelled(
        &self,
        key: &PrivateKey,
        ciphertext: &[u8],
        labels: &[&str],
    ) -> Result<(Option<usize>, Zeroizing<Vec<u8>>), CryptoFailure> {
        self.either(|p| p.rsa_oaep256_labelled(key, ciphertext, labels))
    }
}

/// A JWE's binary parts built piece by piece with `primitives`: a fresh
/// `cek_len`-byte content key (16, 24 or 32: A128GCM, A192GCM, A256GCM)
/// wrapped to `key` with `scheme`, a fresh 12-byte IV, and AES-GCM under
/// the encoded protected header as AAD. With OAEP-256 and 32 bytes it is
/// the profile's JWE; the other choices make the mistakes implementers
/// make. The RNG gives the content key, then the IV, then the wrap.
pub fn jwe_parts_with(
    primitives: &dyn Primitives,
    key: &PublicKey,
    scheme: RsaScheme,
    cek_len: usize,
    protected_b64: &str,
    plaintext: &[u8],
    rng: &mut HarnessRng,
) -> Result<JweParts, CryptoFailure> {
    let mut cek = Zeroizing::new(vec![0u8; cek_len]);
    rng.fill_bytes(&mut cek);
    let mut iv = [0u8; GCM_IV_LEN];
    rng.fill_bytes(&mut iv);
    let encrypted_key = primitives.rsa_encrypt(key, scheme, &cek, rng)?;
    let (ciphertext, tag) =
        primitives.gcm_encrypt(&cek, &iv, protected_b64.as_bytes(), plaintext)?;
    Ok(JweParts {
        encrypted_key,
        iv: iv.to_vec(),
        ciphertext,
        tag,
    })
}

/// The backend whose every random choice comes from the caller's
/// [`HarnessRng`] (OAEP seeds, content keys, IVs, PSS salts), so that a
/// seed reproduces a token byte for byte: the one the vectors and the
/// forge build with. (OpenSSL draws OAEP seeds from its own generator.)
pub fn reproducible() -> &'static dyn Backend {
    &reference::Reference
}

/// An implementation of the profiles' cryptography.
pub trait Backend: Send + Sync + Debug {
    /// Stable name, used on the command line (`--backend`).
    fn id(&self) -> &'static str;
    /// The library and version underneath, for reports.
    fn library(&self) -> String;
    /// What it can do.
    fn capabilities(&self) -> Capabilities;
    /// Its raw primitives, if it offers any (see [`Primitives`]).
    fn primitives(&self) -> Option<&dyn Primitives> {
        None
    }

    /// RS256 signature over `signing_input`.
    fn rs256_sign(
        &self,
        _key: &PrivateKey,
        _signing_input: &[u8],
    ) -> Result<Vec<u8>, CryptoFailure> {
        Err(CryptoFailure::Unsupported("RS256 signing"))
    }
    /// RS256 verification.
    fn rs256_verify(
        &self,
        _key: &PublicKey,
        _signing_input: &[u8],
        _signature: &[u8],
    ) -> Result<(), CryptoFailure> {
        Err(CryptoFailure::Unsupported("RS256 verification"))
    }
    /// Encrypts `plaintext` as a JWE (RSA-OAEP-256 + A256GCM) under the
    /// given encoded protected header, which is the AAD.
    fn jwe_encrypt(
        &self,
        _key: &PublicKey,
        _protected_b64: &str,
        _plaintext: &[u8],
        _rng: &mut HarnessRng,
    ) -> Result<JweParts, CryptoFailure> {
        Err(CryptoFailure::Unsupported("JWE encryption"))
    }
    /// Decrypts a JWE (RSA-OAEP-256 + A256GCM).
    fn jwe_decrypt(
        &self,
        _key: &PrivateKey,
        _protected_b64: &str,
        _parts: &JweParts,
    ) -> Result<Zeroizing<Vec<u8>>, CryptoFailure> {
        Err(CryptoFailure::Unsupported("JWE decryption"))
    }
    /// RSA-OAEP with SHA-256 and MGF1-SHA-256 (the context key and IV).
    fn rsa_oaep256_encrypt(
        &self,
        _key: &PublicKey,
        _data: &[u8],
        _rng: &mut HarnessRng,
    ) -> Result<Vec<u8>, CryptoFailure> {
        Err(CryptoFailure::Unsupported("RSA-OAEP-256 encryption"))
    }
    /// The inverse of [`Backend::rsa_oaep256_encrypt`].
    fn rsa_oaep256_decrypt(
        &self,
        _key: &PrivateKey,
        _ciphertext: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, CryptoFailure> {
        Err(CryptoFailure::Unsupported("RSA-OAEP-256 decryption"))
    }
    /// AES-CBC (128 or 256 by key length) with PKCS#7 padding.
    fn aes_cbc_encrypt(
        &self,
        _key: &[u8],
        _iv: &[u8],
        _plaintext: &[u8],
    ) -> Result<Vec<u8>, CryptoFailure> {
        Err(CryptoFailure::Unsupported("AES-CBC encryption"))
    }
    /// AES-CBC decryption, removing PKCS#7 padding.
    fn aes_cbc_decrypt(
        &self,
        _key: &[u8],
        _iv: &[u8],
        _ciphertext: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, CryptoFailure> {
        Err(CryptoFailure::Unsupported("AES-CBC decryption"))
    }
}

/// A backend that does what it can itself and hands every operation it
/// does not support to a fallback (the reference, in practice).
///
/// This lets a JWS-only library take part in whole-token work: a
/// `jsonwebtoken` iAdvize token is signed by jsonwebtoken and encrypted by
/// the reference. [`Stacked::owns`] says which parts are the primary's.
#[derive(Debug, Clone, Copy)]
pub struct Stacked {
    /// The implementation under test.
    pub primary: &'static dyn Backend,
    /// Who does what the primary cannot.
    pub fallback: &'static dyn Backend,
}

/// The parts of the two profiles' cryptography, for saying who did what.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Layer {
    /// The RS256 JWS (iAdvize inner token, Moveo token).
    Jws,
    /// The RSA-OAEP-256 + A256GCM JWE (iAdvize).
    Jwe,
    /// The Moveo context scheme (RSA-OAEP-SHA256 + AES-CBC).
    Context,
}

impl Layer {
    /// Its name in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Layer::Jws => "jws",
            Layer::Jwe => "jwe",
            Layer::Context => "context",
        }
    }

    /// Whether `caps` cover this layer when producing (`encrypt` and sign)
    /// or consuming (decrypt and verify).
    pub fn covered_by(self, caps: &Capabilities, producing: bool) -> bool {
        match (self, producing) {
            (Layer::Jws, true) => caps.rs256_sign,
            (Layer::Jws, false) => caps.rs256_verify,
            (Layer::Jwe, true) => caps.jwe_encrypt,
            (Layer::Jwe, false) => caps.jwe_decrypt,
            (Layer::Context, true) => caps.context_encrypt,
            (Layer::Context, false) => caps.context_decrypt,
        }
    }
}

impl Stacked {
    /// `primary`, falling back to the reference.
    pub fn over_reference(primary: &'static dyn Backend) -> Self {
        Self {
            primary,
            fallback: &reference::Reference,
        }
    }

    /// `primary` as `check` runs it: what it cannot do falls to the
    /// openssl backend (which does every operation), the reference behind
    /// it. The reference itself stays alone: it is the independent
    /// cross-check.
    ///
    /// So josekit checks either profile on OpenSSL alone (josekit does
    /// RS256 and the JWE, the openssl backend the context), and
    /// jsonwebtoken's tokens have their JWE and context done by OpenSSL.
    ///
    /// In a build without OpenSSL (no feature `openssl`) what the primary
    /// cannot do falls to the reference directly.
    pub fn for_checking(primary: &'static dyn Backend) -> Self {
        #[cfg(feature = "openssl")]
        {
            static OPENSSL_OVER_REFERENCE: Stacked = Stacked {
                primary: &openssl::Openssl,
                fallback: &reference::Reference,
            };
            if primary.id() != reference::Reference.id() {
                return Self {
                    primary,
                    fallback: &OPENSSL_OVER_REFERENCE,
                };
            }
        }
        Self::over_reference(primary)
    }

    /// Whether the primary does `layer` itself.
    pub fn owns(&self, layer: Layer, producing: bool) -> bool {
        layer.covered_by(&self.primary.capabilities(), producing)
    }

    fn pick(&self, has: impl Fn(&Capabilities) -> bool) -> &'static dyn Backend {
        if has(&self.primary.capabilities()) {
            self.primary
        } else {
            self.fallback
        }
    }
}

impl Backend for Stacked {
    fn id(&self) -> &'static str {
        self.primary.id()
    }
    fn library(&self) -> String {
        self.primary.library()
    }
    fn capabilities(&self) -> Capabilities {
        let (p, f) = (self.primary.capabilities(), self.fallback.capabilities());
        Capabilities {
            rs256_sign: p.rs256_sign || f.rs256_sign,
            rs256_verify: p.rs256_verify || f.rs256_verify,
            jwe_encrypt: p.jwe_encrypt || f.jwe_encrypt,
            jwe_decrypt: p.jwe_decrypt || f.jwe_decrypt,
            context_encrypt: p.context_encrypt || f.context_encrypt,
            context_decrypt: p.context_decrypt || f.context_decrypt,
        }
    }
    fn primitives(&self) -> Option<&dyn Primitives> {
        self.primary
            .primitives()
            .or_else(|| self.fallback.primitives())
    }
    fn rs256_sign(&self, key: &PrivateKey, input: &[u8]) -> Result<Vec<u8>, CryptoFailure> {
        self.pick(|c| c.rs256_sign).rs256_sign(key, input)
    }
    fn rs256_verify(
        &self,
        key: &PublicKey,
        input: &[u8],
        signature: &[u8],
    ) -> Result<(), CryptoFailure> {
        self.pick(|c| c.rs256_verify)
            .rs256_verify(key, input, signature)
    }
    fn jwe_encrypt(
        &self,
        key: &PublicKey,
        protected_b64: &str,
        plaintext: &[u8],
        rng: &mut HarnessRng,
    ) -> Result<JweParts, CryptoFailure> {
        self.pick(|c| c.jwe_encrypt)
            .jwe_encrypt(key, protected_b64, plaintext, rng)
    }
    fn jwe_decrypt(
        &self,
        key: &PrivateKey,
        protected_b64: &str,
        parts: &JweParts,
    ) -> Result<Zeroizing<Vec<u8>>, CryptoFailure> {
        self.pick(|c| c.jwe_decrypt)
            .jwe_decrypt(key, protected_b64, parts)
    }
    fn rsa_oaep256_encrypt(
        &self,
        key: &PublicKey,
        data: &[u8],
        rng: &mut HarnessRng,
    ) -> Result<Vec<u8>, CryptoFailure> {
        self.pick(|c| c.context_encrypt)
            .rsa_oaep256_encrypt(key, data, rng)
    }
    fn rsa_oaep256_decrypt(
        &self,
        key: &PrivateKey,
        ciphertext: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, CryptoFailure> {
        self.pick(|c| c.context_decrypt)
            .rsa_oaep256_decrypt(key, ciphertext)
    }
    fn aes_cbc_encrypt(
        &self,
        key: &[u8],
        iv: &[u8],
        plaintext: &[u8],
    ) -> Result<Vec<u8>, CryptoFailure> {
        self.pick(|c| c.context_encrypt)
            .aes_cbc_encrypt(key, iv, plaintext)
    }
    fn aes_cbc_decrypt(
        &self,
        key: &[u8],
        iv: &[u8],
        ciphertext: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, CryptoFailure> {
        self.pick(|c| c.context_decrypt)
            .aes_cbc_decrypt(key, iv, ciphertext)
    }
}

/// The backend `check` uses unless told otherwise: the fastest here
/// (`scripts/bench.sh`), doing both profiles itself; the reference in a
/// build without OpenSSL.
#[cfg(feature = "openssl")]
pub const DEFAULT_FOR_CHECKING: &str = "openssl";
/// The backend `check` uses unless told otherwise: the fastest here
/// (`scripts/bench.sh`), doing both profiles itself; the reference in a
/// build without OpenSSL.
#[cfg(not(feature = "openssl"))]
pub const DEFAULT_FOR_CHECKING: &str = "reference";

/// Every backend built into this binary, the reference first.
pub fn all() -> Vec<&'static dyn Backend> {
    vec![
        &reference::Reference,
        #[cfg(feature = "josekit")]
        &josekit::Josekit,
        &jsonwebtoken::Jsonwebtoken,
        #[cfg(feature = "openssl")]
        &openssl::Openssl,
    ]
}

/// `check`'s default backend as `check` runs it (over its fallbacks).
pub fn default_for_checking() -> &'static dyn Backend {
    static DEFAULT: std::sync::OnceLock<Stacked> = std::sync::OnceLock::new();
    DEFAULT.get_or_init(|| {
        Stacked::for_checking(by_name(DEFAULT_FOR_CHECKING).unwrap_or(&reference::Reference))
    })
}

/// A producer independent of both the reference and `check`'s default:
/// the first other backend that signs RS256 and encrypts the JWE, over
/// the reference for what it lacks; the reference when there is none.
pub fn independent_producer() -> &'static dyn Backend {
    static PRODUCER: std::sync::OnceLock<Stacked> = std::sync::OnceLock::new();
    PRODUCER.get_or_init(|| {
        let primary = all()
            .into_iter()
            .find(|b| {
                let c = b.capabilities();
                b.id() != DEFAULT_FOR_CHECKING
                    && b.id() != reproducible().id()
                    && c.rs256_sign
                    && c.jwe_encrypt
            })
            .unwrap_or(&reference::Reference);
        Stacked::over_reference(primary)
    })
}

/// The version of the C library under the backends that wrap one (the
/// OpenSSL that josekit and the openssl backend share), for reports.
/// `none` in a build without OpenSSL.
pub fn c_library_version() -> &'static str {
    #[cfg(feature = "openssl")]
    {
        ::openssl::version::version()
    }
    #[cfg(not(feature = "openssl"))]
    {
        "none (built without the feature `openssl`)"
    }
}

/// The cargo feature that builds the backend called `name`, when this
/// build lacks it (`openssl` and `josekit` come with the feature `full`).
pub fn feature_for_missing(name: &str) -> Option<&'static str> {
    let known: &[(&str, &str)] = &[("openssl", "openssl"), ("josekit", "josekit")];
    known
        .iter()
        .find(|(id, _)| *id == name)
        .filter(|_| by_name(name).is_none())
        .map(|(_, feature)| *feature)
}

/// The backend called `name`.
pub fn by_name(name: &str) -> Option<&'static dyn Backend> {
    all().into_iter().find(|b| b.id() == name)
}

/// The backend to use by default for work needing `needs`.
pub fn default_for(needs: impl Fn(&Capabilities) -> bool) -> &'static dyn Backend {
    all()
        .into_iter()
        .find(|b| needs(&b.capabilities()))
        .unwrap_or(&reference::Reference)
}
