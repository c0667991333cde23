package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// runFakeProgram installs script as @pulumi/pulumi/cmd/run in a fresh
// program directory and calls Run on it.
func runFakeProgram(t *testing.T, script string, edit func(*pulumirpc.RunRequest)) (*pulumirpc.RunResponse, string) {
	t.Helper()
	dir := t.TempDir()
	fakeSDK(t, dir, "run", script)
	req := &pulumirpc.RunRequest{
		MonitorAddress: "127.0.0.1:9", Project: "proj", Stack: "dev", Organization: "org", Parallel: 8,
		Info: &pulumirpc.ProgramInfo{RootDirectory: dir, ProgramDirectory: dir, EntryPoint: "."},
	}
	if edit != nil {
		edit(req)
	}
	resp, err := newLanguageHost("127.0.0.1:7", "").Run(context.Background(), req)
	if err != nil {
		t.Fatalf("Run returned an RPC error: %v", err)
	}
	return resp, dir
}

func TestRunExitCode32Bails(t *testing.T) {
	resp, _ := runFakeProgram(t, `console.error("reported to the engine"); process.exit(32);`, nil)
	if !resp.Bail || resp.Error != "" {
		t.Errorf("Run = %+v, want Bail and no error", resp)
	}
}

func TestRunThrowingProgramFails(t *testing.T) {
	resp, _ := runFakeProgram(t, `throw new Error("boom");`, nil)
	if resp.Bail {
		t.Errorf("Run bailed on an unreported error: %+v", resp)
	}
	if resp.Error != "Program exited with non-zero exit code: 1" {
		t.Errorf("Run error = %q", resp.Error)
	}
}

func TestRunOtherExitCode(t *testing.T) {
	resp, _ := runFakeProgram(t, `process.exit(3);`, nil)
	if resp.Bail || resp.Error != "Program exited with non-zero exit code: 3" {
		t.Errorf("Run = %+v", resp)
	}
}

func TestRunPassesArgumentsAndEnvironment(t *testing.T) {
	recordFile := filepath.Join(t.TempDir(), "record.json")
	t.Setenv("RECORD_FILE", recordFile)
	t.Setenv("HOST_ONLY_VARIABLE", "inherited")
	resp, dir := runFakeProgram(t, recordingScript, func(r *pulumirpc.RunRequest) {
		r.DryRun = true
		r.Args = []string{"extra"}
		r.Config = map[string]string{"proj:greeting": "hello"}
		r.ConfigSecretKeys = []string{"proj:greeting"}
		r.Info.Options = mustStruct(t, map[string]any{
			"tsconfig": "tsconfig.pulumi.json", "nodeargs": "--max-old-space-size=100",
		})
	})
	if resp.Error != "" || resp.Bail {
		t.Fatalf("Run = %+v", resp)
	}
	got := readRecord(t, recordFile)
	want := []string{"--monitor", "127.0.0.1:9", "--engine", "127.0.0.1:7", "--organization", "org",
		"--project", "proj", "--root-directory", dir, "--stack", "dev", "--pwd", dir, "--dry-run",
		"--parallel", "8", ".", "extra"}
	if !equalStrings(got.Argv, want) {
		t.Errorf("argv =\n  %q\nwant\n  %q", got.Argv, want)
	}
	if !equalStrings(got.ExecArgv, []string{"--max-old-space-size=100"}) {
		t.Errorf("node options = %q", got.ExecArgv)
	}
	if got.Cwd != dir {
		t.Errorf("cwd = %q, want %q", got.Cwd, dir)
	}
	for name, want := range map[string]string{
		"PULUMI_CONFIG":               `{"proj:config:greeting":"hello"}`,
		"PULUMI_CONFIG_SECRET_KEYS":   `["proj:greeting"]`,
		"PULUMI_NODEJS_TYPESCRIPT":    "true",
		"PULUMI_NODEJS_TSCONFIG_PATH": "tsconfig.pulumi.json",
		"HOST_ONLY_VARIABLE":          "inherited",
	} {
		if got.Env[name] != want {
			t.Errorf("$%s = %q, want %q", name, got.Env[name], want)
		}
	}
}

func TestRunWithoutSDKSaysToInstall(t *testing.T) {
	dir := t.TempDir()
	resp, err := newLanguageHost("", "").Run(context.Background(), &pulumirpc.RunRequest{
		MonitorAddress: "127.0.0.1:9",
		Info:           &pulumirpc.ProgramInfo{RootDirectory: dir, ProgramDirectory: dir, EntryPoint: "."},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(resp.Error, "npm ci") || !strings.Contains(resp.Error, "@pulumi/pulumi") {
		t.Errorf("Run error = %q, want advice to run npm ci", resp.Error)
	}
}

func TestRunResponseWhenNodeCannotStart(t *testing.T) {
	resp := runResponse(context.DeadlineExceeded)
	if resp.Bail || !strings.Contains(resp.Error, "could not run language executor") {
		t.Errorf("runResponse = %+v", resp)
	}
}
