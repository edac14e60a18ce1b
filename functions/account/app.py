"""The caller's account: profile and the organisations they act for (to choose an emitter structure)."""

from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from chorus_desk import directory
from chorus_desk.api.http import create_app, current_identity, error_responses
from chorus_desk.observability import logger, metrics, tracer
from chorus_desk.schemas import AccountView

app = create_app()


@app.get("/me", summary="Mon compte : profil, structures et rôles", tags=["Compte"], responses=error_responses(401))
@tracer.capture_method
def get_account() -> AccountView:
    return directory.describe_account(current_identity(app))


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
