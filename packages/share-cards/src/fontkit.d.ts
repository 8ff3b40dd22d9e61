/** The part of fontkit's API the font library uses (the package ships no types). */
declare module "fontkit" {
  export interface Font {
    readonly familyName: string;
    hasGlyphForCodePoint(codePoint: number): boolean;
  }
  export interface FontCollection {
    readonly fonts: Font[];
  }
  export function create(buffer: Buffer): Font | FontCollection;
}
