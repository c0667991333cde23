package main

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
)

// runAsHostVariable makes the test binary behave as the real host, so the
// start-up test exercises main() itself without a separate build.
const runAsHostVariable = "LANGUAGE_HOST_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runAsHostVariable) == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// startHost runs main() in a child process, the way the engine does, and
// returns the port it announced.
func startHost(t *testing.T, args ...string) (int, *exec.Cmd) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), runAsHostVariable+"=1")
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("the host printed no port: %v", err)
	}
	port, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil || port <= 0 {
		t.Fatalf("the host's first line %q is not a port", line)
	}
	return port, cmd
}

func TestHostStartsAndServes(t *testing.T) {
	// Flags the engine or older engines pass, plus one nobody knows.
	port, cmd := startHost(t, "--logtostderr", "-v=3", "--tracing", "", "-root", "/nowhere",
		"-typescript=false", "-some-future-flag", "127.0.0.1:1")
	conn, err := grpc.NewClient("127.0.0.1:"+strconv.Itoa(port),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	client := pulumirpc.NewLanguageRuntimeClient(conn)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	info, err := client.GetPluginInfo(ctx, &emptypb.Empty{})
	if err != nil || info.GetVersion() != version {
		t.Fatalf("GetPluginInfo = %v, %v; want version %s", info, err, version)
	}
	_, err = client.GeneratePackage(ctx, &pulumirpc.GeneratePackageRequest{})
	if status.Code(err) != codes.Unimplemented {
		t.Errorf("GeneratePackage error = %v, want Unimplemented", err)
	}
	if _, err := client.Handshake(ctx, &pulumirpc.LanguageHandshakeRequest{EngineAddress: "127.0.0.1:2"}); err != nil {
		t.Errorf("Handshake: %v", err)
	}

	// SIGINT (what the engine's process group gets on Ctrl-C) stops it cleanly.
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("host exited with %v after SIGINT", err)
		}
	case <-time.After(10 * time.Second):
		t.Error("host did not stop after SIGINT")
	}
}

func TestAbout(t *testing.T) {
	about, err := newLanguageHost("", "").About(context.Background(), &pulumirpc.AboutRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(about.Executable) != "node" || !strings.HasPrefix(about.Version, "v") {
		t.Errorf("About = %v", about)
	}
}

func TestNpmInstallArgs(t *testing.T) {
	dir := t.TempDir()
	if got := npmInstallArgs(dir); !equalStrings(got, []string{"install"}) {
		t.Errorf("without a lockfile: %q", got)
	}
	writeFile(t, filepath.Join(dir, "package-lock.json"), "{}")
	if got := npmInstallArgs(dir); !equalStrings(got, []string{"ci"}) {
		t.Errorf("with a lockfile: %q", got)
	}
}
