//go:build nport_nocluster

package relay

import (
	"context"
	"errors"
)

// openClusterBackend refuses --cluster in a build without the NATS client
// (-tags nport_nocluster: a router's build, which runs the daemon and
// never a relay of a cluster).
func openClusterBackend(context.Context, Config) (*backend, error) {
	return nil, errors.New("this nport was built without the cluster backend (-tags nport_nocluster, for small devices): run a relay of a cluster with a build without that tag")
}
