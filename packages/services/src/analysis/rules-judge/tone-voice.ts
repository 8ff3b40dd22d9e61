import type { VerdictTone } from "@unwrapped/db";
import type { PopularityBand } from "./claims.js";
import type { TraitName } from "./traits.js";

/**
 * The remarks that carry a verdict's tone, per tone: how it greets, how it reads the listener's range and
 * popularity, and how it signs off. `balanced` is the service's usual voice (witty, a little roasting but
 * kind), `gentle` keeps the jokes and drops the sting, `savage` roasts. The facts around these remarks are
 * the same in every tone.
 */
export interface ToneVoice {
  readonly greetings: readonly ((name: string | null) => string)[];
  /** Genre diversity of 0.45 and more, 0.2 to 0.45, under 0.2. */
  readonly wideRange: readonly string[];
  readonly someRange: readonly string[];
  readonly oneLane: readonly string[];
  readonly popularity: Readonly<Record<PopularityBand, readonly string[]>>;
  readonly signOffs: Readonly<Record<TraitName | "none", readonly string[]>>;
}

const named =
  (withName: (name: string) => string, without: string) =>
  (name: string | null): string =>
    name ? withName(name) : without;

const balanced: ToneVoice = {
  greetings: [
    named(
      (n) => `${n}, we have been through your listening history, and we have thoughts.`,
      "We have been through your listening history, and we have thoughts.",
    ),
    named(
      (n) => `Right then, ${n}: your listening history is in, and it says a lot.`,
      "Right then: your listening history is in, and it says a lot.",
    ),
    named(
      (n) => `Pull up a chair, ${n}, because your listening history has been read in full.`,
      "Pull up a chair, because your listening history has been read in full.",
    ),
    named(
      (n) => `Good news, ${n}: your music taste has been examined, and it has a personality.`,
      "Good news: your music taste has been examined, and it has a personality.",
    ),
    named((n) => `${n}, the results are in.`, "The results are in."),
    named(
      (n) => `Hello, ${n}. We listened so you would not have to explain.`,
      "Hello. We listened so you would not have to explain.",
    ),
    named(
      (n) => `Brace yourself, ${n}: your headphones have been talking.`,
      "Brace yourself: your headphones have been talking.",
    ),
    named(
      (n) => `${n}, your Spotify history has given evidence.`,
      "Your Spotify history has given evidence.",
    ),
    named((n) => `Here we go, ${n}.`, "Here we go."),
    named((n) => `Dear ${n}, we have studied the tapes.`, "Dear listener, we have studied the tapes."),
  ],
  wideRange: [
    "You roam widely and refuse to be put in a box.",
    "Your library has more passport stamps than most.",
    "Few listeners cover this much ground.",
  ],
  someRange: [
    "Curious, but you always find your way home.",
    "You wander a little, then head back to base.",
    "A home genre with the odd day trip.",
    "A base camp, and some excursions.",
    "Mostly settled, occasionally adventurous.",
    "Room to roam, but a favourite corner.",
  ],
  oneLane: [
    "You found your lane and parked in it.",
    "One family of music, explored from every angle.",
    "Focus like this is a choice, and you made it.",
  ],
  popularity: {
    chart: [
      "That is chart territory: you arrive at music along with everybody else, right on time.",
      "Your music taste has its own billboard and probably a fragrance line.",
      "Radio programmers would approve of every single pick.",
    ],
    familiar: [
      "Comfortably mainstream, with enough deep cuts to win an argument at dinner.",
      "Familiar enough for a road trip, respectable enough for a record-shop clerk.",
      "Mostly hits, with a few detours to keep things honest.",
    ],
    between: [
      "Halfway between the charts and the crates: popular enough to sing along, obscure enough to feel superior.",
      "You hover under the radar, close enough to the charts to wave at them.",
      "Known to some, adored by you, ignored by the charts.",
    ],
    underground: [
      "Most of your favourites have fewer monthly listeners than a mid-sized village, and you like it that way.",
      "Some of these artists could fit their whole fan base in your living room.",
      "You are the reason some of these bands know their streams by name.",
    ],
  },
  signOffs: {
    devoted: [
      "Never change, not that there was any danger of it.",
      "Stay loyal; it suits you.",
      "Keep your favourites close.",
      "Long may the old favourites reign.",
      "Loyal to the end, and why not.",
    ],
    nostalgic: ["Keep the needle on the record; the present will wait.", "Keep the old records spinning."],
    underground: [
      "Keep digging, and tell us about the next band before everyone else ruins them.",
      "Keep your ear to the underground.",
    ],
    chartChasing: ["Stay on top of the charts; somebody has to keep them honest.", "Keep riding the charts."],
    unfiltered: [
      "Keep it loud, keep it uncensored, and check the volume before the meeting.",
      "Stay unfiltered.",
    ],
    restless: ["Keep moving; your next obsession is probably already on its way.", "Enjoy the next crush."],
    omnivorous: [
      "Keep wandering; the map of music looks better with your footprints on it.",
      "Keep exploring.",
    ],
    none: ["Keep pressing play; your taste is in good hands, namely yours.", "Carry on listening."],
  },
};

