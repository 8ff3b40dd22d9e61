/**
 * `pnpm dev`: the server with reload on change, plus a worker process with reload when the worker is
 * external (PostgreSQL), plus the web app on Vite with hot reload. Vite proxies the API, the sign-in
 * and session routes and the sandbox to the server; sign-in lands in Vite's page (APP_URL is set to it
 * unless you set APP_URL yourself). With the embedded database the server runs the worker itself.
 */
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { loadConfigOrExit } from "@unwrapped/config";

const config = loadConfigOrExit();
const external = config.worker.mode === "external";
const root = join(import.meta.dirname, "..");

/** Vite's usual port when it is free, else any free port. */
async function webPort(): Promise<number> {
  const tryPort = (port: number) =>
    new Promise<number | null>((resolve) => {
      const probe = createServer();
      probe.once("error", () => resolve(null));
      probe.listen(port, "127.0.0.1", () => {
        const address = probe.address();
        probe.close(() => resolve(typeof address === "object" && address ? address.port : null));
      });
    });
  return (await tryPort(5173)) ?? (await tryPort(0)) ?? 5173;
}

const port = await webPort();
const webUrl = `http://127.0.0.1:${port}`;
const appUrl = process.env.APP_URL ?? webUrl;

const watch = (entry: string) =>
  spawn(process.execPath, ["--import", "tsx", "--watch", "--watch-preserve-output", entry], {
    stdio: "inherit",
    env: { ...process.env, APP_URL: appUrl },
  });

const vite = spawn(
  process.execPath,
  [
    join(root, "apps/web/node_modules/vite/bin/vite.js"),
    "--host",
    "127.0.0.1",
    "--port",
    String(port),
    "--strictPort",
  ],
  {
    cwd: join(root, "apps/web"),
    stdio: "inherit",
    env: { ...process.env, UNWRAPPED_API_URL: config.server.publicUrl },
  },
);

const children = [
  watch("apps/server/src/main.ts"),
  ...(external ? [watch("apps/worker/src/main.ts")] : []),
  vite,
];
if (!external) console.log("dev: the server runs the worker inline (embedded database).");
console.log(`dev: the web app (hot reload) is at ${webUrl}/ — the API at ${config.server.publicUrl}`);

const stop = () => {
  for (const child of children) child.kill("SIGTERM");
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
for (const child of children) child.on("exit", () => stop());
