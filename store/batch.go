package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/incidents-dev/incidents/parser"
)

// batch is the work of one Ingest call inside its transaction. It reads the
// points the new documents touch once, applies the accepted-value rule in
// memory document by document, then writes every row with multi-row
// statements.
type batch struct {
	ctx context.Context
	tx  *sql.Tx
	ins inserts // prepared statements
	now int64

	periods periodCache
	points  map[pointKey]*pointState // touched points; nil = absent
	dirty   []*pointState            // points to write, in first-touch order
	old     []superseded             // values superseded by this batch
	counts  map[[2]string]int64      // new observations by source and metric
}

// docWork is a new document of the batch with its parsed figures.
type docWork struct {
	idx     int // index in the Ingest items
	doc     Document
	figs    []parser.Figure
	periods []parser.Period
	main    string
	enc     []byte // the figures, encoded
	lo, hi  int64  // the earliest and latest period start of the figures
}

func newBatch(ctx context.Context, tx *sql.Tx, ins inserts, now time.Time) (*batch, error) {
	b := &batch{
		ctx: ctx, tx: tx, ins: ins, now: now.Unix(),
		periods: periodCache{},
		points:  map[pointKey]*pointState{},
		counts:  map[[2]string]int64{},
	}
	return b, nil
}

// run ingests items, filling results.
func (b *batch) run(items []Ingest, results []IngestResult) error {
	work, err := b.plan(items, results)
	if err != nil {
		return err
	}
	if len(work) == 0 {
		return nil
	}
	if err := b.loadPoints(work); err != nil {
		return err
	}
	if err := b.insertDocuments(work); err != nil {
		return err
	}
	for _, w := range work {
		for _, f := range w.figs {
			b.counts[[2]string{w.doc.Source, f.Metric}]++
		}
		results[w.idx].Revisions = b.offerAll(w)
	}
	return b.flush()
}

// plan computes document IDs, skips known documents and parses the periods
// of the new ones.
func (b *batch) plan(items []Ingest, results []IngestResult) ([]*docWork, error) {
	ids := make([]string, len(items))
	for i := range items {
		ids[i] = items[i].Doc.ID
		if ids[i] == "" {
			ids[i] = DocumentID(items[i].Doc.Text)
		}
		results[i].DocumentID = ids[i]
	}
	known, err := b.knownDocuments(ids)
	if err != nil {
		return nil, err
	}
	var work []*docWork
	for i, it := range items {
		if known[ids[i]] {
			continue
		}
		known[ids[i]] = true
		w := &docWork{idx: i, doc: it.Doc, figs: it.Figures, periods: make([]parser.Period, len(it.Figures)),
			main: parser.MainPeriod(it.Figures), enc: it.Encoded}
		if w.enc == nil {
			w.enc = EncodeFigures(it.Figures)
		}
		w.doc.ID = ids[i]
		for j, f := range it.Figures {
			if w.periods[j], err = b.periods.parse(f.Period); err != nil {
				return nil, fmt.Errorf("document %s (%s): figure %d: %w", w.doc.ID, w.doc.URL, j, err)
			}
		}
		w.lo, w.hi = periodSpan(w.periods)
		results[i].New, results[i].Figures = true, len(it.Figures)
		work = append(work, w)
	}
	return work, nil
}

// knownDocuments returns the set of ids already stored.
func (b *batch) knownDocuments(ids []string) (map[string]bool, error) {
	known := make(map[string]bool, len(ids))
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		rows, err := b.tx.QueryContext(b.ctx, `SELECT id FROM documents WHERE id IN (?`+strings.Repeat(", ?", len(chunk)-1)+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("look up documents: %w", err)
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, fmt.Errorf("look up documents: %w", err)
			}
			known[id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("look up documents: %w", err)
		}
	}
	return known, nil
}

// periodCache parses each distinct period string once.
type periodCache map[string]parser.Period

func (c periodCache) parse(s string) (parser.Period, error) {
	if p, ok := c[s]; ok {
		return p, nil
	}
	p, err := parser.ParsePeriod(s)
	if err != nil {
		return p, err
	}
	c[s] = p
	return p, nil
}

// periodSpan returns the earliest and latest start (unix seconds) of ps,
// 0 and 0 when there are none.
func periodSpan(ps []parser.Period) (lo, hi int64) {
	for i, p := range ps {
		s := p.Start.Unix()
		if i == 0 || s < lo {
			lo = s
		}
		if i == 0 || s > hi {
			hi = s
		}
	}
	return lo, hi
}

