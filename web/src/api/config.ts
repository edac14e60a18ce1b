// The portal's settings, read at start from /config.json beside index.html: one build serves every stage (the
// local stack writes it from its user pool; `make deploy-web` from the stack's outputs).
import { messages } from "../messages";

export interface PortalConfig {
  /** Where the API answers, e.g. "/api" (same origin) or an absolute URL; no trailing slash. */
  apiBase: string;
  region: string;
  userPoolId: string;
  clientId: string;
  /** The Cognito endpoint when it is not AWS's (the local stack's, same origin); null on AWS. */
  cognitoEndpoint: string | null;
  /** The live chat's WebSocket address (the stack's ChatUrl); absent or null in older settings: no live chat. */
  chatUrl: string | null;
}

function isConfig(value: unknown): value is PortalConfig {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.apiBase === "string" &&
    typeof v.region === "string" &&
    typeof v.userPoolId === "string" &&
    typeof v.clientId === "string" &&
    (v.cognitoEndpoint === null || v.cognitoEndpoint === undefined || typeof v.cognitoEndpoint === "string") &&
    (v.chatUrl === null || v.chatUrl === undefined || typeof v.chatUrl === "string")
  );
}

export class ConfigError extends Error {}

export async function loadConfig(url = "/config.json"): Promise<PortalConfig> {
  let answer: Response;
  try {
    // The request index.html preloads (<link rel="preload" as="fetch" crossorigin>, vite.config.ts): the same mode
    // and credentials, so the browser hands over that answer instead of asking again. Never stale: the file is
    // served no-cache (revalidated) in AWS and no-store locally.
    answer = await fetch(url, { credentials: "same-origin" });
  } catch {
    throw new ConfigError(messages.configUnavailable);
  }
  const body: unknown = answer.ok ? await answer.json().catch(() => null) : null;
  if (!isConfig(body)) throw new ConfigError(messages.configUnavailable);
  return {
    ...body,
    apiBase: body.apiBase.replace(/\/+$/, ""), cognitoEndpoint: body.cognitoEndpoint ?? null,
    chatUrl: body.chatUrl ?? null,
  };
}
