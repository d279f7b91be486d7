package ask

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/badged/badged"
	"github.com/badged/badged/openid4vp"
	"github.com/badged/badged/wallet"
	"github.com/badged/badged/web/page"
)

// ---- the backpack's side: answering a verifier's request

// maxLink bounds a pasted openid4vp:// link.
const maxLink = 4096

type answerPage struct {
	page.Base
	Link string
	// Request is the checked request, when a link was given.
	Request  *openid4vp.Request
	Asks     []string // what the query asks, in words
	Holdings []answerHolding
	// Sent says the presentation was posted and accepted, or Declined
	// the refusal to present posted.
	Sent, Declined bool
}

type answerHolding struct {
	ID   string
	Card page.Card
}

// handleAnswerForm shows the paste form, or, with ?request=<link>, who
// asks for what and the learner's credentials that match.
func (h *Handler) handleAnswerForm(w http.ResponseWriter, r *http.Request) error {
	if _, err := h.WalletLearner(r); err != nil {
		return err
	}
	p := &answerPage{Base: h.base(w, r), Link: strings.TrimSpace(r.URL.Query().Get("request"))}
	p.Nav = "answer"
	p.Title = p.T["answerTitle"]
	w.Header().Set("Cache-Control", "no-store")
	if p.Link == "" {
		h.Render(w, r, http.StatusOK, pages["answer"], p)
		return nil
	}
	status := http.StatusOK
	if err := h.showRequest(r, p); err != nil {
		p.Error, status = h.problem(p.T, err), statusOf(err)
	}
	h.Render(w, r, status, pages["answer"], p)
	return nil
}

// showRequest fetches and checks the request of p.Link and lists the
// learner's credentials that match its first credential query.
func (h *Handler) showRequest(r *http.Request, p *answerPage) error {
	if len(p.Link) > maxLink {
		return badged.Errorf(badged.Invalid, "the link is longer than %d bytes", maxLink)
	}
	l, err := h.WalletLearner(r)
	if err != nil {
		return err
	}
	req, err := openid4vp.FetchRequest(r.Context(), h.Egress, h.Keys, p.Link, h.Verifier.Now())
	if err != nil {
		return err
	}
	p.Request = req
	q, ok := req.Query.ByFormat(openid4vp.FormatLDP)
	if !ok {
		p.Asks = asksOf(p.T, req.Query.Credentials[0])
		return &openid4vp.Error{Code: openid4vp.CodeVPFormats, Description: "the verifier asks for " + req.Query.Credentials[0].Format + "; badged's backpack presents ldp_vc"}
	}
	p.Asks = asksOf(p.T, q)
	all, err := h.Wallet.Holdings(r.Context(), l, wallet.Filter{})
	if err != nil {
		return err
	}
	for _, hd := range all {
		var doc map[string]any
		if hd.Format != wallet.FormatJSON || !wallet.Presentable(hd.State) || json.Unmarshal(hd.Credential, &doc) != nil ||
			!q.Matches(doc) || !openid4vp.BoundTo(doc, l.HolderDID) {
			continue
		}
		p.Holdings = append(p.Holdings, answerHolding{ID: hd.ID, Card: page.Card{ID: hd.ID, Name: hd.Summary.Name,
			Issuer: hd.Summary.IssuerName, Issued: page.DateText(p.Lang, hd.Summary.Issued), State: hd.State, Image: page.ImageURL(hd.Summary)}})
	}
	return nil
}

// asksOf says a credential query in words: the credential types and the
// claim values it asks for.
func asksOf(t map[string]string, q openid4vp.CredentialQuery) []string {
	var out, sets []string
	for _, set := range q.Meta.TypeValues {
		var names []string
		for _, iri := range set {
			names = append(names, iri[strings.LastIndexAny(iri, "#/")+1:])
		}
		sets = append(sets, strings.Join(names, " + "))
	}
	if len(sets) > 0 {
		out = append(out, t["asksType"]+" "+strings.Join(sets, " "+t["asksOr"]+" "))
	}
	for _, c := range q.Claims {
		var path, values []string
		for _, p := range c.Path {
			if s, ok := p.(string); ok {
				path = append(path, s)
			}
		}
		for _, v := range c.Values {
			if s, ok := v.(string); ok {
				values = append(values, s)
			}
		}
		line := t["asksClaim"] + " " + strings.Join(path, ".")
		if len(values) > 0 {
			line += " = " + strings.Join(values, " | ")
		}
		out = append(out, line)
	}
	return out
}

