// Package verify is the public verify page: paste, upload or link a
// credential and read, in Dutch or English, what was checked. It needs no
// JavaScript and posts to itself (same origin), so the cross-origin
// protection lets it through.
package verify

import (
	"bytes"
	"cmp"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged"
	"github.com/badged/badged/credential"
	"github.com/badged/badged/egress"
	"github.com/badged/badged/verifier"
	"github.com/badged/badged/wallet"
	"github.com/badged/badged/web/page"
	"github.com/badged/badged/web/render"
	"github.com/badged/badged/web/request"
)

//go:embed templates/verify.html static/verify.css
var verifyAssets embed.FS

// verifyTemplate is parsed once, when the package is loaded: it is
// embedded, so a parse error is a bug found by every test.
var verifyTemplate = template.Must(template.New("verify.html").Funcs(template.FuncMap{
	"args": func(p *verifyPage, r *pageResult) resultArgs { return resultArgs{P: p, R: r} },
	"inc":  func(i int) int { return i + 1 },
}).ParseFS(verifyAssets, "templates/verify.html"))

// resultArgs are the arguments of the template "result".
type resultArgs struct {
	P *verifyPage
	R *pageResult
}

// Deps are what the verify page uses: all but Wallet are required.
type Deps struct {
	Log      *slog.Logger
	Verifier *verifier.Verifier
	// Egress fetches shared links; Wallet reads this server's own shares
	// in-process (nil on a verifier node).
	Egress *http.Client
	Wallet *wallet.Service
	// Issuers says who an issuer is.
	Issuers verifier.IssuerDirectory
	// Now is the clock the page says ages by; MaxBody the limit on a
	// request body.
	Now     func() time.Time
	MaxBody func() int64
	// AskWallet links the employer's page of OpenID4VP (/verify/ask),
	// where this server has it.
	AskWallet bool
}

// Handler serves the verify page.
type Handler struct{ Deps }

// New returns the verify page on d.
func New(d Deps) *Handler { return &Handler{d} }

// Routes adds the verify page and its stylesheet.
func (h *Handler) Routes(r chi.Router) {
	r.Get("/verify", h.handleVerifyPage)
	r.Post("/verify", h.handleVerifyForm)
	r.Get("/static/verify.css", func(w http.ResponseWriter, r *http.Request) {
		b, _ := verifyAssets.ReadFile("static/verify.css")
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
		w.Header().Set("Cache-Control", "public, max-age=3600")
		w.Write(b)
	})
}

// verifyPage is what the template shows.
type verifyPage struct {
	Lang       string
	T          map[string]string
	Pasted     string
	URL        string
	Identity   string
	Error      string // what went wrong, in the page's words
	Detail     string // egress's or the wallet's message, in English, under "Technical details"
	RequestID  string // shown with Detail, and logged
	UploadHelp string // the size limit of an upload
	AskWallet  bool   // link the employer's page of OpenID4VP
	Result     *pageResult
}

// pageResult is one verification in plain words.
type pageResult struct {
	Verified   bool
	V          page.Verdict
	Kind       string
	Securing   string
	Issuer     string // the id the credential names
	IssuerName string // the name the credential states
	Signer     string
	Signed     bool // the signature is the issuer's
	KeyUnknown bool // the issuer's key could not be fetched: who signed is not known yet
	Known      *page.Known
	Checks     []page.Check
	Identity   *page.Check
	Badge      *pageBadge // what the credential says it is; nil for a presentation or nothing readable
	// NotIssuedTo: the credential is valid, but its subject is not the
	// identity the visitor typed; the headline says so.
	NotIssuedTo bool
	Others      []*pageResult // a presentation's credentials
}

// pageBadge is what a credential says it is, read as the backpack reads
// it ([wallet.Summarize]), and whom it says it was issued to.
type pageBadge struct {
	Name, Description, Issuer, Issued, ValidUntil string
	Image                                         template.URL
	// Recipient is how the credential identifies its subject: "name" (it
	// states a name), "id" (a DID or another id, or an identifier in
	// plain text), "hashed" (only hashed identifiers) or "none".
	Recipient     string
	RecipientName string   // the subject's name, when stated
	RecipientIDs  []string // the subject's ids and plain identifiers
}

