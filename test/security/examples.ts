/**
 * The tool sets the example workflows give this action (`allowed_tools`,
 * `disallowed_tools`), read from examples/ so that a new example, or a
 * widened one, is attacked too.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { ROOT } from "../support/repo";

export type ToolSet = { name: string; allowed: string; disallowed: string };

function workflowFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return workflowFiles(p);
    return /\.ya?ml$/.test(e.name) ? [p] : [];
  });
}

/** Distinct (allowed, disallowed) pairs of the examples' steps that use this action, other than the defaults. */
export function exampleToolSets(): ToolSet[] {
  const seen = new Map<string, ToolSet>();
  for (const file of workflowFiles(path.join(ROOT, "examples"))) {
    const doc = parse(readFileSync(file, "utf8")) as { jobs?: Record<string, { steps?: Array<{ uses?: string; with?: Record<string, unknown> }> }> };
    for (const job of Object.values(doc?.jobs ?? {})) {
      for (const s of job.steps ?? []) {
        if (!s.uses || !/claude-code-gitea-action/.test(s.uses)) continue;
        const allowed = String(s.with?.allowed_tools ?? "").trim();
        const disallowed = String(s.with?.disallowed_tools ?? "").trim();
        if (!allowed && !disallowed) continue;
        const key = `${allowed}\n${disallowed}`;
        if (!seen.has(key)) seen.set(key, { name: `${path.relative(ROOT, file)}'s tools`, allowed, disallowed });
      }
    }
  }
  return [...seen.values()];
}
