package egress

import (
	"net/netip"
	"testing"
)

func TestRefusedReason(t *testing.T) {
	tests := []struct {
		addr string
		want string
	}{
		{"127.0.0.1", "loopback"},
		{"127.8.9.10", "loopback"},
		{"::1", "loopback"},
		{"10.1.2.3", "private"},
		{"172.16.0.1", "private"},
		{"172.31.255.255", "private"},
		{"192.168.1.1", "private"},
		{"fc00::1", "private"},
		{"fd12:3456::1", "private"},
		{"169.254.169.254", "link-local"},
		{"169.254.0.1", "link-local"},
		{"fe80::1", "link-local"},
		{"fe80::1%eth0", "link-local"},
		{"0.0.0.0", "unspecified"},
		{"::", "unspecified"},
		{"224.0.0.1", "multicast"},
		{"239.255.255.250", "multicast"},
		{"ff02::1", "multicast"},
		{"100.64.0.1", "shared address space"},
		{"100.127.255.255", "shared address space"},
		{"0.1.2.3", "reserved"},
		{"198.18.0.1", "reserved"},
		{"240.0.0.1", "reserved"},
		{"255.255.255.255", "reserved"},
		{"::ffff:127.0.0.1", "loopback"},
		{"::ffff:169.254.169.254", "link-local"},
		{"::ffff:10.0.0.1", "private"},
		{"64:ff9b::a9fe:a9fe", "link-local via NAT64"},
		{"64:ff9b::7f00:1", "loopback via NAT64"},
		{"2002:7f00:1::1", "loopback via 6to4"},
		{"2002:a00:1::1", "private via 6to4"},
		// Public addresses.
		{"8.8.8.8", ""},
		{"172.32.0.1", ""},
		{"100.128.0.1", ""},
		{"192.0.2.1", ""}, // TEST-NET-1 is not routed, but not internal either
		{"2001:4860:4860::8888", ""},
		{"::ffff:8.8.8.8", ""},
		{"64:ff9b::808:808", ""},
		{"2002:808:808::1", ""},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			if got := refusedReason(netip.MustParseAddr(tt.addr)); got != tt.want {
				t.Errorf("refusedReason(%s) = %q, want %q", tt.addr, got, tt.want)
			}
		})
	}
}

func TestHostAllowed(t *testing.T) {
	allowed := map[string]bool{}
	for _, h := range []string{"Example.com", "127.0.0.1:8443", "[::1]", "[fd00::1]:443"} {
		allowed[normalizeHost(h)] = true
	}
	tests := []struct {
		addr string
		want bool
	}{
		{"example.com:443", true},
		{"EXAMPLE.COM:80", true},
		{"127.0.0.1:8443", true},
		{"127.0.0.1:8444", false},
		{"[::1]:80", true},
		{"[fd00::1]:443", true},
		{"[fd00::1]:80", false},
		{"other.example:443", false},
		{"garbage", false},
	}
	for _, tt := range tests {
		if got := hostAllowed(allowed, tt.addr); got != tt.want {
			t.Errorf("hostAllowed(%s) = %v, want %v", tt.addr, got, tt.want)
		}
	}
}
