"""adapter_common.py: what the Python peers of jose-harness share.

Imported by python-adapter.py (pyca/cryptography only), jwcrypto-adapter.py
and pyjwt-adapter.py; not a program itself. It holds the parts of an adapter
that are not the JOSE library under test:

- the adapter protocol loop (DESIGN.md, "Adapter protocol"; the docstring
  of python-adapter.py documents every request and answer): one JSON request
  per line on stdin, exactly one JSON answer per line on stdout, flushed;
  nothing else ever on stdout (importing this module points sys.stdout at
  stderr, so a stray print() or library chatter cannot corrupt the
  protocol); an unusable request is answered {"id":..,"error":".."}, and no
  input makes the loop crash;
- reading the request: keys from PEM (text before "-----BEGIN", such as the
  "TEST KEY: ..." notice of the bundled keys, is ignored), `now`, profile;
- the profile rules a receiver writes itself whatever its JOSE library
  (profiles.md): NumericDate type and range, nbf, the iadvize userId and
  visitorData claims, the moveo iss/sub/exp window;
- the moveo `context` scheme, which is custom crypto no JOSE library knows:
  AES-CBC/PKCS#7 of the context JSON, its key and IV RSA-OAEP-SHA256
  encrypted, all three as padded standard base64 (pyca/cryptography).

The code is moved verbatim from python-adapter.py, so that adapter behaves
exactly as before; the library adapters use the same rules, so any
difference between the peers comes from their JOSE libraries.

Raises ImportError when pyca/cryptography is missing: the importing adapter
turns that into one stderr line and exit status 2.
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
PROTOCOL_OUT = sys.stdout
sys.stdout = sys.stderr

import cryptography  # noqa: E402 - after the stdout redirection on purpose
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402

# Two different `padding` modules: PKCS#7 for AES-CBC and the RSA ones.
from cryptography.hazmat.primitives import padding as sym_padding  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import padding as rsa_padding  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import rsa  # noqa: E402
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes  # noqa: E402

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
# The AES key and IV printed in Moveo's sample code (its keyBase64 and
# ivBase64): a token made with them can be read by anyone.
PUBLISHED_AES_KEY = b"(H+MbQeThWmZq4t7w!z%C&F)J@NcRfUj"
PUBLISHED_IV = b"*F-JaNdRgUkXp2s5"

JWE_HEADER = {"alg": "RSA-OAEP-256", "enc": "A256GCM", "cty": "JWT"}
IADVIZE_JWS_HEADER = {"alg": "RS256"}
MOVEO_JWS_HEADER = {"alg": "RS256", "typ": "JWT"}

# Used with fullmatch (a bare "$" would also match before a final newline).
B64STD_RE = re.compile(r"^[A-Za-z0-9+/]*={0,2}$")

OAEP_SHA256 = rsa_padding.OAEP(
    mgf=rsa_padding.MGF1(algorithm=hashes.SHA256()),
    algorithm=hashes.SHA256(),
    label=None,
)


def python_version():
    return f"Python {platform.python_version()}"


def cryptography_version():
    """"cryptography X, OpenSSL Y", as setup-python.sh says them."""
    try:
        from cryptography.hazmat.backends.openssl import backend

        openssl = backend.openssl_version_text()
    except Exception:  # noqa: BLE001 - only for the description
        openssl = "OpenSSL version unknown"
    return f"cryptography {cryptography.__version__}, {openssl}"


# ---- errors ------------------------------------------------------------------


class Reject(Exception):
    """The token fails: becomes {"verdict":"fail","error":...}."""

    def __init__(self, rule, detail):
        super().__init__(f"{rule}: {detail}")


class Rejected(Exception):
    """The token fails, with the whole error text: a JOSE library's message,
    prefixed with a rule id where one is obvious."""


class BadRequest(Exception):
    """The request itself is unusable: becomes {"error":...}."""


def fail(error):
    """A consume answer for a rejected token."""
    return {"verdict": "fail", "error": error, "claims": None, "context": None}


# ---- encodings ---------------------------------------------------------------


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
# For what the adapters parse themselves (python-adapter.py: everything; the
# library adapters: only the decrypted moveo context, which no JOSE library
# sees): UTF-8, real JSON, no duplicate members, no lone surrogates, bounded
# depth, an object at the top.


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
    """Bytes -> dict, under the strict rules above.
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


