#!/usr/bin/env node
// bench.mjs: single-thread sign/verify throughput of the independent
// implementation (Digital Bazaar stack, jose), for comparison with badged on
// the same machine. No network access.
//
// Usage: node bench.mjs [--seconds S] [--warmup S] [--key KEY.json]
//                       [CREDENTIAL.json]
//   CREDENTIAL.json  unsigned credential (default: the repository's
//                    testdata/credential-3kb.json, a ~3 KB Open Badges 3.0
//                    credential, the one badged's Go benchmarks use)
//   --seconds        measured time per operation (default 2)
//   --warmup         warm-up time per operation, not measured (default 0.5)
//   --key            {publicKeyMultibase, secretKeyMultibase} (default: a
//                    fresh Ed25519 key generated in memory; no key file)
// The key's verification method is did:key:<pub>#<pub>, resolved locally by
// the offline document loader (no network, no DID registry).
// Each operation runs sequentially (one at a time, awaited) for the warm-up,
// then for the measured time; ops/s = completed ops / elapsed seconds.
// Prints one JSON object on stdout, ops/s rounded to 0.1:
//   {"rdfc_canonize": n, "rdfc_sign": n, "rdfc_verify": n, "jcs_sign": n,
//    "jcs_verify": n, "jwt_sign": n, "jwt_verify": n}
// (rdfc_canonize = RDFC-1.0 canonicalization of the document alone.)
// Run details (node version, input size, op counts) go to stderr.
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {parseArgs} from 'node:util';
import jsonld from 'jsonld';
import {createDocumentLoader, keyPairFromFile, generateKeyPair, REPO} from
  './lib/loader.mjs';
import {signSuite, signDataIntegrity, verifyDataIntegrity, verifySuites,
  signJwt, verifyJwt, joseSigningKey} from './lib/suites.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const {values: o, positionals} = parseArgs({
  allowPositionals: true,
  options: {
    seconds: {type: 'string', default: '2'},
    warmup: {type: 'string', default: '0.5'},
    key: {type: 'string'},
  },
});
const seconds = Number(o.seconds);
const warmup = Number(o.warmup);
if(!(seconds > 0) || !(warmup >= 0) || positionals.length > 1) {
  process.stderr.write('usage: node bench.mjs [--seconds S] [--warmup S] ' +
    '[--key KEY.json] [CREDENTIAL.json]\n');
  process.exit(2);
}
const credFile = positionals[0] ?? path.join(REPO, 'testdata',
  'credential-3kb.json');
const credText = readFileSync(credFile, 'utf8');
const credential = JSON.parse(credText);
const keyPair = o.key ? await keyPairFromFile(o.key) :
  await generateKeyPair();
const joseKey = await joseSigningKey(keyPair);

async function runFor(secs, fn) {
  let n = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(Math.round(secs * 1e9));
  let now = start;
  while(now < end) {
    await fn();
    n++;
    now = process.hrtime.bigint();
  }
  return {n, elapsed: Number(now - start) / 1e9};
}

function must(r, what) {
  if(!r.verified) {
    throw new Error(`${what}: did not verify: ${r.error}`);
  }
}

// Signed inputs for the verify benchmarks, checked once.
const signed = {};
for(const [k, suiteName] of [['rdfc', 'eddsa-rdfc-2022'],
  ['jcs', 'eddsa-jcs-2022']]) {
  signed[k] = await signDataIntegrity(credential,
    {suite: signSuite(suiteName, keyPair)});
  must(await verifyDataIntegrity(signed[k]), k);
}
signed.jwt = await signJwt(credential, keyPair, {privateKey: joseKey});
must(await verifyJwt(signed.jwt), 'jwt');

const suites = verifySuites();
const ops = {
  rdfc_canonize: () => jsonld.canonize(credential, {
    algorithm: 'RDFC-1.0', format: 'application/n-quads', safe: true,
    documentLoader: createDocumentLoader(),
  }),
  rdfc_sign: () => signDataIntegrity(credential,
    {suite: signSuite('eddsa-rdfc-2022', keyPair)}),
  rdfc_verify: async () => must(
    await verifyDataIntegrity(signed.rdfc, {suites}), 'rdfc'),
  jcs_sign: () => signDataIntegrity(credential,
    {suite: signSuite('eddsa-jcs-2022', keyPair)}),
  jcs_verify: async () => must(
    await verifyDataIntegrity(signed.jcs, {suites}), 'jcs'),
  jwt_sign: () => signJwt(credential, keyPair, {privateKey: joseKey}),
  jwt_verify: async () => must(await verifyJwt(signed.jwt), 'jwt'),
};

const result = {};
const details = {};
for(const [name, fn] of Object.entries(ops)) {
  await runFor(warmup, fn);
  const {n, elapsed} = await runFor(seconds, fn);
  result[name] = Math.round(n / elapsed * 10) / 10;
  details[name] = {ops: n, seconds: Math.round(elapsed * 1000) / 1000};
}
process.stderr.write(JSON.stringify({
  node: process.version, credential: credFile, bytes: Buffer.byteLength(credText),
  warmupSeconds: warmup, details,
}) + '\n');
process.stdout.write(JSON.stringify(result) + '\n');
