package main

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/badged/badged/issuer"
	"github.com/badged/badged/web/request"
)

// TestEmailLinks: every link in every email opens a working page. The
// server runs as serve runs it by default, at http://localhost:PORT; the
// flows send each email template (award waiting, reminder, badge
// received, revoked, expired, request denied, staff invitation) over SMTP
// to the test's server, and each link in each mail (its text and its HTML
// part), on bbolt and PostgreSQL, is opened over real
// HTTP as its recipient would: with their session, as a browser, following
// redirects; and without a session, which leads to the login page.
func TestEmailLinks(t *testing.T) {
	for _, kind := range []string{"bolt", "postgres"} {
		t.Run(kind, func(t *testing.T) { emailLinks(t, newStack(t, kind)) })
	}
}

func emailLinks(t *testing.T, s *stack) {
	base := s.app.cfg.BaseURL
	seen := map[string]int{}
	ctx := context.Background()
	const mia, noor, staff = "mia@student.example.nl", "noor@student.example.nl", "new-awarder@uu.example.nl"
	// A session of the learner at the clock's time (the clock moves on
	// by months, and sessions expire).
	session := func(addr string) string { return s.session("learner-"+strings.Split(addr, "@")[0], addr) }
	recipients := []map[string]string{{"email": mia, "name": "Mia"}}

	// A direct award waits, is reminded of, claimed (received) and revoked.
	claimed := s.badgeClass("Statistiek", 0)
	var sent awardPage
	s.call(s.sis, http.MethodPost, "/api/v1/badgeclasses/"+claimed.ID+"/awards", map[string]any{"recipients": recipients}, http.StatusCreated, &sent)
	waiting := sent.Items[0]
	s.deliverMail()
	s.followLinks(seen, base, mia, session(mia), "/backpack", "award-"+waiting.ID)
	s.clock.Set(waiting.ClaimDeadline.Add(-62*24*time.Hour + time.Hour))
	s.processDue()
	s.deliverMail()
	s.followLinks(seen, base, mia, session(mia), "/backpack", "award-"+waiting.ID)
	s.call(session(mia), http.MethodPost, "/api/v1/me/awards/"+waiting.ID+"/claim", map[string]string{"termsVersion": "1"}, http.StatusOK, nil)
	s.deliverMail()
	s.followLinks(seen, base, mia, session(mia), "/backpack/"+waiting.ID, "")
	s.call(s.session("staff-awarder", "awarder@uu.example.nl"), http.MethodPost, "/api/v1/awards/"+waiting.ID+"/revoke", map[string]string{"reason": "Fraude"}, http.StatusOK, nil)
	s.deliverMail()
	s.followLinks(seen, base, mia, session(mia), "/backpack/"+waiting.ID, "")

	// A second direct award expires unclaimed.
	expiring := s.badgeClass("Databases", 0)
	s.call(s.sis, http.MethodPost, "/api/v1/badgeclasses/"+expiring.ID+"/awards", map[string]any{"recipients": recipients}, http.StatusCreated, &sent)
	s.clock.Set(sent.Items[0].ClaimDeadline.Add(time.Minute))
	s.processDue()
	s.deliverMail()
	s.followLinks(seen, base, mia, session(mia), "/backpack", "")

	// A request is denied.
	denied := s.badgeClass("Kansrekening", 0)
	var req award
	s.call(session(noor), http.MethodPost, "/api/v1/badgeclasses/"+denied.ID+"/requests", map[string]any{}, http.StatusCreated, &req)
	s.call(s.session("staff-awarder", "awarder@uu.example.nl"), http.MethodPost, "/api/v1/awards/"+req.ID+"/deny", map[string]string{"reason": "Geen bewijs"}, http.StatusOK, nil)
	s.deliverMail()
	s.followLinks(seen, base, noor, session(noor), "/backpack", "")

	// A staff member is invited.
	if _, err := s.is.InviteStaff(ctx, e2eRoot, staff, issuer.RoleIssuerAwarder, s.issr.ID); err != nil {
		t.Fatal(err)
	}
	s.deliverMail()
	s.followLinks(seen, base, staff, "", "/login", "")

	want := []string{`Er ligt een badge voor je klaar: "Statistiek"`, `Herinnering: claim "Statistiek"`,
		`Je hebt de badge "Statistiek" ontvangen`, `Je badge "Statistiek" is ingetrokken`,
		`Er ligt een badge voor je klaar: "Databases"`, `De badge "Databases" is verlopen`}
	s.wantMails(mia, want...)
	s.wantMails(noor, `Je aanvraag voor "Kansrekening" is afgewezen`)
	s.wantMails(staff, "Je bent uitgenodigd voor Universiteit Utrecht")
}

