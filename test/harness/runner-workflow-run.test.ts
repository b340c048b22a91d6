/** The local runner matches `on: workflow_run` as Gitea 1.25 does (modules/actions/workflows.go matchWorkflowRunEvent). */
import { describe, expect, it } from "vitest";
import { matchEvent } from "../support/runner/workflow";

const event = (name: string, headBranch = "") => ({ action: "completed", workflow: { name }, workflow_run: { head_branch: headBranch, conclusion: "failure" } });

describe("on: workflow_run", () => {
  it("matches types, workflow names, and branches against the run's head branch (empty for a pull request's run)", () => {
    const on = { workflow_run: { workflows: ["CI"], types: ["completed"] } };
    expect(matchEvent(on, "workflow_run", event("CI")).matched).toBe(true);
    expect(matchEvent(on, "workflow_run", event("Docs"))).toEqual({ matched: false, reason: "workflow 'Docs' is not in workflows [CI]" });
    expect(matchEvent(on, "workflow_run", { ...event("CI"), action: "requested" }).matched).toBe(false);
    const branches = { workflow_run: { workflows: ["CI"], branches: ["main"] } };
    expect(matchEvent(branches, "workflow_run", event("CI", "main")).matched).toBe(true);
    expect(matchEvent(branches, "workflow_run", event("CI", "")).matched).toBe(false);
  });
});
