package relay

import (
	"fmt"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"
)

// nameThenFlags returns the one argument of an operator command and sets
// the flags written after it, as in `nport relay invite @pi --ttl 2h`:
// the command line library stops reading flags at the first argument.
func nameThenFlags(c *cli.Context) (string, error) {
	args := c.Args().Slice()
	if len(args) == 0 {
		return "", fmt.Errorf("want one @name")
	}
	for rest := args[1:]; len(rest) > 0; {
		name, value, hasValue := strings.Cut(strings.TrimLeft(rest[0], "-"), "=")
		if !strings.HasPrefix(rest[0], "-") {
			return "", fmt.Errorf("unexpected argument %q: want one @name", rest[0])
		}
		f := findFlag(c.Command.Flags, name)
		if f == nil {
			return "", fmt.Errorf("unknown flag %s", rest[0])
		}
		rest = rest[1:]
		if _, isBool := f.(*cli.BoolFlag); isBool && !hasValue {
			value, hasValue = "true", true
		}
		if !hasValue {
			if len(rest) == 0 {
				return "", fmt.Errorf("flag --%s needs a value", name)
			}
			value, rest = rest[0], rest[1:]
		}
		if err := c.Set(name, value); err != nil {
			return "", fmt.Errorf("flag --%s: %w", name, err)
		}
	}
	return args[0], nil
}

func findFlag(flags []cli.Flag, name string) cli.Flag {
	for _, f := range flags {
		if slices.Contains(f.Names(), name) {
			return f
		}
	}
	return nil
}
