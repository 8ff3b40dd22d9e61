import { parseArgs } from "node:util";
import { NAMED_PERSONAS } from "./catalog/personas.js";
import { startSandbox } from "./server.js";
import { requireRotation } from "./settings.js";

/**
 * Runs the sandbox on its own:
 *   pnpm --filter @unwrapped/spotify-sandbox start -- --port 9000 [--host 127.0.0.1] [--latency 100]
 *     [--development-mode] [--access-token-ttl 3600] [--refresh-token-rotation sometimes|always|off]
 *     [--refresh-token-reuse-detection] [--client-id X --client-secret Y]
 * The default client matches the service's demo-mode credentials.
 */

const USAGE = `Usage: spotify-sandbox [--port 9000] [--host 127.0.0.1] [--latency ms] [--development-mode]
                       [--access-token-ttl seconds] [--refresh-token-rotation sometimes|always|off]
                       [--refresh-token-reuse-detection] [--client-id id] [--client-secret secret]`;

function integerOption(value: string, name: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(parsed))
    throw new RangeError(`--${name} must be a non-negative integer`);
  return parsed;
}

async function main(): Promise<void> {
  // `pnpm start -- --port 9000` passes the "--" through, and parseArgs would treat what follows as positional.
  const args = process.argv.slice(2).filter((argument, index) => !(index === 0 && argument === "--"));
  const { values } = parseArgs({
    args,
    options: {
      port: { type: "string", default: "9000" },
      host: { type: "string", default: "127.0.0.1" },
      latency: { type: "string", default: "0" },
      "development-mode": { type: "boolean", default: false },
      "access-token-ttl": { type: "string", default: "3600" },
      "refresh-token-rotation": { type: "string", default: "sometimes" },
      "refresh-token-reuse-detection": { type: "boolean", default: false },
      "client-id": { type: "string", default: "unwrapped-demo-client" },
      "client-secret": { type: "string", default: "unwrapped-demo-secret" },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }

  const sandbox = await startSandbox({
    host: values.host,
    port: integerOption(values.port, "port"),
    latencyMs: integerOption(values.latency, "latency"),
    developmentMode: values["development-mode"],
    accessTokenTtlSeconds: integerOption(values["access-token-ttl"], "access-token-ttl"),
    refreshTokenRotation: requireRotation(values["refresh-token-rotation"]),
    refreshTokenReuseDetection: values["refresh-token-reuse-detection"],
    clientId: values["client-id"],
    clientSecret: values["client-secret"],
  });
  console.log(`Spotify sandbox listening on ${sandbox.url}
  accounts:  ${sandbox.accountsUrl}   (authorize: ${sandbox.accountsUrl}/authorize, token: ${sandbox.accountsUrl}/api/token)
  web api:   ${sandbox.apiUrl}   (e.g. ${sandbox.apiUrl}/v1/me)
  personas:  ${sandbox.url}/personas   (${NAMED_PERSONAS.map((persona) => persona.id).join(", ")}, or seed:<n>)
  client id: ${values["client-id"]}`);

  const stop = () => {
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  console.error(USAGE);
  process.exit(1);
});
