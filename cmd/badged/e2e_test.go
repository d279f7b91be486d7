package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/badged/badged/auth"
	"github.com/badged/badged/bulk"
	"github.com/badged/badged/did"
	"github.com/badged/badged/issuance"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/keys"
	"github.com/badged/badged/notify"
	"github.com/badged/badged/verifier"
	"github.com/badged/badged/web/request"
)

// The end-to-end tests of issue 3 (acceptance 2): the award flows over
// real HTTP against the whole server, wired as runServe wires it, on bbolt
// and on PostgreSQL. What serve runs on a timer (due work, mail delivery,
// which read time.Now) is driven here by the test with an injected clock;
// mail goes over SMTP to a server running in the test. The server runs as
// serve runs it by default, at http://localhost:PORT of its listener, with
// serve's own egress client; the test checks its credentials from outside
// as `badged verify --server URL` does, through the egress policy. No URL
// is rewritten.

// e2eClock is the injected clock.
type e2eClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *e2eClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *e2eClock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

// stack is one badged server, built by newApp as serve builds it and run
// by app.Run on a loopback listener.
type stack struct {
	t        *testing.T
	clock    *e2eClock
	app      *app
	is       *issuer.Service
	iss      *issuance.Service
	au       *auth.Service
	deliver  *notify.Deliverer
	smtp     *smtpServer
	url      string             // where the server listens: http://127.0.0.1:PORT
	verifier *verifier.Verifier // checks from outside, as badged verify --server does

	inst  *issuer.Institution
	issr  *issuer.Issuer
	sis   string // the API token of the institution's SIS
	staff string // the session of an issuer awarder
}

// newStack builds the server on a fresh store: bbolt in a temporary
// directory, or a fresh PostgreSQL schema (required when CI=true). It has
// OpenID providers and a master key, as production has; its loops run
// (due work, mail delivery, bulk awards), and the tests also drive the due
// work and delivery themselves at the clock's time. Its base URL is
// serve's default, http://localhost:PORT of the listener, and it fetches
// through the egress client serve builds from the configuration; configure,
// if any, changes the configuration last (a test's egress allowance).
func newStack(t *testing.T, kind string, configure ...func(*Config)) *stack {
	t.Helper()
	cfg := DefaultConfig()
	cfg.DataDir = t.TempDir()
	// The due-work and mail loops run once at start; the tests run the
	// rest at the times they set the clock to.
	cfg.DueInterval, cfg.MailInterval = 24*time.Hour, 24*time.Hour
	cfg.MasterKey = base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{3}, keys.MasterKeySize))
	cfg.OIDCProviders = `[{"name":"eduid","label":"eduID","kind":"learner","issuer":"https://login.test.eduid.nl","clientId":"badged","clientSecret":"s"}]`
	if kind == "postgres" {
		cfg.DatabaseURL = freshPostgres(t)
	}
	ctx, cancel := context.WithCancel(context.Background())
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	clock := &e2eClock{now: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	serverURL := "http://" + l.Addr().String()
	cfg.BaseURL = localBaseURL(l.Addr())
	for _, c := range configure {
		c(&cfg)
	}
	smtpSrv := newSMTPServer(t)
	sender, err := notify.NewSMTP(notify.Config{Host: smtpSrv.host, Port: smtpSrv.port, From: "badged <noreply@badges.test>", TLS: notify.TLSNone})
	if err != nil {
		t.Fatal(err)
	}
	a, err := newApp(ctx, cfg, deps{Now: clock.Now, Sender: sender, Log: log})
	if err != nil {
		l.Close()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx, l) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("app.Run: %v", err)
		}
		a.Close()
	})
	s := &stack{t: t, clock: clock, app: a, is: a.issuer, iss: a.issuance, au: a.auth, smtp: smtpSrv,
		deliver: a.deliverer, url: serverURL}
	// A verifier elsewhere on this machine, with the default egress
	// policy, pointed at the server as `badged verify --server` is.
	if s.verifier, err = newVerifier(DefaultConfig(), cfg.BaseURL, verifier.WithClock(clock.Now)); err != nil {
		t.Fatal(err)
	}
	s.seed(ctx)
	return s
}

var e2eRoot = issuer.Actor{UserID: "e2e-root", Superuser: true}

