//! The catalogue of rules: every finding the harness can report, with a
//! stable id, a severity, a one-line message, how to fix it and where the
//! requirement comes from. Rules are data; the checks in [`crate::check`]
//! decide when one fires.

use serde::Serialize;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The token does not conform: a receiver rejects it, or should.
    Error,
    /// It works, but is risky or against a recommendation.
    Warning,
    /// Worth knowing; never a failure.
    Info,
}

impl Severity {
    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// Which profile a rule belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Both profiles.
    Both,
    /// Only `iadvize`.
    Iadvize,
    /// Only `moveo`.
    Moveo,
}

/// One rule of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rule {
    /// Stable, namespaced id (`jwe.alg.rsa1_5`).
    pub id: &'static str,
    /// Severity of a finding of this rule.
    pub severity: Severity,
    /// Which profile it applies to.
    pub scope: Scope,
    /// What is wrong, in one line.
    pub message: &'static str,
    /// How to fix it, naming the usual cause per language where known.
    pub fix: &'static str,
    /// Vendor document or RFC section behind the rule.
    pub reference: &'static str,
}

const IADVIZE_DOC: &str = "iAdvize, Signature and Encryption Detailed Process";
const MOVEO_DOC: &str = "Moveo.AI, User authentication: Passing Sensitive Data";
const MOVEO_AUTH: &str = "Moveo.AI, User authentication: Authenticating Users";

