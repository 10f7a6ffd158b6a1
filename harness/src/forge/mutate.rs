//! Negative cases: tokens made wrong on purpose, each naming the rule that
//! must fire when the harness checks it.
//!
//! A [`Mutation`] builds a whole token from a [`Recipe`] (claims, context,
//! keys): the mistake is made while building, with the library's low-level
//! builders, so a mutation of the inner JWS of an iAdvize token is still
//! wrapped in a good JWE, and a mutation of the JWE carries a good JWS. The
//! interop matrix sends every one of them to every consumer; every
//! consumer must reject every one (differential rejection).
//!
//! The cases are one table (`mutate/catalog.rs`):
//! each entry is data (id, profiles, the rule, the companion rules that
//! fire with it, a verdict when the severities do not imply it, its
//! [`Reach`]) and a small generator, and the doc comment written above it
//! is its description, the `comment` of its vector. The rule tests
//! (`tests/rules.rs`) check every entry of [`all`]; the vectors, the
//! interop matrix and the fuzzing model take [`published`] only.

use rand::RngCore;
use serde_json::{json, Map, Value};

use crate::backend::{
    self, Backend, CryptoFailure, JweParts, Primitives, RsaScheme, WithReference,
};
use crate::findings::Verdict;
use crate::forge::mint::{
    self, ContextClaims, IADVIZE_JWE_HEADER, IADVIZE_JWS_HEADER, MOVEO_JWS_HEADER,
};
use crate::jose::b64;
use crate::keys::{PrivateKey, PublicKey};
use crate::mistakes::Mistake;
use crate::profile::Profile;
use crate::rng::HarnessRng;
use crate::rules::Rule;

/// What a negative token is made from.
#[derive(Debug)]
pub struct Recipe<'a> {
    /// The profile.
    pub profile: Profile,
    /// Good claims (for moveo, without the context claims).
    pub claims: Map<String, Value>,
    /// The moveo context object (one is made up when there is none).
    pub context: Option<Value>,
    /// The moveo context's AES key length (16 or 32).
    pub aes_key_bytes: usize,
    /// Signs.
    pub customer: &'a PrivateKey,
    /// Another signer: wrong-key cases.
    pub other: &'a PrivateKey,
    /// Encrypts (the JWE, the context).
    pub recipient: &'a PublicKey,
    /// The time the token is checked at.
    pub now: i64,
    /// Randomness for keys, IVs and OAEP.
    pub rng: HarnessRng,
}

type Build = fn(&mut Recipe<'_>) -> Result<String, CryptoFailure>;

/// Where a negative case is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Everywhere: a negative vector, a negative case of the interop
    /// matrix, a choice of the fuzzing token model, and a rule test.
    Published,
    /// In the rule tests only. Promoting one to [`Reach::Published`] adds
    /// a vector and an interop case, so it goes with regenerated vectors
    /// and snapshots.
    RuleTests,
}

/// One negative case.
#[derive(Debug, Clone, Copy)]
pub struct Mutation {
    /// Namespaced id, e.g. `jwe.tag.bitflip`.
    pub id: &'static str,
    /// The profiles it applies to.
    pub profiles: &'static [Profile],
    /// The rule that must fire.
    pub rule: Rule,
    /// What is wrong, for a reader: the doc comment of its catalogue entry.
    pub what: &'static str,
    /// Other rules that legitimately fire with it (each must fire, in the
    /// profiles the rule belongs to).
    pub also: &'static [Rule],
    /// The verdict, when it is not the one the severities imply.
    pub verdict: Option<Verdict>,
    /// The implementer's mistake it is made as, which diagnosis must name
    /// as the rule's cause.
    pub cause: Option<&'static Mistake>,
    /// Where it is used.
    pub reach: Reach,
    build: Build,
}

impl Mutation {
    /// Builds the token for `recipe`.
    pub fn build(&self, recipe: &mut Recipe<'_>) -> Result<String, CryptoFailure> {
        (self.build)(recipe)
    }

    /// The case's name within a profile, e.g. `iadvize/jwe.tag.bitflip`.
    pub fn name(&self, profile: Profile) -> String {
        format!("{}/{}", profile.as_str(), self.id)
    }
}

/// Every negative case, in catalogue order: the published ones, then the
/// ones only the rule tests use.
pub fn all() -> Vec<Mutation> {
    catalog::entries()
}

