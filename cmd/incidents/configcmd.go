package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"

	"github.com/incidents-dev/incidents/config"
	"github.com/incidents-dev/incidents/store"
)

func init() { commands = append(commands, newConfigCmd) }

func newConfigCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Inspect the configuration",
		Long: `config groups the commands that inspect the configuration file.

Example:
  incidents config check --config config.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	check := &cobra.Command{
		Use:   "check",
		Short: "Load and validate the configuration, then print it",
		Long: `check loads the configuration (defaults, then the file given with --config
or ./config.yaml, then INCIDENTS_* environment variables), validates it and
prints the effective configuration as YAML with secrets masked.

When anything is wrong it prints every problem on stderr, one per line,
each naming its key and bad value, and exits with status 2.

Example:
  incidents config check --config config.yaml
  INCIDENTS_STORE_PATH=/var/lib/incidents/incidents.db incidents config check`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			enc := yaml.NewEncoder(cmd.OutOrStdout())
			enc.SetIndent(2)
			if err := enc.Encode(cfg); err != nil {
				return fmt.Errorf("print config: %w", err)
			}
			return enc.Close()
		},
	}
	cmd.AddCommand(check)
	return cmd
}

// loadConfig loads and validates the configuration named by --config (or
// ./config.yaml) with the environment; any problem is a usage error that
// lists every problem on its own line.
func loadConfig(cmd *cobra.Command) (*config.Config, error) {
	path := flagString(cmd, "config", "")
	cfg, err := config.Load(path, nil)
	if err == nil {
		return cfg, nil
	}
	var errs config.Errors
	if !errors.As(err, &errs) {
		return nil, usageErrorf("config: %w", err)
	}
	name := path
	if name == "" {
		name = "defaults"
	}
	return nil, usageErrorf("invalid configuration (%s):\n  %s", name, strings.Join(errs, "\n  "))
}

// commandLogger builds the logger of a command: --log-format and
// --log-level when given, else log.format and log.level of the config.
func commandLogger(cmd *cobra.Command, cfg *config.Config) (*slog.Logger, error) {
	for flag, val := range map[string]string{"log-format": cfg.Log.Format, "log-level": cfg.Log.Level} {
		if f := cmd.Flag(flag); f != nil && !f.Changed {
			if err := f.Value.Set(val); err != nil {
				return nil, usageErrorf("log: %w", err)
			}
		}
	}
	return newLogger(cmd)
}

// setup loads the configuration, builds the logger and opens the store.
func setup(cmd *cobra.Command) (*config.Config, *slog.Logger, *store.Store, error) {
	cfg, err := loadConfig(cmd)
	if err != nil {
		return nil, nil, nil, err
	}
	logger, err := commandLogger(cmd, cfg)
	if err != nil {
		return nil, nil, nil, err
	}
	st, err := store.Open(cmdContext(cmd), cfg.Store.Path)
	if err != nil {
		return nil, nil, nil, err
	}
	return cfg, logger, st, nil
}

// cmdContext returns the command's context, or Background outside Execute.
func cmdContext(cmd *cobra.Command) context.Context {
	if ctx := cmd.Context(); ctx != nil {
		return ctx
	}
	return context.Background()
}
