// Command nport reaches devices behind NAT over SSH or any TCP port while no
// party opens a listening port on an external interface. One binary holds
// every role; the name it is started by, or its first argument, picks one.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/nport/nport/applets"
	"github.com/nport/nport/applets/client"
	"github.com/nport/nport/applets/daemon"
	"github.com/nport/nport/applets/demo"
	"github.com/nport/nport/applets/keys"
	"github.com/nport/nport/applets/npt"
	"github.com/nport/nport/applets/relay"
	"github.com/nport/nport/applets/rendezvous"
	"github.com/nport/nport/applets/status"
)

// registry is the table of applets this binary holds.
var registry = applets.NewRegistry(
	applets.Applet{Command: client.Command, Links: []string{"sshnp"}},
	applets.Applet{Command: daemon.Command, Links: []string{"sshnpd"}},
	applets.Applet{Command: demo.Command},
	applets.Applet{Command: client.DevicesCommand},
	applets.Applet{Command: keys.Command},
	applets.Applet{Command: relay.Command},
	applets.Applet{Command: rendezvous.Command, Links: []string{"srvd"}},
	applets.Applet{Command: npt.Command, Links: []string{"npt"}},
	applets.Applet{Command: status.Command},
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := registry.Main(ctx, os.Args, applets.Stdio{In: os.Stdin, Out: os.Stdout, Err: os.Stderr})
	stop()
	os.Exit(code)
}
