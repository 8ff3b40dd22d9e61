import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tracked } from "@trpc/server";
import { NotFoundError, RateLimitedError, type Services } from "@unwrapped/services";
import { memoryLogger } from "@unwrapped/services/testing";
import { expect } from "vitest";
import { z } from "zod";
import { createContextFactory } from "../../src/context.js";
import { GENERIC_INTERNAL_MESSAGE } from "../../src/error-mapping.js";
import { createRestHandler } from "../../src/rest/rest-handler.js";
import { appRouter } from "../../src/root.js";
import { protectedProcedure, publicProcedure, router } from "../../src/trpc.js";
import { apiTest } from "../support/api-fixture.js";
import { rejectionOf } from "../support/error-shape.js";

/** A small real router on the same tiers, middlewares and error mapping as the app's. */
const testRouter = router({
  limited: publicProcedure
    .meta({ openapi: { method: "POST", path: "/limited", protect: false } })
    .input(z.object({ times: z.number().int() }).optional())
    .output(z.object({ ok: z.boolean() }))
    .mutation(() => {
      throw new RateLimitedError("Slow down a little.", 7.2);
    }),
  broken: publicProcedure
    .meta({ openapi: { method: "GET", path: "/broken", protect: false } })
    .output(z.object({ ok: z.boolean() }))
    .query(() => {
      throw new Error('relation "sessions" does not exist (token=abc123)');
    }),
  whoami: protectedProcedure
    .meta({ openapi: { method: "GET", path: "/whoami" } })
    .output(z.object({ userId: z.string() }))
    .query(({ ctx }) => ({ userId: ctx.user.id })),
  echo: publicProcedure
    .meta({ openapi: { method: "GET", path: "/echo/{name}", protect: false } })
    .input(z.object({ name: z.string(), count: z.number().int(), loud: z.boolean().optional() }))
    .output(z.object({ name: z.string(), count: z.number(), loud: z.boolean().optional(), at: z.date() }))
    .query(({ input }) => ({ ...input, at: new Date("2026-05-01T12:00:00.000Z") })),
  ticks: publicProcedure
    .meta({
      eventStream: {
        path: "/ticks/{from}",
        summary: "Ticks",
        event: z.object({ n: z.number() }),
        pathParameters: z.object({ from: z.string() }),
        input: ({ from }, lastEventId) => ({ from: Number(lastEventId ?? from) }),
      },
    })
    .input(z.object({ from: z.number().int() }))
    .subscription(async function* ({ input }) {
      for (let n = input.from + 1; n <= 3; n++) yield tracked(String(n), { n });
      throw new NotFoundError("The ticks ran out.");
    }),
});

