// Package config loads the incidents configuration: typed structs with
// defaults, a YAML file decoded strictly with viper, INCIDENTS_* environment
// overrides for every scalar key, and a Validate step that reports every
// problem naming its key and bad value.
package config

import (
	"encoding/json"
	"time"
)

// Config is the whole configuration of the incidents service.
type Config struct {
	Store    Store    `mapstructure:"store" yaml:"store"`
	Log      Log      `mapstructure:"log" yaml:"log"`
	HTTP     HTTP     `mapstructure:"http" yaml:"http"`
	Schedule Schedule `mapstructure:"schedule" yaml:"schedule"`
	Fetch    Fetch    `mapstructure:"fetch" yaml:"fetch"`
	InfluxDB InfluxDB `mapstructure:"influxdb" yaml:"influxdb"`
	Defaults Defaults `mapstructure:"defaults" yaml:"defaults"`
	Alerts   Alerts   `mapstructure:"alerts" yaml:"alerts"`
	Sources  []Source `mapstructure:"sources" yaml:"sources"`
}

// Store configures the embedded SQLite store.
type Store struct {
	// Path is the SQLite database file; its directory is created on open.
	Path string `mapstructure:"path" yaml:"path"`
}

// Log configures the structured logger.
type Log struct {
	// Format is "text" or "json".
	Format string `mapstructure:"format" yaml:"format"`
	// Level is "debug", "info", "warn" or "error".
	Level string `mapstructure:"level" yaml:"level"`
}

// HTTP configures the listener of the serve command.
type HTTP struct {
	Listen        string        `mapstructure:"listen" yaml:"listen"`
	ShutdownGrace time.Duration `mapstructure:"shutdown_grace" yaml:"shutdown_grace"`
	// WebConfigFile is a Prometheus web configuration file (TLS and basic
	// auth, as prometheus/exporter-toolkit reads it); "" serves plain HTTP.
	WebConfigFile string `mapstructure:"web_config_file" yaml:"web_config_file"`
}

// Schedule configures when serve collects.
type Schedule struct {
	// Spec is a five-field cron spec or a descriptor such as "@every 6h".
	Spec string `mapstructure:"spec" yaml:"spec"`
	// TimeZone is the IANA zone cron specs are read in.
	TimeZone   string `mapstructure:"time_zone" yaml:"time_zone"`
	RunOnStart bool   `mapstructure:"run_on_start" yaml:"run_on_start"`
}

// Fetch bounds what the collector reads, over HTTP and from files.
type Fetch struct {
	Timeout         time.Duration `mapstructure:"timeout" yaml:"timeout"`
	MaxBodyBytes    int64         `mapstructure:"max_body_bytes" yaml:"max_body_bytes"`
	MaxRedirects    int           `mapstructure:"max_redirects" yaml:"max_redirects"`
	Retries         int           `mapstructure:"retries" yaml:"retries"`
	RetryBackoff    time.Duration `mapstructure:"retry_backoff" yaml:"retry_backoff"`
	MinHostInterval time.Duration `mapstructure:"min_host_interval" yaml:"min_host_interval"`
	// UserAgent overrides the default "incidents/<version>" user agent.
	UserAgent string `mapstructure:"user_agent" yaml:"user_agent"`
}

// InfluxDB configures the optional InfluxDB writer.
type InfluxDB struct {
	Enabled bool   `mapstructure:"enabled" yaml:"enabled"`
	URL     string `mapstructure:"url" yaml:"url"`
	Org     string `mapstructure:"org" yaml:"org"`
	Bucket  string `mapstructure:"bucket" yaml:"bucket"`
	Token   Secret `mapstructure:"token" yaml:"token"`
	// TokenFile names a file holding the token; it is read by Load.
	TokenFile     string        `mapstructure:"token_file" yaml:"token_file"`
	Timeout       time.Duration `mapstructure:"timeout" yaml:"timeout"`
	BatchSize     int           `mapstructure:"batch_size" yaml:"batch_size"`
	FlushInterval time.Duration `mapstructure:"flush_interval" yaml:"flush_interval"`
}

// Defaults are applied to sources that do not set the field themselves.
type Defaults struct {
	Country   string `mapstructure:"country" yaml:"country"`
	Publisher string `mapstructure:"publisher" yaml:"publisher"`
}

