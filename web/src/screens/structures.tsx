// « Mes structures » (seed 004, « Activer / inactiver ma structure »): the user's structures (GET /me, the
// shell's), then one structure's page for its manager: its designation, SIRET, state in Chorus Pro and in the Sirene
// registry (GET /structures/{siret}); « Inactiver la structure » — with the takeover SIRET when Sirene says the
// establishment is open, checked through the API (?takeover_siret=) before the confirmation modal — or « Activer la
// structure », each confirmed in a DSFR modal; then the inactivation's operation followed until it has ended, without
// reloading (its id kept in the URL, so that a reload or a shared link follows it again). The API decides who may:
// a simple member, a private structure, a SIRET the user does not belong to each get the API's answer as it comes.
import type { ComponentChildren, TargetedSubmitEvent } from "preact";
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import type { Account } from "../account";
import { call } from "../api/client";
import type { Problem } from "../api/problem";
import type { components } from "../api/schema";
import { Alert } from "../components/Alert";
import { Badge } from "../components/Badge";
import { Button } from "../components/Button";
import { InputGroup } from "../components/InputGroup";
import { Modal } from "../components/Modal";
import { fieldError, ProblemAlert } from "../components/ProblemAlert";
import { Table, type Column } from "../components/Table";
import { href } from "../router";
import { formatDay } from "./detail/format";
import { structuresMessages as t } from "./structures/messages";
import { OperationProgress, type Operation } from "./structures/Operation";
import "./structures/structures.css";

type Structure = components["schemas"]["StructureView"];
type Takeover = components["schemas"]["TakeoverView"];
type Membership = Account["organisations"][number];

const TAKEOVER_FIELD = "takeover_siret";
const TAKEOVER_INPUT = "siret-reprenant";

// ------------------------------------------------------------------------------------------ « Mes structures »

export function StructuresScreen({ account }: { account: Account }) {
  const structures = account.organisations.filter((o) => o.kind === "STRUCTURE");
  const columns: Column<Membership>[] = [
    {
      key: "name",
      label: t.designation,
      rowHeader: true,
      multiline: true,
      cell: (o) => (
        <a href={href({ name: "structure", siret: o.id, operation: null })} title={t.manage(o.name)}>
          {o.name}
        </a>
      ),
    },
    { key: "siret", label: t.siret, cell: (o) => o.id },
    { key: "kind", label: t.kind, cell: (o) => (o.public ? t.publicKind : t.privateKind) },
    { key: "role", label: t.yourRole, cell: (o) => o.role_label },
    {
      key: "state",
      label: t.chorusState,
      cell: (o) => (o.active === null ? t.unknown : <ChorusState active={o.active} />),
    },
  ];
  return (
    <>
      <h1>{t.listTitle}</h1>
      <p class="fr-text--lead">{t.listIntro}</p>
      {structures.length === 0 ? (
        <p>{t.listNone}</p>
      ) : (
        <Table caption={t.listCaption} columns={columns} rows={structures} rowKey={(o) => o.id} id="mes-structures" />
      )}
    </>
  );
}

function ChorusState({ active, label }: { active: boolean; label?: string }) {
  return <Badge label={label ?? (active ? "Active" : "Inactive")} severity={active ? "success" : undefined} small />;
}

// ------------------------------------------------------------------------------------------ one structure

type Load = { status: "loading" } | { status: "ready"; structure: Structure } | { status: "failed"; problem: Problem };

interface Following {
  id: string;
  initial: Operation | null;
  ended: boolean;
}

/** The URL of the page, with the operation followed (replaced: no new entry in the history, no new screen). */
function keepInUrl(siret: string, operation: string | null): void {
  window.history.replaceState(null, "", href({ name: "structure", siret, operation }));
}

