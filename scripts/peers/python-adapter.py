#!/usr/bin/env python3
"""python-adapter.py: an independent implementation of the `iadvize` and
`moveo` token profiles (see profiles.md) with pyca/cryptography (OpenSSL
underneath) and the Python standard library only, speaking the jose-harness
adapter protocol (DESIGN.md, "Adapter protocol").

    scripts/peers/setup-python.sh          # makes .venv with the pinned cryptography
    .venv/bin/python scripts/peers/python-adapter.py
    .venv/bin/python scripts/peers/python-adapter.py --version

It reads one JSON request per line on stdin and writes exactly one JSON
response per line on stdout (flushed after each), until EOF, then exits 0.
Nothing else ever goes to stdout (stray output is redirected to stderr);
diagnostics go to stderr.

Requests and responses
----------------------

    {"id":N,"op":"describe"}
      -> {"id":N,"name":"python-cryptography",
          "library":"Python 3.x.y, cryptography 50.0.2, OpenSSL ...",
          "capabilities":{"produce":["iadvize","moveo"],
                          "consume":["iadvize","moveo"]}}
      (an extension of the protocol: lets a harness name the peer and its
      versions in reports, and know what it can do.)

    {"id":N,"op":"produce","profile":P,"claims":{...},"context":{...}|null,
     "keys":{"sign":PEM,"encrypt":PEM}}
      -> {"id":N,"token":"..."}
      sign: the customer private key (PKCS#8 PEM); encrypt: the recipient
      public key (SPKI PEM). Text before "-----BEGIN" (the "TEST KEY: ..."
      notice of the bundled keys) is ignored.
      iadvize: inner JWS, header exactly {"alg":"RS256"}, payload the claims
        as compact UTF-8 JSON; then a JWE {"alg":"RSA-OAEP-256",
        "enc":"A256GCM","cty":"JWT"} of that JWS text (random 32-byte CEK,
        12-byte IV, AAD = ASCII of the encoded protected header). `context`
        must be null. `encrypt` is required.
      moveo: header {"alg":"RS256","typ":"JWT"}, the claims as given. If
        context is not null (a JSON object), its compact UTF-8 JSON is
        AES-256-CBC/PKCS#7 encrypted with a random 32-byte key and 16-byte
        IV; claim `context` = standard base64 (padded) of the ciphertext,
        `encryption_key` / `init_vector` = standard base64 of the RSA-OAEP
        (SHA-256, MGF1-SHA-256) encryptions of the raw key / raw IV; these
        three replace any claims of the same names. With context null the
        claims are signed untouched. `encrypt` is needed only with a context.

    {"id":N,"op":"consume","profile":P,"token":T,
     "keys":{"verify":PEM,"decrypt":PEM},"now":U}
      -> {"id":N,"verdict":"pass","claims":{...},"context":{...}|null}
      -> {"id":N,"verdict":"fail","error":"<rule id>: <short reason>",
          "claims":null,"context":null}
      The error names the first failure found, prefixed with the id of the
      matching rule of the harness catalogue (`jose-harness checks`) where
      one maps (e.g. "jwe.integrity: the GCM tag does not match"); the
      adapter stops at the first failure, it does not diagnose.
      verify: the customer public key (SPKI PEM); decrypt: the recipient
      private key (PKCS#8 PEM). `now` (whole UNIX seconds) is the clock:
      the adapter never reads the machine's clock.

    Anything else (not JSON, not an object, unknown op or profile, missing
    or unreadable keys, no `now`) -> {"id":N or null,"error":"..."}: an
    answer about the request, not a verdict about a token.

Strictness of `consume` (what a careful receiver does)
------------------------------------------------------

- Size: tokens over 65536 bytes are rejected before parsing (the harness's
  default limit). The token is taken as sent: no whitespace trimming
  (`jose-harness check` trims surrounding whitespace; a receiver here
  rejects a token with a trailing newline as not base64url).
- Compact serialization only, exact segment counts: 5 for iadvize (a 3-
  segment JWS where a JWE is required is rejected), 3 for moveo and for the
  iadvize inner JWS.
- base64url segments: only characters of the base64url alphabet, with at
  most two trailing '='; see the leniencies below.
- JSON (headers, claims, the moveo context): strict UTF-8 (no BOM), real
  JSON (no NaN/Infinity, no numbers that overflow a double), no duplicate
  member names at any depth (object_pairs_hook; receivers disagree on which
  copy wins), no unpaired UTF-16 surrogates, nesting at most 32 levels, and
  the top level must be an object.
- Headers: an allow-list of algorithms, never negotiated by the token:
  JWS alg exactly "RS256" (so "none", HS*, PS* are refused before any
  crypto); JWE alg exactly "RSA-OAEP-256" and enc exactly "A256GCM" (no
  RSA1_5, no SHA-1 OAEP). "crit" is refused (no extension is understood),
  "zip" is refused, and "jwk", "jku", "x5u", "x5c" are refused: the key is
  always the one given in the request, never one named or carried by the
  token; "kid" is ignored for the same reason. typ/cty/kid, when present,
  must be strings. A missing cty, or a cty other than "JWT" is accepted
  (profiles.md makes those warnings, which never fail a token).
- Keys: RSA only, and at least 2048 bits (profiles.md: smaller is an
  error) for both the verification and the decryption key.
- RS256: RSASSA-PKCS1-v1_5 with SHA-256 under the given public key; the
  signature must be exactly the modulus length.
- JWE: the encrypted key must be exactly the modulus length and decrypt
  with RSA-OAEP (SHA-256, MGF1-SHA-256) to exactly 32 bytes; IV exactly 12
  bytes; tag exactly 16 bytes; AES-256-GCM with AAD = the ASCII of the
  encoded protected header. The plaintext must be UTF-8 text of a 3-segment
  JWS: a JWE of bare claims (no inner signature) is forgeable and refused.
- Order: decrypt the JWE, verify the signature, and only then parse and
  check the claims; for moveo, verify the signature before touching the
  encrypted context (AES-CBC is unauthenticated: padding oracle).
- Time claims (exp, iat, nbf): JSON numbers (not strings or booleans),
  0 <= value <= 253402300799; exp is required and must be after `now`
  (exp <= now is expired); nbf must not be after `now`. Non-integer values
  and an iat in the future are accepted (profiles.md: warnings only).
- iadvize claims: "https://iadvize.com/userId" required, a string of 1 to
  255 characters (code points); "https://iadvize.com/visitorData", if
  present, an object whose fields are all strings. A lifetime over 60 s,
  unknown visitorData fields and unprefixed claims are accepted (warnings
  or info in profiles.md). `\\/` escapes in claim names are read as `/`.
- moveo claims: iss and sub required non-empty strings; exp > now and
  exp <= now + 300. context/encryption_key/init_vector: all three or none,
  each a string of canonical standard base64 (alphabet A-Z a-z 0-9 + /,
  '=' padding required, length a multiple of 4, no non-zero trailing bits:
  checked by re-encoding). encryption_key and init_vector must be exactly
  the modulus length and decrypt with RSA-OAEP (SHA-256, MGF1-SHA-256); the
  AES key must be 16 or 32 bytes, the IV 16 bytes; the ciphertext a
  non-empty whole number of 16-byte blocks; PKCS#7 padding checked in full
  (every padding byte, 1..16); the plaintext a strict JSON object (above).
  An all-zero IV is accepted (a warning in profiles.md).

Known leniencies (deliberate)
-----------------------------

- base64url segments are decoded with the common Python idiom
  `base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))`, as most Python JOSE
  code does. It therefore accepts '=' padding that JOSE forbids (RFC 7515
  §2), and non-canonical encodings whose last character has non-zero unused
  bits (RFC 4648 §3.5), so two texts can decode to the same bytes. The
  harness reports both as errors (b64.padding, b64.trailing_bits); this
  adapter mirrors typical receivers instead, so such vectors show up as
  disagreements on purpose. Characters outside the base64url alphabet
  (including '+', '/', whitespace) are still rejected by a regex first.
- The `now` pinned by the request is used with no clock-skew leeway.
"""

