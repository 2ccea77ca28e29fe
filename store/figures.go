package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/incidents-dev/incidents/parser"
)

// A document's observations are stored as one value on its row
// (documents.figures) rather than one row each: inserting a row costs
// SQLite several microseconds whatever its size, and a report carries
// tens of figures, which made the observation rows most of the cost of a
// backfill. The accepted series (points, revisions) refer to an
// observation by its document and its index in this list (seq).
//
// Format, version 1, all integers as varints (encoding/binary):
//
//	byte     format version (1)
//	uvarint  number of strings, then each string: uvarint length, bytes
//	uvarint  number of figures, then each figure:
//	         uvarint  string index of period, metric, category, region,
//	                  qualifier and evidence sentence (six indexes)
//	         varint   value
//	         uvarint  evidence start; uvarint evidence end - start
//	         8 bytes  confidence (IEEE 754, little endian)
//
// Strings are stored once per document: a report repeats its period,
// metrics, regions and sentences across figures.
const figuresFormat = 1

// EncodeFigures encodes a document's figures, in order, as Ingest stores
// them. Callers that parse documents in parallel can encode there and pass
// the result in Ingest.Encoded, taking that work off the single writer.
func EncodeFigures(figs []parser.Figure) []byte {
	if len(figs) == 0 {
		return nil
	}
	var e figureEncoder
	e.index = make(map[string]uint64, 4*len(figs))
	refs := make([]uint64, 0, 6*len(figs))
	for i := range figs {
		f := &figs[i]
		refs = append(refs, e.ref(f.Period), e.ref(f.Metric), e.ref(f.Category), e.ref(f.Region),
			e.ref(f.Qualifier), e.ref(f.Evidence.Text))
	}
	size := 1 + binary.MaxVarintLen64*(2+len(e.strings)) + e.bytes + len(figs)*(6+3*binary.MaxVarintLen64+8)
	buf := make([]byte, 0, size)
	buf = append(buf, figuresFormat)
	buf = binary.AppendUvarint(buf, uint64(len(e.strings)))
	for _, s := range e.strings {
		buf = binary.AppendUvarint(buf, uint64(len(s)))
		buf = append(buf, s...)
	}
	buf = binary.AppendUvarint(buf, uint64(len(figs)))
	for i := range figs {
		f := &figs[i]
		for _, r := range refs[6*i : 6*i+6] {
			buf = binary.AppendUvarint(buf, r)
		}
		buf = binary.AppendVarint(buf, f.Value)
		buf = binary.AppendUvarint(buf, uint64(max(f.Evidence.Start, 0)))
		buf = binary.AppendUvarint(buf, uint64(max(f.Evidence.End-f.Evidence.Start, 0)))
		buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(f.Confidence))
	}
	return buf
}

// figureEncoder collects the distinct strings of a document's figures.
type figureEncoder struct {
	index   map[string]uint64
	strings []string
	bytes   int
}

func (e *figureEncoder) ref(s string) uint64 {
	if i, ok := e.index[s]; ok {
		return i
	}
	i := uint64(len(e.strings))
	e.index[s] = i
	e.strings = append(e.strings, s)
	e.bytes += len(s)
	return i
}

// errFigures reports a figures value that is not in the stored format.
var errFigures = errors.New("malformed figures value")

// decodeFigures decodes a value written by EncodeFigures. An empty value is
// a document without figures.
func decodeFigures(b []byte) ([]parser.Figure, error) {
	l, err := parseFigures(b)
	if err != nil || l.n == 0 {
		return nil, err
	}
	strs := make([]string, len(l.strs))
	for i, b := range l.strs {
		strs[i] = string(b)
	}
	figs := make([]parser.Figure, 0, l.n)
	for {
		r, ok, err := l.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			return figs, nil
		}
		figs = append(figs, r.figure(strs))
	}
}

// figureList is a figures value read one figure at a time, its strings
// still slices of the value, so that a reader looking for some figures
// compares string indexes and allocates only for the ones it keeps.
type figureList struct {
	strs [][]byte
	n    int // figures left
	d    figureDecoder
}

// parseFigures reads the header and string table of a figures value.
func parseFigures(b []byte) (figureList, error) {
	var l figureList
	if len(b) == 0 {
		return l, nil
	}
	if b[0] != figuresFormat {
		return l, fmt.Errorf("%w: format %d, want %d", errFigures, b[0], figuresFormat)
	}
	l.d.b = b[1:]
	n := l.d.count()
	l.strs = make([][]byte, 0, n)
	for range n {
		l.strs = append(l.strs, l.d.bytes())
	}
	l.n = l.d.count()
	if l.d.err {
		return l, fmt.Errorf("%w: truncated string table", errFigures)
	}
	return l, nil
}

// index returns the index of s in the string table, -1 when absent.
func (l *figureList) index(s string) int {
	for i, b := range l.strs {
		if string(b) == s {
			return i
		}
	}
	return -1
}

// rawFigure is a figure whose strings are indexes into the string table.
type rawFigure struct {
	period, metric, category, region, qualifier, evidence int
	value                                                 int64
	start, end                                            int
	confidence                                            float64
}

// next reads the next figure; ok is false after the last one, which must
// end the value.
func (l *figureList) next() (r rawFigure, ok bool, err error) {
	if l.n == 0 {
		if l.d.err || len(l.d.b) != 0 {
			return r, false, fmt.Errorf("%w: trailing bytes", errFigures)
		}
		return r, false, nil
	}
	l.n--
	d := &l.d
	for _, dst := range []*int{&r.period, &r.metric, &r.category, &r.region, &r.qualifier, &r.evidence} {
		*dst = int(d.uvarint())
		if *dst >= len(l.strs) {
			d.fail()
		}
	}
	r.value = d.varint()
	r.start = int(d.uvarint())
	r.end = r.start + int(d.uvarint())
	r.confidence = math.Float64frombits(d.fixed64())
	if d.err {
		return r, false, fmt.Errorf("%w: truncated figure", errFigures)
	}
	return r, true, nil
}

// figure returns r with the strings of strs, the list's string table.
func (r *rawFigure) figure(strs []string) parser.Figure {
	return parser.Figure{Period: strs[r.period], Metric: strs[r.metric], Category: strs[r.category],
		Region: strs[r.region], Qualifier: strs[r.qualifier], Value: r.value, Confidence: r.confidence,
		Evidence: parser.Evidence{Text: strs[r.evidence], Start: r.start, End: r.end}}
}

// figureDecoder reads varints from b; after the first error every read
// returns zero and err stays set.
type figureDecoder struct {
	b   []byte
	err bool
}

func (d *figureDecoder) fail() { d.err, d.b = true, nil }

func (d *figureDecoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 || v > math.MaxInt32 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *figureDecoder) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

// count reads a length that cannot exceed the bytes left (every element
// takes at least one byte), so a corrupt value cannot make us allocate
// more than its size.
func (d *figureDecoder) count() int {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail()
		return 0
	}
	return int(n)
}

func (d *figureDecoder) bytes() []byte {
	n := d.count()
	b := d.b[:n:n]
	d.b = d.b[n:]
	return b
}

func (d *figureDecoder) fixed64() uint64 {
	if len(d.b) < 8 {
		d.fail()
		return 0
	}
	v := binary.LittleEndian.Uint64(d.b)
	d.b = d.b[8:]
	return v
}
