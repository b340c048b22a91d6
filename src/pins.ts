/**
 * Version pins the action's code needs at run time. PINS.md is the record
 * users read; a test fails when this file, PINS.md and action.yml disagree.
 */
export const PINS = {
  /** anthropics/claude-code-base-action commit the run step uses (action.yml). */
  baseActionSha: "53ab25acdf1a773218d093eeb10f99d9903938ca",
  /** Claude Code CLI installed when the runner has none; the version the tests run (package.json devDependency). */
  cliVersion: "2.1.330",
  /** Oldest CLI that supports --json-schema. */
  jsonSchemaMinCliVersion: "2.0.45",
} as const;
