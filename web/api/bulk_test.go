package api

import (
	"net/http/httptest"
	"testing"
)

// TestIsBulkUpload: only the upload of a bulk award file escapes the body
// limit and the JSON requirement.
func TestIsBulkUpload(t *testing.T) {
	for name, tc := range map[string]struct {
		method, path string
		want         bool
	}{
		"ok/upload":         {"POST", "/api/v1/badgeclasses/b1/bulk-awards", true},
		"ok/trailing-slash": {"POST", "/api/v1/badgeclasses/b1/bulk-awards/", true},
		"fail/list":         {"GET", "/api/v1/badgeclasses/b1/bulk-awards", false},
		"fail/no-id":        {"POST", "/api/v1/badgeclasses//bulk-awards", false},
		"fail/other-route":  {"POST", "/api/v1/badgeclasses/b1/awards", false},
		"fail/deeper":       {"POST", "/api/v1/badgeclasses/b1/bulk-awards/x", false},
		"fail/outside-api":  {"POST", "/badgeclasses/b1/bulk-awards", false},
	} {
		t.Run(name, func(t *testing.T) {
			if got := IsBulkUpload(httptest.NewRequest(tc.method, tc.path, nil)); got != tc.want {
				t.Errorf("IsBulkUpload(%s %s) = %v", tc.method, tc.path, got)
			}
		})
	}
}
