import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningSandbox, startSandbox } from "../../src/index.js";
import { CLIENT_ID, CLIENT_SECRET, getApi, signIn } from "../sign-in.js";

/**
 * The synthetic catalog is deterministic: the same persona id gives the same listener in every process and
 * every version, so analyses, fixtures and bench baselines stay comparable. These pins hold everything the
 * Web API serves for a fixed clock; a change to the generator, its tables or their order breaks them.
 * Changing the catalog on purpose means updating the pins in the same commit, and saying so.
 */

const NOW = Date.UTC(2026, 10, 20, 18, 30);
const PERSONAS = [
  "indie-obscurist",
  "chart-pop",
  "metalhead",
  "jazz-soul-nostalgic",
  "hip-hop-head",
  "classical-curator",
  "unclassified-underground",
  "new-listener",
  "seed:0",
  "seed:1",
  "seed:4242",
  "seed:99999",
];
const PATHS = [
  "/v1/me",
  ...["short_term", "medium_term", "long_term"].flatMap((range) => [
    `/v1/me/top/artists?time_range=${range}&limit=50`,
    `/v1/me/top/tracks?time_range=${range}&limit=50`,
  ]),
  "/v1/me/player/recently-played?limit=50",
];

let sandbox: RunningSandbox;
const served = new Map<string, string>();

beforeAll(async () => {
  sandbox = await startSandbox({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, now: () => NOW });
  for (const persona of PERSONAS) {
    const { access_token: token } = await signIn(sandbox, persona);
    const bodies: unknown[] = [];
    for (const path of PATHS) {
      const { status, body } = await getApi(sandbox, path, token);
      expect(status).toBe(200);
      bodies.push(body);
    }
    served.set(persona, JSON.stringify(bodies).replaceAll(sandbox.url, "http://sandbox"));
  }
});

afterAll(async () => {
  await sandbox.close();
});

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

describe("generated listeners are pinned", () => {
  it("serve byte for byte the same Web API answers for every persona", () => {
    const hashes = Object.fromEntries(
      PERSONAS.map((persona) => [persona, sha256(served.get(persona) ?? "")]),
    );
    expect(hashes).toEqual({
      "indie-obscurist": "743806ffa52eb179f6a65dea23f01f1c3cbab0c760aed24c0921ebf700f6e7d1",
      "chart-pop": "5861312481d8ea4c663b24dd4d01a187a110b75f416f04be240dd3b3584e2b19",
      metalhead: "af18c89d34015715774bfbd8c20aa80581ab13c943d909f8f31b1ce9f086bc0e",
      "jazz-soul-nostalgic": "cbc7f47be56aedc174a4c9793fcb1a623b47a5e75e97bf536e7de35829b09e7b",
      "hip-hop-head": "d0fe4135e412c463827855ada76888dbcd3e0a7407747eb6b2b9e1589f3800e0",
      "classical-curator": "fe830c3a58385b57b2361c071dc8d46fd1427538a7b995f81b28f9d68297c86c",
      "unclassified-underground": "0b71fd8ac9ac174fc4ab88ca47f8d1570a27b02afdb2b0b3ecaaaad6ef0edae7",
      "new-listener": "dd4e5b106af78115dbe45f1b6c37933664f5af9b04bee362984dc973f1727243",
      "seed:0": "be6266e3630628100c368769ae6a3caf83ba33e13eaf8d445243e47616017331",
      "seed:1": "8653f83d95fff3f92f38e49188c6aa94566a9c787cf193f0ea773607a76603f7",
      "seed:4242": "20822e54a24cd990e2f93e5daeb5dd2988511d639093044393a87fee4164e5cf",
      "seed:99999": "d2c0c10575c08e67abfc1899d70f814dc3cc308627985080083176cf8d2ecde9",
    });
  });

  it("keep their ids, names and first favourites", () => {
    const first = (persona: string) => {
      const [me, , , , , artists, tracks, recent] = JSON.parse(served.get(persona) ?? "[]") as {
        id?: string;
        display_name?: string;
        items?: { name: string; id: string; played_at?: string; track?: { name: string } }[];
      }[];
      return {
        userId: me?.id,
        displayName: me?.display_name,
        topArtist: artists?.items?.[0]?.name,
        topTrack: tracks?.items?.[0]?.name,
        lastPlayed: recent?.items?.[0]?.played_at,
        lastTrack: recent?.items?.[0]?.track?.name,
      };
    };
    expect(first("metalhead")).toEqual({
      userId: "31pu0uz3jf571sgfwmd73pf4yeyx",
      displayName: "Jonas Varga",
      topArtist: "Black Throne",
      topTrack: "Burn in Storm Ruins",
      lastPlayed: "2026-11-20T02:16:11.166Z",
      lastTrack: "Drown in Rotting Thrones",
    });
    expect(first("seed:4242")).toEqual({
      userId: "31ij2rzvju7ad927sij1kv63nskl",
      displayName: "Daphne Hart",
      topArtist: "Jasper Grant",
      topTrack: "Into Tallinn",
      lastPlayed: "2026-11-20T09:35:27.255Z",
      lastTrack: "Oraplu (Original Mix)",
    });
  });

  it("list the same personas", async () => {
    const response = await fetch(`${sandbox.url}/personas`);
    expect(sha256(await response.text())).toBe(
      "7b3a329546bfe55d90e2c1d1418692fb3a7af91c0b1519094817732819575d74",
    );
  });
});
