// The actions of a ticket: exactly the `allowed_actions` the API gives the user, in its order, each a button that
// opens its DSFR dialog (comment, question, answer, reason, assignee picker), or, for « Modifier le brouillon » and
// « Ajouter un fichier », that leads to the draft's form or to the file field. Each write carries an
// Idempotency-Key: one per intent (the same request sent again keeps it; another text gets a new one). The API's
// refusal is shown in the dialog as it comes, each field's message beside its field.
import { useRef, useState } from "preact/hooks";
import type { TargetedSubmitEvent } from "preact";
import { call, newIdempotencyKey, type Result } from "../../api/client";
import type { Problem } from "../../api/problem";
import type { components } from "../../api/schema";
import { Button } from "../../components/Button";
import { InputGroup } from "../../components/InputGroup";
import { Modal } from "../../components/Modal";
import { fieldError, ProblemAlert } from "../../components/ProblemAlert";
import { Select } from "../../components/Select";
import { href } from "../../router";
import { detailMessages as t } from "./messages";

export type Ticket = components["schemas"]["TicketDetail"];
export type Agent = components["schemas"]["AgentView"];
type CodeLabel = components["schemas"]["CodeLabel"];

type TextField = "comment" | "question" | "text" | "reason";
type Values = Partial<Record<TextField | "assignee_id", string>>;

interface FieldSpec {
  name: TextField;
  label: string;
  hint?: string;
  required?: boolean;
  maxLength: number;
}

/** What a dialog sends: the ticket after the action, or null when the ticket is gone (a deleted draft). */
type Send = (number: number, values: Values, key: string) => Promise<Result<Ticket | null>>;

interface DialogSpec {
  intro?: string;
  fields: FieldSpec[];
  /** The assignee picker: optional (« Moi-même » by default) or required. */
  agents?: "optional" | "required";
  send: Send;
}

const optionalComment: FieldSpec = { name: "comment", label: t.comment, hint: t.commentOptional, maxLength: 5000 };
const orNull = (value: string | undefined) => (value && value.length > 0 ? value : null);
const headers = (key: string) => ({ "Idempotency-Key": key });

