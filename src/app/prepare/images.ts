/**
 * The images of the issue or pull request, downloaded for Claude into
 * $RUNNER_TEMP/claude-code-gitea-images (not under prepare's own directory,
 * which Claude may not read); the run step passes the directory as an
 * additional directory, read-only. Runs beside round 2 of prepare's requests.
 */
import { join } from "node:path";
import type { GiteaClient } from "../../gitea/client";
import type { EntityData } from "../../gitea/data";
import { IMAGE_DIR_NAME, downloadImages } from "../../gitea/images";
import type { PrepareContext } from "./context";

export const imageDir = (runnerTemp: string) => join(runnerTemp, IMAGE_DIR_NAME);

export async function withImages(run: PrepareContext, client: GiteaClient, data: EntityData, publicUrl: string): Promise<EntityData> {
  const images = await downloadImages(client, data.images ?? [], {
    dir: imageDir(run.runner.runnerTemp),
    publicUrl,
    repository: `${client.owner}/${client.repo}`,
    log: (m) => run.io.warning(m),
  });
  const saved = images.filter((i) => i.file).length;
  if (images.length) run.io.info(`Images: ${saved} of ${images.length} downloaded for Claude${saved ? ` into ${imageDir(run.runner.runnerTemp)}` : ""}.`);
  return { ...data, images };
}
