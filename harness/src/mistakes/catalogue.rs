//! The table of mistakes: one entry each, in the order `checks` lists
//! them. Sources are issue threads and library docs (`mistakes.md` in the
//! design notes gathers them); a fix names the call to change in that
//! language's usual libraries.

use super::Lang::{Dotnet, Go, Java, Node, Php, Python, Ruby};
use super::{Layer, Mistake, Status};
use crate::rules as r;

// ---- RSA unwrap: the JWE content key, the moveo key and IV ----

/// `rsa.oaep_sha1`.
pub const RSA_OAEP_SHA1: Mistake = Mistake {
    id: "rsa.oaep_sha1",
    layer: Layer::RsaUnwrap,
    rules: &[r::MOVEO_RSA_OAEP_SHA1, r::JWE_KEY_OAEP_SHA1],
    status: Status::Confirmed,
    shown_by_rule: true,
    trial: "decrypt with RSA-OAEP under SHA-1 and MGF1-SHA-1",
    message: "the RSA encryption used OAEP's default hash, SHA-1 (for the label and MGF1), not SHA-256",
    fixes: &[
        (Node, "crypto.publicEncrypt({key, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256'}, data): without oaepHash it is SHA-1 (node-rsa ignores encryptionScheme.hash under Node)"),
        (Python, "PyCryptodome PKCS1_OAEP.new(key, hashAlgo=SHA256) (its default is SHA-1); cryptography: padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)"),
        (Java, "Cipher.getInstance(\"RSA/ECB/OAEPPadding\") initialised with new OAEPParameterSpec(\"SHA-256\", \"MGF1\", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT); OAEPWithSHA-1AndMGF1Padding and a bare OAEPPadding are SHA-1"),
        (Php, "openssl_public_encrypt's OPENSSL_PKCS1_OAEP_PADDING is SHA-1 only (before PHP 8.5), and phpseclib 2 defaults to SHA-1: use phpseclib3 PublicKeyLoader::load($pem)->withPadding(RSA::ENCRYPTION_OAEP)->withHash('sha256')->withMGFHash('sha256')->encrypt($data)"),
        (Dotnet, "RSA.Create() then rsa.Encrypt(data, RSAEncryptionPadding.OaepSHA256); OaepSHA1 and Encrypt(data, true) are SHA-1"),
        (Go, "rsa.EncryptOAEP(sha256.New(), rand.Reader, pub, data, nil), not sha1.New()"),
        (Ruby, "pub.encrypt(data, {\"rsa_padding_mode\" => \"oaep\", \"rsa_oaep_md\" => \"sha256\", \"rsa_mgf1_md\" => \"sha256\"}); public_encrypt(data, PKCS1_OAEP_PADDING) is SHA-1"),
    ],
    source: "nodejs/node PR #32340; rzcoder/node-rsa #106; pycryptodome PR #912; ruby/openssl PR #382; php-src PR #19223",
};

/// `rsa.oaep_mgf1_sha1`.
pub const RSA_OAEP_MGF1_SHA1: Mistake = Mistake {
    id: "rsa.oaep_mgf1_sha1",
    layer: Layer::RsaUnwrap,
    rules: &[r::MOVEO_RSA_OAEP_MGF1_SHA1, r::JWE_KEY_OAEP_MGF1_SHA1],
    status: Status::Confirmed,
    shown_by_rule: true,
    trial: "decrypt with RSA-OAEP under SHA-256 for the label and SHA-1 for MGF1",
    message: "OAEP with SHA-256 but MGF1 with SHA-1: Java's OAEPWithSHA-256AndMGF1Padding on the SunJCE provider, or an MGF1(SHA1) copied from it",
    fixes: &[
        (Java, "pass the parameters explicitly: new OAEPParameterSpec(\"SHA-256\", \"MGF1\", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT) (SunJCE uses MGF1-SHA-1 without them, BouncyCastle MGF1-SHA-256)"),
        (Python, "padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None): MGF1(SHA1()) is the mismatch"),
        (Node, "crypto.publicEncrypt with oaepHash: 'sha256' sets both hashes; node-forge: {md: forge.md.sha256.create(), mgf1: {md: forge.md.sha256.create()}}"),
        (Php, "phpseclib 2 defaults both hashes to SHA-1: setHash('sha256') and setMGFHash('sha256'); phpseclib3: ->withHash('sha256')->withMGFHash('sha256')"),
        (Dotnet, "RSAEncryptionPadding.OaepSHA256 (both SHA-256); BouncyCastle: new OaepEncoding(new RsaEngine(), new Sha256Digest(), new Sha256Digest(), null)"),
        (Ruby, "add \"rsa_mgf1_md\" => \"sha256\" beside \"rsa_oaep_md\" => \"sha256\""),
    ],
    source: "Stack Overflow 32161720; bc-java #1033; pyca/cryptography #1663; cisco/node-jose #76",
};

/// `rsa.pkcs1v15`.
pub const RSA_PKCS1V15: Mistake = Mistake {
    id: "rsa.pkcs1v15",
    layer: Layer::RsaUnwrap,
    rules: &[r::MOVEO_RSA_PKCS1V15, r::JWE_KEY_PKCS1V15],
    status: Status::Confirmed,
    shown_by_rule: true,
    trial: "decrypt with RSAES-PKCS1-v1_5",
    message: "the RSA encryption used PKCS#1 v1.5 padding, the default of many RSA calls, not OAEP",
    fixes: &[
        (Node, "crypto.publicEncrypt({key, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256'}, data), not RSA_PKCS1_PADDING (nor JSEncrypt, which is PKCS#1 v1.5 only)"),
        (Python, "PyCryptodome PKCS1_OAEP.new(key, hashAlgo=SHA256), not PKCS1_v1_5; python-rsa's rsa.encrypt is PKCS#1 v1.5 only"),
        (Java, "\"RSA\" and \"RSA/ECB/PKCS1Padding\" are PKCS#1 v1.5: use \"RSA/ECB/OAEPPadding\" with OAEPParameterSpec(\"SHA-256\", \"MGF1\", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT)"),
        (Php, "openssl_public_encrypt defaults to OPENSSL_PKCS1_PADDING: use phpseclib3 ->withPadding(RSA::ENCRYPTION_OAEP)->withHash('sha256')->withMGFHash('sha256')"),
        (Dotnet, "rsa.Encrypt(data, RSAEncryptionPadding.OaepSHA256), not RSAEncryptionPadding.Pkcs1 or RSACryptoServiceProvider.Encrypt(data, false)"),
        (Go, "rsa.EncryptOAEP(sha256.New(), rand.Reader, pub, data, nil), not rsa.EncryptPKCS1v15"),
        (Ruby, "pub.encrypt(data, {\"rsa_padding_mode\" => \"oaep\", \"rsa_oaep_md\" => \"sha256\", \"rsa_mgf1_md\" => \"sha256\"}); public_encrypt(data) is PKCS#1 v1.5"),
    ],
    source: "python-rsa #68; php manual openssl_public_encrypt",
};

