package metrics

import (
	"bytes"
	"compress/gzip"
	"math"
	"strconv"
	"strings"
	"sync"
)

// The data metrics of a snapshot do not change between runs, so a snapshot
// renders them once in the text exposition format (the same bytes
// client_golang would write, as TestTextMatchesClientGolang checks) and
// every scrape writes those bytes: a scrape of 10,000 series costs no
// per-series work.

// family is one metric family of the data metrics in text form.
type family struct {
	name, help, typ string
}

// sortedLabels are seriesLabels in the alphabetical order of the text
// format, with the index of each in value.labels.
var sortedLabels = []struct {
	name string
	idx  int
}{{"category", 3}, {"metric", 4}, {"publisher", 1}, {"region", 2}, {"source", 0}}

// text renders the data metrics of s; families come in name order, like
// client_golang's.
func (s *Snapshot) text() []byte {
	var b bytes.Buffer
	b.Grow(len(s.values) * 4 * 160)
	s.writeSeries(&b, family{"incidents_change_ratio", ratioHelp, "gauge"}, func(v *value) (float64, bool) { return v.ratio, v.hasRatio })
	s.writeFigures(&b)
	if s.influx {
		writeHeader(&b, family{"incidents_influxdb_backlog_points", backlogHelp, "gauge"})
		b.WriteString("incidents_influxdb_backlog_points ")
		writeFloat(&b, float64(s.backlog))
		b.WriteByte('\n')
	}
	s.writeSeries(&b, family{"incidents_latest_period_start_timestamp_seconds", latestStartHelp, "gauge"}, func(v *value) (float64, bool) { return v.start, true })
	s.writeSeries(&b, family{"incidents_latest_value", latestHelp, "gauge"}, func(v *value) (float64, bool) { return v.latest, true })
	s.writeSeries(&b, family{"incidents_previous_value", previousHelp, "gauge"}, func(v *value) (float64, bool) { return v.previous, v.hasPrev })
	if !s.taken.IsZero() {
		writeHeader(&b, family{"incidents_snapshot_timestamp_seconds", snapshotHelp, "gauge"})
		b.WriteString("incidents_snapshot_timestamp_seconds ")
		writeFloat(&b, float64(s.taken.Unix()))
		b.WriteByte('\n')
	}
	return b.Bytes()
}

func (s *Snapshot) writeSeries(b *bytes.Buffer, f family, get func(*value) (float64, bool)) {
	header := false
	for i := range s.values {
		v := &s.values[i]
		x, ok := get(v)
		if !ok {
			continue
		}
		if !header {
			writeHeader(b, f)
			header = true
		}
		b.WriteString(f.name)
		for j, l := range sortedLabels {
			if j == 0 {
				b.WriteByte('{')
			} else {
				b.WriteByte(',')
			}
			writeLabel(b, l.name, v.labels[l.idx])
		}
		b.WriteString("} ")
		writeFloat(b, x)
		b.WriteByte('\n')
	}
}

func (s *Snapshot) writeFigures(b *bytes.Buffer) {
	if len(s.figures) == 0 {
		return
	}
	writeHeader(b, family{"incidents_figures_extracted_total", figuresHelp, "counter"})
	for _, c := range s.figures {
		b.WriteString("incidents_figures_extracted_total{")
		writeLabel(b, "metric", c.Metric)
		b.WriteByte(',')
		writeLabel(b, "source", c.Source)
		b.WriteString("} ")
		writeFloat(b, float64(c.N))
		b.WriteByte('\n')
	}
}

var (
	helpEscaper  = strings.NewReplacer(`\`, `\\`, "\n", `\n`)
	labelEscaper = strings.NewReplacer(`\`, `\\`, "\n", `\n`, `"`, `\"`)
)

func writeHeader(b *bytes.Buffer, f family) {
	b.WriteString("# HELP ")
	b.WriteString(f.name)
	b.WriteByte(' ')
	helpEscaper.WriteString(b, f.help)
	b.WriteString("\n# TYPE ")
	b.WriteString(f.name)
	b.WriteByte(' ')
	b.WriteString(f.typ)
	b.WriteByte('\n')
}

func writeLabel(b *bytes.Buffer, name, val string) {
	b.WriteString(name)
	b.WriteString(`="`)
	labelEscaper.WriteString(b, val)
	b.WriteByte('"')
}

// writeFloat writes f as the text format does.
func writeFloat(b *bytes.Buffer, f float64) {
	switch {
	case math.IsNaN(f):
		b.WriteString("NaN")
	case math.IsInf(f, +1):
		b.WriteString("+Inf")
	case math.IsInf(f, -1):
		b.WriteString("-Inf")
	default:
		var num [32]byte
		b.Write(strconv.AppendFloat(num[:0], f, 'g', -1, 64))
	}
}

// rendered holds the text of a snapshot, plain and gzipped, made on first
// use.
type rendered struct {
	once       sync.Once
	plain      []byte
	gzipOnce   sync.Once
	compressed []byte
}

func (s *Snapshot) plainText() []byte {
	s.r.once.Do(func() { s.r.plain = s.text() })
	return s.r.plain
}

// gzipText returns the text as one gzip member; gzip readers read
// concatenated members as one stream.
func (s *Snapshot) gzipText() []byte {
	s.r.gzipOnce.Do(func() {
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestSpeed)
		zw.Write(s.plainText())
		zw.Close()
		s.r.compressed = b.Bytes()
	})
	return s.r.compressed
}
