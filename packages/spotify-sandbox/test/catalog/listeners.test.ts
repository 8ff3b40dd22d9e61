import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ListenerDirectory } from "../../src/catalog/listeners.js";
import { type RunningSandbox, startSandbox } from "../../src/index.js";
import { CLIENT_ID, CLIENT_SECRET, getApi, type SandboxUrls, signIn } from "../sign-in.js";

const NOW = Date.UTC(2026, 10, 20, 18, 30);
let first: RunningSandbox;
let second: RunningSandbox;

beforeAll(async () => {
  const options = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, now: () => NOW };
  [first, second] = await Promise.all([startSandbox(options), startSandbox(options)]);
});

afterAll(async () => {
  await Promise.all([first.close(), second.close()]);
});

type Json = Record<string, unknown>;

interface Listening {
  me: Json;
  topArtists: Record<string, Json[]>;
  topTracks: Record<string, Json[]>;
  recentlyPlayed: Json;
}

const RANGES = ["short_term", "medium_term", "long_term"] as const;

/** Everything the service collects about a listener, with the sandbox's own address blanked out. */
async function listeningOf(sandbox: SandboxUrls, persona: string): Promise<Listening> {
  const { access_token: token } = await signIn(sandbox, persona);
  const get = async (path: string) => {
    const { status, body } = await getApi(sandbox, path, token);
    expect(status).toBe(200);
    return JSON.parse(JSON.stringify(body).replaceAll(sandbox.apiUrl, "")) as Json;
  };
  const topArtists: Record<string, Json[]> = {};
  const topTracks: Record<string, Json[]> = {};
  for (const range of RANGES) {
    topArtists[range] = (await get(`/v1/me/top/artists?time_range=${range}&limit=50`)).items as Json[];
    topTracks[range] = (await get(`/v1/me/top/tracks?time_range=${range}&limit=50`)).items as Json[];
  }
  return {
    me: await get("/v1/me"),
    topArtists,
    topTracks,
    recentlyPlayed: await get("/v1/me/player/recently-played?limit=50"),
  };
}

function average(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

describe("generated listeners (seed:<n>)", () => {
  it("are identical for the same n in two sandbox instances", async () => {
    const [inFirst, inSecond] = await Promise.all([
      listeningOf(first, "seed:4242"),
      listeningOf(second, "seed:4242"),
    ]);
    expect(inSecond).toEqual(inFirst);
    expect(inFirst.topArtists.long_term?.length).toBeGreaterThan(0);
  });

  it("differ between different n: own user id, own taste", async () => {
    const [one, two] = await Promise.all([listeningOf(first, "seed:1"), listeningOf(first, "seed:2")]);
    expect(one.me.id).not.toBe(two.me.id);
    expect(one.me.email).toBe("seed-1@example.com");
    const oneArtists = new Set(one.topArtists.long_term?.map((artist) => artist.id));
    const shared = two.topArtists.long_term?.filter((artist) => oneArtists.has(artist.id)) ?? [];
    expect(shared.length).toBeLessThan(10);
  });

  it("gives every n its own user, generated once and then served from cache", () => {
    const directory = new ListenerDirectory(1000);
    const userIds = new Set<string>();
    for (let seed = 0; seed < 300; seed++) userIds.add(directory.find(`seed:${seed}`)?.profile.userId ?? "");
    expect(userIds.size).toBe(300);
    expect(directory.find("seed:7")).toBe(directory.find("seed:7"));
    expect(directory.find("seed:007")).toBe(directory.find("seed:7"));
  });
});

describe("named personas", () => {
  const personaIds = [
    "indie-obscurist",
    "chart-pop",
    "metalhead",
    "jazz-soul-nostalgic",
    "hip-hop-head",
    "classical-curator",
    "unclassified-underground",
  ];
  const listening = new Map<string, Listening>();

  beforeAll(async () => {
    for (const id of personaIds) listening.set(id, await listeningOf(first, id));
  });

  function persona(id: string) {
    const data = listening.get(id);
    if (!data) throw new Error(`No data for ${id}`);
    const artists = data.topArtists.long_term ?? [];
    const tracks = data.topTracks.long_term ?? [];
    const albums = tracks.map((track) => track.album as Json);
    return {
      popularity: average(artists.map((artist) => artist.popularity as number)),
      genres: new Set(artists.flatMap((artist) => artist.genres as string[])).size,
      withoutGenres:
        artists.filter((artist) => (artist.genres as string[]).length === 0).length / artists.length,
      explicitShare: tracks.filter((track) => track.explicit).length / tracks.length,
      releaseYears: albums.map((album) => Number((album.release_date as string).slice(0, 4))),
      yearPrecisionShare:
        albums.filter((album) => album.release_date_precision === "year").length / albums.length,
    };
  }

  it("have clearly different tastes a profiler can tell apart", () => {
    const indie = persona("indie-obscurist");
    expect(indie.popularity).toBeLessThan(30);
    expect(indie.genres).toBeGreaterThan(25);

    const pop = persona("chart-pop");
    expect(pop.popularity).toBeGreaterThanOrEqual(80);
    expect(pop.popularity).toBeLessThanOrEqual(95);
    expect(pop.genres).toBeLessThanOrEqual(5);
    expect(average(pop.releaseYears)).toBeGreaterThan(2017);

    expect(persona("metalhead").explicitShare).toBeGreaterThan(0.2);

    const jazz = persona("jazz-soul-nostalgic");
    expect(jazz.releaseYears.filter((year) => year < 1980).length / jazz.releaseYears.length).toBeGreaterThan(
      0.8,
    );
    expect(jazz.yearPrecisionShare).toBeGreaterThan(0.25);

    expect(persona("hip-hop-head").explicitShare).toBeGreaterThan(0.5);
    expect(Math.min(...persona("hip-hop-head").releaseYears)).toBeGreaterThanOrEqual(2000);

    const classical = persona("classical-curator");
    expect(classical.explicitShare).toBe(0);
    expect(classical.withoutGenres).toBeGreaterThan(0.05);

    expect(persona("unclassified-underground").withoutGenres).toBeGreaterThan(0.7);
  });

  it("each have their own stable profile", () => {
    const userIds = personaIds.map((id) => listening.get(id)?.me.id);
    expect(new Set(userIds).size).toBe(personaIds.length);
    expect(listening.get("chart-pop")?.me).toMatchObject({
      display_name: "Kayla Brooks",
      email: "chart-pop@example.com",
    });
  });
});
