/**
 * docs/migration.md stays complete and its links stay valid: every input of
 * action.yml is covered (legacy ones in "Inputs, one by one", new ones in
 * "What is new"), every output is named, every flag claude_args drops or
 * refuses is listed, the old pins it quotes are the reference's, and the
 * README's links into it resolve.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { FLAGS } from "../../src/claude/flags";
import { LEGACY_TOOLS } from "../../src/mcp/gitea/legacy-names";
import { giteaToolId } from "../../src/mcp/gitea/names";
import { dockerArgs } from "../../scripts/patches";
import { ROOT, actionYml, readRoot } from "../support/repo";

const GUIDE = "docs/migration.md";
const guide = readRoot(GUIDE);
const action = actionYml();

/** Inputs this release adds; every other input of action.yml is a v0.0.63-era input. */
const NEW_INPUTS = [
  "claude_args",
  "json_schema",
  "gitea_server_url",
  "path_to_claude_code_executable",
  "show_full_output",
  "subprocess_sandbox",
  "progress_secret",
  "progress_audience",
  "progress_allowed_hosts",
  "context_budget_tokens",
  "subprocess_sandbox",
  "reviewer_trigger",
];

/** GitHub/Gitea heading anchors: lower case, punctuation dropped, each blank a hyphen. */
const slug = (heading: string) => heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-");
const anchorsOf = (markdown: string) => new Set([...markdown.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1]!)));

/** The markdown between a heading and the next heading of the same or higher level. */
function section(markdown: string, heading: string): string {
  const start = markdown.search(new RegExp(`^(#+) ${heading.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, "m"));
  expect(start, `heading "${heading}"`).toBeGreaterThanOrEqual(0);
  const level = /^#+/.exec(markdown.slice(start))![0].length;
  const bodyStart = markdown.indexOf("\n", start) + 1;
  const end = markdown.slice(bodyStart).search(new RegExp(`^#{1,${level}} `, "m"));
  return end === -1 ? markdown.slice(start) : markdown.slice(start, bodyStart + end);
}

/** Names in backticks in the first cell of each table row. */
function firstCells(markdown: string): Set<string> {
  const names = new Set<string>();
  for (const line of markdown.split("\n")) {
    const cell = /^\|([^|]*)\|/.exec(line)?.[1];
    if (cell) for (const m of cell.matchAll(/`([^`]+)`/g)) names.add(m[1]!);
  }
  return names;
}

describe("docs/migration.md", () => {
  const legacy = Object.keys(action.inputs).filter((i) => !NEW_INPUTS.includes(i));

  it("has a row for every v0.0.63-era input under 'Inputs, one by one', saying what changed and how it reaches the CLI", () => {
    const rows = firstCells(section(guide, "Inputs, one by one"));
    expect(legacy.filter((i) => !rows.has(i))).toEqual([]);
    expect(NEW_INPUTS.filter((i) => rows.has(i))).toEqual([]);
  });

  it("lists every new input under 'What is new', and every input it names exists", () => {
    const rows = firstCells(section(guide, "What is new"));
    for (const input of NEW_INPUTS) expect(action.inputs, input).toHaveProperty(input);
    expect(NEW_INPUTS.filter((i) => !rows.has(i))).toEqual([]);
    const inputLike = [...firstCells(section(guide, "Inputs, one by one")), ...firstCells(section(guide, "What is new"))].filter((n) => /^[a-z]+(_[a-z]+)+$/.test(n));
    expect(inputLike.filter((n) => !(n in action.inputs) && !(n in action.outputs))).toEqual([]);
  });

  it("covers the Gitea forks: every old tool name with its replacement or refusal, the permission table and the admin-token trade-off", () => {
    const forks = section(guide, "From the earlier Gitea forks");
    const tools = section(forks, "Tool names");
    const rows = firstCells(tools);
    for (const [old, fate] of Object.entries(LEGACY_TOOLS)) {
      expect(rows.has(old), old).toBe(true);
      const row = tools.split("\n").find((l) => l.startsWith("|") && l.split("|")[1]!.includes(`\`${old}\``))!;
      if ("to" in fate) expect(row.split("|")[2], old).toContain(giteaToolId(fate.to));
      else expect(row.split("|")[2], old).toMatch(/refused/);
    }
    expect(forks).toMatch(/markwylde\/claude-code-gitea-action/);
    const permissions = section(forks, "Permissions and the token they need");
    for (const trigger of ["assignee_trigger", "label_trigger", "edited", "pull_request_review", "issue_comment"]) expect(permissions).toContain(trigger);
    expect(permissions).toMatch(/write:repository/);
    expect(permissions).toMatch(/write:issue/);
    expect(permissions).toMatch(/The trade-off of an admin token/);
    // The inputs only the forks had are named, with what to use instead.
    const added = firstCells(section(forks, "Inputs the forks added"));
    for (const input of ["gitea_api_url", "existing_comment_id", "git_user_name", "git_user_email", "add_co_author"]) {
      expect(added.has(input), input).toBe(true);
      expect(action.inputs, input).not.toHaveProperty(input);
    }
  });

  it("names every output of action.yml", () => {
    for (const output of Object.keys(action.outputs)) expect(guide, output).toContain(`\`${output}\``);
  });

  it("lists every flag claude_args drops or refuses", () => {
    const rules = section(guide, "`claude_args`");
    for (const flag of FLAGS.filter((f) => f.treatment === "drop" || f.treatment === "reject")) {
      expect(rules, `--${flag.name}`).toContain(`\`--${flag.name}\``);
      for (const alias of flag.aliases ?? []) expect(rules, `--${alias}`).toContain(`--${alias}\``);
    }
  });

  it("describes the $(cat FILE) rule and the quoting rules under the #claude_args anchor", () => {
    expect(anchorsOf(guide)).toContain("claude_args");
    const rules = section(guide, "`claude_args`");
    expect(rules).toContain("### `$(cat FILE)`");
    expect(rules).toMatch(/exactly one word/);
    expect(rules).toMatch(/inside it; `~` is not expanded/);
  });

  it("quotes the same old pins as the reference runner image", () => {
    const old = dockerArgs(readRoot("patches/reference/runner-image/Dockerfile"));
    for (const value of [old.CLAUDE_CODE_VERSION!, old.CLAUDE_GITEA_ACTION_SHA!, old.CLAUDE_BASE_ACTION_SHA!]) expect(guide).toContain(value);
  });

  it("links only to files that exist, and to anchors that exist", () => {
    const links = [...guide.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((l) => !/^[a-z]+:/.test(l));
    expect(links.length).toBeGreaterThan(5);
    for (const link of links) {
      const [path, anchor] = link.split("#") as [string, string | undefined];
      if (!path) {
        expect(anchorsOf(guide), link).toContain(anchor);
        continue;
      }
      const target = join(ROOT, dirname(GUIDE), path);
      expect(existsSync(target), link).toBe(true);
      if (anchor) expect(anchorsOf(readRoot(join(dirname(GUIDE), path))), link).toContain(anchor);
    }
  });

  it("is linked from the README, including its claude_args section", () => {
    const readme = readRoot("README.md");
    expect(readme).toContain("](docs/migration.md)");
    expect(readme).toContain("](docs/migration.md#claude_args)");
  });
});
