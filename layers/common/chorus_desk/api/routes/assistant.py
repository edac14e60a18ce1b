"""Assistant routes: a signed-in user's conversations, an anonymous visitor's (public, without a token: the
conversation's random id is its key), the feedback, and the satisfaction counts for the support."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Annotated

from aws_lambda_powertools.event_handler import content_types
from aws_lambda_powertools.event_handler.api_gateway import Response, Router
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from chorus_desk import bootstrap, messages
from chorus_desk.actors import SignedInUser
from chorus_desk.chats import OfficeHours
from chorus_desk.errors import Forbidden
from chorus_desk.models import utc_now
from chorus_desk.observability import tracer
from chorus_desk.ports import CompanyRegistry, Establishment, InvitationRequests, Ports, SigningKey, Workflow
from chorus_desk.settings import AssistantProfileSettings, PublicAssistantSettings, load_settings
from chorus_desk.usecases import assistant, chat
from chorus_desk.usecases.assistant import Context, Message, Profile
from chorus_desk.usecases.public import Limits, check_rate

from ..http import counted_source, documented, signed_in
from ..schemas.assistant import ConversationView, FeedbackRequest, MessageRequest, SatisfactionView

router = Router()  # type: ignore[no-untyped-call]  # signed-in users (AssistantFunction)
public_router = Router()  # type: ignore[no-untyped-call]  # anonymous visitors (PublicAssistantFunction)

User = Annotated[SignedInUser, Depends(signed_in)]
Wired = Annotated[Ports, Depends(bootstrap.ports)]
ConversationId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{16,64}$", description="Identifiant de la conversation.")]
_PUBLIC_CONVERSATION = documented(
    200, ConversationView, "La réponse de l'assistant et les choix proposés.", 400, 404, 409, 410, 429
)
_CONVERSATION = documented(
    200, ConversationView, "La réponse de l'assistant et les choix proposés.", 400, 401, 404, 409, 410
)


@dataclass(frozen=True)
class Reach:
    """What the assistant may act through besides the ports (resolved through ``Depends``, so that tests and
    the local stack override them like the ports), and what it is called and points to (its settings)."""

    registry: CompanyRegistry
    workflow: Workflow
    invitations: InvitationRequests  # a resend is asked here; InvitationsFunction alone reaches Cognito
    pseudonym_key: SigningKey
    profile: Profile
    hours: OfficeHours | None = None  # the live chat's office hours: « Contacter un agent » offers it when open


ResendRequests = Annotated[InvitationRequests, Depends(bootstrap.resend_requests)]
PseudonymKey = Annotated[SigningKey, Depends(bootstrap.pseudonym_key)]
AssistantProfile = Annotated[AssistantProfileSettings, Depends(bootstrap.assistant_profile)]
ChatHours = Annotated[OfficeHours, Depends(bootstrap.chat_hours)]


def _profile(settings: AssistantProfileSettings) -> Profile:
    return Profile(name=settings.name, links=settings.links)


def reach(
    registry: Annotated[CompanyRegistry, Depends(bootstrap.registry)],
    workflow: Annotated[Workflow, Depends(bootstrap.workflow)],
    invitations: ResendRequests,
    pseudonym_key: PseudonymKey,
    profile: AssistantProfile,
    hours: ChatHours,
) -> Reach:
    return Reach(registry, workflow, invitations, pseudonym_key, _profile(profile), hours)


class _SignedInOnly:
    """The registry and the state machine of the public function: never reached (the structure procedure
    asks an anonymous visitor to sign in before any step that would use them)."""

    def lookup(self, siret: str) -> Establishment:  # noqa: ARG002 (never reached)
        raise Forbidden(messages.ASSISTANT_SIGN_IN_REQUIRED)

    def start(self, operation_id: str, payload: dict[str, str | None]) -> None:  # noqa: ARG002 (never reached)
        raise Forbidden(messages.ASSISTANT_SIGN_IN_REQUIRED)


@lru_cache(maxsize=1)
def public_settings() -> PublicAssistantSettings:
    return load_settings(PublicAssistantSettings)


def limited(action: str, per_hour: str, per_day: str) -> Callable[..., None]:
    """A dependency counting the anonymous caller's address against the public assistant's limits (429 with
    Retry-After past them), like the non-connected form's."""

    def check(
        ports: Annotated[Ports, Depends(bootstrap.ports)],
        who: Annotated[str, Depends(counted_source)],
        settings: Annotated[PublicAssistantSettings, Depends(public_settings)],
    ) -> None:
        limits = Limits(per_hour=getattr(settings, per_hour), per_day=getattr(settings, per_day))
        check_rate(ports, action, who, limits)

    return check


NewConversationLimit = Annotated[
    None, Depends(limited("assistant-conversation", "conversations_per_hour", "conversations_per_day"))
]
MessageLimit = Annotated[None, Depends(limited("assistant-message", "messages_per_hour", "messages_per_day"))]


def public_reach(
    invitations: ResendRequests, pseudonym_key: PseudonymKey, profile: AssistantProfile, hours: ChatHours
) -> Reach:
    return Reach(_SignedInOnly(), _SignedInOnly(), invitations, pseudonym_key, _profile(profile), hours)


Outside = Annotated[Reach, Depends(reach)]
PublicOutside = Annotated[Reach, Depends(public_reach)]


