// The status page of a non-connected ticket, opened by the mailed link <portal>/suivi#<token>. Coming in the
// next part of the portal (it will send the token in the body of POST /public/status).
import { messages } from "../messages";
import { Coming } from "./coming";

export function StatusScreen(_props: { token: string }) {
  return <Coming screen={messages.screens.status} />;
}
