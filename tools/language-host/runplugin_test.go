package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/test/bufconn"
	"google.golang.org/protobuf/types/known/emptypb"
)

// hostClient serves a languageHost in-process over bufconn.
func hostClient(t *testing.T) pulumirpc.LanguageRuntimeClient {
	t.Helper()
	lis := bufconn.Listen(1 << 20)
	srv := grpc.NewServer()
	pulumirpc.RegisterLanguageRuntimeServer(srv, newLanguageHost("127.0.0.1:7", ""))
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	conn, err := grpc.NewClient("passthrough:///bufnet",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return pulumirpc.NewLanguageRuntimeClient(conn)
}

// pluginOutput collects a RunPlugin stream.
type pluginOutput struct {
	stream   pulumirpc.LanguageRuntime_RunPluginClient
	stdout   strings.Builder
	stderr   strings.Builder
	exitCode *int32
}

// next reads one message; it returns false at the end of the stream.
func (o *pluginOutput) next(t *testing.T) bool {
	t.Helper()
	msg, err := o.stream.Recv()
	if errors.Is(err, io.EOF) {
		return false
	}
	if err != nil {
		t.Fatalf("RunPlugin stream: %v", err)
	}
	switch out := msg.Output.(type) {
	case *pulumirpc.RunPluginResponse_Stdout:
		o.stdout.Write(out.Stdout)
	case *pulumirpc.RunPluginResponse_Stderr:
		o.stderr.Write(out.Stderr)
	case *pulumirpc.RunPluginResponse_Exitcode:
		if o.exitCode != nil {
			t.Fatalf("second exit code %d", out.Exitcode)
		}
		code := out.Exitcode
		o.exitCode = &code
	}
	return true
}

func (o *pluginOutput) drain(t *testing.T) {
	t.Helper()
	for o.next(t) {
	}
}

func TestRunPluginStreamsOutputAndExitCode(t *testing.T) {
	dir := t.TempDir()
	fakeSDK(t, dir, "run-plugin", `
		process.stdout.write("args " + JSON.stringify(process.argv.slice(2)) + "\n");
		process.stderr.write("to stderr\n");
		process.exit(7);`)
	stream, err := hostClient(t).RunPlugin(context.Background(), &pulumirpc.RunPluginRequest{
		Kind: "resource", Args: []string{"a1"}, Pwd: dir,
		Info: &pulumirpc.ProgramInfo{RootDirectory: dir, ProgramDirectory: dir, EntryPoint: "."},
	})
	if err != nil {
		t.Fatal(err)
	}
	out := &pluginOutput{stream: stream}
	out.drain(t)
	wantArgs := fmt.Sprintf("args [%q,\"a1\"]\n", dir)
	if out.stdout.String() != wantArgs {
		t.Errorf("stdout = %q, want %q", out.stdout.String(), wantArgs)
	}
	if out.stderr.String() != "to stderr\n" {
		t.Errorf("stderr = %q", out.stderr.String())
	}
	if out.exitCode == nil || *out.exitCode != 7 {
		t.Errorf("exit code = %v, want 7", out.exitCode)
	}
}

func TestRunPluginWithoutSDKFails(t *testing.T) {
	dir := t.TempDir()
	stream, err := hostClient(t).RunPlugin(context.Background(), &pulumirpc.RunPluginRequest{
		Kind: "analyzer", Args: []string{"127.0.0.1:7"},
		Info: &pulumirpc.ProgramInfo{RootDirectory: dir, ProgramDirectory: dir, EntryPoint: "."},
	})
	if err == nil {
		_, err = stream.Recv()
	}
	if err == nil || !strings.Contains(err.Error(), "npm ci") {
		t.Errorf("RunPlugin error = %v, want advice to run npm ci", err)
	}
}

// fakeAnalyzer stands in for the gRPC server a real policy pack starts.
type fakeAnalyzer struct {
	pulumirpc.UnimplementedAnalyzerServer
}

func (fakeAnalyzer) GetAnalyzerInfo(context.Context, *emptypb.Empty) (*pulumirpc.AnalyzerInfo, error) {
	return &pulumirpc.AnalyzerInfo{Name: "fake-pack"}, nil
}

func startFakeAnalyzer(t *testing.T) int {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer()
	pulumirpc.RegisterAnalyzerServer(srv, fakeAnalyzer{})
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	return lis.Addr().(*net.TCPAddr).Port
}

// fakePolicyPack records what it got, announces the fake analyzer's port
// like a real pack announces its own, then waits for $RELEASE_FILE before
// printing and exiting with 3.
const fakePolicyPack = recordingScript + `
console.log(process.env.FAKE_ANALYZER_PORT);
const wait = () => {
	if (!fs.existsSync(process.env.RELEASE_FILE)) return setTimeout(wait, 20);
	console.log("pack stdout");
	console.error("pack stderr");
	process.exit(3);
};
wait();
`

// TestRunPolicyPack plays the engine: it reads the proxy's port from the
// stream, configures the stack through it, and calls the pack through it.
func TestRunPolicyPack(t *testing.T) {
	packDir, scratch := t.TempDir(), t.TempDir()
	fakeSDK(t, packDir, "run-policy-pack", fakePolicyPack)
	recordFile, releaseFile := filepath.Join(scratch, "record.json"), filepath.Join(scratch, "release")
	env := append(os.Environ(), "RECORD_FILE="+recordFile, "RELEASE_FILE="+releaseFile,
		"FAKE_ANALYZER_PORT="+strconv.Itoa(startFakeAnalyzer(t)))

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	stream, err := hostClient(t).RunPlugin(ctx, &pulumirpc.RunPluginRequest{
		Kind: "analyzer", Args: []string{"127.0.0.1:7"}, Env: env, Pwd: scratch,
		Info: &pulumirpc.ProgramInfo{RootDirectory: packDir, ProgramDirectory: packDir, EntryPoint: "."},
	})
	if err != nil {
		t.Fatal(err)
	}
	out := &pluginOutput{stream: stream}
	for !strings.Contains(out.stdout.String(), "\n") {
		if !out.next(t) {
			t.Fatalf("stream ended before the proxy announced its port; stderr: %s", out.stderr.String())
		}
	}
	proxyPort := strings.TrimSpace(out.stdout.String())
	out.stdout.Reset()

	analyzer := dialAnalyzer(t, "127.0.0.1:"+proxyPort)
	_, err = analyzer.ConfigureStack(ctx, &pulumirpc.AnalyzerStackConfigureRequest{
		Organization: "org", Project: "proj", Stack: "dev", DryRun: true,
		Config: map[string]string{"proj:greeting": "hi"}, ConfigSecretKeys: []string{"proj:greeting"},
	})
	if err != nil {
		t.Fatalf("ConfigureStack through the proxy: %v", err)
	}
	info, err := analyzer.GetAnalyzerInfo(ctx, &emptypb.Empty{})
	if err != nil || info.GetName() != "fake-pack" {
		t.Fatalf("GetAnalyzerInfo through the proxy = %v, %v", info, err)
	}
	writeFile(t, releaseFile, "")
	out.drain(t)

	if out.stdout.String() != "pack stdout\n" {
		t.Errorf("stdout after the proxy port = %q (the pack's port line must not leak)", out.stdout.String())
	}
	if out.stderr.String() != "pack stderr\n" {
		t.Errorf("stderr = %q", out.stderr.String())
	}
	if out.exitCode == nil || *out.exitCode != 3 {
		t.Errorf("exit code = %v, want 3", out.exitCode)
	}
	checkPolicyPackRecord(t, readRecord(t, recordFile), packDir)
}

func dialAnalyzer(t *testing.T, addr string) pulumirpc.AnalyzerClient {
	t.Helper()
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return pulumirpc.NewAnalyzerClient(conn)
}

func checkPolicyPackRecord(t *testing.T, got record, packDir string) {
	t.Helper()
	if want := []string{"127.0.0.1:7", packDir}; !equalStrings(got.Argv, want) {
		t.Errorf("argv = %q, want %q", got.Argv, want)
	}
	if got.Cwd != packDir {
		t.Errorf("cwd = %q, want the pack directory %q", got.Cwd, packDir)
	}
	for name, want := range map[string]string{
		"PULUMI_CONFIG":              `{"proj:greeting":"hi"}`,
		"PULUMI_CONFIG_SECRET_KEYS":  `["proj:greeting"]`,
		"PULUMI_NODEJS_ORGANIZATION": "org",
		"PULUMI_NODEJS_PROJECT":      "proj",
		"PULUMI_NODEJS_STACK":        "dev",
		"PULUMI_NODEJS_DRY_RUN":      "true",
		"PULUMI_NODEJS_TYPESCRIPT":   "true",
	} {
		if got.Env[name] != want {
			t.Errorf("$%s = %q, want %q", name, got.Env[name], want)
		}
	}
}

func TestPluginArgs(t *testing.T) {
	info := &pulumirpc.ProgramInfo{ProgramDirectory: "/pack"}
	policy := &pulumirpc.RunPluginRequest{Kind: "analyzer", Args: []string{"engine:1"}, Pwd: "/cwd", Info: info}
	if got, want := pluginArgs(policy, "/s.js", []string{"--no-warnings"}),
		[]string{"--no-warnings", "/s.js", "engine:1", "/pack"}; !equalStrings(got, want) {
		t.Errorf("policy pack args = %q, want %q", got, want)
	}
	if got := pluginWorkingDirectory(policy); got != "/pack" {
		t.Errorf("policy pack working directory = %q", got)
	}
	other := &pulumirpc.RunPluginRequest{Kind: "resource", Args: []string{"x"}, Pwd: "/cwd", Info: info}
	if got, want := pluginArgs(other, "/s.js", nil), []string{"/s.js", "/pack", "x"}; !equalStrings(got, want) {
		t.Errorf("plugin args = %q, want %q", got, want)
	}
	if got := pluginWorkingDirectory(other); got != "/cwd" {
		t.Errorf("plugin working directory = %q", got)
	}
	if pluginModule("analyzer") != runPolicyModule || pluginModule("resource") != runPluginModule {
		t.Error("pluginModule picked the wrong runner")
	}
}

func TestStackConfigEnv(t *testing.T) {
	env, err := stackConfigEnv(nil)
	if err != nil || env != nil {
		t.Errorf("stackConfigEnv(nil) = %q, %v", env, err)
	}
	env, err = stackConfigEnv(&pulumirpc.AnalyzerStackConfigureRequest{Stack: "dev"})
	want := []string{"PULUMI_NODEJS_STACK=dev", "PULUMI_NODEJS_DRY_RUN=false"}
	if err != nil || !equalStrings(env, want) {
		t.Errorf("stackConfigEnv = %q, %v; want %q", env, err, want)
	}
}
