package web

import (
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/incidents-dev/incidents/collector"
)

// SourceRun is what the Overview shows of the collection of one source:
// its latest run and the failures since the process started.
type SourceRun struct {
	Source string
	// Last is when the latest run ended; OK whether it succeeded.
	Last time.Time
	OK   bool
	// New, Unchanged, Failed, Figures and Revisions are the counts of the
	// latest run; Errors its failures, each naming its file or URL.
	New, Unchanged, Failed, Figures, Revisions int
	Errors                                     []string
	Interrupted                                bool
	Duration                                   time.Duration
	// Runs and FailedRuns count the runs since start; LastSuccess is when
	// the latest successful one ended (zero when none did).
	Runs, FailedRuns int
	LastSuccess      time.Time
}

// Runs keeps the latest collection run of each source for the Overview.
// Observe it after every run (service.Options.AfterRun); it is safe for
// concurrent use.
type Runs struct {
	mu   sync.Mutex
	last map[string]SourceRun
}

// NewRuns returns an empty record of runs.
func NewRuns() *Runs { return &Runs{last: map[string]SourceRun{}} }

// maxRunErrors bounds the errors kept per source.
const maxRunErrors = 20

// Observe records a run that ended at end.
func (r *Runs) Observe(sum collector.Summary, end time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range sum.Sources {
		prev := r.last[s.Source]
		cur := SourceRun{
			Source: s.Source, Last: end, OK: s.OK(),
			New: s.New, Unchanged: s.Unchanged, Failed: s.Failed, Figures: s.Figures, Revisions: s.Revisions,
			Errors: slices.Clone(s.Errors[:min(len(s.Errors), maxRunErrors)]), Interrupted: s.Interrupted,
			Duration: s.Duration, Runs: prev.Runs + 1, FailedRuns: prev.FailedRuns, LastSuccess: prev.LastSuccess,
		}
		if cur.OK {
			cur.LastSuccess = end
		} else {
			cur.FailedRuns++
		}
		r.last[s.Source] = cur
	}
}

// Latest returns the latest run of every source seen, by source name.
func (r *Runs) Latest() []SourceRun {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]SourceRun, 0, len(r.last))
	for _, s := range r.last {
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b SourceRun) int { return strings.Compare(a.Source, b.Source) })
	return out
}
