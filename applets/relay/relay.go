// Package relay is the `nport relay` applet: the control plane. Every
// identity keeps one outbound connection to it; it proves its own key,
// checks each identity's, binds names to the first key that proves them,
// and carries sealed envelopes it cannot read to every live connection of
// their recipient, or keeps them a while for one that is offline.
//
// The wire protocol is in wire/ and core/relayconn; the directory and the
// routing are behind the interfaces of the directory and route packages.
package relay

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"

	"github.com/nport/nport/applets/relay/directory"
	"github.com/nport/nport/applets/relay/route"
	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/logging"
)

// Run runs a relay until ctx is cancelled, then closes the listener and
// every connection and returns once all of its goroutines have ended.
// When it listens it prints one line to cfg.Out:
//
//	nport relay ready: listen=ADDR key=nport-pub:… fingerprint=fp:…
func Run(ctx context.Context, cfg Config) error {
	if err := cfg.check(); err != nil {
		return err
	}
	if cfg.Logger == nil {
		cfg.Logger = logging.Discard()
	}
	if cfg.Out == nil {
		cfg.Out = io.Discard
	}
	id, created, err := identity.Store{Dir: cfg.Home}.LoadOrCreate(RelayName)
	if err != nil {
		return fmt.Errorf("relay: key: %w", err)
	}
	if created {
		cfg.Logger.Info("created the relay's key; clients pin it on first use, or up front with --relay-key", "key", id.Public().String())
	}
	dir, err := directory.OpenFile(directory.FileName(cfg.Home))
	if err != nil {
		return fmt.Errorf("relay: %w", err)
	}
	queue := route.NewMemoryQueue(route.QueueOptions{Len: cfg.QueueLength, TTL: cfg.QueueTTL})
	router := route.NewMemory(route.Options{Queue: queue, Now: cfg.Now})
	ln, err := listen(cfg)
	if err != nil {
		return err
	}
	s := newServer(cfg, id, dir, router)
	addr, key := ln.Addr(), id.Public()
	fmt.Fprintf(cfg.Out, "nport relay ready: listen=%s key=%s fingerprint=%s\n", addr, key, key.Fingerprint())
	cfg.Logger.Info("relay listening", "listen", addr.String(), "key", key, "tls", cfg.TLSCert != "", "directory", dir.Path())
	if cfg.Ready != nil {
		cfg.Ready(addr, key)
	}
	return s.serve(ctx, ln)
}

// listen opens the listener, wrapped in TLS when a certificate is given.
func listen(cfg Config) (net.Listener, error) {
	var tlsConfig *tls.Config
	if cfg.TLSCert != "" {
		cert, err := tls.LoadX509KeyPair(cfg.TLSCert, cfg.TLSKey)
		if err != nil {
			return nil, fmt.Errorf("relay: TLS certificate: %w", err)
		}
		tlsConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return nil, fmt.Errorf("relay: listen on %s: %w (is another relay running there?)", cfg.Listen, err)
	}
	if tlsConfig != nil {
		ln = tls.NewListener(ln, tlsConfig)
	}
	return ln, nil
}
