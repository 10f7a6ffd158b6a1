//! The differential targets: the moveo context's AES-CBC, the JWE
//! content's AES-GCM, whole-JWE decryption and RS256 verification, each
//! compared across every implementation that does it.

use arbitrary::{Arbitrary, Unstructured};
use rand::RngCore;
use zeroize::Zeroizing;

use super::impls::{self, RsaScheme};
use super::parsers::expected_padding;
use super::{backends_with, class, hex, memo, test_key};
use crate::backend::{reference, CryptoFailure, JweParts, Primitives};
use crate::forge::mint;
use crate::jose::b64;
use crate::jose::json;
use crate::padding::{self, BLOCK};
use crate::rng::HarnessRng;

// ---- symmetric layers ---------------------------------------------------

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
    let Ok(mut ciphertext) = impls::raw().cbc_encrypt_raw(enc_key, &CBC_IV, &raw) else {
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
    let reference_result = impls::reference().aes_cbc_decrypt(key, &iv, &ciphertext);
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
/// fast): an unedited encryption decrypts in every implementation, any
/// edit is refused by all, and the failure is the same.
pub fn jwe_content(data: &[u8]) {
    let Ok(case) = GcmCase::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let Ok((ciphertext, tag)) =
        impls::raw().gcm_encrypt(&CEK, &case.iv, &case.aad, &case.plaintext)
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
    let ours = class(&impls::raw().gcm_decrypt(key, iv, aad, ciphertext, tag));
    for (name, other) in impls::gcm_decryptions() {
        let theirs = other.gcm_decrypt(key, iv, aad, ciphertext, tag);
        if !matches!(theirs, Err(CryptoFailure::Unsupported(_))) {
            assert_eq!(
                class(&theirs),
                ours,
                "the reference's and {name}'s GCM disagree"
            );
        }
    }
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

/// A key's test name and an RSA input: what a remembered result is for.
type RsaInput = (&'static str, Vec<u8>);

thread_local! {
    static ENCRYPTED: memo::Table<(&'static str, u8, u8), Result<Vec<u8>, CryptoFailure>> =
        Default::default();
    static DECRYPTED: memo::Table<RsaInput, Option<Zeroizing<Vec<u8>>>> =
        Default::default();
    static SIGNED: memo::Table<RsaInput, Result<Vec<u8>, CryptoFailure>> =
        Default::default();
}

/// Mostly 2048 bits: a 4096-bit private-key operation in the rsa crate
/// takes some 20 ms.
fn recipient_name(choice: u8) -> &'static str {
    match choice % 32 {
        30 => "recipient3072",
        31 => "recipient4096",
        _ => "recipient",
    }
}

/// Whole JWE decryption through RSA with the bundled recipient keys: every
/// backend that decrypts JWEs agrees with the reference on the outcome
/// (same plaintext or same failure class), and only the unedited
/// RSA-OAEP-256 + 32-byte key case decrypts.
pub fn jwe_decrypt(data: &[u8]) {
    let Ok(case) = JweCase::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let recipient = test_key(recipient_name(case.recipient));
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
    // The RNG gives the content key, the IV and the OAEP seed from
    // (cek_len, scheme) alone, so the encrypted key is a function of them.
    let recipient_name = recipient_name(case.recipient);
    let encrypted = memo::remembered(
        &ENCRYPTED,
        (recipient_name, case.cek_len, case.scheme),
        || impls::raw().rsa_encrypt(recipient.public(), scheme, &cek, &mut rng),
    );
    let Ok(encrypted_key) = encrypted else {
        return;
    };
    let protected = b64::encode_url(mint::IADVIZE_JWE_HEADER.as_bytes());
    let gcm_key = if cek_len == 32 { &cek[..] } else { &CEK[..] };
    let Ok((ciphertext, tag)) =
        impls::raw().gcm_encrypt(gcm_key, &iv, protected.as_bytes(), &case.plaintext)
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
    // The reference's jwe_decrypt, its RSA step remembered per encrypted key.
    let cek = memo::remembered(
        &DECRYPTED,
        (recipient_name, parts.encrypted_key.clone()),
        || reference::rsa_decrypt(recipient, RsaScheme::OaepSha256, &parts.encrypted_key),
    );
    let expected = class(&reference::jwe_content_decrypt(
        cek.as_ref().map(|c| c.as_slice()),
        &header,
        &parts,
    ));
    let unedited = parts == original && header == protected;
    if unedited && scheme == RsaScheme::OaepSha256 && cek_len == 32 {
        assert_eq!(expected, Ok(case.plaintext.clone()), "a good JWE");
    } else {
        assert!(expected.is_err(), "a bad JWE decrypts: {parts:?}");
    }
    // Every other backend against the reference (whose answer is above).
    let others = backends_with(|c| c.jwe_decrypt)
        .into_iter()
        .filter(|b| b.id() != impls::reference().id());
    for backend in others {
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
    let signer_name = match case.signer % 32 {
        30 => "customer3072",
        31 => "customer4096",
        _ => "customer",
    };
    let signer = test_key(signer_name);
    let verifier = if case.wrong_key {
        test_key("customer2").public()
    } else {
        signer.public()
    };
    // RSASSA-PKCS1-v1_5 is deterministic: a signature remembered for this
    // key and input is the one signing would give again.
    let signed = memo::remembered(&SIGNED, (signer_name, case.input.clone()), || {
        impls::fast_producer().rs256_sign(signer, &case.input)
    });
    let Ok(signature) = signed else {
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
                if let Some(sum) = impls::add_modulus(signer.public(), &sig) {
                    sig = sum;
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
