import { type FormEvent, useId, useState } from "react";
import { shareTokenOf } from "../share-token";

/** "Compare with a friend": paste their share link; `onCompare` gets its token. */
export function CompareForm(props: { onCompare: (shareToken: string) => Promise<unknown> }) {
  const id = useId();
  const [value, setValue] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const token = shareTokenOf(value);
    if (!token) {
      setError("That is not a share link: paste a link that contains /s/.");
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await props.onCompare(token);
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Compare with a friend</h2>
      <form onSubmit={submit}>
        <label htmlFor={`${id}-link`}>Your friend's share link</label>
        <input
          id={`${id}-link`}
          name="share-link"
          type="text"
          inputMode="url"
          autoComplete="off"
          placeholder="https://…/s/…"
          value={value}
          onChange={(event) => setValue(event.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={`${id}-message`}
        />
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? "Comparing…" : "Compare"}
        </button>
      </form>
      <p
        id={`${id}-message`}
        className={error ? "message error" : "message"}
        role="status"
        aria-live="polite"
      >
        {error ?? ""}
      </p>
    </section>
  );
}
