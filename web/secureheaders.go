package web

import (
	"net"
	"net/http"
	"strings"
)

// Security headers set on every response by [Server.secureHeaders].
const (
	// hstsValue pins browsers to https for a year. It has no
	// includeSubDomains and no preload: they would bind other hosts under
	// the same name, which is the operator's call (set them at a proxy).
	hstsValue = "max-age=31536000"
	// referrerPolicy sends the Referer only to this site: share links,
	// presentation links and sign-in callbacks carry tokens in their
	// path or query, which must not reach other sites. (no-referrer
	// would also blank the Origin of same-origin form posts, which the
	// cross-origin check reads.)
	referrerPolicy = "same-origin"
	// defaultCacheControl keeps every response out of every cache unless
	// its handler says otherwise: a response with personal data (the JSON
	// API, the backpack, sign-in, tokens, staff pages) is never stored,
	// including a route added later that forgets to say so. The public
	// documents (DID documents, status lists, contexts, profiles,
	// stylesheets) set their own Cache-Control, with an ETag where they
	// have one.
	defaultCacheControl = "no-store"
)

// secureHeaders sets, before the handler runs, the headers every response
// carries: X-Content-Type-Options: nosniff, the Referrer-Policy [referrerPolicy],
// Cache-Control: [defaultCacheControl] (which a handler may replace), and
// Strict-Transport-Security ([hstsValue]) when the server is reached over
// https (see [Server.servesHTTPS]).
func (s *Server) secureHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", referrerPolicy)
		h.Set("Cache-Control", defaultCacheControl)
		if s.servesHTTPS(r) {
			h.Set("Strict-Transport-Security", hstsValue)
		}
		next.ServeHTTP(w, r)
	})
}

// servesHTTPS reports whether r reached the server over https: either the
// request came over TLS (serve --tls-cert/--tls-key or automatic
// certificates), or the base URL is https (a proxy in front terminates
// TLS; browsers ignore the header on a plain-http response anyway). It is
// false for a localhost name or an IP address, where browsers do not keep
// a pin (IP addresses, RFC 6797 8.1) or where a pin would outlive a
// developer's test server and break every other one on that name.
func (s *Server) servesHTTPS(r *http.Request) bool {
	if r.TLS == nil && !strings.HasPrefix(s.BaseURL, "https://") {
		return false
	}
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if host == "localhost" || strings.HasSuffix(host, ".localhost") || net.ParseIP(strings.Trim(host, "[]")) != nil {
		return false
	}
	return true
}
