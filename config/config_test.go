package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

// noEnv is an environment with nothing set.
func noEnv(string) (string, bool) { return "", false }

func envOf(kv map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := kv[k]; return v, ok }
}

func TestLoadGood(t *testing.T) {
	cfg, err := Load("testdata/good.yaml", noEnv)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"store path absolute kept", cfg.Store.Path, "/var/lib/incidents/incidents.db"},
		{"log format", cfg.Log.Format, "json"},
		{"time zone", cfg.Schedule.TimeZone, "Asia/Karachi"},
		{"default kept when unset", cfg.Schedule.RunOnStart, true},
		{"default listen", cfg.HTTP.Listen, "127.0.0.1:9464"},
		{"max body bytes", cfg.Fetch.MaxBodyBytes, int64(2097152)},
		{"timeout", cfg.Fetch.Timeout, 15 * time.Second},
		{"default retries", cfg.Fetch.Retries, 3},
		{"token", cfg.InfluxDB.Token.Reveal(), "s3cret"},
		{"sources", len(cfg.Sources), 3},
		{"relative path resolved against file", cfg.Sources[0].Path, filepath.Join("testdata", "reports/*.txt")},
		{"unquoted YAML date", cfg.Sources[0].Published, "2024-02-01"},
		{"published time", cfg.Sources[0].PublishedTime(), time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)},
		{"publisher default", cfg.Sources[0].Publisher, "PICSS"},
		{"country default", cfg.Sources[1].Country, "PK"},
		{"publisher set", cfg.Sources[2].Publisher, "CRSS"},
		{"allow hosts", fmt.Sprint(cfg.Sources[1].AllowHosts), "[cdn.picss.net]"},
		{"source timeout", cfg.Sources[1].Timeout, time.Minute},
		{"max items", cfg.Sources[1].MaxItems, 10},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if c.got != c.want {
				t.Errorf("got %v, want %v", c.got, c.want)
			}
		})
	}
}

