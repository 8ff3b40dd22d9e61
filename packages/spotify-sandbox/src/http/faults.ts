import type { RequestHandler } from "express";
import { requireNonNegativeInteger } from "../settings.js";
import { renderErrorPage, sendHtml } from "./html-page.js";
import { sendApiError } from "./web-api-errors.js";

/** Which requests a fault hits: the Web API (/api), the accounts service (/accounts), or both. */
export type FaultTarget = "api" | "accounts" | "all";
export type SandboxArea = "api" | "accounts";

export type InjectedFault =
  | { readonly kind: "rate-limit"; readonly retryAfterSeconds: number }
  | { readonly kind: "server-error"; readonly status: number }
  | { readonly kind: "malformed" };

interface CountedFault {
  readonly fault: InjectedFault;
  readonly target: FaultTarget;
  remaining: number;
}

interface RateLimitWindow {
  readonly untilMs: number;
  readonly target: FaultTarget;
}

/** Cut off mid-object: any JSON parser rejects it, as with a truncated upstream response. */
const MALFORMED_BODY = '{"error":null,"items":[{"id":"';

const SERVER_ERROR_MESSAGES: Readonly<Record<number, string>> = {
  500: "Server error",
  502: "Bad gateway",
  503: "Service unavailable",
  504: "Gateway timeout",
};

function matches(target: FaultTarget, area: SandboxArea): boolean {
  return target === "all" || target === area;
}

/**
 * Faults queued by the controls. Counted faults are served in the order they were queued, each to the next
 * matching requests; a rate-limit window answers every matching request until it closes.
 */
export class FaultInjector {
  readonly #now: () => number;
  #counted: CountedFault[] = [];
  #windows: RateLimitWindow[] = [];

  constructor(now: () => number) {
    this.#now = now;
  }

  rateLimitNext(count: number, retryAfterSeconds: number, target: FaultTarget): void {
    requireNonNegativeInteger(retryAfterSeconds, "retryAfterSeconds");
    this.#queue({ kind: "rate-limit", retryAfterSeconds }, count, target);
  }

  rateLimitUntil(untilMs: number, target: FaultTarget): void {
    if (!Number.isFinite(untilMs)) throw new RangeError("untilMs must be a finite number");
    this.#windows.push({ untilMs, target });
  }

  failNext(count: number, status: number, target: FaultTarget): void {
    if (!Number.isInteger(status) || status < 500 || status > 599)
      throw new RangeError("status must be a 5xx code");
    this.#queue({ kind: "server-error", status }, count, target);
  }

  malformedNext(count: number, target: FaultTarget): void {
    this.#queue({ kind: "malformed" }, count, target);
  }

  clear(): void {
    this.#counted = [];
    this.#windows = [];
  }

  /** The fault the current request in `area` gets, if any; counted faults are used up by this call. */
  take(area: SandboxArea): InjectedFault | undefined {
    const now = this.#now();
    this.#windows = this.#windows.filter((window) => window.untilMs > now);
    const window = this.#windows.find((candidate) => matches(candidate.target, area));
    if (window)
      return { kind: "rate-limit", retryAfterSeconds: Math.max(1, Math.ceil((window.untilMs - now) / 1000)) };
    const counted = this.#counted.find((candidate) => matches(candidate.target, area));
    if (!counted) return undefined;
    counted.remaining--;
    if (counted.remaining === 0) this.#counted = this.#counted.filter((candidate) => candidate !== counted);
    return counted.fault;
  }

  #queue(fault: InjectedFault, count: number, target: FaultTarget): void {
    requireNonNegativeInteger(count, "count");
    if (count > 0) this.#counted.push({ fault, target, remaining: count });
  }
}

/**
 * Answers with the injected fault, if any, in the area's own error format: the Web API's error object, the
 * OAuth error form on the token endpoint, an HTML page on the authorize page.
 */
export function injectFaults(faults: FaultInjector, area: SandboxArea): RequestHandler {
  return (request, response, next) => {
    const fault = faults.take(area);
    if (!fault) return next();
    if (fault.kind === "malformed") {
      response.status(200).type("application/json; charset=utf-8").send(MALFORMED_BODY);
      return;
    }
    const status = fault.kind === "rate-limit" ? 429 : fault.status;
    const message =
      fault.kind === "rate-limit"
        ? "API rate limit exceeded"
        : (SERVER_ERROR_MESSAGES[status] ?? "Server error");
    if (fault.kind === "rate-limit") response.set("Retry-After", String(fault.retryAfterSeconds));
    if (area === "api") {
      sendApiError(response, status, message);
    } else if (request.method === "GET") {
      sendHtml(response, status, renderErrorPage("Something went wrong", message));
    } else {
      const error = fault.kind === "rate-limit" ? "rate_limit_exceeded" : "server_error";
      response.status(status).json({ error, error_description: message });
    }
  };
}
