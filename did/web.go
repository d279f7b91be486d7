package did

import (
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"

	"github.com/badged/badged"
)

// WebDID returns the did:web for a host (a domain name, optionally with
// ":port") and optional path segments: WebDID("example.com") is
// "did:web:example.com", WebDID("example.com:8443", "u", "alice") is
// "did:web:example.com%3A8443:u:alice". The input is escaped but not
// validated; [WebURL] validates.
func WebDID(host string, path ...string) string {
	var b strings.Builder
	b.WriteString("did:web:")
	b.WriteString(escapeColon(host))
	for _, p := range path {
		b.WriteByte(':')
		b.WriteString(escapeColon(url.PathEscape(p)))
	}
	return b.String()
}

func escapeColon(s string) string { return strings.ReplaceAll(s, ":", "%3A") }

// WebURL returns the https URL of a did:web's document:
// did:web:example.com is https://example.com/.well-known/did.json,
// did:web:example.com:u:alice is https://example.com/u/alice/did.json, and
// a port is written %3A (did:web:example.com%3A8443). A string that is not
// such a DID — another method, a fragment, query or slash, an empty
// segment, an IP address (the did:web specification forbids them), a bad
// port — is an error of kind badged.Invalid.
func WebURL(did string) (string, error) {
	msid, ok := strings.CutPrefix(did, "did:web:")
	if !ok {
		return "", badged.Errorf(badged.Invalid, "%s is not a did:web", short(did))
	}
	if strings.ContainsAny(msid, "/?#") {
		return "", badged.Errorf(badged.Invalid, "did:web %s: DID URLs (path, query, fragment) are not DIDs", short(did))
	}
	parts := strings.Split(msid, ":")
	host, err := url.PathUnescape(parts[0])
	if err != nil || !validWebHost(host) {
		return "", badged.Errorf(badged.Invalid, "did:web %s: %q is not a domain name with an optional port", short(did), parts[0])
	}
	var u strings.Builder
	u.WriteString("https://")
	u.WriteString(strings.ToLower(host))
	for _, p := range parts[1:] {
		seg, err := url.PathUnescape(p)
		if err != nil || seg == "" || seg == "." || seg == ".." || strings.Contains(seg, "/") {
			return "", badged.Errorf(badged.Invalid, "did:web %s: path segment %q is not allowed", short(did), p)
		}
		u.WriteByte('/')
		u.WriteString(url.PathEscape(seg))
	}
	if len(parts) == 1 {
		u.WriteString("/.well-known")
	}
	u.WriteString("/did.json")
	return u.String(), nil
}

// validWebHost reports whether host is a domain name, with an optional
// port, and not an IP address.
func validWebHost(host string) bool {
	name := host
	if h, port, err := net.SplitHostPort(host); err == nil {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 || port[0] == '0' {
			return false
		}
		name = h
	}
	if name == "" || len(name) > 253 {
		return false
	}
	if _, err := netip.ParseAddr(name); err == nil {
		return false
	}
	for _, label := range strings.Split(strings.TrimSuffix(name, "."), ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, c := range label {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// WebDocument returns the did:web document badged serves for an issuer:
// current and every retired key are listed under verificationMethod and
// assertionMethod, so credentials signed before a rotation keep verifying;
// only current is listed under authentication. Methods must be Multikey
// (see [NewMultikeyMethod]), with ids of the form did#fragment (or
// "#fragment", made absolute) and did as controller (filled in when empty).
// A did that is not a valid did:web, a method that breaks those rules or
// holds a bad key, or a duplicate id is an error of kind badged.Invalid.
func WebDocument(did string, current VerificationMethod, retired ...VerificationMethod) (*Document, error) {
	if _, err := WebURL(did); err != nil {
		return nil, err
	}
	doc := &Document{
		Context: []any{ContextDIDv1, ContextMultikey},
		ID:      did,
	}
	seen := make(map[string]bool)
	for i, vm := range append([]VerificationMethod{current}, retired...) {
		vm = vm.clone()
		if strings.HasPrefix(vm.ID, "#") {
			vm.ID = did + vm.ID
		}
		if frag, ok := strings.CutPrefix(vm.ID, did+"#"); !ok || frag == "" {
			return nil, badged.Errorf(badged.Invalid, "verification method %s is not in %s", short(vm.ID), did)
		}
		if vm.Controller == "" {
			vm.Controller = did
		}
		if vm.Controller != did {
			return nil, badged.Errorf(badged.Invalid, "verification method %s: controller %s is not %s", short(vm.ID), short(vm.Controller), did)
		}
		if vm.Type != "Multikey" {
			return nil, badged.Errorf(badged.Invalid, "verification method %s: type %q, want Multikey", short(vm.ID), vm.Type)
		}
		if _, err := vm.PublicKey(); err != nil {
			return nil, err
		}
		if seen[vm.ID] {
			return nil, badged.Errorf(badged.Invalid, "verification method %s is listed twice", short(vm.ID))
		}
		seen[vm.ID] = true
		doc.VerificationMethod = append(doc.VerificationMethod, vm)
		doc.AssertionMethod = append(doc.AssertionMethod, MethodRef{ID: vm.ID})
		if i == 0 {
			doc.Authentication = []MethodRef{{ID: vm.ID}}
		}
	}
	return doc, nil
}
