// Bundles each entrypoint into one self-contained ESM file under dist/, so a
// runner executes `node dist/<entry>.js` with no npm install and no network.
// Files are built into a scratch directory and renamed into place, so a test
// running dist/ never sees a half-written or missing bundle.
import { build } from "esbuild";
import { mkdir, mkdtemp, readdir, rename, rm } from "node:fs/promises";

export const ENTRYPOINTS = ["prepare", "finish", "gitea-mcp", "progress-mcp"];

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
