package openid4vp_test

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/badged/badged/did"
	"github.com/badged/badged/egress"
	"github.com/badged/badged/openid4vp"
	"github.com/badged/badged/storage/bolt"
	"github.com/badged/badged/verifier"
)

// noVerifier stands for package verifier where no presentation is checked.
type noVerifier struct{}

func (noVerifier) VerifyPresentationJWT(context.Context, string, verifier.PresentationOptions) *verifier.Result {
	return &verifier.Result{Verdict: verifier.Invalid}
}

func (noVerifier) VerifyPresentation(context.Context, map[string]any, verifier.PresentationOptions) *verifier.Result {
	return &verifier.Result{Verdict: verifier.Invalid}
}

// verifierServer serves a Service's request objects on loopback, as
// badged does, and returns it with an egress client whose policy allows
// that one host (the test's explicit allowance).
func verifierServer(t *testing.T, now *time.Time) (*openid4vp.Service, *httptest.Server, *http.Client) {
	t.Helper()
	db, err := bolt.Open(filepath.Join(t.TempDir(), "badged.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	var svc *openid4vp.Service
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		jwt, err := svc.RequestObject(r.Context(), strings.TrimPrefix(r.URL.Path, openid4vp.PathRequest))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.Write([]byte(jwt))
	}))
	t.Cleanup(ts.Close)
	u, _ := url.Parse(ts.URL)
	base := "http://localhost:" + u.Port()
	key := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	svc, err = openid4vp.New(db, base, key, noVerifier{}, openid4vp.WithClock(func() time.Time { return *now }))
	if err != nil {
		t.Fatal(err)
	}
	return svc, ts, egress.NewClient(egress.Policy{AllowHosts: []string{"localhost:" + u.Port()}})
}

// TestFetchRequest: the wallet side reads badged's signed request, and
// refuses one that is expired, signed by another key, not a request
// object, or for another client.
func TestFetchRequest(t *testing.T) {
	now := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	svc, _, client := verifierServer(t, &now)
	ctx := context.Background()
	start := func() *openid4vp.Started {
		st, err := svc.Start(ctx, openid4vp.Ask{Kind: openid4vp.AskBadgeClass, Values: []string{"https://x.example/badgeclasses/a"}})
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	keys := svc.OwnKeys(nil)

	t.Run("ok", func(t *testing.T) {
		req, err := openid4vp.FetchRequest(ctx, client, keys, start().URI, now)
		if err != nil {
			t.Fatal(err)
		}
		if req.ClientID != svc.ClientID() || req.Verifier != svc.DID() || req.Nonce == "" || req.State == "" ||
			!strings.HasPrefix(req.ResponseURI, "http://localhost:") || req.Query.Credentials[0].ID != openid4vp.CredentialQueryID {
			t.Errorf("request %+v", req)
		}
	})

	seed := make([]byte, ed25519.SeedSize)
	seed[0] = 1
	other, _ := did.KeyDID(ed25519.NewKeyFromSeed(seed).Public())
	tests := []struct {
		name string
		link func() string
		keys openid4vp.KeyResolver
		at   time.Time
		code string
	}{
		{"fail/expired", func() string { return start().URI }, keys, now.Add(openid4vp.Lifetime), openid4vp.CodeInvalidRequest},
		{"fail/not by DID", func() string {
			u, _ := url.Parse(start().URI)
			q := u.Query()
			q.Set("client_id", "redirect_uri:https://x.example/cb")
			u.RawQuery = q.Encode()
			return u.String()
		}, keys, now, openid4vp.CodeInvalidRequest},
		{"fail/another DID's client_id", func() string {
			u, _ := url.Parse(start().URI)
			q := u.Query()
			q.Set("client_id", "decentralized_identifier:"+other)
			u.RawQuery = q.Encode()
			return u.String()
		}, keys, now, "invalid_request_object"},
		{"fail/no request_uri", func() string { return "openid4vp://?client_id=x" }, keys, now, openid4vp.CodeInvalidRequest},
		{"fail/not a link", func() string { return "https://x.example/?client_id=a&request_uri=b" }, keys, now, openid4vp.CodeInvalidRequest},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := openid4vp.FetchRequest(ctx, client, tc.keys, tc.link(), tc.at)
			var pe *openid4vp.Error
			if !errors.As(err, &pe) || pe.Code != tc.code {
				t.Errorf("error %v, want %s", err, tc.code)
			}
		})
	}

	t.Run("fail/tampered signature", func(t *testing.T) {
		st := start()
		jwt, err := svc.RequestObject(ctx, st.Ref)
		if err != nil {
			t.Fatal(err)
		}
		// Another response_uri, under the same signature.
		parts := strings.Split(jwt, ".")
		payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
		payload = []byte(strings.Replace(string(payload), "/openid4vp/response/", "/evil/", 1))
		tampered := parts[0] + "." + base64.RawURLEncoding.EncodeToString(payload) + "." + parts[2]
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(tampered)) }))
		defer ts.Close()
		u, _ := url.Parse(ts.URL)
		link := "openid4vp://?" + url.Values{"client_id": {svc.ClientID()}, "request_uri": {"http://localhost:" + u.Port() + "/r"}}.Encode()
		c := egress.NewClient(egress.Policy{AllowHosts: []string{"localhost:" + u.Port()}})
		var pe *openid4vp.Error
		if _, err := openid4vp.FetchRequest(ctx, c, keys, link, now); !errors.As(err, &pe) || pe.Code != "invalid_request_object" {
			t.Errorf("error %v, want invalid_request_object", err)
		}
	})

	t.Run("fail/the egress guard refuses loopback without an allowance", func(t *testing.T) {
		_, err := openid4vp.FetchRequest(ctx, egress.NewClient(egress.DefaultPolicy()), keys, start().URI, now)
		if !errors.Is(err, egress.ErrRefused) {
			t.Errorf("error %v, want the guard's refusal", err)
		}
	})
}

