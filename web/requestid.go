package web

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"

	"github.com/badged/badged/web/request"
)

// requestID gives each request an ID, taken from a well-formed incoming
// X-Request-Id (a proxy's) or else random, which it echoes in the response
// and which problems and logs quote.
func requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(request.IDHeader)
		if !wellFormedID(id) {
			var b [12]byte
			rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		w.Header().Set(request.IDHeader, id)
		next.ServeHTTP(w, r.WithContext(request.WithID(r.Context(), id)))
	})
}

// wellFormedID accepts 1 to 64 letters, digits, '-', '_' and '.', so that a
// client cannot put anything else into logs.
func wellFormedID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}
