// Builds the project's two entry points into dist/, each as one bundle beside
// a list of every source file it was built from with its size and
// modification time:
// - the switchyard command (cli/main.ts): bin/switchyard.js runs it;
// - the Pulumi program (index.ts): bin/program.js is Pulumi.yaml's `main`.
// Each launcher rebuilds its bundle when any listed source changed, so
// neither the command nor a `pulumi up` run by hand can run stale code.
// Packages stay outside the bundles: the program must share the Pulumi SDK
// instance its runtime loaded, and the command loads the slow ones (the
// Automation API, the Kubernetes client library, esbuild for the dashboard
// page) only when a verb needs them.
const fs = require("node:fs");
const path = require("node:path");

const PROJECT = path.join(__dirname, "..");

/** What each bundle is built from, and what stays outside it. */
const TARGETS = {
  command: { entry: ["cli", "main.ts"], name: "switchyard", external: ["@pulumi/*", "@kubernetes/client-node", "esbuild"] },
  program: { entry: ["index.ts"], name: "program", external: ["@pulumi/*"] },
};

/** Where the bundle of `target` of the project at `root` and the list of its sources live. */
function outputs(root = PROJECT, target = "command") {
  const dist = path.join(root, "dist");
  const name = TARGETS[target].name;
  return { dist, bundle: path.join(dist, `${name}.js`), sources: path.join(dist, `${name}.sources.json`) };
}

/** True when every source the bundle was built from is still as it was then. */
function isFresh(root = PROJECT, target = "command") {
  const { bundle, sources } = outputs(root, target);
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

function build(root = PROJECT, target = "command") {
  const esbuild = require("esbuild");
  const { dist, bundle, sources } = outputs(root, target);
  fs.mkdirSync(dist, { recursive: true });
  // Written beside the final files and renamed over them: two processes rebuilding at once never see half a bundle.
  const suffix = `.${process.pid}`;
  const result = esbuild.buildSync({
    entryPoints: [path.join(root, ...TARGETS[target].entry)],
    outfile: bundle + suffix,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    external: TARGETS[target].external,
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

/** The bundle of `target`, rebuilt first if it is stale: what the launchers require. */
function freshBundle(root = PROJECT, target = "command") {
  if (!isFresh(root, target)) build(root, target);
  return outputs(root, target).bundle;
}

module.exports = { outputs, build, isFresh, freshBundle };

if (require.main === module) for (const target of Object.keys(TARGETS)) build(PROJECT, target);
