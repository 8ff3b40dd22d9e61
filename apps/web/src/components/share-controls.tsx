import { useState } from "react";

export interface ShareControlsProps {
  /** The share link, or null while sharing is off. */
  readonly shareUrl: string | null;
  readonly label: string;
  readonly onRevoke: () => Promise<unknown>;
  readonly onRotate: () => Promise<unknown>;
  readonly onDownload: () => Promise<void>;
}

type Busy = "revoke" | "rotate" | "download" | null;

/**
 * The verdict's share controls: the link as text, "Copy share link", the device's share sheet where the
 * browser has one, "Turn off sharing", "New share link" and "Download story image". What happened is
 * announced in a live region.
 */
export function ShareControls(props: ShareControlsProps) {
  const [busy, setBusy] = useState<Busy>(null);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const canShare = typeof navigator !== "undefined" && typeof navigator.share === "function";

  const run = async (kind: Exclude<Busy, null>, task: () => Promise<unknown>, done: string) => {
    setBusy(kind);
    setMessage(null);
    try {
      await task();
      setMessage({ text: done, error: false });
    } catch (error) {
      setMessage({ text: error instanceof Error ? error.message : String(error), error: true });
    } finally {
      setBusy(null);
    }
  };

  const copy = async () => {
    if (!props.shareUrl) return;
    try {
      await navigator.clipboard.writeText(props.shareUrl);
      setMessage({ text: "Share link copied.", error: false });
    } catch {
      setMessage({ text: "Copying was not allowed: select the link and copy it yourself.", error: true });
    }
  };

  const share = async () => {
    if (!props.shareUrl) return;
    try {
      await navigator.share({ title: `My music verdict: ${props.label}`, url: props.shareUrl });
    } catch (error) {
      if (!(error instanceof DOMException && error.name === "AbortError")) {
        setMessage({ text: "The share sheet could not open. Copy the link instead.", error: true });
      }
    }
  };

  return (
    <section className="card share" aria-labelledby="share-heading">
      <h2 id="share-heading">Share it</h2>
      {props.shareUrl ? (
        <>
          <p className="share-link">
            <a href={props.shareUrl}>{props.shareUrl}</a>
          </p>
          <div className="buttons">
            <button type="button" className="button primary" onClick={copy}>
              Copy share link
            </button>
            {canShare ? (
              <button type="button" className="button" onClick={share}>
                Share…
              </button>
            ) : null}
            <button
              type="button"
              className="button"
              disabled={busy !== null}
              onClick={() => run("revoke", props.onRevoke, "Sharing is off: the old link no longer works.")}
            >
              Turn off sharing
            </button>
          </div>
        </>
      ) : (
        <p className="note">
          Sharing is off. A new link makes the verdict public again; old links stay dead.
        </p>
      )}
      <div className="buttons">
        <button
          type="button"
          className="button"
          disabled={busy !== null}
          onClick={() =>
            run("rotate", props.onRotate, "A new share link is ready; older links no longer work.")
          }
        >
          New share link
        </button>
        <button
          type="button"
          className="button"
          disabled={busy !== null}
          onClick={() => run("download", props.onDownload, "Story image downloaded.")}
        >
          Download story image
        </button>
      </div>
      <p className={message?.error ? "message error" : "message"} role="status" aria-live="polite">
        {message?.text ?? ""}
      </p>
    </section>
  );
}
