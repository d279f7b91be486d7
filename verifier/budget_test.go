package verifier_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/badged/badged/contexts"
	"github.com/badged/badged/credential/dataintegrity"
	"github.com/badged/badged/did"
	"github.com/badged/badged/egress"
	"github.com/badged/badged/jsonld"
	"github.com/badged/badged/verifier"
)

// abuseWorld is a loopback https server named localhost that counts every
// request it receives. The verifier reaches it through a real egress client
// whose policy allows exactly this host:port (egress.Policy.AllowHosts) and
// trusts the server's own certificate: no URL is rewritten. Paths under
// /slow/ answer only when the request gives up or the test ends.
type abuseWorld struct {
	host   string // localhost:PORT
	hits   atomic.Int64
	client *http.Client

	mu       sync.Mutex
	slow     map[string]bool // the /slow/ paths asked for
	inFlight int             // /slow/ requests being answered now
	most     int             // the most of them at once
}

func newAbuseWorld(t testing.TB) *abuseWorld {
	t.Helper()
	w := &abuseWorld{slow: map[string]bool{}}
	release := make(chan struct{})
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w.hits.Add(1)
		if strings.HasPrefix(r.URL.Path, "/big/") {
			rw.Header().Set("Content-Type", "application/json")
			rw.Write(bigList(r.Host + r.URL.Path))
			return
		}
		if strings.HasPrefix(r.URL.Path, "/slow/") {
			w.mu.Lock()
			w.slow[r.URL.Path] = true
			w.inFlight++
			w.most = max(w.most, w.inFlight)
			w.mu.Unlock()
			select {
			case <-r.Context().Done():
			case <-release:
			}
			w.mu.Lock()
			w.inFlight--
			w.mu.Unlock()
		}
		http.NotFound(rw, r)
	}))
	cert, pool := localhostCert(t)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) }) // runs first: slow handlers return
	w.host = "localhost:" + srv.URL[strings.LastIndex(srv.URL, ":")+1:]
	w.client = egress.NewClient(egress.Policy{AllowHosts: []string{w.host}, RootCAs: pool, Timeout: 5 * time.Second})
	return w
}

// bigList is an unsigned status list credential of almost 1 MiB (egress's
// default limit), nearly all of it the encoded list.
func bigList(id string) []byte {
	return []byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"id":"https://` + id + `",` +
		`"type":["VerifiableCredential","BitstringStatusListCredential"],"issuer":"did:example:x","validFrom":"2026-01-01T00:00:00Z",` +
		`"credentialSubject":{"id":"https://` + id + `#list","type":"BitstringStatusList","statusPurpose":"revocation","encodedList":"u` +
		strings.Repeat("H4sI", 250000) + `"},` +
		`"proof":{"type":"DataIntegrityProof","cryptosuite":"eddsa-rdfc-2022","proofPurpose":"assertionMethod","verificationMethod":"did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK","proofValue":"z` + strings.Repeat("1", 86) + `"}}`)
}

// localhostCert returns a self-signed certificate for localhost and the
// pool that trusts it.
func localhostCert(t testing.TB) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "localhost"},
		DNSNames:              []string{"localhost"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(c)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}

// verifier returns a verifier whose keys and status lists go through the
// world's egress client.
func (w *abuseWorld) verifier(opts ...verifier.Option) *verifier.Verifier {
	opts = append([]verifier.Option{verifier.WithStatus(verifier.HTTPFetcher{Client: w.client}), verifier.WithClock(negClock)}, opts...)
	return verifier.New(jsonld.New(contexts.NewLoader()), did.NewResolver(w.client), opts...)
}

// didWeb is the i-th did:web on the world's host.
func (w *abuseWorld) didWeb(i int) string { return did.WebDID(w.host, fmt.Sprintf("d%d", i)) }

// entries returns n status entries, each naming its own list on the world's
// host under dir ("lists" or "slow").
func (w *abuseWorld) entries(dir string, first, n int) []any {
	out := make([]any, n)
	for i := range out {
		u := fmt.Sprintf("https://%s/%s/%d", w.host, dir, first+i)
		out[i] = map[string]any{"id": u + "#1", "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
			"statusListIndex": "1", "statusListCredential": u}
	}
	return out
}

