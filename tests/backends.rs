//! Every backend against every other: what one produces, each of the
//! others accepts, and for the same bad input each fails with the same
//! [`CryptoFailure`] class as the reference.
//!
//! RS256 (PKCS#1 v1.5) and AES-CBC are deterministic, and JWE content
//! encryption is too once the content key and IV are drawn from the same
//! seeded RNG, so producers are also checked to make the very same bytes.

use jose_harness::backend::reference::{self, RsaScheme};
use jose_harness::backend::{self, Backend, Capabilities, CryptoFailure, JweParts};
use jose_harness::keys::{self, PrivateKey};
use jose_harness::padding::PaddingFlaw;
use jose_harness_tests::*;
use rand::RngCore;

/// A JWS signing input (RS256 header, small payload).
const SIGNING_INPUT: &[u8] = b"eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTEifQ";

/// A JWE protected header, encoded: the AAD.
const PROTECTED: &str = "eyJhbGciOiJSU0EtT0FFUC0yNTYiLCJlbmMiOiJBMjU2R0NNIiwiY3R5IjoiSldUIn0";

/// The plaintext lengths of the context round trips: under, at and over a
/// block, and many blocks.
const CONTEXT_LENGTHS: [usize; 5] = [1, 15, 16, 17, 5000];

/// The ids of the backends that have `needs`, in registration order.
fn ids(needs: impl Fn(&Capabilities) -> bool) -> Vec<&'static str> {
    backend::all()
        .into_iter()
        .filter(|b| needs(&b.capabilities()))
        .map(|b| b.id())
        .collect()
}

/// A failure's class, comparable across backends: `Ok`, the variant for
/// [`CryptoFailure::Other`] (whose message is the library's own), and the
/// whole value otherwise.
fn class<T>(result: &Result<T, CryptoFailure>) -> String {
    match result {
        Ok(_) => "Ok".into(),
        Err(CryptoFailure::Other(_)) => "Other".into(),
        Err(failure) => format!("{failure:?}"),
    }
}

/// `bytes` with one bit flipped.
fn flip(bytes: &[u8], index: usize, bit: u8) -> Vec<u8> {
    let mut out = bytes.to_vec();
    out[index] ^= 1 << bit;
    out
}

/// `n` bytes of a recognisable pattern.
fn pattern(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i * 7 + 3) as u8).collect()
}

#[test]
fn the_expected_backends_take_part_in_each_layer() {
    assert_eq!(
        ids(|c| c.rs256_sign),
        ["reference", "josekit", "jsonwebtoken", "openssl"]
    );
    assert_eq!(
        ids(|c| c.rs256_verify),
        ["reference", "josekit", "jsonwebtoken", "openssl"]
    );
    assert_eq!(ids(|c| c.jwe_encrypt), ["reference", "josekit", "openssl"]);
    assert_eq!(ids(|c| c.jwe_decrypt), ["reference", "josekit", "openssl"]);
    assert_eq!(ids(|c| c.context_encrypt), ["reference", "openssl"]);
    assert_eq!(ids(|c| c.context_decrypt), ["reference", "openssl"]);
}

#[test]
fn every_backend_names_its_library_and_version() {
    for b in backend::all() {
        let library = b.library();
        assert!(
            !library.contains("unknown"),
            "{}: version not found in Cargo.lock: {library}",
            b.id()
        );
        let (name, openssl) = match b.id() {
            "reference" => ("RustCrypto rsa 0.9.", false),
            "josekit" => ("josekit 0.10.", true),
            "jsonwebtoken" => ("jsonwebtoken 11.", false),
            "openssl" => ("openssl 0.10.", true),
            other => panic!("no expectation for backend {other}"),
        };
        assert!(library.starts_with(name), "{}: {library}", b.id());
        assert_eq!(
            library.contains("(OpenSSL 3."),
            openssl,
            "{}: whether it names the OpenSSL release: {library}",
            b.id()
        );
    }
}

