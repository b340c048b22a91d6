/**
 * fetchEntityData / readPull: what is read (and what is not), in parallel,
 * which comments count as "before the trigger", how reviews, files, commits
 * and attachments are mapped, and that untrusted text comes out sanitized.
 */
import { describe, expect, it } from "vitest";
import { GiteaError, type GiteaClient } from "../../../src/gitea/client";
import type { Entity, TriggerSource } from "../../../src/gitea/context";
import { EDITED_AFTER_TRIGGER, fetchEntityData, readPull, type PullData } from "../../../src/gitea/data";
import type { GiteaAttachment, GiteaComment, GiteaPullRequest, GiteaReview, GiteaReviewComment } from "../../../src/gitea/types";

const user = (login: string, id = 1) => ({ id, login });

type Calls = { method: string; args: unknown[] }[];

type FakeData = {
  comments?: GiteaComment[];
  issueAssets?: GiteaAttachment[];
  commentAssets?: Record<number, GiteaAttachment[]>;
  pull?: Partial<GiteaPullRequest>;
  files?: unknown[];
  commits?: unknown[];
  reviews?: GiteaReview[];
  reviewComments?: Record<number, GiteaReviewComment[]>;
};

function fakeClient(data: FakeData = {}) {
  const calls: Calls = [];
  const record =
    <T>(method: string, value: (...args: never[]) => T) =>
    async (...args: unknown[]) => {
      calls.push({ method, args });
      return value(...(args as never[]));
    };
  const client = {
    issueComments: record("issueComments", () => data.comments ?? []),
    issueAssets: record("issueAssets", () => data.issueAssets ?? []),
    commentAssets: record("commentAssets", (id: number) => data.commentAssets?.[id] ?? []),
    pull: record("pull", () => ({
      id: 1,
      number: 7,
      title: "t",
      user: user("alice"),
      state: "open",
      head: { ref: "feature", sha: "aaa", repo_id: 1 },
      base: { ref: "main", sha: "bbb", repo_id: 1 },
      ...data.pull,
    })),
    pullFilesUpTo: record("pullFilesUpTo", (_n: number, max: number) => ({ items: (data.files ?? []).slice(0, max), total: (data.files ?? []).length })),
    pullCommitsPage: record("pullCommitsPage", () => ({ items: (data.commits ?? []).slice(0, 50), total: (data.commits ?? []).length })),
    pullReviews: record("pullReviews", () => data.reviews ?? []),
    pullReviewComments: record("pullReviewComments", (_n: number, id: number) => data.reviewComments?.[id] ?? []),
  };
  return { client: client as unknown as GiteaClient, calls, methods: () => calls.map((c) => c.method) };
}

const issue = (over: Partial<Entity> = {}): Entity => ({
  number: 12,
  isPR: false,
  title: "Crash",
  body: "It crashes.",
  author: { login: "alice", id: 1 },
  state: "open",
  labels: [],
  assignees: [],
  htmlUrl: "https://gitea.example.com/acme/app/issues/12",
  ...over,
});
const pr = (over: Partial<Entity> = {}): Entity => issue({ number: 7, isPR: true, htmlUrl: "https://gitea.example.com/acme/app/pulls/7", ...over });

const T = "2026-03-01T12:00:00Z";
const at = (deltaSeconds: number) => new Date(Date.parse(T) + deltaSeconds * 1000).toISOString().replace(".000Z", "Z");
const comment = (id: number, created: string, body = `comment ${id}`, login = "bob"): GiteaComment => ({ id, body, user: user(login), created_at: created });
const commentTrigger = (id: number, createdAt = T): TriggerSource => ({ kind: "comment", commentId: id, body: "@claude go", createdAt, author: { login: "alice", id: 1 } });