/// `rsa.oaep_label`.
pub const RSA_OAEP_LABEL: Mistake = Mistake {
    id: "rsa.oaep_label",
    layer: Layer::RsaUnwrap,
    rules: &[r::MOVEO_RSA_OAEP_LABEL, r::JWE_KEY_OAEP_LABEL],
    status: Status::Confirmed,
    shown_by_rule: false,
    trial: "undo the RSA and the OAEP-SHA256 masking by hand: a well-formed block whose label hash is not the empty label's, named when it is a label seen in examples (\"orders\", \"label\", …)",
    message: "the RSA-OAEP-SHA256 encryption was given a label (Go's crypto/rsa example passes []byte(\"orders\")); receivers use the empty label",
    fixes: &[
        (Go, "rsa.EncryptOAEP(sha256.New(), rand.Reader, pub, data, nil): the label []byte(\"orders\") comes from the crypto/rsa example"),
        (Python, "padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None); PyCryptodome PKCS1_OAEP.new(key, hashAlgo=SHA256) without label="),
        (Java, "PSource.PSpecified.DEFAULT in the OAEPParameterSpec, not new PSource.PSpecified(label)"),
        (Node, "crypto.publicEncrypt without oaepLabel"),
        (Php, "phpseclib3 without ->withLabel(...)"),
        (Dotnet, "RSAEncryptionPadding.OaepSHA256 has no label; BouncyCastle: new OaepEncoding(engine, new Sha256Digest(), new Sha256Digest(), null)"),
        (Ruby, "no \"rsa_oaep_label\" option in pub.encrypt"),
    ],
    source: "pkg.go.dev crypto/rsa, ExampleEncryptOAEP; RFC 8017 §7.1.1",
};

// ---- Encoding ----

/// `encoding.base64_twice`.
pub const ENCODING_BASE64_TWICE: Mistake = Mistake {
    id: "encoding.base64_twice",
    layer: Layer::Encoding,
    rules: &[r::MOVEO_CONTEXT_BASE64_TWICE],
    status: Status::Confirmed,
    shown_by_rule: false,
    trial: "decode the claim's base64 a second time; the bytes then decrypt (context) or are the RSA key's size and decrypt (key, IV)",
    message: "the bytes were base64-encoded twice: an API that already returns base64 (PHP openssl_encrypt without OPENSSL_RAW_DATA) was encoded again",
    fixes: &[
        (Php, "openssl_encrypt($json, 'aes-256-cbc', $key, OPENSSL_RAW_DATA, $iv), then base64_encode once: without OPENSSL_RAW_DATA the result is already base64"),
        (Node, "Buffer.concat([cipher.update(json, 'utf8'), cipher.final()]).toString('base64') once, not update(json, 'utf8', 'base64') encoded again"),
        (Python, "base64.b64encode(ciphertext) once, not of text that is already base64"),
        (Java, "Base64.getEncoder().encodeToString(cipher.doFinal(bytes)) once"),
        (Dotnet, "Convert.ToBase64String(ciphertext) once, not of Encoding.UTF8.GetBytes(alreadyBase64)"),
        (Go, "base64.StdEncoding.EncodeToString(ciphertext) once"),
        (Ruby, "Base64.strict_encode64(ciphertext) once"),
    ],
    source: "openNDS #308; php manual openssl_encrypt",
};

/// `encoding.context_base64url`.
pub const ENCODING_CONTEXT_BASE64URL: Mistake = Mistake {
    id: "encoding.context_base64url",
    layer: Layer::Encoding,
    rules: &[r::MOVEO_CONTEXT_BASE64URL],
    status: Status::Confirmed,
    shown_by_rule: true,
    trial: "decode the context claims as base64url",
    message: "the context claims were encoded with the URL-safe base64 alphabet (and no padding), as JOSE segments are; these claims are standard base64",
    fixes: &[
        (Node, "buf.toString('base64'), not 'base64url'"),
        (Python, "base64.b64encode(b).decode(), not urlsafe_b64encode"),
        (Java, "Base64.getEncoder(), not getUrlEncoder()"),
        (Php, "base64_encode($bytes), not a base64url helper"),
        (Dotnet, "Convert.ToBase64String(bytes), not Base64UrlEncoder.Encode"),
        (Go, "base64.StdEncoding.EncodeToString(b), not URLEncoding or RawURLEncoding"),
        (Ruby, "Base64.strict_encode64(b), not urlsafe_encode64"),
    ],
    source: "auth0/java-jwt #721",
};

/// `encoding.segment_padding`.
pub const ENCODING_SEGMENT_PADDING: Mistake = Mistake {
    id: "encoding.segment_padding",
    layer: Layer::Encoding,
    rules: &[r::B64_PADDING],
    status: Status::Confirmed,
    shown_by_rule: true,
    trial: "find '=' at the end of a segment",
    message: "the segments were encoded with padded base64url, where JOSE strips the '='",
    fixes: &[
        (Node, "buf.toString('base64url') (it has no '=')"),
        (Python, "base64.urlsafe_b64encode(b).rstrip(b'=')"),
        (Java, "Base64.getUrlEncoder().withoutPadding()"),
        (Php, "rtrim(strtr(base64_encode($b), '+/', '-_'), '=')"),
        (
            Dotnet,
            "Base64UrlEncoder.Encode(bytes) (Microsoft.IdentityModel.Tokens)",
        ),
        (Go, "base64.RawURLEncoding, not URLEncoding"),
        (Ruby, "Base64.urlsafe_encode64(b, padding: false)"),
    ],
    source: "RFC 7515 Appendix C",
};

/// `encoding.line_breaks`.
pub const ENCODING_LINE_BREAKS: Mistake = Mistake {
    id: "encoding.line_breaks",
    layer: Layer::Encoding,
    rules: &[r::B64_WHITESPACE],
    status: Status::Confirmed,
    shown_by_rule: true,
    trial: "find whitespace inside a segment",
    message: "a MIME-style base64 encoder wrapped the text in lines",
    fixes: &[
        (Ruby, "Base64.strict_encode64 or urlsafe_encode64, not encode64 (a newline every 60 characters)"),
        (Java, "Base64.getUrlEncoder(), not getMimeEncoder()"),
        (Python, "base64.b64encode, not encodebytes (a newline every 76 characters)"),
        (Dotnet, "Convert.ToBase64String(bytes) without Base64FormattingOptions.InsertLineBreaks"),
        (Php, "no chunk_split on token parts (it is for PEM bodies)"),
    ],
    source: "mistakes: Ruby Base64.encode64",
};

