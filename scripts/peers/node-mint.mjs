#!/usr/bin/env node
// node-mint.mjs: mints iadvize and moveo tokens with Node's built-in
// `node:crypto` only (no npm packages), right and wrong, as an independent
// implementation to check jose-harness against.
//
//   node scripts/peers/node-mint.mjs --keys vectors/keys --now 1700000000
//
// prints a JSON array of cases:
//
//   { "name": "...", "profile": "iadvize" | "moveo", "token": "...",
//     "expect": { "verdict": "pass" | "fail",
//                 "errors":   [rule ids that must be reported, severity error],
//                 "warnings": [rule ids that must be reported, severity warning],
//                 "info":     [rule ids that must be reported, severity info] } }
//
// `errors` lists every error the token has: tests/peers.rs also fails on
// an error finding not listed (a misdiagnosis), but lets other warnings and
// info findings through.
//
// Keys read from --keys DIR (the harness's bundled TEST keys):
//   customer-test-private.pem   signs (the customer's backend)
//   customer2-test-private.pem  another customer: wrong-key cases
//   recipient-test-public.pem   encrypts (the vendor's public key)
// The harness then checks with customer-test-public.pem and
// recipient-test-private.pem.
//
// It doubles as a reference for Node implementers: `iadvizeToken` and
// `moveoToken` with their defaults are the correct recipes; every mistake
// below is one argument away from them, and says in a comment which line of
// real-world code produces it.

import {
  constants,
  createCipheriv,
  createPrivateKey,
  createPublicKey,
  createSign,
  publicEncrypt,
  randomBytes,
  sign,
} from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';

// ---- arguments ----------------------------------------------------------

function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i];
    if (flag !== '--keys' && flag !== '--now') {
      throw new Error(`unknown argument ${flag}; usage: node-mint.mjs --keys DIR --now UNIX`);
    }
    if (i + 1 >= argv.length) throw new Error(`${flag} needs a value`);
    args[flag.slice(2)] = argv[(i += 1)];
  }
  if (!args.keys || !args.now) throw new Error('usage: node-mint.mjs --keys DIR --now UNIX');
  if (!/^[0-9]+$/.test(args.now)) throw new Error(`--now must be whole seconds, got ${args.now}`);
  return { keysDir: args.keys, now: Number(args.now) };
}

const { keysDir, now: NOW } = parseArgs(process.argv.slice(2));

// Node reads PEM with a text preamble (the "TEST KEY: ..." line) as is.
const readKey = (name) => readFileSync(join(keysDir, name));
const customer = createPrivateKey(readKey('customer-test-private.pem'));
const customer2 = createPrivateKey(readKey('customer2-test-private.pem'));
const recipient = createPublicKey(readKey('recipient-test-public.pem'));

// ---- encodings ----------------------------------------------------------

/** base64url without padding: every JOSE segment (RFC 7515 §2). */
const b64u = (data) => Buffer.from(data).toString('base64url');

/** Standard base64 with padding: the moveo context claims. */
const b64 = (data) => Buffer.from(data).toString('base64');

// ---- RSA encryption schemes -----------------------------------------------
// Each takes the recipient public key and the secret bytes.

/** RSA-OAEP with SHA-256 and MGF1-SHA-256: right for both profiles.
 *  `oaepHash` sets the label hash and the MGF1 hash together. */
