export {
  CARD_DESIGN_VERSION,
  CARD_SIZES,
  type CardInput,
  type CardSize,
  cardInput,
  contentKey,
  matchCardInput,
  QUADRANTS,
  quadrantOf,
} from "./card-input.js";
export { CardRenderer, type RenderedCard } from "./card-renderer.js";
export { FontLibrary } from "./fonts.js";
export { Lru } from "./lru.js";
export { choosePunchline } from "./punchline.js";
export { type CardImage, DEFAULT_MEMORY_BYTES, ShareCards } from "./share-cards.js";
