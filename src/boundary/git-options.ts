/**
 * Which git subcommands Claude may run through Bash, and with which options
 * (data for git-policy.ts). An allow-list, not a deny-list: git has many
 * options that read or write a file (`--output`, `-F`, `--template`,
 * `--pathspec-from-file`, `-O`), run a command (`--exec`, `--receive-pack`,
 * `--upload-pack`, `-x`, `--open-files-in-pager`, a non-builtin merge
 * strategy) or leave the repository (`--no-index`, `--git-dir`,
 * `--work-tree`, `-C`), and new ones arrive with new git versions. Anything
 * not listed here is refused.
 */

export type OptionSpec = {
  /** Long options that take no value (`--cached`). */
  flags?: readonly string[];
  /** Long options that need a value (`--format=x` or `--format x`). */
  values?: readonly string[];
  /** Long options whose value is optional and can only be attached (`--stat`, `--stat=80`). */
  optional?: readonly string[];
  /** Short options without a value, as one string of letters (`"qv"`). */
  short?: string;
  /** Short options that take a value (`-m msg`, `-mmsg`). */
  shortValues?: string;
  /** `-<n>` as a count (`git log -5`). */
  numeric?: boolean;
  /** Checks an option's value; returns why it is refused. */
  check?: (option: string, value: string) => string | undefined;
};

/** Merge strategies built into git (a strategy name otherwise runs `git-merge-<name>` from PATH). */
export const BUILTIN_STRATEGIES = ["ort", "recursive", "resolve", "octopus", "ours", "subtree"] as const;

const strategyCheck = (option: string, value: string) =>
  (option === "strategy" || option === "s") && !(BUILTIN_STRATEGIES as readonly string[]).includes(value)
    ? `merge strategy '${value}' is not one of git's built-in strategies (${BUILTIN_STRATEGIES.join(", ")})`
    : undefined;

const DIFF_OUTPUT: OptionSpec = {
  flags: [
    "patch", "no-patch", "raw", "patch-with-raw", "patch-with-stat", "compact-summary", "numstat", "shortstat", "cumulative",
    "summary", "name-only", "name-status", "no-renames", "full-index", "binary", "find-copies-harder", "irreversible-delete",
    "pickaxe-all", "pickaxe-regex", "text", "ignore-cr-at-eol", "ignore-space-at-eol", "ignore-space-change", "ignore-all-space",
    "ignore-blank-lines", "function-context", "exit-code", "quiet", "no-ext-diff", "no-textconv", "no-prefix", "default-prefix",
    "ita-invisible-in-index", "no-color", "no-color-moved", "minimal", "patience", "histogram", "indent-heuristic",
    "no-indent-heuristic", "check", "no-relative", "rename-empty", "no-rename-empty",
  ],
  values: [
    "diff-filter", "find-object", "ignore-matching-lines", "inter-hunk-context", "src-prefix", "dst-prefix", "line-prefix",
    "unified", "anchored", "diff-algorithm", "word-diff-regex", "ws-error-highlight", "rotate-to", "skip-to", "color-moved-ws",
  ],
  optional: [
    "stat", "dirstat", "abbrev", "break-rewrites", "find-renames", "find-copies", "relative", "ignore-submodules", "color",
    "color-moved", "word-diff", "color-words", "submodule",
  ],
  short: "pusRabwWzMCBD",
  shortValues: "lSGIU",
};

const merge = (a: OptionSpec, b: OptionSpec): OptionSpec => ({
  flags: [...(a.flags ?? []), ...(b.flags ?? [])],
  values: [...(a.values ?? []), ...(b.values ?? [])],
  optional: [...(a.optional ?? []), ...(b.optional ?? [])],
  short: (a.short ?? "") + (b.short ?? ""),
  shortValues: (a.shortValues ?? "") + (b.shortValues ?? ""),
  numeric: Boolean(a.numeric || b.numeric),
  ...(a.check || b.check ? { check: (o, v) => a.check?.(o, v) ?? b.check?.(o, v) } : {}),
});

