package main

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/badged/badged/openid4vci"
)

// TestOpenID4VCIInterop has an independent wallet, the OpenWallet
// Foundation's @openid4vc/openid4vci from npm (pinned in interop/), take a
// credential of each configuration from a running server with the
// pre-authorized code and a transaction code (interop/openid4vci.mjs);
// badged's verifier must accept each, bound to the wallet's did:jwk, and
// the wallet's second redemption of the code must be refused with
// invalid_grant. It skips without node or interop/node_modules, and fails
// instead under CI=true.
func TestOpenID4VCIInterop(t *testing.T) {
	interop := needWalletInterop(t)
	s := newStack(t, "bolt")
	awardID := issuedAward(t, s)
	// The wallet dates its proofs by the wall clock.
	s.clock.Set(time.Now().UTC())
	for _, cfg := range openid4vci.Configurations {
		t.Run(cfg.ID, func(t *testing.T) {
			o, err := s.app.vci.CreateOffer(context.Background(), awardID, true)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, "node", "openid4vci.mjs", o.URI, o.TxCode, cfg.ID)
			cmd.Dir = interop
			out, err := cmd.Output()
			if err != nil {
				var stderr []byte
				if ee, ok := err.(*exec.ExitError); ok {
					stderr = ee.Stderr
				}
				t.Fatalf("wallet: %v\n%s\n%s", err, out, stderr)
			}
			var got struct {
				Holder      string `json:"holder"`
				Credentials []any  `json:"credentials"`
				ReuseError  string `json:"reuseError"`
				Version     string `json:"version"`
			}
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatalf("wallet output %s: %v", out, err)
			}
			t.Logf("wallet saw metadata version %s", got.Version)
			if len(got.Credentials) != 1 {
				t.Fatalf("credentials %v", got.Credentials)
			}
			raw, ok := got.Credentials[0].(string)
			if (cfg.Format == openid4vci.FormatJWT) != ok {
				t.Fatalf("%s credential is %T", cfg.Format, got.Credentials[0])
			}
			if !ok {
				b, _ := json.Marshal(got.Credentials[0])
				raw = string(b)
			}
			res := s.verify([]byte(raw))
			if subject, _ := res.Credential["credentialSubject"].(map[string]any); subject["id"] != got.Holder {
				t.Errorf("credentialSubject.id = %v, want the wallet's %s", subject["id"], got.Holder)
			}
			if got.ReuseError != openid4vci.CodeInvalidGrant {
				t.Errorf("second redemption: %q, want %s", got.ReuseError, openid4vci.CodeInvalidGrant)
			}
		})
	}
}

// needWalletInterop returns the interop directory with the npm wallet
// library installed; it skips without node or interop/node_modules, and
// fails instead under CI=true.
func needWalletInterop(t *testing.T) string {
	t.Helper()
	interop, _ := filepath.Abs("../../interop")
	_, nodeErr := exec.LookPath("node")
	if _, err := os.Stat(filepath.Join(interop, "node_modules", "@openid4vc", "openid4vci")); err != nil || nodeErr != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("node or interop/node_modules missing (CI=true: must not skip): %v %v", nodeErr, err)
		}
		t.Skip("node or interop/node_modules missing; run `cd interop && npm ci`")
	}
	return interop
}

