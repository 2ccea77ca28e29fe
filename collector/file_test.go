package collector

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/incidents-dev/incidents/config"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// copyFiles copies testdata/files into a temp dir and gives every file
// the modification time 2020-01-02.
func copyFiles(t *testing.T) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir("testdata/files", func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel("testdata/files", p)
		out := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(out, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.WriteFile(out, b, 0o644); err != nil {
			return err
		}
		return os.Chtimes(out, day("2020-01-02"), day("2020-01-02"))
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func TestReadFile(t *testing.T) {
	dir := copyFiles(t)
	tests := []struct {
		name          string
		file          string
		override      time.Time
		wantTitle     string
		wantPublished time.Time
		wantIn        []string
		wantNotIn     []string
	}{
		{
			name: "txt with published line", file: "report.txt",
			wantTitle: "Security situation in March 2024", wantPublished: day("2024-04-02"),
			wantIn: []string{"54 attacks"}, wantNotIn: []string{"Published:"},
		},
		{
			name: "md falls back to mtime", file: "sub/notes.md",
			wantTitle: "Monthly notes", wantPublished: day("2020-01-02"),
			wantIn: []string{"21 attacks killed 30"},
		},
		{
			name: "html meta date and main text only", file: "page.html",
			wantTitle: "Militant attacks rose in May", wantPublished: time.Date(2024, 6, 3, 4, 30, 0, 0, time.UTC),
			wantIn:    []string{"71 attacks", "Security forces personnel accounted for 38"},
			wantNotIn: []string{"Privacy policy", "Cricket board", "Contact", "tracking"},
		},
		{
			name: "override beats published line", file: "report.txt", override: day("2030-05-06"),
			wantTitle: "Security situation in March 2024", wantPublished: day("2030-05-06"),
		},
		{
			name: "override beats html meta", file: "page.html", override: day("2030-05-06"),
			wantTitle: "Militant attacks rose in May", wantPublished: day("2030-05-06"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, tt.file)
			doc, err := ReadFile(path, FileOptions{Source: "s", Publisher: "P", Country: "PK", Published: tt.override})
			if err != nil {
				t.Fatal(err)
			}
			if doc.Title != tt.wantTitle {
				t.Errorf("title = %q, want %q", doc.Title, tt.wantTitle)
			}
			if !doc.Published.Equal(tt.wantPublished) {
				t.Errorf("published = %v, want %v", doc.Published, tt.wantPublished)
			}
			if doc.URL != filepath.ToSlash(path) || doc.Source != "s" || doc.Publisher != "P" || doc.Country != "PK" {
				t.Errorf("labels = %q %q %q %q", doc.URL, doc.Source, doc.Publisher, doc.Country)
			}
			for _, s := range tt.wantIn {
				if !strings.Contains(doc.Text, s) {
					t.Errorf("text lacks %q:\n%s", s, doc.Text)
				}
			}
			for _, s := range tt.wantNotIn {
				if strings.Contains(doc.Text, s) {
					t.Errorf("text keeps %q:\n%s", s, doc.Text)
				}
			}
		})
	}
}

func TestReadFileErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	big := write("big.txt", strings.Repeat("x", 2048))
	empty := write("empty.txt", "Published: 2024-01-01\n")
	latin1 := write("latin1.txt", "Caf\xe9 attacks")
	tests := []struct {
		name, path string
		max        int64
		want       string
	}{
		{"size cap", big, 1024, "read " + big + ": file is 2048 bytes, more than the limit of 1024 (fetch.max_body_bytes)"},
		{"missing", filepath.Join(dir, "nope.txt"), 0, "read " + filepath.Join(dir, "nope.txt") + ": open " + filepath.Join(dir, "nope.txt") + ": no such file or directory"},
		{"no text", empty, 0, "read " + empty + ": no text"},
		{"not utf-8", latin1, 0, "read " + latin1 + ": text is not valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadFile(tt.path, FileOptions{MaxBytes: tt.max})
			if err == nil || err.Error() != tt.want {
				t.Errorf("err = %v\nwant %s", err, tt.want)
			}
		})
	}
	t.Run("under the cap", func(t *testing.T) {
		if _, err := ReadFile(big, FileOptions{MaxBytes: 2048}); err != nil {
			t.Error(err)
		}
	})
}

