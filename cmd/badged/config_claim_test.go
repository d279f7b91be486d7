package main

import (
	"slices"
	"strings"
	"testing"
)

func TestClaimPeriodConfig(t *testing.T) {
	env := func(vars map[string]string) func(string) string { return func(k string) string { return vars[k] } }
	c, err := loadConfig(env(nil))
	if err != nil || c.ClaimDays != 82 || !slices.Equal(c.ReminderDays, []int{62, 42}) {
		t.Errorf("defaults: %d days, reminders %v, %v", c.ClaimDays, c.ReminderDays, err)
	}
	for _, tt := range []struct {
		claim, reminders string
		days             int
		want             []int
		err              string
	}{
		{"30", "14, 7,1", 30, []int{14, 7, 1}, ""},
		{"30", "none", 30, []int{}, ""},
		{"", "30", 82, []int{30}, ""},
		{"0", "", 0, nil, "BADGED_CLAIM_DAYS"},
		{"x", "", 0, nil, "BADGED_CLAIM_DAYS"},
		{"", "62,,42", 0, nil, "BADGED_REMINDER_DAYS"},
		{"", "62,62", 0, nil, "listed twice"},
		{"", "-3", 0, nil, "BADGED_REMINDER_DAYS"},
		{"30", "", 0, nil, "before the claim period"}, // default reminders at 62 and 42 days left
		{"30", "30", 0, nil, "before the claim period"},
	} {
		c, err := loadConfig(env(map[string]string{"BADGED_CLAIM_DAYS": tt.claim, "BADGED_REMINDER_DAYS": tt.reminders}))
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%q/%q: error %v, want one about %s", tt.claim, tt.reminders, err, tt.err)
			}
			continue
		}
		if err != nil || c.ClaimDays != tt.days || !slices.Equal(c.ReminderDays, tt.want) {
			t.Errorf("%q/%q: %d days, reminders %v, %v", tt.claim, tt.reminders, c.ClaimDays, c.ReminderDays, err)
		}
	}
	if h := envHelp(); !strings.Contains(h, "BADGED_CLAIM_DAYS") || !strings.Contains(h, "BADGED_REMINDER_DAYS") {
		t.Error("envHelp lacks the claim settings")
	}
}
