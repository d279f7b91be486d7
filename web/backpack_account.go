package web

import (
	"bytes"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/wallet"
)

// ---- import

type importPage struct {
	basePage
	Pasted, URL string
	Refusal     string   // why the credential was refused
	Reasons     []string // the failed checks, one a line
}

func (s *Server) handleImportPage(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.pageLearner(w, r); !ok {
		return
	}
	p := importPage{basePage: s.basePage(w, r, "import")}
	p.Title = p.T["importTitle"]
	s.renderHTML(w, r, http.StatusOK, "backpack_import", p)
}

// handleImportForm imports what the form sent: an uploaded file, else
// the pasted text, else the address. A credential that verifies goes to
// its page; a refusal comes back on the form with the reasons.
func (s *Server) handleImportForm(w http.ResponseWriter, r *http.Request) {
	l, ok := s.pageLearner(w, r)
	if !ok {
		return
	}
	p := importPage{basePage: s.basePage(w, r, "import")}
	p.Title = p.T["importTitle"]
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		err = r.ParseMultipartForm(maxFormMemory)
	} else {
		err = r.ParseForm()
	}
	if _, over := overLimit(err); over || errors.Is(err, multipart.ErrMessageTooLarge) {
		p.Error = p.T["importTooLarge"]
		s.renderHTML(w, r, http.StatusRequestEntityTooLarge, "backpack_import", p)
		return
	}
	if err != nil {
		s.pageError(w, r, badged.Errorf(badged.Invalid, "the form could not be read"))
		return
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
			s.pageError(w, r, badged.Errorf(badged.Invalid, "the file could not be read"))
			return
		}
	}
	if len(bytes.TrimSpace(input)) == 0 {
		input = stringInput(p.Pasted)
	}
	var h *wallet.Holding
	switch {
	case len(bytes.TrimSpace(input)) > 0:
		h, err = s.Wallet.Import(r.Context(), l, input)
	case p.URL != "":
		h, err = s.Wallet.ImportURL(r.Context(), l, p.URL)
	default:
		p.Error = p.T["importEmpty"]
		s.renderHTML(w, r, http.StatusBadRequest, "backpack_import", p)
		return
	}
	if err != nil {
		switch kind := badged.KindOf(err); {
		case errors.Is(err, wallet.ErrNotHolder):
			p.Refusal, p.Error = p.T["importRefused"], p.T["importNotHolder"]
			s.renderHTML(w, r, statusOf[kind], "backpack_import", p)
		case kind == badged.Invalid || kind == badged.TooLarge || kind == badged.Unavailable:
			p.Refusal = p.T["importRefused"]
			msg := badged.MessageOf(err)
			if head, rest, ok := strings.Cut(msg, ": "); ok && strings.HasPrefix(msg, "the credential was refused") {
				p.Error = head
				p.Reasons = strings.Split(rest, "; ")
			} else {
				p.Error = msg
			}
			s.renderHTML(w, r, statusOf[kind], "backpack_import", p)
		default:
			s.pageError(w, r, err)
		}
		return
	}
	seeOther(w, r, "/backpack/"+h.ID, "imported")
}

// ---- account

type accountPage struct {
	basePage
	L        issuer.Learner
	Public   []card
	URLs     map[string]string // holding ID → public URL
	Deletion []string          // paragraphs of the deletion notice
	Confirm  bool
}

// handleAccountPage says what is public, offers the export and the way to
// delete the account.
func (s *Server) handleAccountPage(w http.ResponseWriter, r *http.Request) {
	l, ok := s.pageLearner(w, r)
	if !ok {
		return
	}
	p, err := s.accountPage(w, r, l)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.renderHTML(w, r, http.StatusOK, "backpack_account", p)
}

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request, l issuer.Learner) (*accountPage, error) {
	p := &accountPage{basePage: s.basePage(w, r, "account"), L: l, URLs: map[string]string{}}
	p.Title = p.T["accountTitle"]
	hs, err := s.Wallet.Holdings(r.Context(), l, wallet.Filter{})
	if err != nil {
		return nil, err
	}
	for _, h := range hs {
		if h.Share != nil && h.Share.Public {
			p.Public = append(p.Public, card{ID: h.ID, Name: h.Summary.Name, Issuer: h.Summary.IssuerName, State: h.State})
			p.URLs[h.ID] = s.Wallet.ShareURL(h.Share.ID)
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
func (s *Server) handleDeletePage(w http.ResponseWriter, r *http.Request) {
	l, ok := s.pageLearner(w, r)
	if !ok {
		return
	}
	p, err := s.accountPage(w, r, l)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	p.Title = p.T["deleteConfirmTitle"]
	s.renderHTML(w, r, http.StatusOK, "backpack_delete", p)
}

// handleDeleteForm deletes the account once the box is ticked, ends the
// session and says goodbye.
func (s *Server) handleDeleteForm(w http.ResponseWriter, r *http.Request) {
	l, ok := s.pageLearner(w, r)
	if !ok {
		return
	}
	if r.PostFormValue("confirm") != "yes" {
		p, err := s.accountPage(w, r, l)
		if err != nil {
			s.pageError(w, r, err)
			return
		}
		p.Title, p.Error = p.T["deleteConfirmTitle"], p.T["deleteConfirmRequired"]
		s.renderHTML(w, r, http.StatusBadRequest, "backpack_delete", p)
		return
	}
	if principal(r).User.Superuser {
		s.pageError(w, r, badged.Errorf(badged.Forbidden, "a platform administrator's account cannot be deleted here"))
		return
	}
	if err := s.Wallet.DeleteAccount(r.Context(), l); err != nil {
		s.pageError(w, r, err)
		return
	}
	http.SetCookie(w, s.SessionCookie("", time.Time{}))
	p := messagePage{basePage: s.basePage(w, r, ""), Status: http.StatusOK}
	p.SignedIn = false
	p.Heading, p.Text = p.T["deletedTitle"], p.T["deletedText"]
	p.Title = p.Heading
	s.renderHTML(w, r, http.StatusOK, "backpack_message", p)
}
