#!/usr/bin/env python3
"""jwcrypto-adapter.py: the `iadvize` and `moveo` token profiles (see
profiles.md) with jwcrypto (https://github.com/latchset/jwcrypto, on
pyca/cryptography), speaking the jose-harness adapter protocol (DESIGN.md,
"Adapter protocol"). Its name in reports: python-jwcrypto.

    scripts/peers/setup.sh python          # .venv with the pins of requirements.txt
    .venv/bin/python scripts/peers/jwcrypto-adapter.py
    .venv/bin/python scripts/peers/jwcrypto-adapter.py --version
    jose-harness interop --exec '.venv/bin/python scripts/peers/jwcrypto-adapter.py'

Requests and answers are those of python-adapter.py (its docstring documents
the protocol, the `describe` extension and `aes_key_bytes` on produce); the
loop, key loading, the claim rules and the moveo context scheme are shared
with it in adapter_common.py. Only the JOSE layers differ: here jwcrypto
does them.

produce
  iadvize: jwcrypto signs the claims as a JWS with the protected header
    exactly {"alg":"RS256"} (jwt.JWT + make_signed_token), then encrypts that
    compact JWS as a JWE with the header {"alg":"RSA-OAEP-256",
    "enc":"A256GCM","cty":"JWT"} (make_encrypted_token). jwcrypto writes the
    claims JSON itself (sorted keys, non-ASCII as \\u escapes).
  moveo: header {"alg":"RS256","typ":"JWT"}; a non-null context is encrypted
    by adapter_common (AES-CBC/PKCS#7, key and IV RSA-OAEP-SHA256, padded
    standard base64) and its three claims added before signing.

consume: configured the strict way a careful receiver configures jwcrypto
  - jwt.JWT with an explicit allow-list (`algs`): ["RSA-OAEP-256",
    "A256GCM"] for the iadvize JWE, ["RS256"] for every JWS; expected_type
    "JWE" or "JWS" (a bare JWS where a JWE is required is refused by
    jwcrypto); strict_serialization=True (compact serialization only);
  - the key is the one in the request, as a jwk.JWK, never a JWKSet and
    never a key named or carried by the token (jwk/jku/x5u/kid);
  - check_claims pins the clock: {"exp": now} makes exp required and
    compares it with the request's `now` with no leeway (jwcrypto otherwise
    reads time.time() with 60 s of leeway); moveo adds iss and sub as
    required claims;
  - then what a receiver writes itself on top of jwcrypto (adapter_common):
    the JWE plaintext must be a signed JWS, not bare claims; RSA keys of at
    least 2048 bits (jwcrypto enforces no minimum: its RSA key management
    still carries "FIXME: get key size and ensure > 2048 bits"); the
    NumericDate type and range rules and nbf (jwcrypto skips nbf when
    check_claims is given without it); userId and visitorData; the moveo
    iss/sub/exp window (now < exp <= now + 300); and the moveo context,
    decrypted only after the signature verified.
  Everything else is jwcrypto's own behaviour, deliberately not second-
  guessed here: base64url decoding, JSON parsing of headers and claims,
  header parameters it ignores, IV and tag lengths, the exp comparison.
  Where it is more lenient than the harness, the disagreement is the
  finding (see the quirks file).

A rejected token is answered {"id":N,"verdict":"fail","error":"<rule id>:
<message>","claims":null,"context":null}; the rule id is given where it is
obvious (the adapter's own rules, jwcrypto's expiry and missing-claim
errors), otherwise the error is "jwcrypto <exception>: <message>".
"""

import sys

try:
    # Importing adapter_common points sys.stdout at stderr: protocol lines
    # go to adapter_common.PROTOCOL_OUT only.
    import adapter_common as common
    from adapter_common import BadRequest, Reject, Rejected, compact_json
    from importlib import metadata
    from jwcrypto import jwk, jwt
    from jwcrypto.common import json_decode
except ImportError as e:  # pragma: no cover - environment problem
    sys.stderr.write(
        f"jwcrypto-adapter: cannot import {e.name or 'a module'} ({e}); run scripts/peers/setup.sh "
        "and use .venv/bin/python\n"
    )
    sys.exit(2)

NAME = "python-jwcrypto"
PROFILES = common.PROFILES

# The allow-lists, fixed here and never taken from the token.
JWE_ALGS = ["RSA-OAEP-256", "A256GCM"]
JWS_ALGS = ["RS256"]


def library_version():
    """Python, jwcrypto, cryptography and OpenSSL versions, read at run time."""
    try:
        jwcrypto_version = metadata.version("jwcrypto")
    except Exception:  # noqa: BLE001 - only for the description
        jwcrypto_version = "(version unknown)"
    return f"{common.python_version()}, jwcrypto {jwcrypto_version}, {common.cryptography_version()}"


# ---- keys --------------------------------------------------------------------

# jwcrypto caches the pyca key inside each JWK; the harness sends the same
# few PEMs with every request, so each JWK is made once.
_JWKS = {}


def as_jwk(pem, pyca_key):
    """The request's key as a jwcrypto JWK."""
    found = _JWKS.get(pem)
    if found is None:
        found = jwk.JWK.from_pyca(pyca_key)
        # A private key was already validated when adapter_common loaded
        # its PEM (load_pem_private_key). jwcrypto rebuilds it from its
        # numbers and would run the same check again (a primality test that
        # takes ~0.4 s at 4096 bits), so that second check is skipped. This
        # only concerns the request's own keys, never data from a token.
        found.unsafe_skip_rsa_key_validation = True
        if len(_JWKS) < 64:
            _JWKS[pem] = found
    return found


