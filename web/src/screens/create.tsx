// « Créer un ticket » and a draft reopened (seed 001, seed 003 « Détail de la sollicitation »): the form built from
// GET /catalogue. The category, then its sub-categories; the fields the chosen pair takes appear with it (the
// object's type and number, or the « Destinataire » block with the structure search), those the server fills
// are shown filled and read-only, and each mandatory one is marked. The emitter is one of the user's structures
// (GET /me, read once by the shell) with its services.
//
// « Soumettre », « Enregistrer et quitter » (a draft: POST /tickets, or PATCH of the reopened draft), « Quitter
// sans enregistrer » and « Supprimer le brouillon » (each confirmed in a DSFR modal). What the API refuses is
// shown as it comes: its message in an alert, each field's message beside the field. Every write carries an
// Idempotency-Key, one per intent, the same when a lost answer makes the user try again (api/intents.ts).
// Success goes home, the confirmation with the ticket's number at the top of the page (components/Flash.tsx).
import "./create.css";
import type { TargetedSubmitEvent } from "preact";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { capabilities, useAccount, type Membership } from "../account";
import { call, type Result } from "../api/client";
import { fingerprint, Intents } from "../api/intents";
import type { Problem } from "../api/problem";
import type { components } from "../api/schema";
import { Alert } from "../components/Alert";
import { Button } from "../components/Button";
import { showFlash } from "../components/Flash";
import { InputGroup } from "../components/InputGroup";
import { Modal } from "../components/Modal";
import { fieldError, ProblemAlert } from "../components/ProblemAlert";
import { RadioGroup } from "../components/RadioGroup";
import { Select } from "../components/Select";
import { StructureSearch, type ChosenStructure } from "../components/StructureSearch";
import { messages } from "../messages";
import { href, navigate } from "../router";

type Catalogue = components["schemas"]["CatalogueView"];
type Pair = components["schemas"]["SubCategoryView"];
type FieldView = components["schemas"]["FieldView"];
type Ticket = components["schemas"]["TicketDetail"];

const text = messages.create;
const QUIT_MODAL = "modale-quitter";
const DELETE_MODAL = "modale-supprimer";

/** What the form holds, as typed (empty string: not filled). */
interface Values {
  category: string;
  subcategory: string;
  object_type: string;
  object_number: string;
  recipient_is_state_service: "" | "true" | "false";
  recipient: ChosenStructure | null;
  recipient_service: string;
  emitter_siret: string;
  emitter_service: string;
  contact_email: string;
  contact_phone: string;
  title: string;
  description: string;
}

/** The fields a pair adds by its routing; given for another pair they are refused, so they are sent only with it. */
const ROUTING_FIELDS = ["object_type", "object_number", "recipient_is_state_service", "recipient_siret", "recipient_service"] as const;

function emptyValues(emitters: readonly Membership[]): Values {
  return {
    category: "",
    subcategory: "",
    object_type: "",
    object_number: "",
    recipient_is_state_service: "",
    recipient: null,
    recipient_service: "",
    emitter_siret: emitters.length === 1 && emitters[0] ? emitters[0].id : "",
    emitter_service: "",
    contact_email: "",
    contact_phone: "",
    title: "",
    description: "",
  };
}

function valuesOf(draft: Ticket, found: ChosenStructure | null): Values {
  const requested = draft.requested_recipient;
  const siret = requested?.siret ?? null;
  const recipientName = draft.recipient && draft.recipient.id === siret ? draft.recipient.name : null;
  return {
    category: draft.category?.code ?? "",
    subcategory: draft.subcategory?.code ?? "",
    object_type: draft.object?.type?.code ?? "",
    object_number: draft.object?.number ?? "",
    recipient_is_state_service:
      requested?.is_state_service === true ? "true" : requested?.is_state_service === false ? "false" : "",
    recipient: siret === null ? null : (found ?? { siret, designation: recipientName, services: [] }),
    recipient_service: requested?.service ?? "",
    emitter_siret: draft.emitter.siret ?? "",
    emitter_service: draft.emitter.service?.code ?? "",
    contact_email: draft.emitter.contact_email ?? "",
    contact_phone: draft.emitter.contact_phone ?? "",
    title: draft.title ?? "",
    description: draft.description ?? "",
  };
}

function filled(value: string): string | null {
  const trimmed = value.trim();
  return trimmed === "" ? null : trimmed;
}