const gentle: ToneVoice = {
  greetings: [
    named(
      (n) => `Hi ${n}, we have spent some lovely time with your listening history.`,
      "Hi there, we have spent some lovely time with your listening history.",
    ),
    named((n) => `${n}, thank you for letting us listen along.`, "Thank you for letting us listen along."),
    named(
      (n) => `What a pleasure, ${n}: your listening history has a warm heart.`,
      "What a pleasure: your listening history has a warm heart.",
    ),
    named(
      (n) => `${n}, your music taste has been read with care.`,
      "Your music taste has been read with care.",
    ),
    named((n) => `Welcome, ${n}. Your playlists are a delight.`, "Welcome. Your playlists are a delight."),
    named(
      (n) => `${n}, here is what your music says, kindly put.`,
      "Here is what your music says, kindly put.",
    ),
    named((n) => `Lovely to meet you, ${n}.`, "Lovely to meet you."),
    named((n) => `${n}, your ears have excellent company.`, "Your ears have excellent company."),
    named((n) => `Settle in, ${n}: this one is all good news.`, "Settle in: this one is all good news."),
    named((n) => `${n}, we enjoyed every minute of this.`, "We enjoyed every minute of this."),
  ],
  wideRange: [
    "Your curiosity is a gift, and your library shows it.",
    "You welcome every kind of music in, which is rather wonderful.",
    "An open mind and open ears: a fine combination.",
  ],
  someRange: [
    "You have a home in music and the curiosity to visit friends.",
    "A steady centre with room for surprises.",
    "Comfort and curiosity, nicely balanced.",
    "Rooted, yet happy to explore.",
    "A favourite home, and open doors.",
    "Settled and curious at once.",
  ],
  oneLane: [
    "You know what you love, and that is a beautiful thing.",
    "Depth over breadth, and the depth is impressive.",
    "Loving one kind of music this much takes real devotion.",
  ],
  popularity: {
    chart: [
      "You love what the world loves, and there is joy in singing along together.",
      "Big songs, big feelings, and no shame in either.",
      "You are never out of the loop, and that is a fine place to be.",
    ],
    familiar: [
      "Familiar favourites with a sprinkle of discoveries: a very happy mix.",
      "Well-loved songs, chosen well.",
      "A friendly, easy taste that welcomes everyone in.",
    ],
    between: [
      "You enjoy the hits and the hidden corners alike.",
      "Part chart, part secret garden, all yours.",
      "A little known, a little hidden, and entirely charming.",
    ],
    underground: [
      "You champion artists who deserve far more listeners; they are lucky to have you.",
      "Small artists, big heart: you are the fan every musician hopes for.",
      "Your favourites are hidden treasures, and you found them.",
    ],
  },
  signOffs: {
    devoted: [
      "Your loyalty is lovely; keep it.",
      "Hold on to the music that holds on to you.",
      "Old friends are the best friends.",
      "Cherish those favourites.",
      "Such faithful ears.",
    ],
    nostalgic: ["May the classics keep you company.", "Old songs, warm heart: keep both."],
    underground: ["Keep discovering; the artists need you.", "Keep sharing your finds."],
    chartChasing: ["Enjoy every singalong.", "Keep dancing to the big ones."],
    unfiltered: ["Keep your music honest, as it is.", "Stay bold."],
    restless: ["Enjoy every new discovery.", "May your next favourite find you soon."],
    omnivorous: ["Keep that wonderful curiosity.", "Keep your ears wide open."],
    none: ["Keep enjoying every note.", "Happy listening."],
  },
};

