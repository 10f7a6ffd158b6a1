#!/usr/bin/env python3
"""Writes the small Rooterberg-schema fixtures of this folder.

Every signature, ciphertext and padding here is made by pyca/cryptography,
not by jose-harness, so the harness is checked against an independent
implementation. The RSA keys are the project's TEST keys (vectors/keys/);
the AES keys and IVs are drawn at random on each run, so a new run gives
other bytes with the same meaning.

    python3 tests/data/rooterberg/make_fixtures.py
"""

import base64
import json
import os
from pathlib import Path

from cryptography.hazmat.primitives import hashes, hmac, padding, serialization
from cryptography.hazmat.primitives.asymmetric import padding as rsa_padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

HERE = Path(__file__).resolve().parent
KEYS = HERE.parents[2] / "vectors" / "keys"
VERSION = "fixture-1"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def uint(n: int) -> str:
    return b64url(n.to_bytes((n.bit_length() + 7) // 8, "big"))


def private_key(name: str):
    return serialization.load_pem_private_key((KEYS / f"{name}-test-private.pem").read_bytes(), None)


def public_pem(key) -> str:
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def private_pem(key) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def public_jwk(key, kid: str, use: str, alg: str) -> dict:
    numbers = key.public_key().public_numbers()
    return {"kty": "RSA", "kid": kid, "use": use, "alg": alg, "n": uint(numbers.n), "e": uint(numbers.e)}


def private_jwk(key, kid: str, use: str, alg: str) -> dict:
    jwk = public_jwk(key, kid, use, alg)
    p = key.private_numbers()
    jwk.update(d=uint(p.d), p=uint(p.p), q=uint(p.q), dp=uint(p.dmp1), dq=uint(p.dmq1), qi=uint(p.iqmp))
    return jwk


def write(relative: str, test_type: str, algorithm: dict, notes: dict, tests: list) -> None:
    for i, test in enumerate(tests, 1):
        test["tcId"] = i
    doc = {
        "testType": test_type,
        "algorithm": algorithm,
        "version": VERSION,
        "description": ["jose-harness test fixture in Rooterberg's schema; see README.md"],
        "numTests": len(tests),
        "references": [],
        "notes": notes,
        "tests": [{"tcId": t.pop("tcId"), **t} for t in tests],
    }
    path = HERE / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2) + "\n")


# ---- JWS: RS256 over the customer TEST key ---------------------------------

customer = private_key("customer")
customer2 = private_key("customer2")


def rs256(header: dict, payload: bytes, key) -> str:
    signing_input = b64url(json.dumps(header, separators=(",", ":")).encode()) + "." + b64url(payload)
    sig = key.sign(signing_input.encode(), rsa_padding.PKCS1v15(), hashes.SHA256())
    return signing_input + "." + b64url(sig)


def jws_case(msg: str, sig: str, comment: str, valid: bool, flags: list) -> dict:
    return {
        "publicKeyPem": public_pem(customer),
        "publicKeyJwk": public_jwk(customer, "customer-test", "sig", "RS256"),
        "msg": msg,
        "sig": sig,
        "comment": comment,
        "valid": valid,
        "flags": flags,
    }


payload = '{"msg":"payload"}'
good = rs256({"alg": "RS256"}, payload.encode(), customer)
head, body, sig = good.split(".")
sig_bytes = bytearray(base64.urlsafe_b64decode(sig + "=" * (-len(sig) % 4)))
sig_bytes[-1] ^= 0x01
hs_input = b64url(b'{"alg":"HS256"}') + "." + body
mac = hmac.HMAC(public_pem(customer).encode(), hashes.SHA256())
mac.update(hs_input.encode())

write(
    "test_vectors/jws/jwt_rs256_2048.json",
    "JwsVerify",
    {"algorithmType": "Jws", "primitive": "RS256", "jwa": "RS256", "keySize": 2048},
    {
        "Valid": {"type": "GENERATION", "desc": "A token signed as it should be."},
        "AlgorithmSwap": {"type": "CONSTRUCTED", "desc": "The header names another algorithm than the key's."},
        "ModifiedSignature": {"type": "CONSTRUCTED", "desc": "A bit of the signature is flipped."},
        "WrongKey": {"type": "CONSTRUCTED", "desc": "Signed with another key than the one given."},
    },
    [
        jws_case(payload, good, "valid RS256", True, ["Valid"]),
        jws_case('{"msg":"other"}', rs256({"alg": "RS256", "typ": "JWT"}, b'{"msg":"other"}', customer), "valid RS256 with typ", True, ["Valid"]),
        jws_case(payload, hs_input + "." + b64url(mac.finalize()), "alg HS256, keyed with the public key's PEM", False, ["AlgorithmSwap"]),
        jws_case(payload, head + "." + body + "." + b64url(bytes(sig_bytes)), "last signature bit flipped", False, ["ModifiedSignature"]),
        jws_case(payload, rs256({"alg": "RS256"}, payload.encode(), customer2), "signed by customer2", False, ["WrongKey"]),
    ],
)

# ---- JWE: RSA-OAEP-256 + A256GCM to the recipient TEST key -----------------

recipient = private_key("recipient")


