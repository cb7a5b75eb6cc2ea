package proctest

import "github.com/nport/nport/core/procfs"

// FDCount returns how many file descriptors the process holds open.
func (p *Proc) FDCount() (int, error) { return procfs.FDCount(p.Cmd.Process.Pid) }

// RSS returns the resident memory of the process in bytes.
func (p *Proc) RSS() (int64, error) { return procfs.RSS(p.Cmd.Process.Pid) }

// PeakRSS returns the most resident memory the process has had, in bytes.
func (p *Proc) PeakRSS() (int64, error) { return procfs.PeakRSS(p.Cmd.Process.Pid) }
