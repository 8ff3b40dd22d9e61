import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, REPEATED_ERROR_INTERVAL_MS } from "../src/logger.js";

/** A stream that keeps what is written to it. */
function capture() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join("") };
}

describe("createLogger", () => {
  it("writes one JSON object per line by default, for log collectors", () => {
    const out = capture();
    createLogger({ level: "info", name: "server" }, out.stream).info({ port: 8000 }, "listening");
    const line = JSON.parse(out.text().trim());
    expect(line).toMatchObject({ level: 30, name: "server", port: 8000, msg: "listening" });
  });

  it("writes readable lines when pretty, with the level, the message and the fields, without JSON", () => {
    const out = capture();
    createLogger({ level: "info", name: "server", pretty: true }, out.stream).warn(
      { port: 8000 },
      "port taken",
    );
    const text = out.text();
    expect(text).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] WARN \(server\): port taken\n/);
    expect(text).toContain("port: 8000");
    expect(() => JSON.parse(text)).toThrow();
  });

  it("redacts credentials in both formats", () => {
    for (const pretty of [false, true]) {
      const out = capture();
      createLogger({ level: "info", pretty }, out.stream).info(
        { accessToken: "secret-access", request: { headers: { authorization: "Bearer secret-bearer" } } },
        "signed in",
      );
      expect(out.text()).not.toMatch(/secret-access|secret-bearer/);
      expect(out.text()).toContain("[redacted]");
    }
  });

  it("leaves out what the level does not ask for", () => {
    const out = capture();
    const logger = createLogger({ level: "info", pretty: true }, out.stream);
    logger.debug("a request line");
    expect(out.text()).toBe("");
  });

  it("logs a failed query without its parameters, PostgreSQL's detail or postgres.js's parameters", async () => {
    const out = capture();
    const logger = createLogger({ level: "info" }, out.stream);
    const cause = Object.assign(new Error("duplicate key value violates unique constraint"), {
      code: "23505",
      detail: "Key (state)=(secret-state-123) already exists.",
      parameters: ["secret-verifier-456"],
    });
    const failed = Object.assign(
      new Error(
        'Failed query: insert into "oauth_states" values ($1, $2)\nparams: secret-state-123,secret-verifier-456',
      ),
      {
        query: 'insert into "oauth_states" values ($1, $2)',
        params: ["secret-state-123", "secret-verifier-456"],
        cause,
      },
    );
    logger.error({ err: failed }, "procedure failed");
    await new Promise((resolve) => setImmediate(resolve));
    const text = out.text();
    expect(text).toContain("Failed query: insert into");
    expect(text).toContain("params: [redacted]");
    expect(text).not.toContain("secret-state-123");
    expect(text).not.toContain("secret-verifier-456");
  });

  it("writes the same error once per interval, then once more with the count it held back", async () => {
    const out = capture();
    let now = 0;
    const logger = createLogger({ level: "info", now: () => now }, out.stream);
    for (let index = 0; index < 100; index++)
      logger.error({ err: new Error("database refused") }, "procedure failed");
    logger.error({ err: new Error("another failure") }, "procedure failed");
    now = REPEATED_ERROR_INTERVAL_MS;
    logger.error({ err: new Error("database refused") }, "procedure failed");
    logger.info("not an error: never held back");
    logger.info("not an error: never held back");
    await new Promise((resolve) => setImmediate(resolve));
    const lines = out
      .text()
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => [line.err?.message ?? line.msg, line.repeated])).toEqual([
      ["database refused", undefined],
      ["another failure", undefined],
      ["database refused", 99],
      ["not an error: never held back", undefined],
      ["not an error: never held back", undefined],
    ]);
  });
});