// badgeOf reads the page's pageBadge of a credential document, in lang.
func badgeOf(lang string, doc map[string]any) *pageBadge {
	sum := wallet.Summarize(doc)
	subj := credential.SubjectOf(doc)
	b := &pageBadge{Name: sum.Name, Description: sum.Description, Issuer: cmp.Or(sum.IssuerName, sum.IssuerID),
		Issued: page.DateText(lang, sum.Issued), ValidUntil: page.DateText(lang, sum.ValidUntil), RecipientName: subj.Name, RecipientIDs: subj.IDs}
	hashed := false
	for _, o := range subj.Identifiers {
		if o.Hashed {
			hashed = true
		} else if o.IdentityHash != "" {
			b.RecipientIDs = append(b.RecipientIDs, o.IdentityHash)
		}
	}
	switch {
	case subj.Name != "":
		b.Recipient = "name"
	case len(b.RecipientIDs) > 0:
		b.Recipient = "id"
	case hashed:
		b.Recipient = "hashed"
	default:
		b.Recipient = "none"
	}
	// The page loads no image from elsewhere (its Content-Security-Policy
	// allows none): an https image is drawn instead, as a missing one is.
	if page.HTTPURL(sum.Image) != "" {
		sum.Image = ""
	}
	b.Image = page.ImageURL(sum)
	return b
}

// handleVerifyPage shows the form, or with ?url= verifies the credential
// at a shared link, fetched through the guarded egress client.
func (h *Handler) handleVerifyPage(w http.ResponseWriter, r *http.Request) {
	p := h.newPage(w, r)
	link := strings.TrimSpace(r.URL.Query().Get("url"))
	if link == "" {
		h.renderPage(w, http.StatusOK, p)
		return
	}
	p.URL = link
	body, err := h.fetchLink(r.Context(), link)
	if err != nil {
		if h.Log != nil {
			h.Log.Info("verify page: shared link not fetched", "request_id", request.ID(r.Context()), "url", link, "err", err)
		}
		p.Error = p.T["error.fetch"] + " " + page.FetchProblem(p.T, err)
		p.Detail, p.RequestID = page.Sentence(badged.MessageOf(err)), request.ID(r.Context())
		status := render.Status(badged.KindOf(err))
		if status == 0 || status >= 500 {
			status = http.StatusBadGateway
		}
		h.renderPage(w, status, p)
		return
	}
	p.Result = h.pageResult(r.Context(), p, h.Verifier.Verify(r.Context(), body), "")
	h.renderPage(w, http.StatusOK, p)
}

// fetchLink returns the credential at a shared link. This server's own
// shares are read in-process from the wallet, never fetched, so the
// share page's verify link works on any base URL (a local http one
// included); any other link is fetched through the guarded egress client.
// Errors are those of wallet.Service.PublicShare or egress.Fetch.
func (h *Handler) fetchLink(ctx context.Context, link string) ([]byte, error) {
	if h.Wallet != nil {
		if id, ok := h.Wallet.ShareOf(link); ok {
			pub, err := h.Wallet.PublicShare(ctx, id)
			if err != nil {
				return nil, err
			}
			return pub.Credential, nil
		}
	}
	body, _, err := egress.Fetch(ctx, h.Egress, link, verifier.DefaultMaxInput,
		"application/vc+ld+json, application/ld+json;q=0.9, application/json;q=0.8, application/vc+jwt;q=0.7, image/png;q=0.5, image/svg+xml;q=0.5")
	return body, err
}