func TestLoadBadConfigs(t *testing.T) {
	tests := map[string]string{
		"invalid-alerts-min-ratio.yaml":    `alerts.spike.min_ratio: must be positive, got 0`,
		"invalid-alerts-url.yaml":          `alerts.alertmanager.url: invalid URL "ftp://am.example": scheme "ftp" not allowed (want http or https)`,
		"invalid-web-config-file.yaml":     `http.web_config_file: testdata/does-not-exist.yml: open testdata/does-not-exist.yml: no such file or directory`,
		"invalid-country.yaml":             `sources[0].country: invalid country code "pk" (want two upper-case letters, e.g. PK)`,
		"invalid-cron.yaml":                `schedule.spec: invalid cron spec "61 * * * *": end of range (61) above maximum (59): 61`,
		"invalid-default-country.yaml":     `defaults.country: invalid country code "PAK" (want two upper-case letters, e.g. PK)`,
		"invalid-duplicate-name.yaml":      `sources[1].name: duplicate source name "reports" (also sources[0])`,
		"invalid-duration.yaml":            `fetch.timeout: invalid duration "soon" (want e.g. 30s, 5m or 6h)`,
		"invalid-influxdb-bucket.yaml":     `influxdb.bucket: required when influxdb.enabled is true`,
		"invalid-influxdb-url.yaml":        `influxdb.url: required when influxdb.enabled is true`,
		"invalid-kind.yaml":                `sources[0].kind: unknown kind "ftp" (want file, page or feed)`,
		"invalid-log-format.yaml":          `log.format: unknown format "xml" (want text or json)`,
		"invalid-log-level.yaml":           `log.level: unknown level "verbose" (want debug, info, warn or error)`,
		"invalid-match.yaml":               "sources[0].match: invalid regexp \"security (report\": error parsing regexp: missing closing ): `security (report`",
		"invalid-max-body-bytes.yaml":      `fetch.max_body_bytes: must be positive, got -1`,
		"invalid-max-items.yaml":           `sources[0].max_items: must not be negative, got -5`,
		"invalid-missing-name.yaml":        `sources[0].name: must not be empty`,
		"invalid-missing-path.yaml":        `sources[0].path: required for kind "file"`,
		"invalid-missing-url.yaml":         `sources[0].url: required for kind "page"`,
		"invalid-published.yaml":           `sources[0].published: invalid date "2024-13-01" (want YYYY-MM-DD)`,
		"invalid-retries.yaml":             `fetch.retries: must not be negative, got -2`,
		"invalid-scheme.yaml":              `sources[0].url: invalid URL "file:///etc/passwd": scheme "file" not allowed (want http or https)`,
		"invalid-source-schedule.yaml":     `sources[0].schedule: invalid cron spec "@sometimes": unrecognized descriptor: @sometimes`,
		"invalid-timezone.yaml":            `schedule.time_zone: unknown time zone "Mars/Olympus"`,
		"invalid-token-both.yaml":          `influxdb.token_file: at most one of influxdb.token and influxdb.token_file may be set`,
		"invalid-token-file.yaml":          `influxdb.token_file: open testdata/does-not-exist.txt: no such file or directory`,
		"invalid-unknown-key.yaml":         `unknown key "sources[1].shedule"`,
		"invalid-unknown-section-key.yaml": `unknown key "store.pth"`,
		"invalid-url.yaml":                 `sources[0].url: invalid URL "http://exa mple.org/x": parse "http://exa mple.org/x": invalid character " " in host name`,
		"invalid-yaml.yaml":                `read config testdata/invalid-yaml.yaml: While parsing config: yaml: line 1: did not find expected ',' or ']'`,
	}
	files, err := filepath.Glob("testdata/invalid-*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(tests) {
		t.Errorf("%d invalid-*.yaml files but %d cases: every file needs its expected error", len(files), len(tests))
	}
	for name, want := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := Load(filepath.Join("testdata", name), noEnv)
			if err == nil {
				t.Fatalf("Load succeeded, want %q", want)
			}
			var errs Errors
			if !errors.As(err, &errs) {
				t.Fatalf("error %T is not config.Errors", err)
			}
			if err.Error() != want {
				t.Errorf("got  %q\nwant %q", err.Error(), want)
			}
		})
	}
}

func TestLoadReportsEveryProblem(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.yaml")
	body := "log:\n  level: loud\nschedule:\n  spec: nope\nsources:\n  - name: a\n    kind: page\n    url: gopher://x\n"
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path, noEnv)
	var errs Errors
	if !errors.As(err, &errs) {
		t.Fatalf("got %v, want config.Errors", err)
	}
	for _, key := range []string{"log.level:", "schedule.spec:", "sources[0].url:"} {
		found := false
		for _, e := range errs {
			found = found || strings.HasPrefix(e, key)
		}
		if !found {
			t.Errorf("no problem for %s in %q", key, errs)
		}
	}
}

