// The signed-in user's account (GET /me), read once per sign-in by the shell and shared with every screen:
// their structures, roles and services drive what the portal offers.
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { Problem } from "./api/problem";
import type { components } from "./api/schema";

export type Account = components["schemas"]["AccountView"];
export type Membership = components["schemas"]["MembershipView"];

export type AccountState =
  | { status: "none" }
  | { status: "loading" }
  | { status: "ready"; account: Account }
  | { status: "failed"; problem: Problem };

export const AccountContext = createContext<AccountState>({ status: "none" });

export function useAccount(): AccountState {
  return useContext(AccountContext);
}

export interface Capabilities {
  /** The structures the user may file a ticket for (the emitter is always a structure). */
  emitters: Membership[];
  /** The organisations whose received tickets the user handles: a team, or a public structure. */
  recipients: Membership[];
  canEmit: boolean;
  canReceive: boolean;
  /** A principal or secondary manager of a public structure (« Mes structures »: activate, inactivate). */
  managesPublicStructure: boolean;
}

export function capabilities(account: Account): Capabilities {
  const emitters = account.organisations.filter((o) => o.kind === "STRUCTURE");
  const recipients = account.organisations.filter((o) => o.kind === "TEAM" || o.public === true);
  const managesPublicStructure = emitters.some((o) => o.public === true && o.role !== "USER");
  return { emitters, recipients, canEmit: emitters.length > 0, canReceive: recipients.length > 0, managesPublicStructure };
}
