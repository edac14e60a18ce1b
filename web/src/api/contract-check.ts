// The proof that the client is bound to docs/openapi.json: `tsc --noEmit` (make web-check) fails if any line
// marked @ts-expect-error compiles, i.e. if a route, parameter or field the contract lacks were accepted.
// Never called; it exists for the type check. (openapi-fetch's types do not refuse an extra query parameter:
// the API does, with its French 400.)
import type { Api } from "./client";

export function contractCheck(api: Api): void {
  // @ts-expect-error: a route the contract lacks
  void api.GET("/tickets/{number}/archive", { params: { path: { number: 1 } } });
  // @ts-expect-error: a required query parameter left out
  void api.GET("/tickets", { params: { query: { side: "EMITTER" } } });
  // @ts-expect-error: a body field of the wrong type
  void api.POST("/tickets", { body: { title: 12 } });
  // @ts-expect-error: a value outside the parameter's enumeration
  void api.GET("/tickets", { params: { query: { side: "EVERYONE", tab: "DRAFTS" } } });
  // @ts-expect-error: a field the answer lacks
  void api.GET("/me").then((answer) => String(answer.data?.telephone));
  // What the contract has compiles.
  void api.GET("/me").then((answer) => answer.data?.organisations.map((o) => o.role_label));
}
