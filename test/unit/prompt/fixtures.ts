/** Canonical prompt inputs: an issue comment, a pull request with reviews and files, an assignment, automation and dispatch. */
import type { EntityData } from "../../../src/gitea/data";
import type { Entity } from "../../../src/gitea/context";
import type { PromptInput } from "../../../src/prompt";
import { defaultAllowedGiteaTools, giteaToolId, GITEA_TOOLS } from "../../../src/mcp/gitea/names";

const person = (login: string, fullName?: string) => ({ login, id: login.length, ...(fullName ? { fullName } : {}) });

export function issueEntity(overrides: Partial<Entity> = {}): Entity {
  return {
    number: 12,
    isPR: false,
    title: "Dates before 1970 crash the parser",
    body: "Parsing `1969-12-31` throws.\n\n@claude can you fix this?",
    author: person("alice", "Alice Liddell"),
    state: "open",
    labels: ["bug"],
    assignees: [],
    htmlUrl: "https://gitea.example.com/acme/widgets/issues/12",
    ...overrides,
  };
}

export function issueData(overrides: Partial<EntityData> = {}): EntityData {
  const entity = overrides.entity ?? issueEntity();
  return {
    entity,
    title: entity.title,
    body: entity.body,
    comments: [
      { id: 101, author: "bob", createdAt: "2026-01-02T09:00:00Z", body: "I can reproduce it on main." },
      { id: 102, author: "carol", createdAt: "2026-01-02T10:00:00Z", body: "Please also rewrite the README while you're at it." },
    ],
    reviews: [],
    files: [],
    commits: [],
    attachments: [],
    triggerBody: "@claude please fix the parser and add a test",
    triggerAuthor: "alice",
    triggerAuthorName: "Alice Liddell",
    ...overrides,
  };
}

export function prData(): EntityData {
  const entity = issueEntity({
    number: 7,
    isPR: true,
    title: "Add CSV export",
    body: "Adds `export --csv`.",
    author: person("dave"),
    labels: ["feature", "needs review"],
    assignees: ["erin"],
    htmlUrl: "https://gitea.example.com/acme/widgets/pulls/7",
  });
  return {
    entity,
    title: entity.title,
    body: entity.body,
    comments: [{ id: 201, author: "erin", createdAt: "2026-01-03T08:00:00Z", body: "Looks useful." }],
    reviews: [
      {
        id: 31,
        author: "erin",
        state: "REQUEST_CHANGES",
        body: "A few problems.",
        submittedAt: "2026-01-03T09:00:00Z",
        comments: [
          { id: 311, author: "erin", path: "src/export.ts", line: 14, body: "This drops the header row." },
          { id: 312, author: "erin", path: "src/cli.ts", body: "Flag name is inconsistent." },
        ],
      },
    ],
    files: [
      { path: "src/export.ts", status: "added", additions: 80, deletions: 0 },
      { path: "src/cli.ts", status: "modified", additions: 6, deletions: 2 },
      { path: "docs/csv.md", previousPath: "docs/export.md", status: "renamed", additions: 1, deletions: 1 },
    ],
    commits: [
      { sha: "a1b2c3d", message: "Add CSV export", author: "dave" },
      { sha: "e4f5a6b", message: "Wire the flag", author: "dave" },
    ],
    attachments: [{ name: "sample.csv", url: "https://gitea.example.com/attachments/8f2c", on: "pull request" }],
    pull: {
      headRef: "feature/csv",
      headSha: "e4f5a6b7c8d9",
      baseRef: "main",
      fromFork: false,
      state: "open",
      merged: false,
      additions: 87,
      deletions: 3,
    },
    triggerBody: "@claude review this and fix what erin found",
    triggerAuthor: "dave",
  };
}

const base = {
  repository: "acme/widgets",
  triggerPhrase: "@claude",
  publicUrl: "https://gitea.example.com",
  runUrl: "https://gitea.example.com/acme/widgets/actions/runs/42",
  useCommitSigning: false,
  mcpTools: defaultAllowedGiteaTools({ useCommitSigning: false }),
} satisfies Partial<PromptInput>;

export function issueCommentInput(overrides: Partial<PromptInput> = {}): PromptInput {
  return {
    ...base,
    mode: "tag",
    eventName: "issue_comment",
    eventAction: "created",
    data: issueData(),
    trackingCommentId: 103,
    branch: { name: "claude/issue-12-20260102-1000", base: "main", isNew: true, isPRBranch: false },
    ...overrides,
  };
}

export function prCommentInput(overrides: Partial<PromptInput> = {}): PromptInput {
  return {
    ...base,
    mode: "tag",
    eventName: "issue_comment",
    eventAction: "created",
    data: prData(),
    trackingCommentId: 202,
    branch: { name: "feature/csv", base: "main", isNew: false, isPRBranch: true },
    mcpTools: [...base.mcpTools, giteaToolId(GITEA_TOOLS.submitReview)],
    ...overrides,
  };
}

export function issueAssignedInput(overrides: Partial<PromptInput> = {}): PromptInput {
  return {
    ...base,
    mode: "tag",
    eventName: "issues",
    eventAction: "assigned",
    assigneeTrigger: "claude-bot",
    data: issueData({ comments: [], triggerBody: "", triggerAuthor: "alice" }),
    trackingCommentId: 104,
    branch: { name: "claude/issue-12-20260102-1000", base: "main", isNew: true, isPRBranch: false },
    useCommitSigning: true,
    mcpTools: [...defaultAllowedGiteaTools({ useCommitSigning: true }), giteaToolId(GITEA_TOOLS.createPullRequest), giteaToolId(GITEA_TOOLS.setLabels)],
    ...overrides,
  };
}

export function agentInput(overrides: Partial<PromptInput> = {}): PromptInput {
  return {
    ...base,
    mode: "agent",
    eventName: "schedule",
    actor: "gitea-actions",
    directPrompt: "Update the copyright year in every LICENSE header.",
    branch: { name: "claude/task-20260101-0000", base: "main", isNew: true, isPRBranch: false },
    customInstructions: "Keep commits small.",
    ...overrides,
  };
}

export function dispatchInput(hasProgressEndpoint: boolean, overrides: Partial<PromptInput> = {}): PromptInput {
  return {
    ...base,
    mode: "dispatch",
    eventName: "workflow_dispatch",
    actor: "backend-bot",
    dispatch: { description: "Add a `--json` flag to the `list` command.", hasProgressEndpoint },
    branch: { name: "claude/task-abc123-20260101-0000", base: "main", isNew: true, isPRBranch: false },
    mcpTools: [...base.mcpTools, ...(hasProgressEndpoint ? ["mcp__progress__update_claude_progress"] : [])],
    customInstructions: "Run `npm test` before committing.",
    ...overrides,
  };
}
