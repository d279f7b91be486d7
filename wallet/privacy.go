package wallet

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/issuer"
)

// DeletionNotice says what deleting an account means, for the screen
// that asks the learner to confirm it.
func DeletionNotice() string {
	return `Deleting your account removes your personal data from badged: your profile and sign-in records, ` +
		`your sessions, your wallet key, your shares, presentations, imported credentials and collections, ` +
		`and your name, email addresses, eduID and institution accounts from the badges awarded to you. ` +
		`It cannot be undone; export your data first if you want to keep it.

Credentials you already downloaded or handed to others stay valid: they were signed by their issuers, ` +
		`name you only by salted hashes (or your wallet's DID), and still verify until their issuer revokes ` +
		`them or they expire. Your public links and presentation links stop working at once, and badged can ` +
		`no longer tell who a credential was issued to. To withdraw a credential itself, ask its issuer to revoke it.`
}

// Export returns everything badged holds about the learner as one zip
// archive: profile.json (identifiers and wallet DID), awards.json (every
// award and request, any state), holdings.json with each credential in
// credentials/, shares.json, presentations.json, imports.json,
// collections.json, and the deletion notice. Errors: Unauthorized; the
// stores'.
func (s *Service) Export(ctx context.Context, l issuer.Learner) ([]byte, error) {
	l, err := s.Learner(ctx, l)
	if err != nil {
		return nil, err
	}
	var awards []*issuer.Award
	f := issuer.AwardFilter{Limit: 1000}
	for {
		page, err := s.awards.LearnerAwards(ctx, l, f)
		if err != nil {
			return nil, err
		}
		awards = append(awards, page.Awards...)
		if page.Next.IsZero() {
			break
		}
		f.After = page.Next
	}
	holdings, err := s.holdings(ctx, l)
	if err != nil {
		return nil, err
	}
	shares, err := s.store.Shares(ctx, l.UserID)
	if err != nil {
		return nil, err
	}
	pres, err := s.store.Presentations(ctx, l.UserID)
	if err != nil {
		return nil, err
	}
	imports, err := s.store.Imports(ctx, l.UserID)
	if err != nil {
		return nil, err
	}
	cols, err := s.store.Collections(ctx, l.UserID)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name string, v any) error {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: s.now()})
		if err != nil {
			return err
		}
		if b, ok := v.([]byte); ok {
			_, err = w.Write(b)
			return err
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	type holdingEntry struct {
		ID, Source, AwardID, CredentialID, Format, State, File string
		Summary                                                Summary
		Public                                                 bool
	}
	var hs []holdingEntry
	files := map[string][]byte{}
	for _, h := range holdings {
		ext := ".json"
		if h.Format == FormatJWT {
			ext = ".jwt"
		}
		e := holdingEntry{ID: h.ID, Source: h.Source, AwardID: h.AwardID, CredentialID: h.CredentialID, Format: h.Format,
			State: h.State, File: "credentials/" + h.ID + ext, Summary: h.Summary, Public: h.Share != nil && h.Share.Public}
		hs = append(hs, e)
		files[e.File] = h.Credential
	}
	entries := []struct {
		name string
		v    any
	}{
		{"profile.json", map[string]any{"userId": l.UserID, "name": l.Name, "eduId": l.EduID, "emails": l.Emails,
			"eppns": l.EPPNs, "walletDid": l.HolderDID, "exported": s.now().UTC().Format(time.RFC3339)}},
		{"awards.json", awards},
		{"holdings.json", hs},
		{"shares.json", shares},
		{"presentations.json", pres},
		{"imports.json", imports},
		{"collections.json", cols},
		{"DELETION.txt", []byte(DeletionNotice() + "\n")},
	}
	for _, e := range entries {
		if err := add(e.name, e.v); err != nil {
			return nil, fmt.Errorf("export %s: %w", e.name, err)
		}
	}
	for _, h := range hs {
		if err := add(h.File, files[h.File]); err != nil {
			return nil, fmt.Errorf("export %s: %w", h.File, err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	return buf.Bytes(), nil
}

// DeleteAccount removes the learner's personal data from every store:
// the wallet's records, their identifiers and name from their awards,
// and, with [WithAccounts], their login record, sessions and mails. See
// [DeletionNotice] for what it means for credentials already shared. A
// person with staff roles cannot delete their account this way: their
// roles are the institution's to remove. Errors: Unauthorized; Forbidden
// for staff; the stores' (what was erased until then stays erased, and
// calling again finishes the job).
func (s *Service) DeleteAccount(ctx context.Context, l issuer.Learner) error {
	l, err := s.Learner(ctx, l)
	if err != nil {
		return err
	}
	ms, err := s.awards.Memberships(ctx, issuer.Actor{UserID: l.UserID})
	if err != nil {
		return err
	}
	if len(ms) > 0 {
		return badged.Errorf(badged.Forbidden, "you hold staff roles: ask an administrator of your institution to remove them before you delete your account")
	}
	if _, err := s.awards.EraseLearner(ctx, l); err != nil {
		return fmt.Errorf("erase awards: %w", err)
	}
	if err := s.store.DeleteWallet(ctx, l.UserID); err != nil {
		return fmt.Errorf("erase wallet: %w", err)
	}
	if s.accounts != nil {
		if err := s.accounts.EraseAccount(ctx, l); err != nil {
			return fmt.Errorf("erase account: %w", err)
		}
	}
	s.checked.Clear() // the erased learner's verifications with the rest
	return nil
}
