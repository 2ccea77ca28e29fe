package main

import (
	"os"
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

func TestBackfillCPUProfile(t *testing.T) {
	inRepoRoot(t)
	examples, err := filepath.Abs("examples/reports")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		profile string
		wantErr bool
	}{
		{name: "written", profile: filepath.Join(t.TempDir(), "cpu.prof")},
		{name: "directory missing", profile: filepath.Join(t.TempDir(), "no", "such", "dir", "cpu.prof"), wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, err := execCLI(t, "", "backfill", "--config", "config.yaml", "--dry-run", "--cpuprofile", tt.profile, examples)
			if (err != nil) != tt.wantErr {
				t.Fatalf("backfill --cpuprofile %s: error %v, want error %v; stderr:\n%s", tt.profile, err, tt.wantErr, stderr)
			}
			if tt.wantErr {
				return
			}
			fi, err := os.Stat(tt.profile)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Size() == 0 {
				t.Errorf("%s is empty", tt.profile)
			}
		})
	}
}
