#!/usr/bin/env python3
"""python-mint.py: mints iadvize and moveo tokens with pyca/cryptography
(OpenSSL underneath) and the standard library only, right and wrong, as an
independent implementation to check jose-harness against.

    .venv/bin/python scripts/peers/python-mint.py --keys vectors/keys --now 1700000000

(scripts/peers/setup-python.sh makes .venv with the pinned `cryptography`.)
It prints a JSON array of cases, in the format of node-mint.mjs:

    { "name": "...", "profile": "iadvize" | "moveo", "token": "...",
      "expect": { "verdict": "pass" | "fail",
                  "errors":   [rule ids that must be reported, severity error],
                  "warnings": [rule ids that must be reported, severity warning],
                  "info":     [rule ids that must be reported, severity info] },
      "verify_key": "weak1024" }

`errors` lists every error the token has: tests/peers.rs also fails on an
error finding not listed (a misdiagnosis), but lets other warnings and info
findings through. `verify_key` is optional: the bundled test key pair whose
public half checks the signature, when it is not the default `customer`.

Keys read from --keys DIR (the harness's bundled TEST keys):
    customer-test-private.pem   signs (the customer's backend)
    customer2-test-private.pem  another customer: wrong-key cases
    weak1024-test-private.pem   a 1024-bit key: the key.size rule
    recipient-test-public.pem   encrypts (the vendor's public key)
The harness then checks with customer-test-public.pem and
recipient-test-private.pem.

It doubles as a reference for Python implementers: `iadvize_token` and
`moveo_token` with their defaults are the correct recipes; every mistake
below is one argument away from them, and says in a comment which line of
real-world Python produces it (see also /work/shared/mistakes.md, Python).

The script never reads the clock: "now" is --now, so the output is
reproducible apart from the random keys, IVs and OAEP/PSS randomness.
"""

import argparse
import base64
import hashlib
import hmac
import json
import os
import sys
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization

# Two different `padding` modules: PKCS#7 for AES-CBC, and the RSA paddings
# (OAEP, PKCS1v15, PSS). Confusing them is a classic; keep the names apart.
from cryptography.hazmat.primitives import padding as sym_padding
from cryptography.hazmat.primitives.asymmetric import padding as rsa_padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

# ---- arguments -------------------------------------------------------------


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Mint iadvize and moveo test tokens with pyca/cryptography."
    )
    parser.add_argument("--keys", required=True, type=Path, help="the bundled test keys")
    parser.add_argument("--now", required=True, help="the pinned clock, whole UNIX seconds")
    args = parser.parse_args(argv)
    if not args.now.isascii() or not args.now.isdigit():
        parser.error(f"--now must be whole seconds, got {args.now}")
    return args.keys, int(args.now)


KEYS_DIR, NOW = parse_args(sys.argv[1:])

# What `time.time()` returns: a float with a fraction. Here a reading taken
# 0.75 s before --now, so the tokens minted from it are not in the future.
CLOCK = NOW - 0.75


def read_private(name):
    # load_pem_* skip text before the BEGIN line (the "TEST KEY: ..." notice).
    # A bare base64 SPKI (how iAdvize publishes its key) is DER, not PEM:
    # load_der_public_key(base64.b64decode(text)), never load_pem_public_key.
    data = (KEYS_DIR / f"{name}-test-private.pem").read_bytes()
    return serialization.load_pem_private_key(data, password=None)


customer = read_private("customer")
customer2 = read_private("customer2")
weak1024 = read_private("weak1024")
recipient = serialization.load_pem_public_key(
    (KEYS_DIR / "recipient-test-public.pem").read_bytes()
)

# ---- encodings -------------------------------------------------------------


def b64u(data):
    """base64url without padding: every JOSE segment (RFC 7515 §2).
    urlsafe_b64encode keeps the '=' padding: strip it."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64u_padded(data):
    """The mistake: urlsafe_b64encode alone, '=' padding left in."""
    return base64.urlsafe_b64encode(data).decode("ascii")


def b64(data):
    """Standard base64 with padding: the moveo context claims.
    b64encode returns bytes; .decode('ascii') makes the JSON string."""
    return base64.b64encode(data).decode("ascii")


def str_of_bytes(data):
    """The mistake: str() of the bytes b64encode returns, after json.dumps
    refused bytes ("Object of type bytes is not JSON serializable"); the
    claim becomes the text "b'...'"."""
    return str(base64.b64encode(data))


def compact(value):
    """The JSON text of a header, claims or context, as PyJWT writes it:
    no spaces, ASCII only (ensure_ascii=True escapes the rest as \\uXXXX).
    Tokens are built from text so that a case can send exactly its bytes."""
    return json.dumps(value, separators=(",", ":"))


def dumps_default(value):
    """json.dumps with its defaults: ", " and ": " separators. Valid JSON;
    the signature covers these exact bytes, so it must still pass."""
    return json.dumps(value)


def dumps_utf8(value):
    """ensure_ascii=False: non-ASCII characters as raw UTF-8 (then encoded
    with .encode('utf-8'), as every JSON text here is)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


