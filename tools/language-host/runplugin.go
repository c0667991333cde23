package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// analyzerKind is the plugin kind the engine uses for policy packs.
const analyzerKind = "analyzer"

// RunPlugin runs a plugin written in Node.js, in practice a policy pack.
// Output is streamed back as it comes; the last message carries the exit code.
func (h *languageHost) RunPlugin(
	req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer,
) error {
	ctx := server.Context()
	closer, stdout, stderr, err := rpcutil.MakeRunPluginStreams(server, false)
	if err != nil {
		return err
	}
	defer closer.Close()
	guard := &sendGuard{}
	defer guard.close()
	stdout, stderr = guard.wrap(stdout), guard.wrap(stderr)

	cmd, err := h.pluginCommand(ctx, req)
	if err != nil {
		return err
	}
	logging.V(5).Infof("language host launching plugin: %s", cmd)
	if req.GetKind() == analyzerKind {
		err = runPolicyPack(ctx, cmd, stdout, stderr)
	} else {
		cmd.Stdout, cmd.Stderr = stdout, stderr
		err = cmd.Run()
	}
	code, err := pluginExitCode(err)
	if err != nil {
		return err
	}
	return guard.do(func() error {
		return server.Send(&pulumirpc.RunPluginResponse{
			Output: &pulumirpc.RunPluginResponse_Exitcode{Exitcode: code},
		})
	})
}

// pluginCommand prepares, but does not start, the node process for req.
func (h *languageHost) pluginCommand(ctx context.Context, req *pulumirpc.RunPluginRequest) (*exec.Cmd, error) {
	nodeBin, opts, err := nodeWithOptions(req.GetInfo())
	if err != nil {
		return nil, err
	}
	dir := req.GetInfo().GetProgramDirectory()
	if dir == "" {
		return nil, errors.New("RunPlugin: the request names no program directory")
	}
	// Resolved from the plugin's own directory: a policy pack has its own
	// package.json and node_modules, separate from the program's.
	script, err := locateModule(ctx, nodeBin, dir, pluginModule(req.GetKind()))
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(h.cancellable(ctx), nodeBin, pluginArgs(req, script, opts.nodeArgs)...)
	cmd.Dir = pluginWorkingDirectory(req)
	cmd.Env = append(pluginBaseEnv(req.GetEnv()), opts.env()...)
	cmd.WaitDelay = stopGracePeriod
	return cmd, nil
}

func pluginModule(kind string) string {
	if kind == analyzerKind {
		return runPolicyModule
	}
	return runPluginModule
}

// pluginArgs builds node's arguments. cmd/run-policy-pack takes
// `<engine address> <pack directory>`: the engine's args (its address) come
// first and the directory last. cmd/run-plugin takes the directory first.
// Node options go before the script so node, not the script, gets them.
func pluginArgs(req *pulumirpc.RunPluginRequest, script string, nodeArgs []string) []string {
	args := append(append([]string{}, nodeArgs...), script)
	dir := req.GetInfo().GetProgramDirectory()
	if req.GetKind() == analyzerKind {
		args = append(args, req.GetArgs()...)
		return append(args, dir)
	}
	args = append(args, dir)
	return append(args, req.GetArgs()...)
}

// pluginWorkingDirectory: policy packs have always run inside their own
// directory; other plugins run where the engine asks.
func pluginWorkingDirectory(req *pulumirpc.RunPluginRequest) string {
	if req.GetKind() == analyzerKind || req.GetPwd() == "" {
		return req.GetInfo().GetProgramDirectory()
	}
	return req.GetPwd()
}

// pluginBaseEnv is the environment the engine chose for the plugin. The
// engine sends its whole environment; an empty list means it sent none, and
// then ours is the better default than an empty environment without PATH.
func pluginBaseEnv(env []string) []string {
	if len(env) == 0 {
		return os.Environ()
	}
	return append([]string{}, env...)
}

// pluginExitCode separates "the plugin ran and exited with N" (reported in
// the stream) from "the plugin could not be run" (an RPC error).
func pluginExitCode(err error) (int32, error) {
	if err == nil {
		return 0, nil
	}
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		return int32(exitErr.ExitCode()), nil
	}
	return 0, fmt.Errorf("problem executing plugin program: %w", err)
}