#[test]
fn operations_a_backend_does_not_declare_are_unsupported() {
    let k = keys();
    let aes_key = [7u8; 16];
    let iv = [9u8; 16];
    let good_context = reference()
        .aes_cbc_encrypt(&aes_key, &iv, b"{}")
        .expect("reference CBC");
    let good_jwe = reference()
        .jwe_encrypt(k.recipient.public(), PROTECTED, b"x", &mut rng())
        .expect("reference JWE");
    let wrapped = reference()
        .rsa_oaep256_encrypt(k.recipient.public(), &aes_key, &mut rng())
        .expect("reference OAEP");
    let signature = reference()
        .rs256_sign(&k.customer, SIGNING_INPUT)
        .expect("reference RS256");
    for b in backend::all() {
        let caps = b.capabilities();
        let outcomes = [
            (
                "rs256_sign",
                caps.rs256_sign,
                class(&b.rs256_sign(&k.customer, SIGNING_INPUT)),
            ),
            (
                "rs256_verify",
                caps.rs256_verify,
                class(&b.rs256_verify(k.customer.public(), SIGNING_INPUT, &signature)),
            ),
            (
                "jwe_encrypt",
                caps.jwe_encrypt,
                class(&b.jwe_encrypt(k.recipient.public(), PROTECTED, b"x", &mut rng())),
            ),
            (
                "jwe_decrypt",
                caps.jwe_decrypt,
                class(&b.jwe_decrypt(&k.recipient, PROTECTED, &good_jwe)),
            ),
            (
                "rsa_oaep256_encrypt",
                caps.context_encrypt,
                class(&b.rsa_oaep256_encrypt(k.recipient.public(), &aes_key, &mut rng())),
            ),
            (
                "rsa_oaep256_decrypt",
                caps.context_decrypt,
                class(&b.rsa_oaep256_decrypt(&k.recipient, &wrapped)),
            ),
            (
                "aes_cbc_encrypt",
                caps.context_encrypt,
                class(&b.aes_cbc_encrypt(&aes_key, &iv, b"{}")),
            ),
            (
                "aes_cbc_decrypt",
                caps.context_decrypt,
                class(&b.aes_cbc_decrypt(&aes_key, &iv, &good_context)),
            ),
        ];
        for (op, declared, outcome) in outcomes {
            if declared {
                assert_eq!(outcome, "Ok", "{}: {op} is declared", b.id());
            } else {
                assert!(
                    outcome.starts_with("Unsupported("),
                    "{}: {op} is not declared but gave {outcome}",
                    b.id()
                );
            }
        }
    }
}

// ---- RS256 ---------------------------------------------------------------

#[test]
fn rs256_every_signer_verifies_on_every_verifier_at_2048_3072_and_4096_bits() {
    let signers = [
        keys().customer.clone(),
        private("customer3072"),
        private("customer4096"),
    ];
    let mut runs = 0;
    for key in &signers {
        let bits = key.public().bits();
        let expected = reference()
            .rs256_sign(key, SIGNING_INPUT)
            .expect("reference signs");
        for_each_backend!(|signer| |c: &Capabilities| c.rs256_sign, {
            let signature = signer
                .rs256_sign(key, SIGNING_INPUT)
                .unwrap_or_else(|e| panic!("{} cannot sign with {bits} bits: {e}", signer.id()));
            assert_eq!(
                signature,
                expected,
                "{} and reference: RS256 is deterministic, the signatures must be equal ({bits} bits)",
                signer.id()
            );
            for_each_backend!(|verifier| |c: &Capabilities| c.rs256_verify, {
                assert_eq!(
                    verifier.rs256_verify(key.public(), SIGNING_INPUT, &signature),
                    Ok(()),
                    "{} → {} ({bits} bits)",
                    signer.id(),
                    verifier.id()
                );
                runs += 1;
            });
        });
    }
    assert_eq!(runs, 3 * 4 * 4, "3 key sizes × 4 signers × 4 verifiers");
}

#[test]
fn rs256_empty_signing_input_signs_and_verifies_across_every_pair() {
    let key = &keys().customer;
    let mut runs = 0;
    for_each_backend!(|signer| |c: &Capabilities| c.rs256_sign, {
        let signature = signer
            .rs256_sign(key, b"")
            .unwrap_or_else(|e| panic!("{}: {e}", signer.id()));
        for_each_backend!(|verifier| |c: &Capabilities| c.rs256_verify, {
            assert_eq!(
                verifier.rs256_verify(key.public(), b"", &signature),
                Ok(()),
                "{} → {}",
                signer.id(),
                verifier.id()
            );
            runs += 1;
        });
    });
    assert_eq!(runs, 4 * 4);
}