const DIALOGS: Record<string, DialogSpec> = {
  TAKE_IN_CHARGE: {
    intro: t.takeInChargeHint,
    agents: "optional",
    fields: [optionalComment],
    send: (number, v, key) =>
      call((api) =>
        api.POST("/tickets/{number}/take-in-charge", {
          params: { path: { number: String(number) }, header: headers(key) },
          body: { assignee_id: orNull(v.assignee_id), comment: orNull(v.comment) },
        }),
      ),
  },
  ASSIGN: {
    agents: "required",
    fields: [optionalComment],
    send: (number, v, key) =>
      call((api) =>
        api.POST("/tickets/{number}/assign", {
          params: { path: { number: String(number) }, header: headers(key) },
          body: { assignee_id: v.assignee_id ?? "", comment: orNull(v.comment) },
        }),
      ),
  },
  REQUEST_INFORMATION: {
    fields: [{ name: "question", label: t.question, hint: t.questionHint, required: true, maxLength: 5000 }],
    send: (number, v, key) =>
      call((api) =>
        api.POST("/tickets/{number}/information-requests", {
          params: { path: { number: String(number) }, header: headers(key) },
          body: { question: v.question ?? "" },
        }),
      ),
  },
  PROVIDE_INFORMATION: {
    fields: [{ name: "text", label: t.information, hint: t.informationHint, required: true, maxLength: 5000 }],
    send: (number, v, key) =>
      call((api) =>
        api.POST("/tickets/{number}/information", {
          params: { path: { number: String(number) }, header: headers(key) },
          body: { text: v.text ?? "" },
        }),
      ),
  },
  ANSWER: {
    fields: [{ name: "text", label: t.answer, hint: t.answerHint, required: true, maxLength: 10000 }],
    send: (number, v, key) =>
      call((api) =>
        api.POST("/tickets/{number}/answer", {
          params: { path: { number: String(number) }, header: headers(key) },
          body: { text: v.text ?? "" },
        }),
      ),
  },
  ACCEPT_SOLUTION: {
    intro: t.acceptHint,
    fields: [optionalComment],
    send: (number, v, key) =>
      call((api) =>
        api.POST("/tickets/{number}/accept", {
          params: { path: { number: String(number) }, header: headers(key) },
          body: { comment: orNull(v.comment) },
        }),
      ),
  },
  REFUSE_SOLUTION: {
    fields: [{ name: "reason", label: t.reason, hint: t.reasonHint, required: true, maxLength: 5000 }],
    send: (number, v, key) =>
      call((api) =>
        api.POST("/tickets/{number}/refuse", {
          params: { path: { number: String(number) }, header: headers(key) },
          body: { reason: v.reason ?? "" },
        }),
      ),
  },
  CLOSE: {
    fields: [{ name: "comment", label: t.comment, hint: t.closeCommentHint, maxLength: 5000 }],
    send: (number, v, key) =>
      call((api) =>
        api.POST("/tickets/{number}/close", {
          params: { path: { number: String(number) }, header: headers(key) },
          body: { comment: orNull(v.comment) },
        }),
      ),
  },
  SUBMIT: {
    intro: t.submitConfirm,
    fields: [],
    send: (number, _v, key) =>
      call((api) => api.POST("/tickets/{number}/submit", { params: { path: { number: String(number) }, header: headers(key) } })),
  },
  DELETE_DRAFT: {
    intro: t.deleteConfirm,
    fields: [],
    send: async (number, _v, key) => {
      const result = await call((api) =>
        api.DELETE("/tickets/{number}", { params: { path: { number: String(number) }, header: headers(key) } }),
      );
      return result.ok ? { ok: true, data: null } : result;
    },
  },
};

export const dialogId = (code: string) => `dialogue-${code.toLowerCase().replace(/_/g, "-")}`;

type AgentsState = { status: "idle" | "loading" } | { status: "ready"; agents: Agent[] } | { status: "failed"; problem: Problem };

export interface ActionsProps {
  ticket: Ticket;
  /** The action went through: the ticket as it is now (null: the draft was deleted). */
  onDone: (action: CodeLabel, ticket: Ticket | null) => void;
  /** « Ajouter un fichier »: lead the user to the file field. */
  onAddFile: () => void;
}

