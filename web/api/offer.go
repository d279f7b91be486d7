package api

import (
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged"
	"github.com/badged/badged/openid4vci"
	"github.com/badged/badged/web/page"
	"github.com/badged/badged/web/render"
	"github.com/badged/badged/web/request"
)

// OfferCreator creates OpenID4VCI credential offers for awards.
type OfferCreator = page.OfferCreator

// Offer is the JSON form of a credential offer made for the caller's wallet.
type Offer struct {
	URI     string    `json:"uri"`     // openid-credential-offer://...
	TxCode  string    `json:"txCode"`  // to type into the wallet
	QR      string    `json:"qr"`      // the URI as a QR code PNG
	Expires time.Time `json:"expires"` // when the offer stops working
}

// handleStaffOffer creates an offer of an issued award for staff who may
// award it, to hand the learner (a QR code at a desk, a link in a mail):
// the wallet that redeems it gets a copy bound to its own key.
func (h *Handler) handleStaffOffer(w http.ResponseWriter, r *http.Request) error {
	if h.Offers == nil {
		return badged.Errorf(badged.Unavailable, "sending badges to wallets is not available on this server")
	}
	a, err := h.Issuer.OfferableAward(r.Context(), request.Actor(r), chi.URLParam(r, "awardID"))
	if err != nil {
		return err
	}
	return h.writeOffer(w, r, a.ID)
}

// writeOffer creates an offer of the award, with a transaction code, and
// answers it.
func (h *Handler) writeOffer(w http.ResponseWriter, r *http.Request, awardID string) error {
	o, err := h.Offers.CreateOffer(r.Context(), awardID, true)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	render.JSON(w, http.StatusCreated, Offer{URI: o.URI, TxCode: o.TxCode,
		QR: openid4vci.PathOffers + o.Ref + "/qr.png", Expires: o.Offer.Expires})
	return nil
}

// handleOffer creates an offer of the caller's own badge, for their
// wallet ("add to my wallet"): only for a credential this platform issued
// and did not revoke.
func (h *Handler) handleOffer(w http.ResponseWriter, r *http.Request) error {
	l, err := h.WalletLearner(r)
	if err != nil {
		return err
	}
	if h.Offers == nil {
		return badged.Errorf(badged.Unavailable, "sending badges to wallets is not available on this server")
	}
	hd, err := h.Wallet.Holding(r.Context(), l, chi.URLParam(r, "holdingID"))
	if err != nil {
		return err
	}
	if err := hd.Offerable(); err != nil {
		return err
	}
	return h.writeOffer(w, r, hd.AwardID)
}
