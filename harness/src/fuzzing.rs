//! The logic of the fuzz targets in `fuzz/`, kept in the library so that an
//! ordinary `cargo test` can replay the committed corpus through the very
//! same entry points (`tests/fuzz_corpus.rs`), and CI without a fuzzer
//! still exercises every target.
//!
//! Every entry point takes the fuzzer's bytes and never panics on any
//! input, except to report a broken property: two implementations that
//! disagree (the differential targets), a parse that does not round-trip,
//! a token that passes although it was built with a mistake, a report
//! that contradicts itself. A panic here is a finding.
//!
//! The structure-aware targets read their input with [`arbitrary`] into a
//! model ([`TokenModel`], [`GcmCase`], …) that the fuzzer changes field by
//! field, so it reaches the rules behind the cryptography instead of
//! stopping at the base64 layer.
//!
//! Targets that do RSA private-key operations are slow by nature (the rsa
//! crate takes about 1.3 ms per operation with a 2048-bit key, OpenSSL
//! about 0.25 ms): hundreds to a few thousand executions per second, where
//! the parsers run at hundreds of thousands.

use arbitrary::{Arbitrary, Unstructured};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use josekit::jwe::enc::A256GCM;
use josekit::jwe::JweContentEncryption;
use rand::RngCore;
use serde_json::{json, Map, Value};
use sha1::{Digest, Sha1};
use zeroize::Zeroizing;

use crate::b64::{self, B64Flaw, Dialect};
use crate::backend::reference::{self, RsaScheme};
use crate::backend::{self, Backend, Capabilities, CryptoFailure, JweParts, Stacked};
use crate::check::{self, CheckOptions};
use crate::findings::{Report, Verdict};
use crate::jose::{self, Compact, Limits};
use crate::json::{self, JsonProblem};
use crate::keys::{self, KeyMaterial, PrivateKey};
use crate::mint;
use crate::mutate::{self, Recipe};
use crate::padding::{self, PaddingFlaw, BLOCK};
use crate::profile::{
    Profile, IADVIZE_PREFIX, IADVIZE_USER_ID, IADVIZE_VISITOR_DATA, VISITOR_DATA_FIELDS,
};
use crate::rng::HarnessRng;
use crate::rules::{self as r, Rule, Severity};
use crate::testkeys;

/// The clock of every check the targets run: the vectors' `now`.
pub const NOW: i64 = 1_700_000_000;

/// The longest input worth giving a target (`-max_len`): tokens are a few
/// KiB, the largest committed vector 10 KiB.
pub const MAX_LEN: usize = 16 * 1024;

/// One fuzz target: its name (the file `fuzz/fuzz_targets/<name>.rs` and the
/// corpus directory `fuzz/corpus/<name>/`) and its entry point.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    /// Name of the target, its corpus and regression directories.
    pub name: &'static str,
    /// The entry point.
    pub run: fn(&[u8]),
    /// What it fuzzes, for the README and the script's table.
    pub what: &'static str,
}

/// Every fuzz target, in the order `scripts/fuzz.sh` runs them.
pub const TARGETS: &[Target] = &[
    Target {
        name: "compact",
        run: compact,
        what: "compact serialization: split, re-join, base64url-decode every segment, parse the header",
    },
    Target {
        name: "base64url",
        run: base64url,
        what: "our lenient base64/base64url decoder against the base64 crate (URL_SAFE_NO_PAD, STANDARD)",
    },
    Target {
        name: "json",
        run: json,
        what: "our strict JSON (duplicates, depth) against serde_json: acceptance and values",
    },
    Target {
        name: "keys",
        run: keys,
        what: "key loading (PEM, DER, bare base64, JWK); a loaded key re-encodes to itself",
    },
    Target {
        name: "pkcs7",
        run: pkcs7,
        what: "PKCS#7 unpadding: every flaw classified, pad/unpad inverse",
    },
    Target {
        name: "moveo_context",
        run: moveo_context,
        what: "moveo context AES-CBC + PKCS#7 with a fixed key, every context backend against the reference",
    },
    Target {
        name: "jwe_content",
        run: jwe_content,
        what: "JWE content (AES-256-GCM) with a fixed content key: IV, tag and AAD edits, reference against the openssl backend and josekit",
    },
    Target {
        name: "jwe_decrypt",
        run: jwe_decrypt,
        what: "whole JWE decryption through RSA-OAEP-256 with a fixed recipient key, across every backend",
    },
    Target {
        name: "jws_verify",
        run: jws_verify,
        what: "RS256 verification of signed and edited inputs, across every backend",
    },
    Target {
        name: "check_iadvize",
        run: check_iadvize,
        what: "the whole check pipeline, iadvize profile, on raw bytes",
    },
    Target {
        name: "check_moveo",
        run: check_moveo,
        what: "the whole check pipeline, moveo profile, on raw bytes",
    },
    Target {
        name: "token_model",
        run: token_model,
        what: "structure-aware: a token model (headers, claims, context, catalogue mutation, text edits) built, checked, verdict and rules asserted",
    },
];

/// The target called `name`.
pub fn target(name: &str) -> Option<&'static Target> {
    TARGETS.iter().find(|t| t.name == name)
}

// ---- fixtures -----------------------------------------------------------

fn test_key(name: &str) -> &'static PrivateKey {
    match testkeys::named(name) {
        Some(key) => &key.key,
        None => panic!("the bundled test key {name} is missing"),
    }
}

/// The backend the check targets use: `check`'s default, the openssl
/// backend, whose contexts are kept per key and thread and so carry from
/// one input to the next as they do from one token to the next in a batch.
/// The rules do not depend on the backend, and OpenSSL's RSA is about five
/// times as fast as the rsa crate's; the differential targets compare the
/// backends themselves.
fn fast() -> &'static dyn Backend {
    static FAST: Stacked = Stacked {
        primary: &backend::openssl::Openssl,
        fallback: &backend::reference::Reference,
    };
    &FAST
}

/// The backend that signs and encrypts in the structure-aware target:
/// josekit over the reference (which does the moveo context).
fn fast_producer() -> &'static dyn Backend {
    static PRODUCER: Stacked = Stacked {
        primary: &backend::josekit::Josekit,
        fallback: &backend::reference::Reference,
    };
    &PRODUCER
}

fn backends_with(needs: impl Fn(&Capabilities) -> bool) -> Vec<&'static dyn Backend> {
    backend::all()
        .into_iter()
        .filter(|b| needs(&b.capabilities()))
        .collect()
}

fn check_token(profile: Profile, token: &str, backend: &dyn Backend) -> Report {
    check::check(
        token,
        &CheckOptions {
            profile,
            verify_key: Some(test_key("customer").public()),
            decrypt_key: Some(test_key("recipient")),
            now: NOW,
            limits: Limits::default(),
            backend,
        },
    )
}

