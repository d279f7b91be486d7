package web

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestSecureHeaders serves real requests, over plain HTTP and over TLS,
// and checks the headers every response carries. (TestSecureHeadersOnEveryRoute
// walks the whole router.)
func TestSecureHeaders(t *testing.T) {
	tests := map[string]struct {
		base      string // the server's base URL
		tls       bool   // serve over TLS
		host      string // the Host the client asks for ("": the listener's address)
		path      string
		wantHSTS  bool
		wantCache string
	}{
		"ok/plain http":                  {base: "http://badges.example.edu", host: "badges.example.edu", path: "/healthz", wantCache: "no-store"},
		"ok/https base URL behind proxy": {base: "https://badges.example.edu", host: "badges.example.edu", path: "/healthz", wantHSTS: true, wantCache: "no-store"},
		"ok/tls":                         {base: "http://badges.example.edu", tls: true, host: "badges.example.edu", path: "/healthz", wantHSTS: true, wantCache: "no-store"},
		"ok/tls on localhost":            {base: "https://localhost:8443", tls: true, host: "localhost:8443", path: "/healthz", wantCache: "no-store"},
		"ok/tls on an IP address":        {base: "https://127.0.0.1", tls: true, path: "/healthz", wantCache: "no-store"},
		"ok/unknown route":               {base: "https://badges.example.edu", host: "badges.example.edu", path: "/nope", wantHSTS: true, wantCache: "no-store"},
		"ok/a public document keeps its caching": {base: "https://badges.example.edu", tls: true, host: "badges.example.edu",
			path: "/ns/badged/v1", wantHSTS: true, wantCache: "public, max-age=86400"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			srv := NewServer("test", slog.New(slog.NewTextHandler(io.Discard, nil)), API{BaseURL: tt.base})
			var ts *httptest.Server
			if tt.tls {
				ts = httptest.NewTLSServer(srv)
			} else {
				ts = newServer(srv)
			}
			defer ts.Close()
			req, err := http.NewRequest(http.MethodGet, ts.URL+tt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			if tt.host != "" {
				req.Host = tt.host
			}
			resp, err := ts.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			h := resp.Header
			if got := h.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options %q", got)
			}
			if got := h.Get("Referrer-Policy"); got != referrerPolicy {
				t.Errorf("Referrer-Policy %q", got)
			}
			if got := h.Get("Cache-Control"); got != tt.wantCache {
				t.Errorf("Cache-Control %q, want %q", got, tt.wantCache)
			}
			if got := h.Get("Strict-Transport-Security"); (got == hstsValue) != tt.wantHSTS || (got != "" && got != hstsValue) {
				t.Errorf("Strict-Transport-Security %q, want it: %v", got, tt.wantHSTS)
			}
		})
	}
}

// publicCaching are the routes whose answers carry no personal data and
// may be kept in caches: each keeps the Cache-Control it has (a prefix),
// and an ETag where etag says so. Every other answer, and every refusal,
// must be no-store. forAnonymous marks a page that is public only to
// someone not signed in (signed in, it is theirs, and no-store).
var publicCaching = map[string]struct {
	cache        string
	etag         bool
	forAnonymous bool
}{
	"GET /ns/badged/v1":                 {cache: "public, max-age=86400"},
	"GET /ns/badged/v2":                 {cache: "public, max-age=31536000, immutable", etag: true},
	"GET /issuers/{issuerID}/did.json":  {cache: "public, max-age=", etag: true},
	"GET /issuers/{issuerID}":           {cache: "public, max-age=", etag: true},
	"GET /institutions/{institutionID}": {cache: "public, max-age=", etag: true},
	"GET /status/{listID}":              {cache: "public, max-age=", etag: true},
	"GET /static/verify.css":            {cache: "public, max-age=3600"},
	// The OpenAPI description: the same for everyone, changed only with the binary.
	"GET /api/v1/openapi.json":  {cache: "public, max-age=3600", etag: true},
	"GET /static/backpack.css":  {cache: "public, max-age=3600"},
	"GET /portal/static/{file}": {cache: "public, max-age=3600"},
	"GET /help/static/{file}":   {cache: "public, max-age=3600"},
	// The OpenID4VP verifier's DID document and the employer page's script.
	"GET /openid4vp/did.json": {cache: "public, max-age=300"},
	// The LTI tool's public key set, which learning platforms fetch.
	"GET /lti/jwks": {cache: "public, max-age=300"},
	// The Open Badges API's discovery document (its OpenAPI description).
	"GET /ims/ob/v3p0/discovery":    {cache: "public, max-age=3600"},
	"GET /verify/ask/static/ask.js": {cache: "public, max-age=3600"},
	// The badge's own image (or a default one with its name), not the
	// learner's data; a link preview fetches it.
	"GET /s/{shareID}/image.png":    {cache: "public, max-age=300"},
	"GET /images/{file}":            {cache: "public, max-age=31536000, immutable", etag: true},
	"GET /catalogue":                {cache: "public, max-age=60", etag: true, forAnonymous: true},
	"GET /catalogue/{badgeClassID}": {cache: "public, max-age=60", etag: true, forAnonymous: true},
}

// TestSecureHeadersOnEveryRoute walks the real router (as
// TestAuthorizationMatrix does) and calls every route, over HTTP without
// following redirects, anonymously and as the first caller the matrix
// allows. Every answer carries nosniff and a same-origin (or stricter)
// Referrer-Policy; the public documents keep their caching headers, and
// every other answer (the JSON API, the backpack, sign-in, tokens, staff,
// refusals) is no-store. A new route is no-store unless it is listed in
// publicCaching.
func TestSecureHeadersOnEveryRoute(t *testing.T) {
	e, m := matrixEnv(t)
	e.ts.Client().CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	for route := range publicCaching {
		if _, ok := m[route]; !ok {
			t.Errorf("publicCaching names %q, which is no route of the matrix", route)
		}
	}
	for _, route := range routesOf(t, e.srv.router) {
		c, ok := m[route]
		if !ok {
			t.Errorf("route %q has no entry in the authorization matrix", route)
			continue
		}
		who := []string{anonymous}
		for _, caller := range callers {
			if caller != anonymous && allowed(c.allow, caller) {
				who = append(who, caller)
				break
			}
		}
		for _, caller := range who {
			t.Run(route+"/"+caller, func(t *testing.T) {
				e.t = t
				resp, body := e.callRoute(route, c, caller)
				h := resp.Header
				if got := h.Get("X-Content-Type-Options"); got != "nosniff" {
					t.Errorf("X-Content-Type-Options %q", got)
				}
				if got := h.Get("Referrer-Policy"); got != referrerPolicy && got != "no-referrer" {
					t.Errorf("Referrer-Policy %q", got)
				}
				cache := h.Get("Cache-Control")
				pub, public := publicCaching[route]
				if public && pub.forAnonymous && caller != anonymous {
					public = false
				}
				switch {
				case resp.StatusCode >= 400 || !public:
					if !strings.Contains(cache, "no-store") {
						t.Errorf("%d: Cache-Control %q, want no-store; %.200s", resp.StatusCode, cache, body)
					}
				case !strings.HasPrefix(cache, pub.cache):
					t.Errorf("%d: Cache-Control %q, want %s…", resp.StatusCode, cache, pub.cache)
				case pub.etag && h.Get("ETag") == "":
					t.Errorf("%d: no ETag", resp.StatusCode)
				}
			})
		}
	}
}
