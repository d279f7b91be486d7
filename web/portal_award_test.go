package web

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
)

// portalAwardForms are the form bodies the authorization matrix posts to
// the portal's award forms, urlencoded as a browser sends them.
var portalAwardForms = map[string]func(e *env) url.Values{
	"POST /portal/badgeclasses/{badgeClassID}/award": func(e *env) url.Values {
		return url.Values{"id_type": {"email"}, "recipient": {fmt.Sprintf("portal%d@example.org", e.next())}}
	},
	"POST /portal/requests": func(e *env) url.Values {
		return url.Values{"id": {e.requestB().ID}, "action": {"approve"}}
	},
	"POST /portal/awards/{awardID}/revoke": func(*env) url.Values { return url.Values{"reason": {"Awarded in error"}} },
}

func init() {
	for route, form := range portalAwardForms {
		matrixPrepare[route] = func(e *env, caller string, req *http.Request) {
			req.Body, req.ContentLength = readCloser(form(e).Encode())
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	}
	matrixPrepare["POST /portal/badgeclasses/{badgeClassID}/award/csv"] = func(e *env, caller string, req *http.Request) {
		body, ct := csvUpload(fmt.Sprintf("email;grade\nportal-csv%d@example.org;8\n", e.next()), nil)
		req.Body, req.ContentLength = readCloser(body)
		req.Header.Set("Content-Type", ct)
	}
}

// csvUpload is the multipart body of the portal's CSV form: the file and
// the other fields.
func csvUpload(file string, fields url.Values) (body, contentType string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	fw, _ := mw.CreateFormFile("file", "learners.csv")
	fw.Write([]byte(file))
	mw.Close()
	return b.String(), mw.FormDataContentType()
}
