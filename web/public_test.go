package web

import (
	"slices"

	"bytes"
	"context"
	"encoding/json"
	"github.com/badged/badged/credential"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/badged/badged/did"
	"github.com/badged/badged/egress"
	"github.com/badged/badged/insights"
	"github.com/badged/badged/issuance"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/keys"
	"github.com/badged/badged/verifier"
)

// publicBase is the base URL the public tests issue under: a name, since a
// did:web may not name an IP address. Its documents are never fetched: the
// server reads its own in-process (ServerVerifier).
const publicBase = "https://badges.test"

// public gives the server what the public documents and the insights
// need: an issuance service on the env's store, publishing under
// publicBase, and an insights service.
func (e *env) public() *issuance.Service {
	e.t.Helper()
	if p, ok := e.cfg.Publisher.(*issuance.Service); ok {
		return p
	}
	sealer := must(keys.NewSealer(bytes.Repeat([]byte{7}, keys.MasterKeySize)))
	iss := must(issuance.New(e.db, sealer, publicBase, processorFor(publicBase)))
	e.set(func(a *API) {
		a.Publisher, a.Previews, a.Keys = iss, iss, iss
		a.InstitutionRecords = e.db
		a.Insights = insights.New(e.db, e.is, insights.WithClock(e.clock.Now))
	})
	return iss
}

// issueB issues a credential for an award of badge class B.
func (e *env) issueB(iss *issuance.Service, awardID string) *issuer.IssuedCredential {
	e.t.Helper()
	ctx := context.Background()
	return must(iss.Issue(ctx, issuer.IssueRequest{
		AwardID: awardID, Institution: must(e.db.Institution(ctx, e.I.ID)), Group: must(e.db.Group(ctx, e.G.ID)),
		Issuer: must(e.db.Issuer(ctx, e.S.ID)), BadgeClass: must(e.db.BadgeClass(ctx, e.B.ID)),
		Recipient: issuer.Recipient{UserID: "u1", Email: "jane@example.org", Name: "Jane"},
		IssuedAt:  e.clock.Now(),
	}))
}

// statusPath returns the path of the status list of a credential of B.
func (e *env) statusPath() string {
	e.t.Helper()
	c := e.issueB(e.public(), "matrix-award")
	u := must(url.Parse(c.StatusList))
	return u.Path
}

func (e *env) get(client *http.Client, rawURL string, header ...string) (*http.Response, []byte) {
	e.t.Helper()
	req := must(http.NewRequest(http.MethodGet, rawURL, nil))
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := client.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	return resp, b.Bytes()
}

// TestPublicDocuments issues a credential and verifies it with badged's
// verifier from outside, as another verifier on this machine does
// (badged verify --server): the issuer's did:web resolves through
// did.Resolver to /issuers/{id}/did.json, and the status list to
// /status/{id}, at the very URLs issuance wrote, under the server's plain
// http base URL http://localhost:PORT, through the real egress policy
// with that host allowed. A revocation is then seen through the status
// list.
func TestPublicDocuments(t *testing.T) {
	e := newEnv(t)
	host := "localhost:" + must(url.Parse(e.ts.URL)).Port()
	base := "http://" + host
	sealer := must(keys.NewSealer(bytes.Repeat([]byte{7}, keys.MasterKeySize)))
	iss := must(issuance.New(e.db, sealer, base, processorFor(base)))
	e.set(func(a *API) {
		a.Publisher, a.Previews, a.Keys = iss, iss, iss
		a.InstitutionRecords = e.db
	})
	policy := egress.DefaultPolicy()
	policy.AllowHosts = []string{host}
	client := egress.NewClient(policy)
	resolver := did.NewResolver(client, did.WithServedAt(host, base))
	ctx := context.Background()
	c := e.issueB(iss, "award-1")

	issuerDID := iss.IssuerDID(e.S.ID)
	wantURL := "https://" + host + "/issuers/" + e.S.ID + "/did.json"
	if u, err := did.WebURL(issuerDID); err != nil || u != wantURL {
		t.Fatalf("WebURL(%s) = %s, %v; want %s", issuerDID, u, err, wantURL)
	}
	doc, err := resolver.Resolve(ctx, issuerDID)
	if err != nil {
		t.Fatalf("resolve %s: %v", issuerDID, err)
	}
	if doc.ID != issuerDID || len(doc.VerificationMethod) != 1 {
		t.Fatalf("resolved %+v", doc)
	}
	if !strings.HasPrefix(c.StatusList, base+"/status/") {
		t.Fatalf("status list URL %s is not under %s/status/", c.StatusList, base)
	}

	v := verifier.New(processorFor(base), resolver,
		verifier.WithStatus(verifier.HTTPFetcher{Client: client}))
	res := v.Verify(ctx, c.JSON)
	if !res.Verified || res.Issuer != issuerDID {
		t.Fatalf("verify: verified=%v issuer=%s failed=%+v", res.Verified, res.Issuer, res.Failed())
	}
	if ch, _ := res.Check(verifier.CheckStatus); ch.Verdict != verifier.Pass {
		t.Errorf("status check %+v, want pass", ch)
	}

	if err := iss.Revoke(ctx, "award-1", "fraud"); err != nil {
		t.Fatal(err)
	}
	res = v.Verify(ctx, c.JSON)
	if ch, _ := res.Check(verifier.CheckStatus); res.Verified || ch.Verdict != verifier.Fail {
		t.Errorf("after revocation: verified=%v status=%+v", res.Verified, ch)
	}

	// The issuer profile names the institution profile, which is served.
	resp, body := e.get(client, base+"/issuers/"+e.S.ID)
	var prof struct {
		Context   []string `json:"@context"`
		ID        string   `json:"id"`
		ParentOrg struct {
			ID string `json:"id"`
		} `json:"parentOrg"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &prof) != nil {
		t.Fatalf("issuer profile: %d %s", resp.StatusCode, body)
	}
	if prof.ID != issuerDID || prof.ParentOrg.ID != iss.InstitutionURL(e.I.ID) || len(prof.Context) == 0 {
		t.Errorf("issuer profile %s", body)
	}
	resp, body = e.get(client, prof.ParentOrg.ID)
	var inst struct {
		Context         []string                     `json:"@context"`
		ID              string                       `json:"id"`
		Name            string                       `json:"name"`
		OtherIdentifier []credential.IdentifierEntry `json:"otherIdentifier"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &inst) != nil {
		t.Fatalf("institution profile: %d %s", resp.StatusCode, body)
	}
	if inst.ID != prof.ParentOrg.ID || inst.Name != "Universiteit" || len(inst.OtherIdentifier) == 0 ||
		inst.OtherIdentifier[0].IdentifierType != credential.IdentifierSchacHome || inst.OtherIdentifier[0].Identifier != "i.example.edu" ||
		!slices.Contains(inst.Context, iss.ContextURL()) {
		t.Errorf("institution profile %s", body)
	}
}

