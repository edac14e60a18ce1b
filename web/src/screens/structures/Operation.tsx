// The progress of an inactivation (GET /operations/{id}): the DSFR stepper (verified and confirmed → moving and
// inactivating → « L'action a été réalisée »), the operation's state as the API labels it in a live region, then
// its French outcome as it comes (or the refusal's message and named error). Polled without reloading the page:
// after 0.5 s, then 1.5 times longer each time up to 3 s, for two minutes; past that, « Reprendre le suivi ».
import type { Ref } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { call } from "../../api/client";
import type { Problem } from "../../api/problem";
import type { components } from "../../api/schema";
import { Alert } from "../../components/Alert";
import { Button } from "../../components/Button";
import { ProblemAlert } from "../../components/ProblemAlert";
import { Stepper } from "../../components/Stepper";
import { formatDateTime } from "../detail/format";
import { structuresMessages as t } from "./messages";

export type Operation = components["schemas"]["OperationView"];

const FIRST_DELAY_MS = 500;
const LONGEST_DELAY_MS = 3000;
const FOLLOW_FOR_MS = 120_000;

/** A refusal that asking again will not change (the operation is not the user's, or its id is wrong). */
const final = (problem: Problem) => problem.status >= 400 && problem.status < 500 && problem.status !== 429;

export interface OperationProgressProps {
  id: string;
  /** The operation as the 202 gave it, shown until the first answer of the route. */
  initial: Operation | null;
  /** The operation has ended (succeeded, refused or failed): the screen reads the structure again. */
  onEnded: (operation: Operation) => void;
  headingRef: Ref<HTMLHeadingElement>;
}

export function OperationProgress({ id, initial, onEnded, headingRef }: OperationProgressProps) {
  const [operation, setOperation] = useState<Operation | null>(initial);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [stalled, setStalled] = useState(false);
  const [round, setRound] = useState(0);
  const ended = useRef(onEnded);
  ended.current = onEnded;

  useEffect(() => {
    let live = true;
    let timer: number | undefined;
    let delay = FIRST_DELAY_MS;
    const deadline = Date.now() + FOLLOW_FOR_MS;
    setStalled(false);
    const ask = async () => {
      const result = await call((api) => api.GET("/operations/{operation_id}", { params: { path: { operation_id: id } } }));
      if (!live) return;
      if (result.ok) {
        setOperation(result.data);
        setProblem(null);
        if (result.data.state.code !== "RUNNING") {
          ended.current(result.data);
          return;
        }
      } else {
        setProblem(result.problem);
        if (final(result.problem)) return;
      }
      if (Date.now() > deadline) {
        setStalled(true);
        return;
      }
      timer = window.setTimeout(() => void ask(), delay);
      delay = Math.min(delay * 1.5, LONGEST_DELAY_MS);
    };
    timer = window.setTimeout(() => void ask(), initial === null ? 0 : FIRST_DELAY_MS);
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
    // `initial` only matters for the first question; a new round follows the same operation again.
  }, [id, round]);

  const code = operation?.state.code;
  const succeeded = code === "SUCCEEDED";
  const unsuccessful = code === "REFUSED" || code === "FAILED";
  return (
    <section class="fr-mt-4w portal-operation" aria-labelledby="operation-titre" id="operation">
      <h2 id="operation-titre" tabIndex={-1} ref={headingRef} class="portal-focus-target">
        {t.operationTitle}
      </h2>
      {!unsuccessful && <Stepper steps={t.steps} current={succeeded ? 3 : 2} level={3} />}
      <p role="status" id="operation-etat" class="fr-mb-2w">
        {operation ? t.operationState(operation.state.label) : "…"}
        {operation && operation.state.code !== "RUNNING" && operation.message && (
          <span class="fr-sr-only"> – {operation.message}</span>
        )}
      </p>
      {operation && succeeded && (
        <Alert severity="success" title={t.done} id="operation-resultat">
          <p>{operation.message}</p>
        </Alert>
      )}
      {operation && unsuccessful && (
        <Alert severity="error" title={t.notDone} id="operation-resultat">
          <p>{operation.message}</p>
          {operation.error && <p class="fr-text--sm fr-mb-0">{t.errorName(operation.error)}</p>}
        </Alert>
      )}
      {operation && (
        <p class="fr-text--sm portal-muted fr-mt-2w">{t.startedBy(operation.requester.name, formatDateTime(operation.started_at))}</p>
      )}
      {problem && <ProblemAlert problem={problem} />}
      {stalled && (
        <>
          <p>{t.stillRunning}</p>
          <Button kind="secondary" onClick={() => setRound((n) => n + 1)}>
            {t.followAgain}
          </Button>
        </>
      )}
    </section>
  );
}
