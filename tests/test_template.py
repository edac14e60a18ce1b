"""template.yaml keeps its promises: runtime, tracing, least privilege, no catch-all, explicit CORS,
log retention, a protected table."""

from __future__ import annotations

from typing import Any

from local_stack.template import api_routes, resources_of_type


def functions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return resources_of_type(template, "AWS::Serverless::Function")


def test_globals_run_python_313_on_arm64_with_tracing(template: dict[str, Any]) -> None:
    fn = template["Globals"]["Function"]
    assert (fn["Runtime"], fn["Architectures"], fn["Tracing"]) == ("python3.13", ["arm64"], "Active")
    assert fn["Timeout"] <= 29  # below API Gateway's integration timeout
    assert {"POWERTOOLS_SERVICE_NAME", "POWERTOOLS_METRICS_NAMESPACE", "STAGE", "CORS_ORIGIN"} <= set(
        fn["Environment"]["Variables"]
    )
    assert "TABLE_NAME" not in fn["Environment"]["Variables"], "only the functions that use the table get its name"


def test_every_function_logs_to_its_own_group_with_retention(template: dict[str, Any]) -> None:
    for name, spec in functions(template).items():
        group = spec["Properties"]["LoggingConfig"]["LogGroup"]["Ref"]
        props = template["Resources"][group]["Properties"]
        assert props["RetentionInDays"] == {"Ref": "LogRetentionDays"}, name


def test_policies_name_their_resources_and_never_allow_scan(template: dict[str, Any]) -> None:
    for name, spec in functions(template).items():
        for policy in spec["Properties"].get("Policies", []):
            for statement in policy["Statement"]:
                resources = (
                    statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
                )
                assert "*" not in resources, name
                actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
                assert all(a.startswith("dynamodb:") and "*" not in a for a in actions), name
                assert "dynamodb:Scan" not in actions, name


# The only routes open without a token: reading the catalogue (the non-connected form needs it).
PUBLIC_ROUTES = {("GET", "/catalogue")}


def test_no_catch_all_route_and_every_route_but_the_public_ones_is_authorized(template: dict[str, Any]) -> None:
    for route in api_routes(template):
        assert "+" not in route.path and route.method != "ANY", route
        assert route.authorized is ((route.method, route.path) not in PUBLIC_ROUTES), route


def test_public_functions_have_no_table_access(template: dict[str, Any]) -> None:
    public = {r.function for r in api_routes(template) if not r.authorized}
    for function in public:
        assert "Policies" not in template["Resources"][function]["Properties"], function


def test_cors_origin_is_explicit(template: dict[str, Any]) -> None:
    (api,) = resources_of_type(template, "AWS::Serverless::Api").values()
    assert api["Properties"]["Cors"]["AllowOrigin"] == {"Fn::Sub": "'${CorsOrigin}'"}
    assert "*" not in template["Parameters"]["CorsOrigin"]["AllowedPattern"]


def test_table_is_recoverable_and_encrypted(template: dict[str, Any]) -> None:
    props = template["Resources"]["DeskTable"]["Properties"]
    assert props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert props["SSESpecification"]["SSEEnabled"] is True
    assert template["Resources"]["DeskTable"]["DeletionPolicy"] == "Retain"
