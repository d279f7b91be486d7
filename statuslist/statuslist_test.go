package statuslist_test

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/statuslist"
)

const fixtures = "../testdata/vectors/ob3-validator-fixtures"

func readJSON(t testing.TB, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestBitOrder(t *testing.T) {
	l := statuslist.New(0)
	if l.Len() != statuslist.MinSize {
		t.Fatalf("Len = %d, want %d", l.Len(), statuslist.MinSize)
	}
	for _, i := range []int{0, 9, statuslist.MinSize - 1} {
		if err := l.Set(i, true); err != nil {
			t.Fatal(err)
		}
	}
	enc, err := l.Encode()
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := base64.RawURLEncoding.DecodeString(enc[1:])
	zr, _ := gzip.NewReader(bytes.NewReader(raw))
	var bits bytes.Buffer
	bits.ReadFrom(zr)
	b := bits.Bytes()
	if b[0] != 0x80 || b[1] != 0x40 || b[len(b)-1] != 0x01 {
		t.Errorf("bytes = %#x %#x ... %#x, want 0x80 0x40 ... 0x01", b[0], b[1], b[len(b)-1])
	}
	if err := l.Set(9, false); err != nil {
		t.Fatal(err)
	}
	if v, _ := l.Get(9); v {
		t.Error("bit 9 still set")
	}
	for _, i := range []int{-1, statuslist.MinSize} {
		if _, err := l.Get(i); badged.KindOf(err) != badged.Invalid {
			t.Errorf("Get(%d): %v", i, err)
		}
		if err := l.Set(i, true); badged.KindOf(err) != badged.Invalid {
			t.Errorf("Set(%d): %v", i, err)
		}
	}
	if n := statuslist.New(statuslist.MinSize + 1).Len(); n != statuslist.MinSize+8 {
		t.Errorf("New(MinSize+1).Len() = %d", n)
	}
}

func TestRoundTrip(t *testing.T) {
	l := statuslist.New(200000)
	set := map[int]bool{0: true, 1: true, 7: true, 8: true, 12345: true, 199999: true}
	for i := range set {
		l.Set(i, true)
	}
	enc, err := l.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if enc[0] != 'u' {
		t.Fatalf("encoding %q lacks the multibase prefix", enc[:8])
	}
	got, err := statuslist.Decode(enc)
	if err != nil {
		t.Fatal(err)
	}
	if got.Len() != l.Len() {
		t.Fatalf("Len = %d, want %d", got.Len(), l.Len())
	}
	for i := range got.Len() {
		if v, _ := got.Get(i); v != set[i] {
			t.Fatalf("bit %d = %v", i, v)
		}
	}
	// The legacy StatusList2021 form: no multibase prefix.
	legacy, err := statuslist.Decode(enc[1:])
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := legacy.Get(12345); !v {
		t.Error("legacy decode lost bit 12345")
	}
}

// TestFixtureList reads 1EdTech's bit-string-list/testlist: 131,072 entries
// of which only index 23 is set, so both credentials that point at it are
// revoked.
func TestFixtureList(t *testing.T) {
	list := readJSON(t, filepath.Join(fixtures, "bit-string-list/testlist"))
	for _, name := range []string{"credential-status-revoked.json", "credential-status-revoked-blank-nodes.json"} {
		t.Run("ok/"+name, func(t *testing.T) {
			cred := readJSON(t, filepath.Join(fixtures, "bit-string-list", name))
			entries, err := statuslist.ParseEntry(cred["credentialStatus"])
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 1 || entries[0].Index != 23 || entries[0].Purpose != statuslist.PurposeRevocation {
				t.Fatalf("entries = %+v", entries)
			}
			set, err := statuslist.Check(entries[0], list)
			if err != nil {
				t.Fatal(err)
			}
			if !set {
				t.Error("index 23 is not set: the credential should be revoked")
			}
		})
	}
	l, err := statuslist.Decode(list["credentialSubject"].(map[string]any)["encodedList"].(string))
	if err != nil {
		t.Fatal(err)
	}
	var set []int
	for i := range l.Len() {
		if v, _ := l.Get(i); v {
			set = append(set, i)
		}
	}
	if l.Len() != 131072 || len(set) != 1 || set[0] != 23 {
		t.Errorf("Len = %d, set = %v; want 131072, [23]", l.Len(), set)
	}
}

func TestCheck(t *testing.T) {
	l := statuslist.New(0)
	l.Set(42, true)
	valid := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	cred := statuslist.ListCredential("https://issuer.example/status/1", "did:web:issuer.example", statuslist.PurposeRevocation, l, valid)
	if cred["validFrom"] != "2025-01-02T03:04:05Z" || cred["credentialSubject"].(map[string]any)["id"] != "https://issuer.example/status/1#list" {
		t.Fatalf("credential = %v", cred)
	}
	// Through JSON, as a verifier sees it.
	b, _ := json.Marshal(cred)
	var fetched map[string]any
	json.Unmarshal(b, &fetched)

	entry := statuslist.Entry{Type: statuslist.TypeBitstring, Purpose: statuslist.PurposeRevocation, Index: 42, ListCredential: "https://issuer.example/status/1"}
	tests := []struct {
		name    string
		entry   func(e statuslist.Entry) statuslist.Entry
		cred    func(m map[string]any)
		want    bool
		wantErr bool
	}{
		{name: "ok/set"},
		{name: "ok/unset", entry: func(e statuslist.Entry) statuslist.Entry { e.Index = 41; return e }},
		{name: "fail/purpose", entry: func(e statuslist.Entry) statuslist.Entry { e.Purpose = statuslist.PurposeSuspension; return e }, wantErr: true},
		{name: "fail/range", entry: func(e statuslist.Entry) statuslist.Entry { e.Index = statuslist.MinSize; return e }, wantErr: true},
		{name: "fail/entry-type", entry: func(e statuslist.Entry) statuslist.Entry { e.Type = statuslist.TypeRevocationList; return e }, wantErr: true},
		{name: "fail/credential-type", cred: func(m map[string]any) { m["type"] = []any{"VerifiableCredential"} }, wantErr: true},
		{name: "fail/no-subject", cred: func(m map[string]any) { delete(m, "credentialSubject") }, wantErr: true},
		{name: "fail/bad-list", cred: func(m map[string]any) { m["credentialSubject"].(map[string]any)["encodedList"] = "zabc" }, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := entry
			if tt.entry != nil {
				e = tt.entry(e)
			}
			c := fetched
			if tt.cred != nil {
				c = map[string]any{}
				json.Unmarshal(b, &c)
				tt.cred(c)
			}
			got, err := statuslist.Check(e, c)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v", err)
			}
			if err == nil && got != (tt.name == "ok/set") {
				t.Errorf("set = %v", got)
			}
		})
	}
}