// seed creates the institution (Dutch by default), an issuer, its SIS and
// an awarder, as an administrator would.
func (s *stack) seed(ctx context.Context) {
	s.inst = need(s.is.CreateInstitution(ctx, e2eRoot, issuer.Institution{
		Name: issuer.Text{NL: "Universiteit Utrecht", EN: "Utrecht University"}, SCHACHome: "uu.example.nl",
		BRIN: "21PD", Type: issuer.WO, Country: "NL", DefaultLanguage: issuer.LangNL}))
	g := need(s.is.CreateGroup(ctx, e2eRoot, issuer.Group{InstitutionID: s.inst.ID, Name: issuer.Text{NL: "Bètawetenschappen", EN: "Science"}}))
	s.issr = need(s.is.CreateIssuer(ctx, e2eRoot, issuer.Issuer{GroupID: g.ID, Name: issuer.Text{NL: "Informatica", EN: "Computing"}}))
	_, secret, err := s.au.CreateClient(ctx, e2eRoot, s.inst.ID, "SIS")
	if err != nil {
		s.t.Fatal(err)
	}
	s.sis = secret
	need(s.is.GrantRole(ctx, e2eRoot, "staff-awarder", issuer.RoleIssuerAwarder, s.issr.ID))
	s.staff = s.session("staff-awarder", "awarder@uu.example.nl")
}

// badgeClass creates and publishes a badge class; expiryDays > 0 makes
// its credentials expire.
func (s *stack) badgeClass(name string, expiryDays int) *issuer.BadgeClass {
	ctx := context.Background()
	bc := need(s.is.CreateBadgeClass(ctx, e2eRoot, issuer.BadgeClass{IssuerID: s.issr.ID,
		Name: issuer.Text{NL: name, EN: name}, Description: issuer.Text{NL: "Een badge", EN: "A badge"},
		Criteria: issuer.Criteria{Narrative: issuer.Text{EN: "Haal het tentamen."}}, Language: "nl", ExpiryDays: expiryDays}))
	return need(s.is.PublishBadgeClass(ctx, e2eRoot, bc.ID, bc.Version))
}

func (s *stack) session(userID, email string) string {
	token, _, err := s.au.CreateSession(context.Background(), auth.User{ID: userID, Email: email})
	if err != nil {
		s.t.Fatal(err)
	}
	return "cookie:" + token
}

// need returns v, and panics on an error: for the setup, which does not
// fail.
func need[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// call sends a request as who (a "cookie:" session or a bearer token) and
// decodes a JSON answer into out; it fails unless the status is want.
func (s *stack) call(who, method, path string, body any, want int, out any) http.Header {
	s.t.Helper()
	var rd io.Reader
	ct := "application/json"
	switch b := body.(type) {
	case nil:
	case csvBody:
		rd, ct = strings.NewReader(string(b)), "text/csv"
	default:
		j, err := json.Marshal(b)
		if err != nil {
			s.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, s.url+path, rd)
	if err != nil {
		s.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", ct)
	}
	if token, ok := strings.CutPrefix(who, "cookie:"); ok {
		req.AddCookie(&http.Cookie{Name: request.SessionCookie, Value: token})
	} else if who != "" {
		req.Header.Set("Authorization", "Bearer "+who)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		s.t.Fatalf("%s %s: %d, want %d: %s", method, path, resp.StatusCode, want, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			s.t.Fatalf("%s %s: %v: %s", method, path, err, b)
		}
	}
	return resp.Header
}

type csvBody string

type award struct {
	ID           string `json:"id"`
	State        string `json:"state"`
	CredentialID string `json:"credentialId"`
	Recipient    struct {
		Email     string `json:"email"`
		HolderDID string `json:"holderDid"`
	} `json:"recipient"`
	ClaimDeadline time.Time `json:"claimDeadline"`
}

type awardPage struct {
	Items []award `json:"items"`
	Next  string  `json:"next"`
}

// credential downloads the learner's credential of an award from their
// backpack.
func (s *stack) credential(learner, awardID string) []byte {
	s.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.url+"/api/v1/me/holdings/"+awardID+"/download/json", nil)
	req.AddCookie(&http.Cookie{Name: request.SessionCookie, Value: strings.TrimPrefix(learner, "cookie:")})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		s.t.Fatalf("download %s: %d %s", awardID, resp.StatusCode, b)
	}
	return b
}

