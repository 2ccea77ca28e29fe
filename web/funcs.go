package web

import (
	"fmt"
	"html/template"
	"time"
)

// funcs are the template functions.
var funcs = template.FuncMap{
	"date": dateOnly,
	"datetime": func(t time.Time) string {
		if t.IsZero() {
			return "never"
		}
		return t.UTC().Format("2006-01-02 15:04 UTC")
	},
	"f1": func(f float64) string { return fmt.Sprintf("%.1f", f) },
	"pct": func(f *float64) string {
		if f == nil {
			return ""
		}
		return fmt.Sprintf("%+.0f%%", *f*100)
	},
	"deref": func(p *int64) string {
		if p == nil {
			return ""
		}
		return fmt.Sprint(*p)
	},
	"add":       func(a, b float64) float64 { return a + b },
	"sub":       func(a, b float64) float64 { return a - b },
	"mul":       func(a, b float64) float64 { return a * b },
	"percent":   func(f float64) string { return fmt.Sprintf("%.0f%%", f*100) },
	"qualified": qualified,
	"region":    regionName,
	"category":  categoryName,
}
