// The Pulumi program as Pulumi runs it (package.json `main`): the bundle
// bin/build.js makes of index.ts, rebuilt first when any source it was made
// from has changed, so a `pulumi up` run by hand always runs the current
// sources. A bundle loads in a fraction of the time ts-node takes to start
// and transpile them (docs/decisions.md).
module.exports = require(require("./build").freshBundle(undefined, "program"));
