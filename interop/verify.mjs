#!/usr/bin/env node
// verify.mjs: verify credentials with an implementation independent of badged
// (Digital Bazaar's @digitalbazaar/vc + data-integrity + eddsa-rdfc-2022 /
// eddsa-jcs-2022 cryptosuites; jose for VC-JWT). No network access.
//
// Usage: node verify.mjs [--issuer-match] PATH...
//   PATH is a file or a directory (its *.json and *.jwt files, sorted, not
//   recursive). A file ending in .jwt (or whose content is a compact JWS) is
//   verified as a VC-JWT (EdDSA; key from the did:key `kid`; credential = the
//   `vc` claim or the payload); anything else is parsed as a JSON credential
//   with a Data Integrity proof (eddsa-rdfc-2022 or eddsa-jcs-2022; keys from
//   did:key or OB-style https://host/path#z6Mk... verification methods).
//   --issuer-match: also require the signing key's controller (the DID of a
//   did:key, the URL before '#' of an OB-style key) to equal the issuer id.
//   Off by default, since the W3C vectors' issuer is not their key's DID.
// Output: one JSON line per file on stdout:
//   {"file": "<path as given>", "verified": true|false, "error": "<reason or empty>"}
// Exit: 0 if every file verified, 1 if any failed, 2 on usage error.
// Not checked: credentialStatus (revocation), JSON schema.
import {readFileSync, readdirSync, statSync} from 'node:fs';
import path from 'node:path';
import {verifyDataIntegrity, verifyJwt} from './lib/suites.mjs';

const JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

function expand(args) {
  const files = [];
  for(const a of args) {
    if(statSync(a).isDirectory()) {
      for(const f of readdirSync(a).sort()) {
        if(f.endsWith('.json') || f.endsWith('.jwt')) {
          files.push(path.join(a, f));
        }
      }
    } else {
      files.push(a);
    }
  }
  return files;
}

async function verifyFile(file, opts) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch(e) {
    return {verified: false, error: e.message};
  }
  if(file.endsWith('.jwt') || JWS.test(text.trim())) {
    return verifyJwt(text, opts);
  }
  let credential;
  try {
    credential = JSON.parse(text);
  } catch(e) {
    return {verified: false, error: `not JSON: ${e.message}`};
  }
  return verifyDataIntegrity(credential, opts);
}

let args = process.argv.slice(2);
const opts = {issuerMatch: args.includes('--issuer-match')};
args = args.filter(a => a !== '--issuer-match');
if(args.length === 0 || args.includes('-h') || args.includes('--help')) {
  process.stderr.write('usage: node verify.mjs [--issuer-match] FILE_OR_DIR...\n');
  process.exit(2);
}
let files;
try {
  files = expand(args);
} catch(e) {
  process.stderr.write(`verify.mjs: ${e.message}\n`);
  process.exit(2);
}
let failed = 0;
for(const file of files) {
  const {verified, error} = await verifyFile(file, opts);
  if(!verified) {
    failed++;
  }
  process.stdout.write(JSON.stringify({file, verified, error}) + '\n');
}
process.exit(failed ? 1 : 0);
