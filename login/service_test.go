package login_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/auth"
	"github.com/badged/badged/devidp"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/login"
	"github.com/badged/badged/storage/bolt"
)

const (
	rpBase   = "https://badged.example"
	clientID = "badged"
	secret   = "s3cret"
)

var root = issuer.Actor{UserID: "root", Superuser: true}

// rp is a relying party and a real OpenID provider (devidp over HTTP).
type rp struct {
	t     *testing.T
	db    *bolt.DB
	au    *auth.Service
	is    *issuer.Service
	idp   *devidp.Provider
	svc   *login.Service
	inst  *issuer.Institution
	http  *http.Client
	clock *clock
}

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

// newRP returns a relying party whose provider knows the demo people, a
// stranger of an institution badged does not know, and more.
func newRP(t *testing.T, more ...devidp.User) *rp {
	t.Helper()
	db, err := bolt.Open(filepath.Join(t.TempDir(), "badged.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ctx := context.Background()
	is := issuer.NewService(db)
	inst, err := is.CreateInstitution(ctx, root, issuer.Institution{Name: issuer.Text{EN: "Demo University"},
		SCHACHome: devidp.DemoSCHACHome, BRIN: "21PB", Type: issuer.WO, Country: "NL", DefaultLanguage: issuer.LangEN})
	if err != nil {
		t.Fatal(err)
	}
	users := append(devidp.DemoUsers(), devidp.User{ID: "staff-stranger", Staff: true, Name: "Sam Stranger",
		Email: "sam@elsewhere.example.org", SCHACHome: "elsewhere.example.org"})
	users = append(users, more...)
	var h http.Handler
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(ts.Close)
	idp, err := devidp.New(ts.URL, []devidp.Client{{ID: clientID, Secret: secret,
		RedirectURIs: []string{rpBase + "/login/eduid/callback", rpBase + "/login/staff/callback"}}}, devidp.WithUsers(users...))
	if err != nil {
		t.Fatal(err)
	}
	h = idp
	clk := &clock{now: time.Now()}
	au := auth.NewService(db, is, auth.WithClock(clk.Now))
	svc, err := login.NewService([]login.ProviderConfig{
		{Name: "eduid", Label: "eduID", Kind: login.Learner, Issuer: ts.URL, ClientID: clientID, ClientSecret: secret,
			Scopes: []string{"openid", "email", "profile", "eduid.nl/links"}, EduIDClaim: "eduid", UserInfo: true},
		{Name: "staff", Label: "Institution", Kind: login.Staff, Issuer: ts.URL, ClientID: clientID, ClientSecret: secret,
			SCHACHomes: []string{devidp.DemoSCHACHome, "elsewhere.example.org"}},
	}, rpBase, db, au, is, db, login.WithHTTPClient(ts.Client()), login.WithClock(clk.Now))
	if err != nil {
		t.Fatal(err)
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &rp{t: t, db: db, au: au, is: is, idp: idp, svc: svc, inst: inst, http: noFollow, clock: clk}
}

// authorize runs the browser's part at the provider: it opens the
// authorization URL and picks user, and returns the query of the redirect
// back to badged.
func (e *rp) authorize(authURL, user string) url.Values {
	e.t.Helper()
	resp, err := e.http.Get(authURL)
	if err != nil {
		e.t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(page), `value="`+user+`"`) {
		e.t.Fatalf("authorization page: %s\n%s", resp.Status, page)
	}
	u, _ := url.Parse(authURL)
	form := u.Query()
	form.Set("user", user)
	resp, err = e.http.PostForm(u.Scheme+"://"+u.Host+u.Path, form)
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := resp.Location()
	if resp.StatusCode != http.StatusSeeOther || err != nil {
		e.t.Fatalf("authorize: %s, location %v", resp.Status, err)
	}
	return loc.Query()
}

// signIn runs a whole flow and returns its result.
func (e *rp) signIn(provider, user string) (*login.Result, error) {
	e.t.Helper()
	authURL, sealed, err := e.svc.Begin(context.Background(), provider, "/backpack?x=1", "")
	if err != nil {
		e.t.Fatal(err)
	}
	return e.svc.Finish(context.Background(), provider, sealed, e.authorize(authURL, user))
}

func TestSignIn(t *testing.T) {
	e := newRP(t)
	ctx := context.Background()
	invite, err := e.is.InviteStaff(ctx, root, "dana.admin@"+devidp.DemoSCHACHome, issuer.RoleInstitutionAdmin, e.inst.ID)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("ok/learner", func(t *testing.T) {
		res, err := e.signIn("eduid", "learner-anna")
		if err != nil {
			t.Fatal(err)
		}
		u := res.User
		if u.Kind != login.Learner || u.ID != login.UserID(e.idp.Issuer(), u.Subject) || u.EduID == "" || u.EduID == u.Subject ||
			u.Email() != "anna.devries@student.example.org" || u.Name != "Anna de Vries" || len(u.EPPNs) != 1 || u.InstitutionID != "" {
			t.Errorf("user = %+v", u)
		}
		if res.Next != "/backpack?x=1" || len(res.Bound) != 0 {
			t.Errorf("next %q, bound %d", res.Next, len(res.Bound))
		}
		p, err := e.au.SessionPrincipal(ctx, res.Token)
		if err != nil || p.User.ID != u.ID || p.User.Email != u.Email() {
			t.Errorf("session principal %+v, %v", p, err)
		}
		stored, err := e.db.User(ctx, u.ID)
		if err != nil || stored.EduID != u.EduID {
			t.Errorf("stored user %+v, %v", stored, err)
		}
		// Signing in again is the same user, with a later last login.
		e.clock.add(time.Minute)
		again, err := e.signIn("eduid", "learner-anna")
		if err != nil {
			t.Fatal(err)
		}
		if again.User.ID != u.ID || !again.User.LastLogin.After(u.LastLogin) || !again.User.Created.Equal(u.Created) {
			t.Errorf("second sign-in: %+v, first %+v", again.User, u)
		}
	})

	t.Run("ok/staff", func(t *testing.T) {
		res, err := e.signIn("staff", "staff-admin")
		if err != nil {
			t.Fatal(err)
		}
		u := res.User
		if u.Kind != login.Staff || u.SCHACHome != devidp.DemoSCHACHome || u.InstitutionID != e.inst.ID {
			t.Errorf("user = %+v", u)
		}
		if len(res.Bound) != 1 || res.Bound[0].ID != invite.ID || res.Bound[0].UserID != u.ID {
			t.Fatalf("bound = %+v", res.Bound)
		}
		ms, err := e.is.Memberships(ctx, issuer.Actor{UserID: u.ID})
		if err != nil || len(ms) != 1 || ms[0].Role != issuer.RoleInstitutionAdmin || ms[0].InstitutionID != e.inst.ID {
			t.Errorf("memberships %+v, %v", ms, err)
		}
	})

	t.Run("fail/staff of an unknown institution", func(t *testing.T) {
		_, err := e.signIn("staff", "staff-stranger")
		wantKind(t, err, badged.Forbidden)
	})

	t.Run("fail/two institutions with the same SCHAC home", func(t *testing.T) {
		e := newRP(t)
		ctx := context.Background()
		invite, err := e.is.InviteStaff(ctx, root, "dana.admin@"+devidp.DemoSCHACHome, issuer.RoleInstitutionAdmin, e.inst.ID)
		if err != nil {
			t.Fatal(err)
		}
		// issuer refuses a second institution with this SCHAC home; a store
		// written before it did may hold one.
		dup := *e.inst
		dup.ID = "dup-institution"
		if err := e.db.CreateInstitution(ctx, &dup); err != nil {
			t.Fatal(err)
		}
		_, err = e.signIn("staff", "staff-admin")
		wantKind(t, err, badged.Forbidden)
		if m, err := e.db.Membership(ctx, invite.ID); err != nil || !m.Pending() || m.Version != invite.Version {
			t.Errorf("invitation after the refusal: %+v, %v", m, err)
		}
	})

	t.Run("fail/staff of an institution the provider does not speak for", func(t *testing.T) {
		e := newRP(t, devidp.User{ID: "staff-other", Staff: true, Name: "Olga Other", Email: "dana.admin@" + devidp.DemoSCHACHome,
			SCHACHome: "other.example.org"})
		ctx := context.Background()
		other, err := e.is.CreateInstitution(ctx, root, issuer.Institution{Name: issuer.Text{EN: "Other University"},
			SCHACHome: "other.example.org", BRIN: "22PB", Type: issuer.WO, Country: "NL", DefaultLanguage: issuer.LangEN})
		if err != nil {
			t.Fatal(err)
		}
		invite, err := e.is.InviteStaff(ctx, root, "dana.admin@"+devidp.DemoSCHACHome, issuer.RoleInstitutionAdmin, other.ID)
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.signIn("staff", "staff-other")
		wantKind(t, err, badged.Forbidden)
		if m, err := e.db.Membership(ctx, invite.ID); err != nil || !m.Pending() || m.Version != invite.Version {
			t.Errorf("invitation after the refusal: %+v, %v", m, err)
		}
	})
}

func wantKind(t *testing.T, err error, kind badged.Kind) {
	t.Helper()
	if err == nil || badged.KindOf(err) != kind {
		t.Fatalf("error %v (kind %s), want kind %s", err, badged.KindOf(err), kind)
	}
	t.Logf("refused: %v", err)
}

// TestSignInRefusals runs flows that must not sign anyone in.
func TestSignInRefusals(t *testing.T) {
	e := newRP(t)
	ctx := context.Background()
	begin := func(t *testing.T) (string, string) {
		authURL, sealed, err := e.svc.Begin(ctx, "eduid", "/", "")
		if err != nil {
			t.Fatal(err)
		}
		return authURL, sealed
	}
	misbehave := func(m devidp.Misbehavior) func(t *testing.T) {
		return func(t *testing.T) {
			e.idp.Misbehave(m)
			defer e.idp.Misbehave(devidp.Misbehavior{})
			_, err := e.signIn("eduid", "learner-bram")
			wantKind(t, err, badged.Unauthorized)
		}
	}
	tests := map[string]func(t *testing.T){
		"fail/wrong state": func(t *testing.T) {
			authURL, sealed := begin(t)
			q := e.authorize(authURL, "learner-anna")
			q.Set("state", "forged")
			_, err := e.svc.Finish(ctx, "eduid", sealed, q)
			wantKind(t, err, badged.Unauthorized)
		},
		"fail/state of another browser": func(t *testing.T) {
			authURL, _ := begin(t)
			_, otherSealed := begin(t)
			_, err := e.svc.Finish(ctx, "eduid", otherSealed, e.authorize(authURL, "learner-anna"))
			wantKind(t, err, badged.Unauthorized)
		},
		"fail/no flow cookie": func(t *testing.T) {
			authURL, _ := begin(t)
			_, err := e.svc.Finish(ctx, "eduid", "", e.authorize(authURL, "learner-anna"))
			wantKind(t, err, badged.Unauthorized)
		},
		"fail/tampered flow cookie": func(t *testing.T) {
			authURL, sealed := begin(t)
			b := []byte(sealed)
			b[len(b)/2] ^= 1
			if b[len(b)/2] == sealed[len(b)/2] || !strings.ContainsRune("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", rune(b[len(b)/2])) {
				b[len(b)/2] = 'A'
				if sealed[len(b)/2] == 'A' {
					b[len(b)/2] = 'B'
				}
			}
			_, err := e.svc.Finish(ctx, "eduid", string(b), e.authorize(authURL, "learner-anna"))
			wantKind(t, err, badged.Unauthorized)
		},
		"fail/flow used twice": func(t *testing.T) {
			authURL, sealed := begin(t)
			q := e.authorize(authURL, "learner-anna")
			if _, err := e.svc.Finish(ctx, "eduid", sealed, q); err != nil {
				t.Fatal(err)
			}
			_, err := e.svc.Finish(ctx, "eduid", sealed, q)
			wantKind(t, err, badged.Unauthorized)
		},
		"fail/replayed code": func(t *testing.T) {
			authURL, sealed := begin(t)
			q := e.authorize(authURL, "learner-anna")
			if _, err := e.svc.Finish(ctx, "eduid", sealed, q); err != nil {
				t.Fatal(err)
			}
			// The same code with a fresh, valid flow: the provider refuses it.
			authURL2, sealed2 := begin(t)
			u, _ := url.Parse(authURL2)
			q2 := url.Values{"code": {q.Get("code")}, "state": {u.Query().Get("state")}}
			_, err := e.svc.Finish(ctx, "eduid", sealed2, q2)
			wantKind(t, err, badged.Unauthorized)
		},
		"fail/expired flow": func(t *testing.T) {
			authURL, sealed := begin(t)
			q := e.authorize(authURL, "learner-anna")
			e.clock.add(login.DefaultFlowTTL + time.Second)
			defer e.clock.add(-login.DefaultFlowTTL - time.Second)
			_, err := e.svc.Finish(ctx, "eduid", sealed, q)
			wantKind(t, err, badged.Unauthorized)
		},
		"fail/provider error": func(t *testing.T) {
			authURL, sealed := begin(t)
			u, _ := url.Parse(authURL)
			q := url.Values{"error": {"access_denied"}, "state": {u.Query().Get("state")}}
			_, err := e.svc.Finish(ctx, "eduid", sealed, q)
			wantKind(t, err, badged.Unauthorized)
		},
		"fail/other provider's flow": func(t *testing.T) {
			authURL, sealed := begin(t)
			_, err := e.svc.Finish(ctx, "staff", sealed, e.authorize(authURL, "learner-anna"))
			wantKind(t, err, badged.Unauthorized)
		},
		"fail/wrong nonce":              misbehave(devidp.Misbehavior{WrongNonce: true}),
		"fail/expired ID token":         misbehave(devidp.Misbehavior{ExpiredIDToken: true}),
		"fail/wrongly signed ID token":  misbehave(devidp.Misbehavior{ForeignKey: true}),
		"fail/ID token for another aud": misbehave(devidp.Misbehavior{WrongAudience: true}),
		"fail/unknown provider": func(t *testing.T) {
			_, _, err := e.svc.Begin(ctx, "nope", "/", "")
			wantKind(t, err, badged.NotFound)
		},
	}
	for name, fn := range tests {
		t.Run(name, fn)
	}
}

func TestSafeNext(t *testing.T) {
	tests := map[string]string{
		"":                     "/",
		"/":                    "/",
		"/backpack?x=1#y":      "/backpack?x=1#y",
		"//evil.example":       "/",
		"/\\evil.example":      "/",
		"https://evil.example": "/",
		"javascript:alert(1)":  "/",
		"backpack":             "/",
		"/a\nb":                "/",
	}
	for in, want := range tests {
		if got := login.SafeNext(in); got != want {
			t.Errorf("SafeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseProviders(t *testing.T) {
	tests := map[string]struct {
		in string
		ok bool
	}{
		"ok/eduid":                               {`[{"name":"eduid","kind":"learner","issuer":"https://connect.eduid.nl","clientId":"c","clientSecret":"s","eduidClaim":"eduid"}]`, true},
		"ok/staff":                               {`[{"name":"uva","kind":"staff","issuer":"https://a.example","clientId":"c","schacHomes":[" UvA.nl "]}]`, true},
		"ok/federation":                          {`[{"name":"conext","kind":"staff","issuer":"https://a.example","clientId":"c","schacHomes":["*"]}]`, true},
		"fail/staff speaking for no institution": {`[{"name":"x","kind":"staff","issuer":"https://a.example","clientId":"c"}]`, false},
		"fail/empty SCHAC home":                  {`[{"name":"x","kind":"staff","issuer":"https://a.example","clientId":"c","schacHomes":[" "]}]`, false},
		"fail/star among others":                 {`[{"name":"x","kind":"staff","issuer":"https://a.example","clientId":"c","schacHomes":["*","uva.nl"]}]`, false},
		"fail/SCHAC home twice":                  {`[{"name":"x","kind":"staff","issuer":"https://a.example","clientId":"c","schacHomes":["uva.nl","UVA.nl"]}]`, false},
		"fail/learner speaking for institutions": {`[{"name":"x","kind":"learner","issuer":"https://a.example","clientId":"c","schacHomes":["uva.nl"]}]`, false},
		"fail/empty":                             {`[]`, false},
		"fail/unknown":                           {`[{"name":"x","kind":"learner","issuer":"https://a.example","clientId":"c","colour":"red"}]`, false},
		"fail/kind":                              {`[{"name":"x","kind":"admin","issuer":"https://a.example","clientId":"c"}]`, false},
		"fail/issuer":                            {`[{"name":"x","kind":"staff","issuer":"ftp://a.example","clientId":"c"}]`, false},
		"fail/name":                              {`[{"name":"X Y","kind":"staff","issuer":"https://a.example","clientId":"c"}]`, false},
		"fail/duplicate":                         {`[{"name":"x","kind":"staff","issuer":"https://a.example","clientId":"c","schacHomes":["a.nl"]},{"name":"x","kind":"staff","issuer":"https://b.example","clientId":"c","schacHomes":["b.nl"]}]`, false},
		"fail/no clientId":                       {`[{"name":"x","kind":"staff","issuer":"https://a.example"}]`, false},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			ps, err := login.ParseProviders([]byte(tt.in))
			if (err == nil) != tt.ok {
				t.Fatalf("err = %v", err)
			}
			if tt.ok && (ps[0].InstitutionClaim != login.DefaultInstitutionClaim || ps[0].Scopes[0] != "openid") {
				t.Errorf("defaults not applied: %+v", ps[0])
			}
			if tt.ok && ps[0].Kind == login.Staff && (len(ps[0].SCHACHomes) != 1 || ps[0].SCHACHomes[0] != strings.ToLower(strings.TrimSpace(ps[0].SCHACHomes[0])) ||
				ps[0].SCHACHomes[0] == "") {
				t.Errorf("SCHAC homes not normalised: %q", ps[0].SCHACHomes)
			}
			if err != nil && strings.Contains(err.Error(), `"s"`) {
				t.Errorf("error quotes the secret: %v", err)
			}
		})
	}
}
