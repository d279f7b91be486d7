package web

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/audit"
	"github.com/badged/badged/auth"
	"github.com/badged/badged/effects"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/keys"
	"github.com/badged/badged/login"
	"github.com/badged/badged/notify"
	"github.com/badged/badged/openid4vci"
	"github.com/badged/badged/storage/bolt"
	"github.com/badged/badged/verifier"
	"github.com/badged/badged/wallet"
	"github.com/badged/badged/web/api"
)

// walletEnv is the env with a backpack: an issuer service that issues
// through issuance on the env's store, and a wallet verifying as a serving
// badged does.
type walletEnv struct {
	*env
	is *issuer.Service
	w  *wallet.Service
	v  *verifier.Verifier
}

func newWalletEnv(t *testing.T) *walletEnv {
	t.Helper()
	e := newEnv(t)
	return &walletEnv{env: e}
}

// wallet wires the backpack into e's server (once) and returns it.
func (e *env) wallet() *walletEnv {
	return e.walletWith(nil)
}

// walletWith is wallet with the verifier v (nil: as serve wires it, this
// server's issuers resolved in-process and everything else through the
// real egress policy of e.egress) and the wallet's options opts.
func (e *env) walletWith(v *verifier.Verifier, opts ...wallet.Option) *walletEnv {
	if we, ok := walletEnvs[e]; ok {
		return we
	}
	iss := e.public()
	if v == nil {
		v = ServerVerifier(e.egress(), iss, time.Now)
	}
	sealer := must(keys.NewSealer(bytes.Repeat([]byte{9}, keys.MasterKeySize)))
	is := issuer.NewService(e.db, issuer.WithCredentialIssuer(iss))
	w := must(wallet.New(e.db, is, e.db, sealer, v, processorFor(publicBase), publicBase,
		append([]wallet.Option{wallet.WithUsers(e.db), wallet.WithAccounts(e.db), wallet.WithClock(e.clock.Now), wallet.WithEgress(e.egress())}, opts...)...))
	e.set(func(a *API) {
		a.Wallet = w
		a.Verifier = v
		a.Egress = e.egress()
		a.VCI = openid4vci.New(e.db, publicBase, nil)
	})
	we := &walletEnv{env: e, is: is, w: w, v: v}
	walletEnvs[e] = we
	return we
}

var walletEnvs = map[*env]*walletEnv{}

// claim awards badge class B directly to the caller's email and claims it
// for them with their wallet DID; it returns the award (the holding's ID).
func (we *walletEnv) claim(caller string) *issuer.Award {
	we.t.Helper()
	ctx := context.Background()
	we.publishB()
	l := issuer.Learner{UserID: "user-" + caller, Emails: []string{caller + "@example.org"}}
	awards := must(we.is.DirectAward(ctx, root, we.B.ID, []issuer.DirectAwardInput{{Recipient: issuer.Recipient{Email: l.Emails[0]}}}, time.Time{}))
	l.HolderDID = must(we.w.HolderDID(ctx, l.UserID))
	return must(we.is.ClaimAward(ctx, l, awards[0].ID, "terms-1"))
}

func decodeJSON[T any](t *testing.T, b []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	return v
}

func wantStatus(t *testing.T, resp *http.Response, body []byte, want int) {
	t.Helper()
	if resp.StatusCode != want {
		t.Fatalf("%s %s: status %d, want %d: %s", resp.Request.Method, resp.Request.URL.Path, resp.StatusCode, want, body)
	}
}

