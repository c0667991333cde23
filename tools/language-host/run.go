package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

const (
	// errorAlreadyReported is the exit code @pulumi/pulumi's runner uses when
	// it has already shown the user an actionable error through the engine.
	errorAlreadyReported = 32

	// stopGracePeriod is how long a cancelled child gets to exit after SIGINT
	// before it is killed and its output pipes are closed.
	stopGracePeriod = 5 * time.Second
)

// Run executes the program with `node @pulumi/pulumi/cmd/run ...`. Failures of
// the program are reported in the response, not as RPC errors, so the engine
// shows them as program errors.
func (h *languageHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	cmd, err := h.programCommand(ctx, req)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	logging.V(5).Infof("language host launching program: %s", cmd)
	return runResponse(cmd.Run()), nil
}

// programCommand prepares, but does not start, the node process for req.
func (h *languageHost) programCommand(ctx context.Context, req *pulumirpc.RunRequest) (*exec.Cmd, error) {
	nodeBin, opts, err := nodeWithOptions(req.GetInfo())
	if err != nil {
		return nil, err
	}
	dir := programDirectory(req)
	script, err := locateModule(ctx, nodeBin, dir, runModuleName())
	if err != nil {
		return nil, err
	}
	env, err := programEnv(req, opts)
	if err != nil {
		return nil, err
	}
	args := nodeRunArgs(req, programLaunch{
		runScript:     script,
		engineAddress: h.engine(),
		tracing:       h.tracing,
		nodeArgs:      opts.nodeArgs,
	})

	cmd := exec.CommandContext(h.cancellable(ctx), nodeBin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	// Hand node a plain io.Writer, not our *os.File: node may switch a
	// stdout/stderr descriptor it inherits to non-blocking mode, which would
	// then break our own writes to the same (engine-owned) pipe.
	cmd.Stdout = struct{ io.Writer }{os.Stdout}
	cmd.Stderr = struct{ io.Writer }{os.Stderr}
	// On cancellation give the SDK a chance to shut down cleanly first.
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGINT) }
	cmd.WaitDelay = stopGracePeriod
	return cmd, nil
}

// runModuleName allows the runner to be swapped, as upstream's host does
// for its own tests.
func runModuleName() string {
	if p := strings.TrimSpace(os.Getenv("PULUMI_LANGUAGE_NODEJS_RUN_PATH")); p != "" {
		return p
	}
	return runModule
}

// runResponse translates how the program ended into the engine's terms.
func runResponse(err error) *pulumirpc.RunResponse {
	if err == nil {
		return &pulumirpc.RunResponse{}
	}
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		code := exitErr.ExitCode()
		if code == errorAlreadyReported {
			// The SDK already sent the error to the engine; a second message
			// would only repeat it.
			return &pulumirpc.RunResponse{Bail: true}
		}
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited with non-zero exit code: %d", code)}
	}
	return &pulumirpc.RunResponse{
		Error: fmt.Sprintf("Problem executing program (could not run language executor): %v", err),
	}
}
