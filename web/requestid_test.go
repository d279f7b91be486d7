package web

import (
	"strings"
	"testing"

	"github.com/badged/badged/web/request"
)

func TestRequestID(t *testing.T) {
	e := newEnv(t)
	tests := map[string]struct{ in, want string }{
		"ok/kept":       {"abc-123.x_y", "abc-123.x_y"},
		"ok/generated":  {"", ""},
		"fail/injected": {"bad id; <script>", ""},
		"fail/too long": {strings.Repeat("a", 65), ""},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			req := e.request(anonymous, "GET", "/healthz", nil)
			req.Header.Set(request.IDHeader, tt.in)
			resp, _ := e.send(req)
			got := resp.Header.Get(request.IDHeader)
			if tt.want != "" && got != tt.want || tt.want == "" && (got == "" || got == tt.in) {
				t.Errorf("X-Request-Id %q for %q", got, tt.in)
			}
		})
	}
}
