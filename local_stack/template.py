"""Read template.yaml: functions and their API routes, environment, limits, table definitions, handler modules."""

from __future__ import annotations

import importlib.util
import os
import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_PATH = ROOT / "template.yaml"
STATE_MACHINE_TYPES = ("AWS::Serverless::StateMachine", "AWS::StepFunctions::StateMachine")


class _CfnLoader(yaml.SafeLoader):
    """YAML loader that turns CloudFormation short tags (!Ref, !Sub, …) into their long form."""


def _construct_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = str(value).split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {name: value}


_CfnLoader.add_multi_constructor("!", _construct_tag)  # type: ignore[no-untyped-call]


@lru_cache(maxsize=4)
def load_template(path: Path = TEMPLATE_PATH) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        document: dict[str, Any] = yaml.load(handle, Loader=_CfnLoader)  # noqa: S506 - SafeLoader subclass
        return document


@dataclass(frozen=True)
class Route:
    function: str  # logical id of the function
    name: str  # logical id of the event
    method: str
    path: str  # API Gateway syntax: /tickets/{number}
    authorized: bool


@dataclass
class Resolver:
    """Resolves the intrinsic functions the template uses, with local names for its resources."""

    template: dict[str, Any]
    parameters: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # what Ref gives, per logical id
    region: str = "eu-west-3"
    account: str = "123456789012"
    # What Fn::GetAtt gives, known once the resource exists ("DeskTable.StreamArn": the stream's label).
    attributes: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name, spec in self.template.get("Parameters", {}).items():
            self.parameters.setdefault(name, str(spec.get("Default", "")))

    def ref(self, name: str) -> str:
        if name in self.parameters:
            return self.parameters[name]
        if name == "AWS::Region":
            return self.region
        if name == "AWS::AccountId":
            return self.account
        if name == "AWS::Partition":
            return "aws"
        if name == "AWS::URLSuffix":
            return "amazonaws.com"
        if name == "AWS::StackName":  # samconfig.toml's stack names
            return f"chorus-desk-{self.parameters.get('Stage', 'dev')}"
        if name in self.names:
            return self.names[name]
        spec = self.template.get("Resources", {}).get(name, {})
        if spec.get("Type") in STATE_MACHINE_TYPES:  # Ref of a state machine is its ARN, whether created or not
            machine = self.resolve(spec.get("Properties", {}).get("Name", name))
            return f"arn:aws:states:{self.region}:{self.account}:stateMachine:{machine}"
        return name

    def condition(self, name: str) -> bool:
        return bool(self.resolve(self.template["Conditions"][name]))

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if not isinstance(value, dict):
            return value
        if set(value) == {"Ref"}:
            return self.ref(value["Ref"])
        if set(value) == {"Fn::Sub"}:
            text, variables = value["Fn::Sub"], {}
            if isinstance(text, list):
                text, given = text
                variables = {k: str(self.resolve(v)) for k, v in given.items()}
            return re.sub(r"\$\{([^}]+)\}", lambda m: variables.get(m.group(1)) or self._sub_var(m.group(1)), str(text))
        if set(value) == {"Fn::GetAtt"}:
            resource, attribute = value["Fn::GetAtt"]
            return self._attribute(resource, attribute)
        if set(value) == {"Fn::If"}:
            name, when_true, when_false = value["Fn::If"]
            return self.resolve(when_true if self.condition(name) else when_false)
        if set(value) == {"Fn::Not"}:
            return not self.resolve(value["Fn::Not"][0])
        if set(value) == {"Fn::And"}:
            return all(self.resolve(v) is True for v in value["Fn::And"])
        if set(value) == {"Fn::Or"}:
            return any(self.resolve(v) is True for v in value["Fn::Or"])
        if set(value) == {"Fn::Equals"}:
            left, right = (self.resolve(v) for v in value["Fn::Equals"])
            return left == right
        return {k: self.resolve(v) for k, v in value.items()}

    def _sub_var(self, expression: str) -> str:
        if "." in expression:
            resource, attribute = expression.split(".", 1)
            return self._attribute(resource, attribute)
        return self.ref(expression)

    def _attribute(self, resource: str, attribute: str) -> str:
        if f"{resource}.{attribute}" in self.attributes:
            return self.attributes[f"{resource}.{attribute}"]
        name = self.ref(resource)
        spec = self.template["Resources"][resource]
        kind = spec["Type"]
        if kind == "AWS::DynamoDB::Table" and attribute == "Arn":
            return f"arn:aws:dynamodb:{self.region}:{self.account}:table/{name}"
        if kind == "AWS::S3::Bucket" and attribute == "Arn":
            return f"arn:aws:s3:::{name}"
        if kind == "AWS::Events::EventBus" and attribute == "Arn":
            return f"arn:aws:events:{self.region}:{self.account}:event-bus/{name}"
        if kind == "AWS::SQS::Queue" and attribute in ("Arn", "QueueName"):
            queue = str(self.resolve(spec.get("Properties", {}).get("QueueName", resource)))
            return f"arn:aws:sqs:{self.region}:{self.account}:{queue}" if attribute == "Arn" else queue
        return f"arn:aws:local:{self.region}:{self.account}:{resource}/{name}/{attribute}"


