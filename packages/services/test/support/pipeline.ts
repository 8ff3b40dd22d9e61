import { encryptionKeyFrom } from "@unwrapped/config";
import type { Database } from "@unwrapped/db";
import type { RunningSandbox } from "@unwrapped/spotify-sandbox";
import { Collector } from "../../src/analysis/collector.js";
import { Coordinator } from "../../src/analysis/coordinator.js";
import { Persister } from "../../src/analysis/persister.js";
import { Profiler } from "../../src/analysis/profiler.js";
import { RulesJudge } from "../../src/analysis/rules-judge/rules-judge.js";
import { TokenService } from "../../src/analysis/token-service.js";
import type { Judge } from "../../src/analysis/types.js";
import { type Clock, systemClock, systemTimers, type Timers } from "../../src/clock.js";
import { TokenCipher } from "../../src/crypto/token-cipher.js";
import type { HttpDependencies } from "../../src/http/retry.js";
import { AnalysisQueue } from "../../src/queue/analysis-queue.js";
import { SpotifyWebApiClient } from "../../src/spotify/web-api-client.js";
import { silentLogger } from "../../src/testing/index.js";
import { accountsClientFor, fastRetryPolicy } from "./spotify-connection.js";
import { noWaitingHttp } from "./timers.js";

export const testCipher = new TokenCipher(encryptionKeyFrom(Buffer.alloc(32, 9).toString("base64")));

/**
 * The real analysis pipeline over `db` and a sandbox; sleeps in HTTP retries are skipped. `clock` and
 * `timers` (the system's by default) drive the queue, the token service and the coordinator.
 */
export function pipeline(
  db: Database,
  sandbox: RunningSandbox,
  options: {
    judge?: Judge;
    clock?: Clock;
    timers?: Timers;
    http?: HttpDependencies;
    /** The queue to run on (one built over `db` by default). */
    queue?: AnalysisQueue;
  } = {},
) {
  const clock = options.clock ?? systemClock;
  const timers = options.timers ?? systemTimers;
  const http = options.http ?? { ...noWaitingHttp(), clock };
  const queue =
    options.queue ??
    new AnalysisQueue({ db, clock, settings: { leaseSeconds: 60, maxAttempts: 3 }, random: () => 0.5 });
  const accounts = accountsClientFor(sandbox, { clock, http });
  const coordinator = new Coordinator({
    queue,
    tokens: new TokenService({ db, cipher: testCipher, accounts, clock, timers }),
    collector: new Collector(
      new SpotifyWebApiClient(sandbox.apiUrl, { http, policy: fastRetryPolicy }),
      silentLogger,
    ),
    profiler: new Profiler(),
    judge: options.judge ?? new RulesJudge(),
    persister: new Persister(queue),
    logger: silentLogger,
    clock,
    timers,
  });
  return { queue, coordinator, accounts, clock, timers };
}
