package web

import (
	"errors"
	"net/http"

	"github.com/badged/badged"
)

// limitBody refuses a request whose declared body exceeds MaxBodyBytes
// with 413, and caps the reading of any body at that size; the JSON
// decoder turns the cap into 413 too.
func (s *Server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		max := s.MaxBodyBytes
		if max <= 0 {
			max = DefaultMaxBodyBytes
		}
		if r.ContentLength > max {
			s.writeError(w, r, badged.Errorf(badged.TooLarge, "the request body is larger than %d bytes", max))
			return
		}
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, max)
		}
		next.ServeHTTP(w, r)
	})
}

// overLimit reports whether err is a request body cut at its limit (by
// limitBody or http.MaxBytesReader), and the limit.
func overLimit(err error) (limit int64, ok bool) {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return mbe.Limit, true
	}
	return 0, false
}
