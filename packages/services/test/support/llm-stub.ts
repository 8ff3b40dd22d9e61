/**
 * A real OpenAI-compatible chat completions server for tests: node:http on 127.0.0.1, port 0.
 *
 *   const llm = await startLlmStub();
 *   llm.enqueue(llmReplies.verdict());              // the next answer: a valid verdict
 *   llm.enqueue(llmReplies.content("not json"));    // then one the judge must reject
 *   new LlmJudge({ baseUrl: llm.baseUrl, apiKey: "test-key", model: "stub", timeoutMs: 2_000 }, …);
 *   llm.requests[0]?.prompt                          // what the judge sent
 *   await llm.close();
 *
 * `POST /v1/chat/completions` answers with the scripted replies in order; when none is queued it answers
 * with `llmReplies.verdict()`, so end-to-end tests can use the stub without scripting it. A request with
 * `stream: true` gets the content as server-sent chunks (`data: {choices:[{delta:{content}}]}` … then
 * `data: [DONE]`), like OpenAI's API; a reply can cut the stream after some chunks, or hold the rest of
 * it until a promise settles (to prove that a watcher saw the first words before the model finished). Every request
 * is recorded, with its Authorization header and parsed body, so tests can check what was (and was not)
 * sent. Any other route is a 404.
 */
import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One scripted answer of the stub. */
export interface LlmStubReply {
  /** HTTP status; 200 unless given. */
  readonly status?: number;
  /**
   * The assistant message content of a chat completion: a string is sent as is (invalid JSON, a code
   * fence…), an object is JSON-encoded. Ignored when `rawBody` is given.
   */
  readonly content?: string | Readonly<Record<string, unknown>>;
  /** The whole response body, sent as is instead of a chat completion. */
  readonly rawBody?: string;
  /** Wait this long before answering (longer than the judge's timeout to make it time out). */
  readonly delayMs?: number;
  /** Streamed answers: the content is split into this many chunks (8 unless given). */
  readonly chunks?: number;
  /** Streamed answers: after this many chunks the connection is destroyed, mid-answer. */
  readonly cutAfterChunks?: number;
  /** Streamed answers: after `chunks` chunks, the rest waits until `until` settles. */
  readonly holdAfter?: { readonly chunks: number; readonly until: Promise<unknown> };
  /** Streamed answers: chunk `index` (0-based) is sent once the promise this returns settles. */
  readonly beforeChunk?: (index: number) => Promise<unknown>;
  /** Answer with one JSON body even when the request asks for a stream (servers that do not stream). */
  readonly ignoreStream?: boolean;
  /** Streamed answers: called with each chunk's content as it is sent. */
  readonly onChunk?: (content: string, index: number) => void;
}

export interface LlmChatMessage {
  readonly role: string;
  readonly content: string;
}

/** A request the stub received. */
export interface LlmStubRequest {
  readonly method: string;
  readonly path: string;
  /** The Authorization header, null when absent. */
  readonly authorization: string | null;
  readonly body: {
    readonly model?: string;
    readonly messages?: readonly LlmChatMessage[];
    readonly temperature?: number;
    readonly response_format?: { readonly type?: string };
    readonly stream?: boolean;
  } | null;
  readonly rawBody: string;
  /** Every message's content joined with blank lines: what the model would have read. */
  readonly prompt: string;
}

export interface LlmStub {
  /** e.g. "http://127.0.0.1:41234/v1": the value for LLM_BASE_URL. */
  readonly baseUrl: string;
  /** Queues the answer to the next unanswered request. */
  enqueue(reply: LlmStubReply): void;
  /** Requests in the order they arrived. */
  readonly requests: readonly LlmStubRequest[];
  close(): Promise<void>;
}

/** A description of `words` words (120–400 is what a verdict needs). */
export function descriptionOf(words: number): string {
  const vocabulary = [
    "your",
    "taste",
    "is",
    "loud",
    "proud",
    "and",
    "oddly",
    "specific",
    "which",
    "we",
    "respect",
  ];
  return Array.from({ length: words }, (_, index) => vocabulary[index % vocabulary.length]).join(" ");
}

