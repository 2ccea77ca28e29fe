package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestNewLogger(t *testing.T) {
	tests := []struct {
		name, format, level string
		wantErr             string
		// which of debug, info, warn, error are written
		written [4]bool
	}{
		{name: "defaults", written: [4]bool{false, true, true, true}},
		{name: "text debug", format: "text", level: "debug", written: [4]bool{true, true, true, true}},
		{name: "json warn", format: "json", level: "warn", written: [4]bool{false, false, true, true}},
		{name: "upper case", format: "JSON", level: "ERROR", written: [4]bool{false, false, false, true}},
		{name: "bad level", level: "verbose", wantErr: `invalid --log-level "verbose": want debug, info, warn or error`},
		{name: "numeric level", level: "-4", wantErr: `invalid --log-level "-4"`},
		{name: "bad format", format: "logfmt", wantErr: `invalid --log-format "logfmt": want text or json`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := newRootCmd()
			var buf bytes.Buffer
			root.SetErr(&buf)
			if tt.format != "" {
				if err := root.PersistentFlags().Set("log-format", tt.format); err != nil {
					t.Fatal(err)
				}
			}
			if tt.level != "" {
				if err := root.PersistentFlags().Set("log-level", tt.level); err != nil {
					t.Fatal(err)
				}
			}
			logger, err := newLogger(root)
			if tt.wantErr != "" {
				var ue usageError
				if !errors.As(err, &ue) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("newLogger error = %v, want usage error %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			logger.Debug("m0")
			logger.Info("m1")
			logger.Warn("m2")
			logger.Error("m3", "err", errors.New("boom"))
			out := buf.String()
			for i, want := range tt.written {
				if got := strings.Contains(out, "m"+string(rune('0'+i))); got != want {
					t.Errorf("message %d written = %v, want %v:\n%s", i, got, want, out)
				}
			}
			if strings.EqualFold(tt.format, "json") {
				for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
					var rec map[string]any
					if err := json.Unmarshal([]byte(line), &rec); err != nil {
						t.Errorf("json log line %q: %v", line, err)
					}
				}
			} else if !strings.Contains(out, "level=ERROR msg=m3 err=boom") {
				t.Errorf("text log %q lacks the error record", out)
			}
		})
	}
}

// TestNewLoggerInheritsFlags checks that a subcommand sees the root's
// persistent flags as parsed from the command line.
func TestNewLoggerInheritsFlags(t *testing.T) {
	_, stderr, err := execCLI(t, "", "--log-format", "json", "--log-level", "debug", "parse", "--format", "json")
	if err != nil {
		t.Fatal(err)
	}
	var rec map[string]any
	if err := json.Unmarshal([]byte(strings.TrimSpace(stderr)), &rec); err != nil {
		t.Fatalf("stderr is not one JSON log record: %v\n%s", err, stderr)
	}
	if rec["msg"] != "parsed report" || rec["level"] != "DEBUG" {
		t.Errorf("log record = %v, want the debug record of parse", rec)
	}
}
