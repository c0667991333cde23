package main

import (
	"fmt"

	"github.com/google/shlex"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/structpb"
)

// runtimeOptions are the `runtime.options` of Pulumi.yaml (or PulumiPolicy.yaml),
// which the engine forwards in ProgramInfo.Options.
type runtimeOptions struct {
	// typescript makes @pulumi/pulumi's runner load the program through ts-node.
	// It defaults to true, as in upstream's host: a plain `runtime: nodejs`
	// project with an index.ts must just work.
	typescript bool
	// tsconfig is the tsconfig file the runner hands to ts-node.
	tsconfig string
	// nodeArgs go to node itself, before the runner script.
	nodeArgs []string
	// packageManager names the tool for InstallDependencies ("" means auto).
	packageManager string
}

func parseRuntimeOptions(options *structpb.Struct) (runtimeOptions, error) {
	opts := runtimeOptions{typescript: true}
	values := options.AsMap() // nil-safe: a nil Struct gives an empty map
	var err error
	if v, ok := values["typescript"]; ok {
		if opts.typescript, err = boolOption("typescript", v); err != nil {
			return opts, err
		}
	}
	if v, ok := values["tsconfig"]; ok {
		if opts.tsconfig, err = stringOption("tsconfig", v); err != nil {
			return opts, err
		}
	}
	if v, ok := values["nodeargs"]; ok {
		if opts.nodeArgs, err = nodeArgsOption(v); err != nil {
			return opts, err
		}
	}
	if v, ok := values["packagemanager"]; ok {
		if opts.packageManager, err = stringOption("packagemanager", v); err != nil {
			return opts, err
		}
	}
	return opts, nil
}

// env is what the @pulumi/pulumi runners read to decide how to load code.
func (o runtimeOptions) env() []string {
	var env []string
	if o.typescript {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if o.tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+o.tsconfig)
	}
	return env
}

// boolOption also takes "true"/"false" strings, since YAML authors quote them.
func boolOption(name string, v any) (bool, error) {
	switch b := v.(type) {
	case bool:
		return b, nil
	case string:
		if b == "true" || b == "false" {
			return b == "true", nil
		}
	}
	return false, fmt.Errorf("runtime option %q must be a boolean, got %v", name, v)
}

func stringOption(name string, v any) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("runtime option %q must be a string, got %v", name, v)
	}
	return s, nil
}

// nodeArgsOption splits the option like a shell would, so that
// `nodeargs: "--max-old-space-size=4096 --title 'my program'"` works.
func nodeArgsOption(v any) ([]string, error) {
	s, err := stringOption("nodeargs", v)
	if err != nil {
		return nil, err
	}
	args, err := shlex.Split(s)
	if err != nil {
		return nil, fmt.Errorf("runtime option \"nodeargs\": %w", err)
	}
	return args, nil
}

// nodeWithOptions finds node and reads the runtime options that every node
// process the host starts (programs and plugins alike) is launched with.
func nodeWithOptions(info *pulumirpc.ProgramInfo) (string, runtimeOptions, error) {
	nodeBin, err := findNode()
	if err != nil {
		return "", runtimeOptions{}, err
	}
	opts, err := parseRuntimeOptions(info.GetOptions())
	if err != nil {
		return "", runtimeOptions{}, err
	}
	return nodeBin, opts, nil
}
