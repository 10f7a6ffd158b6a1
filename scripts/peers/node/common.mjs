// common.mjs: the part the two Node adapters of jose-harness share
// (jose-adapter.mjs and jsonwebtoken-adapter.mjs). Not run by itself.
//
// What is here, and only this:
//   - the adapter protocol loop (DESIGN.md, "Adapter protocol"; the full
//     description is in scripts/peers/python-adapter.py's docstring): one
//     JSON request per line on stdin, exactly one JSON answer per line on
//     stdout, written synchronously, until EOF. Nothing else ever reaches
//     stdout: console.log/info/debug and process.stdout.write are sent to
//     stderr, so a chatty library cannot break the protocol. Every request
//     is answered, whatever it holds; bad requests get {"id":..,"error":..};
//   - the rules of profiles.md a receiver has to write itself on top of a
//     JOSE library (claim rules, required claims, NumericDate ranges, the
//     moveo exp window, the RSA key-size minimum where the library has none);
//   - the moveo context scheme (AES-CBC/PKCS#7 with node:crypto, base64
//     with the standard alphabet); the RSA-OAEP step for its key and IV is
//     the adapter's own library choice, passed in as a function;
//   - key PEM handling (a "TEST KEY: ..." notice before -----BEGIN is
//     dropped) and reading library versions from the installed packages.
//
// Deliberately NOT here: any JOSE parsing (compact splitting, base64url,
// header/claims JSON, alg checks). The adapters hand the token to the
// library as it came, so the library's own leniencies show up in the
// harness's reports instead of being hidden by a stricter front end.

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import process from 'node:process';
import { createInterface } from 'node:readline';

// ---- stdout belongs to the protocol ------------------------------------------

const protocolWrite = process.stdout.write.bind(process.stdout);
// Anything else that writes to stdout (a library's console.log, a stray
// process.stdout.write) lands on stderr instead.
process.stdout.write = (...args) => process.stderr.write(...args);
console.log = console.error;
console.info = console.error;
console.debug = console.error;

// ---- constants (profiles.md) --------------------------------------------------

export const MAX_TOKEN_BYTES = 64 * 1024; // the harness's default --max-token-bytes
export const MIN_RSA_BITS = 2048; // profiles.md: under 2048 bits is an error
export const MAX_NUMERIC_DATE = 253402300799; // 9999-12-31T23:59:59Z
export const MOVEO_MAX_EXP_AHEAD = 300; // Moveo rejects exp more than 5 min ahead
export const MAX_USER_ID_CHARS = 255;
export const IADVIZE_USER_ID = 'https://iadvize.com/userId';
export const IADVIZE_VISITOR_DATA = 'https://iadvize.com/visitorData';
export const MOVEO_CONTEXT_CLAIMS = ['context', 'encryption_key', 'init_vector'];
export const PROFILES = ['iadvize', 'moveo'];

// ---- errors -----------------------------------------------------------------

/** The token fails: becomes {"verdict":"fail","error":"<rule>: <detail>"}. */
export class Reject extends Error {
  constructor(rule, detail) {
    super(rule ? `${rule}: ${detail}` : detail);
    this.rule = rule;
  }
}

/** The request itself is unusable: becomes {"error": ...}. */
export class BadRequest extends Error {}

/** "Name: message" of any thrown value, for error texts. */
export function describeError(err) {
  if (err instanceof Error) {
    const code = err.code && err.code !== err.name ? ` ${err.code}` : '';
    const cause = err.cause instanceof Error ? ` (cause: ${err.cause.message})` : '';
    return `${err.name}${code}: ${err.message}${cause}`;
  }
  return String(err);
}

// ---- packages and versions ----------------------------------------------------

/** The version of an installed npm package, from its own package.json. */
export function packageVersion(name) {
  try {
    const url = new URL(`./node_modules/${name}/package.json`, import.meta.url);
    return JSON.parse(readFileSync(url, 'utf8')).version;
  } catch {
    return 'version unknown';
  }
}

/** "Node 20.x.y, jose 6.2.17, ..., OpenSSL 3.x.y", read at run time. */
export function libraryVersions(packages) {
  const parts = [`Node ${process.versions.node}`];
  for (const name of packages) parts.push(`${name} ${packageVersion(name)}`);
  parts.push(`OpenSSL ${process.versions.openssl}`);
  return parts.join(', ');
}

