package web

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/badged/badged/web/api"
	"github.com/badged/badged/web/page"
	"github.com/badged/badged/web/render"
)

// TestImportNotHolder: a learner cannot import a credential issued to
// someone else, in any form (JSON, JWT, a baked image, the address of its
// owner's public share), on the API or on the page, in English and Dutch;
// nothing is kept. Its owner imports it, and the learner their own.
func TestImportNotHolder(t *testing.T) {
	we := newWalletEnv(t).backpack()
	ctx := context.Background()
	// Anna (bcAward) holds a credential and shares it; Bram (learner) tries
	// to make it his.
	const anna, bram = bcAward, learner
	a := we.claim(anna)
	hp := "/api/v1/me/holdings/" + a.ID
	resp, body := we.do(anna, "PUT", hp+"/share", map[string]bool{"public": true})
	wantStatus(t, resp, body, 200)
	shareURL := decodeJSON[api.Share](t, body).ShareURL
	download := func(format string) []byte {
		t.Helper()
		resp, body := we.do(anna, "GET", hp+"/download/"+format, nil)
		wantStatus(t, resp, body, 200)
		return body
	}
	annaJSON := download("json")
	imports := func(caller string) int {
		t.Helper()
		return len(must(we.db.Imports(ctx, "user-"+caller)))
	}

	for name, in := range map[string]map[string]any{
		"json":            {"credential": json.RawMessage(annaJSON)},
		"jwt":             {"credential": string(download("jwt"))},
		"png":             {"image": base64.StdEncoding.EncodeToString(download("png"))},
		"share-url":       {"url": shareURL},
		"share-url-proof": {"url": shareURL + "/credential"},
	} {
		t.Run("fail/api-"+name, func(t *testing.T) {
			resp, body := we.do(bram, "POST", "/api/v1/me/imports", in)
			wantStatus(t, resp, body, http.StatusForbidden)
			p := problemOf(t, resp, body)
			if p.Type != render.ProblemType+"forbidden" || !strings.Contains(p.Detail, "not issued to you") {
				t.Errorf("problem %+v; want the credential refused as someone else's", p)
			}
		})
	}
	for _, lang := range []string{"en", "nl"} {
		t.Run("fail/page-"+lang, func(t *testing.T) {
			for _, form := range []map[string]string{{"credential": string(annaJSON)}, {"url": shareURL}} {
				form["lang"] = lang
				resp, doc := we.importPost(bram, form)
				wantPage(t, resp, doc, http.StatusForbidden)
				if got := doc.Find("#error").Text(); got != page.BackpackText[lang]["importNotHolder"] {
					t.Errorf("error %q; want %q", got, page.BackpackText[lang]["importNotHolder"])
				}
				if doc.Find("#refusal").Length() != 1 {
					t.Error("no refusal on the page")
				}
			}
		})
	}
	if n := imports(bram); n != 0 {
		t.Fatalf("%d imports kept for a learner whose every import was refused", n)
	}
	resp, body = we.do(bram, "GET", "/api/v1/me/holdings", nil)
	wantStatus(t, resp, body, 200)
	if hs := decodeJSON[struct{ Holdings []api.Holding }](t, body).Holdings; len(hs) != 0 {
		t.Errorf("the refused learner holds %d credentials", len(hs))
	}

	t.Run("ok/own", func(t *testing.T) {
		resp, body := we.do(anna, "POST", "/api/v1/me/imports", map[string]any{"credential": json.RawMessage(annaJSON)})
		wantStatus(t, resp, body, http.StatusCreated)
		resp, body = we.do(anna, "POST", "/api/v1/me/imports", map[string]any{"url": shareURL})
		wantStatus(t, resp, body, http.StatusCreated)
		mine := must(we.db.CredentialByAward(ctx, we.claim(bram).ID)).JSON
		resp, doc := we.importPost(bram, map[string]string{"credential": string(mine)})
		wantPage(t, resp, doc, 200)
		if !strings.HasPrefix(resp.Request.URL.Path, "/backpack/imp_") {
			t.Errorf("own import went to %s", resp.Request.URL)
		}
		if n := imports(anna); n != 2 {
			t.Errorf("the owner has %d imports, want 2", n)
		}
		if n := imports(bram); n != 1 {
			t.Errorf("the learner has %d imports, want 1", n)
		}
	})
}
