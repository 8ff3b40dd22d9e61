import { ServerUnreachableError, signInErrorMessage } from "@unwrapped/client";

/** The signed-in user, as POST /auth/session and its refresh answer it. */
export interface SessionUser {
  readonly id: string;
  readonly displayName: string;
}

export type SessionState =
  | { readonly kind: "loading" }
  | { readonly kind: "signed-out"; readonly reason: string | null }
  | { readonly kind: "signed-in"; readonly user: SessionUser }
  | { readonly kind: "unreachable" };

interface SessionAnswer {
  readonly accessToken: string;
  readonly user: SessionUser;
}

/**
 * The browser's session. The refresh token is an HttpOnly cookie this code never sees (Path
 * /auth/session); the access token lives in this object's memory only. A reload restores the session
 * through the cookie. Renewals are serialised across tabs with the Web Locks API where the browser has
 * it: two tabs presenting the same cookie at once would look like a stolen token and end the session.
 */
export class BrowserSession {
  #state: SessionState = { kind: "loading" };
  #accessToken: string | null = null;
  #started: Promise<void> | null = null;
  #renewing: Promise<string | null> | null = null;
  readonly #listeners = new Set<() => void>();
  readonly #fetch: typeof fetch;
  readonly #origin: string;

  constructor(options: { origin: string; fetch?: typeof fetch }) {
    this.#origin = options.origin;
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  get state(): SessionState {
    return this.#state;
  }

  get accessToken(): string | null {
    return this.#accessToken;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getState = (): SessionState => this.#state;

  /**
   * Once per page load: trades a login code that sign-in left in the URL (and removes it from the
   * address bar), shows a sign-in error left there, or restores the session from the cookie.
   */
  start(location: Location, history: History): Promise<void> {
    this.#started ??= this.#start(location, history);
    return this.#started;
  }

  async #start(location: Location, history: History): Promise<void> {
    const query = new URLSearchParams(location.search);
    const code = query.get("login_code");
    const error = query.get("error");
    if (code || error) {
      query.delete("login_code");
      query.delete("error");
      const rest = query.toString();
      history.replaceState(null, "", `${location.pathname}${rest ? `?${rest}` : ""}${location.hash}`);
    }
    if (error) {
      this.#set({ kind: "signed-out", reason: signInErrorMessage(error) });
      return;
    }
    try {
      if (code) {
        const answer = await this.#post("/auth/session", { code });
        if (answer) this.#signedIn(answer);
        else
          this.#set({
            kind: "signed-out",
            reason: "That sign-in link has expired or was already used. Sign in again.",
          });
        return;
      }
      await this.renew();
      if (!this.#accessToken) this.#set({ kind: "signed-out", reason: null });
    } catch (caught) {
      this.#unreachable(caught);
    }
  }

  /** A new access token through the cookie; null when the session is over (the state says signed out). */
  renew = (): Promise<string | null> => {
    this.#renewing ??= this.#locked(() => this.#post("/auth/session/refresh"))
      .then((answer) => {
        if (answer) {
          this.#signedIn(answer);
          return answer.accessToken;
        }
        this.end(this.#state.kind === "signed-in" ? "Your session has ended. Sign in again." : null);
        return null;
      })
      .finally(() => {
        this.#renewing = null;
      });
    return this.#renewing;
  };

  /** Retries after the server could not be reached. */
  retry(): void {
    if (this.#state.kind !== "unreachable") return;
    this.#set({ kind: "loading" });
    this.renew().then(
      (token) => {
        if (!token) this.#set({ kind: "signed-out", reason: null });
      },
      (caught: unknown) => this.#unreachable(caught),
    );
  }

  /** The session is over (refused by the server, or signed out): forget the access token. */
  end(reason: string | null): void {
    this.#accessToken = null;
    this.#set({ kind: "signed-out", reason });
  }

  async signOut(): Promise<void> {
    try {
      await this.#post("/auth/session/logout");
    } finally {
      this.end(null);
    }
  }

  #signedIn(answer: SessionAnswer): void {
    this.#accessToken = answer.accessToken;
    if (this.#state.kind !== "signed-in" || this.#state.user.id !== answer.user.id) {
      this.#set({ kind: "signed-in", user: { id: answer.user.id, displayName: answer.user.displayName } });
    }
  }

  #unreachable(caught: unknown): void {
    if (caught instanceof ServerUnreachableError || caught instanceof TypeError) {
      this.#set({ kind: "unreachable" });
      return;
    }
    this.#set({ kind: "signed-out", reason: caught instanceof Error ? caught.message : null });
  }

  #locked<T>(task: () => Promise<T>): Promise<T> {
    const locks = typeof navigator === "undefined" ? undefined : navigator.locks;
    return locks ? (locks.request("unwrapped-session", task) as Promise<T>) : task();
  }

  /** POSTs to a session route; the answer, or null for a 401 (no session). Throws when unreachable. */
  async #post(path: string, body?: unknown): Promise<SessionAnswer | null> {
    let response: Response;
    try {
      response = await this.#fetch(`${this.#origin}${path}`, {
        method: "POST",
        credentials: "same-origin",
        headers: body === undefined ? {} : { "content-type": "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (caught) {
      throw new ServerUnreachableError(this.#origin, { cause: caught });
    }
    if (response.status === 401) return null;
    if (!response.ok) {
      const answer = (await response.json().catch(() => null)) as { message?: string } | null;
      throw new Error(answer?.message ?? `The server answered ${response.status}.`);
    }
    return (await response.json()) as SessionAnswer;
  }

  #set(state: SessionState): void {
    this.#state = state;
    for (const listener of this.#listeners) listener();
  }
}
