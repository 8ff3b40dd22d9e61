import type { RequestHandler } from "express";

export interface RequestRecord {
  method: string;
  /** Relative to where the sandbox is mounted, without the query: "/api/v1/me/top/artists". */
  path: string;
  status: number;
  startedAt: number;
  finishedAt: number;
}

/** Keeps memory bounded in long load tests; older records are dropped first. */
const DEFAULT_CAPACITY = 10_000;

/** Every request the sandbox answered, oldest first (by start), timed with the sandbox clock. */
export class RequestLog {
  readonly #now: () => number;
  readonly #capacity: number;
  #records: RequestRecord[] = [];

  constructor(now: () => number, capacity = DEFAULT_CAPACITY) {
    this.#now = now;
    this.#capacity = capacity;
  }

  get records(): readonly RequestRecord[] {
    return [...this.#records];
  }

  clear(): void {
    this.#records = [];
  }

  middleware(): RequestHandler {
    return (request, response, next) => {
      const startedAt = this.#now();
      const { method, path } = request;
      response.once("finish", () => {
        this.#add({ method, path, status: response.statusCode, startedAt, finishedAt: this.#now() });
      });
      next();
    };
  }

  /** Requests finish out of order; insert by start time (usually at or near the end). */
  #add(record: RequestRecord): void {
    let index = this.#records.length;
    while (index > 0 && this.#records[index - 1]!.startedAt > record.startedAt) index--;
    this.#records.splice(index, 0, record);
    if (this.#records.length > this.#capacity) this.#records.splice(0, this.#records.length - this.#capacity);
  }
}
