// Package request holds what web's middleware learns about a request and
// its handlers read: the request's ID, its authenticated caller, the
// session cookie that carries a person's session, and whether a body was
// cut at its size limit. The values travel in the request's context under
// unexported keys; services never do.
package request

import (
	"context"
	"errors"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/badged/badged/auth"
	"github.com/badged/badged/issuer"
)

// contextKey is the type of the keys of request-scoped values.
type contextKey struct{ name string }

var (
	idKey        = &contextKey{"request id"}
	principalKey = &contextKey{"principal"}
)

// IDHeader carries a request's ID, in and out.
const IDHeader = "X-Request-Id"

// WithID returns ctx carrying the request ID id.
func WithID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, idKey, id)
}

// ID returns the ID of the request ctx belongs to, or "".
func ID(ctx context.Context) string {
	id, _ := ctx.Value(idKey).(string)
	return id
}

// WithPrincipal returns ctx carrying the caller p.
func WithPrincipal(ctx context.Context, p *auth.Principal) context.Context {
	return context.WithValue(ctx, principalKey, p)
}

// Principal returns the caller that web's authentication established, or
// nil.
func Principal(r *http.Request) *auth.Principal {
	p, _ := r.Context().Value(principalKey).(*auth.Principal)
	return p
}

// Actor is the issuer actor of the request's caller.
func Actor(r *http.Request) issuer.Actor { return Principal(r).Actor() }

// SessionCookie is the name of the cookie that holds a session token.
const SessionCookie = "badged_session"

// SessionToken is the session cookie's token of r, "" without one: the
// one reader of the cookie.
func SessionToken(r *http.Request) string {
	if c, err := r.Cookie(SessionCookie); err == nil {
		return c.Value
	}
	return ""
}

// NewSessionCookie returns the cookie that carries a session token until
// expires: HttpOnly, SameSite=Lax, and Secure when secure (the base URL is
// https). An empty token returns a cookie that deletes it.
func NewSessionCookie(token string, expires time.Time, secure bool) *http.Cookie {
	c := &http.Cookie{
		Name: SessionCookie, Value: token, Path: "/", Expires: expires,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: secure,
	}
	if token == "" {
		c.MaxAge = -1
		c.Expires = time.Time{}
	}
	return c
}

// OverLimit reports whether err is a request body cut at its limit (by
// web's body limit or http.MaxBytesReader), and the limit.
func OverLimit(err error) (limit int64, ok bool) {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return mbe.Limit, true
	}
	return 0, false
}

// IsJSON reports whether the media type ct is JSON: application/json or
// any +json type.
func IsJSON(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}
