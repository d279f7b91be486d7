// Package metrics is badged's Prometheus metrics: one registry per server
// with the families an operator watches (HTTP requests by route and status
// with their latency, verifications by result, award events, mail
// attempts, bulk job progress, store latency, cache hits and misses, and
// gauges read when scraped, such as the outbox's due mails), plus the Go
// runtime's and the process's. Every method of a nil *Metrics does nothing, so that code
// that records need not ask whether metrics are on.
package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/badged/badged/cache"
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
	mails         *prometheus.CounterVec
	bulkRows      prometheus.Counter
	bulkJobs      *prometheus.CounterVec
	store         *prometheus.HistogramVec
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
	m.mails = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "badged_mail_attempts_total",
		Help: "Mails the outbox tried to send, by outcome (sent, retrying, failed: given up)."}, []string{"outcome"})
	m.bulkRows = prometheus.NewCounter(prometheus.CounterOpts{Name: "badged_bulk_rows_awarded_total",
		Help: "Rows of bulk award jobs awarded."})
	m.bulkJobs = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "badged_bulk_jobs_total",
		Help: "Bulk award jobs ended, by state (done, failed)."}, []string{"state"})
	m.store = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "badged_store_seconds",
		Help:    "Time the store takes, by store (bolt, postgres) and operation (bolt: commit of a group of writes; postgres: the statement's kind).",
		Buckets: prometheus.ExponentialBuckets(0.0001, 2, 16)}, []string{"store", "op"})
	// Every outcome is exposed from the start, at zero.
	for _, o := range []string{"sent", "retrying", "failed"} {
		m.mails.WithLabelValues(o)
	}
	for _, st := range []string{"done", "failed"} {
		m.bulkJobs.WithLabelValues(st)
	}
	m.reg.MustRegister(m.requests, m.duration, m.verifications, m.awards, m.mails, m.bulkRows, m.bulkJobs, m.store, cacheCollector{},
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

// MailRound records a delivery round's outcomes.
func (m *Metrics) MailRound(sent, retrying, failed int) {
	if m == nil {
		return
	}
	m.mails.WithLabelValues("sent").Add(float64(sent))
	m.mails.WithLabelValues("retrying").Add(float64(retrying))
	m.mails.WithLabelValues("failed").Add(float64(failed))
}

// BulkProgress records rows of a bulk job awarded, or, with a state, a
// job's end.
func (m *Metrics) BulkProgress(rows int, state string) {
	if m == nil {
		return
	}
	m.bulkRows.Add(float64(rows))
	if state != "" {
		m.bulkJobs.WithLabelValues(state).Inc()
	}
}

// StoreTime records how long an operation of a store took.
func (m *Metrics) StoreTime(store, op string, took time.Duration) {
	if m == nil {
		return
	}
	m.store.WithLabelValues(store, op).Observe(took.Seconds())
}

// cacheCollector reports the lookups of badged's named caches (package
// cache), read when scraped.
type cacheCollector struct{}

var cacheDesc = prometheus.NewDesc("badged_cache_lookups_total",
	"Lookups in badged's caches (DID documents, status lists, verified content, ...), by cache and outcome (hit, miss).",
	[]string{"cache", "outcome"}, nil)

func (cacheCollector) Describe(ch chan<- *prometheus.Desc) { ch <- cacheDesc }

func (cacheCollector) Collect(ch chan<- prometheus.Metric) {
	for name, c := range cache.Lookups() {
		ch <- prometheus.MustNewConstMetric(cacheDesc, prometheus.CounterValue, float64(c.Hits), name, "hit")
		ch <- prometheus.MustNewConstMetric(cacheDesc, prometheus.CounterValue, float64(c.Misses), name, "miss")
	}
}

// Gauge adds a gauge read by f at each scrape, such as the outbox's depth.
func (m *Metrics) Gauge(name, help string, f func() float64) {
	if m == nil {
		return
	}
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, f))
}