export function Actions({ ticket, onDone, onAddFile }: ActionsProps) {
  const [open, setOpen] = useState<CodeLabel | null>(null);
  const [values, setValues] = useState<Values>({});
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const [agents, setAgents] = useState<AgentsState>({ status: "idle" });
  // The intent's key, and the body it was first sent with: the same body sent again keeps the key.
  const intent = useRef<{ key: string; body: string } | null>(null);

  const loadAgents = () => {
    if (agents.status === "loading" || agents.status === "ready") return;
    setAgents({ status: "loading" });
    void call((api) => api.GET("/tickets/{number}/agents", { params: { path: { number: String(ticket.number) } } })).then((r) =>
      setAgents(r.ok ? { status: "ready", agents: r.data } : { status: "failed", problem: r.problem }),
    );
  };

  const start = (action: CodeLabel) => {
    setValues({});
    setProblem(null);
    setBusy(false);
    intent.current = null;
    setOpen(action);
    if (DIALOGS[action.code]?.agents) loadAgents();
  };

  const submit = async (event: TargetedSubmitEvent<HTMLFormElement>, action: CodeLabel, spec: DialogSpec) => {
    event.preventDefault();
    if (busy) return;
    const body = JSON.stringify(values);
    if (intent.current === null || intent.current.body !== body) intent.current = { key: newIdempotencyKey(), body };
    setBusy(true);
    const result = await spec.send(ticket.number, values, intent.current.key);
    setBusy(false);
    if (result.ok) {
      setOpen(null);
      onDone(action, result.data);
    } else {
      setProblem(result.problem);
    }
  };

  const actions = ticket.allowed_actions;
  return (
    <section class="fr-mt-4w" aria-labelledby="actions-titre" id="actions">
      <h2 id="actions-titre" class="fr-h4">
        {t.actions}
      </h2>
      {actions.length === 0 ? (
        <p>{t.actionsNone}</p>
      ) : (
        <ul class="fr-btns-group fr-btns-group--inline-md" id="actions-liste">
          {actions.map((action, index) => (
            <li key={action.code}>
              {action.code === "EDIT_DRAFT" ? (
                <Button href={href({ name: "draft", number: ticket.number })} kind={index === 0 ? "primary" : "secondary"}>
                  {action.label}
                </Button>
              ) : action.code === "ADD_ATTACHMENT" ? (
                <Button kind="secondary" onClick={onAddFile}>
                  {action.label}
                </Button>
              ) : DIALOGS[action.code] ? (
                <Button
                  kind={index === 0 ? "primary" : "secondary"}
                  aria-controls={dialogId(action.code)}
                  data-fr-opened="false"
                  onClick={() => start(action)}
                >
                  {action.label}
                </Button>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {actions
        .filter((action) => DIALOGS[action.code])
        .map((action) => {
          const spec = DIALOGS[action.code] as DialogSpec;
          const id = dialogId(action.code);
          const formId = `${id}-formulaire`;
          const isOpen = open?.code === action.code;
          return (
            <Modal
              key={action.code}
              id={id}
              title={action.label}
              open={isOpen}
              onClose={() => {
                if (isOpen) setOpen(null);
              }}
              footer={
                <>
                  <button class="fr-btn" type="submit" form={formId} disabled={busy}>
                    {busy && isOpen ? t.sending : action.label}
                  </button>
                  <button class="fr-btn fr-btn--secondary" type="button" onClick={() => setOpen(null)}>
                    {t.cancel}
                  </button>
                </>
              }
            >
              {isOpen && (
                <form id={formId} noValidate onSubmit={(e) => void submit(e, action, spec)}>
                  <ProblemAlert problem={problem} placed={[...spec.fields.map((f) => f.name), "assignee_id"]} />
                  {spec.intro && <p>{spec.intro}</p>}
                  {spec.agents && (
                    <AgentPicker
                      state={agents}
                      required={spec.agents === "required"}
                      value={values.assignee_id ?? ""}
                      onChange={(v) => setValues({ ...values, assignee_id: v })}
                      error={fieldError(problem, "assignee_id")}
                      id={`${id}-agent`}
                    />
                  )}
                  {spec.fields.map((field) => (
                    <InputGroup
                      key={field.name}
                      id={`${id}-${field.name}`}
                      label={field.label}
                      hint={field.hint}
                      name={field.name}
                      multiline
                      required={field.required}
                      maxLength={field.maxLength}
                      value={values[field.name] ?? ""}
                      onInput={(v) => setValues({ ...values, [field.name]: v })}
                      error={fieldError(problem, field.name)}
                    />
                  ))}
                </form>
              )}
            </Modal>
          );
        })}
    </section>
  );
}

function AgentPicker(props: {
  state: AgentsState;
  required: boolean;
  value: string;
  onChange: (value: string) => void;
  error: string | undefined;
  id: string;
}) {
  const { state } = props;
  if (state.status === "failed") return <ProblemAlert problem={state.problem} />;
  if (state.status !== "ready") {
    return (
      <p class="portal-loading" role="status">
        {t.agentsLoading}
      </p>
    );
  }
  return (
    <Select
      id={props.id}
      label={t.agent}
      hint={t.agentHint}
      name="assignee_id"
      required={props.required}
      placeholder={props.required ? undefined : t.me}
      value={props.value}
      options={state.agents.map((a) => ({ value: a.id, label: `${a.name} (${a.role_label})` }))}
      onChange={props.onChange}
      error={props.error}
    />
  );
}
