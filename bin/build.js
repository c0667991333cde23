// Builds the switchyard command into dist/: one bundle of cli/main.ts and
// the project code it imports (the model, the sandbox, the policy pack's pure
// rules), beside a list of every source file it was built from with its size
// and modification time. bin/switchyard.js rebuilds when any of them changed,
// so the command never runs stale code. Packages that are slow to load and
// loaded only by some commands (the Automation API, the Kubernetes client
// library, esbuild for the dashboard page) stay outside the bundle and are
// required when a command needs them.
const fs = require("node:fs");
const path = require("node:path");

const PROJECT = path.join(__dirname, "..");

/** Where the bundle of the project at `root` and the list of its sources live. */
function outputs(root = PROJECT) {
  const dist = path.join(root, "dist");
  return { dist, bundle: path.join(dist, "switchyard.js"), sources: path.join(dist, "switchyard.sources.json") };
}

/** True when every source the bundle was built from is still as it was then. */
function isFresh(root = PROJECT) {
  const { bundle, sources } = outputs(root);
  let recorded;
  try {
    recorded = JSON.parse(fs.readFileSync(sources, "utf8"));
    fs.accessSync(bundle);
  } catch {
    return false;
  }
  return Object.entries(recorded).every(([file, [size, mtimeMs]]) => {
    try {
      const stat = fs.statSync(path.join(root, file));
      return stat.size === size && stat.mtimeMs === mtimeMs;
    } catch {
      return false;
    }
  });
}

function build(root = PROJECT) {
  const esbuild = require("esbuild");
  const { dist, bundle, sources } = outputs(root);
  fs.mkdirSync(dist, { recursive: true });
  // Written beside the final files and renamed over them: two commands rebuilding at once never see half a bundle.
  const suffix = `.${process.pid}`;
  const result = esbuild.buildSync({
    entryPoints: [path.join(root, "cli", "main.ts")],
    outfile: bundle + suffix,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    external: ["@pulumi/*", "@kubernetes/client-node", "esbuild"],
    metafile: true,
    logLevel: "warning",
    absWorkingDir: root,
  });
  const files = Object.keys(result.metafile.inputs).filter((file) => !file.split("/").includes("node_modules"));
  const described = Object.fromEntries(
    files.map((file) => {
      const stat = fs.statSync(path.join(root, file));
      return [file, [stat.size, stat.mtimeMs]];
    }),
  );
  fs.writeFileSync(sources + suffix, JSON.stringify(described));
  fs.renameSync(bundle + suffix, bundle);
  fs.renameSync(sources + suffix, sources);
}

module.exports = { outputs, build, isFresh };

if (require.main === module) build();