// insertDocuments writes the document rows.
func (b *batch) insertDocuments(work []*docWork) error {
	w := newRowWriter(b.ctx, b.tx, b.ins, documentRows)
	defer w.close()
	for _, dw := range work {
		d := dw.doc
		if err := w.add(d.ID, d.URL, d.Source, d.Publisher, d.Title, unixOf(d.Published), unixOf(d.Fetched),
			b.now, dw.main, len(dw.figs), nonNil(dw.enc), d.Text, dw.lo, dw.hi); err != nil {
			return fmt.Errorf("insert document %s (%s): %w", d.ID, d.URL, err)
		}
	}
	if err := w.flush(); err != nil {
		return fmt.Errorf("insert documents: %w", err)
	}
	return nil
}

// loadPoints reads the stored state of every point the new documents
// report, 200 points per query.
func (b *batch) loadPoints(work []*docWork) error {
	var keys []pointKey
	for _, dw := range work {
		for _, f := range dw.figs {
			k := pointKey{dw.doc.Source, f.Period, f.Metric, f.Category, f.Region}
			if _, ok := b.points[k]; !ok {
				b.points[k] = nil
				keys = append(keys, k)
			}
		}
	}
	for start := 0; start < len(keys); start += 200 {
		if err := b.loadChunk(keys[start:min(start+200, len(keys))]); err != nil {
			return fmt.Errorf("load points: %w", err)
		}
	}
	return nil
}

func (b *batch) loadChunk(keys []pointKey) error {
	args := make([]any, 0, 5*len(keys))
	for _, k := range keys {
		args = append(args, k.source, k.period, k.metric, k.category, k.region)
	}
	row := "(?, ?, ?, ?, ?)"
	rows, err := b.tx.QueryContext(b.ctx, `SELECT p.source, p.period, p.metric, p.category, p.region,
		p.period_start, p.granularity, p.value, p.qualifier, p.accepted_at,
		p.main, p.published, p.fetched, p.document_id, p.ev_start, p.seq, p.revisions
		FROM (VALUES `+row+strings.Repeat(", "+row, len(keys)-1)+`) AS v
		JOIN points p ON p.source = v.column1 AND p.period = v.column2 AND p.metric = v.column3
			AND p.category = v.column4 AND p.region = v.column5`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		st := &pointState{}
		k := &st.key
		var main int
		if err := rows.Scan(&k.source, &k.period, &k.metric, &k.category, &k.region,
			&st.periodStart, &st.granularity, &st.value, &st.qualifier, &st.acceptedAt,
			&main, &st.rank.published, &st.rank.fetched, &st.rank.docID, &st.rank.start, &st.rank.seq,
			&st.revisions); err != nil {
			return err
		}
		st.rank.main = main != 0
		b.points[st.key] = st
	}
	return rows.Err()
}

// offerAll offers the figures of one document to the accepted series, the
// first in text order for each point, and returns the revisions caused.
func (b *batch) offerAll(dw *docWork) int {
	first := make(map[pointKey]int, len(dw.figs))
	for i, f := range dw.figs {
		key := pointKey{dw.doc.Source, f.Period, f.Metric, f.Category, f.Region}
		if j, ok := first[key]; !ok || f.Evidence.Start < dw.figs[j].Evidence.Start {
			first[key] = i
		}
	}
	revisions := 0
	for i, f := range dw.figs {
		key := pointKey{dw.doc.Source, f.Period, f.Metric, f.Category, f.Region}
		if first[key] != i {
			continue
		}
		r := rank{main: f.Period == dw.main, published: unixOf(dw.doc.Published), fetched: unixOf(dw.doc.Fetched),
			docID: dw.doc.ID, start: f.Evidence.Start, seq: i}
		if b.offer(key, dw.periods[i], f, r) {
			revisions++
		}
	}
	return revisions
}