# ---- RSA encryption schemes --------------------------------------------------
# Each takes the secret bytes and encrypts them to the recipient public key.


def oaep_sha256(data):
    """RSA-OAEP with SHA-256 and MGF1-SHA-256: right for both profiles.
    Both hashes are explicit in cryptography; both must be SHA-256."""
    return recipient.encrypt(
        data,
        rsa_padding.OAEP(
            mgf=rsa_padding.MGF1(algorithm=hashes.SHA256()),
            algorithm=hashes.SHA256(),
            label=None,
        ),
    )


def oaep_mgf1_sha1(data):
    """The mistake: OAEP(mgf=MGF1(SHA1()), algorithm=SHA256()), copied from
    Java's SunJCE default (pyca/cryptography #1663)."""
    return recipient.encrypt(
        data,
        rsa_padding.OAEP(
            mgf=rsa_padding.MGF1(algorithm=hashes.SHA1()),
            algorithm=hashes.SHA256(),
            label=None,
        ),
    )


def oaep_sha1(data):
    """The mistake: OAEP with SHA-1 throughout, which is what PyCryptodome's
    PKCS1_OAEP.new(key) does without hashAlgo=SHA256 (pycryptodome PR #912)."""
    return recipient.encrypt(
        data,
        rsa_padding.OAEP(
            mgf=rsa_padding.MGF1(algorithm=hashes.SHA1()),
            algorithm=hashes.SHA1(),
            label=None,
        ),
    )


def pkcs1v15(data):
    """The mistake: PKCS#1 v1.5 encryption, the only scheme of python-rsa's
    rsa.encrypt (python-rsa #68)."""
    return recipient.encrypt(data, rsa_padding.PKCS1v15())


# ---- JWS -------------------------------------------------------------------

HEADER_RS256_JWT = compact({"alg": "RS256", "typ": "JWT"})
HEADER_RS256 = compact({"alg": "RS256"})

# The customer public key as PEM, the way code that has it in hand holds it.
CUSTOMER_PUBLIC_PEM = customer.public_key().public_bytes(
    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
)


def jws(payload, header=HEADER_RS256_JWT, key=customer, how="rs256", encode=b64u):
    """A compact JWS. `header` and `payload` are JSON texts; the signing
    input is base64url(header) '.' base64url(payload), signed as sent.
      how "rs256" (right): RSASSA-PKCS1-v1_5 + SHA-256.
      how "pss" (the mistake): the PSS example of cryptography's docs,
        PSS(MGF1(SHA256()), PSS.MAX_LENGTH), under an RS256 header.
      how "hs256-public-pem" (key confusion): HMAC-SHA256 keyed with the
        public key's PEM; PyJWT refuses PEM keys as HMAC secrets, a
        hand-rolled hmac.new(public_pem, ...) does not.
      how "none": no signature at all (an empty third segment).
    """
    signing_input = f"{encode(header.encode('utf-8'))}.{encode(payload.encode('utf-8'))}"
    data = signing_input.encode("ascii")
    if how == "rs256":
        signature = key.sign(data, rsa_padding.PKCS1v15(), hashes.SHA256())
    elif how == "pss":
        signature = key.sign(
            data,
            rsa_padding.PSS(
                mgf=rsa_padding.MGF1(hashes.SHA256()),
                salt_length=rsa_padding.PSS.MAX_LENGTH,
            ),
            hashes.SHA256(),
        )
    elif how == "hs256-public-pem":
        signature = hmac.new(CUSTOMER_PUBLIC_PEM, data, hashlib.sha256).digest()
    elif how == "none":
        signature = b""
    else:
        raise ValueError(f"unknown signature kind {how}")
    return f"{signing_input}.{encode(signature)}"


# ---- JWE (iadvize) ---------------------------------------------------------

JWE_HEADER = {"alg": "RSA-OAEP-256", "enc": "A256GCM", "cty": "JWT"}


