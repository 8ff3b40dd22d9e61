import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { analyses } from "@unwrapped/db";
import { createIsolatedDatabase } from "@unwrapped/db/testing";
import { eq } from "drizzle-orm";
import { describe, expect, inject, it } from "vitest";
import { DRAFT_INTERVAL_MS, DraftPublisher } from "../../src/analysis/draft-publisher.js";
import { descriptionSoFar, LlmJudge } from "../../src/analysis/llm-judge.js";
import { RulesJudge } from "../../src/analysis/rules-judge/rules-judge.js";
import { ManualClock, systemTimers } from "../../src/clock.js";
import { boundedDraft, DRAFT_MAX_BYTES } from "../../src/queue/analysis-queue.js";
import { silentLogger } from "../../src/testing/index.js";
import { llmReplies, startLlmStub } from "../support/llm-stub.js";
import { pipeline, testCipher } from "../support/pipeline.js";
import { connectPersona, startTestSandbox } from "../support/spotify-connection.js";

describe("DraftPublisher", () => {
  it(`writes the first draft at once, then at most every ${DRAFT_INTERVAL_MS} ms by the clock, in order`, async () => {
    const clock = new ManualClock();
    const written: string[] = [];
    const publisher = new DraftPublisher(async (draft) => {
      written.push(draft);
    }, clock);
    for (const [at, draft] of [
      [0, "a"],
      [50, "ab"],
      [199, "abc"],
      [200, "abcd"],
      [250, "abcde"],
      [450, "abcdef"],
    ] as const) {
      clock.set(new ManualClock().now().getTime() + at);
      publisher.offer(draft);
    }
    await publisher.settled();
    expect(written).toEqual(["a", "abcd", "abcdef"]);
    publisher.offer("too late");
    await publisher.settled();
    expect(written).toHaveLength(3);
  });

  it("keeps a draft's tail within the NOTIFY payload budget", () => {
    expect(boundedDraft("short")).toBe("short");
    const long = "é".repeat(DRAFT_MAX_BYTES);
    const bounded = boundedDraft(long);
    expect(Buffer.byteLength(bounded, "utf8")).toBeLessThanOrEqual(DRAFT_MAX_BYTES);
    expect(bounded.startsWith("…")).toBe(true);
    expect(long.endsWith(bounded.slice(1))).toBe(true);
  });
});

const onPostgres = inject("testDatabase").kind === "postgres";
const WATCHER = new URL("../support/draft-watcher.ts", import.meta.url);
const REPOSITORY_ROOT = new URL("../../../../", import.meta.url);

describe.skipIf(!onPostgres)(
  "a streamed LLM verdict, watched through analysis.watch in another process (PostgreSQL)",
  () => {
    it("reaches the watcher chunk by chunk, in order, before the model has finished", async () => {
      const handle = await createIsolatedDatabase();
      const sandbox = await startTestSandbox();
      const llm = await startLlmStub();
      // Every chunk the model sends moves the coordinator's clock past the draft interval, so each one is
      // published; the test never waits on real time. Each chunk is held until the watcher, in its own
      // process, has seen the words of the chunks before it: the order is proved, not timed.
      const clock = new ManualClock();
      const reply = llmReplies.verdict();
      const content = JSON.stringify(reply.content);
      const CHUNKS = 10;
      const size = Math.ceil(content.length / CHUNKS);
      const seen = { longest: 0, waiters: new Set<() => void>() };
      let sentChunks = 0;
      let sentWhenFirstSeen: number | null = null;
      llm.enqueue({
        ...reply,
        chunks: CHUNKS,
        beforeChunk: async (index) => {
          const expected = descriptionSoFar(content.slice(0, index * size)) ?? "";
          while (seen.longest < expected.length) {
            await new Promise<void>((resolve) => seen.waiters.add(resolve));
          }
        },
        onChunk: () => {
          sentChunks++;
          clock.advance(DRAFT_INTERVAL_MS);
        },
      });
      const judge = new LlmJudge(
        { baseUrl: llm.baseUrl, apiKey: "", model: "stub", timeoutMs: 60_000 },
        { fallback: new RulesJudge(), logger: silentLogger, timers: systemTimers },
      );
      const { queue, coordinator } = pipeline(handle.db, sandbox, { judge, clock, timers: systemTimers });
      const { user } = await connectPersona(handle.db, sandbox, testCipher, "metalhead");
      await queue.enqueue(user.id);
      const [pending] = await handle.db
        .select({ id: analyses.id })
        .from(analyses)
        .where(eq(analyses.userId, user.id));
      const child = spawn(
        process.execPath,
        ["--import", "tsx", fileURLToPath(WATCHER), handle.config.url, user.id, pending?.id ?? "missing"],
        { cwd: fileURLToPath(REPOSITORY_ROOT), stdio: ["ignore", "pipe", "inherit"] },
      );
      try {
        const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
        const next = async () => JSON.parse(String((await lines.next()).value)) as Record<string, unknown>;
        expect(await next()).toEqual({ ready: true });
        expect(await next()).toMatchObject({ status: "pending", draft: null });

        const [task] = await queue.claim("streaming-test", 1);
        if (!task) throw new Error("nothing claimed");
        const running = coordinator.run(task);
        const drafts: string[] = [];
        let final: Record<string, unknown> | null = null;
        while (final === null) {
          const event = await next();
          if (typeof event.draft === "string") {
            sentWhenFirstSeen ??= sentChunks;
            drafts.push(event.draft);
            seen.longest = event.draft.length;
            for (const wake of seen.waiters) wake();
            seen.waiters.clear();
          }
          if (event.status === "completed" || event.status === "failed") final = event;
        }
        expect(await running).toBe("completed");
        expect(final).toMatchObject({ status: "completed", draft: null });
        // The first words reached the other process while the model still held most of its answer.
        expect(sentWhenFirstSeen).toBeLessThan(CHUNKS / 2);
        const description = (reply.content as { description: string }).description;
        // One draft per chunk from the first that reaches into the description.
        expect(drafts.length).toBeGreaterThanOrEqual(CHUNKS - (sentWhenFirstSeen ?? CHUNKS));
        for (const [index, draft] of drafts.entries()) {
          expect(description.startsWith(draft)).toBe(true);
          if (index > 0) expect(draft.length).toBeGreaterThan(drafts[index - 1]!.length);
        }
        const [row] = await handle.db.select().from(analyses).where(eq(analyses.id, task.id));
        expect(row).toMatchObject({ judge: "llm", draft: null, description });
        expect(row?.promptVersion).toMatch(/^\d{4}-\d{2}-\d{2}/);
      } finally {
        child.kill();
        await llm.close();
        await sandbox.close();
        await handle.close();
      }
    });
  },
);