// verify checks the credential with badged's verifier: every check passes
// but those in fail, which fail; and the signer is the issuer's did:web.
func (s *stack) verify(cred []byte, fail ...string) *verifier.Result {
	s.t.Helper()
	res := s.verifier.Verify(context.Background(), cred)
	want := s.iss.IssuerDID(s.issr.ID)
	if !strings.HasPrefix(want, did.WebDID(strings.TrimPrefix(s.app.cfg.BaseURL, "http://"))+":") || res.Issuer != want || !strings.HasPrefix(res.Signer, want+"#") {
		s.t.Errorf("issuer %s, signer %s; want %s", res.Issuer, res.Signer, want)
	}
	for _, id := range []string{verifier.CheckProof, verifier.CheckSigner, verifier.CheckValidity, verifier.CheckStatus} {
		if _, ok := res.Check(id); !ok {
			s.t.Errorf("no %s check reported", id)
		}
	}
	for _, c := range res.Checks {
		wantVerdict := verifier.Pass
		for _, f := range fail {
			if c.ID == f {
				wantVerdict = verifier.Fail
			}
		}
		if c.Verdict != wantVerdict {
			s.t.Errorf("check %s: %s (%s), want %s", c.ID, c.Verdict, c.Message, wantVerdict)
		}
	}
	if res.Verified != (len(fail) == 0) {
		s.t.Errorf("verified = %v, want %v; failed %+v", res.Verified, len(fail) == 0, res.Failed())
	}
	return res
}

// deliverMail delivers the outbox to the test's SMTP server, until
// nothing is due.
func (s *stack) deliverMail() {
	s.t.Helper()
	for {
		r, err := s.deliver.DeliverDue(context.Background(), s.clock.Now())
		if err != nil {
			s.t.Fatal(err)
		}
		if r.Failed+r.Retrying > 0 {
			s.t.Fatalf("mail delivery: %+v", r)
		}
		if r.Sent == 0 {
			return
		}
	}
}

// processDue runs the due work at the clock's time, as serve's loop does.
func (s *stack) processDue() []issuer.Event {
	s.t.Helper()
	ev, err := s.is.ProcessDue(context.Background(), s.clock.Now())
	if err != nil {
		s.t.Fatal(err)
	}
	return ev
}

// wantMails checks that addr got exactly the mails whose subjects contain
// the given texts, in order; and returns them.
func (s *stack) wantMails(addr string, subjects ...string) []receivedMail {
	s.t.Helper()
	got := s.smtp.to(addr)
	var gotSubjects []string
	for _, m := range got {
		gotSubjects = append(gotSubjects, m.Subject)
	}
	ok := len(got) == len(subjects)
	for i := 0; ok && i < len(got); i++ {
		ok = strings.Contains(got[i].Subject, subjects[i])
	}
	if !ok {
		s.t.Fatalf("mails to %s: %q; want subjects containing %q", addr, gotSubjects, subjects)
	}
	return got
}

func TestEndToEnd(t *testing.T) {
	for _, kind := range []string{"bolt", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			for _, j := range []struct {
				name string
				run  func(t *testing.T, s *stack)
			}{
				{"request-approve-verify", journeyRequest},
				{"bulk-claim-revoke", journeyBulk},
				{"expiry", journeyExpiry},
				{"unclaimed-reminders-expiry", journeyUnclaimed},
			} {
				t.Run(j.name, func(t *testing.T) {
					s := newStack(t, kind)
					start := time.Now()
					j.run(t, s)
					t.Logf("%s/%s: %v", kind, j.name, time.Since(start).Round(time.Millisecond))
				})
			}
		})
	}
}

