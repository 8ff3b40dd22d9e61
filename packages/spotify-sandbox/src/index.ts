export {
  type ListeningSnapshot,
  listeningSnapshot,
  NAMED_PERSONA_IDS,
} from "./catalog/listening-snapshot.js";
export type { PersonaSummary } from "./catalog/personas.js";
export {
  DEVELOPMENT_MODE_USER_LIMIT,
  USER_NOT_REGISTERED_MESSAGE,
} from "./development-mode.js";
export { type FaultTarget, QUOTA_EXCEEDED } from "./http/faults.js";
export type { RequestRecord } from "./http/request-log.js";
export { createSandbox, type Sandbox, type SandboxControls } from "./sandbox.js";
export { type RunningSandbox, startSandbox } from "./server.js";
export {
  REFRESH_TOKEN_ROTATIONS,
  type RefreshTokenRotation,
  type SandboxOptions,
} from "./settings.js";