def pem_bytes(pem, role):
    """The PEM of keys.<role> as bytes, from its "-----BEGIN" line on."""
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
    """keys.<role> as a pyca RSA private key (cached per PEM)."""
    if isinstance(pem, str) and pem in _PRIVATE_KEYS:
        return _PRIVATE_KEYS[pem]
    key = _load_private(pem, role)
    if len(_PRIVATE_KEYS) < 64:
        _PRIVATE_KEYS[pem] = key
    return key


def _load_private(pem, role):
    try:
        key = serialization.load_pem_private_key(pem_bytes(pem, role), password=None)
    except BadRequest:
        raise
    except Exception as e:  # noqa: BLE001
        raise BadRequest(f"keys.{role} is not a readable private key PEM ({e})") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise BadRequest(f"keys.{role} is not an RSA private key")
    return key


def load_public(pem, role):
    """keys.<role> as a pyca RSA public key."""
    try:
        key = serialization.load_pem_public_key(pem_bytes(pem, role))
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


# ---- requests ----------------------------------------------------------------


def produce_request(request, profiles=PROFILES):
    """(profile, claims, context, keys, sign_key) of a produce request, in the
    order python-adapter.py has always checked them."""
    profile = request.get("profile")
    if profile not in profiles:
        raise BadRequest(f"unknown profile {profile!r}")
    claims = request.get("claims")
    if not isinstance(claims, dict):
        raise BadRequest("claims must be a JSON object")
    context = request.get("context")
    keys = request.get("keys")
    if not isinstance(keys, dict):
        raise BadRequest("keys must be an object")
    sign_key = load_private(keys.get("sign"), "sign")
    return profile, claims, context, keys, sign_key


def moveo_context_claims(request, claims, context, keys):
    """The claims of a moveo produce request with the encrypted context
    added (a copy), or the claims untouched when context is null."""
    if context is None:
        return claims
    if not isinstance(context, dict):
        raise BadRequest("context must be a JSON object or null")
    recipient = load_public(keys.get("encrypt"), "encrypt")
    # `aes_key_bytes` (16 or 32) is a harness extension of the protocol.
    aes_key_bytes = request.get("aes_key_bytes", 32)
    if aes_key_bytes not in (16, 32) or isinstance(aes_key_bytes, bool):
        raise BadRequest("aes_key_bytes must be 16 or 32")
    claims = dict(claims)
    claims.update(encrypt_context(context, recipient, aes_key_bytes))
    return claims


def consume_request(request, profiles=PROFILES):
    """(profile, token, now, keys, verify_key) of a consume request, in the
    order python-adapter.py has always checked them. `now` is the clock: no
    adapter ever reads the machine's."""
    profile = request.get("profile")
    if profile not in profiles:
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
    return profile, token, now, keys, verify_key


# ---- the moveo context -------------------------------------------------------


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
    """Call only after the signature verified (AES-CBC is unauthenticated:
    decrypting first is a padding oracle). Returns the context or None."""
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
    # Secrets that are not secret: a zero IV, and the AES key and IV of
    # Moveo's sample code (harness/data/published.json), known to everyone.
    if iv == bytes(16):
        raise Reject("moveo.aes.iv_zero", "the IV is 16 zero bytes")
    if aes_key == PUBLISHED_AES_KEY:
        raise Reject("moveo.aes.key_published", "the AES key is the one in Moveo's sample code")
    if iv == PUBLISHED_IV:
        raise Reject("moveo.aes.iv_published", "the IV is the one in Moveo's sample code")
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


# ---- claim rules -------------------------------------------------------------


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
    """Every time rule, exp required and after now included."""
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


