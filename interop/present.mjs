#!/usr/bin/env node
// present.mjs: sign and verify verifiable presentations with Digital
// Bazaar's stack (@digitalbazaar/vc signPresentation / verify with the
// eddsa-rdfc-2022 cryptosuite), to cross-check badged's presentations,
// whose embedded credentials are named graphs of the presentation's
// canonical form. No network access.
//
// Usage:
//   node present.mjs sign --key KEY.json --out DIR --challenge C [--domain D]
//                         [--date ISO8601] FILE...
//     FILE is an unsigned presentation. Each embedded credential without a
//     proof is signed first (eddsa-rdfc-2022, assertionMethod), then the
//     presentation (eddsa-rdfc-2022, authentication, challenge, domain), all
//     with KEY (as sign.mjs: {publicKeyMultibase, secretKeyMultibase}; the
//     verification method is did:key:<pub>#<pub>). Writes DIR/<name>.json
//     and prints one line per file: {"file": FILE, "out": OUTPUT}.
//   node present.mjs verify --challenge C [--domain D] FILE...
//     Verifies each signed presentation: its proof (authentication, the
//     challenge and domain) and every embedded credential's proof (vc's
//     CredentialIssuancePurpose: the key's controller is the issuer). One
//     JSON line per file: {"file", "verified", "error"}.
// Exit: 0 if every file succeeded, 1 if any failed, 2 on usage error.
import {readFileSync, writeFileSync, mkdirSync} from 'node:fs';
import path from 'node:path';
import {parseArgs} from 'node:util';
import * as vc from '@digitalbazaar/vc';
import {createDocumentLoader, keyPairFromFile} from './lib/loader.mjs';
import {signSuite, verifySuites} from './lib/suites.mjs';

function usage(msg) {
  process.stderr.write(`present.mjs: ${msg}\nusage: node present.mjs sign ` +
    '--key KEY.json --out DIR --challenge C [--domain D] [--date ISO] FILE...\n' +
    '       node present.mjs verify --challenge C [--domain D] FILE...\n');
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      key: {type: 'string'},
      out: {type: 'string'},
      challenge: {type: 'string'},
      domain: {type: 'string'},
      date: {type: 'string'},
    },
  });
} catch(e) {
  usage(e.message);
}
const {values: o, positionals: [command, ...files]} = parsed;
if(!o.challenge || files.length === 0) {
  usage('--challenge and at least one FILE are required');
}
if(o.date && Number.isNaN(Date.parse(o.date))) {
  usage(`bad --date "${o.date}"`);
}
const documentLoader = createDocumentLoader();

function suite(keyPair) {
  const s = signSuite('eddsa-rdfc-2022', keyPair);
  if(o.date) {
    s.date = new Date(o.date);
  }
  return s;
}

async function sign(keyPair, file) {
  const presentation = JSON.parse(readFileSync(file, 'utf8'));
  if(presentation.proof !== undefined) {
    throw new Error('presentation already has a proof');
  }
  const creds = presentation.verifiableCredential;
  if(creds !== undefined) {
    const list = Array.isArray(creds) ? creds : [creds];
    const signed = [];
    for(const c of list) {
      signed.push(c.proof !== undefined ? c : await vc.issue({
        credential: c, suite: suite(keyPair), documentLoader,
      }));
    }
    presentation.verifiableCredential = Array.isArray(creds) ? signed :
      signed[0];
  }
  return vc.signPresentation({
    presentation, suite: suite(keyPair), challenge: o.challenge,
    domain: o.domain, documentLoader,
  });
}

function errors(result) {
  const errs = [];
  const walk = e => {
    if(!e) {
      return;
    }
    if(Array.isArray(e)) {
      e.forEach(walk);
    } else if(e.errors) {
      walk(e.errors);
    } else if(e.message) {
      errs.push(e.message);
    }
  };
  walk(result.error);
  for(const [i, r] of (result.credentialResults ?? []).entries()) {
    if(!r.verified) {
      errs.push(`credential ${i + 1} does not verify`);
      walk(r.error);
    }
  }
  return [...new Set(errs)].join('; ') || 'verification failed';
}

async function verify(file) {
  try {
    const presentation = JSON.parse(readFileSync(file, 'utf8'));
    const result = await vc.verify({
      presentation, suite: verifySuites(), challenge: o.challenge,
      domain: o.domain, documentLoader,
      checkStatus: async () => ({verified: true}), // not checked here
    });
    return result.verified ? {verified: true, error: ''} :
      {verified: false, error: errors(result)};
  } catch(e) {
    return {verified: false, error: e?.message ?? String(e)};
  }
}

let failed = 0;
if(command === 'sign') {
  if(!o.key || !o.out) {
    usage('sign needs --key and --out');
  }
  const keyPair = await keyPairFromFile(o.key);
  mkdirSync(o.out, {recursive: true});
  for(const file of files) {
    try {
      const out = path.join(o.out, path.basename(file));
      writeFileSync(out, JSON.stringify(await sign(keyPair, file), null, 2) +
        '\n');
      process.stdout.write(JSON.stringify({file, out}) + '\n');
    } catch(e) {
      failed++;
      process.stderr.write(`present.mjs: ${file}: ${e?.message ?? e}\n`);
    }
  }
} else if(command === 'verify') {
  for(const file of files) {
    const {verified, error} = await verify(file);
    if(!verified) {
      failed++;
    }
    process.stdout.write(JSON.stringify({file, verified, error}) + '\n');
  }
} else {
  usage(`unknown command "${command ?? ''}"`);
}
process.exit(failed ? 1 : 0);
