// The blocks of seed 003's « Détail de la sollicitation » (seed 001's words): general information (dates,
// category, status, object), the emitter, the recipient organisation and who the ticket is assigned to, the problem
// (title and long description), then the questions and answers the two sides exchanged.
import type { ComponentChildren } from "preact";
import { StatusBadge } from "../../components/Badge";
import type { Ticket } from "./Actions";
import { formatDateTime } from "./format";
import { detailMessages as t } from "./messages";

function Fact({ label, children, wide }: { label: string; children: ComponentChildren; wide?: boolean }) {
  return (
    <div class={wide ? "fr-col-12" : "fr-col-12 fr-col-md-6"}>
      <dt class="portal-fact__label">{label}</dt>
      <dd class="portal-fact__value">{children}</dd>
    </div>
  );
}

function Block({ id, title, children }: { id: string; title: string; children: ComponentChildren }) {
  return (
    <section class="portal-block fr-mt-4w" aria-labelledby={`${id}-titre`} id={id}>
      <h2 id={`${id}-titre`} class="fr-h4">
        {title}
      </h2>
      <dl class="fr-grid-row fr-grid-row--gutters portal-facts">{children}</dl>
    </section>
  );
}

const or = (value: string | null | undefined) => (value && value.length > 0 ? value : t.notSet);

export function Blocks({ ticket }: { ticket: Ticket }) {
  const { emitter, recipient } = ticket;
  return (
    <>
      <Block id="informations-generales" title={t.general}>
        <Fact label={t.createdAt}>{formatDateTime(ticket.created_at)}</Fact>
        <Fact label={t.closedAt}>{ticket.closed_at ? formatDateTime(ticket.closed_at) : t.notSet}</Fact>
        {ticket.submitted_at && <Fact label={t.submittedAt}>{formatDateTime(ticket.submitted_at)}</Fact>}
        <Fact label={t.status}>
          <StatusBadge status={ticket.status} />
        </Fact>
        <Fact label={t.category}>{or(ticket.category?.label)}</Fact>
        <Fact label={t.subcategory}>{or(ticket.subcategory?.label)}</Fact>
        {ticket.object && (
          <>
            <Fact label={t.objectType}>{or(ticket.object.type?.label)}</Fact>
            <Fact label={t.objectNumber}>{or(ticket.object.number)}</Fact>
          </>
        )}
      </Block>
      <Block id="emetteur" title={t.emitter}>
        {ticket.anonymous && <Fact label={t.emitter} wide>{t.anonymous}</Fact>}
        <Fact label={t.emitterDesignation}>{or(emitter.designation)}</Fact>
        <Fact label={t.emitterId}>{or(emitter.siret)}</Fact>
        <Fact label={t.emitterService}>{or(emitter.service?.name)}</Fact>
        <Fact label={t.contactEmail}>{or(emitter.contact_email)}</Fact>
        <Fact label={t.contactPhone}>{or(emitter.contact_phone)}</Fact>
        <Fact label={t.createdBy}>{ticket.created_by.name}</Fact>
      </Block>
      <Block id="destinataire" title={t.recipient}>
        <Fact label={t.recipientName}>{recipient ? recipient.name : t.recipientUnknown}</Fact>
        <Fact label={t.recipientService}>{or(recipient?.service?.name)}</Fact>
        {recipient?.is_state_service != null && (
          <Fact label={t.stateService}>{recipient.is_state_service ? t.yes : t.no}</Fact>
        )}
        <Fact label={t.assignee}>{ticket.assignee ? ticket.assignee.name : t.nobody}</Fact>
      </Block>
      <Block id="probleme" title={t.problem}>
        <Fact label={t.title} wide>
          {or(ticket.title)}
        </Fact>
        <Fact label={t.description} wide>
          <span class="portal-prewrap">{or(ticket.description)}</span>
        </Fact>
      </Block>
    </>
  );
}

/** The questions and answers: what each side wrote when it asked, answered, or refused the solution. */
export function Exchanges({ ticket }: { ticket: Ticket }) {
  const said = ticket.history.filter((e) => e.comment && e.action.code in t.exchangeKinds);
  return (
    <section class="fr-mt-6w" aria-labelledby="echanges-titre" id="echanges">
      <h2 id="echanges-titre">{t.exchanges}</h2>
      {said.length === 0 ? (
        <p>{t.exchangesNone}</p>
      ) : (
        <ol class="portal-exchanges">
          {said.map((e) => (
            <li key={e.seq} class={`portal-exchange portal-exchange--${e.side === "EMITTER" ? "emitter" : "recipient"}`}>
              <h3 class="fr-h6 fr-mb-1v">{t.exchangeKinds[e.action.code] ?? e.action.label}</h3>
              <p class="fr-text--sm fr-mb-1w portal-exchange__who">{t.byWhom(e.actor.name, t.sides[e.side] ?? e.side, formatDateTime(e.at))}</p>
              <p class="fr-mb-0 portal-prewrap">{e.comment}</p>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
