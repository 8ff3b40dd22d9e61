import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readEnvironment } from "../src/environment.js";

describe("readEnvironment", () => {
  it("keeps credentials under XDG_CONFIG_HOME, else ~/.config", () => {
    expect(readEnvironment({ XDG_CONFIG_HOME: "/tmp/xdg", HOME: "/home/ann" }).configDirectory).toBe(
      join("/tmp/xdg", "unwrapped"),
    );
    expect(readEnvironment({ HOME: "/home/ann" }).configDirectory).toBe(
      join("/home/ann", ".config", "unwrapped"),
    );
    // The XDG spec says a relative XDG_CONFIG_HOME is to be ignored.
    expect(readEnvironment({ XDG_CONFIG_HOME: "relative", HOME: "/home/ann" }).configDirectory).toBe(
      join("/home/ann", ".config", "unwrapped"),
    );
  });

  it("reads UNWRAPPED_SERVER and NO_COLOR (an empty NO_COLOR does not count)", () => {
    expect(readEnvironment({ UNWRAPPED_SERVER: "http://10.0.0.2:8000", NO_COLOR: "1" })).toMatchObject({
      server: "http://10.0.0.2:8000",
      noColor: true,
    });
    expect(readEnvironment({ UNWRAPPED_SERVER: " ", NO_COLOR: "" })).toMatchObject({
      server: undefined,
      noColor: false,
    });
  });
});
