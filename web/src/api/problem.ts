// What the API refused, as the portal shows it: the API's French message as it comes (never rewritten), and
// each field's message keyed by the field the API names (« title », « object.number »…), to show beside it.
import { messages } from "../messages";
import type { components } from "./schema";

export type ErrorResponse = components["schemas"]["ErrorResponse"];

export interface Problem {
  status: number;
  /** The API's stable code (INTROUVABLE, DONNEES_INVALIDES…), or the portal's own for a network failure. */
  code: string;
  /** Shown as it is in an alert. */
  message: string;
  /** Field → its message, shown beside the field (aria-describedby). */
  fields: Record<string, string>;
}

function isErrorResponse(value: unknown): value is ErrorResponse {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === "string" && typeof v.message === "string";
}

/** The problem an API answer tells (its body as openapi-fetch parsed it), whatever route answered. */
export function problemOf(status: number, body: unknown): Problem {
  if (isErrorResponse(body)) {
    const fields: Record<string, string> = {};
    for (const detail of body.errors ?? []) {
      // The first message of a field is the one shown (the API names each field once).
      fields[detail.field] ??= detail.message;
    }
    return { status, code: body.code, message: body.message, fields };
  }
  // Not the API's shape (a proxy's page, an empty body): the portal says so in its own words.
  return { status, code: "REPONSE_INATTENDUE", message: messages.unexpectedAnswer(status), fields: {} };
}

/** The problem of a request that never got an answer (network down, server unreachable). */
export function networkProblem(): Problem {
  return { status: 0, code: "RESEAU", message: messages.networkDown, fields: {} };
}

/** The field errors of a problem that no field of the screen shows (then the alert lists them). */
export function unplacedFields(problem: Problem, placed: readonly string[]): [string, string][] {
  return Object.entries(problem.fields).filter(([field]) => !placed.includes(field));
}