import base64
import binascii
import json
import math
import os
import platform
import re
import sys

# Keep the real stdout for protocol lines; anything else that would print
# (a stray print(), a library warning) goes to stderr instead.
_PROTOCOL_OUT = sys.stdout
sys.stdout = sys.stderr

try:
    import cryptography
    from cryptography.exceptions import InvalidSignature, InvalidTag
    from cryptography.hazmat.primitives import hashes, serialization

    # Two different `padding` modules: PKCS#7 for AES-CBC and the RSA ones.
    from cryptography.hazmat.primitives import padding as sym_padding
    from cryptography.hazmat.primitives.asymmetric import padding as rsa_padding
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
except ImportError as e:  # pragma: no cover - environment problem
    sys.stderr.write(
        f"python-adapter: cannot import cryptography ({e}); run scripts/peers/setup-python.sh "
        "and use .venv/bin/python\n"
    )
    sys.exit(2)

NAME = "python-cryptography"
PROFILES = ("iadvize", "moveo")

MAX_TOKEN_BYTES = 64 * 1024  # the harness's default --max-token-bytes
MAX_JSON_DEPTH = 32  # the harness's default --max-json-depth (containers)
MIN_RSA_BITS = 2048  # profiles.md: under 2048 bits is an error
MAX_NUMERIC_DATE = 253_402_300_799  # 9999-12-31T23:59:59Z, as the harness
MOVEO_MAX_EXP_AHEAD = 300  # moveo rejects exp more than 5 minutes ahead
MAX_USER_ID_CHARS = 255

