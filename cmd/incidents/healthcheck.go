package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"
)

func init() { commands = append(commands, newHealthcheckCmd) }

// healthBodyLimit bounds how much of a /healthz answer is read.
const healthBodyLimit = 4096

func newHealthcheckCmd() *cobra.Command {
	var (
		target  string
		timeout time.Duration
	)
	cmd := &cobra.Command{
		Use:   "healthcheck [--url URL]",
		Short: "Exit 0 when a running serve answers /healthz with 200, 1 otherwise",
		Long: `healthcheck asks a running "incidents serve" whether it is alive: it sends
GET /healthz and exits 0 on a 200 answer, 1 on any other status, a network
error or a timeout. It exists for container images without a shell or curl
(HEALTHCHECK in the Dockerfile, exec probes).

Without --url it reads http.listen from the configuration (--config, or
./config.yaml, then INCIDENTS_HTTP_LISTEN) and asks the loopback address
of that port, so a server listening on 0.0.0.0:9464 is asked at
http://127.0.0.1:9464/healthz. Every failure exits 1, a bad configuration
included, because container runtimes reserve exit status 2. With
http.web_config_file set (TLS, basic auth) the check needs --url.

Example:
  incidents healthcheck
  incidents healthcheck --url http://127.0.0.1:9464/healthz --timeout 3s`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if target == "" {
				u, err := configHealthURL(cmd)
				if err != nil {
					return err
				}
				target = u
			}
			if err := checkHealth(cmdContext(cmd), target, timeout); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "ok: %s\n", target)
			return nil
		},
	}
	cmd.Flags().StringVar(&target, "url", "", "the /healthz URL (default: from http.listen of the configuration)")
	cmd.Flags().DurationVar(&timeout, "timeout", 5*time.Second, "the time allowed for the request")
	return cmd
}

// configHealthURL derives the /healthz URL from the configuration. Its
// errors are plain errors (exit 1), not usage errors: see the Long help.
func configHealthURL(cmd *cobra.Command) (string, error) {
	cfg, err := loadConfig(cmd)
	if err != nil {
		var ue usageError
		if errors.As(err, &ue) {
			err = ue.err
		}
		return "", err
	}
	if cfg.HTTP.WebConfigFile != "" {
		return "", fmt.Errorf("http.web_config_file is set (TLS or basic auth): give the /healthz URL with --url")
	}
	return healthURL(cfg.HTTP.Listen)
}

// healthURL returns the /healthz URL of a server listening on listen
// (host:port); a wildcard or empty host is asked on the loopback address
// of its family.
func healthURL(listen string) (string, error) {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return "", fmt.Errorf("http.listen %q: %w", listen, err)
	}
	if port == "" {
		return "", fmt.Errorf("http.listen %q: no port", listen)
	}
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/healthz", nil
}

// checkHealth sends GET target and returns nil on a 200 answer.
func checkHealth(ctx context.Context, target string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return fmt.Errorf("healthcheck %s: %w", target, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, healthBodyLimit))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck %s: %s: %q", target, resp.Status, body)
	}
	return nil
}