async function listen(rest: ReturnType<typeof createRestHandler>): Promise<Server> {
  const server = createServer((request, response) => void rest(request, response));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

async function withRestServer(
  services: Services,
  routerToMount: typeof testRouter | typeof appRouter,
  run: (baseUrl: string, logLines: () => string[]) => Promise<void>,
): Promise<void> {
  const { logger, lines } = memoryLogger();
  const createContext = createContextFactory(services, logger);
  const rest = createRestHandler({
    router: routerToMount,
    createContext: (request) => createContext({ authorization: request.headers.authorization }),
    maxBodySize: 1024,
    logger,
  });
  const server = await listen(rest);
  try {
    await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`, lines);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

apiTest("a procedure's rate limit answers 429 with Retry-After and the error body", async ({ api }) => {
  await withRestServer(api.services, testRouter, async (baseUrl) => {
    const response = await fetch(`${baseUrl}/limited`, { method: "POST" });
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("8");
    expect(await response.json()).toEqual({ code: "TOO_MANY_REQUESTS", message: "Slow down a little." });
  });
});

apiTest(
  "anything unexpected is a 500 with a generic message, logged, nothing internal sent",
  async ({ api }) => {
    await withRestServer(api.services, testRouter, async (baseUrl, logLines) => {
      const response = await fetch(`${baseUrl}/broken`);
      expect(response.status).toBe(500);
      const text = await response.text();
      expect(JSON.parse(text)).toEqual({ code: "INTERNAL_SERVER_ERROR", message: GENERIC_INTERNAL_MESSAGE });
      for (const internal of ["sessions", "abc123", "stack", ".ts"]) expect(text).not.toContain(internal);
      expect(logLines().join("\n")).toContain("abc123");
    });
  },
);

apiTest(
  "the bearer token reaches the context as over /trpc, and protected procedures read it",
  async ({ api }) => {
    await withRestServer(api.services, testRouter, async (baseUrl) => {
      const { accessToken, userId } = api.world.listener;
      const signedIn = await fetch(`${baseUrl}/whoami`, {
        headers: { authorization: `Bearer ${accessToken}` },
      });
      expect(await signedIn.json()).toEqual({ userId });
      expect((await fetch(`${baseUrl}/whoami`)).status).toBe(401);
    });
  },
);

apiTest(
  "path and query values become the input, numbers and booleans read as the schema expects",
  async ({ api }) => {
    await withRestServer(api.services, testRouter, async (baseUrl) => {
      const echoed = await fetch(`${baseUrl}/echo/wren?count=3&loud=false`);
      expect(await echoed.json()).toEqual({
        name: "wren",
        count: 3,
        loud: false,
        at: "2026-05-01T12:00:00.000Z",
      });
      const wrong = await fetch(`${baseUrl}/echo/wren?count=three&loud=maybe`);
      expect(wrong.status).toBe(400);
      const body = (await wrong.json()) as { fieldErrors: Record<string, string[]> };
      expect(Object.keys(body.fieldErrors).sort()).toEqual(["count", "loud"]);
      const twice = await fetch(`${baseUrl}/echo/wren?count=1&count=2`);
      expect(twice.status).toBe(400);
    });
  },
);

apiTest("a body too large is 413, before it is read whole", async ({ api }) => {
  await withRestServer(api.services, testRouter, async (baseUrl) => {
    const response = await fetch(`${baseUrl}/limited`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ times: 1, padding: "x".repeat(2048) }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
  });
});

apiTest(
  "an event stream sends id and data per event, resumes after Last-Event-ID, and ends with an error event",
  async ({ api }) => {
    await withRestServer(api.services, testRouter, async (baseUrl) => {
      const first = await fetch(`${baseUrl}/ticks/0`);
      expect(first.headers.get("content-type")).toMatch(/^text\/event-stream/);
      expect(await first.text()).toBe(
        'id: 1\ndata: {"n":1}\n\nid: 2\ndata: {"n":2}\n\nid: 3\ndata: {"n":3}\n\n' +
          'event: error\ndata: {"code":"NOT_FOUND","message":"The ticks ran out."}\n\n',
      );
      const resumed = await fetch(`${baseUrl}/ticks/0`, { headers: { "last-event-id": "2" } });
      expect(await resumed.text()).toBe(
        'id: 3\ndata: {"n":3}\n\nevent: error\ndata: {"code":"NOT_FOUND","message":"The ticks ran out."}\n\n',
      );
    });
  },
);

apiTest(
  "REST reads the schemas without changing them: /trpc still refuses a number sent as a string",
  async ({ api }) => {
    await withRestServer(api.services, appRouter, async (baseUrl) => {
      const headers = { authorization: `Bearer ${api.world.listener.accessToken}` };
      expect((await fetch(`${baseUrl}/analysis/history?limit=5`, { headers })).status).toBe(200);
      const caller = api.caller(api.world.listener.accessToken);
      const error = await rejectionOf(caller.analysis.history({ limit: "5" as unknown as number }));
      expect(error.code).toBe("BAD_REQUEST");
      const fresh = await rejectionOf(caller.analysis.begin({ fresh: "false" as unknown as boolean }));
      expect(fresh.code).toBe("BAD_REQUEST");
    });
  },
);