#[test]
fn rs256_bad_signatures_are_bad_signature_on_every_verifier() {
    let k = keys();
    let big = private("customer4096");
    let mut runs = 0;
    for key in [&k.customer, &big] {
        let public = key.public();
        let size = public.size();
        for_each_backend!(|signer| |c: &Capabilities| c.rs256_sign, {
            let good = signer.rs256_sign(key, SIGNING_INPUT).expect("signs");
            let mut longer = good.clone();
            longer.push(0);
            let cases: Vec<(&str, &keys::PublicKey, &[u8], Vec<u8>)> = vec![
                (
                    "first bit flipped",
                    public,
                    SIGNING_INPUT,
                    flip(&good, 0, 7),
                ),
                (
                    "middle bit flipped",
                    public,
                    SIGNING_INPUT,
                    flip(&good, size / 2, 3),
                ),
                (
                    "last bit flipped",
                    public,
                    SIGNING_INPUT,
                    flip(&good, size - 1, 0),
                ),
                (
                    "signing input changed",
                    public,
                    &b"eyJhbGciOiJSUzI1NiJ9.e30"[..],
                    good.clone(),
                ),
                (
                    "wrong public key",
                    k.customer2.public(),
                    SIGNING_INPUT,
                    good.clone(),
                ),
                (
                    "one byte longer than the modulus",
                    public,
                    SIGNING_INPUT,
                    longer,
                ),
                (
                    "twice the modulus",
                    public,
                    SIGNING_INPUT,
                    [good.clone(), good.clone()].concat(),
                ),
                ("one byte short", public, SIGNING_INPUT, good[1..].to_vec()),
                ("empty", public, SIGNING_INPUT, Vec::new()),
                ("all zero", public, SIGNING_INPUT, vec![0; size]),
                (
                    "all 0xff (over the modulus)",
                    public,
                    SIGNING_INPUT,
                    vec![0xff; size],
                ),
            ];
            for (what, verify_key, input, signature) in &cases {
                let want = reference().rs256_verify(verify_key, input, signature);
                assert_eq!(
                    want,
                    Err(CryptoFailure::BadSignature),
                    "reference, {what}, signed by {} ({} bits)",
                    signer.id(),
                    public.bits()
                );
                for_each_backend!(|verifier| |c: &Capabilities| c.rs256_verify, {
                    assert_eq!(
                        verifier.rs256_verify(verify_key, input, signature),
                        want,
                        "{} → {}: {what} ({} bits)",
                        signer.id(),
                        verifier.id(),
                        public.bits()
                    );
                    runs += 1;
                });
            }
        });
    }
    assert_eq!(runs, 2 * 4 * 11 * 4);
}

// ---- JWE -----------------------------------------------------------------

#[test]
fn jwe_every_encryptor_decrypts_on_every_decryptor() {
    let recipients = [
        keys().recipient.clone(),
        private("recipient3072"),
        private("recipient4096"),
    ];
    let plaintexts = [Vec::new(), pattern(1), pattern(5000)];
    let mut runs = 0;
    for key in &recipients {
        let bits = key.public().bits();
        for plaintext in &plaintexts {
            let expected = reference()
                .jwe_encrypt(key.public(), PROTECTED, plaintext, &mut rng())
                .expect("reference encrypts");
            for_each_backend!(|encryptor| |c: &Capabilities| c.jwe_encrypt, {
                let label = format!(
                    "{} ({bits} bits, {} bytes)",
                    encryptor.id(),
                    plaintext.len()
                );
                let parts = encryptor
                    .jwe_encrypt(key.public(), PROTECTED, plaintext, &mut rng())
                    .unwrap_or_else(|e| panic!("{label}: {e}"));
                assert_eq!(parts.encrypted_key.len(), key.public().size(), "{label}");
                // The same seed draws the same content key and IV, so the
                // content encryption must give the reference's bytes.
                assert_eq!(parts.iv, expected.iv, "{label} vs reference: IV");
                assert_eq!(
                    parts.ciphertext, expected.ciphertext,
                    "{label} vs reference: ciphertext"
                );
                assert_eq!(parts.tag, expected.tag, "{label} vs reference: tag");
                for_each_backend!(|decryptor| |c: &Capabilities| c.jwe_decrypt, {
                    let got = decryptor
                        .jwe_decrypt(key, PROTECTED, &parts)
                        .unwrap_or_else(|e| panic!("{} → {}: {e}", label, decryptor.id()));
                    assert_eq!(
                        got.as_slice(),
                        plaintext.as_slice(),
                        "{} → {}",
                        label,
                        decryptor.id()
                    );
                    runs += 1;
                });
            });
        }
    }
    assert_eq!(
        runs,
        3 * 3 * 3 * 3,
        "3 keys × 3 plaintexts × 3 encryptors × 3 decryptors"
    );
}

/// A bad JWE: what is wrong, the key it is decrypted with, the protected
/// header given as AAD, its parts, and the class the reference gives.
struct BadJwe {
    what: &'static str,
    key: PrivateKey,
    protected: &'static str,
    parts: JweParts,
    expected: CryptoFailure,
}