def check_time_claims(claims, now):
    """The time rules a library leaves to its caller: exp, iat and nbf, when
    present, are numbers in 0..253402300799, and nbf is not after now. exp
    being present and after now is left to the library (its own check, with
    the clock pinned to `now`)."""
    check_numeric_date(claims, "exp")
    check_numeric_date(claims, "iat")  # type and range only: a future iat is a warning
    nbf = check_numeric_date(claims, "nbf")
    if nbf is not None and nbf > now:
        raise Reject("claims.nbf.future", f"nbf {nbf} is after now {now}")


def check_iadvize_claims(claims, now):
    """check_times, then the iadvize claims."""
    check_times(claims, now)
    check_iadvize_user(claims)


def check_iadvize_user(claims):
    """userId: a string of 1..255 code points; visitorData: an object of
    strings. A lifetime over 60 s, unknown visitorData fields and unprefixed
    claims are warnings or info in profiles.md, never a failure."""
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
    """check_times, then iss and sub non-empty strings and exp at most 300 s
    after now (so now < exp <= now + 300)."""
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


# ---- the loop ----------------------------------------------------------------


def handle(line, ops, prog):
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
        if op not in ops:
            raise BadRequest(f"unknown op {op!r}")
        return dict({"id": request_id}, **ops[op](request))
    except BadRequest as e:
        return {"id": request_id, "error": str(e)}
    except Exception as e:  # noqa: BLE001 - never crash on a request
        sys.stderr.write(f"{prog}: internal error: {e.__class__.__name__}: {e}\n")
        return {"id": request_id, "error": f"internal error: {e.__class__.__name__}: {e}"}


# Members of an answer that are free text, not data.
FREE_TEXT = ("error", "name", "library")


def well_formed(text):
    """`text` with every lone surrogate replaced by U+FFFD (and a pair held
    as two code points joined): a str read from JSON or from
    surrogateescape'd bytes can hold one, and json.dumps writes it as a
    lone `\\udXXX` escape, valid JSON that strict readers refuse."""
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def encode_response(response):
    # ASCII-only output: always valid UTF-8 whatever the claims hold. Free
    # text is made well-formed; claims and context are data, answered as
    # read.
    response = {
        k: well_formed(v) if k in FREE_TEXT and isinstance(v, str) else v
        for k, v in response.items()
    }
    try:
        return json.dumps(response, separators=(",", ":"), ensure_ascii=True, allow_nan=False)
    except Exception as e:  # noqa: BLE001
        fallback = {"id": None, "error": f"the response cannot be serialized: {e}"}
        try:
            fallback["id"] = json.loads(json.dumps(response.get("id"), allow_nan=False))
        except Exception:  # noqa: BLE001
            pass
        return json.dumps(fallback, ensure_ascii=True)


def serve(argv, name, profiles, produce, consume, prog, version):
    """An adapter's whole main: answers `describe` with `name`, the
    libraries `version()` names and `profiles` (produced and consumed
    alike), and hands `produce` and `consume` their requests."""

    def describe(_request):
        return {
            "name": name,
            "library": version(),
            "capabilities": {"produce": list(profiles), "consume": list(profiles)},
        }

    ops = {"describe": describe, "produce": produce, "consume": consume}
    return main(argv, ops, prog, version)


def main(argv, ops, prog, version):
    """The adapter's main: `--version` prints `version()`; no argument runs
    the protocol loop on stdin until EOF (exit 0)."""
    if argv == ["--version"]:
        PROTOCOL_OUT.write(version() + "\n")
        PROTOCOL_OUT.flush()
        return 0
    if argv:
        sys.stderr.write(
            f"usage: {prog}.py [--version]\n"
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
        response = handle(line, ops, prog)
        try:
            PROTOCOL_OUT.write(encode_response(response) + "\n")
            PROTOCOL_OUT.flush()
        except BrokenPipeError:
            # The reader went away: nothing more to say to anyone.
            try:
                sys.stderr.close()
            finally:
                os._exit(0)
