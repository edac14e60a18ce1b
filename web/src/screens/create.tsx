// « Créer un ticket » and a draft reopened (seed 001): the creation form built from GET /catalogue. Coming in
// the next part of the portal.
import { messages } from "../messages";
import { Coming } from "./coming";

export function CreateScreen({ number }: { number: number | null }) {
  return <Coming screen={number === null ? messages.screens.create : `${messages.screens.draft} n° ${number}`} />;
}