def private_jwk(keys, role):
    pem = keys.get(role)
    key = common.load_private(pem, role)
    return key, as_jwk(pem, key)


def public_jwk(keys, role):
    pem = keys.get(role)
    key = common.load_public(pem, role)
    return key, as_jwk(pem, key)


# ---- produce -----------------------------------------------------------------


def produce(request):
    profile, claims, context, keys, _ = common.produce_request(request)
    _, sign_key = private_jwk(keys, "sign")
    try:
        compact_json(claims)
    except ValueError as e:
        raise BadRequest(f"claims cannot be serialized as JSON ({e})") from None
    if profile == "iadvize":
        if context is not None:
            raise BadRequest("the iadvize profile has no context; send context null")
        _, recipient = public_jwk(keys, "encrypt")
        # Headers given as JSON text: jwcrypto keeps them byte for byte.
        inner = jwt.JWT(header=compact_json(common.IADVIZE_JWS_HEADER), claims=claims, algs=JWS_ALGS)
        inner.make_signed_token(sign_key)
        outer = jwt.JWT(header=compact_json(common.JWE_HEADER), claims=inner.serialize(), algs=JWE_ALGS)
        outer.make_encrypted_token(recipient)
        return {"token": outer.serialize()}
    # moveo
    claims = common.moveo_context_claims(request, claims, context, keys)
    token = jwt.JWT(header=compact_json(common.MOVEO_JWS_HEADER), claims=claims, algs=JWS_ALGS)
    token.make_signed_token(sign_key)
    return {"token": token.serialize()}


# ---- consume -----------------------------------------------------------------


def library_error(e):
    """A jwcrypto exception as a fail answer's error text."""
    kind = e.__class__.__name__
    message = str(e) or repr(e)
    rule = None
    if isinstance(e, jwt.JWTExpired):
        rule = "claims.exp.expired"
    elif isinstance(e, jwt.JWTNotYetValid):
        rule = "claims.nbf.future"
    elif isinstance(e, jwt.JWTMissingClaim):
        for name, claim_rule in (("exp", "claims.exp.missing"), ("iss", "moveo.iss.missing"),
                                 ("sub", "moveo.sub.missing")):
            if f"Claim {name} is missing" in message:
                rule = claim_rule
    text = f"jwcrypto {kind}: {message}"
    return f"{rule}: {text}" if rule else text


def decode(token, key, algs, expected_type, check_claims):
    """jwcrypto's own deserialization, verification or decryption, and claim
    checks, configured strictly (see the module docstring). Any exception it
    raises rejects the token."""
    # A careful receiver's configuration: explicit algorithm allow-list,
    # the expected token type, compact serialization only, the key from the
    # request (a JWK, not a set the token could choose from by kid), and
    # check_claims with the clock pinned to the request's now, no leeway.
    try:
        return jwt.JWT(
            jwt=token,
            key=key,
            algs=algs,
            expected_type=expected_type,
            check_claims=check_claims,
            strict_serialization=True,
        )
    except Exception as e:  # noqa: BLE001 - whatever jwcrypto raises, the token fails
        raise Rejected(library_error(e)) from None


def claims_of(token_object):
    # jwcrypto checked that the claims are a JSON object (check_claims is
    # set); read them with its own JSON decoder.
    try:
        return json_decode(token_object.claims)
    except Exception as e:  # noqa: BLE001
        raise Rejected(library_error(e)) from None


def consume(request):
    profile, token, now, keys, verify_pyca = common.consume_request(request)
    verify_key = as_jwk(keys.get("verify"), verify_pyca)
    try:
        # jwcrypto enforces no RSA key size: the receiver does.
        common.require_key_size(verify_pyca, "customer (verification) key")
        if profile == "iadvize":
            decrypt_pyca, decrypt_key = private_jwk(keys, "decrypt")
            common.require_key_size(decrypt_pyca, "recipient (decryption) key")
            # check_claims=False: the JWE's plaintext is the inner JWS, not
            # claims.
            # jwcrypto takes any 12-byte IV; a fixed one (all zeros) is
            # refused here.
            segments = token.split(".")
            if len(segments) == 5 and segments[2] and set(segments[2]) == {"A"}:
                raise Reject("jwe.iv.zero", "the JWE IV is all zeros: a fixed GCM nonce")
            outer = decode(token, decrypt_key, JWE_ALGS, "JWE", False)
            inner = outer.claims  # the plaintext, as text (jwcrypto decodes it as UTF-8)
            if inner.lstrip().startswith("{"):
                # Bare claims in a JWE: anyone with the recipient public key
                # could have made it. jwcrypto would refuse them next only
                # as "not a compact JWS"; the receiver says why it matters.
                raise Reject("iadvize.payload.bare_claims", "the JWE plaintext is bare claims, not a signed JWS")
            signed = decode(inner, verify_key, JWS_ALGS, "JWS", {"exp": now})
            claims = claims_of(signed)
            common.check_time_claims(claims, now)
            common.check_iadvize_user(claims)
            context = None
        else:
            signed = decode(token, verify_key, JWS_ALGS, "JWS", {"exp": now, "iss": None, "sub": None})
            claims = claims_of(signed)
            common.check_moveo_claims(claims, now)
            # Only now, with the signature verified, is the context decrypted.
            context = common.decrypt_moveo_context(claims, keys)
    except (Reject, Rejected) as e:
        return common.fail(str(e))
    return {"verdict": "pass", "claims": claims, "context": context}


# ---- the loop ----------------------------------------------------------------


if __name__ == "__main__":
    sys.exit(
        common.serve(sys.argv[1:], NAME, PROFILES, produce, consume, "jwcrypto-adapter", library_version)
    )