def jwe(header: dict, plaintext: bytes, wrap_to, oaep_hash=hashes.SHA256) -> str:
    protected = b64url(json.dumps(header, separators=(",", ":")).encode())
    cek = os.urandom(32)
    iv = os.urandom(12)
    h = oaep_hash()
    encrypted_key = wrap_to.public_key().encrypt(
        cek, rsa_padding.OAEP(mgf=rsa_padding.MGF1(algorithm=h), algorithm=h, label=None)
    )
    sealed = AESGCM(cek).encrypt(iv, plaintext, protected.encode())
    return ".".join([protected, b64url(encrypted_key), b64url(iv), b64url(sealed[:-16]), b64url(sealed[-16:])])


def jwe_case(msg: str, ct: str, comment: str, valid: bool, flags: list) -> dict:
    return {
        "privateKeyPem": private_pem(recipient),
        "privateKeyJwk": private_jwk(recipient, "recipient-test", "enc", "RSA-OAEP-256"),
        "msg": msg,
        "ct": ct,
        "comment": comment,
        "valid": valid,
        "flags": flags,
    }


header = {"alg": "RSA-OAEP-256", "enc": "A256GCM"}
good = jwe(header, payload.encode(), recipient)
parts = good.split(".")
tag = bytearray(base64.urlsafe_b64decode(parts[4] + "=" * (-len(parts[4]) % 4)))
tag[0] ^= 0x80
nested = rs256({"alg": "RS256"}, b'{"sub":"user-1"}', customer)

write(
    "test_vectors/jwe/jwe_rsa_oaep_256_a256gcm_2048.json",
    "JwePkDecrypt",
    {"algorithmType": "Jwe", "primitive": "RSA-OAEP-256+A256GCM", "alg": "RSA-OAEP-256", "enc": "A256GCM", "keySize": 2048},
    {
        "Valid": {"type": "GENERATION", "desc": "A token encrypted as it should be."},
        "ModifiedTag": {"type": "CONSTRUCTED", "desc": "A bit of the GCM tag is flipped."},
        "WrongKey": {"type": "CONSTRUCTED", "desc": "Encrypted to another key than the one given."},
        "AlgorithmSwap": {"type": "CONSTRUCTED", "desc": "Key wrapped with OAEP over SHA-1 under alg RSA-OAEP."},
    },
    [
        jwe_case(payload, good, "valid", True, ["Valid"]),
        jwe_case(nested, jwe(dict(header, cty="JWT"), nested.encode(), recipient), "valid, a nested JWS", True, ["Valid"]),
        jwe_case(payload, ".".join(parts[:4] + [b64url(bytes(tag))]), "first tag bit flipped", False, ["ModifiedTag"]),
        jwe_case(payload, jwe(header, payload.encode(), customer2), "encrypted to customer2", False, ["WrongKey"]),
        jwe_case(payload, jwe({"alg": "RSA-OAEP", "enc": "A256GCM"}, payload.encode(), recipient, hashes.SHA1), "alg RSA-OAEP (SHA-1)", False, ["AlgorithmSwap"]),
    ],
)

# ---- AES-CBC with PKCS#7 ----------------------------------------------------


def cbc(key: bytes, iv: bytes, data: bytes, pad: bool = True) -> bytes:
    if pad:
        padder = padding.PKCS7(128).padder()
        data = padder.update(data) + padder.finalize()
    enc = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return enc.update(data) + enc.finalize()


def aes_case(key: bytes, iv: bytes, msg: bytes, ct: bytes, comment: str, valid, flags: list) -> dict:
    case = {"key": key.hex(), "iv": iv.hex(), "msg": msg.hex(), "ct": ct.hex(), "comment": comment, "flags": flags}
    if valid is not None:
        case["valid"] = valid
    return case


def aes_file(bits: int, with_invalid: bool) -> None:
    key = os.urandom(bits // 8)
    iv = os.urandom(16)
    context = b'{"user":{"language":"en"}}'
    tests = [
        aes_case(key, iv, context, cbc(key, iv, context), "a moveo context", True, ["Valid"]),
        aes_case(key, iv, b"", cbc(key, iv, b""), "empty message, one block of padding", None, ["Valid", "NoValidMember"]),
    ]
    if with_invalid:
        block = b"0123456789abcde\x00"
        tests += [
            aes_case(key, iv, b"", cbc(key, iv, block, pad=False), "last byte 0x00 is no PKCS#7 padding", False, ["BadPadding"]),
            aes_case(key, iv, b"", cbc(key, iv, b"0123456789abcd\x03\x02", pad=False), "padding bytes differ", False, ["BadPadding"]),
            aes_case(key, iv, b"", cbc(key, iv, context)[:-1], "ciphertext one byte short of a block", False, ["BadLength"]),
        ]
    write(
        f"test_vectors/ind_cpa/aes_cbc_pkcs7_{bits}_128.json",
        "IndCpa",
        {"algorithmType": "IndCpa", "primitive": "AesCbcPkcs7", "keySize": bits, "ivSize": 128, "cipher": "Aes", "mode": "Cbc", "padding": "Pkcs7", "paddingSize": 128},
        {
            "Valid": {"type": "GENERATION", "desc": "Encrypted with PKCS#7 padding."},
            "NoValidMember": {"type": "GENERATION", "desc": "No \"valid\" member, as in older files: valid."},
            "BadPadding": {"type": "CONSTRUCTED", "desc": "The decrypted last block is not PKCS#7 padded."},
            "BadLength": {"type": "CONSTRUCTED", "desc": "The ciphertext is not a whole number of blocks."},
        },
        tests,
    )


aes_file(256, True)
aes_file(128, True)
aes_file(192, False)
