package web

import (
	"context"
	"encoding/csv"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/badged/badged/issuer"
	"github.com/badged/badged/web/api"
)

// insightsData renames badge class B to a formula and stores, in January
// 2026, three direct awards of B (one claimed, one rejected) and a
// request (approved), and in February a revocation of the claimed one.
func (e *env) insightsData() {
	e.t.Helper()
	ctx := context.Background()
	b := must(e.db.BadgeClass(ctx, e.B.ID))
	b.Name = issuer.Text{NL: `=HYPERLINK("https://evil.example","klik")`, EN: `=HYPERLINK("https://evil.example","click")`}
	must(0, e.db.UpdateBadgeClass(ctx, b))
	jan := func(d int) time.Time { return time.Date(2026, time.January, d, 12, 0, 0, 0, time.UTC) }
	direct := func(id string, state issuer.AwardState, claimed time.Time) *issuer.Award {
		return &issuer.Award{ID: id, InstitutionID: e.I.ID, GroupID: e.G.ID, IssuerID: e.S.ID, BadgeClassID: e.B.ID,
			Kind: issuer.KindDirect, State: state, Recipient: issuer.Recipient{Email: id + "@example.org"},
			Sent: jan(5), ClaimDeadline: jan(5).Add(82 * 24 * time.Hour), Claimed: claimed, Created: jan(5), Updated: jan(5)}
	}
	revoked := direct("ins-1", issuer.AwardRevoked, jan(6))
	revoked.RevokedAt = time.Date(2026, time.February, 2, 0, 0, 0, 0, time.UTC)
	must(0, e.db.CreateAwards(ctx, []*issuer.Award{
		revoked,
		direct("ins-2", issuer.AwardRejected, jan(7)),
		direct("ins-3", issuer.AwardSent, time.Time{}),
		{ID: "ins-4", InstitutionID: e.I.ID, GroupID: e.G.ID, IssuerID: e.S.ID, BadgeClassID: e.B.ID,
			Kind: issuer.KindRequest, State: issuer.AwardAccepted, Recipient: issuer.Recipient{UserID: "learner-4"},
			Requested: jan(3), Decided: jan(4), Created: jan(3), Updated: jan(4)},
	}, issuer.Effects{}))
}

func TestInsightsJSON(t *testing.T) {
	e := newEnv(t)
	e.public()
	e.insightsData()
	path := "/api/v1/institutions/" + e.I.ID + "/insights?from=2026-01&to=2026-02&level=badgeclass"
	resp, body := e.do(viewer, http.MethodGet, path, nil)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	var got api.Insights
	if err := jsonUnmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	if got.Level != "badgeclass" || got.From != "2026-01" || got.To != "2026-02" || len(got.Rows) != 2 {
		t.Fatalf("report %s", body)
	}
	jan, feb := got.Rows[0], got.Rows[1]
	if jan.Month != "2026-01" || jan.ID != e.B.ID || !strings.HasPrefix(jan.Name, "=HYPERLINK") ||
		jan.Sent != 3 || jan.Claimed != 1 || jan.Rejected != 1 || jan.Requested != 1 || jan.Approved != 1 ||
		jan.Revoked != 0 || jan.ClaimRate == nil || *jan.ClaimRate != 1.0/3 {
		t.Errorf("January %+v", jan)
	}
	if feb.Month != "2026-02" || feb.Revoked != 1 || feb.Sent != 0 || feb.ClaimRate != nil {
		t.Errorf("February %+v", feb)
	}
	if got.Total.Sent != 3 || got.Total.Revoked != 1 || got.Total.Claimed != 1 {
		t.Errorf("total %+v", got.Total)
	}

	// The institution level sums the same into one row a month.
	resp, body = e.do(ownSIS, http.MethodGet, "/api/v1/institutions/"+e.I.ID+"/insights?from=2026-01&to=2026-01", nil)
	got = api.Insights{}
	if resp.StatusCode != http.StatusOK || jsonUnmarshal(body, &got) != nil || len(got.Rows) != 1 ||
		got.Rows[0].ID != e.I.ID || got.Rows[0].Name != "Universiteit" || got.Rows[0].Sent != 3 || got.Rows[0].Revoked != 0 {
		t.Errorf("institution level: %d %s", resp.StatusCode, body)
	}

	tests := []struct {
		name, caller, query string
		status              int
	}{
		{"fail/learner", learner, "", http.StatusForbidden},
		{"fail/other-admin", otherAdmin, "", http.StatusForbidden},
		{"fail/anonymous", anonymous, "", http.StatusUnauthorized},
		{"fail/level", instAdmin, "?level=group", http.StatusBadRequest},
		{"fail/month", instAdmin, "?from=2026-13", http.StatusBadRequest},
		{"fail/reversed", instAdmin, "?from=2026-03&to=2026-01", http.StatusBadRequest},
		{"fail/too-long", instAdmin, "?from=2000-01&to=2026-01", http.StatusBadRequest},
		{"fail/format", instAdmin, "?format=xml", http.StatusBadRequest},
		{"ok/default-period", instAdmin, "", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.t = t
			resp, body := e.do(tt.caller, http.MethodGet, "/api/v1/institutions/"+e.I.ID+"/insights"+tt.query, nil)
			if resp.StatusCode != tt.status && !(tt.status == http.StatusForbidden && resp.StatusCode == http.StatusNotFound) {
				t.Fatalf("%d %s, want %d", resp.StatusCode, body, tt.status)
			}
			if tt.status >= 400 {
				problemOf(t, resp, body)
			}
		})
	}
}

