package status

import (
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"

	"github.com/nport/nport/core/metrics"
	"github.com/nport/nport/core/status"
)

// maxRefusalsShown bounds the refusals printed per process.
const maxRefusalsShown = 5

// writeTables prints a summary line per process when there are several,
// then each process's tables.
func writeTables(w io.Writer, rs []result) {
	if len(rs) > 1 {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "ADDR\tROLE\tVERSION\tUPTIME\tIDENTITIES\tSESSIONS\tTOTAL\tBYTES\tREFUSALS")
		for _, r := range rs {
			s := r.snap
			total, moved := strconv.FormatInt(s.SessionsTotal, 10), status.Bytes(s.BytesClientToDaemon+s.BytesDaemonToClient)
			if s.Role == metrics.RoleRelay {
				total, moved = "-", "-"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\n", r.addr, s.Role, s.Version, status.Age(s.UptimeSeconds),
				identities(s), sessions(s), total, moved, len(s.Refusals))
		}
		tw.Flush()
	}
	for _, r := range rs {
		fmt.Fprintln(w)
		writeOne(w, r.addr, r.snap)
	}
}

// identities and sessions are the counts of the summary, - where the role
// has none.
func identities(s metrics.Snapshot) string {
	if s.Role != metrics.RoleRelay {
		return "-"
	}
	return strconv.Itoa(len(s.Identities))
}

func sessions(s metrics.Snapshot) string {
	if s.Role == metrics.RoleRelay {
		return "-"
	}
	return strconv.Itoa(len(s.Sessions))
}

// writeOne prints one process: a heading, what it says of itself, then its
// identities or sessions and its latest refusals.
func writeOne(w io.Writer, addr string, s metrics.Snapshot) {
	fmt.Fprintf(w, "%s %s at %s, up %s", s.Role, s.Version, addr, status.Age(s.UptimeSeconds))
	for _, in := range s.Info {
		if in.Key != "metrics" {
			fmt.Fprintf(w, ", %s %s", in.Key, in.Value)
		}
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	if s.Role == metrics.RoleRelay {
		fmt.Fprintf(tw, "IDENTITY\tKIND\tCONNECTIONS\tCONNECTED FOR\n")
		for _, id := range s.Identities {
			fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", id.Name, status.Kind(id), id.Connections, status.Age(s.Now.Sub(id.Since).Seconds()))
		}
		if len(s.Identities) == 0 {
			fmt.Fprintln(tw, "(no identity connected)")
		}
	} else {
		fmt.Fprintf(tw, "SESSION\tCLIENT\tDEVICE\tTARGET\tAGE\tCLIENT→DAEMON\tDAEMON→CLIENT\tRATE\n")
		for _, x := range s.Sessions {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", x.ID, dash(x.Client), status.Device(x.Daemon, x.Device), dash(x.Target),
				status.Age(x.AgeSeconds), status.Bytes(x.BytesClientToDaemon), status.Bytes(x.BytesDaemonToClient), status.Rate(x.Rate))
		}
		if len(s.Sessions) == 0 {
			fmt.Fprintf(tw, "(no live session; %d since the start)\n", s.SessionsTotal)
		}
	}
	tw.Flush()
	if len(s.Refusals) == 0 {
		return
	}
	fmt.Fprintf(w, "latest refusals (%d):\n", len(s.Refusals))
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "AGO\tREASON\tLIMIT\tWHO\tMESSAGE\n")
	for i, r := range s.Refusals {
		if i == maxRefusalsShown {
			fmt.Fprintf(tw, "… %d more in /status.json\n", len(s.Refusals)-i)
			break
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", status.Age(s.Now.Sub(r.Time).Seconds()), r.Reason, dash(r.Limit), dash(r.Who), r.Message)
	}
	tw.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