// journeyRequest: a learner with a wallet requests a badge; an awarder
// approves; the credential, issued to the wallet's DID, verifies. A
// second request is denied, and the learner gets the "request denied"
// email.
func journeyRequest(t *testing.T, s *stack) {
	bc := s.badgeClass("Statistiek", 0)
	learner := s.session("learner-ada", "ada@student.example.nl")
	var w struct {
		DID string `json:"did"`
	}
	s.call(learner, http.MethodGet, "/api/v1/me/wallet", nil, http.StatusOK, &w)

	var req award
	s.call(learner, http.MethodPost, "/api/v1/badgeclasses/"+bc.ID+"/requests",
		map[string]any{"narrative": "Ik heb het tentamen gehaald."}, http.StatusCreated, &req)
	if req.State != "requested" || req.Recipient.HolderDID != w.DID {
		t.Fatalf("request %+v, wallet %s", req, w.DID)
	}
	var pending awardPage
	s.call(s.staff, http.MethodGet, "/api/v1/badgeclasses/"+bc.ID+"/awards?state=requested", nil, http.StatusOK, &pending)
	if len(pending.Items) != 1 || pending.Items[0].ID != req.ID {
		t.Fatalf("pending requests %+v", pending)
	}
	var approved struct {
		Items  []award  `json:"items"`
		Errors []string `json:"errors"`
	}
	s.call(s.staff, http.MethodPost, "/api/v1/awards/approve", map[string]any{"ids": []string{req.ID}}, http.StatusOK, &approved)
	if len(approved.Items) != 1 || approved.Items[0].State != "accepted" || approved.Items[0].CredentialID == "" || len(approved.Errors) > 0 {
		t.Fatalf("approved %+v", approved)
	}
	res := s.verify(s.credential(learner, req.ID))
	subject, _ := res.Credential["credentialSubject"].(map[string]any)
	if subject["id"] != w.DID {
		t.Errorf("credentialSubject.id %v, want the wallet's DID %s", subject["id"], w.DID)
	}

	// Denial, with its email (the institution writes Dutch).
	other := s.badgeClass("Kansrekening", 0)
	s.call(learner, http.MethodPost, "/api/v1/badgeclasses/"+other.ID+"/requests", map[string]any{}, http.StatusCreated, &req)
	s.call(s.staff, http.MethodPost, "/api/v1/awards/"+req.ID+"/deny", map[string]string{"reason": "Geen bewijs aangeleverd"}, http.StatusOK, nil)
	s.deliverMail()
	mails := s.wantMails("ada@student.example.nl", `Je hebt de badge "Statistiek"`, `Je aanvraag voor "Kansrekening" is afgewezen`)
	if !strings.Contains(mails[1].Text, "Reden: Geen bewijs aangeleverd") {
		t.Errorf("denial mail without its reason:\n%s", mails[1].Text)
	}
}

// journeyBulk: a 1,000-row CSV direct award by the SIS runs to done; 50
// learners claim theirs and the credentials verify; one is revoked, and
// the verifier then fails its status and still passes the others.
func journeyBulk(t *testing.T, s *stack) {
	bc := s.badgeClass("Programmeren", 0)
	const rows, claims = 1000, 50
	var csv strings.Builder
	csv.WriteString("email;narrative;grade\n")
	for i := range rows {
		fmt.Fprintf(&csv, "student%04d@student.example.nl;Student %d;%d\n", i, i, 6+i%5)
	}
	start := time.Now()
	var job struct {
		ID    string `json:"id"`
		State string `json:"state"`
		Total int    `json:"total"`
		Done  int    `json:"done"`
	}
	s.call(s.sis, http.MethodPost, "/api/v1/badgeclasses/"+bc.ID+"/bulk-awards", csvBody(csv.String()), http.StatusAccepted, &job)
	for deadline := time.Now().Add(2 * time.Minute); job.State != string(bulk.Done); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) || job.State == string(bulk.Failed) || job.State == string(bulk.Rejected) {
			t.Fatalf("bulk job %+v", job)
		}
		s.call(s.sis, http.MethodGet, "/api/v1/bulk-awards/"+job.ID, nil, http.StatusOK, &job)
	}
	if job.Total != rows || job.Done != rows {
		t.Fatalf("bulk job %+v", job)
	}
	t.Logf("bulk award of %d rows done in %v", rows, time.Since(start).Round(time.Millisecond))
	var sent awardPage
	s.call(s.sis, http.MethodGet, "/api/v1/badgeclasses/"+bc.ID+"/awards?state=sent&limit=200", nil, http.StatusOK, &sent)
	if len(sent.Items) != 200 || sent.Next == "" {
		t.Fatalf("first page of sent awards: %d, next %q", len(sent.Items), sent.Next)
	}

	start = time.Now()
	creds := make([][]byte, claims)
	ids := make([]string, claims)
	for i := range claims {
		email := fmt.Sprintf("student%04d@student.example.nl", i*rows/claims)
		learner := s.session(fmt.Sprintf("learner-%d", i), email)
		var mine awardPage
		s.call(learner, http.MethodGet, "/api/v1/me/awards?state=sent", nil, http.StatusOK, &mine)
		if len(mine.Items) != 1 || mine.Items[0].Recipient.Email != email {
			t.Fatalf("%s's awards: %+v", email, mine)
		}
		var claimed award
		s.call(learner, http.MethodPost, "/api/v1/me/awards/"+mine.Items[0].ID+"/claim", map[string]string{"termsVersion": "2025-01"}, http.StatusOK, &claimed)
		if claimed.State != "accepted" || claimed.CredentialID == "" {
			t.Fatalf("claimed %+v", claimed)
		}
		ids[i], creds[i] = claimed.ID, s.credential(learner, claimed.ID)
	}
	t.Logf("%d claims in %v", claims, time.Since(start).Round(time.Millisecond))
	start = time.Now()
	for _, c := range creds {
		s.verify(c)
	}
	t.Logf("%d verifications in %v", claims, time.Since(start).Round(time.Millisecond))

	s.call(s.staff, http.MethodPost, "/api/v1/awards/"+ids[7]+"/revoke", map[string]string{"reason": "Fraude"}, http.StatusOK, nil)
	s.verify(creds[7], verifier.CheckStatus)
	for _, i := range []int{0, 8, claims - 1} {
		s.verify(creds[i])
	}
}