def _context(ports: Ports, user: SignedInUser | None, outside: Reach) -> Context:
    hours = outside.hours
    return Context(
        ports,
        user,
        lambda: outside.registry,
        lambda: outside.workflow,
        lambda: outside.invitations,
        lambda: outside.pseudonym_key,
        outside.profile,
        live_chat=(lambda: chat.desk_status(ports.chats, hours, utc_now()).open) if hours else None,
    )


def _created(view: ConversationView, collection: str) -> Response[ConversationView]:
    """201 Created, with the conversation's address on the routes it was started on (public or signed in)."""
    return Response(
        status_code=201,
        content_type=content_types.APPLICATION_JSON,
        body=view,
        headers={"Location": f"{collection}/{view.id}"},
    )


# ------------------------------------------------------------------------------------- signed in
@router.post(
    "/assistant/conversations",
    summary="Commencer une conversation avec l'assistant",
    tags=["Assistant"],
    responses=documented(201, ConversationView, "La conversation et l'accueil de l'assistant.", 401),
)
@tracer.capture_method
def start_conversation(user: User, ports: Wired, outside: Outside) -> Response[ConversationView]:
    return _created(ConversationView.of(*assistant.start(_context(ports, user, outside))), "/assistant/conversations")


@router.get(
    "/assistant/conversations/<conversation_id>",
    summary="Reprendre une conversation",
    tags=["Assistant"],
    responses=_CONVERSATION,
)
@tracer.capture_method
def get_conversation(conversation_id: ConversationId, user: User, ports: Wired, outside: Outside) -> ConversationView:
    return ConversationView.of(*assistant.current(_context(ports, user, outside), conversation_id))


@router.post(
    "/assistant/conversations/<conversation_id>/messages",
    summary="Envoyer un message (un choix proposé ou un texte)",
    tags=["Assistant"],
    responses=_CONVERSATION,
)
@tracer.capture_method
def send_message(
    conversation_id: ConversationId, body: MessageRequest, user: User, ports: Wired, outside: Outside
) -> ConversationView:
    message = Message(choice=body.choice, text=body.text)
    return ConversationView.of(*assistant.send(_context(ports, user, outside), conversation_id, message))


@router.post(
    "/assistant/conversations/<conversation_id>/feedback",
    summary="Donner son avis (pouce en haut, ou en bas avec une raison et un commentaire)",
    tags=["Assistant"],
    responses=_CONVERSATION,
)
@tracer.capture_method
def give_feedback(
    conversation_id: ConversationId, body: FeedbackRequest, user: User, ports: Wired, outside: Outside
) -> ConversationView:
    context = _context(ports, user, outside)
    return ConversationView.of(
        *assistant.give_feedback(context, conversation_id, body.rating, body.reason, body.comment)
    )


@router.get(
    "/assistant/satisfaction",
    summary="Satisfaction : avis par jour et par raison (support Chorus Pro)",
    tags=["Assistant"],
    responses=documented(200, SatisfactionView, "Les avis de la période.", 400, 401, 403),
)
@tracer.capture_method
def get_satisfaction(
    user: User,
    ports: Wired,
    outside: Outside,
    first: Annotated[date, Query(alias="from", description="Premier jour (AAAA-MM-JJ).")],
    last: Annotated[date, Query(alias="to", description="Dernier jour (AAAA-MM-JJ).")],
) -> SatisfactionView:
    return SatisfactionView.of(assistant.satisfaction(_context(ports, user, outside), first, last))


# ----------------------------------------------------------------------------------- anonymous
@public_router.post(
    "/public/assistant/conversations",
    summary="Commencer une conversation sans compte",
    tags=["Assistant"],
    responses=documented(201, ConversationView, "La conversation et l'accueil de l'assistant.", 400, 429),
)
@tracer.capture_method
def start_public_conversation(
    ports: Wired, outside: PublicOutside, _limited: NewConversationLimit
) -> Response[ConversationView]:
    started = assistant.start(_context(ports, None, outside))
    return _created(ConversationView.of(*started), "/public/assistant/conversations")


@public_router.get(
    "/public/assistant/conversations/<conversation_id>",
    summary="Reprendre une conversation sans compte",
    tags=["Assistant"],
    responses=_PUBLIC_CONVERSATION,
)
@tracer.capture_method
def get_public_conversation(conversation_id: ConversationId, ports: Wired, outside: PublicOutside) -> ConversationView:
    return ConversationView.of(*assistant.current(_context(ports, None, outside), conversation_id))


@public_router.post(
    "/public/assistant/conversations/<conversation_id>/messages",
    summary="Envoyer un message sans compte",
    tags=["Assistant"],
    responses=_PUBLIC_CONVERSATION,
)
@tracer.capture_method
def send_public_message(
    conversation_id: ConversationId,
    body: MessageRequest,
    ports: Wired,
    outside: PublicOutside,
    _limited: MessageLimit,
) -> ConversationView:
    message = Message(choice=body.choice, text=body.text)
    return ConversationView.of(*assistant.send(_context(ports, None, outside), conversation_id, message))


@public_router.post(
    "/public/assistant/conversations/<conversation_id>/feedback",
    summary="Donner son avis sans compte (un avis par conversation)",
    tags=["Assistant"],
    responses=_PUBLIC_CONVERSATION,
)
@tracer.capture_method
def give_public_feedback(
    conversation_id: ConversationId,
    body: FeedbackRequest,
    ports: Wired,
    outside: PublicOutside,
    _limited: MessageLimit,  # a rating is counted like a message: one address cannot flood the figures
) -> ConversationView:
    context = _context(ports, None, outside)
    return ConversationView.of(
        *assistant.give_feedback(context, conversation_id, body.rating, body.reason, body.comment)
    )
