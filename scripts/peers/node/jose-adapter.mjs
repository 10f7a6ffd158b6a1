#!/usr/bin/env node
// jose-adapter.mjs: a jose-harness adapter ("node-jose") built on the
// `jose` npm library (panva/jose) for the JOSE layers and node:crypto for
// the moveo context scheme. It produces and consumes both profiles of
// profiles.md: `iadvize` (RS256 JWS nested in an RSA-OAEP-256/A256GCM JWE)
// and `moveo` (RS256 JWT with an AES-CBC context whose key and IV are
// RSA-OAEP-SHA256 encrypted).
//
//   scripts/peers/setup.sh node          # or: cd scripts/peers/node && npm ci
//   node scripts/peers/node/jose-adapter.mjs             # speaks the protocol
//   node scripts/peers/node/jose-adapter.mjs --version   # library versions
//   jose-harness interop --exec 'node scripts/peers/node/jose-adapter.mjs'
//
// Protocol: one JSON request per line on stdin, one JSON answer per line on
// stdout (DESIGN.md, "Adapter protocol"; the full text, with the `describe`
// op and produce's `aes_key_bytes`, is the docstring of
// scripts/peers/python-adapter.py). The loop lives in common.mjs.
//
// Consumers are configured the strict way a careful receiver configures
// jose: explicit algorithm allow-lists (JWE alg RSA-OAEP-256 only, enc
// A256GCM only, JWS alg RS256 only), compressed JWEs refused, required
// claims, the clock taken from the request's `now` (never the machine's)
// with no tolerance, and the keys always the ones in the request, never
// one named or carried by the token. The token itself goes to jose as it
// came: compact parsing, base64url, header and claims JSON, crit, tag and
// IV lengths are all jose's work, so where jose is lenient the harness sees
// it (that is the point of this peer). On top of jose, only what a
// receiver writes itself (common.mjs): the profile's claim rules, "the JWE
// plaintext must be a signed JWS, not bare claims", and the moveo context
// scheme. jose itself refuses RSA keys under 2048 bits for RS256 and
// RSA-OAEP-256; node:crypto does not, so the moveo context decryption
// checks the recipient key's size itself.
//
// Library leniencies seen (jose 6.2.17 on Node 20.20.2, where jose decodes
// base64url with atob()); the first group is in the harness's quirks list,
// the second has no harness case yet:
//   - '=' padding and non-zero trailing bits on the signature segment;
//     duplicate claim names (JSON.parse: the last wins, as RFC 7519 §4
//     allows); jku/x5u/jwk header members ignored (the key is the caller's);
//   - an RSA-OAEP-256 encrypted key (JWE) or moveo encryption_key one byte
//     shorter than the modulus (its leading zero byte dropped) is accepted:
//     Node's WebCrypto and crypto.privateDecrypt (OpenSSL 3.0) left-pad it,
//     where RFC 8017 §7.1.2 step 1.b says "decryption error"; a UTF-8 BOM
//     before the claims JSON is skipped (TextDecoder); unpaired UTF-16
//     surrogate escapes in the claims are accepted (JSON.parse).