IADVIZE_USER_ID = "https://iadvize.com/userId"
IADVIZE_VISITOR_DATA = "https://iadvize.com/visitorData"
MOVEO_CONTEXT_CLAIMS = ("context", "encryption_key", "init_vector")

JWE_HEADER = {"alg": "RSA-OAEP-256", "enc": "A256GCM", "cty": "JWT"}
IADVIZE_JWS_HEADER = {"alg": "RS256"}
MOVEO_JWS_HEADER = {"alg": "RS256", "typ": "JWT"}

# Used with fullmatch (a bare "$" would also match before a final newline).
B64URL_RE = re.compile(r"^[A-Za-z0-9_-]*={0,2}$")
B64STD_RE = re.compile(r"^[A-Za-z0-9+/]*={0,2}$")

OAEP_SHA256 = rsa_padding.OAEP(
    mgf=rsa_padding.MGF1(algorithm=hashes.SHA256()),
    algorithm=hashes.SHA256(),
    label=None,
)


def library_version():
    """Python, cryptography and OpenSSL versions, as setup-python.sh says them."""
    try:
        from cryptography.hazmat.backends.openssl import backend

        openssl = backend.openssl_version_text()
    except Exception:  # noqa: BLE001 - only for the description
        openssl = "OpenSSL version unknown"
    return f"Python {platform.python_version()}, cryptography {cryptography.__version__}, {openssl}"


# ---- errors ------------------------------------------------------------------


class Reject(Exception):
    """The token fails: becomes {"verdict":"fail","error":...}."""

    def __init__(self, rule, detail):
        super().__init__(f"{rule}: {detail}")


class BadRequest(Exception):
    """The request itself is unusable: becomes {"error":...}."""


# ---- encodings ---------------------------------------------------------------


def b64u_encode(data):
    """base64url without padding (RFC 7515 §2)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64u_decode(text, what):
    """base64url, the way most Python code decodes it.

    KNOWN LENIENCY (deliberate, documented in the module docstring): the
    idiom `urlsafe_b64decode(s + "=" * (-len(s) % 4))` accepts '=' padding
    (which JOSE forbids) and non-canonical trailing bits. Characters outside
    the base64url alphabet are rejected first by the regex, so '+', '/',
    whitespace and other junk never reach the (otherwise discarding) decoder.
    """
    # fullmatch, not match: "$" would also match before a trailing "\n".
    if not B64URL_RE.fullmatch(text):
        raise Reject("b64.invalid", f"{what}: a character outside the base64url alphabet")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as e:
        raise Reject("b64.invalid", f"{what}: not base64url ({e})") from None


def b64_std_decode_strict(text, what):
    """Standard base64 for the moveo context claims, strictly: the standard
    alphabet, '=' padding present, and canonical (re-encoding gives the same
    text, so no non-zero trailing bits)."""
    if not B64STD_RE.fullmatch(text) or len(text) % 4 != 0:
        raise Reject(
            "moveo.context.base64",
            f"{what} is not padded standard base64 (alphabet A-Z a-z 0-9 + /, length a multiple of 4)",
        )
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as e:
        raise Reject("moveo.context.base64", f"{what} is not standard base64 ({e})") from None
    if base64.b64encode(data).decode("ascii") != text:
        raise Reject("moveo.context.base64", f"{what} is not canonical base64 (non-zero trailing bits)")
    return data


def compact_json(value):
    """Compact JSON text, non-ASCII as raw UTF-8; never NaN/Infinity."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


# ---- strict JSON -------------------------------------------------------------


def _no_duplicates(pairs):
    # object_pairs_hook sees every member, after unescaping: "b" and "\u0062"
    # are the same name and are caught as a duplicate.
    obj = {}
    for name, value in pairs:
        if name in obj:
            raise Reject("json.duplicate_member", f"member {name!r} appears twice")
        obj[name] = value
    return obj


def _no_constant(name):
    raise ValueError(f"{name} is not JSON")


def _finite_float(text):
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number {text} overflows a double")
    return value


def _has_lone_surrogate(text):
    # After json.loads, a valid "\ud83d\ude00" pair is one character; any
    # code point left in D800..DFFF came from an unpaired escape.
    return any(0xD800 <= ord(c) <= 0xDFFF for c in text)


