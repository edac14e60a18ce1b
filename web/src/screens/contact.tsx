// The non-connected form (seed 001, « Créer un ticket de support » in « non connecté » mode): category and
// sub-category from the catalogue's ANONYMOUS mode (the pairs that need no recipient), the e-mail, « Titre /
// Résumé », « Description longue », the captcha, « Soumettre »; then the confirmation with the ticket's number.
// Calls: GET /catalogue?mode=ANONYMOUS and POST /public/captcha once each when the form opens, POST /public/tickets
// on « Soumettre » (one Idempotency-Key per intent: the same key only to retry a request that got no answer).
// What the API refuses is shown as it comes: the message at the top, each field's beside its field.
import type { TargetedSubmitEvent } from "preact";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { call, newIdempotencyKey } from "../api/client";
import type { Problem } from "../api/problem";
import type { components } from "../api/schema";
import { Alert } from "../components/Alert";
import { StatusBadge } from "../components/Badge";
import { Captcha, useCaptcha } from "../components/Captcha";
import { InputGroup } from "../components/InputGroup";
import { fieldError, ProblemAlert } from "../components/ProblemAlert";
import { Select } from "../components/Select";
import { messages } from "../messages";
import { publicMessages as t } from "./public/messages";
import "./public/public.css";

type Catalogue = components["schemas"]["CatalogueView"];
type SubCategory = components["schemas"]["SubCategoryView"];
type Created = components["schemas"]["AnonymousTicketCreated"];

/** The fields of the form, by their names in the API (its errors name them so). */
const FIELDS = ["category", "subcategory", "contact_email", "title", "description"] as const;
type Field = (typeof FIELDS)[number];
const PLACED: readonly string[] = [...FIELDS, "captcha_id", "captcha_answer"];

type Form = Record<Field, string>;
const EMPTY: Form = { category: "", subcategory: "", contact_email: "", title: "", description: "" };

type CatalogueState = { status: "loading" } | { status: "ready"; catalogue: Catalogue } | { status: "failed"; problem: Problem };

/** The fields the catalogue requires: those of the chosen pair, else those every pair of the mode requires. */
function requiredFields(catalogue: Catalogue | null, pair: SubCategory | null): ReadonlySet<string> {
  if (pair) return new Set(pair.fields.filter((f) => f.required).map((f) => f.name));
  const pairs = catalogue?.categories.flatMap((c) => c.subcategories) ?? [];
  if (pairs.length === 0) return new Set();
  const [first, ...others] = pairs.map((p) => new Set(p.fields.filter((f) => f.required).map((f) => f.name)));
  return new Set([...(first ?? [])].filter((name) => others.every((s) => s.has(name))));
}

/** The problem without what it said of the captcha (a new challenge replaced the one it was about). */
function withoutCaptcha(problem: Problem | null): Problem | null {
  if (problem === null) return null;
  const fields = Object.fromEntries(Object.entries(problem.fields).filter(([f]) => f !== "captcha_id" && f !== "captcha_answer"));
  const others = Object.keys(fields).length;
  return others === 0 && Object.keys(problem.fields).length > 0 ? null : { ...problem, fields };
}

function useCatalogue(): CatalogueState {
  const [state, setState] = useState<CatalogueState>({ status: "loading" });
  useEffect(() => {
    let live = true;
    void call((api) => api.GET("/catalogue", { params: { query: { mode: "ANONYMOUS" } } })).then((result) => {
      if (live) setState(result.ok ? { status: "ready", catalogue: result.data } : { status: "failed", problem: result.problem });
    });
    return () => {
      live = false;
    };
  }, []);
  return state;
}

