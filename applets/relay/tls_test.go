package relay

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/relayconn"
)

// selfSigned writes a certificate for 127.0.0.1 and its key as PEM files.
func selfSigned(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600)
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

func TestTLS(t *testing.T) {
	certFile, keyFile, pool := selfSigned(t)
	r := startRelay(t, func(c *Config) { c.TLSCert, c.TLSKey = certFile, keyFile })
	dialTLS := func(id identity.Identity) *client {
		nc, err := tls.Dial("tcp", r.addr, &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"})
		if err != nil {
			t.Fatalf("TLS dial: %v", err)
		}
		c, err := relayconn.Handshake(context.Background(), nc, relayconn.ClientConfig{Identity: id, CheckRelayKey: func(k identity.PublicKey) error { return nil }})
		if err != nil {
			t.Fatalf("handshake over TLS: %v", err)
		}
		cl := newClient(c)
		t.Cleanup(cl.close)
		return cl
	}
	a, b := dialTLS(newID(t, "@alice")), dialTLS(newID(t, "@bob"))
	exchange(t, a, b, 1)
	// A client speaking plain TCP to a TLS relay gets nowhere.
	if _, err := r.dial(t, newID(t, "@carol")); err == nil {
		t.Error("plain TCP handshake with a TLS relay succeeded")
	}
}

func TestBinaryReadsConfigFile(t *testing.T) {
	home := t.TempDir()
	if err := os.WriteFile(filepath.Join(home, "config.toml"), []byte("[relay]\nlisten = \"127.0.0.1:0\"\nkeepalive = \"2s\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	p := startProc(t, "relay", "--home", home)
	m := p.WaitFor(readyLine, 30*time.Second)
	key, _ := identity.ParsePublicKey(m[2])
	r := &testRelay{addr: m[1], key: key}
	c, err := r.dial(t, newID(t, "@alice"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if got, want := c.Welcome().Keepalive(), 2*time.Second; got != want {
		t.Errorf("keepalive from the config file: got %v, want %v", got, want)
	}
}