// TestInsightsCSV exports as CSV, by format=csv and by Accept, and checks
// that the badge class named =HYPERLINK(…) is escaped.
func TestInsightsCSV(t *testing.T) {
	e := newEnv(t)
	e.public()
	e.insightsData()
	base := "/api/v1/institutions/" + e.I.ID + "/insights?from=2026-01&to=2026-02&level=badgeclass"
	for name, build := range map[string]func() *http.Request{
		"ok/format": func() *http.Request { return e.request(viewer, http.MethodGet, base+"&format=csv", nil) },
		"ok/accept": func() *http.Request {
			r := e.request(viewer, http.MethodGet, base, nil)
			r.Header.Set("Accept", "text/csv, application/json;q=0.5")
			return r
		},
	} {
		t.Run(name, func(t *testing.T) {
			e.t = t
			resp, body := e.send(build())
			if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
				t.Fatalf("%d %q %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
			}
			if !strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") {
				t.Errorf("Content-Disposition %q", resp.Header.Get("Content-Disposition"))
			}
			recs, err := csv.NewReader(strings.NewReader(string(body))).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			want := [][]string{
				{"month", "level", "id", "name", "sent", "claimed", "rejected", "expired", "requested", "approved", "denied", "revoked", "claim_rate"},
				{"2026-01", "badgeclass", e.B.ID, `'=HYPERLINK("https://evil.example","klik")`, "3", "1", "1", "0", "1", "1", "0", "0", "0.3333"},
				{"2026-02", "badgeclass", e.B.ID, `'=HYPERLINK("https://evil.example","klik")`, "0", "0", "0", "0", "0", "0", "0", "1", ""},
				{"total", "badgeclass", "", "", "3", "1", "1", "0", "1", "1", "0", "1", "0.3333"},
			}
			if len(recs) != len(want) {
				t.Fatalf("CSV:\n%s", body)
			}
			for i := range want {
				if strings.Join(recs[i], "|") != strings.Join(want[i], "|") {
					t.Errorf("line %d = %q, want %q", i, recs[i], want[i])
				}
			}
			for _, rec := range recs {
				for _, cell := range rec {
					if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
						t.Errorf("cell %q would be a formula", cell)
					}
				}
			}
		})
	}
}
