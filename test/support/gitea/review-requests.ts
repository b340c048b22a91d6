/**
 * Requesting a reviewer on a pull request, as Gitea checks and records it
 * (services/issue/assignee.go isValidReviewRequest, 1.22–1.25): the reviewer
 * must be a user who can read the pull requests and not the poster; the
 * requester must be the poster, the repository's owner or a collaborator of
 * any level (so a reader who opened the pull request may request reviewers).
 * The request is kept as a review of type "request" (listed with state
 * REQUEST_REVIEW), and Gitea Actions gets a `pull_request` event with action
 * `review_requested`, `requested_reviewer`, and the requester's permissions.
 */
import type { Core } from "./core";
import type { GiteaEmulator } from "./index";
import { pullRequestPayload } from "./payloads";
import { isoNow, type Review } from "./store";

type Emu = GiteaEmulator | Core;
const coreOf = (emu: Emu): Core => ("core" in emu ? emu.core : emu);

export async function requestReview(emu: Emu, repo: string, index: number, o: { by: string; reviewer: string }): Promise<Record<string, unknown>> {
  const core = coreOf(emu);
  const r = core.store.repo(repo);
  const issue = core.store.issue(repo, index);
  if (!issue.isPull) throw new Error(`${repo}#${index} is not a pull request`);
  const reviewer = core.store.user(o.reviewer);
  const doer = core.store.user(o.by);
  if (core.store.accessMode(r, reviewer.login) === "none") throw new Error("Reviewer can't read");
  if (reviewer.login.toLowerCase() === issue.user.toLowerCase()) throw new Error("poster of pr can't be reviewer");
  const mayChoose =
    doer.login.toLowerCase() === issue.user.toLowerCase() || doer.login.toLowerCase() === r.owner.toLowerCase() || r.collaborators.has(doer.login.toLowerCase());
  if (!mayChoose) throw new Error("Doer can't choose reviewer");
  const pr = core.pull(repo, index);
  const head = (await r.git.revParse(`refs/pull/${index}/head`)) ?? "";
  const now = isoNow();
  const review: Review = {
    id: core.store.nextId("review"),
    repo: pr.repo,
    index,
    user: reviewer.login,
    state: "REQUEST_REVIEW",
    body: "",
    commit_id: head,
    official: false,
    submitted_at: null,
    updated_at: now,
    comments: [],
  };
  core.store.reviews.set(review.id, review);
  return pullRequestPayload(emu, repo, index, "review_requested", doer.login, { requested_reviewer: reviewer.login });
}
