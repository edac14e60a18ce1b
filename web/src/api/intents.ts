// The Idempotency-Key of the ticket writes: one key per intent of the user (this request, with this body), the
// same key when that intent is sent again because its answer was lost (network down, 5xx, 409 « en cours »), so
// that a retry never files a second ticket. An intent that got its answer (done, or refused: the API keeps only
// successes) is over: the next click is a new intent with a new key, even with the same body (a draft edited
// back to an earlier value must be saved again, not answered from the first save).
import { newIdempotencyKey, type Result } from "./client";

/** Whether the answer to a write is lost, so that the very same request may be sent again with its key. */
function lost(result: Result<unknown>): boolean {
  return !result.ok && (result.problem.status === 0 || result.problem.status === 409 || result.problem.status >= 500);
}

export class Intents {
  private readonly keys = new Map<string, string>();

  /**
   * Send one write: `fingerprint` names the intent (method, path, body), `send` gets its key for the
   * Idempotency-Key header.
   */
  async send<T>(fingerprint: string, send: (key: string) => Promise<Result<T>>): Promise<Result<T>> {
    let key = this.keys.get(fingerprint);
    if (key === undefined) {
      key = newIdempotencyKey();
      this.keys.set(fingerprint, key);
    }
    const result = await send(key);
    if (!lost(result)) this.keys.delete(fingerprint);
    return result;
  }
}

/** A fingerprint of a request: its method, path and body, the body's keys in a stable order. */
export function fingerprint(method: string, path: string, body?: Record<string, unknown>): string {
  const sorted = body === undefined ? null : Object.fromEntries(Object.entries(body).sort(([a], [b]) => a.localeCompare(b)));
  return `${method} ${path} ${JSON.stringify(sorted)}`;
}
