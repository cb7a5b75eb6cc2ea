package claim

import (
	"fmt"

	"github.com/nport/nport/wire"
)

// refusal is the Refuse frame a client gets, with a message that says
// what to do.
func refusal(code wire.RefuseCode, format string, args ...any) error {
	return wire.Refusal{Code: code, Message: fmt.Sprintf(format, args...)}
}

func notAllowed(format string, args ...any) error {
	return refusal(wire.RefuseNotAllowed, format, args...)
}
