package obapi

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/obapi"
	"github.com/badged/badged/wallet"
)

// MaxLimit is the largest page of credentials.
const MaxLimit = 100

// CredentialsResponse is the specification's
// GetOpenBadgeCredentialsResponse: the credentials held as compact JWS
// and those held as JSON-LD objects.
type CredentialsResponse struct {
	CompactJWSStrings []string          `json:"compactJwsStrings,omitempty"`
	Credential        []json.RawMessage `json:"credential,omitempty"`
}

// page reads limit, offset and since. Errors: Invalid.
func page(q url.Values) (limit, offset int, since time.Time, err error) {
	limit, offset = MaxLimit, 0
	if v := q.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 {
			return 0, 0, since, badged.Errorf(badged.Invalid, "limit must be a positive integer")
		}
		limit = min(limit, MaxLimit)
	}
	if v := q.Get("offset"); v != "" {
		if offset, err = strconv.Atoi(v); err != nil || offset < 0 {
			return 0, 0, since, badged.Errorf(badged.Invalid, "offset must be a non-negative integer")
		}
	}
	if v := q.Get("since"); v != "" {
		if since, err = time.Parse(time.RFC3339, v); err != nil {
			return 0, 0, since, badged.Errorf(badged.Invalid, "since must be an RFC 3339 date and time")
		}
	}
	return limit, offset, since, nil
}

// credentials lists the learner's credentials, oldest first, one page of
// them, with X-Total-Count and the Link header of RFC 8288 (next, last,
// first, prev).
func (h *Handler) credentials(w http.ResponseWriter, r *http.Request, l issuer.Learner, _ *obapi.Access) error {
	limit, offset, since, err := page(r.URL.Query())
	if err != nil {
		return err
	}
	all, err := h.Wallet.Holdings(r.Context(), l, wallet.Filter{})
	if err != nil {
		return err
	}
	var held []*wallet.Holding
	for _, hd := range all {
		if since.IsZero() || !hd.Created.Before(since) {
			held = append(held, hd)
		}
	}
	total := len(held)
	w.Header().Set("X-Total-Count", strconv.Itoa(total))
	if link := links(h.Service.BaseURL()+obapi.PathCredential, r.URL.Query(), limit, offset, total); link != "" {
		w.Header().Set("Link", link)
	}
	var out CredentialsResponse
	for _, hd := range held[min(offset, total):min(offset+limit, total)] {
		if hd.Format == wallet.FormatJWT {
			out.CompactJWSStrings = append(out.CompactJWSStrings, string(hd.Credential))
		} else {
			out.Credential = append(out.Credential, json.RawMessage(hd.Credential))
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// links is the Link header of a page at offset of total.
func links(base string, q url.Values, limit, offset, total int) string {
	at := func(off int, rel string) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("limit", strconv.Itoa(limit))
		v.Set("offset", strconv.Itoa(off))
		return fmt.Sprintf(`<%s?%s>; rel="%s"`, base, v.Encode(), rel)
	}
	var out []string
	if offset+limit < total {
		out = append(out, at(offset+limit, "next"))
	}
	last := 0
	if total > 0 {
		last = (total - 1) / limit * limit
	}
	out = append(out, at(last, "last"), at(0, "first"))
	if offset > 0 {
		out = append(out, at(max(offset-limit, 0), "prev"))
	}
	return strings.Join(out, ", ")
}

// upsert keeps a credential another host pushed in the learner's
// backpack, after badged's verifier accepted it: 201 with it when new,
// 200 when the backpack held it already. A JSON body is a credential
// object, a text/plain one a compact JWS, and the answer has the same
// form. One that does not verify, or was not issued to the learner, is
// refused.
func (h *Handler) upsert(w http.ResponseWriter, r *http.Request, l issuer.Learner, _ *obapi.Access) error {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "application/json" && mt != "application/ld+json" && mt != "application/vc+ld+json" && mt != "text/plain" {
		return badged.Errorf(badged.Invalid, "send a credential as application/json or a compact JWS as text/plain")
	}
	body, err := readBody(r, wallet.MaxImport)
	if err != nil {
		return err
	}
	body = []byte(strings.TrimSpace(string(body)))
	id := credentialID(body)
	if id == "" {
		return badged.Errorf(badged.Invalid, "the body is not a credential with an id: a JSON object or a compact JWS")
	}
	// Verified first, also when the backpack holds a credential of this
	// id: only a credential that verifies may answer "held already".
	if res := h.Verifier.Verify(r.Context(), body); !res.Verified {
		return wallet.Refused(res)
	}
	held, err := h.Wallet.Holdings(r.Context(), l, wallet.Filter{})
	if err != nil {
		return err
	}
	status := http.StatusCreated
	hd := (*wallet.Holding)(nil)
	for _, x := range held {
		if x.CredentialID == id {
			hd, status = x, http.StatusOK
			break
		}
	}
	if hd == nil {
		if hd, err = h.Wallet.Import(r.Context(), l, body); err != nil {
			return err
		}
	}
	if hd.Format == wallet.FormatJWT {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(status)
		w.Write(hd.Credential)
		return nil
	}
	writeJSON(w, status, json.RawMessage(hd.Credential))
	return nil
}

// credentialID is the id of a credential given as a JSON object or as a
// compact JWS (its vc claim's id, its own id, or jti); "" when neither.
func credentialID(b []byte) string {
	var doc struct {
		ID  string `json:"id"`
		JTI string `json:"jti"`
		VC  *struct {
			ID string `json:"id"`
		} `json:"vc"`
	}
	if len(b) > 0 && b[0] != '{' {
		parts := strings.Split(string(b), ".")
		if len(parts) != 3 {
			return ""
		}
		p, err := base64.RawURLEncoding.DecodeString(parts[1])
		if err != nil {
			return ""
		}
		b = p
	}
	if json.Unmarshal(b, &doc) != nil {
		return ""
	}
	switch {
	case doc.VC != nil && doc.VC.ID != "":
		return doc.VC.ID
	case doc.ID != "":
		return doc.ID
	}
	return doc.JTI
}
