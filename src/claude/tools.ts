/**
 * Tool permission lists: the action's (the trust boundary's rules and the
 * run's MCP tools), the `allowed_tools` / `disallowed_tools` inputs and the
 * user's `--allowedTools` / `--disallowedTools` in claude_args, merged into
 * ONE list each (the pinned base action would let a repeated flag's last
 * value win, or merge them unpredictably, so the action emits each flag
 * exactly once).
 *
 * Two kinds of deny: defaults a user may lift by allowing the tool
 * (WebSearch, WebFetch), and the boundary's, which nothing lifts.
 */
import { inputError, shown, type ClaudeInputName } from "./problems";

/** Disallowed unless the user allows them. */
export const WEB_TOOLS = ["WebSearch", "WebFetch"] as const;

/** Order-preserving union without duplicates. */
export function unionTools(...lists: ReadonlyArray<readonly string[]>): string[] {
  return [...new Set(lists.flat())];
}

/**
 * Splits a tool list the way the CLI reads one: at commas and whitespace
 * outside parentheses, so `Bash(git add:*) Edit` is two rules.
 */
export function splitToolRules(value: string): string[] {
  const rules: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of value) {
    if (ch === "(") depth++;
    if (ch === ")") depth = Math.max(0, depth - 1);
    if (depth === 0 && (ch === "," || /\s/.test(ch))) {
      if (current) rules.push(current);
      current = "";
    } else {
      current += ch;
    }
  }
  if (current) rules.push(current);
  return rules;
}

/**
 * Checks rules the base action can carry: it splits tool lists at every
 * comma (parentheses or not), so a comma inside a rule would break it in two.
 */
export function checkToolRules(rules: readonly string[], input: ClaudeInputName, what: string): void {
  for (const rule of rules) {
    if (rule.includes(",")) {
      throw inputError(
        input,
        `${what}: the rule ${shown(rule)} contains a comma, and the base action splits tool lists at every comma, which would break it into two invalid rules; expected one rule per command, e.g. Bash(git diff:*),Bash(git log:*)`,
      );
    }
    let depth = 0;
    for (const ch of rule) {
      if (ch === "(") depth++;
      if (ch === ")") depth--;
      if (depth < 0) break;
    }
    if (depth !== 0) throw inputError(input, `${what}: the rule ${shown(rule)} has unbalanced parentheses; expected e.g. Bash(npm test:*)`);
  }
}

/** Splits and checks the items of an `allowed_tools` / `disallowed_tools` input (already split at commas and newlines). */
export function toolRulesFromInput(items: readonly string[], input: "allowed_tools" | "disallowed_tools"): string[] {
  // A comma inside parentheses survives splitList; splitToolRules keeps it too, so the check sees it.
  const rules = items.flatMap(splitToolRules);
  checkToolRules(rules, input, input);
  return rules;
}

/** The action's own lists (pure): the boundary's rules and the run's MCP tools; web tools off by default. */
export function actionToolLists(o: { boundaryAllowed: readonly string[]; boundaryDenied: readonly string[]; mcpTools: readonly string[] }): {
  allowed: string[];
  disallowed: string[];
} {
  return { allowed: unionTools(o.boundaryAllowed, o.mcpTools), disallowed: unionTools(WEB_TOOLS, o.boundaryDenied) };
}

/**
 * The final lists: the action's (`fork*`) and the user's (inputs and
 * claude_args). A rule the user allows leaves the action's disallowed list,
 * unless the boundary denies it (`boundaryDenied`: never lifted, with a
 * notice); a rule the user disallows leaves the allowed list (the CLI's deny
 * would win anyway). A rule the user both allows and disallows stays
 * disallowed, with a notice.
 */
export function finalToolLists(
  lists: {
    forkAllowed: readonly string[];
    forkDisallowed: readonly string[];
    boundaryDenied?: readonly string[];
    userAllowed: readonly string[];
    userDisallowed: readonly string[];
  },
  notice: (m: string) => void,
): { allowed: string[]; disallowed: string[] } {
  const userAllowed = new Set(lists.userAllowed);
  const userDisallowed = new Set(lists.userDisallowed);
  const boundary = new Set(lists.boundaryDenied ?? []);
  for (const rule of lists.userAllowed) {
    if (userDisallowed.has(rule)) notice(`Tool '${rule}' is both allowed and disallowed; it stays disallowed.`);
    if (boundary.has(rule)) notice(`Tool rule '${rule}' stays denied: it would cross the action's trust boundary (see SECURITY.md).`);
  }
  const disallowed = unionTools(
    lists.forkDisallowed.filter((r) => boundary.has(r) || !userAllowed.has(r) || userDisallowed.has(r)),
    lists.userDisallowed,
  );
  const denied = new Set(disallowed);
  const allowed = unionTools(lists.forkAllowed, lists.userAllowed).filter((r) => !denied.has(r));
  return { allowed, disallowed };
}
