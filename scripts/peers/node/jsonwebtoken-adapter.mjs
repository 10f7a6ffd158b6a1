#!/usr/bin/env node
// jsonwebtoken-adapter.mjs: a jose-harness adapter ("node-jsonwebtoken")
// for the `moveo` profile only, built the way Moveo.AI's own Node sample
// does it (shared/seeds/moveo-user-authentication.txt): `jsonwebtoken` signs
// and verifies the RS256 JWT, `node-rsa` with environment 'browser' and
// encryptionScheme {scheme: 'pkcs1_oaep', hash: 'sha256'} encrypts and
// decrypts the context's AES key and IV, and node:crypto does AES-CBC for
// the context itself.
//
//   scripts/peers/setup.sh node          # or: cd scripts/peers/node && npm ci
//   node scripts/peers/node/jsonwebtoken-adapter.mjs             # the protocol
//   node scripts/peers/node/jsonwebtoken-adapter.mjs --version   # versions
//   jose-harness interop --exec 'node scripts/peers/node/jsonwebtoken-adapter.mjs'
//
// Protocol: one JSON request per line on stdin, one JSON answer per line on
// stdout (DESIGN.md, "Adapter protocol"; the full text, with the `describe`
// op and produce's `aes_key_bytes`, is the docstring of
// scripts/peers/python-adapter.py). The loop lives in common.mjs. Its
// `describe` says it produces and consumes `moveo` only; an `iadvize`
// request gets an {"error"} answer.
//
// The consumer is configured the strict way a careful receiver configures
// these libraries: jsonwebtoken.verify with an explicit algorithm
// allow-list (['RS256']), the request's `now` as clockTimestamp (never the
// machine clock), no clock tolerance, the key always the one in the
// request (never one named or carried by the token), and the required
// claims and Moveo's rules checked on top (jsonwebtoken has no
// required-claims option). jsonwebtoken and node-rsa get the token and the
// claim texts as they came: where they are lenient, the harness sees it
// (that is the point of this peer). node-rsa is used exactly as the vendor
// sample sets it up, environment 'browser' included: in node-rsa 1.x the
// 'node' environment ignored `hash` and did SHA-1 OAEP (rzcoder/node-rsa
// #106, #229); node-rsa 2.0.0 honours `hash` in both environments and keeps
// 'browser' only as a "force the pure-JS engine" switch (jsbn big integers:
// about 65 ms per 2048-bit decryption, 425 ms at 4096 bits), warning once
// on stderr that the option is deprecated. Neither jsonwebtoken.verify nor node-rsa
// enforces a minimum RSA key size, so the receiver checks 2048 bits itself.
// The context ciphertext is the receiver's own code (common.mjs, strict
// padded standard base64); encryption_key and init_vector go to
// node-rsa's decrypt() as the base64 text they are.
//
// Library leniencies seen (jsonwebtoken 9.0.3 with jws 4.0.1 / jwa 2.0.1,
// node-rsa 2.0.0, Node 20.20.2); the first group is in the harness's
// quirks list, the second has no harness case yet:
//   - signature base64url with non-zero trailing bits accepted (Buffer
//     base64 in jwa); `crit` ignored (RFC 7515 §4.1.11); jku/x5u ignored;
//     claims that are not UTF-8 decoded with U+FFFD replacement (and the
//     header decoded as Latin-1);
//   - node-rsa decrypt() reads base64 with atob(): missing '=' padding,
//     embedded whitespace and non-zero trailing bits are accepted (base64url
//     is refused); a ciphertext of several modulus-sized blocks is
//     decrypted block by block and the plaintexts concatenated, so a key
//     split over two OAEP blocks is accepted; unpaired UTF-16 surrogate
//     escapes in the claims are accepted (JSON.parse).

import { createPrivateKey, createPublicKey } from 'node:crypto';
import {
  BadRequest,
  Reject,
  checkMoveoClaims,
  decryptContext,
  describeError,
  encryptContext,
  importPackages,
  isPlainObject,
  libraryVersions,
  pemOf,
  requireAesKeyBytes,
  requireClaims,
  requireClaimsObject,
  requireKeys,
  requireNow,
  requireRsaBits,
  requireToken,
  serve,
} from './common.mjs';

const NAME = 'node-jsonwebtoken';
const [jsonwebtoken, nodeRsa] = await importPackages(NAME, ['jsonwebtoken', 'node-rsa']);
const jwt = jsonwebtoken.default ?? jsonwebtoken;
const NodeRSA = nodeRsa.default;

// ---- configuration: what a careful receiver passes to the libraries -----------

// This is the configuration site: jsonwebtoken.verify accepts only RS256
// (so "none", HS256 keyed with the public key, PS256, ... are refused by
// the library), judges time at the request's `now`, with no tolerance, and
// verifies with the key from the request (a KeyObject, never a callback
// that could look at the token's header). Note: jsonwebtoken reads
// `clockTimestamp || Date.now()`, so a `now` of 0 would silently become the
// machine clock; the harness never sends 0, and this is left as the
// library does it.
function verifyOptions(now) {
  return { algorithms: ['RS256'], clockTimestamp: now, clockTolerance: 0 };
}

// node-rsa as the vendor sample configures it.
const NODE_RSA_OPTIONS = {
  environment: 'browser',
  encryptionScheme: { scheme: 'pkcs1_oaep', hash: 'sha256' },
};

// ---- keys -----------------------------------------------------------------------

const keyCache = new Map();

function cached(kind, pem, make, role) {
  const k = `${kind}\n${pem}`;
  let v = keyCache.get(k);
  if (v === undefined) {
    try {
      v = make();
    } catch (err) {
      throw new BadRequest(`keys.${role} is not a readable ${kind} key PEM (${describeError(err)})`);
    }
    if (keyCache.size < 256) keyCache.set(k, v);
  }
  return v;
}