// ---- Symmetric decryption: the moveo context ----

/// `aes.key_text_truncated`.
pub const AES_KEY_TEXT_TRUNCATED: Mistake = Mistake {
    id: "aes.key_text_truncated",
    layer: Layer::SymmetricDecrypt,
    rules: &[r::MOVEO_AES_TEXT_TRUNCATED],
    status: Status::Confirmed,
    shown_by_rule: false,
    trial: "decrypt again under the key's (and the IV's) text itself, cut or zero-padded to 16, 24 or 32 bytes (16 for the IV), as PHP's openssl_encrypt does without a word",
    message: "the key (or IV) was handed to the cipher as its base64 or hex text, which the library cut or zero-padded to the AES size instead of decoding",
    fixes: &[
        (Php, "$key = base64_decode($keyB64, true) (32 raw bytes) before openssl_encrypt: a key of the wrong length is cut or NUL-padded without an error"),
        (Ruby, "cipher.key = Base64.strict_decode64(key_b64) (Ruby before 2.4 cut an over-long key silently)"),
        (Node, "createCipheriv('aes-256-cbc', Buffer.from(keyB64, 'base64'), iv): a string key is taken as its UTF-8 bytes"),
        (Python, "key = base64.b64decode(key_b64) (32 bytes) for AES, not key_b64.encode()[:32]"),
        (Java, "new SecretKeySpec(Base64.getDecoder().decode(keyB64), \"AES\"), not Arrays.copyOf(keyText.getBytes(), 32)"),
        (Dotnet, "aes.Key = Convert.FromBase64String(keyB64), not Encoding.UTF8.GetBytes(keyText) cut to size"),
        (Go, "key, err := base64.StdEncoding.DecodeString(keyB64); aes.NewCipher(key), not []byte(keyText)[:32]"),
    ],
    source: "php manual openssl_encrypt; ruby/openssl #116",
};

/// `aes.key_iv_swapped`.
pub const AES_KEY_IV_SWAPPED: Mistake = Mistake {
    id: "aes.key_iv_swapped",
    layer: Layer::SymmetricDecrypt,
    rules: &[r::MOVEO_AES_KEY_IV_SWAPPED],
    status: Status::Confirmed,
    shown_by_rule: false,
    trial: "decrypt with the IV as the key and the key as the IV (both 16 bytes)",
    message: "the key and the IV went into each other's claims, or each other's argument",
    fixes: &[
        (Node, "crypto.createCipheriv('aes-128-cbc', key, iv): key second, IV third; encryption_key carries the key"),
        (Python, "Cipher(algorithms.AES(key), modes.CBC(iv)); PyCryptodome AES.new(key, AES.MODE_CBC, iv)"),
        (Java, "cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, \"AES\"), new IvParameterSpec(iv))"),
        (Php, "openssl_encrypt($data, 'aes-128-cbc', $key, OPENSSL_RAW_DATA, $iv): key third, IV fifth"),
        (Dotnet, "aes.Key = key; then aes.EncryptCbc(data, iv)"),
        (Go, "block, _ := aes.NewCipher(key); cipher.NewCBCEncrypter(block, iv)"),
        (Ruby, "cipher.key = key; cipher.iv = iv"),
    ],
    source: "receiver-observable: the swapped pair decrypts",
};

/// `aes.ecb`.
pub const AES_ECB: Mistake = Mistake {
    id: "aes.ecb",
    layer: Layer::SymmetricDecrypt,
    rules: &[r::MOVEO_AES_ECB],
    status: Status::Confirmed,
    shown_by_rule: false,
    trial: "decrypt each block with AES alone (ECB), ignoring the IV",
    message: "the context was encrypted in ECB mode (Java's Cipher.getInstance(\"AES\") is AES/ECB/PKCS5Padding)",
    fixes: &[
        (Java, "Cipher.getInstance(\"AES/CBC/PKCS5Padding\") with new IvParameterSpec(iv); \"AES\" alone means ECB"),
        (Dotnet, "aes.EncryptCbc(data, iv), or aes.Mode = CipherMode.CBC; CipherMode.ECB ignores the IV"),
        (Php, "openssl_encrypt with 'aes-256-cbc', not 'aes-256-ecb'"),
        (Node, "crypto.createCipheriv('aes-256-cbc', key, iv), not 'aes-256-ecb'"),
        (Python, "modes.CBC(iv), not modes.ECB(); PyCryptodome AES.MODE_CBC, not MODE_ECB"),
        (Go, "cipher.NewCBCEncrypter(block, iv).CryptBlocks, not block.Encrypt on each 16 bytes"),
        (Ruby, "OpenSSL::Cipher.new('aes-256-cbc'), not 'aes-256-ecb'"),
    ],
    source: "TEAMMATES #6806",
};

/// `aes.iv_prepended`.
pub const AES_IV_PREPENDED: Mistake = Mistake {
    id: "aes.iv_prepended",
    layer: Layer::SymmetricDecrypt,
    rules: &[r::MOVEO_CONTEXT_IV_PREPENDED],
    status: Status::Confirmed,
    shown_by_rule: false,
    trial: "drop the first block of the decrypted context: the rest is the JSON object",
    message: "the IV was written in front of the ciphertext, as many encryption examples do, although it travels in init_vector",
    fixes: &[
        (Go, "the crypto/cipher example allocates aes.BlockSize+len(plaintext) with the IV first: send ciphertext[aes.BlockSize:]"),
        (Python, "send the ciphertext alone, not iv + ciphertext (PyCryptodome examples prepend cipher.iv)"),
        (Node, "send Buffer.concat([cipher.update(json), cipher.final()]) alone, not Buffer.concat([iv, ...])"),
        (Java, "send cipher.doFinal(bytes) alone, not the IV followed by it"),
        (Php, "base64_encode($ciphertext), not base64_encode($iv . $ciphertext)"),
        (Dotnet, "send the encrypted bytes alone; do not write aes.IV to the stream first"),
        (Ruby, "send cipher.update(json) + cipher.final, not iv + that"),
    ],
    source: "pkg.go.dev crypto/cipher, ExampleNewCBCEncrypter",
};