export function StructureScreen({ siret, operation }: { siret: string; operation: string | null }) {
  const [load, setLoad] = useState<Load>({ status: "loading" });
  const [following, setFollowing] = useState<Following | null>(operation ? { id: operation, initial: null, ended: false } : null);
  const [activated, setActivated] = useState<string | null>(null);
  const operationHeading = useRef<HTMLHeadingElement>(null);
  const activatedRef = useRef<HTMLDivElement>(null);
  // What should take the focus next (a new object for each request).
  const [focus, setFocus] = useState<{ on: "operation" | "activated" } | null>(null);

  const read = useCallback(async () => {
    const result = await call((api) => api.GET("/structures/{siret}", { params: { path: { siret } } }));
    setLoad(result.ok ? { status: "ready", structure: result.data } : { status: "failed", problem: result.problem });
  }, [siret]);

  useEffect(() => {
    setLoad({ status: "loading" });
    setActivated(null);
    void read();
  }, [read]);

  // Another operation in the URL (the history's back and forward): follow that one.
  useEffect(() => {
    setFollowing((current) => (operation === null ? null : current?.id === operation ? current : { id: operation, initial: null, ended: false }));
  }, [operation]);

  // The modal gives the focus back to its opener, which the action may have removed: move it to what happened.
  useEffect(() => {
    if (focus === null) return;
    const target = focus.on === "operation" ? operationHeading : activatedRef;
    window.setTimeout(() => target.current?.focus(), 50);
  }, [focus]);

  const onEnded = useCallback(
    (_ended: Operation) => {
      setFollowing((current) => (current ? { ...current, ended: true } : current));
      void read();
    },
    [read],
  );

  if (load.status === "loading") {
    return (
      <>
        <h1>{t.heading(siret)}</h1>
        <p class="portal-loading" role="status">
          …
        </p>
      </>
    );
  }
  if (load.status === "failed") {
    return (
      <>
        <h1>{t.heading(siret)}</h1>
        <ProblemAlert problem={load.problem} />
        <BackLink />
      </>
    );
  }

  const { structure } = load;
  const running = following !== null && !following.ended;
  return (
    <article aria-labelledby="structure-titre">
      <BackLink />
      <h1 id="structure-titre" class="fr-mt-2w">
        {structure.designation}
      </h1>
      <p class="fr-text--lead">
        {t.siret} {structure.siret}
      </p>
      <Facts structure={structure} />
      <div ref={activatedRef} tabIndex={-1} class="portal-focus-target">
        {activated && (
          <Alert severity="success" title={t.done} class="fr-mt-4w" id="activation-resultat">
            <p>{activated}</p>
          </Alert>
        )}
      </div>
      {following && (
        <OperationProgress
          key={following.id}
          id={following.id}
          initial={following.initial}
          onEnded={onEnded}
          headingRef={operationHeading}
        />
      )}
      {!running &&
        (structure.active ? (
          <Inactivation
            structure={structure}
            onStarted={(started) => {
              setActivated(null);
              setFollowing({ id: started.id, initial: started, ended: false });
              keepInUrl(siret, started.id);
              setFocus({ on: "operation" });
            }}
          />
        ) : (
          <Activation
            structure={structure}
            onActivated={(after) => {
              setLoad({ status: "ready", structure: after });
              setFollowing(null);
              keepInUrl(siret, null);
              setActivated(t.activated(after.designation, after.state));
              setFocus({ on: "activated" });
            }}
          />
        ))}
    </article>
  );
}

function BackLink() {
  return (
    <p class="fr-mb-0">
      <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={href({ name: "structures" })}>
        {t.backToList}
      </a>
    </p>
  );
}

function Fact({ label, id, children }: { label: string; id?: string; children: ComponentChildren }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd id={id}>{children}</dd>
    </div>
  );
}

