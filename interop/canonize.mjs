#!/usr/bin/env node
// canonize.mjs: print the RDFC-1.0 canonical N-Quads jsonld.js (the
// JSON-LD processor of Digital Bazaar's stack) makes of a JSON-LD document,
// the bytes an eddsa-rdfc-2022 proof hashes. For comparing with badged's
// jsonld package when a signature made on one side does not verify on the
// other. No network access (lib/loader.mjs).
//
// Usage: node canonize.mjs [--keep-proof] FILE
//   FILE is a JSON document, or {"verifiablePresentation": ...} or
//   {"verifiableCredential": ...} as the VC-API sends them. Its top-level
//   `proof` is left out (as Data Integrity does before hashing) unless
//   --keep-proof.
// Output: the canonical N-Quads on stdout. Exit 1 on error, 2 usage error.
import {readFileSync} from 'node:fs';
import jsonld from 'jsonld'; // installed with @digitalbazaar/vc
import {createDocumentLoader} from './lib/loader.mjs';

const args = process.argv.slice(2);
const keep = args.includes('--keep-proof');
const files = args.filter(a => a !== '--keep-proof');
if(files.length !== 1) {
  process.stderr.write('usage: node canonize.mjs [--keep-proof] FILE\n');
  process.exit(2);
}
try {
  let doc = JSON.parse(readFileSync(files[0], 'utf8'));
  if(doc['@context'] === undefined) { // a VC-API request body
    doc = doc.verifiablePresentation ?? doc.verifiableCredential ?? doc;
  }
  if(!keep) {
    delete doc.proof;
  }
  const nquads = await jsonld.canonize(doc, {
    algorithm: 'RDFC-1.0',
    format: 'application/n-quads',
    documentLoader: createDocumentLoader(),
    safe: true,
  });
  process.stdout.write(nquads);
} catch(e) {
  process.stderr.write(`canonize.mjs: ${e?.message ?? e}\n`);
  process.exit(1);
}
