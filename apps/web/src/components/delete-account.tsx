import { useEffect, useId, useRef, useState } from "react";

/**
 * "Delete my data", then a confirmation dialog with "Delete" and "Cancel". Focus moves into the dialog
 * and back; Escape cancels.
 */
export function DeleteAccount(props: { onDelete: () => Promise<unknown> }) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const opener = useRef<HTMLButtonElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const textId = useId();

  useEffect(() => {
    if (open) cancel.current?.focus();
  }, [open]);

  const close = () => {
    setOpen(false);
    setError(null);
    opener.current?.focus();
  };
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await props.onDelete();
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
      setBusy(false);
    }
  };

  return (
    <>
      <button type="button" ref={opener} className="button danger-outline" onClick={() => setOpen(true)}>
        Delete my data
      </button>
      {open ? (
        <div className="backdrop">
          <div
            role="dialog"
            aria-modal="true"
            aria-labelledby={titleId}
            aria-describedby={textId}
            className="dialog"
            onKeyDown={(event) => {
              if (event.key === "Escape") close();
            }}
          >
            <h2 id={titleId}>Delete your data?</h2>
            <p id={textId}>
              This deletes your verdicts, share links and Spotify connection from unwrapped, and signs you
              out. It cannot be undone.
            </p>
            {error ? (
              <p className="message error" role="alert">
                {error}
              </p>
            ) : null}
            <div className="buttons">
              <button type="button" ref={cancel} className="button" onClick={close} disabled={busy}>
                Cancel
              </button>
              <button type="button" className="button danger" onClick={confirm} disabled={busy}>
                Delete
              </button>
            </div>
          </div>
        </div>
      ) : null}
    </>
  );
}
