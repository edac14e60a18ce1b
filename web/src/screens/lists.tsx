// The tabs of the tickets emitted and received (seed 001). Coming in part 2 of the portal.
import { messages } from "../messages";
import { Coming } from "./coming";

export function ListsScreen() {
  return <Coming screen={messages.screens.lists} />;
}
