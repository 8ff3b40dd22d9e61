import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { createSandbox, type SandboxControls } from "./sandbox.js";
import type { SandboxOptions } from "./settings.js";

export interface RunningSandbox {
  url: string;
  accountsUrl: string;
  apiUrl: string;
  controls: SandboxControls;
  close(): Promise<void>;
}

/** Starts the sandbox on its own HTTP server (host default 127.0.0.1, port default 0 = ephemeral). url is e.g. http://127.0.0.1:40123, accountsUrl = url + "/accounts", apiUrl = url + "/api". */
export async function startSandbox(
  options: SandboxOptions & { host?: string; port?: number },
): Promise<RunningSandbox> {
  const { host = "127.0.0.1", port = 0, ...sandboxOptions } = options;
  const sandbox = createSandbox(sandboxOptions);
  const app = express();
  app.disable("x-powered-by");
  app.use(sandbox.router);
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port: boundPort } = server.address() as AddressInfo;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${boundPort}`;
  return {
    url,
    accountsUrl: `${url}/accounts`,
    apiUrl: `${url}/api`,
    controls: sandbox.controls,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive connections (fetch keeps them open) would hold close() until they time out.
        server.closeAllConnections();
      }),
  };
}