// mailLink finds the links in a mail's text.
var mailLink = regexp.MustCompile(`https?://[^\s<>"]+`)

// followLinks opens every link of the mails to addr that came since the
// last call (seen counts the mails each address has had opened): as a browser
// with the recipient's session (when session is set), the link must end,
// after its redirects, at a page on the server at path (with the element
// of id anchor on it and named by the URL's fragment, when anchor is
// set); and without a session at a page too (the login page, for the
// backpack's links). A mail without links passes.
func (s *stack) followLinks(seen map[string]int, base, addr, session, path, anchor string) {
	s.t.Helper()
	mails := s.smtp.to(addr)
	if len(mails) <= seen[addr] {
		s.t.Fatalf("no new mail to %s", addr)
	}
	for _, m := range mails[seen[addr]:] {
		s.followMailLinks(m, base, addr, session, path, anchor)
	}
	seen[addr] = len(mails)
}

func (s *stack) followMailLinks(m receivedMail, base, addr, session, path, anchor string) {
	s.t.Helper()
	var links []string
	for _, l := range mailLink.FindAllString(m.Text, -1) {
		links = append(links, strings.TrimRight(l, ".,;:)"))
	}
	html, err := goquery.NewDocumentFromReader(strings.NewReader(m.HTML))
	if err != nil || m.HTML == "" {
		s.t.Fatalf("mail %q: no HTML part (%v)", m.Subject, err)
	}
	html.Find("a[href]").Each(func(_ int, a *goquery.Selection) {
		if href := a.AttrOr("href", ""); !slices.Contains(links, href) {
			links = append(links, href)
		}
	})
	for _, link := range links {
		if !strings.HasPrefix(link, base+"/") {
			s.t.Errorf("mail %q links outside the server (%s): %s", m.Subject, base, link)
			continue
		}
		for _, as := range []string{session, ""} {
			if as == "" && session != "" && path == "/login" {
				continue
			}
			jar, _ := cookiejar.New(nil)
			if token, ok := strings.CutPrefix(as, "cookie:"); ok {
				u, _ := url.Parse(base)
				jar.SetCookies(u, []*http.Cookie{{Name: request.SessionCookie, Value: token}})
			}
			client := &http.Client{Jar: jar, Timeout: 10 * time.Second}
			req, _ := http.NewRequest(http.MethodGet, link, nil)
			req.Header.Set("Accept", "text/html")
			resp, err := client.Do(req)
			if err != nil {
				s.t.Fatalf("mail %q: GET %s: %v", m.Subject, link, err)
			}
			doc, err := goquery.NewDocumentFromReader(resp.Body)
			resp.Body.Close()
			if err != nil {
				s.t.Fatal(err)
			}
			who, wantPath := "as "+addr, path
			if as == "" {
				who, wantPath = "without a session", "/login"
			}
			final := resp.Request.URL
			switch {
			case resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html"):
				s.t.Errorf("mail %q, link %s %s: %d %s", m.Subject, link, who, resp.StatusCode, resp.Header.Get("Content-Type"))
			case final.Path != wantPath:
				s.t.Errorf("mail %q, link %s %s: ends at %s, want %s", m.Subject, link, who, final, wantPath)
			case as != "" && anchor != "" && (final.Fragment != anchor || doc.Find("#"+anchor).Length() != 1):
				s.t.Errorf("mail %q, link %s %s: ends at %s, want the element #%s on it", m.Subject, link, who, final, anchor)
			}
		}
	}
	s.t.Logf("mail %q: %d links", m.Subject, len(links))
}