fn bad_jwes(good: &JweParts) -> Vec<BadJwe> {
    let k = keys();
    let recipient = &k.recipient;
    let with = |what, change: &dyn Fn(&mut JweParts), expected| {
        let mut parts = good.clone();
        change(&mut parts);
        BadJwe {
            what,
            key: recipient.clone(),
            protected: PROTECTED,
            parts,
            expected,
        }
    };
    let with_cek = |what, scheme, cek_len, expected| BadJwe {
        what,
        key: recipient.clone(),
        protected: PROTECTED,
        parts: reference::jwe_encrypt_with(
            recipient.public(),
            scheme,
            cek_len,
            PROTECTED,
            b"{}",
            &mut rng(),
        )
        .expect("reference builds the JWE"),
        expected,
    };
    let size = recipient.public().size();
    vec![
        BadJwe {
            what: "wrong RSA key",
            key: k.customer2.clone(),
            protected: PROTECTED,
            parts: good.clone(),
            expected: CryptoFailure::RsaDecrypt,
        },
        with(
            "encrypted key with a bit flipped",
            &|p| p.encrypted_key = flip(&p.encrypted_key, size / 2, 1),
            CryptoFailure::RsaDecrypt,
        ),
        with(
            "encrypted key one byte short",
            &|p| {
                p.encrypted_key.pop();
            },
            CryptoFailure::RsaDecrypt,
        ),
        with(
            "encrypted key one byte long",
            &|p| p.encrypted_key.push(0),
            CryptoFailure::RsaDecrypt,
        ),
        with(
            "empty encrypted key",
            &|p| p.encrypted_key.clear(),
            CryptoFailure::RsaDecrypt,
        ),
        with_cek(
            "content key wrapped with RSA-OAEP (SHA-1)",
            RsaScheme::OaepSha1,
            32,
            CryptoFailure::RsaDecrypt,
        ),
        with_cek(
            "content key wrapped with PKCS#1 v1.5",
            RsaScheme::Pkcs1v15,
            32,
            CryptoFailure::RsaDecrypt,
        ),
        with_cek(
            "24-byte content key",
            RsaScheme::OaepSha256,
            24,
            CryptoFailure::KeyLength(24),
        ),
        with_cek(
            "16-byte content key",
            RsaScheme::OaepSha256,
            16,
            CryptoFailure::KeyLength(16),
        ),
        with(
            "tag with a bit flipped",
            &|p| p.tag = flip(&p.tag, 15, 7),
            CryptoFailure::Integrity,
        ),
        with(
            "ciphertext with a bit flipped",
            &|p| p.ciphertext = flip(&p.ciphertext, 0, 0),
            CryptoFailure::Integrity,
        ),
        with(
            "IV with a bit flipped",
            &|p| p.iv = flip(&p.iv, 11, 4),
            CryptoFailure::Integrity,
        ),
        BadJwe {
            what: "another protected header as AAD",
            key: recipient.clone(),
            protected: "eyJhbGciOiJSU0EtT0FFUC0yNTYiLCJlbmMiOiJBMjU2R0NNIn0",
            parts: good.clone(),
            expected: CryptoFailure::Integrity,
        },
        with(
            "15-byte tag (the first 15 bytes of the right one)",
            &|p| {
                p.tag.pop();
            },
            CryptoFailure::TagLength(15),
        ),
        with(
            "17-byte tag",
            &|p| p.tag.push(0),
            CryptoFailure::TagLength(17),
        ),
        with("empty tag", &|p| p.tag.clear(), CryptoFailure::TagLength(0)),
        with(
            "11-byte IV",
            &|p| {
                p.iv.pop();
            },
            CryptoFailure::IvLength(11),
        ),
        with(
            "16-byte IV",
            &|p| p.iv.extend([0; 4]),
            CryptoFailure::IvLength(16),
        ),
        with("empty IV", &|p| p.iv.clear(), CryptoFailure::IvLength(0)),
        with(
            "11-byte IV and 15-byte tag: the IV is checked first",
            &|p| {
                p.iv.pop();
                p.tag.pop();
            },
            CryptoFailure::IvLength(11),
        ),
    ]
}

#[test]
fn jwe_bad_input_fails_with_the_reference_class_on_every_decryptor() {
    let k = keys();
    let mut runs = 0;
    for_each_backend!(|encryptor| |c: &Capabilities| c.jwe_encrypt, {
        let good = encryptor
            .jwe_encrypt(
                k.recipient.public(),
                PROTECTED,
                b"{\"sub\":\"user-1\"}",
                &mut rng(),
            )
            .expect("encrypts");
        for case in bad_jwes(&good) {
            let want = reference().jwe_decrypt(&case.key, case.protected, &case.parts);
            assert_eq!(
                class(&want),
                class(&Err::<(), _>(case.expected.clone())),
                "reference: {} (made by {})",
                case.what,
                encryptor.id()
            );
            for_each_backend!(|decryptor| |c: &Capabilities| c.jwe_decrypt, {
                let got = decryptor.jwe_decrypt(&case.key, case.protected, &case.parts);
                assert_eq!(
                    class(&got),
                    class(&want),
                    "{} → {}: {}",
                    encryptor.id(),
                    decryptor.id(),
                    case.what
                );
                runs += 1;
            });
        }
    });
    assert_eq!(runs, 3 * 20 * 3);
}

// ---- the moveo context scheme -----------------------------------------------

