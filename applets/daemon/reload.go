package daemon

import (
	"context"
	"reflect"
	"strings"
)

// reloadable are the settings a reload applies: the policy's. The others
// (the identity, the device, the relay…) take effect at the next start.
var reloadable = map[string]bool{
	"manager": true, "permit-open": true, "sshpublickey-permissions": true, "local-sshd-port": true, "policy": true,
}

// reloads reads the settings again each time cfg.ReloadOn delivers, until
// ctx ends.
func (d *daemon) reloads(ctx context.Context) {
	if d.cfg.Reload == nil || d.cfg.ReloadOn == nil {
		return
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-d.cfg.ReloadOn:
			d.reload()
		}
	}
}

// reload puts the policy of the settings read again in force for the
// requests that follow; sessions already set up keep their target. A
// reading that fails or holds an invalid policy changes nothing.
func (d *daemon) reload() {
	cfg, err := d.cfg.Reload()
	var p *policy
	if err == nil {
		p, err = newPolicy(cfg)
	}
	if err != nil {
		d.log.Warn("config not reloaded, the policy in force stays", "err", err)
		return
	}
	old := d.policy.Swap(p)
	if changes := p.changes(old); len(changes) > 0 {
		d.log.Info("reloaded the policy", "changes", changes, "policy", p.describe())
	} else {
		d.log.Info("reloaded the config, the policy is unchanged", "policy", p.describe())
	}
	if keys := differingKeys(reflect.ValueOf(d.cfg), reflect.ValueOf(cfg)); len(keys) > 0 {
		d.log.Warn("settings changed in the config take effect at the next start only", "keys", keys)
	}
}

// differingKeys lists the toml keys, outside reloadable, whose values
// differ between the structs a and b (embedded structs included).
func differingKeys(a, b reflect.Value) []string {
	var out []string
	for i := range a.NumField() {
		f := a.Type().Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			out = append(out, differingKeys(a.Field(i), b.Field(i))...)
			continue
		}
		key, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
		if key == "" || key == "-" || reloadable[key] {
			continue
		}
		if !reflect.DeepEqual(a.Field(i).Interface(), b.Field(i).Interface()) {
			out = append(out, key)
		}
	}
	return out
}
