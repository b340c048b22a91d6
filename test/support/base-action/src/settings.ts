// ~/.claude/settings.json preparation (the pin's src/setup-claude-code-settings.ts):
// existing settings, shallow-merged with the settings input (a JSON string,
// or else a path to a JSON file), and enableAllProjectMcpServers forced on.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { homedir } from "node:os";

export async function setupClaudeCodeSettings(settingsInput?: string, homeDir?: string): Promise<void> {
  const home = homeDir ?? homedir();
  const settingsPath = `${home}/.claude/settings.json`;
  console.log(`Setting up Claude settings at: ${settingsPath}`);
  console.log(`Creating .claude directory...`);
  await mkdir(`${home}/.claude`, { recursive: true });

  let settings: Record<string, unknown> = {};
  try {
    const existing = await readFile(settingsPath, "utf8");
    if (existing.trim()) {
      settings = JSON.parse(existing) as Record<string, unknown>;
      console.log(`Found existing settings:`, JSON.stringify(settings, null, 2));
    } else {
      console.log(`Settings file exists but is empty`);
    }
  } catch {
    // A missing file and one that does not parse are treated alike.
    console.log(`No existing settings file found, creating new one`);
  }

  if (settingsInput && settingsInput.trim()) {
    console.log(`Processing settings input...`);
    let input: Record<string, unknown>;
    try {
      input = JSON.parse(settingsInput) as Record<string, unknown>;
      console.log(`Parsed settings input as JSON`);
    } catch {
      console.log(`Settings input is not JSON, treating as file path: ${settingsInput}`);
      try {
        input = JSON.parse(await readFile(settingsInput, "utf8")) as Record<string, unknown>;
        console.log(`Successfully read and parsed settings from file`);
      } catch (fileError) {
        console.error(`Failed to read or parse settings file: ${fileError}`);
        throw new Error(`Failed to process settings input: ${fileError}`);
      }
    }
    settings = { ...settings, ...input };
    console.log(`Merged settings with input settings`);
  }

  settings.enableAllProjectMcpServers = true;
  console.log(`Updated settings with enableAllProjectMcpServers: true`);
  // The pin writes through `echo … >`, hence the trailing newline.
  await writeFile(settingsPath, `${JSON.stringify(settings, null, 2)}\n`);
  console.log(`Settings saved successfully`);
}
