package did_test

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/did"
	"github.com/badged/badged/egress"
	"github.com/badged/badged/egress/egresstest"
)

// noNetwork returns a client that fails the test if it is ever used.
func noNetwork(t testing.TB) *http.Client {
	return &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		t.Errorf("unexpected request for %s", r.URL)
		return nil, errors.New("no network in this test")
	})}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// webHost serves DID documents at their own https URLs, as if it were the
// did:web hosts named in requests, from a loopback server (egresstest),
// and counts fetches.
type webHost struct {
	mu      sync.Mutex
	docs    map[string]string // "host/path" → body
	headers map[string]string // "host/path" → Cache-Control
	fetches map[string]int
	srv     *egresstest.Server
}

// newWebHost starts the server. Its client reaches it through the egress
// policy an operator would write for those hosts (allowed, connected to
// the server, its CA trusted): no URL is rewritten, and no real network is
// reached.
func newWebHost(t *testing.T) *webHost {
	t.Helper()
	h := &webHost{docs: map[string]string{}, headers: map[string]string{}, fetches: map[string]int{}}
	h.srv = egresstest.NewServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Host + r.URL.Path
		h.mu.Lock()
		h.fetches[key]++
		body, ok := h.docs[key]
		cc := h.headers[key]
		h.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		if cc != "" {
			w.Header().Set("Cache-Control", cc)
		}
		w.Header().Set("Content-Type", "application/did+json")
		fmt.Fprint(w, body)
	}))
	return h
}

// client returns an egress client with the default policy that reaches
// the server at the hosts of the documents served so far, and at the
// hosts of empty, which serve nothing (404).
func (h *webHost) client(empty ...string) *http.Client {
	h.mu.Lock()
	defer h.mu.Unlock()
	hosts := slices.Clone(empty)
	for hostPath := range h.docs {
		if host, _, _ := strings.Cut(hostPath, "/"); !slices.Contains(hosts, host) {
			hosts = append(hosts, host)
		}
	}
	return h.srv.Client(hosts...)
}

