package daemon

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/wire"
)

// PolicyRule is one [[daemon.policy]] table of the config file: what the
// managers it names may do. A key left out takes the daemon's own setting
// (--permit-open, --sshpublickey-permissions).
type PolicyRule struct {
	// Managers are identities (@name), or "*": every manager that no
	// other rule names. A name here is a manager even without --manager.
	Managers []string `toml:"managers"`
	// PermitOpen lists the host:port targets they may open, * for any
	// host or port; an empty list lets them open none.
	PermitOpen []string `toml:"permit-open"`
	// SSHPublicKeyPermissions are the authorized_keys options of the ssh
	// keys installed for them.
	SSHPublicKeyPermissions *string `toml:"sshpublickey-permissions"`
}

// anyManager in a rule's managers stands for every manager no rule names.
const anyManager = "*"

// policy is what each manager may do, read from the daemon's settings at
// start and again at each reload. A request is checked against the policy
// in force when it arrives; it is never changed, only replaced.
type policy struct {
	managers  []identity.Name // sorted, each once
	named     map[identity.Name]*rule
	others    *rule  // for managers no rule names: the "*" rule, else the daemon's settings
	sshTarget string // the target of a request that names none
}

// rule is the rights of some managers.
type rule struct {
	name       string  // how a refusal names it
	permits    Permits // TCP targets
	udpPermits Permits // UDP targets: the udp/host:port entries
	keyOptions string
}

// errNotManager is a request from an identity that is no longer a
// manager: it was accepted before a reload removed it, and is ignored.
var errNotManager = errors.New("the sender is not among the managers")

// newPolicy reads the policy out of cfg: --manager, --permit-open and
// --sshpublickey-permissions, then the rules of cfg.Policy.
func newPolicy(cfg Config) (*policy, error) {
	base, err := daemonRule(cfg)
	if err != nil {
		return nil, err
	}
	p := &policy{named: map[identity.Name]*rule{}, others: base, sshTarget: cfg.sshTarget()}
	for _, m := range cfg.Managers {
		n, err := identity.ParseName(m)
		if err != nil {
			return nil, fmt.Errorf("--manager: %w", err)
		}
		p.managers = append(p.managers, n)
	}
	star := ""
	for i, pr := range cfg.Policy {
		r, err := pr.rule(ruleName(i, cfg.ConfigFile), base)
		if err != nil {
			return nil, err
		}
		for _, m := range pr.Managers {
			if m == anyManager {
				if star != "" {
					return nil, fmt.Errorf("%s and %s both name \"*\": one rule may be the rule of every other manager", star, r.name)
				}
				star, p.others = r.name, r
				continue
			}
			n, err := identity.ParseName(m)
			if err != nil {
				return nil, fmt.Errorf("%s: managers: %w", r.name, err)
			}
			if prev, ok := p.named[n]; ok {
				return nil, fmt.Errorf("%s names %s, whom %s names already: give each manager one rule", r.name, n, prev.name)
			}
			p.named[n] = r
			p.managers = append(p.managers, n)
		}
	}
	if len(p.managers) == 0 {
		return nil, errors.New("no --manager: name at least one identity allowed to open sessions (--manager, or managers in a [[daemon.policy]] rule)")
	}
	slices.Sort(p.managers)
	p.managers = slices.Compact(p.managers)
	return p, nil
}

// daemonRule is the rights the daemon's own settings give, to managers no
// rule names and where a rule leaves a key out.
func daemonRule(cfg Config) (*rule, error) {
	permits, err := cfg.permits()
	if err != nil {
		return nil, err
	}
	udp, err := cfg.udpPermits()
	if err != nil {
		return nil, err
	}
	if err := CheckKeyOptions(cfg.SSHPublicKeyPermissions); err != nil {
		return nil, fmt.Errorf("--sshpublickey-permissions: %w", err)
	}
	name := "--permit-open"
	if len(cfg.PermitOpen) == 0 {
		name = "the default without --permit-open"
	}
	return &rule{name: name, permits: permits, udpPermits: udp, keyOptions: cfg.SSHPublicKeyPermissions}, nil
}

// ruleName names the i-th rule of the file as a person counts them.
func ruleName(i int, file string) string {
	if file == "" {
		return fmt.Sprintf("policy rule %d", i+1)
	}
	return fmt.Sprintf("policy rule %d in %s", i+1, file)
}

