/**
 * Branch operations against real git repositories in temp directories (a
 * bare "origin" reached by path): names, identity, checking out a PR head
 * (at the trigger's commit) or a new branch, and finalizeBranch's push /
 * delete / keep decisions. (Credentials and the push path: test/unit/boundary.)
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  Git,
  GitError,
  checkoutPullBranch,
  configureGit,
  createWorkBranch,
  finalizeBranch,
  spawnRunner,
  workBranchName,
  runTag,
  type CommandRunner,
  type RemoteBranches,
  type WorkBranch,
} from "../../../src/gitea/git";

const ENV = {
  ...process.env,
  GIT_TERMINAL_PROMPT: "0",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_AUTHOR_NAME: "Test",
  GIT_AUTHOR_EMAIL: "test@example.com",
  GIT_COMMITTER_NAME: "Test",
  GIT_COMMITTER_EMAIL: "test@example.com",
};

function sh(args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", args, { cwd, env: ENV });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d));
    child.stderr.on("data", (d: Buffer) => (err += d));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`git ${args.join(" ")}: ${err}`))));
  });
}

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "ccga-git-unit-"));
});
afterAll(async () => rm(root, { recursive: true, force: true }));

let counter = 0;
/** A bare origin with main (1 commit), feature (1 more) and refs/pull/7/head (another), and a clone of it. */
async function fixture() {
  const dir = path.join(root, `f${++counter}`);
  const origin = path.join(dir, "origin.git");
  const seed = path.join(dir, "seed");
  const work = path.join(dir, "work");
  await sh(["init", "--quiet", "--bare", "--initial-branch=main", origin], root);
  await sh(["init", "--quiet", "--initial-branch=main", seed], root);
  await writeFile(path.join(seed, "a.txt"), "a\n");
  await sh(["add", "a.txt"], seed);
  await sh(["commit", "--quiet", "-m", "initial"], seed);
  const mainSha = await sh(["rev-parse", "HEAD"], seed);
  await sh(["checkout", "--quiet", "-b", "feature"], seed);
  await writeFile(path.join(seed, "b.txt"), "b\n");
  await sh(["add", "b.txt"], seed);
  await sh(["commit", "--quiet", "-m", "feature"], seed);
  const featureSha = await sh(["rev-parse", "HEAD"], seed);
  await sh(["checkout", "--quiet", "-b", "fork-work", "main"], seed);
  await writeFile(path.join(seed, "c.txt"), "c\n");
  await sh(["add", "c.txt"], seed);
  await sh(["commit", "--quiet", "-m", "from a fork"], seed);
  const pullSha = await sh(["rev-parse", "HEAD"], seed);
  await sh(["push", "--quiet", origin, "main", "feature", "fork-work:refs/pull/7/head"], seed);
  await sh(["clone", "--quiet", origin, work], root);
  await sh(["config", "user.name", "Test"], work);
  await sh(["config", "user.email", "test@example.com"], work);
  const git = new Git(spawnRunner, work, ENV);
  const remote: RemoteBranches & { deleted: string[] } = {
    deleted: [],
    async branch(name) {
      const sha = await sh(["for-each-ref", "--format=%(objectname)", `refs/heads/${name}`], origin);
      return sha ? { commit: { id: sha } } : undefined;
    },
    async deleteBranch(name) {
      this.deleted.push(name);
      await sh(["update-ref", "-d", `refs/heads/${name}`], origin);
    },
    // Stands in for src/boundary/push.ts: the same refspec, no force.
    async push(branch, target = branch.name) {
      try {
        await sh(["push", "--quiet", origin, `refs/heads/${branch.name}:refs/heads/${target}`], work);
        return { ok: true, message: "pushed" };
      } catch (error) {
        const message = (error as Error).message;
        return { ok: false, message: message.trim().split("\n").slice(-1)[0] ?? "", ...(/non-fast-forward|fetch first/.test(message) ? { nonFastForward: true } : {}) };
      }
    },
    async fetch(name) {
      try {
        await sh(["fetch", "--quiet", "--no-tags", origin, `+refs/heads/${name}:refs/remotes/origin/${name}`], work);
        return true;
      } catch {
        return false;
      }
    },
  };
  const originSha = (name: string) => sh(["for-each-ref", "--format=%(objectname)", `refs/heads/${name}`], origin);
  const commit = async (file: string) => {
    await writeFile(path.join(work, file), `${file}\n`);
    await sh(["add", file], work);
    await sh(["commit", "--quiet", "-m", `add ${file}`], work);
    return sh(["rev-parse", "HEAD"], work);
  };
  return { origin, work, git, remote, originSha, commit, mainSha, featureSha, pullSha };
}

