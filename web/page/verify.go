package page

import (
	"bytes"
	"cmp"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"mime/multipart"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"
	"golang.org/x/text/language"

	"github.com/badged/badged"
	"github.com/badged/badged/credential"
	"github.com/badged/badged/egress"
	"github.com/badged/badged/verifier"
	"github.com/badged/badged/wallet"
	"github.com/badged/badged/web/render"
	"github.com/badged/badged/web/request"
)

// The public verify page: paste, upload or link a credential and read,
// in Dutch or English, what was checked. It needs no JavaScript and posts
// to itself (same origin), so the cross-origin protection lets it through.

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

// VerifyRoutes adds the verify page and its stylesheet.
func (h *Handler) VerifyRoutes(r chi.Router) {
	r.Get("/verify", h.handleVerifyPage)
	r.Post("/verify", h.handleVerifyForm)
	r.Get("/static/verify.css", func(w http.ResponseWriter, r *http.Request) {
		b, _ := verifyAssets.ReadFile("static/verify.css")
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
		w.Header().Set("Cache-Control", "public, max-age=3600")
		w.Write(b)
	})
}

// Languages of the page, the default first.
var (
	pageLanguages = []language.Tag{language.English, language.Dutch}
	pageMatcher   = language.NewMatcher(pageLanguages)
)

// pageLang is the page's language: ?lang=, else the form's lang, else
// Accept-Language.
func pageLang(r *http.Request) string {
	for _, l := range []string{r.URL.Query().Get("lang"), r.PostFormValue("lang")} {
		if l == "nl" || l == "en" {
			return l
		}
	}
	tags, _, _ := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	_, i, _ := pageMatcher.Match(tags...)
	if pageLanguages[i] == language.Dutch {
		return "nl"
	}
	return "en"
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
	Result     *pageResult
}

// pageResult is one verification in plain words.
type pageResult struct {
	Verified   bool
	V          verdictView
	Kind       string
	Securing   string
	Issuer     string // the id the credential names
	IssuerName string // the name the credential states
	Signer     string
	Signed     bool // the signature is the issuer's
	KeyUnknown bool // the issuer's key could not be fetched: who signed is not known yet
	Known      *pageKnown
	Checks     []pageCheck
	Identity   *pageCheck
	Badge      *pageBadge // what the credential says it is; nil for a presentation or nothing readable
	// NotIssuedTo: the credential is valid, but its subject is not the
	// identity the visitor typed; the headline says so.
	NotIssuedTo bool
	Others      []*pageResult // a presentation's credentials
}

type pageKnown struct{ Name, Source string }

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
		Issued: DateText(lang, sum.Issued), ValidUntil: DateText(lang, sum.ValidUntil), RecipientName: subj.Name, RecipientIDs: subj.IDs}
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
	if httpURL(sum.Image) != "" {
		sum.Image = ""
	}
	b.Image = imageURL(sum)
	return b
}

// pageCheck is a check in plain words, with badged's message as detail.
type pageCheck struct {
	ID, Verdict, Text, Detail string
	DetailLang                string // the language of Detail (see checkDetail)
}

// handleVerifyPage shows the form, or with ?url= verifies the credential
// at a shared link, fetched through the guarded egress client.
func (h *Handler) handleVerifyPage(w http.ResponseWriter, r *http.Request) {
	p := h.newPage(r)
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
		p.Error = p.T["error.fetch"] + " " + fetchProblem(p.T, err)
		p.Detail, p.RequestID = Sentence(badged.MessageOf(err)), request.ID(r.Context())
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

// fetchProblem says in t's words (VerifyText) why a link or address could
// not be read: egress's reason (see egress.ReasonOf), or, for a share of
// this server (a wallet error, NotFound), that nothing is shared there.
// Any other error is said as an address that could not be reached; the
// error itself is for the log.
func fetchProblem(t map[string]string, err error) string {
	if reason := egress.ReasonOf(err); reason != "" {
		if text, ok := t["fetch."+string(reason)]; ok {
			return text
		}
	}
	if badged.KindOf(err) == badged.NotFound {
		return t["fetch.notShared"]
	}
	return t["fetch.unreachable"]
}

// maxFormMemory is how much of a multipart form is kept in memory; the
// body limit bounds the rest.
const maxFormMemory = 2 << 20

// handleVerifyForm verifies what the form sent: an uploaded file (JSON,
// JWT, PNG, SVG) or else the pasted text, and checks the identity the
// visitor typed against the credential's subject.
func (h *Handler) handleVerifyForm(w http.ResponseWriter, r *http.Request) {
	var input []byte
	var err error
	ct := r.Header.Get("Content-Type")
	switch {
	case strings.HasPrefix(ct, "multipart/form-data"):
		err = r.ParseMultipartForm(maxFormMemory)
	case strings.HasPrefix(ct, "application/x-www-form-urlencoded"):
		err = r.ParseForm()
	default:
		// The credential itself as the body (JSON, a JWT, an image): the
		// page for a script or a link from a wallet.
		input, err = io.ReadAll(io.LimitReader(r.Body, verifier.DefaultMaxInput+1))
	}
	p := h.newPage(r)
	if _, over := request.OverLimit(err); over || errors.Is(err, multipart.ErrMessageTooLarge) {
		p.Error = fmt.Sprintf(p.T["error.toolarge"], SizeText(h.MaxBody()))
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

func (h *Handler) newPage(r *http.Request) *verifyPage {
	lang := pageLang(r)
	t := VerifyText[lang]
	return &verifyPage{Lang: lang, T: t, UploadHelp: fmt.Sprintf(t["uploadLimit"], SizeText(h.MaxBody()))}
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
		IssuerName: res.IssuerName, Signer: res.Signer, Signed: res.SignedByIssuer(), KeyUnknown: keyUnknown(res)}
	out.Known = h.pageKnown(ctx, p.Lang, res)
	out.V, out.Checks = verificationOf(p.T, res, h.now())
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

// pageKnown is the issuer of res as a directory knows it, named in lang,
// or nil when no directory knows it (see [Server.knownIssuer]).
func (h *Handler) pageKnown(ctx context.Context, lang string, res *verifier.Result) *pageKnown {
	k, ok := verifier.KnownIssuerOf(ctx, h.Issuers, res)
	if !ok {
		return nil
	}
	name := k.Name.EN
	if lang == "nl" && k.Name.NL != "" || name == "" {
		name = k.Name.NL
	}
	return &pageKnown{Name: name, Source: k.Source}
}

// identityCheck is the page's check of the identity the visitor typed
// ([verifier.MatchSubject]).
func identityCheck(t map[string]string, cred map[string]any, identity string) *pageCheck {
	c := &pageCheck{ID: "identity"}
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
