package main

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
)

const (
	runModule        = "@pulumi/pulumi/cmd/run"
	runPolicyModule  = "@pulumi/pulumi/cmd/run-policy-pack"
	runPluginModule  = "@pulumi/pulumi/cmd/run-plugin"
	moduleMissingRC  = 3 // exit code of resolveScript when node reports MODULE_NOT_FOUND
	nodeNotFoundHint = "could not find node on the $PATH"
)

// resolveScript asks node itself where `require(module)` lands from dir, so
// that the entry point comes from the SAME @pulumi/pulumi the program (or
// policy pack) will load, wherever npm hoisted it. The module name travels as
// an argument, never spliced into the script.
const resolveScript = `try {
	console.log(require.resolve(process.argv[1], { paths: [process.cwd()] }));
} catch (e) {
	if (e && e.code === "MODULE_NOT_FOUND") process.exit(3);
	console.error(e && e.message ? e.message : String(e));
	process.exit(1);
}`

// locateModule returns the file node would load for module, starting at dir.
func locateModule(ctx context.Context, nodeBin, dir, module string) (string, error) {
	cmd := exec.CommandContext(ctx, nodeBin, "-e", resolveScript, module)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err == nil {
		return strings.TrimSpace(string(out)), nil
	}
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) && exitErr.ExitCode() == moduleMissingRC {
		return "", fmt.Errorf("could not find %s from %s: @pulumi/pulumi is not installed there; "+
			"run `npm ci` (or `pulumi install`) in %s first", module, dir, dir)
	}
	if errors.As(err, &exitErr) {
		return "", fmt.Errorf("could not resolve %s from %s: %s", module, dir,
			strings.TrimSpace(string(exitErr.Stderr)))
	}
	return "", fmt.Errorf("could not resolve %s from %s: %w", module, dir, err)
}

// findNode locates the node binary, with an error message naming the problem.
func findNode() (string, error) {
	path, err := exec.LookPath("node")
	if err != nil {
		return "", fmt.Errorf("%s: %w", nodeNotFoundHint, err)
	}
	return path, nil
}