#[test]
fn context_every_encryptor_decrypts_on_every_decryptor_with_aes_128_and_256() {
    let mut rng = rng();
    let mut runs = 0;
    for aes_len in [16, 32] {
        for len in CONTEXT_LENGTHS {
            let mut aes_key = vec![0u8; aes_len];
            rng.fill_bytes(&mut aes_key);
            let mut iv = [0u8; 16];
            rng.fill_bytes(&mut iv);
            let plaintext = pattern(len);
            let expected = reference()
                .aes_cbc_encrypt(&aes_key, &iv, &plaintext)
                .expect("reference encrypts");
            assert_eq!(expected.len(), (len / 16 + 1) * 16, "PKCS#7 always pads");
            for_each_backend!(|encryptor| |c: &Capabilities| c.context_encrypt, {
                let ciphertext = encryptor
                    .aes_cbc_encrypt(&aes_key, &iv, &plaintext)
                    .unwrap_or_else(|e| {
                        panic!("{}: AES-{} {len} bytes: {e}", encryptor.id(), aes_len * 8)
                    });
                assert_eq!(
                    ciphertext,
                    expected,
                    "{} and reference: AES-CBC is deterministic (AES-{}, {len} bytes)",
                    encryptor.id(),
                    aes_len * 8
                );
                for_each_backend!(|decryptor| |c: &Capabilities| c.context_decrypt, {
                    let got = decryptor
                        .aes_cbc_decrypt(&aes_key, &iv, &ciphertext)
                        .unwrap_or_else(|e| {
                            panic!(
                                "{} → {}: AES-{} {len} bytes: {e}",
                                encryptor.id(),
                                decryptor.id(),
                                aes_len * 8
                            )
                        });
                    assert_eq!(
                        got.as_slice(),
                        plaintext.as_slice(),
                        "{} → {}: AES-{} {len} bytes",
                        encryptor.id(),
                        decryptor.id(),
                        aes_len * 8
                    );
                    runs += 1;
                });
            });
        }
    }
    assert_eq!(runs, 2 * 5 * 2 * 2);
}

#[test]
fn context_rsa_oaep256_wraps_on_every_encryptor_and_unwraps_on_every_decryptor() {
    let recipients = [keys().recipient.clone(), private("recipient4096")];
    let mut runs = 0;
    for key in &recipients {
        let bits = key.public().bits();
        // An AES-128 key, an AES-256 key and an IV: what the scheme wraps.
        for secret in [pattern(16), pattern(32), vec![0u8; 16]] {
            for_each_backend!(|encryptor| |c: &Capabilities| c.context_encrypt, {
                let wrapped = encryptor
                    .rsa_oaep256_encrypt(key.public(), &secret, &mut rng())
                    .unwrap_or_else(|e| panic!("{}: {e}", encryptor.id()));
                assert_eq!(wrapped.len(), key.public().size(), "{}", encryptor.id());
                for_each_backend!(|decryptor| |c: &Capabilities| c.context_decrypt, {
                    let got = decryptor
                        .rsa_oaep256_decrypt(key, &wrapped)
                        .unwrap_or_else(|e| {
                            panic!("{} → {} ({bits} bits): {e}", encryptor.id(), decryptor.id())
                        });
                    assert_eq!(
                        got.as_slice(),
                        secret.as_slice(),
                        "{} → {} ({bits} bits)",
                        encryptor.id(),
                        decryptor.id()
                    );
                    runs += 1;
                });
            });
        }
    }
    assert_eq!(runs, 2 * 3 * 2 * 2);
}

#[test]
fn context_rsa_bad_input_fails_with_the_reference_class() {
    let k = keys();
    let secret = pattern(32);
    let mut runs = 0;
    for_each_backend!(|encryptor| |c: &Capabilities| c.context_encrypt, {
        let good = encryptor
            .rsa_oaep256_encrypt(k.recipient.public(), &secret, &mut rng())
            .expect("wraps");
        let size = good.len();
        let wrong_scheme = |scheme| {
            reference::rsa_encrypt(k.recipient.public(), scheme, &secret, &mut rng())
                .expect("reference wraps")
        };
        let cases: Vec<(&str, &PrivateKey, Vec<u8>)> = vec![
            ("wrong RSA key", &k.customer2, good.clone()),
            ("a bit flipped", &k.recipient, flip(&good, size - 1, 2)),
            ("one byte short", &k.recipient, good[..size - 1].to_vec()),
            (
                "one byte long",
                &k.recipient,
                [good.clone(), vec![0]].concat(),
            ),
            ("empty", &k.recipient, Vec::new()),
            (
                "all 0xff (over the modulus)",
                &k.recipient,
                vec![0xff; size],
            ),
            (
                "RSA-OAEP with SHA-1",
                &k.recipient,
                wrong_scheme(RsaScheme::OaepSha1),
            ),
            (
                "OAEP SHA-256 with MGF1-SHA-1",
                &k.recipient,
                wrong_scheme(RsaScheme::OaepSha256Mgf1Sha1),
            ),
            (
                "PKCS#1 v1.5",
                &k.recipient,
                wrong_scheme(RsaScheme::Pkcs1v15),
            ),
        ];
        for (what, key, ciphertext) in &cases {
            let want = reference().rsa_oaep256_decrypt(key, ciphertext);
            assert_eq!(
                class(&want),
                "RsaDecrypt",
                "reference: {what} (wrapped by {})",
                encryptor.id()
            );
            for_each_backend!(|decryptor| |c: &Capabilities| c.context_decrypt, {
                let got = decryptor.rsa_oaep256_decrypt(key, ciphertext);
                assert_eq!(
                    class(&got),
                    class(&want),
                    "{} → {}: {what}",
                    encryptor.id(),
                    decryptor.id()
                );
                runs += 1;
            });
        }
    });
    // Too long to wrap: 2048-bit OAEP-SHA-256 takes at most 190 bytes.
    let want = reference().rsa_oaep256_encrypt(k.recipient.public(), &[1; 191], &mut rng());
    assert_eq!(class(&want), "Other", "reference: 191 bytes are too long");
    for_each_backend!(|encryptor| |c: &Capabilities| c.context_encrypt, {
        let got = encryptor.rsa_oaep256_encrypt(k.recipient.public(), &[1; 191], &mut rng());
        assert_eq!(class(&got), class(&want), "{}: 191 bytes", encryptor.id());
        let fits = encryptor.rsa_oaep256_encrypt(k.recipient.public(), &[1; 190], &mut rng());
        assert_eq!(class(&fits), "Ok", "{}: 190 bytes", encryptor.id());
    });
    assert_eq!(runs, 2 * 9 * 2);
}

