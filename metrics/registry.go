package metrics

import (
	"bytes"
	"compress/gzip"
	"log/slog"
	"net/http"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/common/expfmt"
)

// NewRegistry returns a registry of our own with the Go and process
// collectors and incidents_build_info for version.
func NewRegistry(version string) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		BuildInfo(version),
	)
	return reg
}

// BuildInfo returns the incidents_build_info gauge, always 1, labelled
// with the version, the VCS revision (when the binary records one) and the
// Go version.
func BuildInfo(version string) prometheus.Collector {
	revision := "unknown"
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				revision = s.Value
			}
		}
	}
	g := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "incidents_build_info",
		Help:        "A metric with a constant '1' value labelled by the version, revision and Go version incidents was built from.",
		ConstLabels: prometheus.Labels{"version": version, "revision": revision, "goversion": runtime.Version()},
	})
	g.Set(1)
	return g
}

// Exporter is what /metrics serves: a registry of our own (Go, process,
// build info, pipeline and whatever else is registered on it) and the data
// collector, which is kept out of the registry so that its snapshot's
// pre-rendered text is served as is.
type Exporter struct {
	// Registry takes the other collectors, such as the alert counters.
	Registry *prometheus.Registry
	Data     *Data
	Pipeline *Pipeline
	dataReg  *prometheus.Registry
	logger   *slog.Logger
	bufs     sync.Pool
}

// NewExporter builds the registry, the pipeline metrics and an empty data
// collector. logger receives gathering errors.
func NewExporter(version string, logger *slog.Logger) (*Exporter, error) {
	e := &Exporter{Registry: NewRegistry(version), Data: NewData(), dataReg: prometheus.NewRegistry(), logger: logger}
	var err error
	if e.Pipeline, err = NewPipeline(e.Registry); err != nil {
		return nil, err
	}
	if err := e.dataReg.Register(e.Data); err != nil {
		return nil, err
	}
	e.bufs.New = func() any { return new(bytes.Buffer) }
	return e, nil
}

// Gatherer gathers everything the exporter serves, through client_golang
// (for tests and linting; the handler does not use it for the data).
func (e *Exporter) Gatherer() prometheus.Gatherer {
	return prometheus.Gatherers{e.Registry, e.dataReg}
}

// ServeHTTP serves the metrics in the text format, version 0.0.4, gzipped
// when the client accepts it: the registry is gathered and encoded, then
// the snapshot's pre-rendered text is appended.
func (e *Exporter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	mfs, err := e.Registry.Gather()
	if err != nil {
		e.logger.Error("gather metrics", "err", err) // the rest is still served
	}
	buf := e.bufs.Get().(*bytes.Buffer)
	defer e.bufs.Put(buf)
	buf.Reset()
	enc := expfmt.NewEncoder(buf, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, mf := range mfs {
		if err := enc.Encode(mf); err != nil {
			e.logger.Error("encode metrics", "family", mf.GetName(), "err", err)
		}
	}
	snap := e.Data.Snapshot()
	w.Header().Set("Content-Type", string(expfmt.NewFormat(expfmt.TypeTextPlain)))
	if !acceptsGzip(r) {
		w.Write(buf.Bytes())
		w.Write(snap.plainText())
		return
	}
	w.Header().Set("Content-Encoding", "gzip")
	zw := gzipWriters.Get().(*gzip.Writer)
	defer gzipWriters.Put(zw)
	zw.Reset(w)
	zw.Write(buf.Bytes())
	zw.Close()
	w.Write(snap.gzipText()) // a second gzip member
}

var gzipWriters = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	return zw
}}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		if enc, _, _ := strings.Cut(strings.TrimSpace(part), ";"); enc == "gzip" {
			return true
		}
	}
	return false
}
