package portal

import (
	"context"
	"net/http"
	"slices"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged"
	"github.com/badged/badged/endorsement"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/web/page"
)

// Endorsements (endorsements.go): what the actor's issuers endorsed
// (revocable by the endorsing issuer's admins), what the actor's badge
// classes received (pending ones accepted or declined by the class's
// editors), and the form to endorse another institution's badge class,
// reached from that class's page in the catalogue. The rules are package
// endorsement's; these pages only ask.

var endorsementPages = page.Templates(templates, "endorsements", "endorse")

func (h *Handler) endorsementRoutes(r chi.Router) {
	r.Get("/endorsements", h.Handle(h.handleEndorsements))
	r.Get("/endorsements/new", h.Handle(h.handleEndorseForm))
	r.Post("/endorsements", h.Handle(h.handleEndorse))
	for _, decision := range []string{"accept", "decline", "revoke"} {
		r.Post("/endorsements/{endorsementID}/"+decision, h.Handle(h.decide(decision)))
	}
}

// endorsementRow is an endorsement as the lists show it.
type endorsementRow struct {
	ID, Endorser, Endorsed, Comment, State, Created string
	Version                                         int64
	Link                                            string // the endorsed badge class in the catalogue
}

type endorsementsPage struct {
	Base
	Given, Received []endorsementRow
	Done            string // the decision just made, for the notice
}

// endorsementsOf lists, for each issuer and badge class the actor sees, the
// endorsements it gave and received.
func (h *Handler) endorsementsOf(ctx context.Context, a issuer.Actor, lang string) (given, received []endorsementRow, err error) {
	ids, err := h.institutionIDs(ctx, a)
	if err != nil {
		return nil, nil, err
	}
	names := map[string]string{}
	row := func(en *endorsement.Endorsement) endorsementRow {
		return endorsementRow{ID: en.ID, Endorser: cmpName(names, en.IssuerID), Endorsed: cmpName(names, en.BadgeClassID),
			Comment: en.Comment, State: string(en.State), Created: en.Created.UTC().Format("2006-01-02"), Version: en.Version,
			Link: "/catalogue/" + en.BadgeClassID}
	}
	var issuers, classes []string
	for _, id := range ids {
		t, err := h.Issuer.Tree(ctx, a, id)
		if err != nil {
			continue // nothing the actor may see there
		}
		for _, g := range t.Groups {
			for _, is := range g.Issuers {
				names[is.ID] = is.Name.In(lang)
				issuers = append(issuers, is.ID)
				for _, bc := range is.BadgeClasses {
					names[bc.ID] = bc.Name.In(lang)
					classes = append(classes, bc.ID)
				}
			}
		}
	}
	for _, id := range issuers {
		ens, err := h.Endorse.Endorsements(ctx, a, endorsement.Filter{IssuerID: id})
		if err != nil {
			continue // an issuer the actor sees the name of only
		}
		for _, en := range ens {
			given = append(given, row(en))
		}
	}
	for _, id := range classes {
		ens, err := h.Endorse.Endorsements(ctx, a, endorsement.Filter{BadgeClassID: id})
		if err != nil {
			continue
		}
		for _, en := range ens {
			if bc, err := h.Issuer.BadgeClass(ctx, a, en.BadgeClassID); err == nil {
				names[en.BadgeClassID] = bc.Name.In(lang)
			}
			received = append(received, row(en))
		}
	}
	return given, received, nil
}

// cmpName is the name of id when known, else id.
func cmpName(names map[string]string, id string) string {
	if n := names[id]; n != "" {
		return n
	}
	return id
}

func (h *Handler) handleEndorsements(w http.ResponseWriter, r *http.Request) error {
	if h.Endorse == nil {
		return badged.Errorf(badged.Unavailable, "endorsements are not available")
	}
	p := &endorsementsPage{Base: h.base(w, r, "endorsements")}
	if done := r.URL.Query().Get("done"); slices.Contains([]string{"endorsed", "accepted", "declined", "revoked"}, done) {
		p.Done = done
	}
	p.Title = p.T["endorseTitle"]
	var err error
	if p.Given, p.Received, err = h.endorsementsOf(r.Context(), p.Actor, p.Lang); err != nil {
		return err
	}
	h.Render(w, r, http.StatusOK, endorsementPages["endorsements"], p)
	return nil
}

