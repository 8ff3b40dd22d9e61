/**
 * `pnpm eval:verdicts [--seeds N] [--tone gentle|balanced|savage]`: judges the sandbox's named personas
 * and N generated listeners (200 by default) with the rules judge, and prints the most repeated 6-word
 * phrases, the label distribution and the score ranges against the targets. Exits 1 when a target is
 * missed. The same evaluation runs in the suite on a fixed set of seeds
 * (packages/services/test/analysis/verdict-evaluation.test.ts).
 */
import { parseArgs } from "node:util";
import {
  evaluateVerdicts,
  formatEvaluation,
  judgeListeners,
  missedTargets,
  RulesJudge,
  Tone,
} from "@unwrapped/services/evaluation";
import { evaluationPersonaIds, sandboxListener } from "@unwrapped/services/testing";

const { values } = parseArgs({
  options: { seeds: { type: "string", default: "200" }, tone: { type: "string", default: "balanced" } },
});
const seeds = Number(values.seeds);
if (!Number.isInteger(seeds) || seeds < 0) throw new Error("--seeds takes a whole number");
const tone = Tone.parse(values.tone);

const listeners = evaluationPersonaIds(seeds).map((id) => {
  const listener = sandboxListener(id);
  return { id, displayName: listener.displayName, data: listener.data };
});
const evaluation = evaluateVerdicts(await judgeListeners(listeners, new RulesJudge(), tone));
console.log(`Rules judge, tone ${tone}, named personas + ${seeds} seed listeners\n`);
console.log(formatEvaluation(evaluation));
process.exitCode = missedTargets(evaluation).length === 0 ? 0 : 1;