/** node:crypto KeyObject (jsonwebtoken takes these, or the PEM itself). */
function keyObject(keys, role) {
  const pem = pemOf(keys, role);
  const isPrivate = role === 'sign' || role === 'decrypt';
  return cached(isPrivate ? 'private' : 'public', pem, () => (isPrivate ? createPrivateKey(pem) : createPublicKey(pem)), role);
}

/** node-rsa key, as the vendor sample makes it; format from the PEM label. */
function nodeRsaKey(keys, role) {
  const pem = pemOf(keys, role);
  const format = role === 'decrypt' ? 'pkcs8-private-pem' : 'pkcs8-public-pem';
  return cached(`node-rsa ${format}`, pem, () => new NodeRSA(pem, format, NODE_RSA_OPTIONS), role);
}

// ---- what jsonwebtoken's errors mean, in the harness's rule ids -----------------------

function ruleOf(err, token) {
  const msg = err?.message ?? '';
  if (err?.name === 'TokenExpiredError') return 'claims.exp.expired';
  if (err?.name === 'NotBeforeError') return 'claims.nbf.future';
  if (msg === 'invalid algorithm' || /must be a symmetric key/.test(msg)) {
    let alg;
    try {
      alg = jwt.decode(token, { complete: true })?.header?.alg;
    } catch {
      alg = undefined;
    }
    const text = typeof alg === 'string' ? alg.toUpperCase() : '';
    if (text === 'NONE') return 'jws.alg.none';
    if (text.startsWith('HS')) return 'jws.alg.hmac';
    return 'jws.alg.unexpected';
  }
  if (msg === 'jwt signature is required') return 'jws.signature.empty';
  if (msg === 'invalid signature') return 'jws.signature.invalid';
  if (msg === 'jwt malformed') return 'token.segments';
  if (msg === 'invalid token') {
    // jws.decode returned null: a segment outside its base64url pattern, or
    // a header that is not JSON.
    return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token) ? 'json.syntax' : 'b64.invalid';
  }
  if (/invalid (exp|nbf) value/.test(msg)) return 'claims.time.type';
  if (err instanceof SyntaxError) return 'json.syntax';
  return 'jws.invalid';
}

// ---- the moveo context's RSA step: node-rsa, as in the vendor sample ------------------

function nodeRsaEncrypt(rsa) {
  // The vendor sample: rsaKey.encrypt(key, 'base64'); here the raw bytes.
  return (bytes) => rsa.encrypt(bytes);
}

function nodeRsaDecrypt(rsa) {
  // The claim's text goes to node-rsa as it came: decrypt() takes base64
  // text itself (the inverse of the vendor's encrypt(.., 'base64')).
  return (name, text) => {
    try {
      return rsa.decrypt(text);
    } catch (err) {
      throw new Reject('moveo.rsa.undecryptable', `${name}: node-rsa decrypt (pkcs1_oaep, sha256): ${describeError(err)}`);
    }
  };
}

// ---- produce -----------------------------------------------------------------------------

async function produce(request) {
  const claims = requireClaims(request);
  const keys = requireKeys(request);
  const context = request.context ?? null;
  const signKey = keyObject(keys, 'sign');
  let payload = { ...claims };
  if (context !== null) {
    if (!isPlainObject(context)) throw new BadRequest('context must be a JSON object or null');
    const aesKeyBytes = requireAesKeyBytes(request);
    const rsa = nodeRsaKey(keys, 'encrypt');
    payload = { ...payload, ...encryptContext(context, aesKeyBytes, nodeRsaEncrypt(rsa)) };
  }
  // jsonwebtoken adds `iat` from the machine clock unless noTimestamp; with
  // noTimestamp it deletes a given iat. So: noTimestamp exactly when the
  // claims have no iat, and the token carries the claims as given.
  const token = jwt.sign(payload, signKey, { algorithm: 'RS256', noTimestamp: !Object.hasOwn(claims, 'iat') });
  return { token };
}

// ---- consume -------------------------------------------------------------------------------

async function consume(request) {
  const keys = requireKeys(request);
  const now = requireNow(request);
  const verifyKey = keyObject(keys, 'verify');
  const token = requireToken(request);
  // jsonwebtoken.verify has no minimum RSA size: the receiver checks it.
  if (verifyKey.asymmetricKeyType === 'rsa') {
    requireRsaBits(verifyKey.asymmetricKeyDetails?.modulusLength, 'customer (verification) key');
  }
  let payload;
  try {
    payload = jwt.verify(token, verifyKey, verifyOptions(now));
  } catch (err) {
    throw new Reject(ruleOf(err, token), `jsonwebtoken: ${describeError(err)}`);
  }
  // Without typ JWT jsonwebtoken may hand back the payload as a string.
  const claims = requireClaimsObject(payload);
  checkMoveoClaims(claims, now);
  // Only now, with the signature verified, is the context touched; the
  // recipient key is loaded when the token has context claims.
  let rsaDecrypt;
  const context = decryptContext(claims, (name, text) => {
    if (!rsaDecrypt) {
      const rsa = nodeRsaKey(keys, 'decrypt');
      // node-rsa imports any size: the receiver checks it.
      requireRsaBits(rsa.getKeySize(), 'recipient (decryption) key');
      rsaDecrypt = nodeRsaDecrypt(rsa);
    }
    return rsaDecrypt(name, text);
  });
  return { verdict: 'pass', claims, context };
}

await serve({
  name: NAME,
  file: 'scripts/peers/node/jsonwebtoken-adapter.mjs',
  library: () => libraryVersions(['jsonwebtoken', 'node-rsa']),
  capabilities: { produce: ['moveo'], consume: ['moveo'] },
  produce,
  consume,
});
