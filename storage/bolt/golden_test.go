package bolt

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/badged/badged/internal/golden"
)

// TestGoldenRecords pins the stored form of the records this adapter
// defines itself (those both stores keep are pinned by
// storage/internal/record): each, every field set by fill, is encoded
// exactly as testdata/records/<kind>.json says, and that file reads back
// as the same record. A renamed field, a changed type or a domain type
// whose JSON changed underneath fails here; change the record
// deliberately, then rewrite the files with `go test -update` and review
// them. The packed credential record is pinned by its own file.
func TestGoldenRecords(t *testing.T) {
	for _, r := range []struct {
		kind   string
		record any // a pointer to a zero record
	}{
		{"audit", &auditRecord{}}, {"session", &sessionRecord{}}, {"client", &clientRecord{}}, {"token", &tokenRecord{}},
		{"image", &imageRecord{}}, {"keyring", &keyRingRecord{}}, {"statuslist", &statusListRecord{}}, {"slot", &slotRecord{}},
		{"credential", &credentialRecord{}}, {"loginuser", &loginUserRecord{}}, {"mail", &mailRecord{}},
		{"obclient", &obClientRecord{}}, {"obgrant", &obGrantRecord{}}, {"obtoken", &obTokenRecord{}}, {"obprofile", &obProfileRecord{}},
		{"vcioffer", &vciOfferRecord{}}, {"vptransaction", &vpTransactionRecord{}}, {"walletkey", &walletKeyRecord{}},
		{"share", &shareRecord{}}, {"import", &importRecord{}}, {"presentation", &presentationRecord{}}, {"collection", &collectionRecord{}},
	} {
		t.Run(r.kind, func(t *testing.T) {
			fill(reflect.ValueOf(r.record).Elem(), r.kind)
			got, err := json.MarshalIndent(r.record, "", "\t")
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", "records", r.kind+".json"), append(got, '\n'))
			compact, err := json.Marshal(r.record) // as stored; raw JSON kept as it is
			if err != nil {
				t.Fatal(err)
			}
			back := reflect.New(reflect.TypeOf(r.record).Elem()).Interface()
			if err := json.Unmarshal(compact, back); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back, r.record) {
				t.Errorf("read back differs:\n got %+v\nwant %+v", back, r.record)
			}
		})
	}
	t.Run("credential packed", func(t *testing.T) {
		var r credentialRecord
		fill(reflect.ValueOf(&r).Elem(), "credential")
		r.Format = issuanceFormat
		r.JSON = json.RawMessage(`{"id":"https://badges.example.edu/credentials/1","name":"Statistics"}`)
		r.JWT = "eyJhbGciOiJFZERTQSJ9.eyJpZCI6Imh0dHBzOi8vYmFkZ2VzLmV4YW1wbGUuZWR1L2NyZWRlbnRpYWxzLzEifQ.c2lnbmF0dXJl"
		r.JWTHeader, r.JWTSignature = "", ""
		packed, err := packCredential(r)
		if err != nil {
			t.Fatal(err)
		}
		// The stored bytes are pinned by what they hold once inflated (a
		// new Go may deflate the same input otherwise), and the file, as
		// once written, must keep reading back as the record.
		path := filepath.Join("testdata", "records", "credential.packed")
		if golden.Updating() {
			if err := os.WriteFile(path, packed, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		stored, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test -update to write it)", err)
		}
		got, err := inflate(packed[1:])
		if err != nil {
			t.Fatal(err)
		}
		want, err := inflate(stored[1:])
		if err != nil || stored[0] != packedMark {
			t.Fatalf("%s is not a packed record: %v", path, err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("the packed credential record changed:\n got %s\nwant %s", got, want)
		}
		var back credentialRecord
		if err := decodeCredential(stored, r.AwardID, &back); err != nil || !reflect.DeepEqual(back, r) {
			t.Errorf("%s read back as %+v, %v", path, back, err)
		}
	})
}

// fill sets every exported field of v, recursively, to a value derived
// from its path, so that each field of a golden record is set and told
// apart: strings name their path, numbers count, times step by an hour.
// Pointers, slices and maps more than four levels down (a type that holds
// itself) stay empty.
func fill(v reflect.Value, path string) {
	n := 0
	var set func(v reflect.Value, path string, depth int)
	set = func(v reflect.Value, path string, depth int) {
		n++
		if depth > 4 && (v.Kind() == reflect.Pointer || v.Kind() == reflect.Slice || v.Kind() == reflect.Map) {
			return
		}
		switch v.Kind() {
		case reflect.String:
			v.SetString(path)
		case reflect.Bool:
			v.SetBool(true)
		case reflect.Int, reflect.Int64, reflect.Int32, reflect.Int16, reflect.Int8:
			v.SetInt(int64(n))
		case reflect.Uint, reflect.Uint64, reflect.Uint32, reflect.Uint16, reflect.Uint8:
			v.SetUint(uint64(n))
		case reflect.Float64, reflect.Float32:
			v.SetFloat(float64(n) + 0.5)
		case reflect.Pointer:
			v.Set(reflect.New(v.Type().Elem()))
			set(v.Elem(), path, depth+1)
		case reflect.Slice:
			switch {
			case v.Type() == reflect.TypeFor[json.RawMessage]():
				v.SetBytes(fmt.Appendf(nil, `{"path":%q}`, path))
			case v.Type().Elem().Kind() == reflect.Uint8:
				v.SetBytes([]byte(path))
			default:
				v.Set(reflect.MakeSlice(v.Type(), 1, 1))
				set(v.Index(0), path+"[0]", depth+1)
			}
		case reflect.Map:
			v.Set(reflect.MakeMap(v.Type()))
			k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
			set(k, path+".key", depth+1)
			set(e, path+".value", depth+1)
			v.SetMapIndex(k, e)
		case reflect.Interface:
			v.Set(reflect.ValueOf(path))
		case reflect.Struct:
			if v.Type() == reflect.TypeFor[time.Time]() {
				v.Set(reflect.ValueOf(time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC).Add(time.Duration(n) * time.Hour)))
				return
			}
			for i := range v.NumField() {
				if f := v.Type().Field(i); f.IsExported() {
					set(v.Field(i), path+"."+f.Name, depth+1)
				}
			}
		}
	}
	set(v, path, 0)
}