/**
 * Imports the npm packages an adapter needs; when node_modules is missing,
 * one clear line on stderr and exit 2 (no stack trace).
 */
export async function importPackages(adapter, names) {
  const modules = [];
  for (const name of names) {
    try {
      modules.push(await import(name));
    } catch (err) {
      const missing = err && (err.code === 'ERR_MODULE_NOT_FOUND' || err.code === 'MODULE_NOT_FOUND');
      process.stderr.write(
        missing
          ? `${adapter}: the npm package '${name}' is not installed in scripts/peers/node/node_modules; run scripts/peers/setup.sh\n`
          : `${adapter}: cannot load the npm package '${name}' (${describeError(err)}); run scripts/peers/setup.sh\n`,
      );
      process.exit(2);
    }
  }
  return modules;
}

// ---- request fields -------------------------------------------------------------

/** The PEM text of keys[role], from its -----BEGIN line on. */
export function pemOf(keys, role) {
  const pem = keys?.[role];
  if (pem === undefined || pem === null) {
    throw new BadRequest(`keys.${role} is missing and this request needs it`);
  }
  if (typeof pem !== 'string') throw new BadRequest(`keys.${role} must be a PEM string`);
  const start = pem.indexOf('-----BEGIN');
  if (start < 0) throw new BadRequest(`keys.${role} is not PEM (no -----BEGIN line)`);
  // The bundled test keys start with a one-line "TEST KEY: ..." notice.
  return pem.slice(start);
}

export function requireProfile(request) {
  const { profile } = request;
  if (!PROFILES.includes(profile)) throw new BadRequest(`unknown profile ${JSON.stringify(profile)}`);
  return profile;
}

export function requireKeys(request) {
  const { keys } = request;
  if (!isPlainObject(keys)) throw new BadRequest('keys must be an object');
  return keys;
}

/** `now`, whole UNIX seconds: the only clock a consumer uses. */
export function requireNow(request) {
  const { now } = request;
  if (typeof now !== 'number' || !Number.isSafeInteger(now)) {
    throw new BadRequest('now must be whole UNIX seconds (an integer); the machine clock is never read');
  }
  return now;
}

export function requireToken(request) {
  const { token } = request;
  if (typeof token !== 'string') throw new BadRequest('token must be a string');
  // A resource bound any receiver sets (the harness's default limit).
  if (Buffer.byteLength(token, 'utf8') > MAX_TOKEN_BYTES) {
    throw new Reject('token.size', `the token is longer than ${MAX_TOKEN_BYTES} bytes`);
  }
  return token;
}

export function requireClaims(request) {
  const { claims } = request;
  if (!isPlainObject(claims)) throw new BadRequest('claims must be a JSON object');
  return claims;
}

/** `aes_key_bytes` (16 or 32, default 32): a harness extension of produce. */
export function requireAesKeyBytes(request) {
  const value = request.aes_key_bytes;
  if (value === undefined || value === null) return 32;
  if (value !== 16 && value !== 32) throw new BadRequest('aes_key_bytes must be 16 or 32');
  return value;
}

export function isPlainObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---- the receiver's own rules (profiles.md) ---------------------------------------

/** A KeyObject's modulus size; profiles.md makes < 2048 bits an error. */
export function requireRsaBits(bits, which) {
  if (typeof bits !== 'number' || bits < MIN_RSA_BITS) {
    throw new Reject('key.size', `the ${which} is ${bits} bits; at least ${MIN_RSA_BITS} required`);
  }
}

/**
 * exp, iat, nbf: JSON numbers within 0..253402300799 when present; exp is
 * required. Expiry and nbf against `now` are left to the library (it is
 * given `now` as its clock); only what it does not check is here.
 */