/**
 * The request's body. A new ticket sends what is filled; a draft's PATCH sends every field (null clears it), the
 * routing fields the pair does not take as null. A field the server fills for the pair is left out: it fills it.
 */
function bodyOf(values: Values, pair: Pair | null, patch: boolean): Record<string, string | boolean | null> {
  const body: Record<string, string | boolean | null> = {};
  const put = (name: string, value: string | boolean | null) => {
    if (patch || value !== null) body[name] = value;
  };
  put("category", filled(values.category));
  put("subcategory", filled(values.subcategory));
  put("emitter_siret", filled(values.emitter_siret));
  put("emitter_service", filled(values.emitter_service));
  put("contact_email", filled(values.contact_email));
  put("contact_phone", filled(values.contact_phone));
  put("title", filled(values.title));
  // The description keeps its lines and inner spaces; only an empty one is none.
  put("description", values.description.trim() === "" ? null : values.description);
  for (const name of ROUTING_FIELDS) {
    const field = pair?.fields.find((f) => f.name === name);
    if (field === undefined) {
      put(name, null);
      continue;
    }
    if (field.filled_by_server && name === "object_type") continue;
    switch (name) {
      case "object_type":
        put(name, filled(values.object_type));
        break;
      case "object_number":
        put(name, filled(values.object_number));
        break;
      case "recipient_is_state_service":
        put(name, values.recipient_is_state_service === "" ? null : values.recipient_is_state_service === "true");
        break;
      case "recipient_siret":
        put(name, values.recipient?.siret ?? null);
        break;
      case "recipient_service":
        put(name, values.recipient === null ? null : filled(values.recipient_service));
        break;
    }
  }
  return body;
}

function pairOf(catalogue: Catalogue, category: string, subcategory: string): Pair | null {
  return catalogue.categories.find((c) => c.code === category)?.subcategories.find((s) => s.code === subcategory) ?? null;
}

/** The fields every pair takes (emitter, contact, title, description…), to mark them before a pair is chosen. */
function commonFields(catalogue: Catalogue): FieldView[] {
  const pairs = catalogue.categories.flatMap((c) => c.subcategories);
  const first = pairs[0];
  if (first === undefined) return [];
  return first.fields.filter((f) => pairs.every((p) => p.fields.some((g) => g.name === f.name)));
}

type Loaded =
  | { status: "loading" }
  | { status: "failed"; problem: Problem }
  | { status: "ready"; catalogue: Catalogue; draft: Ticket | null; found: ChosenStructure | null };

/** GET /catalogue, and the draft (GET /tickets/{n}) with its recipient's services (GET /structures?siret=). */
function useLoaded(number: number | null): Loaded {
  const [loaded, setLoaded] = useState<Loaded>({ status: "loading" });
  useEffect(() => {
    let live = true;
    setLoaded({ status: "loading" });
    const load = async (): Promise<Loaded> => {
      const [catalogue, draft] = await Promise.all([
        call((api) => api.GET("/catalogue")),
        number === null
          ? Promise.resolve<Result<Ticket | null>>({ ok: true, data: null })
          : call((api) => api.GET("/tickets/{number}", { params: { path: { number: String(number) } } })),
      ]);
      if (!catalogue.ok) return { status: "failed", problem: catalogue.problem };
      if (!draft.ok) return { status: "failed", problem: draft.problem };
      const siret = draft.data?.status.code === "DRAFT" ? draft.data.requested_recipient?.siret : null;
      let found: ChosenStructure | null = null;
      if (siret) {
        // The directory's answer for that SIRET: its designation and its services for « Service destinataire ».
        const page = await call((api) => api.GET("/structures", { params: { query: { siret } } }));
        const structure = page.ok ? page.data.structures.find((s) => s.siret === siret) : undefined;
        if (structure) found = { siret, designation: structure.designation, services: structure.services };
      }
      return { status: "ready", catalogue: catalogue.data, draft: draft.data, found };
    };
    void load().then((result) => {
      if (live) setLoaded(result);
    });
    return () => {
      live = false;
    };
  }, [number]);
  return loaded;
}