def jwe(plaintext, header=None, wrap=oaep_sha256, aad_from_json=False):
    """A compact JWE of the `plaintext` bytes (RFC 7516 §5.1).
      header         the protected header object.
      wrap           how the content key (CEK) is RSA-encrypted.
      aad_from_json  the mistake of authenticating the header's JSON bytes
                     instead of the ASCII of its base64url text.
    """
    header_json = compact(header or JWE_HEADER)
    protected_b64 = b64u(header_json.encode("utf-8"))
    cek = AESGCM.generate_key(bit_length=256)  # 32 random bytes for A256GCM
    iv = os.urandom(12)  # 96-bit IV, fresh per token
    # AAD = the ASCII of the *encoded* protected header, exactly as sent.
    aad = protected_b64.encode("ascii")
    if aad_from_json:
        aad = header_json.encode("utf-8")
    # AESGCM.encrypt returns ciphertext || 16-byte tag: JWE sends them apart.
    sealed = AESGCM(cek).encrypt(iv, plaintext, aad)
    ciphertext, tag = sealed[:-16], sealed[-16:]
    return ".".join([protected_b64, b64u(wrap(cek)), b64u(iv), b64u(ciphertext), b64u(tag)])


def iadvize_claims(**extra):
    """iadvize claims: userId under the https://iadvize.com/ prefix, 60 s."""
    claims = {
        "iss": "https://customer.example/",
        "https://iadvize.com/userId": "python-user-1",
        "iat": NOW,
        "exp": NOW + 60,
    }
    claims.update(extra)
    return claims


def iadvize_token(claims=None, dumps=compact, key=customer, **jwe_options):
    """The correct recipe: an inner JWS whose header is exactly
    {"alg":"RS256"} (as in the vendor's example), then that JWS string,
    UTF-8 encoded, is the JWE plaintext (cty JWT)."""
    inner = jws(dumps(claims or iadvize_claims()), header=HEADER_RS256, key=key)
    return jwe(inner.encode("ascii"), **jwe_options)


# ---- moveo -----------------------------------------------------------------


def moveo_claims(**extra):
    """moveo claims: iss, sub, exp at most 300 s ahead (integers)."""
    claims = {"iss": "customer.example", "sub": "python-user-1", "iat": NOW, "exp": NOW + 60}
    claims.update(extra)
    return claims


CONTEXT = {
    "user": {"display_name": "Test Person", "is_vip": True, "language": "en"},
    "external_details": {"contract_id": "1234959595", "has_requested_refund": True},
}


def block_aligned_context():
    """CONTEXT plus a field sized so that its compact JSON is a whole number
    of 16-byte blocks: the one input that AES-CBC without a padder encrypts
    without raising, so the mistake ships (and the next context of another
    length raises "The length of the provided data is not a multiple of the
    block length")."""
    for n in range(16):
        context = dict(CONTEXT, ref="x" * n)
        if len(compact(context).encode("utf-8")) % 16 == 0:
            return context
    raise AssertionError("no aligned context")


def context_claims(
    context=None, key_bytes=32, wrap=oaep_sha256, encode=b64, pkcs7=True, dumps=compact
):
    """The encrypted-context claims (context, encryption_key, init_vector).
      key_bytes  32 (AES-256, preferred) or 16 (AES-128).
      wrap       how the raw key and IV are RSA-encrypted (right: OAEP SHA-256).
      encode     how the three byte strings become claim text (right: b64).
      pkcs7      False is the mistake of feeding the hazmat CBC encryptor
                 unpadded data: it adds no padding by itself
                 (pyca/cryptography #3387).
      dumps      how the context object becomes JSON text.
    """
    key = os.urandom(key_bytes)  # raw random bytes, fresh per token
    iv = os.urandom(16)  # 16 random bytes, fresh per token
    plaintext = dumps(CONTEXT if context is None else context).encode("utf-8")
    if pkcs7:
        # PKCS#7 ("PKCS5Padding" in the vendor's words): 1 to 16 bytes, always.
        padder = sym_padding.PKCS7(algorithms.AES.block_size).padder()
        plaintext = padder.update(plaintext) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    ciphertext = encryptor.update(plaintext) + encryptor.finalize()
    return {
        "context": encode(ciphertext),
        "encryption_key": encode(wrap(key)),
        "init_vector": encode(wrap(iv)),
    }


def moveo_token(
    claims=None, context=None, dumps=compact, key=customer, how="rs256", encode=b64u
):
    """The correct recipe: an RS256 JWT, header {"alg":"RS256","typ":"JWT"}
    (what PyJWT writes), optionally with the encrypted context claims;
    `context` is a dict of context_claims() arguments."""
    all_claims = dict(claims or moveo_claims())
    if context is not None:
        all_claims.update(context_claims(dumps=dumps, **context))
    return jws(dumps(all_claims), key=key, how=how, encode=encode)


