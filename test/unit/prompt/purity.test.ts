/** src/prompt is pure: data in, text out. No I/O, no client, no environment. */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const DIR = path.resolve(__dirname, "../../../src/prompt");
const files = readdirSync(DIR).filter((f) => f.endsWith(".ts"));

/** Modules outside src/prompt the builders may use: types, pure helpers and the tool names. */
const ALLOWED = new Set(["../gitea/data", "../gitea/links", "../gitea/media", "../text/sanitize", "../mcp/gitea/names"]);

describe("src/prompt purity", () => {
  for (const file of files) {
    it(file, () => {
      const text = readFileSync(path.join(DIR, file), "utf8");
      const imports = [...text.matchAll(/^(?:import|export)[^;]*?from\s+"([^"]+)"/gm)].map((m) => m[1]!);
      const outside = imports.filter((m) => !m.startsWith("./"));
      for (const m of outside) expect(ALLOWED, `${file} imports ${m}`).toContain(m);
      // data.ts reads from Gitea: only its types may be imported.
      expect(text).not.toMatch(/^import\s+\{[^}]*\}\s+from\s+"\.\.\/gitea\/data"/m);
      expect(text).not.toMatch(/process\.|console\.|node:/);
    });
  }
});
