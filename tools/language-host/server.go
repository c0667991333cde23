package main

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"sync"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/emptypb"
)

// languageHost serves the LanguageRuntime service for Node.js programs.
// Embedding UnimplementedLanguageRuntimeServer answers everything we do not
// support (code generation, packing, linking, templates, prompts...) with
// codes.Unimplemented, which the engine understands.
type languageHost struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	tracing string

	// cancelled is done once the engine calls Cancel; every child we start
	// is tied to it.
	cancelled context.Context
	cancel    context.CancelFunc

	// Set at start-up or by Handshake. The directories are only remembered:
	// every request that needs one carries its own ProgramInfo.
	mu               sync.Mutex
	engineAddress    string
	rootDirectory    string
	programDirectory string
}

func newLanguageHost(engineAddress, tracing string) *languageHost {
	ctx, cancel := context.WithCancel(context.Background())
	return &languageHost{
		tracing:       tracing,
		cancelled:     ctx,
		cancel:        cancel,
		engineAddress: engineAddress,
	}
}

func (h *languageHost) engine() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.engineAddress
}

// cancellable ties a child's lifetime to both the RPC and the Cancel call.
func (h *languageHost) cancellable(ctx context.Context) context.Context {
	ctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(h.cancelled, cancel)
	context.AfterFunc(ctx, func() { stop() })
	return ctx
}

// Handshake is sent by engines that attach to an already running host; it
// carries the engine address we would otherwise have from the command line.
func (h *languageHost) Handshake(
	ctx context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if req.GetEngineAddress() != "" {
		h.engineAddress = req.GetEngineAddress()
	}
	h.rootDirectory = req.GetRootDirectory()
	h.programDirectory = req.GetProgramDirectory()
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *languageHost) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

// Cancel stops every program and plugin this host is running; they get
// SIGINT first (see stopGracePeriod).
func (h *languageHost) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	h.cancel()
	return &emptypb.Empty{}, nil
}

// About reports the node binary in use, for `pulumi about`.
func (h *languageHost) About(ctx context.Context, req *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	nodeBin, err := findNode()
	if err != nil {
		return nil, err
	}
	nodeVersion, err := commandVersion(ctx, nodeBin)
	if err != nil {
		return nil, fmt.Errorf("could not run %s --version: %w", nodeBin, err)
	}
	metadata := map[string]string{"packagemanager": "npm"}
	// The npm version is a courtesy; About still answers without npm.
	if npmVersion, err := commandVersion(ctx, "npm"); err == nil {
		metadata["packagemanagerVersion"] = npmVersion
	}
	return &pulumirpc.AboutResponse{Executable: nodeBin, Version: nodeVersion, Metadata: metadata}, nil
}

func commandVersion(ctx context.Context, bin string) (string, error) {
	out, err := exec.CommandContext(ctx, bin, "--version").Output()
	return strings.TrimSpace(string(out)), err
}
