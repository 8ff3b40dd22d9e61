import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../src/logger.js";

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
});
