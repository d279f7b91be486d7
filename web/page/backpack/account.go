package backpack

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/egress"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/verifier"
	"github.com/badged/badged/wallet"
	"github.com/badged/badged/web/page"
	"github.com/badged/badged/web/render"
	"github.com/badged/badged/web/request"
)

// ---- import

type importPage struct {
	page.Base
	Pasted, URL string
	Refusal     string        // the credential was not imported
	Reasons     []page.Reason // the checks that failed (or could not be made): in the page's words, the verifier's as detail
	Detail      string        // the English message behind Error, under "Technical details"
	FileHelp    string        // the size limit of an upload
}

func (h *Handler) importPage(w http.ResponseWriter, r *http.Request) importPage {
	p := importPage{Base: h.Base(w, r, "import")}
	p.Title = p.T["importTitle"]
	p.FileHelp = fmt.Sprintf(p.Checks["uploadLimit"], page.SizeText(h.MaxBody()))
	return p
}

func (h *Handler) handleImportPage(w http.ResponseWriter, r *http.Request) error {
	if _, err := h.WalletLearner(r); err != nil {
		return err
	}
	h.Render(w, r, http.StatusOK, backpackPages["backpack_import"], h.importPage(w, r))
	return nil
}

// handleImportForm imports what the form sent: an uploaded file, else
// the pasted text, else the address. A credential that verifies goes to
// its page; a refusal comes back on the form with the reasons.
func (h *Handler) handleImportForm(w http.ResponseWriter, r *http.Request) error {
	l, err := h.WalletLearner(r)
	if err != nil {
		return err
	}
	p := h.importPage(w, r)
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		err = r.ParseMultipartForm(page.MaxFormMemory)
	} else {
		err = r.ParseForm()
	}
	if _, over := request.OverLimit(err); over || errors.Is(err, multipart.ErrMessageTooLarge) {
		p.Error = fmt.Sprintf(p.T["importTooLarge"], page.SizeText(h.MaxBody()))
		h.Render(w, r, http.StatusRequestEntityTooLarge, backpackPages["backpack_import"], p)
		return nil
	}
	if err != nil {
		return badged.Errorf(badged.Invalid, "the form could not be read")
	}
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	p.Pasted, p.URL = r.PostFormValue("credential"), strings.TrimSpace(r.PostFormValue("url"))
	var input []byte
	if f, _, ferr := r.FormFile("file"); ferr == nil {
		input, err = io.ReadAll(io.LimitReader(f, wallet.MaxImport+1))
		f.Close()
		if err != nil {
			return badged.Errorf(badged.Invalid, "the file could not be read")
		}
	}
	if len(bytes.TrimSpace(input)) == 0 {
		input = verifier.StringInput(p.Pasted)
	}
	var hd *wallet.Holding
	switch {
	case len(bytes.TrimSpace(input)) > 0:
		hd, err = h.Wallet.Import(r.Context(), l, input)
	case p.URL != "":
		hd, err = h.Wallet.ImportURL(r.Context(), l, p.URL)
	default:
		p.Error = p.T["importEmpty"]
		h.Render(w, r, http.StatusBadRequest, backpackPages["backpack_import"], p)
		return nil
	}
	if err != nil {
		switch kind := badged.KindOf(err); {
		case errors.Is(err, wallet.ErrNotHolder),
			kind == badged.Invalid || kind == badged.TooLarge || kind == badged.Unavailable || kind == badged.NotFound:
			if h.Log != nil {
				h.Log.Info("import refused", "request_id", request.ID(r.Context()), "url", p.URL, "err", err)
			}
			p.Refusal = p.T["importRefused"]
			p.Error, p.Detail, p.Reasons = importProblem(p.Base, err)
			h.Render(w, r, render.Status(kind), backpackPages["backpack_import"], p)
			return nil
		}
		return err
	}
	page.SeeOther(w, r, "/backpack/"+hd.ID, "imported")
	return nil
}

// importProblem says in p's language why an import was refused: the
// checks that failed (or could not be made), with the verifier's words as
// detail; why an address could not be fetched; or what else was wrong.
// detail is the English message, for "Technical details", when the
// words are not its translation.
func importProblem(p page.Base, err error) (text, detail string, reasons []page.Reason) {
	var refusal *wallet.Refusal
	switch {
	case errors.Is(err, wallet.ErrNotHolder):
		return p.T["importNotHolder"], "", nil
	case errors.As(err, &refusal):
		res := refusal.Result
		checks := res.Failed()
		text = p.T["importInvalid"]
		if len(checks) == 0 {
			checks, text = res.Unchecked(), p.T["importUnchecked"]
		}
		for _, c := range checks {
			reasons = append(reasons, page.ReasonOf(p.Checks, c, res.Status))
		}
		return text, "", reasons
	case egress.ReasonOf(err) != "" || badged.KindOf(err) == badged.NotFound:
		return p.T["importFetch"] + " " + page.FetchProblem(p.Checks, err), page.Sentence(badged.MessageOf(err)), nil
	case errors.Is(err, wallet.ErrNotHTTPS):
		return p.T["importNotHTTPS"], "", nil
	case errors.Is(err, wallet.ErrNothingToImport):
		return p.T["importEmpty"], "", nil
	case errors.Is(err, wallet.ErrPresentation):
		return p.T["importPresentation"], "", nil
	case errors.Is(err, wallet.ErrImportTooLarge):
		return fmt.Sprintf(p.T["importTooLarge"], page.SizeText(wallet.MaxImport)), "", nil
	}
	// A refusal this page has no words for: the wallet's, in English.
	return page.Sentence(badged.MessageOf(err)), "", nil
}

