/**
 * The example workflows in examples/ (every *.yml, dispatch included) use this
 * action only through inputs action.yml declares, pin it by a full SHA equal
 * to PINS.md's "Action SHA" (kept so by `npm run patches`), and name only
 * secrets and variables Gitea lets users create. Their behaviour is proven
 * end to end in test/e2e/examples.test.ts (and dispatch-example.test.ts).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { checkJsonSchema } from "../../src/claude/json-schema";
import { toolRulesFromInput } from "../../src/claude/tools";
import { splitList } from "../../src/inputs";
import { ALL_GITEA_TOOLS, giteaToolId } from "../../src/mcp/gitea/names";
import { pinExample, readPins } from "../../scripts/patches";
import { ROOT, actionYml, readRoot } from "../support/repo";

type Step = { id?: string; name?: string; uses?: string; with?: Record<string, unknown>; run?: string };
type Workflow = { name?: string; on?: unknown; jobs: Record<string, { steps?: Step[] }> };

const EXAMPLES = join(ROOT, "examples");
const files = readdirSync(EXAMPLES, { recursive: true, withFileTypes: true })
  .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
  .map((e) => relative(ROOT, join(e.parentPath, e.name)))
  .sort();
const pins = readPins(readRoot("PINS.md"));
const inputs = actionYml().inputs;

/**
 * Examples owned elsewhere that still show a placeholder instead of a SHA
 * (with the reason). Listed explicitly so the check stays strict for every
 * other file; the entry must be removed once the file is pinned.
 */
const PLACEHOLDER_PINS: Record<string, string> = {};

const ACTION = /^[A-Za-z0-9_.<>-]+\/claude-code-gitea-action(\/[^@]*)?@/i;

function actionSteps(file: string): Array<{ job: string; step: Step }> {
  const wf = parse(readRoot(file)) as Workflow;
  return Object.entries(wf.jobs ?? {}).flatMap(([job, def]) => (def.steps ?? []).filter((s) => ACTION.test(s.uses ?? "")).map((step) => ({ job, step })));
}

describe("examples/", () => {
  it("has a workflow for each flow: @claude, review, docs, conflicts, triage, dispatch", () => {
    expect(files).toEqual(
      expect.arrayContaining([
        "examples/claude.yml",
        "examples/claude-review.yml",
        "examples/claude-docs.yml",
        "examples/claude-conflicts.yml",
        "examples/claude-triage.yml",
        "examples/claude-fork-prs.yml",
        "examples/dispatch/claude-dispatch.yml",
      ]),
    );
  });

  describe.each(files)("%s", (file) => {
    const steps = actionSteps(file);

    it("uses this action", () => {
      expect(steps.length).toBeGreaterThan(0);
    });

    it("passes only inputs that action.yml declares", () => {
      for (const { job, step } of steps) {
        const unknown = Object.keys(step.with ?? {}).filter((k) => !(k in inputs));
        expect(unknown, `${file} jobs.${job} step ${step.name ?? step.id ?? step.uses}`).toEqual([]);
      }
    });

    it("pins the action by the full Action SHA of PINS.md", () => {
      for (const { step } of steps) {
        const ref = step.uses!.split("@")[1]!;
        if (file in PLACEHOLDER_PINS) {
          expect(step.uses, `${file}: ${PLACEHOLDER_PINS[file]}`).toMatch(/@<ACTION_SHA>$/);
          continue;
        }
        expect(ref, `${file}: ${step.uses}`).toMatch(/^[0-9a-f]{40}$/);
        expect(ref, `${file}: run \`npm run patches\` after changing PINS.md`).toBe(pins.actionSha);
      }
      if (!(file in PLACEHOLDER_PINS)) expect(readRoot(file), "run `npm run patches`").toBe(pinExample(readRoot(file), pins));
    });

    it("bounds Claude with the timeout_minutes input (Gitea ignores a job's timeout-minutes through 1.26)", () => {
      for (const { step } of steps) expect(Number(step.with?.timeout_minutes), `${file}: ${step.name ?? step.uses}`).toBeGreaterThan(0);
    });

    it("has no review trigger (Gitea runs the PR head's file with every secret, and one Comment review matches both)", () => {
      const on = (parse(readRoot(file)) as Workflow).on;
      const names = typeof on === "string" ? [on] : Array.isArray(on) ? on.map(String) : Object.keys((on ?? {}) as object);
      expect(names.filter((n) => n === "pull_request_review" || n === "pull_request_review_comment")).toEqual([]);
      // A comment on a pull request matches issue_comment and pull_request_comment alike: never both.
      expect(names.includes("issue_comment") && names.includes("pull_request_comment")).toBe(false);
    });

    it("names only secrets and variables Gitea lets users create (no GITEA_/GITHUB_ prefix), besides the job token", () => {
      const names = [...readRoot(file).matchAll(/\b(secrets|vars)\.([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => `${m[1]}.${m[2]}`);
      expect(names.filter((n) => /\.(GITEA|GITHUB)_/i.test(n))).toEqual([]);
    });

    it("gives tool lists the action accepts, naming only tools the gitea MCP server has", () => {
      const known = new Set(ALL_GITEA_TOOLS.map(giteaToolId));
      for (const { step } of steps) {
        for (const input of ["allowed_tools", "disallowed_tools"] as const) {
          const value = step.with?.[input];
          if (typeof value !== "string") continue;
          const rules = toolRulesFromInput(splitList(value), input);
          for (const rule of rules.filter((r) => r.startsWith("mcp__gitea__"))) expect(known, `${file}: ${rule}`).toContain(rule);
        }
      }
    });
  });

  it("the placeholder exceptions are still needed (remove an entry once its file is pinned)", () => {
    for (const file of Object.keys(PLACEHOLDER_PINS)) {
      expect(files).toContain(file);
      expect(actionSteps(file).some(({ step }) => /@<ACTION_SHA>$/.test(step.uses ?? "")), file).toBe(true);
    }
  });

  it("the review's schema file compiles, and the review reads its verdict from outputs.structured_output", () => {
    const { schema } = checkJsonSchema(readRoot("examples", "claude-review-schema.json"), "json_schema", "examples/claude-review-schema.json");
    expect((schema.properties as Record<string, { enum?: string[] }>).verdict!.enum).toEqual(["approve", "comment", "request_changes"]);
    const wf = readRoot("examples", "claude-review.yml");
    const step = actionSteps("examples/claude-review.yml")[0]!.step;
    expect(step.with!.json_schema).toBe(".gitea/claude-review-schema.json");
    expect(wf).toContain("RESULT: ${{ steps.claude.outputs.structured_output }}");
    expect(wf).not.toMatch(/verdict\.json/);
    // Gitea shows no job summary through 1.26: the verdict also goes on Claude's comment.
    expect(wf).toContain("COMMENT: ${{ steps.claude.outputs.comment_id }}");
    expect(wf).toContain("**Verdict: ");
  });

  it("each example points to the file name it is meant to be copied to", () => {
    for (const file of files) {
      const first = readFileSync(join(ROOT, file), "utf8").split("\n")[0]!;
      expect(first, file).toMatch(/^# \.gitea\/workflows\/[a-z0-9-]+\.ya?ml$/);
    }
  });
});
