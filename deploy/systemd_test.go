package deploy

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// unit is a systemd unit file: section → key → values, in order.
type unit map[string]map[string][]string

// parseUnit reads the INI syntax of systemd units: sections, key=value
// lines (a key may repeat), comments and continuation lines.
func parseUnit(text string) (unit, error) {
	u := unit{}
	section := ""
	sc := bufio.NewScanner(strings.NewReader(text))
	var pending string
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if pending != "" {
			line, pending = pending+" "+line, ""
		}
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";") {
			continue
		}
		if strings.HasSuffix(line, `\`) {
			pending = strings.TrimSuffix(line, `\`)
			continue
		}
		if strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]") {
			section = strings.Trim(line, "[]")
			if u[section] == nil {
				u[section] = map[string][]string{}
			}
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok || section == "" {
			return nil, &unitError{line}
		}
		u[section][strings.TrimSpace(k)] = append(u[section][strings.TrimSpace(k)], strings.TrimSpace(v))
	}
	return u, sc.Err()
}

type unitError struct{ line string }

func (e *unitError) Error() string { return "not a key=value line in a section: " + e.line }

// get returns the last value of a key ("" when unset).
func (u unit) get(section, key string) string {
	v := u[section][key]
	if len(v) == 0 {
		return ""
	}
	return v[len(v)-1]
}

func readUnit(t *testing.T, name string) unit {
	t.Helper()
	u, err := parseUnit(string(readFile(t, "deploy/systemd/"+name)))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return u
}

// hardening lists the sandbox settings both service units must have.
var hardening = map[string]string{
	"DynamicUser":     "yes",
	"StateDirectory":  "incidents",
	"ProtectSystem":   "strict",
	"ProtectHome":     "yes",
	"NoNewPrivileges": "yes",
	"PrivateTmp":      "yes",
	"User":            "incidents",
}

func TestSystemdUnits(t *testing.T) {
	tests := []struct {
		file, command, typ string
	}{
		{"incidents.service", "serve", "simple"},
		{"incidents-collect.service", "collect", "oneshot"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			u := readUnit(t, tt.file)
			for k, want := range hardening {
				if got := u.get("Service", k); got != want {
					t.Errorf("%s=%q, want %q", k, got, want)
				}
			}
			if got := u.get("Service", "Type"); got != tt.typ {
				t.Errorf("Type=%q, want %s", got, tt.typ)
			}
			if fams := u.get("Service", "RestrictAddressFamilies"); !strings.Contains(fams, "AF_INET") || strings.Contains(fams, "AF_PACKET") {
				t.Errorf("RestrictAddressFamilies=%q", fams)
			}
			exec := strings.Fields(u.get("Service", "ExecStart"))
			if len(exec) < 4 || !filepath.IsAbs(exec[0]) || exec[1] != tt.command || exec[2] != "--config" {
				t.Errorf("ExecStart=%v: want an absolute incidents %s --config FILE", exec, tt.command)
			}
			// The store must be in the state directory: ProtectSystem=strict
			// leaves nothing else writable.
			env := strings.Join(u["Service"]["Environment"], " ")
			if !strings.Contains(env, "INCIDENTS_STORE_PATH=%S/"+u.get("Service", "StateDirectory")+"/") {
				t.Errorf("Environment %q: want INCIDENTS_STORE_PATH in %%S/%s", env, u.get("Service", "StateDirectory"))
			}
		})
	}
	t.Run("serve restarts on failure", func(t *testing.T) {
		u := readUnit(t, "incidents.service")
		if u.get("Service", "Restart") != "on-failure" || u.get("Install", "WantedBy") != "multi-user.target" {
			t.Errorf("Restart=%q WantedBy=%q", u.get("Service", "Restart"), u.get("Install", "WantedBy"))
		}
		if u.get("Service", "RestartPreventExitStatus") != "2" {
			t.Error("a bad configuration (exit 2) would restart forever")
		}
	})
	t.Run("timer starts collect", func(t *testing.T) {
		u := readUnit(t, "incidents-collect.timer")
		if u.get("Timer", "Unit") != "incidents-collect.service" || u.get("Timer", "OnCalendar") == "" || u.get("Install", "WantedBy") != "timers.target" {
			t.Errorf("timer %v", u)
		}
	})
}

func TestParseUnit(t *testing.T) {
	u, err := parseUnit("# c\n[Service]\nA=1\nA=2\nB=x \\\n  y\n; c\n[Install]\nWantedBy=z\n")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(u["Service"]["A"], []string{"1", "2"}) || u.get("Service", "B") != "x  y" || u.get("Install", "WantedBy") != "z" {
		t.Fatalf("parsed %v", u)
	}
	if _, err := parseUnit("A=1\n"); err == nil {
		t.Fatal("a key outside a section parsed")
	}
}

// TestSystemdAnalyzeVerify runs `systemd-analyze verify` on the units in
// a root holding the host's system units and the built binary at the path
// of ExecStart; any warning fails the test.
func TestSystemdAnalyzeVerify(t *testing.T) {
	sa, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze is not installed; TestSystemdUnits checks the units alone")
	}
	root := t.TempDir()
	var sys string
	for _, d := range []string{"/usr/lib/systemd/system", "/lib/systemd/system"} {
		if _, err := os.Stat(filepath.Join(d, "multi-user.target")); err == nil {
			sys = d
			break
		}
	}
	if sys == "" {
		t.Skip("no system unit directory with multi-user.target to verify against")
	}
	if err := os.MkdirAll(filepath.Join(root, "usr/lib/systemd"), 0o755); err != nil {
		t.Fatal(err)
	}
	runTool(t, "", "cp", "-a", sys, filepath.Join(root, "usr/lib/systemd/system")) // symlinks kept
	units := []string{"incidents.service", "incidents-collect.service", "incidents-collect.timer"}
	for _, u := range units {
		if err := copyFile(filepath.Join(repoRoot, "deploy/systemd", u), filepath.Join(root, "etc/systemd/system", u)); err != nil {
			t.Fatal(err)
		}
	}
	bin := strings.Fields(readUnit(t, "incidents.service").get("Service", "ExecStart"))[0]
	if err := copyFile(imageBinary(t), filepath.Join(root, bin)); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(root, bin), 0o755); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(sa, append([]string{"verify", "--root=" + root}, units...)...).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "" {
		t.Fatalf("systemd-analyze verify: %v\n%s", err, out)
	}
}