// ---- account

type accountPage struct {
	page.Base
	L        issuer.Learner
	Public   []page.Card
	URLs     map[string]string // holding ID → public URL
	Deletion []string          // paragraphs of the deletion notice
	Confirm  bool
}

// handleAccountPage says what is public, offers the export and the way to
// delete the account.
func (h *Handler) handleAccountPage(w http.ResponseWriter, r *http.Request) error {
	l, err := h.WalletLearner(r)
	if err != nil {
		return err
	}
	p, err := h.accountPage(w, r, l)
	if err != nil {
		return err
	}
	h.Render(w, r, http.StatusOK, backpackPages["backpack_account"], p)
	return nil
}

func (h *Handler) accountPage(w http.ResponseWriter, r *http.Request, l issuer.Learner) (*accountPage, error) {
	p := &accountPage{Base: h.Base(w, r, "account"), L: l, URLs: map[string]string{}}
	p.Title = p.T["accountTitle"]
	hs, err := h.Wallet.Holdings(r.Context(), l, wallet.Filter{})
	if err != nil {
		return nil, err
	}
	for _, hd := range hs {
		if hd.Share != nil && hd.Share.Public {
			p.Public = append(p.Public, page.Card{ID: hd.ID, Name: hd.Summary.Name, Issuer: hd.Summary.IssuerName, State: hd.State})
			p.URLs[hd.ID] = h.Wallet.ShareURL(hd.Share.ID)
		}
	}
	notice := wallet.DeletionNotice()
	if p.Lang == "nl" {
		notice = deletionNoticeNL
	}
	p.Deletion = strings.Split(notice, "\n\n")
	return p, nil
}

// handleDeletePage is the confirmation step before deleting the account:
// it shows what deleting means and asks to confirm.
func (h *Handler) handleDeletePage(w http.ResponseWriter, r *http.Request) error {
	l, err := h.WalletLearner(r)
	if err != nil {
		return err
	}
	p, err := h.accountPage(w, r, l)
	if err != nil {
		return err
	}
	p.Title = p.T["deleteConfirmTitle"]
	h.Render(w, r, http.StatusOK, backpackPages["backpack_delete"], p)
	return nil
}

// handleDeleteForm deletes the account once the box is ticked, ends the
// session and says goodbye.
func (h *Handler) handleDeleteForm(w http.ResponseWriter, r *http.Request) error {
	l, err := h.WalletLearner(r)
	if err != nil {
		return err
	}
	if r.PostFormValue("confirm") != "yes" {
		p, err := h.accountPage(w, r, l)
		if err != nil {
			return err
		}
		p.Title, p.Error = p.T["deleteConfirmTitle"], p.T["deleteConfirmRequired"]
		h.Render(w, r, http.StatusBadRequest, backpackPages["backpack_delete"], p)
		return nil
	}
	if request.Principal(r).User.Superuser {
		return badged.Errorf(badged.Forbidden, "a platform administrator's account cannot be deleted here")
	}
	if err := h.Wallet.DeleteAccount(r.Context(), l); err != nil {
		return err
	}
	http.SetCookie(w, request.NewSessionCookie("", time.Time{}, h.SecureCookies))
	p := page.MessagePage{Base: h.Base(w, r, ""), Status: http.StatusOK}
	p.SignedIn = false
	p.Heading, p.Text = p.T["deletedTitle"], p.T["deletedText"]
	p.Title = p.Heading
	h.RenderMessage(w, r, p)
	return nil
}

// deletionNoticeNL is wallet.DeletionNotice in Dutch.
const deletionNoticeNL = `Als u uw account verwijdert, verdwijnen uw persoonsgegevens uit badged: uw profiel en aanmeldgegevens, ` +
	`uw sessies, de sleutel van uw wallet, wat u deelde, uw presentaties, geïmporteerde credentials en collecties, ` +
	`en uw naam, e-mailadressen, eduID en instellingsaccounts bij de badges die aan u zijn toegekend. ` +
	`Dit kan niet ongedaan worden gemaakt; exporteer eerst uw gegevens als u ze wilt bewaren.

Credentials die u al downloadde of aan anderen gaf, blijven geldig: hun uitgevers ondertekenden ze, ` +
	`ze noemen u alleen met gezouten hashes (of de DID van uw wallet), en ze blijven geldig tot de uitgever ` +
	`ze intrekt of ze verlopen. Uw openbare links en presentatielinks werken meteen niet meer, en badged kan niet ` +
	`meer zeggen aan wie een credential is uitgegeven. Wilt u een credential zelf laten intrekken, vraag het dan de uitgever.`