func (h *webHost) serve(hostPath string, doc any, cacheControl string) {
	b, ok := doc.([]byte)
	if !ok {
		b, _ = json.Marshal(doc)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.docs[hostPath] = string(b)
	h.headers[hostPath] = cacheControl
}

func (h *webHost) count(hostPath string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.fetches[hostPath]
}

// issuer is a did:web issuer with a current and a retired key.
type issuer struct {
	did              string
	current, retired did.VerificationMethod
	currentPub       ed25519.PublicKey
	doc              *did.Document
}

func newIssuer(t *testing.T, host string, path ...string) issuer {
	t.Helper()
	id := did.WebDID(host, path...)
	oldPub, _, _ := ed25519.GenerateKey(rand.Reader)
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	retired, _ := did.NewMultikeyMethod(id, oldPub)
	current, _ := did.NewMultikeyMethod(id, pub)
	doc, err := did.WebDocument(id, current, retired)
	if err != nil {
		t.Fatal(err)
	}
	return issuer{did: id, current: current, retired: retired, currentPub: pub, doc: doc}
}

func TestResolveKeyDIDWeb(t *testing.T) {
	h := newWebHost(t)
	iss := newIssuer(t, "badges.example.edu", "issuers", "42")
	h.serve("badges.example.edu/issuers/42/did.json", iss.doc, "")
	root := newIssuer(t, "example.org")
	h.serve("example.org/.well-known/did.json", root.doc, "")

	wrongID := *iss.doc
	wrongID.ID = "did:web:evil.example"
	h.serve("wrong-id.example/.well-known/did.json", wrongID, "")
	h.serve("not-json.example/.well-known/did.json", []byte("<html>"), "")
	big := *iss.doc
	big.Context = append(big.Context, strings.Repeat("x", 2000))
	big.ID = "did:web:big.example"
	h.serve("big.example/.well-known/did.json", big, "")
	// A document written by someone else: relative ids, embedded
	// assertionMethod, a JsonWebKey2020 method only for authentication.
	ext := `{
	  "@context": "https://www.w3.org/ns/did/v1",
	  "id": "did:web:ext.example",
	  "controller": "did:web:ext.example",
	  "verificationMethod": [
	    {"id": "#auth", "type": "JsonWebKey2020", "controller": "did:web:ext.example",
	     "publicKeyJwk": {"kty": "OKP", "crv": "Ed25519", "x": "S96v3i6ovu-t2MaZtcfgcEz1EVTVLheyC3EzfKBMxaU"}}
	  ],
	  "authentication": ["#auth"],
	  "assertionMethod": [
	    {"id": "did:web:ext.example#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi", "type": "Multikey",
	     "controller": "did:web:ext.example", "publicKeyMultibase": "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"}
	  ]
	}`
	h.serve("ext.example/.well-known/did.json", []byte(ext), "")

	r := did.NewResolver(h.client("missing.example"), did.WithMaxDocumentBytes(1500))
	tests := []struct {
		name      string
		vm        string
		kind      badged.Kind // empty: success
		msg       string
		assertion bool
	}{
		{"ok/current key", iss.current.ID, "", "", true},
		{"ok/retired key", iss.retired.ID, "", "", true},
		{"ok/well-known", root.current.ID, "", "", true},
		{"ok/embedded assertion method", "did:web:ext.example#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi", "", "", true},
		{"ok/relative id, not for assertions", "did:web:ext.example#auth", "", "", false},
		{"fail/method not in document", iss.did + "#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2", badged.NotFound, "is not in the DID document of", false},
		{"fail/no fragment", iss.did, badged.Invalid, "has no fragment", false},
		{"fail/wrong id in document", "did:web:wrong-id.example#k", badged.Unavailable, `has id "did:web:evil.example", not the DID`, false},
		{"fail/not JSON", "did:web:not-json.example#k", badged.Unavailable, "is not a DID document", false},
		{"fail/no document", "did:web:missing.example#k", badged.Unavailable, "the server answered 404", false},
		{"fail/document too large", "did:web:big.example#k", badged.Unavailable, "larger than 1500 bytes", false},
		{"fail/bad did:web", "did:web:127.0.0.1#k", badged.Invalid, "is not a domain name", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := r.ResolveKey(t.Context(), tt.vm)
			if tt.kind != "" {
				wantKind(t, err, tt.kind, tt.msg)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			did, _, _ := strings.Cut(tt.vm, "#")
			if k.ID != tt.vm || k.Controller != did || k.VerificationMethod.Controller != did {
				t.Errorf("key id %s, controller %s, method controller %s", k.ID, k.Controller, k.VerificationMethod.Controller)
			}
			if k.AssertionMethod != tt.assertion || k.SelfAsserted {
				t.Errorf("AssertionMethod = %v, SelfAsserted = %v", k.AssertionMethod, k.SelfAsserted)
			}
			// ext.example lists #auth, and only it, under authentication.
			if strings.HasPrefix(tt.vm, "did:web:ext.example") && k.Authentication != strings.HasSuffix(tt.vm, "#auth") {
				t.Errorf("Authentication = %v", k.Authentication)
			}
			if _, ok := k.PublicKey.(ed25519.PublicKey); !ok {
				t.Errorf("PublicKey is %T", k.PublicKey)
			}
		})
	}
	k, err := r.ResolveKey(t.Context(), iss.current.ID)
	if err != nil || !iss.currentPub.Equal(k.PublicKey) {
		t.Errorf("current key: %v", err)
	}
}

func TestResolveDIDWebRefusedByEgress(t *testing.T) {
	// A real loopback server, reached through the real egress policy: the
	// fetch is refused before any connection, whatever the server says.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Error("request reached the server")
	}))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	id := did.WebDID("localhost:" + u.Port())
	r := did.NewResolver(egress.NewClient(egress.DefaultPolicy()))
	_, err := r.ResolveKey(t.Context(), id+"#key-1")
	// Refused is "could not be had", not a verdict on the DID.
	wantKind(t, err, badged.Unavailable, "is not allowed (loopback)")
	if !errors.Is(err, egress.ErrRefused) {
		t.Errorf("errors.Is(err, egress.ErrRefused) = false for %v", err)
	}
}

// clock is a settable clock for cache tests.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Advance(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.now = c.now.Add(d) }

