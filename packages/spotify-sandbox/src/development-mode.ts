/**
 * Spotify's development mode (since February 2026): an app may be used by at most five Spotify users,
 * each added by the app's owner in the developer dashboard. Anyone else can still consent and get tokens,
 * but every Web API call answers 403 with the plain-text body below.
 */
export const DEVELOPMENT_MODE_USER_LIMIT = 5;

/**
 * What Spotify answers a user the app owner has not added (HTTP 403, a plain-text body, not the Web API's
 * JSON error object). Older answers said "User not registered in the Developer Dashboard".
 */
export const USER_NOT_REGISTERED_MESSAGE =
  "Check settings on developer.spotify.com/dashboard, the user may not be registered.";

/**
 * The dashboard's user list, per client. The sandbox has no dashboard: the first five distinct listeners
 * that use an app's Web API while development mode is on are the ones its owner added.
 */
export class DevelopmentModeRoster {
  readonly #listeners = new Map<string, Set<string>>();

  /** Whether this listener may use this client's Web API; adds them while the list has room. */
  admit(clientId: string, personaId: string): boolean {
    let listeners = this.#listeners.get(clientId);
    if (!listeners) {
      listeners = new Set();
      this.#listeners.set(clientId, listeners);
    }
    if (listeners.has(personaId)) return true;
    if (listeners.size >= DEVELOPMENT_MODE_USER_LIMIT) return false;
    listeners.add(personaId);
    return true;
  }

  /** The listeners added so far for a client, in the order they were added. */
  listenersOf(clientId: string): readonly string[] {
    return [...(this.#listeners.get(clientId) ?? [])];
  }

  clear(): void {
    this.#listeners.clear();
  }
}