/** Ready-made replies for the cases tests script most. */
export const llmReplies = {
  /** A valid verdict: label "STUBBED TASTE CONNOISSEUR", a 150-word description, scores 0.7 and 0.4. */
  verdict(overrides: Readonly<Record<string, unknown>> = {}): LlmStubReply {
    return {
      content: {
        label: "STUBBED TASTE CONNOISSEUR",
        description: descriptionOf(150),
        criticalAcclaim: 0.7,
        mainstream: 0.4,
        ...overrides,
      },
    };
  },
  /** A chat completion whose content is `content` verbatim (invalid JSON, a fenced answer…). */
  content(content: string): LlmStubReply {
    return { content };
  },
  /** A valid verdict without `field`. */
  missing(field: "label" | "description" | "criticalAcclaim" | "mainstream"): LlmStubReply {
    const { content } = llmReplies.verdict();
    const { [field]: _removed, ...rest } = content as Record<string, unknown>;
    return { content: rest };
  },
  /** An HTTP error with an OpenAI-style error body. */
  status(status: number): LlmStubReply {
    return {
      status,
      rawBody: JSON.stringify({ error: { message: "stubbed failure", type: "server_error" } }),
    };
  },
  /** `reply` after `delayMs`. */
  delayed(delayMs: number, reply: LlmStubReply = llmReplies.verdict()): LlmStubReply {
    return { ...reply, delayMs };
  },
};

export async function startLlmStub(): Promise<LlmStub> {
  const queue: LlmStubReply[] = [];
  const requests: LlmStubRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const server = createServer((request, response) => {
    void handle(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString("utf8");
    const path = new URL(request.url ?? "/", "http://stub").pathname;
    const body = parseBody(rawBody);
    requests.push({
      method: request.method ?? "GET",
      path,
      authorization: request.headers.authorization ?? null,
      body,
      rawBody,
      prompt: (body?.messages ?? []).map((message) => message.content).join("\n\n"),
    });
    if (request.method !== "POST" || path !== "/v1/chat/completions") {
      response.writeHead(404, { "content-type": "application/json" });
      response.end(JSON.stringify({ error: { message: "not found" } }));
      return;
    }
    const reply = queue.shift() ?? llmReplies.verdict();
    if (reply.delayMs !== undefined) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, reply.delayMs);
        timers.add(timer);
        // The client gave up (timeout): stop waiting so close() is not held up.
        response.once("close", () => {
          clearTimeout(timer);
          timers.delete(timer);
          resolve();
        });
      });
      if (response.destroyed) return;
    }
    if (
      body?.stream === true &&
      !reply.ignoreStream &&
      reply.rawBody === undefined &&
      (reply.status ?? 200) === 200
    ) {
      await stream(response, reply, body.model);
      return;
    }
    const payload = reply.rawBody ?? JSON.stringify(completionOf(reply.content, body?.model));
    response.writeHead(reply.status ?? 200, { "content-type": "application/json" });
    response.end(payload);
  }

  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    enqueue(reply) {
      queue.push(reply);
    },
    requests,
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}

/** The content as OpenAI streams it: role first, then content deltas, a finish reason, [DONE]. */
async function stream(
  response: ServerResponse,
  reply: LlmStubReply,
  model: string | undefined,
): Promise<void> {
  const content = contentOf(reply.content);
  const count = Math.max(1, reply.chunks ?? 8);
  const size = Math.ceil(content.length / count);
  const pieces = Array.from({ length: count }, (_, index) => content.slice(index * size, (index + 1) * size));
  const event = (delta: Record<string, unknown>, finishReason: string | null = null) =>
    `data: ${JSON.stringify({
      id: "chatcmpl-stub",
      object: "chat.completion.chunk",
      created: 1_767_225_600,
      model: model ?? "stub",
      choices: [{ index: 0, delta, finish_reason: finishReason }],
    })}\n\n`;
  response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  response.write(event({ role: "assistant", content: "" }));
  for (const [index, piece] of pieces.entries()) {
    if (reply.cutAfterChunks !== undefined && index >= reply.cutAfterChunks) {
      response.destroy();
      return;
    }
    if (reply.holdAfter && index === reply.holdAfter.chunks) await reply.holdAfter.until.catch(() => {});
    await reply.beforeChunk?.(index).catch(() => {});
    if (response.destroyed) return;
    response.write(event({ content: piece }));
    reply.onChunk?.(piece, index);
  }
  response.write(event({}, "stop"));
  response.end("data: [DONE]\n\n");
}

function contentOf(content: LlmStubReply["content"]): string {
  return typeof content === "string" ? content : JSON.stringify(content ?? {});
}

function completionOf(content: LlmStubReply["content"], model: string | undefined) {
  return {
    id: "chatcmpl-stub",
    object: "chat.completion",
    created: 1_767_225_600,
    model: model ?? "stub",
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: contentOf(content),
        },
        finish_reason: "stop",
      },
    ],
    usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
  };
}

function parseBody(rawBody: string): LlmStubRequest["body"] {
  try {
    const parsed: unknown = JSON.parse(rawBody);
    return typeof parsed === "object" && parsed !== null ? (parsed as LlmStubRequest["body"]) : null;
  } catch {
    return null;
  }
}
