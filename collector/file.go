package collector

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/incidents-dev/incidents/config"
)

func init() { Kinds[config.KindFile] = newFileSource }

// fileSource reads the documents under a path, a directory or a glob.
type fileSource struct {
	cfg  config.Source
	opts FileOptions
}

func newFileSource(cfg config.Source, deps Deps) (Source, error) {
	if cfg.Path == "" {
		return nil, errors.New("path is empty")
	}
	return &fileSource{cfg: cfg, opts: FileOptions{
		Source:    cfg.Name,
		Publisher: cfg.Publisher,
		Country:   cfg.Country,
		Published: cfg.PublishedTime(),
		MaxBytes:  deps.MaxBytes,
	}}, nil
}

func (s *fileSource) Name() string { return s.cfg.Name }

func (s *fileSource) Documents(ctx context.Context) iter.Seq2[Document, error] {
	return func(yield func(Document, error) bool) {
		paths, err := ListFiles(s.cfg.Path)
		if err != nil {
			yield(Document{Source: s.cfg.Name, URL: s.cfg.Path}, err)
			return
		}
		for _, p := range paths {
			if ctx.Err() != nil {
				yield(Document{Source: s.cfg.Name}, ctx.Err())
				return
			}
			doc, err := ReadFile(p, s.opts)
			if !yield(doc, err) {
				return
			}
		}
	}
}

// Extensions lists the file name extensions read by file sources and backfill.
var Extensions = map[string]bool{".txt": true, ".md": true, ".html": true, ".htm": true}

// ListFiles expands a file, a directory (walked recursively) or a glob
// into the sorted list of report files it names. Files found by walking a
// directory or matching a glob are kept only with a report extension (see
// Extensions); a file named itself is always kept. A missing path is an
// error.
func ListFiles(path string) ([]string, error) {
	matches := []string{path}
	glob := strings.ContainsAny(path, "*?[")
	if glob {
		var err error
		if matches, err = filepath.Glob(path); err != nil {
			return nil, fmt.Errorf("glob %q: %w", path, err)
		}
		if len(matches) == 0 {
			return nil, fmt.Errorf("glob %q: no file matches", path)
		}
	}
	var out []string
	for _, m := range matches {
		fi, err := os.Stat(m)
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", m, err)
		}
		if !fi.IsDir() {
			if Extensions[strings.ToLower(filepath.Ext(m))] || !glob {
				out = append(out, m)
			}
			continue
		}
		err = filepath.WalkDir(m, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return fmt.Errorf("walk %s: %w", p, err)
			}
			if !d.IsDir() && Extensions[strings.ToLower(filepath.Ext(p))] {
				out = append(out, p)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	sort.Strings(out)
	return out, nil
}

// FileOptions say how ReadFile labels and bounds a document.
type FileOptions struct {
	Source, Publisher, Country string
	// Published, when not zero, overrides the document's own date.
	Published time.Time
	// MaxBytes bounds the file size; 0 means DefaultMaxBodyBytes.
	MaxBytes int64
}

// ReadFile reads one report file: .html and .htm are reduced to their
// article with HTMLText, anything else is taken as plain text whose first
// line is the title. The publication date is opts.Published, else the
// HTML metadata, else a leading "Published: YYYY-MM-DD" line (removed from
// the text), else the file's modification time. Fetched is the file's
// modification time. The returned Document carries the path as URL even
// on error.
func ReadFile(path string, opts FileOptions) (Document, error) {
	doc := Document{Source: opts.Source, Publisher: opts.Publisher, Country: opts.Country, URL: filepath.ToSlash(path)}
	limit := opts.MaxBytes
	if limit <= 0 {
		limit = DefaultMaxBodyBytes
	}
	f, err := os.Open(path)
	if err != nil {
		return doc, fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return doc, fmt.Errorf("read %s: %w", path, err)
	}
	if fi.Size() > limit {
		return doc, fmt.Errorf("read %s: file is %d bytes, more than the limit of %d (fetch.max_body_bytes)", path, fi.Size(), limit)
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return doc, fmt.Errorf("read %s: %w", path, err)
	}
	if int64(len(data)) > limit {
		return doc, fmt.Errorf("read %s: file grew past the limit of %d bytes (fetch.max_body_bytes)", path, limit)
	}
	var metaDate time.Time
	switch strings.ToLower(filepath.Ext(path)) {
	case ".html", ".htm":
		doc.Title, doc.Text, metaDate, err = HTMLText(bytes.NewReader(data), nil)
		if err != nil {
			return doc, fmt.Errorf("read %s: %w", path, err)
		}
	default:
		if !utf8.Valid(data) {
			return doc, fmt.Errorf("read %s: text is not valid UTF-8", path)
		}
		doc.Text = strings.TrimSpace(strings.ReplaceAll(string(data), "\r\n", "\n"))
	}
	lineDate, text := publishedLine(doc.Text)
	doc.Text = text
	if doc.Title == "" {
		doc.Title = firstLine(doc.Text)
	}
	if doc.Text == "" {
		return doc, fmt.Errorf("read %s: no text", path)
	}
	doc.Published = firstSet(opts.Published, metaDate, lineDate, fi.ModTime().UTC())
	// A file was fetched when it was last written: this keeps the
	// tie-break between documents of one date independent of the order in
	// which a run (or parallel backfill workers) happens to read them.
	doc.Fetched = fi.ModTime().UTC()
	return doc, nil
}

var publishedRE = regexp.MustCompile(`^(?i:published):[ \t]*(\d{4}-\d{2}-\d{2})[ \t]*(?:\n|$)`)

// publishedLine reads and removes a leading "Published: YYYY-MM-DD" line.
func publishedLine(text string) (time.Time, string) {
	m := publishedRE.FindStringSubmatchIndex(text)
	if m == nil {
		return time.Time{}, text
	}
	t, err := time.Parse(time.DateOnly, text[m[2]:m[3]])
	if err != nil {
		return time.Time{}, text
	}
	return t, strings.TrimLeft(text[m[1]:], "\n")
}

func firstLine(text string) string {
	line, _, _ := strings.Cut(text, "\n")
	return strings.TrimSpace(strings.TrimLeft(line, "# "))
}

func firstSet(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}
