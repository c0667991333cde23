package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// writeFile creates path (and its parents) with content.
func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// writeJSON creates path with v encoded as JSON.
func writeJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, string(b))
}

// fakeSDK installs a stand-in @pulumi/pulumi into dir/node_modules whose
// entry point cmd/<command>/index.js is script.
func fakeSDK(t *testing.T, dir, command, script string) {
	t.Helper()
	sdk := filepath.Join(dir, "node_modules", "@pulumi", "pulumi")
	writeJSON(t, filepath.Join(sdk, "package.json"), map[string]string{"name": "@pulumi/pulumi", "version": "3.259.0"})
	writeFile(t, filepath.Join(sdk, "cmd", command, "index.js"), script)
}

// recordingScript writes what the child received (arguments after the
// script, node's own options, working directory, environment) to the file
// named by $RECORD_FILE, then runs tail.
const recordingScript = `
const fs = require("fs");
fs.writeFileSync(process.env.RECORD_FILE, JSON.stringify({
	argv: process.argv.slice(2),
	execArgv: process.execArgv,
	cwd: process.cwd(),
	env: process.env,
}));
`

// record is what recordingScript wrote.
type record struct {
	Argv     []string          `json:"argv"`
	ExecArgv []string          `json:"execArgv"`
	Cwd      string            `json:"cwd"`
	Env      map[string]string `json:"env"`
}

func readRecord(t *testing.T, path string) record {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("the child wrote no record: %v", err)
	}
	var r record
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
