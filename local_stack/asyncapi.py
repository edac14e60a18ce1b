"""docs/asyncapi.yaml, written from the code: the live chat's WebSocket protocol (AsyncAPI 3.0) — the channel and how a
socket opens, each action a client sends (one per route of template.yaml's WebSocket API) with the frame that answers
it, the frames pushed to a socket, the French error frame; every payload the JSON Schema of its pydantic model
(``chorus_desk/api/schemas/chat.py``), as docs/openapi.json is written from the REST routes' models.

``python -m local_stack asyncapi`` writes it, ``--check`` fails when it and the code disagree
(tests/test_chat_asyncapi.py holds the document, the template's routes and the handlers' frames to each other)."""

from __future__ import annotations

from typing import Any, Literal

import yaml
from pydantic import BaseModel

from local_stack.template import ROOT

ASYNCAPI_PATH = ROOT / "docs" / "asyncapi.yaml"

# Each action: its summary, and the frames that may answer it (besides the error frame).
ACTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "start": (
        "Rejoindre la file d'attente depuis sa conversation avec l'assistant (ou retrouver la discussion).",
        ("chat",),
    ),
    "read": ("Lire la discussion après un numéro de message ; le socket la suit ensuite.", ("chat",)),
    "send": ("Écrire (l'utilisateur tant que la discussion n'est pas terminée, l'agent qui l'a prise).", ("sent",)),
    "end": ("Mettre fin : l'utilisateur la quitte ; l'agent la ferme ou en fait une sollicitation.", ("state",)),
    "feedback": ("Donner son avis sur l'échange, une fois terminé (une fois par discussion).", ("state",)),
    "transcript": ("Recevoir la transcription par courriel, une fois terminé (une fois par discussion).", ("state",)),
    "availability": ("Agent : se déclarer disponible ou absent (ou relire ses files sans « available »).", ("queues",)),
    "queue": ("Agent : ses files, leurs agents disponibles et les discussions en attente.", ("queues",)),
    "take": ("Agent : prendre une discussion en attente (un seul de deux agents la prend) et la lire.", ("chat",)),
    "handover": ("Agent : confier la discussion à un collègue disponible de la même file.", ("state",)),
}
PUSHED: dict[str, str] = {
    "message": "Chaque nouveau message d'une discussion que le socket suit (dans l'ordre des numéros).",
    "state": "Chaque changement d'une discussion que le socket suit : prise, confiée, de nouveau en attente, fin.",
    "queue_changed": "À un agent disponible : une discussion arrive dans sa file, est prise ou y revient.",
}


def _frames() -> tuple[dict[str, type[BaseModel]], dict[str, type[BaseModel]]]:
    from chorus_desk.api.schemas.chat import CLIENT_FRAMES, SERVER_FRAMES

    server: dict[str, type[BaseModel]] = {str(model.model_fields["type"].default): model for model in SERVER_FRAMES}
    client: dict[str, type[BaseModel]] = dict(CLIENT_FRAMES)
    return client, server


def _schemas(models: list[type[BaseModel]]) -> dict[str, Any]:
    """The models' JSON Schemas (as sent: by alias, in serialization mode for what the API sends) under
    components/schemas, their nested models beside them."""
    from pydantic.json_schema import models_json_schema

    client, _ = _frames()
    inputs = set(client.values())
    keyed: list[tuple[type[BaseModel], Literal["validation", "serialization"]]] = [
        (model, "validation" if model in inputs else "serialization") for model in models
    ]
    _, document = models_json_schema(keyed, ref_template="#/components/schemas/{model}")
    found: dict[str, Any] = document.get("$defs", {})
    return dict(sorted(found.items()))