// handleVerifyForm verifies what the form sent: an uploaded file (JSON,
// JWT, PNG, SVG) or else the pasted text, and checks the identity the
// visitor typed against the credential's subject.
func (h *Handler) handleVerifyForm(w http.ResponseWriter, r *http.Request) {
	var input []byte
	var err error
	ct := r.Header.Get("Content-Type")
	switch {
	case strings.HasPrefix(ct, "multipart/form-data"):
		err = r.ParseMultipartForm(page.MaxFormMemory)
	case strings.HasPrefix(ct, "application/x-www-form-urlencoded"):
		err = r.ParseForm()
	default:
		// The credential itself as the body (JSON, a JWT, an image): the
		// page for a script or a link from a wallet.
		input, err = io.ReadAll(io.LimitReader(r.Body, verifier.DefaultMaxInput+1))
	}
	p := h.newPage(w, r)
	if _, over := request.OverLimit(err); over || errors.Is(err, multipart.ErrMessageTooLarge) {
		p.Error = fmt.Sprintf(p.T["error.toolarge"], page.SizeText(h.MaxBody()))
		h.renderPage(w, http.StatusRequestEntityTooLarge, p)
		return
	}
	if err != nil {
		p.Error = p.T["error.form"]
		h.renderPage(w, http.StatusBadRequest, p)
		return
	}
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	p.Pasted = r.PostFormValue("credential")
	p.Identity = strings.TrimSpace(r.PostFormValue("identity"))
	if f, _, ferr := r.FormFile("file"); ferr == nil {
		input, err = io.ReadAll(io.LimitReader(f, verifier.DefaultMaxInput+1))
		f.Close()
		if err != nil {
			p.Error = p.T["error.form"]
			h.renderPage(w, http.StatusBadRequest, p)
			return
		}
	}
	if len(bytes.TrimSpace(input)) == 0 {
		input = verifier.StringInput(p.Pasted)
	}
	if len(bytes.TrimSpace(input)) == 0 {
		p.Error = p.T["error.empty"]
		h.renderPage(w, http.StatusBadRequest, p)
		return
	}
	p.Result = h.pageResult(r.Context(), p, h.Verifier.Verify(r.Context(), input), p.Identity)
	h.renderPage(w, http.StatusOK, p)
}

func (h *Handler) newPage(w http.ResponseWriter, r *http.Request) *verifyPage {
	lang := page.LangOf(w, r)
	t := page.VerifyText[lang]
	return &verifyPage{Lang: lang, T: t, UploadHelp: fmt.Sprintf(t["uploadLimit"], page.SizeText(h.MaxBody())), AskWallet: h.AskWallet}
}

func (h *Handler) renderPage(w http.ResponseWriter, status int, p *verifyPage) {
	var b bytes.Buffer
	if err := verifyTemplate.Execute(&b, p); err != nil {
		if h.Log != nil {
			h.Log.Error("render verify page", "err", err)
		}
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Cache-Control", "no-store")
	hd.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	hd.Set("Referrer-Policy", "no-referrer") // stricter than secureHeaders' same-origin
	hd.Set("Content-Language", p.Lang)
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

// pageResult says a verification result in the page's words.
func (h *Handler) pageResult(ctx context.Context, p *verifyPage, res *verifier.Result, identity string) *pageResult {
	out := &pageResult{Verified: res.Verified, Kind: res.Kind, Securing: res.Securing, Issuer: res.Issuer,
		IssuerName: res.IssuerName, Signer: res.Signer, Signed: res.SignedByIssuer(), KeyUnknown: page.KeyUnknown(res)}
	out.Known = page.KnownOf(ctx, h.Issuers, p.Lang, res)
	out.V, out.Checks = page.VerificationOf(p.T, res, h.Now())
	if res.Kind == "credential" && res.Credential != nil {
		out.Badge = badgeOf(p.Lang, res.Credential)
	}
	if identity != "" && res.Kind == "credential" {
		out.Identity = identityCheck(p.T, res.Credential, identity)
		if out.Identity.Verdict == string(verifier.Fail) && out.V.Verdict == string(verifier.Valid) {
			// Genuine, but not the visitor's answer: the headline says so.
			out.NotIssuedTo = true
			out.V.Mark, out.V.Title, out.V.Text = "✗", fmt.Sprintf(p.T["result.notIssuedTo"], identity), p.T["result.notIssuedToText"]
		}
	}
	for _, sub := range res.Credentials {
		out.Others = append(out.Others, h.pageResult(ctx, p, sub, identity))
	}
	return out
}

// identityCheck is the page's check of the identity the visitor typed
// ([verifier.MatchSubject]).
func identityCheck(t map[string]string, cred map[string]any, identity string) *page.Check {
	c := &page.Check{ID: "identity"}
	switch v := verifier.MatchSubject(cred, identity); v {
	case verifier.Pass:
		c.Verdict, c.Text = string(v), t["identity.pass"]
	case verifier.Skipped:
		c.Verdict, c.Text = string(v), t["identity.none"]
	default:
		c.Verdict, c.Text = string(v), t["identity.fail"]
	}
	return c
}
