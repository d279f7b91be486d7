package web

import (
	"net/http"

	"github.com/badged/badged/web/render"
	"github.com/badged/badged/web/request"
	"github.com/go-chi/chi/v5"
)

func (s *Server) registerMeRoutes(r chi.Router) {
	r.Get("/me", s.handleMe)
}

type meJSON struct {
	Kind        string           `json:"kind"` // "user" or "system"
	User        *userJSON        `json:"user,omitempty"`
	Client      *clientJSON      `json:"client,omitempty"`
	Memberships []membershipJSON `json:"memberships"`
}

type userJSON struct {
	ID        string `json:"id"`
	Email     string `json:"email,omitempty"`
	Superuser bool   `json:"superuser,omitempty"`
}

// handleMe describes the caller and their memberships.
func (s *Server) handleMe(w http.ResponseWriter, r *http.Request) {
	p := request.Principal(r)
	ms, err := s.Issuer.Memberships(r.Context(), p.Actor())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	me := meJSON{Kind: "user", Memberships: mapSlice(ms, membershipView)}
	if p.System() {
		me.Kind, me.Client = "system", clientView(p.Client)
	} else {
		me.User = &userJSON{ID: p.User.ID, Email: p.User.Email, Superuser: p.User.Superuser}
	}
	render.JSON(w, http.StatusOK, me)
}

func mapSlice[T, V any](xs []T, f func(T) V) []V {
	out := make([]V, 0, len(xs))
	for _, x := range xs {
		out = append(out, f(x))
	}
	return out
}