// rule checks one table, whose left-out keys take base's values.
func (pr PolicyRule) rule(name string, base *rule) (*rule, error) {
	if len(pr.Managers) == 0 {
		return nil, fmt.Errorf("%s names no managers: give managers = [\"@name\", …], or [\"*\"] for every manager no other rule names", name)
	}
	r := *base
	r.name = name
	if pr.PermitOpen != nil {
		tcp, udp := splitPermits(pr.PermitOpen)
		var err error
		if r.permits, err = ParsePermits(tcp); err == nil {
			r.udpPermits, err = ParsePermits(udp)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	if pr.SSHPublicKeyPermissions != nil {
		if err := CheckKeyOptions(*pr.SSHPublicKeyPermissions); err != nil {
			return nil, fmt.Errorf("%s: sshpublickey-permissions: %w", name, err)
		}
		r.keyOptions = *pr.SSHPublicKeyPermissions
	}
	return &r, nil
}

// targets lists the rule's targets as permit-open entries: host:port for
// TCP, then udp/host:port.
func (r *rule) targets() []string {
	all := r.permits.Strings()
	for _, p := range r.udpPermits {
		all = append(all, udpPrefix+Permits{p}.String())
	}
	return all
}

// describe is the rule's targets for a message: a comma list, or "none".
func (r *rule) describe() string {
	if all := r.targets(); len(all) > 0 {
		return strings.Join(all, ",")
	}
	return "none"
}

// isManager reports whether m is a manager.
func (p *policy) isManager(m identity.Name) bool {
	_, found := slices.BinarySearch(p.managers, m)
	return found
}

// ruleFor is the rule of manager m; false when m is not a manager.
func (p *policy) ruleFor(m identity.Name) (*rule, bool) {
	if r, ok := p.named[m]; ok {
		return r, true
	}
	if p.isManager(m) {
		return p.others, true
	}
	return nil, false
}

// permit returns the target manager from may open for a request naming
// target, over UDP or TCP (the sshd when it names none), or a refusal that
// names the rule.
func (p *policy) permit(from identity.Name, target string, udp bool) (string, error) {
	r, ok := p.ruleFor(from)
	if !ok {
		return "", errNotManager
	}
	permits, shown, hint := r.permits, target, ""
	switch {
	case udp && target == "":
		return "", refuse(wire.RefusalBadRequest, "a udp tunnel must name its target host:port")
	case udp:
		permits, shown, hint = r.udpPermits, udpPrefix+target, "; a UDP target needs an entry udp/host:port"
	case target == "":
		target, shown = p.sshTarget, p.sshTarget
	}
	if !permits.Allows(target) {
		return target, refuse(wire.RefusalTargetRefused, "%s is not among %s's targets (%s: %s)%s", shown, from, r.name, r.describe(), hint)
	}
	return target, nil
}

// targets lists what manager m may open, nil when m is not a manager.
func (p *policy) targets(m identity.Name) []string {
	r, ok := p.ruleFor(m)
	if !ok {
		return nil
	}
	return r.targets()
}

// describe is the policy for a log line: each manager and its targets.
func (p *policy) describe() []string {
	out := make([]string, len(p.managers))
	for i, m := range p.managers {
		r, _ := p.ruleFor(m)
		out[i] = fmt.Sprintf("%s: %s", m, r.describe())
	}
	return out
}

// changes lists how p differs from old, for the log of a reload.
func (p *policy) changes(old *policy) []string {
	everyone := slices.Concat(old.managers, p.managers)
	slices.Sort(everyone)
	var out []string
	for _, m := range slices.Compact(everyone) {
		was, before := old.ruleFor(m)
		is, now := p.ruleFor(m)
		switch {
		case !before:
			out = append(out, fmt.Sprintf("%s added, targets %s", m, is.describe()))
		case !now:
			out = append(out, fmt.Sprintf("%s removed", m))
		default:
			if a, b := was.describe(), is.describe(); a != b {
				out = append(out, fmt.Sprintf("%s targets %s, were %s", m, b, a))
			}
			if was.keyOptions != is.keyOptions {
				out = append(out, fmt.Sprintf("%s ssh key options %q, were %q", m, is.keyOptions, was.keyOptions))
			}
		}
	}
	if old.sshTarget != p.sshTarget {
		out = append(out, fmt.Sprintf("default target %s, was %s", p.sshTarget, old.sshTarget))
	}
	return out
}