describe("fetchEntityData: an issue", () => {
  it("reads comments and attachments only; nothing about pull requests", async () => {
    const { client, methods } = fakeClient({ comments: [comment(1, at(-60))] });
    const data = await fetchEntityData(client, issue(), commentTrigger(2));
    expect(methods().sort()).toEqual(["issueAssets", "issueComments"]);
    expect(data.files).toEqual([]);
    expect(data.commits).toEqual([]);
    expect(data.reviews).toEqual([]);
    expect(data.pull).toBeUndefined();
    expect(data.title).toBe("Crash");
    expect(data.body).toBe("It crashes.");
  });

  it("keeps only comments created before the trigger, never the trigger itself", async () => {
    const comments = [comment(1, at(-120)), comment(2, at(-1)), comment(5, T, "@claude go", "alice"), comment(9, at(30)), comment(11, at(3600))];
    const { client } = fakeClient({ comments });
    const data = await fetchEntityData(client, issue(), commentTrigger(5));
    expect(data.comments.map((c) => c.id)).toEqual([1, 2]);
    expect(data.comments[0]).toEqual({ id: 1, author: "bob", createdAt: at(-120), body: "comment 1" });
  });

  it("a comment posted after the trigger within the same second is not kept (ids grow with creation)", async () => {
    // Gitea's timestamps have one-second resolution: only the id orders comments inside a second.
    const comments = [comment(4, T, "just before"), comment(5, T, "@claude go", "alice"), comment(6, T, "just after")];
    const { client } = fakeClient({ comments });
    const data = await fetchEntityData(client, issue(), commentTrigger(5));
    expect(data.comments.map((c) => c.body)).toEqual(["just before"]);
  });

  it("shows a comment edited at or after the trigger's second as edited, not its new text", async () => {
    const edited = (id: number, created: string, updated: string, body: string): GiteaComment => ({ ...comment(id, created, body), updated_at: updated });
    const comments = [
      edited(1, at(-120), at(-120), "never edited"),
      edited(2, at(-120), at(-30), "edited before the request"),
      edited(3, at(-120), T, "edited in the same second"),
      edited(4, at(-120), at(90), "edited while the job was queued"),
      comment(5, T, "@claude go", "alice"),
    ];
    const { client } = fakeClient({ comments });
    const data = await fetchEntityData(client, issue(), commentTrigger(5));
    expect(data.comments.map((c) => c.body)).toEqual(["never edited", "edited before the request", EDITED_AFTER_TRIGGER, EDITED_AFTER_TRIGGER]);
  });

  it("for an assignment or label trigger every comment is context", async () => {
    const comments = [comment(1, at(-60)), comment(2, at(60))];
    const { client } = fakeClient({ comments });
    const data = await fetchEntityData(client, issue(), { kind: "issue", author: { login: "alice", id: 1 } });
    expect(data.comments.map((c) => c.id)).toEqual([1, 2]);
    expect(data.triggerBody).toBe("");
    expect(data.triggerAuthor).toBe("alice");
  });

  it("lists the attachments of the issue and of kept comments (from the comments themselves), images apart", async () => {
    const asset = (id: number, name: string, size?: number): GiteaAttachment => ({
      id,
      name,
      browser_download_url: `https://gitea.example.com/attachments/${id}`,
      ...(size !== undefined ? { size } : {}),
    });
    const comments = [
      { ...comment(1, at(-60), "see the log"), assets: [asset(101, "build\u200b.log", 2048)] },
      comment(2, at(-30), "embedded: ![shot](/attachments/0b6c1b9e-8d7a-4d7e-9a55-2f0f5c1d3e4a) and <img src='https://elsewhere.example/x.png'>"),
      { ...comment(3, at(-20), "other repo: ![x](/attachments/11111111-2222-4333-8444-555555555555)"), assets: [{ ...asset(103, "pic.png"), uuid: "0b6c1b9e-8d7a-4d7e-9a55-2f0f5c1d3e4a" }] },
      { ...comment(9, at(60), "later"), assets: [asset(109, "later.txt")] },
    ];
    const { client, calls } = fakeClient({ comments, issueAssets: [asset(100, "screenshot.png", 10)] });
    const data = await fetchEntityData(client, issue(), commentTrigger(5));
    expect(calls.map((c) => c.method)).not.toContain("commentAssets");
    expect(data.attachments).toEqual([{ name: "build.log", url: "https://gitea.example.com/attachments/101", on: "comment 1", size: 2048 }]);
    expect(data.images).toEqual([
      { on: "issue", url: "https://gitea.example.com/attachments/100", name: "screenshot.png", size: 10 },
      { on: "comment 3", url: "https://gitea.example.com/attachments/103", name: "pic.png" },
      // An attachment of some other issue or repository is not fetched for Claude.
      { on: "comment 3", url: "/attachments/11111111-2222-4333-8444-555555555555", skipped: "not an attachment of this issue or pull request" },
      // One of this issue's attachments (of comment 3), embedded in comment 2: fetched.
      { on: "comment 2", url: "/attachments/0b6c1b9e-8d7a-4d7e-9a55-2f0f5c1d3e4a" },
      { on: "comment 2", url: "https://elsewhere.example/x.png" },
    ]);
  });

  it("with attachments disabled on the server (assets answer 404) there is nothing to get", async () => {
    const { client } = fakeClient({ comments: [comment(1, at(-60))] });
    (client as unknown as { issueAssets: () => Promise<never> }).issueAssets = async () => {
      throw new GiteaError("GET /repos/acme/app/issues/12/assets", 404, "HTTP 404");
    };
    const data = await fetchEntityData(client, issue(), commentTrigger(2));
    expect(data.attachments).toEqual([]);
    expect(data.images).toEqual([]);
  });

  it("sanitizes the title, body, comments and the trigger", async () => {
    const { client } = fakeClient({ comments: [comment(1, at(-60), "ok <!-- HIDDEN --> fine\u200b")] });
    const data = await fetchEntityData(
      client,
      issue({ title: "T&#105;tle\u202e", body: "&lt;!-- HIDDEN --&gt;Body" }),
      { kind: "comment", commentId: 2, createdAt: T, body: "@claude <!-- HIDDEN -->go", author: { login: "alice", id: 1, fullName: "Alice\u200b <!-- HIDDEN -->" } },
    );
    expect(data.title).toBe("Title");
    expect(data.body).toBe("Body");
    expect(data.comments[0]!.body).toBe("ok  fine");
    expect(data.triggerBody).toBe("@claude go");
    expect(data.triggerAuthorName).toBe("Alice");
    // data.entity is the parsed payload as it came (the prompt reads the sanitized copies above).
    const { entity: _raw, ...derived } = data;
    expect(JSON.stringify(derived)).not.toContain("HIDDEN");
  });
});