// TestPublicCaching checks each public document's media type, caching
// headers and conditional GET.
func TestPublicCaching(t *testing.T) {
	e := newEnv(t)
	iss := e.public()
	statusPath := e.statusPath()
	tests := []struct {
		name, path, mediaType, cacheControl string
		lastModified                        bool
	}{
		{"ok/did", "/issuers/" + e.S.ID + "/did.json", "application/did+json", "public, max-age=600", false},
		{"ok/issuer", "/issuers/" + e.S.ID, "application/ld+json", "public, max-age=3600", false},
		{"ok/institution", "/institutions/" + e.I.ID, "application/ld+json", "public, max-age=3600", true},
		{"ok/status", statusPath, "application/vc+ld+json", "public, max-age=300", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.t = t
			resp, body := e.do(anonymous, http.MethodGet, tt.path, nil)
			h := resp.Header
			if resp.StatusCode != http.StatusOK || h.Get("Content-Type") != tt.mediaType || h.Get("Cache-Control") != tt.cacheControl {
				t.Fatalf("%d %q %q: %s", resp.StatusCode, h.Get("Content-Type"), h.Get("Cache-Control"), body)
			}
			etag := h.Get("ETag")
			if !strings.HasPrefix(etag, `"`) || len(etag) < 10 {
				t.Fatalf("ETag %q", etag)
			}
			if !json.Valid(body) {
				t.Fatalf("not JSON: %s", body)
			}
			// The same content gives the same ETag.
			again, _ := e.do(anonymous, http.MethodGet, tt.path, nil)
			if again.Header.Get("ETag") != etag {
				t.Errorf("ETag changed: %s, then %s", etag, again.Header.Get("ETag"))
			}
			req := e.request(anonymous, http.MethodGet, tt.path, nil)
			req.Header.Set("If-None-Match", etag)
			resp, body = e.send(req)
			if resp.StatusCode != http.StatusNotModified || len(body) != 0 {
				t.Errorf("If-None-Match: %d %s, want 304", resp.StatusCode, body)
			}
			req = e.request(anonymous, http.MethodGet, tt.path, nil)
			req.Header.Set("If-None-Match", `"other"`)
			if resp, _ = e.send(req); resp.StatusCode != http.StatusOK {
				t.Errorf("If-None-Match another: %d, want 200", resp.StatusCode)
			}
			lm := h.Get("Last-Modified")
			if (lm != "") != tt.lastModified {
				t.Fatalf("Last-Modified %q", lm)
			}
			if lm != "" {
				req = e.request(anonymous, http.MethodGet, tt.path, nil)
				req.Header.Set("If-Modified-Since", lm)
				if resp, _ = e.send(req); resp.StatusCode != http.StatusNotModified {
					t.Errorf("If-Modified-Since: %d, want 304", resp.StatusCode)
				}
			}
			resp, body = e.do(anonymous, http.MethodPost, tt.path, "{}")
			if resp.StatusCode != http.StatusMethodNotAllowed {
				t.Errorf("POST: %d %s, want 405", resp.StatusCode, body)
			}
		})
	}

	// A revocation changes the list, so its ETag.
	e.t = t
	first, _ := e.do(anonymous, http.MethodGet, statusPath, nil)
	if err := iss.Revoke(context.Background(), "matrix-award", "mistake"); err != nil {
		t.Fatal(err)
	}
	e.clock.Add(time.Second)
	after, _ := e.do(anonymous, http.MethodGet, statusPath, nil)
	if first.Header.Get("ETag") == after.Header.Get("ETag") {
		t.Error("the status list's ETag did not change with a revocation")
	}

	for _, path := range []string{"/issuers/nope/did.json", "/issuers/nope", "/institutions/nope", "/status/nope"} {
		resp, body := e.do(anonymous, http.MethodGet, path, nil)
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, resp.StatusCode)
			continue
		}
		problemOf(t, resp, body)
	}
}

// TestPublicUnconfigured: without a publisher the routes answer 404.
func TestPublicUnconfigured(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"/issuers/" + e.S.ID + "/did.json", "/issuers/" + e.S.ID, "/institutions/" + e.I.ID, "/status/x"} {
		resp, body := e.do(anonymous, http.MethodGet, path, nil)
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, resp.StatusCode)
			continue
		}
		problemOf(t, resp, body)
	}
}