func TestRevocationList(t *testing.T) {
	cred := readJSON(t, filepath.Join(fixtures, "credential-status-revoked.json"))
	entries, err := statuslist.ParseEntry(cred["credentialStatus"])
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Type != statuslist.TypeRevocationList {
		t.Fatalf("entries = %+v", entries)
	}
	doc := readJSON(t, "testdata/1edtech-revocation-list.json")
	if doc["id"] != entries[0].ListCredential {
		t.Fatalf("testdata list id %v is not the fixture's %s", doc["id"], entries[0].ListCredential)
	}
	revoked, reason, err := statuslist.CheckRevocationList(entries[0], cred["id"].(string), doc)
	if err != nil || !revoked || reason == "" {
		t.Errorf("fixture: revoked = %v, reason = %q, err = %v", revoked, reason, err)
	}
	for _, id := range []string{
		"https://dc.1edtech.org/wellspring2022/wellspring-portal/credential/00000000-0000-4000-8000-000000000000", // revoked: false
		"https://example.com/other",
	} {
		if revoked, _, err := statuslist.CheckRevocationList(entries[0], id, doc); err != nil || revoked {
			t.Errorf("%s: revoked = %v, err = %v", id, revoked, err)
		}
	}
	// "revoked" omitted means revoked.
	omitted := map[string]any{"revokedCredentials": []any{map[string]any{"id": "urn:x"}}}
	if revoked, _, _ := statuslist.CheckRevocationList(entries[0], "urn:x", omitted); !revoked {
		t.Error("entry without revoked member is not revoked")
	}
	for name, bad := range map[string]map[string]any{
		"fail/missing":     {},
		"fail/not-array":   {"revokedCredentials": "x"},
		"fail/not-object":  {"revokedCredentials": []any{"urn:x"}},
		"fail/revoked-str": {"revokedCredentials": []any{map[string]any{"id": "urn:x", "revoked": "yes"}}},
	} {
		if _, _, err := statuslist.CheckRevocationList(entries[0], "urn:x", bad); badged.KindOf(err) != badged.Invalid {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func TestParseEntry(t *testing.T) {
	base := `{"type":"BitstringStatusListEntry","statusPurpose":"suspension","statusListCredential":"https://x/1","statusListIndex":%s}`
	tests := []struct {
		name  string
		json  string
		index int
		err   error
	}{
		{name: "ok/string-index", json: fmt.Sprintf(base, `"94567"`), index: 94567},
		{name: "ok/number-index", json: fmt.Sprintf(base, `7`), index: 7},
		{name: "ok/array", json: "[" + fmt.Sprintf(base, `0`) + "]", index: 0},
		{name: "ok/2021", json: `{"type":"StatusList2021Entry","statusPurpose":"revocation","statusListCredential":"https://x/1","statusListIndex":"3"}`, index: 3},
		{name: "fail/negative", json: fmt.Sprintf(base, `-1`)},
		{name: "fail/fraction", json: fmt.Sprintf(base, `1.5`)},
		{name: "fail/huge", json: fmt.Sprintf(base, `"99999999999"`)},
		{name: "fail/not-digits", json: fmt.Sprintf(base, `"0x10"`)},
		{name: "fail/missing-index", json: `{"type":"BitstringStatusListEntry","statusPurpose":"revocation","statusListCredential":"https://x/1"}`},
		{name: "fail/missing-list", json: `{"type":"BitstringStatusListEntry","statusPurpose":"revocation","statusListIndex":"1"}`},
		{name: "fail/status-size", json: `{"type":"BitstringStatusListEntry","statusPurpose":"message","statusSize":2,"statusListCredential":"https://x/1","statusListIndex":"1"}`},
		{name: "fail/unsupported", json: `{"type":"RevocationList2020Status"}`, err: statuslist.ErrUnsupported},
		{name: "fail/no-type", json: `{"id":"x"}`},
		{name: "fail/revocation-list-without-id", json: `{"type":"1EdTechRevocationList"}`},
		{name: "fail/string", json: `"x"`},
		{name: "fail/empty-array", json: `[]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v any
			if err := json.Unmarshal([]byte(tt.json), &v); err != nil {
				t.Fatal(err)
			}
			entries, err := statuslist.ParseEntry(v)
			if tt.name[:3] == "ok/" {
				if err != nil {
					t.Fatal(err)
				}
				if entries[0].Index != tt.index {
					t.Errorf("index = %d, want %d", entries[0].Index, tt.index)
				}
				return
			}
			if badged.KindOf(err) != badged.Invalid {
				t.Fatalf("err = %v, want Invalid", err)
			}
			if tt.err != nil && !errors.Is(err, tt.err) {
				t.Errorf("err = %v, want %v", err, tt.err)
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	gz := func(n int) string {
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
		zw.Write(make([]byte, n))
		zw.Close()
		return "u" + base64.RawURLEncoding.EncodeToString(b.Bytes())
	}
	tests := []struct {
		name, s string
		kind    badged.Kind
	}{
		{"fail/gzip-bomb", gz(statuslist.MaxBytes + 1), badged.TooLarge},
		{"fail/gzip-bomb-64MiB", gz(64 << 20), badged.TooLarge},
		{"fail/base58btc", "z" + "abc", badged.Invalid},
		{"fail/no-prefix", "AAAA", badged.Invalid},
		{"fail/empty", "", badged.Invalid},
		{"fail/bad-base64", "u!!!!", badged.Invalid},
		{"fail/not-gzip", "u" + base64.RawURLEncoding.EncodeToString([]byte("hello world")), badged.Invalid},
		{"fail/empty-bitstring", gz(0), badged.Invalid},
		{"fail/truncated", gz(1000)[:20], badged.Invalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := statuslist.Decode(tt.s)
			if badged.KindOf(err) != tt.kind {
				t.Errorf("err = %v, want kind %s", err, tt.kind)
			}
		})
	}
}

func FuzzDecode(f *testing.F) {
	f.Add("uH4sIAAAAAAAA_-3BMQEAAAzDoMy_6cnoA9QFAAAAAAAAAAAAAAAAAAAAbD3uPa2cAEAAAA")
	f.Add("H4sIAAAAAAAA_-3BMQ0AAAACIGf_0MbwARoAAAAAAAAAAAAAAAAAAADgbbmHB0sAQAAA")
	l := statuslist.New(0)
	l.Set(5, true)
	enc, _ := l.Encode()
	f.Add(enc)
	f.Fuzz(func(t *testing.T, s string) {
		l, err := statuslist.Decode(s)
		if err != nil {
			return
		}
		if l.Len() == 0 || l.Len() > statuslist.MaxBytes*8 {
			t.Fatalf("Len = %d", l.Len())
		}
		enc, err := l.Encode()
		if err != nil {
			t.Fatal(err)
		}
		again, err := statuslist.Decode(enc)
		if err != nil || again.Len() != l.Len() {
			t.Fatalf("re-decode: %v", err)
		}
		for i := range l.Len() {
			a, _ := l.Get(i)
			b, _ := again.Get(i)
			if a != b {
				t.Fatalf("bit %d differs", i)
			}
		}
	})
}

func ExampleListCredential() {
	l := statuslist.New(0)
	_ = l.Set(23, true)
	cred := statuslist.ListCredential("https://issuer.example/status/1", "did:web:issuer.example",
		statuslist.PurposeRevocation, l, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	entry := statuslist.Entry{Type: statuslist.TypeBitstring, Purpose: statuslist.PurposeRevocation, Index: 23}
	revoked, err := statuslist.Check(entry, cred)
	fmt.Println(revoked, err)
	// Output: true <nil>
}