type endorsePage struct {
	Base
	BadgeClassID string
	Issuers      []option
	IssuerID     string
	Comment      string
	Errors       map[string]string
}

// endorsePage is the form to endorse the badge class of the request,
// with the issuers the actor may endorse as.
func (h *Handler) endorsePage(w http.ResponseWriter, r *http.Request, badgeClassID string) (*endorsePage, error) {
	if h.Endorse == nil {
		return nil, badged.Errorf(badged.Unavailable, "endorsements are not available")
	}
	if badgeClassID == "" {
		return nil, badged.InvalidFields("endorsement", badged.FieldError{Field: "badgeClass", Message: "choose the badge to endorse from its page in the catalogue"})
	}
	p := &endorsePage{Base: h.base(w, r, "endorsements"), BadgeClassID: badgeClassID, Errors: map[string]string{}}
	p.Title = p.T["endorseNew"]
	ids, err := h.institutionIDs(r.Context(), p.Actor)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		t, err := h.Issuer.Tree(r.Context(), p.Actor, id)
		if err != nil {
			continue
		}
		for _, g := range t.Groups {
			for _, is := range g.Issuers {
				if !is.Archived && h.Issuer.MayUpdate(r.Context(), p.Actor, issuer.LevelIssuer, is.ID) == nil {
					p.Issuers = append(p.Issuers, option{is.ID, is.Name.In(p.Lang)})
				}
			}
		}
	}
	return p, nil
}

func (h *Handler) handleEndorseForm(w http.ResponseWriter, r *http.Request) error {
	p, err := h.endorsePage(w, r, r.URL.Query().Get("badgeClass"))
	if err != nil {
		return err
	}
	h.Render(w, r, http.StatusOK, endorsementPages["endorse"], p)
	return nil
}

// handleEndorse endorses; a refusal comes back beside its field, the
// comment kept.
func (h *Handler) handleEndorse(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return badged.Errorf(badged.Invalid, "the form cannot be read")
	}
	p, err := h.endorsePage(w, r, r.PostForm.Get("badgeClass"))
	if err != nil {
		return err
	}
	p.IssuerID, p.Comment = r.PostForm.Get("issuer"), r.PostForm.Get("comment")
	_, err = h.Endorse.Create(r.Context(), p.Actor, endorsement.Request{IssuerID: p.IssuerID, BadgeClassID: p.BadgeClassID, Comment: p.Comment})
	if len(badged.FieldsOf(err)) > 0 || badged.KindOf(err) == badged.Conflict {
		fs := badged.FieldsOf(err)
		for _, f := range fs {
			p.Errors[f.Field] = f.Message
		}
		if len(fs) == 0 {
			p.Errors["issuerId"] = badged.MessageOf(err)
		}
		h.Render(w, r, http.StatusUnprocessableEntity, endorsementPages["endorse"], p)
		return nil
	} else if err != nil {
		return err
	}
	page.SeeOther(w, r, "/portal/endorsements?done=endorsed", "")
	return nil
}

// decide accepts, declines or revokes an endorsement, at the version the
// page showed.
func (h *Handler) decide(decision string) page.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		return h.handleDecide(w, r, decision)
	}
}

func (h *Handler) handleDecide(w http.ResponseWriter, r *http.Request, decision string) error {
	if err := r.ParseForm(); err != nil {
		return badged.Errorf(badged.Invalid, "the form cannot be read")
	}
	if h.Endorse == nil {
		return badged.Errorf(badged.Unavailable, "endorsements are not available")
	}
	a := h.base(w, r, "endorsements").Actor
	id := chi.URLParam(r, "endorsementID")
	version, err := strconv.ParseInt(r.PostForm.Get("version"), 10, 64)
	if err != nil {
		return badged.InvalidFields("decision", badged.FieldError{Field: "version", Message: "required"})
	}
	switch decision {
	case "accept":
		_, err = h.Endorse.Accept(r.Context(), a, id, version)
	case "decline":
		_, err = h.Endorse.Decline(r.Context(), a, id, version)
	default:
		_, err = h.Endorse.Revoke(r.Context(), a, id, version, r.PostForm.Get("reason"))
	}
	if err != nil {
		return err
	}
	done := map[string]string{"accept": "accepted", "decline": "declined", "revoke": "revoked"}[decision]
	page.SeeOther(w, r, "/portal/endorsements?done="+done, "")
	return nil
}
