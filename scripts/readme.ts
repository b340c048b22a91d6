/**
 * The README's input and output tables are generated from action.yml, so the
 * documentation cannot drift from the contract: `npm run readme` rewrites
 * them, and a test fails when the README differs from what this produces.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parse } from "yaml";
import { INPUT_RULES } from "../src/input-docs";
import type { InputName } from "../src/inputs";
import { PROMPT_VARIABLES } from "../src/prompt/override";

type ActionYml = {
  inputs: Record<string, { description: string; default?: string }>;
  outputs: Record<string, { description: string }>;
};

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

export function inputsTable(action: ActionYml): string {
  const rows = Object.entries(action.inputs).map(
    ([name, i]) => `| \`${name}\` | ${cell(i.description)} | ${i.default ? `\`${cell(i.default)}\`` : ""} |`,
  );
  return ["| Input | Description | Default |", "| --- | --- | --- |", ...rows].join("\n");
}

export function outputsTable(action: ActionYml): string {
  const rows = Object.entries(action.outputs).map(([name, o]) => `| \`${name}\` | ${cell(o.description)} |`);
  return ["| Output | Description |", "| --- | --- |", ...rows].join("\n");
}

export function variablesTable(): string {
  const rows = Object.entries(PROMPT_VARIABLES).map(([name, d]) => `| \`$${name}\` | ${cell(d)} |`);
  return ["| Variable | Value |", "| --- | --- |", ...rows].join("\n");
}

/** docs/inputs.md's table: every input of action.yml, its default and the rule it is checked against. */
export function rulesTable(action: ActionYml): string {
  const rows = Object.entries(action.inputs).map(([name, i]) => {
    const rule = INPUT_RULES[name as InputName];
    if (!rule) throw new Error(`src/input-docs.ts has no rule for the input ${name}`);
    return `| \`${name}\` | ${i.default ? `\`${cell(i.default)}\`` : ""} | ${cell(rule)} |`;
  });
  return ["| Input | Default | Rule |", "| --- | --- | --- |", ...rows].join("\n");
}

const BLOCKS = { inputs: inputsTable, outputs: outputsTable, variables: (_: ActionYml) => variablesTable(), rules: rulesTable } as const;

/** A markdown file with every generated block it has replaced (the README has all but `rules`, docs/inputs.md only `rules`). */
export function renderReadme(readme: string, action: ActionYml, blocks: ReadonlyArray<keyof typeof BLOCKS> = ["inputs", "outputs", "variables"]): string {
  let out = readme;
  for (const [name, render] of Object.entries(BLOCKS).filter(([n]) => blocks.includes(n as keyof typeof BLOCKS))) {
    const start = `<!-- ${name}:start (generated from action.yml by npm run readme) -->`;
    const end = `<!-- ${name}:end -->`;
    const a = out.indexOf(start);
    const b = out.indexOf(end);
    if (a === -1 || b === -1 || b < a) throw new Error(`README.md lacks the ${name} markers`);
    out = `${out.slice(0, a + start.length)}\n${render(action)}\n${out.slice(b)}`;
  }
  return out;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop()!)) {
  const action = parse(readFileSync("action.yml", "utf8")) as ActionYml;
  writeFileSync("README.md", renderReadme(readFileSync("README.md", "utf8"), action));
  writeFileSync("docs/inputs.md", renderReadme(readFileSync("docs/inputs.md", "utf8"), action, ["rules"]));
}