/// `aes.zero_padding`.
pub const AES_ZERO_PADDING: Mistake = Mistake {
    id: "aes.zero_padding",
    layer: Layer::SymmetricDecrypt,
    rules: &[r::MOVEO_CONTEXT_PADDING],
    status: Status::Confirmed,
    shown_by_rule: false,
    trial: "decrypt without removing padding: the JSON object is followed by NUL bytes",
    message: "the context was padded with zero bytes, not PKCS#7",
    fixes: &[
        (Dotnet, "aes.Padding = PaddingMode.PKCS7 (the default), not PaddingMode.Zeros"),
        (Php, "openssl_encrypt with OPENSSL_RAW_DATA only: OPENSSL_ZERO_PADDING turns padding off, and NUL-filled input is not PKCS#7"),
        (Python, "padder = padding.PKCS7(128).padder(), not ljust(..., b'\\0')"),
        (Java, "AES/CBC/PKCS5Padding, not NoPadding over zero-filled input"),
        (Go, "append n bytes of value n (1 to 16), not zeros"),
        (Node, "keep cipher.setAutoPadding(true) (the default) rather than zero-filling"),
        (Ruby, "keep cipher.padding = 1 (PKCS#7) rather than NUL-filling"),
    ],
    source: "mistakes: .NET PaddingMode.Zeros",
};

/// `aes.no_padding`.
pub const AES_NO_PADDING: Mistake = Mistake {
    id: "aes.no_padding",
    layer: Layer::SymmetricDecrypt,
    rules: &[r::MOVEO_CONTEXT_PADDING],
    status: Status::Confirmed,
    shown_by_rule: false,
    trial: "decrypt without removing padding: the whole plaintext is the JSON object, with no padding block",
    message: "no padding was added because the plaintext was already whole blocks (Go code that pads only when unaligned, or a NoPadding cipher)",
    fixes: &[
        (Go, "always pad: a plaintext of whole blocks gets a full block of sixteen 0x10 bytes"),
        (Java, "AES/CBC/PKCS5Padding, not AES/CBC/NoPadding"),
        (Python, "always run padding.PKCS7(128).padder(), even for a plaintext of whole blocks"),
        (Php, "drop OPENSSL_ZERO_PADDING (it disables padding)"),
        (Dotnet, "aes.Padding = PaddingMode.PKCS7, not PaddingMode.None"),
        (Node, "do not call cipher.setAutoPadding(false)"),
        (Ruby, "do not set cipher.padding = 0"),
    ],
    source: "golang/go #24402; pyca/cryptography #3387",
};

/// `aes.other_padding`.
pub const AES_OTHER_PADDING: Mistake = Mistake {
    id: "aes.other_padding",
    layer: Layer::SymmetricDecrypt,
    rules: &[r::MOVEO_CONTEXT_PADDING],
    status: Status::Confirmed,
    shown_by_rule: false,
    trial: "decrypt without removing padding: the last byte counts the padding, but the bytes before it are zeros or random (ANSI X9.23, ISO 10126)",
    message: "the context was padded with ANSI X9.23 or ISO 10126 padding, not PKCS#7",
    fixes: &[
        (Dotnet, "aes.Padding = PaddingMode.PKCS7, not PaddingMode.ANSIX923 or ISO10126"),
        (Java, "AES/CBC/PKCS5Padding, not ISO10126Padding"),
        (Python, "padding.PKCS7(128), not padding.ANSIX923(128)"),
        (Go, "pad with n bytes of value n"),
        (Php, "let openssl_encrypt pad (no OPENSSL_ZERO_PADDING)"),
    ],
    source: "receiver-observable: the padding's last byte is right, the others are not",
};

/// `aes.iv_zero`.
pub const AES_IV_ZERO: Mistake = Mistake {
    id: "aes.iv_zero",
    layer: Layer::SymmetricDecrypt,
    rules: &[r::MOVEO_AES_IV_ZERO],
    status: Status::Confirmed,
    shown_by_rule: true,
    trial: "read the decrypted IV",
    message: "the IV buffer was allocated but never filled with random bytes",
    fixes: &[
        (Go, "iv := make([]byte, aes.BlockSize); then io.ReadFull(rand.Reader, iv) (crypto/rand): make alone leaves zeros"),
        (Java, "byte[] iv = new byte[16]; new SecureRandom().nextBytes(iv): new byte[16] alone is zeros"),
        (Dotnet, "RandomNumberGenerator.GetBytes(16) or aes.GenerateIV(), not new byte[16]"),
        (Node, "crypto.randomBytes(16), not Buffer.alloc(16)"),
        (Python, "os.urandom(16), not bytes(16)"),
        (Php, "random_bytes(16), not str_repeat(\"\\0\", 16)"),
        (Ruby, "cipher.random_iv, not \"\\0\" * 16"),
    ],
    source: "wazuh #4378",
};

/// `aes.secret_as_text`.
pub const AES_SECRET_AS_TEXT: Mistake = Mistake {
    id: "aes.secret_as_text",
    layer: Layer::SymmetricDecrypt,
    rules: &[r::MOVEO_AES_KEY_AS_TEXT, r::MOVEO_AES_IV_AS_TEXT],
    status: Status::Confirmed,
    shown_by_rule: true,
    trial: "decode the decrypted key or IV as base64 or hex text",
    message: "the key or IV was RSA-encrypted as its base64 or hex text, not as its bytes",
    fixes: &[
        (Node, "crypto.publicEncrypt(options, keyBuffer): the Buffer from randomBytes, not Buffer.from(keyBase64)"),
        (Python, "encrypt key (the bytes from os.urandom), not base64.b64encode(key)"),
        (Java, "cipher.doFinal(keyBytes) (secretKey.getEncoded()), not keyBase64.getBytes()"),
        (Php, "encrypt the raw random_bytes(32), not base64_encode or bin2hex of it"),
        (Dotnet, "rsa.Encrypt(aes.Key, ...), not Encoding.UTF8.GetBytes(Convert.ToBase64String(aes.Key))"),
        (Go, "rsa.EncryptOAEP(..., key, nil) with the key bytes, not []byte(hex.EncodeToString(key))"),
        (Ruby, "pub.encrypt(key, ...) with the bytes from cipher.random_key, not Base64.strict_encode64(key)"),
    ],
    source: "nodejs/node #6696; Stack Overflow 2919228",
};

// ---- Plaintext: the context JSON, the JWE payload ----

/// `context.ruby_inspect`.
pub const CONTEXT_RUBY_INSPECT: Mistake = Mistake {
    id: "context.ruby_inspect",
    layer: Layer::Plaintext,
    rules: &[r::MOVEO_CONTEXT_JSON],
    status: Status::Confirmed,
    shown_by_rule: false,
    trial: "read the plaintext as Ruby's Hash#inspect ({:user=>…} or {\"user\"=>…}) and find the JSON object it prints",
    message: "the context was Ruby's Hash#to_s (or inspect, or string interpolation), not JSON",
    fixes: &[(Ruby, "JSON.generate(context) or context.to_json (require 'json'), not context.to_s, inspect or \"#{context}\"")],
    source: "receiver-observable: => and :symbols in the plaintext",
};