/// An AES-CBC call that must fail: what is wrong, the key, the IV, the
/// data (ciphertext or plaintext) and the class the reference gives.
struct BadCbc {
    what: &'static str,
    key: Vec<u8>,
    iv: Vec<u8>,
    data: Vec<u8>,
    expected: CryptoFailure,
}

fn bad_cbc(
    what: &'static str,
    key: &[u8],
    iv: &[u8],
    data: &[u8],
    expected: CryptoFailure,
) -> BadCbc {
    BadCbc {
        what,
        key: key.to_vec(),
        iv: iv.to_vec(),
        data: data.to_vec(),
        expected,
    }
}

#[test]
fn context_aes_bad_lengths_fail_with_the_reference_class() {
    use CryptoFailure::{CiphertextLength, IvLength, KeyLength};
    let mut runs = 0;
    for aes_len in [16, 32] {
        let key = pattern(aes_len);
        let key24 = pattern(24);
        let iv = [5u8; 16];
        let good = reference()
            .aes_cbc_encrypt(&key, &iv, b"{\"plan\":\"gold\"}")
            .expect("reference encrypts");
        let long = [good.as_slice(), &[0]].concat();
        let decrypt_cases = [
            bad_cbc("24-byte key", &key24, &iv, &good, KeyLength(24)),
            bad_cbc("empty key", &[], &iv, &good, KeyLength(0)),
            bad_cbc("15-byte IV", &key, &iv[..15], &good, IvLength(15)),
            bad_cbc("12-byte IV", &key, &iv[..12], &good, IvLength(12)),
            bad_cbc("17-byte ciphertext", &key, &iv, &long, CiphertextLength(17)),
            bad_cbc(
                "15-byte ciphertext",
                &key,
                &iv,
                &good[..15],
                CiphertextLength(15),
            ),
            bad_cbc("empty ciphertext", &key, &iv, &[], CiphertextLength(0)),
            bad_cbc(
                "24-byte key and 15-byte IV: the key is checked first",
                &key24,
                &iv[..15],
                &good,
                KeyLength(24),
            ),
            bad_cbc(
                "15-byte IV and 17-byte ciphertext: the IV is checked first",
                &key,
                &iv[..15],
                &long,
                IvLength(15),
            ),
        ];
        for case in &decrypt_cases {
            let want = reference().aes_cbc_decrypt(&case.key, &case.iv, &case.data);
            assert_eq!(
                class(&want),
                class(&Err::<(), _>(case.expected.clone())),
                "reference: {}",
                case.what
            );
            for_each_backend!(|decryptor| |c: &Capabilities| c.context_decrypt, {
                let got = decryptor.aes_cbc_decrypt(&case.key, &case.iv, &case.data);
                assert_eq!(
                    class(&got),
                    class(&want),
                    "reference → {}: {} (AES-{})",
                    decryptor.id(),
                    case.what,
                    aes_len * 8
                );
                runs += 1;
            });
        }
        let iv17 = [iv.as_slice(), &[0]].concat();
        let encrypt_cases = [
            bad_cbc("24-byte key", &key24, &iv, b"{}", KeyLength(24)),
            bad_cbc("empty key", &[], &iv, b"{}", KeyLength(0)),
            bad_cbc("15-byte IV", &key, &iv[..15], b"{}", IvLength(15)),
            bad_cbc("17-byte IV", &key, &iv17, b"{}", IvLength(17)),
            bad_cbc(
                "24-byte key and 15-byte IV: the key is checked first",
                &key24,
                &iv[..15],
                b"{}",
                KeyLength(24),
            ),
        ];
        for case in &encrypt_cases {
            let want = reference().aes_cbc_encrypt(&case.key, &case.iv, &case.data);
            assert_eq!(
                class(&want),
                class(&Err::<(), _>(case.expected.clone())),
                "reference: {}",
                case.what
            );
            for_each_backend!(|encryptor| |c: &Capabilities| c.context_encrypt, {
                let got = encryptor.aes_cbc_encrypt(&case.key, &case.iv, &case.data);
                assert_eq!(
                    class(&got),
                    class(&want),
                    "{} (encrypting): {} (AES-{})",
                    encryptor.id(),
                    case.what,
                    aes_len * 8
                );
                runs += 1;
            });
        }
    }
    assert_eq!(runs, 2 * (9 + 5) * 2);
}

