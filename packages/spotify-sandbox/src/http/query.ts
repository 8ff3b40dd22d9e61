import type { Request } from "express";

/**
 * The request's query string as URLSearchParams: one typed accessor (`get` gives the first value of a
 * repeated parameter) instead of express's string | string[] | object union, whatever query parser the host
 * app configured.
 */
export function queryOf(request: Request): URLSearchParams {
  const queryStart = request.originalUrl.indexOf("?");
  return new URLSearchParams(queryStart === -1 ? "" : request.originalUrl.slice(queryStart + 1));
}
