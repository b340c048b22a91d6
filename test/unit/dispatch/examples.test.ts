import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { scripted } from "./helpers";

const DIR = join(import.meta.dirname, "..", "..", "..", "examples", "dispatch");
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

type Workflow = {
  on: { workflow_dispatch: { inputs: Record<string, { type: string; required: boolean }> } };
  jobs: Record<string, { steps: Array<{ uses?: string; with?: Record<string, string> }> }>;
};

/** Runs dispatch.sh without blocking the event loop (the fake Gitea lives in this process). */
function run(args: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn("bash", [join(DIR, "dispatch.sh"), ...args], { env: { PATH: process.env.PATH ?? "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d));
  child.stderr.on("data", (d: Buffer) => (stderr += d));
  return new Promise((resolve) => child.on("close", (status) => resolve({ status, stdout, stderr })));
}

describe("dispatch examples", () => {
  it("the workflow takes the three string inputs and pins the action by a SHA placeholder", () => {
    const wf = parse(readFileSync(join(DIR, "claude-dispatch.yml"), "utf8")) as Workflow;
    const inputs = wf.on.workflow_dispatch.inputs;
    expect(Object.keys(inputs)).toEqual(["description", "progress_endpoint", "correlation_id"]);
    for (const i of Object.values(inputs)) expect(i.type).toBe("string");
    expect(inputs.description!.required).toBe(true);
    const steps = Object.values(wf.jobs)[0]!.steps;
    expect(steps[0]!.uses).toMatch(/^actions\/checkout@/);
    const action = steps.find((s) => s.uses?.includes("claude-code-gitea-action"))!;
    expect(action.uses).toMatch(/^acme\/claude-code-gitea-action@[0-9a-f]{40}$/);
    expect(action.with!.progress_secret).toBe("${{ secrets.CLAUDE_PROGRESS_SECRET }}");
    expect(action.with!.anthropic_api_key).toContain("secrets.");
  });

  const tools = ["bash", "curl", "jq"].every((t) => spawnSync("sh", ["-c", `command -v ${t}`]).status === 0);
  it.skipIf(!tools)("dispatch.sh posts safely quoted JSON with the token header", async () => {
    // The token reaches curl through a process substitution, never as an argument.
    const script = readFileSync(join(DIR, "dispatch.sh"), "utf8");
    expect(script.split("\n").filter((l) => l.includes("$GITEA_TOKEN") && !l.trimStart().startsWith("#") && !l.includes(":?"))).toEqual([`    -H @<(printf 'Authorization: token %s\\n' "$GITEA_TOKEN") \\`]);
    const code = script.split("\n").filter((l) => !l.trimStart().startsWith("#"));
    expect(code.join("\n")).not.toMatch(/\beval\b/);
    const gitea = await scripted([{ status: 201, body: "{}" }, { status: 204 }]);
    closers.push(gitea.close);
    const description = `Fix "quotes", $(rm -rf /) and \`ticks\`\nsecond line 'single' \\ backslash`;
    const { status, stdout, stderr } = await run([description, "https://api.example.com/progress", "corr 1/2"], {
      GITEA_URL: `${gitea.url}/`,
      GITEA_TOKEN: "tok-abc-123",
      REPO: "my org/my repo",
      WORKFLOW: "claude dispatch.yml",
      REF: "feature/x",
    });
    expect(status, stderr).toBe(0);
    expect(stdout.trim()).toBe("corr 1/2");
    // First the task's own ref (a copy of REF), so that tasks dispatched at once do not cancel each other.
    const [branch, req] = gitea.requests as [(typeof gitea.requests)[0], (typeof gitea.requests)[0]];
    expect(branch.method).toBe("POST");
    expect(branch.url).toBe("/api/v1/repos/my%20org/my%20repo/branches");
    expect(branch.headers.authorization).toBe("token tok-abc-123");
    expect(JSON.parse(branch.body)).toEqual({ new_branch_name: "claude-dispatch/corr-1-2", old_ref_name: "feature/x" });
    expect(req.method).toBe("POST");
    expect(req.url).toBe("/api/v1/repos/my%20org/my%20repo/actions/workflows/claude%20dispatch.yml/dispatches");
    expect(req.headers.authorization).toBe("token tok-abc-123");
    expect(req.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(req.body)).toEqual({
      ref: "claude-dispatch/corr-1-2",
      inputs: { description, progress_endpoint: "https://api.example.com/progress", correlation_id: "corr 1/2" },
    });
  });

  it.skipIf(!tools)("dispatch.sh generates a correlation id and fails clearly on an HTTP error", async () => {
    const gitea = await scripted([{ status: 201, body: "{}" }, { status: 204 }, { status: 201, body: "{}" }, { status: 404, body: "{\"message\":\"not found\"}" }]);
    closers.push(gitea.close);
    const ok = await run(["do it"], { GITEA_URL: gitea.url, GITEA_TOKEN: "t", REPO: "o/r" });
    expect(ok.status, ok.stderr).toBe(0);
    const id = ok.stdout.trim();
    expect(id).toMatch(/^[0-9a-f-]{16,}$/);
    expect((JSON.parse(gitea.requests[1]!.body) as { inputs: { correlation_id: string } }).inputs.correlation_id).toBe(id);
    expect((JSON.parse(gitea.requests[0]!.body) as { new_branch_name: string }).new_branch_name).toBe(`claude-dispatch/${id}`);
    const bad = await run(["do it"], { GITEA_URL: gitea.url, GITEA_TOKEN: "t", REPO: "o/r" });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/Gitea answered HTTP 404/);
    expect((await run([], { GITEA_URL: gitea.url, GITEA_TOKEN: "t", REPO: "o/r" })).stderr).toMatch(/usage/);
  });
});
