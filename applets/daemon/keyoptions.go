package daemon

import (
	"errors"
	"fmt"
	"strings"
)

// keyOptionTakesValue lists the options sshd knows in authorized_keys
// (sshd(8), AUTHORIZED_KEYS FILE FORMAT), lower case, each with whether
// it takes a quoted value.
var keyOptionTakesValue = map[string]bool{
	"agent-forwarding": false, "cert-authority": false, "no-agent-forwarding": false,
	"no-port-forwarding": false, "no-pty": false, "no-user-rc": false, "no-x11-forwarding": false,
	"port-forwarding": false, "pty": false, "no-touch-required": false, "verify-required": false,
	"restrict": false, "user-rc": false, "x11-forwarding": false,
	"command": true, "environment": true, "expiry-time": true, "from": true,
	"permitlisten": true, "permitopen": true, "principals": true, "tunnel": true,
}

// CheckKeyOptions checks that s is the options field of one authorized_keys
// line: options sshd knows, separated by commas, each NAME or
// NAME="VALUE", with no space outside the quotes and no line break. What
// passes cannot end the field early, add a line, or make sshd drop the key
// for an option it does not know. An empty s (no options) passes.
func CheckKeyOptions(s string) error {
	if strings.ContainsAny(s, "\r\n\x00") {
		return errors.New("a line break in the options: they must fit on the key's line")
	}
	for rest := s; rest != ""; {
		name := rest[:len(rest)-len(strings.TrimLeft(rest, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-"))]
		takesValue, known := keyOptionTakesValue[strings.ToLower(name)]
		switch {
		case name == "":
			return fmt.Errorf("%q: want options separated by commas, each NAME or NAME=\"VALUE\" (no spaces outside quotes), such as %s", s, KeyOptions)
		case !known:
			return fmt.Errorf("%q: sshd knows no option %q, and would ignore the key", s, name)
		}
		rest = rest[len(name):]
		value, quoted := strings.CutPrefix(rest, `="`)
		switch {
		case quoted != takesValue && takesValue:
			return fmt.Errorf("%q: %s takes a value: %s=\"…\"", s, name, name)
		case quoted != takesValue:
			return fmt.Errorf("%q: %s takes no value", s, name)
		case quoted:
			end := closingQuote(value)
			if end < 0 {
				return fmt.Errorf("%q: the value of %s has no closing quote", s, name)
			}
			rest = value[end+1:]
		}
		if rest == "" {
			break
		}
		after, ok := strings.CutPrefix(rest, ",")
		if !ok || after == "" {
			return fmt.Errorf("%q: want a comma and another option after %s, not %q", s, name, rest)
		}
		rest = after
	}
	return nil
}

// closingQuote is the index of the quote that ends a value in s, which
// starts after the opening one; sshd reads \" as a quote inside it.
func closingQuote(s string) int {
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\' && i+1 < len(s) && s[i+1] == '"':
			i++
		case s[i] == '"':
			return i
		}
	}
	return -1
}