// TestWalletJourney: claim → share → an anonymous visitor sees the
// credential and a valid result; private is invisible; the QR code is the
// page's URL; downloads verify and re-import; a presentation verifies
// with its challenge only; a tampered import is refused with the reason.
func TestWalletJourney(t *testing.T) {
	we := newWalletEnv(t).wallet()
	a := we.claim(learner)
	hp := "/api/v1/me/holdings/" + a.ID

	resp, body := we.do(learner, "GET", "/api/v1/me/holdings", nil)
	wantStatus(t, resp, body, 200)
	list := decodeJSON[struct{ Holdings []api.Holding }](t, body)
	if len(list.Holdings) != 1 || list.Holdings[0].ID != a.ID || list.Holdings[0].State != wallet.StateIssued ||
		list.Holdings[0].Summary.Name != "Statistics" || list.Holdings[0].Verification == nil || !list.Holdings[0].Verification.Verified {
		t.Fatalf("holdings = %s", body)
	}
	resp, body = we.do(learner, "GET", hp, nil)
	wantStatus(t, resp, body, 200)
	detail := decodeJSON[api.Holding](t, body)
	did := must(we.w.HolderDID(context.Background(), "user-"+learner))
	if !strings.Contains(string(detail.Credential), did) {
		t.Errorf("the credential does not name the wallet DID %s", did)
	}
	for name, q := range map[string]string{"issued": "?state=issued", "text": "?q=statis", "tag none": "?tag=nope", "revoked": "?state=revoked"} {
		resp, body = we.do(learner, "GET", "/api/v1/me/holdings"+q, nil)
		wantStatus(t, resp, body, 200)
		n := len(decodeJSON[struct{ Holdings []api.Holding }](t, body).Holdings)
		if want := map[bool]int{true: 1, false: 0}[name == "issued" || name == "text"]; n != want {
			t.Errorf("filter %s: %d holdings, want %d", name, n, want)
		}
	}

	// Private by default: no QR, no LinkedIn; share it.
	resp, body = we.do(learner, "GET", hp+"/qr.png", nil)
	wantStatus(t, resp, body, http.StatusConflict)
	resp, body = we.do(learner, "PUT", hp+"/share", map[string]bool{"public": true})
	wantStatus(t, resp, body, 200)
	share := decodeJSON[api.Share](t, body)
	if !share.Public || share.ShareURL != publicBase+"/s/"+share.ShareID || len(share.ShareID) < 20 {
		t.Fatalf("share = %+v", share)
	}
	resp, body = we.do(anonymous, "GET", "/s/"+share.ShareID, nil)
	wantStatus(t, resp, body, 200)
	pub := decodeJSON[api.PublicShare](t, body)
	if pub.Verification == nil || !pub.Verification.Verified || pub.State != wallet.StateIssued {
		t.Fatalf("public share: %s", body)
	}

	// QR: PNG and SVG draw the module matrix of the page's URL, and a QR
	// decoder reads the URL from each.
	wantMatrix := must(wallet.QRMatrix(share.ShareURL))
	resp, body = we.do(learner, "GET", hp+"/qr.png", nil)
	wantStatus(t, resp, body, 200)
	if got := pngMatrix(t, body, len(wantMatrix)); !equalMatrix(got, wantMatrix) {
		t.Error("the QR PNG is not the code of the share URL")
	}
	if got := decodeQRPNG(t, body); got != share.ShareURL {
		t.Errorf("the QR PNG decodes to %q, want the share URL %q", got, share.ShareURL)
	}
	resp, body = we.do(learner, "GET", hp+"/qr.svg", nil)
	wantStatus(t, resp, body, 200)
	if got := svgMatrix(t, body, len(wantMatrix)); !equalMatrix(got, wantMatrix) {
		t.Error("the QR SVG is not the code of the share URL")
	}
	if got := decodeQRSVG(t, body, len(wantMatrix)); got != share.ShareURL {
		t.Errorf("the rasterised QR SVG decodes to %q, want the share URL %q", got, share.ShareURL)
	}
	resp, body = we.do(learner, "GET", hp+"/linkedin", nil)
	wantStatus(t, resp, body, 200)
	li := decodeJSON[map[string]string](t, body)["url"]
	if !strings.HasPrefix(li, "https://www.linkedin.com/profile/add?") || !strings.Contains(li, "name=Statistics") ||
		!strings.Contains(li, "certUrl="+strings.ReplaceAll(strings.ReplaceAll(share.ShareURL, ":", "%3A"), "/", "%2F")) {
		t.Errorf("LinkedIn URL %s", li)
	}

	// Private again: 404 for anonymous visitors, as for an unknown share.
	resp, body = we.do(learner, "PUT", hp+"/share", map[string]bool{"public": false})
	wantStatus(t, resp, body, 200)
	for _, id := range []string{share.ShareID, "no-such-share"} {
		resp, body = we.do(anonymous, "GET", "/s/"+id, nil)
		wantStatus(t, resp, body, http.StatusNotFound)
	}

	// Downloads verify and re-import; the JWT is the VC-JWT signed at
	// issuance.
	for _, f := range []string{"json", "jwt", "png", "svg"} {
		resp, body = we.do(learner, "GET", hp+"/download/"+f, nil)
		wantStatus(t, resp, body, 200)
		if res := we.v.Verify(context.Background(), body); !res.Verified || (f == "jwt" && res.Securing != "vc-jwt") {
			t.Errorf("download %s does not verify as issued: %s, %+v", f, res.Securing, res.Failed())
		}
		in := map[string]any{"image": base64.StdEncoding.EncodeToString(body)}
		switch f {
		case "json":
			in = map[string]any{"credential": json.RawMessage(body)}
		case "jwt":
			in = map[string]any{"credential": string(body)}
		}
		resp, body = we.do(learner, "POST", "/api/v1/me/imports", in)
		wantStatus(t, resp, body, http.StatusCreated)
	}

	// A tampered credential is refused, saying why.
	tampered := bytes.Replace(detail.Credential, []byte("Statistics"), []byte("Astrophysics"), 1)
	resp, body = we.do(learner, "POST", "/api/v1/me/imports", map[string]any{"credential": json.RawMessage(tampered)})
	wantStatus(t, resp, body, http.StatusBadRequest)
	if p := problemOf(t, resp, body); !strings.Contains(p.Detail, "proof") {
		t.Errorf("tampered import refused with %q; want the failing proof check", p.Detail)
	}

	// A presentation verifies with its challenge, not with another.
	resp, body = we.do(learner, "POST", "/api/v1/me/presentations", map[string]any{"holdingIds": []string{a.ID}, "challenge": "c-123", "domain": "verifier.example"})
	wantStatus(t, resp, body, http.StatusCreated)
	vp := decodeJSON[api.Presentation](t, body)
	var doc map[string]any
	must(0, json.Unmarshal(vp.JSON, &doc))
	if res := we.v.VerifyPresentation(context.Background(), doc, verifier.PresentationOptions{Challenge: "c-123", Domain: "verifier.example"}); !res.Verified {
		t.Errorf("presentation does not verify: %+v", res.Failed())
	}
	if res := we.v.VerifyPresentation(context.Background(), doc, verifier.PresentationOptions{Challenge: "other", Domain: "verifier.example"}); res.Verified {
		t.Error("presentation verifies with another challenge")
	}
	resp, body = we.do(anonymous, "GET", "/p/"+vp.ID, nil)
	wantStatus(t, resp, body, 200)
	if r := decodeJSON[struct{ Verification verifier.Result }](t, body); !r.Verification.Verified {
		t.Errorf("public presentation: %s", body)
	}
	we.clock.Add(wallet.DefaultPresentationTTL + time.Minute)
	resp, body = we.do(anonymous, "GET", "/p/"+vp.ID, nil)
	wantStatus(t, resp, body, http.StatusNotFound)
}