// TestOpenID4VCIAuthorizationCodeInterop runs the authorization code flow
// with the npm wallet (interop/openid4vci-authcode.mjs) against the real
// binary serving the README's demo. `badged offer --demo` makes an offer
// of the demo learner's badge; the wallet turns it into an authorization
// request; the learner's browser (a cookie jar following redirects) is
// sent to sign in, signs in as Anna through the demo provider's page,
// finds the offered badge preselected on the consent page and sends it;
// the wallet exchanges the code and receives a credential, bound to its
// key, that badged's verifier accepts; its second exchange of the code is
// refused with invalid_grant.
func TestOpenID4VCIAuthorizationCodeInterop(t *testing.T) {
	interop := needWalletInterop(t)
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := filepath.Join(t.TempDir(), "badged")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	srv := startServer(t, bin, filepath.Join(t.TempDir(), "data"), nil)
	for _, cfg := range openid4vci.Configurations {
		t.Run(cfg.ID, func(t *testing.T) {
			out, err := exec.Command(bin, "offer", "--demo", "--server", srv.base).Output()
			if err != nil {
				t.Fatalf("badged offer --demo: %v", err)
			}
			offerURI, _, _ := strings.Cut(string(out), "\n")
			ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
			defer cancel()
			wallet := exec.CommandContext(ctx, "node", "openid4vci-authcode.mjs", offerURI, cfg.ID)
			wallet.Dir = interop
			var stderr strings.Builder
			wallet.Stderr = &stderr
			stdin, _ := wallet.StdinPipe()
			stdout, _ := wallet.StdoutPipe()
			if err := wallet.Start(); err != nil {
				t.Fatal(err)
			}
			lines := bufio.NewScanner(stdout)
			lines.Buffer(nil, 1<<20)
			var asked struct{ AuthorizationRequestURL, RedirectURI string }
			if !lines.Scan() || json.Unmarshal(lines.Bytes(), &asked) != nil {
				wallet.Wait()
				t.Fatalf("wallet: %q %s", lines.Text(), stderr.String())
			}

			b := newBrowser(t)
			redirect, err := url.Parse(asked.RedirectURI)
			if err != nil {
				t.Fatal(err)
			}
			b.client.CheckRedirect = func(req *http.Request, _ []*http.Request) error {
				if req.URL.Host == redirect.Host {
					return http.ErrUseLastResponse // the wallet app takes it from here
				}
				return nil
			}
			login := b.get(asked.AuthorizationRequestURL)
			if login.url.Path != "/login" {
				t.Fatalf("not signed in, the request went to %s, want sign-in", login.url)
			}
			idp := b.link(login, `a.provider[data-provider="demo-eduid"]`)
			consent := b.submit(idp, "form.pick", nil, nil, idp.doc.Find(`form.pick button[data-user="learner-anna"]`))
			if consent.url.Path != openid4vci.PathAuthorize {
				t.Fatalf("signed in, at %s, want the consent page", consent.url)
			}
			offered := consent.doc.Find(`input[name="holding"][checked]`)
			if offered.Length() != 1 {
				t.Fatalf("the offered badge is not preselected on the consent page")
			}
			form := url.Values{"decision": {"send"}, "holding": {offered.AttrOr("value", "")}}
			consent.doc.Find("#consent-form input[type=hidden]").Each(func(_ int, in *goquery.Selection) {
				form.Set(in.AttrOr("name", ""), in.AttrOr("value", ""))
			})
			resp, err := b.client.PostForm(srv.base+openid4vci.PathAuthorize, form)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			back := resp.Header.Get("Location")
			if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(back, asked.RedirectURI+"?") {
				t.Fatalf("consent: %d to %s", resp.StatusCode, back)
			}
			io.WriteString(stdin, back+"\n")
			stdin.Close()
			var got struct {
				Holder      string `json:"holder"`
				Credentials []any  `json:"credentials"`
				ReuseError  string `json:"reuseError"`
			}
			if !lines.Scan() || json.Unmarshal(lines.Bytes(), &got) != nil {
				wallet.Wait()
				t.Fatalf("wallet: %q %s", lines.Text(), stderr.String())
			}
			if err := wallet.Wait(); err != nil {
				t.Fatalf("wallet: %v %s", err, stderr.String())
			}
			if len(got.Credentials) != 1 {
				t.Fatalf("credentials %v", got.Credentials)
			}
			// badged's verifier, over the VC-API: a VC-JWT goes enveloped.
			vc := got.Credentials[0]
			claims, _ := json.Marshal(vc)
			if jwt, ok := vc.(string); ok {
				vc = map[string]any{"@context": []any{"https://www.w3.org/ns/credentials/v2"},
					"type": "EnvelopedVerifiableCredential", "id": "data:application/vc+jwt," + jwt}
				if parts := strings.Split(jwt, "."); len(parts) == 3 {
					claims, _ = base64.RawURLEncoding.DecodeString(parts[1])
				}
			}
			if !strings.Contains(string(claims), `"id":"`+got.Holder+`"`) {
				t.Errorf("the credential's subject is not the wallet's key %s: %.300s", got.Holder, claims)
			}
			status, body := bearerCall(srv.url, "", "/credentials/verify", map[string]any{"verifiableCredential": vc})
			if status != http.StatusOK {
				t.Errorf("badged's verifier: %d %s", status, body)
			}
			if got.ReuseError != openid4vci.CodeInvalidGrant {
				t.Errorf("second exchange: %q, want %s", got.ReuseError, openid4vci.CodeInvalidGrant)
			}
		})
	}
}
