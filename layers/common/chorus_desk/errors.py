"""Domain exceptions. Each carries a French message for the user; ``api.http`` maps them to HTTP statuses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from chorus_desk.messages import INVALID_INPUT


@dataclass(frozen=True)
class FieldError:
    """One invalid or missing field, named as in the API (``emitter.siret``), with a French message."""

    field: str
    message: str


class DeskError(Exception):
    """Base of every error the desk reports to a user."""

    code = "ERREUR"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotAuthenticated(DeskError):
    code = "NON_AUTHENTIFIE"


class SecondFactorRequired(DeskError):
    """The caller signed in without a second factor where their role requires one (an agent of the support)."""

    code = "DOUBLE_AUTHENTIFICATION_REQUISE"


class NotFound(DeskError):
    """The resource does not exist, or the caller may not know that it exists."""

    code = "INTROUVABLE"


class Forbidden(DeskError):
    """The caller can see the resource but may not perform this action on it."""

    code = "ACTION_INTERDITE"


class InvalidInput(DeskError):
    """One or more fields are missing or invalid; nothing was stored."""

    code = "DONNEES_INVALIDES"

    def __init__(self, errors: list[FieldError], message: str | None = None) -> None:
        super().__init__(message or INVALID_INPUT)
        self.errors = errors


class TransitionNotAllowed(DeskError):
    """The action is not allowed from the ticket's current status; nothing changed."""

    code = "TRANSITION_INTERDITE"


class ConcurrentModification(DeskError):
    """Another action changed the ticket first; nothing changed."""

    code = "MODIFICATION_CONCURRENTE"


class UnsupportedContentType(DeskError):
    """The request body is not sent as JSON."""

    code = "TYPE_DE_CONTENU_NON_PRIS_EN_CHARGE"


class StorageUnavailable(DeskError):
    """The data store failed or throttled; nothing is guaranteed to have changed. ``retry_after`` (seconds), when
    known, is how long to wait before trying again: a throttled store (answered with ``Retry-After``)."""

    code = "SERVICE_INDISPONIBLE"

    def __init__(self, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class TooManyRequests(DeskError):
    """A public route's abuse limit for the caller's address is reached: which one (``limit``, a stable code,
    and ``allowed``, its size), until when (``retry_at``) and in how many seconds (``retry_after``)."""

    code = "TROP_DE_REQUETES"

    def __init__(self, message: str, retry_after: int, limit: str, allowed: int, retry_at: datetime) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.limit = limit
        self.allowed = allowed
        self.retry_at = retry_at


class MailUnavailable(DeskError):
    """The mail service refused or failed to take a mail; it was not sent and may be sent again."""

    code = "MESSAGERIE_INDISPONIBLE"


class SecretUnavailable(DeskError):
    """The signing key could not be read from the secret store."""

    code = "SERVICE_INDISPONIBLE"


class UnknownEstablishment(DeskError):
    """The company registry (INSEE Sirene) has no establishment with this SIRET: a fact about the caller's
    input, answered 400 like any other unknown number the caller typed (a payment request's, a recipient's)."""

    code = "SIRET_INCONNU"

    def __init__(self, message: str, siret: str) -> None:
        super().__init__(message)
        self.siret = siret


class RegistryUnavailable(DeskError):
    """The company registry could not be asked: INSEE down, too slow, throttling past the retries, refusing
    the key, or answering something that is not an establishment. Nothing was looked up; try again later."""

    code = "SIRENE_INDISPONIBLE"


class Conflict(DeskError):
    """The resource's current state forbids the action (already done, another operation running)."""

    code = "ETAT_INCOMPATIBLE"


class RequestInProgress(Conflict):
    """A request with the same Idempotency-Key (same caller, same route) is still being processed: its answer is
    not known yet; nothing was done twice."""

    code = "DEMANDE_EN_COURS"


class IdempotencyKeyReused(DeskError):
    """The Idempotency-Key was used, within its 24 hours, for another request of the caller on the route (another
    body, another ticket): refused, nothing stored."""

    code = "CLE_IDEMPOTENCE_REUTILISEE"


# Refusals of the structure procedures (« Activer / inactiver ma structure »). Their class names are also
# the named errors of the inactivation state machine (a Lambda task's ``errorType``), so keep them stable.
class RequesterNotManager(Forbidden):
    code = "GESTIONNAIRE_REQUIS"


class StructureNotPublic(Forbidden):
    """The procedure is for public structures only (seed 004): a private one is refused, by its manager too."""

    code = "STRUCTURE_PRIVEE"


class StructureUnknown(NotFound):
    """No structure of this SIRET, or one the caller does not belong to: one answer for both."""

    code = "STRUCTURE_INCONNUE"


class StructureAlreadyActive(Conflict):
    code = "STRUCTURE_DEJA_ACTIVE"


class StructureAlreadyInactive(Conflict):
    code = "STRUCTURE_DEJA_INACTIVE"


class StructureClosedInRegistry(Conflict):
    code = "ETABLISSEMENT_FERME"


class OperationRunning(Conflict):
    code = "OPERATION_EN_COURS"


class TakeoverRefused(InvalidInput):
    """The takeover SIRET cannot take the structure's place; the field to correct is ``takeover_siret``."""

    code = "REPRISE_REFUSEE"

    def __init__(self, message: str) -> None:
        super().__init__([FieldError("takeover_siret", message)], message)


class TakeoverRequired(TakeoverRefused):
    pass


class TakeoverUnknown(TakeoverRefused):
    pass


class TakeoverInactive(TakeoverRefused):
    pass


class TakeoverPrivate(TakeoverRefused):
    pass


class TakeoverSameStructure(TakeoverRefused):
    pass


class TakeoverNotManaged(TakeoverRefused):
    pass


class Gone(DeskError):
    """The resource existed but is over (an expired conversation with the assistant)."""

    code = "EXPIRE"


# The live chat (usecases/chat.py).
class ChatClosed(Conflict):
    """No agent answers now (outside the office hours, or none available): « Contacter un agent » offers the
    hand-over ticket instead."""

    code = "CHAT_FERME"


class ConnectionGone(Exception):
    """A socket of the WebSocket API is closed (PostToConnection answered 410 GoneException): forget it."""


class PushFailed(Exception):
    """A frame could not be pushed for another reason (throttled, unavailable): the message is stored all the
    same, and the client reads it with its cursor."""
