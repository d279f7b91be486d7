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

// TestBackpackWalletOffer: "Add to my wallet" on a credential's page makes
// an offer and shows its QR code, its openid-credential-offer:// link and
// the transaction code, on a page no cache stores; the offer's document is
// served. A revoked badge offers no wallet and its form is refused.
func TestBackpackWalletOffer(t *testing.T) {
	we := newWalletEnv(t).backpack()
	a := we.claim(learner)
	resp, doc := we.browse(learner, "GET", "/backpack/"+a.ID, nil, true)
	wantPage(t, resp, doc, 200)
	if doc.Find("#wallet-form").Length() != 1 {
		t.Fatal("no \"Add to my wallet\" form on the credential's page")
	}
	resp, doc = we.browse(learner, "POST", "/backpack/"+a.ID+"/wallet", url.Values{}, true)
	wantPage(t, resp, doc, 200)
	if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
		t.Errorf("Cache-Control %q", cc)
	}
	link, _ := doc.Find("#wallet-link").Attr("href")
	u, err := url.Parse(link)
	if err != nil || u.Scheme != "openid-credential-offer" {
		t.Fatalf("wallet link %q", link)
	}
	ref := strings.TrimPrefix(u.Query().Get("credential_offer_uri"), publicBase+openid4vci.PathOffers)
	if src, _ := doc.Find("#wallet-qr").Attr("src"); src != openid4vci.PathOffers+ref+"/qr.png" {
		t.Errorf("QR code %q, offer %q", src, ref)
	}
	if code := strings.TrimSpace(doc.Find("#wallet-tx-code").Text()); len(code) != openid4vci.TxCodeLength {
		t.Errorf("transaction code %q", code)
	}
	if _, err := we.cfg.VCI.OfferDocument(t.Context(), ref); err != nil {
		t.Errorf("offer document: %v", err)
	}

	must(we.is.RevokeAward(t.Context(), root, a.ID, "awarded in error"))
	resp, doc = we.browse(learner, "GET", "/backpack/"+a.ID, nil, true)
	wantPage(t, resp, doc, 200)
	if doc.Find("#wallet").Length() != 0 {
		t.Error("a revoked badge offers to go to a wallet")
	}
	resp, doc = we.browse(learner, "POST", "/backpack/"+a.ID+"/wallet", url.Values{}, true)
	wantPage(t, resp, doc, http.StatusBadRequest)
}

// TestStaffOffer: staff who may award a badge class offer an issued award
// to the learner's wallet; an award without a live credential is 409.
func TestStaffOffer(t *testing.T) {
	e := newEnv(t)
	e.enableIssuance()
	e.wallet()
	e.awarding()
	resp, body := e.do(instAdmin, http.MethodPost, "/api/v1/awards/"+e.acceptedB().ID+"/offer", map[string]any{})
	var o api.Offer
	if resp.StatusCode != http.StatusCreated || json.Unmarshal(body, &o) != nil || !strings.HasPrefix(o.URI, "openid-credential-offer://") ||
		len(o.TxCode) != openid4vci.TxCodeLength {
		t.Fatalf("offer: %d %s", resp.StatusCode, body)
	}
	resp, body = e.do(instAdmin, http.MethodPost, "/api/v1/awards/"+e.requestB().ID+"/offer", map[string]any{})
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("offer of a request: %d %s", resp.StatusCode, body)
	}
}