def build_document() -> dict[str, Any]:
    client, server = _frames()
    messages: dict[str, Any] = {}
    for action, model in client.items():
        messages[action] = {
            "name": action,
            "title": model.__name__,
            "summary": ACTIONS[action][0],
            "contentType": "application/json",
            "payload": {"$ref": f"#/components/schemas/{model.__name__}"},
        }
    for kind, model in server.items():
        messages[f"frame.{kind}"] = {
            "name": kind,
            "title": model.__name__,
            "summary": PUSHED.get(kind, (model.__doc__ or "").strip().splitlines()[0]),
            "contentType": "application/json",
            "payload": {"$ref": f"#/components/schemas/{model.__name__}"},
        }
    channel_messages = {name: {"$ref": f"#/components/messages/{name}"} for name in messages}
    operations: dict[str, Any] = {}
    for action, (summary, answers) in ACTIONS.items():
        operations[action] = {
            "action": "send",
            "channel": {"$ref": "#/channels/chat"},
            "summary": summary,
            "messages": [{"$ref": f"#/channels/chat/messages/{action}"}],
            "reply": {
                "channel": {"$ref": "#/channels/chat"},
                "messages": [{"$ref": f"#/channels/chat/messages/frame.{k}"} for k in (*answers, "error")],
            },
        }
    for kind, summary in PUSHED.items():
        operations[f"pushed.{kind}"] = {
            "action": "receive",
            "channel": {"$ref": "#/channels/chat"},
            "summary": summary,
            "messages": [{"$ref": f"#/channels/chat/messages/frame.{kind}"}],
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Support Chorus Pro – échange en ligne avec un agent",
            "version": "1.0.0",
            "description": (
                "Le protocole de l'échange en ligne (API WebSocket d'API Gateway). Un socket s'ouvre avec le jeton "
                "d'un utilisateur connecté (« token », son IdToken Cognito) ou l'identifiant de la conversation "
                "d'un visiteur sans compte avec l'assistant (« conversation ») ; sinon il est refusé (401). Chaque "
                "trame envoyée est un objet JSON avec son « action », en UTF-8, de 8 192 octets au plus (le paramètre "
                "ChatMaxFrameBytes de la pile) ; elle reçoit "
                "une trame de réponse sur le même socket, ou une trame d'erreur en français : le socket reste "
                "ouvert et rien n'est enregistré. Ce que les autres doivent voir leur est poussé. Chaque action a "
                "son équivalent REST (docs/openapi.json, balise « Échange en ligne »)."
            ),
        },
        "defaultContentType": "application/json",
        "servers": {
            "aws": {
                "host": "{apiId}.execute-api.{region}.amazonaws.com",
                "pathname": "/{stage}",
                "protocol": "wss",
                "description": "La sortie ChatUrl de la pile (template.yaml).",
                "variables": {
                    "apiId": {"description": "L'identifiant de l'API WebSocket (ChatApi)."},
                    "region": {"default": "eu-west-3"},
                    "stage": {"enum": ["dev", "staging", "prod"], "default": "dev"},
                },
            },
            "local": {
                "host": "127.0.0.1:3100",
                "protocol": "ws",
                "description": "La pile locale (make dev : le port de l'API + 100 ; make chat WHO=… pour essayer).",
            },
        },
        "channels": {
            "chat": {
                "address": "/",
                "title": "Le socket d'un utilisateur, d'un visiteur ou d'un agent",
                "messages": channel_messages,
                "bindings": {
                    "ws": {
                        "query": {
                            "type": "object",
                            "properties": {
                                "token": {"type": "string", "description": "IdToken Cognito (utilisateur, agent)."},
                                "conversation": {
                                    "type": "string",
                                    "pattern": "^[A-Za-z0-9_-]{16,64}$",
                                    "description": "Visiteur sans compte : l'identifiant de sa conversation.",
                                },
                            },
                        },
                        "bindingVersion": "0.1.0",
                    }
                },
            }
        },
        "operations": operations,
        "components": {
            "messages": messages,
            "schemas": _schemas([*client.values(), *server.values()]),
        },
    }


def render(document: dict[str, Any]) -> str:
    header = (
        "# Written by `python -m local_stack asyncapi` from the code (chorus_desk/api/schemas/chat.py): do not edit.\n"
    )
    return header + yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=120)
