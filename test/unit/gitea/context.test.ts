import { describe, expect, it } from "vitest";
import { ContextError, DispatchError, parseEvent } from "../../../src/gitea/context";

const repository = { full_name: "acme/app", name: "app", owner: { login: "acme" }, default_branch: "trunk", html_url: "https://git.example.com/acme/app", permissions: { admin: false, push: true, pull: true } };
const alice = { id: 2, login: "alice", full_name: "Alice A" };
const bob = { id: 3, login: "bob" };

describe("parseEvent", () => {
  it("parses an issue_comment on a PR (is_pull, issue.pull_request) with the commenter's permissions", () => {
    const ctx = parseEvent("issue_comment", {
      action: "created",
      issue: { number: 7, title: "T", body: "B", user: bob, state: "open", pull_request: { merged: false, merged_at: null, draft: false, html_url: "x" }, labels: [{ id: 1, name: "bug" }] },
      comment: { id: 44, body: "@claude hi", user: alice, created_at: "2026-02-01T10:00:00Z" },
      repository,
      sender: alice,
      is_pull: true,
    });
    expect(ctx.kind).toBe("entity");
    if (ctx.kind !== "entity") return;
    expect(ctx.entity).toMatchObject({ number: 7, isPR: true, labels: ["bug"], author: { login: "bob" } });
    expect(ctx.trigger).toMatchObject({ kind: "comment", commentId: 44, author: { login: "alice", fullName: "Alice A" } });
    expect(ctx.senderPermissions).toEqual({ admin: false, push: true, pull: true });
    expect(ctx.repository).toMatchObject({ owner: "acme", name: "app", defaultBranch: "trunk" });
  });

  it("does not take issues-event permissions for a sender who is not the poster", () => {
    const assigned = parseEvent("issues", { action: "assigned", number: 1, issue: { number: 1, title: "", body: "", user: bob, state: "open" }, repository, sender: alice });
    expect(assigned.senderPermissions).toBeUndefined();
    const opened = parseEvent("issues", { action: "opened", number: 1, issue: { number: 1, title: "", body: "", user: alice, state: "open" }, repository, sender: alice });
    expect(opened.senderPermissions).toEqual(repository.permissions);
  });

  it("never trusts payload permissions on review events or synchronized PRs", () => {
    const pr = { number: 5, title: "", body: "", user: alice, state: "open" };
    expect(parseEvent("pull_request", { action: "synchronized", number: 5, pull_request: pr, repository, sender: alice }).senderPermissions).toBeUndefined();
    expect(parseEvent("pull_request_review", { action: "reviewed", number: 5, pull_request: pr, review: { type: "x", content: "y" }, repository, sender: alice }).senderPermissions).toBeUndefined();
    expect(parseEvent("pull_request", { action: "opened", number: 5, pull_request: pr, repository, sender: alice }).senderPermissions).toEqual(repository.permissions);
  });

  it("names the event and the missing field", () => {
    expect(() => parseEvent("issue_comment", { action: "created", issue: { number: 1, user: alice }, repository, sender: alice })).toThrow(
      "Event 'issue_comment': payload field 'comment' is missing or not an object.",
    );
    expect(() => parseEvent("issues", { action: "opened", issue: { title: "x", user: alice }, repository, sender: alice })).toThrow("'issue.number'");
    expect(() => parseEvent("issue_comment", null)).toThrow(ContextError);
    expect(() => parseEvent("issues", { issue: {}, sender: alice })).toThrow("'repository'");
  });

  it("refuses unknown events by name", () => {
    expect(() => parseEvent("release", {})).toThrow("Event 'release' is not supported");
  });

  it("reads dispatch fields from workflow_dispatch inputs and repository_dispatch client_payload", () => {
    const wd = parseEvent("workflow_dispatch", { inputs: { description: " Add a README ", progress_endpoint: "https://b.example/p", correlation_id: "c-1" }, repository, sender: alice });
    expect(wd).toMatchObject({ kind: "dispatch", source: "workflow_dispatch", description: "Add a README", progressEndpoint: "https://b.example/p", correlationId: "c-1" });
    const rd = parseEvent("repository_dispatch", { action: "claude-task", client_payload: { description: "Explain X" }, repository, sender: alice });
    expect(rd).toMatchObject({ kind: "dispatch", source: "repository_dispatch", description: "Explain X" });
  });

  it("keeps a plain workflow_dispatch in agent/automation form", () => {
    const wd = parseEvent("workflow_dispatch", { inputs: { environment: "prod" }, repository, sender: alice });
    expect(wd).toMatchObject({ kind: "automation", inputs: { environment: "prod" } });
  });

  it("refuses an endpoint or correlation id without a description, keeping the endpoint for a failed update", () => {
    try {
      parseEvent("workflow_dispatch", { inputs: { progress_endpoint: "https://b.example/p", correlation_id: "c-9" }, repository, sender: alice });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DispatchError);
      expect((e as DispatchError).message).toContain("'inputs.description' is missing");
      expect((e as DispatchError).progressEndpoint).toBe("https://b.example/p");
      expect((e as DispatchError).correlationId).toBe("c-9");
    }
  });
});

describe("parseEvent and Gitea's own shapes", () => {
  it("reads pull_request_comment as an issue_comment on a pull request", () => {
    const ctx = parseEvent("pull_request_comment", {
      action: "created",
      issue: { number: 7, title: "T", body: "B", user: bob, state: "open", pull_request: { merged: false, merged_at: null, draft: false, html_url: "x" } },
      comment: { id: 44, body: "@claude hi", user: alice, created_at: "2026-02-01T10:00:00Z" },
      repository,
      sender: alice,
      is_pull: true,
    });
    expect(ctx).toMatchObject({ kind: "entity", eventName: "pull_request_comment", entity: { number: 7, isPR: true }, trigger: { kind: "comment", commentId: 44 } });
  });

  it("takes the repository and actor from the runner when a schedule's payload is {}", () => {
    const ctx = parseEvent("schedule", {}, { repository: "acme/app", actor: "acme", ref: "refs/heads/trunk" });
    expect(ctx).toMatchObject({ kind: "automation", repository: { owner: "acme", name: "app", fullName: "acme/app", defaultBranch: "trunk" }, sender: { login: "acme" } });
    // The same for every agent-mode event: whatever starts without a payload runs its direct_prompt.
    for (const name of ["push", "workflow_dispatch"]) {
      expect(parseEvent(name, {}, { repository: "acme/app", actor: "acme", ref: "refs/heads/trunk" }), name).toMatchObject({ kind: "automation", eventName: name, repository: { fullName: "acme/app" } });
    }
    expect(() => parseEvent("schedule", {})).toThrow(ContextError);
    expect(() => parseEvent("issue_comment", {}, { repository: "acme/app", actor: "acme" })).toThrow(ContextError);
  });

});
