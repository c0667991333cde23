package main

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// fakeNpm puts an `npm` on PATH that reports how it was called.
func fakeNpm(t *testing.T, exitCode string) {
	t.Helper()
	bin := t.TempDir()
	script := "#!/bin/sh\necho \"npm $* in $(pwd)\"\necho \"npm warning\" >&2\nexit " + exitCode + "\n"
	if err := os.WriteFile(filepath.Join(bin, "npm"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
}

// installOutput runs InstallDependencies and collects its stream.
func installOutput(t *testing.T, dir string) (stdout, stderr string, err error) {
	t.Helper()
	stream, err := hostClient(t).InstallDependencies(context.Background(), &pulumirpc.InstallDependenciesRequest{
		Info: &pulumirpc.ProgramInfo{RootDirectory: dir, ProgramDirectory: dir, EntryPoint: "."},
	})
	if err != nil {
		return "", "", err
	}
	var out, errOut strings.Builder
	for {
		msg, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return out.String(), errOut.String(), nil
		}
		if err != nil {
			return out.String(), errOut.String(), err
		}
		out.Write(msg.Stdout)
		errOut.Write(msg.Stderr)
	}
}

func TestInstallDependenciesRunsNpmCi(t *testing.T) {
	fakeNpm(t, "0")
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "package-lock.json"), "{}")
	stdout, stderr, err := installOutput(t, dir)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout, "npm ci in "+dir+"\n") || !strings.Contains(stdout, "Finished installing") {
		t.Errorf("stdout = %q", stdout)
	}
	if stderr != "npm warning\n" {
		t.Errorf("stderr = %q", stderr)
	}
}

func TestInstallDependenciesReportsNpmFailure(t *testing.T) {
	fakeNpm(t, "1")
	_, _, err := installOutput(t, t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "npm install failed") {
		t.Errorf("error = %v, want npm install failure", err)
	}
}
