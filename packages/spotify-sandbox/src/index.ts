export type { FaultTarget } from "./faults.js";
export type { PersonaSummary } from "./personas.js";
export type { RequestRecord } from "./request-log.js";
export { createSandbox, type Sandbox, type SandboxControls } from "./sandbox.js";
export { type RunningSandbox, startSandbox } from "./server.js";
export type { SandboxOptions } from "./settings.js";
