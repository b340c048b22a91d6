/**
 * Does this event ask for Claude? Only through what the sender did now:
 *
 * - the trigger phrase, as a word, in text the sender just wrote themselves:
 *   a new comment or review, a comment they just edited to add it, an issue or
 *   pull request they just opened (or edited to add it) — never in `>` quoted
 *   text, never in someone else's words (a writer who edits, labels, closes or
 *   syncs another user's pull request does not make its body the request);
 * - the label trigger when that label was just added, the assignee trigger
 *   when that user was just assigned (Gitea 1.25 names added labels; where the
 *   payload cannot say, prepare checks the issue's history so that one
 *   application runs at most once: see `history` in the result);
 * - a review request for the `reviewer_trigger` user (the requester is the
 *   sender; the pull request's body is context, not the request); when
 *   `reviewer_trigger` is set, a request for anyone else never triggers, not
 *   even with a direct prompt;
 * - a failed `workflow_run` of a pull request's current head (src/gitea/workflow-run.ts
 *   has made the event about that pull request);
 * - a direct prompt, which otherwise always triggers.
 */
import { withoutQuotes } from "../text/markdown";
import type { EventContext, TriggerSource as EntityTriggerSource } from "./context";

export type TriggerInputs = {
  trigger_phrase: string;
  assignee_trigger: string;
  reviewer_trigger: string;
  label_trigger: string;
  direct_prompt: string;
  override_prompt: string;
  mode: "tag" | "agent";
};

export type TriggerResult = {
  triggered: boolean;
  reason: string;
  /** The event cannot tell whether the label or assignee was just added: prepare must check the issue's history. */
  history?: { kind: "label"; name: string } | { kind: "assignee"; login: string };
};

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The phrase preceded by start/whitespace and followed by whitespace, punctuation or end. */
export function containsPhrase(text: string, phrase: string): boolean {
  if (!text || !phrase) return false;
  return new RegExp(`(^|\\s)${escapeRegExp(phrase)}([\\s.,!?;:]|$)`).test(text);
}

/** The phrase in the author's own words: not inside `>` quotes. */
export function asksFor(text: string, phrase: string): boolean {
  return containsPhrase(text, phrase) && containsPhrase(withoutQuotes(text), phrase);
}

/** The phrase in `now` and not already in `before` (an edit that added it). */
const newlyAsks = (now: string, before: string | undefined, phrase: string) => asksFor(now, phrase) && (before === undefined || !asksFor(before, phrase));

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export function checkTrigger(ctx: EventContext, inputs: TriggerInputs): TriggerResult {
  if (ctx.kind === "dispatch") return { triggered: true, reason: `dispatched task (${ctx.source})` };
  // Filters that hold whatever the prompt inputs say; in agent mode a run that passes still needs its prompt (below).
  if (ctx.kind === "entity" && ctx.trigger.kind === "review_request" && inputs.reviewer_trigger) {
    const r = reviewRequest(ctx.trigger, inputs.reviewer_trigger);
    if (!r.triggered || inputs.mode !== "agent") return r;
  }
  if (ctx.kind === "entity" && ctx.trigger.kind === "workflow_run") {
    const r = ciFailure(ctx.trigger.run);
    if (!r.triggered || inputs.mode !== "agent") return r;
  }
  if (inputs.direct_prompt.trim()) return { triggered: true, reason: "direct_prompt is set" };
  if (inputs.mode === "agent") {
    return inputs.override_prompt.trim()
      ? { triggered: true, reason: "agent mode with override_prompt" }
      : { triggered: false, reason: "agent mode needs direct_prompt or override_prompt" };
  }
  if (ctx.kind === "automation") {
    return inputs.override_prompt.trim()
      ? { triggered: true, reason: `${ctx.eventName} with override_prompt` }
      : { triggered: false, reason: `${ctx.eventName} has no comment to trigger on; set direct_prompt for automation` };
  }

  const phrase = inputs.trigger_phrase;
  const { entity, trigger, sender } = ctx;
  switch (trigger.kind) {
    case "comment": {
      if (ctx.action === "deleted") return { triggered: false, reason: "the comment was deleted" };
      if (!same(trigger.author.login, sender.login)) {
        return { triggered: false, reason: `@${sender.login} edited @${trigger.author.login}'s comment; only the author's own words can ask for Claude` };
      }
      if (ctx.action === "edited") {
        return newlyAsks(trigger.body, ctx.changes?.bodyFrom, phrase)
          ? { triggered: true, reason: `comment ${trigger.commentId} was edited to ask '${phrase}'` }
          : { triggered: false, reason: `the edit of comment ${trigger.commentId} did not add '${phrase}' outside quotes` };
      }
      if (asksFor(trigger.body, phrase)) return { triggered: true, reason: `comment ${trigger.commentId} contains '${phrase}'` };
      return {
        triggered: false,
        reason: containsPhrase(trigger.body, phrase) ? `'${phrase}' appears only in quoted text` : `comment does not contain '${phrase}'`,
      };
    }
    case "review":
    case "review_comment":
      return asksFor(trigger.body, phrase)
        ? { triggered: true, reason: `review contains '${phrase}'` }
        : { triggered: false, reason: `review does not contain '${phrase}' outside quotes` };
    case "issue": {
      if (ctx.action === "assigned") {
        const assignee = inputs.assignee_trigger;
        if (!assignee) return { triggered: false, reason: "assignee_trigger is not set" };
        if (!entity.assignees.some((a) => same(a, assignee))) return { triggered: false, reason: `issue is not assigned to ${assignee}` };
        // Gitea's payload does not say who was just assigned: prepare checks the issue's history.
        return { triggered: true, reason: `issue assigned to ${assignee}`, history: { kind: "assignee", login: assignee } };
      }
      if (ctx.action === "label_updated" || ctx.action === "labeled") return labelTrigger(ctx.changes?.addedLabels, entity.labels, inputs.label_trigger);
      return ownText(ctx, phrase, "issue");
    }
    case "pull_request":
      if (ctx.action === "label_updated" || ctx.action === "labeled") return labelTrigger(ctx.changes?.addedLabels, entity.labels, inputs.label_trigger);
      return ownText(ctx, phrase, "pull request");
    case "review_request":
      // With reviewer_trigger set, decided above; without it only direct_prompt (or agent mode) runs on review requests.
      return { triggered: false, reason: "reviewer_trigger is not set" };
    case "workflow_run":
      return { triggered: false, reason: "a workflow_run is decided by its run" };
  }
}

