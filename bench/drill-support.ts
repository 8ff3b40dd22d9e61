import { mapConcurrently } from "./concurrency.js";
import { type UnwrappedEnvironment, unwrappedSettings } from "./environment.js";
import { type BenchDatabase, createBenchDatabase } from "./postgres.js";
import { type SignedInListener, seedPersonas, signInListeners } from "./sign-in.js";
import { type InProcessServices, openServices } from "./unwrapped.js";

/** A drill's verdict and the figures behind it. */
export interface DrillResult {
  readonly name: string;
  readonly description: string;
  readonly passed: boolean;
  readonly figures: readonly string[];
}

export interface Drill {
  readonly name: string;
  readonly description: string;
  run(): Promise<DrillResult>;
}

export interface DrillFixture {
  readonly database: BenchDatabase;
  readonly settings: UnwrappedEnvironment;
  readonly inProcess: InProcessServices;
  readonly listeners: readonly SignedInListener[];
}

/**
 * A bench database, settings for workers and servers pointed at a Spotify sandbox, and `listenerCount`
 * seed listeners signed in through the services in the drill's process.
 */
export async function prepareDrill(
  label: string,
  options: { spotify: UnwrappedEnvironment; listenerCount: number; settings?: UnwrappedEnvironment },
): Promise<DrillFixture> {
  const database = await createBenchDatabase(label);
  const settings = unwrappedSettings({
    DATABASE_URL: database.url,
    WORKER: "external",
    MIGRATE: "off",
    FRESH_ANALYSIS_COOLDOWN_SECONDS: "0",
    ...options.spotify,
    ...options.settings,
  });
  const inProcess = await openServices(settings);
  const listeners = await signInListeners(inProcess.services, seedPersonas(options.listenerCount), 16);
  return { database, settings, inProcess, listeners };
}

/** One pending analysis per listener, created through AnalysisService.begin as the API does; their ids. */
export async function beginAnalyses(
  fixture: DrillFixture,
  listeners: readonly SignedInListener[] = fixture.listeners,
): Promise<string[]> {
  const begun = await mapConcurrently(listeners, 16, (listener) =>
    fixture.inProcess.services.analyses.begin(listener.userId, { fresh: true }),
  );
  return begun.map((status) => status.analysisId);
}

export function seconds(milliseconds: number): string {
  return `${(milliseconds / 1000).toFixed(1)} s`;
}
