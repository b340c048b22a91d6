/**
 * src/app/prepare/fork.ts: which pull request runs are fork runs Claude cannot
 * work in (Gitea withholds the secrets and gives a read-only token), and what
 * the explanation says.
 */
import { describe, expect, it } from "vitest";
import { forkRunMessage, forkRunOf } from "../../../src/app/prepare/fork";
import { parseEvent } from "../../../src/gitea/context";
import type { PullData } from "../../../src/gitea/data";
import { readInputsDeferred } from "../../../src/inputs";
import { actionYml } from "../../support/repo";

const repository = { full_name: "acme/app", name: "app", owner: { login: "acme" } };
const pr = { number: 7, title: "Fix", body: "", user: { id: 9, login: "carol" }, state: "open" };
const comment = (eventName = "issue_comment") =>
  parseEvent(eventName, {
    action: "created",
    issue: { ...pr, pull_request: { merged: false } },
    comment: { id: 1, body: "@claude", user: { id: 2, login: "alice" } },
    repository,
    sender: { id: 2, login: "alice" },
    is_pull: true,
  });
const review = () => parseEvent("pull_request_review", { action: "reviewed", number: 7, pull_request: pr, review: { type: "x", content: "@claude" }, repository, sender: { id: 2, login: "alice" } });
const pull = (over: Partial<PullData>) => Promise.resolve({ ok: true as const, value: { headRef: "f", headSha: "1", baseRef: "main", fromFork: false, state: "open", merged: false, ...over } });
const defaults = Object.fromEntries(Object.entries(actionYml().inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v.default ?? ""]));
const inputs = (env: Record<string, string>) => readInputsDeferred({ ...defaults, ...env }).inputs;
const noSecrets = inputs({});
const withKey = inputs({ INPUT_ANTHROPIC_API_KEY: "sk-x" });

describe("forkRunOf", () => {
  it("a comment on a fork's pull request with the secrets missing is a fork run", async () => {
    const f = await forkRunOf(comment(), pull({ fromFork: true, headRepo: "carol/app" }), noSecrets);
    expect(f).toMatchObject({ number: 7, origin: "the fork carol/app", eventName: "issue_comment" });
    expect(f!.withheld).toEqual(expect.arrayContaining(["anthropic_api_key", "gitea_token"]));
    expect(await forkRunOf(comment("pull_request_comment"), pull({ agit: true }), noSecrets)).toMatchObject({ origin: expect.stringContaining("AGit") });
  });

  it("with credentials, only a read-only job token makes it one; a same-repository pull request never is", async () => {
    const fork = pull({ fromFork: true, headRepo: "carol/app" });
    expect(await forkRunOf(comment(), fork, withKey, Promise.resolve(false))).toBeUndefined();
    expect(await forkRunOf(comment(), fork, withKey, Promise.resolve(true))).toMatchObject({ origin: "the fork carol/app" });
    expect(await forkRunOf(comment(), pull({}), noSecrets)).toBeUndefined();
  });

  it("reviews are no fork runs on Gitea (they get the secrets), unless the secrets are missing anyway", async () => {
    const fork = pull({ fromFork: true, headRepo: "carol/app" });
    expect(await forkRunOf(review(), fork, withKey, Promise.resolve(true))).toBeUndefined();
    expect(await forkRunOf(review(), fork, noSecrets)).toMatchObject({ eventName: "pull_request_review" });
  });
});

describe("forkRunMessage", () => {
  it("names the fork, the empty secrets, and what works instead", () => {
    const text = forkRunMessage({ number: 7, origin: "the fork carol/app", eventName: "issue_comment", withheld: ["anthropic_api_key", "gitea_token"] }, { triggerPhrase: "@claude" });
    expect(text).toContain("it comes from the fork carol/app");
    expect(text).toContain("(here `anthropic_api_key`, `gitea_token` arrived empty)");
    expect(text).toContain("read-only job token");
    expect(text).toContain("`pull_request_target`");
    expect(text).toContain("git fetch origin pull/7/head && git push origin FETCH_HEAD:refs/heads/pr-7");
  });
});

describe("forkRunOf on pull_request payloads", () => {
  it("reads the fork (or AGit) from the payload, without asking Gitea", async () => {
    const event = (head: object) =>
      parseEvent("pull_request", { action: "opened", number: 7, pull_request: { ...pr, head, base: { ref: "main", sha: "b".repeat(40), repo_id: 1 } }, repository, sender: { id: 9, login: "carol" } });
    const unread = Promise.resolve({ ok: false as const, error: new Error("not asked") });
    expect(await forkRunOf(event({ label: "fix", ref: "fix", sha: "a".repeat(40), repo_id: 2, repo: { id: 2, full_name: "carol/app" } }), unread, noSecrets)).toMatchObject({
      origin: "the fork carol/app",
      eventName: "pull_request",
    });
    expect(await forkRunOf(event({ label: "", ref: "refs/pull/7/head", sha: "a".repeat(40), repo_id: 1 }), unread, noSecrets)).toMatchObject({ origin: expect.stringContaining("AGit") });
    expect(await forkRunOf(event({ label: "fix", ref: "fix", sha: "a".repeat(40), repo_id: 1 }), unread, noSecrets)).toBeUndefined();
  });
});
