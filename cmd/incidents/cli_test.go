package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// execCLI runs the root command in-process with args and stdin, and
// returns what it wrote and the error Execute returned.
func execCLI(t *testing.T, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	root := newRootCmd()
	var out, errOut bytes.Buffer
	root.SetArgs(args)
	root.SetIn(strings.NewReader(stdin))
	root.SetOut(&out)
	root.SetErr(&errOut)
	err = root.Execute()
	return out.String(), errOut.String(), err
}

// helperEnv switches the test binary into the incidents command, so that
// runCLI observes real exit codes from run().
const helperEnv = "INCIDENTS_TEST_HELPER_PROCESS"

// TestHelperProcess is not a test: runCLI re-executes the test binary with
// helperEnv set, and this function then behaves as the incidents binary
// with the arguments after "--".
func TestHelperProcess(t *testing.T) {
	if os.Getenv(helperEnv) != "1" {
		t.Skip("helper process for the exit-code tests")
	}
	i := slices.Index(os.Args, "--")
	os.Args = append([]string{"incidents"}, os.Args[i+1:]...)
	os.Exit(run())
}

// runCLI runs incidents with args and stdin in a child process and returns
// its output and exit code.
func runCLI(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, append([]string{"-test.run=^TestHelperProcess$", "--"}, args...)...)
	cmd.Env = append(os.Environ(), helperEnv+"=1")
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	var exitErr *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exitErr):
		code = exitErr.ExitCode()
	default:
		t.Fatalf("run %v: %v", args, err)
	}
	return out.String(), errOut.String(), code
}

// exitCase is one run of the binary and what it must produce.
type exitCase struct {
	name       string
	stdin      string
	args       []string
	code       int
	stdout     string // exact, when not empty
	stderrHave string // substring of stderr
}

func runExitCases(t *testing.T, tests []exitCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := runCLI(t, tt.stdin, tt.args...)
			if code != tt.code {
				t.Errorf("incidents %s: exit %d, want %d; stderr:\n%s", strings.Join(tt.args, " "), code, tt.code, stderr)
			}
			if tt.stdout != "" && stdout != tt.stdout {
				t.Errorf("stdout = %q, want %q", stdout, tt.stdout)
			}
			if !strings.Contains(stderr, tt.stderrHave) {
				t.Errorf("stderr = %q, want it to contain %q", stderr, tt.stderrHave)
			}
		})
	}
}
