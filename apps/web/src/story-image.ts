/**
 * Downloads the verdict's story image (`GET /analysis/:id/story.png`, with the access token) and hands
 * it to the browser as a file. Throws an Error with a readable message when the server refuses.
 */
export async function downloadStoryImage(options: {
  readonly origin: string;
  readonly analysisId: string;
  readonly accessToken: string | null;
  /** Renews an expired access token (the session's cookie renewal); one retry with the new token. */
  readonly renew?: () => Promise<string | null>;
  readonly fileName: string;
  readonly fetch?: typeof fetch;
}): Promise<void> {
  const send = options.fetch ?? globalThis.fetch.bind(globalThis);
  const imageUrl = `${options.origin}/analysis/${encodeURIComponent(options.analysisId)}/story.png`;
  const get = (token: string | null) =>
    send(imageUrl, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  let response = await get(options.accessToken);
  if (response.status === 401 && options.renew) {
    await response.body?.cancel();
    const renewed = await options.renew();
    if (renewed) response = await get(renewed);
  }
  if (!response.ok) {
    throw new Error(
      response.status === 404
        ? "The story image is not available for this verdict."
        : response.status === 401
          ? "Your session has ended. Sign in again."
          : `The story image could not be made (HTTP ${response.status}). Try again.`,
    );
  }
  const url = URL.createObjectURL(await response.blob());
  try {
    const link = document.createElement("a");
    link.href = url;
    link.download = options.fileName;
    link.hidden = true;
    document.body.append(link);
    link.click();
    link.remove();
  } finally {
    // The click has handed the file over; let the event loop finish before the URL goes.
    setTimeout(() => URL.revokeObjectURL(url), 0);
  }
}

/** `unwrapped-the-indie-archivist.png` from a verdict's label. */
export function storyFileName(label: string): string {
  const slug = label
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60);
  return `unwrapped-${slug || "verdict"}.png`;
}
