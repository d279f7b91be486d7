package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/badged/badged/devidp"
	"github.com/badged/badged/did"
	"github.com/badged/badged/openid4vci"
	"github.com/badged/badged/web/api"
)

// runOffer creates an OpenID4VCI credential offer for an issued award in
// the store serve uses, and prints its openid-credential-offer:// URI and
// transaction code, which the learner gives their wallet.
func runOffer(ctx context.Context, args []string, env *environment) error {
	cfg, err := loadConfig(env.getenv)
	if err != nil {
		return err
	}
	fs := newFlagSet(env, "offer", "--award ID [--data DIR] [--base-url URL] [--no-tx-code] | --demo [--server URL]",
		`Creates an OpenID4VCI credential offer (pre-authorized code) for an issued
award and prints its openid-credential-offer:// URI and, on the next line,
its transaction code. The offer is valid for ten minutes and once. The base
URL must be the one serve answers on. With the embedded bbolt store, run it
while the server is stopped: only one process can open the file.

With --demo it asks a running demo server (--server, default the base URL)
instead, as a learner would: it signs in as the demo learner Anna through
the demo provider, claims a badge waiting for her if she has none yet, and
asks for an offer of one of her badges.

`+envHelp())
	fs.StringVar(&cfg.DataDir, "data", cfg.DataDir, "data directory (BADGED_DATA)")
	fs.StringVar(&cfg.BaseURL, "base-url", cfg.BaseURL, "public URL of the server (BADGED_BASE_URL)")
	award := fs.String("award", "", "ID of the issued award to offer")
	noTx := fs.Bool("no-tx-code", false, "offer without a transaction code")
	demo := fs.Bool("demo", false, "ask a running demo server for an offer of the demo learner's badge")
	server := fs.String("server", "", "with --demo: the URL of the running server (default: the base URL)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("offer: unexpected arguments %q", fs.Args())
	}
	if *demo {
		if *award != "" {
			return errors.New("offer: --demo picks the demo learner's badge; leave out --award")
		}
		o, err := demoOffer(ctx, cmp.Or(*server, cfg.BaseURL, "http://localhost:8080"))
		if err != nil {
			return fmt.Errorf("offer: %w", err)
		}
		_, err = fmt.Fprintf(env.stdout, "%s\n%s\n", o.URI, o.TxCode)
		return err
	}
	if *server != "" {
		return errors.New("offer: --server goes with --demo")
	}
	if *award == "" {
		return errors.New("offer: --award is required")
	}
	if cfg.BaseURL == "" {
		return errors.New("offer: no base URL (--base-url or BADGED_BASE_URL)")
	}
	if _, err := os.Stat(cfg.DataDir); err != nil && cfg.DatabaseURL == "" {
		return fmt.Errorf("offer: data directory: %w", err)
	}
	st, closeStore, err := openStore(ctx, cfg, nil)
	if err != nil {
		return fmt.Errorf("offer: %w", err)
	}
	defer closeStore()
	if _, err := st.CredentialByAward(ctx, *award); err != nil {
		return fmt.Errorf("offer: award %s has no issued credential: %w", *award, err)
	}
	o, err := openid4vci.New(st, cfg.BaseURL, did.NewResolver(nil)).CreateOffer(ctx, *award, !*noTx)
	if err != nil {
		return fmt.Errorf("offer: %w", err)
	}
	_, err = fmt.Fprintf(env.stdout, "%s\n%s\n", o.URI, o.TxCode)
	return err
}

// demoOffer asks the demo server at base for an offer of one of the demo
// learner's badges, over its public HTTP API as the learner's browser and
// backpack would: sign-in through the demo provider, a claim of a waiting
// badge (accepting the demo institution's terms) when she holds none,
// then the offer.
func demoOffer(ctx context.Context, base string) (*api.Offer, error) {
	base = strings.TrimRight(base, "/")
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	call := func(method, path string, body, out any) error {
		var rd io.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			rd = strings.NewReader(string(b))
		}
		req, err := http.NewRequestWithContext(ctx, method, base+path, rd)
		if err != nil {
			return err
		}
		if rd != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := c.Do(req)
		if err != nil {
			return fmt.Errorf("no demo server answers at %s (start `badged serve`, or give --server): %w", base, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		if resp.StatusCode/100 != 2 {
			return fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, strings.TrimSpace(string(b)))
		}
		if out != nil {
			return json.Unmarshal(b, out)
		}
		return nil
	}
	anna := devidp.DemoUsers()[0]
	if err := call(http.MethodGet, "/login/demo-eduid?login_hint="+url.QueryEscape(anna.ID)+"&next=%2Fhealthz", nil, nil); err != nil {
		return nil, fmt.Errorf("sign in as the demo learner (is %s a demo server?): %w", base, err)
	}
	var holdings struct {
		Items []api.Holding `json:"holdings"`
	}
	if err := call(http.MethodGet, "/api/v1/me/holdings", nil, &holdings); err != nil {
		return nil, err
	}
	pick := func() string {
		for _, h := range holdings.Items {
			if h.AwardID != "" && h.State == "issued" {
				return h.ID
			}
		}
		return ""
	}
	if pick() == "" {
		var waiting struct{ Items []api.Award }
		if err := call(http.MethodGet, "/api/v1/me/awards?state=sent", nil, &waiting); err != nil {
			return nil, err
		}
		if len(waiting.Items) == 0 {
			return nil, errors.New("the demo learner has no badge and none waiting: award her one in the portal first")
		}
		if err := call(http.MethodPost, "/api/v1/me/awards/"+waiting.Items[0].ID+"/claim",
			map[string]string{"termsVersion": demoTerms.Version}, nil); err != nil {
			return nil, err
		}
		if err := call(http.MethodGet, "/api/v1/me/holdings", nil, &holdings); err != nil {
			return nil, err
		}
	}
	id := pick()
	if id == "" {
		return nil, errors.New("the demo learner's claimed badge is not issued yet: try again in a moment")
	}
	var o api.Offer
	if err := call(http.MethodPost, "/api/v1/me/holdings/"+id+"/offer", map[string]any{}, &o); err != nil {
		return nil, err
	}
	return &o, nil
}
