import { judgeListeners, RulesJudge } from "@unwrapped/services/evaluation";
import { evaluationPersonaIds, sandboxListener } from "@unwrapped/services/testing";
const listeners = evaluationPersonaIds(0).map((id) => { const l = sandboxListener(id); return { id, displayName: l.displayName, data: l.data }; });
for (const j of await judgeListeners(listeners, new RulesJudge())) console.log(j.id.padEnd(26), j.verdict.label.padEnd(36), j.verdict.criticalAcclaim, j.verdict.mainstream, j.profile.genreDiversity, JSON.stringify(j.profile.genreFamilies?.slice(0,4)));
