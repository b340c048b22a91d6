/**
 * patches/: each committed patch applies with `git apply` to a copy of its
 * pre-upgrade reference, the result names exactly the pins of PINS.md (and
 * none of the reference's old ones), and the committed patch is what
 * `npm run patches` generates from the current PINS.md (else it is stale).
 */
import { spawn } from "node:child_process";
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { checkJsonSchema } from "../../src/claude/json-schema";
import { PATCHES, SETUP_NODE_18, cleanGitEnv, dockerArgs, pinExample, readPins, renderPatch, type PatchSpec, type Pins } from "../../scripts/patches";
import { ROOT, readRoot } from "../support/repo";

const pins = readPins(readRoot("PINS.md"));
const spec = (file: string) => PATCHES.find((p) => p.file === file)!;
const RUNNER = spec("patches/runner-image.patch");
const REVIEW = spec("patches/review-workflow.patch");

const temps: string[] = [];
afterAll(async () => {
  await Promise.all(temps.map((t) => rm(t, { recursive: true, force: true })));
});

function gitApply(args: string[], cwd: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", ["apply", ...args], { cwd, env: cleanGitEnv(cwd), stdio: ["pipe", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, stderr }));
  });
}

async function filesOf(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out[relative(dir, path)] = await readFile(path, "utf8");
  }
  return out;
}

/** A temp copy of the reference with the patch (a file path) applied; returns the resulting files. */
async function applied(s: PatchSpec, patchFile = join(ROOT, s.file)): Promise<Record<string, string>> {
  const dir = await mkdtemp(join(os.tmpdir(), "ccga-apply-"));
  temps.push(dir);
  await cp(join(ROOT, s.reference), dir, { recursive: true });
  const r = await gitApply(["--whitespace=error-all", patchFile], dir);
  expect(r.code, r.stderr).toBe(0);
  return filesOf(dir);
}

/** Applies patch text (written to a temp file) instead of the committed file. */
async function appliedText(s: PatchSpec, text: string): Promise<Record<string, string>> {
  const dir = await mkdtemp(join(os.tmpdir(), "ccga-patch-"));
  temps.push(dir);
  const file = join(dir, "x.patch");
  await writeFile(file, text);
  return applied(s, file);
}

const shas = (text: string) => [...new Set(text.match(/\b[0-9a-f]{40}\b/g) ?? [])];

function expectRunnerImage(files: Record<string, string>, reference: Record<string, string>, p: Pins) {
  const dockerfile = files.Dockerfile!;
  const node = String(Math.max(Number(p.nodeOwnSteps), Number(p.nodeSetupSteps)));
  expect(dockerArgs(dockerfile)).toEqual({
    NODE_MAJOR: node,
    CLAUDE_CODE_VERSION: p.cliVersion,
    CLAUDE_GITEA_ACTION_SHA: p.actionSha,
    CLAUDE_BASE_ACTION_SHA: p.baseActionSha,
    // What the base action downloads at every job, held by the image instead.
    BUN_VERSION: p.bun,
    CLAUDE_BASE_ACTION_REPO: "https://github.com/anthropics/claude-code-base-action.git",
    SETUP_NODE_VERSION: SETUP_NODE_18,
  });
  // Bun's install cache filled from the base action's own lockfile at its SHA, and pointed at by the job's env.
  expect(dockerfile).toMatch(/fetch -q --depth 1 "\$\{CLAUDE_BASE_ACTION_REPO\}" "\$\{CLAUDE_BASE_ACTION_SHA\}"/);
  expect(dockerfile).toMatch(/bun install --production --frozen-lockfile/);
  expect(dockerfile).toMatch(/^ENV BUN_INSTALL_CACHE_DIR=/m);
  expect(dockerfile).toMatch(/CLAUDE_RUNNER_IMAGE_BUN=\$\{BUN_VERSION\}/);
  // setup-node's tool-cache layout: node/<version>/<arch> and the <arch>.complete marker.
  expect(dockerfile).toMatch(/\/opt\/hostedtoolcache\/node\/\$\{SETUP_NODE_VERSION\}\/\$\{arch\}/);
  expect(dockerfile).toMatch(/touch "\$\{dir\}\.complete"/);
  expect(dockerfile).toMatch(/^FROM node:\$\{NODE_MAJOR\}-/m);
  // Exactly the pinned SHAs, and none of the reference's old values anywhere (comments included).
  expect(shas(dockerfile).sort()).toEqual([p.actionSha, p.baseActionSha].sort());
  const old = dockerArgs(reference.Dockerfile!);
  for (const [name, value] of Object.entries(old)) {
    const now = dockerArgs(dockerfile)[name];
    if (value !== now) expect(dockerfile, `old ${name}=${value} remains`).not.toContain(name === "NODE_MAJOR" ? `ARG NODE_MAJOR=${value}` : value);
  }
  expect(dockerfile).not.toContain(old.CLAUDE_GITEA_ACTION_SHA!.slice(0, 7));
  expect(dockerfile).not.toContain(old.CLAUDE_BASE_ACTION_SHA!.slice(0, 7));
}

