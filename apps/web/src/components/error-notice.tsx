import { describeError, isUnwrappedClientError, ServerUnreachableError } from "@unwrapped/client";

function unreachable(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 8; depth++) {
    if (current instanceof ServerUnreachableError) return true;
    current = current.cause;
  }
  return false;
}

/** An error in words a person understands, with a way forward. */
export function ErrorNotice(props: { error: unknown; onRetry?: () => void; title?: string }) {
  const offline = unreachable(props.error);
  const title = props.title ?? (offline ? "The server cannot be reached" : "Something went wrong");
  const text = offline
    ? "Check your connection; the server may also be restarting."
    : isUnwrappedClientError(props.error) || props.error instanceof Error
      ? describeError(props.error)
      : "Please try again.";
  return (
    <div className="card error-card" role="alert">
      <h2>{title}</h2>
      <p>{text}</p>
      {props.onRetry ? (
        <button type="button" className="button" onClick={props.onRetry}>
          Retry
        </button>
      ) : null}
    </div>
  );
}

export function errorCodeOf(error: unknown): string | null {
  return isUnwrappedClientError(error) ? (error.data?.code ?? null) : null;
}
