#!/usr/bin/env node
// The switchyard command: the bundle bin/build.js makes of cli/main.ts,
// rebuilt first when any source it was made from has changed (npm ci builds
// it; the check costs a stat per source file).
require(require("./build").freshBundle())
  .main(process.argv)
  .then((code) => {
    process.exitCode = code;
  });