describe("the pre-upgrade references", () => {
  it("the runner image carries the v0.0.63-era pins: CLI 1.0.117, claude-code-action v0.0.63, base action v0.0.63", async () => {
    expect(dockerArgs(readRoot(RUNNER.reference, "Dockerfile"))).toEqual({
      NODE_MAJOR: "20",
      CLAUDE_CODE_VERSION: "1.0.117",
      CLAUDE_GITEA_ACTION_SHA: "28f83620103c48a57093dcc2837eec89e036bb9f",
      CLAUDE_BASE_ACTION_SHA: "e8132bc5e637a42c27763fc757faa37e1ee43b34",
    });
  });

  it("the review workflow has the agent write review-verdict.json and a later step read it", () => {
    const wf = readRoot(REVIEW.reference, ".gitea/workflows/claude-review.yml");
    expect(wf).toContain("acme/claude-code-gitea-action@28f83620103c48a57093dcc2837eec89e036bb9f");
    expect(wf).toMatch(/write the verdict to review-verdict\.json/);
    expect(wf).toMatch(/jq -r '\.verdict' review-verdict\.json/);
    expect(wf).not.toContain("structured_output");
  });
});

describe("patches/runner-image.patch", () => {
  it("applies to the reference and names exactly PINS.md's Node.js, CLI, action SHA and base-action SHA", async () => {
    const reference = await filesOf(join(ROOT, RUNNER.reference));
    const files = await applied(RUNNER);
    expect(Object.keys(files)).toEqual(["Dockerfile"]);
    expectRunnerImage(files, reference, pins);
  });

  it("is not stale: it is what npm run patches generates from PINS.md", async () => {
    expect(readRoot(RUNNER.file), "run `npm run patches`").toBe(await renderPatch(RUNNER, pins));
  });
});

describe("patches/review-workflow.patch", () => {
  it("applies to the reference and yields examples/claude-review.yml and its schema, pinned to PINS.md's Action SHA", async () => {
    const files = await applied(REVIEW);
    expect(Object.keys(files).sort()).toEqual([".gitea/claude-review-schema.json", ".gitea/workflows/claude-review.yml"]);
    const wf = files[".gitea/workflows/claude-review.yml"]!;
    expect(wf).toBe(pinExample(readRoot("examples", "claude-review.yml"), pins));
    expect(files[".gitea/claude-review-schema.json"]).toBe(readRoot("examples", "claude-review-schema.json"));

    const parsed = parse(wf) as { jobs: Record<string, { steps: Array<{ id?: string; uses?: string; with?: Record<string, string>; env?: Record<string, string>; run?: string }> }> };
    const steps = Object.values(parsed.jobs)[0]!.steps;
    const action = steps.find((s) => s.uses?.includes("/claude-code-gitea-action@"))!;
    expect(action.uses).toBe(`acme/claude-code-gitea-action@${pins.actionSha}`);
    expect(shas(wf)).toEqual([pins.actionSha]);
    expect(wf).not.toContain("28f8362");
    // The verdict travels through outputs.structured_output, validated by the schema file; no file is written or read.
    expect(action.with!.json_schema).toBe(".gitea/claude-review-schema.json");
    const verdict = steps.find((s) => s.id === "verdict")!;
    expect(verdict.env!.RESULT).toBe("${{ steps.claude.outputs.structured_output }}");
    expect(wf).not.toContain("review-verdict.json");
    checkJsonSchema(files[".gitea/claude-review-schema.json"]!, "json_schema", "schema");
  });

  it("is not stale: it is what npm run patches generates from PINS.md", async () => {
    expect(readRoot(REVIEW.file), "run `npm run patches`").toBe(await renderPatch(REVIEW, pins));
  });
});

describe("the generator follows PINS.md", () => {
  const next: Pins = {
    ...pins,
    actionRelease: "v9.9.9",
    actionSha: "1234567890abcdef1234567890abcdef12345678",
    baseActionSha: "fedcba0987654321fedcba0987654321fedcba09",
    cliVersion: "3.4.5",
    nodeSetupSteps: "26",
  };

  it("a changed pin makes the committed patches stale", async () => {
    expect(await renderPatch(RUNNER, next)).not.toBe(readRoot(RUNNER.file));
    expect(await renderPatch(REVIEW, next)).not.toBe(readRoot(REVIEW.file));
  });

  it("patches generated for other pins apply and name those pins", async () => {
    const reference = await filesOf(join(ROOT, RUNNER.reference));
    expectRunnerImage(await appliedText(RUNNER, await renderPatch(RUNNER, next)), reference, next);
    const review = await appliedText(REVIEW, await renderPatch(REVIEW, next));
    expect(review[".gitea/workflows/claude-review.yml"]).toContain(`acme/claude-code-gitea-action@${next.actionSha} # v9.9.9`);
    expect(shas(review[".gitea/workflows/claude-review.yml"]!)).toEqual([next.actionSha]);
  });

  it("refuses a PINS.md without full SHAs", () => {
    const text = readRoot("PINS.md").replace(pins.baseActionSha, "53ab25a");
    expect(() => readPins(text)).toThrow(/Base action SHA.*40-hex/);
  });
});