// TestQueryMatches: badged's DCQL query for each kind of ask matches the
// Open Badges it asks for and no other credential.
func TestQueryMatches(t *testing.T) {
	badge := func(typ, achievement string, issuer any) map[string]any {
		return map[string]any{
			"type":              []any{"VerifiableCredential", typ},
			"issuer":            issuer,
			"credentialSubject": map[string]any{"id": "did:key:z6Mk", "achievement": map[string]any{"id": achievement}},
		}
	}
	a, b := "https://x.example/badgeclasses/a", "https://x.example/badgeclasses/b"
	iss := map[string]any{"id": "did:web:x.example:issuers:1", "type": "Profile"}
	tests := []struct {
		name string
		ask  openid4vp.Ask
		cred map[string]any
		want bool
	}{
		{"ok/any", openid4vp.Ask{Kind: openid4vp.AskAny}, badge("OpenBadgeCredential", a, iss), true},
		{"ok/any as AchievementCredential", openid4vp.Ask{Kind: openid4vp.AskAny}, badge("AchievementCredential", a, iss), true},
		{"ok/badge class", openid4vp.Ask{Kind: openid4vp.AskBadgeClass, Values: []string{b, a}}, badge("OpenBadgeCredential", a, iss), true},
		{"ok/issuer object", openid4vp.Ask{Kind: openid4vp.AskIssuer, Values: []string{"did:web:x.example:issuers:1"}}, badge("OpenBadgeCredential", a, iss), true},
		{"ok/issuer string", openid4vp.Ask{Kind: openid4vp.AskIssuer, Values: []string{"did:web:x.example:issuers:1"}}, badge("OpenBadgeCredential", a, "did:web:x.example:issuers:1"), true},
		{"fail/another badge class", openid4vp.Ask{Kind: openid4vp.AskBadgeClass, Values: []string{b}}, badge("OpenBadgeCredential", a, iss), false},
		{"fail/another issuer", openid4vp.Ask{Kind: openid4vp.AskIssuer, Values: []string{"did:web:y.example"}}, badge("OpenBadgeCredential", a, iss), false},
		{"fail/not an Open Badge", openid4vp.Ask{Kind: openid4vp.AskAny}, badge("UniversityDegreeCredential", a, iss), false},
		{"fail/no type", openid4vp.Ask{Kind: openid4vp.AskAny}, map[string]any{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.ask.Matches(tc.cred); got != tc.want {
				t.Errorf("Matches = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestAskCheck: an ask names a known kind, with values when it narrows.
func TestAskCheck(t *testing.T) {
	for name, ask := range map[string]openid4vp.Ask{
		"fail/unknown kind":    {Kind: "degree"},
		"fail/no values":       {Kind: openid4vp.AskBadgeClass},
		"fail/any with values": {Kind: openid4vp.AskAny, Values: []string{"x"}},
		"fail/too many values": {Kind: openid4vp.AskIssuer, Values: make([]string, 101)},
	} {
		t.Run(name, func(t *testing.T) {
			if err := ask.Check(); err == nil {
				t.Error("accepted")
			}
		})
	}
}

// FuzzParseQuery: any JSON the wallet is handed as a DCQL query is parsed
// or refused, and matching never panics.
func FuzzParseQuery(f *testing.F) {
	f.Add(`{"credentials":[{"id":"a","format":"ldp_vc","meta":{"type_values":[["x"]]},"claims":[{"path":["credentialSubject",null,0,"id"],"values":["v",1,true]}]}]}`)
	f.Add(`{"credentials":[]}`)
	f.Add(`[1,2]`)
	f.Fuzz(func(t *testing.T, s string) {
		var v any
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			return
		}
		q, err := openid4vp.ParseQuery(v)
		if err != nil {
			return
		}
		for _, c := range q.Credentials {
			c.Matches(map[string]any{"credentialSubject": []any{map[string]any{"id": "x"}, "y"}, "type": "OpenBadgeCredential"})
		}
	})
}
