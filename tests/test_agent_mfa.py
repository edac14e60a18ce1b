"""The support's agents sign in with a second factor (issue 18, point 6): Cognito cannot require MFA for one
group of a pool, so with ``AgentMfa=Required`` (samconfig's prod) the API refuses an agent of the technical support
whose IdToken's ``amr`` claim shows no ``mfa``, before any read or write; everyone else keeps MFA optional.

Through the real handlers: the claims are those the Cognito authorizer hands over, ``amr`` included."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from chorus_desk import bootstrap, messages
from chorus_desk.api.http import authentication_methods, identity_from_claims
from chorus_desk.settings import AgentMfaSettings, SettingsError, load_settings
from local_stack.template import Resolver, api_routes, load_handler_module
from tests import support
from tests.support import Api
from tests.test_template_prod import deploy_parameters


@pytest.fixture
def required(template: dict[str, Any]) -> Iterator[Callable[[bool], None]]:
    """``required(True)``: every API function runs as with ``AGENT_MFA_REQUIRED=true``."""
    apps = [load_handler_module(template, f).app for f in sorted({r.function for r in api_routes(template)})]

    def set_to(value: bool) -> None:
        for app in apps:
            app.dependency_overrides[bootstrap.agent_mfa_required] = lambda: value

    yield set_to
    for app in apps:
        app.dependency_overrides.pop(bootstrap.agent_mfa_required, None)


@pytest.fixture
def amr(monkeypatch: pytest.MonkeyPatch) -> Callable[[str | None], None]:
    """``amr(value)``: the requests' IdToken claims carry ``amr`` as API Gateway hands it over (a string)."""
    original = support.sample_event

    def set_to(value: str | None) -> None:
        def event(name: str) -> dict[str, Any]:
            sample = original(name)
            authorizer = sample["requestContext"].get("authorizer")
            if authorizer and value is not None:
                authorizer["claims"]["amr"] = value
            return sample

        monkeypatch.setattr(support, "sample_event", event)

    return set_to


def refused(reply: support.Reply) -> bool:
    return (
        reply.status == 403
        and reply.body["code"] == "DOUBLE_AUTHENTIFICATION_REQUISE"
        and reply.body["message"] == messages.SECOND_FACTOR_REQUIRED
    )


# --------------------------------------------------------------------------------------- the claim
@pytest.mark.parametrize(
    ("claim", "methods"),
    [
        (["pwd", "otp", "mfa"], {"pwd", "otp", "mfa"}),
        ('["pwd", "otp", "mfa"]', {"pwd", "otp", "mfa"}),  # JSON, as the local stack hands arrays over
        ("[pwd otp mfa]", {"pwd", "otp", "mfa"}),  # API Gateway's rendering of an array claim
        ("pwd,mfa", {"pwd", "mfa"}),
        ("pwd", {"pwd"}),
        ("[pwd", {"pwd"}),
        ("", set()),
        ('{"mfa": true}', set()),
        ("[1, 2]", set()),
        (None, set()),
        (7, set()),
    ],
)
def test_the_amr_claim_is_read_in_each_form_api_gateway_may_give(claim: Any, methods: set[str]) -> None:
    assert authentication_methods(claim) == methods


def test_only_mfa_counts_as_a_second_factor() -> None:
    base = {"sub": "00000000-0000-4000-8000-000000000009"}
    assert identity_from_claims({**base, "amr": "[pwd otp mfa]"}).second_factor is True
    assert identity_from_claims({**base, "amr": "[otp]"}).second_factor is False  # a one-time code alone
    assert identity_from_claims({**base, "amr": "[pwd]"}).second_factor is False
    assert identity_from_claims(base).second_factor is False


# ---------------------------------------------------------------------------------- the handlers
def test_an_agent_of_the_support_without_a_second_factor_is_refused_on_every_signed_in_function(
    api: Api, required: Callable[[bool], None], amr: Callable[[str | None], None]
) -> None:
    required(True)
    amr("[pwd]")

    for route in ("get_account", "list_tab", "get_dashboard", "get_satisfaction"):
        assert refused(api.call(route, "sophie")), route
        assert refused(api.call(route, "lucas")), route


def test_with_a_second_factor_the_agent_is_served(
    api: Api, required: Callable[[bool], None], amr: Callable[[str | None], None]
) -> None:
    required(True)
    amr("[pwd otp mfa]")

    reply = api.call("get_account", "sophie")

    assert reply.status == 200, reply.body
    assert reply.body["name"] == "Sophie Moreau"


def test_a_token_without_amr_is_refused_too(api: Api, required: Callable[[bool], None]) -> None:
    required(True)
    assert refused(api.call("get_account", "lucas"))


@pytest.mark.parametrize("user", ["marie", "claire", "emma"])
def test_everyone_else_keeps_mfa_optional(
    api: Api, required: Callable[[bool], None], amr: Callable[[str | None], None], user: str
) -> None:
    required(True)
    amr("[pwd]")
    assert api.call("get_account", user).status == 200


def test_a_refused_agent_changes_nothing(
    api: Api, required: Callable[[bool], None], amr: Callable[[str | None], None]
) -> None:
    number = api.ticket_in("OPEN")
    before = api.call("get_ticket", "marie", number).body
    required(True)
    amr("[pwd]")

    assert refused(api.call("take_in_charge", "lucas", number, body={}))
    assert refused(api.call("answer", "sophie", number, body={"text": "Voici la solution."}))

    after = api.call("get_ticket", "marie", number).body
    assert after == before
    assert after["status"]["code"] == "OPEN"


def test_when_the_stage_does_not_require_it_agents_sign_in_as_before(
    api: Api, required: Callable[[bool], None], amr: Callable[[str | None], None]
) -> None:
    required(False)
    amr("[pwd]")
    assert api.call("get_account", "sophie").status == 200


# -------------------------------------------------------------------------------- the configuration
def test_the_setting_is_off_unless_the_environment_turns_it_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AGENT_MFA_REQUIRED", raising=False)
    assert load_settings(AgentMfaSettings).required is False
    monkeypatch.setenv("AGENT_MFA_REQUIRED", "true")
    assert load_settings(AgentMfaSettings).required is True
    monkeypatch.setenv("AGENT_MFA_REQUIRED", "peut-etre")
    with pytest.raises(SettingsError, match="AGENT_MFA_REQUIRED"):
        load_settings(AgentMfaSettings)


@pytest.mark.parametrize(("environment", "expected"), [("prod", "true"), ("default", "false")])
def test_prod_requires_it_and_every_function_gets_the_setting(
    template: dict[str, Any], environment: str, expected: str
) -> None:
    resolver = Resolver(template, parameters=deploy_parameters(environment))
    variables = resolver.resolve(template["Globals"]["Function"]["Environment"]["Variables"])
    assert variables["AGENT_MFA_REQUIRED"] == expected
    assert template["Parameters"]["AgentMfa"]["Default"] == "Optional"  # the local stack: moto's tokens carry no amr


def test_every_route_that_needs_a_token_documents_the_refusal() -> None:
    document = json.loads((Path(__file__).resolve().parents[1] / "docs" / "openapi.json").read_text(encoding="utf-8"))
    operations = [
        (method, path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if isinstance(operation, dict) and "responses" in operation
    ]
    signed_in = [(m, p, o) for m, p, o in operations if "401" in o["responses"]]
    assert len(signed_in) >= 20
    for method, path, operation in signed_in:
        assert "DOUBLE_AUTHENTIFICATION_REQUISE" in operation["responses"]["403"]["description"], (method, path)
