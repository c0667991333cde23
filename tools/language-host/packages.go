package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// pulumiPackage is a resource plugin an npm package declares it needs.
type pulumiPackage struct {
	Name             string
	Version          string
	Server           string
	Parameterization *parameterizationJSON
	Extension        *parameterizationJSON
}

// packageJSON is the part of a package.json we read.
type packageJSON struct {
	Name            string            `json:"name"`
	Version         string            `json:"version"`
	Pulumi          *pulumiBlockJSON  `json:"pulumi"`
	Dependencies    map[string]string `json:"dependencies"`
	DevDependencies map[string]string `json:"devDependencies"`
}

// pulumiBlockJSON is the "pulumi" section of a provider SDK's package.json,
// e.g. {"resource": true, "name": "kubernetes", "version": "4.25.0"}.
type pulumiBlockJSON struct {
	Resource                  bool                  `json:"resource"`
	Name                      string                `json:"name"`
	Version                   string                `json:"version"`
	Server                    string                `json:"server"`
	Parameterization          *parameterizationJSON `json:"parameterization"`
	ExtensionParameterization *parameterizationJSON `json:"extensionParameterization"`
}

type parameterizationJSON struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Value   []byte `json:"value"` // base64 in JSON, as upstream writes it
}

// policyPackFiles mark a policy pack directory. Its dependencies are the
// pack's, not the program's, so the walk does not enter it.
var policyPackFiles = []string{"PulumiPolicy.yaml", "PulumiPolicy.yml", "PulumiPolicy.json"}

// findPulumiPackages walks programDir for package.json files below any
// node_modules directory (nested and scoped ones included) and returns the
// resource plugins they declare, deduplicated and sorted. Unreadable
// entries are reported in problems but do not stop the walk: one broken
// package must not hide every other plugin.
func findPulumiPackages(programDir string) (packages []pulumiPackage, problems []error) {
	w := &packageWalk{visited: map[string]bool{}, seen: map[string]bool{}}
	w.walk(programDir, false)
	sort.Slice(w.found, func(i, j int) bool {
		a, b := w.found[i], w.found[j]
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.Version < b.Version
	})
	return w.found, w.problems
}

type packageWalk struct {
	visited  map[string]bool // real directory paths, so symlink loops end
	seen     map[string]bool // dedupe keys of packages already found
	found    []pulumiPackage
	problems []error
}

func (w *packageWalk) walk(dir string, inNodeModules bool) {
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		w.problems = append(w.problems, err)
		return
	}
	if w.visited[real] {
		return
	}
	w.visited[real] = true
	entries, err := os.ReadDir(dir)
	if err != nil {
		w.problems = append(w.problems, err)
		return
	}
	below := inNodeModules || filepath.Base(dir) == "node_modules"
	for _, entry := range entries {
		path := filepath.Join(dir, entry.Name())
		switch {
		case isDirectory(path) && !skipDirectory(entry.Name(), path):
			w.walk(path, below)
		case below && entry.Name() == "package.json":
			w.readPackage(path)
		}
	}
}

// isDirectory follows symlinks, as npm links packages that way.
func isDirectory(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.IsDir()
}

func skipDirectory(name, path string) bool {
	if name == ".git" {
		return true
	}
	for _, f := range policyPackFiles {
		if _, err := os.Stat(filepath.Join(path, f)); err == nil {
			return true
		}
	}
	return false
}

func (w *packageWalk) readPackage(path string) {
	b, err := os.ReadFile(path)
	if err != nil {
		w.problems = append(w.problems, err)
		return
	}
	var info packageJSON
	if err := json.Unmarshal(b, &info); err != nil {
		w.problems = append(w.problems, fmt.Errorf("%s: %w", path, err))
		return
	}
	pkg, ok, err := pulumiPackageOf(info)
	if err != nil {
		w.problems = append(w.problems, fmt.Errorf("%s: %w", path, err))
		return
	}
	if key := pkg.key(); ok && !w.seen[key] {
		w.seen[key] = true
		w.found = append(w.found, pkg)
	}
}

// pulumiPackageOf reads the plugin a package.json declares, if any.
func pulumiPackageOf(info packageJSON) (pulumiPackage, bool, error) {
	if info.Pulumi == nil || !info.Pulumi.Resource {
		return pulumiPackage{}, false, nil
	}
	name, err := pluginName(info)
	if err != nil {
		return pulumiPackage{}, false, err
	}
	version := info.Pulumi.Version
	if version == "" {
		version = info.Version
	}
	if version == "" {
		return pulumiPackage{}, false, errors.New(`missing expected "version" property`)
	}
	return pulumiPackage{
		Name:             name,
		Version:          withVPrefix(version),
		Server:           info.Pulumi.Server,
		Parameterization: info.Pulumi.Parameterization,
		Extension:        info.Pulumi.ExtensionParameterization,
	}, true, nil
}

// pluginName: an explicit pulumi.name wins; `@pulumi/<name>` packages imply
// <name>; third-party packages must say (as upstream requires).
func pluginName(info packageJSON) (string, error) {
	if info.Pulumi.Name != "" {
		return info.Pulumi.Name, nil
	}
	if name, ok := strings.CutPrefix(info.Name, "@pulumi/"); ok && name != "" {
		return name, nil
	}
	return "", fmt.Errorf("package %q declares a resource plugin but no \"name\" in its \"pulumi\" section", info.Name)
}

// withVPrefix matches upstream, which reports plugin versions as "v1.2.3";
// the engine parses either form.
func withVPrefix(version string) string {
	if strings.HasPrefix(version, "v") {
		return version
	}
	return "v" + version
}

func (p pulumiPackage) key() string {
	parts := []string{p.Name, p.Version, p.Server}
	for _, param := range []*parameterizationJSON{p.Parameterization, p.Extension} {
		if param == nil {
			parts = append(parts, "-")
			continue
		}
		parts = append(parts, param.Name, param.Version, string(param.Value))
	}
	return strings.Join(parts, "\x00")
}
