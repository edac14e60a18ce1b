"""The portal's chat frames (web/src/api/chat-frames.ts, written by hand) against docs/asyncapi.yaml: each frame's
fields and which are required, and the views inside the frames the same in docs/asyncapi.yaml as in
docs/openapi.json (the portal types them from the REST contract). `tsc` proves the other half: FRAME_FIELDS names
each TypeScript frame type's fields, no more, no less (the `fieldsProof` constant)."""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from tests.support import ROOT

FRAMES_TS = ROOT / "web" / "src" / "api" / "chat-frames.ts"
ASYNCAPI = ROOT / "docs" / "asyncapi.yaml"
OPENAPI = ROOT / "docs" / "openapi.json"
VIEWS = ("ChatView", "ChatMessageView", "ContextLineView", "QueueView", "WaitingView", "PersonView", "CodeLabel")


def ts_frame_fields() -> dict[str, dict[str, bool]]:
    """FRAME_FIELDS as the TypeScript file writes it (between its frames:begin / frames:end markers)."""
    source = FRAMES_TS.read_text(encoding="utf-8")
    block = source.split("// frames:begin", 1)[1].split("// frames:end", 1)[0]
    literal = block.split("=", 1)[1].strip().removesuffix(";").strip().removesuffix("as const").strip()
    literal = re.sub(r"([A-Za-z_][A-Za-z0-9_]*)\s*:", r'"\1":', literal)  # bare keys quoted
    literal = re.sub(r",\s*([}\]])", r"\1", literal)  # trailing commas
    parsed: dict[str, dict[str, bool]] = json.loads(literal)
    return parsed


def asyncapi() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(ASYNCAPI.read_text(encoding="utf-8"))
    return document


def test_each_frame_of_the_portal_has_the_fields_of_the_asyncapi_message_of_its_name() -> None:
    document = asyncapi()
    schemas = document["components"]["schemas"]
    expected: dict[str, dict[str, bool]] = {}
    for message in document["components"]["messages"].values():
        schema = schemas[message["payload"]["$ref"].rsplit("/", 1)[1]]
        required = set(schema.get("required", []))
        expected[message["name"]] = {field: field in required for field in schema["properties"]}

    portal = ts_frame_fields()

    assert sorted(portal) == sorted(expected)  # every message of the protocol, and no other
    for name, fields in expected.items():
        assert portal[name] == fields, name
    # The discriminators: each action frame names its action, each server frame its type.
    for message in document["components"]["messages"].values():
        schema = schemas[message["payload"]["$ref"].rsplit("/", 1)[1]]
        key = "action" if "action" in schema["properties"] and "const" in schema["properties"]["action"] else "type"
        assert schema["properties"][key]["const"] == message["name"]


def test_the_views_inside_the_frames_are_the_rest_contracts_own() -> None:
    frames = asyncapi()["components"]["schemas"]
    rest = json.loads(OPENAPI.read_text(encoding="utf-8"))["components"]["schemas"]
    for view in VIEWS:
        assert sorted(frames[view]["properties"]) == sorted(rest[view]["properties"]), view
        assert sorted(frames[view].get("required", [])) == sorted(rest[view].get("required", [])), view


def test_the_reader_of_the_typescript_list_sees_a_changed_field() -> None:
    """The check above can fail: a field the TypeScript list lacks is seen."""
    portal = ts_frame_fields()
    assert portal["take"] == {"action": True, "chat_id": True}
    portal["take"].pop("chat_id")
    document = asyncapi()
    take = document["components"]["schemas"]["TakeFrame"]["properties"]
    assert sorted(portal["take"]) != sorted(take)
