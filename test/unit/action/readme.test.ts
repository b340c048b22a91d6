import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { renderReadme } from "../../../scripts/readme";
import { ROOT, readRoot } from "../../support/repo";

describe("README.md", () => {
  const readme = readRoot("README.md");

  it("opens with the two commands: the demo and the tests", () => {
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
    expect(readme.indexOf("```sh")).toBeLessThan(200);
    expect(firstBlock).toContain("npm run demo");
    expect(firstBlock).toContain("npm test");
  });

  it("documents action.yml exactly (run `npm run readme` after changing inputs or outputs)", () => {
    expect(readme).toBe(renderReadme(readme, parse(readRoot("action.yml"))));
  });

  it("docs/inputs.md gives every input of action.yml its rule (run `npm run readme` after changing one)", () => {
    const doc = readRoot("docs/inputs.md");
    expect(doc).toBe(renderReadme(doc, parse(readRoot("action.yml")), ["rules"]));
    for (const input of Object.keys(parse(readRoot("action.yml")).inputs as object)) expect(doc).toContain(`| \`${input}\` |`);
  });

  it("states the conclusion contract: skipped only when nothing triggered the run", () => {
    expect(readme).toMatch(/\| `skipped` \| nothing triggered the run/);
    expect(readme).toMatch(/\| `failure` \| an input is invalid/);
    expect(readme).not.toMatch(/installs nothing at job time/);
  });

  it("is what .ci/run runs", () => {
    const ci = readRoot(".ci/run");
    expect(ci).toMatch(/^npm ci$/m);
    expect(ci).toMatch(/^npm test$/m);
    expect(ci).toMatch(/^scripts\/check-dist\.sh$/m);
  });
});

/**
 * Workflow snippets in README.md and docs/ are examples too: each step that
 * runs this release bounds Claude with `timeout_minutes` (Gitea ignores a
 * job's `timeout-minutes` through 1.26), and none listens to review events
 * (Gitea runs the PR head's own workflow file for them, with every secret,
 * and one Comment review matches both review triggers). Snippets pinned to
 * v0.0.63 show the old state on purpose and are left out.
 */
describe("workflow snippets in README.md and docs/", () => {
  const ACTION = /^\s*(?:-\s+)?uses:\s*[\w.<>-]+\/claude-code-gitea-action@(.*)$/;
  const files = ["README.md", ...readdirSync(join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];
  const snippets = files.flatMap((file) =>
    [...readRoot(file).matchAll(/^```ya?ml\n([\s\S]*?)^```/gm)].map((m) => ({ where: `${file}:${readRoot(file).slice(0, m.index).split("\n").length}`, text: m[1]! })),
  );

  /** The `with:` keys of each step of a snippet that uses this action at a current pin. */
  function currentSteps(text: string): string[][] {
    const lines = text.split("\n");
    const steps: string[][] = [];
    lines.forEach((line, i) => {
      const uses = ACTION.exec(line);
      if (!uses || /v0\.0\.63/.test(uses[1]!)) return;
      const indent = /^\s*(?:-\s+)?/.exec(line)![0].length;
      const keys: string[] = [];
      let inWith = false;
      for (const next of lines.slice(i + 1)) {
        const own = /^(\s*)(-\s+)?([\w-]+):/.exec(next);
        if (!own) continue;
        const at = own[1]!.length + (own[2]?.length ?? 0);
        if (own[2] || at < indent) break;
        if (at === indent) inWith = own[3] === "with";
        else if (inWith && at === indent + 2) keys.push(own[3]!);
      }
      steps.push(keys);
    });
    return steps;
  }

  it("finds the snippets that run this release (README's usage, the migration guide's)", () => {
    const using = snippets.filter((s) => currentSteps(s.text).length > 0).map((s) => s.where.split(":")[0]);
    expect(new Set(using)).toEqual(new Set(["README.md", "docs/migration.md"]));
  });

  it("every step that runs this release sets timeout_minutes", () => {
    const unbounded = snippets.flatMap((s) => currentSteps(s.text).filter((keys) => !keys.includes("timeout_minutes")).map(() => s.where));
    expect(unbounded).toEqual([]);
  });

  it("no snippet listens to pull_request_review or pull_request_review_comment", () => {
    expect(snippets.filter((s) => /^\s*pull_request_review(_comment)?:/m.test(s.text)).map((s) => s.where)).toEqual([]);
  });
});
