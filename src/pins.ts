/**
 * Version pins the action's code needs at run time. PINS.md is the record
 * users read; a test fails when this file, PINS.md and action.yml disagree.
 */
export const PINS = {
  /** anthropics/claude-code-base-action commit the run step uses (action.yml). */
  baseActionSha: "53ab25acdf1a773218d093eeb10f99d9903938ca",
  /** Claude Code CLI installed when the runner has none; the version the tests run (package.json devDependency). */
  cliVersion: "2.1.330",
  /**
   * The oldest CLI every run of this release works with, found by running
   * older CLIs from npm (PINS.md, "Minimum Claude Code CLI"): 2.0.45 for the
   * pinned base action with every flag this action emits, 2.1.257 for the run
   * step's launcher, which hands the CLI its Anthropic credential on a file
   * descriptor. prepare refuses an older one before any model call.
   */
  minCliVersion: "2.1.257",
  /** The Bun the pinned base action's setup-bun step installs (its `bun-version`); a bun of this version on PATH is used instead. */
  baseActionBunVersion: "1.3.14",
} as const;
