// Builds the switchyard command into dist/: one bundle of cli/main.ts and
// the project code it imports (the model, the sandbox, the policy pack's pure
// rules), beside a list of every source file it was built from with its size
// and modification time. bin/switchyard.js rebuilds when any of them changed,
// so the command never runs stale code. Packages that are slow to load and
// loaded only by some commands (the Automation API, the Kubernetes client
// library) stay outside the bundle and are required when a command needs them.
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.join(__dirname, "..");
const DIST = path.join(ROOT, "dist");
const BUNDLE = path.join(DIST, "switchyard.js");
const SOURCES = path.join(DIST, "switchyard.sources.json");

/** { "cli/main.ts": [size, mtimeMs], ... } for the files the bundle holds. */
function describeSources(files) {
  return Object.fromEntries(
    files.map((file) => {
      const stat = fs.statSync(path.join(ROOT, file));
      return [file, [stat.size, stat.mtimeMs]];
    }),
  );
}

/** True when every source the bundle was built from is still as it was then. */
function isFresh() {
  let recorded;
  try {
    recorded = JSON.parse(fs.readFileSync(SOURCES, "utf8"));
    fs.accessSync(BUNDLE);
  } catch {
    return false;
  }
  for (const [file, [size, mtimeMs]] of Object.entries(recorded)) {
    let stat;
    try {
      stat = fs.statSync(path.join(ROOT, file));
    } catch {
      return false;
    }
    if (stat.size !== size || stat.mtimeMs !== mtimeMs) return false;
  }
  return true;
}

function build() {
  const esbuild = require("esbuild");
  fs.mkdirSync(DIST, { recursive: true });
  // Written beside the final files and renamed over them: two commands rebuilding at once never see half a bundle.
  const temporary = `${BUNDLE}.${process.pid}`;
  const result = esbuild.buildSync({
    entryPoints: [path.join(ROOT, "cli", "main.ts")],
    outfile: temporary,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    external: ["@pulumi/*", "@kubernetes/client-node"],
    metafile: true,
    logLevel: "warning",
    absWorkingDir: ROOT,
  });
  const sources = Object.keys(result.metafile.inputs).filter((file) => !file.startsWith("node_modules/") && !file.includes("/node_modules/"));
  fs.writeFileSync(`${SOURCES}.${process.pid}`, JSON.stringify(describeSources(sources)));
  fs.renameSync(temporary, BUNDLE);
  fs.renameSync(`${SOURCES}.${process.pid}`, SOURCES);
}

module.exports = { BUNDLE, build, isFresh };

if (require.main === module) build();