#[test]
fn context_each_padding_flaw_is_named_as_the_reference_names_it() {
    let mut runs = 0;
    for aes_len in [16, 32] {
        let key = pattern(aes_len);
        let iv = [0x42u8; 16];
        let block = |last: &[u8]| {
            let mut b = [b'x'; 16].to_vec();
            b[16 - last.len()..].copy_from_slice(last);
            b
        };
        let mut inconsistent = block(&[3, 3, 3]);
        inconsistent[13] = 2;
        let cases: Vec<(&str, Vec<u8>, PaddingFlaw)> = vec![
            ("last byte 0", block(&[0]), PaddingFlaw::Zero),
            ("last byte 17", block(&[17]), PaddingFlaw::OverBlockSize(17)),
            (
                "last byte 255",
                block(&[255]),
                PaddingFlaw::OverBlockSize(255),
            ),
            (
                "inconsistent padding bytes",
                inconsistent,
                PaddingFlaw::Inconsistent,
            ),
            (
                "a full block of 16s with one wrong byte",
                [pattern(16), {
                    let mut b = vec![16u8; 16];
                    b[0] = 15;
                    b
                }]
                .concat(),
                PaddingFlaw::Inconsistent,
            ),
            (
                "two blocks, the last ending in 0",
                [pattern(16), block(&[0])].concat(),
                PaddingFlaw::Zero,
            ),
        ];
        for (what, raw, flaw) in &cases {
            let ciphertext = reference::cbc_encrypt_raw(&key, &iv, raw).expect("raw CBC");
            let want = reference().aes_cbc_decrypt(&key, &iv, &ciphertext);
            assert_eq!(
                want.as_ref().err(),
                Some(&CryptoFailure::Padding(*flaw)),
                "reference: {what} (AES-{})",
                aes_len * 8
            );
            for_each_backend!(|decryptor| |c: &Capabilities| c.context_decrypt, {
                let got = decryptor.aes_cbc_decrypt(&key, &iv, &ciphertext);
                assert_eq!(
                    got.as_ref().err(),
                    want.as_ref().err(),
                    "reference → {}: {what} (AES-{})",
                    decryptor.id(),
                    aes_len * 8
                );
                runs += 1;
            });
        }
        // Decrypting with the wrong key leaves random-looking padding: the
        // outcome is whatever it is, but the same on every decryptor.
        let good = reference()
            .aes_cbc_encrypt(&key, &iv, b"{\"vip\":true}")
            .expect("reference encrypts");
        for wrong in 0..8u8 {
            let wrong_key = vec![wrong; aes_len];
            let want = reference().aes_cbc_decrypt(&wrong_key, &iv, &good);
            for_each_backend!(|decryptor| |c: &Capabilities| c.context_decrypt, {
                let got = decryptor.aes_cbc_decrypt(&wrong_key, &iv, &good);
                assert_eq!(
                    got,
                    want,
                    "reference → {}: wrong key {wrong} (AES-{})",
                    decryptor.id(),
                    aes_len * 8
                );
                runs += 1;
            });
        }
    }
    assert_eq!(runs, 2 * (6 + 8) * 2);
}

/// A library quirk the `josekit` backend guards against: josekit's own
/// A256GCM decryption accepts a *truncated* tag (OpenSSL compares only the
/// bytes it is given), so a receiver built on josekit alone takes a token
/// whose tag was cut to one byte: a 2^-8 forgery chance instead of
/// 2^-128. The backend checks the tag length first (`jwe.tag.length`).
/// When this test fails, josekit has started rejecting short tags: the
/// guard can go, and the note in the backend's docs with it.
#[test]
fn josekit_itself_accepts_a_truncated_gcm_tag_so_the_backend_checks_the_length() {
    use josekit::jwe::enc::A256GCM;
    use josekit::jwe::JweContentEncryption;
    let key = [7u8; 32];
    let iv = [9u8; 12];
    let aad = b"eyJhbGciOiJSU0EtT0FFUC0yNTYifQ";
    let (ciphertext, tag) = reference::gcm_encrypt(&key, &iv, aad, b"claims").expect("encrypts");
    for len in [15, 8, 1] {
        let truncated = &tag[..len];
        let raw = A256GCM.decrypt(&key, Some(&iv), &ciphertext, aad, Some(truncated));
        assert_eq!(
            raw.as_deref().ok(),
            Some(&b"claims"[..]),
            "josekit with a {len}-byte tag prefix"
        );
        let parts = JweParts {
            encrypted_key: Vec::new(),
            iv: iv.to_vec(),
            ciphertext: ciphertext.clone(),
            tag: truncated.to_vec(),
        };
        let guarded = reference::Reference.jwe_decrypt(&keys().recipient, "x", &parts);
        assert!(guarded.is_err());
    }
    // And through the backend, with a real wrapped key: the length check.
    let josekit = backend::by_name("josekit").expect("josekit backend");
    let protected = "eyJhbGciOiJSU0EtT0FFUC0yNTYiLCJlbmMiOiJBMjU2R0NNIn0";
    let mut parts = josekit
        .jwe_encrypt(keys().recipient.public(), protected, b"claims", &mut rng())
        .expect("encrypts");
    parts.tag.truncate(8);
    assert_eq!(
        class(&josekit.jwe_decrypt(&keys().recipient, protected, &parts)),
        class::<()>(&Err(CryptoFailure::TagLength(8)))
    );
}

