// Package metrics is badged's Prometheus metrics: one registry per server
// with the families an operator watches (HTTP requests by route and status
// with their latency, verifications by result, award events, cache hits
// and misses, and gauges read when scraped), plus the Go runtime's and the
// process's. Every method of a nil *Metrics does nothing, so that code
// that records need not ask whether metrics are on.
package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds the families badged exposes.
type Metrics struct {
	reg           *prometheus.Registry
	requests      *prometheus.CounterVec
	duration      *prometheus.HistogramVec
	verifications *prometheus.CounterVec
	awards        *prometheus.CounterVec
	cache         *prometheus.CounterVec
}

// New returns the metrics on a fresh registry.
func New() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "badged_http_requests_total",
		Help: "HTTP requests answered, by route pattern, method and status."}, []string{"route", "method", "status"})
	m.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "badged_http_request_duration_seconds",
		Help: "Time to answer an HTTP request, by route pattern and method.", Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16)},
		[]string{"route", "method"})
	m.verifications = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "badged_verifications_total",
		Help: "Credentials and presentations verified, by result (valid, invalid, unknown)."}, []string{"result"})
	m.awards = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "badged_award_events_total",
		Help: "Award state changes and reminders, by event (requested, approved, sent, claimed, revoked, ...)."}, []string{"event"})
	m.cache = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "badged_cache_lookups_total",
		Help: "Lookups in badged's caches (DID documents, status lists), by cache and outcome (hit, miss)."}, []string{"cache", "outcome"})
	m.reg.MustRegister(m.requests, m.duration, m.verifications, m.awards, m.cache,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}

// Request records an answered HTTP request: route is the router's
// pattern (never the raw path, which would make a family per URL).
func (m *Metrics) Request(route, method string, status int, took time.Duration) {
	if m == nil {
		return
	}
	if route == "" {
		route = "unmatched"
	}
	m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(route, method).Observe(took.Seconds())
}

// Verified records a verification's result.
func (m *Metrics) Verified(result string) {
	if m == nil {
		return
	}
	m.verifications.WithLabelValues(result).Inc()
}

// AwardEvent records an award event of kind event.
func (m *Metrics) AwardEvent(event string) {
	if m == nil {
		return
	}
	m.awards.WithLabelValues(event).Inc()
}

// CacheLookup records a lookup in cache name.
func (m *Metrics) CacheLookup(name string, hit bool) {
	if m == nil {
		return
	}
	outcome := "miss"
	if hit {
		outcome = "hit"
	}
	m.cache.WithLabelValues(name, outcome).Inc()
}

// Gauge adds a gauge read by f at each scrape, such as the outbox's depth.
func (m *Metrics) Gauge(name, help string, f func() float64) {
	if m == nil {
		return
	}
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, f))
}
