import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { PROMPT_VARIABLES, PROMPT_VARIABLE_NAMES, buildOverridePrompt, promptVariableValues, substituteVariables } from "../../../src/prompt";
import { agentInput, issueCommentInput, prCommentInput } from "./fixtures";

const ROOT = path.resolve(__dirname, "../../..");

describe("override_prompt variables", () => {
  it("are exactly the v0.0.63 set, each documented", () => {
    expect(PROMPT_VARIABLE_NAMES).toEqual([
      "REPOSITORY",
      "PR_NUMBER",
      "ISSUE_NUMBER",
      "PR_TITLE",
      "ISSUE_TITLE",
      "PR_BODY",
      "ISSUE_BODY",
      "PR_COMMENTS",
      "ISSUE_COMMENTS",
      "REVIEW_COMMENTS",
      "CHANGED_FILES",
      "TRIGGER_COMMENT",
      "TRIGGER_USERNAME",
      "BRANCH_NAME",
      "BASE_BRANCH",
      "EVENT_TYPE",
      "IS_PR",
    ]);
    for (const name of PROMPT_VARIABLE_NAMES) expect(PROMPT_VARIABLES[name].length, name).toBeGreaterThan(10);
  });

  it("action.yml's override_prompt description lists every variable", () => {
    const action = parse(readFileSync(path.join(ROOT, "action.yml"), "utf8")) as { inputs: Record<string, { description: string }> };
    const description = action.inputs.override_prompt!.description;
    for (const name of PROMPT_VARIABLE_NAMES) expect(description, name).toMatch(new RegExp(`\\$${name}\\b`));
  });

  const readme = path.join(ROOT, "README.md");
  it.skipIf(!existsSync(readme))("the README documents every variable (skipped until README.md exists)", () => {
    const text = readFileSync(readme, "utf8");
    for (const name of PROMPT_VARIABLE_NAMES) expect(text, name).toMatch(new RegExp(`\\$${name}\\b`));
  });

  it("values for a pull request and for an issue", () => {
    expect(promptVariableValues(prCommentInput())).toMatchSnapshot("pull request");
    expect(promptVariableValues(issueCommentInput())).toMatchSnapshot("issue");
    expect(promptVariableValues(agentInput())).toEqual({
      REPOSITORY: "acme/widgets",
      PR_NUMBER: "",
      ISSUE_NUMBER: "",
      PR_TITLE: "",
      ISSUE_TITLE: "",
      PR_BODY: "",
      ISSUE_BODY: "",
      PR_COMMENTS: "",
      ISSUE_COMMENTS: "",
      REVIEW_COMMENTS: "",
      CHANGED_FILES: "",
      TRIGGER_COMMENT: "",
      TRIGGER_USERNAME: "gitea-actions",
      BRANCH_NAME: "claude/task-20260101-0000",
      BASE_BRANCH: "main",
      EVENT_TYPE: "schedule",
      IS_PR: "false",
    });
  });
});

describe("substituteVariables", () => {
  it("tries longer names first", () => {
    expect(substituteVariables("$PR_BODY|$PR|$PR_B", { PR: "short", PR_BODY: "long" })).toBe("long|short|short_B");
  });

  it("inserts values literally: no $& or $1 patterns", () => {
    expect(substituteVariables("[$A]", { A: "$& $1 $$ $`" })).toBe("[$& $1 $$ $`]");
  });

  it("does not expand variables that appear inside values", () => {
    expect(substituteVariables("$ISSUE_BODY and $REPOSITORY", { ISSUE_BODY: "see $REPOSITORY", REPOSITORY: "acme/widgets" })).toBe(
      "see $REPOSITORY and acme/widgets",
    );
  });

  it("leaves unknown names alone", () => {
    expect(substituteVariables("$UNKNOWN $HOME", { REPOSITORY: "x" })).toBe("$UNKNOWN $HOME");
  });

  it("an issue body quoting $PR_BODY stays literal in the override prompt", () => {
    const input = issueCommentInput({ overridePrompt: "Body: $ISSUE_BODY / PR: $PR_NUMBER" });
    input.data = { ...input.data!, body: "I typed $PR_BODY and $& here" };
    expect(buildOverridePrompt(input)).toBe("Body: I typed $PR_BODY and $& here / PR: \n");
  });
});
