"""The local stack's API gateway serves one request at a time over all its functions: Powertools' resolver keeps
the request it serves on a class every resolver of the process shares (``BaseRouter.current_event``), so two
functions serving at once in one process would read each other's request. In Lambda each process serves one."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from aws_lambda_powertools.event_handler.api_gateway import BaseRouter
from werkzeug.test import Client

from local_stack import gateway as gateway_module
from local_stack.gateway import CognitoVerifier, Gateway
from local_stack.template import Resolver, resources_of_type


class Probe:
    """Handlers that note how many invocations run at once, each holding the line a moment, and whether the
    request Powertools' shared class holds while they run is still theirs."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running = 0
        self.most = 0
        self.served: list[tuple[str, str]] = []

    def handler_of(self, _template: dict[str, Any], function: str) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
        def handler(event: dict[str, Any], _context: Any) -> dict[str, Any]:
            with self.lock:
                self.running += 1
                self.most = max(self.most, self.running)
            BaseRouter.current_event = event  # type: ignore[assignment]  # as a resolver's ``resolve`` does
            time.sleep(0.02)
            seen = BaseRouter.current_event  # what the resolver then reads to find the route
            with self.lock:
                self.running -= 1
                self.served.append((event["path"], seen["path"]))
            return {"statusCode": 200, "body": json.dumps({"function": function})}

        return handler


@pytest.fixture
def probe(template: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> tuple[Probe, Client]:
    found = Probe()
    monkeypatch.setattr(gateway_module, "handler_of", found.handler_of)
    ((_, spec),) = resources_of_type(template, "AWS::Serverless::Api").items()
    verifier = CognitoVerifier({"keys": []}, "https://cognito-idp.eu-west-3.amazonaws.com/none", "none")
    gateway = Gateway(template, Resolver(template).resolve(spec["Properties"]), verifier, {}, "dev", access_log=False)
    return found, Client(gateway)


def test_requests_to_two_functions_at_once_are_served_one_after_the_other(probe: tuple[Probe, Client]) -> None:
    found, client = probe
    asked = ["/catalogue", "/public/captcha"] * 6  # the catalogue's function and the public one, both without sign-in

    def ask(path: str) -> None:
        answer = client.get(path) if path == "/catalogue" else client.post(path, json={})
        assert answer.status_code == 200

    threads = [threading.Thread(target=ask, args=(path,)) for path in asked]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(path for path, _ in found.served) == sorted(asked)
    assert found.most == 1
    assert all(path == seen for path, seen in found.served), "a request read another's from the shared class"
