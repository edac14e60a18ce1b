// The non-connected form (seed 001, « Créer un ticket de support »). Coming in the next part of the portal.
import { messages } from "../messages";
import { Coming } from "./coming";

export function ContactScreen() {
  return <Coming screen={messages.screens.contact} />;
}
