import { startSandbox } from "@unwrapped/spotify-sandbox";
import { DEMO_CLIENT } from "../environment.js";
import { type BenchOptions, commandFor, type Scenario } from "../scenario.js";
import { median, sum } from "../stats.js";
import { formatMs, type ScenarioReport } from "../tables.js";

/** Far from the seeds other scenarios sign in, so every listener here is new to the sandbox. */
const FIRST_SEED = 1_000_000;
const REDIRECT_URI = "http://127.0.0.1:9/callback";

/** One approval at /accounts/authorize: the sandbox finds (and on first use generates) the listener. */
async function timeAuthorize(accountsUrl: string, persona: string): Promise<number> {
  const query = new URLSearchParams({
    client_id: DEMO_CLIENT.id,
    response_type: "code",
    redirect_uri: REDIRECT_URI,
    scope: "user-top-read",
    persona,
  });
  const started = performance.now();
  const response = await fetch(`${accountsUrl}/authorize?${query.toString()}`, { redirect: "manual" });
  await response.arrayBuffer();
  const elapsed = performance.now() - started;
  if (response.status !== 302) throw new Error(`authorize ${persona} answered ${response.status}`);
  return elapsed;
}

async function run(options: BenchOptions): Promise<ScenarioReport> {
  const count = options.quick ? 100 : 500;
  const personas = Array.from({ length: count }, (_, index) => `seed:${FIRST_SEED + index}`);
  const sandbox = await startSandbox({ clientId: DEMO_CLIENT.id, clientSecret: DEMO_CLIENT.secret });
  try {
    // Warm the HTTP path and the shared catalog with a listener outside the measured ones.
    await timeAuthorize(sandbox.accountsUrl, `seed:${FIRST_SEED - 1}`);
    const firstUse: number[] = [];
    for (const persona of personas) firstUse.push(await timeAuthorize(sandbox.accountsUrl, persona));
    const cached: number[] = [];
    for (const persona of personas) cached.push(await timeAuthorize(sandbox.accountsUrl, persona));
    const generationMs = (sum(firstUse) - sum(cached)) / count;
    return {
      title: "sandbox: generating a `seed:<n>` listener",
      command: commandFor("listeners", options),
      table: {
        headers: ["authorize requests", "listeners", "mean", "median"],
        rows: [
          [
            "first use (generates the listener)",
            String(count),
            formatMs(sum(firstUse) / count, 2),
            formatMs(median(firstUse), 2),
          ],
          [
            "again (served from the cache)",
            String(count),
            formatMs(sum(cached) / count, 2),
            formatMs(median(cached), 2),
          ],
        ],
      },
      notes: [
        "A sandbox in the bench's process; each listener is approved once with `persona=seed:<n>` at /accounts/authorize (302), one request at a time, then all of them again.",
        "Generation per listener = mean of the first pass - mean of the second (the HTTP round trip is in both).",
      ],
      targets: [
        {
          name: "listener generation",
          target: "< 5 ms per listener",
          measured: formatMs(generationMs, 2),
          met: generationMs < 5,
        },
      ],
    };
  } finally {
    await sandbox.close();
  }
}

export const listenersScenario: Scenario = {
  name: "listeners",
  description: "the sandbox generating new `seed:<n>` listeners (first use vs cached, per listener)",
  run,
};
