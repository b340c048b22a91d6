// Bundles each entrypoint into one self-contained ESM file under dist/, so a
// runner executes `node dist/<entry>.js` with no npm install and no network.
import { build } from "esbuild";
import { rm } from "node:fs/promises";

export const ENTRYPOINTS = ["prepare", "finish", "gitea-mcp", "progress-mcp"];

await rm("dist", { recursive: true, force: true });
await build({
  entryPoints: Object.fromEntries(ENTRYPOINTS.map((name) => [name, `src/entrypoints/${name}.ts`])),
  outdir: "dist",
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  // Some bundled CommonJS dependencies call require() for Node built-ins.
  banner: { js: 'import { createRequire as __createRequire } from "node:module";\nconst require = __createRequire(import.meta.url);' },
  legalComments: "eof",
  // Smaller files parse faster (cold start); identifiers stay readable in stack traces.
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: "warning",
});
