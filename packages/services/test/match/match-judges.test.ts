import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Profiler } from "../../src/analysis/profiler.js";
import { countWords } from "../../src/analysis/word-limits.js";
import { ManualClock } from "../../src/clock.js";
import { compatibilityOf, type MatchInput } from "../../src/match/compatibility.js";
import { MatchLlmJudge } from "../../src/match/match-llm-judge.js";
import {
  MATCH_DESCRIPTION_WORDS,
  type MatchFacts,
  MatchRulesJudge,
  rulesJointVerdict,
} from "../../src/match/match-rules-judge.js";
import { toPublicProfile } from "../../src/share/shared-verdict.js";
import { TASTES } from "../support/listening-fixtures.js";
import { descriptionOf, type LlmStub, llmReplies, startLlmStub } from "../support/llm-stub.js";

const profiler = new Profiler();
const TONES = ["gentle", "balanced", "savage"] as const;

function sideOf(taste: keyof typeof TASTES): MatchInput {
  return { profile: toPublicProfile(profiler.profile(TASTES[taste])), criticalAcclaim: 0.6, mainstream: 0.4 };
}

function factsOf(
  left: keyof typeof TASTES,
  right: keyof typeof TASTES,
  tone: MatchFacts["tone"],
): MatchFacts {
  const you = sideOf(left);
  const them = sideOf(right);
  const genres = (side: MatchInput) => (side.profile.topGenres ?? []).slice(0, 3).map((entry) => entry.genre);
  return {
    compatibility: compatibilityOf(you, them),
    tone,
    you: { displayName: "Robin", label: "UNDERGROUND INDIE CRATE-DIGGER", topGenres: genres(you) },
    them: { displayName: "Sam", label: "CHART POP LOYALIST", topGenres: genres(them) },
  };
}

describe("the rules joint verdict", () => {
  it("writes a 2–4 word upper-case label and 80–200 words for every pair and tone", () => {
    const tastes = Object.keys(TASTES) as (keyof typeof TASTES)[];
    for (const left of tastes) {
      for (const right of tastes) {
        for (const tone of TONES) {
          const verdict = rulesJointVerdict(factsOf(left, right, tone));
          expect(verdict.judge).toBe("rules");
          expect(verdict.label).toMatch(/^[A-Z-]+( [A-Z-]+){1,3}$/);
          const words = countWords(verdict.description);
          expect(words).toBeGreaterThanOrEqual(MATCH_DESCRIPTION_WORDS.min);
          expect(words).toBeLessThanOrEqual(MATCH_DESCRIPTION_WORDS.max);
        }
      }
    }
  });

  it("is deterministic and speaks in the tone asked for", async () => {
    const judge = new MatchRulesJudge();
    const first = await judge.judge(factsOf("obscureIndie", "chartPop", "savage"));
    expect(await judge.judge(factsOf("obscureIndie", "chartPop", "savage"))).toEqual(first);
    const gentle = await judge.judge(factsOf("obscureIndie", "chartPop", "gentle"));
    expect(gentle.label).not.toBe(first.label);
    expect(gentle.description).not.toBe(first.description);
  });

  it("reads well without display names", () => {
    const facts = factsOf("obscureIndie", "chartPop", "balanced");
    const anonymous = {
      ...facts,
      you: { ...facts.you, displayName: null },
      them: { ...facts.them, displayName: null },
    };
    const { description } = rulesJointVerdict(anonymous);
    expect(description).toMatch(/^You and your friend are \d+ % compatible\./);
    expect(description).not.toMatch(/null|undefined|You sits|You's/);
  });

  it("names the pair, the score and what they share", () => {
    const facts = factsOf("obscureIndie", "obscureIndie", "balanced");
    const verdict = rulesJointVerdict(facts);
    expect(verdict.description).toContain("Robin and Sam are 100 % compatible.");
    expect(verdict.description).toContain(facts.compatibility.sharedArtists[0] ?? "missing");
  });
});

describe("MatchLlmJudge", () => {
  let llm: LlmStub;
  let warn: ReturnType<typeof vi.fn<(details: object, message: string) => void>>;
  beforeEach(async () => {
    llm = await startLlmStub();
    warn = vi.fn<(details: object, message: string) => void>();
  });
  afterEach(async () => {
    await llm.close();
  });

  const judgeOn = (stub: LlmStub) =>
    new MatchLlmJudge(
      { baseUrl: stub.baseUrl, apiKey: "sk-match-secret", model: "stub-model", timeoutMs: 2_000 },
      { fallback: new MatchRulesJudge(), logger: { warn }, timers: new ManualClock() },
    );

  it("returns the model's joint verdict, asked with the pair's public facts and the tone", async () => {
    llm.enqueue({ content: { label: "two odd socks", description: descriptionOf(120) } });
    const verdict = await judgeOn(llm).judge(factsOf("obscureIndie", "chartPop", "savage"));
    expect(verdict).toEqual({ label: "TWO ODD SOCKS", description: descriptionOf(120), judge: "llm" });
    const prompt = llm.requests[0]?.prompt ?? "";
    expect(prompt).toContain("Roast them both hard");
    expect(prompt).toContain('"compatibilityPercent"');
    expect(llm.requests[0]?.authorization).toBe("Bearer sk-match-secret");
    expect(warn).not.toHaveBeenCalled();
  });

  it("retries an invalid answer once, then falls back to the rules", async () => {
    llm.enqueue(llmReplies.content("not json"));
    llm.enqueue({ content: { label: "FINE", description: "too short" } });
    const facts = factsOf("loyalMetalhead", "hipHop", "balanced");
    const verdict = await judgeOn(llm).judge(facts);
    expect(verdict).toEqual(rulesJointVerdict(facts));
    expect(llm.requests).toHaveLength(2);
    expect(llm.requests[1]?.prompt).toContain("That answer was rejected");
    expect(warn).toHaveBeenCalledOnce();
  });

  it("falls back to the rules on an HTTP error without retrying", async () => {
    llm.enqueue(llmReplies.status(503));
    const facts = factsOf("jazzNostalgic", "chartPop", "gentle");
    expect(await judgeOn(llm).judge(facts)).toEqual(rulesJointVerdict(facts));
    expect(llm.requests).toHaveLength(1);
  });
});
