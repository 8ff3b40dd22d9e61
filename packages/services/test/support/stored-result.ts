import type { StoredResult } from "../../src/analysis/persister.js";
import { Profiler } from "../../src/analysis/profiler.js";
import { obscureIndie } from "./listening-fixtures.js";

const profile = new Profiler().profile(obscureIndie);

/** A result as the Persister hands it to the queue, with a real profile. */
export function storedResult(overrides: Partial<StoredResult> = {}): StoredResult {
  return {
    judge: "rules",
    profile,
    label: "TEST LABEL",
    description: "words",
    criticalAcclaim: 0.5,
    mainstream: 0.5,
    shareToken: "share-token-0123456789abcdef",
    promptVersion: null,
    ...overrides,
  };
}