// Alerts configures spike detection and its notifications.
type Alerts struct {
	Spike Spike `mapstructure:"spike" yaml:"spike"`
	// ActiveFor is how long a spike stays active after it is detected.
	ActiveFor time.Duration `mapstructure:"active_for" yaml:"active_for"`
	// Severity is the severity label of every spike alert.
	Severity     string   `mapstructure:"severity" yaml:"severity"`
	Alertmanager Receiver `mapstructure:"alertmanager" yaml:"alertmanager"`
	Webhook      Receiver `mapstructure:"webhook" yaml:"webhook"`
	// Timeout bounds one notification request; failed requests are retried
	// Retries times, waiting RetryBackoff, then twice as long each time.
	Timeout      time.Duration `mapstructure:"timeout" yaml:"timeout"`
	Retries      int           `mapstructure:"retries" yaml:"retries"`
	RetryBackoff time.Duration `mapstructure:"retry_backoff" yaml:"retry_backoff"`
}

// Spike holds the rules that make the latest month of a monthly series a
// spike.
type Spike struct {
	// MinRatio is the smallest rise over the previous month, (latest -
	// previous) / previous.
	MinRatio float64 `mapstructure:"min_ratio" yaml:"min_ratio"`
	// MinValue is the smallest latest value that can be a spike.
	MinValue float64 `mapstructure:"min_value" yaml:"min_value"`
	// ZScore, when positive, also makes a spike of a latest value that many
	// standard deviations above the mean of the 12 months before it.
	ZScore float64 `mapstructure:"zscore" yaml:"zscore"`
}

// Receiver is a notification endpoint; an empty URL disables it.
type Receiver struct {
	URL string `mapstructure:"url" yaml:"url"`
}

// Source kinds.
const (
	KindFile = "file"
	KindPage = "page"
	KindFeed = "feed"
)

// Source is one configured origin of documents.
type Source struct {
	Name string `mapstructure:"name" yaml:"name"`
	// Kind is "file", "page" or "feed".
	Kind string `mapstructure:"kind" yaml:"kind"`
	// Path is a file, a directory (read recursively) or a glob (kind file).
	Path string `mapstructure:"path" yaml:"path,omitempty"`
	// URL is the article or feed address (kinds page and feed).
	URL       string `mapstructure:"url" yaml:"url,omitempty"`
	Publisher string `mapstructure:"publisher" yaml:"publisher"`
	Country   string `mapstructure:"country" yaml:"country"`
	// Published (YYYY-MM-DD) overrides the publication date of every document.
	Published string `mapstructure:"published" yaml:"published,omitempty"`
	// Match is a regular expression over feed item titles.
	Match      string   `mapstructure:"match" yaml:"match,omitempty"`
	MaxItems   int      `mapstructure:"max_items" yaml:"max_items,omitempty"`
	AllowHosts []string `mapstructure:"allow_hosts" yaml:"allow_hosts,omitempty"`
	// Schedule overrides schedule.spec for this source.
	Schedule string `mapstructure:"schedule" yaml:"schedule,omitempty"`
	// Timeout overrides fetch.timeout for this source.
	Timeout time.Duration `mapstructure:"timeout" yaml:"timeout,omitempty"`
}

// PublishedTime returns the parsed published override, or the zero time.
func (s Source) PublishedTime() time.Time {
	t, err := time.Parse(time.DateOnly, s.Published)
	if err != nil {
		return time.Time{}
	}
	return t
}

// Default returns the configuration used when nothing is set.
func Default() Config {
	return Config{
		Store:    Store{Path: "data/incidents.db"},
		Log:      Log{Format: "text", Level: "info"},
		HTTP:     HTTP{Listen: "127.0.0.1:9464", ShutdownGrace: 30 * time.Second},
		Schedule: Schedule{Spec: "@every 6h", TimeZone: "UTC", RunOnStart: true},
		Fetch: Fetch{
			Timeout:         30 * time.Second,
			MaxBodyBytes:    10 << 20,
			MaxRedirects:    5,
			Retries:         3,
			RetryBackoff:    time.Second,
			MinHostInterval: time.Second,
		},
		InfluxDB: InfluxDB{
			URL:           "http://127.0.0.1:8086",
			Bucket:        "incidents",
			Timeout:       10 * time.Second,
			BatchSize:     500,
			FlushInterval: 10 * time.Second,
		},
		Defaults: Defaults{Country: "PK"},
		Alerts: Alerts{
			Spike:        Spike{MinRatio: 0.5, MinValue: 20},
			ActiveFor:    7 * 24 * time.Hour,
			Severity:     "warning",
			Timeout:      10 * time.Second,
			Retries:      3,
			RetryBackoff: time.Second,
		},
	}
}

// Secret is a string that never prints: String, YAML and JSON show "****".
type Secret string

const masked = "****"

// String implements fmt.Stringer with the masked value.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return masked
}

// MarshalYAML implements yaml.Marshaler with the masked value.
func (s Secret) MarshalYAML() (any, error) { return s.String(), nil }

// MarshalJSON implements json.Marshaler with the masked value.
func (s Secret) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// Reveal returns the secret itself, for the one place that needs it.
func (s Secret) Reveal() string { return string(s) }