/// `context.python_repr`.
pub const CONTEXT_PYTHON_REPR: Mistake = Mistake {
    id: "context.python_repr",
    layer: Layer::Plaintext,
    rules: &[r::MOVEO_CONTEXT_JSON],
    status: Status::Confirmed,
    shown_by_rule: false,
    trial: "read the plaintext as a Python literal ({'user': True, …}) and find the JSON object it prints",
    message: "the context was Python's str() or repr() of a dict, not JSON",
    fixes: &[(Python, "json.dumps(context).encode('utf-8'), not str(context), repr(context) or an f-string")],
    source: "receiver-observable: single quotes, True, False, None",
};

/// `context.json_in_string`.
pub const CONTEXT_JSON_IN_STRING: Mistake = Mistake {
    id: "context.json_in_string",
    layer: Layer::Plaintext,
    rules: &[r::MOVEO_CONTEXT_JSON, r::IADVIZE_NOT_JWS],
    status: Status::Confirmed,
    shown_by_rule: false,
    trial: "parse the plaintext as a JSON string and what it holds (a JSON object, or the compact JWS)",
    message: "what was encrypted was serialized to JSON twice: a JSON string whose text is the object (or the JWS)",
    fixes: &[
        (Node, "JSON.stringify(object) once: stringify of a string quotes it again"),
        (Python, "json.dumps(the_dict) once, not of a str that is already JSON"),
        (Java, "objectMapper.writeValueAsString(map) once (of a String it adds quotes)"),
        (Php, "json_encode($array) once, not of a JSON string"),
        (Dotnet, "JsonSerializer.Serialize(obj) once; jose-jwt: pass the compact JWS string as the payload, not an object holding it"),
        (Go, "json.Marshal(m) of the map or struct, not of a string"),
        (Ruby, "hash.to_json once, not json_string.to_json"),
    ],
    source: "jose-jwt #151",
};

/// `context.stringified`.
pub const CONTEXT_STRINGIFIED: Mistake = Mistake {
    id: "context.stringified",
    layer: Layer::Plaintext,
    rules: &[r::MOVEO_CONTEXT_JSON],
    status: Status::Confirmed,
    shown_by_rule: false,
    trial: "recognise a language's default string form of an object: [object Object] (JavaScript), {key=value, …} (Java and Kotlin maps), map[key:value] (Go's fmt), Array, print_r or serialize output (PHP), a .NET type name",
    message: "the context object was turned into text by the language's default string conversion, not serialized as JSON",
    fixes: &[
        (Node, "JSON.stringify(context): String(context) and template literals give \"[object Object]\""),
        (Java, "new ObjectMapper().writeValueAsString(context) (Jackson) or Gson's toJson: Map.toString() gives {key=value}"),
        (Go, "json.Marshal(context): fmt.Sprint and %v give map[key:value]"),
        (Php, "json_encode($context): (string) $array is \"Array\", and print_r or serialize are not JSON"),
        (Dotnet, "JsonSerializer.Serialize(context): ToString() on a dictionary or object gives its type name"),
        (Python, "json.dumps(context)"),
        (Ruby, "JSON.generate(context)"),
    ],
    source: "receiver-observable: the plaintext is a language's default string form",
};

/// `context.utf16`.
pub const CONTEXT_UTF16: Mistake = Mistake {
    id: "context.utf16",
    layer: Layer::Plaintext,
    rules: &[r::MOVEO_CONTEXT_JSON],
    status: Status::Confirmed,
    shown_by_rule: false,
    trial: "read the plaintext as UTF-16 (little- or big-endian) and parse the JSON object",
    message:
        "the JSON text was encoded as UTF-16 (.NET's Encoding.Unicode, Java's UTF_16), not UTF-8",
    fixes: &[
        (
            Dotnet,
            "Encoding.UTF8.GetBytes(json), not Encoding.Unicode or BigEndianUnicode",
        ),
        (
            Java,
            "json.getBytes(StandardCharsets.UTF_8), not UTF_16 or the platform default",
        ),
        (Node, "Buffer.from(json, 'utf8'), not 'utf16le'"),
        (Python, "json.dumps(obj).encode('utf-8'), not 'utf-16'"),
    ],
    source: "receiver-observable: every other byte is zero",
};

// ---- Signature ----

/// `jws.pss_padding`.
pub const JWS_PSS_PADDING: Mistake = Mistake {
    id: "jws.pss_padding",
    layer: Layer::Signature,
    rules: &[r::JWS_SIGNATURE_PSS],
    status: Status::Confirmed,
    shown_by_rule: false,
    trial: "verify as RSASSA-PSS with SHA-256 (salt of the digest's length, the largest, none) while the header says RS256",
    message: "the code calls RSA directly with PSS padding under an RS256 header",
    fixes: &[
        (Node, "crypto.sign('sha256', input, {key, padding: crypto.constants.RSA_PKCS1_PADDING}), not RSA_PKCS1_PSS_PADDING"),
        (Python, "key.sign(input, padding.PKCS1v15(), hashes.SHA256()), not padding.PSS(...)"),
        (Java, "Signature.getInstance(\"SHA256withRSA\"), not RSASSA-PSS or SHA256withRSA/PSS"),
        (Php, "openssl_sign($input, $sig, $key, OPENSSL_ALGO_SHA256); phpseclib3 signs PSS by default: ->withPadding(RSA::SIGNATURE_PKCS1)->withHash('sha256')"),
        (Dotnet, "rsa.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1), not RSASignaturePadding.Pss"),
        (Go, "rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, digest[:]), not rsa.SignPSS"),
        (Ruby, "key.sign('SHA256', input), not key.sign_pss"),
    ],
    source: "RFC 7518 §3.3 and §3.5",
};

