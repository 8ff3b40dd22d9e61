import { evaluateVerdicts, judgeListeners, RulesJudge } from "@unwrapped/services/evaluation";
import { evaluationPersonaIds, sandboxListener } from "@unwrapped/services/testing";
const tone = (process.argv[2] ?? "balanced") as "balanced";
const listeners = evaluationPersonaIds(200).map((id) => { const l = sandboxListener(id); return { id, displayName: l.displayName, data: l.data }; });
const judged = await judgeListeners(listeners, new RulesJudge(), tone);
const e = evaluateVerdicts(judged, 60);
const seen = new Set<string>();
for (const p of e.phrases) { if (p.share <= 0.13) break; console.log((p.share*100).toFixed(1), p.phrase); }
console.log(judged[Number(process.argv[3] ?? 0)]!.verdict.description);
