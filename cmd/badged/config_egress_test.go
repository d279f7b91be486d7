package main

import (
	"maps"
	"strings"
	"testing"
)

// TestEgressConnectToConfig: BADGED_EGRESS_CONNECT_TO becomes the egress
// policy's ConnectTo, and a pair that is not host:port=host:port is
// refused with the variable's name.
func TestEgressConnectToConfig(t *testing.T) {
	env := func(vars map[string]string) func(string) string { return func(k string) string { return vars[k] } }
	c, err := loadConfig(env(nil))
	if err != nil || len(c.Egress.ConnectTo) != 0 {
		t.Errorf("default: %v, %v", c.Egress.ConnectTo, err)
	}
	c, err = loadConfig(env(map[string]string{
		"BADGED_EGRESS_CONNECT_TO": "status.example.org:443=10.0.0.7:8443, [2001:db8::1]:443 = [::1]:9443,",
	}))
	want := map[string]string{"status.example.org:443": "10.0.0.7:8443", "[2001:db8::1]:443": "[::1]:9443"}
	if err != nil || !maps.Equal(c.Egress.ConnectTo, want) {
		t.Errorf("got %v (%v), want %v", c.Egress.ConnectTo, err, want)
	}
	for _, v := range []string{"status.example.org=10.0.0.7:8443", "status.example.org:443", "status.example.org:443=10.0.0.7", ":443=10.0.0.7:1"} {
		if _, err := loadConfig(env(map[string]string{"BADGED_EGRESS_CONNECT_TO": v})); err == nil || !strings.Contains(err.Error(), "BADGED_EGRESS_CONNECT_TO") {
			t.Errorf("%q: error %v", v, err)
		}
	}
	if !strings.Contains(envHelp(), "BADGED_EGRESS_CONNECT_TO") {
		t.Error("envHelp lacks BADGED_EGRESS_CONNECT_TO")
	}
}
