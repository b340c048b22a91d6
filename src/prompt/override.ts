/**
 * override_prompt: the user's whole prompt, with `$VARIABLE`s filled in. The
 * variables are those of v0.0.63; the table below is the documentation (the
 * README lists every entry, and a test checks it does).
 *
 * Substitution is one pass over the template: names are tried longest first
 * (so a longer name is never eaten by a shorter one), values are inserted
 * literally (no `$&`-style patterns), and a value that itself contains
 * `$PR_BODY` is not expanded again.
 */
import { sanitizeUntrusted } from "../text/sanitize";
import { completelyRead, type Fitted } from "./budget";
import { formatChangedFiles, formatComments, formatReviews } from "./format";
import { omittedSection } from "./omitted";
import { fitContext } from "./tag";
import { estimateTokens } from "./tokens";
import type { PromptInput } from "./types";

export const PROMPT_VARIABLES = {
  REPOSITORY: "The repository, as owner/name.",
  PR_NUMBER: "The pull request number (empty when the run is about an issue).",
  ISSUE_NUMBER: "The issue number (empty when the run is about a pull request).",
  PR_TITLE: "The pull request's title (empty for issues).",
  ISSUE_TITLE: "The issue's title (empty for pull requests).",
  PR_BODY: "The pull request's description (empty for issues).",
  ISSUE_BODY: "The issue's description (empty for pull requests).",
  PR_COMMENTS: "The pull request's comments, one block per comment (empty for issues).",
  ISSUE_COMMENTS: "The issue's comments, one block per comment (empty for pull requests).",
  REVIEW_COMMENTS: "The pull request's reviews with their inline comments (empty for issues).",
  CHANGED_FILES: "The pull request's changed files, one per line with status and line counts (empty for issues).",
  TRIGGER_COMMENT: "The text of the comment or review that triggered the run (empty for other triggers).",
  TRIGGER_USERNAME: "The login of the user who triggered the run.",
  BRANCH_NAME: "The branch Claude works on (the base branch when there is none).",
  BASE_BRANCH: "The branch a pull request from BRANCH_NAME targets.",
  EVENT_TYPE: "The Gitea event name, e.g. issue_comment, pull_request, issues, workflow_dispatch.",
  IS_PR: "'true' when the run is about a pull request, else 'false'.",
} as const satisfies Record<string, string>;

export type PromptVariable = keyof typeof PROMPT_VARIABLES;

export const PROMPT_VARIABLE_NAMES = Object.keys(PROMPT_VARIABLES) as PromptVariable[];

/** The value of every variable for this run. Text from Gitea is already sanitized in EntityData. */
export function promptVariableValues(input: PromptInput): Record<PromptVariable, string> {
  const data = input.data;
  const isPR = data?.entity.isPR ?? false;
  const when = (cond: boolean, value: () => string) => (cond && data ? value() : "");
  const comments = data ? formatComments(data) : "";
  return {
    REPOSITORY: input.repository,
    PR_NUMBER: when(isPR, () => String(data!.entity.number)),
    ISSUE_NUMBER: when(!isPR, () => String(data!.entity.number)),
    PR_TITLE: when(isPR, () => data!.title),
    ISSUE_TITLE: when(!isPR, () => data!.title),
    PR_BODY: when(isPR, () => data!.body),
    ISSUE_BODY: when(!isPR, () => data!.body),
    PR_COMMENTS: isPR ? comments : "",
    ISSUE_COMMENTS: !isPR ? comments : "",
    REVIEW_COMMENTS: when(isPR, () => formatReviews(data!)),
    CHANGED_FILES: when(isPR, () => formatChangedFiles(data!)),
    TRIGGER_COMMENT: data?.triggerBody ?? "",
    TRIGGER_USERNAME: data?.triggerAuthor ?? input.actor ?? "",
    BRANCH_NAME: input.branch?.name ?? input.branch?.base ?? "",
    BASE_BRANCH: input.branch?.base ?? "",
    EVENT_TYPE: input.eventName,
    IS_PR: String(isPR),
  };
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Replaces `$NAME` for every name in `values`, longest names first, in one pass. */
export function substituteVariables(template: string, values: Record<string, string>): string {
  const names = Object.keys(values).sort((a, b) => b.length - a.length || a.localeCompare(b));
  if (!names.length) return template;
  const pattern = new RegExp(`\\$(${names.map(escapeRegExp).join("|")})`, "g");
  return template.replace(pattern, (_match, name: string) => values[name] ?? "");
}

/**
 * The override prompt for this run: the template sanitized, then its
 * variables filled in. Over the context budget, the list variables hold the
 * lists cut to fit and a last section says what was left out.
 */
export function buildOverridePrompt(input: PromptInput): string {
  const template = sanitizeUntrusted(input.overridePrompt ?? "");
  const full = substituteVariables(template, promptVariableValues(input)) + "\n";
  const { data, contextBudget: budget } = input;
  if (!data || !budget || (completelyRead(data) && estimateTokens(full) <= budget)) return full;
  const assemble = (f: Fitted) =>
    substituteVariables(template, promptVariableValues({ ...input, data: f.data })) + "\n" + (f.omitted ? `\n${omittedSection(f.omitted, data.entity.isPR)}\n` : "");
  return assemble(fitContext(input, data, assemble, budget));
}
