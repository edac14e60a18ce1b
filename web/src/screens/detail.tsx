// The detail of a ticket (seed 003) and its actions on both sides. Coming in the next part of the portal.
import { messages } from "../messages";
import { Coming } from "./coming";

export function DetailScreen({ number }: { number: number }) {
  return <Coming screen={`${messages.screens.detail} n° ${number}`} />;
}
