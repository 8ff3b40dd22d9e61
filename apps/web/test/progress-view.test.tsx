// @vitest-environment happy-dom
import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { ProgressView } from "../src/components/progress-view";
import { statusFixture } from "./fixtures";

afterEach(cleanup);

describe("ProgressView", () => {
  it("shows a progress bar (0–100) with the stage and its line of copy", () => {
    render(<ProgressView status={statusFixture({ stage: "collecting", progress: 0.4 })} />);
    const bar = screen.getByRole("progressbar");
    expect(bar.getAttribute("aria-valuenow")).toBe("40");
    expect(bar.getAttribute("aria-valuemin")).toBe("0");
    expect(bar.getAttribute("aria-valuemax")).toBe("100");
    expect(screen.getByText("Listening in")).toBeTruthy();
    expect(screen.getByText(/Reading your top artists/)).toBeTruthy();
    expect(screen.queryByTestId("hint")).toBeNull();
    expect(screen.queryByRole("status")).toBeNull();
  });

  it("follows the stages as statuses arrive", () => {
    const { rerender } = render(<ProgressView status={statusFixture({ stage: "queued", progress: 0 })} />);
    expect(screen.getByRole("progressbar").getAttribute("aria-valuenow")).toBe("0");
    expect(screen.getByText("Waiting in line")).toBeTruthy();
    rerender(<ProgressView status={statusFixture({ stage: "judging", progress: 0.75 })} />);
    expect(screen.getByRole("progressbar").getAttribute("aria-valuenow")).toBe("75");
    expect(screen.getByText("Forming an opinion")).toBeTruthy();
  });

  it("shows the server's hint, the verdict's draft, a pending retry, and a lost connection", () => {
    render(
      <ProgressView
        reconnecting
        status={statusFixture({
          status: "pending",
          stage: "judging",
          progress: 0.7,
          hint: "No worker is running right now; the analysis starts when one does.",
          draft: "Good news, Jonas: your taste has",
          error: { code: "UPSTREAM_FAILED", message: "Spotify was slow to answer." },
        })}
      />,
    );
    expect(screen.getByTestId("hint").textContent).toContain("No worker is running");
    expect(screen.getByLabelText("The verdict so far").textContent).toBe("Good news, Jonas: your taste has");
    expect(screen.getByText(/Retrying soon: Spotify was slow to answer/)).toBeTruthy();
    expect(screen.getByRole("status").textContent).toMatch(/reconnecting/);
  });
});
