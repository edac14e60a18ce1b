// The signed-in session: SRP sign-in against the user pool (amazon-cognito-identity-js, which never sends the
// password), the IdToken refreshed before it expires (refresh token), sign-out that revokes the refresh token,
// and the end of a session said in French. Tokens live in sessionStorage: a reload keeps the session, closing
// the tab ends it (shared computers of a public office).
import {
  AuthenticationDetails,
  CognitoUser,
  CognitoUserPool,
  type CognitoUserSession,
} from "amazon-cognito-identity-js";
import type { PortalConfig } from "../api/config";
import type { TokenSource } from "../api/client";
import { messages } from "../messages";

/** Refresh this long before the IdToken expires (it lives 60 minutes). */
export const REFRESH_AHEAD_MS = 5 * 60 * 1000;
/** A request never leaves with a token expiring within this margin: it is refreshed first. */
const REQUEST_MARGIN_MS = 60 * 1000;

export type SessionState =
  | { status: "starting" }
  | { status: "signedOut"; notice: string | null }
  | { status: "signedIn"; idToken: string; expiresAt: number; email: string };

export type SignInOutcome =
  | { kind: "signedIn" }
  | { kind: "totp"; submit: (code: string) => Promise<SignInOutcome> }
  | { kind: "failed"; message: string };

type Listener = (state: SessionState) => void;

interface CognitoError {
  code?: string;
  name?: string;
  message?: string;
}

/** The French message for what Cognito refused (its own messages are English and name no field). */
export function signInMessage(error: unknown): string {
  const e = (error ?? {}) as CognitoError;
  switch (e.code ?? e.name) {
    case "NotAuthorizedException":
    case "UserNotFoundException":
      return /attempts exceeded/i.test(e.message ?? "") ? messages.signInTooMany : messages.signInFailed;
    case "TooManyRequestsException":
    case "LimitExceededException":
    case "TooManyFailedAttemptsException":
      return messages.signInTooMany;
    case "PasswordResetRequiredException":
      return messages.signInPasswordReset;
    case "UserNotConfirmedException":
      return messages.signInNotActivated;
    case "CodeMismatchException":
    case "ExpiredCodeException":
    case "EnableSoftwareTokenMFAException":
      return messages.signInTotpWrong;
    default:
      return messages.signInUnavailable;
  }
}

export class Session implements TokenSource {
  private readonly pool: CognitoUserPool;
  private user: CognitoUser | null = null;
  private current: CognitoUserSession | null = null;
  private state: SessionState = { status: "starting" };
  private readonly listeners = new Set<Listener>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private refreshing: Promise<boolean> | null = null;

  constructor(config: PortalConfig, storage: Storage = window.sessionStorage) {
    this.pool = new CognitoUserPool({
      UserPoolId: config.userPoolId,
      ClientId: config.clientId,
      Storage: storage,
      ...(config.cognitoEndpoint ? { endpoint: config.cognitoEndpoint } : {}),
    });
  }

  get snapshot(): SessionState {
    return this.state;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private set(state: SessionState): void {
    this.state = state;
    for (const listener of this.listeners) listener(state);
  }

  /** At start: the session kept in this tab, refreshed if its IdToken expired meanwhile. */
  async restore(): Promise<void> {
    const user = this.pool.getCurrentUser();
    if (user === null) {
      this.set({ status: "signedOut", notice: null });
      return;
    }
    const session = await new Promise<CognitoUserSession | null>((resolve) =>
      user.getSession((error: Error | null, s: CognitoUserSession | null) => resolve(error ? null : s)),
    );
    if (session === null || !session.isValid()) {
      user.signOut();
      this.set({ status: "signedOut", notice: messages.sessionExpired });
      return;
    }
    this.adopt(user, session);
  }

  signIn(email: string, password: string): Promise<SignInOutcome> {
    const user = new CognitoUser({ Username: email.trim(), Pool: this.pool, Storage: window.sessionStorage });
    const details = new AuthenticationDetails({ Username: email.trim(), Password: password });
    return new Promise<SignInOutcome>((resolve) => {
      const callbacks = {
        onSuccess: (session: CognitoUserSession) => {
          this.adopt(user, session);
          resolve({ kind: "signedIn" });
        },
        onFailure: (error: unknown) => resolve({ kind: "failed", message: signInMessage(error) }),
        newPasswordRequired: () => resolve({ kind: "failed", message: messages.signInNotActivated }),
        mfaSetup: () => resolve({ kind: "failed", message: messages.signInMfaSetup }),
        totpRequired: () =>
          resolve({
            kind: "totp",
            submit: (code: string) =>
              new Promise<SignInOutcome>((answer) => {
                user.sendMFACode(
                  code.trim(),
                  {
                    onSuccess: (session: CognitoUserSession) => {
                      this.adopt(user, session);
                      answer({ kind: "signedIn" });
                    },
                    onFailure: (error: unknown) => answer({ kind: "failed", message: signInMessage(error) }),
                  },
                  "SOFTWARE_TOKEN_MFA",
                );
              }),
          }),
      };
      user.authenticateUser(details, callbacks);
    });
  }

  /** Sign out: the refresh token is revoked (Cognito's RevokeToken), the tab forgets the tokens. */
  async signOut(): Promise<void> {
    const user = this.user;
    this.forget();
    if (user !== null) {
      await new Promise<void>((resolve) => user.signOut(() => resolve()));
      user.signOut(); // whatever the revocation answered, nothing stays in this tab
    }
    this.set({ status: "signedOut", notice: messages.signedOut });
  }

  /** The session is over (refresh refused, the API answered 401): say so and ask to sign in again. */
  end(): void {
    if (this.state.status !== "signedIn") return;
    const user = this.user;
    this.forget();
    user?.signOut();
    this.set({ status: "signedOut", notice: messages.sessionExpired });
  }

  // ---------------------------------------------------------------------------------------- TokenSource
  async idToken(): Promise<string | null> {
    if (this.state.status !== "signedIn") return null;
    if (this.state.expiresAt - Date.now() < REQUEST_MARGIN_MS && !(await this.refresh())) return null;
    return this.currentToken(); // the refresh may have replaced the token, or ended the session
  }

  private currentToken(): string | null {
    return this.state.status === "signedIn" ? this.state.idToken : null;
  }

  rejected(): void {
    this.end();
  }

  /** Get new tokens with the refresh token; false (and the session ended) when Cognito refuses. */
  refresh(): Promise<boolean> {
    if (this.refreshing) return this.refreshing;
    const user = this.user;
    const current = this.current;
    if (user === null || current === null) return Promise.resolve(false);
    this.refreshing = new Promise<boolean>((resolve) => {
      user.refreshSession(current.getRefreshToken(), (error: unknown, session: CognitoUserSession | null) => {
        this.refreshing = null;
        if (error || session === null) {
          this.end();
          resolve(false);
          return;
        }
        this.adopt(user, session);
        resolve(true);
      });
    });
    return this.refreshing;
  }

  private adopt(user: CognitoUser, session: CognitoUserSession): void {
    this.user = user;
    this.current = session;
    const idToken = session.getIdToken();
    const expiresAt = idToken.getExpiration() * 1000;
    const email = String(idToken.decodePayload().email ?? "");
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), Math.max(0, expiresAt - Date.now() - REFRESH_AHEAD_MS));
    this.set({ status: "signedIn", idToken: idToken.getJwtToken(), expiresAt, email });
  }

  private forget(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.current = null;
    this.user = null;
    this.refreshing = null;
  }
}
