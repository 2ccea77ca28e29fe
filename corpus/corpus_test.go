package corpus

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestLoadGood(t *testing.T) {
	cases, err := Load("testdata/good")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	want := []Case{
		{
			ID:        "alpha",
			Published: "2024-03-02",
			Context:   Context{Country: "PK", Source: "PICSS"},
			Text:      "In February, militants carried out at least 12 attacks in which 20 people were killed.",
			Figures: []Figure{
				{Period: "2024-02", Metric: "attacks", Category: "all", Region: "PK", Value: 12, Qualifier: "at_least"},
				{Period: "2024-02", Metric: "deaths", Category: "all", Region: "PK", Value: 20, Qualifier: "exact"},
			},
			Notes:  "a hand-made test case",
			Origin: "written for the corpus package tests",
			Path:   filepath.Join("testdata", "good", "alpha.json"),
		},
		{
			ID:        "beta",
			Published: "2023-07-01",
			Context:   Context{Country: "AF", Source: "UNAMA"},
			Text:      "Nothing happened that anyone counted.",
			Figures:   []Figure{},
			Path:      filepath.Join("testdata", "good", "sub", "beta.json"),
		},
	}
	if !reflect.DeepEqual(cases, want) {
		t.Errorf("Load(testdata/good) =\n%+v\nwant\n%+v", cases, want)
	}
}

func TestLoadFileBad(t *testing.T) {
	tests := map[string]string{
		"bad-country.json":   `context.country "Pakistan" is not an ISO 3166-1 alpha-2 code`,
		"bad-metric.json":    `figure 0: unknown metric "killings"`,
		"bad-period.json":    `figure 1: invalid period "2024-13"`,
		"bad-published.json": `published "2 March 2024" is not a YYYY-MM-DD date`,
		"bad-qualifier.json": `figure 0: unknown qualifier "roughly"`,
		"bad-region.json":    `figure 0: region "Balochistan" is not an ISO 3166 code`,
		"empty-text.json":    `text is empty`,
		"empty.json":         `invalid JSON: empty file`,
		"fraction.json":      `invalid JSON at line 2, column`,
		"id-mismatch.json":   `id "some-other-id" does not match the file name "id-mismatch"`,
		"missing.json":       `missing required fields: figures, published`,
		"negative.json":      `figure 0: negative value -3`,
		"syntax.json":        `invalid JSON at line 3, column 29`,
		"trailing.json":      `data after the case object`,
		"truncated.json":     `invalid JSON: unexpected end of file`,
		"unknown-field.json": `unknown field "comment"`,
	}
	entries, err := os.ReadDir("testdata/bad")
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(tests) {
		t.Errorf("testdata/bad has %d files, the table %d: keep them in step", len(entries), len(tests))
	}
	for name, want := range tests {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join("testdata", "bad", name)
			_, err := LoadFile(path)
			if err == nil {
				t.Fatalf("LoadFile(%s) succeeded, want error containing %q", path, want)
			}
			if !strings.HasPrefix(err.Error(), path+": ") {
				t.Errorf("error %q does not start with the file name", err)
			}
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not contain %q", err, want)
			}
		})
	}
}

func TestLoadBad(t *testing.T) {
	empty := t.TempDir()
	notDir := filepath.Join(t.TempDir(), "file.json")
	tests := []struct {
		name, dir, want string
	}{
		{"empty dir", empty, "load corpus " + empty + ": no *.json case files"},
		{"missing dir", filepath.Join(empty, "nope"), "no such file or directory"},
		{"not a dir", notDir, "load corpus " + notDir + ": not a directory"},
		{"one bad file", "testdata/mixed", filepath.Join("testdata", "mixed", "bad-metric.json") + `: figure 0: unknown metric "killings"`},
		{"duplicate ids", "testdata/dupe", filepath.Join("testdata", "dupe", "y", "beta.json") + `: duplicate case id "beta" (also in ` + filepath.Join("testdata", "dupe", "x", "beta.json") + ")"},
	}
	if err := os.WriteFile(notDir, []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cases, err := Load(tt.dir)
			if err == nil {
				t.Fatalf("Load(%s) = %d cases, want error %q", tt.dir, len(cases), tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Load(%s) error %q, want it to contain %q", tt.dir, err, tt.want)
			}
		})
	}
}

func TestFigureString(t *testing.T) {
	f := Figure{Period: "2023-01", Metric: "deaths", Category: "all", Region: "PK", Value: 134, Qualifier: "exact"}
	if got, want := f.String(), "2023-01 deaths all PK 134 exact"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}