describe("fetchEntityData: a pull request", () => {
  it("starts every independent read before any of them answers", async () => {
    const started: string[] = [];
    const gates: Array<() => void> = [];
    const pending =
      <T>(name: string, value: T) =>
      () => {
        started.push(name);
        return new Promise<T>((resolve) => gates.push(() => resolve(value)));
      };
    const client = {
      issueComments: pending("issueComments", []),
      issueAssets: pending("issueAssets", []),
      pull: pending("pull", { id: 1, number: 7, title: "t", user: user("a"), state: "open", head: { ref: "f", sha: "a", repo_id: 1 }, base: { ref: "main", sha: "b", repo_id: 1 } }),
      pullFilesUpTo: pending("pullFilesUpTo", { items: [], total: 0 }),
      pullCommitsPage: pending("pullCommitsPage", { items: [] }),
      pullReviews: pending("pullReviews", []),
    } as unknown as GiteaClient;
    const result = fetchEntityData(client, pr(), commentTrigger(3));
    await new Promise((r) => setImmediate(r));
    expect(started.sort()).toEqual(["issueAssets", "issueComments", "pull", "pullCommitsPage", "pullFilesUpTo", "pullReviews"]);
    for (const open of gates) open();
    await expect(result).resolves.toMatchObject({ pull: { headRef: "f", fromFork: false } });
  });

  it("uses a pull request prepare already read instead of reading it again", async () => {
    const { client, methods } = fakeClient();
    const known: PullData = { headRef: "x", headSha: "1", baseRef: "main", fromFork: true, state: "open", merged: false };
    const data = await fetchEntityData(client, pr(), commentTrigger(3), { pull: Promise.resolve(known) });
    expect(methods()).not.toContain("pull");
    expect(data.pull).toBe(known);
  });

  it("maps files, commits and reviews; reads inline comments only of reviews that have some", async () => {
    const { client, calls } = fakeClient({
      files: [
        { filename: "src/new.ts", status: "added", additions: 10, deletions: 0, changes: 10 },
        { filename: "src/b.ts", previous_filename: "src/a.ts", status: "renamed", additions: 1, deletions: 1, changes: 2 },
      ],
      commits: [
        { sha: "c1", commit: { message: "Fix crash\n\nLong body <!-- HIDDEN -->" }, author: user("alice") },
        { sha: "c2", commit: { message: "Unlinked author", author: { name: "Some One" } }, author: null },
        { sha: "c3", commit: { message: "Nobody" } },
      ],
      reviews: [
        { id: 20, body: "LGTM", state: "APPROVED", user: user("carol"), comments_count: 0, submitted_at: T },
        { id: 21, body: "Two things &lt;!-- HIDDEN --&gt;", state: "REQUEST_CHANGES", user: null, comments_count: 2 },
      ],
      reviewComments: {
        21: [
          { id: 30, body: "Off by one\u200b", user: user("dave"), path: "src/new.ts", position: 4, diff_hunk: "@@ -1 +1 @@" },
          { id: 31, body: "On a removed line", user: null, path: "src/b.ts", position: 0 },
        ],
      },
    });
    const data = await fetchEntityData(client, pr(), commentTrigger(3));
    expect(calls.filter((c) => c.method === "pullReviewComments").map((c) => c.args)).toEqual([[7, 21]]);
    expect(data.files).toEqual([
      { path: "src/new.ts", status: "added", additions: 10, deletions: 0 },
      { path: "src/b.ts", previousPath: "src/a.ts", status: "renamed", additions: 1, deletions: 1 },
    ]);
    expect(data.commits).toEqual([
      { sha: "c1", message: "Fix crash", author: "alice" },
      { sha: "c2", message: "Unlinked author", author: "Some One" },
      { sha: "c3", message: "Nobody", author: "unknown" },
    ]);
    expect(data.reviews).toEqual([
      { id: 20, author: "carol", state: "APPROVED", body: "LGTM", submittedAt: T, comments: [] },
      {
        id: 21,
        author: "unknown",
        state: "REQUEST_CHANGES",
        body: "Two things",
        comments: [
          { id: 30, author: "dave", path: "src/new.ts", line: 4, body: "Off by one", diffHunk: "@@ -1 +1 @@" },
          { id: 31, author: "unknown", path: "src/b.ts", body: "On a removed line" },
        ],
      },
    ]);
    expect(data.attachments).toEqual([]);
  });

  it("labels the pull request's own attachments as such", async () => {
    const { client } = fakeClient({
      issueAssets: [
        { id: 1, name: "a.png", browser_download_url: "https://x/attachments/1" },
        { id: 2, name: "notes.pdf", browser_download_url: "https://x/attachments/2" },
      ],
    });
    const data = await fetchEntityData(client, pr(), commentTrigger(3));
    expect(data.attachments).toEqual([{ name: "notes.pdf", url: "https://x/attachments/2", on: "pull request" }]);
    expect(data.images).toEqual([{ name: "a.png", url: "https://x/attachments/1", on: "pull request" }]);
  });

  it("finds images embedded in reviews and their inline comments", async () => {
    const { client } = fakeClient({
      comments: [{ ...comment(1, at(-60), "x"), assets: [{ id: 5, name: "a.png", uuid: "0b6c1b9e-8d7a-4d7e-9a55-2f0f5c1d3e4a", browser_download_url: "https://g/attachments/0b6c1b9e-8d7a-4d7e-9a55-2f0f5c1d3e4a" }] }],
      reviews: [{ id: 21, body: "See ![](https://g/acme/app/raw/branch/main/shot.png)", state: "COMMENT", user: user("carol"), comments_count: 1 }],
      reviewComments: { 21: [{ id: 30, body: "<img src=\"/attachments/0b6c1b9e-8d7a-4d7e-9a55-2f0f5c1d3e4a\">", user: user("dave"), path: "a.ts", position: 1 }] },
    });
    const data = await fetchEntityData(client, pr(), commentTrigger(3));
    expect(data.images?.filter((i) => i.on.startsWith("review"))).toEqual([
      { on: "review 21", url: "https://g/acme/app/raw/branch/main/shot.png" },
      { on: "review comment 30", url: "/attachments/0b6c1b9e-8d7a-4d7e-9a55-2f0f5c1d3e4a" },
    ]);
  });

  it("reads only as many changed files as asked and the first page of commits, and counts all of them", async () => {
    const files = Array.from({ length: 120 }, (_, i) => ({ filename: `f${i}.ts`, status: "added", additions: 1, deletions: 0, changes: 1 }));
    const commits = Array.from({ length: 70 }, (_, i) => ({ sha: `c${i}`, commit: { message: `m${i}` } }));
    const { client, calls } = fakeClient({ files, commits });
    const data = await fetchEntityData(client, pr(), commentTrigger(3), { maxFiles: 60 });
    expect(calls.find((c) => c.method === "pullFilesUpTo")?.args).toEqual([7, 60]);
    expect(data.files).toHaveLength(60);
    expect(data.commits).toHaveLength(50);
    expect(data.totals).toEqual({ comments: 0, reviews: 0, files: 120, commits: 70 });
  });

  it("fails when a read fails (prepare reports it)", async () => {
    const { client } = fakeClient();
    (client as unknown as { pullFilesUpTo: () => Promise<never> }).pullFilesUpTo = async () => {
      throw new Error("GET pulls/7/files: 500");
    };
    await expect(fetchEntityData(client, pr(), commentTrigger(3))).rejects.toThrow("pulls/7/files: 500");
  });
});