/// The negative cases of the vectors, the interop matrix and the fuzzing
/// model ([`Reach::Published`]), in catalogue order: an index into them
/// means the same case from one release to the next.
pub fn published() -> Vec<Mutation> {
    all()
        .into_iter()
        .filter(|m| m.reach == Reach::Published)
        .collect()
}

const BOTH: &[Profile] = &[Profile::Iadvize, Profile::Moveo];
const IADVIZE: &[Profile] = &[Profile::Iadvize];
const MOVEO: &[Profile] = &[Profile::Moveo];

/// The catalogue's table: sections named by their [`Reach`], each entry
/// `/// description` then `"id", profiles, rule` with optional
/// `, also [rules]` and `, verdict Verdict::…`, then `;` and the generator.
macro_rules! mutations {
    (@verdict) => { None };
    (@verdict $verdict:expr) => { Some($verdict) };
    (@cause) => { None };
    (@cause $cause:expr) => { Some(&$cause) };
    ($( $reach:ident { $(
        $(#[doc = $what:literal])+
        $id:literal, $profiles:expr, $rule:expr
            $(, also [$($also:expr),+ $(,)?])? $(, verdict $verdict:expr)?
            $(, cause $cause:expr)?;
        $build:expr;
    )* } )*) => {
        /// Every entry, in table order.
        pub(super) fn entries() -> Vec<Mutation> {
            let mut entries = Vec::new();
            $( entries.extend([$( Mutation {
                id: $id,
                profiles: $profiles,
                rule: $rule,
                what: concat!($($what),+).trim_ascii(),
                also: &[$($($also),+)?],
                verdict: mutations!(@verdict $($verdict)?),
                cause: mutations!(@cause $($cause)?),
                reach: Reach::$reach,
                build: $build,
            } ),*]); )*
            entries
        }
    };
}

mod catalog;

/// Who builds the tokens: the backend whose randomness is all the
/// recipe's RNG, so a seed gives the same negative tokens everywhere.
fn producer() -> &'static dyn Backend {
    backend::reproducible()
}

/// Who signs RS256: RSASSA-PKCS1-v1_5 is deterministic, so any backend
/// gives the producer's bytes exactly, and checking's default does it an
/// order of magnitude faster than the reference (the structure-aware fuzz
/// target builds a broken token per input).
fn signer() -> &'static dyn Backend {
    backend::default_for_checking()
}

/// The producer's raw primitives (other RSA schemes, GCM of any size,
/// unpadded CBC, PS256, HMAC).
fn raw() -> WithReference<'static> {
    backend::primitives_of(producer())
}

/// Raw DEFLATE (RFC 1951, no zlib header), what `zip: DEF` means.
fn deflate(data: &[u8]) -> Result<Vec<u8>, CryptoFailure> {
    use std::io::Write;
    let mut encoder = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(data).map_err(other)?;
    encoder.finish().map_err(other)
}

fn other(e: impl std::fmt::Display) -> CryptoFailure {
    CryptoFailure::Other(e.to_string())
}

/// The profile's JWS header with another alg.
fn header(m: &Recipe<'_>, alg: &str) -> String {
    let base = match m.profile {
        Profile::Iadvize => IADVIZE_JWS_HEADER,
        Profile::Moveo => MOVEO_JWS_HEADER,
    };
    base.replacen("RS256", alg, 1)
}

/// Makes the last character of the last segment non-canonical (unused
/// low bits set) while decoding to the same bytes.
fn non_canonical_tail(token: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut bytes = token.as_bytes().to_vec();
    let last_len = token.rsplit('.').next().map_or(0, str::len);
    let unused = match last_len % 4 {
        2 => 4,
        3 => 2,
        _ => 0,
    };
    if let Some(last) = bytes.last_mut() {
        if let Some(pos) = ALPHABET.iter().position(|c| c == last) {
            if unused > 0 {
                *last = ALPHABET[pos | 1];
            }
        }
    }
    String::from_utf8(bytes).unwrap_or_default()
}

