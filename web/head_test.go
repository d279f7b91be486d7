package web

import (
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
)

// TestHeadOnEveryGetRoute walks the real router and sends HEAD to every
// GET route, as the first caller the matrix allows (anonymous when anyone
// may): it answers as GET does (status, Content-Type, caching), with no
// body, never 405.
func TestHeadOnEveryGetRoute(t *testing.T) {
	e, m := matrixEnv(t)
	e.ts.Client().CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	n := 0
	for _, route := range routesOf(t, e.srv.router) {
		if !strings.HasPrefix(route, "GET ") {
			continue
		}
		c, ok := m[route]
		if !ok {
			continue // TestAuthorizationMatrix reports it
		}
		caller := anonymous
		if !allowed(c.allow, anonymous) {
			for _, cl := range callers {
				if allowed(c.allow, cl) {
					caller = cl
					break
				}
			}
		}
		n++
		t.Run(route+"/"+caller, func(t *testing.T) {
			e.t = t
			get, _ := e.callRouteWith(http.MethodGet, route, c, caller)
			head, body := e.callRouteWith(http.MethodHead, route, c, caller)
			if head.StatusCode != get.StatusCode {
				t.Errorf("HEAD: status %d, GET: %d", head.StatusCode, get.StatusCode)
			}
			for _, k := range []string{"Content-Type", "Cache-Control"} {
				if head.Header.Get(k) != get.Header.Get(k) {
					t.Errorf("HEAD: %s %q, GET: %q", k, head.Header.Get(k), get.Header.Get(k))
				}
			}
			if len(body) != 0 {
				t.Errorf("HEAD answered a body of %d bytes", len(body))
			}
		})
	}
	if n < 20 {
		t.Fatalf("only %d GET routes walked", n)
	}
}

// TestHeadOnVerifierServer: the stateless verifier node answers HEAD on
// its GET routes too (a load balancer's health check).
func TestHeadOnVerifierServer(t *testing.T) {
	ts := newServer(NewVerifierServer("test", slog.New(slog.NewTextHandler(io.Discard, nil)), API{}))
	defer ts.Close()
	for _, path := range []string{"/healthz", "/verify", "/static/verify.css", "/ns/badged/v1"} {
		req, _ := http.NewRequest(http.MethodHead, ts.URL+path, nil)
		resp, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || len(b) != 0 {
			t.Errorf("HEAD %s: %d, %d bytes", path, resp.StatusCode, len(b))
		}
	}
}