// pngMatrix reads an n×n module matrix from a QR PNG by sampling the
// centre of each module.
func pngMatrix(t *testing.T, b []byte, n int) [][]bool {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return sample(img, n)
}

func sample(img image.Image, n int) [][]bool {
	size := img.Bounds().Dx()
	m := make([][]bool, n)
	for y := range n {
		m[y] = make([]bool, n)
		for x := range n {
			r, _, _, _ := img.At(img.Bounds().Min.X+(2*x+1)*size/(2*n), img.Bounds().Min.Y+(2*y+1)*size/(2*n)).RGBA()
			m[y][x] = r < 0x8000
		}
	}
	return m
}

// svgMatrix reads the module squares of a QR SVG.
func svgMatrix(t *testing.T, b []byte, n int) [][]bool {
	t.Helper()
	s := string(b)
	i := strings.Index(s, `d="`)
	if i < 0 {
		t.Fatalf("no path in %s", s)
	}
	d := s[i+3:]
	d = d[:strings.IndexByte(d, '"')]
	m := make([][]bool, n)
	for y := range m {
		m[y] = make([]bool, n)
	}
	for _, cmd := range strings.Split(d, "z") {
		var x, y int
		if cmd == "" {
			continue
		}
		if _, err := fmt.Sscanf(cmd, "M%d %dh1v1h-1", &x, &y); err != nil || x >= n || y >= n {
			t.Fatalf("bad path command %q", cmd)
		}
		m[y][x] = true
	}
	return m
}

