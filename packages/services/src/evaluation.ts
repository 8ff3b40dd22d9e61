/** What `pnpm eval:verdicts` needs: the judges and the evaluation of their verdicts over many listeners. */
export { RulesJudge } from "./analysis/rules-judge/rules-judge.js";
export {
  evaluateVerdicts,
  formatEvaluation,
  judgeListeners,
  missedTargets,
  VERDICT_TARGETS,
} from "./analysis/verdict-evaluation.js";
export { Tone } from "./analysis/views.js";
