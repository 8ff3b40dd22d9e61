import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { descriptionSoFar, LlmJudge, type LlmJudgeSettings } from "../../src/analysis/llm-judge.js";
import { PROMPT_VERSION, promptFor, TONE_INSTRUCTIONS } from "../../src/analysis/llm-prompt.js";
import { Profiler } from "../../src/analysis/profiler.js";
import { RulesJudge } from "../../src/analysis/rules-judge/rules-judge.js";
import type { TasteProfile } from "../../src/analysis/taste-profile.js";
import type { JudgeContext } from "../../src/analysis/types.js";
import { ManualClock } from "../../src/clock.js";
import { eventually } from "../../src/testing/index.js";
import { chartPop, emptyAccount, obscureIndie } from "../support/listening-fixtures.js";
import { descriptionOf, type LlmStub, llmReplies, startLlmStub } from "../support/llm-stub.js";

const API_KEY = "sk-test-do-not-leak-4242";
const profiler = new Profiler();
const rules = new RulesJudge();
const indieProfile = profiler.profile(obscureIndie);
const context: JudgeContext = { displayName: "Robin" };

let llm: LlmStub;
let warn: ReturnType<typeof vi.fn<(details: object, message: string) => void>>;
/** The judge's timeouts run on this clock: they fire only when a test moves it. */
let clock: ManualClock;

beforeEach(async () => {
  llm = await startLlmStub();
  warn = vi.fn<(details: object, message: string) => void>();
  clock = new ManualClock();
});

afterEach(async () => {
  await llm.close();
});

function judgeWith(settings: Partial<LlmJudgeSettings> = {}, fetchImplementation?: typeof fetch): LlmJudge {
  return new LlmJudge(
    { baseUrl: llm.baseUrl, apiKey: API_KEY, model: "stub-model", timeoutMs: 2_000, ...settings },
    {
      fallback: rules,
      logger: { warn },
      timers: clock,
      fetch: fetchImplementation,
    },
  );
}

async function rulesVerdict(profile: TasteProfile = indieProfile) {
  return rules.judge(profile, context);
}