def _check_tree(value, what, rule=None):
    """Depth (containers, as the harness counts) and unpaired surrogates,
    walked iteratively so a deep value cannot exhaust the Python stack."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            depth += 1
            if depth > MAX_JSON_DEPTH:
                raise Reject("json.depth", f"{what}: nested deeper than {MAX_JSON_DEPTH} levels")
            if isinstance(item, dict):
                for name, child in item.items():
                    if _has_lone_surrogate(name):
                        raise Reject(rule or "json.syntax", f"{what}: an unpaired UTF-16 surrogate")
                    stack.append((child, depth))
            else:
                stack.extend((child, depth) for child in item)
        elif isinstance(item, str) and _has_lone_surrogate(item):
            raise Reject(rule or "json.syntax", f"{what}: an unpaired UTF-16 surrogate")


def strict_json_object(data, what, rule=None):
    """Bytes -> dict, under the strict rules of the module docstring.
    `rule` replaces the rule id of UTF-8, syntax and not-an-object failures
    (the moveo context reports them all as moveo.context.json)."""
    try:
        text = data.decode("utf-8")  # strict: invalid UTF-8 raises
    except UnicodeDecodeError:
        raise Reject(rule or "json.utf8", f"{what} is not UTF-8") from None
    try:
        # json.loads refuses a leading BOM and raw control characters in
        # strings (strict=True, the default).
        value = json.loads(
            text,
            object_pairs_hook=_no_duplicates,
            parse_constant=_no_constant,
            parse_float=_finite_float,
        )
    except Reject:
        raise
    except RecursionError:
        raise Reject("json.depth", f"{what}: nested too deeply") from None
    except ValueError as e:  # JSONDecodeError is a ValueError
        raise Reject(rule or "json.syntax", f"{what} is not valid JSON ({e})") from None
    if not isinstance(value, dict):
        raise Reject(rule or "json.not_object", f"{what} is JSON but not an object")
    _check_tree(value, what, rule)
    return value


# ---- keys --------------------------------------------------------------------


def _pem_bytes(pem, role):
    if pem is None:
        raise BadRequest(f"keys.{role} is missing and this request needs it")
    if not isinstance(pem, str):
        raise BadRequest(f"keys.{role} must be a PEM string")
    data = pem.encode("utf-8")
    start = data.find(b"-----BEGIN")
    if start < 0:
        raise BadRequest(f"keys.{role} is not PEM (no -----BEGIN line)")
    # Strip the one-line "TEST KEY: ..." notice (or anything) before BEGIN.
    return data[start:]


# Loading an RSA private key validates it (a primality check that takes
# tens of milliseconds at 4096 bits): the harness sends the same few keys
# with every request, so each distinct PEM is loaded once.
_PRIVATE_KEYS = {}


def load_private(pem, role):
    if isinstance(pem, str) and pem in _PRIVATE_KEYS:
        return _PRIVATE_KEYS[pem]
    key = _load_private(pem, role)
    if len(_PRIVATE_KEYS) < 64:
        _PRIVATE_KEYS[pem] = key
    return key


def _load_private(pem, role):
    try:
        key = serialization.load_pem_private_key(_pem_bytes(pem, role), password=None)
    except BadRequest:
        raise
    except Exception as e:  # noqa: BLE001
        raise BadRequest(f"keys.{role} is not a readable private key PEM ({e})") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise BadRequest(f"keys.{role} is not an RSA private key")
    return key


def load_public(pem, role):
    try:
        key = serialization.load_pem_public_key(_pem_bytes(pem, role))
    except BadRequest:
        raise
    except Exception as e:  # noqa: BLE001
        raise BadRequest(f"keys.{role} is not a readable public key PEM ({e})") from None
    if not isinstance(key, rsa.RSAPublicKey):
        raise BadRequest(f"keys.{role} is not an RSA public key")
    return key


def key_bytes(key):
    return (key.key_size + 7) // 8


def require_key_size(key, which):
    # A careful receiver refuses keys below 2048 bits (profiles.md).
    if key.key_size < MIN_RSA_BITS:
        raise Reject("key.size", f"the {which} is {key.key_size} bits; at least {MIN_RSA_BITS} required")


# ---- produce -----------------------------------------------------------------


def jws_sign(header, payload_bytes, key):
    """Compact RS256 JWS: RSASSA-PKCS1-v1_5 + SHA-256 over
    base64url(header) '.' base64url(payload)."""
    signing_input = f"{b64u_encode(compact_json(header).encode('utf-8'))}.{b64u_encode(payload_bytes)}"
    signature = key.sign(signing_input.encode("ascii"), rsa_padding.PKCS1v15(), hashes.SHA256())
    return f"{signing_input}.{b64u_encode(signature)}"


def jwe_encrypt(plaintext, recipient):
    """Compact JWE, RSA-OAEP-256 + A256GCM (RFC 7516 §5.1)."""
    protected = b64u_encode(compact_json(JWE_HEADER).encode("utf-8"))
    cek = os.urandom(32)
    iv = os.urandom(12)
    encrypted_key = recipient.encrypt(cek, OAEP_SHA256)
    # AAD = ASCII of the encoded protected header; AESGCM appends the tag.
    sealed = AESGCM(cek).encrypt(iv, plaintext, protected.encode("ascii"))
    ciphertext, tag = sealed[:-16], sealed[-16:]
    return ".".join(
        [protected, b64u_encode(encrypted_key), b64u_encode(iv), b64u_encode(ciphertext), b64u_encode(tag)]
    )


def encrypt_context(context, recipient, aes_key_bytes=32):
    """The moveo hybrid scheme: AES-CBC/PKCS#7 of the context JSON (AES-256
    unless the request's `aes_key_bytes` asks for 16), the raw key and IV
    RSA-OAEP-SHA256 encrypted; all three as padded base64."""
    aes_key = os.urandom(aes_key_bytes)
    iv = os.urandom(16)
    padder = sym_padding.PKCS7(algorithms.AES.block_size).padder()
    padded = padder.update(compact_json(context).encode("utf-8")) + padder.finalize()
    encryptor = Cipher(algorithms.AES(aes_key), modes.CBC(iv)).encryptor()
    ciphertext = encryptor.update(padded) + encryptor.finalize()
    return {
        "context": base64.b64encode(ciphertext).decode("ascii"),
        "encryption_key": base64.b64encode(recipient.encrypt(aes_key, OAEP_SHA256)).decode("ascii"),
        "init_vector": base64.b64encode(recipient.encrypt(iv, OAEP_SHA256)).decode("ascii"),
    }


def produce(request):
    profile = request.get("profile")
    if profile not in PROFILES:
        raise BadRequest(f"unknown profile {profile!r}")
    claims = request.get("claims")
    if not isinstance(claims, dict):
        raise BadRequest("claims must be a JSON object")
    context = request.get("context")
    keys = request.get("keys")
    if not isinstance(keys, dict):
        raise BadRequest("keys must be an object")
    sign_key = load_private(keys.get("sign"), "sign")
    try:
        payload = compact_json(claims)
    except ValueError as e:
        raise BadRequest(f"claims cannot be serialized as JSON ({e})") from None
    if profile == "iadvize":
        if context is not None:
            raise BadRequest("the iadvize profile has no context; send context null")
        recipient = load_public(keys.get("encrypt"), "encrypt")
        inner = jws_sign(IADVIZE_JWS_HEADER, payload.encode("utf-8"), sign_key)
        return {"token": jwe_encrypt(inner.encode("ascii"), recipient)}
    # moveo
    if context is not None:
        if not isinstance(context, dict):
            raise BadRequest("context must be a JSON object or null")
        recipient = load_public(keys.get("encrypt"), "encrypt")
        # `aes_key_bytes` (16 or 32) is a harness extension of the protocol.
        aes_key_bytes = request.get("aes_key_bytes", 32)
        if aes_key_bytes not in (16, 32) or isinstance(aes_key_bytes, bool):
            raise BadRequest("aes_key_bytes must be 16 or 32")
        claims = dict(claims)
        claims.update(encrypt_context(context, recipient, aes_key_bytes))
        payload = compact_json(claims)
    return {"token": jws_sign(MOVEO_JWS_HEADER, payload.encode("utf-8"), sign_key)}


# ---- consume -----------------------------------------------------------------


def check_common_header(header, what):
    """Rules every JOSE header shares here."""
    if "crit" in header:
        # RFC 7515 §4.1.11: no extension is understood, so any crit fails.
        raise Reject("jose.crit", f"{what} has crit")
    for member in ("jwk", "jku", "x5u", "x5c"):
        # The key is always the one given in the request (RFC 8725 §3.10).
        if member in header:
            raise Reject("jose.key_in_header", f"{what} has {member}")
    if "zip" in header:
        raise Reject("jwe.zip", f"{what} has zip")
    # kid is never used to choose a key; it only has to be well-formed.
    for member in ("typ", "cty", "kid"):
        if member in header and not isinstance(header[member], str):
            raise Reject("jose.header", f"{what}: {member} is not a string")


def split_compact(token, count, what):
    parts = token.split(".")
    if len(parts) != count:
        raise Reject("token.segments", f"{what} has {len(parts)} segment(s), not {count}")
    return parts


def verify_jws(token, verify_key, what):
    """Parses and verifies a compact RS256 JWS; returns the claims dict."""
    header_b64, payload_b64, signature_b64 = split_compact(token, 3, what)
    header = strict_json_object(b64u_decode(header_b64, f"{what} header"), f"{what} header")
    alg = header.get("alg")
    if alg != "RS256":
        # Allow-list, checked before any crypto: "none", HS256 keyed with the
        # public key, PS256 ... are all refused here.
        text = alg.upper() if isinstance(alg, str) else ""
        rule = "jws.alg.none" if text == "NONE" else "jws.alg.hmac" if text.startswith("HS") else "jws.alg.unexpected"
        raise Reject(rule, f"{what} alg is {json.dumps(alg)}; only \"RS256\" is accepted")
    check_common_header(header, f"{what} header")
    payload = b64u_decode(payload_b64, f"{what} payload")
    signature = b64u_decode(signature_b64, f"{what} signature")
    require_key_size(verify_key, "customer (verification) key")
    if len(signature) != key_bytes(verify_key):
        raise Reject(
            "jws.signature.length",
            f"the signature is {len(signature)} bytes; the key's is {key_bytes(verify_key)}",
        )
    signing_input = f"{header_b64}.{payload_b64}".encode("ascii")
    try:
        verify_key.verify(signature, signing_input, rsa_padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        raise Reject("jws.signature.invalid", "the RS256 signature does not verify with the given key") from None
    # Only now, with the signature verified, are the claims read.
    return strict_json_object(payload, f"{what} claims")


def decrypt_jwe(token, decrypt_key):
    """Decrypts a compact RSA-OAEP-256 + A256GCM JWE; returns the plaintext."""
    protected_b64, ek_b64, iv_b64, ct_b64, tag_b64 = split_compact(token, 5, "the JWE")
    header = strict_json_object(b64u_decode(protected_b64, "JWE header"), "JWE header")
    alg = header.get("alg")
    if alg != "RSA-OAEP-256":
        # Allow-list: RSA-OAEP (SHA-1) and RSA1_5 (Bleichenbacher) refused.
        rule = {"RSA-OAEP": "jwe.alg.rsa_oaep", "RSA1_5": "jwe.alg.rsa1_5"}.get(alg, "jwe.alg.unsupported")
        raise Reject(rule, f"JWE alg is {json.dumps(alg)}; only \"RSA-OAEP-256\" is accepted")
    if header.get("enc") != "A256GCM":
        raise Reject("jwe.enc", f"JWE enc is {json.dumps(header.get('enc'))}; only \"A256GCM\" is accepted")
    check_common_header(header, "JWE header")
    encrypted_key = b64u_decode(ek_b64, "JWE encrypted key")
    iv = b64u_decode(iv_b64, "JWE IV")
    ciphertext = b64u_decode(ct_b64, "JWE ciphertext")
    tag = b64u_decode(tag_b64, "JWE tag")
    require_key_size(decrypt_key, "recipient (decryption) key")
    if len(iv) != 12:
        raise Reject("jwe.iv.length", f"the IV is {len(iv)} bytes, not 12")
    if len(tag) != 16:
        raise Reject("jwe.tag.length", f"the tag is {len(tag)} bytes, not 16")
    if len(encrypted_key) != key_bytes(decrypt_key):
        raise Reject(
            "jwe.key.undecryptable",
            f"the encrypted key is {len(encrypted_key)} bytes; the key's modulus is {key_bytes(decrypt_key)}",
        )
    try:
        cek = decrypt_key.decrypt(encrypted_key, OAEP_SHA256)
    except ValueError:
        raise Reject("jwe.key.undecryptable", "the encrypted key does not decrypt with RSA-OAEP-256") from None
    if len(cek) != 32:
        raise Reject("jwe.cek.length", f"the content key is {len(cek)} bytes, not 32")
    try:
        # AAD: the ASCII of the protected header exactly as sent.
        return AESGCM(cek).decrypt(iv, ciphertext + tag, protected_b64.encode("ascii"))
    except InvalidTag:
        raise Reject("jwe.integrity", "the GCM tag does not match") from None


def check_numeric_date(claims, name):
    """Returns the value of a NumericDate claim, or None when absent."""
    if name not in claims:
        return None
    value = claims[name]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise Reject("claims.time.type", f"{name} is not a number")
    if not 0 <= value <= MAX_NUMERIC_DATE:
        raise Reject("claims.time.range", f"{name} is {value}: negative or absurdly large")
    # A non-integer NumericDate is allowed by RFC 7519 §2 (a warning only).
    return value


def check_times(claims, now):
    exp = check_numeric_date(claims, "exp")
    check_numeric_date(claims, "iat")  # type and range only: a future iat is a warning
    nbf = check_numeric_date(claims, "nbf")
    if exp is None:
        raise Reject("claims.exp.missing", "the claims have no exp")
    if exp <= now:
        raise Reject("claims.exp.expired", f"exp {exp} is not after now {now}")
    if nbf is not None and nbf > now:
        raise Reject("claims.nbf.future", f"nbf {nbf} is after now {now}")
    return exp


def check_iadvize_claims(claims, now):
    check_times(claims, now)
    if IADVIZE_USER_ID not in claims:
        raise Reject("iadvize.userid.missing", f"no {IADVIZE_USER_ID}")
    user_id = claims[IADVIZE_USER_ID]
    if not isinstance(user_id, str):
        raise Reject("iadvize.userid.type", "userId is not a string")
    if not user_id:
        raise Reject("iadvize.userid.empty", "userId is empty")
    if len(user_id) > MAX_USER_ID_CHARS:
        raise Reject("iadvize.userid.length", f"userId is {len(user_id)} characters; at most 255")
    if IADVIZE_VISITOR_DATA in claims:
        data = claims[IADVIZE_VISITOR_DATA]
        if not isinstance(data, dict):
            raise Reject("iadvize.visitordata.type", "visitorData is not an object")
        for field, value in data.items():
            if not isinstance(value, str):
                raise Reject("iadvize.visitordata.field", f"visitorData.{field} is not a string")


def check_moveo_claims(claims, now):
    exp = check_times(claims, now)
    for name in ("iss", "sub"):
        if name not in claims:
            raise Reject(f"moveo.{name}.missing", f"the claims have no {name}")
        if not isinstance(claims[name], str):
            raise Reject(f"moveo.{name}.type", f"{name} is not a string")
        if not claims[name]:
            raise Reject("moveo.sub.empty" if name == "sub" else "moveo.iss.type", f"{name} is empty")
    if exp - now > MOVEO_MAX_EXP_AHEAD:
        raise Reject("moveo.exp.too_far", f"exp is {exp - now} s after now; at most {MOVEO_MAX_EXP_AHEAD}")


def rsa_oaep_unwrap(text, name, decrypt_key):
    data = b64_std_decode_strict(text, name)
    if len(data) != key_bytes(decrypt_key):
        raise Reject(
            "moveo.rsa.undecryptable",
            f"{name} is {len(data)} bytes; the key's modulus is {key_bytes(decrypt_key)}",
        )
    try:
        return decrypt_key.decrypt(data, OAEP_SHA256)
    except ValueError:
        raise Reject("moveo.rsa.undecryptable", f"{name} does not decrypt with RSA-OAEP SHA-256") from None


def decrypt_moveo_context(claims, keys):
    """Called only after the signature verified. Returns the context or None."""
    present = [n for n in MOVEO_CONTEXT_CLAIMS if n in claims]
    if not present:
        return None
    if len(present) != len(MOVEO_CONTEXT_CLAIMS):
        raise Reject("moveo.context.incomplete", f"has {', '.join(present)}; all three or none")
    for name in MOVEO_CONTEXT_CLAIMS:
        if not isinstance(claims[name], str):
            raise Reject("moveo.context.type", f"{name} is not a string")
    decrypt_key = load_private(keys.get("decrypt"), "decrypt")
    require_key_size(decrypt_key, "recipient (decryption) key")
    ciphertext = b64_std_decode_strict(claims["context"], "context")
    aes_key = rsa_oaep_unwrap(claims["encryption_key"], "encryption_key", decrypt_key)
    iv = rsa_oaep_unwrap(claims["init_vector"], "init_vector", decrypt_key)
    if len(aes_key) not in (16, 32):
        raise Reject("moveo.aes.key_length", f"the AES key is {len(aes_key)} bytes, not 16 or 32")
    if len(iv) != 16:
        raise Reject("moveo.aes.iv_length", f"the IV is {len(iv)} bytes, not 16")
    if not ciphertext or len(ciphertext) % 16 != 0:
        raise Reject("moveo.context.length", f"the ciphertext is {len(ciphertext)} bytes")
    decryptor = Cipher(algorithms.AES(aes_key), modes.CBC(iv)).decryptor()
    padded = decryptor.update(ciphertext) + decryptor.finalize()
    try:
        # cryptography's unpadder checks every padding byte, 1..16.
        unpadder = sym_padding.PKCS7(algorithms.AES.block_size).unpadder()
        plaintext = unpadder.update(padded) + unpadder.finalize()
    except ValueError:
        raise Reject("moveo.context.padding", "the context does not end in valid PKCS#7 padding") from None
    return strict_json_object(plaintext, "context", rule="moveo.context.json")


def consume(request):
    profile = request.get("profile")
    if profile not in PROFILES:
        raise BadRequest(f"unknown profile {profile!r}")
    token = request.get("token")
    if not isinstance(token, str):
        raise BadRequest("token must be a string")
    now = request.get("now")
    if isinstance(now, bool) or not isinstance(now, int):
        raise BadRequest("now must be whole UNIX seconds (an integer); the clock is never read")
    keys = request.get("keys")
    if not isinstance(keys, dict):
        raise BadRequest("keys must be an object")
    verify_key = load_public(keys.get("verify"), "verify")
    try:
        if len(token.encode("utf-8", "surrogatepass")) > MAX_TOKEN_BYTES:
            raise Reject("token.size", f"the token is longer than {MAX_TOKEN_BYTES} bytes")
        if profile == "iadvize":
            parts = token.split(".")
            if len(parts) == 3:
                raise Reject("iadvize.jwe.required", "3 segments (a JWS); an iadvize token is a JWE of 5")
            decrypt_key = load_private(keys.get("decrypt"), "decrypt")
            plaintext = decrypt_jwe(token, decrypt_key)
            try:
                inner = plaintext.decode("utf-8")
            except UnicodeDecodeError:
                raise Reject("iadvize.payload.not_jws", "the JWE plaintext is not UTF-8 text") from None
            if inner.lstrip().startswith("{"):
                # Bare claims in a JWE: anyone with the recipient public key
                # could have made it.
                raise Reject("iadvize.payload.bare_claims", "the JWE plaintext is bare claims, not a signed JWS")
            if len(inner.split(".")) != 3:
                raise Reject("iadvize.payload.not_jws", "the JWE plaintext is not a 3-segment JWS")
            claims = verify_jws(inner, verify_key, "inner JWS")
            check_iadvize_claims(claims, now)
            context = None
        else:
            claims = verify_jws(token, verify_key, "JWS")
            check_moveo_claims(claims, now)
            context = decrypt_moveo_context(claims, keys)
    except Reject as e:
        return {"verdict": "fail", "error": str(e), "claims": None, "context": None}
    return {"verdict": "pass", "claims": claims, "context": context}


# ---- the loop ----------------------------------------------------------------


def describe(_request):
    return {
        "name": NAME,
        "library": library_version(),
        "capabilities": {"produce": list(PROFILES), "consume": list(PROFILES)},
    }


OPS = {"describe": describe, "produce": produce, "consume": consume}


def handle(line):
    """One request line -> one response object. Never raises."""
    request_id = None
    try:
        try:
            request = json.loads(line.decode("utf-8"), parse_constant=_no_constant)
        except (UnicodeDecodeError, ValueError, RecursionError) as e:
            raise BadRequest(f"the request is not JSON ({e.__class__.__name__}: {e})") from None
        if not isinstance(request, dict):
            raise BadRequest("the request is not a JSON object")
        request_id = request.get("id")
        op = request.get("op")
        if op not in OPS:
            raise BadRequest(f"unknown op {op!r}")
        return dict({"id": request_id}, **OPS[op](request))
    except BadRequest as e:
        return {"id": request_id, "error": str(e)}
    except Exception as e:  # noqa: BLE001 - never crash on a request
        sys.stderr.write(f"python-adapter: internal error: {e.__class__.__name__}: {e}\n")
        return {"id": request_id, "error": f"internal error: {e.__class__.__name__}: {e}"}


def encode_response(response):
    # ASCII-only output: always valid UTF-8 whatever the claims hold.
    try:
        return json.dumps(response, separators=(",", ":"), ensure_ascii=True, allow_nan=False)
    except Exception as e:  # noqa: BLE001
        fallback = {"id": None, "error": f"the response cannot be serialized: {e}"}
        try:
            fallback["id"] = json.loads(json.dumps(response.get("id"), allow_nan=False))
        except Exception:  # noqa: BLE001
            pass
        return json.dumps(fallback, ensure_ascii=True)


def main(argv):
    if argv == ["--version"]:
        _PROTOCOL_OUT.write(library_version() + "\n")
        _PROTOCOL_OUT.flush()
        return 0
    if argv:
        sys.stderr.write(
            "usage: python-adapter.py [--version]\n"
            "  reads JSON requests, one per line, on stdin; see the module docstring\n"
        )
        return 2
    stdin = sys.stdin.buffer
    while True:
        try:
            line = stdin.readline()
        except KeyboardInterrupt:
            return 130
        if not line:
            return 0  # EOF: exit cleanly
        if line.endswith(b"\n"):
            line = line[:-1]
            if line.endswith(b"\r"):
                line = line[:-1]
        response = handle(line)
        try:
            _PROTOCOL_OUT.write(encode_response(response) + "\n")
            _PROTOCOL_OUT.flush()
        except BrokenPipeError:
            # The reader went away: nothing more to say to anyone.
            try:
                sys.stderr.close()
            finally:
                os._exit(0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