func TestResolverCache(t *testing.T) {
	h := newWebHost(t)
	const (
		plain   = "plain.example/.well-known/did.json"
		maxAge  = "max-age.example/.well-known/did.json"
		noStore = "no-store.example/.well-known/did.json"
	)
	a := newIssuer(t, "plain.example")
	b := newIssuer(t, "max-age.example")
	c := newIssuer(t, "no-store.example")
	h.serve(plain, a.doc, "")
	h.serve(maxAge, b.doc, "public, max-age=60")
	h.serve(noStore, c.doc, "no-store")
	clk := &clock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	r := did.NewResolver(h.client(), did.WithNow(clk.Now), did.WithCacheTTL(10*time.Minute))
	resolve := func(vm string) {
		t.Helper()
		if _, err := r.ResolveKey(t.Context(), vm); err != nil {
			t.Fatal(err)
		}
	}
	for range 3 {
		resolve(a.current.ID)
		resolve(a.retired.ID)
		resolve(b.current.ID)
		resolve(c.current.ID)
	}
	if n := h.count(plain); n != 1 {
		t.Errorf("default TTL: %d fetches, want 1", n)
	}
	if n := h.count(maxAge); n != 1 {
		t.Errorf("max-age: %d fetches, want 1", n)
	}
	if n := h.count(noStore); n != 3 {
		t.Errorf("no-store: %d fetches, want 3", n)
	}

	clk.Advance(61 * time.Second) // past max-age=60, within the default TTL
	resolve(a.current.ID)
	resolve(b.current.ID)
	if n := h.count(plain); n != 1 {
		t.Errorf("default TTL after 61s: %d fetches, want 1", n)
	}
	if n := h.count(maxAge); n != 2 {
		t.Errorf("max-age after 61s: %d fetches, want 2", n)
	}

	clk.Advance(10 * time.Minute)
	resolve(a.current.ID)
	if n := h.count(plain); n != 2 {
		t.Errorf("default TTL after 11m: %d fetches, want 2", n)
	}

	// Documents handed out are copies: changing one changes no other.
	doc, err := r.Resolve(t.Context(), a.did)
	if err != nil {
		t.Fatal(err)
	}
	doc.VerificationMethod[0].PublicKeyMultibase = "tampered"
	doc.AssertionMethod = nil
	if k, err := r.ResolveKey(t.Context(), a.current.ID); err != nil || !k.AssertionMethod || !a.currentPub.Equal(k.PublicKey) {
		t.Errorf("cached document was changed through a returned copy: %+v, %v", k, err)
	}
}

func TestResolverRotation(t *testing.T) {
	h := newWebHost(t)
	const path = "rotating.example/.well-known/did.json"
	iss := newIssuer(t, "rotating.example")
	h.serve(path, iss.doc, "max-age=3600")
	clk := &clock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	r := did.NewResolver(h.client(), did.WithNow(clk.Now))
	if _, err := r.ResolveKey(t.Context(), iss.current.ID); err != nil {
		t.Fatal(err)
	}

	// The issuer rotates: the new key is current, the old one retired.
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	next, _ := did.NewMultikeyMethod(iss.did, pub)
	doc, err := did.WebDocument(iss.did, next, iss.current, iss.retired)
	if err != nil {
		t.Fatal(err)
	}
	h.serve(path, doc, "max-age=3600")

	// Within a minute of the fetch a missing key is not fetched again.
	clk.Advance(30 * time.Second)
	_, err = r.ResolveKey(t.Context(), next.ID)
	wantKind(t, err, badged.NotFound, "is not in the DID document")
	if n := h.count(path); n != 1 {
		t.Errorf("%d fetches, want 1", n)
	}
	// Later it is, although max-age has not passed.
	clk.Advance(time.Minute)
	k, err := r.ResolveKey(t.Context(), next.ID)
	if err != nil || !pub.Equal(k.PublicKey) || !k.AssertionMethod {
		t.Fatalf("new key: %+v, %v", k, err)
	}
	if n := h.count(path); n != 2 {
		t.Errorf("%d fetches, want 2", n)
	}
	// The key before is still there, retired.
	if _, err := r.ResolveKey(t.Context(), iss.current.ID); err != nil {
		t.Error(err)
	}
	if n := h.count(path); n != 2 {
		t.Errorf("%d fetches, want 2", n)
	}
}

