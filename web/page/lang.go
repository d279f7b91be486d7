package page

import (
	"net/http"

	"golang.org/x/text/language"
)

// The languages of the pages, the default (Dutch) first, for
// Accept-Language.
var (
	pageLanguages = []language.Tag{language.Dutch, language.English}
	pageMatcher   = language.NewMatcher(pageLanguages)
)

// Lang is the page's language as the request alone says it: ?lang=,
// else the form's lang, else Accept-Language, else Dutch. Pages use
// [LangOf], which also remembers the visitor's choice.
func Lang(r *http.Request) string {
	for _, l := range []string{r.URL.Query().Get("lang"), r.PostFormValue("lang")} {
		if l == "nl" || l == "en" {
			return l
		}
	}
	tags, _, _ := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	_, i, _ := pageMatcher.Match(tags...)
	if pageLanguages[i] == language.Dutch {
		return "nl"
	}
	return "en"
}

// LangCookie keeps the language a visitor chose with a page's language
// switch (?lang=).
const LangCookie = "lang"

// LangOf is the language of a page: the one the visitor chose with its
// language switch (?lang=, remembered in the lang cookie for a year), else
// the cookie's, else [Lang]'s.
func LangOf(w http.ResponseWriter, r *http.Request) string {
	if l := r.URL.Query().Get("lang"); l == "nl" || l == "en" {
		http.SetCookie(w, &http.Cookie{Name: LangCookie, Value: l, Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, SameSite: http.SameSiteLaxMode})
		return l
	}
	if c, err := r.Cookie(LangCookie); err == nil && (c.Value == "nl" || c.Value == "en") {
		return c.Value
	}
	return Lang(r)
}

// LangURL is the page at path in lang: r's URL with that path and its
// query's lang set to lang, as a link on this site.
func LangURL(r *http.Request, path, lang string) string {
	u := *r.URL
	q := u.Query()
	q.Set("lang", lang)
	u.Path, u.RawQuery = path, q.Encode()
	return u.RequestURI()
}
