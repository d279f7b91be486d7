// Offline JSON-LD document loader and key helpers shared by verify.mjs,
// sign.mjs and bench.mjs.
//
// Serves ONLY:
//   - badged's contexts, read from ../../contexts/files/, with the URL->file
//     map parsed from ../../contexts/contexts.go (`fileOf` and its consts), so
//     this stays in step with what badged embeds;
//   - badged's v2 context at $BADGED_BASE_URL/ns/badged/v2, when set;
//   - two contexts needed by the W3C test vectors (testdata/vectors/contexts);
//   - did:key:z6Mk... DIDs and DID URLs (Ed25519 Multikey), resolved locally;
//   - OB-style https verification methods `https://host/path#z6Mk...`: the key
//     is the fragment, the controller is the URL before '#'. The controller
//     document (listing the key under assertionMethod) is served only for
//     controllers whose key this loader has already served.
// Anything else throws. Nothing is fetched from the network.
import {readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import path from 'node:path';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as DidKey from '@digitalbazaar/did-method-key';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(here, '..', '..');

const DID_V1 = 'https://www.w3.org/ns/did/v1';
const MULTIKEY_V1 = 'https://w3id.org/security/multikey/v1';
const ED25519_MULTIKEY = /^z6Mk[1-9A-HJ-NP-Za-km-z]{40,50}$/;

// Parses `fileOf` out of contexts.go: consts `Name = "url"` and map entries
// `Name: "file"`. Throws if the file no longer has that shape.
function badgedContextFiles() {
  const goFile = path.join(REPO, 'contexts', 'contexts.go');
  const src = readFileSync(goFile, 'utf8');
  const consts = new Map();
  for(const m of src.matchAll(/^\s*(\w+)\s*=\s*"(https?:\/\/[^"]+)"/gm)) {
    consts.set(m[1], m[2]);
  }
  const mapBody = src.match(/var fileOf = map\[string\]string\{([\s\S]*?)\n\}/);
  if(!mapBody) {
    throw new Error(`${goFile}: cannot find "var fileOf = map[string]string{"`);
  }
  const files = new Map();
  for(const m of mapBody[1].matchAll(/^\s*(\w+|"[^"]+")\s*:\s*"([^"]+)"/gm)) {
    const url = m[1].startsWith('"') ? m[1].slice(1, -1) : consts.get(m[1]);
    if(!url) {
      throw new Error(`${goFile}: fileOf key ${m[1]} is not a known const`);
    }
    files.set(url, path.join(REPO, 'contexts', 'files', m[2]));
  }
  if(files.size === 0) {
    throw new Error(`${goFile}: fileOf is empty or unparseable`);
  }
  return files;
}

const VECTOR_CONTEXTS = path.join(REPO, 'testdata', 'vectors', 'contexts');
const vectorContextFiles = new Map([
  ['https://www.w3.org/ns/credentials/examples/v2',
    path.join(VECTOR_CONTEXTS, 'credentials-examples-v2.jsonld')],
  ['https://w3id.org/citizenship/v4rc1',
    path.join(VECTOR_CONTEXTS, 'citizenship-v4rc1.jsonld')],
]);

// url -> parsed context document, loaded once per process.
export const CONTEXTS = new Map();
for(const [url, file] of [...badgedContextFiles(), ...vectorContextFiles]) {
  CONTEXTS.set(url, JSON.parse(readFileSync(file, 'utf8')));
}
// badged's v2 context is named by each deployment's own URL: the one of
// the deployment in BADGED_BASE_URL (the Go tests set it) is served too.
if(process.env.BADGED_BASE_URL) {
  CONTEXTS.set(process.env.BADGED_BASE_URL.replace(/\/+$/, '') + '/ns/badged/v2',
    JSON.parse(readFileSync(path.join(REPO, 'contexts', 'files', 'badged-v2.jsonld'), 'utf8')));
}

const didKeyDriver = DidKey.driver();
didKeyDriver.use({
  multibaseMultikeyHeader: 'z6Mk',
  fromMultibase: Ed25519Multikey.from,
});

export async function resolveDidKey(url) {
  const did = url.split('#')[0];
  const key = did.slice('did:key:'.length);
  if(!ED25519_MULTIKEY.test(key)) {
    throw new Error(`unsupported did:key (only Ed25519 z6Mk...): ${url}`);
  }
  const doc = await didKeyDriver.get({url});
  if(!doc) {
    throw new Error(`did:key did not resolve: ${url}`);
  }
  return doc;
}

function structuredCopy(doc) {
  return JSON.parse(JSON.stringify(doc));
}

// Returns a fresh documentLoader. Use one per credential: it remembers the
// OB-style verification methods it served so that it can serve their
// controller documents.
export function createDocumentLoader() {
  const obControllers = new Map(); // controller URL -> Set of VM ids
  return async function documentLoader(url) {
    if(typeof url !== 'string') {
      throw new Error(`document loader: URL must be a string: ${url}`);
    }
    const ctx = CONTEXTS.get(url);
    if(ctx) {
      return {contextUrl: null, documentUrl: url, document: structuredCopy(ctx)};
    }
    if(url.startsWith('did:key:')) {
      const document = await resolveDidKey(url);
      return {contextUrl: null, documentUrl: url, document};
    }
    if(url.startsWith('https://') || url.startsWith('http://')) {
      const hash = url.indexOf('#');
      if(hash > 0) {
        const controller = url.slice(0, hash);
        const fragment = url.slice(hash + 1);
        if(ED25519_MULTIKEY.test(fragment) && !controller.includes('#')) {
          if(!obControllers.has(controller)) {
            obControllers.set(controller, new Set());
          }
          obControllers.get(controller).add(url);
          return {
            contextUrl: null,
            documentUrl: url,
            document: {
              '@context': MULTIKEY_V1,
              id: url,
              type: 'Multikey',
              controller,
              publicKeyMultibase: fragment,
            },
          };
        }
      } else if(obControllers.has(url)) {
        const ids = [...obControllers.get(url)];
        return {
          contextUrl: null,
          documentUrl: url,
          document: {
            '@context': [DID_V1, MULTIKEY_V1],
            id: url,
            verificationMethod: ids.map(id => ({
              id, type: 'Multikey', controller: url,
              publicKeyMultibase: id.slice(id.indexOf('#') + 1),
            })),
            assertionMethod: ids,
          },
        };
      }
    }
    throw new Error(`document loader: refusing to load "${url}" ` +
      '(not a local context, did:key, or https URL with a #z6Mk... key)');
  };
}

// Reads a key pair JSON {publicKeyMultibase, secretKeyMultibase} (the W3C
// vectors call the secret `privateKeyMultibase`; both are accepted) and
// returns an Ed25519 Multikey key pair whose id is did:key:<pub>#<pub>.
export async function keyPairFromFile(file) {
  const k = JSON.parse(readFileSync(file, 'utf8'));
  const pub = k.publicKeyMultibase;
  const secret = k.secretKeyMultibase ?? k.privateKeyMultibase;
  if(!pub || !secret) {
    throw new Error(`${file}: need publicKeyMultibase and ` +
      'secretKeyMultibase (or privateKeyMultibase)');
  }
  const controller = `did:key:${pub}`;
  return Ed25519Multikey.from({
    '@context': MULTIKEY_V1,
    type: 'Multikey',
    id: `${controller}#${pub}`,
    controller,
    publicKeyMultibase: pub,
    secretKeyMultibase: secret,
  });
}

// Returns a fresh Ed25519 Multikey key pair, generated in memory, whose id
// is did:key:<pub>#<pub> (as keyPairFromFile's).
export async function generateKeyPair() {
  const k = await Ed25519Multikey.generate();
  const {publicKeyMultibase, secretKeyMultibase} =
    await k.export({publicKey: true, secretKey: true});
  const controller = `did:key:${publicKeyMultibase}`;
  return Ed25519Multikey.from({
    '@context': MULTIKEY_V1,
    type: 'Multikey',
    id: `${controller}#${publicKeyMultibase}`,
    controller,
    publicKeyMultibase,
    secretKeyMultibase,
  });
}