def resources_of_type(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {name: spec for name, spec in template["Resources"].items() if spec["Type"] == kind}


def api_routes(template: dict[str, Any]) -> list[Route]:
    """Every route of the REST API, as declared by the functions' Api events."""
    api = next(iter(resources_of_type(template, "AWS::Serverless::Api").values()))
    default_authorizer = api["Properties"].get("Auth", {}).get("DefaultAuthorizer")
    routes = []
    for function, spec in resources_of_type(template, "AWS::Serverless::Function").items():
        for event_name, event in spec["Properties"].get("Events", {}).items():
            if event["Type"] != "Api":
                continue
            props = event["Properties"]
            authorizer = props.get("Auth", {}).get("Authorizer", default_authorizer)
            routes.append(
                Route(function, event_name, props["Method"].upper(), props["Path"], authorizer not in (None, "NONE"))
            )
    return routes


def function_environment(template: dict[str, Any], function: str, resolver: Resolver) -> dict[str, str]:
    """The environment a function gets: Globals first, then its own variables, intrinsics resolved."""
    variables: dict[str, Any] = dict(
        template.get("Globals", {}).get("Function", {}).get("Environment", {}).get("Variables", {})
    )
    own = template["Resources"][function]["Properties"].get("Environment", {}).get("Variables", {})
    variables.update(own)
    return {k: str(resolver.resolve(v)) for k, v in variables.items()}


def prepare_environment(template: dict[str, Any], resolver: Resolver) -> None:
    """Give this process the environment the functions get in Lambda (read when their modules import)."""
    for function in resources_of_type(template, "AWS::Serverless::Function"):
        os.environ.update(function_environment(template, function, resolver))


def table_definition(template: dict[str, Any], logical_id: str, table_name: str) -> dict[str, Any]:
    """create_table arguments for a DynamoDB table of the template (the keys and indexes as declared)."""
    props = template["Resources"][logical_id]["Properties"]
    definition: dict[str, Any] = {
        "TableName": table_name,
        "BillingMode": props["BillingMode"],
        "AttributeDefinitions": props["AttributeDefinitions"],
        "KeySchema": props["KeySchema"],
    }
    if props.get("GlobalSecondaryIndexes"):
        definition["GlobalSecondaryIndexes"] = props["GlobalSecondaryIndexes"]
    if props.get("StreamSpecification"):
        definition["StreamSpecification"] = {
            "StreamEnabled": True,
            "StreamViewType": props["StreamSpecification"]["StreamViewType"],
        }
    if props.get("SSESpecification", {}).get("SSEEnabled"):
        definition["SSESpecification"] = {"Enabled": True}
    return definition


def function_limits(template: dict[str, Any], function: str) -> tuple[int, int]:
    """A function's memory (MB) and timeout (seconds): its own, else the Globals', else Lambda's defaults."""
    globals_ = template.get("Globals", {}).get("Function", {})
    props = template["Resources"][function]["Properties"]
    return int(props.get("MemorySize", globals_.get("MemorySize", 128))), int(
        props.get("Timeout", globals_.get("Timeout", 3))
    )


def use_layers(template: dict[str, Any]) -> None:
    """Make the template's layers importable, as Lambda does by unpacking them under /opt/python."""
    for spec in resources_of_type(template, "AWS::Serverless::LayerVersion").values():
        folder = str(ROOT / spec["Properties"]["ContentUri"])
        if folder not in sys.path:
            sys.path.insert(0, folder)


def load_handler_module(template: dict[str, Any], function: str) -> ModuleType:
    """Import a function's handler module from its CodeUri, under a name unique to the function."""
    props = template["Resources"][function]["Properties"]
    module_name, _, _ = props["Handler"].rpartition(".")
    source = ROOT / props["CodeUri"] / f"{module_name.replace('.', '/')}.py"
    use_layers(template)
    unique = f"_desk_function_{function}"
    if unique in sys.modules:
        return sys.modules[unique]
    spec = importlib.util.spec_from_file_location(unique, source)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[unique] = module
    spec.loader.exec_module(module)
    return module


def handler_of(template: dict[str, Any], function: str) -> Any:
    module = load_handler_module(template, function)
    return getattr(module, template["Resources"][function]["Properties"]["Handler"].rpartition(".")[2])