export function checkTimeClaims(claims) {
  for (const name of ['exp', 'iat', 'nbf']) {
    if (!Object.hasOwn(claims, name)) continue;
    const value = claims[name];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new Reject('claims.time.type', `${name} is not a number`);
    }
    if (value < 0 || value > MAX_NUMERIC_DATE) {
      throw new Reject('claims.time.range', `${name} is ${value}: negative or absurdly large`);
    }
    // A non-integer NumericDate is allowed (RFC 7519 §2; a warning only).
  }
  if (!Object.hasOwn(claims, 'exp')) throw new Reject('claims.exp.missing', 'the claims have no exp');
}

/** The claims must be a JSON object (a library may hand back a string). */
export function requireClaimsObject(claims) {
  if (!isPlainObject(claims)) {
    const what = claims === null ? 'null' : Array.isArray(claims) ? 'an array' : `a ${typeof claims}`;
    throw new Reject('json.not_object', `the claims are ${what}, not a JSON object`);
  }
  return claims;
}

export function checkIadvizeClaims(claims) {
  checkTimeClaims(claims);
  if (!Object.hasOwn(claims, IADVIZE_USER_ID)) {
    throw new Reject('iadvize.userid.missing', `the claims have no ${IADVIZE_USER_ID}`);
  }
  const userId = claims[IADVIZE_USER_ID];
  if (typeof userId !== 'string') throw new Reject('iadvize.userid.type', 'userId is not a string');
  if (userId.length === 0) throw new Reject('iadvize.userid.empty', 'userId is empty');
  const chars = [...userId].length; // code points, not UTF-16 units
  if (chars > MAX_USER_ID_CHARS) {
    throw new Reject('iadvize.userid.length', `userId is ${chars} characters; at most ${MAX_USER_ID_CHARS}`);
  }
  if (Object.hasOwn(claims, IADVIZE_VISITOR_DATA)) {
    const data = claims[IADVIZE_VISITOR_DATA];
    if (!isPlainObject(data)) throw new Reject('iadvize.visitordata.type', 'visitorData is not an object');
    for (const [field, value] of Object.entries(data)) {
      if (typeof value !== 'string') {
        throw new Reject('iadvize.visitordata.field', `visitorData.${field} is not a string`);
      }
    }
  }
}

export function checkMoveoClaims(claims, now) {
  checkTimeClaims(claims);
  for (const name of ['iss', 'sub']) {
    if (!Object.hasOwn(claims, name)) throw new Reject(`moveo.${name}.missing`, `the claims have no ${name}`);
    if (typeof claims[name] !== 'string') throw new Reject(`moveo.${name}.type`, `${name} is not a string`);
    if (claims[name].length === 0) {
      throw new Reject(name === 'sub' ? 'moveo.sub.empty' : 'moveo.iss.type', `${name} is empty`);
    }
  }
  if (claims.exp - now > MOVEO_MAX_EXP_AHEAD) {
    throw new Reject(
      'moveo.exp.too_far',
      `exp is ${claims.exp - now} s after now; Moveo accepts at most ${MOVEO_MAX_EXP_AHEAD}`,
    );
  }
}

// ---- the moveo context scheme ---------------------------------------------------------

const STD_B64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Standard base64 as the profile asks (padded, standard alphabet, canonical).
 * This is the receiver's own code: Node's Buffer.from(s, 'base64') would
 * silently skip invalid characters and accept base64url, so it is checked
 * first, and the decoding is re-encoded to refuse non-zero trailing bits.
 */
export function decodeStdBase64(text, what) {
  if (!STD_B64.test(text)) {
    const rule = /[-_]/.test(text) ? 'moveo.context.base64url' : 'moveo.context.base64';
    throw new Reject(rule, `${what} is not padded standard base64`);
  }
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64') !== text) {
    throw new Reject('moveo.context.base64', `${what} is not canonical base64 (non-zero trailing bits)`);
  }
  return bytes;
}

/** Whether `bytes` are ASCII base64 (or hex) text of a `sizes`-byte value. */
function looksLikeText(bytes, sizes) {
  const text = bytes.toString('latin1');
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(text) && sizes.includes(Buffer.from(text, 'base64').length)) return true;
  return /^[0-9a-fA-F]+$/.test(text) && text.length % 2 === 0 && sizes.includes(text.length / 2);
}

