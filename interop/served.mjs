// Verifies credentials of a badged deployment with only what that deployment
// serves at its own URL (its did:web documents, /ns/badged/v2, its status
// lists) plus the W3C and 1EdTech contexts the libraries embed, in two
// independent stacks: (a) Digital Bazaar's (@digitalbazaar/vc,
// data-integrity, eddsa-rdfc-2022, vc-bitstring-status-list) and (b) DCC's
// @digitalcredentials/verifier-core, used through its public API as a
// wallet or verifier app does.
//
//   node served.mjs BASE FILE...
//
// Every request of the process goes through globalThis.fetch, which is
// replaced before either library loads: it reaches BASE's origin only, and
// records what was fetched and what was refused. One line per file,
// RESULT and JSON:
//   {file, db: {verified, status, error}, dcc: {signature, expiration,
//    status, schema, errors}, fetched: [...], refused: [...]}
import {readFileSync} from 'node:fs';

const [base, ...files] = process.argv.slice(2);
if(!base || files.length === 0) {
  console.error('usage: node served.mjs BASE FILE...');
  process.exit(2);
}
const origin = new URL(base).origin;
let fetched = [];
let refused = [];
const realFetch = globalThis.fetch;
globalThis.fetch = async function guardedFetch(input, init) {
  const url = typeof input === 'string' ? input : (input.url ?? String(input));
  if(new URL(url).origin !== origin) {
    refused.push(url);
    throw new TypeError(`refused: ${url} is not on ${origin}`);
  }
  fetched.push(url);
  return realFetch(input, init);
};

const {CONTEXTS} = await import('./lib/loader.mjs');
const vc = await import('@digitalbazaar/vc');
const {DataIntegrityProof} = await import('@digitalbazaar/data-integrity');
const {cryptosuite: eddsaRdfc2022} = await import('@digitalbazaar/eddsa-rdfc-2022-cryptosuite');
const {checkStatus} = await import('@digitalbazaar/vc-bitstring-status-list');
const dcc = await import('@digitalcredentials/verifier-core');

const MULTIKEY_V1 = 'https://w3id.org/security/multikey/v1';

// The standard contexts: badged's pinned copies of the W3C and 1EdTech
// documents, never badged's own (those come from BASE or not at all).
const standard = new Map([...CONTEXTS].filter(([url]) => !url.startsWith('https://w3id.org/badged/')));

async function getJSON(url) {
  const resp = await fetch(url, {headers: {accept: 'application/ld+json, application/json'}});
  if(!resp.ok) {
    throw new Error(`GET ${url}: ${resp.status}`);
  }
  return resp.json();
}

// didWebURL is did:web's rule: did:web:host%3Aport:a:b -> https://host:port/a/b/did.json.
function didWebURL(did) {
  const [, , domain, ...paths] = did.split(':');
  const path = paths.length ? paths.map(decodeURIComponent).join('/') : '.well-known';
  return `https://${decodeURIComponent(domain)}/${path}/did.json`;
}

// The Digital Bazaar stack's loader: standard contexts from memory,
// did:web and every other document from BASE.
async function documentLoader(url) {
  const ctx = standard.get(url);
  if(ctx) {
    return {contextUrl: null, documentUrl: url, document: structuredClone(ctx)};
  }
  if(url.startsWith('did:web:')) {
    const [did, fragment] = url.split('#');
    const doc = await getJSON(didWebURL(did));
    if(!fragment) {
      return {contextUrl: null, documentUrl: url, document: doc};
    }
    const vm = (doc.verificationMethod ?? []).find(m => m.id === url || m.id === '#' + fragment);
    if(!vm) {
      throw new Error(`${did} has no verification method ${url}`);
    }
    return {contextUrl: null, documentUrl: url, document: {'@context': MULTIKEY_V1, ...vm}};
  }
  if(url.startsWith(origin + '/')) {
    return {contextUrl: null, documentUrl: url, document: await getJSON(url)};
  }
  throw new Error(`document loader: refusing ${url}`);
}

async function digitalBazaar(credential) {
  try {
    const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
    const r = await vc.verifyCredential({credential, suite, documentLoader, checkStatus});
    const status = r.statusResult ?? {};
    return {verified: r.verified, status: {verified: status.verified, bit: status.results?.[0]?.status},
      error: r.error ? String(r.error.errors?.map(e => e.message) ?? r.error.message ?? r.error) : undefined};
  } catch(e) {
    return {verified: false, error: String(e?.message ?? e)};
  }
}

async function digitalCredentials(credential) {
  const r = await dcc.verifyCredential({credential, knownDIDRegistries: []});
  const step = id => r.log?.find(s => s.id === id);
  return {
    signature: step('valid_signature')?.valid,
    expiration: step('expiration')?.valid,
    status: step('revocation_status')?.valid,
    statusError: step('revocation_status')?.error?.message,
    schema: r.additionalInformation?.find?.(s => s.id === 'schema_check') ?? undefined,
    errors: r.errors?.map(e => `${e.name}: ${e.message}`),
  };
}

for(const file of files) {
  const credential = JSON.parse(readFileSync(file, 'utf8'));
  fetched = [];
  refused = [];
  const db = await digitalBazaar(structuredClone(credential));
  const dccResult = await digitalCredentials(structuredClone(credential));
  // verifier-core logs to stdout too: results are the lines after RESULT.
  console.log('RESULT ' + JSON.stringify({file, db, dcc: dccResult, fetched: [...new Set(fetched)], refused: [...new Set(refused)]}));
}
