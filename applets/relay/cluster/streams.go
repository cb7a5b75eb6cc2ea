package cluster

import (
	"context"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"
)

// replicas is how many copies the stream and buckets get: Options'
// Replicas, or 3 where the NATS servers are a cluster of 3 or more.
func (c *Cluster) replicas() int {
	if c.opt.Replicas > 0 {
		return c.opt.Replicas
	}
	if len(c.nc.Servers()) >= 3 {
		return 3
	}
	return 1
}

// stream opens the stream of cfg, creating it if it does not exist. A
// stream another relay created first is used as it is: its bounds are
// the cluster's, whatever this relay was given.
func (c *Cluster) stream(ctx context.Context, cfg jetstream.StreamConfig) (jetstream.Stream, error) {
	s, err := c.js.Stream(ctx, cfg.Name)
	if err == nil {
		return s, nil
	}
	if !errors.Is(err, jetstream.ErrStreamNotFound) {
		return nil, fmt.Errorf("cluster: open stream %s: %w", cfg.Name, err)
	}
	cfg.Replicas = c.replicas()
	s, err = c.js.CreateStream(ctx, cfg)
	if errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
		return c.js.Stream(ctx, cfg.Name)
	}
	if err != nil {
		return nil, fmt.Errorf("cluster: create stream %s with %d replicas: %w", cfg.Name, cfg.Replicas, err)
	}
	c.log.Info("created the JetStream stream", "stream", cfg.Name, "replicas", cfg.Replicas)
	return s, nil
}

// bucket opens the key-value bucket of cfg, creating it if it does not
// exist.
func (c *Cluster) bucket(ctx context.Context, cfg jetstream.KeyValueConfig) (jetstream.KeyValue, error) {
	kv, err := c.js.KeyValue(ctx, cfg.Bucket)
	if err == nil {
		return kv, nil
	}
	if !errors.Is(err, jetstream.ErrBucketNotFound) {
		return nil, fmt.Errorf("cluster: open bucket %s: %w", cfg.Bucket, err)
	}
	cfg.Replicas = c.replicas()
	kv, err = c.js.CreateKeyValue(ctx, cfg)
	if errors.Is(err, jetstream.ErrBucketExists) || errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
		return c.js.KeyValue(ctx, cfg.Bucket)
	}
	if err != nil {
		return nil, fmt.Errorf("cluster: create bucket %s with %d replicas: %w", cfg.Bucket, cfg.Replicas, err)
	}
	c.log.Info("created the JetStream key-value bucket", "bucket", cfg.Bucket, "replicas", cfg.Replicas)
	return kv, nil
}