func TestResolverCacheBounded(t *testing.T) {
	h := newWebHost(t)
	var issuers []issuer
	for i := range 3 {
		iss := newIssuer(t, fmt.Sprintf("i%d.example", i))
		h.serve(fmt.Sprintf("i%d.example/.well-known/did.json", i), iss.doc, "")
		issuers = append(issuers, iss)
	}
	r := did.NewResolver(h.client(), did.WithCacheSize(2))
	for _, i := range []int{0, 1, 0, 2, 0, 1} { // 1 is evicted by 2 as least recently used
		if _, err := r.ResolveKey(t.Context(), issuers[i].current.ID); err != nil {
			t.Fatal(err)
		}
	}
	for i, want := range []int{1, 2, 1} {
		if n := h.count(fmt.Sprintf("i%d.example/.well-known/did.json", i)); n != want {
			t.Errorf("issuer %d: %d fetches, want %d", i, n, want)
		}
	}

	r = did.NewResolver(h.client(), did.WithCacheSize(0))
	for range 2 {
		r.ResolveKey(t.Context(), issuers[2].current.ID)
	}
	if n := h.count("i2.example/.well-known/did.json"); n != 3 {
		t.Errorf("cache disabled: %d fetches, want 3", n)
	}
}

func TestResolverConcurrent(t *testing.T) {
	h := newWebHost(t)
	var issuers []issuer
	for i := range 4 {
		iss := newIssuer(t, fmt.Sprintf("c%d.example", i))
		h.serve(fmt.Sprintf("c%d.example/.well-known/did.json", i), iss.doc, "")
		issuers = append(issuers, iss)
	}
	r := did.NewResolver(h.client(), did.WithCacheSize(3))
	var wg sync.WaitGroup
	var failures atomic.Int32
	for g := range 16 {
		wg.Go(func() {
			for j := range 20 {
				iss := issuers[(g+j)%len(issuers)]
				k, err := r.ResolveKey(context.Background(), iss.current.ID)
				if err != nil || !iss.currentPub.Equal(k.PublicKey) {
					failures.Add(1)
				}
			}
		})
	}
	wg.Wait()
	if n := failures.Load(); n > 0 {
		t.Errorf("%d failed resolutions", n)
	}
}

