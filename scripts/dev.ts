/**
 * `pnpm dev`: the server with reload on change, plus a worker process with reload when the worker is
 * external (PostgreSQL). With the embedded database the server runs the worker itself.
 */
import { spawn } from "node:child_process";
import { loadConfigOrExit } from "@unwrapped/config";

const external = loadConfigOrExit().worker.mode === "external";

const watch = (entry: string) =>
  spawn(process.execPath, ["--import", "tsx", "--watch", "--watch-preserve-output", entry], {
    stdio: "inherit",
  });

const children = [watch("apps/server/src/main.ts"), ...(external ? [watch("apps/worker/src/main.ts")] : [])];
if (!external) console.log("dev: the server runs the worker inline (embedded database).");

const stop = () => {
  for (const child of children) child.kill("SIGTERM");
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
for (const child of children) child.on("exit", () => stop());