function Confirmation({ created, onAnother }: { created: Created; onAnother: () => void }) {
  const heading = useRef<HTMLDivElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <>
      <div ref={heading} tabIndex={-1} id="confirmation">
        <Alert severity="success" title={t.createdTitle(created.number)} live class="fr-mb-4w">
          <p>{created.message}</p>
        </Alert>
      </div>
      <dl class="portal-public-facts fr-grid-row fr-grid-row--gutters">
        <div class="fr-col-12 fr-col-md-4">
          <dt>{t.createdNumber}</dt>
          <dd class="portal-public-number" id="numero-ticket">
            {created.number}
          </dd>
        </div>
        <div class="fr-col-12 fr-col-md-4">
          <dt>{t.createdStatus}</dt>
          <dd>
            <StatusBadge status={created.status} />
          </dd>
        </div>
        <div class="fr-col-12 fr-col-md-4">
          <dt>{t.createdRecipient}</dt>
          <dd>{created.recipient}</dd>
        </div>
      </dl>
      <p class="fr-mt-2w">{t.createdKeep}</p>
      <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left">
        <li>
          <button type="button" class="fr-btn fr-btn--secondary fr-icon-add-line" onClick={onAnother} id="autre-ticket">
            {t.another}
          </button>
        </li>
        <li>
          <a class="fr-btn fr-btn--tertiary" href="#/">
            {t.backHome}
          </a>
        </li>
      </ul>
    </>
  );
}

