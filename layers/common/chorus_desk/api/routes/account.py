"""The caller's account: profile and the organisations they act for (to choose an emitter structure)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.depends import Depends

from chorus_desk import bootstrap
from chorus_desk.actors import SignedInUser
from chorus_desk.observability import tracer
from chorus_desk.ports import Ports
from chorus_desk.usecases import account

from ..http import documented, signed_in
from ..schemas.account import AccountView

router = Router()  # type: ignore[no-untyped-call]


@router.get(
    "/me",
    summary="Mon compte : profil, structures et rôles",
    tags=["Compte"],
    responses=documented(200, AccountView, "Le profil et les organisations de l'appelant.", 401),
)
@tracer.capture_method
def get_account(
    user: Annotated[SignedInUser, Depends(signed_in)], ports: Annotated[Ports, Depends(bootstrap.ports)]
) -> AccountView:
    return AccountView.of(user, account.describe_account(ports, user))
