import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/inputs";
import { nodeFs } from "../../../src/claude/fs";
import { checkJsonSchema, loadJsonSchemaInput } from "../../../src/claude/json-schema";
import { tempDir } from "./fixtures";

const message = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as InputError).problems[0]!.message;
  }
  throw new Error("expected an InputError");
};

describe("checkJsonSchema", () => {
  it("compiles draft-07 by default and picks 2019-09 / 2020-12 from $schema", () => {
    expect(checkJsonSchema('{"type":"object","properties":{"a":{"type":"string","format":"email"}}}', "claude_args", "--json-schema").draft).toBe("draft-07");
    expect(checkJsonSchema('{"$schema":"http://json-schema.org/draft-07/schema#","type":"object"}', "claude_args", "x").draft).toBe("draft-07");
    expect(checkJsonSchema('{"$schema":"https://json-schema.org/draft/2019-09/schema","type":"object"}', "claude_args", "x").draft).toBe("2019-09");
    const s = checkJsonSchema(
      '{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","properties":{"t":{"type":"array","prefixItems":[{"type":"string"}]}}}',
      "json_schema",
      "json_schema",
    );
    expect(s.draft).toBe("2020-12");
  });

  it("allows unknown keywords (strict mode off)", () => {
    expect(checkJsonSchema('{"type":"object","x-ui":{"order":1},"examples":[{}]}', "claude_args", "x").schema).toHaveProperty("x-ui");
  });

  it.each([
    ["{not json", /--json-schema is not JSON: invalid JSON.*received "\{not json", expected a JSON Schema object/],
    ['["type"]', /--json-schema is an array/],
    ['{"type":"obj"}', /not a valid draft-07 JSON Schema: \/type must be equal to one of the allowed values.*received/],
    ['{"type":"object","properties":{"a":{"minLength":"3"}}}', /not a valid draft-07 JSON Schema: \/properties\/a\/minLength must be integer/],
    ['{"type":"object","properties":{"a":{"$ref":"#/definitions/missing"}}}', /does not compile as a draft-07 JSON Schema: can't resolve reference/],
    ['{"$schema":"http://json-schema.org/draft-04/schema#","type":"object"}', /declares \$schema .*draft-04.*expected draft-07, 2019-09 or 2020-12/],
    ['{"type":"array"}', /root "type": "array"; expected "type": "object"/],
    ['{"properties":{}}', /root "type": \(none\)/],
  ])("refuses %s", (text, expected) => {
    expect(message(() => checkJsonSchema(text, "claude_args", "--json-schema"))).toMatch(expected);
  });

  it("truncates what it shows of a long schema", () => {
    const long = `{"type":"obj", "description": "${"x".repeat(500)}"}`;
    const m = message(() => checkJsonSchema(long, "json_schema", "json_schema"));
    expect(m.length).toBeLessThan(400);
    expect(m).toContain("...");
  });
});

describe("loadJsonSchemaInput", () => {
  const ws = tempDir();
  mkdirSync(join(ws, "schemas"));
  writeFileSync(join(ws, "schemas", "review.json"), JSON.stringify({ type: "object", required: ["verdict"] }));
  const outside = tempDir();
  writeFileSync(join(outside, "secret.json"), '{"type":"object"}');
  symlinkSync(join(outside, "secret.json"), join(ws, "link.json"));
  const ctx = { workspace: ws, fs: nodeFs() };

  it("is undefined when empty", async () => {
    expect(await loadJsonSchemaInput("  ", ctx)).toBeUndefined();
  });

  it("reads inline JSON and workspace files", async () => {
    expect((await loadJsonSchemaInput('{"type":"object"}', ctx))?.schema).toEqual({ type: "object" });
    expect((await loadJsonSchemaInput("schemas/review.json", ctx))?.schema).toEqual({ type: "object", required: ["verdict"] });
  });

  it("refuses missing files and files outside the workspace (symlinks followed)", async () => {
    await expect(loadJsonSchemaInput("nope.json", ctx)).rejects.toThrow(/json_schema file "nope.json" does not exist/);
    await expect(loadJsonSchemaInput(join(outside, "secret.json"), ctx)).rejects.toThrow(/outside the workspace/);
    await expect(loadJsonSchemaInput("link.json", ctx)).rejects.toThrow(/outside the workspace/);
    await expect(loadJsonSchemaInput("~/schema.json", ctx)).rejects.toThrow(/'~' is not expanded/);
  });

  it("names the file when its content is bad", async () => {
    writeFileSync(join(ws, "bad.json"), '{"type": "array"}');
    await expect(loadJsonSchemaInput("bad.json", ctx)).rejects.toThrow(/json_schema file "bad.json" has root "type": "array"/);
  });
});
