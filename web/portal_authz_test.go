package web

import (
	"net/http"
	"net/url"
	"slices"
)

// staff are the callers who work for an institution: every person but
// the learner. The portal's pages are theirs; what each may change there
// is the issuer service's to say, as on the API.
var staff = slices.DeleteFunc(slices.Clone(persons), func(c string) bool { return c == learner })

// staffAwardB and staffReadB are the staff who may award, and read, B:
// the portal is not for the institution's systems.
var (
	staffAwardB = slices.DeleteFunc(slices.Clone(awardB), func(c string) bool { return !slices.Contains(staff, c) })
	staffReadB  = slices.DeleteFunc(slices.Clone(readB), func(c string) bool { return !slices.Contains(staff, c) })
)

// portalMatrix is who may call each route of the issuer portal
// (web/page/portal), and how.
func portalMatrix() map[string]matrixCase {
	return map[string]matrixCase{
		"GET /portal/static/{file}": {everyone, fixed(func(e *env) string { return "/portal/static/portal.css" })},
		"GET /portal":               {staff, fixed(func(e *env) string { return "/portal" })},
		// The help (web/page/help) is public.
		"GET /help":               {everyone, fixed(func(e *env) string { return "/help" })},
		"GET /help/static/{file}": {everyone, fixed(func(e *env) string { return "/help/static/admin.jpg" })},

		// Awarding (portal/award*.go): the staff who may award B award it,
		// decide its requests and revoke; those who may read B see its
		// awards and jobs. The forms post as a browser does (portalAwardForms).
		"GET /portal/award":                                  {staff, fixed(func(e *env) string { return "/portal/award" })},
		"GET /portal/badgeclasses/{badgeClassID}/award":      {staffAwardB, bPath((*env).publishB, "/award")},
		"POST /portal/badgeclasses/{badgeClassID}/award":     {staffAwardB, bPath((*env).publishB, "/award")},
		"GET /portal/badgeclasses/{badgeClassID}/award/csv":  {staffAwardB, bPath((*env).publishB, "/award/csv")},
		"POST /portal/badgeclasses/{badgeClassID}/award/csv": {staffAwardB, bPath((*env).publishB, "/award/csv")},
		"GET /portal/award/jobs/{jobID}":                     {staffReadB, fixed(func(e *env) string { return "/portal/award/jobs/" + e.bulkJob().ID })},
		"GET /portal/award/jobs/{jobID}/progress":            {staffReadB, fixed(func(e *env) string { return "/portal/award/jobs/" + e.bulkJob().ID + "/progress" })},
		"GET /portal/requests":                               {staffAwardB, fixed(func(e *env) string { return "/portal/requests?badgeclass=" + e.B.ID })},
		// The request to approve is made in matrixPrepare, with the form.
		"POST /portal/requests":                  {staffAwardB, fixed(func(e *env) string { return "/portal/requests" })},
		"GET /portal/awards":                     {staffReadB, fixed(func(e *env) string { return "/portal/awards?badgeclass=" + e.B.ID })},
		"GET /portal/awards/{awardID}":           {staffReadB, fixed(func(e *env) string { return "/portal/awards/" + e.directB().ID })},
		"GET /portal/awards/{awardID}/revoke":    {staffAwardB, fixed(func(e *env) string { return "/portal/awards/" + e.acceptedB().ID + "/revoke" })},
		"POST /portal/awards/{awardID}/revoke":   {staffAwardB, fixed(func(e *env) string { return "/portal/awards/" + e.acceptedB().ID + "/revoke" })},
		"POST /portal/awards/{awardID}/withdraw": {staffAwardB, fixed(func(e *env) string { return "/portal/awards/" + e.directB().ID + "/withdraw" })},
		"POST /portal/awards/{awardID}/offer":    {staffAwardB, fixed(func(e *env) string { return "/portal/awards/" + e.acceptedB().ID + "/offer" })},
	}
}

// postForms makes the authorization matrix post each route's form,
// urlencoded as a browser sends it.
func postForms(forms map[string]func(e *env) url.Values) {
	for route, form := range forms {
		matrixPrepare[route] = func(e *env, caller string, req *http.Request) {
			req.Body, req.ContentLength = readCloser(form(e).Encode())
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	}
}

// bPath is the matrix's address of badge class B's page suffix, after
// prepare (nil for none) readied B.
func bPath(prepare func(*env), suffix string) func(e *env) (string, any) {
	return fixed(func(e *env) string {
		if prepare != nil {
			prepare(e)
		}
		return "/portal/badgeclasses/" + e.B.ID + suffix
	})
}