/// `jws.ps256_chosen`.
pub const JWS_PS256_CHOSEN: Mistake = Mistake {
    id: "jws.ps256_chosen",
    layer: Layer::Signature,
    rules: &[r::JWS_SIGNATURE_PSS, r::JWS_ALG_UNEXPECTED],
    status: Status::Confirmed,
    shown_by_rule: false,
    trial: "verify as RSASSA-PSS with SHA-256 under a header that says PS256",
    message: "the JOSE library was asked for PS256; the profile takes RS256",
    fixes: &[
        (Node, "jose: new SignJWT(claims).setProtectedHeader({alg: 'RS256'}); jsonwebtoken: jwt.sign(claims, key, {algorithm: 'RS256'})"),
        (Python, "PyJWT jwt.encode(claims, key, algorithm='RS256'); jwcrypto JWS with {'alg': 'RS256'}"),
        (Java, "Nimbus new JWSHeader(JWSAlgorithm.RS256); jjwt .signWith(key, Jwts.SIG.RS256)"),
        (Php, "firebase/php-jwt JWT::encode($claims, $key, 'RS256'); web-token: new RS256()"),
        (Dotnet, "new SigningCredentials(key, SecurityAlgorithms.RsaSha256), not RsaSsaPssSha256"),
        (Go, "go-jose jose.SigningKey{Algorithm: jose.RS256, Key: key}; golang-jwt jwt.SigningMethodRS256, not PS256"),
        (Ruby, "JWT.encode(payload, key, 'RS256')"),
    ],
    source: "RFC 7518 §3.1",
};

/// `jws.other_hash`.
pub const JWS_OTHER_HASH: Mistake = Mistake {
    id: "jws.other_hash",
    layer: Layer::Signature,
    rules: &[r::JWS_SIGNATURE_HASH],
    status: Status::Confirmed,
    shown_by_rule: false,
    trial: "verify as RSASSA-PKCS1-v1_5 with SHA-1, SHA-384 and SHA-512",
    message: "the RSA signature was made with another hash than SHA-256 (PHP openssl_sign's default is SHA-1)",
    fixes: &[
        (Php, "openssl_sign($input, $sig, $key, OPENSSL_ALGO_SHA256): without the fourth argument it is SHA-1"),
        (Java, "Signature.getInstance(\"SHA256withRSA\"), not SHA1withRSA or SHA512withRSA"),
        (Dotnet, "rsa.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)"),
        (Node, "crypto.sign('sha256', input, key) or createSign('RSA-SHA256')"),
        (Python, "key.sign(input, padding.PKCS1v15(), hashes.SHA256())"),
        (Go, "rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, digest[:]) with digest := sha256.Sum256(input)"),
        (Ruby, "key.sign(OpenSSL::Digest::SHA256.new, input)"),
    ],
    source: "php manual openssl_sign",
};

/// `jws.signature_as_text`.
pub const JWS_SIGNATURE_AS_TEXT: Mistake = Mistake {
    id: "jws.signature_as_text",
    layer: Layer::Signature,
    rules: &[r::JWS_SIGNATURE_ENCODED],
    status: Status::Confirmed,
    shown_by_rule: false,
    trial: "read the signature segment's bytes as hex or base64 text and verify what they encode",
    message: "the signature's hex or base64 text was base64url-encoded, not the signature's bytes",
    fixes: &[
        (Php, "base64url of the raw $signature from openssl_sign, not of bin2hex($signature) or base64_encode($signature)"),
        (Node, "sig.toString('base64url') of the Buffer, not of sig.toString('hex')"),
        (Python, "base64.urlsafe_b64encode(signature).rstrip(b'=') of the bytes, not of signature.hex()"),
        (Java, "Base64.getUrlEncoder().withoutPadding().encodeToString(sigBytes), not of a hex string"),
        (Dotnet, "Base64UrlEncoder.Encode(signatureBytes), not of Convert.ToHexString or Convert.ToBase64String"),
        (Go, "base64.RawURLEncoding.EncodeToString(sig), not of hex.EncodeToString(sig)"),
        (Ruby, "Base64.urlsafe_encode64(sig, padding: false), not of sig.unpack1('H*')"),
    ],
    source: "receiver-observable: the signature segment decodes to ASCII text",
};

/// `jws.signed_wrong_bytes`.
pub const JWS_SIGNED_WRONG_BYTES: Mistake = Mistake {
    id: "jws.signed_wrong_bytes",
    layer: Layer::Signature,
    rules: &[r::JWS_SIGNATURE_INVALID],
    status: Status::Confirmed,
    shown_by_rule: false,
    trial: "verify RS256 over the bytes hand-made JWTs sign by mistake: the claims JSON, the payload segment alone, the header and claims JSON joined by '.'",
    message: "the signature is over other bytes than the signing input: a hand-made JWT signed the JSON, or the payload alone, instead of base64url(header) '.' base64url(payload)",
    fixes: &[
        (Node, "crypto.sign('sha256', Buffer.from(`${headerB64}.${payloadB64}`), privateKey), or let jose / jsonwebtoken sign"),
        (Python, "key.sign(f\"{header_b64}.{payload_b64}\".encode('ascii'), padding.PKCS1v15(), hashes.SHA256()), or PyJWT's jwt.encode"),
        (Java, "Signature.update((headerB64 + \".\" + payloadB64).getBytes(StandardCharsets.US_ASCII)), or Nimbus's SignedJWT.sign"),
        (Php, "openssl_sign(\"$headerB64.$payloadB64\", $sig, $key, OPENSSL_ALGO_SHA256), or firebase/php-jwt's JWT::encode"),
        (Dotnet, "rsa.SignData(Encoding.ASCII.GetBytes(headerB64 + \".\" + payloadB64), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1), or JsonWebTokenHandler"),
        (Go, "sign sha256.Sum256([]byte(headerB64 + \".\" + payloadB64)), or golang-jwt's SignedString"),
        (Ruby, "key.sign('SHA256', \"#{header_b64}.#{payload_b64}\"), or ruby-jwt's JWT.encode"),
    ],
    source: "RFC 7515 §5.1 step 5",
};

/// `jws.hmac_with_public_key`.
pub const JWS_HMAC_WITH_PUBLIC_KEY: Mistake = Mistake {
    id: "jws.hmac_with_public_key",
    layer: Layer::Signature,
    rules: &[r::JWS_SIGNATURE_KEY_CONFUSION],
    status: Status::Confirmed,
    shown_by_rule: true,
    trial: "recompute the HMAC keyed with the customer public key's PEM and DER forms",
    message: "the token was MACed (HS256) with the public key as the secret, not signed RS256 with the private key",
    fixes: &[
        (Node, "jwt.sign(claims, privateKeyPem, {algorithm: 'RS256'}) with the private key"),
        (Python, "jwt.encode(claims, private_key_pem, algorithm='RS256')"),
        (Java, "new RSASSASigner(privateKey) with JWSAlgorithm.RS256 (Nimbus)"),
        (Php, "JWT::encode($claims, $privateKeyPem, 'RS256')"),
        (Dotnet, "new SigningCredentials(new RsaSecurityKey(rsaWithPrivateKey), SecurityAlgorithms.RsaSha256)"),
        (Go, "jwt.NewWithClaims(jwt.SigningMethodRS256, claims).SignedString(privateKey)"),
        (Ruby, "JWT.encode(payload, private_key, 'RS256')"),
    ],
    source: "RFC 8725 §2.1 and §3.1",
};

