#!/usr/bin/env python3
"""pyjwt-adapter.py: the `moveo` token profile (see profiles.md) with PyJWT
(https://github.com/jpadilla/pyjwt, on pyca/cryptography), speaking the
jose-harness adapter protocol (DESIGN.md, "Adapter protocol"). Its name in
reports: python-pyjwt. PyJWT does JWS only (no JWE), so this peer does not
take part in the `iadvize` profile: `describe` says so, and an iadvize
request is answered with an error.

    scripts/peers/setup.sh python          # .venv with the pins of requirements.txt
    .venv/bin/python scripts/peers/pyjwt-adapter.py
    .venv/bin/python scripts/peers/pyjwt-adapter.py --version
    jose-harness interop --exec '.venv/bin/python scripts/peers/pyjwt-adapter.py'

Requests and answers are those of python-adapter.py (its docstring documents
the protocol, the `describe` extension and `aes_key_bytes` on produce); the
loop, key loading, the claim rules and the moveo context scheme are shared
with it in adapter_common.py. Only the JWS layer differs: here PyJWT does it.

produce (moveo): jwt.encode(claims, key, algorithm="RS256") with the header
  {"alg":"RS256","typ":"JWT"} (PyJWT's own); a non-null context is first
  encrypted by adapter_common (AES-CBC/PKCS#7, key and IV RSA-OAEP-SHA256,
  padded standard base64) and its three claims added.

consume (moveo): configured the strict way a careful receiver configures PyJWT
  - jwt.decode with an explicit allow-list, algorithms=["RS256"];
    options require exp, iss and sub; enforce_minimum_key_length (an RSA
    key under 2048 bits raises instead of warning); leeway=0; the key is the
    one in the request, never one named or carried by the token;
  - PyJWT's clock pinned to the request's `now` (see PinnedClock below), so
    PyJWT's own exp, nbf and iat checks run, at that instant;
  - then what a receiver writes itself on top of PyJWT (adapter_common): the
    NumericDate type and range rules, iss and sub non-empty strings, exp at
    most 300 s ahead (now < exp <= now + 300), and the context, decrypted
    only after the signature verified.
  Everything else is PyJWT's own behaviour, deliberately not second-guessed
  here: base64url decoding, JSON parsing of header and claims, header
  parameters it ignores. Where it is more lenient than the harness, the
  disagreement is the finding (see the quirks file).

A rejected token is answered {"id":N,"verdict":"fail","error":"<rule id>:
<message>","claims":null,"context":null}; the rule id is given where it is
obvious (the adapter's own rules, PyJWT's expiry, not-yet-valid, missing-
claim, signature and key-length errors), otherwise the error is
"PyJWT <exception>: <message>".
"""

import sys

try:
    # Importing adapter_common points sys.stdout at stderr: protocol lines
    # go to adapter_common.PROTOCOL_OUT only.
    import adapter_common as common
    from adapter_common import BadRequest, Reject, Rejected, compact_json
    import datetime
    from importlib import metadata
    import jwt
    from jwt import api_jwt
    from jwt import exceptions as jwt_errors
except ImportError as e:  # pragma: no cover - environment problem
    sys.stderr.write(
        f"pyjwt-adapter: cannot import {e.name or 'a module'} ({e}); run scripts/peers/setup.sh "
        "and use .venv/bin/python\n"
    )
    sys.exit(2)

NAME = "python-pyjwt"
PROFILES = ("moveo",)

# The allow-list, fixed here and never taken from the token.
ALGORITHMS = ["RS256"]


def library_version():
    """Python, PyJWT, cryptography and OpenSSL versions, read at run time."""
    try:
        pyjwt_version = metadata.version("PyJWT")
    except Exception:  # noqa: BLE001 - only for the description
        pyjwt_version = getattr(jwt, "__version__", "(version unknown)")
    return f"{common.python_version()}, PyJWT {pyjwt_version}, {common.cryptography_version()}"


# ---- the clock ---------------------------------------------------------------
#
# PyJWT takes "now" from the machine (jwt.api_jwt calls
# datetime.now(tz=timezone.utc) in _validate_claims) and has no parameter
# for it. Two ways to judge at the request's `now`:
#   - options verify_exp/verify_nbf/verify_iat off, and the times checked
#     here instead: but then PyJWT's own time checks (its exp <= now
#     comparison, its int() coercion of the claims, its refusal of an iat in
#     the future) never run, and those are part of what this peer is for;
#   - pin PyJWT's clock: chosen. The `datetime` name in jwt.api_jwt (its
#     only clock) is replaced by a subclass whose now() returns the
#     request's `now`, set just for the jwt.decode call. The adapter is
#     single-threaded, one request at a time. At start-up the adapter checks
#     that jwt.api_jwt still reads the clock there and exits otherwise,
#     rather than silently judging at the machine's time.


