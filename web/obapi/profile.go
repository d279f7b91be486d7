package obapi

import (
	"encoding/json"
	"net/http"

	"github.com/badged/badged"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/obapi"
	"github.com/badged/badged/web/request"
)

// Profile is the learner's profile as the specification's Profile.
type Profile struct {
	Context     []string `json:"@context,omitempty"`
	ID          string   `json:"id"`
	Type        string   `json:"type"`
	Name        string   `json:"name,omitempty"`
	Description string   `json:"description,omitempty"`
	URL         string   `json:"url,omitempty"`
	Email       string   `json:"email,omitempty"`
}

// profileContext is the @context of a Profile.
var profileContext = []string{"https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"}

// profileOf is the learner's profile: what sign-in knows, with their
// changes over it. Its id is their wallet's DID.
func (h *Handler) profileOf(r *http.Request, l issuer.Learner) (*Profile, error) {
	p, err := h.Service.Profile(r.Context(), l.UserID)
	if err != nil {
		return nil, err
	}
	did, err := h.Wallet.HolderDID(r.Context(), l.UserID)
	if err != nil {
		return nil, err
	}
	out := &Profile{Context: profileContext, ID: did, Type: "Profile", Name: l.Name, Description: p.Description, URL: p.URL}
	if p.Name != "" {
		out.Name = p.Name
	}
	if len(l.Emails) > 0 {
		out.Email = l.Emails[0]
	}
	return out, nil
}

func (h *Handler) profile(w http.ResponseWriter, r *http.Request, l issuer.Learner, _ *obapi.Access) error {
	p, err := h.profileOf(r, l)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

// putProfile changes the learner's name, description and url; the id
// and email are the wallet's and sign-in's, and stay.
func (h *Handler) putProfile(w http.ResponseWriter, r *http.Request, l issuer.Learner, _ *obapi.Access) error {
	if !request.IsJSON(r.Header.Get("Content-Type")) {
		return badged.Errorf(badged.Invalid, "send the profile as application/json")
	}
	var in Profile
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		return badged.Errorf(badged.Invalid, "the body is not a Profile object")
	}
	if _, err := h.Service.PutProfile(r.Context(), obapi.Profile{UserID: l.UserID, Name: in.Name,
		Description: in.Description, URL: in.URL}); err != nil {
		return err
	}
	p, err := h.profileOf(r, l)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}
