package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// outboxDesc renders outbox rows as "period metric=value" and returns their IDs.
func outboxDesc(t *testing.T, s *Store) (string, []int64) {
	t.Helper()
	rows, err := s.OutboxBatch(context.Background(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	var desc []string
	var ids []int64
	for i, r := range rows {
		if i > 0 && r.ID <= rows[i-1].ID {
			t.Fatalf("outbox not oldest first: %d after %d", r.ID, rows[i-1].ID)
		}
		desc = append(desc, fmt.Sprintf("%s %s=%d", r.Point.Period, r.Point.Metric, r.Point.Value))
		ids = append(ids, r.ID)
	}
	return strings.Join(desc, ", "), ids
}

func TestOutboxFollowsChanges(t *testing.T) {
	ctx := context.Background()
	docs := ruleDocs(t)
	older := report(t, "picss", "2024-02-10", "Early January 2024 count: 73 attacks, 91 people killed.",
		figSpec{"2024-01", "attacks", "", "73 attacks"}, figSpec{"2024-01", "deaths", "", "91 people"})
	s := openTest(t)
	steps := []struct {
		name   string
		ingest []Ingest
		want   string // outbox content after the step, before draining it
	}{
		{"new points", []Ingest{docs["jan"]}, "2024-01 attacks=71, 2024-01 deaths=90, 2023-12 attacks=60"},
		{"known document", []Ingest{docs["jan"]}, ""},
		{"revision of one value", []Ingest{docs["janRevised"]}, "2024-01 attacks=74"},
		{"older report is not accepted", []Ingest{older}, ""},
		{"comparison loses, new month", []Ingest{docs["feb"]}, "2024-02 attacks=80, 2024-02 deaths=100"},
		{"main report replaces comparison", []Ingest{docs["dec"]}, "2023-12 attacks=58, 2023-12 deaths=40"},
		{"insert then revise in one batch: one row", []Ingest{
			report(t, "picss", "2024-04-01", "March 2024: 60 attacks, 44 people killed.",
				figSpec{"2024-03", "attacks", "", "60 attacks"}, figSpec{"2024-03", "deaths", "", "44 people"}),
			docs["mar"],
		}, "2024-03 attacks=65, 2024-03 deaths=50"},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			ingest(t, s, st.ingest...)
			got, ids := outboxDesc(t, s)
			if got != st.want {
				t.Fatalf("outbox = %q; want %q", got, st.want)
			}
			if err := s.OutboxDelete(ctx, ids); err != nil {
				t.Fatal(err)
			}
			if got, _ := outboxDesc(t, s); got != "" {
				t.Fatalf("outbox after delete: %q", got)
			}
		})
	}
}

func TestOutboxBatchAndDelete(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	corpus := genCorpus(t, rand.New(rand.NewPCG(5, 6)), 30)
	ingest(t, s, corpus...)
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Outbox != st.Points {
		t.Fatalf("one batch: outbox %d rows for %d points", st.Outbox, st.Points)
	}

	t.Run("limit and order", func(t *testing.T) {
		first, err := s.OutboxBatch(ctx, 10)
		if err != nil || len(first) != 10 {
			t.Fatalf("OutboxBatch(10) = %d rows, %v", len(first), err)
		}
		all, _ := s.OutboxBatch(ctx, 100000)
		if int64(len(all)) != st.Outbox || all[9].ID != first[9].ID {
			t.Fatalf("OutboxBatch(all) = %d rows; first batch ends at %d, full list has %d", len(all), first[9].ID, all[9].ID)
		}
		if _, err := s.OutboxBatch(ctx, 0); err == nil {
			t.Fatal("OutboxBatch(0) accepted")
		}
	})
	t.Run("delete some", func(t *testing.T) {
		batch, _ := s.OutboxBatch(ctx, 5)
		ids := []int64{batch[1].ID, batch[3].ID, 1 << 40}
		if err := s.OutboxDelete(ctx, ids); err != nil {
			t.Fatal(err)
		}
		after, _ := s.OutboxBatch(ctx, 3)
		if after[0].ID != batch[0].ID || after[1].ID != batch[2].ID || after[2].ID != batch[4].ID {
			t.Fatalf("after deleting 2nd and 4th: %d %d %d", after[0].ID, after[1].ID, after[2].ID)
		}
	})
	t.Run("enqueue range", func(t *testing.T) {
		f := Filter{Metric: "attacks", From: "2020-06", To: "2020-09"}
		want, _ := s.Series(ctx, f)
		before, _ := s.Stats(ctx)
		n, err := s.OutboxEnqueueRange(ctx, f)
		if err != nil || n != len(want) || n == 0 {
			t.Fatalf("OutboxEnqueueRange = %d, %v; want %d", n, err, len(want))
		}
		after, _ := s.Stats(ctx)
		if after.Outbox != before.Outbox+int64(n) {
			t.Fatalf("outbox %d -> %d after enqueueing %d", before.Outbox, after.Outbox, n)
		}
		all, _ := s.OutboxBatch(ctx, 100000)
		tail := all[len(all)-n:]
		for i, r := range tail {
			if r.Point != want[i] {
				t.Fatalf("enqueued row %d = %+v; want %+v", i, r.Point, want[i])
			}
		}
		if _, err := s.OutboxEnqueueRange(ctx, Filter{From: "never"}); err == nil {
			t.Fatal("bad range accepted")
		}
	})
	t.Run("delete more than one chunk", func(t *testing.T) {
		for range 3 {
			if _, err := s.OutboxEnqueueRange(ctx, Filter{}); err != nil {
				t.Fatal(err)
			}
		}
		all, _ := s.OutboxBatch(ctx, 100000)
		if len(all) < 1000 {
			t.Fatalf("only %d rows", len(all))
		}
		ids := make([]int64, len(all))
		for i, r := range all {
			ids[i] = r.ID
		}
		if err := s.OutboxDelete(ctx, ids); err != nil {
			t.Fatal(err)
		}
		if st, _ := s.Stats(ctx); st.Outbox != 0 {
			t.Fatalf("%d rows left", st.Outbox)
		}
	})
}
