package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
)

// TestConcurrentReadersDuringWrites runs readers on the read pool while one
// handle ingests and a second handle on the same file (as a second process
// would) writes fetch state and meta. With WAL, a separate read pool and
// BEGIN IMMEDIATE writers, nothing may fail with SQLITE_BUSY, and readers
// must never see points without their outbox rows.
func TestConcurrentReadersDuringWrites(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	other := openAt(t, s.Path())
	corpus := genCorpus(t, rand.New(rand.NewPCG(7, 8)), 60)

	var wg sync.WaitGroup
	errs := make(chan error, 64)
	done := make(chan struct{})
	var reads, writes atomic.Int64
	wg.Go(func() {
		defer close(done)
		for i := 0; i < len(corpus); i += 10 {
			if _, err := s.Ingest(ctx, corpus[i:min(i+10, len(corpus))]...); err != nil {
				errs <- fmt.Errorf("ingest: %w", err)
				return
			}
		}
	})
	wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-done:
				return
			default:
			}
			if err := other.SetFetchState(ctx, fmt.Sprintf("https://example.org/%d", i%7), fmt.Sprint(i), ""); err != nil {
				errs <- fmt.Errorf("second handle: %w", err)
				return
			}
			writes.Add(1)
		}
	})
	for r := range 4 {
		wg.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				if err := readOnce(ctx, s, r); err != nil {
					errs <- err
					return
				}
				reads.Add(1)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if reads.Load() == 0 {
		t.Fatal("no read completed while writing")
	}
	t.Logf("%d reads and %d writes of a second handle during the ingest", reads.Load(), writes.Load())
	series, err := s.Series(ctx, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if want := expectedSeries(corpus); len(series) != len(want) {
		t.Fatalf("%d points after concurrent ingest, want %d", len(series), len(want))
	}
}

// readOnce runs one of the read queries and checks the outbox invariant.
func readOnce(ctx context.Context, s *Store, r int) error {
	switch r % 3 {
	case 0:
		_, err := s.Series(ctx, Filter{Metric: "deaths"})
		return err
	case 1:
		_, err := s.History(ctx, Filter{Region: "PK"})
		return err
	}
	st, err := s.Stats(ctx)
	if err != nil {
		return err
	}
	if st.Outbox < st.Points || st.Outbox > st.Points+st.Revisions {
		return fmt.Errorf("snapshot with %d points, %d revisions and %d outbox rows", st.Points, st.Revisions, st.Outbox)
	}
	return nil
}