export function CreateScreen({ number }: { number: number | null }) {
  const account = useAccount();
  const loaded = useLoaded(number);
  const heading = number === null ? messages.screens.create : `${messages.screens.draft} n° ${number}`;

  if (account.status !== "ready") return null; // the shell shows the account's state
  const emitters = capabilities(account.account).emitters;
  if (emitters.length === 0) {
    return (
      <>
        <h1>{heading}</h1>
        <Alert severity="info" title={messages.screens.create}>
          <p>{text.noEmitter}</p>
        </Alert>
      </>
    );
  }
  if (loaded.status === "loading") {
    return (
      <>
        <h1>{heading}</h1>
        <p class="portal-loading" role="status">
          {messages.loading}
        </p>
      </>
    );
  }
  if (loaded.status === "failed") {
    return (
      <>
        <h1>{heading}</h1>
        <ProblemAlert problem={loaded.problem} />
        <p>
          <a class="fr-link" href="#/">
            {messages.backHome}
          </a>
        </p>
      </>
    );
  }
  const { draft } = loaded;
  if (draft !== null && draft.status.code !== "DRAFT") {
    return (
      <>
        <h1>{heading}</h1>
        <Alert severity="info" title={text.notADraft(draft.number)}>
          <p>
            <a class="fr-link" href={href({ name: "detail", number: draft.number })}>
              {text.seeTicket(draft.number)}
            </a>
          </p>
        </Alert>
      </>
    );
  }
  return (
    <TicketForm
      key={number ?? "nouveau"}
      heading={heading}
      catalogue={loaded.catalogue}
      draft={draft}
      found={loaded.found}
      emitters={emitters}
    />
  );
}

interface FormProps {
  heading: string;
  catalogue: Catalogue;
  draft: Ticket | null;
  found: ChosenStructure | null;
  emitters: Membership[];
}

