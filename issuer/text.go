package issuer

import "strings"

// Text is a text in Dutch and English. Either may be empty; [Text.IsZero]
// reports whether both are.
type Text struct {
	NL string
	EN string
}

// IsZero reports whether t has no text in any language.
func (t Text) IsZero() bool {
	return strings.TrimSpace(t.NL) == "" && strings.TrimSpace(t.EN) == ""
}

// In returns the text in lang ("nl" or "en"), or in the other language when
// that one is empty.
func (t Text) In(lang string) string {
	if lang == LangNL {
		if t.NL != "" {
			return t.NL
		}
		return t.EN
	}
	if t.EN != "" {
		return t.EN
	}
	return t.NL
}

func (t Text) trimmed() Text {
	return Text{NL: strings.TrimSpace(t.NL), EN: strings.TrimSpace(t.EN)}
}

func (t Terms) trimmed() Terms {
	return Terms{Version: strings.TrimSpace(t.Version), Text: t.Text.trimmed()}
}

// Languages of bilingual texts.
const (
	LangNL = "nl"
	LangEN = "en"
)