# ---- the cases -------------------------------------------------------------


def expect(verdict, errors, warnings, info):
    return {
        "verdict": verdict,
        "errors": list(errors),
        "warnings": list(warnings),
        "info": list(info),
    }


def passes(warnings=(), info=()):
    return expect("pass", [], warnings, info)


def fails(errors, warnings=(), info=()):
    return expect("fail", errors, warnings, info)


cases = []


def add(name, profile, token, expect, verify_key=None):
    case = {"name": name, "profile": profile, "token": token, "expect": expect}
    if verify_key is not None:
        case["verify_key"] = verify_key
    cases.append(case)


# An emoji outside the BMP: ensure_ascii writes it as a surrogate pair
# ("\ud83d\ude00"), which a receiver must join back into one character.
EMOJI = "\U0001F600"
EMOJI_ID = f"python-user-{EMOJI}"
# The context with a non-ASCII display name: "\u00eb" and a surrogate pair.
CONTEXT_NON_ASCII = dict(CONTEXT, user=dict(CONTEXT["user"], display_name=f"Zoë {EMOJI}"))

# iadvize: right.
add("iadvize/ok", "iadvize", iadvize_token(), passes())
add(
    "iadvize/ok-json-dumps-default-separators",
    "iadvize",
    # json.dumps(claims) with ", " and ": ": other bytes, same claims.
    iadvize_token(dumps=dumps_default),
    passes(),
)
add(
    "iadvize/ok-ensure-ascii-surrogate-pair",
    "iadvize",
    # json.dumps's default ensure_ascii=True: "Zo\u00eb", "\ud83d\ude00".
    iadvize_token(
        iadvize_claims(
            **{
                "https://iadvize.com/userId": EMOJI_ID,
                "https://iadvize.com/visitorData": {"firstName": "Zoë", "city": "Malmö"},
            }
        )
    ),
    passes(),
)

# iadvize: the JWE key-wrapping mistakes.
add(
    "iadvize/jwe-oaep256-header-mgf1-sha1-wrap",
    "iadvize",
    # Header says RSA-OAEP-256; the CEK went through OAEP(MGF1(SHA1()), SHA256()).
    iadvize_token(wrap=oaep_mgf1_sha1),
    fails(["jwe.key.oaep_mgf1_sha1"]),
)
add(
    "iadvize/jwe-oaep256-header-pycryptodome-default-wrap",
    "iadvize",
    # Header says RSA-OAEP-256; the CEK went through PKCS1_OAEP.new(key): SHA-1.
    iadvize_token(wrap=oaep_sha1),
    fails(["jwe.key.oaep_sha1"]),
)
add(
    "iadvize/jwe-alg-rsa-oaep",
    "iadvize",
    # Header and wrap agree, but RSA-OAEP is the SHA-1 variant.
    iadvize_token(header={"alg": "RSA-OAEP", "enc": "A256GCM", "cty": "JWT"}, wrap=oaep_sha1),
    fails(["jwe.alg.rsa_oaep"]),
)
add(
    "iadvize/jwe-oaep256-header-python-rsa-wrap",
    "iadvize",
    # rsa.encrypt(cek, pub): PKCS#1 v1.5 under an RSA-OAEP-256 header.
    iadvize_token(wrap=pkcs1v15),
    fails(["jwe.key.pkcs1v15"]),
)
add(
    "iadvize/jwe-aad-is-header-json",
    "iadvize",
    # AESGCM.encrypt(iv, data, json.dumps(header).encode()): the AAD must be
    # the base64url text of the header, so the tag does not verify.
    iadvize_token(aad_from_json=True),
    fails(["jwe.integrity"]),
)

# moveo: right.
add("moveo/ok", "moveo", moveo_token(), passes())
add("moveo/ok-context-aes256", "moveo", moveo_token(context={"key_bytes": 32}), passes())
add("moveo/ok-context-aes128", "moveo", moveo_token(context={"key_bytes": 16}), passes())
add(
    "moveo/ok-json-dumps-default-separators",
    "moveo",
    # json.dumps with spaces, for both the claims and the context.
    moveo_token(context={}, dumps=dumps_default),
    passes(),
)
add(
    "moveo/ok-ensure-ascii-surrogate-pair",
    "moveo",
    moveo_token(
        moveo_claims(sub=EMOJI_ID),
        context={"context": CONTEXT_NON_ASCII},
    ),
    passes(),
)
add(
    "moveo/ok-ensure-ascii-false-utf8",
    "moveo",
    # ensure_ascii=False and .encode("utf-8"): raw UTF-8, also right.
    moveo_token(
        moveo_claims(sub=EMOJI_ID),
        context={"context": CONTEXT_NON_ASCII},
        dumps=dumps_utf8,
    ),
    passes(),
)

