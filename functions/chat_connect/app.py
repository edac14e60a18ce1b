"""The live chat's $connect (WebSocket API): a signed-in user's socket by their IdToken, an anonymous visitor's by
their assistant conversation; refused otherwise, before the socket opens (``api/websocket.py``). The only function
with the JWT library (tokens.py, beside this file: loaded by its path on the first token, in Lambda as in this
repository, where the function's folder is not a package on the path)."""

import importlib.util
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from chorus_desk import bootstrap
from chorus_desk.api.websocket import ConnectHandler
from chorus_desk.observability import logger, metrics, tracer
from chorus_desk.ports import TokenVerifier
from chorus_desk.settings import ChatConnectSettings, load_settings

TOKENS = Path(__file__).resolve().with_name("tokens.py")
settings = load_settings(ChatConnectSettings)


@lru_cache(maxsize=1)
def tokens() -> ModuleType:
    spec = importlib.util.spec_from_file_location("chorus_desk_chat_tokens", TOKENS)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@lru_cache(maxsize=1)
def verifier() -> TokenVerifier:
    """The pool's IdTokens, its keys read once per execution environment (and again for an unknown key id)."""
    built: TokenVerifier = tokens().CognitoTokens(settings.issuer, settings.client_id, settings.keys_url)
    return built


handler = ConnectHandler(bootstrap.ports, verifier, mfa=settings.agents_need_mfa)


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handler(event, context)


bootstrap.on_snapshot(None, verifier)  # SnapStart: the clients and the token checker built before the snapshot
