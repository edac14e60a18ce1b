import { messages } from "../messages";

export function NotFoundScreen() {
  return (
    <>
      <h1>{messages.notFoundTitle}</h1>
      <p>{messages.notFoundText}</p>
      <p>
        <a class="fr-link" href="#/">
          {messages.backHome}
        </a>
      </p>
    </>
  );
}
