/**
 * Helpers for the tag-mode end-to-end scenarios (test/e2e/tag-*.test.ts):
 * what a user sees on the emulator (comments, branches), what the CLI
 * received, and the shape of prepare's Gitea round trips.
 */
import { expect } from "vitest";
import { TRACKING_MARKER } from "../../src/gitea/tracking";
import type { Comment, RequestLogEntry } from "./gitea/index";
import { firstUserText, type CapturedRequest } from "./model/index";
import { REPO, USERS, World, step } from "./scenario";

export { TRACKING_MARKER };

/** Main model requests made from now on (for per-test counting in a shared World). */
export function mainRequestsFrom(world: World): () => CapturedRequest[] {
  const from = world.model.requests.length;
  return () => world.model.mainRequests.filter((r) => r.index >= from);
}

/** The prompt the CLI received: the first user text of the first main request. */
export function promptOf(requests: CapturedRequest[]): string {
  const first = requests[0];
  if (!first) throw new Error("the model received no main request");
  return firstUserText(first.body);
}

/** Comments on an issue/PR written by a user (default: the job token's user). */
export function commentsBy(world: World, index: number, login: string = USERS.actions): Comment[] {
  return world.gitea.listComments(REPO, index).filter((c) => c.user.toLowerCase() === login.toLowerCase());
}

export type RunResult = Awaited<ReturnType<World["runAction"]>>;

/** Prints the job log when the run did not end as expected (debugging aid only). */
export function expectSuccess(result: RunResult): void {
  if (!result.success) console.log(result.log);
  expect(result.success).toBe(true);
}

/** A refused run: prepare failed with `message`, exactly one explanation comment, no model request, nothing else. */
export function expectRefused(
  world: World,
  o: { result: RunResult; index: number; commentsBefore: number; main: () => CapturedRequest[]; branchesBefore: string[]; branchesAfter: string[]; message: RegExp },
): Comment {
  const { result } = o;
  expect(result.success).toBe(false);
  const prepare = step(result, "prepare");
  expect(prepare?.outcome).toBe("failure");
  expect(prepare?.log).toMatch(o.message);
  expect(step(result, "run")?.outcome).toBe("skipped");
  expect(step(result, "finish")?.outcome).toBe("skipped");
  expect(o.main()).toEqual([]);
  expect(o.branchesAfter).toEqual(o.branchesBefore);
  const all = world.gitea.listComments(REPO, o.index);
  expect(all).toHaveLength(o.commentsBefore + 1);
  const explanation = all[all.length - 1]!;
  expect(explanation.body).toContain("**Claude did not run**");
  expect(explanation.body).toMatch(o.message);
  expect(explanation.body).not.toContain("working");
  // Short: the reason and a link, nothing else.
  expect(explanation.body.length).toBeLessThan(800);
  return explanation;
}

/**
 * Sequential depth of a set of requests: the longest chain in which each
 * request started after the previous one had ended. Requests that overlap
 * count as one round trip.
 */
export function sequentialDepth(entries: readonly RequestLogEntry[]): number {
  const done = entries.filter((e) => e.endedAt !== null).sort((a, b) => a.startedAt - b.startedAt);
  const depth: number[] = [];
  for (let i = 0; i < done.length; i++) {
    let best = 0;
    for (let j = 0; j < i; j++) {
      if (done[j]!.endedAt! <= done[i]!.startedAt) best = Math.max(best, depth[j]!);
    }
    depth.push(best + 1);
  }
  return Math.max(0, ...depth);
}

/**
 * Git smart-HTTP requests grouped into git commands: a command starts with
 * `GET …/info/refs` and its `git-upload-pack` / `git-receive-pack` POSTs
 * follow; each command becomes one entry spanning all of its requests.
 */
export function gitCommands(entries: readonly RequestLogEntry[]): RequestLogEntry[] {
  const commands: RequestLogEntry[] = [];
  for (const e of [...entries].filter((x) => x.kind === "git").sort((a, b) => a.startedAt - b.startedAt)) {
    const last = commands[commands.length - 1];
    if (/\/info\/refs$/.test(e.path) || !last) commands.push({ ...e });
    else last.endedAt = last.endedAt === null || e.endedAt === null ? null : Math.max(last.endedAt, e.endedAt);
  }
  return commands;
}

/** Everything a user can read on the emulator after a run: comment bodies of an issue/PR. */
export function visibleText(world: World, index: number): string {
  return world.gitea
    .listComments(REPO, index)
    .map((c) => c.body)
    .join("\n\n");
}
