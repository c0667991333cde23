// Package istiocrds only pins istio.io/api; the cluster scripts read its CRD file from the module cache.
package istiocrds

import _ "istio.io/api/networking/v1"
