package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/incidents-dev/incidents/parser"
)

func init() { commands = append(commands, newParseCmd) }

// maxParseInput bounds the text parse reads: monthly reports are a few
// kilobytes, a whole yearbook a few megabytes.
const maxParseInput = 64 << 20

// dateLayout is the layout of --published and of a "Published:" line.
const dateLayout = "2006-01-02"

type parseOptions struct {
	published string
	country   string
	source    string
	format    string
}

func newParseCmd() *cobra.Command {
	var o parseOptions
	cmd := &cobra.Command{
		Use:   "parse [FILE|-]",
		Short: "Print every figure reported in one text",
		Long: `parse reads one report (a file, or standard input when FILE is "-" or
missing, up to 64 MiB) and prints every figure it states: period, metric,
category, region, value, qualifier, confidence and the sentence it came from.

Months named without a year and "last month" are resolved against the
publication date, which is, in order:
  1. --published YYYY-MM-DD;
  2. a first line of the text of the form "Published: YYYY-MM-DD";
  3. the modification time of FILE;
  4. today (standard input).

Figures that name no place are given the country of --country (default PK).
--source names the publisher (e.g. PICSS), whose idioms the parser may know.

--format table (default) prints aligned columns with the evidence sentence,
the number in [brackets]; --format json prints one JSON array of figure
objects (period, metric, category, region, value, qualifier,
evidence{text,start,end}, confidence), "[]" when there is none. Evidence
offsets are byte offsets in the input as read, Published line included.`,
		Example: `  # A report saved as text, published on 2 March 2024:
  incidents parse --published 2024-03-02 --source PICSS report.txt

  # A sentence from a pipe, as JSON:
  echo "In February, 20 people were killed in 12 militant attacks." |
    incidents parse --published 2024-03-02 --country PK --format json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runParse(cmd, args, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.published, "published", "", "publication date YYYY-MM-DD (default: Published line, file time, today)")
	f.StringVar(&o.country, "country", "PK", "ISO 3166-1 alpha-2 country of figures that name no place")
	f.StringVar(&o.source, "source", "", "publisher of the report, e.g. PICSS")
	f.StringVar(&o.format, "format", "table", "output format: table or json")
	return cmd
}

var countryFlag = regexp.MustCompile(`^[A-Za-z]{2}$`)

func runParse(cmd *cobra.Command, args []string, o parseOptions) error {
	if o.format != "table" && o.format != "json" {
		return usageErrorf("invalid --format %q: want table or json", o.format)
	}
	if !countryFlag.MatchString(o.country) {
		return usageErrorf("invalid --country %q: want an ISO 3166-1 alpha-2 code such as PK", o.country)
	}
	var published time.Time
	if o.published != "" {
		t, err := time.Parse(dateLayout, o.published)
		if err != nil {
			return usageErrorf("invalid --published %q: want a date YYYY-MM-DD", o.published)
		}
		published = t
	}
	logger, err := newLogger(cmd)
	if err != nil {
		return err
	}
	name := "-"
	if len(args) == 1 {
		name = args[0]
	}
	text, modTime, err := readReport(cmd, name)
	if err != nil {
		return err
	}
	published, from, err := resolvePublished(published, text, modTime, time.Now())
	if err != nil {
		return fmt.Errorf("%s: %w", displayName(name), err)
	}
	ctx := parser.Context{Published: published, Country: strings.ToUpper(o.country), Publisher: o.source}
	start := time.Now()
	figs := parser.Extract(text, ctx)
	logger.Debug("parsed report", "input", displayName(name), "bytes", len(text),
		"published", published.Format(dateLayout), "published_from", from,
		"figures", len(figs), "duration", time.Since(start))
	return writeFigures(cmd.OutOrStdout(), text, figs, o.format, evidenceWidth(cmd.OutOrStdout()))
}

func displayName(name string) string {
	if name == "-" {
		return "standard input"
	}
	return name
}

// readReport reads FILE, or the command's standard input for "-". It
// returns the modification time of a file, nil for standard input.
func readReport(cmd *cobra.Command, name string) (string, *time.Time, error) {
	if name == "-" {
		if f, ok := cmd.InOrStdin().(*os.File); ok && isTerminal(f) {
			fmt.Fprintln(cmd.ErrOrStderr(), "incidents: reading the report from the terminal; end it with Ctrl-D")
		}
		text, err := readLimited(cmd.InOrStdin(), maxParseInput, 0)
		if err != nil {
			return "", nil, fmt.Errorf("read standard input: %w", err)
		}
		return text, nil, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return "", nil, fmt.Errorf("read report: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return "", nil, fmt.Errorf("read report %s: %w", name, err)
	}
	if info.IsDir() {
		return "", nil, fmt.Errorf("read report %s: is a directory", name)
	}
	if info.Size() > maxParseInput {
		return "", nil, fmt.Errorf("read report %s: %w", name, errTooLarge(maxParseInput))
	}
	text, err := readLimited(f, maxParseInput, info.Size())
	if err != nil {
		return "", nil, fmt.Errorf("read report %s: %w", name, err)
	}
	mod := info.ModTime()
	return text, &mod, nil
}

func errTooLarge(limit int64) error {
	return fmt.Errorf("input larger than %d MiB; split it into documents", limit>>20)
}

// readLimited reads all of r, failing when it holds more than limit bytes.
// sizeHint, when known, spares the copies of a growing buffer.
func readLimited(r io.Reader, limit, sizeHint int64) (string, error) {
	var buf strings.Builder
	if sizeHint > 0 && sizeHint <= limit {
		buf.Grow(int(sizeHint) + 1) // +1: the read that sees EOF
	}
	n, err := io.Copy(&buf, io.LimitReader(r, limit+1))
	if err != nil {
		return "", err
	}
	if n > limit {
		return "", errTooLarge(limit)
	}
	return buf.String(), nil
}

var publishedLine = regexp.MustCompile(`(?i)^published:\s*(\d{4}-\d{2}-\d{2})\s*$`)

// resolvePublished picks the publication date: the flag when set, else a
// first non-blank line "Published: YYYY-MM-DD", else the file's
// modification time, else now. It also says where the date came from.
func resolvePublished(flag time.Time, text string, modTime *time.Time, now time.Time) (time.Time, string, error) {
	if !flag.IsZero() {
		return flag, "flag", nil
	}
	sc := bufio.NewScanner(strings.NewReader(strings.TrimPrefix(text, "\uFEFF")))
	sc.Buffer(make([]byte, 0, 4096), 4096)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		if m := publishedLine.FindStringSubmatch(line); m != nil {
			t, err := time.Parse(dateLayout, m[1])
			if err != nil {
				return time.Time{}, "", fmt.Errorf("invalid date in %q: %w", line, err)
			}
			return t, "text", nil
		}
		break
	}
	if modTime != nil {
		return day(*modTime), "file time", nil
	}
	return day(now), "today", nil
}

// day truncates t to its calendar day, in UTC as the parser expects.
func day(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
