package config

import (
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/urfave/cli/v2"
)

// Common flag names, shared by every applet.
const (
	FlagHome      = "home"
	FlagConfig    = "config"
	FlagLogFormat = "log-format"
	FlagLogLevel  = "log-level"
	FlagVerbose   = "verbose"
)

// EnvName is the environment variable for a flag: NPORT_ and the flag name
// in upper case with dashes as underscores (--local-sshd-port →
// NPORT_LOCAL_SSHD_PORT).
func EnvName(flag string) string {
	return "NPORT_" + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}

// Env returns the EnvVars slice for a flag, for flag definitions.
func Env(flag string) []string { return []string{EnvName(flag)} }

// CommonFlags are the flags every applet takes: the nport home, the config
// file and logging.
func CommonFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: FlagHome, Usage: "nport home: keys, pins, state (default ~/.nport)", EnvVars: Env(FlagHome), Category: "common"},
		&cli.StringFlag{Name: FlagConfig, Usage: "TOML config file (default HOME/config.toml when it exists)", EnvVars: Env(FlagConfig), Category: "common"},
		&cli.StringFlag{Name: FlagLogFormat, Value: "auto", Usage: "log format: auto (text on a terminal, else JSON), text or json", EnvVars: Env(FlagLogFormat), Category: "common"},
		&cli.StringFlag{Name: FlagLogLevel, Value: "info", Usage: "log level: debug, info, warn or error", EnvVars: Env(FlagLogLevel), Category: "common"},
		&cli.BoolFlag{Name: FlagVerbose, Aliases: []string{"v"}, Usage: "log at debug level", EnvVars: Env(FlagVerbose), Category: "common"},
	}
}

// ApplyFlags copies into dst (a pointer to a struct) the value of every flag
// that was set on the command line or through its environment variable,
// matching flags to fields by the fields' toml tags. Fields whose flag was
// not set keep the value they had (from defaults or the file).
//
// Embedded structs are walked too, as the TOML decoder flattens them, so
// settings shared by several applets (the relay connection, say) can be one
// struct embedded in each applet's Config.
func ApplyFlags(c *cli.Context, dst any) error {
	return applyFlags(c, reflect.ValueOf(dst).Elem())
}

func applyFlags(c *cli.Context, v reflect.Value) error {
	t := v.Type()
	for i := range t.NumField() {
		if f := t.Field(i); f.Anonymous && f.Type.Kind() == reflect.Struct {
			if err := applyFlags(c, v.Field(i)); err != nil {
				return err
			}
			continue
		}
		name := tagName(t.Field(i))
		if name == "" || !c.IsSet(name) {
			continue
		}
		if err := setField(v.Field(i), c, name); err != nil {
			return err
		}
	}
	return nil
}

func tagName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
	if name == "-" {
		return ""
	}
	return name
}

var durationType = reflect.TypeFor[time.Duration]()

func setField(f reflect.Value, c *cli.Context, name string) error {
	switch {
	case f.Type() == durationType:
		f.SetInt(int64(c.Duration(name)))
	case f.Kind() == reflect.String:
		f.SetString(c.String(name))
	case f.Kind() == reflect.Bool:
		f.SetBool(c.Bool(name))
	case f.Kind() == reflect.Int || f.Kind() == reflect.Int64:
		f.SetInt(int64(c.Int(name)))
	case f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.String:
		f.Set(reflect.ValueOf(splitList(c.StringSlice(name))))
	default:
		return fmt.Errorf("config: flag --%s has no rule for a field of type %s", name, f.Type())
	}
	return nil
}

// splitList accepts both repeated flags and comma lists: -m @a -m @b,@c.
func splitList(in []string) []string {
	var out []string
	for _, s := range in {
		for _, part := range strings.Split(s, ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
	}
	return out
}