function TicketForm({ heading, catalogue, draft, found, emitters }: FormProps) {
  const initial = useMemo(() => (draft ? valuesOf(draft, found) : emptyValues(emitters)), [draft, found, emitters]);
  const [values, setValues] = useState<Values>(initial);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const [modal, setModal] = useState<"quit" | "delete" | null>(null);
  const intents = useRef(new Intents()).current;
  const problemRef = useRef<HTMLDivElement>(null);
  const common = useMemo(() => commonFields(catalogue), [catalogue]);
  const pair = pairOf(catalogue, values.category, values.subcategory);
  const category = catalogue.categories.find((c) => c.code === values.category) ?? null;
  const emitter = emitters.find((e) => e.id === values.emitter_siret) ?? null;
  const initialPair = draft ? pairOf(catalogue, initial.category, initial.subcategory) : null;
  // What the draft holds on the server (the PATCH body of its values): « Soumettre » saves first only what changed.
  const saved = useRef(draft ? fingerprint("PATCH", "", bodyOf(initial, initialPair, true)) : null);

  const spec = (name: string): FieldView | undefined =>
    pair === null ? common.find((f) => f.name === name) : pair.fields.find((f) => f.name === name);
  const takes = (name: string) => spec(name) !== undefined;
  const required = (name: string) => spec(name)?.required ?? false;
  const error = (name: string) => fieldError(problem, name);
  const set = <K extends keyof Values>(name: K, value: Values[K]) => setValues((v) => ({ ...v, [name]: value }));

  const refused = (refusal: Problem) => {
    setProblem(refusal);
    setBusy(false);
    requestAnimationFrame(() => problemRef.current?.focus());
  };

  const create = (submit: boolean) => {
    const body = { ...bodyOf(values, pair, false), submit };
    return intents.send(fingerprint("POST", "/tickets", body), (key) =>
      call((api) => api.POST("/tickets", { params: { header: { "Idempotency-Key": key } }, body })),
    );
  };

  /** PATCH the draft with the form's values, unless the server already holds them. */
  const patch = async (n: number): Promise<Result<unknown>> => {
    const body = bodyOf(values, pair, true);
    const print = fingerprint("PATCH", "", body);
    if (print === saved.current) return { ok: true, data: null };
    const path = `/tickets/${n}`;
    const result = await intents.send(fingerprint("PATCH", path, body), (key) =>
      call((api) =>
        api.PATCH("/tickets/{number}", { params: { path: { number: String(n) }, header: { "Idempotency-Key": key } }, body }),
      ),
    );
    if (result.ok) saved.current = print;
    return result;
  };

  const submitDraft = (n: number) =>
    intents.send(fingerprint("POST", `/tickets/${n}/submit`), (key) =>
      call((api) =>
        api.POST("/tickets/{number}/submit", { params: { path: { number: String(n) }, header: { "Idempotency-Key": key } } }),
      ),
    );

  const goHome = (flash: Parameters<typeof showFlash>[0]) => {
    showFlash(flash, "#/");
    navigate("/");
  };

  const onSubmit = async (event: TargetedSubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    let result: Result<Ticket>;
    if (draft === null) {
      result = await create(true);
    } else {
      const saving = await patch(draft.number);
      if (!saving.ok) {
        refused(saving.problem);
        return;
      }
      result = await submitDraft(draft.number);
    }
    if (!result.ok) {
      refused(result.problem);
      return;
    }
    const ticket = result.data;
    goHome({
      severity: "success",
      title: text.submitted(ticket.number),
      text: ticket.recipient ? text.submittedTo(ticket.recipient.name) : text.submittedNoRecipient,
    });
  };

  const onSave = async () => {
    if (busy) return;
    setBusy(true);
    let n: number;
    if (draft === null) {
      const result = await create(false);
      if (!result.ok) {
        refused(result.problem);
        return;
      }
      n = result.data.number;
    } else {
      const result = await patch(draft.number);
      if (!result.ok) {
        refused(result.problem);
        return;
      }
      n = draft.number;
    }
    goHome({ severity: "success", title: text.saved(n), text: text.savedText });
  };

  const onDelete = async () => {
    if (busy || draft === null) return;
    setBusy(true);
    const n = draft.number;
    const result = await intents.send(fingerprint("DELETE", `/tickets/${n}`), (key) =>
      call((api) =>
        api.DELETE("/tickets/{number}", { params: { path: { number: String(n) }, header: { "Idempotency-Key": key } } }),
      ),
    );
    setModal(null);
    if (!result.ok) {
      refused(result.problem);
      return;
    }
    goHome({ severity: "success", title: text.deleted(n) });
  };

  const onQuit = () => {
    setModal(null);
    goHome({ severity: "info", title: draft ? text.quitDoneDraft(draft.number) : text.quitDoneNew });
  };

  const recipientBlock = takes("recipient_siret");
  const recipientServices = takes("recipient_service") && values.recipient !== null ? values.recipient.services : null;
  // The fields shown beside an input now: their messages go there, any other field's to the alert.
  const placed = [
    "category",
    ...(category ? ["subcategory"] : []),
    ...(["object_type", "object_number", "recipient_is_state_service"] as const).filter(takes),
    ...(recipientBlock ? ["recipient_siret"] : []),
    ...(recipientServices && recipientServices.length > 0 ? ["recipient_service"] : []),
    "emitter_siret",
    ...(emitter && emitter.services.length > 0 ? ["emitter_service"] : []),
    "contact_email",
    "contact_phone",
    "title",
    "description",
  ];
  const objectTypeFilled = spec("object_type")?.filled_by_server === true;
  const objectTypeLabel =
    pair?.object_type?.label ?? catalogue.object_types.find((t) => t.code === values.object_type)?.label ?? "";
  const organisation = (() => {
    if (pair === null || recipientBlock) return null;
    if (pair.recipient) return text.organisationFixed(pair.recipient.label);
    const known = draft?.recipient && draft.subcategory?.code === pair.code ? draft.recipient : null;
    return known ? text.organisationKnown(known.service ? `${known.name} – ${known.service.name}` : known.name) : text.organisationFromObject;
  })();

  return (
    <>
      <h1>{heading}</h1>
      <p>{draft ? text.draftIntro(draft.number) : text.intro}</p>
      {draft && <p class="fr-text--sm">{text.intro}</p>}
      <div ref={problemRef} tabIndex={-1}>
        <ProblemAlert problem={problem} placed={placed} />
      </div>
      <form noValidate onSubmit={(e) => void onSubmit(e)} id="formulaire-ticket">
        <section class="portal-form-block" aria-labelledby="bloc-general">
          <h2 class="fr-h4" id="bloc-general">
            {text.general}
          </h2>
          <Select
            label={text.category}
            name="category"
            id="champ-category"
            value={values.category}
            options={catalogue.categories.map((c) => ({ value: c.code, label: c.label }))}
            placeholder={text.choose}
            required={required("category")}
            error={error("category")}
            onChange={(value) => setValues((v) => ({ ...v, category: value, subcategory: "" }))}
          />
          {category && (
            <Select
              label={text.subcategory}
              name="subcategory"
              id="champ-subcategory"
              hint={text.subcategoryHint}
              value={values.subcategory}
              options={category.subcategories.map((s) => ({ value: s.code, label: s.label }))}
              placeholder={text.choose}
              required={required("subcategory")}
              error={error("subcategory")}
              onChange={(value) => set("subcategory", value)}
            />
          )}
          {takes("object_type") &&
            (objectTypeFilled ? (
              <div class="fr-input-group">
                <label class="fr-label" for="champ-object_type">
                  {text.objectType}
                  <span class="fr-hint-text" id="champ-object_type-aide">
                    {text.filledByServer}
                  </span>
                </label>
                <input
                  class="fr-input"
                  id="champ-object_type"
                  name="object_type"
                  readOnly
                  value={objectTypeLabel}
                  aria-describedby={["champ-object_type-aide", error("object_type") ? "champ-object_type-erreur" : ""].filter(Boolean).join(" ")}
                />
                {error("object_type") && (
                  <p class="fr-error-text" id="champ-object_type-erreur">
                    {error("object_type")}
                  </p>
                )}
              </div>
            ) : (
              <Select
                label={text.objectType}
                name="object_type"
                id="champ-object_type"
                value={values.object_type}
                options={catalogue.object_types.map((t) => ({ value: t.code, label: t.label }))}
                placeholder={text.choose}
                required={required("object_type")}
                error={error("object_type")}
                onChange={(value) => set("object_type", value)}
              />
            ))}
          {takes("object_number") && (
            <InputGroup
              label={text.objectNumber}
              name="object_number"
              id="champ-object_number"
              hint={text.objectNumberHint}
              value={values.object_number}
              maxLength={64}
              required={required("object_number")}
              error={error("object_number")}
              onInput={(value) => set("object_number", value)}
            />
          )}
        </section>

        <section class="portal-form-block" aria-labelledby="bloc-emetteur">
          <h2 class="fr-h4" id="bloc-emetteur">
            {text.emitter}
          </h2>
          <Select
            label={text.emitterStructure}
            name="emitter_siret"
            id="champ-emitter_siret"
            hint={text.emitterStructureHint}
            value={values.emitter_siret}
            options={emitters.map((e) => ({ value: e.id, label: `${e.id} – ${e.name}` }))}
            placeholder={text.choose}
            required={required("emitter_siret")}
            error={error("emitter_siret")}
            onChange={(value) => setValues((v) => ({ ...v, emitter_siret: value, emitter_service: "" }))}
          />
          {emitter && (
            <dl class="portal-readout fr-mb-3w" aria-label={text.emitterStructure}>
              <div>
                <dt>{text.emitterDesignation}</dt>
                <dd>{emitter.name}</dd>
              </div>
              <div>
                <dt>{text.emitterEmail}</dt>
                <dd>{emitter.email ?? messages.notSet}</dd>
              </div>
            </dl>
          )}
          {emitter && emitter.services.length > 0 && (
            <Select
              label={text.emitterService}
              name="emitter_service"
              id="champ-emitter_service"
              value={values.emitter_service}
              options={emitter.services.map((s) => ({ value: s.code, label: s.name }))}
              placeholder={text.noService}
              required={false}
              error={error("emitter_service")}
              onChange={(value) => set("emitter_service", value)}
            />
          )}
          <InputGroup
            label={text.contactEmail}
            name="contact_email"
            id="champ-contact_email"
            type="email"
            autoComplete="email"
            hint={text.contactEmailHint(emitter?.email ?? null)}
            value={values.contact_email}
            maxLength={254}
            required={required("contact_email")}
            error={error("contact_email")}
            onInput={(value) => set("contact_email", value)}
          />
          <InputGroup
            label={text.contactPhone}
            name="contact_phone"
            id="champ-contact_phone"
            type="tel"
            autoComplete="tel"
            hint={text.contactPhoneHint}
            value={values.contact_phone}
            maxLength={20}
            required={required("contact_phone")}
            error={error("contact_phone")}
            onInput={(value) => set("contact_phone", value)}
          />
        </section>

        {recipientBlock && (
          <section class="portal-form-block" aria-labelledby="bloc-destinataire">
            <h2 class="fr-h4" id="bloc-destinataire">
              {text.recipientBlock}
            </h2>
            {takes("recipient_is_state_service") && (
              <RadioGroup
                legend={text.isStateService}
                name="recipient_is_state_service"
                id="champ-recipient_is_state_service"
                inline
                value={values.recipient_is_state_service}
                options={[
                  { value: "true", label: text.yes },
                  { value: "false", label: text.no },
                ]}
                required={required("recipient_is_state_service")}
                error={error("recipient_is_state_service")}
                onChange={(value) => set("recipient_is_state_service", value === "true" ? "true" : "false")}
              />
            )}
            <StructureSearch
              chosen={values.recipient}
              required={required("recipient_siret")}
              error={error("recipient_siret")}
              onChoose={(structure) => setValues((v) => ({ ...v, recipient: structure, recipient_service: "" }))}
            />
            {recipientServices !== null &&
              (recipientServices.length > 0 ? (
                <Select
                  label={text.recipientService}
                  name="recipient_service"
                  id="champ-recipient_service"
                  hint={text.recipientServiceHint}
                  value={values.recipient_service}
                  options={recipientServices.map((s) => ({ value: s.code, label: s.name }))}
                  placeholder={text.noService}
                  required={required("recipient_service")}
                  error={error("recipient_service")}
                  onChange={(value) => set("recipient_service", value)}
                />
              ) : (
                <p class="fr-text--sm">{text.recipientServiceNone}</p>
              ))}
          </section>
        )}

        {organisation !== null && (
          <section class="portal-form-block" aria-labelledby="bloc-organisation">
            <h2 class="fr-h4" id="bloc-organisation">
              {text.organisationBlock}
            </h2>
            <p id="organisation-destinataire">{organisation}</p>
          </section>
        )}

        <section class="portal-form-block" aria-labelledby="bloc-probleme">
          <h2 class="fr-h4" id="bloc-probleme">
            {text.problem}
          </h2>
          <InputGroup
            label={text.title}
            name="title"
            id="champ-title"
            value={values.title}
            maxLength={150}
            required={required("title")}
            error={error("title")}
            onInput={(value) => set("title", value)}
          />
          <InputGroup
            label={text.description}
            name="description"
            id="champ-description"
            hint={text.descriptionHint}
            multiline
            value={values.description}
            maxLength={10000}
            required={required("description")}
            error={error("description")}
            onInput={(value) => set("description", value)}
          />
          <p class="fr-text--sm portal-note">{text.attachmentsNote}</p>
        </section>

        <p class="fr-sr-only" role="status">
          {busy ? text.busy : ""}
        </p>
        <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left portal-form-actions">
          <li>
            <button class="fr-btn" type="submit" id="bouton-soumettre">
              {text.submit}
            </button>
          </li>
          <li>
            <Button kind="secondary" icon="fr-icon-save-line" id="bouton-enregistrer" onClick={() => void onSave()}>
              {text.saveAndQuit}
            </Button>
          </li>
          <li>
            <Button
              kind="tertiary"
              id="bouton-quitter"
              aria-controls={QUIT_MODAL}
              data-fr-opened="false"
              onClick={() => setModal("quit")}
            >
              {text.quitWithoutSaving}
            </Button>
          </li>
          {draft && (
            <li>
              <Button
                kind="tertiary"
                icon="fr-icon-delete-bin-line"
                id="bouton-supprimer"
                aria-controls={DELETE_MODAL}
                data-fr-opened="false"
                onClick={() => setModal("delete")}
              >
                {text.deleteDraft}
              </Button>
            </li>
          )}
        </ul>
      </form>

      <Modal
        id={QUIT_MODAL}
        title={text.quitTitle}
        open={modal === "quit"}
        onClose={() => setModal((m) => (m === "quit" ? null : m))}
        footer={
          <>
            <button class="fr-btn" type="button" id="confirmer-quitter" onClick={onQuit}>
              {text.quitConfirm}
            </button>
            <button class="fr-btn fr-btn--secondary" type="button" onClick={() => setModal(null)}>
              {text.stay}
            </button>
          </>
        }
      >
        <p>{draft ? text.quitDraft(draft.number) : text.quitNew}</p>
      </Modal>
      {draft && (
        <Modal
          id={DELETE_MODAL}
          title={text.deleteTitle}
          open={modal === "delete"}
          onClose={() => setModal((m) => (m === "delete" ? null : m))}
          footer={
            <>
              <button class="fr-btn" type="button" id="confirmer-supprimer" onClick={() => void onDelete()}>
                {text.deleteConfirm}
              </button>
              <button class="fr-btn fr-btn--secondary" type="button" onClick={() => setModal(null)}>
                {text.cancel}
              </button>
            </>
          }
        >
          <p>{text.deleteText(draft.number)}</p>
        </Modal>
      )}
    </>
  );
}
