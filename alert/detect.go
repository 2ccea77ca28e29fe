// Package alert finds month-over-month spikes in the monthly series, keeps
// one alert per spike in the store and notifies Alertmanager (v2 API, the
// alert re-sent after every run while it is active) and a generic JSON
// webhook (once per spike), with retries; a failed notification is counted
// and logged, never returned to the collection.
package alert

import (
	"fmt"
	"math"

	"github.com/incidents-dev/incidents/metrics"
	"github.com/incidents-dev/incidents/store"
)

// Rules say when the latest month of a series is a spike.
type Rules struct {
	// MinRatio is the smallest (latest - previous) / previous.
	MinRatio float64
	// MinValue is the smallest latest value of any spike.
	MinValue float64
	// ZScore, when positive, also makes a spike of a latest value at least
	// that many standard deviations above the mean of the 12 months before
	// it (at least 3 of them reported, not all equal).
	ZScore float64
}

// window is the number of months before the latest one that the z-score
// is computed over; minWindow the fewest reported ones it needs.
const (
	window    = 12
	minWindow = 3
)

// Detect returns one alert, without times, for every series whose latest
// month is a spike under r.
func Detect(series []metrics.Series, r Rules) []store.Alert {
	var out []store.Alert
	for _, s := range series {
		if a, ok := detect(s, r); ok {
			out = append(out, a)
		}
	}
	return out
}

func detect(s metrics.Series, r Rules) (store.Alert, bool) {
	latest, _, ok := s.Latest()
	if !ok || float64(latest.Value) < r.MinValue {
		return store.Alert{}, false
	}
	a := store.Alert{
		Source: s.Source, Publisher: latest.Publisher, Metric: s.Metric, Category: s.Category, Region: s.Region,
		Period: latest.Period, Value: latest.Value, Evidence: latest.Evidence, URL: latest.URL,
	}
	spike := false
	if prev, ok := s.Previous(); ok {
		a.Previous = &prev.Value
		if ratio, ok := metrics.ChangeRatio(latest.Value, prev.Value); ok {
			a.Ratio = &ratio
			spike = ratio >= r.MinRatio
		}
	}
	if r.ZScore > 0 {
		if z, mean, ok := zscore(float64(latest.Value), s.Before(window)); ok {
			a.ZScore = &z
			if z >= r.ZScore && !spike {
				spike = true
				a.Summary = fmt.Sprintf("%s rose to %d in %s, %.1f standard deviations above the %d-month mean of %.0f",
					subject(a), a.Value, a.Period, z, window, mean)
			}
		}
	}
	if !spike {
		return store.Alert{}, false
	}
	if a.Summary == "" {
		a.Summary = fmt.Sprintf("%s rose %.0f %% to %d in %s", subject(a), *a.Ratio*100, a.Value, a.Period)
	}
	return a, true
}

// subject names what rose: "deaths in PK", "deaths (suicide) in PK-KP".
func subject(a store.Alert) string {
	if a.Category == "" || a.Category == "all" {
		return a.Metric + " in " + a.Region
	}
	return fmt.Sprintf("%s (%s) in %s", a.Metric, a.Category, a.Region)
}

// zscore returns how many population standard deviations x is above the
// mean of prior; ok is false with too few values or no spread.
func zscore(x float64, prior []int64) (z, mean float64, ok bool) {
	if len(prior) < minWindow {
		return 0, 0, false
	}
	for _, v := range prior {
		mean += float64(v)
	}
	mean /= float64(len(prior))
	var ss float64
	for _, v := range prior {
		d := float64(v) - mean
		ss += d * d
	}
	sd := math.Sqrt(ss / float64(len(prior)))
	if sd == 0 {
		return 0, mean, false
	}
	return (x - mean) / sd, mean, true
}