describe("workBranchName", () => {
  const now = new Date("2026-01-05T09:07:00Z");

  it("is <prefix><kind>-<n>-YYYYMMDD-HHMM in UTC", () => {
    expect(workBranchName("claude/", "issue", 12, now)).toBe("claude/issue-12-20260105-0907");
    expect(workBranchName("bot-", "pr", 3, new Date("2026-12-31T23:59:59+02:00"))).toBe("bot-pr-3-20261231-2159");
  });

  it("makes a dispatch correlation id safe for a ref name, short, and lower case", () => {
    // ".." is not allowed in a ref name.
    expect(workBranchName("claude/", "task", "Ticket/ABC 42..x", now)).toBe("claude/task-ticket-abc-42-x-20260105-0907");
    expect(workBranchName("claude/", "task", "a.b", now)).toBe("claude/task-a.b-20260105-0907");
    expect(workBranchName("claude/", "task", "--lead--", now)).toBe("claude/task-lead-20260105-0907");
    const long = workBranchName("claude/", "task", "x".repeat(100), now);
    expect(long).toBe(`claude/task-${"x".repeat(40)}-20260105-0907`);
  });

  it("always gives a valid git branch name", async () => {
    for (const id of ["Ticket/ABC 42..x", "..", "a...b", "x@{1}", "ref.lock", "ü~^:?*[\\", "-x-"]) {
      const name = workBranchName("claude/", "task", id, now);
      await expect(sh(["check-ref-format", "--branch", name], root), `${id} → ${name}`).resolves.toBe(name);
    }
  });

  it("does not repeat the kind when the id starts with it, nor end the id in '-' or '.'", () => {
    expect(workBranchName("claude/", "task", "task-7f3a", now)).toBe("claude/task-7f3a-20260105-0907");
    expect(workBranchName("claude/", "task", `${"y".repeat(39)}.z`, now)).toBe(`claude/task-${"y".repeat(39)}-20260105-0907`);
  });

  it("ends in the run's tag when given, so two runs at the same minute get two branches", async () => {
    expect(workBranchName("claude/", "issue", 12, now, runTag("4242", "1"))).toBe("claude/issue-12-20260105-0907-r4242");
    expect(workBranchName("claude/", "issue", 12, now, runTag("4242", "3"))).toBe("claude/issue-12-20260105-0907-r4242.3");
    expect(runTag("4242", "")).toBe("r4242");
    expect(runTag("", "1", () => "a1b2c3")).toBe("a1b2c3");
    expect(runTag("", "")).toMatch(/^[0-9a-f]{6}$/);
    expect(runTag("", "")).not.toBe(runTag("", ""));
    const name = workBranchName("claude/", "task", "x", now, runTag("99", "2"));
    await expect(sh(["check-ref-format", "--branch", name], root)).resolves.toBe(name);
  });

  it("leaves the id out when there is none", () => {
    expect(workBranchName("claude/", "task", undefined, now)).toBe("claude/task-20260105-0907");
    expect(workBranchName("claude/", "task", "", now)).toBe("claude/task-20260105-0907");
  });
});