func equalMatrix(a, b [][]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			if a[i][j] != b[i][j] {
				return false
			}
		}
	}
	return true
}

// TestWalletIsolation: no learner reads or changes another's holdings,
// shares, presentations, imports, collections or account: every
// per-record route answers 404 to someone else, and what the owner has
// is unchanged.
func TestWalletIsolation(t *testing.T) {
	we := newWalletEnv(t).wallet()
	ctx := context.Background()
	owner, other := learner, viewer
	a := we.claim(owner)
	ol := must(we.w.Learner(ctx, issuer.Learner{UserID: "user-" + owner, Emails: []string{owner + "@example.org"}}))
	must(we.w.SetPublic(ctx, ol, a.ID, true))
	p := must(we.w.CreatePresentation(ctx, ol, wallet.PresentationRequest{HoldingIDs: []string{a.ID}, Challenge: "c"}))
	c := must(we.w.SaveCollection(ctx, ol, wallet.Collection{Name: "Mine", HoldingIDs: []string{a.ID}}))
	js, _, err := we.w.Download(ctx, ol, a.ID, wallet.DownloadJSON)
	if err != nil {
		t.Fatal(err)
	}
	imp := must(we.w.Import(ctx, ol, js))

	h, ip := "/api/v1/me/holdings/"+a.ID, "/api/v1/me/holdings/"+imp.ID
	cases := []struct {
		method, path string
		body         any
	}{
		{"GET", h, nil}, {"GET", ip, nil},
		{"PUT", h + "/share", map[string]bool{"public": false}}, {"PUT", ip + "/share", map[string]bool{"public": true}},
		{"GET", h + "/qr.png", nil}, {"GET", h + "/qr.svg", nil}, {"GET", h + "/linkedin", nil},
		{"GET", h + "/download/json", nil}, {"GET", h + "/download/png", nil}, {"GET", ip + "/download/svg", nil},
		{"POST", "/api/v1/me/presentations", map[string]any{"holdingIds": []string{a.ID}, "challenge": "c"}},
		{"DELETE", "/api/v1/me/presentations/" + p.ID, nil},
		{"DELETE", "/api/v1/me/imports/" + imp.ID, nil},
		{"GET", "/api/v1/me/collections/" + c.ID, nil},
		{"PUT", "/api/v1/me/collections/" + c.ID, map[string]any{"name": "Stolen"}},
		{"DELETE", "/api/v1/me/collections/" + c.ID, nil},
		{"POST", "/api/v1/me/collections", map[string]any{"name": "Theirs", "holdingIds": []string{a.ID}}},
	}
	for _, tc := range cases {
		t.Run("fail/"+tc.method+" "+tc.path, func(t *testing.T) {
			we.t = t
			resp, body := we.do(other, tc.method, tc.path, tc.body)
			if resp.StatusCode != http.StatusNotFound {
				t.Errorf("status %d, want 404: %s", resp.StatusCode, body)
			}
			problemOf(t, resp, body)
		})
	}
	we.t = t
	// The other learner's own lists hold nothing of the owner's.
	for _, path := range []string{"/api/v1/me/holdings", "/api/v1/me/presentations", "/api/v1/me/collections"} {
		resp, body := we.do(other, "GET", path, nil)
		wantStatus(t, resp, body, 200)
		if strings.Contains(string(body), a.ID) || strings.Contains(string(body), p.ID) || strings.Contains(string(body), c.ID) {
			t.Errorf("%s of another learner shows the owner's records: %s", path, body)
		}
	}
	// The owner's records are unchanged; system clients are refused.
	if sh := must(we.db.Share(ctx, "user-"+owner, a.ID)); !sh.Public {
		t.Error("the other learner turned the owner's share off")
	}
	if got := must(we.w.Collection(ctx, ol, c.ID)); got.Name != "Mine" {
		t.Errorf("collection renamed to %q", got.Name)
	}
	if _, _, err := we.w.PublicPresentation(ctx, p.ID); err != nil {
		t.Errorf("the owner's presentation: %v", err)
	}
	for _, sys := range []string{ownSIS, otherSIS} {
		resp, body := we.do(sys, "GET", "/api/v1/me/holdings", nil)
		wantStatus(t, resp, body, http.StatusForbidden)
	}
	// Deleting one's account leaves another's untouched.
	resp, body := we.do(other, "DELETE", "/api/v1/me/account", nil)
	wantStatus(t, resp, body, http.StatusForbidden) // a viewer holds a staff role
	if len(must(we.w.Holdings(ctx, ol, wallet.Filter{}))) != 2 {
		t.Error("the owner's holdings changed")
	}
}

