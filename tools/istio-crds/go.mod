// Pins istio.io/api, whose kubernetes/customresourcedefinitions.gen.yaml the
// local cluster applies so the API server validates our Istio objects against
// Istio's real schema. Nothing here is built.
module switchyard.local/tools/istio-crds

go 1.26

require istio.io/api v1.30.3

require (
	github.com/golang/protobuf v1.5.4 // indirect
	google.golang.org/genproto/googleapis/api v0.0.0-20251213004720-97cd9d5aeac2 // indirect
	google.golang.org/protobuf v1.36.11 // indirect
)
