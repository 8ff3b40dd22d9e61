import { describe, expect, it } from "vitest";
import { COMMON_OPTIONS, parseCommandArgs } from "../src/args.js";
import { UsageError } from "../src/errors.js";

const OPTIONS = { ...COMMON_OPTIONS, json: { type: "boolean" } } as const;

function usageMessage(argv: string[]): string {
  try {
    parseCommandArgs("result", argv, OPTIONS);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(2);
    return (error as Error).message;
  }
  throw new Error("expected a usage error");
}

describe("parseCommandArgs", () => {
  it("parses the command's options and the common ones", () => {
    expect(parseCommandArgs("result", ["--json", "--server", "http://x:1"], OPTIONS)).toEqual({
      json: true,
      server: "http://x:1",
    });
    expect(parseCommandArgs("result", ["-h"], OPTIONS)).toEqual({ help: true });
  });

  it("answers mistakes with one line that points at the command's help", () => {
    expect(usageMessage(["--jsn"])).toBe(
      "Unknown option --jsn for `unwrapped result`. Run `unwrapped result --help` for usage.",
    );
    expect(usageMessage(["latest"])).toBe(
      'Unexpected argument "latest" for `unwrapped result`. Run `unwrapped result --help` for usage.',
    );
    expect(usageMessage(["--server"])).toBe(
      "--server needs a value. Run `unwrapped result --help` for usage.",
    );
    expect(usageMessage(["--json=yes"])).toBe(
      "--json takes no value. Run `unwrapped result --help` for usage.",
    );
  });
});