// TestWalletDeletion: after deleting the account, nothing in the store —
// no bucket of the bbolt file, no column of any PostgreSQL table — holds
// the learner's email, name, eduID subject, EPPN or user ID; the export
// taken before holds everything they had.
func TestWalletDeletion(t *testing.T) {
	t.Run("bbolt", func(t *testing.T) {
		db := openBolt(t)
		walletDeletion(t, newEnvOn(t, db).wallet(), func(t *testing.T, needles []string) map[string][]string {
			return scanBolt(t, db, needles)
		})
	})
	t.Run("postgres", func(t *testing.T) {
		db, dsn := openPostgres(t)
		walletDeletion(t, newEnvOn(t, db).wallet(), func(t *testing.T, needles []string) map[string][]string {
			return scanPostgres(t, dsn, needles)
		})
	})
}

// scanBolt reports, per needle (case-insensitive), the buckets and keys
// of db holding it, in the key or the value.
func scanBolt(t *testing.T, db *bolt.DB, needles []string) map[string][]string {
	t.Helper()
	found := map[string][]string{}
	err := db.Scan(context.Background(), func(bucket, k, v []byte) error {
		for _, n := range needles {
			if bytes.Contains(bytes.ToLower(k), []byte(strings.ToLower(n))) || bytes.Contains(bytes.ToLower(v), []byte(strings.ToLower(n))) {
				found[n] = append(found[n], fmt.Sprintf("bucket %s key %q", bucket, k))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// walletDeletion runs the deletion journey on we; scan reports where the
// store holds each needle.
func walletDeletion(t *testing.T, we *walletEnv, scan func(t *testing.T, needles []string) map[string][]string) {
	ctx := context.Background()
	const (
		userID = "usr_deletionlearner"
		email  = "erik.erasmus@student.example"
		name   = "Erik Erasmus"
		eduID  = "eduid-subject-8f3a9c"
		eppn   = "erasmus@uni.example"
	)
	must(0, we.db.CreateUser(ctx, &login.User{ID: userID, Kind: login.Learner, Provider: "eduid", Issuer: "https://eduid.example",
		Subject: eduID, Emails: []string{email}, Name: name, EduID: eduID, EPPNs: []string{eppn}, Created: we.clock.Now(), LastLogin: we.clock.Now()}))
	we.cookie["deleter"] = we.session(auth.User{ID: userID, Email: email})
	l := must(we.w.Learner(ctx, issuer.Learner{UserID: userID, Emails: []string{email}}))
	we.publishB()
	// The award flows record in the audit trail as serve wires them, in
	// the award's transaction: the learner's own actions under their
	// pseudonym (wallet.AuditActor).
	trail := audit.New(we.db)
	rec := effects.New(trail, must(notify.NewOutbox(we.db)), we.db, "https://badges.example.edu")
	rec.SetActors(we.w)
	is := issuer.NewService(we.db, issuer.WithCredentialIssuer(we.public()), issuer.WithEffects(rec.Awards))
	// A claimed direct award (by EPPN), a pending one (by email), a
	// rejected one and a request; a share, a presentation, an import, a
	// collection.
	as := must(is.DirectAward(ctx, root, we.B.ID, []issuer.DirectAwardInput{{Recipient: issuer.Recipient{EPPN: eppn, Name: name}}}, time.Time{}))
	l.HolderDID = must(we.w.HolderDID(ctx, userID))
	a := must(is.ClaimAward(ctx, l, as[0].ID, "terms-1"))
	bc2 := must(is.CreateBadgeClass(ctx, root, badgeClassFixture(we.S.ID)))
	bc2.State = issuer.Published
	must(0, we.db.UpdateBadgeClass(ctx, bc2))
	must(is.DirectAward(ctx, root, bc2.ID, []issuer.DirectAwardInput{{Recipient: issuer.Recipient{Email: email, Name: name}}}, time.Time{}))
	rejected := must(is.DirectAward(ctx, root, bc2.ID, []issuer.DirectAwardInput{{Recipient: issuer.Recipient{Email: email, Name: name}}}, time.Time{}))
	must(is.RejectAward(ctx, l, rejected[0].ID))
	// The narrative and evidence name the learner: erasure must remove them.
	must(is.RequestBadge(ctx, l, bc2.ID, "I, "+name+", did the work.", []string{"https://portfolio.example/" + eppn}))
	entries := must(trail.List(ctx, we.I.ID, audit.Filter{}, audit.Page{Limit: 1000})).Entries
	learnerActs := map[string]string{}
	for _, e := range entries {
		if audit.IsLearner(e.Actor) {
			learnerActs[e.Action] = e.Actor
		}
	}
	pseudonym := learnerActs["award.request"]
	if !strings.HasPrefix(pseudonym, audit.LearnerPrefix) || len(learnerActs) != 4 {
		t.Fatalf("learner actions in the trail: %v", learnerActs)
	}
	for action, actor := range learnerActs {
		if actor != pseudonym {
			t.Errorf("%s recorded under %q, the request under %q: one learner, one pseudonym", action, actor, pseudonym)
		}
	}
	must(we.w.SetPublic(ctx, l, a.ID, true))
	must(we.w.CreatePresentation(ctx, l, wallet.PresentationRequest{HoldingIDs: []string{a.ID}, Challenge: "c"}))
	js, _, err := we.w.Download(ctx, l, a.ID, wallet.DownloadJSON)
	if err != nil {
		t.Fatal(err)
	}
	imp := must(we.w.Import(ctx, l, js))
	must(we.w.SaveCollection(ctx, l, wallet.Collection{Name: "All", HoldingIDs: []string{a.ID, imp.ID}}))

	resp, body := we.do("deleter", "GET", "/api/v1/me/export", nil)
	wantStatus(t, resp, body, 200)
	zr := must(zip.NewReader(bytes.NewReader(body), int64(len(body))))
	files := map[string]string{}
	for _, f := range zr.File {
		rc := must(f.Open())
		var b bytes.Buffer
		must(b.ReadFrom(rc))
		rc.Close()
		files[f.Name] = b.String()
	}
	for file, want := range map[string][]string{
		"profile.json":       {userID, email, name, eduID, eppn, l.HolderDID},
		"awards.json":        {a.ID, as[0].ID, bc2.ID},
		"holdings.json":      {a.ID, imp.ID},
		"shares.json":        {a.ID},
		"presentations.json": {"vp_"},
		"imports.json":       {imp.ID},
		"collections.json":   {"All"},
	} {
		for _, w := range want {
			if !strings.Contains(files[file], w) {
				t.Errorf("export %s lacks %q", file, w)
			}
		}
	}
	if _, ok := files["credentials/"+a.ID+".json"]; !ok {
		t.Errorf("export lacks the credential of %s; files %v", a.ID, len(files))
	}

	// The scan finds every value before the deletion: it is not blind.
	needles := []string{userID, email, name, eduID, eppn}
	before := scan(t, needles)
	for _, n := range needles {
		if len(before[n]) == 0 {
			t.Errorf("before the deletion the scan finds no %q: it proves nothing", n)
		}
	}

	resp, body = we.do("deleter", "GET", "/api/v1/me/account", nil)
	wantStatus(t, resp, body, 200)
	resp, body = we.do("deleter", "DELETE", "/api/v1/me/account", nil)
	wantStatus(t, resp, body, http.StatusNoContent)
	resp, body = we.do("deleter", "GET", "/api/v1/me/holdings", nil)
	wantStatus(t, resp, body, http.StatusUnauthorized) // the session is gone

	// The credential already issued still verifies.
	c := must(we.db.CredentialByAward(ctx, a.ID))
	if res := we.v.Verify(ctx, c.JSON); !res.Verified {
		t.Errorf("the issued credential no longer verifies: %+v", res.Failed())
	}
	// The trail keeps its entries, under a pseudonym nobody can derive
	// any more: the wallet key it came from is gone.
	if after := must(trail.List(ctx, we.I.ID, audit.Filter{}, audit.Page{Limit: 1000})).Entries; len(after) < len(entries) {
		t.Errorf("the trail lost entries: %d, was %d", len(after), len(entries))
	}
	if _, err := we.db.WalletKey(ctx, userID); badged.KindOf(err) != badged.NotFound {
		t.Errorf("the wallet key, which derives the pseudonym, is still there: %v", err)
	}
	// Scan the whole store, the audit trail included.
	for n, places := range scan(t, needles) {
		for _, p := range places {
			t.Errorf("%s still holds %q", p, n)
		}
	}
}

// ---- the authorization matrix of the backpack

// matrixCaller is the caller of the matrix cell being run, which the
// backpack's builds need: each learner reaches only their own records.
var matrixCaller string

// persons are the callers who have a backpack: everyone signed in as a
// person.
var persons = []string{learner, superuser, instAdmin, groupAdmin, groupAward, issAdmin, issAward, bcOwner, bcEditor,
	bcAward, viewer, instAward, otherAdmin}

// walletFixtures caches, per env and caller, a claimed holding.
var walletFixtures = map[*env]map[string]*issuer.Award{}

// walletReset runs before each matrix cell: it records the caller, and
// gives the learner a session again after a cell deleted their account.
func (e *env) walletReset(caller string) {
	matrixCaller = caller
	if caller != learner {
		return
	}
	if _, err := e.au.SessionPrincipal(context.Background(), e.cookie[learner]); err != nil {
		e.cookie[learner] = e.session(auth.User{ID: "user-" + learner, Email: learner + "@example.org"})
		delete(walletFixtures[e], learner)
	}
}

// callerLearner is the backpack learner of a matrix caller.
func callerLearner(caller string) issuer.Learner {
	if caller == superuser {
		return issuer.Learner{UserID: "user-root"}
	}
	return issuer.Learner{UserID: "user-" + caller, Emails: []string{caller + "@example.org"}}
}

// holdingOf returns a holding of caller, public, claiming one on first use.
func (e *env) holdingOf(caller string) string {
	we := e.wallet()
	if walletFixtures[e] == nil {
		walletFixtures[e] = map[string]*issuer.Award{}
	}
	if a, ok := walletFixtures[e][caller]; ok {
		return a.ID
	}
	ctx := context.Background()
	e.publishB()
	l := callerLearner(caller)
	awards := must(we.is.DirectAward(ctx, root, e.B.ID, []issuer.DirectAwardInput{{Recipient: issuer.Recipient{Email: caller + "@example.org"}}}, time.Time{}))
	l.Emails = []string{caller + "@example.org"}
	// The credential names the wallet's DID too: the superuser's session
	// has no address, so the DID is what makes it theirs to import.
	l.HolderDID = must(we.w.HolderDID(ctx, l.UserID))
	a := must(we.is.ClaimAward(ctx, l, awards[0].ID, "terms-1"))
	must(we.w.SetPublic(ctx, callerLearner(caller), a.ID, true))
	walletFixtures[e][caller] = a
	return a.ID
}

func (e *env) learnerOf(caller string) issuer.Learner {
	return must(e.wallet().w.Learner(context.Background(), callerLearner(caller)))
}

func walletMatrix() map[string]matrixCase {
	ctx := context.Background()
	me := func(path string) func(e *env) (string, any) {
		return fixed(func(e *env) string { return "/api/v1/me" + path })
	}
	holding := func(suffix string) func(e *env) (string, any) {
		return fixed(func(e *env) string { return "/api/v1/me/holdings/" + e.holdingOf(matrixCaller) + suffix })
	}
	// owner is whose records the public routes show: a staff member,
	// whose account no cell deletes.
	const owner = bcAward
	return map[string]matrixCase{
		"GET /api/v1/me/wallet":                                 {persons, me("/wallet")},
		"GET /api/v1/me/holdings":                               {persons, me("/holdings")},
		"GET /api/v1/me/holdings/{holdingID}":                   {persons, holding("")},
		"GET /api/v1/me/holdings/{holdingID}/qr.png":            {persons, holding("/qr.png")},
		"GET /api/v1/me/holdings/{holdingID}/qr.svg":            {persons, holding("/qr.svg")},
		"GET /api/v1/me/holdings/{holdingID}/linkedin":          {persons, holding("/linkedin")},
		"GET /api/v1/me/holdings/{holdingID}/download/{format}": {persons, holding("/download/svg")},
		"POST /api/v1/me/holdings/{holdingID}/offer": {persons, func(e *env) (string, any) {
			return "/api/v1/me/holdings/" + e.holdingOf(matrixCaller) + "/offer", map[string]any{}
		}},
		"PUT /api/v1/me/holdings/{holdingID}/share": {persons, func(e *env) (string, any) {
			return "/api/v1/me/holdings/" + e.holdingOf(matrixCaller) + "/share", map[string]bool{"public": true}
		}},
		"GET /api/v1/me/presentations": {persons, me("/presentations")},
		"POST /api/v1/me/presentations": {persons, func(e *env) (string, any) {
			return "/api/v1/me/presentations", map[string]any{"holdingIds": []string{e.holdingOf(matrixCaller)}, "challenge": "c"}
		}},
		"DELETE /api/v1/me/presentations/{presentationID}": {persons, func(e *env) (string, any) {
			if matrixCaller == anonymous || matrixCaller == ownSIS || matrixCaller == otherSIS {
				return "/api/v1/me/presentations/vp_x", nil
			}
			p := must(e.wallet().w.CreatePresentation(ctx, e.learnerOf(matrixCaller), wallet.PresentationRequest{HoldingIDs: []string{e.holdingOf(matrixCaller)}, Challenge: "c"}))
			return "/api/v1/me/presentations/" + p.ID, nil
		}},
		// Each person imports a credential of their own: another's is
		// refused (TestImportNotHolder).
		"POST /api/v1/me/imports": {persons, func(e *env) (string, any) {
			c := must(e.db.CredentialByAward(ctx, e.holdingOf(matrixCaller)))
			return "/api/v1/me/imports", map[string]any{"credential": json.RawMessage(c.JSON)}
		}},
		"DELETE /api/v1/me/imports/{importID}": {persons, func(e *env) (string, any) {
			if matrixCaller == anonymous || matrixCaller == ownSIS || matrixCaller == otherSIS {
				return "/api/v1/me/imports/imp_x", nil
			}
			c := must(e.db.CredentialByAward(ctx, e.holdingOf(matrixCaller)))
			h := must(e.wallet().w.Import(ctx, e.learnerOf(matrixCaller), c.JSON))
			return "/api/v1/me/imports/" + h.ID, nil
		}},
		"GET /api/v1/me/collections": {persons, me("/collections")},
		"POST /api/v1/me/collections": {persons, func(e *env) (string, any) {
			return "/api/v1/me/collections", map[string]any{"name": "Mine"}
		}},
		"GET /api/v1/me/collections/{collectionID}": {persons, func(e *env) (string, any) {
			return "/api/v1/me/collections/" + e.collectionOf(matrixCaller), nil
		}},
		"PUT /api/v1/me/collections/{collectionID}": {persons, func(e *env) (string, any) {
			return "/api/v1/me/collections/" + e.collectionOf(matrixCaller), map[string]any{"name": "Renamed"}
		}},
		"DELETE /api/v1/me/collections/{collectionID}": {persons, func(e *env) (string, any) {
			return "/api/v1/me/collections/" + e.collectionOf(matrixCaller), nil
		}},
		"GET /api/v1/me/export":  {persons, me("/export")},
		"GET /api/v1/me/account": {persons, me("/account")},
		// Only a learner without staff roles deletes their account here.
		"DELETE /api/v1/me/account": {[]string{learner}, me("/account")},
		"GET /s/{shareID}": {everyone, fixed(func(e *env) string {
			e.holdingOf(owner)
			return "/s/" + must(e.db.Share(ctx, "user-"+owner, e.holdingOf(owner))).ID
		})},
		"GET /p/{presentationID}": {everyone, fixed(func(e *env) string {
			p := must(e.wallet().w.CreatePresentation(ctx, e.learnerOf(owner), wallet.PresentationRequest{HoldingIDs: []string{e.holdingOf(owner)}, Challenge: "c"}))
			return "/p/" + p.ID
		})},
	}
}

// collectionOf creates a collection of caller (a placeholder ID for
// callers without a backpack).
func (e *env) collectionOf(caller string) string {
	if caller == anonymous || caller == ownSIS || caller == otherSIS {
		return "col_x"
	}
	return must(e.wallet().w.SaveCollection(context.Background(), e.learnerOf(caller), wallet.Collection{Name: "Mine"})).ID
}