describe("LlmJudge", () => {
  it("returns the model's verdict as an llm verdict", async () => {
    llm.enqueue(llmReplies.verdict());
    const verdict = await judgeWith().judge(indieProfile, context);
    expect(verdict).toEqual({
      label: "STUBBED TASTE CONNOISSEUR",
      description: descriptionOf(150),
      criticalAcclaim: 0.7,
      mainstream: 0.4,
      judge: "llm",
      promptVersion: PROMPT_VERSION,
    });
    expect(warn).not.toHaveBeenCalled();
  });

  it("asks for a stream and hands over the description as it grows, in order", async () => {
    llm.enqueue({ ...llmReplies.verdict(), chunks: 12 });
    const drafts: string[] = [];
    const verdict = await judgeWith().judge(indieProfile, {
      ...context,
      onDraft: (draft) => drafts.push(draft),
    });
    expect(llm.requests[0]?.body?.stream).toBe(true);
    expect(drafts.length).toBeGreaterThan(3);
    for (const [index, draft] of drafts.entries()) {
      expect(verdict.description.startsWith(draft), draft).toBe(true);
      if (index > 0) expect(draft.length).toBeGreaterThan(drafts[index - 1]!.length);
    }
    expect(drafts.at(-1)).toBe(verdict.description);
  });

  it("decodes escapes in a partial description and waits for an escape to complete", () => {
    expect(descriptionSoFar('{"label": "X Y", "descr')).toBeNull();
    expect(descriptionSoFar('{"label": "X Y", "description": "Line one\\nsays \\"hi\\" \\u00e9')).toBe(
      'Line one\nsays "hi" é',
    );
    expect(descriptionSoFar('{"description": "cut at \\')).toBe("cut at ");
    expect(descriptionSoFar('{"description": "half \\u00')).toBe("half ");
    expect(descriptionSoFar('```json\n{"description": "fenced", "x": 1}')).toBe("fenced");
  });

  it("falls back to the rules judge, without retrying, when the stream is cut mid-way", async () => {
    llm.enqueue({ ...llmReplies.verdict(), chunks: 10, cutAfterChunks: 4 });
    const drafts: string[] = [];
    const verdict = await judgeWith().judge(indieProfile, {
      ...context,
      onDraft: (draft) => drafts.push(draft),
    });
    expect(verdict).toEqual(await rulesVerdict());
    expect(llm.requests).toHaveLength(1);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]?.[0]).toMatchObject({ attempts: 1 });
  });

  it("retries a streamed answer whose final JSON is invalid once, then falls back", async () => {
    const truncated = JSON.stringify(llmReplies.verdict().content).slice(0, -20);
    llm.enqueue({ content: truncated, chunks: 5 });
    llm.enqueue({ content: `${truncated} and more`, chunks: 5 });
    const verdict = await judgeWith().judge(indieProfile, context);
    expect(verdict).toEqual(await rulesVerdict());
    expect(llm.requests).toHaveLength(2);
    expect(llm.requests.every((request) => request.body?.stream === true)).toBe(true);
    expect(warn.mock.calls[0]?.[0]).toMatchObject({ attempts: 2 });
  });

  it("reads a whole JSON answer from a server that does not stream", async () => {
    llm.enqueue({ ...llmReplies.verdict({ label: "PLAIN JSON ANSWER" }), ignoreStream: true });
    const verdict = await judgeWith().judge(indieProfile, context);
    expect(verdict).toMatchObject({ label: "PLAIN JSON ANSWER", judge: "llm" });
  });

  it("puts the tone and the prompt's facts in the prompt", async () => {
    for (const tone of ["gentle", "balanced", "savage"] as const) {
      await judgeWith().judge(indieProfile, { ...context, tone });
      expect(llm.requests.at(-1)?.prompt).toContain(TONE_INSTRUCTIONS[tone]);
    }
    expect(llm.requests.at(-1)?.prompt).toContain('"genreFamilies"');
    expect(promptFor(indieProfile, context)[0]?.content).toContain(TONE_INSTRUCTIONS.balanced);
  });

  it("posts an OpenAI-style chat completion request", async () => {
    await judgeWith().judge(indieProfile, context);
    expect(llm.requests).toHaveLength(1);
    const [request] = llm.requests;
    expect(request?.method).toBe("POST");
    expect(request?.path).toBe("/v1/chat/completions");
    expect(request?.authorization).toBe(`Bearer ${API_KEY}`);
    expect(request?.body).toMatchObject({
      model: "stub-model",
      temperature: 0.8,
      response_format: { type: "json_object" },
    });
    expect(request?.body?.messages?.map((message) => message.role)).toEqual(["system", "user"]);
  });

  it("sends no Authorization header when the API key is empty", async () => {
    await judgeWith({ apiKey: "" }).judge(indieProfile, context);
    expect(llm.requests[0]?.authorization).toBeNull();
  });

  it("gives the model the profile's facts and no ids, emails, URLs or keys", async () => {
    const contextWithExtras = {
      displayName: "Robin",
      email: "robin@example.com",
      accessToken: "spotify-token-xyz",
    };
    await judgeWith().judge(indieProfile, contextWithExtras);
    const { prompt, rawBody } = llm.requests[0]!;
    for (const fact of ["Hovvdy", "Cindy Lee", "bedroom pop", "slowcore", "Robin", "Blindsided", "2010s"]) {
      expect(prompt).toContain(fact);
    }
    expect(prompt).toContain('"percent": 23.6');
    expect(prompt).toContain('"averagePopularityOutOf100": 18.75');
    for (const secret of [
      "robin@example.com",
      "spotify-token-xyz",
      API_KEY,
      "indie-artist-0",
      "indie-track-0",
      "https://",
    ]) {
      expect(rawBody).not.toContain(secret);
    }
  });

  it("normalises the label and clamps out-of-range scores", async () => {
    llm.enqueue(
      llmReplies.verdict({ label: "  nostalgic   bedroom\tpoet ", criticalAcclaim: 1.7, mainstream: -0.25 }),
    );
    const verdict = await judgeWith().judge(indieProfile, context);
    expect(verdict).toMatchObject({
      label: "NOSTALGIC BEDROOM POET",
      criticalAcclaim: 1,
      mainstream: 0,
      judge: "llm",
    });
  });

  it("accepts an answer wrapped in a ```json fence", async () => {
    const { content } = llmReplies.verdict({ label: "FENCED IN" });
    llm.enqueue(llmReplies.content(`\`\`\`json\n${JSON.stringify(content)}\n\`\`\``));
    const verdict = await judgeWith().judge(indieProfile, context);
    expect(verdict).toMatchObject({ label: "FENCED IN", judge: "llm" });
  });

  it("retries once after invalid JSON and uses the second answer", async () => {
    llm.enqueue(llmReplies.content("Sure! Here is your verdict: {label: oops"));
    llm.enqueue(llmReplies.verdict({ label: "SECOND TIME LUCKY" }));
    const verdict = await judgeWith().judge(indieProfile, context);
    expect(verdict).toMatchObject({ label: "SECOND TIME LUCKY", judge: "llm" });
    expect(llm.requests).toHaveLength(2);
    const retry = llm.requests[1]?.body?.messages ?? [];
    expect(retry.map((message) => message.role)).toEqual(["system", "user", "assistant", "user"]);
    expect(retry[3]?.content).toContain("not JSON");
    expect(warn).not.toHaveBeenCalled();
  });

  it("falls back to the rules judge with a warning after two invalid answers", async () => {
    llm.enqueue(llmReplies.content("not json"));
    llm.enqueue(llmReplies.content("still not json"));
    const verdict = await judgeWith().judge(indieProfile, context);
    expect(verdict).toEqual(await rulesVerdict());
    expect(verdict.judge).toBe("rules");
    expect(llm.requests).toHaveLength(2);
    expect(warn).toHaveBeenCalledTimes(1);
    const [details, message] = warn.mock.calls[0]!;
    expect(message).toMatch(/rules judge/);
    expect(details).toMatchObject({ attempts: 2, reason: expect.stringContaining("invalid answer twice") });
    expect(JSON.stringify(warn.mock.calls)).not.toContain(API_KEY);
  });

  it("rejects an answer with a missing field", async () => {
    llm.enqueue(llmReplies.missing("description"));
    llm.enqueue(llmReplies.missing("mainstream"));
    const verdict = await judgeWith().judge(indieProfile, context);
    expect(verdict.judge).toBe("rules");
    expect(warn).toHaveBeenCalledWith(
      expect.objectContaining({ reason: expect.stringMatching(/description.*mainstream/) }),
      expect.any(String),
    );
  });

  it("rejects labels and descriptions of the wrong length, then accepts a corrected answer", async () => {
    llm.enqueue(llmReplies.verdict({ label: "THE MOST ELABORATE TASTE EVER" }));
    llm.enqueue(llmReplies.verdict({ description: descriptionOf(119) }));
    expect((await judgeWith().judge(indieProfile, context)).judge).toBe("rules");

    llm.enqueue(llmReplies.verdict({ label: "SOLO" }));
    llm.enqueue(llmReplies.verdict({ description: descriptionOf(400) }));
    expect(await judgeWith().judge(indieProfile, context)).toMatchObject({ judge: "llm" });

    llm.enqueue(llmReplies.verdict({ description: descriptionOf(401) }));
    llm.enqueue(llmReplies.verdict({ criticalAcclaim: "high" }));
    expect((await judgeWith().judge(indieProfile, context)).judge).toBe("rules");
  });

  it("falls back when the model does not answer in time", async () => {
    llm.enqueue(llmReplies.delayed(600_000));
    const judging = judgeWith({ timeoutMs: 200 }).judge(indieProfile, context);
    await eventually(() => llm.requests.length === 1); // the model has the question
    clock.advance(200);
    const verdict = await judging;
    expect(verdict).toEqual(await rulesVerdict());
    expect(llm.requests).toHaveLength(1);
    expect(warn.mock.calls[0]?.[0]).toMatchObject({ reason: "no answer within 200 ms" });
  });

  it("stops when the worker shuts down, instead of falling back", async () => {
    llm.enqueue(llmReplies.delayed(600_000));
    const controller = new AbortController();
    const judging = judgeWith().judge(indieProfile, { ...context, signal: controller.signal });
    await eventually(() => llm.requests.length === 1); // its timeout cannot fire: the clock stands still
    controller.abort(new Error("worker shutting down"));
    await expect(judging).rejects.toThrow("worker shutting down");
    expect(warn).not.toHaveBeenCalled();
  });

  it("falls back without retrying on an HTTP error", async () => {
    llm.enqueue(llmReplies.status(500));
    const verdict = await judgeWith().judge(indieProfile, context);
    expect(verdict.judge).toBe("rules");
    expect(llm.requests).toHaveLength(1);
    expect(warn.mock.calls[0]?.[0]).toMatchObject({ reason: "HTTP 500" });
  });

  it("falls back when the endpoint cannot be reached", async () => {
    const unreachable: typeof fetch = async () => {
      throw new TypeError("fetch failed", { cause: new Error("connect ECONNREFUSED 127.0.0.1:9") });
    };
    const verdict = await judgeWith({}, unreachable).judge(indieProfile, context);
    expect(verdict.judge).toBe("rules");
    expect(warn.mock.calls[0]?.[0]).toMatchObject({ reason: expect.stringContaining("ECONNREFUSED") });
  });

  it("falls back when the response is not a chat completion", async () => {
    llm.enqueue({ rawBody: "<html>gateway</html>" });
    llm.enqueue({ rawBody: JSON.stringify({ choices: [] }) });
    const verdict = await judgeWith().judge(indieProfile, context);
    expect(verdict.judge).toBe("rules");
    expect(llm.requests).toHaveLength(2);
  });

  it("skips the model for a listener without enough data", async () => {
    const profile = profiler.profile(emptyAccount);
    const verdict = await judgeWith().judge(profile, context);
    expect(verdict).toEqual(await rulesVerdict(profile));
    expect(verdict.label).toBe("BLANK SLATE LISTENER");
    expect(llm.requests).toHaveLength(0);
    expect(warn).not.toHaveBeenCalled();
  });

  it("judges another taste with its own facts", async () => {
    await judgeWith().judge(profiler.profile(chartPop), { displayName: null });
    const prompt = llm.requests[0]?.prompt ?? "";
    expect(prompt).toContain("Taylor Swift");
    expect(prompt).toContain('"displayName": null');
    expect(prompt).not.toContain("Hovvdy");
  });
});
