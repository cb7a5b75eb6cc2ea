package cluster

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/nport/nport/applets/relay/directory"
	"github.com/nport/nport/core/identity"
)

// Directory is the cluster's directory, in the JetStream key-value bucket
// nport-names: a name's key is its token, its value the public key's text
// form and when it was claimed. A claim is a create, which JetStream
// grants to one claimant only (compare-and-set on "no value yet"), so the
// first claim of a name wins on every relay at once.
//
// Every relay keeps the whole directory in memory, fed by a watch of the
// bucket, so that routing an envelope reads no bucket, and a name removed
// on one relay is forgotten on all within a moment.
type Directory struct {
	c       *Cluster
	kv      jetstream.KeyValue
	invites jetstream.KeyValue
	queue   *Queue // what Remove drops with a name
	watch   jetstream.KeyWatcher

	mu     sync.RWMutex
	byName map[identity.Name]directory.Binding
	loaded chan struct{}
	wg     sync.WaitGroup
}

// OpenDirectory opens (or creates) the buckets of the directory and the
// invitations, and returns once every binding is in memory. Remove drops
// what queue holds for a released name.
func (c *Cluster) OpenDirectory(queue *Queue) (*Directory, error) {
	ctx, cancel := c.ctx()
	defer cancel()
	kv, err := c.bucket(ctx, jetstream.KeyValueConfig{Bucket: namesBucket, Description: "nport relay: names and the keys that claimed them", History: 1, Storage: jetstream.FileStorage})
	if err != nil {
		return nil, err
	}
	invites, err := c.bucket(ctx, jetstream.KeyValueConfig{Bucket: invitesBucket, Description: "nport relay: invitations, by the SHA-256 of their token", History: 1, Storage: jetstream.FileStorage})
	if err != nil {
		return nil, err
	}
	d := &Directory{c: c, kv: kv, invites: invites, queue: queue, byName: make(map[identity.Name]directory.Binding), loaded: make(chan struct{})}
	if d.watch, err = kv.WatchAll(context.Background()); err != nil {
		return nil, fmt.Errorf("cluster: watch the directory: %w", err)
	}
	d.wg.Go(d.follow)
	select {
	case <-d.loaded:
	case <-time.After(time.Minute):
		d.Close()
		return nil, errors.New("cluster: the directory did not load within a minute")
	}
	return d, nil
}

// Close stops the watch.
func (d *Directory) Close() {
	d.watch.Stop()
	d.wg.Wait()
}

// follow applies the bucket's changes to the memory, until the watch
// stops.
func (d *Directory) follow() {
	loaded := false
	for e := range d.watch.Updates() {
		if e == nil {
			if !loaded {
				loaded = true
				close(d.loaded)
			}
			continue
		}
		name := nameOf(e.Key())
		if e.Operation() != jetstream.KeyValuePut {
			d.mu.Lock()
			delete(d.byName, name)
			d.mu.Unlock()
			continue
		}
		b, err := decodeBinding(name, e.Value())
		if err != nil {
			d.c.log.Warn("a directory entry that cannot be read: ignored", "name", string(name), "err", err)
			continue
		}
		d.remember(b)
	}
}

func (d *Directory) remember(b directory.Binding) {
	d.mu.Lock()
	d.byName[b.Name] = b
	d.mu.Unlock()
}

// encodeBinding is the value of a name: its key, a space, when it was
// claimed in Unix milliseconds.
func encodeBinding(key identity.PublicKey, claimed time.Time) []byte {
	return fmt.Appendf(nil, "%s %d", key, claimed.UnixMilli())
}

func decodeBinding(name identity.Name, v []byte) (directory.Binding, error) {
	keyText, ms, _ := strings.Cut(string(v), " ")
	key, err := identity.ParsePublicKey(keyText)
	if err != nil {
		return directory.Binding{}, err
	}
	b := directory.Binding{Name: name, Key: key}
	if n, err := strconv.ParseInt(ms, 10, 64); err == nil {
		b.Claimed = time.UnixMilli(n)
	}
	return b, nil
}

