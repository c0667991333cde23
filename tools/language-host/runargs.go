package main

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// programLaunch is what Run needs besides the request to build node's command line.
type programLaunch struct {
	runScript     string // resolved path of @pulumi/pulumi/cmd/run
	engineAddress string
	tracing       string
	nodeArgs      []string
}

// nodeRunArgs builds the arguments of `node` for Run, in the order upstream's
// host uses. Empty values are left out rather than passed as "": cmd/run
// parses with minimist, where `--stack ""` is not the same as no --stack.
//
// Query mode is deliberately not forwarded: cmd/run at v3.259.0 does not
// declare a --query-mode flag, and minimist would take the entry point that
// follows it as the flag's value.
func nodeRunArgs(req *pulumirpc.RunRequest, launch programLaunch) []string {
	args := append([]string{}, launch.nodeArgs...)
	args = append(args, launch.runScript)
	flag := func(name, value string) {
		if value != "" {
			args = append(args, "--"+name, value)
		}
	}
	flag("monitor", req.GetMonitorAddress())
	flag("engine", launch.engineAddress)
	flag("organization", req.GetOrganization())
	flag("project", req.GetProject())
	flag("root-directory", req.GetInfo().GetRootDirectory())
	flag("stack", req.GetStack())
	flag("pwd", programDirectory(req))
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	flag("parallel", strconv.Itoa(int(req.GetParallel())))
	flag("tracing", launch.tracing)
	args = append(args, entryPoint(req))
	return append(args, req.GetArgs()...)
}

// programDirectory is where the program lives; older engines only sent Pwd.
func programDirectory(req *pulumirpc.RunRequest) string {
	if dir := req.GetInfo().GetProgramDirectory(); dir != "" {
		return dir
	}
	return req.GetPwd()
}

// entryPoint is what cmd/run loads relative to --pwd. "." makes node use
// package.json's "main" (or index.js), exactly as `node .` would.
func entryPoint(req *pulumirpc.RunRequest) string {
	if ep := req.GetInfo().GetEntryPoint(); ep != "" {
		return ep
	}
	if p := req.GetProgram(); p != "" {
		return p
	}
	return "."
}

// programEnv is what Run adds to the host's own environment.
func programEnv(req *pulumirpc.RunRequest, opts runtimeOptions) ([]string, error) {
	config, err := configJSON(req.GetConfig())
	if err != nil {
		return nil, fmt.Errorf("failed to serialize configuration: %w", err)
	}
	secretKeys, err := secretKeysJSON(req.GetConfigSecretKeys())
	if err != nil {
		return nil, fmt.Errorf("failed to serialize configuration secret keys: %w", err)
	}
	env := []string{"PULUMI_CONFIG=" + config, "PULUMI_CONFIG_SECRET_KEYS=" + secretKeys}
	return append(env, opts.env()...), nil
}

// configJSON writes every key as `<namespace>:config:<name>`, the form every
// @pulumi/pulumi version understands (newer ones accept both forms).
func configJSON(config map[string]string) (string, error) {
	legacy := make(map[string]string, len(config))
	for key, value := range config {
		k, err := legacyConfigKey(key)
		if err != nil {
			return "", err
		}
		legacy[k] = value
	}
	b, err := json.Marshal(legacy)
	return string(b), err
}

// legacyConfigKey turns `ns:name` (or an already legacy `ns:config:name`)
// into `ns:config:name`.
func legacyConfigKey(key string) (string, error) {
	parts := strings.Split(key, ":")
	switch {
	case len(parts) == 2 && parts[0] != "":
		return parts[0] + ":config:" + parts[1], nil
	case len(parts) == 3 && parts[0] != "" && parts[1] == "config":
		return key, nil
	}
	return "", fmt.Errorf("could not parse %q as a configuration key "+
		"(configuration keys should be of the form `<namespace>:<name>`)", key)
}

// secretKeysJSON passes the keys through untouched: the SDK matches them
// against the `ns:name` form.
func secretKeysJSON(keys []string) (string, error) {
	if keys == nil {
		keys = []string{}
	}
	b, err := json.Marshal(keys)
	return string(b), err
}
