package main

import (
	"encoding/json"
	"strings"
	"testing"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/structpb"
)

func mustStruct(t *testing.T, m map[string]any) *structpb.Struct {
	t.Helper()
	s, err := structpb.NewStruct(m)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestNodeRunArgs(t *testing.T) {
	info := &pulumirpc.ProgramInfo{RootDirectory: "/root", ProgramDirectory: "/root/prog", EntryPoint: "."}
	base := func() *pulumirpc.RunRequest {
		return &pulumirpc.RunRequest{
			MonitorAddress: "127.0.0.1:1", Organization: "org", Project: "proj", Stack: "dev",
			Parallel: 4, Info: info,
		}
	}
	launch := programLaunch{runScript: "/sdk/cmd/run/index.js", engineAddress: "127.0.0.1:2"}
	common := []string{"/sdk/cmd/run/index.js", "--monitor", "127.0.0.1:1", "--engine", "127.0.0.1:2",
		"--organization", "org", "--project", "proj", "--root-directory", "/root", "--stack", "dev",
		"--pwd", "/root/prog"}
	join := func(parts ...[]string) []string {
		var all []string
		for _, p := range parts {
			all = append(all, p...)
		}
		return all
	}

	tests := []struct {
		name   string
		edit   func(*pulumirpc.RunRequest, *programLaunch)
		want   []string
		reject string // an argument that must not appear
	}{
		{
			name: "update",
			want: join(common, []string{"--parallel", "4", "."}),
		},
		{
			name: "preview adds --dry-run before --parallel",
			edit: func(r *pulumirpc.RunRequest, _ *programLaunch) { r.DryRun = true },
			want: join(common, []string{"--dry-run", "--parallel", "4", "."}),
		},
		{
			name: "parallel zero is still passed",
			edit: func(r *pulumirpc.RunRequest, _ *programLaunch) { r.Parallel = 0 },
			want: join(common, []string{"--parallel", "0", "."}),
		},
		{
			name: "program arguments follow the entry point",
			edit: func(r *pulumirpc.RunRequest, _ *programLaunch) {
				r.Args = []string{"--flag", "x"}
				r.Info = &pulumirpc.ProgramInfo{RootDirectory: "/root", ProgramDirectory: "/root/prog", EntryPoint: "bin/main.js"}
			},
			want: join(common, []string{"--parallel", "4", "bin/main.js", "--flag", "x"}),
		},
		{
			name: "node arguments come before the script, tracing after --parallel",
			edit: func(_ *pulumirpc.RunRequest, l *programLaunch) {
				l.nodeArgs = []string{"--max-old-space-size=64", "--no-warnings"}
				l.tracing = "http://zipkin"
			},
			want: join([]string{"--max-old-space-size=64", "--no-warnings"}, common,
				[]string{"--parallel", "4", "--tracing", "http://zipkin", "."}),
		},
		{
			name:   "query mode is not forwarded (cmd/run would eat the entry point)",
			edit:   func(r *pulumirpc.RunRequest, _ *programLaunch) { r.QueryMode = true },
			want:   join(common, []string{"--parallel", "4", "."}),
			reject: "--query-mode",
		},
		{
			name: "empty values are left out",
			edit: func(r *pulumirpc.RunRequest, l *programLaunch) {
				r.Organization, l.engineAddress = "", ""
			},
			want: []string{"/sdk/cmd/run/index.js", "--monitor", "127.0.0.1:1", "--project", "proj",
				"--root-directory", "/root", "--stack", "dev", "--pwd", "/root/prog", "--parallel", "4", "."},
		},
		{
			name: "without ProgramInfo the old Pwd and Program fields are used",
			edit: func(r *pulumirpc.RunRequest, _ *programLaunch) {
				r.Info, r.Pwd, r.Program = nil, "/old", "main.js"
			},
			want: []string{"/sdk/cmd/run/index.js", "--monitor", "127.0.0.1:1", "--engine", "127.0.0.1:2",
				"--organization", "org", "--project", "proj", "--stack", "dev", "--pwd", "/old",
				"--parallel", "4", "main.js"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, l := base(), launch
			if tt.edit != nil {
				tt.edit(req, &l)
			}
			got := nodeRunArgs(req, l)
			if !equalStrings(got, tt.want) {
				t.Errorf("nodeRunArgs =\n  %q\nwant\n  %q", got, tt.want)
			}
			if tt.reject != "" && strings.Contains(strings.Join(got, " "), tt.reject) {
				t.Errorf("nodeRunArgs = %q, must not contain %q", got, tt.reject)
			}
		})
	}
}

func TestProgramEnv(t *testing.T) {
	tests := []struct {
		name    string
		req     *pulumirpc.RunRequest
		options map[string]any
		want    []string
	}{
		{
			name: "defaults: empty config, typescript on",
			req:  &pulumirpc.RunRequest{},
			want: []string{"PULUMI_CONFIG={}", "PULUMI_CONFIG_SECRET_KEYS=[]", "PULUMI_NODEJS_TYPESCRIPT=true"},
		},
		{
			name: "config keys gain :config:, secret keys do not",
			req: &pulumirpc.RunRequest{
				Config:           map[string]string{"proj:name": "x", "kubernetes:context": "kind", "aws:config:region": "r"},
				ConfigSecretKeys: []string{"proj:name"},
			},
			want: []string{
				`PULUMI_CONFIG={"aws:config:region":"r","kubernetes:config:context":"kind","proj:config:name":"x"}`,
				`PULUMI_CONFIG_SECRET_KEYS=["proj:name"]`,
				"PULUMI_NODEJS_TYPESCRIPT=true",
			},
		},
		{
			name:    "typescript off, tsconfig set",
			req:     &pulumirpc.RunRequest{},
			options: map[string]any{"typescript": false, "tsconfig": "tsconfig.pulumi.json"},
			want: []string{"PULUMI_CONFIG={}", "PULUMI_CONFIG_SECRET_KEYS=[]",
				"PULUMI_NODEJS_TSCONFIG_PATH=tsconfig.pulumi.json"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts, err := parseRuntimeOptions(mustStruct(t, tt.options))
			if err != nil {
				t.Fatal(err)
			}
			got, err := programEnv(tt.req, opts)
			if err != nil {
				t.Fatal(err)
			}
			if !equalStrings(got, tt.want) {
				t.Errorf("programEnv =\n  %q\nwant\n  %q", got, tt.want)
			}
		})
	}
}

func TestConfigJSON(t *testing.T) {
	got, err := configJSON(map[string]string{"proj:a": `va"lue`, "pkg:config:b": "2"})
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	if err := json.Unmarshal([]byte(got), &m); err != nil {
		t.Fatalf("configJSON gave invalid JSON %q: %v", got, err)
	}
	if len(m) != 2 || m["proj:config:a"] != `va"lue` || m["pkg:config:b"] != "2" {
		t.Errorf("configJSON = %v", m)
	}
	for _, bad := range []string{"nonamespace", ":name", "a:b:c", "a:b:c:d"} {
		if _, err := configJSON(map[string]string{bad: "v"}); err == nil {
			t.Errorf("configJSON accepted the malformed key %q", bad)
		}
	}
}

func TestSecretKeysJSON(t *testing.T) {
	for _, tt := range []struct {
		keys []string
		want string
	}{
		{nil, "[]"},
		{[]string{}, "[]"},
		{[]string{"proj:password", "aws:secretKey"}, `["proj:password","aws:secretKey"]`},
	} {
		if got, err := secretKeysJSON(tt.keys); err != nil || got != tt.want {
			t.Errorf("secretKeysJSON(%q) = %q, %v; want %q", tt.keys, got, err, tt.want)
		}
	}
}

func TestParseRuntimeOptions(t *testing.T) {
	opts, err := parseRuntimeOptions(nil)
	if err != nil || !opts.typescript || opts.nodeArgs != nil || opts.tsconfig != "" {
		t.Errorf("defaults = %+v, %v", opts, err)
	}
	opts, err = parseRuntimeOptions(mustStruct(t, map[string]any{
		"typescript": "false", "nodeargs": `--title 'my program' --no-warnings`, "packagemanager": "npm",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if opts.typescript || opts.packageManager != "npm" ||
		!equalStrings(opts.nodeArgs, []string{"--title", "my program", "--no-warnings"}) {
		t.Errorf("parsed = %+v", opts)
	}
	for _, bad := range []map[string]any{
		{"typescript": "yes"}, {"tsconfig": true}, {"nodeargs": 3.0}, {"nodeargs": `--unterminated "quote`},
	} {
		if _, err := parseRuntimeOptions(mustStruct(t, bad)); err == nil {
			t.Errorf("parseRuntimeOptions(%v) accepted a bad option", bad)
		}
	}
}