func TestEnvOverrides(t *testing.T) {
	tests := []struct {
		name  string
		env   map[string]string
		check func(*Config) any
		want  any
	}{
		{"store path", map[string]string{"INCIDENTS_STORE_PATH": "/tmp/x.db"}, func(c *Config) any { return c.Store.Path }, "/tmp/x.db"},
		{"influxdb token", map[string]string{"INCIDENTS_INFLUXDB_TOKEN": "tok"}, func(c *Config) any { return c.InfluxDB.Token.Reveal() }, "tok"},
		{"int key with underscores", map[string]string{"INCIDENTS_FETCH_MAX_BODY_BYTES": "1024"}, func(c *Config) any { return c.Fetch.MaxBodyBytes }, int64(1024)},
		{"duration", map[string]string{"INCIDENTS_HTTP_SHUTDOWN_GRACE": "5s"}, func(c *Config) any { return c.HTTP.ShutdownGrace }, 5 * time.Second},
		{"bool", map[string]string{"INCIDENTS_SCHEDULE_RUN_ON_START": "false"}, func(c *Config) any { return c.Schedule.RunOnStart }, false},
		{"env beats file", map[string]string{"INCIDENTS_LOG_FORMAT": "text"}, func(c *Config) any { return c.Log.Format }, "text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Load("testdata/good.yaml", envOf(tt.env))
			if err != nil {
				t.Fatal(err)
			}
			if got := tt.check(cfg); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	t.Run("bad env value names the key", func(t *testing.T) {
		_, err := Load("testdata/good.yaml", envOf(map[string]string{"INCIDENTS_LOG_LEVEL": "loud"}))
		if err == nil || err.Error() != `log.level: unknown level "loud" (want debug, info, warn or error)` {
			t.Errorf("got %v", err)
		}
	})
	t.Run("process environment", func(t *testing.T) {
		t.Setenv("INCIDENTS_STORE_PATH", "/tmp/from-env.db")
		cfg, err := Load("testdata/good.yaml", nil)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Store.Path != "/tmp/from-env.db" {
			t.Errorf("store.path = %q", cfg.Store.Path)
		}
	})
}

func TestEnvNamesCoverEveryScalarKey(t *testing.T) {
	names := EnvNames()
	for _, want := range []string{"INCIDENTS_STORE_PATH", "INCIDENTS_INFLUXDB_TOKEN", "INCIDENTS_INFLUXDB_TOKEN_FILE", "INCIDENTS_FETCH_MAX_BODY_BYTES", "INCIDENTS_SCHEDULE_TIME_ZONE", "INCIDENTS_DEFAULTS_COUNTRY"} {
		if !strings.Contains(strings.Join(names, " ")+" ", want+" ") {
			t.Errorf("%s missing from %v", want, names)
		}
	}
	if len(names) != 37 {
		t.Errorf("%d env names, want 37 (one per scalar key)", len(names))
	}
}

func TestShippedConfig(t *testing.T) {
	cfg, err := Load("../config.yaml", noEnv)
	if err != nil {
		t.Fatalf("../config.yaml: %v", err)
	}
	want := Default()
	if cfg.Store.Path != filepath.Join("..", want.Store.Path) {
		t.Errorf("store.path = %q", cfg.Store.Path)
	}
	if len(cfg.Sources) != 1 || cfg.Sources[0].Name != "examples" || cfg.Sources[0].Kind != KindFile {
		t.Errorf("sources = %+v, want the examples file source", cfg.Sources)
	}
	// The shipped file documents the defaults: loading it must equal Default
	// in everything but the paths and sources.
	cfg.Store, cfg.Sources = want.Store, nil
	if fmt.Sprintf("%+v", *cfg) != fmt.Sprintf("%+v", want) {
		t.Errorf("config.yaml values differ from Default():\n got %+v\nwant %+v", *cfg, want)
	}
}

func TestSecretMasked(t *testing.T) {
	cfg, err := Load("testdata/good.yaml", noEnv)
	if err != nil {
		t.Fatal(err)
	}
	y, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	j, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"yaml": string(y), "json": string(j), "fmt": fmt.Sprintf("%+v", cfg)} {
		t.Run(name, func(t *testing.T) {
			if strings.Contains(out, "s3cret") {
				t.Errorf("secret printed: %s", out)
			}
			if !strings.Contains(out, "****") {
				t.Errorf("no mask in %s", out)
			}
		})
	}
	t.Run("yaml durations readable", func(t *testing.T) {
		if !strings.Contains(string(y), "timeout: 15s") {
			t.Errorf("yaml = %s", y)
		}
	})
}

func TestTokenFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "token"), []byte("from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "c.yaml"), []byte("influxdb:\n  token_file: token\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(filepath.Join(dir, "c.yaml"), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.InfluxDB.Token.Reveal() != "from-file" {
		t.Errorf("token = %q", cfg.InfluxDB.Token.Reveal())
	}
}