/// Choices for a hand-made moveo context.
struct ContextMaking {
    scheme: RsaScheme,
    key_len: usize,
    iv_len: usize,
    for_other: bool,
    url_alphabet: bool,
    drop_iv: bool,
    /// Pads the plaintext to whole blocks (PKCS#7 unless changed).
    pad: fn(&[u8]) -> Vec<u8>,
    padding_last: Option<u8>,
    padding_inconsistent: bool,
    plaintext: Option<Vec<u8>>,
    /// The key sent as this text of its bytes instead of the bytes.
    key_text: Option<SecretText>,
    /// The IV sent as this text of its bytes instead of the bytes.
    iv_text: Option<SecretText>,
    iv_zero: bool,
    /// This AES key instead of random bytes (a sample's, a password).
    key: Option<&'static [u8]>,
    /// This IV instead of random bytes.
    iv: Option<&'static [u8]>,
    drop_key: bool,
    /// Edits the CBC ciphertext before it is encoded.
    ciphertext: fn(&mut Vec<u8>),
    /// Encrypts each block alone (ECB), ignoring the IV.
    ecb: bool,
    /// Sends the key in init_vector and the IV in encryption_key.
    swap: bool,
    /// Writes the IV in front of the ciphertext.
    iv_prepended: bool,
    /// Encrypts under the key's text (see `key_text`) cut or zero-padded
    /// to the key's length, as PHP's openssl_encrypt does.
    cipher_key_from_text: bool,
    /// Edits the three claims' texts once encoded.
    texts: fn(&mut ContextClaims),
}

/// A text form of a secret's bytes, sent by mistake instead of them.
#[derive(Clone, Copy)]
enum SecretText {
    /// Standard base64 (Node's `Buffer.from(key.toString('base64'))`).
    Base64,
    /// Lowercase hex (`key.toString('hex')`).
    Hex,
}

impl SecretText {
    fn of(self, secret: &[u8]) -> Vec<u8> {
        match self {
            SecretText::Base64 => b64::encode_std(secret).into_bytes(),
            SecretText::Hex => secret
                .iter()
                .flat_map(|b| format!("{b:02x}").into_bytes())
                .collect(),
        }
    }
}

