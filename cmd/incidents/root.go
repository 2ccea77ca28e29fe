package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

// Exit codes, as in DESIGN.md.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// usageError marks an error caused by bad usage or config (exit 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usageErrorf(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

// version is stamped at build time with -ldflags "-X main.version=...".
var version = "dev"

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "incidents",
		Short: "Turn security-report prose into clean time series",
		Long: `incidents reads the monthly security reports of think tanks (PICSS, PIPS,
CRSS, ...) and news stories about them, extracts every reported figure
(attacks, deaths, injuries, arrests, abductions by period, region and
category) with the sentence it came from, stores them and serves them.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version,
	}
	root.PersistentFlags().String("config", "", "config file (default: ./config.yaml when present)")
	root.PersistentFlags().String("log-format", "text", "log format: text or json")
	root.PersistentFlags().String("log-level", "info", "log level: debug, info, warn or error")
	for _, add := range commands {
		root.AddCommand(add())
	}
	return root
}

// commands lists the constructors of the subcommands; each file adds its own.
var commands []func() *cobra.Command

func run() int {
	root := newRootCmd()
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	fmt.Fprintln(os.Stderr, "incidents:", err)
	var ue usageError
	if errors.As(err, &ue) || isCobraUsageError(err) {
		return exitUsage
	}
	return exitFailure
}
