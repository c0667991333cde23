// Command gen writes the provider's schema (stamped with the release version)
// and its terraform mapping into generated/, from the files that ship inside
// the provider module. Nothing it writes is committed.
//
// Usage: go run ./gen -module-dir DIR -version 4.25.0 -out generated
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

func main() {
	moduleDir := flag.String("module-dir", "", "directory of github.com/pulumi/pulumi-kubernetes/provider/v4 in the module cache")
	version := flag.String("version", "", "provider release version to stamp into the schema, e.g. 4.25.0")
	outDir := flag.String("out", "generated", "directory to write schema.json and terraform-mapping.json into")
	flag.Parse()
	if *moduleDir == "" || *version == "" {
		fmt.Fprintln(os.Stderr, "gen: -module-dir and -version are required")
		os.Exit(2)
	}
	if err := generate(*moduleDir, *version, *outDir); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func generate(moduleDir, version, outDir string) error {
	sourceDir := filepath.Join(moduleDir, "cmd", "pulumi-resource-kubernetes")
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}

	var spec schema.PackageSpec
	if err := readJSON(filepath.Join(sourceDir, "schema.json"), &spec); err != nil {
		return err
	}
	spec.Version = version
	if err := writeJSON(filepath.Join(outDir, "schema.json"), spec); err != nil {
		return err
	}

	var mapping any
	if err := readJSON(filepath.Join(sourceDir, "terraform-mapping.json"), &mapping); err != nil {
		return err
	}
	return writeJSON(filepath.Join(outDir, "terraform-mapping.json"), mapping)
}

func readJSON(path string, into any) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(raw, into); err != nil {
		return fmt.Errorf("parsing %s: %w", path, err)
	}
	return nil
}

func writeJSON(path string, value any) error {
	raw, err := json.Marshal(value)
	if err != nil {
		return err
	}
	return os.WriteFile(path, raw, 0o644)
}
