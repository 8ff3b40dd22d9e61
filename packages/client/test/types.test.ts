import { describe, expectTypeOf, it } from "vitest";
import { createClient, type RouterInputs, type RouterOutputs, type UnwrappedClient } from "../src/index.js";

/**
 * What a frontend gets from @unwrapped/client alone: every procedure typed end to end. `pnpm typecheck`
 * checks these lines (the @ts-expect-error ones must stay errors); the runtime assertions are trivial.
 */
describe("the client's types", () => {
  it("infers inputs and outputs of every procedure from the router", () => {
    expectTypeOf<RouterOutputs["analysis"]["status"]["status"]>().toEqualTypeOf<
      "pending" | "processing" | "completed" | "failed"
    >();
    expectTypeOf<RouterOutputs["analysis"]["status"]["createdAt"]>().toEqualTypeOf<Date>();
    expectTypeOf<RouterOutputs["analysis"]["result"]["judge"]>().toEqualTypeOf<"llm" | "rules">();
    expectTypeOf<RouterOutputs["share"]["get"]["displayName"]>().toEqualTypeOf<string | null>();
    expectTypeOf<RouterOutputs["auth"]["exchange"]["accessTokenExpiresAt"]>().toEqualTypeOf<Date>();
    expectTypeOf<{ cursor: string; limit: number }>().toExtend<
      NonNullable<RouterInputs["analysis"]["history"]>
    >();
    expectTypeOf<{ limit: string }>().not.toExtend<NonNullable<RouterInputs["analysis"]["history"]>>();
    expectTypeOf<RouterInputs["share"]["revoke"]>().toEqualTypeOf<{ analysisId: string }>();
  });

  it("rejects wrong calls at compile time", () => {
    const client: UnwrappedClient = createClient({ url: "http://127.0.0.1:1" });
    const compileOnly = () => {
      // @ts-expect-error: no such procedure
      void client.analysis.nope.query();
      // @ts-expect-error: limit is a number
      void client.analysis.history.query({ limit: "10" });
      // @ts-expect-error: share.revoke needs an analysisId
      void client.share.revoke.mutate({});
      // @ts-expect-error: begin is a mutation, not a query
      void client.analysis.begin.query();
      // @ts-expect-error: analysisId is a string
      client.analysis.watch.subscribe({ analysisId: 42 }, {});
    };
    expectTypeOf(compileOnly).toBeFunction();
  });
});
