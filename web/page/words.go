package page

import (
	"embed"
	"io/fs"
	"maps"
	"slices"
	"strings"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// The words of every page are one message catalogue, a message file a
// language (locales/en.json, locales/nl.json), loaded once with go-i18n.
// A message id names its page first ("verify.result.valid",
// "backpack.claim"); [Words] gives a page its messages without that
// prefix, as the templates read them (.T.claim).

//go:embed locales/*.json
var locales embed.FS

// Languages are the languages of the pages.
var Languages = []string{"en", "nl"}

// messages is every message of every language: language → id → text.
var messages = loadMessages(locales)

// loadMessages loads every message file of fsys (locales/*.json, each
// named for its language: en.json, or award.en.json for one part of a
// page package's words) into one go-i18n bundle.
func loadMessages(fsys fs.FS) map[string]map[string]string {
	bundle := i18n.NewBundle(language.Dutch)
	ids := map[string]bool{}
	files, err := fs.Glob(fsys, "locales/*.json")
	if err != nil || len(files) == 0 {
		panic("page: no message files in locales/") // embedded: a bug every test finds
	}
	for _, name := range files {
		f, err := bundle.LoadMessageFileFS(fsys, name)
		if err != nil {
			panic(err) // embedded: a bad file is a bug every test finds
		}
		for _, m := range f.Messages {
			ids[m.ID] = true
		}
	}
	out := map[string]map[string]string{}
	for _, lang := range Languages {
		out[lang] = map[string]string{}
		loc := i18n.NewLocalizer(bundle, lang)
		for _, id := range slices.Sorted(maps.Keys(ids)) {
			// A message missing in lang falls back to Dutch; TestMessages
			// finds every such gap.
			if text, err := loc.Localize(&i18n.LocalizeConfig{MessageID: id}); err == nil {
				out[lang][id] = text
			}
		}
	}
	return out
}

// Words returns, for each language, the messages under the given prefixes
// ("verify", "backpack"), without the prefix; a later prefix's message
// wins over an earlier one of the same name.
func Words(prefixes ...string) map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, lang := range Languages {
		out[lang] = map[string]string{}
		for _, prefix := range prefixes {
			for id, text := range messages[lang] {
				if name, ok := strings.CutPrefix(id, prefix+"."); ok {
					out[lang][name] = text
				}
			}
		}
	}
	return out
}

// Catalogue returns the words of a page package whose messages are its
// own (fsys holds its locales/*.json, message ids without a prefix), on
// top of the words every page's layout uses (BackpackText): one
// catalogue, kept in the folder of the pages that say them.
func Catalogue(fsys fs.FS) map[string]map[string]string {
	own := loadMessages(fsys)
	out := map[string]map[string]string{}
	for _, lang := range Languages {
		out[lang] = maps.Clone(BackpackText[lang])
		maps.Copy(out[lang], own[lang])
	}
	return out
}

// BackpackText is the words of the learner's pages (the backpack, a
// credential, import, account, the public share page and the catalogue)
// and of the messages every page shows (not found, too many requests). The
// verification checks reuse the verify page's words (VerifyText), so
// both pages say a result alike.
var BackpackText = Words("backpack", "catalogue")

// VerifyText is the words of the verify page and of every check.
var VerifyText = Words("verify")

// FallbackTerms are the terms a learner accepts to claim a direct award
// from an institution that has none of its own (issuer.Institution.Terms),
// by language: the claim then posts no version. "%s" is the institution's
// name.
var FallbackTerms = map[string]string{"en": messages["en"]["terms.fallback"], "nl": messages["nl"]["terms.fallback"]}
