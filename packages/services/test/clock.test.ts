import { describe, expect, it } from "vitest";
import { ManualClock, systemTimers } from "../src/clock.js";

describe("ManualClock", () => {
  it("fires the sleeps that came due, in order of their deadlines, only when moved", async () => {
    const clock = new ManualClock("2026-11-27T12:00:00Z");
    const fired: string[] = [];
    const late = clock.sleep(300).then(() => fired.push("300"));
    const early = clock.sleep(100).then(() => fired.push("100"));
    const later = clock.sleep(500).then(() => fired.push("500"));
    expect(clock.pendingTimers).toBe(3);
    clock.advance(99);
    await Promise.resolve();
    expect(fired).toEqual([]);
    clock.advance(201);
    await Promise.all([early, late]);
    expect(fired).toEqual(["100", "300"]);
    expect(clock.now().toISOString()).toBe("2026-11-27T12:00:00.300Z");
    clock.set("2026-11-27T12:00:01Z");
    await later;
    expect(fired).toEqual(["100", "300", "500"]);
    expect(clock.pendingTimers).toBe(0);
  });

  it("rejects a sleep with the signal's reason when it is aborted, and forgets its timer", async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const sleeping = clock.sleep(1000, controller.signal);
    controller.abort(new Error("stopped"));
    await expect(sleeping).rejects.toThrow("stopped");
    expect(clock.pendingTimers).toBe(0);
    await expect(clock.sleep(10, controller.signal)).rejects.toThrow("stopped");
  });

  it("resolves a sleep of zero at once", async () => {
    await expect(new ManualClock().sleep(0)).resolves.toBeUndefined();
  });

  it("aborts a timeout signal with a TimeoutError once the clock passes it", () => {
    const clock = new ManualClock();
    const signal = clock.timeout(200);
    clock.advance(199);
    expect(signal.aborted).toBe(false);
    clock.advance(1);
    expect(signal.aborted).toBe(true);
    expect((signal.reason as DOMException).name).toBe("TimeoutError");
  });

  it("tells a test when the code under test starts waiting, by the wait's length", async () => {
    const clock = new ManualClock();
    let waiting = false;
    const until = clock.untilTimer(5_000).then(() => {
      waiting = true;
    });
    void clock.sleep(1_000);
    await Promise.resolve();
    expect(waiting).toBe(false);
    void clock.sleep(5_000);
    await until;
    expect(waiting).toBe(true);
    await expect(clock.untilTimer()).resolves.toBeUndefined(); // some timer is pending already
  });
});

describe("systemTimers", () => {
  it("cancels a sleep when its signal aborts", async () => {
    const controller = new AbortController();
    const sleeping = systemTimers.sleep(60_000, controller.signal);
    controller.abort(new Error("stopped"));
    await expect(sleeping).rejects.toThrow("stopped");
  });
});
