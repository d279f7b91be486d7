package portal

import (
	"context"
	"net/http"
	"net/url"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged"
	"github.com/badged/badged/audit"
	"github.com/badged/badged/keys"
	"github.com/badged/badged/web/page"
)

// The institution's signing keys (keys.go): the current key and the
// retired ones, as every issuer's did:web document of the institution
// lists them, and the rotation to a new key, for the institution's admins.
// A rotation retires the current key (credentials it signed keep
// verifying: it stays in the DID documents) and signs from then on with a
// new one; it is recorded in the audit trail.

var keyPages = page.Templates(templates, "keys")

// KeyRing is the institution's signing keys; issuance.Service is one.
type KeyRing interface {
	PublicKeys(ctx context.Context, institutionID string) ([]keys.PublicKey, error)
	RotateKey(ctx context.Context, institutionID string) error
}

// ActionKeyRotate is the audit trail's action of a key rotation.
const ActionKeyRotate = "key.rotate"

func (h *Handler) keyRoutes(r chi.Router) {
	r.Get("/keys", h.Handle(h.handleKeys))
	r.Post("/keys/rotate", h.Handle(h.handleRotateKey))
}

type keyRow struct {
	ID, Created, Retired string
	Current              bool
}

type keysPage struct {
	Base
	Institutions  []option
	InstitutionID string
	Keys          []keyRow
	Documents     []option // the DID documents of the institution's issuers: URL, issuer name
	Error         string   // the rotation's confirmation was missing
}

func (h *Handler) keysPage(w http.ResponseWriter, r *http.Request) (*keysPage, error) {
	b, id, opts, err := h.adminBase(w, r, "keys")
	if err != nil {
		return nil, err
	}
	if h.Keys == nil {
		return nil, badged.Errorf(badged.Unavailable, "the signing keys are not available")
	}
	p := &keysPage{Base: b, Institutions: opts, InstitutionID: id}
	p.Title = p.T["keysTitle"]
	pubs, err := h.Keys.PublicKeys(r.Context(), id)
	if err != nil {
		return nil, err
	}
	for _, k := range pubs {
		row := keyRow{ID: k.ID, Created: k.Created.UTC().Format("2006-01-02 15:04 UTC"), Current: k.Retired.IsZero()}
		if !k.Retired.IsZero() {
			row.Retired = k.Retired.UTC().Format("2006-01-02 15:04 UTC")
		}
		p.Keys = append(p.Keys, row)
	}
	t, err := h.Issuer.Tree(r.Context(), p.Actor, id)
	if err != nil {
		return nil, err
	}
	for _, g := range t.Groups {
		for _, is := range g.Issuers {
			p.Documents = append(p.Documents, option{"/issuers/" + is.ID + "/did.json", is.Name.In(p.Lang)})
		}
	}
	return p, nil
}

func (h *Handler) handleKeys(w http.ResponseWriter, r *http.Request) error {
	p, err := h.keysPage(w, r)
	if err != nil {
		return err
	}
	if r.URL.Query().Get("done") == "rotated" {
		p.Notice = p.T["keysRotated"]
	}
	h.Render(w, r, http.StatusOK, keyPages["keys"], p)
	return nil
}

// handleRotateKey rotates the institution's key once the admin confirmed
// it, and records the rotation in the audit trail.
func (h *Handler) handleRotateKey(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return badged.Errorf(badged.Invalid, "the form cannot be read")
	}
	p, err := h.keysPage(w, r)
	if err != nil {
		return err
	}
	if r.PostForm.Get("confirm") != "on" {
		p.Error = p.T["keysConfirmFirst"]
		h.Render(w, r, http.StatusUnprocessableEntity, keyPages["keys"], p)
		return nil
	}
	if err := h.Keys.RotateKey(r.Context(), p.InstitutionID); err != nil {
		return err
	}
	if h.Audit != nil {
		if _, err := h.Audit.Record(r.Context(), audit.Entry{InstitutionID: p.InstitutionID, Actor: p.Actor.UserID,
			Action: ActionKeyRotate, Target: audit.Target{Kind: "institution", ID: p.InstitutionID}}); err != nil {
			return err
		}
	}
	page.SeeOther(w, r, "/portal/keys?"+url.Values{"institution": {p.InstitutionID}}.Encode(), "rotated")
	return nil
}
