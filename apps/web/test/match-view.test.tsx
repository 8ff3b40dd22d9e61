// @vitest-environment happy-dom
import { cleanup, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import type { Match } from "../src/api";
import { CompareForm } from "../src/components/compare-form";
import { MatchView } from "../src/components/match-view";
import { StandingsView } from "../src/components/standings-view";
import { MatchShareControls } from "../src/pages/match-pages";
import { shareTokenOf } from "../src/share-token";
import { verdictFixture } from "./fixtures";

afterEach(cleanup);

function side(overrides: Partial<Match["you"]> = {}): Match["you"] {
  const { profile, label, description, criticalAcclaim, mainstream, tone, analyzedAt } = verdictFixture();
  return {
    displayName: "Wren",
    label,
    description,
    criticalAcclaim,
    mainstream,
    tone,
    analyzedAt,
    profile,
    ...overrides,
  } as Match["you"];
}

function matchFixture(overrides: Partial<Match> = {}): Match {
  return {
    matchId: "0b6f1d9e-7a6b-4c3d-8e2f-1a2b3c4d5e6f",
    compatibility: 0.42,
    label: "UNLIKELY LISTENING PARTNERS",
    description: "You two share a genre and not much else.",
    sharedArtists: ["Black Throne"],
    sharedGenres: ["death metal", "thrash metal"],
    biggestDifference: { dimension: "underground", you: 0.8, them: 0.2 },
    tone: "balanced",
    judge: "rules",
    you: side({ displayName: "Max", label: "Devoted Metal Crate-Digger" }),
    them: side({ displayName: "Wren", label: "Underground Folk Wanderer" }),
    shareToken: "mtok1234",
    shareUrl: "http://127.0.0.1:8000/m/mtok1234",
    createdAt: new Date("2026-12-01T10:00:00Z"),
    ...overrides,
  } as Match;
}

describe("MatchView", () => {
  it("has the pair's label as the heading, the compatibility, the shared artists and genres and the biggest difference", () => {
    render(<MatchView match={matchFixture()} />);
    expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("UNLIKELY LISTENING PARTNERS");
    expect(screen.getByText("42 %").closest("p")?.textContent).toBe("42 % compatible");
    const artists = screen.getByRole("region", { name: "Shared artists" });
    expect(
      within(artists)
        .getAllByRole("listitem")
        .map((item) => item.textContent),
    ).toEqual(["Black Throne"]);
    const genres = screen.getByRole("region", { name: "Shared genres" });
    expect(
      within(genres)
        .getAllByRole("listitem")
        .map((item) => item.textContent),
    ).toEqual(["death metal", "thrash metal"]);
    expect(screen.getByRole("region", { name: "Biggest difference" }).textContent).toContain(
      "Underground: you 80 %, Wren 20 %",
    );
  });

  it("says so when there is nothing in common, and shows an era as years", () => {
    render(
      <MatchView
        match={matchFixture({
          sharedArtists: [],
          sharedGenres: [],
          biggestDifference: { dimension: "era", you: 1994.4, them: 2015.2 },
        })}
      />,
    );
    expect(screen.getByText("No artist on both top lists.")).toBeTruthy();
    expect(screen.getByText("No genre in common.")).toBeTruthy();
    expect(screen.getByRole("region", { name: "Biggest difference" }).textContent).toContain(
      "Era: you 1994, Wren 2015",
    );
  });
});

describe("MatchShareControls", () => {
  it("shows the match link and its pictures, turns sharing off, makes a new link and deletes, saying what happened", async () => {
    const user = userEvent.setup();
    const calls: string[] = [];
    const props = {
      shareUrl: "http://127.0.0.1:8000/m/mtok1234",
      onRevoke: async () => calls.push("revoke"),
      onRotate: async () => calls.push("rotate"),
      onDelete: async () => calls.push("delete"),
    };
    const { rerender } = render(<MatchShareControls {...props} />);
    expect(screen.getByRole("link", { name: props.shareUrl }).getAttribute("href")).toBe(props.shareUrl);
    expect(screen.getByRole("link", { name: "Match story image" }).getAttribute("href")).toBe(
      `${props.shareUrl}/story.png`,
    );
    await user.click(screen.getByRole("button", { name: "Turn off sharing" }));
    await screen.findByText(/the old match link no longer works/);
    rerender(<MatchShareControls {...props} shareUrl={null} />);
    expect(screen.queryByRole("button", { name: "Turn off sharing" })).toBeNull();
    expect(screen.queryByRole("link", { name: "Match story image" })).toBeNull();
    await user.click(screen.getByRole("button", { name: "New match link" }));
    await screen.findByText(/A new match link is ready/);
    await user.click(screen.getByRole("button", { name: "Delete match" }));
    await screen.findByText("Match deleted.");
    expect(calls).toEqual(["revoke", "rotate", "delete"]);
  });
});

describe("Compare with a friend", () => {
  it("reads the token of a pasted share link, a path or a bare token, and nothing else", () => {
    expect(shareTokenOf(" https://unwrapped.example/s/YC8k9ODgkbdhsW4D2xQNWlRHq2LkXKLz ")).toBe(
      "YC8k9ODgkbdhsW4D2xQNWlRHq2LkXKLz",
    );
    expect(shareTokenOf("/s/abcdefgh12")).toBe("abcdefgh12");
    expect(shareTokenOf("abcdefgh12")).toBe("abcdefgh12");
    expect(shareTokenOf("https://unwrapped.example/m/abcdefgh12")).toBeNull();
    expect(shareTokenOf("https://unwrapped.example/s/abc def")).toBeNull();
    expect(shareTokenOf("")).toBeNull();
  });

  it("compares with the pasted link's token, and refuses something that is not a share link", async () => {
    const user = userEvent.setup();
    const tokens: string[] = [];
    render(<CompareForm onCompare={async (token) => tokens.push(token)} />);
    expect(screen.getByRole("heading", { name: "Compare with a friend" })).toBeTruthy();
    const field = screen.getByLabelText("Your friend's share link");
    await user.type(field, "https://example.org/history");
    await user.click(screen.getByRole("button", { name: "Compare" }));
    expect((await screen.findByText(/That is not a share link/)).className).toContain("error");
    expect(field.getAttribute("aria-invalid")).toBe("true");
    await user.clear(field);
    await user.type(field, "http://127.0.0.1:8000/s/tok12345678");
    await user.click(screen.getByRole("button", { name: "Compare" }));
    expect(tokens).toEqual(["tok12345678"]);
  });

  it("shows the server's refusal in words", async () => {
    const user = userEvent.setup();
    render(
      <CompareForm
        onCompare={async () => {
          throw new Error("This share link no longer works.");
        }}
      />,
    );
    await user.type(screen.getByLabelText("Your friend's share link"), "tok12345678");
    await user.click(screen.getByRole("button", { name: "Compare" }));
    await screen.findByText("This share link no longer works.");
  });
});

describe("StandingsView", () => {
  it("shows each known standing and the listener count", () => {
    render(
      <StandingsView
        standings={{ listeners: 57, underground: 0.72, acclaim: 0.4, loyalty: null, diversity: 0.05 }}
      />,
    );
    const region = screen.getByRole("region", { name: "Among listeners here" });
    expect(
      within(region)
        .getAllByRole("listitem")
        .map((item) => item.textContent),
    ).toEqual([
      "More underground than 72 % of listeners here",
      "More acclaimed taste than 40 % of listeners here",
      "More diverse than 5 % of listeners here",
    ]);
    expect(region.textContent).toContain("latest verdicts of 57 listeners");
  });

  it("draws nothing while the server withholds standings (too few listeners)", () => {
    const { container } = render(<StandingsView standings={null} />);
    expect(container.innerHTML).toBe("");
  });
});
