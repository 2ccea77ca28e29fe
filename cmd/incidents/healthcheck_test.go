package main

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestHealthURL(t *testing.T) {
	tests := []struct {
		name, listen, want, err string
	}{
		{"ipv4 wildcard", "0.0.0.0:9464", "http://127.0.0.1:9464/healthz", ""},
		{"empty host", ":9464", "http://127.0.0.1:9464/healthz", ""},
		{"ipv6 wildcard", "[::]:9464", "http://[::1]:9464/healthz", ""},
		{"loopback kept", "127.0.0.1:1234", "http://127.0.0.1:1234/healthz", ""},
		{"host name kept", "incidents:9464", "http://incidents:9464/healthz", ""},
		{"no port", "127.0.0.1", "", `http.listen "127.0.0.1"`},
		{"empty port", "127.0.0.1:", "", "no port"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := healthURL(tt.listen)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("healthURL(%q) = %q, %v; want an error with %q", tt.listen, got, err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("healthURL(%q) = %q, %v; want %q", tt.listen, got, err, tt.want)
			}
		})
	}
}

// healthServer answers /healthz with status and counts the requests.
func healthServer(t *testing.T, status int) (*httptest.Server, *int) {
	t.Helper()
	var hits int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
			return
		}
		hits++
		w.WriteHeader(status)
		fmt.Fprintln(w, http.StatusText(status))
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

// closedURL returns a URL on a loopback port nothing listens on.
func closedURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr + "/healthz"
}

func TestHealthcheckExitCodes(t *testing.T) {
	ok, _ := healthServer(t, http.StatusOK)
	down, _ := healthServer(t, http.StatusServiceUnavailable)
	hang := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	t.Cleanup(hang.Close)
	dir := t.TempDir()
	cfg := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	okCfg := cfg("ok.yaml", "http:\n  listen: "+strings.TrimPrefix(ok.URL, "http://")+"\n")
	tlsCfg := cfg("tls.yaml", "http:\n  web_config_file: "+cfg("web.yml", "{}\n")+"\n")
	badCfg := cfg("bad.yaml", "http:\n  listen: [oops\n")
	runExitCases(t, []exitCase{
		{name: "200 by url", args: []string{"healthcheck", "--url", ok.URL + "/healthz"}, code: 0, stdout: "ok: " + ok.URL + "/healthz\n"},
		{name: "200 from config listen", args: []string{"healthcheck", "--config", okCfg}, code: 0, stdout: "ok: " + ok.URL + "/healthz\n"},
		{name: "503", args: []string{"healthcheck", "--url", down.URL + "/healthz"}, code: 1, stderrHave: "503 Service Unavailable"},
		{name: "404 on a wrong path", args: []string{"healthcheck", "--url", ok.URL + "/nothere"}, code: 1, stderrHave: "404 Not Found"},
		{name: "nothing listening", args: []string{"healthcheck", "--url", closedURL(t)}, code: 1, stderrHave: "connection refused"},
		{name: "timeout", args: []string{"healthcheck", "--url", hang.URL + "/healthz", "--timeout", "200ms"}, code: 1, stderrHave: "deadline exceeded"},
		{name: "web config needs url", args: []string{"healthcheck", "--config", tlsCfg}, code: 1, stderrHave: "give the /healthz URL with --url"},
		{name: "bad config exits 1 not 2", args: []string{"healthcheck", "--config", badCfg}, code: 1, stderrHave: "bad.yaml"},
	})
}

func TestHealthcheckEnvListen(t *testing.T) {
	srv, hits := healthServer(t, http.StatusOK)
	t.Setenv("INCIDENTS_HTTP_LISTEN", strings.TrimPrefix(srv.URL, "http://"))
	cfg := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(cfg, []byte("http:\n  listen: 127.0.0.1:1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, err := execCLI(t, "", "healthcheck", "--config", cfg)
	if err != nil {
		t.Fatalf("healthcheck: %v", err)
	}
	if want := "ok: " + srv.URL + "/healthz\n"; out != want || *hits != 1 {
		t.Fatalf("stdout %q, %d requests; want %q and 1 request", out, *hits, want)
	}
}
