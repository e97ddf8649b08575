/** `thumbs/<sha256>` for both hosts: the open project's stored thumbnail of that image. */
import type { BlobSource } from '../host/static-files';
import type { Workspace } from './workspace';

const THUMB_PATH = /^\/thumbs\/([0-9a-f]{64})$/;

export function thumbnailSource(workspace: Workspace): BlobSource {
  return async (urlPath) => {
    const sha = THUMB_PATH.exec(urlPath)?.[1];
    if (!sha) return undefined;
    const thumb = (await workspace.project()).getThumbnail(sha);
    return thumb && { body: thumb.data, contentType: `image/${thumb.format}` };
  };
}