/**
 * Encrypts a context object for produce: AES-CBC/PKCS#7 (node:crypto) of its
 * compact UTF-8 JSON with a fresh random key (16 or 32 bytes) and 16-byte
 * IV; `rsaEncrypt(bytes) -> Buffer` wraps the raw key and the raw IV (the
 * adapter's RSA-OAEP-SHA256 of choice). Standard padded base64 for all three.
 */
export function encryptContext(context, aesKeyBytes, rsaEncrypt) {
  const key = randomBytes(aesKeyBytes);
  const iv = randomBytes(16);
  const cipher = createCipheriv(`aes-${aesKeyBytes * 8}-cbc`, key, iv);
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(context), 'utf8'), cipher.final()]);
  return {
    context: ciphertext.toString('base64'),
    encryption_key: Buffer.from(rsaEncrypt(key)).toString('base64'),
    init_vector: Buffer.from(rsaEncrypt(iv)).toString('base64'),
  };
}

/**
 * Decrypts the moveo context; call it only after the signature verified
 * (AES-CBC is unauthenticated: padding oracle otherwise). `rsaDecrypt(name,
 * text) -> bytes` is the adapter's RSA-OAEP-SHA256 step: it gets the claim's
 * text as sent and throws a Reject when it cannot decrypt. Returns the
 * context object, or null when the token has none.
 */
export function decryptContext(claims, rsaDecrypt) {
  const present = MOVEO_CONTEXT_CLAIMS.filter((n) => Object.hasOwn(claims, n));
  if (present.length === 0) return null;
  if (present.length !== MOVEO_CONTEXT_CLAIMS.length) {
    throw new Reject('moveo.context.incomplete', `has ${present.join(', ')}; all three or none`);
  }
  for (const name of MOVEO_CONTEXT_CLAIMS) {
    if (typeof claims[name] !== 'string') throw new Reject('moveo.context.type', `${name} is not a string`);
  }
  const ciphertext = decodeStdBase64(claims.context, 'context');
  const key = Buffer.from(rsaDecrypt('encryption_key', claims.encryption_key));
  const iv = Buffer.from(rsaDecrypt('init_vector', claims.init_vector));
  if (key.length !== 16 && key.length !== 32) {
    if (looksLikeText(key, [16, 32])) {
      throw new Reject('moveo.aes.key_as_text', `the AES key is ${key.length} bytes of text, not raw key bytes`);
    }
    throw new Reject('moveo.aes.key_length', `the AES key is ${key.length} bytes, not 16 or 32`);
  }
  if (iv.length !== 16) {
    if (looksLikeText(iv, [16])) {
      throw new Reject('moveo.aes.iv_as_text', `the IV is ${iv.length} bytes of text, not raw IV bytes`);
    }
    throw new Reject('moveo.aes.iv_length', `the IV is ${iv.length} bytes, not 16`);
  }
  // Secrets that are not secret: a zero IV, and the AES key and IV of
  // Moveo's sample code (harness/data/published.json), known to everyone.
  if (iv.equals(Buffer.alloc(16))) throw new Reject('moveo.aes.iv_zero', 'the IV is 16 zero bytes');
  if (key.equals(Buffer.from('(H+MbQeThWmZq4t7w!z%C&F)J@NcRfUj'))) {
    throw new Reject('moveo.aes.key_published', "the AES key is the one in Moveo's sample code");
  }
  if (iv.equals(Buffer.from('*F-JaNdRgUkXp2s5'))) {
    throw new Reject('moveo.aes.iv_published', "the IV is the one in Moveo's sample code");
  }
  if (ciphertext.length === 0 || ciphertext.length % 16 !== 0) {
    throw new Reject('moveo.context.length', `the ciphertext is ${ciphertext.length} bytes, not a whole number of 16-byte blocks`);
  }
  let plaintext;
  try {
    // node:crypto (OpenSSL) removes and checks the PKCS#7 padding.
    const decipher = createDecipheriv(`aes-${key.length * 8}-cbc`, key, iv);
    plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch (err) {
    throw new Reject('moveo.context.padding', `AES-CBC: ${describeError(err)}`);
  }
  let text;
  try {
    // ignoreBOM: a BOM is kept, so JSON.parse refuses it.
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(plaintext);
  } catch {
    throw new Reject('moveo.context.json', 'the context is not UTF-8');
  }
  let value;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Reject('moveo.context.json', `the context is not JSON (${describeError(err)})`);
  }
  if (!isPlainObject(value)) throw new Reject('moveo.context.json', 'the context is JSON but not an object');
  return value;
}

