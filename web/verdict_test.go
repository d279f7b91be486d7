package web

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/badged/badged/contexts"
	"github.com/badged/badged/did"
	"github.com/badged/badged/egress"
	"github.com/badged/badged/issuance"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/jsonld"
	"github.com/badged/badged/keys"
	"github.com/badged/badged/statuslist"
	"github.com/badged/badged/verifier"
	"github.com/badged/badged/wallet"
	"github.com/badged/badged/web/api"
	"github.com/badged/badged/web/page"
)

// unreachableIssuer is a verifier node with the real egress policy and a
// credential whose issuer is a did:web on loopback: the policy refuses the
// fetch, so the issuer's key cannot be had.
type unreachableIssuer struct {
	ts   *httptest.Server
	cred []byte
	hits *atomic.Int64 // requests that reached the issuer's server
}

// newUnreachableIssuer starts it. With live set, the issuer is a live
// loopback server (did:web:localhost%3APORT), which counts the requests
// that reach it; without, it is did:web:localhost, the same on every run,
// for screenshots.
func newUnreachableIssuer(t *testing.T, live bool) *unreachableIssuer {
	t.Helper()
	u := &unreachableIssuer{hits: new(atomic.Int64)}
	issuerDID := "did:web:localhost"
	if live {
		issuerSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { u.hits.Add(1) }))
		t.Cleanup(issuerSrv.Close)
		issuerDID += "%3A" + must(url.Parse(issuerSrv.URL)).Port()
	}
	c := newCreds(t, nil)
	d := with(c.doc, "issuer", map[string]any{"id": issuerDID, "type": []any{"Profile"}, "name": "Example University"})
	delete(d, "credentialStatus")
	u.cred = c.sign(d, issuerDID+"#key-1")

	client := egress.NewClient(egress.DefaultPolicy())
	v := verifier.New(jsonld.New(contexts.NewLoader()), did.NewResolver(client),
		verifier.WithStatus(verifier.NewCachingFetcher(client)), verifier.WithClock(verifyClock))
	u.ts = newServer(NewVerifierServer("test", slog.New(slog.NewTextHandler(io.Discard, nil)), API{Verifier: v, Egress: client}))
	t.Cleanup(u.ts.Close)
	return u
}

// TestVerifyPageVerdicts: /verify, in English and Dutch, tells a genuine
// credential, a tampered one, a revoked one and one whose issuer cannot be
// reached apart: valid; altered; revoked; could not be checked right now,
// with the reason in plain words and nothing called failed.
func TestVerifyPageVerdicts(t *testing.T) {
	e := newLoopbackVerify(t, time.Now)
	u := newUnreachableIssuer(t, true)
	for _, lang := range []string{"en", "nl"} {
		T := page.VerifyText[lang]
		tests := []struct {
			name    string
			ts      *httptest.Server
			cred    []byte
			verdict string // data-verdict of #result
			title   string // in the heading
			text    string // the summary
			checks  map[string]string
		}{
			{"genuine", e.ts, e.valid, "valid", T["result.valid"], T["result.validText"],
				map[string]string{"proof": "pass", "status": "pass"}},
			{"tampered", e.ts, e.tampered, "invalid", T["result.invalid"], T["result.alteredText"],
				map[string]string{"proof": "fail", "status": "pass"}},
			{"revoked", e.ts, e.revoked, "invalid", T["result.invalid"], T["result.revokedText"],
				map[string]string{"proof": "pass", "status": "fail"}},
			{"issuer unreachable", u.ts, u.cred, "indeterminate", T["result.indeterminate"], T["result.indeterminateText"],
				map[string]string{"proof": "unchecked", "signer": "unchecked"}},
		}
		for _, tt := range tests {
			t.Run(lang+"/"+tt.name, func(t *testing.T) {
				resp, doc := formPost(t, tt.ts, "?lang="+lang, map[string]string{"credential": string(tt.cred)}, "", nil, nil)
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("status %d", resp.StatusCode)
				}
				res := doc.Find("#result")
				if got := res.AttrOr("data-verdict", ""); got != tt.verdict {
					t.Errorf("data-verdict %q, want %q\n%s", got, tt.verdict, describePage(doc))
				}
				if h := res.ChildrenFiltered("h2.verdict").Text(); !strings.Contains(h, tt.title) {
					t.Errorf("heading %q, want %q", h, tt.title)
				}
				if s := strings.TrimSpace(res.ChildrenFiltered("p.summary").Text()); s != tt.text {
					t.Errorf("summary %q, want %q", s, tt.text)
				}
				_, verdicts := pageOutcome(t, doc)
				for id, want := range tt.checks {
					if verdicts[id] != want {
						t.Errorf("check %s: %q, want %q", id, verdicts[id], want)
					}
				}
				page := res.Text()
				if tt.verdict != "invalid" || tt.name == "tampered" {
					for _, never := range []string{T["result.revokedText"], T["check.status.revoked"]} {
						if strings.Contains(page, never) {
							t.Errorf("the page says %q of a credential that is not revoked", never)
						}
					}
				}
				if tt.verdict == "indeterminate" {
					for id, v := range verdicts {
						if v == "fail" {
							t.Errorf("check %s failed for an issuer that could not be reached", id)
						}
					}
					if strings.Contains(page, T["result.alteredText"]) || strings.Contains(page, T["check.proof.fail"]) {
						t.Error("the page calls a credential whose issuer could not be reached altered")
					}
					reasons := res.Find("ul.unchecked-reasons li")
					if reasons.Length() == 0 || !strings.Contains(reasons.Text(), "not allowed (loopback)") {
						t.Errorf("reasons %q, want the refusal in plain words", reasons.Text())
					}
					if got := strings.TrimSpace(res.Find(`li.check[data-check="proof"] .text`).Text()); got != T["check.proof.unchecked"] {
						t.Errorf("proof says %q", got)
					}
				}
				noGoErrorText(t, doc)
			})
		}
	}
	if n := u.hits.Load(); n != 0 {
		t.Errorf("the egress policy let %d requests through to loopback", n)
	}
}

