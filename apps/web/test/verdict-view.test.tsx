// @vitest-environment happy-dom
import { cleanup, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { VerdictView } from "../src/components/verdict-view";
import { verdictFixture } from "./fixtures";

afterEach(cleanup);

describe("VerdictView", () => {
  it("shows the label as the page heading, the roast, the scores on the chart and the evidence", () => {
    const result = verdictFixture();
    render(<VerdictView result={result} />);
    expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("Devoted Metal Crate-Digger");
    expect(screen.getByText(/Black Throne leads your pit/)).toBeTruthy();

    const chart = screen.getByRole("img", {
      name: /Mainstream 36 of 100, critical acclaim 83 of 100: Cult curator/,
    });
    const dot = chart.querySelector("circle");
    expect(dot).not.toBeNull();
    // Mainstream 0.36 sits left of the middle, acclaim 0.83 high up (SVG y grows downwards).
    expect(Number(dot?.getAttribute("cx"))).toBeLessThan(120);
    expect(Number(dot?.getAttribute("cy"))).toBeLessThan(120);
    for (const name of [
      "Cult curator",
      "Crowd-pleaser",
      "Deep-cut wanderer",
      "Chart devotee",
      "Niche",
      "Mainstream",
      "Critical acclaim",
    ]) {
      expect(within(chart).getByText(name)).toBeTruthy();
    }

    const artists = screen.getByRole("heading", { name: "Top artists" }).parentElement as HTMLElement;
    expect(within(artists).getByText("Black Throne")).toBeTruthy();
    expect(artists.querySelector('img[src="https://i.scdn.co/image/a1"]')).not.toBeNull();
    expect(screen.getByText("Burn in Storm Ruins")).toBeTruthy();
    expect(within(screen.getByRole("list", { name: "Genre shares" })).getByText("32 %")).toBeTruthy();
    expect(
      within(screen.getByRole("list", { name: "Release decade shares" })).getByText("1990s"),
    ).toBeTruthy();
    expect(screen.getByText("98 %")).toBeTruthy(); // loyalty
    expect(screen.queryByTestId("withheld")).toBeNull();
  });

  it("names the metrics Spotify withheld instead of showing them as zero", () => {
    const base = verdictFixture();
    const result = verdictFixture({
      profile: {
        ...base.profile,
        averagePopularity: null,
        weightedPopularity: null,
        artistLoyalty: null,
        topGenres: null,
        unavailableMetrics: ["averagePopularity", "weightedPopularity", "artistLoyalty", "topGenres"],
      },
    });
    render(<VerdictView result={result} />);
    const withheld = screen.getByTestId("withheld").textContent ?? "";
    expect(withheld).toContain("popularity");
    expect(withheld).toContain("loyalty");
    expect(withheld).toContain("genres");
    expect(screen.getByText("Spotify did not share genres for this account.")).toBeTruthy();
    expect(screen.queryByRole("list", { name: "Genre shares" })).toBeNull();
    const numbers = screen.getByRole("heading", { name: "In numbers" }).parentElement as HTMLElement;
    expect(within(numbers).getByText("withheld")).toBeTruthy();
    expect(within(numbers).queryByText("0 %")).toBeNull();
    expect(within(numbers).queryByText("50 %")).toBeNull();
  });

  it("gives an account with too little listening its verdict and no chart dot", () => {
    const base = verdictFixture();
    const result = verdictFixture({
      label: "The Blank Canvas",
      criticalAcclaim: null,
      mainstream: null,
      profile: { ...base.profile, enoughData: false, topArtists: [], topTracks: [] },
    });
    render(<VerdictView result={result} />);
    expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("The Blank Canvas");
    const chart = screen.getByRole("img", { name: /Too little listening/ });
    expect(chart.querySelector("circle")).toBeNull();
    expect(screen.getByText(/Too little listening to score/)).toBeTruthy();
    expect(screen.getByText("No top artists yet.")).toBeTruthy();
  });
});
