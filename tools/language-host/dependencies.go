package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// GetRequiredPackages lets the engine install provider plugins before the
// program runs (e.g. @pulumi/kubernetes declares the `kubernetes` plugin).
func (h *languageHost) GetRequiredPackages(
	ctx context.Context, req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	packages := h.requiredPackages(req.GetInfo().GetProgramDirectory())
	resp := &pulumirpc.GetRequiredPackagesResponse{}
	for _, p := range packages {
		resp.Packages = append(resp.Packages, &pulumirpc.PackageDependency{
			Name:             p.Name,
			Kind:             "resource",
			Version:          p.Version,
			Server:           p.Server,
			Parameterization: parameterizationOf(p.Parameterization),
			Extension:        parameterizationOf(p.Extension),
		})
	}
	return resp, nil
}

// GetRequiredPlugins is the older form of GetRequiredPackages, which some
// engine paths still fall back to.
func (h *languageHost) GetRequiredPlugins(
	ctx context.Context, req *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	dir := req.GetInfo().GetProgramDirectory()
	if dir == "" {
		dir = req.GetProgram()
	}
	resp := &pulumirpc.GetRequiredPluginsResponse{}
	seen := map[string]bool{}
	for _, p := range h.requiredPackages(dir) {
		// Several parameterized packages may share one plugin.
		if key := p.Name + "@" + p.Version + "@" + p.Server; !seen[key] {
			seen[key] = true
			resp.Plugins = append(resp.Plugins, &pulumirpc.PluginDependency{
				Name: p.Name, Kind: "resource", Version: p.Version, Server: p.Server,
			})
		}
	}
	return resp, nil
}

// requiredPackages logs, rather than returns, walk problems, as upstream's
// host does: the engine can still install plugins on demand later.
func (h *languageHost) requiredPackages(dir string) []pulumiPackage {
	packages, problems := findPulumiPackages(dir)
	for _, err := range problems {
		logging.V(3).Infof("while looking for plugins in %s: %v", dir, err)
	}
	return packages
}

func parameterizationOf(p *parameterizationJSON) *pulumirpc.PackageParameterization {
	if p == nil {
		return nil
	}
	return &pulumirpc.PackageParameterization{Name: p.Name, Version: p.Version, Value: p.Value}
}

// GetProgramDependencies lists npm packages for `pulumi about`: the
// program's direct dependencies, or with TransitiveDependencies every
// package installed under node_modules.
func (h *languageHost) GetProgramDependencies(
	ctx context.Context, req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	dir := req.GetInfo().GetProgramDirectory()
	if dir == "" {
		dir = req.GetPwd()
	}
	var deps []*pulumirpc.DependencyInfo
	var err error
	if req.GetTransitiveDependencies() {
		deps, err = installedPackages(filepath.Join(dir, "node_modules"))
	} else {
		deps, err = directDependencies(dir)
	}
	if err != nil {
		return nil, err
	}
	return &pulumirpc.GetProgramDependenciesResponse{Dependencies: deps}, nil
}

// directDependencies reports each dependency in dir/package.json with the
// version actually installed, or the declared range if it is not installed.
func directDependencies(dir string) ([]*pulumirpc.DependencyInfo, error) {
	manifest, err := readPackageJSON(filepath.Join(dir, "package.json"))
	if err != nil {
		return nil, err
	}
	declared := map[string]string{}
	for name, spec := range manifest.DevDependencies {
		declared[name] = spec
	}
	for name, spec := range manifest.Dependencies {
		declared[name] = spec
	}
	var deps []*pulumirpc.DependencyInfo
	for name, spec := range declared {
		version := spec
		if installed, ok := installedVersion(dir, name); ok {
			version = installed
		}
		deps = append(deps, &pulumirpc.DependencyInfo{Name: name, Version: version})
	}
	sortDependencies(deps)
	return deps, nil
}

// installedVersion finds name the way node does: in node_modules of dir or
// of any parent (npm workspaces hoist packages upwards).
func installedVersion(dir, name string) (string, bool) {
	for {
		manifest, err := readPackageJSON(filepath.Join(dir, "node_modules", name, "package.json"))
		if err == nil {
			return manifest.Version, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

// installedPackages lists every package below nodeModules, including
// scoped (@scope/name) and nested (pkg/node_modules/...) ones.
func installedPackages(nodeModules string) ([]*pulumirpc.DependencyInfo, error) {
	if _, err := os.Stat(nodeModules); err != nil {
		return nil, fmt.Errorf("no installed packages at %s (run `npm ci` first): %w", nodeModules, err)
	}
	l := &packageLister{visited: map[string]bool{}, seen: map[string]bool{}}
	l.visit(nodeModules)
	sortDependencies(l.deps)
	return l.deps, nil
}

type packageLister struct {
	visited map[string]bool // real paths of node_modules folders, against link loops
	seen    map[string]bool // name@version already listed
	deps    []*pulumirpc.DependencyInfo
}

func (l *packageLister) visit(nodeModules string) {
	real, err := filepath.EvalSymlinks(nodeModules)
	if err != nil || l.visited[real] {
		return
	}
	l.visited[real] = true
	for _, pkgDir := range packageDirs(nodeModules) {
		manifest, err := readPackageJSON(filepath.Join(pkgDir, "package.json"))
		if err != nil {
			continue // not a package (e.g. .bin or a half-removed folder)
		}
		if key := manifest.Name + "@" + manifest.Version; manifest.Name != "" && !l.seen[key] {
			l.seen[key] = true
			l.deps = append(l.deps, &pulumirpc.DependencyInfo{Name: manifest.Name, Version: manifest.Version})
		}
		l.visit(filepath.Join(pkgDir, "node_modules"))
	}
}

// packageDirs lists the package folders directly inside a node_modules.
func packageDirs(nodeModules string) []string {
	entries, err := os.ReadDir(nodeModules)
	if err != nil {
		return nil
	}
	var dirs []string
	for _, e := range entries {
		path := filepath.Join(nodeModules, e.Name())
		if strings.HasPrefix(e.Name(), "@") {
			scoped, _ := os.ReadDir(path)
			for _, s := range scoped {
				dirs = append(dirs, filepath.Join(path, s.Name()))
			}
			continue
		}
		if !strings.HasPrefix(e.Name(), ".") {
			dirs = append(dirs, path)
		}
	}
	return dirs
}

func readPackageJSON(path string) (packageJSON, error) {
	var manifest packageJSON
	b, err := os.ReadFile(path)
	if err != nil {
		return manifest, err
	}
	if err := json.Unmarshal(b, &manifest); err != nil {
		return manifest, fmt.Errorf("%s: %w", path, err)
	}
	return manifest, nil
}

func sortDependencies(deps []*pulumirpc.DependencyInfo) {
	sort.Slice(deps, func(i, j int) bool {
		if deps[i].Name != deps[j].Name {
			return deps[i].Name < deps[j].Name
		}
		return deps[i].Version < deps[j].Version
	})
}
