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
	if len(b) == 0 {
		return nil, nil
	}
	d := figureDecoder{b: b[1:]}
	if b[0] != figuresFormat {
		return nil, fmt.Errorf("%w: format %d, want %d", errFigures, b[0], figuresFormat)
	}
	n := d.count()
	strs := make([]string, 0, n)
	for range n {
		strs = append(strs, d.str())
	}
	ref := func() string {
		i := d.uvarint()
		if i >= uint64(len(strs)) {
			d.fail()
			return ""
		}
		return strs[i]
	}
	figs := make([]parser.Figure, 0, d.count())
	for range cap(figs) {
		var f parser.Figure
		f.Period, f.Metric, f.Category, f.Region, f.Qualifier, f.Evidence.Text = ref(), ref(), ref(), ref(), ref(), ref()
		f.Value = d.varint()
		f.Evidence.Start = int(d.uvarint())
		f.Evidence.End = f.Evidence.Start + int(d.uvarint())
		f.Confidence = math.Float64frombits(d.fixed64())
		if d.err {
			break
		}
		figs = append(figs, f)
	}
	if d.err || len(d.b) != 0 {
		return nil, fmt.Errorf("%w: truncated or trailing bytes", errFigures)
	}
	return figs, nil
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

func (d *figureDecoder) str() string {
	n := d.count()
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
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