// noGoErrorText fails when a page shows what only Go's error values say.
func noGoErrorText(t *testing.T, doc *goquery.Document) {
	t.Helper()
	text := doc.Find("body").Text()
	for _, goism := range []string{"dial tcp", "context deadline exceeded", "x509:", "net/http:", "%!", "<nil>", "&{", "invalid character",
		"fetch http", "request failed", "lookup ", "unexpected end of JSON input"} {
		if strings.Contains(text, goism) {
			t.Errorf("the page shows Go error text %q", goism)
		}
	}
}

// loopbackVerify is a verifier node whose credentials' status lists are
// served by a live loopback server, which its egress policy allows by the
// explicit allow list, as an operator would for an issuer in their own
// network: no URL is rewritten. The issuer is a did:key.
type loopbackVerify struct {
	ts                       *httptest.Server
	valid, tampered, revoked []byte
	fetches                  *atomic.Int64 // of status lists
}

// newLoopbackVerify starts it, with clock as the clock of its status list
// cache and of its pages.
func newLoopbackVerify(t *testing.T, clock func() time.Time) *loopbackVerify {
	t.Helper()
	c := newCreds(t, nil)
	lv := &loopbackVerify{fetches: new(atomic.Int64)}
	served := map[string][]byte{}
	lists := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lv.fetches.Add(1)
		w.Header().Set("Cache-Control", "max-age=300")
		w.Write(served[r.URL.Path])
	}))
	t.Cleanup(lists.Close)
	validFrom := must(time.Parse(time.RFC3339, c.doc["validFrom"].(string)))
	withList := func(path string, revoked bool) []byte {
		u := lists.URL + path
		bits := statuslist.New(131072)
		if revoked {
			if err := bits.Set(94567, true); err != nil {
				t.Fatal(err)
			}
		}
		served[path] = c.sign(statuslist.ListCredential(u, c.issuer, "revocation", bits, validFrom), c.vm)
		return c.sign(with(c.doc, "credentialStatus", map[string]any{"id": u + "#94567", "type": "BitstringStatusListEntry",
			"statusPurpose": "revocation", "statusListIndex": "94567", "statusListCredential": u}), c.vm)
	}
	lv.valid, lv.revoked = withList("/lists/1", false), withList("/lists/2", true)
	lv.tampered = bytes.Replace(lv.valid, []byte(`"Data Science Foundations"`), []byte(`"Data Science Mastery"`), 1)
	if bytes.Equal(lv.tampered, lv.valid) {
		t.Fatal("nothing to tamper with")
	}

	client := egress.NewClient(egress.Policy{AllowHosts: []string{must(url.Parse(lists.URL)).Host}, Timeout: 5 * time.Second, MaxBytes: 1 << 20})
	v := verifier.New(jsonld.New(contexts.NewLoader()), did.NewResolver(client),
		verifier.WithStatus(verifier.NewCachingFetcher(client, verifier.WithCacheClock(clock))), verifier.WithClock(verifyClock))
	srv := NewVerifierServer("test", slog.New(slog.NewTextHandler(io.Discard, nil)), API{Verifier: v, Egress: client})
	srv.Now = clock
	lv.ts = newServer(srv)
	t.Cleanup(lv.ts.Close)
	return lv
}

// TestVerifyPageStatusAge: a foreign status list read from the cache is
// shown with its age; the first verification fetched it, live, and says
// nothing of age.
func TestVerifyPageStatusAge(t *testing.T) {
	now := verifyClock()
	lv := newLoopbackVerify(t, func() time.Time { return now })
	age := func() string {
		t.Helper()
		_, doc := formPost(t, lv.ts, "?lang=en", map[string]string{"credential": string(lv.valid)}, "", nil, nil)
		if v := doc.Find("#result").AttrOr("data-verdict", ""); v != "valid" {
			t.Fatalf("verdict %q\n%s", v, describePage(doc))
		}
		return strings.TrimSpace(doc.Find("#result p.status-age").Text())
	}
	if got := age(); got != "" {
		t.Errorf("first: %q, want nothing: the list was fetched just now", got)
	}
	now = now.Add(4 * time.Minute)
	if got, want := age(), fmt.Sprintf(page.VerifyText["en"]["status.minutesAgo"], 4); got != want {
		t.Errorf("from the cache: %q, want %q", got, want)
	}
	if n := lv.fetches.Load(); n != 1 {
		t.Errorf("the list was fetched %d times, want once", n)
	}
}