// Claim binds name to key if no relay has bound it.
func (d *Directory) Claim(name identity.Name, key identity.PublicKey) error {
	if err := d.c.Available(); err != nil {
		return err
	}
	ctx, cancel := d.c.ctx()
	defer cancel()
	now := d.c.opt.Now()
	_, err := d.kv.Create(ctx, token(name), encodeBinding(key, now))
	if errors.Is(err, jetstream.ErrKeyExists) {
		bound, ok, err := d.get(ctx, name)
		if err != nil {
			return err
		}
		if !ok { // removed meanwhile: try once more
			if _, err := d.kv.Create(ctx, token(name), encodeBinding(key, now)); err != nil {
				return fmt.Errorf("cluster: claim %s: %w", name, err)
			}
			d.remember(directory.Binding{Name: name, Key: key, Claimed: now})
			return nil
		}
		return checkBound(name, bound.Key, key)
	}
	if err != nil {
		return fmt.Errorf("cluster: claim %s: %w", name, err)
	}
	d.remember(directory.Binding{Name: name, Key: key, Claimed: now})
	return nil
}

// checkBound is a claim's answer for a name bound already.
func checkBound(name identity.Name, bound, key identity.PublicKey) error {
	if bound.Equal(key) {
		return nil
	}
	return fmt.Errorf("%w: %s is bound to %s, not %s", directory.ErrNameTaken, name, bound.Fingerprint(), key.Fingerprint())
}

// get reads name from the bucket, and remembers it.
func (d *Directory) get(ctx context.Context, name identity.Name) (directory.Binding, bool, error) {
	e, err := d.kv.Get(ctx, token(name))
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return directory.Binding{}, false, nil
	}
	if err != nil {
		return directory.Binding{}, false, fmt.Errorf("cluster: look up %s: %w", name, err)
	}
	b, err := decodeBinding(name, e.Value())
	if err != nil {
		return directory.Binding{}, false, fmt.Errorf("cluster: look up %s: %w", name, err)
	}
	d.remember(b)
	return b, true, nil
}

// Lookup returns the key bound to name: from memory, or from the bucket
// for a name claimed a moment ago on another relay.
func (d *Directory) Lookup(name identity.Name) (identity.PublicKey, bool, error) {
	d.mu.RLock()
	b, ok := d.byName[name]
	d.mu.RUnlock()
	if ok {
		return b.Key, true, nil
	}
	if d.c.Available() != nil {
		return identity.PublicKey{}, false, ErrUnavailable
	}
	ctx, cancel := d.c.ctx()
	defer cancel()
	b, ok, err := d.get(ctx, name)
	return b.Key, ok, err
}

// Remove releases name on every relay, and drops what was queued for it.
func (d *Directory) Remove(name identity.Name) error {
	ctx, cancel := d.c.ctx()
	defer cancel()
	if _, ok, err := d.get(ctx, name); err != nil {
		return err
	} else if !ok {
		return fmt.Errorf("%w: %s (see the bindings with `nport relay directory list`)", directory.ErrNotFound, name)
	}
	if err := d.kv.Purge(ctx, token(name)); err != nil {
		return fmt.Errorf("cluster: remove %s: %w", name, err)
	}
	d.mu.Lock()
	delete(d.byName, name)
	d.mu.Unlock()
	if d.queue != nil {
		if err := d.queue.drop(name); err != nil {
			return fmt.Errorf("cluster: %s removed, but its queue not: %w", name, err)
		}
	}
	return nil
}

// List returns every binding, sorted by name.
func (d *Directory) List() ([]directory.Binding, error) {
	d.mu.RLock()
	out := make([]directory.Binding, 0, len(d.byName))
	for _, b := range d.byName {
		out = append(out, b)
	}
	d.mu.RUnlock()
	slices.SortFunc(out, func(a, b directory.Binding) int { return strings.Compare(string(a.Name), string(b.Name)) })
	return out, nil
}

// Count returns how many names the cluster holds.
func (d *Directory) Count() int {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return len(d.byName)
}
