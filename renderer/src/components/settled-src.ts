import type { Attachment } from 'svelte/attachments';

/**
 * An image's src, set once its grid is not flying past (VirtualGrid's `fast` cell argument): a
 * fast scroll then creates cards without fetching and decoding a thumbnail for each, and the
 * ones in view load as soon as it slows or stops. Once set, a src stays.
 */
export function srcWhenSettled(url: string, fast: boolean): Attachment<HTMLImageElement> {
  return (img) => {
    if (!fast && img.getAttribute('src') !== url) img.src = url;
  };
}
