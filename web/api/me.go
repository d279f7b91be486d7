package api

import (
	"net/http"

	"github.com/badged/badged/web/render"
	"github.com/badged/badged/web/request"
	"github.com/go-chi/chi/v5"
)

func (h *Handler) registerMeRoutes(r chi.Router) {
	r.Get("/me", h.handle(h.handleMe))
}

// Me is the caller: who it is, its memberships, and for a system its client.
type Me struct {
	Kind        string       `json:"kind"` // "user" or "system"
	User        *User        `json:"user,omitempty"`
	Client      *Client      `json:"client,omitempty"`
	Memberships []Membership `json:"memberships"`
}

// User is the JSON form of a signed-in person.
type User struct {
	ID        string `json:"id"`
	Email     string `json:"email,omitempty"`
	Superuser bool   `json:"superuser,omitempty"`
}

// handleMe describes the caller and their memberships.
func (h *Handler) handleMe(w http.ResponseWriter, r *http.Request) error {
	p := request.Principal(r)
	ms, err := h.Issuer.Memberships(r.Context(), p.Actor())
	if err != nil {
		return err
	}
	me := Me{Kind: "user", Memberships: mapSlice(ms, membershipView)}
	if p.System() {
		me.Kind, me.Client = "system", clientView(p.Client)
	} else {
		me.User = &User{ID: p.User.ID, Email: p.User.Email, Superuser: p.User.Superuser}
	}
	render.JSON(w, http.StatusOK, me)
	return nil
}

func mapSlice[T, V any](xs []T, f func(T) V) []V {
	out := make([]V, 0, len(xs))
	for _, x := range xs {
		out = append(out, f(x))
	}
	return out
}
