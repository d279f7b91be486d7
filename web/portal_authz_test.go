package web

import "slices"

// staff are the callers who work for an institution: every person but
// the learner. The portal's pages are theirs; what each may change there
// is the issuer service's to say, as on the API.
var staff = slices.DeleteFunc(slices.Clone(persons), func(c string) bool { return c == learner })

// portalMatrix is who may call each route of the issuer portal
// (web/page/portal), and how.
func portalMatrix() map[string]matrixCase {
	return map[string]matrixCase{
		"GET /portal/static/{file}": {everyone, fixed(func(e *env) string { return "/portal/static/portal.css" })},
		"GET /portal":               {staff, fixed(func(e *env) string { return "/portal" })},
	}
}