const REVISIONS: OptionSpec = {
  flags: [
    "all-match", "invert-grep", "regexp-ignore-case", "extended-regexp", "fixed-strings", "perl-regexp", "basic-regexp",
    "merges", "no-merges", "first-parent", "not", "all", "reflog", "walk-reflogs", "merge", "boundary", "simplify-by-decoration",
    "full-history", "dense", "sparse", "simplify-merges", "date-order", "author-date-order", "topo-order", "reverse", "graph",
    "oneline", "abbrev-commit", "no-abbrev-commit", "no-expand-tabs", "relative-date", "parents", "children", "left-right",
    "cherry-pick", "cherry-mark", "cherry", "no-decorate", "source", "follow", "log-size", "mailmap", "use-mailmap",
    "no-mailmap", "do-walk", "full-diff", "cc", "dd", "remerge-diff", "no-notes", "show-signature", "no-walk", "stdin",
    "ignore-missing", "bisect", "left-only", "right-only", "no-min-parents", "no-max-parents", "count", "in-commit-order",
  ],
  values: [
    "max-count", "skip", "since", "after", "until", "before", "author", "committer", "grep", "grep-reflog", "min-parents",
    "max-parents", "glob", "exclude", "format", "encoding", "date", "diff-merges", "since-as-filter",
  ],
  optional: ["branches", "tags", "remotes", "ancestry-path", "show-linear-break", "pretty", "expand-tabs", "notes", "decorate", "show-notes"],
  short: "igEFPmtc",
  shortValues: "nL",
  numeric: true,
};

