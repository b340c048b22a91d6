/**
 * The settings validator of the pinned Claude Code CLI, as an oracle for
 * tests and for scripts/settings-schema.ts: @anthropic-ai/claude-agent-sdk's
 * resolveSettings() runs the CLI's own settings engine without spawning the
 * CLI (the SDK is the build of the pinned CLI: its manifest.json names the
 * version). The settings are written as the user settings file
 * (~/.claude/settings.json, where the base action puts the `settings` input),
 * in a throw-away CLAUDE_CONFIG_DIR.
 *
 * `loaded`: the CLI keeps the file (print mode silently drops a file that
 * fails validation, with everything in it). `unchanged`: it also keeps every
 * value as written (it strips some unknown nested keys, renames aliases,
 * turns env numbers into strings, filters permission rules it cannot parse).
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";

export type OracleVerdict = { loaded: boolean; unchanged: boolean; effective: Record<string, unknown> };
export type SettingsOracle = { judge(settings: unknown): Promise<OracleVerdict>; close(): Promise<void> };

export async function settingsOracle(): Promise<SettingsOracle> {
  const dir = await mkdtemp(join(tmpdir(), "ccga-settings-oracle-"));
  const previous = process.env.CLAUDE_CONFIG_DIR;
  process.env.CLAUDE_CONFIG_DIR = join(dir, "config");
  const { mkdir } = await import("node:fs/promises");
  await mkdir(join(dir, "config"));
  await mkdir(join(dir, "project"));
  const { resolveSettings } = await import("@anthropic-ai/claude-agent-sdk");
  return {
    async judge(settings) {
      await writeFile(join(dir, "config", "settings.json"), JSON.stringify(settings));
      const r = await resolveSettings({ cwd: join(dir, "project"), settingSources: ["user"] });
      const source = r.sources.find((s) => s.source === "user");
      const effective = (source?.settings ?? {}) as Record<string, unknown>;
      return { loaded: Boolean(source), unchanged: Boolean(source) && isDeepStrictEqual(effective, settings), effective };
    },
    async close() {
      if (previous === undefined) delete process.env.CLAUDE_CONFIG_DIR;
      else process.env.CLAUDE_CONFIG_DIR = previous;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** JSON values of every kind, for probing what a key accepts. */
export const PROBE_VALUES: readonly unknown[] = ["x", "", 1, 0, -1, 0.5, 1.5, 2, 100, 100000, true, false, null, [], {}, ["x"], [1], { a: "b" }];

/** `{a: {b: v}}` for the path ["a", "b"]. */
export function nest(path: readonly string[], value: unknown): Record<string, unknown> {
  return path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value) as Record<string, unknown>;
}

/** Paths to every property declared in the schema, to `depth` levels (objects with `properties` only). */
export function schemaPaths(schema: { properties?: Record<string, unknown> }, depth: number): string[][] {
  const out: string[][] = [];
  const walk = (node: unknown, path: string[]) => {
    const props = (node as { properties?: Record<string, unknown> })?.properties;
    if (!props || path.length >= depth) return;
    for (const [k, v] of Object.entries(props)) {
      out.push([...path, k]);
      walk(v, [...path, k]);
    }
  };
  walk(schema, []);
  return out;
}
