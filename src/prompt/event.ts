/** What kind of event started a tag-mode run, in the prompt's words. */
import { cleanName } from "./format";
import type { PromptInput } from "./types";

export type EventDescription = {
  /** A short constant, e.g. GENERAL_COMMENT, ISSUE_ASSIGNED. */
  type: string;
  /** One line saying what triggered the run. */
  context: string;
  /** Where the request to Claude is written. */
  requestSource: "trigger_comment" | "entity" | "direct_prompt" | "review_request" | "ci_failure";
};

const words = (action: string) => action.replace(/_/g, " ");

export function describeEvent(input: PromptInput): EventDescription {
  const isPR = input.data?.entity.isPR ?? false;
  const phrase = input.triggerPhrase;
  const action = input.eventAction ?? "";
  const hasTriggerText = Boolean(input.data?.triggerBody);
  const from = (fallback: EventDescription["requestSource"]): EventDescription["requestSource"] =>
    input.directPrompt ? "direct_prompt" : fallback;

  switch (input.eventName) {
    case "issue_comment":
      return {
        type: "GENERAL_COMMENT",
        context: `${isPR ? "pull request" : "issue"} comment containing '${phrase}'`,
        requestSource: from(hasTriggerText ? "trigger_comment" : "entity"),
      };
    case "pull_request_review":
      return {
        type: "PR_REVIEW",
        context: `pull request review containing '${phrase}'`,
        requestSource: from(hasTriggerText ? "trigger_comment" : "entity"),
      };
    case "pull_request_review_comment":
      return {
        type: "REVIEW_COMMENT",
        context: `pull request review comment containing '${phrase}'`,
        requestSource: from(hasTriggerText ? "trigger_comment" : "entity"),
      };
    case "issues":
      if (action === "opened") {
        return { type: "ISSUE_CREATED", context: `new issue with '${phrase}' in its title or body`, requestSource: from("entity") };
      }
      if (action === "assigned") {
        const who = input.assigneeTrigger?.replace(/^@/, "");
        return {
          type: "ISSUE_ASSIGNED",
          context: who ? `issue assigned to '${who}'` : "issue assigned",
          requestSource: from("entity"),
        };
      }
      if (action === "label_updated" || action === "labeled") {
        return {
          type: "ISSUE_LABELED",
          context: input.labelTrigger ? `issue labeled '${input.labelTrigger}'` : "issue labels changed",
          requestSource: from("entity"),
        };
      }
      return {
        type: `ISSUE_${(action || "event").toUpperCase()}`,
        context: `issue ${words(action) || "event"}`,
        requestSource: from("entity"),
      };
    case "pull_request":
    case "pull_request_target":
      if (action === "review_requested" && input.requestedReviewer) {
        return {
          type: "REVIEW_REQUESTED",
          context: `@${input.actor ?? "someone"} requested a review of this pull request from ${input.requestedReviewer}`,
          requestSource: from("review_request"),
        };
      }
      return {
        type: "PULL_REQUEST",
        context: `pull request ${words(action) || "event"}`,
        requestSource: from("entity"),
      };
    case "workflow_run":
      if (input.ciRun) {
        const run = input.ciRun;
        return {
          type: "CI_FAILED",
          context: `workflow '${cleanName(run.workflow)}' run #${run.number} (${words(run.event)}) failed on this pull request's head commit ${run.headSha}${run.htmlUrl ? `: ${cleanName(run.htmlUrl)}` : ""}`,
          requestSource: from("ci_failure"),
        };
      }
      return {
        type: "WORKFLOW_RUN",
        context: `workflow run event${action ? ` (${words(action)})` : ""}`,
        requestSource: from("entity"),
      };
    default:
      return {
        type: input.eventName.toUpperCase(),
        context: `${words(input.eventName)} event${action ? ` (${words(action)})` : ""}`,
        requestSource: from("entity"),
      };
  }
}
