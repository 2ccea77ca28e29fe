package main

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/incidents-dev/incidents/corpus"
)

func init() { commands = append(commands, newEvalCmd) }

type evalOptions struct {
	format  string
	verbose bool
}

func newEvalCmd() *cobra.Command {
	var o evalOptions
	cmd := &cobra.Command{
		Use:   "eval DIR",
		Short: "Score the parser on a folder of annotated cases",
		Long: `eval runs the parser on every annotated case (*.json in the format of
corpus/GUIDE.md) in DIR and its subfolders and compares its figures with the
gold ones. A figure matches when period, metric, category, region and value
are equal; each gold figure matches once. It prints precision, recall and F1
over all cases together, qualifier accuracy over the matched figures, and
the counts of gold, predicted and matched figures.

The table has one line per case; -v adds each case's missed and spurious
figures and wrong qualifiers. The last three lines are always the summary.
--format json prints the whole report, every case's details included.

The exit status is 0 whatever the score (it is a report), 1 when a case
cannot be read, 2 on bad usage.`,
		Example: `  # Score the development corpus, then list what went wrong:
  incidents eval parser/testdata/corpus/dev
  incidents eval -v parser/testdata/corpus/dev

  # The F1 for a script:
  incidents eval --format json parser/testdata/corpus | jq .f1`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runEval(cmd, args[0], o)
		},
	}
	cmd.Flags().StringVar(&o.format, "format", "table", "output format: table or json")
	cmd.Flags().BoolVarP(&o.verbose, "verbose", "v", false, "list each case's missed and spurious figures")
	return cmd
}

func runEval(cmd *cobra.Command, dir string, o evalOptions) error {
	if o.format != "table" && o.format != "json" {
		return usageErrorf("invalid --format %q: want table or json", o.format)
	}
	logger, err := newLogger(cmd)
	if err != nil {
		return err
	}
	cases, err := corpus.Load(dir)
	if err != nil {
		return err
	}
	start := time.Now()
	report := corpus.Score(cases, corpus.Predict)
	logger.Debug("scored corpus", "dir", dir, "cases", len(cases), "duration", time.Since(start))
	if o.format == "json" {
		return writeJSON(cmd.OutOrStdout(), report)
	}
	return writeEvalTable(cmd.OutOrStdout(), cases, report, o.verbose)
}

// writeEvalTable prints one line per case, the details with verbose, and
// the three summary lines last.
func writeEvalTable(w io.Writer, cases []corpus.Case, r corpus.Report, verbose bool) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CASE\tGOLD\tPRED\tMATCHED\tMISSED\tSPURIOUS\tQUAL-WRONG\tF1")
	for _, c := range r.PerCase {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%.3f\n", c.ID, c.Gold, c.Predicted, c.Matched,
			len(c.Missed), len(c.Spurious), len(c.WrongQualifier), caseF1(c))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	if verbose {
		writeEvalDetails(w, cases, r)
	}
	noun := "cases"
	if r.Cases == 1 {
		noun = "case"
	}
	_, err := fmt.Fprintf(w, "\nfigures: gold %d, predicted %d, matched %d (%d %s)\nprecision %.3f  recall %.3f  F1 %.3f\nqualifier accuracy %.3f (%d of %d matched)\n",
		r.Gold, r.Predicted, r.Matched, r.Cases, noun, r.Precision, r.Recall, r.F1,
		r.QualifierAccuracy, r.QualifiersCorrect, r.Matched)
	if err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}

// caseF1 is 2·matched/(gold+predicted), which equals the harmonic mean of
// the case's precision and recall; 1 for a case with nothing to find.
func caseF1(c corpus.CaseReport) float64 {
	if c.Gold+c.Predicted == 0 {
		return 1
	}
	return 2 * float64(c.Matched) / float64(c.Gold+c.Predicted)
}

// writeEvalDetails lists, for every case with an error, the missed gold
// figures, the spurious predictions with their evidence, and the wrong
// qualifiers.
func writeEvalDetails(w io.Writer, cases []corpus.Case, r corpus.Report) {
	for i, c := range r.PerCase {
		if len(c.Missed)+len(c.Spurious)+len(c.WrongQualifier) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n%s\n", c.ID)
		for _, f := range c.Missed {
			fmt.Fprintf(w, "  missed     %s\n", f)
		}
		for _, f := range c.Spurious {
			fmt.Fprintf(w, "  spurious   %s  %s\n", corpus.FromParser(f), snippet(cases[i].Text, f.Evidence, defaultEvidenceWidth))
		}
		for _, q := range c.WrongQualifier {
			fmt.Fprintf(w, "  qualifier  %s (predicted %s)\n", q.Gold, q.Predicted)
		}
	}
}
