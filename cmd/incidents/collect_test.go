package main

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/series.golden.json from the current output")

// inRepoRoot runs the test from the repository root with a fresh store, so
// that config.yaml and examples/ resolve as in `make run`.
func inRepoRoot(t *testing.T) (storePath string) {
	t.Helper()
	storePath = filepath.Join(t.TempDir(), "data", "incidents.db")
	t.Setenv("INCIDENTS_STORE_PATH", storePath)
	t.Chdir("../..")
	return storePath
}

func mustCLI(t *testing.T, args ...string) string {
	t.Helper()
	out, errOut, err := execCLI(t, "", args...)
	if err != nil {
		t.Fatalf("incidents %s: %v\nstderr:\n%s", strings.Join(args, " "), err, errOut)
	}
	return out
}

// TestCollectExamplesGolden collects examples/ into a fresh store and
// compares `series --format json` with testdata/series.golden.json; then
// collects again and checks that nothing changed.
func TestCollectExamplesGolden(t *testing.T) {
	golden, err := filepath.Abs("testdata/series.golden.json")
	if err != nil {
		t.Fatal(err)
	}
	inRepoRoot(t)
	out := mustCLI(t, "collect", "--config", "config.yaml")
	if !strings.Contains(out, "examples") || !strings.Contains(out, " ok") {
		t.Errorf("collect summary:\n%s", out)
	}
	series := mustCLI(t, "series", "--config", "config.yaml", "--format", "json")
	history := mustCLI(t, "series", "--config", "config.yaml", "--format", "json", "--history", "--evidence")
	if *update {
		if err := os.WriteFile(golden, []byte(series), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if series != string(want) {
		t.Errorf("series --format json differs from %s (rerun with -update after checking the change):\n%s", golden, series)
	}

	again := mustCLI(t, "collect", "--config", "config.yaml")
	fields := strings.Fields(strings.Split(again, "\n")[1])
	if len(fields) < 6 || fields[0] != "examples" || fields[1] != "0" || fields[2] != "13" || fields[3] != "0" || fields[4] != "0" || fields[5] != "0" {
		t.Errorf("second collect: want 0 new, 13 unchanged, nothing stored:\n%s", again)
	}
	if s := mustCLI(t, "series", "--config", "config.yaml", "--format", "json"); s != series {
		t.Error("a second collect changed the series")
	}
	if h := mustCLI(t, "series", "--config", "config.yaml", "--format", "json", "--history", "--evidence"); h != history {
		t.Error("a second collect changed the history")
	}
}

func TestCollectExitCodes(t *testing.T) {
	storePath := inRepoRoot(t)
	dir := filepath.Dir(storePath)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	examples, _ := filepath.Abs("examples/reports")
	oneBad := write("one-bad.yaml", "sources:\n  - name: missing\n    kind: file\n    path: "+filepath.Join(dir, "nope")+"\n  - name: examples\n    kind: file\n    path: "+examples+"\n    publisher: CCM\n")
	broken := write("broken.yaml", "schedule:\n  spec: \"61 * * * *\"\nsources:\n  - name: a\n    kind: ftp\n  - name: a\n    kind: file\n    path: x\n    shedule: x\n")
	invalid := write("invalid.yaml", "schedule:\n  spec: \"61 * * * *\"\nsources:\n  - name: a\n    kind: ftp\n  - name: a\n    kind: file\n    path: x\n")
	runExitCases(t, []exitCase{
		{name: "every source ok", args: []string{"collect", "--config", "config.yaml"}, code: 0},
		{name: "unknown source is usage", args: []string{"collect", "--config", "config.yaml", "--source", "nope"}, code: 2, stderrHave: "unknown source nope (configured: examples)"},
		{name: "one source fails alone", args: []string{"collect", "--config", oneBad}, code: 1, stderrHave: "1 of 2 sources did not succeed"},
		{name: "unknown key", args: []string{"collect", "--config", broken}, code: 2, stderrHave: `unknown key "sources[1].shedule"`},
		{name: "config check lists every problem", args: []string{"config", "check", "--config", invalid}, code: 2,
			stderrHave: "  schedule.spec: invalid cron spec \"61 * * * *\": end of range (61) above maximum (59): 61\n  sources[0].kind: unknown kind \"ftp\" (want file, page or feed)\n  sources[1].name: duplicate source name \"a\" (also sources[0])\n"},
		{name: "config check of a missing file", args: []string{"config", "check", "--config", filepath.Join(dir, "none.yaml")}, code: 2, stderrHave: "read config"},
		{name: "series bad format", args: []string{"series", "--format", "xml"}, code: 2, stderrHave: `invalid --format "xml"`},
		{name: "series bad period", args: []string{"series", "--from", "2024-13"}, code: 2, stderrHave: `invalid --from`},
		{name: "series bad metric", args: []string{"series", "--metric", "bombs"}, code: 2, stderrHave: `invalid --metric "bombs"`},
		{name: "backfill needs a path", args: []string{"backfill"}, code: 2, stderrHave: "requires at least 1 arg"},
		{name: "backfill bad country", args: []string{"backfill", "--country", "pak", "examples"}, code: 2, stderrHave: `invalid --country "pak"`},
	})
	t.Run("one failing source does not stop the others", func(t *testing.T) {
		out, _, code := runCLI(t, "", "collect", "--config", oneBad)
		if code != 1 || !strings.Contains(out, "missing: list ") {
			t.Errorf("exit %d, output:\n%s", code, out)
		}
		fields := strings.Fields(strings.Split(out, "\n")[2])
		if fields[0] != "examples" || fields[len(fields)-1] != "ok" {
			t.Errorf("examples line = %v", fields)
		}
	})
	t.Run("no stack trace", func(t *testing.T) {
		_, stderr, _ := runCLI(t, "", "config", "check", "--config", broken)
		if strings.Contains(stderr, "goroutine") || strings.Contains(stderr, ".go:") {
			t.Errorf("stderr has a trace:\n%s", stderr)
		}
	})
}

func TestConfigCheckPrintsEffectiveConfig(t *testing.T) {
	inRepoRoot(t)
	t.Setenv("INCIDENTS_INFLUXDB_TOKEN", "very-secret")
	t.Setenv("INCIDENTS_FETCH_TIMEOUT", "45s")
	out := mustCLI(t, "config", "check", "--config", "config.yaml")
	for _, want := range []string{"token: '****'", "timeout: 45s", "name: examples", "path: examples/reports", "spec: '@every 6h'"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "very-secret") {
		t.Errorf("secret printed:\n%s", out)
	}
}
