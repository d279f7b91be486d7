package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/badged/badged"
	"github.com/badged/badged/web/api"
	"github.com/badged/badged/web/page"
	"github.com/badged/badged/web/page/portal"
)

// limitBody refuses a request whose declared body exceeds MaxBodyBytes
// with 413, and caps the reading of any body at that size; the JSON
// decoder turns the cap into 413 too.
//
// A browser's form post (an HTML form's body, from a client that wants
// HTML, not under /api) gets a page in its language that states the limit
// instead of problem+json.
func (s *Server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		max := s.maxBody()
		if r.ContentLength > max {
			if isFormPost(r) && page.WantsHTML(r) && !strings.HasPrefix(r.URL.Path, "/api/") {
				s.tooLargePage(w, r, max)
				return
			}
			s.writeError(w, r, badged.Errorf(badged.TooLarge, "the request body is larger than %d bytes", max))
			return
		}
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, max)
		}
		next.ServeHTTP(w, r)
	})
}

// maxBody is the limit on a request body: MaxBodyBytes, or
// DefaultMaxBodyBytes.
func (s *Server) maxBody() int64 {
	if s.MaxBodyBytes > 0 {
		return s.MaxBodyBytes
	}
	return DefaultMaxBodyBytes
}

// isFormPost reports whether r's body is an HTML form's.
func isFormPost(r *http.Request) bool {
	ct := r.Header.Get("Content-Type")
	return strings.HasPrefix(ct, "multipart/form-data") || strings.HasPrefix(ct, "application/x-www-form-urlencoded")
}

// formPages are the pages whose form may carry a file: a page refusing
// an upload as too large links back to them.
var formPages = map[string]bool{"/verify": true, "/backpack/import": true}

// tooLargePage answers a form post whose body is over max with 413 and a
// page in the visitor's language that states the limit. The body is not
// read: the page's language comes from ?lang=, the language cookie or
// Accept-Language.
func (s *Server) tooLargePage(w http.ResponseWriter, r *http.Request, max int64) {
	r.Body = http.NoBody
	back := ""
	if formPages[r.URL.Path] {
		back = r.URL.RequestURI()
	}
	s.pages.Message(w, r, http.StatusRequestEntityTooLarge, back, func(t map[string]string, lang string) (string, string) {
		return t["tooLargeTitle"], fmt.Sprintf(t["tooLargeText"], page.SizeText(max))
	})
}

// limitBodyOrUpload is limitBody for every request but an upload (a bulk
// award file, through the API or the portal, an image), whose handler
// bounds the body itself.
func (s *Server) limitBodyOrUpload(next http.Handler) http.Handler {
	limited := s.limitBody(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if api.IsUpload(r) || portal.IsUpload(r) {
			next.ServeHTTP(w, r)
			return
		}
		limited.ServeHTTP(w, r)
	})
}
