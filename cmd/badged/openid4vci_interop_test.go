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

	"github.com/badged/badged/did"
	"github.com/badged/badged/jsonld"
	"github.com/badged/badged/openid4vci"
)

// TestOpenID4VCIInterop has an independent wallet, the OpenWallet
// Foundation's @openid4vc/openid4vci from npm (pinned in interop/), take a
// credential of each configuration from a running server with the
// pre-authorized code and a transaction code (interop/openid4vci.mjs);
// badged's verifier must accept each, bound to the wallet's did:jwk, and
// the wallet's second redemption of the code must be refused with
// invalid_grant. The credentials are then checked by an independent
// verifier, Digital Bazaar's stack (interop/vcapi-verify.mjs), with only the
// DID document and status list the server serves: both verify; after the
// award is revoked, both fail as revoked. It skips without node or
// interop/node_modules, and fails instead under CI=true.
func TestOpenID4VCIInterop(t *testing.T) {
	interop := needWalletInterop(t)
	s := newStack(t, "bolt")
	awardID := issuedAward(t, s)
	// The wallet dates its proofs by the wall clock.
	s.clock.Set(time.Now().UTC())
	dir := t.TempDir()
	var issued []string // what the wallet received, one file per configuration
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
			f := filepath.Join(dir, cfg.ID+".json")
			if err := os.WriteFile(f, []byte(raw), 0o600); err != nil {
				t.Fatal(err)
			}
			issued = append(issued, f)
		})
	}
	if len(issued) != len(openid4vci.Configurations) {
		t.Fatalf("the wallet received %d of %d credentials", len(issued), len(openid4vci.Configurations))
	}
	for f, l := range digitalBazaarVerify(t, s, interop, issued) {
		if !l.Verified {
			t.Errorf("%s: Digital Bazaar does not verify the wallet's credential: %s", filepath.Base(f), l.Error)
		}
	}
	staff := s.session("staff-awarder", "awarder@uu.example.nl") // s.staff's is older than the clock's jump
	s.call(staff, http.MethodPost, "/api/v1/awards/"+awardID+"/revoke", map[string]string{"reason": "Fraude"}, http.StatusOK, nil)
	for f, l := range digitalBazaarVerify(t, s, interop, issued) {
		if l.Verified || l.Status != "revoked" {
			t.Errorf("%s: revoked, yet Digital Bazaar says verified=%v status=%q (%s)", filepath.Base(f), l.Verified, l.Status, l.Error)
		}
	}
}

// digitalBazaarVerify checks credential files (JSON with a Data Integrity
// proof, or a VC-JWT) with interop/vcapi-verify.mjs, giving it the issuer's
// DID document, the contexts it serves and the status lists as the server
// serves them now, and
// returns its verdict per file.
func digitalBazaarVerify(t *testing.T, s *stack, interop string, files []string) map[string]dbLine {
	t.Helper()
	docs := map[string]any{}
	get := func(u string) any {
		var doc any
		resp, err := http.Get(u)
		if err == nil {
			defer resp.Body.Close()
			err = json.NewDecoder(resp.Body).Decode(&doc)
		}
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %v", u, err)
		}
		return doc
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		res := s.verifier.Verify(t.Context(), b) // for what it reads; its verdict is checked elsewhere
		issuerID := res.Issuer
		// badged serves its did:web documents, and the context of its own
		// terms, over plain http on the loopback base URL the tests use.
		u, err := did.WebURL(issuerID)
		if err != nil {
			t.Fatal(err)
		}
		base := s.app.cfg.BaseURL
		docs[issuerID] = get(base + u[len("https://")+len(strings.TrimPrefix(base, "http://")):])
		for _, c := range jsonld.List(res.Credential["@context"]) {
			if c, ok := c.(string); ok && strings.HasPrefix(c, base+"/") {
				docs[c] = get(c)
			}
		}
		for _, e := range jsonld.List(res.Credential["credentialStatus"]) {
			list, _ := e.(map[string]any)["statusListCredential"].(string)
			docs[list] = get(list)
		}
	}
	docsFile := filepath.Join(t.TempDir(), "docs.json")
	b, _ := json.Marshal(docs)
	if err := os.WriteFile(docsFile, b, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("node", append([]string{"vcapi-verify.mjs", docsFile}, files...)...)
	cmd.Dir = interop
	out, _ := cmd.Output() // exits 1 when a file fails: the lines say which
	got := map[string]dbLine{}
	for line := range strings.Lines(string(out)) {
		var l dbLine
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			t.Fatalf("vcapi-verify.mjs printed %q: %v", line, err)
		}
		got[l.File] = l
	}
	if len(got) != len(files) {
		t.Fatalf("vcapi-verify.mjs reported %d of %d files:\n%s", len(got), len(files), out)
	}
	return got
}

// dbLine is one line of interop/vcapi-verify.mjs's output.
type dbLine struct {
	File     string `json:"file"`
	Verified bool   `json:"verified"`
	Error    string `json:"error"`
	Status   string `json:"status"`
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
