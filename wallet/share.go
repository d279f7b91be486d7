package wallet

import (
	"context"
	"net/url"
	"strconv"
	"strings"

	"github.com/badged/badged"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/verifier"
)

// SetPublic makes one of the learner's holdings public or private. The
// first time it is made public it gets an unguessable share ID, which it
// keeps. Errors: Unauthorized; NotFound when the holding is not theirs.
func (s *Service) SetPublic(ctx context.Context, l issuer.Learner, holdingID string, public bool) (*Share, error) {
	if _, err := s.holding(ctx, l, holdingID); err != nil {
		return nil, err
	}
	now := s.timestamp()
	sh, err := s.store.Share(ctx, l.UserID, holdingID)
	switch {
	case badged.KindOf(err) == badged.NotFound:
		id, err := s.newID("")
		if err != nil {
			return nil, err
		}
		sh = &Share{ID: id, UserID: l.UserID, HoldingID: holdingID, Created: now}
	case err != nil:
		return nil, err
	}
	sh.Public, sh.Updated = public, now
	if err := s.store.PutShare(ctx, sh); err != nil {
		return nil, err
	}
	return sh, nil
}

// ShareURL returns the public page of a share.
func (s *Service) ShareURL(shareID string) string { return s.base + "/s/" + url.PathEscape(shareID) }

// ShareOf returns the share id of a URL that names one of this server's
// public shares: its page, [Service.ShareURL], or its credential, the
// page's URL + "/credential". A reader of such a link reads the share
// in-process ([Service.PublicShare]) instead of fetching it.
func (s *Service) ShareOf(rawURL string) (string, bool) {
	rest, ok := strings.CutPrefix(rawURL, s.base+"/s/")
	if !ok {
		return "", false
	}
	rest = strings.TrimSuffix(rest, "/credential")
	id, err := url.PathUnescape(rest)
	if err != nil || id == "" || s.ShareURL(id) != s.base+"/s/"+rest {
		return "", false
	}
	return id, true
}

// PresentationURL returns the public link of a presentation.
func (s *Service) PresentationURL(id string) string { return s.base + "/p/" + url.PathEscape(id) }

// Public is what an anonymous visitor of a share sees.
type Public struct {
	ShareID      string
	URL          string
	Format       string
	Credential   []byte
	Summary      Summary
	State        string
	Verification *verifier.Result
}

// PublicShare returns a shared credential and its live verification
// result, for anyone. Errors: NotFound when there is no such share, it is
// private, or its holding is gone; the same error in every case, so that
// a private credential cannot be told from none. A nil Service (a server
// without wallets) shares nothing: every page and API that shows a share
// looks it up here alone.
func (s *Service) PublicShare(ctx context.Context, shareID string) (*Public, error) {
	notFound := badged.Errorf(badged.NotFound, "nothing is shared at this address")
	if s == nil {
		return nil, notFound // a server without wallets shares nothing
	}
	sh, err := s.store.ShareByID(ctx, shareID)
	if err != nil {
		if badged.KindOf(err) == badged.NotFound {
			return nil, notFound
		}
		return nil, err
	}
	if !sh.Public {
		return nil, notFound
	}
	l, err := s.Learner(ctx, issuer.Learner{UserID: sh.UserID})
	if err != nil {
		return nil, err
	}
	h, err := s.holding(ctx, l, sh.HoldingID)
	if err != nil {
		if badged.KindOf(err) == badged.NotFound {
			return nil, notFound
		}
		return nil, err
	}
	s.check(ctx, h)
	return &Public{ShareID: sh.ID, URL: s.ShareURL(sh.ID), Format: h.Format, Credential: h.Credential,
		Summary: h.Summary, State: h.State, Verification: h.Verification}, nil
}

// LinkedInURL returns LinkedIn's "Add to profile" link for a public
// holding: certification name, organisation, issue date, the public page
// and the credential's id. Errors: Unauthorized; NotFound; Conflict when
// the holding is not public (LinkedIn would link to a page no one sees),
// or is not [Presentable] (revoked, say).
func (s *Service) LinkedInURL(ctx context.Context, l issuer.Learner, holdingID string) (string, error) {
	h, err := s.Holding(ctx, l, holdingID)
	if err != nil {
		return "", err
	}
	if h.Share == nil || !h.Share.Public {
		return "", badged.Errorf(badged.Conflict, "make the credential public first: LinkedIn links to its public page")
	}
	if err := presentable(h); err != nil {
		return "", err
	}
	return LinkedInURL(h.Summary, s.ShareURL(h.Share.ID), h.CredentialID), nil
}

// LinkedInURL builds LinkedIn's "Add to profile" URL for a certification.
func LinkedInURL(sum Summary, certURL, certID string) string {
	q := url.Values{}
	q.Set("startTask", "CERTIFICATION_NAME")
	q.Set("name", sum.Name)
	if sum.IssuerName != "" {
		q.Set("organizationName", sum.IssuerName)
	}
	if t := issuedTime(sum); !t.IsZero() {
		q.Set("issueYear", strconv.Itoa(t.Year()))
		q.Set("issueMonth", strconv.Itoa(int(t.Month())))
	}
	q.Set("certUrl", certURL)
	if certID != "" {
		q.Set("certId", certID)
	}
	return "https://www.linkedin.com/profile/add?" + q.Encode()
}

// ShareQR returns a QR code of the public page of a public holding, as a
// PNG (svg false) or an SVG image. Errors: as [Service.LinkedInURL].
func (s *Service) ShareQR(ctx context.Context, l issuer.Learner, holdingID string, svg bool) ([]byte, error) {
	h, err := s.holding(ctx, l, holdingID)
	if err != nil {
		return nil, err
	}
	if h.Share == nil || !h.Share.Public {
		return nil, badged.Errorf(badged.Conflict, "make the credential public first: the QR code leads to its public page")
	}
	return QR(s.ShareURL(h.Share.ID), svg)
}