// handleAnswer presents the chosen credentials to the verifier of the
// link, once the learner consented: the request is fetched and checked
// again, the presentation signed with the backpack's key for its nonce
// and client_id, and posted to its response_uri through the egress guard.
func (h *Handler) handleAnswer(w http.ResponseWriter, r *http.Request) error {
	if _, err := h.WalletLearner(r); err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return badged.Errorf(badged.Invalid, "the form could not be read")
	}
	p := &answerPage{Base: h.base(w, r), Link: strings.TrimSpace(r.PostForm.Get("request"))}
	p.Nav = "answer"
	p.Title = p.T["answerTitle"]
	w.Header().Set("Cache-Control", "no-store")
	var posted bool
	var err error
	if r.PostForm.Get("decline") == "yes" {
		posted, err = h.decline(r, p)
	} else {
		posted, err = h.present(r, p, r.PostForm["holding"], r.PostForm.Get("consent") == "yes")
	}
	if err != nil {
		p.Error = h.problem(p.T, err)
		if p.Request != nil && !posted {
			// Show the request again, to choose anew.
			if serr := h.showRequest(r, p); serr != nil {
				p.Error = h.problem(p.T, serr)
			}
		} else {
			p.Request = nil
		}
		h.Render(w, r, statusOf(err), pages["answer"], p)
		return nil
	}
	p.Sent, p.Declined = true, r.PostForm.Get("decline") == "yes"
	h.Render(w, r, http.StatusOK, pages["answer"], p)
	return nil
}

// present signs and posts the presentation; posted says it reached the
// verifier, which took the request's one answer even when it refused it.
func (h *Handler) present(r *http.Request, p *answerPage, holdings []string, consent bool) (posted bool, err error) {
	if len(p.Link) > maxLink {
		return false, badged.Errorf(badged.Invalid, "the link is longer than %d bytes", maxLink)
	}
	l, err := h.WalletLearner(r)
	if err != nil {
		return false, err
	}
	req, err := openid4vp.FetchRequest(r.Context(), h.Egress, h.Keys, p.Link, h.Verifier.Now())
	if err != nil {
		return false, err
	}
	p.Request = req
	switch {
	case !consent:
		return false, badged.Errorf(badged.Invalid, "confirm that you want to show the chosen credentials to this verifier")
	case len(holdings) == 0:
		return false, badged.Errorf(badged.Invalid, "choose at least one credential to present")
	}
	q, ok := req.Query.ByFormat(openid4vp.FormatLDP)
	if !ok {
		return false, &openid4vp.Error{Code: openid4vp.CodeVPFormats, Description: "the verifier does not ask for ldp_vc, which badged's backpack presents"}
	}
	vp, err := h.Wallet.SignedPresentation(r.Context(), l, wallet.PresentationRequest{HoldingIDs: holdings,
		Challenge: req.Nonce, Domain: req.ClientID})
	if err != nil {
		return false, err
	}
	return true, req.Answer(r.Context(), h.Egress, q.ID, vp)
}

// decline tells the verifier of the link that the learner declined.
func (h *Handler) decline(r *http.Request, p *answerPage) (posted bool, err error) {
	if len(p.Link) > maxLink {
		return false, badged.Errorf(badged.Invalid, "the link is longer than %d bytes", maxLink)
	}
	req, err := openid4vp.FetchRequest(r.Context(), h.Egress, h.Keys, p.Link, h.Verifier.Now())
	if err != nil {
		return false, err
	}
	p.Request = req
	return true, req.Decline(r.Context(), h.Egress)
}

// problem says err for the page: a protocol error with the verifier's or
// the request's description, anything else as the site says errors.
func (h *Handler) problem(t map[string]string, err error) string {
	var pe *openid4vp.Error
	if errors.As(err, &pe) {
		return page.Sentence(t["answerRefused"] + " " + pe.Description + " (" + pe.Code + ")")
	}
	if badged.KindOf(err) == badged.Internal {
		if h.Log != nil {
			h.Log.Error("openid4vp answer", "err", err)
		}
		return t["internalText"]
	}
	return page.Sentence(badged.MessageOf(err))
}

// statusOf is the status of a page that shows err: 400 for a bad link or
// request, 502 when the verifier refused or could not be reached.
func statusOf(err error) int {
	var pe *openid4vp.Error
	switch {
	case errors.As(err, &pe):
		return http.StatusBadRequest
	case badged.KindOf(err) == badged.Unavailable || badged.KindOf(err) == badged.Forbidden:
		return http.StatusBadGateway
	case badged.KindOf(err) == badged.NotFound:
		return http.StatusNotFound
	case badged.KindOf(err) == badged.Unauthorized:
		return http.StatusUnauthorized
	}
	return http.StatusBadRequest
}
