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

The protocol loop, key loading, the claim rules and the moveo context scheme
live in adapter_common.py (beside this file), shared with the jwcrypto and
PyJWT adapters; the JOSE layers (base64url, headers, RS256, the JWE) are
written here, with pyca/cryptography's primitives.

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
import os
import re
import sys

try:
    # Importing adapter_common points sys.stdout at stderr: protocol lines
    # go to adapter_common.PROTOCOL_OUT only.
    import adapter_common as common
    from adapter_common import (
        IADVIZE_JWS_HEADER,
        JWE_HEADER,
        MAX_TOKEN_BYTES,
        MOVEO_JWS_HEADER,
        OAEP_SHA256,
        PROFILES,
        BadRequest,
        Reject,
        check_iadvize_claims,
        check_moveo_claims,
        compact_json,
        decrypt_moveo_context,
        key_bytes,
        load_private,
        load_public,
        require_key_size,
        strict_json_object,
    )
    from cryptography.exceptions import InvalidSignature, InvalidTag
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding as rsa_padding
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
except ImportError as e:  # pragma: no cover - environment problem
    sys.stderr.write(
        f"python-adapter: cannot import {e.name or 'a module'} ({e}); run scripts/peers/setup-python.sh "
        "and use .venv/bin/python\n"
    )
    sys.exit(2)

NAME = "python-cryptography"

# Used with fullmatch (a bare "$" would also match before a final newline).
B64URL_RE = re.compile(r"^[A-Za-z0-9_-]*={0,2}$")


def library_version():
    """Python, cryptography and OpenSSL versions, as setup-python.sh says them."""
    return f"{common.python_version()}, {common.cryptography_version()}"


# ---- base64url and JOSE ------------------------------------------------------


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


def produce(request):
    profile, claims, context, keys, sign_key = common.produce_request(request)
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
        claims = common.moveo_context_claims(request, claims, context, keys)
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
    if iv == bytes(len(iv)):
        raise Reject("jwe.iv.zero", "the IV is all zeros: a fixed GCM nonce")
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


def consume(request):
    profile, token, now, keys, verify_key = common.consume_request(request)
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
        return common.fail(str(e))
    return {"verdict": "pass", "claims": claims, "context": context}


# ---- the loop ----------------------------------------------------------------


if __name__ == "__main__":
    sys.exit(
        common.serve(sys.argv[1:], NAME, PROFILES, produce, consume, "python-adapter", library_version)
    )
