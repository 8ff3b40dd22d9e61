import { TRPCError } from "@trpc/server";
import { createDatabase } from "@unwrapped/db";
import {
  createServices,
  NotFoundError,
  RateLimitedError,
  UpstreamError,
  ValidationError,
} from "@unwrapped/services";
import { memoryLogger } from "@unwrapped/services/testing";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { GENERIC_INTERNAL_MESSAGE, toClientError, UNAVAILABLE_MESSAGE } from "../src/error-mapping.js";
import { createLocalCaller } from "../src/local-caller.js";
import { apiTest } from "./support/api-fixture.js";
import { clientShape, rejectionOf } from "./support/error-shape.js";

const SITE = { path: "analysis.status", type: "query" };

describe("toClientError", () => {
  it("gives domain errors their tRPC code and their own message", () => {
    const { logger } = memoryLogger();
    expect(toClientError(new NotFoundError("No such analysis."), logger, SITE)).toMatchObject({
      code: "NOT_FOUND",
      message: "No such analysis.",
    });
    expect(toClientError(new ValidationError("Too long."), logger, SITE).code).toBe("BAD_REQUEST");
    const rateLimited = toClientError(new RateLimitedError("Not so fast.", 42), logger, SITE);
    expect(rateLimited.code).toBe("TOO_MANY_REQUESTS");
    expect(clientShape(rateLimited, SITE.path).data.retryAfterSeconds).toBe(42);
  });

  it("makes a passing upstream failure SERVICE_UNAVAILABLE and a lasting one BAD_GATEWAY, logged", () => {
    const { logger, lines } = memoryLogger();
    expect(toClientError(new UpstreamError("Spotify is down", { retryable: true }), logger, SITE).code).toBe(
      "SERVICE_UNAVAILABLE",
    );
    expect(toClientError(new UpstreamError("Spotify refused", { retryable: false }), logger, SITE).code).toBe(
      "BAD_GATEWAY",
    );
    expect(lines().filter((line) => line.includes("procedure failed"))).toHaveLength(1);
  });

  it("hides anything unexpected behind a generic INTERNAL_SERVER_ERROR, and logs it", () => {
    const { logger, lines } = memoryLogger();
    const internal = new Error(
      'duplicate key value violates unique constraint "sessions_pkey" (token=abc123)',
    );
    const mapped = toClientError(internal, logger, SITE);
    expect(mapped).toMatchObject({ code: "INTERNAL_SERVER_ERROR", message: GENERIC_INTERNAL_MESSAGE });
    expect(mapped.cause).toBeUndefined();
    const shape = JSON.stringify(clientShape(mapped, SITE.path));
    expect(shape).not.toContain("sessions_pkey");
    expect(shape).not.toContain("abc123");
    expect(shape).not.toMatch(/stack|at .*\.ts/);
    expect(lines().join("\n")).toContain("sessions_pkey");
  });

  it("says the service is unavailable when the database cannot be reached", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
    const mapped = toClientError(new Error("Failed query", { cause: refused }), memoryLogger().logger, SITE);
    expect(mapped).toMatchObject({ code: "SERVICE_UNAVAILABLE", message: UNAVAILABLE_MESSAGE });
  });

  it("keeps tRPC's own errors, such as invalid input, as they are", () => {
    const own = new TRPCError({ code: "BAD_REQUEST", message: "bad input" });
    expect(toClientError(own, memoryLogger().logger, SITE)).toBe(own);
  });
});

describe("errors of procedures, as clients see them", () => {
  apiTest(
    "a failing query is INTERNAL_SERVER_ERROR without SQL, table names or stack",
    async ({ api, db }) => {
      await db.execute(sql`alter table analyses rename to analyses_moved_away`); // rolled back with the test
      const error = await rejectionOf(api.caller(api.world.listener.accessToken).analysis.history());
      expect(error).toMatchObject({ code: "INTERNAL_SERVER_ERROR", message: GENERIC_INTERNAL_MESSAGE });
      const shape = JSON.stringify(clientShape(error, "analysis.history"));
      for (const internal of ["analyses", "select", "relation", "stack"])
        expect(shape).not.toContain(internal);
      expect(
        api.logLines().some((line) => line.includes("procedure failed") && line.includes("analyses")),
      ).toBe(true);
    },
  );

  apiTest(
    "a database that cannot be reached is SERVICE_UNAVAILABLE with a plain message",
    async ({ api }) => {
      const unreachable = await createDatabase({
        kind: "postgres",
        url: "postgres://unwrapped@127.0.0.1:1/nothing-listens-here",
        pool: { max: 1, idleTimeoutSeconds: 1, maxLifetimeSeconds: 0, connectTimeoutSeconds: 5 },
      });
      const services = createServices({
        config: api.world.config,
        database: unreachable,
        logger: memoryLogger().logger,
      });
      try {
        const caller = createLocalCaller({ services, accessToken: api.world.listener.accessToken });
        for (const error of await Promise.all([
          rejectionOf(caller.health.check()),
          rejectionOf(caller.analysis.history()),
        ])) {
          expect(error).toMatchObject({ code: "SERVICE_UNAVAILABLE", message: UNAVAILABLE_MESSAGE });
        }
      } finally {
        await services.statusHub.close();
        await services.revocations.close();
        await unreachable.close();
      }
    },
  );
});