/** Result of a consume that failed. */
export function fail(error) {
  return { verdict: 'fail', error, claims: null, context: null };
}

// ---- the protocol loop ----------------------------------------------------------------

/**
 * The free text of an answer (error, name, library) as well-formed Unicode:
 * a message cut inside a surrogate pair (V8 quotes the first characters of
 * the JSON it cannot parse, emoji or not) would otherwise go out as a lone
 * `\udXXX` escape, valid JSON that strict readers refuse. Claims and
 * context are data: they are answered as the library read them.
 */
function wellFormedText(response) {
  const out = { ...response };
  for (const member of ['error', 'name', 'library']) {
    if (typeof out[member] === 'string') out[member] = out[member].toWellFormed();
  }
  return out;
}

/** JSON with every non-ASCII character escaped: always valid UTF-8 on the wire. */
function encodeResponse(response) {
  let text;
  try {
    text = JSON.stringify(wellFormedText(response));
  } catch (err) {
    text = JSON.stringify({ id: null, error: `the response cannot be serialized: ${describeError(err)}` });
  }
  return text.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

async function handle(line, adapter) {
  let id = null;
  try {
    let request;
    try {
      request = JSON.parse(line);
    } catch (err) {
      throw new BadRequest(`the request is not JSON (${describeError(err)})`);
    }
    if (!isPlainObject(request)) throw new BadRequest('the request is not a JSON object');
    id = request.id === undefined ? null : request.id;
    const op = request.op;
    if (op === 'describe') {
      return { id, name: adapter.name, library: adapter.library(), capabilities: adapter.capabilities };
    }
    if (op !== 'produce' && op !== 'consume') throw new BadRequest(`unknown op ${JSON.stringify(op)}`);
    const profile = requireProfile(request);
    if (!adapter.capabilities[op].includes(profile)) {
      throw new BadRequest(`${adapter.name} does not ${op} ${profile} tokens (capabilities: ${JSON.stringify(adapter.capabilities)})`);
    }
    if (op === 'produce') {
      try {
        return { id, ...(await adapter.produce(request, profile)) };
      } catch (err) {
        if (err instanceof BadRequest) throw err;
        // The library refused to make the token (claims it will not sign,
        // a key it will not use): an answer about the request, not a crash.
        return { id, error: `${adapter.name} could not produce the token: ${describeError(err)}` };
      }
    }
    try {
      return { id, ...(await adapter.consume(request, profile)) };
    } catch (err) {
      if (err instanceof Reject) return { id, ...fail(err.message) };
      throw err;
    }
  } catch (err) {
    if (err instanceof BadRequest) return { id, error: err.message };
    process.stderr.write(`${adapter.name}: internal error: ${describeError(err)}\n`);
    return { id, error: `internal error: ${describeError(err)}` };
  }
}

/**
 * Runs the adapter: `--version` prints the library versions; otherwise
 * answers requests until EOF, then exits 0.
 */
export async function serve(adapter) {
  const argv = process.argv.slice(2);
  if (argv.length === 1 && argv[0] === '--version') {
    protocolWrite(`${adapter.library()}\n`);
    return;
  }
  if (argv.length > 0) {
    process.stderr.write(`usage: node ${adapter.file} [--version]\n  reads JSON requests, one per line, on stdin\n`);
    process.exit(2);
  }
  // Never die on a stray asynchronous error from a library: say it on stderr.
  process.on('uncaughtException', (err) => process.stderr.write(`${adapter.name}: uncaught: ${describeError(err)}\n`));
  process.on('unhandledRejection', (err) => process.stderr.write(`${adapter.name}: unhandled: ${describeError(err)}\n`));
  // The reader went away: nothing more to say to anyone.
  process.stdout.on('error', () => process.exit(0));
  const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    // Requests are answered one at a time, in order; writes to a pipe are
    // synchronous in Node on Linux/macOS, so each answer leaves at once.
    protocolWrite(`${encodeResponse(await handle(line, adapter))}\n`);
  }
}