export function ContactScreen() {
  const catalogueState = useCatalogue();
  const captcha = useCaptcha();
  const [form, setForm] = useState<Form>(EMPTY);
  const [answer, setAnswer] = useState("");
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<Created | null>(null);
  // The request sent last and its key, kept while it got no answer: re-sent unchanged, it is the same intent.
  const unanswered = useRef<{ body: string; key: string } | null>(null);
  const problemRef = useRef<HTMLDivElement>(null);

  const catalogue = catalogueState.status === "ready" ? catalogueState.catalogue : null;
  const category = catalogue?.categories.find((c) => c.code === form.category) ?? null;
  const pair = category?.subcategories.find((s) => s.code === form.subcategory) ?? null;
  const required = useMemo(() => requiredFields(catalogue, pair), [catalogue, pair]);
  const set = (field: Field) => (value: string) =>
    setForm((previous) => (field === "category" ? { ...previous, category: value, subcategory: "" } : { ...previous, [field]: value }));

  const submit = async (event: TargetedSubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    const challenge = captcha.state.status === "ready" ? captcha.state.challenge.id : null;
    const body = {
      category: form.category || null,
      subcategory: form.subcategory || null,
      contact_email: form.contact_email.trim() || null,
      title: form.title.trim() || null,
      description: form.description.trim() || null,
      captcha_id: challenge,
      captcha_answer: answer.trim() || null,
    };
    const sent = JSON.stringify(body);
    const key = unanswered.current?.body === sent ? unanswered.current.key : newIdempotencyKey();
    unanswered.current = { body: sent, key };
    setBusy(true);
    const result = await call((api) => api.POST("/public/tickets", { body, params: { header: { "Idempotency-Key": key } } }));
    setBusy(false);
    if (result.ok || result.problem.status !== 0) unanswered.current = null;
    if (result.ok) {
      setProblem(null);
      setCreated(result.data);
      return;
    }
    setProblem(result.problem);
    // A refused captcha is answered again (the same challenge while it lives, or a new one); a refusal about
    // other fields leaves the answer as it was: the API checks the captcha last and did not use it up.
    if (result.problem.fields.captcha_answer || result.problem.fields.captcha_id) setAnswer("");
    requestAnimationFrame(() => problemRef.current?.focus());
  };

  const another = () => {
    setCreated(null);
    setProblem(null);
    setForm((previous) => ({ ...EMPTY, contact_email: previous.contact_email }));
    setAnswer("");
    void captcha.renew();
  };

  if (created) {
    return (
      <div class="fr-grid-row fr-grid-row--center">
        <div class="fr-col-12 fr-col-lg-10">
          <h1>{messages.screens.contact}</h1>
          <Confirmation created={created} onAnother={another} />
        </div>
      </div>
    );
  }

  const error = (field: string) => fieldError(problem, field);
  return (
    <div class="fr-grid-row fr-grid-row--center">
      <div class="fr-col-12 fr-col-lg-10">
        <h1>{messages.screens.contact}</h1>
        <p>{t.contactIntro}</p>
        <p>
          {t.contactSignIn}{" "}
          <a class="fr-link" href="#/connexion">
            {t.contactSignInLink}
          </a>
          .
        </p>
        <div ref={problemRef} tabIndex={-1}>
          <ProblemAlert problem={problem} placed={PLACED} />
        </div>
        {catalogueState.status === "failed" && <ProblemAlert problem={catalogueState.problem} />}
        <p class="fr-hint-text">{t.requiredNote}</p>
        <form id="formulaire-contact" noValidate onSubmit={(e) => void submit(e)}>
          <fieldset class="fr-fieldset" aria-labelledby="legende-demande">
            <legend class="fr-fieldset__legend" id="legende-demande">
              {t.requestLegend}
            </legend>
            {catalogueState.status === "loading" && (
              <p class="fr-fieldset__element portal-loading" role="status">
                {t.catalogueLoading}
              </p>
            )}
            <div class="fr-fieldset__element">
              <Select
                label={t.category}
                name="category"
                id="categorie"
                value={form.category}
                options={(catalogue?.categories ?? []).map((c) => ({ value: c.code, label: c.label }))}
                onChange={set("category")}
                placeholder={t.choose}
                required={required.has("category")}
                disabled={catalogue === null}
                error={error("category")}
              />
            </div>
            <div class="fr-fieldset__element">
              <Select
                label={t.subcategory}
                name="subcategory"
                id="sous-categorie"
                value={form.subcategory}
                options={(category?.subcategories ?? []).map((s) => ({ value: s.code, label: s.label }))}
                onChange={set("subcategory")}
                placeholder={t.choose}
                hint={category ? undefined : t.subcategoryHint}
                required={required.has("subcategory")}
                disabled={category === null}
                error={error("subcategory")}
              />
              {pair && (
                <p class="fr-message fr-message--info fr-mt-1w" id="destinataire">
                  {t.handledBy(pair.recipient?.label ?? pair.routing.label)}
                </p>
              )}
            </div>
          </fieldset>
          <fieldset class="fr-fieldset" aria-labelledby="legende-coordonnees">
            <legend class="fr-fieldset__legend" id="legende-coordonnees">
              {t.contactLegend}
            </legend>
            <div class="fr-fieldset__element">
              <InputGroup
                label={t.email}
                hint={t.emailHint}
                name="contact_email"
                id="adresse-electronique"
                type="email"
                autoComplete="email"
                maxLength={254}
                value={form.contact_email}
                onInput={set("contact_email")}
                required={required.has("contact_email")}
                error={error("contact_email")}
              />
            </div>
          </fieldset>
          <fieldset class="fr-fieldset" aria-labelledby="legende-probleme">
            <legend class="fr-fieldset__legend" id="legende-probleme">
              {t.problemLegend}
            </legend>
            <div class="fr-fieldset__element">
              <InputGroup
                label={t.title}
                hint={t.titleHint}
                name="title"
                id="titre"
                maxLength={150}
                value={form.title}
                onInput={set("title")}
                required={required.has("title")}
                error={error("title")}
              />
            </div>
            <div class="fr-fieldset__element">
              <InputGroup
                label={t.description}
                hint={t.descriptionHint}
                name="description"
                id="description"
                multiline
                maxLength={10000}
                value={form.description}
                onInput={set("description")}
                required={required.has("description")}
                error={error("description")}
              />
            </div>
          </fieldset>
          <Captcha
            state={captcha.state}
            renew={captcha.renew}
            answer={answer}
            onAnswer={setAnswer}
            required
            onRenewed={() => setProblem(withoutCaptcha)}
            challengeError={error("captcha_id")}
            answerError={error("captcha_answer")}
          />
          <ul class="fr-btns-group fr-btns-group--inline-md fr-mt-2w">
            <li>
              <button type="submit" class="fr-btn" disabled={busy} id="bouton-soumettre">
                {busy ? t.sending : t.submit}
              </button>
            </li>
          </ul>
        </form>
      </div>
    </div>
  );
}