/**
 * A review request, with reviewer_trigger set: a request for that user starts
 * a review; a request for anyone else (or a removed request) never triggers.
 */
function reviewRequest(trigger: Extract<EntityTriggerSource, { kind: "review_request" }>, wanted: string): TriggerResult {
  const reviewer = trigger.reviewer?.login;
  if (trigger.removed) return { triggered: false, reason: `a review request${reviewer ? ` for ${reviewer}` : ""} was removed` };
  if (!reviewer || !same(reviewer, wanted)) {
    return { triggered: false, reason: `the review was requested from ${reviewer ? `@${reviewer}` : "a team"}, not from ${wanted} (reviewer_trigger)` };
  }
  return { triggered: true, reason: `@${trigger.author.login} requested a review from ${wanted}` };
}

/** A workflow run of the pull request's current head: only a completed, failed one asks for Claude. */
function ciFailure(run: Extract<EntityTriggerSource, { kind: "workflow_run" }>["run"]): TriggerResult {
  const what = `workflow '${run.workflow}' run #${run.number}`;
  if (run.status && run.status !== "completed") return { triggered: false, reason: `${what} is ${run.status}, not completed` };
  if (run.conclusion !== "failure") return { triggered: false, reason: `${what} concluded '${run.conclusion || "nothing"}', not 'failure'` };
  return { triggered: true, reason: `${what} failed on the pull request's head` };
}

function labelTrigger(added: string[] | undefined, labels: string[], label: string): TriggerResult {
  if (!label) return { triggered: false, reason: "label_trigger is not set" };
  if (added !== undefined) {
    return added.some((l) => l === label)
      ? { triggered: true, reason: `label '${label}' was just added` }
      : { triggered: false, reason: `label '${label}' was not among the labels just added` };
  }
  if (!labels.includes(label)) return { triggered: false, reason: `issue does not have label '${label}'` };
  // Gitea before 1.25 does not say which label changed: prepare checks when it was added.
  return { triggered: true, reason: `has label '${label}'`, history: { kind: "label", name: label } };
}

/** An issue or pull request's title/body: only when its author just wrote it (opened, or edited to add the phrase). */
function ownText(ctx: Extract<EventContext, { kind: "entity" }>, phrase: string, what: string): TriggerResult {
  const { entity, sender } = ctx;
  if (ctx.action !== "opened" && ctx.action !== "edited") return { triggered: false, reason: `${what} '${ctx.action}' does not trigger` };
  if (!same(entity.author.login, sender.login)) {
    return { triggered: false, reason: `@${sender.login} ${ctx.action} @${entity.author.login}'s ${what}; only the author's own words can ask for Claude` };
  }
  const before = ctx.action === "edited" ? ctx.changes : undefined;
  if (ctx.action === "edited" && !before) return { triggered: false, reason: `the edit of the ${what} does not say what changed` };
  if (newlyAsks(entity.body, ctx.action === "edited" ? (before?.bodyFrom ?? entity.body) : undefined, phrase)) {
    return { triggered: true, reason: `${what} body contains '${phrase}'` };
  }
  if (newlyAsks(entity.title, ctx.action === "edited" ? (before?.titleFrom ?? entity.title) : undefined, phrase)) {
    return { triggered: true, reason: `${what} title contains '${phrase}'` };
  }
  return { triggered: false, reason: `${what} does not contain '${phrase}'${ctx.action === "edited" ? " in what the edit added" : ""}` };
}