describe("Git", () => {
  it("run returns trimmed stdout and throws GitError with the last stderr lines", async () => {
    const calls: { command: string; args: string[]; cwd: string }[] = [];
    const runner: CommandRunner = {
      async run(command, args, { cwd }) {
        calls.push({ command, args, cwd });
        return args[0] === "ok"
          ? { code: 0, stdout: "  out\n", stderr: "" }
          : { code: 128, stdout: "", stderr: "line 1\nline 2\nline 3\nfatal: nope\n" };
      },
    };
    const git = new Git(runner, "/ws");
    expect(await git.run(["ok"])).toBe("out");
    await expect(git.run(["fail", "x"])).rejects.toThrow(GitError);
    await expect(git.run(["fail", "x"])).rejects.toThrow("git fail x failed (exit 128): line 2 line 3 fatal: nope");
    expect((await git.tryRun(["fail"])).code).toBe(128);
    expect(calls.every((c) => c.command === "git" && c.cwd === "/ws")).toBe(true);
  });
});

describe("configureGit", () => {
  it("sets the identity and nothing else: no credential enters the repository's config", async () => {
    const work = path.join(root, `id${++counter}`);
    await sh(["init", "--quiet", work], root);
    await sh(["remote", "add", "origin", "https://gitea.example.com/acme/app.git"], work);
    await configureGit(new Git(spawnRunner, work, ENV), { name: "Claude", email: "claude@example.com" });
    expect(await sh(["config", "--local", "user.name"], work)).toBe("Claude");
    expect(await sh(["config", "--local", "user.email"], work)).toBe("claude@example.com");
    expect(await sh(["config", "--local", "--list"], work)).not.toMatch(/extraheader|credential/i);
  });
});

describe("checkoutPullBranch / createWorkBranch", () => {
  it("checks out a same-repository PR's head branch, tracking origin", async () => {
    const f = await fixture();
    const work = await checkoutPullBranch(f.git, "feature", "main");
    expect(work).toEqual({ name: "feature", base: "main", startSha: f.featureSha, isNew: false, pushable: true });
    expect(await sh(["symbolic-ref", "--short", "HEAD"], f.work)).toBe("feature");
    expect(await sh(["rev-parse", "--abbrev-ref", "feature@{upstream}"], f.work)).toBe("origin/feature");
  });

  it("checks out the commit the trigger saw, not a later push to the branch", async () => {
    const f = await fixture();
    const later = await sh(["commit-tree", "-p", f.featureSha, "-m", "pushed after the trigger", `${f.featureSha}^{tree}`], f.origin);
    await sh(["update-ref", "refs/heads/feature", later], f.origin);
    const work = await checkoutPullBranch(f.git, "feature", "main", f.featureSha);
    expect(work.startSha).toBe(f.featureSha);
    expect(await sh(["rev-parse", "HEAD"], f.work)).toBe(f.featureSha);
  });

  it("says so when the commit the trigger saw is gone (force-pushed away)", async () => {
    const f = await fixture();
    await expect(checkoutPullBranch(f.git, "feature", "main", "0".repeat(40))).rejects.toThrow(/no longer contains that commit \(force-pushed since\)/);
  });

  it("fails clearly when the head branch does not exist", async () => {
    const f = await fixture();
    await expect(checkoutPullBranch(f.git, "gone", "main")).rejects.toThrow(/git fetch .*gone.* failed/);
  });

  it("creates a new branch from a branch of origin without pushing it", async () => {
    const f = await fixture();
    const work = await createWorkBranch(f.git, "claude/issue-1-20260101-0000", { ref: "main", base: "main" });
    expect(work).toEqual({ name: "claude/issue-1-20260101-0000", base: "main", startSha: f.mainSha, isNew: true, pushable: true });
    expect(await sh(["symbolic-ref", "--short", "HEAD"], f.work)).toBe("claude/issue-1-20260101-0000");
    expect(await f.originSha("claude/issue-1-20260101-0000")).toBe("");
  });

  it("creates a new branch from a fork's refs/pull/N/head", async () => {
    const f = await fixture();
    const work = await createWorkBranch(f.git, "claude/pr-7-20260101-0000", { ref: "refs/pull/7/head", base: "main" });
    expect(work).toMatchObject({ startSha: f.pullSha, base: "main", isNew: true });
    expect(await sh(["rev-parse", "HEAD"], f.work)).toBe(f.pullSha);
    expect(await f.originSha("claude/pr-7-20260101-0000")).toBe("");
  });
});

