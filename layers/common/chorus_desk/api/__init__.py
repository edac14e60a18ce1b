"""HTTP plumbing shared by every function: the resolver, error mapping, identity from the authorizer.

Importing this package first makes Powertools' ``event_handler`` package lazy (``lazy_event_handler``): its
``__init__`` imports every resolver Powertools has (AppSync, Bedrock, VPC Lattice…) and, through AppSync,
asyncio, which no function of the desk uses; the modules the desk imports from it (``api_gateway``,
``depends``, ``openapi``…) load on their own. The first name asked of the package itself
(``from aws_lambda_powertools.event_handler import X``) runs its ``__init__`` as usual.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from types import ModuleType
from typing import Any

EVENT_HANDLER = "aws_lambda_powertools.event_handler"
# Names of the package served from the module that defines them, without its __init__.
HOMES = {
    "ApiGatewayResolver": "api_gateway",
    "APIGatewayRestResolver": "api_gateway",
    "CORSConfig": "api_gateway",
    "Response": "api_gateway",
    "Depends": "depends",
    "DependencyResolutionError": "depends",
    "Request": "request",
}


def lazy_event_handler() -> None:
    """Register Powertools' ``event_handler`` package without running its ``__init__`` until a name of the
    package itself is asked for (a no-op once the package is imported)."""
    if EVENT_HANDLER in sys.modules:
        return
    spec = importlib.util.find_spec(EVENT_HANDLER)
    if spec is None or spec.loader is None:  # pragma: no cover - Powertools is in the layer
        return
    package = importlib.util.module_from_spec(spec)
    loader = spec.loader

    def __getattr__(name: str) -> Any:  # PEP 562: called only for a name the package does not hold yet
        if name.startswith("__"):
            raise AttributeError(name)
        if name in HOMES:  # what the desk and Powertools' own modules (openapi.params, types) ask the package
            value = getattr(importlib.import_module(f"{EVENT_HANDLER}.{HOMES[name]}"), name)
            setattr(package, name, value)
            return value
        if importlib.util.find_spec(f"{EVENT_HANDLER}.{name}") is not None:  # a submodule (content_types…)
            return importlib.import_module(f"{EVENT_HANDLER}.{name}")
        del package.__getattr__  # the real __init__ defines the names; run it once, in this very module
        loader.exec_module(package)
        return ModuleType.__getattribute__(package, name)

    package.__getattr__ = __getattr__  # type: ignore[method-assign]
    sys.modules[EVENT_HANDLER] = package


lazy_event_handler()
