package main

import (
	"strconv"
	"strings"
)

// hostFlags holds what we take from the command line. The engine starts a
// language plugin as `pulumi-language-nodejs [flags] <engine address>`; the
// flags vary between engine versions, so anything unknown is ignored.
type hostFlags struct {
	engineAddress string
	tracing       string
	logToStderr   bool
	verbose       int
	showVersion   bool
}

// flagsTakingValue are the flags that may be written `-name value` (rather
// than `-name=value`). Without this list we could not tell a flag's value
// from the positional engine address: the engine itself passes
// `--tracing <endpoint>`.
var flagsTakingValue = map[string]bool{
	"tracing":        true,
	"root":           true,
	"tsconfig":       true,
	"nodeargs":       true,
	"packagemanager": true,
	"runtime":        true,
	"v":              true,
	"log_dir":        true,
	"vmodule":        true,
}

// parseHostFlags reads the arguments after the program name. It never fails:
// a host that refuses to start over an unfamiliar flag breaks every deployment.
func parseHostFlags(args []string) hostFlags {
	var f hostFlags
	var positional []string
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--" {
			positional = append(positional, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(arg, "-") || arg == "-" {
			positional = append(positional, arg)
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		if !hasValue && flagsTakingValue[name] && i+1 < len(args) {
			i++
			value, hasValue = args[i], true
		}
		f.apply(name, value, hasValue)
	}
	if len(positional) > 0 {
		f.engineAddress = positional[0]
	}
	return f
}

// apply records the flags we act on; every other flag is accepted and dropped.
func (f *hostFlags) apply(name, value string, hasValue bool) {
	switch name {
	case "tracing":
		f.tracing = value
	case "logtostderr":
		f.logToStderr = !hasValue || value == "true"
	case "v":
		if n, err := strconv.Atoi(value); err == nil {
			f.verbose = n
		}
	case "version":
		f.showVersion = !hasValue || value == "true"
	}
}
