package verify

import (
	"slices"
	"testing"
)

// TestBadgeOf: stated recipients are shown as stated: a name, a DID.
func TestBadgeOf(t *testing.T) {
	cred := map[string]any{"credentialSubject": map[string]any{"name": "Anna de Vries", "id": "did:example:anna"}}
	if got := badgeOf("en", cred); got.Recipient != "name" || got.RecipientName != "Anna de Vries" || !slices.Equal(got.RecipientIDs, []string{"did:example:anna"}) {
		t.Errorf("recipient %+v", got)
	}
}
