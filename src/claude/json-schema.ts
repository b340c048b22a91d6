/**
 * JSON Schemas for structured output (`json_schema` input, `--json-schema`
 * in claude_args): parsed, compiled with ajv before any model call, and
 * re-emitted compactly.
 *
 * Draft: taken from `$schema` (draft-07, 2019-09 or 2020-12); a schema
 * without `$schema` is compiled as draft-07 (ajv's default, and the form most
 * hand-written schemas use). Formats are not validated (ajv-formats is not
 * bundled), unknown keywords are allowed (strict mode off), but the schema
 * itself must be valid against its draft's meta-schema and compile. The root
 * must be an object schema: the CLI's StructuredOutput tool takes an object,
 * and the action returns it as `outputs.structured_output`.
 */
import { Ajv, type AnySchemaObject, type ErrorObject } from "ajv";
import { Ajv2019 } from "ajv/dist/2019";
import { Ajv2020 } from "ajv/dist/2020";
import { type ClaudeFs, readWorkspaceFile } from "./fs";
import { inputError, isPlainObject, jsonErrorWhere, jsonKind, shown } from "./problems";

export type SchemaDraft = "draft-07" | "2019-09" | "2020-12";

export interface CheckedSchema {
  schema: Record<string, unknown>;
  draft: SchemaDraft;
}

type SchemaInput = "json_schema" | "claude_args";

function draftOf(schema: Record<string, unknown>): SchemaDraft | undefined {
  const declared = schema.$schema;
  if (declared === undefined) return "draft-07";
  if (typeof declared !== "string") return undefined;
  if (/json-schema\.org\/draft-07\/schema/.test(declared)) return "draft-07";
  if (/json-schema\.org\/draft\/2019-09\/schema/.test(declared)) return "2019-09";
  if (/json-schema\.org\/draft\/2020-12\/schema/.test(declared)) return "2020-12";
  return undefined;
}

const AJV_OPTIONS = { strict: false, validateFormats: false, allErrors: true, logger: false } as const;

function compilerFor(draft: SchemaDraft) {
  if (draft === "2020-12") return new Ajv2020(AJV_OPTIONS);
  if (draft === "2019-09") return new Ajv2019(AJV_OPTIONS);
  return new Ajv(AJV_OPTIONS);
}

const describeErrors = (errors: ErrorObject[] | null | undefined) =>
  (errors ?? [])
    .slice(0, 3)
    .map((e) => `${e.instancePath || "(root)"} ${e.message ?? "is invalid"}`)
    .join("; ");

/**
 * Checks a schema given as JSON text. `what` names the source in messages
 * ("--json-schema", "json_schema", "json_schema file schema.json").
 */
export function checkJsonSchema(text: string, input: SchemaInput, what: string): CheckedSchema {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw inputError(input, `${what} is not JSON: ${jsonErrorWhere(text, e)}; received ${shown(text)}, expected a JSON Schema object such as {"type":"object","properties":{…}}`);
  }
  if (!isPlainObject(parsed)) {
    throw inputError(input, `${what} is ${jsonKind(parsed)} (received ${shown(text)}); expected a JSON Schema object such as {"type":"object","properties":{…}}`);
  }
  const draft = draftOf(parsed);
  if (!draft) {
    throw inputError(
      input,
      `${what} declares $schema ${shown(String(parsed.$schema))}; expected draft-07, 2019-09 or 2020-12 (https://json-schema.org/draft/2020-12/schema), or no $schema (draft-07)`,
    );
  }
  const ajv = compilerFor(draft);
  if (!ajv.validateSchema(parsed as AnySchemaObject)) {
    throw inputError(input, `${what} is not a valid ${draft} JSON Schema: ${describeErrors(ajv.errors)} (received ${shown(text)})`);
  }
  try {
    ajv.compile(parsed as AnySchemaObject);
  } catch (e) {
    throw inputError(input, `${what} does not compile as a ${draft} JSON Schema: ${(e as Error).message} (received ${shown(text)})`);
  }
  const type = parsed.type;
  if (type !== "object") {
    throw inputError(
      input,
      `${what} has root "type": ${type === undefined ? "(none)" : JSON.stringify(type)}; expected "type": "object" (structured output is a JSON object, returned as outputs.structured_output)`,
    );
  }
  return { schema: parsed, draft };
}

/**
 * The `json_schema` input: inline JSON (starts with `{`) or the path of a
 * JSON file in the workspace. Empty: undefined.
 */
export async function loadJsonSchemaInput(
  value: string,
  ctx: { workspace: string; fs: ClaudeFs; allowedRoots?: readonly string[] },
): Promise<CheckedSchema | undefined> {
  const v = value.trim();
  if (!v) return undefined;
  // A value that starts like JSON is JSON (an array is then reported as such, not looked for as a file).
  if (v.startsWith("{") || v.startsWith("[")) return checkJsonSchema(v, "json_schema", "json_schema");
  const file = await readWorkspaceFile(v, ctx, "json_schema", "json_schema file");
  return checkJsonSchema(file.content, "json_schema", `json_schema file ${shown(v)}`);
}
