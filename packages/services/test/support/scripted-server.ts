import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type ScriptedReply = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * A real HTTP server on 127.0.0.1 that answers with scripted replies in order (the last one repeats),
 * and counts requests. For testing HTTP clients against exact status codes, headers and bodies.
 */
export async function startScriptedServer(replies: ScriptedReply[]) {
  let served = 0;
  const server = createServer((request, response) => {
    const reply = replies[Math.min(served, replies.length - 1)];
    served++;
    reply?.(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return served;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): ScriptedReply =>
  (_request, response) => {
    response.writeHead(status, { "content-type": "application/json", ...headers });
    response.end(JSON.stringify(body));
  };

export const raw =
  (status: number, body: string): ScriptedReply =>
  (_request, response) => {
    response.writeHead(status, { "content-type": "application/json" });
    response.end(body);
  };

export const hang = (): ScriptedReply => () => {};

export const destroy = (): ScriptedReply => (request) => {
  request.socket.destroy();
};