import { constants, createPrivateKey, createPublicKey, privateDecrypt, publicEncrypt } from 'node:crypto';
import {
  BadRequest,
  Reject,
  checkIadvizeClaims,
  checkMoveoClaims,
  decodeStdBase64,
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

const NAME = 'node-jose';
const [jose] = await importPackages(NAME, ['jose']);

// ---- configuration: what a careful receiver passes to jose -------------------

// JWE: only RSA-OAEP-256 + A256GCM (no RSA1_5, no SHA-1 OAEP, no other
// enc); `zip` refused (maxDecompressedLength 0: "0 rejects compressed
// JWEs", jose's documented switch); no crit extension is understood (jose's
// default: an unknown crit member is refused).
const JWE_OPTIONS = {
  keyManagementAlgorithms: ['RSA-OAEP-256'],
  contentEncryptionAlgorithms: ['A256GCM'],
  maxDecompressedLength: 0,
};

// JWS/JWT: only RS256; required claims per profile; the request's `now` as
// the clock, no tolerance. The key is the one in the request: jose is given
// a key, never a function or a JWKS that could look at the token's header.
function jwtOptions(now, requiredClaims) {
  return {
    algorithms: ['RS256'],
    requiredClaims,
    currentDate: new Date(now * 1000),
    clockTolerance: 0,
  };
}

const IADVIZE_REQUIRED = ['exp', 'https://iadvize.com/userId'];
const MOVEO_REQUIRED = ['iss', 'sub', 'exp'];

// ---- keys -----------------------------------------------------------------------

// Each distinct PEM is imported once per algorithm (the harness sends the
// same few keys with every request).
const keyCache = new Map();

function cached(kind, pem, make) {
  const k = `${kind}\n${pem}`;
  let v = keyCache.get(k);
  if (v === undefined) {
    v = make();
    if (keyCache.size < 256) keyCache.set(k, v);
  }
  return v;
}

async function joseKey(keys, role, alg) {
  const pem = pemOf(keys, role);
  const isPrivate = role === 'sign' || role === 'decrypt';
  try {
    return await cached(`jose ${alg} ${role}`, pem, () =>
      isPrivate ? jose.importPKCS8(pem, alg) : jose.importSPKI(pem, alg),
    );
  } catch (err) {
    keyCache.delete(`jose ${alg} ${role}\n${pem}`);
    throw new BadRequest(`keys.${role} is not a usable ${isPrivate ? 'PKCS#8' : 'SPKI'} RSA PEM for ${alg} (${describeError(err)})`);
  }
}

function nodeKey(keys, role) {
  const pem = pemOf(keys, role);
  try {
    return cached(`node ${role}`, pem, () => (role === 'decrypt' ? createPrivateKey(pem) : createPublicKey(pem)));
  } catch (err) {
    throw new BadRequest(`keys.${role} is not a readable PEM key (${describeError(err)})`);
  }
}

// ---- what jose's errors mean, in the harness's rule ids ------------------------------

function headerOf(token) {
  try {
    return jose.decodeProtectedHeader(token);
  } catch {
    return {};
  }
}

function jwsAlgRule(alg) {
  const text = typeof alg === 'string' ? alg.toUpperCase() : '';
  if (text === 'NONE') return 'jws.alg.none';
  if (text.startsWith('HS')) return 'jws.alg.hmac';
  return 'jws.alg.unexpected';
}

/** The rule id a jose error maps to (best effort; the message says the rest). */
function ruleOf(err, layer, token) {
  const msg = err?.message ?? '';
  if (err instanceof TypeError && /modulusLength/.test(msg)) return 'key.size';
  switch (err?.code) {
    case 'ERR_JOSE_ALG_NOT_ALLOWED': {
      const header = headerOf(token);
      if (layer === 'jws') return jwsAlgRule(header.alg);
      if (/"enc"/.test(msg)) return 'jwe.enc';
      if (header.alg === 'RSA-OAEP') return 'jwe.alg.rsa_oaep';
      if (header.alg === 'RSA1_5') return 'jwe.alg.rsa1_5';
      return 'jwe.alg.unsupported';
    }
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'jws.signature.invalid';
    case 'ERR_JWE_DECRYPTION_FAILED':
      // jose does not tell a failed key unwrap from a bad tag (on purpose:
      // a random CEK replaces an undecryptable one, against oracles).
      return 'jwe.integrity';
    case 'ERR_JWT_EXPIRED':
      return 'claims.exp.expired';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (err.reason === 'missing') {
        if (err.claim === 'exp') return 'claims.exp.missing';
        if (err.claim === 'iss') return 'moveo.iss.missing';
        if (err.claim === 'sub') return 'moveo.sub.missing';
        return 'iadvize.userid.missing';
      }
      if (err.claim === 'nbf' && err.reason === 'check_failed') return 'claims.nbf.future';
      return 'claims.time.type';
    case 'ERR_JWT_INVALID':
      return err.cause instanceof SyntaxError ? 'json.syntax' : err.cause ? 'json.utf8' : 'json.not_object';
    case 'ERR_JWS_INVALID':
    case 'ERR_JWE_INVALID':
    case 'ERR_JOSE_NOT_SUPPORTED':
      if (/Invalid Compact/.test(msg)) return 'token.segments';
      if (/base64url/.test(msg)) return 'b64.invalid';
      if (/Protected Header is invalid/.test(msg)) return 'json.syntax';
      if (/crit|Extension Header/.test(msg)) return 'jose.crit';
      if (/zip|[Cc]ompress/.test(msg)) return 'jwe.zip';
      if (/Initialization Vector/.test(msg)) return 'jwe.iv.length';
      if (/Authentication Tag/.test(msg)) return 'jwe.tag.length';
      if (/"enc"|Encryption Algorithm/.test(msg)) return 'jwe.enc';
      if (/"alg"|Algorithm/.test(msg)) return layer === 'jws' ? 'jws.alg.unexpected' : 'jwe.alg.unsupported';
      if (/Signature/.test(msg)) return 'jws.signature.invalid';
      return layer === 'jws' ? 'jws.invalid' : 'jwe.invalid';
    default:
      return layer === 'jws' ? 'jws.invalid' : 'jwe.invalid';
  }
}

/** Runs a jose call; a jose failure becomes a Reject with its rule id. */
async function viaJose(layer, token, call) {
  try {
    return await call();
  } catch (err) {
    if (err instanceof Reject || err instanceof BadRequest) throw err;
    throw new Reject(ruleOf(err, layer, token), `jose: ${describeError(err)}`);
  }
}

// ---- the moveo context's RSA step: node:crypto, RSA-OAEP with SHA-256 ------------------

const OAEP = constants.RSA_PKCS1_OAEP_PADDING;

function rsaOaepEncrypt(publicKey) {
  // oaepHash sets both the OAEP hash and MGF1's (Node's default is SHA-1).
  return (bytes) => publicEncrypt({ key: publicKey, padding: OAEP, oaepHash: 'sha256' }, bytes);
}

function rsaOaepDecrypt(privateKey) {
  return (name, text) => {
    // The receiver's own base64 (strict; common.mjs), then node:crypto.
    const data = decodeStdBase64(text, name);
    try {
      return privateDecrypt({ key: privateKey, padding: OAEP, oaepHash: 'sha256' }, data);
    } catch (err) {
      throw new Reject('moveo.rsa.undecryptable', `${name}: node:crypto privateDecrypt (RSA-OAEP SHA-256): ${describeError(err)}`);
    }
  };
}

// ---- produce -----------------------------------------------------------------------------

async function produce(request, profile) {
  const claims = requireClaims(request);
  const keys = requireKeys(request);
  const context = request.context ?? null;
  const signKey = await joseKey(keys, 'sign', 'RS256');
  if (profile === 'iadvize') {
    if (context !== null) throw new BadRequest('the iadvize profile has no context; send context null');
    const encryptKey = await joseKey(keys, 'encrypt', 'RSA-OAEP-256');
    // Inner JWS: header exactly {"alg":"RS256"}, as the vendor's example.
    const inner = await new jose.SignJWT(claims).setProtectedHeader({ alg: 'RS256' }).sign(signKey);
    const token = await new jose.CompactEncrypt(new TextEncoder().encode(inner))
      .setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM', cty: 'JWT' })
      .encrypt(encryptKey);
    return { token };
  }
  let payload = claims;
  if (context !== null) {
    if (!isPlainObject(context)) throw new BadRequest('context must be a JSON object or null');
    const aesKeyBytes = requireAesKeyBytes(request);
    const recipient = nodeKey(keys, 'encrypt');
    payload = { ...claims, ...encryptContext(context, aesKeyBytes, rsaOaepEncrypt(recipient)) };
  }
  const token = await new jose.SignJWT(payload).setProtectedHeader({ alg: 'RS256', typ: 'JWT' }).sign(signKey);
  return { token };
}

// ---- consume -------------------------------------------------------------------------------

async function consume(request, profile) {
  const keys = requireKeys(request);
  const now = requireNow(request);
  const verifyKey = await joseKey(keys, 'verify', 'RS256');
  if (profile === 'iadvize') {
    // The keys are checked before the token is read (BadRequest first).
    const decryptKey = await joseKey(keys, 'decrypt', 'RSA-OAEP-256');
    const token = requireToken(request);
    // jose takes any 12-byte IV; a fixed one (all zeros) is refused here.
    const ivSegment = token.split('.')[2];
    if (ivSegment && /^A+$/.test(ivSegment)) throw new Reject('jwe.iv.zero', 'the JWE IV is all zeros: a fixed GCM nonce');
    const { plaintext } = await viaJose('jwe', token, () => jose.compactDecrypt(token, decryptKey, JWE_OPTIONS)).catch(
      (err) => {
        // Only to name the rule: jose refuses a JWS as "Invalid Compact JWE".
        if (err instanceof Reject && err.rule === 'token.segments' && token.split('.').length === 3) {
          throw new Reject('iadvize.jwe.required', `a 3-segment JWS where a JWE is required (${err.message})`);
        }
        throw err;
      },
    );
    // The receiver's own rule: the plaintext must be a signed JWS. A JWE of
    // bare claims is forgeable by anyone who has the recipient public key.
    let inner;
    try {
      inner = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(plaintext);
    } catch {
      throw new Reject('iadvize.payload.not_jws', 'the JWE plaintext is not UTF-8 text');
    }
    if (inner.trimStart().startsWith('{')) {
      throw new Reject('iadvize.payload.bare_claims', 'the JWE plaintext is bare JSON claims, not a signed JWS');
    }
    const { payload } = await viaJose('jws', inner, () =>
      jose.jwtVerify(inner, verifyKey, jwtOptions(now, IADVIZE_REQUIRED)),
    ).catch((err) => {
      if (err instanceof Reject && err.rule === 'token.segments') {
        throw new Reject('iadvize.payload.not_jws', `the JWE plaintext is not a compact JWS (${err.message})`);
      }
      throw err;
    });
    const claims = requireClaimsObject(payload);
    checkIadvizeClaims(claims);
    return { verdict: 'pass', claims, context: null };
  }
  const token = requireToken(request);
  const { payload } = await viaJose('jws', token, () => jose.jwtVerify(token, verifyKey, jwtOptions(now, MOVEO_REQUIRED)));
  const claims = requireClaimsObject(payload);
  checkMoveoClaims(claims, now);
  // Only now, with the signature verified, is the context touched; the
  // recipient key is loaded when the token has context claims.
  let rsaDecrypt;
  const context = decryptContext(claims, (name, text) => {
    if (!rsaDecrypt) {
      const recipient = nodeKey(keys, 'decrypt');
      // node:crypto has no minimum RSA size: the receiver checks it.
      requireRsaBits(recipient.asymmetricKeyDetails?.modulusLength, 'recipient (decryption) key');
      rsaDecrypt = rsaOaepDecrypt(recipient);
    }
    return rsaDecrypt(name, text);
  });
  return { verdict: 'pass', claims, context };
}

await serve({
  name: NAME,
  file: 'scripts/peers/node/jose-adapter.mjs',
  library: () => libraryVersions(['jose']),
  capabilities: { produce: ['iadvize', 'moveo'], consume: ['iadvize', 'moveo'] },
  produce,
  consume,
});
