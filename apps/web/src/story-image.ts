/**
 * Downloads the verdict's story image (`GET /analysis/:id/story.png`, with the access token) and hands
 * it to the browser as a file. Throws an Error with a readable message when the server refuses.
 */
export async function downloadStoryImage(options: {
  readonly origin: string;
  readonly analysisId: string;
  readonly accessToken: string | null;
  readonly fileName: string;
  readonly fetch?: typeof fetch;
}): Promise<void> {
  const send = options.fetch ?? globalThis.fetch.bind(globalThis);
  const response = await send(
    `${options.origin}/analysis/${encodeURIComponent(options.analysisId)}/story.png`,
    {
      headers: options.accessToken ? { authorization: `Bearer ${options.accessToken}` } : {},
    },
  );
  if (!response.ok) {
    throw new Error(
      response.status === 404
        ? "The story image is not available for this verdict."
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
