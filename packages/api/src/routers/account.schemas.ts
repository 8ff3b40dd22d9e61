import { z } from "zod";

/** The account router's schemas: both mutations take nothing and answer `{ ok: true }`. */
export const AccountInput = z.object({}).optional();
export const AccountResult = z.object({ ok: z.literal(true) });
