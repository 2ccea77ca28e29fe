package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/go-viper/mapstructure/v2"
	"github.com/spf13/viper"
)

// EnvPrefix starts every environment override: INCIDENTS_<SECTION>_<KEY>.
const EnvPrefix = "INCIDENTS_"

// DefaultFile is read when Load gets no path and the file exists.
const DefaultFile = "config.yaml"

// Errors lists every problem found in a configuration, one per entry, each
// naming its key.
type Errors []string

func (e Errors) Error() string { return strings.Join(e, "\n") }

// Load reads the configuration: defaults, then the YAML file at path (or
// ./config.yaml when path is "" and the file exists), then the environment
// through lookupEnv (os.LookupEnv when nil) for every scalar key. Unknown
// keys are errors. Relative paths in the file are resolved against the
// file's directory. Load then validates; any problem is returned as Errors.
func Load(path string, lookupEnv func(string) (string, bool)) (*Config, error) {
	if lookupEnv == nil {
		lookupEnv = os.LookupEnv
	}
	if path == "" {
		if _, err := os.Stat(DefaultFile); err == nil {
			path = DefaultFile
		}
	}
	v := viper.New()
	def := Default()
	keys := scalarKeys(reflect.TypeOf(def), "")
	for _, k := range keys {
		v.SetDefault(k.path, k.get(reflect.ValueOf(def)))
	}
	if path != "" {
		v.SetConfigFile(path)
		v.SetConfigType("yaml")
		if err := v.ReadInConfig(); err != nil {
			return nil, Errors{fmt.Sprintf("read config %s: %v", path, err)}
		}
	}
	for _, k := range keys {
		if val, ok := lookupEnv(k.env()); ok {
			v.Set(k.path, val)
		}
	}
	var cfg Config
	if err := v.UnmarshalExact(&cfg, viper.DecodeHook(decodeHook)); err != nil {
		return nil, decodeErrors(err)
	}
	if path != "" {
		cfg.resolvePaths(filepath.Dir(path))
	}
	cfg.applyDefaults()
	if err := cfg.readTokenFile(); err != nil {
		return nil, Errors{err.Error()}
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &cfg, nil
}

// scalarKey is one leaf of the config tree: "fetch.max_body_bytes".
type scalarKey struct {
	path  string
	index []int
}

func (k scalarKey) env() string {
	return EnvPrefix + strings.ToUpper(strings.ReplaceAll(k.path, ".", "_"))
}

func (k scalarKey) get(v reflect.Value) any { return v.FieldByIndex(k.index).Interface() }

// scalarKeys walks the mapstructure tags of t and lists every scalar leaf;
// lists (sources) have no fixed keys and are left to the file.
func scalarKeys(t reflect.Type, prefix string) []scalarKey {
	var out []scalarKey
	for i := range t.NumField() {
		f := t.Field(i)
		name := f.Tag.Get("mapstructure")
		if name == "" || name == "-" {
			continue
		}
		switch f.Type.Kind() {
		case reflect.Struct:
			for _, sub := range scalarKeys(f.Type, prefix+name+".") {
				sub.index = append([]int{i}, sub.index...)
				out = append(out, sub)
			}
		case reflect.Slice, reflect.Map:
			continue
		default:
			out = append(out, scalarKey{path: prefix + name, index: []int{i}})
		}
	}
	return out
}

// EnvNames lists every environment variable Load reads.
func EnvNames() []string {
	var out []string
	for _, k := range scalarKeys(reflect.TypeOf(Config{}), "") {
		out = append(out, k.env())
	}
	return out
}

// decodeHook reads durations with a clear error and keeps YAML dates
// (published: 2024-02-01, which YAML reads as a timestamp) as strings.
var decodeHook = mapstructure.ComposeDecodeHookFunc(
	func(from, to reflect.Type, data any) (any, error) {
		if to != reflect.TypeOf(time.Duration(0)) || from.Kind() != reflect.String {
			return data, nil
		}
		d, err := time.ParseDuration(data.(string))
		if err != nil {
			return nil, fmt.Errorf("invalid duration %q (want e.g. 30s, 5m or 6h)", data)
		}
		return d, nil
	},
	func(from, to reflect.Type, data any) (any, error) {
		if t, ok := data.(time.Time); ok && to.Kind() == reflect.String {
			return t.Format(time.DateOnly), nil
		}
		return data, nil
	},
	mapstructure.StringToSliceHookFunc(","),
)

var invalidKeys = regexp.MustCompile(`^has invalid keys: (.*)$`)

// decodeErrors turns mapstructure errors into problems naming the full key
// path, e.g. `unknown key "sources[1].shedule"`.
func decodeErrors(err error) Errors {
	var out Errors
	var walk func(error)
	walk = func(err error) {
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
			return
		}
		var de *mapstructure.DecodeError
		if !errors.As(err, &de) {
			out = append(out, err.Error())
			return
		}
		inner := de.Unwrap()
		if m := invalidKeys.FindStringSubmatch(inner.Error()); m != nil {
			for _, k := range strings.Split(m[1], ", ") {
				out = append(out, fmt.Sprintf("unknown key %q", joinKey(de.Name(), k)))
			}
			return
		}
		out = append(out, fmt.Sprintf("%s: %v", de.Name(), inner))
	}
	walk(err)
	sort.Strings(out)
	return out
}

func joinKey(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

func (c *Config) resolvePaths(dir string) {
	abs := func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(dir, p)
	}
	c.Store.Path = abs(c.Store.Path)
	c.InfluxDB.TokenFile = abs(c.InfluxDB.TokenFile)
	c.HTTP.WebConfigFile = abs(c.HTTP.WebConfigFile)
	for i := range c.Sources {
		if c.Sources[i].Kind == KindFile {
			c.Sources[i].Path = abs(c.Sources[i].Path)
		}
	}
}

func (c *Config) applyDefaults() {
	for i := range c.Sources {
		s := &c.Sources[i]
		if s.Country == "" {
			s.Country = c.Defaults.Country
		}
		if s.Publisher == "" {
			s.Publisher = c.Defaults.Publisher
		}
	}
}

func (c *Config) readTokenFile() error {
	if c.InfluxDB.TokenFile == "" {
		return nil
	}
	if c.InfluxDB.Token != "" {
		return errors.New("influxdb.token_file: at most one of influxdb.token and influxdb.token_file may be set")
	}
	b, err := os.ReadFile(c.InfluxDB.TokenFile)
	if err != nil {
		return fmt.Errorf("influxdb.token_file: %w", err)
	}
	c.InfluxDB.Token = Secret(strings.TrimSpace(string(b)))
	return nil
}
