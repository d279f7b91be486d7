package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"golang.org/x/crypto/acme/autocert"
)

// serverTLS returns how serve speaks https: with the operator's
// certificate (cfg.TLSCert, cfg.TLSKey), or with certificates for
// cfg.ACMEHosts got automatically from Let's Encrypt and cached in
// DataDir/acme (then the manager is returned too, for its HTTP-01
// challenge handler); nil when serve speaks plain http. It reaches no
// network: certificates are got at the first handshake that needs one,
// and only for the listed hosts.
func serverTLS(cfg Config) (*tls.Config, *autocert.Manager, error) {
	switch {
	case cfg.TLSCert != "":
		cert, err := tls.LoadX509KeyPair(cfg.TLSCert, cfg.TLSKey)
		if err != nil {
			return nil, nil, fmt.Errorf("--tls-cert/--tls-key (BADGED_TLS_CERT/BADGED_TLS_KEY): %v", err)
		}
		return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, nil, nil
	case len(cfg.ACMEHosts) > 0:
		for _, h := range cfg.ACMEHosts {
			if loopbackURL("https://"+h) || net.ParseIP(h) != nil || !strings.Contains(h, ".") {
				return nil, nil, fmt.Errorf("--acme-host (BADGED_ACME_HOSTS): %q is not a public host name a certificate can be got for", h)
			}
		}
		if u, err := url.Parse(cfg.BaseURL); cfg.BaseURL != "" && (err != nil || u.Scheme != "https" || !slices.Contains(cfg.ACMEHosts, strings.ToLower(u.Hostname()))) {
			return nil, nil, fmt.Errorf("BADGED_BASE_URL %s is not https on one of the --acme-host names (BADGED_ACME_HOSTS) %s", cfg.BaseURL, strings.Join(cfg.ACMEHosts, ", "))
		}
		m := &autocert.Manager{
			Prompt:     autocert.AcceptTOS,
			Cache:      autocert.DirCache(filepath.Join(cfg.DataDir, "acme")),
			HostPolicy: autocert.HostWhitelist(cfg.ACMEHosts...),
		}
		c := m.TLSConfig()
		c.MinVersion = tls.VersionTLS12
		return c, m, nil
	}
	return nil, nil, nil
}

// answerACME listens on cfg.ACMEHTTPAddr and answers there the ACME
// HTTP-01 challenges of m, and redirects every other request to https,
// until ctx ends; wait waits for that end.
func answerACME(ctx context.Context, cfg Config, m *autocert.Manager, log *slog.Logger) (wait func(), err error) {
	l, err := net.Listen("tcp", cfg.ACMEHTTPAddr)
	if err != nil {
		return nil, fmt.Errorf("the ACME challenge listener (BADGED_ACME_HTTP_ADDR): %w", err)
	}
	log.Info("answering ACME challenges", "addr", l.Addr().String(), "hosts", cfg.ACMEHosts)
	done := make(chan struct{})
	go func() { defer close(done); serveACMEChallenge(ctx, l, m, log) }()
	return func() { <-done }, nil
}

// serveACMEChallenge answers the ACME HTTP-01 challenge of m on l, and
// redirects every other request to https, until ctx ends.
func serveACMEChallenge(ctx context.Context, l net.Listener, m *autocert.Manager, log *slog.Logger) {
	hs := &http.Server{Handler: m.HTTPHandler(nil), ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout: 10 * time.Second, WriteTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		hs.Shutdown(sctx)
	}()
	if err := hs.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Error("ACME challenge listener", "err", err)
	}
}

// defaultBaseURL is the base URL when BADGED_BASE_URL is not set: the
// first ACME host name, or else the listener's address (see
// localBaseURL), over https when serve speaks it.
func defaultBaseURL(cfg Config, addr net.Addr) string {
	base := localBaseURL(addr)
	if len(cfg.ACMEHosts) > 0 {
		base = "https://" + cfg.ACMEHosts[0]
		if _, port, err := net.SplitHostPort(addr.String()); err == nil && port != "443" {
			base += ":" + port
		}
		return base
	}
	if cfg.TLSCert != "" {
		base = "https://" + strings.TrimPrefix(base, "http://")
	}
	return base
}
