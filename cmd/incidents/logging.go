package main

import (
	"log/slog"
	"strings"

	"github.com/spf13/cobra"
)

// logLevels maps the accepted --log-level values to slog levels.
var logLevels = map[string]slog.Level{
	"debug": slog.LevelDebug,
	"info":  slog.LevelInfo,
	"warn":  slog.LevelWarn,
	"error": slog.LevelError,
}

// newLogger builds the logger of a command from the persistent flags
// --log-format (text or json) and --log-level (debug, info, warn or error).
// It writes to the command's stderr. An invalid value is a usage error.
func newLogger(cmd *cobra.Command) (*slog.Logger, error) {
	format := flagString(cmd, "log-format", "text")
	name := flagString(cmd, "log-level", "info")
	level, ok := logLevels[strings.ToLower(name)]
	if !ok {
		return nil, usageErrorf("invalid --log-level %q: want debug, info, warn or error", name)
	}
	opts := &slog.HandlerOptions{Level: level}
	switch strings.ToLower(format) {
	case "text":
		return slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(cmd.ErrOrStderr(), opts)), nil
	}
	return nil, usageErrorf("invalid --log-format %q: want text or json", format)
}

// flagString returns the value of a flag of cmd or of its parents, or def
// when no such flag is defined.
func flagString(cmd *cobra.Command, name, def string) string {
	f := cmd.Flag(name)
	if f == nil {
		return def
	}
	return f.Value.String()
}
