import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // End-to-end scenarios start the real claude CLI; they are bounded by the
    // scripted model, not by wall-clock assertions.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
