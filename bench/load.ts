import autocannon from "autocannon";
import type { CpuMeter } from "./processes.js";
import { median } from "./stats.js";

export interface LoadTarget {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** One autocannon run with the CPU the measured processes used meanwhile. */
export interface LoadSample {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Responses that were not 2xx, plus connection errors and timeouts. */
  readonly failures: number;
  readonly responses: number;
  readonly bytesPerResponse: number;
  /** CPU of the server process per answered request, in microseconds. */
  readonly serverCpuMicroseconds: number;
  /** CPU of all PostgreSQL processes per answered request, in microseconds. */
  readonly postgresCpuMicroseconds: number;
}

export interface LoadSettings {
  readonly connections: number;
  readonly durationSeconds: number;
}

/** Runs autocannon against one URL for a fixed time; CPU is read from /proc around the run. */
export async function runLoad(
  target: LoadTarget,
  settings: LoadSettings,
  meters: { server: CpuMeter; postgres: CpuMeter },
): Promise<LoadSample> {
  meters.server.start();
  meters.postgres.start();
  const result = await autocannon({
    url: target.url,
    headers: { ...target.headers },
    connections: settings.connections,
    duration: settings.durationSeconds,
  });
  const serverCpu = meters.server.stop();
  const postgresCpu = meters.postgres.stop();
  const ok = result["2xx"];
  return {
    requestsPerSecond: ok / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    failures: result.non2xx + result.errors + result.timeouts,
    responses: ok,
    bytesPerResponse: result.requests.total > 0 ? result.throughput.total / result.requests.total : 0,
    serverCpuMicroseconds: ok > 0 ? serverCpu / ok : Number.NaN,
    postgresCpuMicroseconds: ok > 0 ? postgresCpu / ok : Number.NaN,
  };
}

/** The median of each figure over several runs (each figure on its own, as the issue asks). */
export function medianSample(samples: readonly LoadSample[]): LoadSample {
  const of = (pick: (sample: LoadSample) => number) => median(samples.map(pick));
  return {
    requestsPerSecond: of((sample) => sample.requestsPerSecond),
    p50Ms: of((sample) => sample.p50Ms),
    p99Ms: of((sample) => sample.p99Ms),
    failures: samples.reduce((total, sample) => total + sample.failures, 0),
    responses: samples.reduce((total, sample) => total + sample.responses, 0),
    bytesPerResponse: of((sample) => sample.bytesPerResponse),
    serverCpuMicroseconds: of((sample) => sample.serverCpuMicroseconds),
    postgresCpuMicroseconds: of((sample) => sample.postgresCpuMicroseconds),
  };
}