describe("readPull", () => {
  const read = (over: Partial<GiteaPullRequest>) => readPull(fakeClient({ pull: over }).client, 7);

  it("a same-repository pull request", async () => {
    expect(await read({ additions: 3, deletions: 1 })).toEqual({
      headRef: "feature",
      headSha: "aaa",
      baseRef: "main",
      fromFork: false,
      state: "open",
      merged: false,
      additions: 3,
      deletions: 1,
    });
  });

  it("a fork's pull request, by repo_id or by the nested repo's id", async () => {
    expect((await read({ head: { ref: "f", sha: "1", repo_id: 2 }, base: { ref: "main", sha: "2", repo_id: 1 } })).fromFork).toBe(true);
    const repo = (id: number) => ({ id, name: "app", full_name: `o${id}/app`, owner: user(`o${id}`) });
    expect((await read({ head: { ref: "f", sha: "1", repo: repo(9) }, base: { ref: "main", sha: "2", repo: repo(1) } })).fromFork).toBe(true);
    expect((await read({ head: { ref: "f", sha: "1", repo: repo(1) }, base: { ref: "main", sha: "2", repo: repo(1) } })).fromFork).toBe(false);
  });

  it("a fork that was deleted (Gitea: repo_id -1, no repo, ref refs/pull/N/head) is still a fork", async () => {
    const data = await read({ head: { ref: "refs/pull/7/head", sha: "1", repo_id: -1, repo: null }, base: { ref: "main", sha: "2", repo_id: 1 } });
    expect(data).toMatchObject({ fromFork: true, headRef: "refs/pull/7/head", headSha: "1" });
  });

  it("without any repository ids it cannot tell, and says same repository", async () => {
    expect((await read({ head: { ref: "f", sha: "1" }, base: { ref: "main", sha: "2" } })).fromFork).toBe(false);
  });

  it("merged and closed", async () => {
    const data = await read({ state: "closed", merged: true });
    expect(data).toMatchObject({ state: "closed", merged: true });
  });
});

