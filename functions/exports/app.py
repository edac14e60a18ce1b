"""Exports: a tab or a search as a CSV or XLSX file, a ticket as a PDF (with its files, as a ZIP).

The only function with the XLSX and PDF libraries (writers.py, beside this file): they are imported when
the first such document is written, so a small CSV never pays for them.
"""

import importlib.util
from functools import lru_cache
from pathlib import Path
from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from chorus_desk import bootstrap
from chorus_desk.api.http import create_app, prepare_event
from chorus_desk.api.routes import exports
from chorus_desk.observability import logger, metrics, tracer
from chorus_desk.ports import DocumentWriter
from chorus_desk.settings import ExportsSettings, load_settings

WRITERS = Path(__file__).resolve().with_name("writers.py")


@lru_cache(maxsize=1)
def writer() -> DocumentWriter:
    """One writer per execution environment, built on first use from writers.py (loaded by its path: in Lambda
    as in this repository, where the function's folder is not a package on the path)."""
    spec = importlib.util.spec_from_file_location("chorus_desk_exports_writers", WRITERS)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    built: DocumentWriter = module.LibraryWriter()
    return built


app = create_app(load_settings(ExportsSettings))
app.include_router(exports.router)
app.dependency_overrides[bootstrap.document_writer] = writer


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(prepare_event(event), context)


bootstrap.on_snapshot(app)  # SnapStart: the clients and route models built before the snapshot
