package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/badged/badged"
	"github.com/badged/badged/web/api"
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
			if isFormPost(r) && wantsHTML(r) && !strings.HasPrefix(r.URL.Path, "/api/") {
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
	p := messagePage{basePage: s.basePage(w, r, ""), Status: http.StatusRequestEntityTooLarge}
	p.Heading, p.Text = p.T["tooLargeTitle"], fmt.Sprintf(p.T["tooLargeText"], sizeText(max))
	if formPages[r.URL.Path] {
		p.Back = r.URL.RequestURI()
	}
	p.Title = p.Heading
	s.renderHTML(w, r, http.StatusRequestEntityTooLarge, "backpack_message", p)
}

// sizeText says n bytes in MiB or KiB when it is a whole number of them.
func sizeText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// limitBodyOrUpload is limitBody for every request but a bulk upload, whose
// handler bounds the body itself.
func (s *Server) limitBodyOrUpload(next http.Handler) http.Handler {
	limited := s.limitBody(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if api.IsBulkUpload(r) {
			next.ServeHTTP(w, r)
			return
		}
		limited.ServeHTTP(w, r)
	})
}
