package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"strconv"

	sdk "github.com/pulumi/pulumi/sdk/v3"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// runPolicyPack runs a Node.js policy pack behind sdk.PolicyProxy, as
// upstream's host does. The engine configures the stack over gRPC
// (ConfigureStack) after the analyzer starts, but @pulumi/policy reads the
// stack's name and config from the environment when it starts. So the proxy
// answers the engine first, and only once it has the configuration do we
// start node with that configuration in its environment; the proxy then
// forwards every call to the pack.
func runPolicyPack(ctx context.Context, cmd *exec.Cmd, stdout, stderr io.Writer) error {
	// The proxy writes its own port line to our stdout, then copies what it
	// gets from packPort, which is nothing as we route the pack's output
	// ourselves (below). Past its port line it is cut off, so that its
	// copier's complaint about the pipe closing at exit never reaches the user.
	proxyOut := &firstLineRouter{first: stdout, rest: io.Discard}
	proxy, packPort, err := sdk.NewPolicyProxy(ctx, proxyOut)
	if err != nil {
		return fmt.Errorf("could not start policy pack proxy: %w", err)
	}
	// Prints the proxy's port (the engine reads it from our stdout) and waits.
	stackConfig, err := proxy.AwaitConfiguration(ctx)
	if err != nil {
		return fmt.Errorf("could not get the stack configuration for the policy pack: %w", err)
	}
	env, err := stackConfigEnv(stackConfig)
	if err != nil {
		return err
	}
	cmd.Env = append(cmd.Env, env...)

	// The pack's first stdout line is its own port, which the proxy reads;
	// we copy the rest ourselves so no output is left in the proxy's hands
	// when the pack exits.
	router := &firstLineRouter{first: packPort, rest: stdout}
	cmd.Stdout, cmd.Stderr = router, stderr
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("could not start policy pack: %w", err)
	}
	err = proxy.Attach(ctx, cmd) // waits for the pack to exit
	closeWriter(packPort)        // unblocks the router if Attach gave up early
	router.flush()
	return err
}

// stackConfigEnv is the environment @pulumi/pulumi (as loaded by the pack)
// reads the stack's identity and configuration from. cfg is nil when the
// engine did not configure a stack (e.g. `pulumi policy publish`).
func stackConfigEnv(cfg *pulumirpc.AnalyzerStackConfigureRequest) ([]string, error) {
	if cfg == nil {
		return nil, nil
	}
	var env []string
	add := func(name, value string) {
		if value != "" {
			env = append(env, name+"="+value)
		}
	}
	add("PULUMI_NODEJS_ORGANIZATION", cfg.GetOrganization())
	add("PULUMI_NODEJS_PROJECT", cfg.GetProject())
	add("PULUMI_NODEJS_STACK", cfg.GetStack())
	add("PULUMI_NODEJS_DRY_RUN", strconv.FormatBool(cfg.GetDryRun()))
	if cfg.GetConfig() != nil {
		b, err := json.Marshal(cfg.GetConfig())
		if err != nil {
			return nil, fmt.Errorf("could not marshal stack configuration: %w", err)
		}
		add("PULUMI_CONFIG", string(b))
	}
	if keys := cfg.GetConfigSecretKeys(); len(keys) > 0 {
		b, err := json.Marshal(keys)
		if err != nil {
			return nil, fmt.Errorf("could not marshal secret configuration keys: %w", err)
		}
		add("PULUMI_CONFIG_SECRET_KEYS", string(b))
	}
	return env, nil
}

func closeWriter(w io.Writer) {
	if c, ok := w.(io.Closer); ok {
		_ = c.Close()
	}
}
