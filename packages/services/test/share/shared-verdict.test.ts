import { describe, expect, it } from "vitest";
import { Profiler } from "../../src/analysis/profiler.js";
import { PublicProfile, SharedVerdict, ShareLink, toPublicProfile } from "../../src/share/shared-verdict.js";
import { obscureIndie } from "../support/listening-fixtures.js";
import { recordedWireShape, wireShapeOf } from "../support/wire-shapes.js";

describe("shared verdicts", () => {
  it("keep the wire shapes of share.get and share.rotate", () => {
    expect(wireShapeOf(SharedVerdict)).toEqual(recordedWireShape("SharedVerdict"));
    expect(wireShapeOf(ShareLink)).toEqual(recordedWireShape("ShareLink"));
  });

  it("show the profile without ids or the popularity of single artists", () => {
    const profile = new Profiler().profile(obscureIndie);
    const shown = toPublicProfile(profile);
    expect(PublicProfile.parse(shown)).toEqual(shown);
    expect(shown.topArtists[0]).toEqual({
      name: profile.topArtists[0]?.name,
      genres: profile.topArtists[0]?.genres,
      imageUrl: profile.topArtists[0]?.imageUrl,
    });
    for (const artist of shown.topArtists)
      expect(Object.keys(artist).sort()).toEqual(["genres", "imageUrl", "name"]);
    for (const track of shown.topTracks) expect(Object.keys(track).sort()).toEqual(["artists", "name"]);
    expect(Object.keys(shown)).not.toContain("unavailableMetrics");
  });
});
