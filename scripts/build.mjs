// Bundles each entrypoint into one self-contained ESM file under dist/, so a
// runner executes `node dist/<entry>.js` with no npm install and no network.
// Files are built into a scratch directory and renamed into place, so a test
// running dist/ never sees a half-written or missing bundle.
import { build } from "esbuild";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, readdir, rename, rm, writeFile } from "node:fs/promises";

export const ENTRYPOINTS = ["prepare", "finish", "broker", "git-guard", "claude-launcher"];

const scratch = await mkdtemp(".dist-build-");
try {
  await build({
    entryPoints: Object.fromEntries(ENTRYPOINTS.map((name) => [name, `src/entrypoints/${name}.ts`])),
    outdir: scratch,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    // Some bundled CommonJS dependencies call require() for Node built-ins.
    banner: { js: 'import { createRequire as __createRequire } from "node:module";\nconst require = __createRequire(import.meta.url);' },
    // Smaller files parse faster (cold start); identifiers stay readable in stack traces.
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: "eof",
    logLevel: "warning",
  });
  await mkdir("dist", { recursive: true });
  const built = new Set(await readdir(scratch));
  for (const file of built) await rename(`${scratch}/${file}`, `dist/${file}`);
  for (const file of await readdir("dist")) if (!built.has(file)) await rm(`dist/${file}`, { recursive: true, force: true });
} finally {
  await rm(scratch, { recursive: true, force: true });
}

// action.yml runs only the bundles this build produced: their SHA-256 sits in its run: lines
// ("<entry>.js <sha256>"), which the runner reads before any step (and so before Claude) runs.
const sums = Object.fromEntries(
  await Promise.all(ENTRYPOINTS.map(async (name) => [`${name}.js`, createHash("sha256").update(await readFile(`dist/${name}.js`)).digest("hex")])),
);
const actionYml = await readFile("action.yml", "utf8");
const pinned = actionYml.replace(/\b([a-z-]+\.js) ([0-9a-f]{64}|0)\b/g, (whole, file) => (sums[file] ? `${file} ${sums[file]}` : whole));
if (pinned !== actionYml) await writeFile("action.yml", pinned);