impl Recipe<'_> {
    /// The claims that get signed: moveo's with a good context.
    fn signed_claims(&mut self) -> Result<Map<String, Value>, CryptoFailure> {
        let mut claims = self.claims.clone();
        if self.profile == Profile::Moveo {
            let context = self.context_object();
            let plaintext = serde_json::to_vec(&context).map_err(other)?;
            mint::context(
                producer(),
                self.recipient,
                &plaintext,
                self.aes_key_bytes,
                &mut self.rng,
            )?
            .insert_into(&mut claims);
        }
        Ok(claims)
    }

    fn context_object(&self) -> Value {
        self.context
            .clone()
            .unwrap_or_else(|| json!({"plan": "gold", "language": "en"}))
    }

    /// A good JWS of the profile (moveo's whole token, iAdvize's inner one).
    fn good_jws(&mut self) -> Result<String, CryptoFailure> {
        let claims = self.signed_claims()?;
        let h = header(self, "RS256");
        let payload = serde_json::to_vec(&claims).map_err(other)?;
        mint::jws_rs256(signer(), self.customer, h.as_bytes(), &payload)
    }

    /// A good token of the profile (with the recipe's claims as edited).
    fn good(&mut self) -> Result<String, CryptoFailure> {
        let jws = self.good_jws()?;
        self.wrap(&jws)
    }

    /// iAdvize: the JWS in a good JWE; moveo: the JWS itself.
    fn wrap(&mut self, jws: &str) -> Result<String, CryptoFailure> {
        match self.profile {
            Profile::Moveo => Ok(jws.to_owned()),
            Profile::Iadvize => mint::jwe(
                producer(),
                self.recipient,
                IADVIZE_JWE_HEADER.as_bytes(),
                jws.as_bytes(),
                &mut self.rng,
            ),
        }
    }

    /// A JWS with this header and a signature from `sign` over the
    /// signing input, wrapped for the profile.
    fn jws_with(
        &mut self,
        header: &str,
        sign: impl FnOnce(&mut HarnessRng, &[u8]) -> Result<Vec<u8>, CryptoFailure>,
    ) -> Result<String, CryptoFailure> {
        let claims = self.signed_claims()?;
        let payload = serde_json::to_vec(&claims).map_err(other)?;
        let input = mint::signing_input(header.as_bytes(), &payload);
        let signature = sign(&mut self.rng, input.as_bytes())?;
        let jws = mint::jws_with_signature(&input, &signature);
        self.wrap(&jws)
    }

    /// An unsigned JWS under `alg` (none in some casing).
    fn unsigned(&mut self, alg: &str) -> Result<String, CryptoFailure> {
        let h = header(self, alg);
        self.jws_with(&h, |_, _| Ok(Vec::new()))
    }

    /// An HMAC under `alg` keyed with the customer's public key PEM: what a
    /// receiver that lets the header choose the algorithm would verify.
    fn keyed_with_public_key(&mut self, alg: &str) -> Result<String, CryptoFailure> {
        let pem = self.customer.public().spki_pem();
        let h = header(self, alg);
        self.jws_with(&h, move |_, input| raw().hmac(alg, pem.as_bytes(), input))
    }

    /// A JWS under this header with a real RS256 signature by the customer.
    fn signed_with_header(&mut self, header: &str) -> Result<String, CryptoFailure> {
        let key = self.customer.clone();
        self.jws_with(header, move |_, input| signer().rs256_sign(&key, input))
    }

    /// A JWS of these payload bytes, correctly signed, wrapped for the
    /// profile.
    fn signed_payload(&mut self, payload: &[u8]) -> Result<String, CryptoFailure> {
        let h = header(self, "RS256");
        let jws = mint::jws_rs256(signer(), self.customer, h.as_bytes(), payload)?;
        self.wrap(&jws)
    }

    /// A correctly signed JWS whose header has one more member.
    fn jws_header_member(&mut self, name: &str, value: Value) -> Result<String, CryptoFailure> {
        let mut h =
            serde_json::from_str::<Map<String, Value>>(&header(self, "RS256")).unwrap_or_default();
        h.insert(name.into(), value);
        self.signed_with_header(&Value::Object(h).to_string())
    }

    /// A JWS of the claims, edited by `edit` (moveo's with a good
    /// context), correctly signed and wrapped for the profile.
    fn signed_claims_edited(
        &mut self,
        edit: impl FnOnce(&mut Map<String, Value>),
    ) -> Result<String, CryptoFailure> {
        let mut claims = self.signed_claims()?;
        edit(&mut claims);
        let payload = serde_json::to_vec(&claims).map_err(other)?;
        self.signed_payload(&payload)
    }

    /// A good JWS whose encoded header and claims texts are edited, then
    /// signed as edited: the signature covers the text as sent, so only
    /// the edit can be at fault.
    fn signed_over(
        &mut self,
        edit: impl FnOnce(&mut String, &mut String) -> Result<(), CryptoFailure>,
    ) -> Result<String, CryptoFailure> {
        let claims = self.signed_claims()?;
        let mut head = b64::encode_url(header(self, "RS256").as_bytes());
        let mut payload = b64::encode_url(&serde_json::to_vec(&claims).map_err(other)?);
        edit(&mut head, &mut payload)?;
        let input = format!("{head}.{payload}");
        let signature = signer().rs256_sign(self.customer, input.as_bytes())?;
        let jws = mint::jws_with_signature(&input, &signature);
        self.wrap(&jws)
    }

    /// A good JWS with the text of its signature segment edited, wrapped
    /// for the profile.
    fn signature_text(&mut self, edit: impl FnOnce(&mut String)) -> Result<String, CryptoFailure> {
        let jws = self.good_jws()?;
        let (input, signature) = jws.rsplit_once('.').unwrap_or((&jws, ""));
        let mut signature = signature.to_owned();
        edit(&mut signature);
        self.wrap(&format!("{input}.{signature}"))
    }

    /// A good iAdvize JWE (RSA-OAEP-256, A256GCM) of any plaintext under
    /// any header.
    fn jwe_of(&mut self, header: &str, plaintext: &[u8]) -> Result<String, CryptoFailure> {
        mint::jwe(
            producer(),
            self.recipient,
            header.as_bytes(),
            plaintext,
            &mut self.rng,
        )
    }

    /// Fresh random bytes.
    fn random(&mut self, len: usize) -> Vec<u8> {
        let mut bytes = vec![0u8; len];
        self.rng.fill_bytes(&mut bytes);
        bytes
    }

    /// A JWE under another header, key transport and CEK size, its parts
    /// then edited.
    fn jwe_custom(
        &mut self,
        header: &str,
        scheme: RsaScheme,
        cek_len: usize,
        edit: impl FnOnce(&mut JweParts),
    ) -> Result<String, CryptoFailure> {
        let jws = self.good_jws()?;
        let protected = b64::encode_url(header.as_bytes());
        let mut parts = backend::jwe_parts_with(
            &raw(),
            self.recipient,
            scheme,
            cek_len,
            &protected,
            jws.as_bytes(),
            &mut self.rng,
        )?;
        edit(&mut parts);
        Ok(mint::jwe_compact(&protected, &parts))
    }

    /// A good JWS with its decoded segments edited (index 3 is the
    /// signature; 1 and 2 the header and payload), wrapped for the profile.
    fn jws_edited(
        &mut self,
        edit: impl FnOnce(&mut [Option<Vec<u8>>; 4]) -> Option<()>,
    ) -> Result<String, CryptoFailure> {
        let jws = self.good_jws()?;
        let mut segments: [Option<Vec<u8>>; 4] = [None, None, None, None];
        for (slot, text) in segments.iter_mut().skip(1).zip(jws.split('.')) {
            *slot = b64::decode_url_strict(text).ok();
        }
        edit(&mut segments);
        let [_, h, p, s] = segments;
        let text = |b: Option<Vec<u8>>| b.map(|b| b64::encode_url(&b)).unwrap_or_default();
        let edited = format!("{}.{}.{}", text(h), text(p), text(s));
        self.wrap(&edited)
    }

    /// A good iAdvize JWE with its parts edited, and optionally its
    /// protected header replaced after encryption.
    fn jwe_edited(
        &mut self,
        edit: impl FnOnce(&mut JweParts),
        header_after: Option<&str>,
    ) -> Result<String, CryptoFailure> {
        let jws = self.good_jws()?;
        let protected = b64::encode_url(IADVIZE_JWE_HEADER.as_bytes());
        let mut parts =
            producer().jwe_encrypt(self.recipient, &protected, jws.as_bytes(), &mut self.rng)?;
        edit(&mut parts);
        let protected = header_after.map_or(protected, |h| b64::encode_url(h.as_bytes()));
        Ok(mint::jwe_compact(&protected, &parts))
    }

    /// A well-made JWE (RSA-OAEP-256, a 32-byte CEK, a valid GCM tag) of a
    /// good JWS transformed by `transform`, under `header`, with an IV of
    /// `iv_len` bytes: the token's only faults are the ones asked for, so a
    /// receiver that rejects it for a broken tag or stream shows nothing.
    fn jwe_transformed(
        &mut self,
        header: &str,
        iv_len: usize,
        transform: impl FnOnce(&[u8]) -> Result<Vec<u8>, CryptoFailure>,
    ) -> Result<String, CryptoFailure> {
        self.jwe_transformed_iv(header, iv_len, false, transform)
    }

    /// [`Self::jwe_transformed`], with an all-zero IV when `zero_iv`.
    fn jwe_transformed_iv(
        &mut self,
        header: &str,
        iv_len: usize,
        zero_iv: bool,
        transform: impl FnOnce(&[u8]) -> Result<Vec<u8>, CryptoFailure>,
    ) -> Result<String, CryptoFailure> {
        let jws = self.good_jws()?;
        let plaintext = transform(jws.as_bytes())?;
        let protected = b64::encode_url(header.as_bytes());
        let mut cek = zeroize::Zeroizing::new([0u8; 32]);
        self.rng.fill_bytes(cek.as_mut());
        let mut iv = vec![0u8; iv_len];
        self.rng.fill_bytes(&mut iv);
        if zero_iv {
            iv.fill(0);
        }
        let encrypted_key = raw().rsa_encrypt(
            self.recipient,
            RsaScheme::OaepSha256,
            cek.as_ref(),
            &mut self.rng,
        )?;
        let (ciphertext, tag) =
            raw().gcm_encrypt(cek.as_ref(), &iv, protected.as_bytes(), &plaintext)?;
        let parts = JweParts {
            encrypted_key,
            iv,
            ciphertext,
            tag,
        };
        Ok(mint::jwe_compact(&protected, &parts))
    }

    /// A JWE under another header, key transport and CEK size.
    fn jwe_made(
        &mut self,
        header: &str,
        scheme: RsaScheme,
        cek_len: usize,
    ) -> Result<String, CryptoFailure> {
        self.jwe_custom(header, scheme, cek_len, |_| {})
    }

    /// A moveo token whose context is made by hand with `choose`'s changes.
    fn context_with(
        &mut self,
        choose: impl FnOnce(&mut ContextMaking),
    ) -> Result<String, CryptoFailure> {
        let mut making = ContextMaking {
            scheme: RsaScheme::OaepSha256,
            key_len: self.aes_key_bytes,
            iv_len: 16,
            for_other: false,
            url_alphabet: false,
            drop_iv: false,
            pad: crate::padding::pad,
            padding_last: None,
            padding_inconsistent: false,
            plaintext: None,
            key_text: None,
            iv_text: None,
            iv_zero: false,
            key: None,
            iv: None,
            drop_key: false,
            ciphertext: |_| {},
            texts: |_| {},
            ecb: false,
            swap: false,
            iv_prepended: false,
            cipher_key_from_text: false,
        };
        choose(&mut making);
        let plaintext = match making.plaintext.take() {
            Some(p) => p,
            None => serde_json::to_vec(&self.context_object()).map_err(other)?,
        };
        let mut key = vec![0u8; making.key_len];
        self.rng.fill_bytes(&mut key);
        let mut iv = vec![0u8; making.iv_len];
        if !making.iv_zero {
            self.rng.fill_bytes(&mut iv);
        }
        // Random bytes are drawn all the same: the cases after this one
        // get the same randomness whatever this one chose.
        if let Some(fixed) = making.key {
            key = fixed.to_vec();
        }
        if let Some(fixed) = making.iv {
            iv = fixed.to_vec();
        }
        let mut padded = (making.pad)(&plaintext);
        let n = padded.len();
        if let Some(last) = making.padding_last {
            padded[n - 1] = last;
        }
        if making.padding_inconsistent {
            // Whatever the padding length, make it claim 3 with a 2 inside.
            padded[n - 1] = 3;
            padded[n - 2] = 2;
            padded[n - 3] = 3;
        }
        // The reference CBC takes only AES-128/256 keys and 16-byte IVs:
        // with other sizes, encrypt under a right-sized key (the receiver
        // must stop at the length check anyway).
        let cbc_key = if matches!(key.len(), 16 | 32) {
            key.clone()
        } else {
            vec![7; 32]
        };
        let cbc_iv = if iv.len() == 16 {
            iv.clone()
        } else {
            vec![9; 16]
        };
        let cbc_key = match (making.cipher_key_from_text, making.key_text) {
            (true, Some(text)) => {
                let mut k = text.of(&key);
                k.resize(cbc_key.len(), 0);
                k
            }
            _ => cbc_key,
        };
        let mut ciphertext = if making.ecb {
            let mut out = Vec::with_capacity(padded.len());
            for block in padded.chunks(16) {
                out.extend(raw().cbc_encrypt_raw(&cbc_key, &[0; 16], block)?);
            }
            out
        } else {
            raw().cbc_encrypt_raw(&cbc_key, &cbc_iv, &padded)?
        };
        if making.iv_prepended {
            ciphertext.splice(0..0, cbc_iv.iter().copied());
        }
        (making.ciphertext)(&mut ciphertext);
        let target = if making.for_other {
            self.other.public()
        } else {
            self.recipient
        };
        let sent_key = making.key_text.map_or_else(|| key.clone(), |t| t.of(&key));
        let sent_iv = making.iv_text.map_or_else(|| iv.clone(), |t| t.of(&iv));
        let (sent_key, sent_iv) = if making.swap {
            (sent_iv, sent_key)
        } else {
            (sent_key, sent_iv)
        };
        let encrypted_key = raw().rsa_encrypt(target, making.scheme, &sent_key, &mut self.rng)?;
        let encrypted_iv = raw().rsa_encrypt(target, making.scheme, &sent_iv, &mut self.rng)?;
        let mut context = ContextClaims {
            context: b64::encode_std(&ciphertext),
            encryption_key: b64::encode_std(&encrypted_key),
            init_vector: b64::encode_std(&encrypted_iv),
        };
        if making.url_alphabet {
            context.context = b64::encode_url(&ciphertext);
            if !context.context.contains(['-', '_']) {
                // Make sure the alphabet shows: a ciphertext whose
                // base64 has no `+` or `/` is the same in both.
                context.context.push('_');
            }
        }
        (making.texts)(&mut context);
        let mut claims = self.claims.clone();
        context.insert_into(&mut claims);
        if making.drop_iv {
            claims.remove("init_vector");
        }
        if making.drop_key {
            claims.remove("encryption_key");
        }
        let payload = serde_json::to_vec(&claims).map_err(other)?;
        mint::jws_rs256(
            signer(),
            self.customer,
            MOVEO_JWS_HEADER.as_bytes(),
            &payload,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_namespaced() {
        let mut ids: Vec<_> = all().iter().map(|m| m.id).collect();
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), n, "duplicate mutation ids");
        assert!(ids.iter().all(|id| id.contains('.')), "{ids:?}");
    }

    /// The builders the entries make their mistakes with give clean
    /// tokens when asked for none, so an entry's findings come from its
    /// one mistake.
    #[test]
    fn unmutated_builders_give_clean_tokens() {
        use crate::check::{check, CheckOptions};
        use crate::findings::Verdict;
        use crate::rules::Severity;
        let key = |name| {
            &crate::testkeys::named(name)
                .expect("a bundled test key")
                .key
        };
        let (customer, other, recipient) = (key("customer"), key("customer2"), key("recipient"));
        let now = 1_700_000_000;
        let both: [(&str, Build); 7] = [
            ("good", |m| m.good()),
            ("signed_with_header", |m| {
                let h = header(m, "RS256");
                m.signed_with_header(&h)
            }),
            ("signed_claims_edited", |m| m.signed_claims_edited(|_| {})),
            ("signed_over", |m| m.signed_over(|_, _| Ok(()))),
            ("signature_text", |m| m.signature_text(|_| {})),
            ("jws_edited", |m| m.jws_edited(|_| Some(()))),
            ("jws_header_member", |m| {
                m.jws_header_member("typ", json!("JWT"))
            }),
        ];
        let iadvize: [(&str, Build); 5] = [
            ("jwe_edited", |m| m.jwe_edited(|_| {}, None)),
            ("jwe_made", |m| {
                m.jwe_made(IADVIZE_JWE_HEADER, RsaScheme::OaepSha256, 32)
            }),
            ("jwe_custom", |m| {
                m.jwe_custom(IADVIZE_JWE_HEADER, RsaScheme::OaepSha256, 32, |_| {})
            }),
            ("jwe_transformed", |m| {
                m.jwe_transformed(IADVIZE_JWE_HEADER, 12, |jws| Ok(jws.to_vec()))
            }),
            ("jwe_of", |m| {
                let jws = m.good_jws()?;
                m.jwe_of(IADVIZE_JWE_HEADER, jws.as_bytes())
            }),
        ];
        let moveo: [(&str, Build); 2] = [
            ("context_with", |m| m.context_with(|_| {})),
            ("context_with AES-128", |m| {
                m.context_with(|c| c.key_len = 16)
            }),
        ];
        for profile in Profile::ALL {
            let own: &[(&str, Build)] = match profile {
                Profile::Iadvize => &iadvize,
                Profile::Moveo => &moveo,
            };
            for (name, build) in both.iter().chain(own) {
                let mut recipe = Recipe {
                    profile,
                    claims: mint::default_claims(profile, now, 60, "user-1"),
                    context: None,
                    aes_key_bytes: 32,
                    customer,
                    other,
                    recipient: recipient.public(),
                    now,
                    rng: HarnessRng::from_seed(7),
                };
                let token = build(&mut recipe).expect("builds");
                let report = check(
                    &token,
                    &CheckOptions {
                        profile,
                        verify_key: Some(customer.public()),
                        decrypt_key: Some(recipient),
                        now,
                        limits: crate::jose::Limits::default(),
                        backend: producer(),
                    },
                );
                let serious: Vec<_> = report
                    .findings
                    .iter()
                    // Every token here uses the TEST keys, and says so.
                    .filter(|f| {
                        f.severity != Severity::Info && f.id != crate::rules::KEY_TEST_KEY.id
                    })
                    .map(|f| f.id)
                    .collect();
                assert!(
                    serious.is_empty() && report.verdict == Verdict::Pass,
                    "{} {name}: {serious:?}, {:?}",
                    profile.as_str(),
                    report.verdict
                );
            }
        }
    }

    #[test]
    fn non_canonical_tail_changes_only_unused_bits() {
        let token = "a.b.QUI"; // "AB": 3 chars, 2 unused bits
        let edited = non_canonical_tail(token);
        assert_ne!(edited, token);
        let last = edited.rsplit('.').next().unwrap_or_default();
        assert_eq!(
            b64::decode(last, b64::Dialect::Url).bytes.as_deref(),
            Some(&b"AB"[..])
        );
    }
}
