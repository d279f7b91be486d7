#!/usr/bin/env node
// sign.mjs: sign unsigned credentials with an implementation independent of
// badged (Digital Bazaar stack for Data Integrity; jose for VC-JWT), so that
// badged's verifier can be checked against it. No network access.
//
// Usage: node sign.mjs --key KEY.json --suite SUITE[,SUITE...] --out DIR
//                      [--date ISO8601] [--proof-array] FILE...
//   KEY.json  {"publicKeyMultibase": "z6Mk...", "secretKeyMultibase": "z3u2..."}
//             (Ed25519 Multikey, vc-di-eddsa convention; "privateKeyMultibase"
//             is accepted for the secret, as in the W3C vectors' keyPair.json).
//             verificationMethod / kid = did:key:<pub>#<pub>.
//   SUITE     eddsa-rdfc-2022 | eddsa-jcs-2022 | jwt. --suite may be
//             repeated or comma-separated; with more than one suite each
//             suite's outputs go to DIR/SUITE/ instead of DIR (one process
//             signs everything, as the Go interop test wants).
//   DIR       created if missing; each FILE x.json is written as DIR/x.json
//             (Data Integrity, proof added) or DIR/x.jwt (compact JWS: header
//             {alg: EdDSA, typ: JWT, kid}, payload {vc, iss, jti, sub, nbf,
//             exp} from the credential).
//   --date         proof `created` (default: now). Ignored for jwt.
//   --proof-array  write `proof` as a one-element array (the OB 3.0 JSON
//                  schema's shape); the signature is the same either way.
// Prints one line per output file: {"file": FILE, "out": OUTPUT}.
// Exit: 0 on success, 1 if any file failed (error on stderr), 2 usage error.
import {readFileSync, writeFileSync, mkdirSync} from 'node:fs';
import path from 'node:path';
import {parseArgs} from 'node:util';
import {keyPairFromFile} from './lib/loader.mjs';
import {SUITES, signSuite, signDataIntegrity, signJwt, joseSigningKey} from
  './lib/suites.mjs';

function usage(msg) {
  process.stderr.write(`sign.mjs: ${msg}\nusage: node sign.mjs --key KEY.json ` +
    `--suite ${SUITES.join('|')} --out DIR [--date ISO8601] [--proof-array] ` +
    'FILE...\n');
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      key: {type: 'string'},
      suite: {type: 'string', multiple: true},
      out: {type: 'string'},
      date: {type: 'string'},
      'proof-array': {type: 'boolean', default: false},
    },
  });
} catch(e) {
  usage(e.message);
}
const {values: o, positionals: files} = parsed;
if(!o.key || !o.suite || !o.out || files.length === 0) {
  usage('--key, --suite, --out and at least one FILE are required');
}
const suites = [...new Set((o.suite ?? []).flatMap(s => s.split(',')))];
for(const s of suites) {
  if(!SUITES.includes(s)) {
    usage(`unknown suite "${s}"`);
  }
}
if(o.date && Number.isNaN(Date.parse(o.date))) {
  usage(`bad --date "${o.date}"`);
}

const keyPair = await keyPairFromFile(o.key);
const joseKey = suites.includes('jwt') ? await joseSigningKey(keyPair) : null;

let failed = 0;
for(const suiteName of suites) {
  const outDir = suites.length > 1 ? path.join(o.out, suiteName) : o.out;
  mkdirSync(outDir, {recursive: true});
  for(const file of files) {
    try {
      const credential = JSON.parse(readFileSync(file, 'utf8'));
      if(credential.proof !== undefined) {
        throw new Error('credential already has a proof');
      }
      const base = path.basename(file).replace(/\.json$/, '');
      let out;
      if(suiteName === 'jwt') {
        out = path.join(outDir, `${base}.jwt`);
        writeFileSync(out,
          await signJwt(credential, keyPair, {privateKey: joseKey}) + '\n');
      } else {
        const suite = signSuite(suiteName, keyPair);
        if(o.date) {
          suite.date = new Date(o.date);
        }
        const signed = await signDataIntegrity(credential, {suite});
        if(o['proof-array'] && !Array.isArray(signed.proof)) {
          signed.proof = [signed.proof];
        }
        out = path.join(outDir, `${base}.json`);
        writeFileSync(out, JSON.stringify(signed, null, 2) + '\n');
      }
      process.stdout.write(JSON.stringify({file, out}) + '\n');
    } catch(e) {
      failed++;
      process.stderr.write(`sign.mjs: ${suiteName}: ${file}: ${e?.message ?? e}\n`);
    }
  }
}
process.exit(failed ? 1 : 0);