describe("finalizeBranch", () => {
  const NAME = "claude/issue-1-20260101-0000";
  const newBranch = async () => {
    const f = await fixture();
    const work = await createWorkBranch(f.git, NAME, { ref: "main", base: "main" });
    return { f, work };
  };

  it("a new branch never pushed and without commits: nothing to delete, no branch", async () => {
    const { f, work } = await newBranch();
    expect(await finalizeBranch(f.git, f.remote, work)).toEqual({ branch: "", commits: 0, pushed: false, deleted: false });
    expect(f.remote.deleted).toEqual([]);
  });

  it("a new branch pushed without commits is deleted", async () => {
    const { f, work } = await newBranch();
    await sh(["push", "--quiet", "origin", "HEAD"], f.work);
    expect(await f.originSha(NAME)).toBe(f.mainSha);
    expect(await finalizeBranch(f.git, f.remote, work)).toEqual({ branch: "", commits: 0, pushed: false, deleted: true });
    expect(await f.originSha(NAME)).toBe("");
  });

  it("commits left unpushed are pushed", async () => {
    const { f, work } = await newBranch();
    await f.commit("one.txt");
    const head = await f.commit("two.txt");
    expect(await finalizeBranch(f.git, f.remote, work)).toEqual({ branch: NAME, commits: 2, pushed: true, deleted: false });
    expect(await f.originSha(NAME)).toBe(head);
  });

  it("commits already pushed: kept, nothing pushed again", async () => {
    const { f, work } = await newBranch();
    const head = await f.commit("one.txt");
    await sh(["push", "--quiet", "origin", "HEAD"], f.work);
    expect(await finalizeBranch(f.git, f.remote, work)).toEqual({ branch: NAME, commits: 1, pushed: false, deleted: false });
    expect(await f.originSha(NAME)).toBe(head);
  });

  it("commits made on Gitea (contents API) that the checkout never saw: kept", async () => {
    const { f, work } = await newBranch();
    // Someone (the gitea MCP server's commit_files) moved the remote branch on.
    const seedSha = await sh(["commit-tree", "-p", f.mainSha, "-m", "via api", `${f.mainSha}^{tree}`], f.origin);
    await sh(["update-ref", `refs/heads/${NAME}`, seedSha], f.origin);
    expect(await finalizeBranch(f.git, f.remote, work)).toEqual({ branch: NAME, commits: 0, pushed: false, deleted: false });
    expect(f.remote.deleted).toEqual([]);
  });

  it("a PR head branch is never deleted, with or without commits", async () => {
    const f = await fixture();
    const work = await checkoutPullBranch(f.git, "feature", "main");
    expect(await finalizeBranch(f.git, f.remote, work)).toEqual({ branch: "feature", commits: 0, pushed: false, deleted: false });
    expect(await f.originSha("feature")).toBe(f.featureSha);
    const head = await f.commit("x.txt");
    expect(await finalizeBranch(f.git, f.remote, work)).toEqual({ branch: "feature", commits: 1, pushed: true, deleted: false });
    expect(await f.originSha("feature")).toBe(head);
  });

  it("a PR head that moved on under the run: the run's commits go to its fallback branch, nothing is overwritten", async () => {
    const f = await fixture();
    const work = { ...(await checkoutPullBranch(f.git, "feature", "main")), fallback: "claude/pr-7-20260101-0000-r42" };
    const ours = await f.commit("local.txt");
    // Another run pushed first.
    const theirs = await sh(["commit-tree", "-p", f.featureSha, "-m", "theirs", `${f.featureSha}^{tree}`], f.origin);
    await sh(["update-ref", "refs/heads/feature", theirs], f.origin);
    const outcome = await finalizeBranch(f.git, f.remote, work);
    expect(outcome).toMatchObject({ branch: "claude/pr-7-20260101-0000-r42", movedFrom: "feature", commits: 1, pushed: true, deleted: false });
    expect(outcome.note).toContain("feature moved on while Claude worked");
    expect(await f.originSha("feature")).toBe(theirs);
    expect(await f.originSha("claude/pr-7-20260101-0000-r42")).toBe(ours);
  });

  it("commits someone already built on (the remote contains them) stay where they are", async () => {
    const f = await fixture();
    const work = { ...(await checkoutPullBranch(f.git, "feature", "main")), fallback: "claude/pr-7-x" };
    const ours = await f.commit("local.txt");
    await sh(["push", "--quiet", "origin", "HEAD"], f.work);
    const later = await sh(["commit-tree", "-p", ours, "-m", "later", `${ours}^{tree}`], f.origin);
    await sh(["update-ref", "refs/heads/feature", later], f.origin);
    expect(await finalizeBranch(f.git, f.remote, work)).toEqual({ branch: "feature", commits: 1, pushed: false, deleted: false });
    expect(await f.originSha("claude/pr-7-x")).toBe("");
  });

  it("a new branch whose name another job took: the run's commits go to the fallback", async () => {
    const { f, work } = await newBranch();
    const ours = await f.commit("mine.txt");
    const theirs = await sh(["commit-tree", "-p", f.mainSha, "-m", "other job", `${f.mainSha}^{tree}`], f.origin);
    await sh(["update-ref", `refs/heads/${NAME}`, theirs], f.origin);
    const outcome = await finalizeBranch(f.git, f.remote, { ...work, fallback: `${NAME}-abc123` });
    expect(outcome).toMatchObject({ branch: `${NAME}-abc123`, movedFrom: NAME, pushed: true });
    expect(await f.originSha(NAME)).toBe(theirs);
    expect(await f.originSha(`${NAME}-abc123`)).toBe(ours);
  });

  it("a rejected push is reported as a note, not thrown", async () => {
    const f = await fixture();
    const work = await checkoutPullBranch(f.git, "feature", "main");
    await f.commit("local.txt");
    // The PR author pushed meanwhile: ours is no longer a fast-forward.
    const theirs = await sh(["commit-tree", "-p", f.featureSha, "-m", "theirs", `${f.featureSha}^{tree}`], f.origin);
    await sh(["update-ref", "refs/heads/feature", theirs], f.origin);
    const outcome = await finalizeBranch(f.git, f.remote, work);
    expect(outcome).toMatchObject({ branch: "feature", commits: 1, pushed: false, deleted: false });
    expect(outcome.note).toMatch(/^could not push leftover commits to feature: /);
    expect(await f.originSha("feature")).toBe(theirs);
  });

  it("does not push a branch marked not pushable", async () => {
    const { f, work } = await newBranch();
    await f.commit("one.txt");
    const outcome = await finalizeBranch(f.git, f.remote, { ...work, pushable: false } satisfies WorkBranch);
    expect(outcome).toEqual({ branch: "", commits: 0, pushed: false, deleted: false });
    expect(await f.originSha(NAME)).toBe("");
  });

  it("a local branch that is gone (Claude switched away and deleted it) counts as no work", async () => {
    const { f, work } = await newBranch();
    await sh(["checkout", "--quiet", "main"], f.work);
    await sh(["branch", "-D", NAME], f.work);
    expect(await finalizeBranch(f.git, f.remote, work)).toEqual({ branch: "", commits: 0, pushed: false, deleted: false });
  });
});
