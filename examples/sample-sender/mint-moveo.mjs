#!/usr/bin/env node
// A sample sender for the example CI workflows: mints one Moveo.AI token
// the way a customer's backend should, with Node's built-in crypto only,
// and prints it on one line. Stands in for your own minting command.
//
//   node examples/sample-sender/mint-moveo.mjs SIGN_KEY ENCRYPT_KEY
//
// SIGN_KEY: the customer's private key (PEM); ENCRYPT_KEY: the vendor's
// public key (PEM). The token: an RS256 JWT with iss, sub, iat and an exp
// two minutes ahead, and a `context` claim encrypted with AES-256-CBC and
// PKCS#7 under a fresh key and IV, which travel RSA-OAEP-SHA256 encrypted
// in `encryption_key` and `init_vector` (all base64).
import {
  constants,
  createCipheriv,
  createPrivateKey,
  createPublicKey,
  publicEncrypt,
  randomBytes,
  sign,
} from "node:crypto";
import { readFileSync } from "node:fs";

const [signKeyPath, encryptKeyPath] = process.argv.slice(2);
if (!signKeyPath || !encryptKeyPath) {
  process.stderr.write("usage: mint-moveo.mjs SIGN_KEY ENCRYPT_KEY\n");
  process.exit(2);
}
const signKey = createPrivateKey(readFileSync(signKeyPath));
const encryptKey = createPublicKey(readFileSync(encryptKeyPath));

const b64url = (bytes) => Buffer.from(bytes).toString("base64url");
const oaep = (bytes) =>
  publicEncrypt(
    { key: encryptKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" },
    bytes,
  ).toString("base64");

// A fresh key and IV for every token: never reuse them, never copy a sample's.
const aesKey = randomBytes(32);
const iv = randomBytes(16);
const cipher = createCipheriv("aes-256-cbc", aesKey, iv); // PKCS#7 padding by default
const context = Buffer.concat([
  cipher.update(JSON.stringify({ plan: "premium", orders: 3 }), "utf8"),
  cipher.final(),
]);

const now = Math.floor(Date.now() / 1000);
const claims = {
  iss: "sample-sender",
  sub: "user-42",
  iat: now,
  exp: now + 120,
  context: context.toString("base64"),
  encryption_key: oaep(aesKey),
  init_vector: oaep(iv),
};
const signingInput = `${b64url(JSON.stringify({ alg: "RS256", typ: "JWT" }))}.${b64url(JSON.stringify(claims))}`;
const signature = sign("sha256", Buffer.from(signingInput), signKey);
process.stdout.write(`${signingInput}.${b64url(signature)}\n`);