const oaepSha256 = (data) =>
  publicEncrypt(
    { key: recipient, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
    data,
  );

/** The mistake: OAEP padding asked for but no `oaepHash` → SHA-1 OAEP. */
const oaepSha1 = (data) =>
  publicEncrypt({ key: recipient, padding: constants.RSA_PKCS1_OAEP_PADDING }, data);

/** The mistake: `publicEncrypt(key, data)`, everything defaulted → SHA-1 OAEP too. */
const publicEncryptDefault = (data) => publicEncrypt(recipient, data);

/** The mistake: PKCS#1 v1.5 (what PHP and python-rsa default to). */
const pkcs1v15 = (data) =>
  publicEncrypt({ key: recipient, padding: constants.RSA_PKCS1_PADDING }, data);

// ---- JWS ----------------------------------------------------------------

/** The payload text of a claims object. Built as text so that cases can send
 *  exactly the bytes they want (duplicate members, escaped slashes). */
const json = (value) => JSON.stringify(value);

/**
 * A compact JWS. `header` and `payload` are JSON texts; the signing input is
 * base64url(header) '.' base64url(payload), signed as is (never re-serialized).
 *   how 'rs256' (right): RSASSA-PKCS1-v1_5 + SHA-256, createSign('RSA-SHA256').
 *   how 'ps256' (the mistake): RSASSA-PSS + SHA-256 (salt = 32 bytes, as
 *   PS256 defines it) while the header still says RS256.
 *   how 'pss-default' (the same mistake, as crypto.sign makes it when no
 *   saltLength is given: the maximum salt length).
 */
function jws({ header = json({ alg: 'RS256', typ: 'JWT' }), payload, key = customer, how = 'rs256' }) {
  const input = `${b64u(header)}.${b64u(payload)}`;
  let signature;
  if (how === 'rs256') {
    signature = createSign('RSA-SHA256').update(input).sign(key);
  } else if (how === 'ps256') {
    signature = sign('sha256', Buffer.from(input), {
      key,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
    });
  } else if (how === 'pss-default') {
    signature = sign('sha256', Buffer.from(input), { key, padding: constants.RSA_PKCS1_PSS_PADDING });
  } else {
    throw new Error(`unknown signature kind ${how}`);
  }
  return `${input}.${b64u(signature)}`;
}

// ---- JWE (iadvize) --------------------------------------------------------

/**
 * A compact JWE of `plaintext` (RFC 7516 §5.1).
 *   header   the protected header object; its base64url text is the AAD.
 *   wrap     how the content key (CEK) is RSA-encrypted.
 *   cekBytes 32 for A256GCM (16 for the A128GCM mistake).
 *   tagBytes 16, the full GCM tag (12 for the truncated-tag mistake).
 *   tamper   flip a ciphertext bit after encryption (a changed token).
 */
function jwe({
  header = { alg: 'RSA-OAEP-256', enc: 'A256GCM', cty: 'JWT' },
  plaintext,
  wrap = oaepSha256,
  cekBytes = 32,
  tagBytes = 16,
  tamper = false,
}) {
  const protectedB64 = b64u(json(header));
  const cek = randomBytes(cekBytes);
  const iv = randomBytes(12); // 96-bit IV, fresh per token
  const cipher = createCipheriv(`aes-${cekBytes * 8}-gcm`, cek, iv, { authTagLength: tagBytes });
  // AAD = ASCII of the *encoded* protected header, not the JSON itself.
  cipher.setAAD(Buffer.from(protectedB64, 'ascii'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  if (tamper) ciphertext[0] ^= 0x01;
  return [protectedB64, b64u(wrap(cek)), b64u(iv), b64u(ciphertext), b64u(tag)].join('.');
}

/** iadvize claims: userId under the https://iadvize.com/ prefix, 60 s lifetime. */
const iadvizeClaims = (extra = {}) => ({
  iss: 'https://customer.example/',
  'https://iadvize.com/userId': 'node-user-1',
  iat: NOW,
  exp: NOW + 60,
  ...extra,
});

/** The correct recipe: the inner JWS header is exactly {"alg":"RS256"} (as in
 *  the vendor's example), then the JWS string is the JWE plaintext. */
function iadvizeToken({ claims = iadvizeClaims(), payload = json(claims), key = customer, jweOptions = {} } = {}) {
  const inner = jws({ header: json({ alg: 'RS256' }), payload, key });
  return jwe({ plaintext: inner, ...jweOptions });
}

// ---- moveo ----------------------------------------------------------------

/** moveo claims: iss, sub, exp at most 300 s ahead. */
const moveoClaims = (extra = {}) => ({
  iss: 'customer.example',
  sub: 'node-user-1',
  iat: NOW,
  exp: NOW + 60,
  ...extra,
});

const CONTEXT = {
  user: { display_name: 'Test Person', is_vip: true, language: 'en' },
  external_details: { contract_id: '1234959595', has_requested_refund: true },
};

/**
 * The encrypted-context claims (context, encryption_key, init_vector).
 *   keyBytes   32 (AES-256, preferred) or 16 (AES-128); 24 is the mistake.
 *   wrap       how the raw key and IV are RSA-encrypted (right: OAEP SHA-256).
 *   encode     how the three byte strings become claim text (right: base64).
 *   keyAsText  the mistake of RSA-encrypting the key's base64 text
 *              (`keyBase64`, as in the vendor sample's variables) instead of
 *              its raw bytes.
 *   zeroPad    the mistake of NoPadding over zero-padded data
 *              (setAutoPadding(false)) instead of PKCS#7.
 */
function contextClaims({
  context = CONTEXT,
  keyBytes = 32,
  wrap = oaepSha256,
  encode = b64,
  keyAsText = false,
  zeroPad = false,
} = {}) {
  const key = randomBytes(keyBytes); // raw random bytes, fresh per token
  const iv = randomBytes(16); // 16 random bytes, fresh per token
  const cipher = createCipheriv(`aes-${keyBytes * 8}-cbc`, key, iv);
  let plaintext = Buffer.from(json(context), 'utf8');
  if (zeroPad) {
    // Pad with 1..16 NUL bytes to a whole block and switch PKCS#7 off: the
    // last plaintext byte is then 0, never a valid PKCS#7 pad length.
    cipher.setAutoPadding(false);
    plaintext = Buffer.concat([plaintext, Buffer.alloc(16 - (plaintext.length % 16))]);
  }
  // Default auto padding is PKCS#7 ("PKCS5Padding" in the vendor's words).
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const wrappedKey = keyAsText ? wrap(Buffer.from(b64(key), 'ascii')) : wrap(key);
  return {
    context: encode(ciphertext),
    encryption_key: encode(wrappedKey),
    init_vector: encode(wrap(iv)),
  };
}

/** The correct recipe: an RS256 JWT, header {"alg":"RS256","typ":"JWT"} (what
 *  jsonwebtoken writes), optionally with the encrypted context claims. */
function moveoToken({ claims = moveoClaims(), context, payload, key = customer, how = 'rs256' } = {}) {
  const all = context ? { ...claims, ...contextClaims(context) } : claims;
  return jws({ payload: payload ?? json(all), key, how });
}

// ---- the cases ------------------------------------------------------------

const pass = (warnings = [], info = []) => ({ verdict: 'pass', errors: [], warnings, info });
const fail = (errors, warnings = [], info = []) => ({ verdict: 'fail', errors, warnings, info });

const cases = [];
const add = (name, profile, token, expect) => cases.push({ name, profile, token, expect });

// iadvize: right.
add('iadvize/ok', 'iadvize', iadvizeToken(), pass());
add(
  'iadvize/ok-escaped-slashes',
  'iadvize',
  // Nimbus (the vendor's own library) and PHP json_encode write "\/" in
  // strings; a receiver must read "https:\/\/iadvize.com\/userId" too.
  iadvizeToken({ payload: json(iadvizeClaims()).replaceAll('/', '\\/') }),
  pass(),
);
add(
  'iadvize/ok-visitor-data',
  'iadvize',
  iadvizeToken({
    claims: iadvizeClaims({
      'https://iadvize.com/visitorData': { firstName: 'Ada', email: 'ada@example.test', country: 'FR' },
    }),
  }),
  pass(),
);

// iadvize: the JWE key-wrapping mistakes.
add(
  'iadvize/jwe-alg-rsa-oaep-sha1',
  'iadvize',
  // Header and key wrap agree, but RSA-OAEP is the SHA-1 variant.
  iadvizeToken({ jweOptions: { header: { alg: 'RSA-OAEP', enc: 'A256GCM', cty: 'JWT' }, wrap: oaepSha1 } }),
  fail(['jwe.alg.rsa_oaep']),
);
add(
  'iadvize/jwe-oaep256-header-sha1-wrap',
  'iadvize',
  // Header says RSA-OAEP-256, but publicEncrypt had no oaepHash: SHA-1.
  iadvizeToken({ jweOptions: { wrap: oaepSha1 } }),
  fail(['jwe.key.oaep_sha1']),
);
add(
  'iadvize/jwe-oaep256-header-default-publicencrypt',
  'iadvize',
  iadvizeToken({ jweOptions: { wrap: publicEncryptDefault } }),
  fail(['jwe.key.oaep_sha1']),
);
add(
  'iadvize/jwe-alg-rsa1_5',
  'iadvize',
  iadvizeToken({ jweOptions: { header: { alg: 'RSA1_5', enc: 'A256GCM', cty: 'JWT' }, wrap: pkcs1v15 } }),
  fail(['jwe.alg.rsa1_5']),
);
add(
  'iadvize/jwe-oaep256-header-pkcs1v15-wrap',
  'iadvize',
  iadvizeToken({ jweOptions: { wrap: pkcs1v15 } }),
  fail(['jwe.key.pkcs1v15']),
);
add(
  'iadvize/jwe-wrapped-to-wrong-key',
  'iadvize',
  // The CEK encrypted to the customer's own public key instead of the vendor's.
  iadvizeToken({
    jweOptions: {
      wrap: (data) =>
        publicEncrypt(
          { key: createPublicKey(customer), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
          data,
        ),
    },
  }),
  fail(['jwe.key.undecryptable']),
);

// iadvize: content encryption and header mistakes.
add(
  'iadvize/jwe-enc-a128gcm',
  'iadvize',
  iadvizeToken({ jweOptions: { header: { alg: 'RSA-OAEP-256', enc: 'A128GCM', cty: 'JWT' }, cekBytes: 16 } }),
  fail(['jwe.enc']),
);
add(
  'iadvize/jwe-cty-missing',
  'iadvize',
  // Warning only: the vendor's own sample may omit cty.
  iadvizeToken({ jweOptions: { header: { alg: 'RSA-OAEP-256', enc: 'A256GCM' } } }),
  pass(['jwe.cty.missing']),
);
add(
  'iadvize/jwe-tag-truncated',
  'iadvize',
  // createCipheriv(..., { authTagLength: 12 }): a 96-bit tag.
  iadvizeToken({ jweOptions: { tagBytes: 12 } }),
  fail(['jwe.tag.length']),
);
add(
  'iadvize/jwe-ciphertext-tampered',
  'iadvize',
  iadvizeToken({ jweOptions: { tamper: true } }),
  fail(['jwe.integrity']),
);

// iadvize: what is (or is not) inside the JWE.
add(
  'iadvize/bare-jws',
  'iadvize',
  // The signed JWT sent as is, never encrypted.
  jws({ header: json({ alg: 'RS256' }), payload: json(iadvizeClaims()) }),
  fail(['iadvize.jwe.required']),
);
add(
  'iadvize/jwe-of-bare-claims',
  'iadvize',
  // Claims encrypted but never signed, and cty still says JWT.
  jwe({ plaintext: json(iadvizeClaims()) }),
  fail(['iadvize.payload.bare_claims'], ['jwe.cty.wrong']),
);
add('iadvize/signed-by-customer2', 'iadvize', iadvizeToken({ key: customer2 }), fail(['jws.signature.invalid']));
add(
  'iadvize/expired',
  'iadvize',
  iadvizeToken({ claims: iadvizeClaims({ iat: NOW - 120, exp: NOW - 60 }) }),
  fail(['claims.exp.expired']),
);
add(
  'iadvize/lifetime-10-minutes',
  'iadvize',
  iadvizeToken({ claims: iadvizeClaims({ exp: NOW + 600 }) }),
  pass(['iadvize.exp.lifetime']),
);

// moveo: right.
add('moveo/ok', 'moveo', moveoToken(), pass());
add('moveo/ok-context-aes256', 'moveo', moveoToken({ context: { keyBytes: 32 } }), pass());
add('moveo/ok-context-aes128', 'moveo', moveoToken({ context: { keyBytes: 16 } }), pass());

// moveo: signature and time mistakes.
add('moveo/ps256-under-rs256-header', 'moveo', moveoToken({ how: 'ps256' }), fail(['jws.signature.pss']));
add('moveo/pss-default-salt-under-rs256-header', 'moveo', moveoToken({ how: 'pss-default' }), fail(['jws.signature.pss']));
add('moveo/signed-by-customer2', 'moveo', moveoToken({ key: customer2 }), fail(['jws.signature.invalid']));
add(
  'moveo/expired',
  'moveo',
  moveoToken({ claims: moveoClaims({ iat: NOW - 20, exp: NOW - 10 }) }),
  fail(['claims.exp.expired']),
);
add(
  'moveo/exp-301s-ahead',
  'moveo',
  // Moveo rejects exp more than 300 s (5 minutes) into the future.
  moveoToken({ claims: moveoClaims({ exp: NOW + 301 }) }),
  fail(['moveo.exp.too_far']),
);
add(
  'moveo/exp-300s-ahead',
  'moveo',
  moveoToken({ claims: moveoClaims({ exp: NOW + 300 }) }),
  pass(),
);
add(
  'moveo/exp-float',
  'moveo',
  // Date.now() / 1000 + 60 without Math.floor: a fractional NumericDate.
  moveoToken({ claims: moveoClaims({ exp: NOW + 60.5 }) }),
  pass(['claims.time.non_integer']),
);
add(
  'moveo/exp-milliseconds',
  'moveo',
  // Date.now() + 60000: milliseconds where seconds are expected.
  moveoToken({ claims: moveoClaims({ exp: (NOW + 60) * 1000 }) }),
  fail(['claims.time.range']),
);
add(
  'moveo/duplicate-claim',
  'moveo',
  // Hand-built JSON with "sub" twice: parsers disagree on which one wins.
  moveoToken({
    payload: `{"iss":"customer.example","sub":"node-user-1","sub":"admin","iat":${NOW},"exp":${NOW + 60}}`,
  }),
  fail(['json.duplicate_member']),
);

// moveo: encrypted-context mistakes.
add(
  'moveo/context-oaep-sha1',
  'moveo',
  // publicEncrypt(key, data) with the defaults: OAEP with SHA-1.
  moveoToken({ context: { wrap: publicEncryptDefault } }),
  fail(['moveo.rsa.oaep_sha1']),
);
add(
  'moveo/context-oaep-padding-without-hash',
  'moveo',
  moveoToken({ context: { wrap: oaepSha1 } }),
  fail(['moveo.rsa.oaep_sha1']),
);
add(
  'moveo/context-pkcs1v15',
  'moveo',
  moveoToken({ context: { wrap: pkcs1v15 } }),
  fail(['moveo.rsa.pkcs1v15']),
);
add(
  'moveo/context-base64url',
  'moveo',
  // toString('base64url') for the three claims: '-'/'_' and no '=' padding
  // (a 256-byte RSA output always needs '==', so the flaw always shows).
  moveoToken({ context: { encode: b64u } }),
  fail(['moveo.context.base64url']),
);
add(
  'moveo/context-key-as-base64-text',
  'moveo',
  // rsa.encrypt(keyBase64) instead of the raw key bytes.
  moveoToken({ context: { keyAsText: true } }),
  fail(['moveo.aes.key_as_text']),
);
add(
  'moveo/context-aes192-key',
  'moveo',
  // A 24-byte key (aes-192-cbc): neither of the two accepted sizes.
  moveoToken({ context: { keyBytes: 24 } }),
  fail(['moveo.aes.key_length']),
);
add(
  'moveo/context-zero-padding',
  'moveo',
  // aes-256-cbc with setAutoPadding(false) over NUL-padded data.
  moveoToken({ context: { zeroPad: true } }),
  fail(['moveo.context.padding']),
);
add(
  'moveo/context-not-json-object',
  'moveo',
  // The context encrypted as a JSON string of the object (double encoding).
  moveoToken({ context: { context: json(CONTEXT) } }),
  fail(['moveo.context.json']),
);
add(
  'moveo/context-incomplete',
  'moveo',
  // init_vector forgotten.
  moveoToken({
    claims: (() => {
      const { init_vector: _iv, ...rest } = { ...moveoClaims(), ...contextClaims() };
      return rest;
    })(),
  }),
  fail(['moveo.context.incomplete']),
);
add(
  'moveo/context-signed-by-customer2',
  'moveo',
  // A bad signature and a good context: the context is decrypted only to
  // diagnose it, and the report says so.
  moveoToken({ context: {}, key: customer2 }),
  fail(['jws.signature.invalid'], [], ['moveo.context.unverified']),
);

process.stdout.write(`${JSON.stringify(cases, null, 2)}\n`);
