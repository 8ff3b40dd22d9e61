import { describe, expect, it } from "vitest";
import { Profiler } from "../../src/analysis/profiler.js";
import { RulesJudge } from "../../src/analysis/rules-judge/rules-judge.js";
import {
  evaluateVerdicts,
  formatEvaluation,
  type JudgedListener,
  judgeListeners,
  missedTargets,
  phrasesOf,
  VERDICT_TARGETS,
} from "../../src/analysis/verdict-evaluation.js";
import { TONES } from "../../src/analysis/views.js";
import { evaluationPersonaIds, sandboxListener } from "../../src/testing/index.js";

/** The listeners `pnpm eval:verdicts` judges: the named personas and seed:1 … seed:200. */
const listeners = evaluationPersonaIds(200).map((id) => {
  const listener = sandboxListener(id);
  return { id, displayName: listener.displayName, data: listener.data };
});

describe("verdict evaluation", () => {
  it.each(TONES)("meets every target over the named personas and 200 seed listeners (%s)", async (tone) => {
    const evaluation = evaluateVerdicts(await judgeListeners(listeners, new RulesJudge(), tone));
    expect(missedTargets(evaluation), formatEvaluation(evaluation)).toEqual([]);
    expect(evaluation.phrases[0]?.share ?? 0).toBeLessThanOrEqual(VERDICT_TARGETS.maxPhraseShare);
    expect(evaluation.labels[0]?.share ?? 0).toBeLessThanOrEqual(VERDICT_TARGETS.maxLabelShare);
    expect(evaluation.criticalAcclaim.range).toBeGreaterThanOrEqual(0.5);
    expect(evaluation.mainstream.range).toBeGreaterThanOrEqual(0.5);
    for (const count of Object.values(evaluation.quadrants)) expect(count).toBeGreaterThanOrEqual(1);
    // The new account has too little listening: no scores.
    expect(evaluation.unscored).toBe(1);
  });

  it("counts phrases once per verdict, within sentences, without numbers or names", () => {
    const names = new Set(["miles", "davis"]);
    expect([...phrasesOf("Miles Davis tops your list and nobody else comes close.", names)]).toEqual([
      "tops your list and nobody else",
      "your list and nobody else comes",
      "list and nobody else comes close",
    ]);
    expect(phrasesOf("You played 62% of it at night. Yes you did, every single night.", names).size).toBe(1);
    const verdict = (description: string, label: string): JudgedListener => ({
      id: label,
      profile: sandboxProfileStub,
      verdict: { label, description, criticalAcclaim: 0.2, mainstream: 0.9, judge: "rules" },
      nameWords: new Set(),
    });
    const evaluation = evaluateVerdicts([
      verdict("one two three four five six. one two three four five six.", "A B"),
      verdict("one two three four five six seven.", "A B"),
      verdict("something else entirely, said once here.", "C D"),
      {
        ...verdict("too little", "E F"),
        verdict: { label: "E F", description: "", criticalAcclaim: null, mainstream: null, judge: "rules" },
      },
    ]);
    expect(evaluation.phrases[0]).toEqual({ phrase: "one two three four five six", share: 0.5 });
    expect(evaluation.labels[0]).toEqual({ label: "A B", count: 2, share: 0.5 });
    expect(evaluation.unscored).toBe(1);
    expect(evaluation.quadrants["unacclaimed & mainstream"]).toBe(3);
    expect(missedTargets(evaluation)).toContain("no listener is acclaimed & underground");
  });
});

/** Any profile: the evaluation reads only the verdicts and the name words. */
const sandboxProfileStub = new Profiler().profile(sandboxListener("seed:1").data);
