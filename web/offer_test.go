package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/badged/badged/openid4vci"
	"github.com/badged/badged/web/api"
)

// TestOffer: a learner offers their own badge to a wallet and gets the
// offer URI, a transaction code and a QR code link; the offer serves the
// award's pre-authorized code grant. Another learner's holding is 404.
func TestOffer(t *testing.T) {
	e := newEnv(t)
	e.enableIssuance()
	id := e.holdingOf(learner)
	resp, body := e.do(learner, http.MethodPost, "/api/v1/me/holdings/"+id+"/offer", map[string]any{})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("offer: %d %s", resp.StatusCode, body)
	}
	var o api.Offer
	if err := json.Unmarshal(body, &o); err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(o.URI)
	if err != nil || u.Scheme != "openid-credential-offer" || len(o.TxCode) != openid4vci.TxCodeLength {
		t.Fatalf("offer %+v", o)
	}
	ref := strings.TrimPrefix(u.Query().Get("credential_offer_uri"), publicBase+openid4vci.PathOffers)
	if o.QR != openid4vci.PathOffers+ref+"/qr.png" || ref == "" {
		t.Errorf("qr %s, offer ref %s", o.QR, ref)
	}
	doc, err := e.cfg.VCI.OfferDocument(t.Context(), ref)
	if err != nil || doc["grants"] == nil {
		t.Errorf("offer document %v, %v", doc, err)
	}
	resp, body = e.do(bcAward, http.MethodPost, "/api/v1/me/holdings/"+id+"/offer", map[string]any{})
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("another learner's holding: %d %s", resp.StatusCode, body)
	}
}
