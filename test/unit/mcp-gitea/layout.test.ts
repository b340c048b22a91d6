/** The gitea MCP server's layout rules: one file per tool, no prompt imports, nothing on stdout (the broker serves it over HTTP; its log is stderr). */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ALL_GITEA_TOOLS } from "../../../src/mcp/gitea/names";
import { GITEA_TOOL_DEFINITIONS } from "../../../src/mcp/gitea/tools/index";

const SRC = path.resolve(__dirname, "../../../src");
const read = (p: string) => readFileSync(path.join(SRC, p), "utf8");
const files = [
  ...readdirSync(path.join(SRC, "mcp/gitea")).filter((f) => f.endsWith(".ts")).map((f) => `mcp/gitea/${f}`),
  ...readdirSync(path.join(SRC, "mcp/gitea/tools")).filter((f) => f.endsWith(".ts")).map((f) => `mcp/gitea/tools/${f}`),
  "boundary/broker.ts",
];

describe("gitea MCP server layout", () => {
  it("never imports src/prompt and never writes to stdout", () => {
    for (const f of files) {
      const text = read(f);
      expect(text, f).not.toMatch(/from\s+"[./]*prompt/);
      expect(text, f).not.toMatch(/console\.|process\.stdout/);
    }
  });

  it("one file per tool, named after it", () => {
    const toolFiles = readdirSync(path.join(SRC, "mcp/gitea/tools")).filter((f) => f !== "index.ts").map((f) => f.replace(/\.ts$/, "").replace(/-/g, "_")).sort();
    expect(toolFiles).toEqual([...ALL_GITEA_TOOLS].sort());
    expect(GITEA_TOOL_DEFINITIONS.map((t) => t.name).sort()).toEqual([...ALL_GITEA_TOOLS].sort());
  });

  it("git runs with argv arrays through the shared async runner, never a shell", () => {
    for (const f of files) expect(read(f), f).not.toMatch(/execSync|spawnSync|shell:\s*true|child_process/);
  });
});
