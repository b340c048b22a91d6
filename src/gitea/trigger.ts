/**
 * Does this event ask for Claude? The trigger phrase as a word (in a comment,
 * review, or an issue/PR title or body), the assignee trigger (issue
 * assignees), the label trigger (issue labels), or a direct prompt, which
 * always triggers.
 */
import type { EventContext } from "./context";

export type TriggerInputs = {
  trigger_phrase: string;
  assignee_trigger: string;
  label_trigger: string;
  direct_prompt: string;
  override_prompt: string;
  mode: "tag" | "agent";
};

export type TriggerResult = { triggered: boolean; reason: string };

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The phrase preceded by start/whitespace and followed by whitespace, punctuation or end. */
export function containsPhrase(text: string, phrase: string): boolean {
  if (!text || !phrase) return false;
  return new RegExp(`(^|\\s)${escapeRegExp(phrase)}([\\s.,!?;:]|$)`).test(text);
}

export function checkTrigger(ctx: EventContext, inputs: TriggerInputs): TriggerResult {
  if (ctx.kind === "dispatch") return { triggered: true, reason: `dispatched task (${ctx.source})` };
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
  const { entity, trigger } = ctx;
  switch (trigger.kind) {
    case "comment":
      if (ctx.action === "deleted") return { triggered: false, reason: "the comment was deleted" };
      return containsPhrase(trigger.body, phrase)
        ? { triggered: true, reason: `comment ${trigger.commentId} contains '${phrase}'` }
        : { triggered: false, reason: `comment does not contain '${phrase}'` };
    case "review":
    case "review_comment":
      return containsPhrase(trigger.body, phrase)
        ? { triggered: true, reason: `review contains '${phrase}'` }
        : { triggered: false, reason: `review does not contain '${phrase}'` };
    case "issue": {
      const assignee = inputs.assignee_trigger;
      if (ctx.action === "assigned") {
        return assignee && entity.assignees.some((a) => a.toLowerCase() === assignee.toLowerCase())
          ? { triggered: true, reason: `issue assigned to ${assignee}` }
          : { triggered: false, reason: assignee ? `issue is not assigned to ${assignee}` : "assignee_trigger is not set" };
      }
      if (ctx.action === "label_updated" || ctx.action === "labeled") {
        const label = inputs.label_trigger;
        if (!label) return { triggered: false, reason: "label_trigger is not set" };
        // Gitea 1.25+ says which labels changed; 1.22–1.24 do not (every change while the label is on triggers).
        if (ctx.labelChange && !ctx.labelChange.added.includes(label)) return { triggered: false, reason: `label '${label}' was not added by this change` };
        return entity.labels.includes(label)
          ? { triggered: true, reason: `issue has label '${label}'` }
          : { triggered: false, reason: `issue does not have label '${label}'` };
      }
      if (ctx.action === "opened") return phraseInTitleOrBody(entity.title, entity.body, phrase, "issue");
      return { triggered: false, reason: `issues '${ctx.action}' does not trigger` };
    }
    case "pull_request":
      return phraseInTitleOrBody(entity.title, entity.body, phrase, "pull request");
  }
}

function phraseInTitleOrBody(title: string, body: string, phrase: string, what: string): TriggerResult {
  if (containsPhrase(body, phrase)) return { triggered: true, reason: `${what} body contains '${phrase}'` };
  if (containsPhrase(title, phrase)) return { triggered: true, reason: `${what} title contains '${phrase}'` };
  return { triggered: false, reason: `${what} does not contain '${phrase}'` };
}
