package main

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/badged/badged/verifier"
	"github.com/badged/badged/web"
)

func TestThrottleConfig(t *testing.T) {
	env := func(vars map[string]string) func(string) string { return func(k string) string { return vars[k] } }
	c, err := loadConfig(env(nil))
	if err != nil || !slices.Equal(c.Throttle.TrustedProxies, nil) || c.Throttle.Verify != web.DefaultThrottle().Verify ||
		c.VerifyLimits != verifier.DefaultLimits() {
		t.Errorf("defaults: %+v, %+v, %v", c.Throttle, c.VerifyLimits, err)
	}
	c, err = loadConfig(env(map[string]string{
		"BADGED_MAX_VERIFICATIONS": "8", "BADGED_RATE_VERIFY": "120", "BADGED_RATE_TOKEN": "-1", "BADGED_RATE_LOGIN": "10",
		"BADGED_TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.7", "BADGED_VERIFY_DEADLINE": "3s", "BADGED_VERIFY_PARALLEL": "2",
	}))
	want := web.Throttle{Verifications: 8, Verify: 120, Token: -1, Login: 10,
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.0.2.7/32")}}
	if err != nil || c.Throttle.Verifications != want.Verifications || c.Throttle.Verify != want.Verify ||
		c.Throttle.Token != want.Token || c.Throttle.Login != want.Login || !slices.Equal(c.Throttle.TrustedProxies, want.TrustedProxies) {
		t.Errorf("got %+v, want %+v (%v)", c.Throttle, want, err)
	}
	if c.VerifyLimits.Deadline != 3*time.Second || c.VerifyLimits.Parallel != 2 {
		t.Errorf("verify limits %+v", c.VerifyLimits)
	}
	for name, v := range map[string]string{
		"BADGED_RATE_VERIFY": "0", "BADGED_MAX_VERIFICATIONS": "-5", "BADGED_RATE_LOGIN": "many",
		"BADGED_TRUSTED_PROXIES": "proxy.example", "BADGED_VERIFY_DEADLINE": "-1s", "BADGED_VERIFY_PARALLEL": "0",
	} {
		if _, err := loadConfig(env(map[string]string{name: v})); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s=%s: error %v", name, v, err)
		}
	}
	h := envHelp()
	for _, name := range []string{"BADGED_MAX_VERIFICATIONS", "BADGED_RATE_VERIFY", "BADGED_RATE_TOKEN", "BADGED_RATE_LOGIN",
		"BADGED_TRUSTED_PROXIES", "BADGED_VERIFY_DEADLINE", "BADGED_VERIFY_PARALLEL"} {
		if !strings.Contains(h, name) {
			t.Errorf("envHelp lacks %s", name)
		}
	}
}
