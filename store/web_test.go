package store

import (
	"context"
	"errors"
	"slices"
	"testing"
)

func TestDocuments(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	ingest(t, s,
		report(t, "ccm", "2024-02-01", "In January 48 attacks killed 57 people.",
			figSpec{"2024-01", "attacks", "", "48 attacks"}, figSpec{"2024-01", "deaths", "", "57 people"}),
		report(t, "ccm", "2024-03-01", "In February 52 attacks took place.",
			figSpec{"2024-02", "attacks", "", "52 attacks"}),
		report(t, "pips", "2024-03-05", "A report without any figure."),
	)
	ids := func(docs []DocumentInfo) []string {
		var out []string
		for _, d := range docs {
			out = append(out, d.Title+"/"+d.MainPeriod)
		}
		return out
	}
	tests := []struct {
		name    string
		f       DocumentFilter
		want    []string
		figures []int
	}{
		{"all newest first", DocumentFilter{},
			[]string{"Report 2024-03-05/", "Report 2024-03-01/2024-02", "Report 2024-02-01/2024-01"}, []int{0, 1, 2}},
		{"source", DocumentFilter{Source: "ccm"},
			[]string{"Report 2024-03-01/2024-02", "Report 2024-02-01/2024-01"}, []int{1, 2}},
		{"published range", DocumentFilter{From: day("2024-02-01"), To: day("2024-03-02")},
			[]string{"Report 2024-03-01/2024-02", "Report 2024-02-01/2024-01"}, []int{1, 2}},
		{"limit", DocumentFilter{Limit: 1}, []string{"Report 2024-03-05/"}, []int{0}},
		{"unknown source", DocumentFilter{Source: "nope"}, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			docs, err := s.Documents(ctx, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(docs); !slices.Equal(got, tc.want) {
				t.Fatalf("documents = %q, want %q", got, tc.want)
			}
			for i, d := range docs {
				if d.Figures != tc.figures[i] {
					t.Errorf("%s: figures = %d, want %d", d.Title, d.Figures, tc.figures[i])
				}
				if d.ID == "" || d.URL == "" || d.Source == "" || d.Publisher == "" || d.Published.IsZero() || d.Ingested.IsZero() {
					t.Errorf("%s: incomplete document %+v", d.Title, d)
				}
			}
		})
	}
}

func TestDocumentText(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	text := "In January 48 attacks killed 57 people."
	res := ingest(t, s, report(t, "ccm", "2024-02-01", text, figSpec{"2024-01", "attacks", "", "48 attacks"}))
	got, ok, err := s.DocumentText(ctx, res[0].DocumentID)
	if err != nil || !ok || got != text {
		t.Fatalf("DocumentText = %q, %v, %v; want %q, true, nil", got, ok, err, text)
	}
	pts, err := s.Series(ctx, Filter{})
	if err != nil || len(pts) != 1 {
		t.Fatalf("Series = %v, %v", pts, err)
	}
	if n := got[pts[0].Start:pts[0].End]; n != "48" {
		t.Errorf("evidence offsets select %q in the text, want 48", n)
	}
	if _, ok, err := s.DocumentText(ctx, "missing"); ok || err != nil {
		t.Errorf("DocumentText(missing) = ok %v, err %v; want false, nil", ok, err)
	}
	s.Close()
	if _, _, err := s.DocumentText(ctx, res[0].DocumentID); !errors.Is(err, ErrClosed) {
		t.Errorf("DocumentText after Close: err = %v, want ErrClosed", err)
	}
	if _, err := s.Documents(ctx, DocumentFilter{}); !errors.Is(err, ErrClosed) {
		t.Errorf("Documents after Close: err = %v, want ErrClosed", err)
	}
}
