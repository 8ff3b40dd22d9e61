import type { Logger, Services } from "@unwrapped/services";

/**
 * What every procedure receives. The bearer token is only read here; it is verified by
 * protectedProcedure, so public procedures pay nothing for it.
 */
export interface ApiContext {
  readonly services: Services;
  readonly logger: Logger;
  /** The Authorization header's bearer token: authenticates every kind of procedure. */
  readonly accessToken: string | null;
  /**
   * The access token from tRPC's connection params (a URL query string): authenticates subscriptions
   * only, so a token that leaked into a URL cannot run queries or mutations.
   */
  readonly connectionToken: string | null;
  /**
   * Who is calling, for per-client rate limits: the peer address, or X-Forwarded-For with TRUST_PROXY;
   * null in process (the local caller), which nothing limits.
   */
  readonly clientAddress: string | null;
}

export interface ContextSource {
  /** The request's Authorization header. */
  readonly authorization?: string | undefined;
  /**
   * SSE subscriptions from a browser cannot set headers; their access token (never the refresh token)
   * comes in tRPC's connection params instead.
   */
  readonly connectionParams?: Record<string, string | undefined> | null | undefined;
  /** The TCP peer's address (`request.socket.remoteAddress`); absent in process. */
  readonly remoteAddress?: string | undefined;
  /** The request's X-Forwarded-For header, believed only as far as TRUST_PROXY says. */
  readonly forwardedFor?: string | string[] | undefined;
}

/**
 * The one context factory: the HTTP adapters (tRPC's, and any other that calls the same procedures)
 * and the in-process caller all build their context here, so every middleware sees the same fields.
 */
export function createContextFactory(services: Services, logger: Logger = services.logger) {
  const hops = services.config.server.trustedProxyHops;
  return (source: ContextSource): ApiContext => {
    const connectionToken = source.connectionParams?.accessToken;
    return {
      services,
      logger,
      accessToken: bearerToken(source.authorization),
      connectionToken: typeof connectionToken === "string" && connectionToken !== "" ? connectionToken : null,
      clientAddress: source.remoteAddress === undefined ? null : clientAddress(source, hops),
    };
  };
}

/**
 * The client's address. Without a trusted proxy (TRUST_PROXY=off) the peer address, whatever
 * X-Forwarded-For says (a client can write anything there). With `hops` trusted proxies in front, each
 * appending the address it saw, the entry `hops` from the right: the address the outermost trusted
 * proxy was called from. Used by every entry point that rate limits (tRPC, the sign-in routes).
 */
export function clientAddress(
  source: Pick<ContextSource, "remoteAddress" | "forwardedFor">,
  hops: number,
): string {
  const peer = source.remoteAddress ?? "local";
  if (hops <= 0 || source.forwardedFor === undefined) return peer;
  const header = Array.isArray(source.forwardedFor) ? source.forwardedFor.join(",") : source.forwardedFor;
  const entries = header
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
  if (entries.length === 0) return peer;
  return entries[Math.max(0, entries.length - hops)] ?? peer;
}

function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}