/** Subcommands Claude may run, with their options. `push`, `fetch` and `pull` are decided in git-policy.ts. */
export const SUBCOMMANDS: Readonly<Record<string, OptionSpec>> = {
  status: {
    flags: ["short", "branch", "long", "verbose", "no-renames", "show-stash", "ahead-behind", "no-ahead-behind", "renames", "null"],
    optional: ["porcelain", "untracked-files", "ignored", "ignore-submodules", "column", "no-column", "find-renames"],
    short: "sbvz",
    shortValues: "uM",
  },
  diff: merge(DIFF_OUTPUT, { flags: ["cached", "staged", "merge-base"], short: "R0123", numeric: false }),
  log: merge(DIFF_OUTPUT, REVISIONS),
  show: merge(DIFF_OUTPUT, REVISIONS),
  shortlog: merge(REVISIONS, { flags: ["numbered", "summary", "email"], values: ["group"], optional: ["committer"], short: "nse" }),
  "rev-list": REVISIONS,
  "rev-parse": {
    flags: [
      "abbrev-ref", "symbolic", "symbolic-full-name", "short", "verify", "quiet", "show-toplevel", "show-prefix", "show-cdup",
      "git-dir", "absolute-git-dir", "is-inside-work-tree", "is-inside-git-dir", "is-bare-repository", "is-shallow-repository",
      "all", "branches", "tags", "remotes", "sq", "not", "revs-only", "no-revs", "flags", "no-flags", "default", "show-toplevel",
    ],
    optional: ["short", "abbrev-ref", "branches", "tags", "remotes"],
    short: "q",
  },
  blame: {
    flags: ["incremental", "porcelain", "line-porcelain", "root", "show-stats", "show-name", "show-number", "show-email", "reverse", "first-parent", "minimal"],
    values: ["date", "ignore-rev", "since"],
    optional: ["abbrev", "color-lines", "color-by-age", "progress", "score-debug"],
    short: "blstfnewcp",
    shortValues: "L",
  },
  grep: {
    flags: [
      "cached", "untracked", "no-exclude-standard", "exclude-standard", "recurse-submodules", "text", "textconv", "no-textconv",
      "ignore-case", "word-regexp", "invert-match", "full-name", "extended-regexp", "basic-regexp", "perl-regexp", "fixed-strings",
      "line-number", "column", "files-with-matches", "name-only", "files-without-match", "null", "only-matching", "count",
      "break", "heading", "show-function", "function-context", "and", "or", "not", "all-match", "quiet", "no-color",
    ],
    values: ["max-depth", "threads", "after-context", "before-context", "context", "max-count", "e"],
    optional: ["color"],
    short: "aiIwvhHEGPFnlLzocpWq",
    shortValues: "ABCme",
    numeric: true,
  },
  "ls-files": {
    flags: ["cached", "deleted", "modified", "others", "ignored", "stage", "unmerged", "killed", "directory", "no-empty-directory", "eol", "full-name", "recurse-submodules", "error-unmatch", "exclude-standard", "debug", "sparse", "deduplicate", "resolve-undo"],
    values: ["exclude", "with-tree", "format"],
    optional: ["abbrev"],
    short: "cdmoiskuvtfz",
    shortValues: "x",
  },
  "ls-tree": { flags: ["long", "name-only", "name-status", "object-only", "full-name", "full-tree"], values: ["format"], optional: ["abbrev"], short: "dlrtz" },
  "cat-file": { flags: ["allow-unknown-type", "follow-symlinks"], short: "tspe" },
  "merge-base": { flags: ["all", "octopus", "independent", "is-ancestor", "fork-point"], short: "a" },
  describe: { flags: ["all", "tags", "contains", "long", "always", "first-parent", "exact-match"], values: ["match", "exclude", "candidates"], optional: ["abbrev", "dirty", "broken"] },
  "show-ref": { flags: ["head", "tags", "heads", "branches", "verify", "dereference", "quiet", "exists"], optional: ["hash", "abbrev"], short: "dsq" },
  "for-each-ref": { values: ["format", "sort", "count", "points-at", "merged", "no-merged", "contains", "no-contains", "exclude"], flags: ["shell", "perl", "python", "tcl", "ignore-case", "omit-empty"] },
  "check-ignore": { flags: ["quiet", "verbose", "stdin", "non-matching"], short: "qvnz" },
  "check-attr": { flags: ["all", "cached", "stdin"], short: "az" },
  branch: {
    flags: ["list", "all", "remotes", "verbose", "show-current", "merged", "no-merged", "contains", "no-contains", "delete", "move", "copy", "force", "ignore-case", "omit-empty", "no-track", "no-color", "unset-upstream"],
    values: ["sort", "format", "points-at", "set-upstream-to"],
    optional: ["track", "color", "column", "abbrev"],
    short: "ardDmMcCfviltq",
    shortValues: "u",
  },
  tag: { flags: ["list", "no-column"], values: ["sort", "format", "points-at", "contains", "merged", "no-merged"], short: "l", shortValues: "n" },
  add: {
    flags: ["all", "no-all", "update", "intent-to-add", "verbose", "dry-run", "ignore-errors", "ignore-removal", "no-ignore-removal", "ignore-missing", "renormalize", "refresh", "sparse"],
    values: ["chmod"],
    short: "AuNvn",
    check: (o, v) => (o === "chmod" && !/^[+-]x$/.test(v) ? `--chmod takes +x or -x` : undefined),
  },
  rm: { flags: ["cached", "force", "dry-run", "quiet", "ignore-unmatch", "sparse"], short: "rfnq" },
  mv: { flags: ["force", "dry-run", "verbose"], short: "fknv" },
  restore: { flags: ["staged", "worktree", "ours", "theirs", "merge", "quiet", "overlay", "no-overlay", "ignore-unmerged", "progress", "no-progress"], values: ["source", "conflict"], short: "SWmq", shortValues: "s" },
  checkout: { flags: ["quiet", "force", "ours", "theirs", "merge", "detach", "ignore-other-worktrees", "overlay", "no-overlay", "no-track", "progress", "no-progress", "guess", "no-guess"], values: ["conflict"], optional: ["track"], short: "qfmt", shortValues: "bB" },
  switch: { flags: ["force", "discard-changes", "merge", "detach", "quiet", "no-track", "guess", "no-guess", "ignore-other-worktrees", "progress", "no-progress"], values: ["create", "force-create", "orphan", "conflict"], optional: ["track"], short: "fmqdt", shortValues: "cC" },
  reset: { flags: ["soft", "mixed", "hard", "merge", "keep", "quiet", "no-refresh", "refresh", "intent-to-add"], short: "qN" },
  stash: { flags: ["keep-index", "no-keep-index", "include-untracked", "all", "quiet", "staged", "index"], values: ["message"], short: "kuaqS", shortValues: "m" },
  commit: {
    flags: ["all", "amend", "no-edit", "allow-empty", "allow-empty-message", "signoff", "no-signoff", "no-verify", "verify", "quiet", "verbose", "dry-run", "short", "branch", "porcelain", "long", "null", "reset-author", "only", "include", "no-post-rewrite", "status", "no-status"],
    values: ["message", "author", "date", "reuse-message", "reedit-message", "fixup", "squash", "trailer", "cleanup", "file"],
    short: "asnqvoiz",
    shortValues: "mCcF",
    // The message from stdin (`-F -`) is fine; from a file it would commit whatever that file holds.
    check: (o, v) => ((o === "file" || o === "F") && v !== "-" ? "-F/--file reads a file; give the message with -m, or on stdin with -F -" : undefined),
  },
  merge: {
    flags: ["commit", "no-commit", "edit", "no-edit", "ff", "no-ff", "ff-only", "log", "no-log", "stat", "no-stat", "squash", "no-squash", "verify", "no-verify", "abort", "quit", "continue", "allow-unrelated-histories", "no-rerere-autoupdate", "rerere-autoupdate", "quiet", "verbose", "progress", "no-progress", "signoff", "no-signoff", "autostash", "no-autostash", "summary", "no-summary"],
    values: ["message", "strategy", "strategy-option", "into-name", "cleanup"],
    short: "nqve",
    shortValues: "msX",
    check: strategyCheck,
  },
  rebase: {
    flags: ["continue", "skip", "abort", "quit", "keep-empty", "no-keep-empty", "empty", "keep-base", "no-keep-base", "merge", "quiet", "verbose", "stat", "no-stat", "no-verify", "verify", "committer-date-is-author-date", "ignore-date", "reset-author-date", "signoff", "no-ff", "force-rebase", "fork-point", "no-fork-point", "root", "autosquash", "no-autosquash", "autostash", "no-autostash", "update-refs", "no-update-refs", "reapply-cherry-picks", "no-reapply-cherry-picks", "no-rerere-autoupdate", "rerere-autoupdate"],
    values: ["onto", "strategy", "strategy-option", "whitespace"],
    optional: ["rebase-merges"],
    short: "mqvnf",
    shortValues: "sXC",
    check: strategyCheck,
  },
  "cherry-pick": {
    flags: ["edit", "no-edit", "continue", "skip", "abort", "quit", "no-commit", "signoff", "ff", "allow-empty", "allow-empty-message", "keep-redundant-commits", "rerere-autoupdate", "no-rerere-autoupdate"],
    values: ["mainline", "strategy", "strategy-option", "empty", "cleanup"],
    short: "enxs",
    shortValues: "mX",
    check: strategyCheck,
  },
  revert: {
    flags: ["edit", "no-edit", "continue", "skip", "abort", "quit", "no-commit", "signoff", "rerere-autoupdate", "no-rerere-autoupdate", "reference"],
    values: ["mainline", "strategy", "strategy-option", "cleanup"],
    short: "ens",
    shortValues: "mX",
    check: strategyCheck,
  },
  clean: { flags: ["dry-run", "force", "quiet"], values: ["exclude"], short: "dfnqxX", shortValues: "e" },
  remote: { flags: ["verbose"], short: "v" },
  "count-objects": { flags: ["verbose", "human-readable"], short: "vH" },
};

/** Global options (before the subcommand) Claude may use. */
export const GLOBAL_FLAGS = ["--no-pager", "-P", "--no-optional-locks", "--literal-pathspecs", "--glob-pathspecs", "--noglob-pathspecs", "--icase-pathspecs", "--no-replace-objects"] as const;

/** `git remote` subcommands that only read. */
export const READ_ONLY_REMOTE = ["show", "get-url"] as const;

/**
 * `-c` settings every guarded git invocation runs with, so configuration
 * cannot make a read-only command run something: hooks, fsmonitor, pager,
 * editors, signature programs, credential helpers and every
 * transport are off (pushes and fetches go through the broker, not here).
 */
export const HARDENING = [
  "core.hooksPath=/dev/null",
  "core.fsmonitor=false",
  "core.pager=cat",
  "core.editor=true",
  "sequence.editor=true",
  "core.askPass=",
  "credential.helper=",
  "core.sshCommand=false",
  "protocol.allow=never",
  "gpg.program=false",
  "gpg.ssh.program=false",
  "gpg.x509.program=false",
  "commit.gpgSign=false",
  "tag.gpgSign=false",
  "log.showSignature=false",
  "submodule.recurse=false",
  "merge.renormalize=false",
] as const;
