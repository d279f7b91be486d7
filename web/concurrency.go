package web

import (
	"fmt"
	"net/http"
)

// busyRetryAfter is the Retry-After, in seconds, of a verification refused
// because too many run already: verifications end within the verifier's
// fetch deadline, most within a second.
const busyRetryAfter = 2

// limitVerifications runs at most n verifications at once on the routes
// that verify (see classify); beyond that it answers 503 with Retry-After
// at once, instead of queueing work the server cannot do. n <= 0 means no
// limit.
func (s *Server) limitVerifications(n int) func(http.Handler) http.Handler {
	if n <= 0 {
		return func(next http.Handler) http.Handler { return next }
	}
	slots := make(chan struct{}, n)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			c := classify(r)
			if !c.verifies() {
				next.ServeHTTP(w, r)
				return
			}
			select {
			case slots <- struct{}{}:
				defer func() { <-slots }()
				next.ServeHTTP(w, r)
			default:
				s.refuse(w, r, c, http.StatusServiceUnavailable, busyRetryAfter, "busy",
					fmt.Sprintf("badged is verifying as many credentials as it can at once (%d); try again in %s", n, seconds("en", busyRetryAfter)))
			}
		})
	}
}
