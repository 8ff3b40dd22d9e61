export type { PersonaSummary } from "./catalog/personas.js";
export type { FaultTarget } from "./http/faults.js";
export type { RequestRecord } from "./http/request-log.js";
export { createSandbox, type Sandbox, type SandboxControls } from "./sandbox.js";
export { type RunningSandbox, startSandbox } from "./server.js";
export type { SandboxOptions } from "./settings.js";
