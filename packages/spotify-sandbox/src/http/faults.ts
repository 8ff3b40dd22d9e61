import type { Request, RequestHandler, Response } from "express";
import { requireNonNegativeInteger } from "../settings.js";
import { renderErrorPage, sendHtml } from "./html-page.js";
import { sendApiError } from "./web-api-errors.js";

/** Which requests a fault hits: the Web API (/api), the accounts service (/accounts), or both. */
export type FaultTarget = "api" | "accounts" | "all";
export type SandboxArea = "api" | "accounts";

/** Spotify's quota error (July 2026): a 429 whose error object carries this `reason`. */
export const QUOTA_EXCEEDED = "QUOTA_EXCEEDED";

export type InjectedFault =
  | { readonly kind: "rate-limit"; readonly retryAfterSeconds: number; readonly quota: boolean }
  | { readonly kind: "server-error"; readonly status: number; readonly retryAfterSeconds: number | null }
  | { readonly kind: "malformed" }
  /** The request is acted on (codes redeemed, refresh tokens rotated), then its answer is replaced by a 5xx. */
  | { readonly kind: "fail-after-acting"; readonly status: number }
  /** The request is acted on, and its answer leaves only after `delayMs` (on the sandbox's sleep). */
  | { readonly kind: "late"; readonly delayMs: number };

interface CountedFault {
  readonly fault: InjectedFault;
  readonly target: FaultTarget;
  remaining: number;
}

interface RateLimitWindow {
  readonly untilMs: number;
  readonly target: FaultTarget;
  readonly quota: boolean;
}

/** A rolling-window limit over every client's requests together, as Spotify limits an app as a whole. */
interface RateLimit {
  readonly maxRequests: number;
  readonly windowMs: number;
  readonly target: FaultTarget;
  /** Start times of the requests admitted within the window, oldest first. */
  admitted: number[];
}

/** Cut off mid-object: any JSON parser rejects it, as with a truncated upstream response. */
const MALFORMED_BODY = '{"error":null,"items":[{"id":"';

const SERVER_ERROR_MESSAGES: Readonly<Record<number, string>> = {
  500: "Server error",
  502: "Bad gateway",
  503: "Service unavailable",
  504: "Gateway timeout",
};

function requireServerErrorStatus(status: number): void {
  if (!Number.isInteger(status) || status < 500 || status > 599)
    throw new RangeError("status must be a 5xx code");
}

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
  #rateLimit: RateLimit | undefined;

  constructor(now: () => number) {
    this.#now = now;
  }

  rateLimitNext(count: number, retryAfterSeconds: number, target: FaultTarget, quota = false): void {
    requireNonNegativeInteger(retryAfterSeconds, "retryAfterSeconds");
    this.#queue({ kind: "rate-limit", retryAfterSeconds, quota }, count, target);
  }

  rateLimitUntil(untilMs: number, target: FaultTarget, quota = false): void {
    if (!Number.isFinite(untilMs)) throw new RangeError("untilMs must be a finite number");
    this.#windows.push({ untilMs, target, quota });
  }

  failNext(
    count: number,
    status: number,
    target: FaultTarget,
    retryAfterSeconds: number | null = null,
  ): void {
    requireServerErrorStatus(status);
    if (retryAfterSeconds !== null) requireNonNegativeInteger(retryAfterSeconds, "retryAfterSeconds");
    this.#queue({ kind: "server-error", status, retryAfterSeconds }, count, target);
  }

  failAfterActingNext(count: number, status: number, target: FaultTarget): void {
    requireServerErrorStatus(status);
    this.#queue({ kind: "fail-after-acting", status }, count, target);
  }

  answerLateNext(count: number, delayMs: number, target: FaultTarget): void {
    requireNonNegativeInteger(delayMs, "delayMs");
    this.#queue({ kind: "late", delayMs }, count, target);
  }

  malformedNext(count: number, target: FaultTarget): void {
    this.#queue({ kind: "malformed" }, count, target);
  }

  /**
   * Admits at most `maxRequests` matching requests per rolling `windowMs`, counted across all clients;
   * the rest answer 429 with Retry-After = seconds until the oldest admitted request leaves the window.
   */
  limitRate(maxRequests: number, windowMs: number, target: FaultTarget): void {
    if (!Number.isInteger(maxRequests) || maxRequests < 1)
      throw new RangeError("maxRequests must be at least 1");
    if (!Number.isFinite(windowMs) || windowMs <= 0) throw new RangeError("windowMs must be above 0");
    this.#rateLimit = { maxRequests, windowMs, target, admitted: [] };
  }

  clear(): void {
    this.#counted = [];
    this.#windows = [];
    this.#rateLimit = undefined;
  }

  /** The fault the current request in `area` gets, if any; counted faults are used up by this call. */
  take(area: SandboxArea): InjectedFault | undefined {
    const now = this.#now();
    this.#windows = this.#windows.filter((window) => window.untilMs > now);
    const window = this.#windows.find((candidate) => matches(candidate.target, area));
    if (window) {
      const retryAfterSeconds = Math.max(1, Math.ceil((window.untilMs - now) / 1000));
      return { kind: "rate-limit", retryAfterSeconds, quota: window.quota };
    }
    const limited = this.#overRate(area, now);
    if (limited) return limited;
    const counted = this.#counted.find((candidate) => matches(candidate.target, area));
    if (!counted) return undefined;
    counted.remaining--;
    if (counted.remaining === 0) this.#counted = this.#counted.filter((candidate) => candidate !== counted);
    return counted.fault;
  }

  #overRate(area: SandboxArea, now: number): InjectedFault | undefined {
    const limit = this.#rateLimit;
    if (!limit || !matches(limit.target, area)) return undefined;
    limit.admitted = limit.admitted.filter((at) => at > now - limit.windowMs);
    const oldest = limit.admitted[0];
    if (limit.admitted.length >= limit.maxRequests && oldest !== undefined) {
      const retryAfterSeconds = Math.max(1, Math.ceil((oldest + limit.windowMs - now) / 1000));
      return { kind: "rate-limit", retryAfterSeconds, quota: false };
    }
    limit.admitted.push(now);
    return undefined;
  }

  #queue(fault: InjectedFault, count: number, target: FaultTarget): void {
    requireNonNegativeInteger(count, "count");
    if (count > 0) this.#counted.push({ fault, target, remaining: count });
  }
}

