/**
 * Published versions of the Claude Code CLI, and a local install of one, for
 * the scripts that try older CLIs (cli-minimum.ts, cli-features.ts). Both
 * need the npm registry.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

/** Orders x.y.z versions. */
export const cmp = (a: string, b: string): number => {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
};

/** Every released (x.y.z) version on npm, oldest first. */
export function npmVersions(): string[] {
  const out = execFileSync("npm", ["view", "@anthropic-ai/claude-code", "versions", "--json"], { encoding: "utf8" });
  return (JSON.parse(out) as string[]).filter((v) => /^\d+\.\d+\.\d+$/.test(v)).sort(cmp);
}

/** Installs one version under `dir` (once) and returns its `claude`. */
export function install(dir: string, version: string): string {
  const prefix = join(dir, version);
  const bin = join(prefix, "node_modules", ".bin", "claude");
  if (!existsSync(bin)) {
    execFileSync("npm", ["install", "--no-save", "--no-audit", "--no-fund", "--prefix", prefix, `@anthropic-ai/claude-code@${version}`], {
      stdio: ["ignore", "ignore", "inherit"],
    });
  }
  return bin;
}