/// A backend that hands every operation to the reference but counts the
/// raw primitive calls made on it: it proves diagnosis goes through the
/// backend under check, not around it.
#[derive(Debug, Default)]
struct CountingPrimitives {
    calls: std::sync::Mutex<Vec<&'static str>>,
}

impl CountingPrimitives {
    fn count(&self, what: &'static str) -> &'static dyn backend::Primitives {
        self.calls.lock().expect("not poisoned").push(what);
        reference()
            .primitives()
            .expect("the reference has primitives")
    }
}

impl Backend for CountingPrimitives {
    fn id(&self) -> &'static str {
        "counting"
    }
    fn library(&self) -> String {
        "the reference, counted".into()
    }
    fn capabilities(&self) -> Capabilities {
        reference().capabilities()
    }
    fn primitives(&self) -> Option<&dyn backend::Primitives> {
        Some(self)
    }
    fn rs256_verify(
        &self,
        key: &keys::PublicKey,
        input: &[u8],
        sig: &[u8],
    ) -> Result<(), CryptoFailure> {
        reference().rs256_verify(key, input, sig)
    }
    fn jwe_decrypt(
        &self,
        key: &PrivateKey,
        protected_b64: &str,
        parts: &JweParts,
    ) -> Result<zeroize::Zeroizing<Vec<u8>>, CryptoFailure> {
        reference().jwe_decrypt(key, protected_b64, parts)
    }
}

impl backend::Primitives for CountingPrimitives {
    fn rsa_decrypt(
        &self,
        key: &PrivateKey,
        scheme: RsaScheme,
        ciphertext: &[u8],
    ) -> Result<zeroize::Zeroizing<Vec<u8>>, CryptoFailure> {
        self.count("rsa_decrypt")
            .rsa_decrypt(key, scheme, ciphertext)
    }
    fn gcm_decrypt(
        &self,
        key: &[u8],
        iv: &[u8],
        aad: &[u8],
        ciphertext: &[u8],
        tag: &[u8],
    ) -> Result<zeroize::Zeroizing<Vec<u8>>, CryptoFailure> {
        self.count("gcm_decrypt")
            .gcm_decrypt(key, iv, aad, ciphertext, tag)
    }
}

#[test]
fn check_diagnoses_with_the_backend_it_is_given() {
    use jose_harness::findings::Verdict;
    use jose_harness::profile::Profile;
    let k = keys();
    let claims = claims(Profile::Iadvize);
    let payload = serde_json::to_vec(&claims).expect("claims");
    let header = br#"{"alg":"RSA-OAEP-256","enc":"A256GCM","cty":"JWT"}"#;
    let token = iadvize_token_wrapped_with(RsaScheme::OaepSha1, header, &payload, &mut rng());
    let counting = CountingPrimitives::default();
    let report = check_with(
        &counting,
        Profile::Iadvize,
        &token,
        Some(k.customer.public()),
        Some(&k.recipient),
    );
    assert_eq!(report.verdict, Verdict::Fail);
    assert!(
        report.ids().contains(&"jwe.key.oaep_sha1"),
        "{:?}",
        report.ids()
    );
    let calls = counting.calls.lock().expect("not poisoned").clone();
    // The profile's decryption failed; the diagnosis tried the wrong
    // schemes and decrypted the content on the counting backend.
    assert_eq!(calls.first(), Some(&"rsa_decrypt"), "{calls:?}");
    assert!(calls.contains(&"gcm_decrypt"), "{calls:?}");
    // A good token needs no diagnosis at all.
    counting.calls.lock().expect("not poisoned").clear();
    let good = iadvize_token(&claims);
    let report = check_with(
        &counting,
        Profile::Iadvize,
        &good,
        Some(k.customer.public()),
        Some(&k.recipient),
    );
    assert_eq!(report.verdict, Verdict::Pass, "{:?}", report.ids());
    assert!(counting.calls.lock().expect("not poisoned").is_empty());
}