/// A failure's class, comparable across backends: the variant for
/// [`CryptoFailure::Other`] (whose message is the library's own), the whole
/// value otherwise, and the bytes of a success.
fn class(result: &Result<Zeroizing<Vec<u8>>, CryptoFailure>) -> Result<Vec<u8>, String> {
    match result {
        Ok(bytes) => Ok(bytes.to_vec()),
        Err(CryptoFailure::Other(_)) => Err("Other".into()),
        Err(failure) => Err(format!("{failure:?}")),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

// ---- parsers --------------------------------------------------------------

/// Compact serialization: the split re-joins to the input, segments decode
/// without panicking, the header parses.
pub fn compact(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let segments: Vec<&str> = match jose::split(&text) {
        Compact::Jws(jws) => {
            let joined = format!("{}.{}.{}", jws.header, jws.payload, jws.signature);
            assert_eq!(joined, text, "a JWS split does not re-join");
            assert_eq!(
                jws.signing_input(),
                format!("{}.{}", jws.header, jws.payload)
            );
            vec![jws.header, jws.payload, jws.signature]
        }
        Compact::Jwe(jwe) => {
            let joined = format!(
                "{}.{}.{}.{}.{}",
                jwe.header, jwe.encrypted_key, jwe.iv, jwe.ciphertext, jwe.tag
            );
            assert_eq!(joined, text, "a JWE split does not re-join");
            vec![
                jwe.header,
                jwe.encrypted_key,
                jwe.iv,
                jwe.ciphertext,
                jwe.tag,
            ]
        }
        Compact::Other(n) => {
            assert_eq!(n, text.split('.').count(), "segment count");
            assert!(n != 3 && n != 5, "{n} segments is a JWS or a JWE");
            return;
        }
    };
    for (i, segment) in segments.iter().enumerate() {
        let decoded = b64::decode(segment, Dialect::Url);
        if let (0, Some(bytes)) = (i, &decoded.bytes) {
            let _ = json::parse_object(bytes, json::DEFAULT_MAX_DEPTH);
        }
    }
}

/// Our base64 decoder against the `base64` crate: the strict readings
/// agree in both dialects, the lenient one is self-consistent, and both
/// encoders write what the crate writes.
pub fn base64url(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    for (dialect, engine) in [
        (Dialect::Url, &URL_SAFE_NO_PAD),
        (Dialect::Standard, &STANDARD),
    ] {
        let ours = b64::decode(&text, dialect);
        let fatal = ours.flaws.iter().any(|f| f.is_fatal());
        assert_eq!(
            ours.bytes.is_none(),
            fatal,
            "{dialect:?} {text:?}: bytes {:?} with flaws {:?}",
            ours.bytes,
            ours.flaws
        );
        assert!(
            ours.flaws.windows(2).all(|w| w[0] < w[1]),
            "flaws not sorted and unique: {:?}",
            ours.flaws
        );
        let foreign = match dialect {
            Dialect::Url => [B64Flaw::MissingPadding, B64Flaw::UrlAlphabet],
            Dialect::Standard => [B64Flaw::Padding, B64Flaw::StdAlphabet],
        };
        assert!(
            !ours.flaws.iter().any(|f| foreign.contains(f)),
            "{dialect:?} {text:?}: a flaw of the other dialect {:?}",
            ours.flaws
        );
        let theirs = engine.decode(text.as_bytes()).ok();
        assert_eq!(
            ours.clone().strict(),
            theirs,
            "{dialect:?}: strict decoding of {text:?} disagrees with the base64 crate (our flaws {:?})",
            ours.flaws
        );
        if let Some(bytes) = &ours.bytes {
            // Whatever was recovered has a canonical form that reads back.
            let canonical = match dialect {
                Dialect::Url => b64::encode_url(bytes),
                Dialect::Standard => b64::encode_std(bytes),
            };
            let again = b64::decode(&canonical, dialect);
            assert_eq!(again.flaws, vec![], "{canonical:?} is not canonical");
            assert_eq!(again.bytes.as_ref(), Some(bytes));
            if ours.flaws.is_empty() {
                assert_eq!(canonical, text, "a flawless text that is not canonical");
            }
        }
    }
    assert_eq!(b64::encode_url(data), URL_SAFE_NO_PAD.encode(data));
    assert_eq!(b64::encode_std(data), STANDARD.encode(data));
    assert_eq!(
        b64::decode_url_strict(&b64::encode_url(data)).as_deref(),
        Ok(data)
    );
}

/// Nesting depth of a JSON value: 0 for a scalar, 1 for a flat container.
fn depth(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        Value::Object(map) => 1 + map.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

/// Our strict JSON against serde_json: what we accept, serde_json accepts
/// with the same value; what serde_json accepts and we refuse is a
/// duplicate member, too deep, or (for an object) not an object.
pub fn json(data: &[u8]) {
    let max = json::DEFAULT_MAX_DEPTH;
    let theirs: Result<Value, _> = serde_json::from_slice(data);
    match (json::parse_object(data, max), &theirs) {
        (Ok(map), Ok(Value::Object(other))) => assert_eq!(&map, other, "values differ"),
        (Ok(map), other) => {
            panic!("we read the object {map:?}, serde_json reads {other:?}")
        }
        (Err(JsonProblem::DuplicateMember(_)), Ok(_)) | (Err(_), Err(_)) => {}
        (Err(JsonProblem::TooDeep(limit)), Ok(value)) => {
            assert!(depth(value) > limit, "too deep at depth {}", depth(value))
        }
        (Err(JsonProblem::NotObject(kind)), Ok(value)) => {
            assert!(!value.is_object(), "an object said not to be one");
            assert_eq!(kind, json::kind(value));
        }
        (Err(problem), Ok(value)) => {
            panic!("we refuse ({problem}) what serde_json reads as {value:?}")
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        match (json::parse_value(text, max), &theirs) {
            (Ok(value), Ok(other)) => assert_eq!(&value, other, "values differ"),
            (Ok(value), Err(e)) => panic!("we read {value:?}, serde_json refuses: {e}"),
            (Err(JsonProblem::DuplicateMember(_)), Ok(_)) | (Err(_), Err(_)) => {}
            (Err(JsonProblem::TooDeep(limit)), Ok(value)) => assert!(depth(value) > limit),
            (Err(problem), Ok(value)) => {
                panic!("we refuse ({problem}) what serde_json reads as {value:?}")
            }
        }
    }
}

/// Key loading in every form; a key that loads re-encodes (SPKI, PKCS#8)
/// to the same key, and every error renders.
pub fn keys(data: &[u8]) {
    let loaded = match keys::parse(data, "fuzz-input") {
        Ok(loaded) => loaded,
        Err(error) => {
            let _ = error.to_string();
            return;
        }
    };
    let public = loaded.public();
    assert!(!public.spki_der().is_empty(), "a loaded key with no SPKI");
    let _ = public.fingerprint();
    match keys::parse(public.spki_der(), "spki") {
        Ok(again) => assert_eq!(again.public().spki_der(), public.spki_der()),
        Err(error) => panic!("the SPKI of a loaded key does not load: {error}"),
    }
    if let KeyMaterial::Private(private) = &loaded.material {
        match keys::parse(&private.pkcs8_der(), "pkcs8") {
            Ok(again) => assert_eq!(again.public().spki_der(), public.spki_der()),
            Err(error) => panic!("the PKCS#8 of a loaded key does not load: {error}"),
        }
    }
}

// ---- padding and symmetric layers ---------------------------------------

/// The flaw `unpad` must name for `data`, worked out from the definition.
fn expected_padding(data: &[u8]) -> Result<usize, PaddingFlaw> {
    let Some(&last) = data.last() else {
        return Err(PaddingFlaw::Empty);
    };
    let n = usize::from(last);
    if n == 0 {
        Err(PaddingFlaw::Zero)
    } else if n > BLOCK {
        Err(PaddingFlaw::OverBlockSize(last))
    } else if n > data.len() || data[data.len() - n..].iter().any(|&b| b != last) {
        Err(PaddingFlaw::Inconsistent)
    } else {
        Ok(data.len() - n)
    }
}

/// PKCS#7: `unpad` names exactly the flaw the definition gives, and `pad`
/// and `unpad` are inverse.
pub fn pkcs7(data: &[u8]) {
    let got = padding::unpad(data).map(<[u8]>::len);
    assert_eq!(got, expected_padding(data), "unpad of {}", hex(data));
    let padded = padding::pad(data);
    assert_eq!(padded.len() % BLOCK, 0);
    assert_eq!(padding::unpad(&padded), Ok(data));
}

/// The AES key of the moveo context target.
const CBC_KEY: [u8; 32] = *b"fuzz-fixed-key-for-aes-cbc-32-by";
/// Its IV.
const CBC_IV: [u8; 16] = *b"fuzz-fixed-iv-16";

/// The key size of a [`CbcCase`].
#[derive(Debug, Clone, Copy, Arbitrary)]
pub enum CbcKey {
    /// AES-128.
    Aes128,
    /// AES-256.
    Aes256,
    /// 24 bytes: AES-192, which the moveo scheme does not have.
    Aes192,
    /// Any other length (taken modulo 40).
    Length(u8),
}

/// What a [`CbcCase`] puts under the cipher.
#[derive(Debug, Clone, Copy, Arbitrary)]
pub enum CbcPadding {
    /// The plaintext with proper PKCS#7 padding.
    Pkcs7,
    /// The plaintext as it is, cut to whole blocks: any padding, or none.
    Raw,
}

/// An edit to the ciphertext or IV after encryption.
#[derive(Debug, Clone, Copy, Arbitrary)]
pub enum CbcEdit {
    /// Cut the ciphertext to this length (modulo its length + 1).
    Truncate(u16),
    /// Append a byte.
    Append(u8),
    /// Flip one bit of the ciphertext.
    Flip {
        /// Byte index (modulo the length).
        index: u16,
        /// Bit (modulo 8).
        bit: u8,
    },
    /// An IV of another length (modulo 33).
    IvLength(u8),
}

/// The moveo context target's input: a plaintext encrypted with a fixed
/// key and IV, then edited.
#[derive(Debug, Clone, Arbitrary)]
pub struct CbcCase {
    /// The key size.
    pub key: CbcKey,
    /// Padding or raw blocks.
    pub padding: CbcPadding,
    /// Edits after encryption.
    pub edits: Vec<CbcEdit>,
    /// The plaintext.
    pub plaintext: Vec<u8>,
}

/// The moveo context layer with a fixed key: every backend that decrypts
/// contexts returns what the reference returns (the same failure class, or
/// the same plaintext), and without edits that is what PKCS#7 says.
pub fn moveo_context(data: &[u8]) {
    let Ok(case) = CbcCase::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let key_len = match case.key {
        CbcKey::Aes128 => 16,
        CbcKey::Aes256 => 32,
        CbcKey::Aes192 => 24,
        CbcKey::Length(n) => usize::from(n) % 40,
    };
    let key = &[CBC_KEY.as_slice(), CBC_KEY.as_slice()].concat()[..key_len];
    let raw = match case.padding {
        CbcPadding::Pkcs7 => padding::pad(&case.plaintext),
        CbcPadding::Raw => {
            let whole = case.plaintext.len() - case.plaintext.len() % BLOCK;
            case.plaintext[..whole].to_vec()
        }
    };
    // Encrypt under a key the cipher takes; a wrong-sized key must be
    // refused before any decryption anyway.
    let enc_key = if matches!(key_len, 16 | 32) {
        key
    } else {
        &CBC_KEY[..]
    };
    let Ok(mut ciphertext) = reference::cbc_encrypt_raw(enc_key, &CBC_IV, &raw) else {
        return;
    };
    let mut iv = CBC_IV.to_vec();
    let mut edited = false;
    for edit in case.edits.iter().take(4) {
        let before = (ciphertext.clone(), iv.clone());
        match *edit {
            CbcEdit::Truncate(len) => {
                ciphertext.truncate(usize::from(len) % (ciphertext.len() + 1));
            }
            CbcEdit::Append(byte) => ciphertext.push(byte),
            CbcEdit::Flip { index, bit } => {
                if !ciphertext.is_empty() {
                    let i = usize::from(index) % ciphertext.len();
                    ciphertext[i] ^= 1 << (bit % 8);
                }
            }
            CbcEdit::IvLength(n) => iv.resize(usize::from(n) % 33, 0x5a),
        }
        edited |= before != (ciphertext.clone(), iv.clone());
    }
    let reference_result = reference::Reference.aes_cbc_decrypt(key, &iv, &ciphertext);
    let expected = class(&reference_result);
    for backend in backends_with(|c| c.context_decrypt) {
        let got = class(&backend.aes_cbc_decrypt(key, &iv, &ciphertext));
        assert_eq!(
            got,
            expected,
            "{} and the reference disagree: key {key_len} bytes, IV {} bytes, ciphertext {}",
            backend.id(),
            iv.len(),
            hex(&ciphertext)
        );
    }
    if !edited && matches!(key_len, 16 | 32) {
        let want = match expected_padding(&raw) {
            _ if raw.is_empty() => Err(format!("{:?}", CryptoFailure::CiphertextLength(0))),
            Ok(len) => Ok(raw[..len].to_vec()),
            Err(flaw) => Err(format!("{:?}", CryptoFailure::Padding(flaw))),
        };
        assert_eq!(expected, want, "decrypting {} raw", hex(&raw));
    }
    if let Ok(plaintext) = expected {
        let _ = json::parse_object(&plaintext, json::DEFAULT_MAX_DEPTH);
    }
}

/// The content key of the JWE content target.
const CEK: [u8; 32] = *b"fuzz-fixed-content-key-32-bytes!";

/// A part of a JWE's content encryption.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Arbitrary)]
pub enum GcmPart {
    /// The content key.
    Key,
    /// The 12-byte IV.
    Iv,
    /// The AAD (the encoded protected header).
    Aad,
    /// The ciphertext.
    Ciphertext,
    /// The 16-byte tag.
    Tag,
}

/// An edit to one part after encryption.
#[derive(Debug, Clone, Arbitrary)]
pub enum GcmEdit {
    /// Flip one bit.
    Flip {
        /// The part.
        part: GcmPart,
        /// Byte index (modulo the length).
        index: u16,
        /// Bit (modulo 8).
        bit: u8,
    },
    /// Cut to a length (modulo the length + 1).
    Truncate {
        /// The part.
        part: GcmPart,
        /// New length.
        len: u16,
    },
    /// Append a byte.
    Append {
        /// The part.
        part: GcmPart,
        /// The byte.
        byte: u8,
    },
    /// Replace the part.
    Replace {
        /// The part.
        part: GcmPart,
        /// The new bytes.
        bytes: Vec<u8>,
    },
}

/// The JWE content target's input: AAD and plaintext encrypted with a fixed
/// content key and the given IV, then edited.
#[derive(Debug, Clone, Arbitrary)]
pub struct GcmCase {
    /// The IV.
    pub iv: [u8; 12],
    /// The AAD: in a JWE, the encoded protected header.
    pub aad: Vec<u8>,
    /// Edits after encryption.
    pub edits: Vec<GcmEdit>,
    /// The plaintext.
    pub plaintext: Vec<u8>,
}

fn edit_bytes(bytes: &mut Vec<u8>, edit: &GcmEdit) {
    match edit {
        GcmEdit::Flip { index, bit, .. } => {
            if !bytes.is_empty() {
                let i = usize::from(*index) % bytes.len();
                bytes[i] ^= 1 << (bit % 8);
            }
        }
        GcmEdit::Truncate { len, .. } => bytes.truncate(usize::from(*len) % (bytes.len() + 1)),
        GcmEdit::Append { byte, .. } => bytes.push(*byte),
        GcmEdit::Replace { bytes: new, .. } => *bytes = new.clone(),
    }
}

/// The JWE content layer with a fixed content key (no RSA, so it runs
/// fast): an unedited encryption decrypts in both implementations, any
/// edit is refused by both, and the failure is the same.
pub fn jwe_content(data: &[u8]) {
    let Ok(case) = GcmCase::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let Ok((ciphertext, tag)) = reference::gcm_encrypt(&CEK, &case.iv, &case.aad, &case.plaintext)
    else {
        return;
    };
    let original = [
        CEK.to_vec(),
        case.iv.to_vec(),
        case.aad.clone(),
        ciphertext,
        tag,
    ];
    let mut parts = original.clone();
    for edit in case.edits.iter().take(4) {
        let part = match edit {
            GcmEdit::Flip { part, .. }
            | GcmEdit::Truncate { part, .. }
            | GcmEdit::Append { part, .. }
            | GcmEdit::Replace { part, .. } => *part,
        };
        edit_bytes(&mut parts[part as usize], edit);
    }
    let [key, iv, aad, ciphertext, tag] = &parts;
    let ours = class(&reference::gcm_decrypt(key, iv, aad, ciphertext, tag));
    // The openssl backend's GCM reuses one context per thread from input
    // to input: it must agree on every one, the length failures included.
    assert_eq!(
        class(&backend::openssl::gcm_decrypt(
            key, iv, aad, ciphertext, tag
        )),
        ours,
        "the reference and the openssl backend's GCM disagree"
    );
    if parts == original {
        assert_eq!(
            ours,
            Ok(case.plaintext.clone()),
            "an unedited GCM decryption"
        );
    } else {
        assert!(ours.is_err(), "an edited GCM input decrypts: {parts:?}");
    }
    if iv.len() != 12 {
        assert_eq!(
            ours,
            Err(format!("{:?}", CryptoFailure::IvLength(iv.len())))
        );
    } else if tag.len() != 16 {
        assert_eq!(
            ours,
            Err(format!("{:?}", CryptoFailure::TagLength(tag.len())))
        );
    } else if key.len() == 32 {
        // josekit would take other IV and tag lengths (OpenSSL's GCM does);
        // its backend refuses them before this call, as the reference does.
        let theirs = A256GCM
            .decrypt(key, Some(iv), ciphertext, aad, Some(tag))
            .map_err(|_| format!("{:?}", CryptoFailure::Integrity));
        assert_eq!(ours, theirs, "the reference and josekit's A256GCM disagree");
    }
}

// ---- RSA layers across backends -----------------------------------------

/// An edit to a JWE's binary parts or to its encoded header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Arbitrary)]
pub enum JwePart {
    /// The RSA-encrypted content key.
    EncryptedKey,
    /// The IV.
    Iv,
    /// The ciphertext.
    Ciphertext,
    /// The tag.
    Tag,
    /// The encoded protected header (the AAD).
    Header,
}

/// The whole-JWE target's input.
#[derive(Debug, Clone, Arbitrary)]
pub struct JweCase {
    /// Which bundled recipient key (mostly 2048 bits; 3072 and 4096 one time in 32 each).
    pub recipient: u8,
    /// The RSA scheme the content key is wrapped with.
    pub scheme: u8,
    /// The content key length (32 for A256GCM; others are refused).
    pub cek_len: u8,
    /// Edits after encryption: the part and how.
    pub edits: Vec<(JwePart, GcmEdit)>,
    /// The plaintext.
    pub plaintext: Vec<u8>,
}

/// Whole JWE decryption through RSA with the bundled recipient keys: every
/// backend that decrypts JWEs agrees with the reference on the outcome
/// (same plaintext or same failure class), and only the unedited
/// RSA-OAEP-256 + 32-byte key case decrypts.
pub fn jwe_decrypt(data: &[u8]) {
    let Ok(case) = JweCase::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    // Mostly 2048 bits: a 4096-bit private-key operation in the rsa crate
    // takes some 20 ms.
    let recipient = test_key(match case.recipient % 32 {
        30 => "recipient3072",
        31 => "recipient4096",
        _ => "recipient",
    });
    let scheme = match case.scheme % 8 {
        5 => RsaScheme::OaepSha1,
        6 => RsaScheme::OaepSha256Mgf1Sha1,
        7 => RsaScheme::Pkcs1v15,
        _ => RsaScheme::OaepSha256,
    };
    let cek_len = if case.cek_len % 4 == 0 {
        usize::from(case.cek_len % 64)
    } else {
        32
    };
    let mut rng = HarnessRng::from_seed(u64::from(case.cek_len) << 8 | u64::from(case.scheme));
    let mut cek = vec![0u8; cek_len];
    rng.fill_bytes(&mut cek);
    let mut iv = [0u8; 12];
    rng.fill_bytes(&mut iv);
    let Ok(encrypted_key) = reference::rsa_encrypt(recipient.public(), scheme, &cek, &mut rng)
    else {
        return;
    };
    let protected = b64::encode_url(mint::IADVIZE_JWE_HEADER.as_bytes());
    let gcm_key = if cek_len == 32 { &cek[..] } else { &CEK[..] };
    let Ok((ciphertext, tag)) =
        reference::gcm_encrypt(gcm_key, &iv, protected.as_bytes(), &case.plaintext)
    else {
        return;
    };
    let original = JweParts {
        encrypted_key,
        iv: iv.to_vec(),
        ciphertext,
        tag,
    };
    let mut parts = original.clone();
    let mut header = protected.clone().into_bytes();
    for (part, edit) in case.edits.iter().take(3) {
        let bytes = match part {
            JwePart::EncryptedKey => &mut parts.encrypted_key,
            JwePart::Iv => &mut parts.iv,
            JwePart::Ciphertext => &mut parts.ciphertext,
            JwePart::Tag => &mut parts.tag,
            JwePart::Header => &mut header,
        };
        edit_bytes(bytes, edit);
    }
    let header = String::from_utf8_lossy(&header).into_owned();
    let expected = class(&reference::Reference.jwe_decrypt(recipient, &header, &parts));
    let unedited = parts == original && header == protected;
    if unedited && scheme == RsaScheme::OaepSha256 && cek_len == 32 {
        assert_eq!(expected, Ok(case.plaintext.clone()), "a good JWE");
    } else {
        assert!(expected.is_err(), "a bad JWE decrypts: {parts:?}");
    }
    for backend in backends_with(|c| c.jwe_decrypt) {
        let got = class(&backend.jwe_decrypt(recipient, &header, &parts));
        assert_eq!(
            got,
            expected,
            "{} and the reference disagree on {parts:?} (scheme {scheme:?}, content key {cek_len} bytes, header {header:?})",
            backend.id()
        );
    }
}

/// An edit to a signature or to what it signs.
#[derive(Debug, Clone, Arbitrary)]
pub enum SignatureEdit {
    /// Flip one bit of the signature.
    Flip {
        /// Byte index (modulo the length).
        index: u16,
        /// Bit (modulo 8).
        bit: u8,
    },
    /// Cut the signature (modulo its length + 1).
    Truncate(u16),
    /// Append a byte to the signature.
    Append(u8),
    /// Add the modulus to the signature (the same value mod n, as long as
    /// it fits in the key's length): must be refused.
    AddModulus,
    /// Replace the signature.
    Replace(Vec<u8>),
    /// Flip one bit of the signing input.
    FlipInput {
        /// Byte index (modulo the length).
        index: u16,
        /// Bit (modulo 8).
        bit: u8,
    },
    /// Append a byte to the signing input.
    AppendInput(u8),
}

/// The RS256 target's input.
#[derive(Debug, Clone, Arbitrary)]
pub struct JwsCase {
    /// Which bundled key signs (mostly 2048 bits; 3072 and 4096 one time in 32 each).
    pub signer: u8,
    /// Whether another key verifies.
    pub wrong_key: bool,
    /// Edits after signing.
    pub edits: Vec<SignatureEdit>,
    /// The signing input.
    pub input: Vec<u8>,
}

/// RS256 across every backend that verifies: a signature of the signing
/// input by the verifying key is accepted by all, anything else (an edit
/// of either, another key, the signature plus the modulus) by none.
pub fn jws_verify(data: &[u8]) {
    let Ok(case) = JwsCase::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let signer = test_key(match case.signer % 32 {
        30 => "customer3072",
        31 => "customer4096",
        _ => "customer",
    });
    let verifier = if case.wrong_key {
        test_key("customer2").public()
    } else {
        signer.public()
    };
    // OpenSSL signs about five times as fast as the rsa crate.
    let Ok(signature) = backend::josekit::Josekit.rs256_sign(signer, &case.input) else {
        return;
    };
    let (mut input, mut sig) = (case.input.clone(), signature.clone());
    for edit in case.edits.iter().take(3) {
        match edit {
            SignatureEdit::Flip { index, bit } => {
                if !sig.is_empty() {
                    let i = usize::from(*index) % sig.len();
                    sig[i] ^= 1 << (bit % 8);
                }
            }
            SignatureEdit::Truncate(len) => sig.truncate(usize::from(*len) % (sig.len() + 1)),
            SignatureEdit::Append(byte) => sig.push(*byte),
            SignatureEdit::AddModulus => {
                use rsa::traits::PublicKeyParts;
                let n = signer.public().rsa().n();
                let sum = rsa::BigUint::from_bytes_be(&sig) + n;
                let bytes = sum.to_bytes_be();
                if bytes.len() <= signer.public().size() {
                    sig = vec![0; signer.public().size() - bytes.len()];
                    sig.extend_from_slice(&bytes);
                }
            }
            SignatureEdit::Replace(bytes) => sig = bytes.clone(),
            SignatureEdit::FlipInput { index, bit } => {
                if !input.is_empty() {
                    let i = usize::from(*index) % input.len();
                    input[i] ^= 1 << (bit % 8);
                }
            }
            SignatureEdit::AppendInput(byte) => input.push(*byte),
        }
    }
    let genuine = !case.wrong_key && input == case.input && sig == signature;
    for backend in backends_with(|c| c.rs256_verify) {
        let accepted = backend.rs256_verify(verifier, &input, &sig).is_ok();
        assert_eq!(
            accepted,
            genuine,
            "{} {} a {} signature (input {}, signature {})",
            backend.id(),
            if accepted { "accepts" } else { "refuses" },
            if genuine { "genuine" } else { "wrong" },
            hex(&input),
            hex(&sig)
        );
    }
}

// ---- the check pipeline ----------------------------------------------------

/// The whole check, iadvize profile, on raw bytes.
pub fn check_iadvize(data: &[u8]) {
    check_raw(Profile::Iadvize, data);
}

/// The whole check, moveo profile, on raw bytes.
pub fn check_moveo(data: &[u8]) {
    check_raw(Profile::Moveo, data);
}

fn check_raw(profile: Profile, data: &[u8]) {
    let token = String::from_utf8_lossy(data);
    let report = check_token(profile, &token, fast());
    report_is_consistent(&report, &token);
    if report.verdict == Verdict::Pass {
        // A token can pass only as its signer wrote it: every segment the
        // canonical base64url of its bytes (a lenient decoder would let
        // one signed token be written several ways).
        let trimmed = token.trim_matches(|c: char| c.is_ascii_whitespace());
        for segment in trimmed.split('.') {
            let canonical = b64::decode_url_strict(segment)
                .map(|bytes| b64::encode_url(&bytes))
                .ok();
            assert_eq!(
                canonical.as_deref(),
                Some(segment),
                "a passing token with a non-canonical segment: {trimmed}"
            );
        }
    }
}

/// The report agrees with itself: the verdict follows from the findings and
/// what was not checked, every finding is a catalogued rule, and it
/// serializes.
fn report_is_consistent(report: &Report, token: &str) {
    let errors = report.count(Severity::Error);
    let expected = if errors > 0 {
        Verdict::Fail
    } else if !report.not_checked.is_empty() {
        Verdict::Incomplete
    } else {
        Verdict::Pass
    };
    assert_eq!(report.verdict, expected, "verdict of {token:?}");
    for finding in &report.findings {
        let rule = r::by_id(finding.id);
        assert!(
            rule.is_some_and(|rule| rule.severity == finding.severity),
            "finding {} is not the catalogue's",
            finding.id
        );
    }
    if let Err(error) = serde_json::to_string(report) {
        panic!("the report does not serialize: {error}");
    }
}

// ---- the structure-aware token model ----------------------------------

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
    fn to_json(&self) -> Value {
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

/// What a model's choices must make the check report.
#[derive(Debug, Clone)]
struct Expect {
    /// The choice, for the panic message.
    what: String,
    /// The rule that must fire, when one is known.
    rule: Option<Rule>,
    /// Whether the token must fail.
    error: bool,
}

impl Expect {
    fn rule(what: impl Into<String>, rule: Rule) -> Self {
        Self {
            what: what.into(),
            rule: Some(rule),
            error: rule.severity == Severity::Error,
        }
    }
}

/// Non-empty text of at most `max` characters, from `s` or `fallback`.
fn text_of(s: &str, max: usize, fallback: &str) -> String {
    let cut: String = s.chars().take(max).collect();
    if cut.is_empty() {
        fallback.to_owned()
    } else {
        cut
    }
}

impl TokenModel {
    fn profile(&self) -> Profile {
        match self.profile {
            ModelProfile::Iadvize => Profile::Iadvize,
            ModelProfile::Moveo => Profile::Moveo,
        }
    }

    /// The claims, and what each mistake in them must make the check say.
    fn claims(&self, expects: &mut Vec<Expect>) -> Map<String, Value> {
        let iadvize = self.profile == ModelProfile::Iadvize;
        let lifetime: i64 = if iadvize { 60 } else { 300 };
        let mut claims = Map::new();
        match &self.issuer {
            Issuer::Text(s) => {
                claims.insert("iss".into(), json!(text_of(s, 80, "customer.example")));
            }
            Issuer::Missing if !iadvize => {
                expects.push(Expect::rule("no iss", r::MOVEO_ISS_MISSING))
            }
            Issuer::Missing => {}
            Issuer::Empty => {
                claims.insert("iss".into(), json!(""));
                if !iadvize {
                    expects.push(Expect::rule("iss empty", r::MOVEO_ISS_TYPE));
                }
            }
            Issuer::Number(n) => {
                claims.insert("iss".into(), json!(n));
                if !iadvize {
                    expects.push(Expect::rule("iss a number", r::MOVEO_ISS_TYPE));
                }
            }
        }
        let subject = if iadvize { IADVIZE_USER_ID } else { "sub" };
        let (missing, empty, number) = if iadvize {
            (
                r::IADVIZE_USERID_MISSING,
                r::IADVIZE_USERID_EMPTY,
                r::IADVIZE_USERID_TYPE,
            )
        } else {
            (r::MOVEO_SUB_MISSING, r::MOVEO_SUB_EMPTY, r::MOVEO_SUB_TYPE)
        };
        match &self.subject {
            Subject::Text(s) => {
                claims.insert(subject.into(), json!(text_of(s, 255, "user-1")));
            }
            Subject::Missing => expects.push(Expect::rule("no subject", missing)),
            Subject::Empty => {
                claims.insert(subject.into(), json!(""));
                expects.push(Expect::rule("empty subject", empty));
            }
            Subject::Number(n) => {
                claims.insert(subject.into(), json!(n));
                expects.push(Expect::rule("subject a number", number));
            }
            Subject::Long(n) => {
                claims.insert(subject.into(), json!("é".repeat(256 + usize::from(*n))));
                if iadvize {
                    expects.push(Expect::rule("userId too long", r::IADVIZE_USERID_LENGTH));
                }
            }
        }
        let mut exp_number = None;
        match self.exp {
            Exp::Good(o) => {
                let exp = NOW + 1 + i64::from(o) % lifetime;
                exp_number = Some(exp as f64);
                claims.insert("exp".into(), json!(exp));
            }
            Exp::Missing => expects.push(Expect::rule("no exp", r::CLAIMS_EXP_MISSING)),
            Exp::Expired(d) => {
                claims.insert("exp".into(), json!(NOW - i64::from(d)));
                expects.push(Expect::rule("exp not after now", r::CLAIMS_EXP_EXPIRED));
            }
            Exp::Text => {
                claims.insert("exp".into(), json!((NOW + 30).to_string()));
                expects.push(Expect::rule("exp a string", r::CLAIMS_TIME_TYPE));
            }
            Exp::Negative(d) => {
                claims.insert("exp".into(), json!(-1 - i64::from(d)));
                expects.push(Expect::rule("exp negative", r::CLAIMS_TIME_RANGE));
            }
            Exp::Huge => {
                claims.insert("exp".into(), json!(1e20));
                expects.push(Expect::rule("exp 1e20", r::CLAIMS_TIME_RANGE));
            }
            Exp::Fraction(o) => {
                let exp = (NOW + 1 + i64::from(o) % (lifetime - 1)) as f64 + 0.5;
                exp_number = Some(exp);
                claims.insert("exp".into(), json!(exp));
                expects.push(Expect::rule(
                    "exp with a fraction",
                    r::CLAIMS_TIME_NON_INTEGER,
                ));
            }
            Exp::Far(d) => {
                let exp = NOW + lifetime + 1 + i64::from(d);
                exp_number = Some(exp as f64);
                claims.insert("exp".into(), json!(exp));
                expects.push(if iadvize {
                    Expect::rule("exp past 60 s", r::IADVIZE_LIFETIME)
                } else {
                    Expect::rule("exp past 300 s", r::MOVEO_EXP_TOO_FAR)
                });
            }
        }
        match self.iat {
            Iat::None => {}
            Iat::Past(d) => {
                let mut iat = NOW - i64::from(d);
                if iadvize {
                    // Keep exp - iat within the 60 s the lifetime rule allows.
                    if let Some(exp) = exp_number {
                        iat = iat.max((exp - 60.0).ceil() as i64).min(NOW);
                    }
                }
                claims.insert("iat".into(), json!(iat));
            }
            Iat::Future(d) => {
                claims.insert("iat".into(), json!(NOW + 1 + i64::from(d)));
                expects.push(Expect::rule("iat in the future", r::CLAIMS_IAT_FUTURE));
            }
            Iat::Text => {
                claims.insert("iat".into(), json!("yesterday"));
                expects.push(Expect::rule("iat a string", r::CLAIMS_TIME_TYPE));
            }
        }
        match self.nbf {
            Nbf::None => {}
            Nbf::Past(d) => {
                claims.insert("nbf".into(), json!(NOW - i64::from(d)));
            }
            Nbf::Future(d) => {
                claims.insert("nbf".into(), json!(NOW + 1 + i64::from(d)));
                expects.push(Expect::rule("nbf in the future", r::CLAIMS_NBF_FUTURE));
            }
        }
        if iadvize {
            let field = |i: &u8| VISITOR_DATA_FIELDS[usize::from(*i) % VISITOR_DATA_FIELDS.len()];
            match &self.visitor_data {
                VisitorData::None => {}
                VisitorData::Fields(fields) => {
                    let data: Map<String, Value> = fields
                        .iter()
                        .take(8)
                        .map(|(i, v)| (field(i).to_owned(), json!(v)))
                        .collect();
                    claims.insert(IADVIZE_VISITOR_DATA.into(), Value::Object(data));
                }
                VisitorData::NotObject(s) => {
                    claims.insert(IADVIZE_VISITOR_DATA.into(), json!(s));
                    expects.push(Expect::rule(
                        "visitorData a string",
                        r::IADVIZE_VISITORDATA_TYPE,
                    ));
                }
                VisitorData::FieldNumber(i, n) => {
                    claims.insert(IADVIZE_VISITOR_DATA.into(), json!({ field(i): n }));
                    expects.push(Expect::rule(
                        "a visitorData field a number",
                        r::IADVIZE_VISITORDATA_FIELD,
                    ));
                }
                VisitorData::Unknown(s) => {
                    claims.insert(
                        IADVIZE_VISITOR_DATA.into(),
                        json!({ format!("x-{s}"): "v" }),
                    );
                    expects.push(Expect::rule(
                        "an undocumented visitorData field",
                        r::IADVIZE_VISITORDATA_UNKNOWN,
                    ));
                }
            }
        }
        for extra in self.extra.iter().take(4) {
            let name = if iadvize && !extra.unprefixed {
                format!("{IADVIZE_PREFIX}x-{}", extra.name)
            } else {
                format!("x-{}", extra.name)
            };
            if claims.contains_key(&name) {
                continue;
            }
            claims.insert(name.clone(), extra.value.to_json());
            if iadvize && extra.unprefixed {
                expects.push(Expect::rule(
                    format!("unprefixed {name:?}"),
                    r::IADVIZE_UNPREFIXED,
                ));
            }
        }
        claims
    }

    fn context(&self) -> Option<(Value, usize)> {
        if self.profile != ModelProfile::Moveo {
            return None;
        }
        self.context.as_ref().map(|c| {
            let object: Map<String, Value> = c
                .members
                .iter()
                .take(8)
                .map(|(k, v)| (k.clone(), v.to_json()))
                .collect();
            (Value::Object(object), if c.aes256 { 32 } else { 16 })
        })
    }

    /// The JWS header text, and what its choices must make the check say.
    fn jws_header(&self, expects: &mut Vec<Expect>) -> String {
        let h = &self.header;
        let mut members: Vec<(&str, Value)> = Vec::new();
        let alg = match &h.alg {
            Alg::Rs256 => Some("RS256".to_owned()),
            Alg::None(casing) => {
                Some(["none", "None", "NONE", "nOnE"][usize::from(*casing) % 4].to_owned())
            }
            Alg::Hs256 => Some("HS256".to_owned()),
            Alg::Rs512 => Some("RS512".to_owned()),
            Alg::Ps256 => Some("PS256".to_owned()),
            Alg::Missing => None,
            Alg::Text(s) => Some(s.clone()),
        };
        match &alg {
            Some(a) if a == "RS256" => {}
            Some(a) if a.eq_ignore_ascii_case("none") => {
                expects.push(Expect::rule(format!("alg {a:?}"), r::JWS_ALG_NONE))
            }
            Some(a) if a.to_ascii_uppercase().starts_with("HS") => {
                expects.push(Expect::rule(format!("alg {a:?}"), r::JWS_ALG_HMAC))
            }
            Some(a) => expects.push(Expect::rule(format!("alg {a:?}"), r::JWS_ALG_UNEXPECTED)),
            None => expects.push(Expect::rule("no alg", r::JWS_ALG_UNEXPECTED)),
        }
        if let Some(alg) = &alg {
            members.push(("alg", json!(alg)));
        }
        if let Some(typ) = &h.typ {
            members.push(("typ", json!(typ)));
        }
        if let Some(kid) = &h.kid {
            members.push(("kid", json!(kid)));
            expects.push(Expect::rule("kid", r::JOSE_KID));
        }
        match h.extra {
            HeaderExtra::Nothing => {}
            HeaderExtra::Crit => {
                members.push(("crit", json!(["x-unknown"])));
                expects.push(Expect::rule("crit", r::JOSE_CRIT));
            }
            HeaderExtra::Jku | HeaderExtra::X5u | HeaderExtra::X5c | HeaderExtra::Jwk => {
                let (name, value) = match h.extra {
                    HeaderExtra::Jku => ("jku", json!("https://attacker.example/jwks")),
                    HeaderExtra::X5u => ("x5u", json!("https://attacker.example/cert")),
                    HeaderExtra::X5c => ("x5c", json!(["MIIB"])),
                    _ => ("jwk", keys::public_jwk(test_key("customer2").public())),
                };
                members.push((name, value));
                expects.push(Expect::rule(name, r::JOSE_KEY_IN_HEADER));
            }
            HeaderExtra::DuplicateAlg => {
                if alg.is_some() {
                    // The last one counts: none.
                    members.push(("alg", json!("none")));
                    expects.push(Expect::rule("alg twice", r::JSON_DUPLICATE));
                }
            }
        }
        render(&members, h.spaced)
    }

    /// The JWE header text, and what its choices must make the check say.
    fn jwe_header(&self, expects: &mut Vec<Expect>) -> String {
        let h = &self.jwe_header;
        let mut members: Vec<(&str, Value)> =
            vec![("alg", json!("RSA-OAEP-256")), ("enc", json!("A256GCM"))];
        match &h.cty {
            Cty::Jwt => members.push(("cty", json!("JWT"))),
            Cty::Lower => members.push(("cty", json!("jwt"))),
            Cty::Missing => expects.push(Expect::rule("no cty", r::JWE_CTY_MISSING)),
            Cty::Text(s) => {
                members.push(("cty", json!(s)));
                if !s.eq_ignore_ascii_case("JWT") {
                    expects.push(Expect::rule(format!("cty {s:?}"), r::JWE_CTY_WRONG));
                }
            }
        }
        if let Some(kid) = &h.kid {
            members.push(("kid", json!(kid)));
            expects.push(Expect::rule("JWE kid", r::JOSE_KID));
        }
        if h.zip {
            members.push(("zip", json!("DEF")));
            expects.push(Expect::rule("zip", r::JWE_ZIP));
        }
        render(&members, h.spaced)
    }
}

/// A JSON object written member by member (duplicates kept).
fn render(members: &[(&str, Value)], spaced: bool) -> String {
    let (colon, comma) = if spaced { (": ", ", ") } else { (":", ",") };
    let body: Vec<String> = members
        .iter()
        .map(|(name, value)| format!("{}{colon}{value}", json!(name)))
        .collect();
    format!("{{{}}}", body.join(comma))
}

/// Applies one text edit; returns the rule it must trip when it is the
/// only change, `None` for a change of no particular rule.
fn apply_edit(token: &mut String, edit: TextEdit) -> Option<Rule> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut segments: Vec<String> = token.split('.').map(str::to_owned).collect();
    let pick = |i: u8| usize::from(i) % segments.len();
    let rule = match edit {
        TextEdit::Pad { segment } => {
            let i = pick(segment);
            segments[i].push('=');
            Some(r::B64_PADDING)
        }
        TextEdit::StdAlphabet { segment } => {
            let i = pick(segment);
            segments[i] = segments[i].replace('-', "+").replace('_', "/");
            Some(r::B64_ALPHABET)
        }
        TextEdit::Whitespace { segment, at } => {
            let i = pick(segment);
            let s = &mut segments[i];
            let mut at = usize::from(at) % (s.len() + 1);
            while !s.is_char_boundary(at) {
                at -= 1;
            }
            s.insert(at, '\n');
            Some(r::B64_WHITESPACE)
        }
        TextEdit::TrailingBits { segment } => {
            let i = pick(segment);
            let s = &mut segments[i];
            let unused = matches!(s.len() % 4, 2 | 3);
            if let (true, Some(last)) = (unused, s.pop()) {
                let replaced = ALPHABET
                    .iter()
                    .position(|c| char::from(*c) == last)
                    .map_or(last, |pos| char::from(ALPHABET[pos | 1]));
                s.push(replaced);
            }
            Some(r::B64_TRAILING_BITS)
        }
        TextEdit::SetByte { at, byte } => {
            let mut bytes = std::mem::take(token).into_bytes();
            if !bytes.is_empty() {
                let i = usize::from(at) % bytes.len();
                if bytes[i].is_ascii() {
                    bytes[i] = 0x21 + byte % 94;
                }
            }
            *token = String::from_utf8(bytes).unwrap_or_default();
            return None;
        }
        TextEdit::Truncate { at } => {
            let mut at = usize::from(at) % (token.len() + 1);
            while !token.is_char_boundary(at) {
                at -= 1;
            }
            token.truncate(at);
            return None;
        }
        TextEdit::Surround => {
            *token = format!(" \n{token}\r\n");
            return None;
        }
    };
    *token = segments.join(".");
    rule
}

fn trimmed(token: &str) -> &str {
    token.trim_matches(|c: char| c.is_ascii_whitespace())
}

/// Builds the token a [`TokenModel`] describes, checks it, and asserts
/// what its choices imply: no mistake passes with the claims and context
/// read back as built; a mistake of error severity fails; a single mistake
/// makes its own rule fire.
pub fn token_model(data: &[u8]) {
    let Ok(model) = TokenModel::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let profile = model.profile();
    let customer = test_key("customer");
    let recipient = test_key("recipient");
    let mut rng = HarnessRng::from_seed(model.seed);
    let mut expects = Vec::new();
    let mut claims = model.claims(&mut expects);
    let context = model.context();
    let catalog: Vec<mutate::Mutation> = mutate::published()
        .into_iter()
        .filter(|m| m.profiles.contains(&profile))
        .collect();
    let mutation = model
        .mutation
        .map(|i| catalog[usize::from(i) % catalog.len()]);
    let built = match mutation {
        Some(mutation) => {
            // A catalogue case edits the claims it is about: start it from
            // good claims so that its rule is the only mistake.
            if !expects.is_empty() {
                expects.clear();
                claims = mint::default_claims(profile, NOW, 60, "user-1");
            }
            expects.push(Expect::rule(mutation.name(profile), mutation.rule));
            let mut recipe = Recipe {
                profile,
                claims: claims.clone(),
                context: context.as_ref().map(|(c, _)| c.clone()),
                aes_key_bytes: context.as_ref().map_or(32, |(_, aes)| *aes),
                customer,
                other: test_key("customer2"),
                recipient: recipient.public(),
                now: NOW,
                rng,
            };
            mutation.build(&mut recipe)
        }
        None => {
            let header = model.jws_header(&mut expects);
            match profile {
                Profile::Iadvize => {
                    let jwe_header = model.jwe_header(&mut expects);
                    serde_json::to_vec(&claims)
                        .map_err(|e| CryptoFailure::Other(e.to_string()))
                        .and_then(|payload| {
                            mint::jws_rs256(fast_producer(), customer, header.as_bytes(), &payload)
                        })
                        .and_then(|jws| {
                            mint::jwe(
                                fast_producer(),
                                recipient.public(),
                                jwe_header.as_bytes(),
                                jws.as_bytes(),
                                &mut rng,
                            )
                        })
                }
                Profile::Moveo => {
                    let mut all = claims.clone();
                    let made = match &context {
                        Some((object, aes)) => serde_json::to_vec(object)
                            .map_err(|e| CryptoFailure::Other(e.to_string()))
                            .and_then(|plaintext| {
                                mint::context(
                                    fast_producer(),
                                    recipient.public(),
                                    &plaintext,
                                    *aes,
                                    &mut rng,
                                )
                            })
                            .map(|c| c.insert_into(&mut all)),
                        None => Ok(()),
                    };
                    made.and_then(|()| {
                        serde_json::to_vec(&all).map_err(|e| CryptoFailure::Other(e.to_string()))
                    })
                    .and_then(|payload| {
                        mint::jws_rs256(fast_producer(), customer, header.as_bytes(), &payload)
                    })
                }
            }
        }
    };
    let Ok(original) = built else {
        return;
    };
    let mut token = original.clone();
    let mut edit_rules = Vec::new();
    for edit in model.edits.iter().take(3) {
        let before = token.clone();
        let rule = apply_edit(&mut token, *edit);
        if trimmed(&before) != trimmed(&token) {
            edit_rules.push(rule);
        }
    }
    if trimmed(&token) != original {
        match edit_rules.as_slice() {
            [Some(rule)] => {
                expects.push(Expect::rule(format!("text edit {:?}", model.edits), *rule))
            }
            _ => expects.push(Expect {
                what: format!("text edits {:?}", model.edits),
                rule: None,
                error: true,
            }),
        }
    }

    let report = check_token(profile, &token, fast());
    report_is_consistent(&report, &token);
    let must_fail = expects.iter().any(|e| e.error);
    let want = if must_fail {
        Verdict::Fail
    } else {
        Verdict::Pass
    };
    assert_eq!(
        report.verdict,
        want,
        "{profile:?} token {token:?}\nmistakes {expects:?}\nfindings {:?}\nnot checked {:?}",
        report.ids(),
        report.not_checked
    );
    if let [Expect {
        rule: Some(rule),
        what,
        ..
    }] = expects.as_slice()
    {
        assert!(
            report.has(rule),
            "{what}: rule {} did not fire on {token:?}; findings {:?}",
            rule.id,
            report.ids()
        );
    }
    if expects.is_empty() && mutation.is_none() {
        // The report's claims are the signed ones: for moveo, with the three
        // context claims the minting added.
        let mut read = report.claims.clone();
        if let (Profile::Moveo, Some(Value::Object(map))) = (profile, &mut read) {
            for name in ["context", "encryption_key", "init_vector"] {
                map.remove(name);
            }
        }
        assert_eq!(read, Some(Value::Object(claims)), "claims read back");
        assert_eq!(report.context, context.map(|(c, _)| c), "context read back");
    }
}

// ---- seeds ----------------------------------------------------------------------

/// The file name libFuzzer gives an input: the SHA-1 of its bytes, in hex.
pub fn corpus_name(data: &[u8]) -> String {
    hex(&Sha1::digest(data))
}

/// Every token of the committed vectors, with its profile.
fn vector_tokens() -> Vec<(Profile, String)> {
    const FILES: [(Profile, &str); 4] = [
        (
            Profile::Iadvize,
            include_str!("../../vectors/iadvize/valid.json"),
        ),
        (
            Profile::Iadvize,
            include_str!("../../vectors/iadvize/invalid.json"),
        ),
        (
            Profile::Moveo,
            include_str!("../../vectors/moveo/valid.json"),
        ),
        (
            Profile::Moveo,
            include_str!("../../vectors/moveo/invalid.json"),
        ),
    ];
    let mut out = Vec::new();
    for (profile, text) in FILES {
        let Ok(file) = serde_json::from_str::<Value>(text) else {
            continue;
        };
        for test in file["tests"].as_array().into_iter().flatten() {
            if let Some(token) = test["token"].as_str() {
                out.push((profile, token.to_owned()));
            }
        }
    }
    out
}

/// Tokens minted here (seeded, so the same every time): both profiles,
/// with and without visitorData and context.
fn minted_tokens() -> Vec<(Profile, String)> {
    let customer = test_key("customer");
    let recipient = test_key("recipient");
    let mut rng = HarnessRng::from_seed(2024);
    let producer: &dyn Backend = &reference::Reference;
    let mut out = Vec::new();
    let mut iadvize = mint::default_claims(Profile::Iadvize, NOW, 60, "user-1");
    if let Ok(token) = mint::iadvize(producer, &iadvize, customer, recipient.public(), &mut rng) {
        out.push((Profile::Iadvize, token));
    }
    iadvize.insert(
        IADVIZE_VISITOR_DATA.into(),
        json!({"firstName": "Zoë", "email": "z@example.com", "country": "FR"}),
    );
    if let Ok(token) = mint::iadvize(producer, &iadvize, customer, recipient.public(), &mut rng) {
        out.push((Profile::Iadvize, token));
    }
    let moveo = mint::default_claims(Profile::Moveo, NOW, 60, "user-1");
    let contexts = [
        None,
        Some((json!({}), 16)),
        Some((json!({"plan": "gold", "user": {"vip": true}}), 32)),
    ];
    for context in contexts {
        let context = context
            .as_ref()
            .map(|(c, aes)| (c, recipient.public(), *aes));
        if let Ok(token) = mint::moveo(producer, &moveo, context, customer, &mut rng) {
            out.push((Profile::Moveo, token));
        }
    }
    out
}

/// The seed corpus of every target, as (target name, input): tokens of the
/// committed vectors and minted ones, their segments and JSON, the bundled
/// keys in every form, paddings, and a few byte strings for the
/// structure-aware targets. `tests/fuzz_corpus.rs` writes them into
/// `fuzz/corpus/<target>/` on request.
pub fn seeds() -> Vec<(&'static str, Vec<u8>)> {
    let mut out: Vec<(&'static str, Vec<u8>)> = Vec::new();
    let tokens: Vec<(Profile, String)> =
        vector_tokens().into_iter().chain(minted_tokens()).collect();
    for (profile, token) in &tokens {
        out.push(("compact", token.clone().into_bytes()));
        let target = match profile {
            Profile::Iadvize => "check_iadvize",
            Profile::Moveo => "check_moveo",
        };
        out.push((target, token.clone().into_bytes()));
        for segment in token.split('.') {
            out.push(("base64url", segment.as_bytes().to_vec()));
            if let Some(bytes) = b64::decode(segment, Dialect::Url).bytes {
                if json::parse_value(&String::from_utf8_lossy(&bytes), 64).is_ok() {
                    // The moveo context claims are standard base64.
                    if let Ok(Value::Object(claims)) = serde_json::from_slice(&bytes) {
                        for name in ["context", "encryption_key", "init_vector"] {
                            if let Some(text) = claims.get(name).and_then(Value::as_str) {
                                out.push(("base64url", text.as_bytes().to_vec()));
                            }
                        }
                    }
                    out.push(("json", bytes));
                }
            }
        }
    }
    for text in [
        r#"{"a":1,"a":2}"#,
        r#"{"o":{"b":1,"\u0062":2}}"#,
        r#"{"https:\/\/iadvize.com\/userId":"u"}"#,
        r#"{"u":"\ud83d\ude00","n":-0.0,"e":1e308,"i":-9223372036854775808,"big":18446744073709551615}"#,
        r#"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"#,
        r#"{"a":[{"b":{"c":[null,true,false,"x"]}}]} "#,
        "{\"a\":\"\u{7f}\"}",
        "\u{feff}{}",
    ] {
        out.push(("json", text.as_bytes().to_vec()));
    }
    for (file, pem) in testkeys::PEMS {
        let Ok(loaded) = keys::parse(pem.as_bytes(), file) else {
            continue;
        };
        out.push(("keys", pem.as_bytes().to_vec()));
        let public = loaded.public();
        out.push(("keys", public.spki_pem().into_bytes()));
        if file.starts_with("customer-") || file.starts_with("weak") {
            out.push(("keys", public.spki_der().to_vec()));
            out.push(("keys", public.pkcs1_der()));
            out.push((
                "keys",
                keys::pem("RSA PUBLIC KEY", &public.pkcs1_der()).into_bytes(),
            ));
            out.push(("keys", b64::encode_std(public.spki_der()).into_bytes()));
            out.push(("keys", keys::public_jwk(public).to_string().into_bytes()));
            out.push((
                "keys",
                json!({"keys": [keys::public_jwk(public)]})
                    .to_string()
                    .into_bytes(),
            ));
            if let KeyMaterial::Private(private) = &loaded.material {
                out.push(("keys", private.pkcs8_der().to_vec()));
            }
        }
    }
    out.push(("keys", keys::IADVIZE_PRODUCTION_KEY.as_bytes().to_vec()));
    out.push((
        "keys",
        b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n".to_vec(),
    ));
    out.push((
        "keys",
        br#"{"kty":"RSA","n":"AQAB","e":"AQAB","d":"AQAB"}"#.to_vec(),
    ));
    out.push(("keys", br#"{"kty":"EC","crv":"P-256"}"#.to_vec()));
    for len in [0usize, 1, 15, 16, 17, 31, 32] {
        let data: Vec<u8> = (0..len as u8).collect();
        out.push(("pkcs7", padding::pad(&data)));
        out.push(("pkcs7", data));
    }
    out.push(("pkcs7", vec![16; 16]));
    out.push(("pkcs7", vec![17; 16]));
    out.push(("pkcs7", [vec![1; 13], vec![3, 2, 3]].concat()));
    // The structure-aware targets read bytes through `arbitrary`: a few
    // byte strings of different lengths and contents to start from.
    let mut rng = HarnessRng::from_seed(7);
    for name in [
        "moveo_context",
        "jwe_content",
        "jwe_decrypt",
        "jws_verify",
        "token_model",
    ] {
        out.push((name, vec![0; 64]));
        out.push((name, vec![0xff; 64]));
        for len in [16usize, 64, 256, 1024] {
            let mut bytes = vec![0u8; len];
            rng.fill_bytes(&mut bytes);
            out.push((name, bytes));
        }
    }
    // Long base64 texts add no coverage a short one lacks, and slow every
    // run that mutates them.
    out.retain(|(target, data)| {
        data.len()
            <= if *target == "base64url" {
                2048
            } else {
                MAX_LEN
            }
    });
    out.sort();
    out.dedup();
    out
}

/// The dictionary of JOSE tokens for libFuzzer (`-dict=`), one quoted
/// token per line: header names, alg and enc values, claim names, and the
/// base64url of common header beginnings.
pub fn dictionary() -> String {
    let names = [
        "alg",
        "enc",
        "cty",
        "typ",
        "kid",
        "zip",
        "crit",
        "jwk",
        "jku",
        "x5u",
        "x5c",
        "RS256",
        "RS384",
        "RS512",
        "PS256",
        "HS256",
        "HS384",
        "HS512",
        "ES256",
        "none",
        "None",
        "NONE",
        "RSA-OAEP-256",
        "RSA-OAEP",
        "RSA1_5",
        "dir",
        "A128KW",
        "A256GCM",
        "A192GCM",
        "A128GCM",
        "A128CBC-HS256",
        "A256CBC-HS512",
        "DEF",
        "JWT",
        "iss",
        "sub",
        "aud",
        "exp",
        "nbf",
        "iat",
        "jti",
        "context",
        "encryption_key",
        "init_vector",
        IADVIZE_USER_ID,
        IADVIZE_VISITOR_DATA,
        "https:\\/\\/iadvize.com\\/",
    ];
    // Then the visitorData fields, then key and text forms.
    let keys_and_texts = [
        "kty",
        "RSA",
        "EC",
        "n",
        "e",
        "d",
        "p",
        "q",
        "keys",
        "-----BEGIN ",
        "-----END ",
        "PRIVATE KEY-----",
        "PUBLIC KEY-----",
        "RSA PRIVATE KEY",
        "RSA PUBLIC KEY",
        "ENCRYPTED PRIVATE KEY",
        "CERTIFICATE",
        "MIIBIjANBgkqhkiG9w0BAQEFAAOC",
        "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC",
        "eyJ",
        "eyJhbGciOi",
        "eyJhbGciOiJSUzI1NiJ9",
        "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9",
        "eyJhbGciOiJSU0EtT0FFUC0yNTYiLCJlbmMiOiJBMjU2R0NNIiwiY3R5IjoiSldUIn0",
        "\\u0000",
        "\\ud83d\\ude00",
        "1700000000",
        "1700000060",
        "1e20",
        "-1",
        "==",
        "\r\n",
    ];
    let mut words: Vec<String> = names
        .iter()
        .chain(VISITOR_DATA_FIELDS.iter())
        .chain(keys_and_texts.iter())
        .map(|w| (*w).to_owned())
        .collect();
    words.dedup();
    let mut out = String::from(
        "# JOSE tokens for libFuzzer's -dict= (generated by jose_harness::fuzzing::dictionary)\n",
    );
    for word in words {
        let escaped: String = word
            .bytes()
            .map(|b| match b {
                b'"' => "\\\"".to_owned(),
                b'\\' => "\\\\".to_owned(),
                0x20..=0x7e => char::from(b).to_string(),
                _ => format!("\\x{b:02X}"),
            })
            .collect();
        out.push_str(&format!("\"{escaped}\"\n"));
    }
    out
}
