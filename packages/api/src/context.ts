import type { Logger, Services } from "@unwrapped/services";

/**
 * What every procedure receives. The bearer token is only read here; it is verified by
 * protectedProcedure, so public procedures pay nothing for it.
 */
export interface ApiContext {
  readonly services: Services;
  readonly logger: Logger;
  readonly accessToken: string | null;
}

export interface ContextSource {
  /** The request's Authorization header. */
  readonly authorization?: string | undefined;
  /**
   * SSE subscriptions from a browser cannot set headers; their access token (never the refresh token)
   * comes in tRPC's connection params instead.
   */
  readonly connectionParams?: Record<string, string | undefined> | null | undefined;
}

export function createContextFactory(services: Services, logger: Logger = services.logger) {
  return (source: ContextSource): ApiContext => ({
    services,
    logger,
    accessToken: bearerToken(source.authorization) ?? source.connectionParams?.accessToken ?? null,
  });
}

function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}