const savage: ToneVoice = {
  greetings: [
    named(
      (n) =>
        `${n}, we read your listening history so you would not have to, and frankly we needed a lie-down.`,
      "We read your listening history so you would not have to, and frankly we needed a lie-down.",
    ),
    named((n) => `Oh, ${n}. Oh dear.`, "Oh dear. Oh dear, oh dear."),
    named(
      (n) => `${n}, your playlists have been read aloud to a panel, and the panel has left.`,
      "Your playlists have been read aloud to a panel, and the panel has left.",
    ),
    named((n) => `Sit down, ${n}. This will sting.`, "Sit down. This will sting."),
    named(
      (n) => `${n}, we have seen your listening history. We cannot unsee it.`,
      "We have seen your listening history. We cannot unsee it.",
    ),
    named((n) => `No mercy today, ${n}.`, "No mercy today."),
    named((n) => `${n}, your headphones filed a complaint.`, "Your headphones filed a complaint."),
    named((n) => `Right, ${n}, gloves off.`, "Right, gloves off."),
    named(
      (n) => `${n}, the algorithm asked us to stage an intervention.`,
      "The algorithm asked us to stage an intervention.",
    ),
    named((n) => `Buckle up, ${n}: honesty hour.`, "Buckle up: honesty hour."),
  ],
  wideRange: [
    "You listen to everything, which is a polite way of saying you cannot commit.",
    "Your range is wide and, in places, alarming.",
    "A library this scattered needs a search party.",
  ],
  someRange: [
    "You dip a toe outside your comfort zone, then run back screaming.",
    "Adventurous in theory, cautious in practice.",
    "One home genre and a handful of awkward visits.",
    "Curiosity, rationed.",
    "Exploring, but only with a map home.",
    "Brave for a minute, then back to the usual.",
  ],
  oneLane: [
    "One lane, no exits, cruise control permanently on.",
    "You found one kind of music and never looked up again.",
    "Range is not your strong suit, and you know it.",
  ],
  popularity: {
    chart: [
      "Your taste is whatever the radio decided this week.",
      "Original thought was not invited to these playlists.",
      "Every pick is a hit, and not one is a surprise.",
    ],
    familiar: [
      "Safe, sensible and utterly unsurprising.",
      "Mainstream with a fake moustache.",
      "You like the hits, plus the deep cuts everyone already knows.",
    ],
    between: [
      "Obscure enough to be smug, popular enough to be ordinary.",
      "Neither cool nor popular: the musical middle seat.",
      "Half hipster, half shopping-centre playlist.",
    ],
    underground: [
      "Nobody has heard of your favourites, and you will not stop mentioning it.",
      "Some of these artists have more band members than listeners.",
      "You treat obscurity as a personality, and it shows.",
    ],
  },
  signOffs: {
    devoted: [
      "Try a new artist one day; it will not bite.",
      "Same bands, same years, same you.",
      "Your top list has not moved since the last ice age.",
      "Change is possible. Just saying.",
      "Predictable, but consistent.",
    ],
    nostalgic: ["The present would love to hear from you.", "Join us in this century when you are ready."],
    underground: [
      "Tell your three favourite bands we said hello.",
      "Enjoy the obscurity; nobody will take it from you.",
    ],
    chartChasing: [
      "The charts will tell you what to like next.",
      "Wait for the next chart to feel something.",
    ],
    unfiltered: ["Your neighbours would like a word.", "Mind the parental advisory."],
    restless: ["Commitment issues, but make it music.", "Your next obsession will last a week."],
    omnivorous: ["Pick a lane, any lane.", "Someday you may settle on a favourite."],
    none: ["At least it is not offensive, just beige.", "It could be worse. Not much, but it could."],
  },
};

export const TONE_VOICE: Readonly<Record<VerdictTone, ToneVoice>> = { gentle, balanced, savage };