func TestResolveKeyLocal(t *testing.T) {
	const (
		w3cKey = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
		obKey  = "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"
		p256   = "zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169"
	)
	obPub, _ := hex.DecodeString("4bdeafde2ea8beefadd8c699b5c7e0704cf51154d52e17b20b71337ca04cc5a5")
	r := did.NewResolver(noNetwork(t))
	tests := []struct {
		name         string
		vm           string
		id           string // want Key.ID
		controller   string
		selfAsserted bool
		kind         badged.Kind // empty: success
		msg          string
	}{
		// did:key, as the W3C and 1EdTech vectors write it.
		{name: "ok/did:key", vm: "did:key:" + w3cKey + "#" + w3cKey, id: "did:key:" + w3cKey + "#" + w3cKey, controller: "did:key:" + w3cKey},
		{name: "ok/did:key without fragment", vm: "did:key:" + obKey, id: "did:key:" + obKey + "#" + obKey, controller: "did:key:" + obKey},
		{name: "ok/did:key P-256", vm: "did:key:" + p256 + "#" + p256, id: "did:key:" + p256 + "#" + p256, controller: "did:key:" + p256},
		{name: "fail/did:key other fragment", vm: "did:key:" + w3cKey + "#" + obKey, kind: badged.NotFound, msg: "is not in the DID document"},
		{name: "fail/did:key bad key", vm: "did:key:z6MkjZRsdasZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi", kind: badged.Invalid, msg: "is not supported"},
		{name: "fail/did:key not multibase", vm: "did:key:6Mk", kind: badged.Invalid, msg: "'z' prefix"},
		// https URLs with a multikey fragment, as the OB 3.0 test vector.
		{name: "ok/https multikey fragment", vm: "https://example.edu/issuers/565049#" + obKey, id: "https://example.edu/issuers/565049#" + obKey, controller: "https://example.edu/issuers/565049", selfAsserted: true},
		{name: "ok/https P-256 fragment", vm: "https://1edtech.edu/issuers/565049#" + p256, id: "https://1edtech.edu/issuers/565049#" + p256, controller: "https://1edtech.edu/issuers/565049", selfAsserted: true},
		{name: "fail/https other fragment", vm: "https://accrediter.edu/issuers/565049#key-1", kind: badged.Invalid, msg: "only https URLs whose fragment is a public key multikey"},
		{name: "fail/https no fragment", vm: "https://accrediter.edu/issuers/565049", kind: badged.Invalid, msg: "only https URLs whose fragment"},
		{name: "fail/https bad multikey", vm: "https://example.edu/issuers/565049#z6MkjZRsdasZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi", kind: badged.Invalid, msg: "only https URLs"},
		{name: "fail/https no host", vm: "https:///x#" + obKey, kind: badged.Invalid, msg: "not a valid https URL"},
		// Forms from 1EdTech's negative fixtures.
		{name: "fail/unknown DID method", vm: "did:example:z6MkrvfzkMnvCroEUP2DVc9SHPE48CRsvHiVSusHioxTYu1x", kind: badged.Invalid, msg: "DID method example is not supported"},
		{name: "fail/unknown scheme", vm: "xxx:z6MkrvfzkMnvCroEUP2DVc9SHPE48CRsvHiVSusHioxTYu1x", kind: badged.Invalid, msg: "is not a DID URL or an https URL"},
		{name: "fail/no scheme", vm: "z6MkrvfzkMnvCroEUP2DVc9SHPE48CRsvHiVSusHioxTYu1x", kind: badged.Invalid, msg: "is not a DID URL or an https URL"},
		{name: "fail/http", vm: "http://example.edu/issuers/565049#" + obKey, kind: badged.Invalid, msg: "is not a DID URL or an https URL"},
		{name: "fail/empty", vm: "", kind: badged.Invalid, msg: "is not a DID URL"},
		{name: "fail/not a DID", vm: "did:", kind: badged.Invalid, msg: "is not a DID"},
		{name: "fail/no method", vm: "did::abc", kind: badged.Invalid, msg: "is not a DID"},
		{name: "fail/upper-case method", vm: "did:KEY:" + w3cKey, kind: badged.Invalid, msg: "bad method name"},
		{name: "fail/DID path", vm: "did:key:" + w3cKey + "/path#x", kind: badged.Invalid, msg: "a DID URL or bad characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := r.ResolveKey(t.Context(), tt.vm)
			if tt.kind != "" {
				wantKind(t, err, tt.kind, tt.msg)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if k.ID != tt.id || k.Controller != tt.controller || k.VerificationMethod.Controller != tt.controller {
				t.Errorf("id %s controller %s (method: %s)", k.ID, k.Controller, k.VerificationMethod.Controller)
			}
			if k.SelfAsserted != tt.selfAsserted || k.AssertionMethod == tt.selfAsserted {
				t.Errorf("SelfAsserted = %v, AssertionMethod = %v", k.SelfAsserted, k.AssertionMethod)
			}
			if pub, err := k.VerificationMethod.PublicKey(); err != nil || !pub.(interface{ Equal(crypto.PublicKey) bool }).Equal(k.PublicKey) {
				t.Errorf("method's key differs from PublicKey: %v", err)
			}
		})
	}
	k, err := r.ResolveKey(t.Context(), "https://example.edu/issuers/565049#"+obKey)
	if err != nil || !ed25519.PublicKey(obPub).Equal(k.PublicKey) {
		t.Errorf("OB test vector key: %v", err)
	}
}

