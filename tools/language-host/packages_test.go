package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// fakeProgramTree lays out a program with provider SDKs at the top level,
// scoped, nested, duplicated, inside a policy pack, and outside node_modules.
func fakeProgramTree(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	nm := filepath.Join(dir, "node_modules")
	pkg := func(path string, manifest map[string]any) {
		writeJSON(t, filepath.Join(path, "package.json"), manifest)
	}
	pkg(dir, map[string]any{"name": "program", "dependencies": map[string]string{"@pulumi/kubernetes": "^4"}})
	pkg(filepath.Join(nm, "@pulumi", "kubernetes"), map[string]any{
		"name": "@pulumi/kubernetes", "version": "4.25.0",
		"pulumi": map[string]any{"resource": true, "name": "kubernetes", "version": "4.25.0"},
	})
	// Same plugin again, nested under another package: reported once.
	pkg(filepath.Join(nm, "some-lib", "node_modules", "@pulumi", "kubernetes"), map[string]any{
		"name": "@pulumi/kubernetes", "version": "4.25.0",
		"pulumi": map[string]any{"resource": true, "name": "kubernetes", "version": "4.25.0"},
	})
	pkg(filepath.Join(nm, "some-lib"), map[string]any{"name": "some-lib", "version": "1.0.0"})
	// Nested, with the name derived from the @pulumi scope and a server.
	pkg(filepath.Join(nm, "some-lib", "node_modules", "@pulumi", "random"), map[string]any{
		"name": "@pulumi/random", "version": "v4.1.0",
		"pulumi": map[string]any{"resource": true, "server": "https://example.invalid"},
	})
	// A parameterized package.
	pkg(filepath.Join(nm, "@acme", "widgets"), map[string]any{
		"name": "@acme/widgets", "version": "0.1.0",
		"pulumi": map[string]any{"resource": true, "name": "terraform-provider", "version": "0.5.0",
			"parameterization": map[string]any{"name": "widgets", "version": "0.1.0", "value": "e30="}},
	})
	// Not plugins: @pulumi/pulumi, resource false, third-party without a name, broken JSON.
	pkg(filepath.Join(nm, "@pulumi", "pulumi"), map[string]any{"name": "@pulumi/pulumi", "version": "3.259.0"})
	pkg(filepath.Join(nm, "not-a-provider"), map[string]any{
		"name": "not-a-provider", "version": "1.0.0", "pulumi": map[string]any{"resource": false}})
	pkg(filepath.Join(nm, "nameless"), map[string]any{
		"name": "nameless", "version": "1.0.0", "pulumi": map[string]any{"resource": true}})
	writeFile(t, filepath.Join(nm, "broken", "package.json"), "{not json")
	// Outside node_modules: ignored.
	pkg(filepath.Join(dir, "src"), map[string]any{
		"name": "@pulumi/aws", "version": "6.0.0", "pulumi": map[string]any{"resource": true}})
	// A policy pack's dependencies are its own.
	writeFile(t, filepath.Join(dir, "policy", "PulumiPolicy.yaml"), "runtime: nodejs\n")
	pkg(filepath.Join(dir, "policy", "node_modules", "@pulumi", "gcp"), map[string]any{
		"name": "@pulumi/gcp", "version": "9.0.0", "pulumi": map[string]any{"resource": true}})
	// A symlink loop must not hang the walk.
	if err := os.Symlink(nm, filepath.Join(nm, "some-lib", "loop")); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestFindPulumiPackages(t *testing.T) {
	got, problems := findPulumiPackages(fakeProgramTree(t))
	want := []pulumiPackage{
		{Name: "kubernetes", Version: "v4.25.0"},
		{Name: "random", Version: "v4.1.0", Server: "https://example.invalid"},
		{Name: "terraform-provider", Version: "v0.5.0",
			Parameterization: &parameterizationJSON{Name: "widgets", Version: "0.1.0", Value: []byte("{}")}},
	}
	if len(got) != len(want) {
		t.Fatalf("found %d packages, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i].key() != want[i].key() {
			t.Errorf("package %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	// The nameless third-party package and the broken package.json.
	if len(problems) != 2 {
		t.Errorf("problems = %v, want 2", problems)
	}
}

func TestGetRequiredPackagesAndPlugins(t *testing.T) {
	dir := fakeProgramTree(t)
	h := newLanguageHost("", "")
	info := &pulumirpc.ProgramInfo{RootDirectory: dir, ProgramDirectory: dir, EntryPoint: "."}
	pkgs, err := h.GetRequiredPackages(context.Background(), &pulumirpc.GetRequiredPackagesRequest{Info: info})
	if err != nil {
		t.Fatal(err)
	}
	if len(pkgs.Packages) != 3 || pkgs.Packages[0].Name != "kubernetes" || pkgs.Packages[0].Kind != "resource" ||
		pkgs.Packages[2].Parameterization.GetName() != "widgets" {
		t.Errorf("GetRequiredPackages = %v", pkgs.Packages)
	}
	plugins, err := h.GetRequiredPlugins(context.Background(), &pulumirpc.GetRequiredPluginsRequest{Info: info})
	if err != nil {
		t.Fatal(err)
	}
	if len(plugins.Plugins) != 3 || plugins.Plugins[0].Version != "v4.25.0" {
		t.Errorf("GetRequiredPlugins = %v", plugins.Plugins)
	}
}

func TestGetProgramDependencies(t *testing.T) {
	dir := fakeProgramTree(t)
	writeJSON(t, filepath.Join(dir, "package.json"), map[string]any{
		"name":            "program",
		"dependencies":    map[string]string{"@pulumi/kubernetes": "^4", "not-installed": "^1"},
		"devDependencies": map[string]string{"some-lib": "^1"},
	})
	h := newLanguageHost("", "")
	info := &pulumirpc.ProgramInfo{RootDirectory: dir, ProgramDirectory: dir, EntryPoint: "."}
	direct, err := h.GetProgramDependencies(context.Background(), &pulumirpc.GetProgramDependenciesRequest{Info: info})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"@pulumi/kubernetes@4.25.0", "not-installed@^1", "some-lib@1.0.0"}
	if got := dependencyStrings(direct.Dependencies); !equalStrings(got, want) {
		t.Errorf("direct dependencies = %q, want %q", got, want)
	}
	all, err := h.GetProgramDependencies(context.Background(),
		&pulumirpc.GetProgramDependenciesRequest{Info: info, TransitiveDependencies: true})
	if err != nil {
		t.Fatal(err)
	}
	want = []string{"@acme/widgets@0.1.0", "@pulumi/kubernetes@4.25.0", "@pulumi/pulumi@3.259.0",
		"@pulumi/random@v4.1.0", "nameless@1.0.0", "not-a-provider@1.0.0", "some-lib@1.0.0"}
	if got := dependencyStrings(all.Dependencies); !equalStrings(got, want) {
		t.Errorf("all dependencies = %q, want %q", got, want)
	}
}

func dependencyStrings(deps []*pulumirpc.DependencyInfo) []string {
	var s []string
	for _, d := range deps {
		s = append(s, d.Name+"@"+d.Version)
	}
	return s
}
