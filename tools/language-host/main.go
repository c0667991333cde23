// Command pulumi-language-nodejs is our own Pulumi language host for
// `runtime: nodejs` projects. Upstream's host cannot be built here, so this
// one does only the process plumbing: programs and policy packs still run
// through the Node entry points of the @pulumi/pulumi installed next to them
// (cmd/run and cmd/run-policy-pack).
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
)

// version is reported by GetPluginInfo; release builds set it with
// -ldflags "-X main.version=...".
var version = "3.259.0"

// engineCheckInterval is how often we make sure the engine is still alive;
// a host whose engine died must not linger.
const engineCheckInterval = 5 * time.Minute

func main() {
	flags := parseHostFlags(os.Args[1:])
	if flags.showVersion {
		fmt.Println(version)
		return
	}
	logging.InitLogging(flags.logToStderr, flags.verbose, false)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := serve(ctx, flags, os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: %v\n", err)
		os.Exit(1)
	}
}

// serve runs the gRPC server until ctx ends or the engine goes away. Like
// every Pulumi plugin it announces its port as one line on stdout, which is
// how the engine finds it.
func serve(ctx context.Context, flags hostFlags, stdout io.Writer) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if flags.engineAddress != "" {
		if err := rpcutil.Healthcheck(ctx, flags.engineAddress, engineCheckInterval, cancel); err != nil {
			return fmt.Errorf("could not start the engine health check: %w", err)
		}
	}

	stopServing := make(chan bool)
	go func() {
		<-ctx.Done()
		close(stopServing)
	}()
	host := newLanguageHost(flags.engineAddress, flags.tracing)
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: stopServing,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, host)
			return nil
		},
	})
	if err != nil {
		return fmt.Errorf("could not start the language host RPC server: %w", err)
	}
	fmt.Fprintf(stdout, "%d\n", handle.Port)

	if err := <-handle.Done; err != nil {
		return fmt.Errorf("language host RPC server stopped: %w", err)
	}
	return nil
}