class PinnedClock(datetime.datetime):
    """datetime for jwt.api_jwt: now() is the request's `now`."""

    pinned = None

    @classmethod
    def now(cls, tz=None):
        if cls.pinned is None:
            raise RuntimeError("PyJWT read the clock outside a pinned decode")
        return datetime.datetime.fromtimestamp(cls.pinned, tz)


if getattr(api_jwt, "datetime", None) is not datetime.datetime:
    sys.stderr.write(
        f"pyjwt-adapter: PyJWT {getattr(jwt, '__version__', '?')} no longer reads its clock through "
        "jwt.api_jwt.datetime; update the clock pinning of pyjwt-adapter.py\n"
    )
    sys.exit(2)
api_jwt.datetime = PinnedClock


# ---- produce -----------------------------------------------------------------


def check_profile(request):
    if request.get("profile") == "iadvize":
        raise BadRequest(
            "python-pyjwt does not do the iadvize profile (PyJWT has no JWE); describe lists what it does"
        )


def produce(request):
    check_profile(request)
    _, claims, context, keys, sign_key = common.produce_request(request, PROFILES)
    try:
        compact_json(claims)
    except ValueError as e:
        raise BadRequest(f"claims cannot be serialized as JSON ({e})") from None
    claims = common.moveo_context_claims(request, claims, context, keys)
    try:
        # PyJWT writes the header {"alg":"RS256","typ":"JWT"} itself.
        token = jwt.encode(claims, sign_key, algorithm="RS256")
    except (TypeError, ValueError, jwt_errors.PyJWTError) as e:
        # PyJWT refuses some claims (a non-string iss, for one).
        raise BadRequest(f"PyJWT cannot encode these claims ({e.__class__.__name__}: {e})") from None
    return {"token": token}


# ---- consume -----------------------------------------------------------------


def library_error(e):
    """A PyJWT exception as a fail answer's error text."""
    kind = e.__class__.__name__
    message = str(e) or repr(e)
    rule = None
    if isinstance(e, jwt_errors.ExpiredSignatureError):
        rule = "claims.exp.expired"
    elif isinstance(e, jwt_errors.ImmatureSignatureError) and "nbf" in message:
        rule = "claims.nbf.future"
    elif isinstance(e, jwt_errors.MissingRequiredClaimError):
        rule = {"exp": "claims.exp.missing", "iss": "moveo.iss.missing", "sub": "moveo.sub.missing"}.get(e.claim)
    elif isinstance(e, jwt_errors.InvalidSignatureError):
        rule = "jws.signature.invalid"
    elif isinstance(e, jwt_errors.InvalidKeyError) and "bits long" in message:
        rule = "key.size"
    text = f"PyJWT {kind}: {message}"
    return f"{rule}: {text}" if rule else text


def decode(token, verify_key, now):
    """PyJWT's own decoding, verification and claim checks, configured
    strictly, at the request's `now`. Any exception it raises rejects the
    token."""
    PinnedClock.pinned = now
    try:
        # A careful receiver's configuration: an explicit algorithm
        # allow-list (never read from the token), exp/iss/sub required, RSA
        # keys under 2048 bits refused, no leeway, and the key from the
        # request.
        return jwt.decode(
            token,
            verify_key,
            algorithms=ALGORITHMS,
            options={"require": ["exp", "iss", "sub"], "enforce_minimum_key_length": True},
            leeway=0,
        )
    except Exception as e:  # noqa: BLE001 - whatever PyJWT raises, the token fails
        raise Rejected(library_error(e)) from None
    finally:
        PinnedClock.pinned = None


def consume(request):
    check_profile(request)
    _, token, now, keys, verify_key = common.consume_request(request, PROFILES)
    try:
        claims = decode(token, verify_key, now)
        common.check_moveo_claims(claims, now)
        # Only now, with the signature verified, is the context decrypted.
        context = common.decrypt_moveo_context(claims, keys)
    except (Reject, Rejected) as e:
        return common.fail(str(e))
    return {"verdict": "pass", "claims": claims, "context": context}


# ---- the loop ----------------------------------------------------------------


if __name__ == "__main__":
    sys.exit(
        common.serve(sys.argv[1:], NAME, PROFILES, produce, consume, "pyjwt-adapter", library_version)
    )
