// Pins sigs.k8s.io/gateway-api, whose config/crd/standard manifests the local
// cluster applies so the API server validates our HTTPRoutes against the
// Gateway API's real schema. Nothing here is built.
module switchyard.local/tools/gateway-api-crds

go 1.26

require sigs.k8s.io/gateway-api v1.6.3
