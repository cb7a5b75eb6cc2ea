package dialer

import (
	"strings"
	"testing"
)

func TestProxyFor(t *testing.T) {
	tests := []struct {
		name     string
		addr     string
		setting  string
		env      map[string]string
		want     string // proxy host:port, "" for direct
		wantUser string
		source   string
	}{
		{"nothing set", "relay:7020", "", nil, "", "", ""},
		{"none beats the environment", "relay:7020", "none", map[string]string{"HTTPS_PROXY": "http://p:1"}, "", "", ""},
		{"direct beats the environment", "relay:7020", "DIRECT", map[string]string{"HTTPS_PROXY": "http://p:1"}, "", "", ""},
		{"flag with credentials", "relay:7020", "http://u:pw@p:3128", nil, "p:3128", "u", "--proxy"},
		{"flag without scheme", "relay:7020", "p:3128", nil, "p:3128", "", "--proxy"},
		{"flag without port", "relay:7020", "http://p", nil, "p:80", "", "--proxy"},
		{"flag with ipv6", "relay:7020", "http://[::1]:3128", nil, "[::1]:3128", "", "--proxy"},
		{"flag with ipv6 and a zone", "relay:7020", "http://[fe80::1%25eth0]:3128", nil, "[fe80::1%eth0]:3128", "", "--proxy"},
		{"flag with a path", "relay:7020", "http://p:3128/", nil, "p:3128", "", "--proxy"},
		{"flag in upper case", "relay:7020", "HTTP://u@p:3128", nil, "p:3128", "u", "--proxy"},
		{"flag with @ in the password", "relay:7020", "http://u:a@b@p:3128", nil, "p:3128", "u", "--proxy"},
		{"flag beats the environment", "relay:7020", "http://p:1", map[string]string{"HTTPS_PROXY": "http://q:2"}, "p:1", "", "--proxy"},
		{"HTTPS_PROXY", "relay:7020", "", map[string]string{"HTTPS_PROXY": "http://q:2"}, "q:2", "", "HTTPS_PROXY"},
		{"https_proxy", "relay:7020", "", map[string]string{"https_proxy": "http://q:3"}, "q:3", "", "https_proxy"},
		{"upper case first", "relay:7020", "", map[string]string{"HTTPS_PROXY": "http://q:2", "https_proxy": "http://q:3"}, "q:2", "", "HTTPS_PROXY"},
		{"NO_PROXY exact host", "relay:7020", "", map[string]string{"HTTPS_PROXY": "q:2", "NO_PROXY": "other, relay"}, "", "", ""},
		{"no_proxy lower case", "relay:7020", "", map[string]string{"HTTPS_PROXY": "q:2", "no_proxy": "relay"}, "", "", ""},
		{"NO_PROXY star", "relay:7020", "", map[string]string{"HTTPS_PROXY": "q:2", "NO_PROXY": "*"}, "", "", ""},
		{"NO_PROXY dot suffix matches a subdomain", "r.example.com:7020", "", map[string]string{"HTTPS_PROXY": "q:2", "NO_PROXY": ".example.com"}, "", "", ""},
		{"NO_PROXY dot suffix skips the domain", "example.com:7020", "", map[string]string{"HTTPS_PROXY": "q:2", "NO_PROXY": ".example.com"}, "q:2", "", "HTTPS_PROXY"},
		{"NO_PROXY domain matches a subdomain", "r.Example.com:7020", "", map[string]string{"HTTPS_PROXY": "q:2", "NO_PROXY": "example.com"}, "", "", ""},
		{"NO_PROXY is not a substring match", "badexample.com:7020", "", map[string]string{"HTTPS_PROXY": "q:2", "NO_PROXY": "example.com"}, "q:2", "", "HTTPS_PROXY"},
		{"NO_PROXY with the port", "relay:7020", "", map[string]string{"HTTPS_PROXY": "q:2", "NO_PROXY": "relay:7020"}, "", "", ""},
		{"NO_PROXY with another port", "relay:7020", "", map[string]string{"HTTPS_PROXY": "q:2", "NO_PROXY": "relay:443"}, "q:2", "", "HTTPS_PROXY"},
		{"NO_PROXY CIDR", "10.1.2.3:7020", "", map[string]string{"HTTPS_PROXY": "q:2", "NO_PROXY": "10.0.0.0/8"}, "", "", ""},
		{"NO_PROXY CIDR outside", "11.1.2.3:7020", "", map[string]string{"HTTPS_PROXY": "q:2", "NO_PROXY": "10.0.0.0/8"}, "q:2", "", "HTTPS_PROXY"},
		{"NO_PROXY ipv6", "[::1]:7020", "", map[string]string{"HTTPS_PROXY": "q:2", "NO_PROXY": "::1"}, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, k := range []string{"HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy"} {
				t.Setenv(k, tt.env[k])
			}
			p, err := proxyFor(tt.addr, tt.setting)
			if err != nil {
				t.Fatalf("got %v, want nil", err)
			}
			var got, user, source string
			if p != nil {
				got, source = p.addr, p.source
				user = p.user
			}
			if got != tt.want || user != tt.wantUser || source != tt.source {
				t.Errorf("got proxy %q user %q from %q, want %q user %q from %q", got, user, source, tt.want, tt.wantUser, tt.source)
			}
		})
	}
}

func TestProxyForRefusals(t *testing.T) {
	tests := []struct {
		name, setting, want string
	}{
		{"socks", "socks5://p:1080", "only http:// proxies"},
		{"https", "https://p:443", "only http:// proxies"},
		{"no host", "http://:3128", "no host"},
		{"bad port", "http://p:x", "bad proxy"},
		{"bad port with a password", "http://u:secret@p:x", "…@p:x"},
		{"port out of range", "http://p:65536", "out of range"},
		{"space in the host", "http://p q:1", "invalid character"},
		{"colon in the host", "http://::1:3128", "put an IPv6 address between [ and ]"},
		{"unclosed ipv6", "http://[::1:3128", "missing ']'"},
		{"not ipv6 in brackets", "http://[p]:3128", "malformed IPv6"},
		{"text after ipv6", "http://[::1]x", "want [ipv6]:port"},
		{"bad escape in the password", "http://u:secret%zz@p:1", "%-escape"},
		{"space in the password", "http://u:sec ret@p:1", "%-escaped"},
		{"bad scheme", "1http://p:1", "malformed scheme"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := proxyFor("relay:7020", tt.setting)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "--proxy") {
				t.Fatalf("got %v, want an error with %q and --proxy", err, tt.want)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("got %q, which shows the password", err)
			}
		})
	}
}

func TestRedact(t *testing.T) {
	tests := []struct{ in, want string }{
		{"http://u:secret@p:1", "http://u:xxxxx@p:1"},
		{"http://u:secret@p:x%", "…@p:x%"},
		{"http://p:1", "http://p:1"},
		{"http://u@p:1", "http://u@p:1"},
		{"socks5://u:p%40ss@p:1/x@y", "socks5://u:xxxxx@p:1/x@y"},
	}
	for _, tt := range tests {
		if got := redact(tt.in); got != tt.want {
			t.Errorf("redact(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}
