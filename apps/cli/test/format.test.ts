import type { AnalysisResult } from "@unwrapped/client";
import { describe, expect, it } from "vitest";
import { createStyle, meter, percent, renderVerdict, table, wrapText } from "../src/format.js";

const LOREM =
  "Your taste runs on distortion and devotion. You have listened to the same six bands since the day " +
  "you found them, and every one of them plays faster than the last.\n\nThe charts never heard of you.";

describe("wrapText", () => {
  it("keeps every line within the width and every word in order", () => {
    for (const width of [20, 40, 80]) {
      const wrapped = wrapText(LOREM, width);
      for (const line of wrapped.split("\n")) expect(line.length).toBeLessThanOrEqual(width);
      expect(wrapped.replace(/\s+/g, " ")).toBe(LOREM.replace(/\s+/g, " "));
    }
  });

  it("keeps paragraphs apart and gives an over-long word a line of its own", () => {
    expect(wrapText("one two\n\nthree", 80)).toBe("one two\n\nthree");
    expect(wrapText("a supercalifragilistic b", 10)).toBe("a\nsupercalifragilistic\nb");
  });
});

describe("meters and tables", () => {
  it("fills a meter in proportion and clamps out-of-range shares", () => {
    expect(meter(0.5, 10)).toBe("█████░░░░░");
    expect(meter(1.7, 4)).toBe("████");
    expect(meter(Number.NaN, 4)).toBe("░░░░");
    expect(percent(0.564)).toBe("56%");
  });

  it("pads columns to the widest cell", () => {
    expect(table(["A", "STATUS", "LABEL"], [["2026", "completed", "METAL MIND"]])).toBe(
      "A     STATUS     LABEL\n2026  completed  METAL MIND",
    );
  });
});

describe("renderVerdict", () => {
  const result = {
    analysisId: "6a1f7d2e-1d7e-4c5e-9a57-1b9e0c3f4a11",
    label: "DISTORTION DEVOTEE",
    description: LOREM,
    criticalAcclaim: 0.72,
    mainstream: 0.18,
    judge: "rules",
    profile: {
      topGenres: [
        { genre: "thrash metal", share: 0.4 },
        { genre: "doom metal", share: 0.2 },
      ],
    },
    shareToken: "token",
    shareUrl: "http://127.0.0.1:8000/s/token",
    analyzedAt: new Date("2026-11-27T12:00:00Z"),
  } as unknown as AnalysisResult;

  it("shows the label, the wrapped description, both scores, the genres and the link", () => {
    const text = renderVerdict(result, { width: 50, style: createStyle(false) });
    expect(text.split("\n")[0]).toBe("DISTORTION DEVOTEE");
    for (const line of text.split("\n")) expect(line.length).toBeLessThanOrEqual(50);
    expect(text).toMatch(/Critical acclaim +█+░+ +72%/);
    expect(text).toMatch(/Mainstream +█+░+ +18%/);
    expect(text).toContain("Top genres: thrash metal 40% · doom metal 20%");
    expect(text).toContain("Share: http://127.0.0.1:8000/s/token");
    expect(text).not.toContain("\u001b[");
  });

  it("says there are no scores yet when there is too little listening, instead of a meter", () => {
    const text = renderVerdict(
      { ...result, criticalAcclaim: null, mainstream: null },
      { width: 60, style: createStyle(false) },
    );
    expect(text).toMatch(/Critical acclaim +not scored: too little listening yet/);
    expect(text).toMatch(/Mainstream +not scored: too little listening yet/);
    expect(text).not.toMatch(/[█░]/);
  });

  it("says how to share again when the link was revoked, and styles only when asked", () => {
    const text = renderVerdict(
      { ...result, shareUrl: null, shareToken: null },
      { width: 80, style: createStyle(true) },
    );
    expect(text).toContain("unwrapped share --rotate");
    expect(text).toContain("\u001b[1mDISTORTION DEVOTEE\u001b[22m");
  });
});
