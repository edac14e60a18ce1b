// « Structure destinataire » of a question to a public entity (seed 003: « Indiquer la structure destinataire en
// effectuant une recherche grâce au bouton « Rechercher » », « Vider »): the DSFR search bar asks GET /structures
// (the directory of public structures active in Chorus Pro) by name, or by SIRET when only digits are typed;
// the results are radios (arrows to move, the choice is the recipient); each result carries its services, which
// the form offers as « Service destinataire » without asking again. The API's message for a bad search is shown
// beside the search field as it comes.
import type { TargetedKeyboardEvent } from "preact";
import { useId, useRef, useState } from "preact/hooks";
import { call } from "../api/client";
import type { Problem } from "../api/problem";
import type { components } from "../api/schema";
import { messages } from "../messages";
import { Button } from "./Button";
import { ProblemAlert } from "./ProblemAlert";
import { RadioGroup } from "./RadioGroup";

export type DirectoryStructure = components["schemas"]["DirectoryStructureView"];

/** The structure chosen as recipient: its SIRET, and what the directory said of it when it was found. */
export interface ChosenStructure {
  siret: string;
  designation: string | null;
  services: readonly { code: string; name: string }[];
}

export interface StructureSearchProps {
  chosen: ChosenStructure | null;
  onChoose: (structure: ChosenStructure | null) => void;
  /** The API's message for the recipient's SIRET (refused at submission), shown beside the choice. */
  error?: string | undefined;
  required?: boolean;
}

type Results =
  | { status: "none" }
  | { status: "searching"; previous: DirectoryStructure[] }
  | { status: "ready"; structures: DirectoryStructure[]; next: string | null; query: Query };

interface Query {
  name?: string;
  siret?: string;
}

const DIGITS = /^[0-9 ]+$/;

function queryOf(text: string): Query {
  const trimmed = text.trim();
  return trimmed !== "" && DIGITS.test(trimmed) ? { siret: trimmed.replace(/ /g, "") } : { name: trimmed };
}

function place(s: DirectoryStructure): string | null {
  return [s.postcode, s.town].filter(Boolean).join(" ") || null;
}

export function StructureSearch({ chosen, onChoose, error, required }: StructureSearchProps) {
  const id = `recherche-structure-${useId()}`;
  const [text, setText] = useState("");
  const [results, setResults] = useState<Results>({ status: "none" });
  const [problem, setProblem] = useState<Problem | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const fieldError = problem?.fields.name ?? problem?.fields.siret ?? problem?.fields.criteria;
  const searchErrorId = `${id}-erreur`;
  const chosenErrorId = `${id}-choix-erreur`;

  const search = async (query: Query, cursor: string | null, previous: DirectoryStructure[]) => {
    setResults({ status: "searching", previous });
    const result = await call((api) =>
      api.GET("/structures", { params: { query: { ...query, ...(cursor ? { cursor } : {}) } } }),
    );
    if (!result.ok) {
      setProblem(result.problem);
      setResults({ status: "none" });
      return;
    }
    setProblem(null);
    setResults({ status: "ready", structures: [...previous, ...result.data.structures], next: result.data.next_cursor, query });
  };

  const onKeyDown = (event: TargetedKeyboardEvent<HTMLInputElement>) => {
    // Enter searches; it must not submit the ticket's form around it.
    if (event.key === "Enter") {
      event.preventDefault();
      void search(queryOf(text), null, []);
    }
  };

  const clear = () => {
    setText("");
    setResults({ status: "none" });
    setProblem(null);
    onChoose(null);
    inputRef.current?.focus();
  };

  const shown = results.status === "ready" ? results.structures : results.status === "searching" ? results.previous : [];
  const choose = (siret: string) => {
    const s = shown.find((x) => x.siret === siret);
    if (s) onChoose({ siret: s.siret, designation: s.designation, services: s.services });
  };
  // The chosen structure stays offered while its results are shown (a reopened draft's is not among them).
  const chosenShown = chosen !== null && shown.some((s) => s.siret === chosen.siret);
  const problemShownAlone = problem !== null && fieldError === undefined;
  const errorBesideChoice = error !== undefined && shown.length === 0;
  const describedBy = [`${id}-aide`, fieldError ? searchErrorId : "", errorBesideChoice ? chosenErrorId : ""].filter(Boolean).join(" ");

  return (
    <div class="portal-structure-search" id={id}>
      <div class={`fr-input-group${fieldError ? " fr-input-group--error" : ""}`}>
        <div class="portal-search-row">
          <div class="fr-search-bar fr-search-bar--labelled" role="search" aria-label={messages.create.recipientStructure}>
            <label class="fr-label" for={`${id}-champ`}>
              {messages.create.searchLabel}
              {required && " *"}
              <span class="fr-hint-text" id={`${id}-aide`}>
                {messages.create.searchHint}
              </span>
            </label>
            <input
              ref={inputRef}
              class={`fr-input${fieldError ? " fr-input--error" : ""}`}
              type="search"
              id={`${id}-champ`}
              name="recherche-structure"
              autoComplete="off"
              maxLength={150}
              value={text}
              aria-describedby={describedBy}
              aria-invalid={fieldError || errorBesideChoice ? true : undefined}
              onInput={(e) => setText(e.currentTarget.value)}
              onKeyDown={onKeyDown}
            />
            <button class="fr-btn" type="button" title={messages.create.search} onClick={() => void search(queryOf(text), null, [])}>
              {messages.create.search}
            </button>
          </div>
          <Button kind="secondary" onClick={clear} class="portal-search-clear">
            {messages.create.clear}
          </Button>
        </div>
        {fieldError && (
          <p class="fr-error-text" id={searchErrorId}>
            {fieldError}
          </p>
        )}
      </div>
      {problemShownAlone && <ProblemAlert problem={problem} />}
      <p class="fr-sr-only" role="status">
        {results.status === "searching"
          ? messages.create.searching
          : results.status === "ready"
            ? messages.create.resultsCount(results.structures.length, results.next !== null)
            : ""}
      </p>
      {results.status === "ready" && results.structures.length === 0 && (
        <p class="fr-text--sm">{messages.create.resultsCount(0, false)}</p>
      )}
      {shown.length > 0 && (
        <div class="portal-results" id={`${id}-resultats`}>
          <RadioGroup
            legend={messages.create.results}
            hint={results.status === "ready" ? messages.create.resultsCount(results.structures.length, results.next !== null) : undefined}
            name="recipient_siret"
            regular={false}
            value={chosenShown ? chosen.siret : ""}
            options={shown.map((s) => ({ value: s.siret, label: s.designation, hint: `SIRET ${s.siret}${place(s) ? ` – ${place(s)}` : ""}` }))}
            onChange={choose}
            error={error}
          />
          {results.status === "ready" && results.next !== null && (
            <Button kind="tertiary" onClick={() => void search(results.query, results.next, results.structures)}>
              {messages.create.moreResults}
            </Button>
          )}
        </div>
      )}
      <div class={`fr-input-group${errorBesideChoice ? " fr-input-group--error" : ""}`}>
        <p class="fr-text--sm fr-mb-3w" id={`${id}-choix`}>
          <strong>{messages.create.chosenStructure} : </strong>
          {chosen === null
            ? messages.create.chosenNone
            : messages.create.structureOption(chosen.designation ?? chosen.siret, chosen.siret, null)}
        </p>
        {errorBesideChoice && (
          <p class="fr-error-text" id={chosenErrorId}>
            {error}
          </p>
        )}
      </div>
    </div>
  );
}
