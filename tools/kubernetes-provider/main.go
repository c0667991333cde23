// Command pulumi-resource-kubernetes serves the Pulumi Kubernetes provider of
// release v4.25.0. Upstream's main embeds files that are generated in its own
// repository and are not part of the published module, so this wrapper embeds
// the ones `go run ./gen` writes into generated/ at build time instead.
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

//go:embed generated/schema.json
var packageSchema []byte

//go:embed generated/terraform-mapping.json
var terraformMapping []byte

func main() {
	provider.Serve("kubernetes", version.Version, packageSchema, terraformMapping)
}
