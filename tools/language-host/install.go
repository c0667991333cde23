package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// InstallDependencies runs npm in the program (or plugin) directory, for
// `pulumi install` and friends, streaming npm's output back to the engine.
func (h *languageHost) InstallDependencies(
	req *pulumirpc.InstallDependenciesRequest, server pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	dir := req.GetInfo().GetProgramDirectory()
	if dir == "" {
		dir = req.GetDirectory()
	}
	opts, err := parseRuntimeOptions(req.GetInfo().GetOptions())
	if err != nil {
		return err
	}
	if pm := opts.packageManager; pm != "" && pm != "auto" && pm != "npm" {
		return fmt.Errorf("runtime option packagemanager=%q is not supported by this language host; use npm", pm)
	}

	closer, stdout, stderr, err := rpcutil.MakeInstallDependenciesStreams(server, req.GetIsTerminal())
	if err != nil {
		return err
	}
	defer closer.Close()
	guard := &sendGuard{}
	defer guard.close()
	stdout, stderr = guard.wrap(stdout), guard.wrap(stderr)

	args := npmInstallArgs(dir)
	fmt.Fprintf(stdout, "Installing dependencies with `npm %s` in %s...\n\n", args[0], dir)
	cmd := exec.CommandContext(h.cancellable(server.Context()), "npm", args...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = stdout, stderr
	cmd.WaitDelay = stopGracePeriod
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("npm %s failed in %s: %w", args[0], dir, err)
	}
	fmt.Fprintf(stdout, "Finished installing dependencies\n\n")
	// Closing explicitly (the deferred call repeats harmlessly) surfaces a
	// failure to flush the terminal's output.
	return closer.Close()
}

// npmInstallArgs prefers `npm ci`, which installs exactly the lockfile;
// without a lockfile there is nothing to be exact about.
func npmInstallArgs(dir string) []string {
	for _, lock := range []string{"package-lock.json", "npm-shrinkwrap.json"} {
		if _, err := os.Stat(filepath.Join(dir, lock)); err == nil {
			return []string{"ci"}
		}
	}
	return []string{"install"}
}