function Facts({ structure }: { structure: Structure }) {
  const { registry } = structure;
  return (
    <div class="fr-grid-row fr-grid-row--gutters">
      <section class="fr-col-12 fr-col-md-6" aria-labelledby="chorus-titre">
        <div class="portal-structure-block" id="dans-chorus-pro">
          <h2 id="chorus-titre" class="fr-h5">
            {t.inChorus}
          </h2>
          <dl class="portal-structure-facts">
            <Fact label={t.designation}>{structure.designation}</Fact>
            <Fact label={t.siret}>{structure.siret}</Fact>
            <Fact label={t.kind}>{structure.public ? t.publicKind : t.privateKind}</Fact>
            <Fact label={t.chorusState} id="etat-chorus">
              <ChorusState active={structure.active} label={structure.state} />
            </Fact>
            <Fact label={t.yourRole}>{structure.role.label}</Fact>
          </dl>
        </div>
      </section>
      <section class="fr-col-12 fr-col-md-6" aria-labelledby="sirene-titre">
        <div class="portal-structure-block" id="dans-sirene">
          <h2 id="sirene-titre" class="fr-h5">
            {t.inRegistry}
          </h2>
          <dl class="portal-structure-facts">
            <Fact label={t.registryName}>{registry.name ?? t.unknown}</Fact>
            <Fact label={t.registryState} id="etat-sirene">
              <Badge label={registry.state} severity={registry.open ? "info" : "warning"} small />
            </Fact>
            {registry.closed_on && <Fact label={t.closedOn}>{formatDay(registry.closed_on)}</Fact>}
            <Fact label={t.address}>{registry.address ?? t.unknown}</Fact>
          </dl>
        </div>
      </section>
    </div>
  );
}

/** The structure (and its takeover) as the confirmation modal shows them. */
function Confirmed({ structure, takeover }: { structure: Structure; takeover?: Takeover | null }) {
  return (
    <>
      <div class="portal-structure-confirm">
        <p class="fr-text--bold fr-mb-1v">{structure.designation}</p>
        <p class="fr-mb-1v">
          {t.siret} {structure.siret}
        </p>
        <p>
          {t.chorusState} : {structure.state} – {t.registryState} : {structure.registry.state}
        </p>
      </div>
      {takeover !== undefined &&
        (takeover === null ? (
          <p>{t.noTakeoverWhat}</p>
        ) : (
          <>
            <h3 class="fr-h6 fr-mb-1w">{t.takeoverTitle}</h3>
            <div class="portal-structure-confirm" id="confirmation-reprenant">
              <p class="fr-text--bold fr-mb-1v">{takeover.designation}</p>
              <p class="fr-mb-1v">
                {t.siret} {takeover.siret}
              </p>
              <p>
                {t.chorusState} : {takeover.state}
              </p>
            </div>
            <p>{t.takeoverWhat}</p>
          </>
        ))}
    </>
  );
}