macro_rules! rules {
    ($( $(#[$doc:meta])* $name:ident = $id:literal, $sev:ident, $scope:ident, $msg:literal, $fix:literal, $reference:expr; )*) => {
        $( $(#[$doc])* pub const $name: Rule = Rule {
            id: $id, severity: Severity::$sev, scope: Scope::$scope,
            message: $msg, fix: $fix, reference: $reference,
        }; )*
        /// Every rule, in catalogue order.
        pub const ALL: &[Rule] = &[$($name),*];
    };
}

rules! {
    /// Token longer than the limit.
    TOKEN_SIZE = "token.size", Error, Both,
        "the token is longer than the size limit",
        "send only the token itself; tokens of these profiles are a few KiB (raise --max-token-bytes only for a deliberate test)",
        "our rule: resource bound (default 65536 bytes)";
    /// Wrong number of segments.
    TOKEN_SEGMENTS = "token.segments", Error, Both,
        "the token is not in compact serialization: wrong number of dot-separated segments",
        "send the compact form your library produced (3 segments for a JWS, 5 for a JWE), unmodified; the JSON serialization is not accepted",
        "RFC 7515 §7.1; RFC 7516 §7.1";
    /// '=' padding in a segment.
    B64_PADDING = "b64.padding", Error, Both,
        "a segment has '=' padding; JOSE base64url has none",
        "strip trailing '=' (use base64url without padding: Node Buffer 'base64url', Python urlsafe_b64encode(..).rstrip(b'='), Java Base64.getUrlEncoder().withoutPadding())",
        "RFC 7515 §2 and Appendix C";
    /// '+' or '/' in a segment.
    B64_ALPHABET = "b64.alphabet", Error, Both,
        "a segment uses the standard base64 alphabet ('+' or '/') instead of base64url",
        "encode with the URL-safe alphabet ('-' and '_'), not plain base64",
        "RFC 7515 §2; RFC 4648 §5";
    /// Whitespace inside a segment.
    B64_WHITESPACE = "b64.whitespace", Error, Both,
        "a segment contains whitespace or line breaks",
        "do not wrap or indent the token (Ruby: strict_encode64, not encode64; Java: not the MIME encoder)",
        "RFC 7515 §2";
    /// Non-canonical trailing bits.
    B64_TRAILING_BITS = "b64.trailing_bits", Error, Both,
        "a segment's last character has non-zero unused bits: the text is not the canonical encoding of its bytes",
        "use a standard base64url encoder; hand-edited or re-encoded tokens produce this, and lenient decoders make it a malleability",
        "RFC 4648 §3.5";
    /// Not base64url at all.
    B64_INVALID = "b64.invalid", Error, Both,
        "a segment is not base64url: a character outside the alphabet or an impossible length",
        "send the segments exactly as the library encoded them; check for truncation or quoting when the token was copied",
        "RFC 7515 §2";
    /// Bytes that are not UTF-8.
    JSON_UTF8 = "json.utf8", Error, Both,
        "a JSON part (header, claims or context) is not UTF-8",
        "serialize JSON as UTF-8 (not Latin-1 or UTF-16) before encoding",
        "RFC 7515 §5.2; RFC 8259 §8.1";
    /// Not JSON.
    JSON_SYNTAX = "json.syntax", Error, Both,
        "a JSON part (header, claims or context) is not valid JSON",
        "serialize the object with a JSON library (JSON.stringify, json.dumps), not by string concatenation",
        "RFC 7519 §7.2; RFC 8259";
    /// JSON but not an object.
    JSON_NOT_OBJECT = "json.not_object", Error, Both,
        "a header, claims set or context is JSON but not an object",
        "the header, the claims and the moveo context must each be a JSON object {…}",
        "RFC 7515 §4; RFC 7519 §7.2";
    /// Duplicate member names.
    JSON_DUPLICATE = "json.duplicate_member", Error, Both,
        "a JSON object has the same member name twice",
        "emit each member once; receivers disagree on which copy wins (parser differential), so a duplicate can smuggle a claim past one parser",
        "RFC 7515 §5.2 step 4; RFC 7519 §4";
    /// Nesting too deep.
    JSON_DEPTH = "json.depth", Error, Both,
        "a JSON part is nested deeper than the limit",
        "flatten the structure (default limit 32 levels; --max-json-depth to change)",
        "our rule: resource bound";
    /// Too many members in one object.
    JSON_MEMBERS = "json.members", Error, Both,
        "a JSON object (header, claims or context) has more members than the limit",
        "send only the claims the receiver reads; these profiles need a handful (default limit 256 members; --max-json-members to change)",
        "our rule: resource bound";
    /// Unknown critical header.
    JOSE_CRIT = "jose.crit", Error, Both,
        "the header lists critical extensions (crit) that no receiver of this profile understands, so it must reject the token",
        "remove the crit header parameter",
        "RFC 7515 §4.1.11";
    /// A key or key URL in the header.
    JOSE_KEY_IN_HEADER = "jose.key_in_header", Error, Both,
        "the header carries a key or a key location (jwk, jku, x5u or x5c)",
        "remove it: keys are exchanged in advance, and a receiver that honoured a key named by the token would accept any sender's key",
        "RFC 8725 §3.10; CVE-2018-0114";
    /// A kid header (harmless).
    JOSE_KID = "jose.kid", Info, Both,
        "the header has a kid; it is never used to choose the key here",
        "nothing to fix; receivers of this profile use the key configured for you",
        "RFC 7515 §4.1.4; RFC 8725 §3.10";
    /// Compressed plaintext.
    JWE_ZIP = "jwe.zip", Error, Iadvize,
        "the JWE compresses its plaintext (zip)",
        "remove zip: the profile does not support it, and compressing before encrypting leaks content through length",
        "RFC 7516 §4.1.3; RFC 8725 §3.6";
    /// A bare JWS where a JWE is required.
    IADVIZE_JWE_REQUIRED = "iadvize.jwe.required", Error, Iadvize,
        "the token is a bare JWS; iAdvize requires the signed JWT encrypted inside a JWE",
        "encrypt the signed JWT to iAdvize's public key: JWE with alg RSA-OAEP-256, enc A256GCM, cty JWT (Node jose: new CompactEncrypt(jws).setProtectedHeader({alg:'RSA-OAEP-256',enc:'A256GCM',cty:'JWT'}))",
        IADVIZE_DOC;
    /// JWE alg RSA-OAEP (SHA-1).
    JWE_ALG_RSA_OAEP = "jwe.alg.rsa_oaep", Error, Iadvize,
        "the JWE alg is RSA-OAEP, which is OAEP with SHA-1; the profile requires RSA-OAEP-256",
        "set alg to exactly RSA-OAEP-256 (OAEP with SHA-256 and MGF1-SHA-256)",
        "RFC 7518 §4.3; iAdvize, Signature and Encryption Detailed Process";
    /// JWE alg RSA1_5.
    JWE_ALG_RSA1_5 = "jwe.alg.rsa1_5", Error, Iadvize,
        "the JWE alg is RSA1_5 (PKCS#1 v1.5 encryption), which is open to Bleichenbacher's attack",
        "set alg to RSA-OAEP-256",
        "RFC 8725 §3.2; RFC 7518 §4.2";
    /// Any other JWE alg.
    JWE_ALG_UNSUPPORTED = "jwe.alg.unsupported", Error, Iadvize,
        "the JWE alg is missing or is not RSA-OAEP-256",
        "set alg to exactly RSA-OAEP-256 (not RSA_OAEP_256, dir or a key-wrap algorithm)",
        "RFC 7518 §4.1; iAdvize, Signature and Encryption Detailed Process";
    /// JWE enc not A256GCM.
    JWE_ENC = "jwe.enc", Error, Iadvize,
        "the JWE enc is missing or is not A256GCM",
        "set enc to A256GCM",
        "RFC 7518 §5.3; iAdvize, Signature and Encryption Detailed Process";
    /// Missing cty.
    JWE_CTY_MISSING = "jwe.cty.missing", Warning, Iadvize,
        "the JWE has no cty header; a nested JWT should say cty JWT",
        "add cty: \"JWT\" to the JWE protected header (Nimbus .contentType(\"JWT\"), jose4j setContentTypeHeaderValue(\"JWT\"))",
        "RFC 7519 §5.2";
    /// Wrong cty.
    JWE_CTY_WRONG = "jwe.cty.wrong", Warning, Iadvize,
        "the JWE cty does not describe its plaintext",
        "use cty \"JWT\" when the plaintext is a signed JWT, and only then",
        "RFC 7519 §5.2";
    /// Content key wrapped with OAEP SHA-1.
    JWE_KEY_OAEP_SHA1 = "jwe.key.oaep_sha1", Error, Iadvize,
        "the content key was encrypted with RSA-OAEP using SHA-1, not SHA-256",
        "use OAEP with SHA-256 for both the hash and MGF1 (Node: oaepHash 'sha256'; Python cryptography: OAEP(MGF1(SHA256()), SHA256(), None); PyCryptodome: hashAlgo=SHA256)",
        "RFC 7518 §4.3";
    /// Content key wrapped with OAEP SHA-256 but MGF1-SHA1.
    JWE_KEY_OAEP_MGF1_SHA1 = "jwe.key.oaep_mgf1_sha1", Error, Iadvize,
        "the content key was encrypted with RSA-OAEP using SHA-256 but MGF1 with SHA-1",
        "use MGF1-SHA-256 as well (Java SunJCE: pass OAEPParameterSpec(\"SHA-256\", \"MGF1\", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT); Python: MGF1(SHA256()))",
        "RFC 7518 §4.3";
    /// Content key wrapped with PKCS#1 v1.5.
    JWE_KEY_PKCS1V15 = "jwe.key.pkcs1v15", Error, Iadvize,
        "the content key was encrypted with RSA PKCS#1 v1.5, not RSA-OAEP-256",
        "use RSA-OAEP-256 (PHP openssl_public_encrypt and python-rsa default to PKCS#1 v1.5)",
        "RFC 8725 §3.2";
    /// Content key does not decrypt.
    JWE_KEY_UNDECRYPTABLE = "jwe.key.undecryptable", Error, Iadvize,
        "the encrypted key does not decrypt with the recipient's private key under any RSA scheme",
        "encrypt to the recipient's current public key (check you did not use your own key or an old one), and send the encrypted-key segment unmodified",
        "RFC 7516 §5.2 step 10";
    /// CEK of the wrong size.
    JWE_CEK_LENGTH = "jwe.cek.length", Error, Iadvize,
        "the decrypted content key is not 32 bytes, as A256GCM needs",
        "let the JOSE library generate the content key for A256GCM",
        "RFC 7518 §5.3";
    /// IV of the wrong size.
    JWE_IV_LENGTH = "jwe.iv.length", Error, Iadvize,
        "the JWE initialization vector is not 96 bits (12 bytes)",
        "use a fresh random 12-byte IV for A256GCM (the library does this when left to itself)",
        "RFC 7518 §5.3";
    /// An all-zero GCM IV.
    JWE_IV_ZERO = "jwe.iv.zero", Error, Iadvize,
        "the JWE initialization vector is all zeros: a fixed GCM nonce, which repeats under any reused content key and then breaks GCM",
        "let the JOSE library draw a fresh random 12-byte IV for every JWE; never pass a fixed IV",
        "RFC 7518 §5.3; NIST SP 800-38D §8";
    /// Truncated or extended tag.
    JWE_TAG_LENGTH = "jwe.tag.length", Error, Iadvize,
        "the JWE authentication tag is not 128 bits (16 bytes): it was truncated or extended",
        "send the full 16-byte GCM tag; a receiver that accepts shorter tags makes forgery easier",
        "RFC 7518 §5.3; NIST SP 800-38D §5.2.1.2";
    /// GCM authentication failure.
    JWE_INTEGRITY = "jwe.integrity", Error, Iadvize,
        "AES-GCM authentication failed: the protected header, IV, ciphertext or tag was changed after encryption",
        "send the token exactly as produced; the protected header is authenticated (AAD), so do not re-encode or edit it",
        "RFC 7516 §5.1 step 14 and §5.2 step 16";
    /// JWE plaintext that is bare claims.
    IADVIZE_BARE_CLAIMS = "iadvize.payload.bare_claims", Error, Iadvize,
        "the JWE contains bare JSON claims, not a signed JWT: anyone with the recipient's public key can forge it",
        "sign the claims first (JWS RS256 with your private key), then encrypt the signed JWT",
        IADVIZE_DOC;
    /// JWE plaintext that is neither.
    IADVIZE_NOT_JWS = "iadvize.payload.not_jws", Error, Iadvize,
        "the JWE plaintext is not a compact JWS",
        "encrypt the compact JWS string (header.payload.signature) itself, not an object or another encoding of it",
        IADVIZE_DOC;
    /// alg none.
    JWS_ALG_NONE = "jws.alg.none", Error, Both,
        "the JWS alg is none (in some casing): the token is unsigned",
        "sign with RS256 and your private key",
        "RFC 8725 §3.1; RFC 7518 §3.6";
    /// HMAC alg.
    JWS_ALG_HMAC = "jws.alg.hmac", Error, Both,
        "the JWS alg is an HMAC (HS256/384/512); the profile requires RS256",
        "sign with RS256 and your private key; never an HMAC keyed with a public key",
        "RFC 8725 §3.1 and §2.1";
    /// Other JWS alg.
    JWS_ALG_UNEXPECTED = "jws.alg.unexpected", Error, Both,
        "the JWS alg is missing or is not RS256",
        "set alg to RS256 (RSASSA-PKCS1-v1_5 with SHA-256); PS256, RS512 and EC algorithms are not accepted",
        "RFC 7518 §3.3; vendor documentation (RS256)";
    /// Empty signature.
    JWS_SIGNATURE_EMPTY = "jws.signature.empty", Error, Both,
        "the JWS signature segment is empty",
        "sign the token; an empty signature is what alg-none attacks send",
        "RFC 7515 §5.2";
    /// Wrong signature length.
    JWS_SIGNATURE_LENGTH = "jws.signature.length", Error, Both,
        "the RS256 signature is not as long as the key's modulus: it was truncated or extended",
        "send the signature unmodified; an RS256 signature is exactly the key size (256 bytes for RSA-2048)",
        "RFC 8017 §8.2.2";
    /// PSS signature under an RS256 header.
    JWS_SIGNATURE_PSS = "jws.signature.pss", Error, Both,
        "the signature is RSASSA-PSS (PS256); the profile requires RSASSA-PKCS1-v1_5 (RS256)",
        "sign RS256: RSASSA-PKCS1-v1_5 padding with SHA-256, and alg RS256 in the header",
        "RFC 7518 §3.3 and §3.5";
    /// HMAC keyed with the public key.
    JWS_SIGNATURE_KEY_CONFUSION = "jws.signature.key_confusion", Error, Both,
        "the token is an HMAC keyed with the customer's public key: the key-confusion attack",
        "sign with RS256 and the private key; a receiver that let alg choose the verification method would accept this forgery",
        "RFC 8725 §2.1 and §3.1; CVE-2016-10555";
    /// Signature does not verify.
    JWS_SIGNATURE_INVALID = "jws.signature.invalid", Error, Both,
        "the RS256 signature does not verify with the customer's public key",
        "sign with the private key whose public key the receiver holds, and do not change header or claims after signing (re-serializing JSON changes the bytes)",
        "RFC 7515 §5.2 step 8";
    /// Key too small.
    KEY_SIZE = "key.size", Error, Both,
        "an RSA key is smaller than 2048 bits",
        "generate a 2048-bit (or larger) key: openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048",
        "RFC 7518 §3.3 and §4.3; iAdvize, Signature and Encryption Detailed Process";
    /// A key printed in a public document.
    KEY_PUBLISHED = "key.published", Error, Both,
        "the token is signed with, or encrypted to, an RSA key whose private half is printed in a public document: anyone can forge or read such tokens",
        "generate your own key and keep its private half secret: openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 (Node crypto.generateKeyPairSync('rsa', {modulusLength: 2048}); Python cryptography rsa.generate_private_key(65537, 2048); Java KeyPairGenerator.getInstance(\"RSA\").initialize(2048); .NET RSA.Create(2048); Go rsa.GenerateKey(rand.Reader, 2048))",
        "RFC 7515 Appendix A.2; RFC 7520 §3.4; jwt.io: example keys are for examples only";
    /// One of this project's TEST keys.
    KEY_TEST_KEY = "key.test_key", Warning, Both,
        "the token uses one of jose-harness's TEST keys (vectors/keys/), whose private halves are public: right for tests, never for production",
        "use your own key in production: openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048, or jose-harness keygen",
        "vectors/keys/README.md";
    /// The same moveo AES key in two tokens.
    AUDIT_KEY_REUSED = "audit.key_reused", Error, Moveo,
        "tokens of one sender carry the same context AES key: a key that is not drawn per token is a fixed secret, and one leak reads every context",
        "draw a fresh random key for every token (Node crypto.randomBytes(32), Python os.urandom(32), Java SecureRandom, PHP random_bytes(32), .NET RandomNumberGenerator.GetBytes(32), Go crypto/rand.Read, Ruby SecureRandom.random_bytes(32))",
        MOVEO_DOC;
    /// The same moveo IV in two tokens.
    AUDIT_IV_REUSED = "audit.iv_reused", Error, Moveo,
        "tokens of one sender carry the same context IV: equal context prefixes then give equal ciphertext blocks",
        "draw 16 fresh random bytes per token for the IV (crypto.randomBytes(16), os.urandom(16), SecureRandom, random_bytes(16), RandomNumberGenerator.GetBytes(16), crypto/rand.Read, SecureRandom.random_bytes(16))",
        "NIST SP 800-38A Appendix C; Moveo.AI, User authentication: Passing Sensitive Data";
    /// The same context ciphertext in two tokens.
    AUDIT_CIPHERTEXT_REPEATED = "audit.ciphertext_repeated", Error, Moveo,
        "tokens of one sender carry the same context ciphertext: the same key, IV and context were used again, or a token was sent twice",
        "mint every token anew, with a fresh key and IV; never cache and resend a token",
        MOVEO_DOC;
    /// The same JWE content key in two tokens.
    AUDIT_CEK_REUSED = "audit.cek_reused", Error, Iadvize,
        "JWEs of one sender have the same content encryption key: it must be random and new for every JWE",
        "let the JOSE library generate the content key for every token; never pass a fixed CEK",
        "RFC 7516 §5.1 step 2; RFC 7518 §5.3";
    /// The same GCM IV in two tokens.
    AUDIT_GCM_IV_REUSED = "audit.gcm_iv_reused", Error, Iadvize,
        "JWEs of one sender have the same AES-GCM IV; under one content key this is nonce reuse, which breaks GCM (it leaks the XOR of the plaintexts and lets anyone forge the tag)",
        "let the JOSE library draw a fresh random 12-byte IV for every JWE; never a fixed or counter IV shared by restarts",
        "NIST SP 800-38D §8; RFC 7518 §5.3";
    /// Lifetimes that differ between tokens.
    AUDIT_LIFETIME_VARIES = "audit.lifetime_varies", Warning, Both,
        "the tokens' lifetimes (exp - iat) differ from one token to the next",
        "set exp from iat with one fixed lifetime (iat + 60 for iAdvize, at most iat + 300 for Moveo), both from one reading of the clock",
        "RFC 7519 §4.1.4 and §4.1.6";
    /// Lifetimes over the profile's.
    AUDIT_LIFETIME_LONG = "audit.lifetime_long", Warning, Both,
        "some tokens live longer (exp - iat) than the profile allows or recommends",
        "set exp to at most iat + 60 for iAdvize, iat + 300 for Moveo",
        "iAdvize, Signature and Encryption Detailed Process; Moveo.AI, User authentication: Authenticating Users";
    /// The sender's clock differs from the harness's.
    AUDIT_CLOCK_SKEW = "audit.clock_skew", Warning, Both,
        "the minting command's iat is seconds away from the time it ran: the sender's clock is off",
        "synchronise the minting server's clock (NTP: chrony, systemd-timesyncd), and take iat from the clock when minting, not from a cached value",
        "RFC 7519 §4.1.6";
    /// A minting run that gave no token.
    AUDIT_MINT_FAILED = "audit.mint_failed", Error, Both,
        "a run of the minting command printed no token (it failed, timed out or printed too much)",
        "make the command print exactly one token on one line and exit 0 every time; its error output is shown",
        "jose-harness audit --mint";
    /// exp missing.
    CLAIMS_EXP_MISSING = "claims.exp.missing", Error, Both,
        "the claims have no exp",
        "add exp (seconds since the epoch, an integer): now + 60 for iAdvize, at most now + 300 for Moveo",
        "RFC 7519 §4.1.4; vendor documentation";
    /// exp in the past.
    CLAIMS_EXP_EXPIRED = "claims.exp.expired", Error, Both,
        "the token has expired (exp is not after now)",
        "mint the token just before use with a short lifetime, and check the clock of the minting server (NTP)",
        "RFC 7519 §4.1.4";
    /// NumericDate of the wrong type.
    CLAIMS_TIME_TYPE = "claims.time.type", Error, Both,
        "a time claim (exp, iat or nbf) is not a number",
        "write NumericDate as a JSON number of seconds since the epoch, not a string, boolean or date text",
        "RFC 7519 §2 and §4.1.4";
    /// NumericDate out of range.
    CLAIMS_TIME_RANGE = "claims.time.range", Error, Both,
        "a time claim (exp, iat or nbf) is negative or absurdly large",
        "use seconds (not milliseconds: JavaScript Date.now() is milliseconds) since the epoch",
        "RFC 7519 §2";
    /// Non-integer NumericDate.
    CLAIMS_TIME_NON_INTEGER = "claims.time.non_integer", Warning, Both,
        "a time claim (exp, iat or nbf) is not an integer; receivers that read integers reject it",
        "write whole seconds (Python int(time.time()) + ttl; josekit and lcobucci/jwt may write fractions)",
        "RFC 7519 §2; our rule: interop risk";
    /// nbf in the future.
    CLAIMS_NBF_FUTURE = "claims.nbf.future", Error, Both,
        "the token is not valid yet (nbf is after now)",
        "do not set nbf in the future; check the clock of the minting server",
        "RFC 7519 §4.1.5";
    /// iat in the future.
    CLAIMS_IAT_FUTURE = "claims.iat.future", Warning, Both,
        "iat is in the future: the minting server's clock is ahead",
        "synchronise the minting server's clock (NTP)",
        "RFC 7519 §4.1.6";
    /// userId missing.
    IADVIZE_USERID_MISSING = "iadvize.userid.missing", Error, Iadvize,
        "the claims have no https://iadvize.com/userId",
        "add the claim \"https://iadvize.com/userId\" (the full URL is the claim name) with your user's stable id",
        IADVIZE_DOC;
    /// userId not a string.
    IADVIZE_USERID_TYPE = "iadvize.userid.type", Error, Iadvize,
        "https://iadvize.com/userId is not a string",
        "send the user id as a JSON string, even when it is numeric (\"42\", not 42)",
        IADVIZE_DOC;
    /// userId empty.
    IADVIZE_USERID_EMPTY = "iadvize.userid.empty", Error, Iadvize,
        "https://iadvize.com/userId is empty",
        "send the user's unique, never-recycled id; a shared or empty id merges visitors and leaks conversations between them",
        IADVIZE_DOC;
    /// userId too long.
    IADVIZE_USERID_LENGTH = "iadvize.userid.length", Error, Iadvize,
        "https://iadvize.com/userId is longer than 255 characters",
        "use an id of at most 255 characters (characters, not bytes), e.g. a database key or a hash of it",
        IADVIZE_DOC;
    /// visitorData not an object.
    IADVIZE_VISITORDATA_TYPE = "iadvize.visitordata.type", Error, Iadvize,
        "https://iadvize.com/visitorData is not a JSON object",
        "send visitorData as an object of string fields, not as a JSON-encoded string",
        IADVIZE_DOC;
    /// visitorData field not a string.
    IADVIZE_VISITORDATA_FIELD = "iadvize.visitordata.field", Error, Iadvize,
        "a https://iadvize.com/visitorData field is not a string",
        "send every visitorData field (firstName, lastName, email, phoneNumber, address, zipCode, city, country) as a string",
        IADVIZE_DOC;
    /// visitorData field not in the documentation.
    IADVIZE_VISITORDATA_UNKNOWN = "iadvize.visitordata.unknown", Info, Iadvize,
        "a https://iadvize.com/visitorData field is not one of the documented fields",
        "check the spelling; documented fields are firstName, lastName, email, phoneNumber, address, zipCode, city, country",
        IADVIZE_DOC;
    /// Unprefixed custom claim.
    IADVIZE_UNPREFIXED = "iadvize.claims.unprefixed", Warning, Iadvize,
        "a custom claim is not prefixed with https://iadvize.com/ and will be ignored",
        "prefix custom claims with https://iadvize.com/ (e.g. \"https://iadvize.com/userId\", not \"userId\")",
        IADVIZE_DOC;
    /// Lifetime over 60 s.
    IADVIZE_LIFETIME = "iadvize.exp.lifetime", Warning, Iadvize,
        "the token lives longer than the recommended 60 seconds",
        "set exp to at most 60 seconds after issuing: a leaked token is then useless quickly",
        IADVIZE_DOC;
    /// iss missing.
    MOVEO_ISS_MISSING = "moveo.iss.missing", Error, Moveo,
        "the claims have no iss",
        "add iss, e.g. your company's name",
        MOVEO_AUTH;
    /// iss not a non-empty string.
    MOVEO_ISS_TYPE = "moveo.iss.type", Error, Moveo,
        "iss is not a non-empty string",
        "send iss as a non-empty JSON string",
        "RFC 7519 §4.1.1; Moveo.AI, User authentication";
    /// sub missing.
    MOVEO_SUB_MISSING = "moveo.sub.missing", Error, Moveo,
        "the claims have no sub",
        "add sub: the user's stable id (used as external_id for billing and deletion requests)",
        MOVEO_AUTH;
    /// sub not a string.
    MOVEO_SUB_TYPE = "moveo.sub.type", Error, Moveo,
        "sub is not a string",
        "send sub as a JSON string, even when the id is numeric",
        "RFC 7519 §4.1.2; Moveo.AI, User authentication";
    /// sub empty.
    MOVEO_SUB_EMPTY = "moveo.sub.empty", Error, Moveo,
        "sub is empty",
        "send the user's unique id, scoped to your issuer or globally",
        MOVEO_AUTH;
    /// exp more than 300 s ahead.
    MOVEO_EXP_TOO_FAR = "moveo.exp.too_far", Error, Moveo,
        "exp is more than 300 seconds (5 minutes) after now; Moveo rejects it",
        "set exp to at most now + 300 (the vendor sample uses expiresIn: '10000ms')",
        MOVEO_AUTH;
    /// Some but not all of the context claims.
    MOVEO_CONTEXT_INCOMPLETE = "moveo.context.incomplete", Error, Moveo,
        "context, encryption_key and init_vector must be sent together, and one or two are missing",
        "send all three claims or none",
        MOVEO_DOC;
    /// A context claim that is not a string.
    MOVEO_CONTEXT_TYPE = "moveo.context.type", Error, Moveo,
        "context, encryption_key or init_vector is not a string",
        "send each as a base64 string (the context object itself goes inside the encrypted context, not in the claim)",
        MOVEO_DOC;
    /// base64url where base64 is expected.
    MOVEO_CONTEXT_BASE64URL = "moveo.context.base64url", Error, Moveo,
        "context, encryption_key or init_vector is base64url (or unpadded) where standard base64 is expected",
        "encode with standard base64 with '=' padding (Node 'base64', not 'base64url'; Go StdEncoding, not URLEncoding)",
        MOVEO_DOC;
    /// Other base64 flaws.
    MOVEO_CONTEXT_BASE64 = "moveo.context.base64", Error, Moveo,
        "context, encryption_key or init_vector is not valid standard base64",
        "encode the raw bytes with standard base64 on one line (Ruby strict_encode64; no line breaks)",
        MOVEO_DOC;
    /// RSA with OAEP SHA-1.
    MOVEO_RSA_OAEP_SHA1 = "moveo.rsa.oaep_sha1", Error, Moveo,
        "the AES key or IV was encrypted with RSA-OAEP using SHA-1, not SHA-256",
        "use OAEP with SHA-256 (Node crypto.publicEncrypt defaults to SHA-1: pass oaepHash: 'sha256'; node-rsa 1.x ignores hash outside environment: 'browser'; PyCryptodome: hashAlgo=SHA256; Ruby: rsa_oaep_md sha256)",
        MOVEO_DOC;
    /// RSA with OAEP SHA-256 and MGF1-SHA1.
    MOVEO_RSA_OAEP_MGF1_SHA1 = "moveo.rsa.oaep_mgf1_sha1", Error, Moveo,
        "the AES key or IV was encrypted with RSA-OAEP using SHA-256 but MGF1 with SHA-1",
        "use MGF1-SHA-256 too (Java SunJCE: explicit OAEPParameterSpec with MGF1ParameterSpec.SHA256; Python: MGF1(SHA256()))",
        MOVEO_DOC;
    /// RSA with PKCS#1 v1.5.
    MOVEO_RSA_PKCS1V15 = "moveo.rsa.pkcs1v15", Error, Moveo,
        "the AES key or IV was encrypted with RSA PKCS#1 v1.5, not OAEP",
        "use RSA-OAEP with SHA-256 (PHP openssl_public_encrypt and python-rsa default to PKCS#1 v1.5)",
        MOVEO_DOC;
    /// RSA does not decrypt.
    MOVEO_RSA_UNDECRYPTABLE = "moveo.rsa.undecryptable", Error, Moveo,
        "the AES key or IV does not decrypt with the recipient's private key under any RSA scheme",
        "encrypt with the public key Moveo generated for your web integration, and send the base64 of the raw RSA output",
        MOVEO_DOC;
    /// AES key of the wrong size.
    MOVEO_AES_KEY_LENGTH = "moveo.aes.key_length", Error, Moveo,
        "the AES key is neither 16 nor 32 bytes",
        "use a random 32-byte key (AES-256, preferred) or 16 bytes (AES-128); 24 bytes (AES-192) is not accepted",
        MOVEO_DOC;
    /// AES key sent as text.
    MOVEO_AES_KEY_AS_TEXT = "moveo.aes.key_as_text", Error, Moveo,
        "the RSA-encrypted AES key is text (base64 or hex of the key), not the raw key bytes",
        "RSA-encrypt the raw key bytes (Node: a Buffer, not keyBase64; C#: Convert.FromBase64String, not Encoding.UTF8.GetBytes)",
        MOVEO_DOC;
    /// IV of the wrong size.
    MOVEO_AES_IV_LENGTH = "moveo.aes.iv_length", Error, Moveo,
        "the IV is not 16 bytes",
        "use 16 random bytes per token as the AES-CBC IV",
        MOVEO_DOC;
    /// IV sent as text.
    MOVEO_AES_IV_AS_TEXT = "moveo.aes.iv_as_text", Error, Moveo,
        "the RSA-encrypted IV is text (base64 or hex of the IV), not the raw IV bytes",
        "RSA-encrypt the raw 16 IV bytes, not their base64 or hex text",
        MOVEO_DOC;
    /// An all-zero IV.
    MOVEO_AES_IV_ZERO = "moveo.aes.iv_zero", Error, Moveo,
        "the IV is all zeros: a static IV makes equal contexts give equal ciphertexts",
        "draw 16 fresh random bytes per token (crypto.randomBytes(16), os.urandom(16))",
        MOVEO_DOC;
    /// The AES key of a published sample.
    MOVEO_AES_KEY_PUBLISHED = "moveo.aes.key_published", Error, Moveo,
        "the AES key is one printed in public documentation (the vendor's sample code): anyone can decrypt the context",
        "draw a fresh random 32-byte key for every token (Node crypto.randomBytes(32), Python os.urandom(32), Java SecureRandom, PHP random_bytes(32), .NET RandomNumberGenerator.GetBytes(32), Go crypto/rand.Read, Ruby SecureRandom.random_bytes(32)); never copy a sample's key",
        MOVEO_DOC;
    /// The IV of a published sample.
    MOVEO_AES_IV_PUBLISHED = "moveo.aes.iv_published", Error, Moveo,
        "the IV is one printed in public documentation (the vendor's sample code): a fixed IV known to everyone",
        "draw 16 fresh random bytes per token for the IV (crypto.randomBytes(16), os.urandom(16), SecureRandom, random_bytes(16), RandomNumberGenerator.GetBytes(16), crypto/rand.Read, SecureRandom.random_bytes(16))",
        MOVEO_DOC;
    /// An AES key that is printable text.
    MOVEO_AES_KEY_PRINTABLE = "moveo.aes.key_printable", Warning, Moveo,
        "the AES key is all printable ASCII: a password or a string literal, not random bytes (about 6.5 bits of entropy per byte at most, and usually a fixed value)",
        "draw the key's bytes from a secure random generator (Node crypto.randomBytes(32), Python os.urandom(32), Java SecureRandom, PHP random_bytes(32), .NET RandomNumberGenerator.GetBytes(32), Go crypto/rand.Read, Ruby SecureRandom.random_bytes(32)), not from a string",
        MOVEO_DOC;
    /// An IV that is printable text.
    MOVEO_AES_IV_PRINTABLE = "moveo.aes.iv_printable", Warning, Moveo,
        "the IV is all printable ASCII: a string literal, not random bytes, so likely the same in every token",
        "draw 16 random bytes per token (Node crypto.randomBytes(16), Python os.urandom(16), Java SecureRandom, PHP random_bytes(16), .NET RandomNumberGenerator.GetBytes(16), Go crypto/rand.Read, Ruby SecureRandom.random_bytes(16))",
        MOVEO_DOC;
    /// Ciphertext of an impossible length.
    MOVEO_CONTEXT_LENGTH = "moveo.context.length", Error, Moveo,
        "the context ciphertext is empty or not a whole number of 16-byte AES blocks",
        "send the whole AES-CBC output (with PKCS#7 padding, never NoPadding) base64-encoded once",
        MOVEO_DOC;
    /// Bad PKCS#7 padding.
    MOVEO_CONTEXT_PADDING = "moveo.context.padding", Error, Moveo,
        "the decrypted context does not end in valid PKCS#7 padding",
        "encrypt with AES-CBC and PKCS#7 (PKCS5Padding) padding of 1 to 16 bytes, always (Go and raw hazmat APIs need it added by hand; .NET PaddingMode.PKCS7)",
        "RFC 5652 §6.3; Moveo.AI, User authentication: Passing Sensitive Data";
    /// Context not a JSON object.
    MOVEO_CONTEXT_JSON = "moveo.context.json", Error, Moveo,
        "the decrypted context is not a UTF-8 JSON object",
        "encrypt the UTF-8 bytes of JSON.stringify(contextObject) (not the object's string form, nor double-base64)",
        MOVEO_DOC;
    /// Context decrypted for diagnosis only.
    MOVEO_CONTEXT_UNVERIFIED = "moveo.context.unverified", Info, Moveo,
        "the context was decrypted only to diagnose it: the signature was not verified, and a receiver must not use (or even decrypt) a context before verifying",
        "fix the signature first; findings about the context are then confirmed on a verified token",
        "profiles.md: the signature protects the unauthenticated AES-CBC context (padding oracle)";
    /// Content key wrapped under an OAEP label.
    JWE_KEY_OAEP_LABEL = "jwe.key.oaep_label", Error, Iadvize,
        "the content key was encrypted with RSA-OAEP-SHA256 under a non-empty OAEP label; RSA-OAEP-256 uses the empty label",
        "pass no label (nil, null or empty) to the OAEP encryption; a label copied from an example makes every receiver fail",
        "RFC 7518 §4.3; RFC 8017 §7.1.1";
    /// Moveo key or IV wrapped under an OAEP label.
    MOVEO_RSA_OAEP_LABEL = "moveo.rsa.oaep_label", Error, Moveo,
        "the AES key or IV was encrypted with RSA-OAEP-SHA256 under a non-empty OAEP label; the receiver uses the empty label",
        "pass no label (nil, null or empty) to the OAEP encryption; a label copied from an example makes every receiver fail",
        "RFC 8017 §7.1.1; Moveo.AI, User authentication: Passing Sensitive Data";
    /// A context claim base64-encoded twice.
    MOVEO_CONTEXT_BASE64_TWICE = "moveo.context.base64_twice", Error, Moveo,
        "a context claim is the base64 of base64 text: the bytes were encoded twice",
        "base64-encode the raw bytes once: the cipher's or RSA's raw output, not text an API already encoded",
        MOVEO_DOC;
    /// The AES key or IV's text used as the key or IV.
    MOVEO_AES_TEXT_TRUNCATED = "moveo.aes.text_truncated", Error, Moveo,
        "the context was encrypted under the key's or IV's text cut or zero-padded to the AES size, not under the bytes that text encodes",
        "decode the key and IV to raw bytes (32 and 16) before encrypting, and RSA-encrypt those same bytes",
        MOVEO_DOC;
    /// Key and IV in each other's claims.
    MOVEO_AES_KEY_IV_SWAPPED = "moveo.aes.key_iv_swapped", Error, Moveo,
        "encryption_key holds the IV and init_vector holds the key",
        "put the RSA-encrypted AES key in encryption_key and the RSA-encrypted IV in init_vector",
        MOVEO_DOC;
    /// AES-ECB instead of AES-CBC.
    MOVEO_AES_ECB = "moveo.aes.ecb", Error, Moveo,
        "the context was encrypted with AES-ECB, not AES-CBC: the IV was never used, and equal blocks give equal ciphertext",
        "encrypt with AES-CBC and PKCS#7 padding under the IV you send",
        MOVEO_DOC;
    /// IV sent in front of the context ciphertext.
    MOVEO_CONTEXT_IV_PREPENDED = "moveo.context.iv_prepended", Error, Moveo,
        "the context ciphertext starts with the IV: a receiver decrypts its first block to garbage",
        "send only the AES-CBC output in context; the IV goes, RSA-encrypted, in init_vector",
        MOVEO_DOC;
    /// RSASSA-PKCS1-v1_5 under another hash.
    JWS_SIGNATURE_HASH = "jws.signature.hash", Error, Both,
        "the signature is RSASSA-PKCS1-v1_5 with another hash than SHA-256 (RS256 is SHA-256)",
        "sign with SHA-256: alg RS256 in the JOSE library, or SHA256withRSA where RSA is called directly",
        "RFC 7518 §3.3";
    /// The signature's text, encoded again.
    JWS_SIGNATURE_ENCODED = "jws.signature.encoded", Error, Both,
        "the signature segment holds the signature's hex or base64 text, encoded again, not the signature's bytes",
        "base64url-encode the raw signature bytes once",
        "RFC 7515 §7.1";
}

/// Looks a rule up by id.
pub fn by_id(id: &str) -> Option<&'static Rule> {
    ALL.iter().find(|r| r.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_namespaced() {
        let mut ids: Vec<_> = ALL.iter().map(|r| r.id).collect();
        ids.sort();
        let n = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), n, "duplicate rule id");
        for rule in ALL {
            assert!(rule.id.contains('.'), "{} is not namespaced", rule.id);
            assert!(!rule.message.is_empty() && !rule.fix.is_empty() && !rule.reference.is_empty());
        }
    }
}
