// Package corpus reads annotated report cases in the format of
// corpus/GUIDE.md and scores a parser's figures against them.
package corpus

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/incidents-dev/incidents/parser"
)

// DateLayout is the layout of a case's publication date.
const DateLayout = "2006-01-02"

// maxCaseSize bounds one case file; real cases are a few kilobytes.
const maxCaseSize = 8 << 20

// Case is one annotated passage: the text, what the parser knows about it,
// and every figure a careful analyst records from it.
type Case struct {
	ID        string   `json:"id"`
	Published string   `json:"published"`
	Context   Context  `json:"context"`
	Text      string   `json:"text"`
	Figures   []Figure `json:"figures"`
	Notes     string   `json:"notes,omitempty"`
	Origin    string   `json:"origin,omitempty"`
	// Path is the file the case was read from; it is not part of the format.
	Path string `json:"-"`
}

// Context is the document context of a case.
type Context struct {
	Country string `json:"country"`
	Source  string `json:"source"`
}

// Figure is a gold figure: the six annotated fields of corpus/GUIDE.md,
// without evidence or confidence.
type Figure struct {
	Period    string `json:"period"`
	Metric    string `json:"metric"`
	Category  string `json:"category"`
	Region    string `json:"region"`
	Value     int64  `json:"value"`
	Qualifier string `json:"qualifier"`
}

// String formats the figure on one line, e.g. "2023-01 deaths all PK 134 exact".
func (f Figure) String() string {
	return fmt.Sprintf("%s %s %s %s %d %s", f.Period, f.Metric, f.Category, f.Region, f.Value, f.Qualifier)
}

// FromParser keeps the six annotated fields of a parser figure.
func FromParser(p parser.Figure) Figure {
	return Figure{Period: p.Period, Metric: p.Metric, Category: p.Category, Region: p.Region, Value: p.Value, Qualifier: p.Qualifier}
}

// rawCase mirrors Case with pointers, so that missing required fields can be
// told apart from empty ones.
type rawCase struct {
	ID        *string   `json:"id"`
	Published *string   `json:"published"`
	Context   *Context  `json:"context"`
	Text      *string   `json:"text"`
	Figures   *[]Figure `json:"figures"`
	Notes     string    `json:"notes"`
	Origin    string    `json:"origin"`
}

// Load reads every *.json case in dir and its subfolders, sorted by path.
// It fails on the first invalid file, naming it, on two cases with the same
// id, and on a folder without any case.
func Load(dir string) ([]Case, error) {
	info, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("load corpus: %w", err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("load corpus %s: not a directory", dir)
	}
	var paths []string
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(d.Name(), ".json") {
			paths = append(paths, path)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load corpus %s: %w", dir, err)
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("load corpus %s: no *.json case files", dir)
	}
	sort.Strings(paths)
	cases := make([]Case, 0, len(paths))
	seen := map[string]string{}
	for _, p := range paths {
		c, err := LoadFile(p)
		if err != nil {
			return nil, err
		}
		if prev, ok := seen[c.ID]; ok {
			return nil, fmt.Errorf("%s: duplicate case id %q (also in %s)", p, c.ID, prev)
		}
		seen[c.ID] = p
		cases = append(cases, c)
	}
	return cases, nil
}

