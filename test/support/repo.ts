/** Paths and parsed files of this repository, for tests. */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const SHARED = resolve(ROOT, "../shared");
export const fromRoot = (...parts: string[]) => join(ROOT, ...parts);
export const readRoot = (...parts: string[]) => readFileSync(fromRoot(...parts), "utf8");

export type ActionInput = { description?: string; required?: boolean; default?: string };
export type ActionStep = { id?: string; name?: string; if?: string; uses?: string; run?: string; shell?: string; with?: Record<string, string>; env?: Record<string, string> };
export type ActionYml = {
  name: string;
  description: string;
  inputs: Record<string, ActionInput>;
  outputs: Record<string, { description?: string; value: string }>;
  runs: { using: string; steps: ActionStep[] };
};

export const actionYmlText = () => readRoot("action.yml");
export const actionYml = (): ActionYml => parse(actionYmlText()) as ActionYml;

/** The `| Pin | Value |` table of PINS.md as a map (backticks removed). */
export function pinsTable(): Record<string, string> {
  const rows: Record<string, string> = {};
  for (const line of readRoot("PINS.md").split("\n")) {
    const m = /^\|\s*([^|]+?)\s*\|\s*([^|]+?)\s*\|\s*$/.exec(line);
    if (!m || m[1] === "Pin" || /^-+$/.test(m[1]!)) continue;
    rows[m[1]!.replace(/`/g, "")] = m[2]!.replace(/`/g, "");
  }
  return rows;
}
