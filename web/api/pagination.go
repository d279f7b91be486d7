package api

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"

	"github.com/badged/badged"
	"github.com/badged/badged/web/render"
)

// Page sizes.
const (
	defaultLimit = 50
	maxLimit     = 200
)

// Page is one page of a list, as the API sends it. Next is the cursor of
// the following page, empty on the last; the Link header carries the same
// as a URL with rel="next".
type Page[T any] struct {
	Items []T    `json:"items"`
	Next  string `json:"next,omitempty"`
}

// writePage sends the page of items that ?limit= and ?cursor= select.
// Items are in their stable list order and id names each; a cursor is the
// opaque form of the last ID sent, so that pages stay right when items
// are added.
func writePage[T, V any](w http.ResponseWriter, r *http.Request, items []T, id func(T) string, view func(T) V) error {
	q := r.URL.Query()
	limit := defaultLimit
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxLimit {
			return badged.InvalidFields("page", badged.FieldError{Field: "limit", Message: "must be a whole number from 1 to " + strconv.Itoa(maxLimit)})
		}
		limit = n
	}
	start := 0
	if c := q.Get("cursor"); c != "" {
		after, err := base64.RawURLEncoding.DecodeString(c)
		start = -1
		if err == nil {
			for i, it := range items {
				if id(it) == string(after) {
					start = i + 1
					break
				}
			}
		}
		if start < 0 {
			return badged.InvalidFields("page", badged.FieldError{Field: "cursor", Message: "unknown or no longer valid; start from the first page"})
		}
	}
	end := min(start+limit, len(items))
	p := Page[V]{Items: make([]V, 0, end-start)}
	for _, it := range items[start:end] {
		p.Items = append(p.Items, view(it))
	}
	if end < len(items) {
		p.Next = base64.RawURLEncoding.EncodeToString([]byte(id(items[end-1])))
		next := url.Values{}
		for k, v := range q {
			next[k] = v
		}
		next.Set("limit", strconv.Itoa(limit))
		next.Set("cursor", p.Next)
		w.Header().Set("Link", "<"+r.URL.Path+"?"+next.Encode()+`>; rel="next"`)
	}
	render.JSON(w, http.StatusOK, p)
	return nil
}