// proofs returns n proofs, each by a key of its own did:web on the world's
// host: verifying one means fetching that DID's document.
func (w *abuseWorld) proofs(first, n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = map[string]any{"type": dataintegrity.ProofType, "cryptosuite": dataintegrity.RDFC,
			"created": "2026-06-30T12:00:00Z", "proofPurpose": "assertionMethod",
			"verificationMethod": w.didWeb(first+i) + "#key-1", "proofValue": "z" + strings.Repeat("1", 86)}
	}
	return out
}

// abuseCase is a hostile request and the check that must name the limit
// it hits.
type abuseCase struct {
	name  string
	input []byte
	check string
	want  string // in the check's message
}

// hostile are the requests of acceptance 5, most of them about 400 KB,
// every one naming as many distinct DIDs and status list URLs as fit.
func hostile(t testing.TB, e *negEnv, w *abuseWorld) []abuseCase {
	t.Helper()
	statusURLs := e.cred(t, issuedBy(e.other.did()), set("credentialStatus", w.entries("lists", 0, 800)))
	proofDIDs := e.cred(t, issuedBy(e.other.did()), del("credentialStatus"))
	proofDIDs["proof"] = w.proofs(0, 600)
	// small returns a small credential of the i-th did:web issuer, with
	// proofs by n DIDs of its own and n status entries.
	small := func(i, n int) map[string]any {
		c := e.cred(t, issuedBy(w.didWeb(i*100)), set("credentialStatus", w.entries("lists", i*100, n)))
		delete(c, "credentialSubject")
		delete(c, "description")
		c["proof"] = w.proofs(i*100, n)
		return c
	}
	vp := func(creds []any) []byte {
		return marshal(t, map[string]any{
			"@context": []any{"https://www.w3.org/ns/credentials/v2"}, "type": []any{"VerifiablePresentation"},
			"holder": e.holder.did(), "verifiableCredential": creds,
			"proof": map[string]any{"type": dataintegrity.ProofType, "cryptosuite": dataintegrity.RDFC, "proofPurpose": "authentication",
				"verificationMethod": e.holder.vm.ID, "proofValue": "z" + strings.Repeat("1", 86)},
		})
	}
	var many, capped []any
	for i := range 90 {
		many = append(many, small(100+i, 1))
	}
	// Within the caps on proofs, entries and credentials: 16 credentials
	// of 8 proofs and 8 entries name 128 DIDs and 128 lists.
	for i := range verifier.DefaultLimits().Credentials {
		capped = append(capped, small(1000+i, 8))
	}
	// Lists of almost 1 MiB each, as many as may be fetched.
	var big []any
	for i := range verifier.DefaultLimits().Credentials {
		c := small(2000+i, 1)
		c["credentialStatus"] = w.entries("big", 8*i, 8)
		big = append(big, c)
	}
	// Many values: a credential whose subject holds 80,000 small ones (400 KB).
	values := e.cred(t, issuedBy(e.other.did()))
	values["credentialSubject"].(map[string]any)["tags"] = make([]any, 80000)
	return []abuseCase{
		{"fail/status-entries", marshal(t, e.signDI(t, statusURLs, e.other, dataintegrity.RDFC)), verifier.CheckStatus, "at most 8"},
		{"fail/proofs", marshal(t, proofDIDs), verifier.CheckProof, "at most 8"},
		{"fail/credentials", vp(many), verifier.CheckHolder, "at most 16"},
		{"fail/distinct-dids-and-urls", vp(capped), "", "at most 16"},
		{"fail/big-lists", vp(big), "", "at most 2048 KiB"},
		{"fail/values", marshal(t, values), verifier.CheckFormat, "at most 5000"},
	}
}

