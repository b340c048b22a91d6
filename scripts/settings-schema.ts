/**
 * Generates src/claude/settings-schema.json: the JSON Schema of Claude Code's
 * settings for the CLI version pinned in PINS.md, so prepare can refuse a
 * `settings` input (or a `--settings` in claude_args) that the CLI would
 * silently drop (print mode ignores a settings file that fails validation,
 * with everything in it: env, permission rules, hooks).
 *
 * Source: the `Settings` interface that @anthropic-ai/claude-agent-sdk ships
 * in sdk.d.ts, which the SDK states is generated from the CLI's settings JSON
 * schema. The SDK is taken at the build of the pinned CLI (its manifest.json
 * names the CLI version; this script refuses any other). The interface is
 * converted to a JSON Schema (draft-07) with ts-json-schema-generator; every
 * object keeps unknown keys (the CLI does); then the constraints the types do
 * not carry are added where probing the SDK's own validator (resolveSettings,
 * the CLI's merge engine) showed the CLI refuses a value the types allow (see
 * REFINEMENTS). test/unit/claude/settings-schema.test.ts checks the result
 * against that validator and against the real CLI binary.
 *
 *   npm run settings-schema            # rewrite src/claude/settings-schema.json
 *   npm run settings-schema -- --check # exit 1 when it is stale
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGenerator } from "ts-json-schema-generator";
import { PINS } from "../src/pins";

const ROOT = join(import.meta.dirname, "..");
const SDK = join(ROOT, "node_modules", "@anthropic-ai", "claude-agent-sdk");
export const SCHEMA_FILE = join(ROOT, "src", "claude", "settings-schema.json");

type Json = Record<string, unknown>;

/**
 * Constraints of the CLI's validator that the TypeScript types cannot say,
 * found by probing resolveSettings with boundary values (a value the types
 * allow but the CLI refuses). Keyed by JSON pointer into `properties`.
 */
export const REFINEMENTS: Record<string, Json> = {
  "/cleanupPeriodDays": { type: "integer", minimum: 1 },
  "/desktopSessionCleanupPeriodDays": { type: "integer", minimum: 0 },
  "/skillListingMaxDescChars": { type: "integer", minimum: 1 },
  "/skillListingBudgetFraction": { exclusiveMinimum: 0, maximum: 1 },
  "/feedbackSurveyRate": { minimum: 0, maximum: 1 },
  // Accepted in any form (the types say unknown[], the validator takes anything).
  "/sshHostCommands": { type: undefined, items: undefined },
};

/**
 * Keys honored only in managed (policy) settings: in a user settings file or
 * --settings the CLI skips them ("only honored from managed settings and was
 * ignored here"; the SDK's engine drops the whole file), whatever their value.
 */
export const MANAGED_ONLY = ["deniedModels", "attributionProjectPolicy", "managedMcpServers"] as const;

/** The `Settings` interface of sdk.d.ts, as text. */
export function settingsSource(): { text: string; sdkVersion: string; cliVersion: string } {
  const dts = readFileSync(join(SDK, "sdk.d.ts"), "utf8").replace(/\r\n/g, "\n");
  const start = dts.indexOf("export declare interface Settings {");
  if (start === -1) throw new Error("sdk.d.ts has no `export declare interface Settings`");
  // The interface ends at the first line that is exactly "}" after it.
  const end = dts.indexOf("\n}\n", start);
  const text = dts.slice(start, end + 2).replace("export declare interface Settings", "export interface Settings");
  const sdkVersion = (JSON.parse(readFileSync(join(SDK, "package.json"), "utf8")) as { version: string }).version;
  const cliVersion = (JSON.parse(readFileSync(join(SDK, "manifest.json"), "utf8")) as { version: string }).version;
  return { text, sdkVersion, cliVersion };
}

export const sourceHash = (text: string) => createHash("sha256").update(text).digest("hex");

function refine(schema: Json, hookEvents: readonly string[]): void {
  const props = schema.properties as Record<string, Json | boolean>;
  for (const [pointer, extra] of Object.entries(REFINEMENTS)) {
    const key = pointer.slice(1);
    if (!props[key]) throw new Error(`REFINEMENTS names ${pointer}, which the schema does not have`);
    const merged: Json = { ...(props[key] as Json), ...extra };
    for (const [k, v] of Object.entries(merged)) if (v === undefined) delete merged[k];
    props[key] = merged;
  }
  for (const key of MANAGED_ONLY) {
    if (!props[key]) throw new Error(`MANAGED_ONLY names ${key}, which the schema does not have`);
    props[key] = false;
  }
  // The types say any string; the CLI takes only its hook events (HOOK_EVENTS of the same SDK).
  (props.hooks as Json).propertyNames = { enum: [...hookEvents] };
}

/** Every object schema keeps keys it does not list (the CLI's validator passes them through). */
function openObjects(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(openObjects);
  if (!node || typeof node !== "object") return;
  const o = node as Json;
  if (o.type === "object" && o.additionalProperties === false) delete o.additionalProperties;
  for (const v of Object.values(o)) openObjects(v);
}

export async function generate(): Promise<Json> {
  const src = settingsSource();
  if (src.cliVersion !== PINS.cliVersion) {
    throw new Error(
      `@anthropic-ai/claude-agent-sdk ${src.sdkVersion} is the build of CLI ${src.cliVersion}, but PINS.md pins ${PINS.cliVersion}: install the SDK of the pinned CLI first`,
    );
  }
  const dir = mkdtempSync(join(tmpdir(), "ccga-settings-schema-"));
  try {
    const file = join(dir, "settings.ts");
    writeFileSync(file, src.text);
    const generated = createGenerator({ path: file, type: "Settings", skipTypeCheck: true, additionalProperties: true, jsDoc: "none", topRef: false }).createSchema("Settings") as Json;
    openObjects(generated);
    const { HOOK_EVENTS } = (await import("@anthropic-ai/claude-agent-sdk")) as { HOOK_EVENTS: readonly string[] };
    refine(generated, HOOK_EVENTS);
    return {
      $schema: "http://json-schema.org/draft-07/schema#",
      $comment: `Claude Code ${src.cliVersion} settings, generated by scripts/settings-schema.ts from @anthropic-ai/claude-agent-sdk ${src.sdkVersion} (sdk.d.ts Settings, sha256 ${sourceHash(src.text)}). Do not edit.`,
      "x-cli-version": src.cliVersion,
      ...Object.fromEntries(Object.entries(generated).filter(([k]) => k !== "$schema")),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const serialize = (schema: Json) => `${JSON.stringify(schema)}\n`;

if (import.meta.url === `file://${process.argv[1]}`) {
  const text = serialize(await generate());
  if (process.argv.includes("--check")) {
    const current = readFileSync(SCHEMA_FILE, "utf8");
    if (current !== text) {
      console.error(`${SCHEMA_FILE} is stale: run npm run settings-schema`);
      process.exit(1);
    }
  } else {
    writeFileSync(SCHEMA_FILE, text);
    console.log(`wrote ${SCHEMA_FILE} (${text.length} bytes)`);
  }
}