/** An error answer in the area's own format: the Web API's error object, the OAuth form, an HTML page. */
function sendFaultError(
  request: Request,
  response: Response,
  area: SandboxArea,
  status: number,
  message: string,
  reason?: string,
): void {
  if (area === "api") {
    sendApiError(response, status, message, reason);
  } else if (request.method === "GET") {
    sendHtml(response, status, renderErrorPage("Something went wrong", message));
  } else {
    const error = status === 429 ? "rate_limit_exceeded" : "server_error";
    response.status(status).json({ error, error_description: message });
  }
}

/**
 * Lets the request be handled as usual, then holds its answer: `hold` gets the sending of the real answer
 * and decides when (or whether) it happens. Anything `hold` sends itself goes out directly.
 */
function afterActing(response: Response, hold: (answer: () => void) => void): void {
  const original = response.end;
  response.end = ((...args: Parameters<Response["end"]>) => {
    response.end = original;
    hold(() => original.apply(response, args));
    return response;
  }) as Response["end"];
}

/**
 * Answers with the injected fault, if any, in the area's own error format. Faults "after acting" let
 * the request take effect first, like a gateway that loses or delays the upstream's answer.
 */
export function injectFaults(
  faults: FaultInjector,
  area: SandboxArea,
  sleep: (ms: number) => Promise<void>,
): RequestHandler {
  return (request, response, next) => {
    const fault = faults.take(area);
    if (!fault) return next();
    switch (fault.kind) {
      case "malformed":
        response.status(200).type("application/json; charset=utf-8").send(MALFORMED_BODY);
        return;
      case "rate-limit":
        response.set("Retry-After", String(fault.retryAfterSeconds));
        if (fault.quota) sendFaultError(request, response, area, 429, "Too many requests", QUOTA_EXCEEDED);
        else sendFaultError(request, response, area, 429, "API rate limit exceeded");
        return;
      case "server-error":
        if (fault.retryAfterSeconds !== null) response.set("Retry-After", String(fault.retryAfterSeconds));
        sendFaultError(request, response, area, fault.status, serverErrorMessage(fault.status));
        return;
      case "fail-after-acting":
        afterActing(response, () => {
          for (const name of response.getHeaderNames()) response.removeHeader(name);
          sendFaultError(request, response, area, fault.status, serverErrorMessage(fault.status));
        });
        return next();
      case "late":
        afterActing(response, (send) => {
          sleep(fault.delayMs).then(send, send);
        });
        return next();
    }
  };
}

function serverErrorMessage(status: number): string {
  return SERVER_ERROR_MESSAGES[status] ?? "Server error";
}