// TestAbuseOutboundRequests is acceptance 5 for outbound work: a request
// naming hundreds or thousands of DIDs and status list URLs makes at most
// as many requests as the limits allow (counted by the server that
// receives them), and says which limit it hit.
func TestAbuseOutboundRequests(t *testing.T) {
	e := newNegEnv(t)
	w := newAbuseWorld(t)
	v := w.verifier()
	l := verifier.DefaultLimits()
	for _, tt := range hostile(t, e, w) {
		t.Run(tt.name, func(t *testing.T) {
			before := w.hits.Load()
			res := v.Verify(context.Background(), tt.input)
			hits := w.hits.Load() - before
			t.Logf("%d bytes: %d outbound requests", len(tt.input), hits)
			if res.Verified {
				t.Error("verified")
			}
			if max := int64(l.DIDs + l.URLs); hits > max {
				t.Errorf("%d outbound requests; the limits allow %d", hits, max)
			}
			if !mentions(res, tt.check, tt.want) {
				t.Errorf("no %s check says %q:\n%s", tt.check, tt.want, describe(res))
			}
		})
	}
}

// mentions reports whether a check with id (any check when id is empty)
// of res or of its credentials has want in its message.
func mentions(res *verifier.Result, id, want string) bool {
	for _, c := range res.Checks {
		if (id == "" || c.ID == id) && strings.Contains(c.Message, want) {
			return true
		}
	}
	for _, r := range res.Credentials {
		if mentions(r, id, want) {
			return true
		}
	}
	return false
}

// TestAbuseSlowEntries is acceptance 5 for time: 25 status lists that
// never answer hold a verification no longer than its fetch deadline, and
// no more than Parallel of them are asked at once.
func TestAbuseSlowEntries(t *testing.T) {
	e := newNegEnv(t)
	w := newAbuseWorld(t)
	const deadline = time.Second
	v := w.verifier(verifier.WithLimits(verifier.Limits{StatusEntries: 32, Deadline: deadline, Parallel: 4}))
	input := marshal(t, e.signDI(t, e.cred(t, issuedBy(e.other.did()), set("credentialStatus", w.entries("slow", 0, 25))), e.other, dataintegrity.RDFC))
	start := time.Now()
	done := make(chan *verifier.Result, 1)
	go func() { done <- v.Verify(context.Background(), input) }()
	var res *verifier.Result
	select {
	case res = <-done:
	case <-time.After(deadline + 10*time.Second):
		t.Fatalf("still verifying %v after the deadline (%d requests so far)", 10*time.Second, w.hits.Load())
	}
	took := time.Since(start)
	t.Logf("25 slow entries: %v, %d requests", took, w.hits.Load())
	if took > deadline+2*time.Second {
		t.Errorf("took %v; the deadline is %v", took, deadline)
	}
	// None answers, so at most 4 lists are ever asked, and never more than
	// 4 at once. Counted by path, not by request: Go's transport may send a
	// request again on a new connection when the first closed before it was
	// written, which asks for no further list.
	w.mu.Lock()
	asked, most := len(w.slow), w.most
	w.mu.Unlock()
	if asked > 4 || most > 4 {
		t.Errorf("%d lists were asked, %d at once (%d requests); at most 4 at once, and none answers", asked, most, w.hits.Load())
	}
	if res.Verified || !mentions(res, verifier.CheckStatus, "timed out: a verification may spend at most 1s") {
		t.Errorf("want the status check to name the deadline:\n%s", describe(res))
	}
}

// TestAbuseMemory is acceptance 5 for memory: verifying each hostile
// request allocates a bounded amount (all of it, garbage included, is
// counted), and the limits keep it there.
func TestAbuseMemory(t *testing.T) {
	e := newNegEnv(t)
	w := newAbuseWorld(t)
	v := w.verifier()
	const bound = 32 << 20
	for _, tt := range hostile(t, e, w) {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		v.Verify(context.Background(), tt.input)
		runtime.ReadMemStats(&after)
		alloc := after.TotalAlloc - before.TotalAlloc
		t.Logf("%s: %d KB in, %.1f MB allocated", tt.name, len(tt.input)>>10, float64(alloc)/(1<<20))
		if alloc > bound && !raceEnabled {
			t.Errorf("%s: %d MB allocated; the bound is %d MB", tt.name, alloc>>20, bound>>20)
		}
	}
}
