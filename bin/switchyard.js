#!/usr/bin/env node
// The switchyard command. It runs the TypeScript sources through ts-node
// without type-checking (npm test type-checks them once with tsc).
const path = require("node:path");
require("ts-node").register({ transpileOnly: true, project: path.join(__dirname, "..", "tsconfig.json") });
require("../cli/main")
  .main(process.argv)
  .then((code) => {
    process.exitCode = code;
  });
