package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/incidents-dev/incidents/collector"
)

// Results of a run or of one source's fetch within a run.
const (
	ResultSuccess     = "success"
	ResultFailure     = "failure"
	ResultInterrupted = "interrupted"
)

// Pipeline holds the metrics of collection runs. Observe updates them from
// a run's summary.
type Pipeline struct {
	runs          *prometheus.CounterVec
	lastRun       prometheus.Gauge
	lastSuccess   *prometheus.GaugeVec // no labels: absent until a run succeeds
	duration      prometheus.Histogram
	fetches       *prometheus.CounterVec
	sourceSuccess *prometheus.GaugeVec
	documents     *prometheus.CounterVec
	// InfluxPointsWritten counts the points InfluxDB acknowledged; the
	// InfluxDB writer adds to it.
	InfluxPointsWritten prometheus.Counter
}

// NewPipeline creates the run metrics and registers them on reg.
func NewPipeline(reg prometheus.Registerer) (*Pipeline, error) {
	p := &Pipeline{
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "incidents_collector_runs_total", Help: "Collection runs, by result (success, failure or interrupted).",
		}, []string{"result"}),
		lastRun: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "incidents_collector_last_run_timestamp_seconds", Help: "When the last collection run ended, in unix seconds.",
		}),
		lastSuccess: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "incidents_collector_last_success_timestamp_seconds", Help: "When the last successful collection run ended, in unix seconds.",
		}, nil),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "incidents_collector_run_duration_seconds", Help: "Duration of collection runs.",
			Buckets: []float64{0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1800},
		}),
		fetches: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "incidents_source_fetches_total", Help: "Runs of each source, by result (success, failure or interrupted).",
		}, []string{"source", "result"}),
		sourceSuccess: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "incidents_source_last_success_timestamp_seconds", Help: "When each source last ran without failure, in unix seconds.",
		}, []string{"source"}),
		documents: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "incidents_documents_total", Help: "Documents seen by the collector, by source and state (new, unchanged or failed).",
		}, []string{"source", "state"}),
		InfluxPointsWritten: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "incidents_influxdb_points_written_total", Help: "Series points written to InfluxDB.",
		}),
	}
	for _, r := range []string{ResultSuccess, ResultFailure, ResultInterrupted} {
		p.runs.WithLabelValues(r)
	}
	for _, c := range []prometheus.Collector{p.runs, p.lastRun, p.lastSuccess, p.duration, p.fetches, p.sourceSuccess, p.documents, p.InfluxPointsWritten} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// Observe records a run that ended at end.
func (p *Pipeline) Observe(sum collector.Summary, end time.Time) {
	ts := float64(end.UnixNano()) / 1e9
	p.runs.WithLabelValues(runResult(sum)).Inc()
	p.lastRun.Set(ts)
	if sum.OK() {
		p.lastSuccess.WithLabelValues().Set(ts)
	}
	p.duration.Observe(sum.Duration.Seconds())
	for _, s := range sum.Sources {
		result := sourceResult(s)
		p.fetches.WithLabelValues(s.Source, result).Inc()
		if result == ResultSuccess {
			p.sourceSuccess.WithLabelValues(s.Source).Set(ts)
		}
		p.documents.WithLabelValues(s.Source, "new").Add(float64(s.New))
		p.documents.WithLabelValues(s.Source, "unchanged").Add(float64(s.Unchanged))
		p.documents.WithLabelValues(s.Source, "failed").Add(float64(s.Failed))
	}
}

func sourceResult(s collector.SourceSummary) string {
	switch {
	case s.OK():
		return ResultSuccess
	case s.Interrupted && s.Failed == 0 && len(s.Errors) == 0:
		return ResultInterrupted
	default:
		return ResultFailure
	}
}

// runResult is failure when a source failed, interrupted when the run was
// stopped without failures, success otherwise.
func runResult(sum collector.Summary) string {
	result := ResultSuccess
	for _, s := range sum.Sources {
		switch sourceResult(s) {
		case ResultFailure:
			return ResultFailure
		case ResultInterrupted:
			result = ResultInterrupted
		}
	}
	return result
}
