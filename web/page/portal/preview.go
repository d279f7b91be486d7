package portal

import (
	"bytes"
	"context"
	"encoding/json"
	"html/template"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/wallet"
	"github.com/badged/badged/web/page"
)

// The badge class editor's preview (preview.go): the credential an award
// of the class as edited would get, built by the issuance service but not
// signed or stored, and how the backpack and the catalogue show it (the
// same "meaning" block they draw, read from that credential). The editor's
// Preview button shows it with the form; static/preview.js refreshes it as
// the person types, from the fragment the preview routes answer.

// Previewer builds the unsigned credential of an award of a badge class;
// issuance.Service is one.
type Previewer interface {
	Preview(r issuer.IssueRequest) (map[string]any, error)
}

// preview is what the editor shows of a badge class as edited.
type preview struct {
	T                         map[string]string
	Name, Issuer, Institution string
	Image                     template.URL
	Meaning                   page.Meaning
	JSON                      string // the credential, indented
	Problem                   string // why no credential can be built yet
}

// preview builds the preview of bc, a badge class as the form has it (a
// new one of its IssuerID, or the stored one of its ID as edited), in
// lang; nil without a Previewer.
func (h *Handler) preview(ctx context.Context, a issuer.Actor, bc *issuer.BadgeClass, lang string) (*preview, error) {
	if h.Previews == nil {
		return nil, nil
	}
	in, g, is, err := h.Issuer.Lineage(ctx, a, bc)
	if err != nil {
		return nil, err
	}
	class := *bc
	class.ID = "preview"
	if bc.ID != "" {
		class.ID = bc.ID
	}
	class.InstitutionID, class.GroupID, class.IssuerID = in.ID, g.ID, is.ID
	p := &preview{T: Text[lang], Name: bc.Name.In(lang), Issuer: is.Name.In(lang), Institution: in.Name.In(lang)}
	p.Image = page.ImageURL(wallet.Summary{Name: p.Name, Image: bc.ImageURL})
	doc, err := h.Previews.Preview(issuer.IssueRequest{Institution: in, Group: g, Issuer: is, BadgeClass: &class})
	if badged.KindOf(err) == badged.Invalid {
		p.Problem = page.Sentence(badged.MessageOf(err))
		return p, nil
	} else if err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	p.JSON = string(b)
	p.Meaning = page.MeaningOf(b, nil, wallet.Summarize(doc))
	return p, nil
}

// handlePreview answers the preview of the posted form as an HTML
// fragment, for static/preview.js: of a new badge class of the issuer in
// the URL, or of the badge class in the URL as edited.
func (h *Handler) handlePreview(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return badged.Errorf(badged.Invalid, "the form cannot be read")
	}
	lang := page.LangOf(w, r)
	bc, _ := badgeClassOf(Text[lang], r.PostForm)
	bc.ID, bc.IssuerID = chi.URLParam(r, "badgeClassID"), chi.URLParam(r, "issuerID")
	if bc.ID != "" {
		old, err := h.Issuer.BadgeClass(r.Context(), actorOf(r), bc.ID)
		if err != nil {
			return err
		}
		bc.ImageURL = old.ImageURL
	}
	p, err := h.preview(r.Context(), actorOf(r), &bc, lang)
	if err != nil {
		return err
	}
	if p == nil {
		return badged.Errorf(badged.Unavailable, "the preview is not available")
	}
	var out bytes.Buffer
	if err := badgeClassPages["node_edit"].ExecuteTemplate(&out, "preview", p); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, err = out.WriteTo(w)
	return err
}
