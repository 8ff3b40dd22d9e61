// Signs in a demo persona, runs an analysis and prints the verdict:
//   node --import tsx verdict.ts [persona] [server]
// Defaults: metalhead; the server from UNWRAPPED_SERVER (as for the CLI), else http://127.0.0.1:8000.
import { createClient, describeError, signInWithPersona, waitForAnalysis } from "@unwrapped/client";

const [persona = "metalhead", url = process.env.UNWRAPPED_SERVER || "http://127.0.0.1:8000"] =
  process.argv.slice(2);

try {
  const session = await signInWithPersona({ url, persona });
  const client = createClient({ url, accessToken: session.accessToken, refreshToken: session.refreshToken });
  const begun = await client.analysis.begin.mutate();
  const done = await waitForAnalysis(client, {
    analysisId: begun.analysisId,
    onStatus: (status) => console.log(`${status.stage} ${Math.round(status.progress * 100)}%`),
  });
  if (done.status === "failed") throw new Error(`The analysis failed: ${done.error?.message}`);
  const verdict = await client.analysis.result.query({ analysisId: done.analysisId });
  console.log(`\n${verdict.label}\n\n${verdict.description}\n\nShare it: ${verdict.shareUrl}`);
} catch (error) {
  console.error(describeError(error));
  process.exitCode = 1;
}