describe("attachments disabled on the server", () => {
  it("a 404 from the assets route means attachments are off: no attachments, a notice, no comment-assets reads", async () => {
    const { GiteaError } = await import("../../../src/gitea/client");
    const { client, methods } = fakeClient({ comments: [{ id: 5, body: "see /attachments/x", user: user("alice"), created_at: "2026-01-01T00:00:00Z" } as GiteaComment] });
    (client as unknown as { issueAssets: () => Promise<never> }).issueAssets = async () => {
      throw new GiteaError("GET /repos/acme/app/issues/12/assets", 404, "HTTP 404");
    };
    const data = await fetchEntityData(client, issue(), { kind: "issue", author: user("alice") });
    expect(data.attachments).toEqual([]);
    expect(data.notices).toEqual([expect.stringContaining("Attachments are disabled on this Gitea")]);
    expect(methods()).not.toContain("commentAssets");
  });

  it("other failures of the assets route still fail the read", async () => {
    const { GiteaError } = await import("../../../src/gitea/client");
    const { client } = fakeClient();
    (client as unknown as { issueAssets: () => Promise<never> }).issueAssets = async () => {
      throw new GiteaError("GET /repos/acme/app/issues/12/assets", 500, "HTTP 500");
    };
    await expect(fetchEntityData(client, issue(), { kind: "issue", author: user("alice") })).rejects.toThrow("HTTP 500");
  });
});

describe("readPull: forks and AGit pull requests", () => {
  const read = (pr: Partial<GiteaPullRequest>) => {
    const { client } = fakeClient({ pull: pr });
    return readPull(client, 7);
  };
  it("an AGit pull request: head refs/pull/N/head in the base repository with an empty label", async () => {
    const agit = await read({ head: { label: "", ref: "refs/pull/7/head", sha: "1", repo_id: 1 }, base: { ref: "main", sha: "2", repo_id: 1 } });
    expect(agit).toMatchObject({ fromFork: false, agit: true });
    const deleted = await read({ head: { label: "feature", ref: "refs/pull/7/head", sha: "1", repo_id: 1 }, base: { ref: "main", sha: "2", repo_id: 1 } });
    expect(deleted.agit).toBeUndefined();
    const fork = await read({ head: { label: "f", ref: "f", sha: "1", repo_id: 2, repo: { name: "app", full_name: "carol/app", owner: user("carol") } }, base: { ref: "main", sha: "2", repo_id: 1 } });
    expect(fork).toMatchObject({ fromFork: true, headRepo: "carol/app" });
  });
});