// TestBackpackUnreachableLists: the server's issuer lives at
// https://localhost:PORT and its verifier fetches through the real egress
// policy, which refuses loopback: the situation of issue 8, where a
// genuine badge was shown "revoked". Its DID document and status list
// cannot be had, so the backpack says it could not be checked right now,
// with the reason, never revoked or invalid; once the platform revokes it,
// its own records say revoked.
func TestBackpackUnreachableLists(t *testing.T) {
	e := newEnv(t)
	sealer := must(keys.NewSealer(bytes.Repeat([]byte{7}, keys.MasterKeySize)))
	e.set(func(a *API) {
		base := "https://localhost:" + must(url.Parse(e.ts.URL)).Port()
		a.Publisher = must(issuance.New(e.db, sealer, base, processorFor(base)))
		a.InstitutionRecords = e.db
	})
	// A verifier that does not read this server's records in-process (as a
	// separate verifier node would not): its lists go through the egress
	// policy, which refuses loopback.
	e.walletWith(DefaultVerifier(egress.NewClient(egress.DefaultPolicy())))
	we := e.backpack()
	a := we.claim(learner)
	hp := "/backpack/" + a.ID

	for _, lang := range []string{"en", "nl"} {
		T := page.BackpackText[lang]
		resp, doc := we.browse(learner, "GET", hp+"?lang="+lang, nil, true)
		wantPage(t, resp, doc, 200)
		if s := doc.Find("article.credential").AttrOr("data-state", ""); s != wallet.StateUnchecked {
			t.Errorf("%s: state %q, want %q", lang, s, wallet.StateUnchecked)
		}
		if got := doc.Find("#state-text").Text(); got != T["stateUncheckedText"] {
			t.Errorf("%s: state text %q", lang, got)
		}
		v := doc.Find("#verification")
		if got := v.AttrOr("data-verdict", ""); got != "indeterminate" {
			t.Errorf("%s: verdict %q, want indeterminate", lang, got)
		}
		if r := v.Find("ul.unchecked-reasons").Text(); !strings.Contains(r, "not allowed (loopback)") {
			t.Errorf("%s: reasons %q, want the refusal", lang, r)
		}
		text := doc.Find("main").Text()
		for _, never := range []string{T["stateRevoked"], T["stateRevokedText"], T["stateInvalidText"], page.VerifyText[lang]["check.status.revoked"], page.VerifyText[lang]["result.alteredText"]} {
			if strings.Contains(text, never) {
				t.Errorf("%s: the page says %q of a genuine badge whose lists could not be fetched", lang, never)
			}
		}
		noGoErrorText(t, doc)
	}
	resp, doc := we.browse(learner, "GET", "/backpack?state=unchecked", nil, true)
	wantPage(t, resp, doc, 200)
	if doc.Find(`li.holding[data-state="unchecked"]`).Length() != 1 {
		t.Error("the filter for credentials that could not be checked does not list it")
	}
	resp, body := we.do(learner, "GET", "/api/v1/me/holdings/"+a.ID, nil)
	wantStatus(t, resp, body, 200)
	h := decodeJSON[api.Holding](t, body)
	if h.State != wallet.StateUnchecked || h.Verification == nil || h.Verification.Verdict != verifier.Indeterminate || h.Verification.Status != "" {
		t.Errorf("API: %s", body)
	}

	// Its public page says the same to an employer.
	ctx := context.Background()
	l := must(we.w.Learner(ctx, issuer.Learner{UserID: "user-" + learner, Emails: []string{learner + "@example.org"}}))
	sh := must(we.w.SetPublic(ctx, l, a.ID, true))
	resp, doc = we.browse(anonymous, "GET", "/s/"+sh.ID, nil, true)
	wantPage(t, resp, doc, 200)
	if s, v := doc.Find("article.credential").AttrOr("data-state", ""), doc.Find("#verification").AttrOr("data-verdict", ""); s != wallet.StateUnchecked || v != "indeterminate" {
		t.Errorf("share page: state %q verdict %q, want unchecked and indeterminate", s, v)
	}

	// Revoked by the platform: its own records say so, at once.
	must(we.is.RevokeAward(ctx, root, a.ID, "awarded in error"))
	resp, doc = we.browse(learner, "GET", hp, nil, true)
	wantPage(t, resp, doc, 200)
	if s := doc.Find("article.credential").AttrOr("data-state", ""); s != wallet.StateRevoked {
		t.Errorf("after revocation: state %q, want revoked", s)
	}
}
