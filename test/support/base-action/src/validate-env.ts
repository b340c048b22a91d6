// Provider / credential checks made before anything runs (the pin's
// src/validate-env.ts: same rules, same messages).

/** Throws "Environment variable validation failed:\n  - …" listing every problem. */
export function validateEnvironmentVariables(env: NodeJS.ProcessEnv = process.env): void {
  const bedrock = env.CLAUDE_CODE_USE_BEDROCK === "1";
  const vertex = env.CLAUDE_CODE_USE_VERTEX === "1";
  const foundry = env.CLAUDE_CODE_USE_FOUNDRY === "1";
  const problems: string[] = [];

  if ([bedrock, vertex, foundry].filter(Boolean).length > 1) {
    problems.push(
      "Cannot use multiple providers simultaneously. Please set only one of: CLAUDE_CODE_USE_BEDROCK, CLAUDE_CODE_USE_VERTEX, or CLAUDE_CODE_USE_FOUNDRY.",
    );
  }

  if (!bedrock && !vertex && !foundry) {
    const ruleId = env.ANTHROPIC_FEDERATION_RULE_ID;
    const orgId = env.ANTHROPIC_ORGANIZATION_ID;
    const federation = Boolean(ruleId && orgId);
    if (!env.ANTHROPIC_API_KEY && !env.CLAUDE_CODE_OAUTH_TOKEN && !federation) {
      problems.push(
        ruleId || orgId
          ? "Workload identity federation requires both ANTHROPIC_FEDERATION_RULE_ID and ANTHROPIC_ORGANIZATION_ID to be set."
          : "Either ANTHROPIC_API_KEY, CLAUDE_CODE_OAUTH_TOKEN, or workload identity federation (ANTHROPIC_FEDERATION_RULE_ID and ANTHROPIC_ORGANIZATION_ID) is required when using direct Anthropic API.",
      );
    }
  } else if (bedrock) {
    if (!env.AWS_REGION) problems.push("AWS_REGION is required when using AWS Bedrock.");
    const keys = env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY;
    if (!keys && !env.AWS_BEARER_TOKEN_BEDROCK) {
      problems.push(
        "Either AWS_BEARER_TOKEN_BEDROCK or both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are required when using AWS Bedrock.",
      );
    }
  } else if (vertex) {
    for (const name of ["ANTHROPIC_VERTEX_PROJECT_ID", "CLOUD_ML_REGION"]) {
      if (!env[name]) problems.push(`${name} is required when using Google Vertex AI.`);
    }
  } else if (foundry) {
    if (!env.ANTHROPIC_FOUNDRY_RESOURCE && !env.ANTHROPIC_FOUNDRY_BASE_URL) {
      problems.push(
        "Either ANTHROPIC_FOUNDRY_RESOURCE or ANTHROPIC_FOUNDRY_BASE_URL is required when using Microsoft Foundry.",
      );
    }
  }

  if (problems.length > 0) {
    throw new Error(`Environment variable validation failed:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}
