package web

import (
	"context"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged"
	"github.com/badged/badged/openid4vci"
	"github.com/badged/badged/wallet"
)

// OfferCreator creates OpenID4VCI credential offers for awards;
// *openid4vci.Service is one.
type OfferCreator interface {
	CreateOffer(ctx context.Context, awardID string, withTxCode bool) (*openid4vci.NewOffer, error)
}

type offerJSON struct {
	URI     string    `json:"uri"`     // openid-credential-offer://...
	TxCode  string    `json:"txCode"`  // to type into the wallet
	QR      string    `json:"qr"`      // the URI as a QR code PNG
	Expires time.Time `json:"expires"` // when the offer stops working
}

// handleOffer creates an offer of the caller's own badge, for their
// wallet ("add to my wallet"): only for a credential this platform issued
// and did not revoke.
func (s *Server) handleOffer(w http.ResponseWriter, r *http.Request) {
	l, ok := s.learner(w, r)
	if !ok {
		return
	}
	if s.Offers == nil {
		s.writeError(w, r, badged.Errorf(badged.Unavailable, "sending badges to wallets is not available on this server"))
		return
	}
	h, err := s.Wallet.Holding(r.Context(), l, chi.URLParam(r, "holdingID"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	switch {
	case h.AwardID == "":
		s.writeError(w, r, badged.Errorf(badged.Invalid, "only a badge this platform issued can be sent to a wallet"))
		return
	case h.State == wallet.StateRevoked:
		s.writeError(w, r, badged.Errorf(badged.Invalid, "a revoked badge cannot be sent to a wallet"))
		return
	}
	o, err := s.Offers.CreateOffer(r.Context(), h.AwardID, true)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, offerJSON{URI: o.URI, TxCode: o.TxCode,
		QR: openid4vci.PathOffers + o.Ref + "/qr.png", Expires: o.Offer.Expires})
}