// LoadFile reads and validates one case file. Unknown fields, missing
// required fields and values outside corpus/GUIDE.md are errors; every
// error starts with the file name.
func LoadFile(path string) (Case, error) {
	f, err := os.Open(path)
	if err != nil {
		return Case{}, fmt.Errorf("read case: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxCaseSize+1))
	if err != nil {
		return Case{}, fmt.Errorf("read case %s: %w", path, err)
	}
	if len(data) > maxCaseSize {
		return Case{}, fmt.Errorf("%s: case file larger than %d bytes", path, maxCaseSize)
	}
	c, err := decodeCase(data)
	if err != nil {
		return Case{}, fmt.Errorf("%s: %w", path, err)
	}
	if stem := strings.TrimSuffix(filepath.Base(path), ".json"); c.ID != stem {
		return Case{}, fmt.Errorf("%s: id %q does not match the file name %q", path, c.ID, stem)
	}
	c.Path = path
	return c, nil
}

func decodeCase(data []byte) (Case, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var r rawCase
	if err := dec.Decode(&r); err != nil {
		return Case{}, jsonError(data, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Case{}, errors.New("invalid JSON: data after the case object")
	}
	var missing []string
	for name, absent := range map[string]bool{"id": r.ID == nil, "published": r.Published == nil,
		"context": r.Context == nil, "text": r.Text == nil, "figures": r.Figures == nil} {
		if absent {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return Case{}, fmt.Errorf("missing required fields: %s", strings.Join(missing, ", "))
	}
	c := Case{ID: *r.ID, Published: *r.Published, Context: *r.Context, Text: *r.Text,
		Figures: *r.Figures, Notes: r.Notes, Origin: r.Origin}
	return c, c.validate()
}

// jsonError turns decoder errors that carry a byte offset into messages
// with a line and column.
func jsonError(data []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Errorf("invalid JSON at %s: %w", position(data, syn.Offset), err)
	case errors.As(err, &typ):
		return fmt.Errorf("invalid JSON at %s: %w", position(data, typ.Offset), err)
	case errors.Is(err, io.EOF):
		return errors.New("invalid JSON: empty file")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("invalid JSON: unexpected end of file")
	}
	return fmt.Errorf("invalid JSON: %w", err)
}

// position names the line and column of the byte before offset: the
// decoder reports errors after reading the offending byte.
func position(data []byte, offset int64) string {
	offset = min(max(offset-1, 0), int64(len(data)))
	before := data[:offset]
	line := bytes.Count(before, []byte("\n")) + 1
	col := len(before) - bytes.LastIndexByte(before, '\n')
	return "line " + strconv.Itoa(line) + ", column " + strconv.Itoa(col)
}

var (
	countryCode = regexp.MustCompile(`^[A-Z]{2}$`)
	regionCode  = regexp.MustCompile(`^[A-Z]{2}(-[A-Z0-9]{1,3})?$`)
)

func (c Case) validate() error {
	if c.ID == "" {
		return errors.New("id is empty")
	}
	if _, err := time.Parse(DateLayout, c.Published); err != nil {
		return fmt.Errorf("published %q is not a YYYY-MM-DD date", c.Published)
	}
	if !countryCode.MatchString(c.Context.Country) {
		return fmt.Errorf("context.country %q is not an ISO 3166-1 alpha-2 code", c.Context.Country)
	}
	if c.Context.Source == "" {
		return errors.New("context.source is empty")
	}
	if strings.TrimSpace(c.Text) == "" {
		return errors.New("text is empty")
	}
	for i, f := range c.Figures {
		if err := f.validate(); err != nil {
			return fmt.Errorf("figure %d: %w", i, err)
		}
	}
	return nil
}

func (f Figure) validate() error {
	if p, err := parser.ParsePeriod(f.Period); err != nil || p.String() != f.Period {
		return fmt.Errorf("invalid period %q", f.Period)
	}
	if !slices.Contains(parser.Metrics, f.Metric) {
		return fmt.Errorf("unknown metric %q", f.Metric)
	}
	if !slices.Contains(parser.Categories, f.Category) {
		return fmt.Errorf("unknown category %q", f.Category)
	}
	if !regionCode.MatchString(f.Region) {
		return fmt.Errorf("region %q is not an ISO 3166 code", f.Region)
	}
	if f.Value < 0 {
		return fmt.Errorf("negative value %d", f.Value)
	}
	if !slices.Contains(parser.Qualifiers, f.Qualifier) {
		return fmt.Errorf("unknown qualifier %q", f.Qualifier)
	}
	return nil
}
