package api

import (
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged"
	"github.com/badged/badged/openid4vci"
	"github.com/badged/badged/web/page"
	"github.com/badged/badged/web/render"
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
	o, err := h.Offers.CreateOffer(r.Context(), hd.AwardID, true)
	if err != nil {
		return err
	}
	render.JSON(w, http.StatusCreated, Offer{URI: o.URI, TxCode: o.TxCode,
		QR: openid4vci.PathOffers + o.Ref + "/qr.png", Expires: o.Offer.Expires})
	return nil
}