// ---- Time claims ----

/// `time.local_clock`.
pub const TIME_LOCAL_CLOCK: Mistake = Mistake {
    id: "time.local_clock",
    layer: Layer::TimeClaims,
    rules: &[r::CLAIMS_EXP_EXPIRED, r::MOVEO_EXP_TOO_FAR, r::CLAIMS_IAT_FUTURE, r::CLAIMS_NBF_FUTURE],
    status: Status::Likely,
    shown_by_rule: false,
    trial: "see whether the time claim lies a whole number of hours (1 to 14) from now, give or take a lifetime",
    message: "a local time was read as UTC (or UTC as local): the timestamp is off by the machine's time-zone offset",
    fixes: &[
        (Python, "int(time.time()) or int(datetime.now(timezone.utc).timestamp()): datetime.utcnow().timestamp() reads UTC as local time"),
        (Java, "Instant.now().getEpochSecond(), not LocalDateTime.now().toEpochSecond(ZoneOffset.UTC)"),
        (Dotnet, "DateTimeOffset.UtcNow.ToUnixTimeSeconds(), not DateTime.Now measured from a UTC epoch"),
        (Php, "time(), not strtotime() or mktime() of a date written in another zone"),
        (Node, "Math.floor(Date.now() / 1000), not a Date built from local fields as if they were UTC"),
        (Go, "time.Now().Unix(); time.Date(..., time.Local) from UTC fields shifts it"),
        (Ruby, "Time.now.to_i, not Time.parse of a local time string as UTC"),
    ],
    source: "Python docs, datetime.utcnow",
};

/// `time.milliseconds`.
pub const TIME_MILLISECONDS: Mistake = Mistake {
    id: "time.milliseconds",
    layer: Layer::TimeClaims,
    rules: &[r::CLAIMS_TIME_RANGE, r::MOVEO_EXP_TOO_FAR],
    status: Status::Likely,
    shown_by_rule: false,
    trial: "divide the time claim by 1,000 and see whether it lands within a day of now",
    message: "the timestamp is in milliseconds; NumericDate is seconds",
    fixes: &[
        (Node, "Math.floor(Date.now() / 1000), not Date.now()"),
        (
            Java,
            "Instant.now().getEpochSecond(), not System.currentTimeMillis()",
        ),
        (
            Dotnet,
            "DateTimeOffset.UtcNow.ToUnixTimeSeconds(), not ToUnixTimeMilliseconds()",
        ),
        (Go, "time.Now().Unix(), not UnixMilli()"),
        (Python, "int(time.time()), not time.time_ns() // 1_000_000"),
        (Php, "time(), not (int) (microtime(true) * 1000)"),
        (Ruby, "Time.now.to_i, not (Time.now.to_f * 1000).to_i"),
    ],
    source: "RFC 7519 §2 (NumericDate)",
};

/// `time.zero_lifetime`.
pub const TIME_ZERO_LIFETIME: Mistake = Mistake {
    id: "time.zero_lifetime",
    layer: Layer::TimeClaims,
    rules: &[r::CLAIMS_EXP_EXPIRED],
    status: Status::Likely,
    shown_by_rule: false,
    trial: "compare exp with iat: equal",
    message: "exp equals iat: a lifetime in seconds given to an API that takes milliseconds (fast-jwt's expiresIn), or a lifetime of 0",
    fixes: &[
        (Node, "fast-jwt createSigner({key, algorithm: 'RS256', expiresIn: 300000}) is milliseconds; jsonwebtoken's expiresIn: 300 is seconds"),
        (Python, "exp = iat + 300 (seconds)"),
        (Java, "Nimbus .expirationTime(Date.from(now.plusSeconds(300)))"),
        (Php, "'exp' => time() + 300"),
        (Dotnet, "Expires = DateTime.UtcNow.AddSeconds(300)"),
        (Go, "jwt.NewNumericDate(time.Now().Add(300 * time.Second))"),
        (Ruby, "exp: Time.now.to_i + 300"),
    ],
    source: "fast-jwt README (expiresIn in milliseconds)",
};

/// `time.lifetime_in_milliseconds`.
pub const TIME_LIFETIME_IN_MILLISECONDS: Mistake = Mistake {
    id: "time.lifetime_in_milliseconds",
    layer: Layer::TimeClaims,
    rules: &[r::MOVEO_EXP_TOO_FAR, r::IADVIZE_LIFETIME],
    status: Status::Likely,
    shown_by_rule: false,
    trial: "see whether exp - iat is a thousand times a lifetime of 10 s to 1 h",
    message: "a lifetime in milliseconds was given to an API that takes seconds (300000 for 5 minutes)",
    fixes: &[
        (Node, "jsonwebtoken expiresIn: 300 or '5m' (a number is seconds); jose setExpirationTime('5m')"),
        (Python, "timedelta(seconds=300) or iat + 300"),
        (Java, "now.plusSeconds(300), not plusMillis given seconds or plusSeconds given milliseconds"),
        (Php, "time() + 300"),
        (Dotnet, "DateTime.UtcNow.AddSeconds(300), not AddSeconds(300000)"),
        (Go, "time.Now().Add(5 * time.Minute); a bare 300000 is nanoseconds in a Duration"),
        (Ruby, "Time.now.to_i + 300"),
    ],
    source: "receiver-observable: exp - iat a whole thousand-multiple",
};

/// `time.float`.
pub const TIME_FLOAT: Mistake = Mistake {
    id: "time.float",
    layer: Layer::TimeClaims,
    rules: &[r::CLAIMS_TIME_NON_INTEGER],
    status: Status::Confirmed,
    shown_by_rule: true,
    trial: "read the time claim's JSON number",
    message: "the timestamp was written as a floating-point number",
    fixes: &[
        (Python, "int(time.time()) + 300: time.time() is a float"),
        (Php, "lcobucci/jwt: $config->builder(ChainedFormatter::withUnixTimestampDates()) (4.x writes fractions)"),
        (Node, "Math.floor(Date.now() / 1000), not Date.now() / 1000"),
        (Java, "Instant.now().getEpochSecond() (a long)"),
        (Dotnet, "ToUnixTimeSeconds() (a long), not TimeSpan.TotalSeconds (a double)"),
        (Go, "time.Now().Unix() (an int64), not float64(time.Now().UnixNano()) / 1e9"),
        (Ruby, "Time.now.to_i, not to_f"),
    ],
    source: "IdentityPython/pyop #20; lcobucci/jwt #229, #693",
};

// ---- Header ----