func TestListFiles(t *testing.T) {
	dir := copyFiles(t)
	tests := []struct {
		name, path string
		want       []string
	}{
		{"directory is recursive and skips other extensions", dir, []string{"page.html", "report.txt", "sub/notes.md"}},
		{"glob", filepath.Join(dir, "*.txt"), []string{"report.txt"}},
		{"glob over dirs", filepath.Join(dir, "s*"), []string{"sub/notes.md"}},
		{"single file", filepath.Join(dir, "page.html"), []string{"page.html"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ListFiles(tt.path)
			if err != nil {
				t.Fatal(err)
			}
			var rel []string
			for _, g := range got {
				r, _ := filepath.Rel(dir, g)
				rel = append(rel, filepath.ToSlash(r))
			}
			if strings.Join(rel, ",") != strings.Join(tt.want, ",") {
				t.Errorf("got %v, want %v", rel, tt.want)
			}
		})
	}
	for name, path := range map[string]string{"missing path": filepath.Join(dir, "none"), "glob without match": filepath.Join(dir, "*.doc")} {
		t.Run(name, func(t *testing.T) {
			if _, err := ListFiles(path); err == nil {
				t.Error("no error")
			}
		})
	}
}

func TestFileSourceUnreadableFileFailsAlone(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Log("running as root: an oversized file stands in for an unreadable one")
	}
	dir := copyFiles(t)
	bad := filepath.Join(dir, "sub", "locked.txt")
	if err := os.WriteFile(bad, []byte(strings.Repeat("y", 5000)), 0o000); err != nil {
		t.Fatal(err)
	}
	src, err := NewSources([]config.Source{{Name: "files", Kind: "file", Path: dir, Publisher: "P", Country: "PK"}}, Deps{MaxBytes: 4096})
	if err != nil {
		t.Fatal(err)
	}
	var ok, failed []string
	for doc, err := range src[0].Documents(context.Background()) {
		if err != nil {
			failed = append(failed, doc.URL)
			continue
		}
		ok = append(ok, filepath.Base(doc.URL))
	}
	if strings.Join(ok, ",") != "page.html,report.txt,notes.md" {
		t.Errorf("documents = %v", ok)
	}
	if len(failed) != 1 || failed[0] != filepath.ToSlash(bad) {
		t.Errorf("failed = %v, want [%s]", failed, bad)
	}
}

func TestNewSources(t *testing.T) {
	cfgs := []config.Source{{Name: "a", Kind: "file", Path: "x"}, {Name: "b", Kind: "file", Path: "y"}}
	t.Run("all", func(t *testing.T) {
		s, err := NewSources(cfgs, Deps{})
		if err != nil || len(s) != 2 {
			t.Fatalf("got %d sources, %v", len(s), err)
		}
	})
	t.Run("named", func(t *testing.T) {
		s, err := NewSources(cfgs, Deps{}, "b")
		if err != nil || len(s) != 1 || s[0].Name() != "b" {
			t.Fatalf("got %v, %v", s, err)
		}
	})
	t.Run("unknown name", func(t *testing.T) {
		_, err := NewSources(cfgs, Deps{}, "b", "zz")
		if err == nil || err.Error() != "unknown source zz (configured: a, b)" {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("unknown kind", func(t *testing.T) {
		_, err := NewSources([]config.Source{{Name: "c", Kind: "ftp"}}, Deps{})
		if err == nil || err.Error() != `source c: unknown kind "ftp"` {
			t.Fatalf("err = %v", err)
		}
	})
}