func TestResolveDIDKeyDocument(t *testing.T) {
	const id = "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
	doc, err := did.NewResolver(noNetwork(t)).Resolve(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(doc)
	want := `{"@context":["https://www.w3.org/ns/did/v1","https://w3id.org/security/multikey/v1"],` +
		`"id":"` + id + `","verificationMethod":[{"id":"` + id + `#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",` +
		`"type":"Multikey","controller":"` + id + `","publicKeyMultibase":"z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"}],` +
		`"authentication":["` + id + `#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"],` +
		`"assertionMethod":["` + id + `#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"]}`
	if string(b) != want {
		t.Errorf("document =\n%s\nwant\n%s", b, want)
	}
	if _, err := did.NewResolver(noNetwork(t)).Resolve(t.Context(), id+"#x"); badged.KindOf(err) != badged.Invalid {
		t.Errorf("Resolve of a DID URL: %v, want Invalid", err)
	}
}

// FuzzResolveKeyDIDKey checks that resolving did:key and did:jwk URLs never
// panics and never touches the network, and that a did:key that resolves
// is the did:key of its key.
func FuzzResolveKeyDIDKey(f *testing.F) {
	for _, s := range []string{
		"did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
		"did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi",
		"did:key:zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169#zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169",
		"did:key:z6Mk#", "did:key:", "did:key:#", "did:key:z", "did:key:z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq",
		specJWKDID + "#0", "did:jwk:e30#0", "did:jwk:", "did:example:123#k",
		"https://example.edu/issuers/565049#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if strings.HasPrefix(s, "did:web:") {
			return // the only method that fetches
		}
		r := did.NewResolver(noNetwork(t))
		k, err := r.ResolveKey(context.Background(), s)
		if err != nil {
			if k != nil {
				t.Fatal("key and error")
			}
			if kind := badged.KindOf(err); kind != badged.Invalid && kind != badged.NotFound {
				t.Fatalf("kind %s: %v", kind, err)
			}
			return
		}
		if strings.HasPrefix(s, "did:key:") {
			id, err := did.KeyDID(k.PublicKey)
			if err != nil || id != k.Controller {
				t.Fatalf("KeyDID = %s, %v; resolved controller %s", id, err, k.Controller)
			}
		}
	})
}

func ExampleResolver_ResolveKey() {
	r := did.NewResolver(egress.NewClient(egress.DefaultPolicy()))
	k, err := r.ResolveKey(context.Background(), "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(k.Controller, k.AssertionMethod)
	_, err = r.ResolveKey(context.Background(), "did:example:123#key-1")
	fmt.Println(badged.KindOf(err), badged.MessageOf(err))
	// Output:
	// did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2 true
	// invalid DID method example is not supported
}

func ExampleKeyDID() {
	pub, _ := did.DecodeMultikey("z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi")
	id, _ := did.KeyDID(pub)
	fmt.Println(id)
	// Output: did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi
}

// TestResolveServedAt resolves a did:web of a plain-http loopback server
// that the resolver was pointed at (WithServedAt, as badged verify
// --server does), through the real egress policy with that host allowed.
// Without the allowance the guard still refuses it: the mapping says
// where a document is, not that it may be fetched.
func TestResolveServedAt(t *testing.T) {
	pub, _, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	var id string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/issuers/x/did.json" {
			http.NotFound(w, r)
			return
		}
		vm, err := did.NewMultikeyMethod(id, pub)
		if err != nil {
			t.Error(err)
		}
		doc, err := did.WebDocument(id, vm)
		if err != nil {
			t.Error(err)
		}
		json.NewEncoder(w).Encode(doc)
	}))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	host := "localhost:" + u.Port()
	id = did.WebDID(host, "issuers", "x")
	mk, _ := did.EncodeMultikey(pub)

	allowed := egress.DefaultPolicy()
	allowed.AllowHosts = []string{host}
	r := did.NewResolver(egress.NewClient(allowed), did.WithServedAt(host, "http://"+host))
	k, err := r.ResolveKey(t.Context(), id+"#"+mk)
	if err != nil || !pub.Equal(k.PublicKey) || k.Controller != id {
		t.Fatalf("ResolveKey = %+v, %v", k, err)
	}

	guarded := did.NewResolver(egress.NewClient(egress.DefaultPolicy()), did.WithServedAt(host, "http://"+host))
	_, err = guarded.ResolveKey(t.Context(), id+"#"+mk)
	wantKind(t, err, badged.Unavailable, "is not allowed (loopback)") // refused: could not be checked
	if !errors.Is(err, egress.ErrRefused) {
		t.Errorf("%v does not wrap egress.ErrRefused", err)
	}
}
