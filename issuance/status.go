package issuance

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/credential/dataintegrity"
	"github.com/badged/badged/jsonld"
	"github.com/badged/badged/statuslist"
)

// Revoke sets the revocation bit of the award's credential and re-signs
// its status list; see [issuer.CredentialIssuer]. Revoking twice is not an
// error. The error is NotFound when the award has no credential.
func (s *Service) Revoke(ctx context.Context, awardID, reason string) error {
	l, err := s.store.Revoke(ctx, awardID, reason, s.now())
	if err != nil {
		return err
	}
	if l.CredentialVersion >= l.Version {
		return nil
	}
	_, err = s.signList(ctx, l)
	return err
}

// StatusListCredential returns the signed BitstringStatusListCredential
// of a list, as served at [Service.StatusListURL], and when it was signed
// (for Last-Modified and ETag). A list whose stored credential is missing or
// older than its bits (after a crash between revoking and signing) is
// signed again first. The error is NotFound for an unknown list.
func (s *Service) StatusListCredential(ctx context.Context, listID string) ([]byte, time.Time, error) {
	l, err := s.store.StatusList(ctx, listID)
	if err != nil {
		return nil, time.Time{}, err
	}
	if l.Credential == nil || l.CredentialVersion < l.Version {
		if l, err = s.signList(ctx, l); err != nil {
			return nil, time.Time{}, err
		}
	}
	return append([]byte(nil), l.Credential...), l.Signed, nil
}

// signList signs l at its version, stores the credential, and returns the
// list as stored afterwards (a concurrent signer may have stored a later
// version).
func (s *Service) signList(ctx context.Context, l *StatusList) (*StatusList, error) {
	is, err := s.store.Issuer(ctx, l.IssuerID)
	if err != nil {
		return nil, fmt.Errorf("issuer of status list %s: %w", l.ID, err)
	}
	key, vm, _, err := s.signer(ctx, is.InstitutionID, is.ID)
	if err != nil {
		return nil, err
	}
	bits, err := statuslist.Decode(l.Encoded)
	if err != nil {
		return nil, badged.Wrap(badged.Internal, err, "a stored status list is unreadable")
	}
	now := s.now()
	doc := statuslist.ListCredential(s.StatusListURL(l.ID), s.IssuerDID(is.ID), l.Purpose, bits, now)
	signed, err := s.proofs.Sign(doc, key, dataintegrity.Options{VerificationMethod: vm, Created: now})
	if err != nil {
		return nil, badged.Wrap(badged.Internal, err, "the status list could not be signed")
	}
	raw, err := json.Marshal(signed)
	if err != nil {
		return nil, err
	}
	if err := s.store.PutListCredential(ctx, l.ID, l.Version, raw, now); err != nil {
		return nil, fmt.Errorf("store status list %s: %w", l.ID, err)
	}
	return s.store.StatusList(ctx, l.ID)
}

// IssuedCredential returns a credential badged issued, by its id, as
// stored: its issuer, status list index and revocation. The error is
// NotFound for an id badged did not issue.
func (s *Service) IssuedCredential(ctx context.Context, id string) (*Credential, error) {
	c, err := s.store.Credential(ctx, id)
	if err != nil {
		return nil, err
	}
	cc := *c
	cc.IssuedCredential = *issued(c)
	return &cc, nil
}

// RevokeCredential revokes a credential issued through the VC-API
// ([Service.SignCredential]) by its id: its revocation bit is set and its
// status list signed again. Revoking twice is not an error. The error is
// NotFound for an unknown id, and Conflict for a credential issued for an
// award, which is revoked through its award (see issuer.Service) so that
// the award's state follows.
func (s *Service) RevokeCredential(ctx context.Context, id, reason string) error {
	c, err := s.store.Credential(ctx, id)
	if err != nil {
		return err
	}
	if !strings.HasPrefix(c.AwardID, APIAwardPrefix) {
		return badged.Errorf(badged.Conflict, "credential %s was issued for an award: revoke the award", id)
	}
	return s.Revoke(ctx, c.AwardID, reason)
}

// SuspendCredential suspends (suspended true) or resumes a credential
// issued through the VC-API with Suspendable: the bit of its suspension
// entry is set or cleared and its list signed again. Doing what is done
// already is not an error. The error is NotFound for an unknown id, and
// Conflict for a credential issued for an award or without a suspension
// entry.
func (s *Service) SuspendCredential(ctx context.Context, id string, suspended bool) error {
	c, err := s.store.Credential(ctx, id)
	if err != nil {
		return err
	}
	if !strings.HasPrefix(c.AwardID, APIAwardPrefix) {
		return badged.Errorf(badged.Conflict, "credential %s was issued for an award, which is not suspended", id)
	}
	listID, idx, ok := s.suspensionEntry(c.JSON)
	if !ok {
		return badged.Errorf(badged.Conflict, "credential %s was issued without a suspension status entry (options.statusPurpose suspension)", id)
	}
	l, err := s.store.SetStatus(ctx, listID, idx, suspended)
	if err != nil {
		return err
	}
	if l.CredentialVersion >= l.Version {
		return nil
	}
	_, err = s.signList(ctx, l)
	return err
}

// suspensionEntry finds the suspension entry, in one of this server's
// lists, of a stored credential.
func (s *Service) suspensionEntry(raw []byte) (listID string, idx int, ok bool) {
	var doc map[string]any
	if json.Unmarshal(raw, &doc) != nil {
		return "", 0, false
	}
	for _, e := range jsonld.List(doc["credentialStatus"]) {
		m, _ := e.(map[string]any)
		if m["type"] != statuslist.TypeBitstring || m["statusPurpose"] != statuslist.PurposeSuspension {
			continue
		}
		u, _ := m["statusListCredential"].(string)
		n, _ := m["statusListIndex"].(string)
		i, err := strconv.Atoi(n)
		if id, own := s.ownList(u); own && err == nil {
			return id, i, true
		}
	}
	return "", 0, false
}
