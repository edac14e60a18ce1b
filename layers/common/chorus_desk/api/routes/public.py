"""Public routes (no authorizer): the captcha, the non-connected ticket, the signed status link (its token in
the request's body, never in its path).

The captcha drawing is a heavy library's: only the public function has it, and it provides the artist
(``bootstrap.captcha_artist``) when it starts.
"""

from datetime import timedelta
from functools import lru_cache
from typing import Annotated

from aws_lambda_powertools.event_handler import content_types
from aws_lambda_powertools.event_handler.api_gateway import Response, Router
from aws_lambda_powertools.event_handler.depends import Depends

from chorus_desk import bootstrap
from chorus_desk.actors import AnonymousRequester
from chorus_desk.observability import tracer
from chorus_desk.ports import CaptchaArtist, Ports, SigningKey
from chorus_desk.settings import PublicSettings, load_settings
from chorus_desk.usecases import public

from ..http import counted_source, documented
from ..idempotency import IdempotencyKey, idempotent, idempotent_answers
from ..schemas.public import (
    AnonymousTicketCreated,
    AnonymousTicketRequest,
    ChallengeView,
    StatusLinkRequest,
    TicketStatusView,
)

router = Router()  # type: ignore[no-untyped-call]


@lru_cache(maxsize=1)
def settings() -> PublicSettings:
    return load_settings(PublicSettings)


Wired = Annotated[Ports, Depends(bootstrap.ports)]
Artist = Annotated[CaptchaArtist, Depends(bootstrap.captcha_artist)]
Key = Annotated[SigningKey, Depends(bootstrap.signing_key)]
Settings = Annotated[PublicSettings, Depends(settings)]
Counted = Annotated[str, Depends(counted_source)]  # the caller's address as a keyed pseudonym


@router.post(
    "/public/captcha",
    summary="Nouveau code de vérification (image et son)",
    tags=["Mode non connecté"],
    responses=documented(201, ChallengeView, "Le défi : image PNG, version sonore WAV, identifiant.", 429),
)
@tracer.capture_method
def new_captcha(ports: Wired, artist: Artist, config: Settings, who: Counted) -> Response[ChallengeView]:
    public.check_rate(ports, public.CAPTCHA, who, public.Limits(config.captchas_per_hour, config.captchas_per_day))
    issued = public.new_challenge(ports, artist, timedelta(seconds=config.captcha_seconds))
    return Response(
        status_code=201,
        content_type=content_types.APPLICATION_JSON,
        body=ChallengeView.of(issued),
        headers={"Cache-Control": "no-store"},
    )


@router.post(
    "/public/tickets",
    summary="Saisir un ticket en mode non connecté",
    tags=["Mode non connecté"],
    responses=idempotent_answers(
        documented(201, AnonymousTicketCreated, "Le ticket est ouvert ; son numéro est à montrer.", 400, 415, 429)
    ),
    middlewares=[idempotent],
)
@tracer.capture_method
def create_anonymous_ticket(
    body: AnonymousTicketRequest, ports: Wired, config: Settings, who: Counted, _key: IdempotencyKey = None
) -> Response[AnonymousTicketCreated]:
    command = public.CreateAnonymousTicket(body.content(), body.captcha_id, body.captcha_answer)
    requester = AnonymousRequester(contact_email=body.contact_email or "")
    tickets = public.Limits(config.tickets_per_hour, config.tickets_per_day)
    attempts = public.Limits(config.attempts_per_hour, config.attempts_per_day)
    ticket = public.file_anonymous_ticket(ports, requester, command, who, tickets, attempts)
    return Response(
        status_code=201, content_type=content_types.APPLICATION_JSON, body=AnonymousTicketCreated.of(ticket)
    )


@router.post(
    "/public/status",
    summary="Suivre un ticket non connecté (lien signé reçu par courriel)",
    description=(
        "Le lien du courriel est « <page de suivi>#<jeton> » : le fragment ne quitte pas le navigateur. "
        "La page de suivi envoie le jeton dans le corps de cette requête ; il ne figure ainsi dans aucune URL, "
        "aucun journal d'accès ni aucune trace. Un jeton absent, mal formé, falsifié ou expiré reçoit la même "
        "réponse 404."
    ),
    tags=["Mode non connecté"],
    responses=documented(200, TicketStatusView, "Statut, étapes, questions et réponses du ticket.", 400, 404, 415),
)
@tracer.capture_method
def ticket_status(ports: Wired, key: Key, body: StatusLinkRequest | None = None) -> Response[TicketStatusView]:
    ticket = public.ticket_behind_link(ports, key, body.token if body else None)
    return Response(
        status_code=200,
        content_type=content_types.APPLICATION_JSON,
        body=TicketStatusView.of(ticket),
        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
    )