// offer makes the observation ranked r the accepted value of key when it
// beats the current one, and reports whether that is a revision (the
// accepted value changed).
func (b *batch) offer(key pointKey, p parser.Period, f parser.Figure, r rank) bool {
	st := b.points[key]
	if st == nil {
		st = &pointState{key: key, periodStart: p.Start.Unix(), granularity: string(p.Granularity),
			value: f.Value, qualifier: f.Qualifier, acceptedAt: b.now, rank: r, changed: true,
			evidence: f.Evidence.Text, evEnd: f.Evidence.End, confidence: f.Confidence}
		b.points[key] = st
		b.queue(st)
		return false
	}
	if !r.beats(st.rank) {
		return false
	}
	b.queue(st)
	revised := f.Value != st.value
	if revised {
		b.old = append(b.old, superseded{key: key, value: st.value, qualifier: st.qualifier,
			docID: st.rank.docID, seq: st.rank.seq, acceptedAt: st.acceptedAt})
		st.acceptedAt = b.now
		st.revisions++
		st.changed = true
	}
	st.value, st.qualifier, st.rank = f.Value, f.Qualifier, r
	st.evidence, st.evEnd, st.confidence = f.Evidence.Text, f.Evidence.End, f.Confidence
	return revised
}

// queue marks st to be written by flush.
func (b *batch) queue(st *pointState) {
	if !st.queued {
		st.queued = true
		b.dirty = append(b.dirty, st)
	}
}

// flush writes the touched points, history rows and outbox rows.
func (b *batch) flush() error {
	if err := b.writePoints(); err != nil {
		return err
	}
	if err := b.writeHist(); err != nil {
		return err
	}
	if err := b.writeOutbox(); err != nil {
		return err
	}
	if err := b.writeCounts(); err != nil {
		return err
	}
	if err := setMeta(b.ctx, b.tx, metaLastIngest, strconv.FormatInt(b.now, 10)); err != nil {
		return fmt.Errorf("set %s: %w", metaLastIngest, err)
	}
	return nil
}

// writePoints inserts or updates the touched points.
func (b *batch) writePoints() error {
	w := newRowWriter(b.ctx, b.tx, b.ins, pointRows)
	defer w.close()
	for _, st := range b.dirty {
		if err := w.add(st.key.source, st.key.period, st.key.metric, st.key.category, st.key.region,
			st.periodStart, st.granularity, st.value, st.qualifier, st.rank.docID, st.rank.seq, st.acceptedAt,
			boolInt(st.rank.main), st.rank.published, st.rank.fetched, st.rank.start, st.evEnd, st.evidence,
			st.confidence, st.revisions, b.now); err != nil {
			return fmt.Errorf("write points: %w", err)
		}
	}
	if err := w.flush(); err != nil {
		return fmt.Errorf("write points: %w", err)
	}
	return nil
}

// writeHist records the superseded values.
func (b *batch) writeHist() error {
	w := newRowWriter(b.ctx, b.tx, b.ins, revisionRows)
	defer w.close()
	for _, h := range b.old {
		if err := w.add(h.key.source, h.key.period, h.key.metric, h.key.category, h.key.region,
			h.value, h.qualifier, h.docID, h.seq, h.acceptedAt, b.now); err != nil {
			return fmt.Errorf("write revision of point %v: %w", h.key, err)
		}
	}
	if err := w.flush(); err != nil {
		return fmt.Errorf("write revisions: %w", err)
	}
	return nil
}

// writeOutbox appends one outbox row per inserted or changed point.
func (b *batch) writeOutbox() error {
	w := newRowWriter(b.ctx, b.tx, b.ins, outboxRows)
	defer w.close()
	for _, st := range b.dirty {
		if !st.changed {
			continue
		}
		if err := w.add(st.key.source, st.key.period, st.key.metric, st.key.category, st.key.region, b.now); err != nil {
			return fmt.Errorf("enqueue points: %w", err)
		}
	}
	if err := w.flush(); err != nil {
		return fmt.Errorf("enqueue points: %w", err)
	}
	return nil
}

// writeCounts adds the batch's observations to the counts per source and
// metric, in key order.
func (b *batch) writeCounts() error {
	keys := make([][2]string, 0, len(b.counts))
	for k := range b.counts {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, c [2]string) int {
		return cmp.Or(cmp.Compare(a[0], c[0]), cmp.Compare(a[1], c[1]))
	})
	w := newRowWriter(b.ctx, b.tx, b.ins, countRows)
	defer w.close()
	for _, k := range keys {
		if err := w.add(k[0], k[1], b.counts[k]); err != nil {
			return fmt.Errorf("count observations: %w", err)
		}
	}
	if err := w.flush(); err != nil {
		return fmt.Errorf("count observations: %w", err)
	}
	return nil
}

// metaLastIngest is the meta key holding the unix time of the last Ingest
// that stored a new document.
const metaLastIngest = "last_ingest"

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