// journeyExpiry: a badge class with an expiry period gives credentials a
// validUntil; with the clock past it the verifier fails their validity.
func journeyExpiry(t *testing.T, s *stack) {
	bc := s.badgeClass("EHBO", 30)
	var sent awardPage
	s.call(s.sis, http.MethodPost, "/api/v1/badgeclasses/"+bc.ID+"/awards", map[string]any{"recipients": []map[string]string{
		{"email": "bea@student.example.nl", "name": "Bea"}}}, http.StatusCreated, &sent)
	learner := s.session("learner-bea", "bea@student.example.nl")
	issued := s.clock.Now()
	s.call(learner, http.MethodPost, "/api/v1/me/awards/"+sent.Items[0].ID+"/claim", map[string]string{"termsVersion": "1"}, http.StatusOK, nil)
	cred := s.credential(learner, sent.Items[0].ID)
	res := s.verify(cred)
	until, err := time.Parse(time.RFC3339, fmt.Sprint(res.Credential["validUntil"]))
	if err != nil || !until.Equal(issued.Add(30*24*time.Hour)) {
		t.Fatalf("validUntil %v (%v), want 30 days after %v", res.Credential["validUntil"], err, issued)
	}
	s.clock.Set(until.Add(-time.Minute))
	s.verify(cred)
	s.clock.Set(until.Add(time.Minute))
	s.verify(cred, verifier.CheckValidity)
}

// journeyUnclaimed: a direct award waits (email); at 62 and 42 days
// before its deadline exactly one reminder each arrives; past the
// deadline it expires, with an email.
func journeyUnclaimed(t *testing.T, s *stack) {
	bc := s.badgeClass("Databases", 0)
	const addr = "cas@student.example.nl"
	var sent awardPage
	s.call(s.sis, http.MethodPost, "/api/v1/badgeclasses/"+bc.ID+"/awards", map[string]any{"recipients": []map[string]string{
		{"email": addr, "name": "Cas"}}}, http.StatusCreated, &sent)
	a := sent.Items[0]
	if !a.ClaimDeadline.Equal(s.clock.Now().Add(issuer.DefaultClaimPeriod)) {
		t.Fatalf("deadline %v", a.ClaimDeadline)
	}
	s.deliverMail()
	mails := s.wantMails(addr, `Er ligt een badge voor je klaar: "Databases"`)
	if !strings.Contains(mails[0].Text, s.app.cfg.BaseURL+"/backpack/awards/"+a.ID) {
		t.Errorf("waiting mail without the claim link:\n%s", mails[0].Text)
	}

	// Nothing is due before the first mark.
	s.clock.Set(a.ClaimDeadline.Add(-62*24*time.Hour - time.Hour))
	s.processDue()
	s.deliverMail()
	s.wantMails(addr, "Databases")

	for _, mark := range []int{62, 42} {
		s.clock.Set(a.ClaimDeadline.Add(-time.Duration(mark)*24*time.Hour + time.Hour))
		s.processDue()
		s.processDue() // again at the same time: nothing more
		s.deliverMail()
		s.clock.Set(s.clock.Now().Add(24 * time.Hour))
		s.processDue()
		s.deliverMail()
	}
	mails = s.wantMails(addr, "Databases", "Herinnering: claim \"Databases\" binnen 62 dagen", "Herinnering: claim \"Databases\" binnen 42 dagen")

	s.clock.Set(a.ClaimDeadline.Add(time.Minute))
	s.processDue()
	s.deliverMail()
	s.wantMails(addr, "Databases", "62 dagen", "42 dagen", `De badge "Databases" is verlopen`)
	var got award
	s.call(s.sis, http.MethodGet, "/api/v1/awards/"+a.ID, nil, http.StatusOK, &got)
	if got.State != "expired" {
		t.Fatalf("state %s, want expired", got.State)
	}
	learner := s.session("learner-cas", addr)
	s.call(learner, http.MethodPost, "/api/v1/me/awards/"+a.ID+"/claim", map[string]string{"termsVersion": "1"}, http.StatusConflict, nil)
}