/// `header.cty_missing`.
pub const HEADER_CTY_MISSING: Mistake = Mistake {
    id: "header.cty_missing",
    layer: Layer::Header,
    rules: &[r::JWE_CTY_MISSING],
    status: Status::Confirmed,
    shown_by_rule: true,
    trial: "read the JWE header",
    message: "the JWE around the signed JWT was made without the content type cty: JWT",
    fixes: &[
        (Node, "jose: new CompactEncrypt(jwsBytes).setProtectedHeader({alg: 'RSA-OAEP-256', enc: 'A256GCM', cty: 'JWT'})"),
        (Python, "jwcrypto JWE(jws, protected={'alg': 'RSA-OAEP-256', 'enc': 'A256GCM', 'cty': 'JWT'}); joserfc: the same protected header"),
        (Java, "Nimbus new JWEHeader.Builder(JWEAlgorithm.RSA_OAEP_256, EncryptionMethod.A256GCM).contentType(\"JWT\"); jose4j setContentTypeHeaderValue(\"JWT\")"),
        (Php, "web-token: the protected header ['alg' => 'RSA-OAEP-256', 'enc' => 'A256GCM', 'cty' => 'JWT']"),
        (Dotnet, "jose-jwt: JWT.Encode(jws, key, JweAlgorithm.RSA_OAEP_256, JweEncryption.A256GCM, extraHeaders: new Dictionary<string, object> { { \"cty\", \"JWT\" } })"),
        (Go, "go-jose: jose.NewEncrypter(jose.A256GCM, recipient, (&jose.EncrypterOptions{}).WithContentType(\"JWT\"))"),
        (Ruby, "JWE.encrypt(jws, key, alg: 'RSA-OAEP-256', enc: 'A256GCM', cty: 'JWT') (ruby-jwe)"),
    ],
    source: "keycloak PR #8545; AzureAD identitymodel #1295",
};

/// `header.rsa_oaep`.
pub const HEADER_RSA_OAEP: Mistake = Mistake {
    id: "header.rsa_oaep",
    layer: Layer::Header,
    rules: &[r::JWE_ALG_RSA_OAEP],
    status: Status::Confirmed,
    shown_by_rule: true,
    trial: "read the JWE header",
    message: "the JWE was made with alg RSA-OAEP (SHA-1), the library's default or the only one it had",
    fixes: &[
        (Ruby, "json-jwt and ruby-jwe had no RSA-OAEP-256 in older releases: upgrade to one that has it, or switch library; then alg: 'RSA-OAEP-256'"),
        (Dotnet, "older Microsoft.IdentityModel has no RSA-OAEP-256 (IDX10615): upgrade, or use jose-jwt JweAlgorithm.RSA_OAEP_256"),
        (Node, "jose: {alg: 'RSA-OAEP-256', enc: 'A256GCM'}; node-jose: {fields: {alg: 'RSA-OAEP-256'}}"),
        (Python, "jwcrypto or joserfc with alg 'RSA-OAEP-256'; python-jose's rsa backend has no OAEP-256: install python-jose[cryptography] or switch"),
        (Java, "Nimbus JWEAlgorithm.RSA_OAEP_256; jose4j KeyManagementAlgorithmIdentifiers.RSA_OAEP_256"),
        (Php, "web-token: new RSAOAEP256() in the algorithm manager"),
        (Go, "go-jose jose.Recipient{Algorithm: jose.RSA_OAEP_256, Key: pub}"),
    ],
    source: "ruby-jwe PR #31; json-jwt #98; AzureAD identitymodel #1293; python-jose #288",
};

/// `header.alg_spelling`.
pub const HEADER_ALG_SPELLING: Mistake = Mistake {
    id: "header.alg_spelling",
    layer: Layer::Header,
    rules: &[r::JWE_ALG_UNSUPPORTED],
    status: Status::Confirmed,
    shown_by_rule: false,
    trial: "compare the header's alg with RSA-OAEP-256 ignoring case, '_' for '-', and an XML-Encryption URI",
    message: "alg names RSA-OAEP-256 in another spelling (RSA_OAEP_256, rsa-oaep-256, or an XML-Encryption URI), which JOSE receivers do not accept",
    fixes: &[
        (Dotnet, "new EncryptingCredentials(key, \"RSA-OAEP-256\", SecurityAlgorithms.Aes256Gcm): the SecurityAlgorithms URI constants are XML-Encryption names"),
        (Java, "JWEAlgorithm.RSA_OAEP_256 (its name is \"RSA-OAEP-256\"), not the enum constant's name"),
        (Go, "jose.RSA_OAEP_256 (\"RSA-OAEP-256\")"),
        (Node, "alg: 'RSA-OAEP-256' exactly"),
        (Python, "'alg': 'RSA-OAEP-256' exactly"),
        (Php, "'alg' => 'RSA-OAEP-256' exactly"),
        (Ruby, "alg: 'RSA-OAEP-256' exactly"),
    ],
    source: "LivePersonInc/developer-center PR #1154; AzureAD identitymodel #2089",
};

/// Every mistake, in catalogue order.
pub const ALL: &[Mistake] = &[
    RSA_OAEP_SHA1,
    RSA_OAEP_MGF1_SHA1,
    RSA_PKCS1V15,
    RSA_OAEP_LABEL,
    ENCODING_BASE64_TWICE,
    ENCODING_CONTEXT_BASE64URL,
    ENCODING_SEGMENT_PADDING,
    ENCODING_LINE_BREAKS,
    AES_KEY_TEXT_TRUNCATED,
    AES_KEY_IV_SWAPPED,
    AES_ECB,
    AES_IV_PREPENDED,
    AES_ZERO_PADDING,
    AES_NO_PADDING,
    AES_OTHER_PADDING,
    AES_IV_ZERO,
    AES_SECRET_AS_TEXT,
    CONTEXT_RUBY_INSPECT,
    CONTEXT_PYTHON_REPR,
    CONTEXT_JSON_IN_STRING,
    CONTEXT_UTF16,
    CONTEXT_STRINGIFIED,
    JWS_PSS_PADDING,
    JWS_PS256_CHOSEN,
    JWS_OTHER_HASH,
    JWS_SIGNATURE_AS_TEXT,
    JWS_SIGNED_WRONG_BYTES,
    JWS_HMAC_WITH_PUBLIC_KEY,
    TIME_LOCAL_CLOCK,
    TIME_MILLISECONDS,
    TIME_ZERO_LIFETIME,
    TIME_LIFETIME_IN_MILLISECONDS,
    TIME_FLOAT,
    HEADER_CTY_MISSING,
    HEADER_RSA_OAEP,
    HEADER_ALG_SPELLING,
];