# moveo: signature mistakes.
add(
    "moveo/hs256-keyed-with-public-pem",
    "moveo",
    # The key-confusion forgery: HS256 with the public PEM as the secret.
    jws(
        compact(moveo_claims()),
        header=compact({"alg": "HS256", "typ": "JWT"}),
        how="hs256-public-pem",
    ),
    fails(["jws.alg.hmac", "jws.signature.key_confusion"]),
)
add(
    "moveo/alg-none",
    "moveo",
    jws(compact(moveo_claims()), header=compact({"alg": "none", "typ": "JWT"}), how="none"),
    fails(["jws.alg.none", "jws.signature.empty"]),
)
add(
    "moveo/pss-docs-example-under-rs256-header",
    "moveo",
    # key.sign(data, PSS(...MAX_LENGTH), SHA256()) from the docs, header RS256.
    moveo_token(how="pss"),
    fails(["jws.signature.pss"]),
)
add(
    "moveo/segments-keep-b64-padding",
    "moveo",
    # urlsafe_b64encode without .rstrip(b"="): a 256-byte signature always
    # ends in "==", so the flaw always shows.
    moveo_token(encode=b64u_padded),
    fails(["b64.padding"]),
)
add(
    "moveo/signed-with-1024-bit-key",
    "moveo",
    # rsa.generate_private_key(65537, 1024): too small, though it verifies
    # with its own public key.
    moveo_token(key=weak1024),
    fails(["key.size"]),
    verify_key="weak1024",
)

# moveo: time mistakes.
add(
    "moveo/exp-time-time-float",
    "moveo",
    # now = time.time(); "iat": now, "exp": now + 60, without int():
    # fractional NumericDates.
    moveo_token(moveo_claims(iat=CLOCK, exp=CLOCK + 60)),
    passes(["claims.time.non_integer"]),
)
add(
    "moveo/exp-datetime-timestamp-whole-float",
    "moveo",
    # (datetime.now(timezone.utc).replace(microsecond=0) + timedelta(seconds=60))
    # .timestamp() is a float even when whole: json.dumps writes 1700000060.0,
    # which integer-typed receivers (serde u64) reject like any fraction.
    moveo_token(moveo_claims(exp=float(NOW + 60))),
    passes(["claims.time.non_integer"]),
)

# moveo: encrypted-context mistakes.
add(
    "moveo/context-oaep-mgf1-sha1",
    "moveo",
    moveo_token(context={"wrap": oaep_mgf1_sha1}),
    fails(["moveo.rsa.oaep_mgf1_sha1"]),
)
add(
    "moveo/context-pycryptodome-default-oaep-sha1",
    "moveo",
    moveo_token(context={"wrap": oaep_sha1}),
    fails(["moveo.rsa.oaep_sha1"]),
)
add(
    "moveo/context-python-rsa-pkcs1v15",
    "moveo",
    moveo_token(context={"wrap": pkcs1v15}),
    fails(["moveo.rsa.pkcs1v15"]),
)
add(
    "moveo/context-cbc-without-pkcs7-padder",
    "moveo",
    # A block-aligned context through the CBC encryptor with no padder: the
    # last plaintext byte is "}" (125), not a PKCS#7 pad length.
    moveo_token(context={"context": block_aligned_context(), "pkcs7": False}),
    fails(["moveo.context.padding"]),
)
add(
    "moveo/context-urlsafe-b64encode",
    "moveo",
    # base64.urlsafe_b64encode: '-' and '_' where base64 has '+' and '/'
    # (padding kept). Three values, about 880 characters of random base64:
    # the chance that none of them is '-' or '_' is under 1e-11.
    moveo_token(context={"encode": b64u_padded}),
    fails(["moveo.context.base64url"]),
)
add(
    "moveo/context-str-of-b64-bytes",
    "moveo",
    # str(base64.b64encode(x)) = "b'...'" in the claims.
    moveo_token(context={"encode": str_of_bytes}),
    fails(["moveo.context.base64"]),
)

json.dump(cases, sys.stdout, indent=2)
sys.stdout.write("\n")
