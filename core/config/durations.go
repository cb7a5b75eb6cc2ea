package config

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// durationExample is the unit suggested for a duration given as a bare
// number: a count of seconds is what a person typing `timeout = 5` means.
const durationExample = "s"

// checkDurations refuses a duration key of section, the decoded table of
// one section, whose value is not a string with a unit ("5s", "350ms"),
// dst being the struct it is decoded into. The TOML decoder would take an
// integer as nanoseconds, so `timeout = 5` would silently mean 5 ns.
func checkDurations(section map[string]any, dst any) error {
	for _, key := range durationKeys(reflect.TypeOf(dst).Elem(), nil) {
		v, ok := lookup(section, key)
		if !ok {
			continue
		}
		name := strings.Join(key, ".")
		s, isString := v.(string)
		if !isString {
			return fmt.Errorf("%s = %v has no unit: write %s = %q (a duration is a string with a unit: \"350ms\", \"10s\", \"2m\", \"1h\")",
				name, v, name, example(v))
		}
		if _, err := time.ParseDuration(s); err != nil {
			return fmt.Errorf("%s = %q is not a duration: write it with a unit, as %s = %q (\"350ms\", \"10s\", \"2m\", \"1h\")",
				name, s, name, example(s))
		}
	}
	return nil
}

// lookup walks m along key, and reports whether the key is there.
func lookup(m map[string]any, key []string) (any, bool) {
	var v any = m
	for _, k := range key {
		table, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = table[k]; !ok {
			return nil, false
		}
	}
	return v, true
}

// example turns a bare number into the duration it most likely meant.
func example(v any) string {
	switch n := v.(type) {
	case int64:
		return strconv.FormatInt(n, 10) + durationExample
	case float64:
		return strconv.FormatFloat(n, 'f', -1, 64) + durationExample
	case string:
		if _, err := strconv.ParseFloat(n, 64); err == nil {
			return n + durationExample
		}
	}
	return "10s"
}

// durationKeys lists the keys, as paths, of the time.Duration fields of
// the struct type t, walking embedded structs (which the decoder
// flattens) and nested ones (which are tables).
func durationKeys(t reflect.Type, prefix []string) [][]string {
	var out [][]string
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			out = append(out, durationKeys(f.Type, prefix)...)
			continue
		}
		name := tagName(f)
		if name == "" || !f.IsExported() {
			continue
		}
		key := append(append([]string(nil), prefix...), name)
		switch {
		case f.Type == durationType:
			out = append(out, key)
		case f.Type.Kind() == reflect.Struct:
			out = append(out, durationKeys(f.Type, key)...)
		}
	}
	return out
}
