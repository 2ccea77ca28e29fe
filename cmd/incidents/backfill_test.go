package main

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestBackfillCommandResumes(t *testing.T) {
	inRepoRoot(t)
	examples, err := filepath.Abs("examples/reports")
	if err != nil {
		t.Fatal(err)
	}
	first := mustCLI(t, "backfill", "--config", "config.yaml", "--source", "examples", "--jobs", "3", examples)
	if !strings.Contains(first, ": 13 stored, 0 skipped, 0 failed,") {
		t.Errorf("first backfill: %s", first)
	}
	again := mustCLI(t, "backfill", "--config", "config.yaml", "--source", "examples", examples)
	if !strings.Contains(again, ": 0 stored, 13 skipped, 0 failed, 0 figures") {
		t.Errorf("second backfill: %s", again)
	}
	// collect over the same files finds them all stored.
	out := mustCLI(t, "collect", "--config", "config.yaml")
	if f := strings.Fields(strings.Split(out, "\n")[1]); len(f) < 3 || f[1] != "0" || f[2] != "13" {
		t.Errorf("collect after backfill:\n%s", out)
	}
	dry := mustCLI(t, "backfill", "--config", "config.yaml", "--dry-run", examples)
	if !strings.Contains(dry, ": 13 stored, 0 skipped") || !strings.Contains(dry, "(dry run: nothing stored)") {
		t.Errorf("dry run: %s", dry)
	}
}