function Inactivation({ structure, onStarted }: { structure: Structure; onStarted: (operation: Operation) => void }) {
  const [takeover, setTakeover] = useState("");
  const [missing, setMissing] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [checking, setChecking] = useState(false);
  const [confirm, setConfirm] = useState<{ takeover: Takeover | null } | null>(null);
  const [sending, setSending] = useState(false);
  const [refused, setRefused] = useState<Problem | null>(null);
  // The operation started: handed to the screen once the modal has closed (the DSFR then gives the page back its
  // focus and its interactivity; removing the modal while open would leave the page inert).
  const started = useRef<Operation | null>(null);
  const open = structure.registry.open;
  const siret = structure.siret;

  const focusField = () => window.setTimeout(() => document.getElementById(TAKEOVER_INPUT)?.focus(), 0);

  const check = async (event: TargetedSubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (checking) return;
    setProblem(null);
    setMissing(false);
    setRefused(null);
    if (!open) {
      setConfirm({ takeover: null });
      return;
    }
    const value = takeover.replace(/\s+/g, "");
    if (value === "") {
      setMissing(true);
      focusField();
      return;
    }
    setChecking(true);
    const result = await call((api) =>
      api.GET("/structures/{siret}", { params: { path: { siret }, query: { takeover_siret: value } } }),
    );
    setChecking(false);
    if (result.ok && result.data.takeover) {
      setConfirm({ takeover: result.data.takeover });
    } else if (!result.ok) {
      setProblem(result.problem);
      if (fieldError(result.problem, TAKEOVER_FIELD)) focusField();
    }
  };

  const send = async () => {
    if (sending || confirm === null) return;
    setSending(true);
    setRefused(null);
    const result = await call((api) =>
      api.POST("/structures/{siret}/inactivation", {
        params: { path: { siret } },
        body: { confirm: true, takeover_siret: confirm.takeover?.siret ?? null },
      }),
    );
    setSending(false);
    if (result.ok) {
      started.current = result.data;
      setConfirm(null);
    } else {
      setRefused(result.problem);
    }
  };

  const fieldMessage = missing ? t.takeoverMissing : fieldError(problem, TAKEOVER_FIELD);
  return (
    <section class="fr-mt-6w portal-structure-action" aria-labelledby="inactiver-titre" id="inactivation">
      <h2 id="inactiver-titre">{t.inactivateTitle}</h2>
      <p>{open ? t.inactivateOpen : t.inactivateClosed}</p>
      <ProblemAlert problem={problem} placed={open ? [TAKEOVER_FIELD] : []} />
      <form onSubmit={(e) => void check(e)} noValidate>
        {open && (
          <InputGroup
            id={TAKEOVER_INPUT}
            name={TAKEOVER_FIELD}
            label={t.takeoverLabel}
            hint={t.takeoverHint}
            value={takeover}
            onInput={(value) => {
              setTakeover(value);
              setMissing(false);
            }}
            error={fieldMessage}
            inputMode="numeric"
            autoComplete="off"
            maxLength={20}
            required
          />
        )}
        <Button type="submit" disabled={checking} id="bouton-inactiver">
          {checking ? t.checking : open ? t.checkTakeover : t.inactivate}
        </Button>
      </form>
      <Modal
        id="modale-inactivation"
        title={t.confirmInactivationTitle}
        open={confirm !== null}
        onClose={() => {
          setConfirm(null);
          setRefused(null);
          const operation = started.current;
          started.current = null;
          if (operation) onStarted(operation);
        }}
        footer={
          <>
            <Button onClick={() => void send()} disabled={sending} id="confirmer-inactivation">
              {sending ? t.sending : t.confirmInactivation}
            </Button>
            <Button kind="secondary" onClick={() => setConfirm(null)}>
              {t.cancel}
            </Button>
          </>
        }
      >
        <p>{t.confirmInactivationIntro}</p>
        <Confirmed structure={structure} takeover={confirm?.takeover ?? null} />
        <ProblemAlert problem={refused} class="fr-mt-2w" />
      </Modal>
    </section>
  );
}

function Activation({ structure, onActivated }: { structure: Structure; onActivated: (after: Structure) => void }) {
  const [confirming, setConfirming] = useState(false);
  const [sending, setSending] = useState(false);
  const [refused, setRefused] = useState<Problem | null>(null);
  const activated = useRef<Structure | null>(null);

  const send = async () => {
    if (sending) return;
    setSending(true);
    setRefused(null);
    const result = await call((api) =>
      api.POST("/structures/{siret}/activation", { params: { path: { siret: structure.siret } }, body: { confirm: true } }),
    );
    setSending(false);
    if (result.ok) {
      activated.current = result.data;
      setConfirming(false);
    } else {
      setRefused(result.problem);
    }
  };

  return (
    <section class="fr-mt-6w portal-structure-action" aria-labelledby="activer-titre" id="activation">
      <h2 id="activer-titre">{t.activateTitle}</h2>
      <p>{t.activateText}</p>
      <Button
        id="bouton-activer"
        onClick={() => {
          setRefused(null);
          setConfirming(true);
        }}
      >
        {t.activate}
      </Button>
      <Modal
        id="modale-activation"
        title={t.confirmActivationTitle}
        open={confirming}
        onClose={() => {
          setConfirming(false);
          setRefused(null);
          const after = activated.current;
          activated.current = null;
          if (after) onActivated(after);
        }}
        footer={
          <>
            <Button onClick={() => void send()} disabled={sending} id="confirmer-activation">
              {sending ? t.sending : t.confirmActivation}
            </Button>
            <Button kind="secondary" onClick={() => setConfirming(false)}>
              {t.cancel}
            </Button>
          </>
        }
      >
        <p>{t.confirmActivationIntro}</p>
        <Confirmed structure={structure} />
        <ProblemAlert problem={refused} class="fr-mt-2w" />
      </Modal>
    </section>
  );
}
