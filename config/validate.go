package config

import (
	"fmt"
	"net/url"
	"regexp"
	"time"

	"github.com/prometheus/exporter-toolkit/web"
	"github.com/robfig/cron/v3"
)

// CronParser reads schedule specs: five fields or descriptors (@every 6h).
var CronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

var countryCode = regexp.MustCompile(`^[A-Z]{2}$`)

// Validate checks every rule and returns all problems as Errors, each
// naming the key and the bad value; nil when the config is usable.
func (c *Config) Validate() error {
	var p problems
	c.validateGlobal(&p)
	names := map[string]int{}
	for i, s := range c.Sources {
		key := fmt.Sprintf("sources[%d]", i)
		s.validate(key, &p)
		if s.Name == "" {
			continue
		}
		if j, dup := names[s.Name]; dup {
			p.add(key+".name", "duplicate source name %q (also sources[%d])", s.Name, j)
			continue
		}
		names[s.Name] = i
	}
	if len(p) == 0 {
		return nil
	}
	return Errors(p)
}

type problems []string

func (p *problems) add(key, format string, a ...any) {
	*p = append(*p, key+": "+fmt.Sprintf(format, a...))
}

func (c *Config) validateGlobal(p *problems) {
	if c.Store.Path == "" {
		p.add("store.path", "must not be empty")
	}
	if c.Log.Format != "text" && c.Log.Format != "json" {
		p.add("log.format", "unknown format %q (want text or json)", c.Log.Format)
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		p.add("log.level", "unknown level %q (want debug, info, warn or error)", c.Log.Level)
	}
	if c.HTTP.Listen == "" {
		p.add("http.listen", "must not be empty")
	}
	checkCron(p, "schedule.spec", c.Schedule.Spec)
	if _, err := time.LoadLocation(c.Schedule.TimeZone); err != nil || c.Schedule.TimeZone == "" {
		p.add("schedule.time_zone", "unknown time zone %q", c.Schedule.TimeZone)
	}
	positive(p, "http.shutdown_grace", c.HTTP.ShutdownGrace)
	positive(p, "fetch.timeout", c.Fetch.Timeout)
	positive(p, "fetch.max_body_bytes", c.Fetch.MaxBodyBytes)
	notNegative(p, "fetch.max_redirects", c.Fetch.MaxRedirects)
	notNegative(p, "fetch.retries", c.Fetch.Retries)
	notNegative(p, "fetch.retry_backoff", c.Fetch.RetryBackoff)
	notNegative(p, "fetch.min_host_interval", c.Fetch.MinHostInterval)
	c.validateInflux(p)
	c.validateAlerts(p)
	if !countryCode.MatchString(c.Defaults.Country) {
		p.add("defaults.country", "invalid country code %q (want two upper-case letters, e.g. PK)", c.Defaults.Country)
	}
}

func (c *Config) validateInflux(p *problems) {
	in := c.InfluxDB
	positive(p, "influxdb.timeout", in.Timeout)
	positive(p, "influxdb.batch_size", in.BatchSize)
	positive(p, "influxdb.flush_interval", in.FlushInterval)
	if !in.Enabled {
		return
	}
	if in.Bucket == "" {
		p.add("influxdb.bucket", "required when influxdb.enabled is true")
	}
	if in.URL == "" {
		p.add("influxdb.url", "required when influxdb.enabled is true")
	} else {
		checkURL(p, "influxdb.url", in.URL)
	}
}

func (c *Config) validateAlerts(p *problems) {
	a := c.Alerts
	if a.Spike.MinRatio <= 0 {
		p.add("alerts.spike.min_ratio", "must be positive, got %v", a.Spike.MinRatio)
	}
	if a.Spike.MinValue < 0 {
		p.add("alerts.spike.min_value", "must not be negative, got %v", a.Spike.MinValue)
	}
	if a.Spike.ZScore < 0 {
		p.add("alerts.spike.zscore", "must not be negative (0 turns it off), got %v", a.Spike.ZScore)
	}
	positive(p, "alerts.active_for", a.ActiveFor)
	if a.Severity == "" {
		p.add("alerts.severity", "must not be empty")
	}
	positive(p, "alerts.timeout", a.Timeout)
	notNegative(p, "alerts.retries", a.Retries)
	notNegative(p, "alerts.retry_backoff", a.RetryBackoff)
	if a.Alertmanager.URL != "" {
		checkURL(p, "alerts.alertmanager.url", a.Alertmanager.URL)
	}
	if a.Webhook.URL != "" {
		checkURL(p, "alerts.webhook.url", a.Webhook.URL)
	}
	if f := c.HTTP.WebConfigFile; f != "" {
		if err := web.Validate(f); err != nil {
			p.add("http.web_config_file", "%s: %v", f, err)
		}
	}
}

func (s Source) validate(key string, p *problems) {
	if s.Name == "" {
		p.add(key+".name", "must not be empty")
	}
	switch s.Kind {
	case KindFile:
		if s.Path == "" {
			p.add(key+".path", "required for kind %q", s.Kind)
		}
	case KindPage, KindFeed:
		if s.URL == "" {
			p.add(key+".url", "required for kind %q", s.Kind)
		} else {
			checkURL(p, key+".url", s.URL)
		}
	default:
		p.add(key+".kind", "unknown kind %q (want file, page or feed)", s.Kind)
	}
	if !countryCode.MatchString(s.Country) {
		p.add(key+".country", "invalid country code %q (want two upper-case letters, e.g. PK)", s.Country)
	}
	if s.Published != "" {
		if _, err := time.Parse(time.DateOnly, s.Published); err != nil {
			p.add(key+".published", "invalid date %q (want YYYY-MM-DD)", s.Published)
		}
	}
	if s.Match != "" {
		if _, err := regexp.Compile(s.Match); err != nil {
			p.add(key+".match", "invalid regexp %q: %v", s.Match, err)
		}
	}
	notNegative(p, key+".max_items", s.MaxItems)
	notNegative(p, key+".timeout", s.Timeout)
	if s.Schedule != "" {
		checkCron(p, key+".schedule", s.Schedule)
	}
}

func checkCron(p *problems, key, spec string) {
	if _, err := CronParser.Parse(spec); err != nil {
		p.add(key, "invalid cron spec %q: %v", spec, err)
	}
}

func checkURL(p *problems, key, raw string) {
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		p.add(key, "invalid URL %q: %v", raw, err)
	case u.Scheme != "http" && u.Scheme != "https":
		p.add(key, "invalid URL %q: scheme %q not allowed (want http or https)", raw, u.Scheme)
	case u.Host == "":
		p.add(key, "invalid URL %q: no host", raw)
	}
}

func positive[T int | int64 | time.Duration](p *problems, key string, v T) {
	if v <= 0 {
		p.add(key, "must be positive, got %v", v)
	}
}

func notNegative[T int | int64 | time.Duration](p *problems, key string, v T) {
	if v < 0 {
		p.add(key, "must not be negative, got %v", v)
	}
}
