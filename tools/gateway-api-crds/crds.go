// Package gatewayapicrds only pins sigs.k8s.io/gateway-api; the cluster scripts read its config/crd/standard manifests from the module cache.
package gatewayapicrds
