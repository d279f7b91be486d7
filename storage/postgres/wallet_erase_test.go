package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/badged/badged/auth"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/login"
	"github.com/badged/badged/notify"
	"github.com/badged/badged/wallet"
	"github.com/jackc/pgx/v5"
)

// TestEraseLearner: after the erasure account deletion runs (awards,
// wallet, login record, sessions, mails), no table holds the learner's
// email, name, eduID subject, EPPN or user ID.
func TestEraseLearner(t *testing.T) {
	dsn := freshSchema(t)
	db := open(t, dsn)
	ctx := context.Background()
	const (
		userID = "usr_pgdeletion"
		email  = "petra.pg@student.example"
		name   = "Petra Postgres"
		eduID  = "eduid-subject-pg-77"
		eppn   = "petra@uni.example"
	)
	now := time.Now().UTC().Truncate(time.Microsecond)
	root := issuer.Actor{UserID: "root", Superuser: true}
	is := issuer.NewService(db)
	in, err := is.CreateInstitution(ctx, root, issuer.Institution{Name: issuer.Text{EN: "Uni"}, SCHACHome: "uni.example",
		BRIN: "21PB", Type: issuer.WO, Country: "NL", DefaultLanguage: issuer.LangEN})
	if err != nil {
		t.Fatal(err)
	}
	g := mustDo(is.CreateGroup(ctx, root, issuer.Group{InstitutionID: in.ID, Name: issuer.Text{EN: "Faculty"}}))
	s := mustDo(is.CreateIssuer(ctx, root, issuer.Issuer{GroupID: g.ID, Name: issuer.Text{EN: "Dept"}}))
	bc := mustDo(is.CreateBadgeClass(ctx, root, issuer.BadgeClass{IssuerID: s.ID, Name: issuer.Text{EN: "Stats"},
		Description: issuer.Text{EN: "d"}, Criteria: issuer.Criteria{Narrative: issuer.Text{EN: "c"}}, Language: "en"}))
	bc.State = issuer.Published
	if err := db.UpdateBadgeClass(ctx, bc); err != nil {
		t.Fatal(err)
	}
	mustDo(is.DirectAward(ctx, root, bc.ID, []issuer.DirectAwardInput{
		{Recipient: issuer.Recipient{Email: email, Name: name}},
		{Recipient: issuer.Recipient{EPPN: eppn, EduID: eduID}},
		{Recipient: issuer.Recipient{Email: "someone.else@example.org", Name: "Someone Else"}},
	}, time.Time{}))
	l := issuer.Learner{UserID: userID, EduID: eduID, Emails: []string{email}, EPPNs: []string{eppn}, Name: name}
	mustDo(is.RequestBadge(ctx, l, bc.ID, "", nil))
	if err := db.CreateUser(ctx, &login.User{ID: userID, Kind: login.Learner, Provider: "eduid", Issuer: "https://eduid.example",
		Subject: eduID, Emails: []string{email}, Name: name, EduID: eduID, EPPNs: []string{eppn}, Created: now, LastLogin: now}); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateSession(ctx, &auth.Session{Hash: auth.Hash("tok"), User: auth.User{ID: userID, Email: email}, Created: now, Expires: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := db.AddMail(ctx, &notify.Mail{ID: "m1", InstitutionID: in.ID, To: email, Lang: "en", Template: "award-sent",
		Subject: "Hello " + name, Text: "Dear " + name, HTML: "<p>Dear " + name, Status: notify.Pending, NextAttempt: now, Created: now}); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateWalletKey(ctx, &wallet.Key{UserID: userID, DID: "did:key:z6Mkx", Sealed: []byte{1}, Created: now}); err != nil {
		t.Fatal(err)
	}
	if err := db.PutCollection(ctx, &wallet.Collection{ID: "col_1", UserID: userID, Name: "c", Created: now, Updated: now}); err != nil {
		t.Fatal(err)
	}

	n, err := is.EraseLearner(ctx, l)
	if err != nil || n != 3 {
		t.Fatalf("EraseLearner = %d, %v; want 3 awards", n, err)
	}
	if err := db.DeleteWallet(ctx, userID); err != nil {
		t.Fatal(err)
	}
	if err := db.EraseAccount(ctx, l); err != nil {
		t.Fatal(err)
	}

	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`)
	if err != nil {
		t.Fatal(err)
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if len(tables) < 10 {
		t.Fatalf("only %d tables: %v", len(tables), tables)
	}
	var sawOther bool
	for _, table := range tables {
		for _, needle := range []string{userID, email, name, eduID, eppn, "someone.else"} {
			var c int
			q := `SELECT count(*) FROM ` + pgx.Identifier{table}.Sanitize() + ` t WHERE lower(t::text) LIKE '%' || lower($1) || '%'`
			if err := conn.QueryRow(ctx, q, needle).Scan(&c); err != nil {
				t.Fatal(err)
			}
			switch {
			case needle == "someone.else":
				sawOther = sawOther || c > 0
			case c > 0:
				t.Errorf("table %s: %d rows still hold %q", table, c, needle)
			}
		}
	}
	if !sawOther {
		t.Error("another learner's award was erased too (or the scan finds nothing)")
	}
}

func mustDo[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
