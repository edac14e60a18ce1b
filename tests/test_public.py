"""The public routes (no sign-in) through the real handler: the captcha, the non-connected ticket, the abuse
limits and the signed status link, on in-memory ports and, for a representative subset, on DynamoDB (moto).

The captcha is drawn by the public function's own artist; the tests read the text it drew from the
recording wrapper of tests/support.py (``api.artist``), as a visitor reads the image. Drawing one costs
about 0.2 s (the audio): the tests draw only where the captcha itself is under test, and give other
requests a challenge that does not exist (``NO_CAPTCHA``) when they are refused before it is checked.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chorus_desk import captcha, links, messages
from chorus_desk.adapters.memory.signing import FixedSigningKey
from chorus_desk.catalogue import JUSTICE_FEE_OFFICE_ID, SUPPORT_TEAM_ID
from chorus_desk.settings import PublicSettings, load_settings
from chorus_desk.usecases import public as public_usecases
from tests.fixtures import TEAMS
from tests.support import DROP, TEST_IDS, Api, Reply

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SUPPORT = TEAMS[SUPPORT_TEAM_ID].name
JUSTICE_OFFICE = TEAMS[JUSTICE_FEE_OFFICE_ID].name
CONTACT = "jeanne.martin@exemple.fr"  # the sample event's contact address
NO_CAPTCHA = ("defi-jamais-tire", "AAAAA")  # for requests refused before the captcha is looked at
VISITOR, NEIGHBOUR = "198.51.100.10", "198.51.100.20"

WRONG = "Le code de vérification est incorrect : recopiez les caractères de l'image (ou du son)."
EXPIRED = "Le code de vérification a expiré, a déjà servi ou a reçu trop de réponses erronées : demandez-en un nouveau."
TOO_MANY_FAILURES = "Trois réponses erronées : ce code de vérification n'est plus valable, demandez-en un nouveau."
LINK_NOT_FOUND = {"code": "INTROUVABLE", "message": "Ce lien de suivi n'est pas valide ou a expiré.", "errors": []}


def fields_of(body: dict[str, Any]) -> dict[str, str]:
    return {e["field"]: e["message"] for e in body["errors"]}


def refused(reply: Reply, errors: dict[str, str]) -> None:
    assert reply.status == 400, reply.body
    assert reply.body["code"] == "DONNEES_INVALIDES"
    assert reply.body["message"] == "La demande contient des champs manquants ou invalides."
    assert fields_of(reply.body) == errors


def take_a_number(api: Api) -> int:
    """A connected ticket of Marie (no captcha to draw): the number the desk gives next."""
    reply = api.create("marie")
    assert reply.status == 201, reply.body
    return int(reply.body["number"])


def assert_nothing_stored_since(api: Api, last: int) -> None:
    """No ticket after ``last``, and the next one gets the number right after it: none was taken."""
    assert api.call("get_ticket", "sophie", last + 1).status == 404
    assert take_a_number(api) == last + 1


@dataclass
class Clock:
    """The public use cases' clock (``chorus_desk.usecases.public.utc_now``), moved by the test."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fixed = Clock(datetime(2026, 3, 2, 14, 59, 30, tzinfo=UTC))
    monkeypatch.setattr(public_usecases, "utc_now", fixed)
    return fixed


@pytest.fixture(params=["api", "aws_api"])
def either_api(request: pytest.FixtureRequest) -> Api:
    """The handlers on in-memory ports, then on DynamoDB (moto)."""
    chosen: Api = request.getfixturevalue(request.param)
    return chosen


# --------------------------------------------------------------------------------------------- captcha
def data_uri(value: str, media_type: str) -> bytes:
    prefix = f"data:{media_type};base64,"
    assert value.startswith(prefix)
    return base64.b64decode(value.removeprefix(prefix), validate=True)


def test_a_captcha_is_an_image_and_a_sound_of_five_characters_valid_a_few_minutes(api: Api) -> None:
    before = datetime.now(UTC)
    reply = api.call("new_captcha", None)
    after = datetime.now(UTC)

    assert reply.status == 201, reply.body
    assert reply.headers["Cache-Control"] == "no-store"
    assert set(reply.body) == {"id", "image", "audio", "expires_at"}
    assert data_uri(reply.body["image"], "image/png").startswith(PNG_SIGNATURE)
    audio = data_uri(reply.body["audio"], "audio/wav")
    assert (audio[:4], audio[8:12]) == (b"RIFF", b"WAVE")
    lifetime = timedelta(seconds=load_settings(PublicSettings).captcha_seconds)
    assert timedelta(minutes=1) <= lifetime <= timedelta(minutes=10)
    expires_at = datetime.fromisoformat(reply.body["expires_at"])
    assert before + lifetime <= expires_at <= after + lifetime
    [text] = api.artist.drawn
    assert len(text) == captcha.LENGTH
    assert set(text) <= set(captcha.ALPHABET)
    stored = api.ports.captchas.load_challenge(reply.body["id"])  # kept as a salted hash only
    assert stored is not None
    assert text not in stored.model_dump_json()
    assert captcha.matches(text, stored.salt, stored.answer_hash)


def test_the_answer_ignores_case_and_spaces(api: Api) -> None:
    captcha_id, answer = api.captcha()
    typed = " ".join(answer.lower())  # "k 7 m p x"

    reply = api.create_anonymous((captcha_id, typed))

    assert reply.status == 201, reply.body


def test_a_captcha_serves_once(either_api: Api) -> None:
    challenge = either_api.captcha()
    first = either_api.create_anonymous(challenge)
    assert first.status == 201, first.body

    again = either_api.create_anonymous(challenge, title="Deuxième ticket avec le même code")

    refused(again, {"captcha_id": EXPIRED})
    assert_nothing_stored_since(either_api, first.body["number"])


def test_a_captcha_expires(api: Api, clock: Clock) -> None:
    lifetime = timedelta(seconds=load_settings(PublicSettings).captcha_seconds)
    last = take_a_number(api)
    in_time, too_late = api.captcha(), api.captcha()

    clock.advance(seconds=lifetime.total_seconds() - 1)
    assert api.create_anonymous(in_time).status == 201
    clock.advance(seconds=1)
    refused(api.create_anonymous(too_late), {"captcha_id": EXPIRED})

    assert_nothing_stored_since(api, last + 1)


def test_three_wrong_answers_end_the_captcha(either_api: Api) -> None:
    last = take_a_number(either_api)
    captcha_id, answer = either_api.captcha()
    wrong = "".join(next(c for c in captcha.ALPHABET if c != a) for a in answer)

    replies = [either_api.create_anonymous((captcha_id, wrong)) for _ in range(3)]
    refused(replies[0], {"captcha_answer": WRONG})
    refused(replies[1], {"captcha_answer": WRONG})
    refused(replies[2], {"captcha_answer": TOO_MANY_FAILURES})

    refused(either_api.create_anonymous((captcha_id, answer)), {"captcha_id": EXPIRED})
    assert_nothing_stored_since(either_api, last)


def test_a_wrong_answer_leaves_the_captcha_for_another_try(api: Api) -> None:
    captcha_id, answer = api.captcha()

    refused(api.create_anonymous((captcha_id, answer[::-1] + "Q")), {"captcha_answer": WRONG})
    assert api.create_anonymous((captcha_id, answer)).status == 201


def test_the_fields_are_checked_before_the_captcha_which_still_works_afterwards(api: Api) -> None:
    """A visitor who forgot a field keeps a challenge that still works: the captcha is looked at last (a
    wrong answer sent with a missing field is not counted against it)."""
    last = take_a_number(api)
    captcha_id, answer = api.captcha()

    for _ in range(captcha.MAX_FAILURES):
        reply = api.create_anonymous((captcha_id, "MAUVAIS"), title=DROP)
        refused(reply, {"title": "Le titre est obligatoire."})
    refused(
        api.create_anonymous((captcha_id, answer), subcategory="QUESTION_ENTITE_PUBLIQUE"),
        {"subcategory": needs_recipient("M-Question pour une entité publique")},
    )
    assert api.call("get_ticket", "sophie", last + 1).status == 404

    created = api.create_anonymous((captcha_id, answer))
    assert created.status == 201, created.body
    assert created.body["number"] == last + 1


# -------------------------------------------------------------------------------- non-connected ticket
def test_a_non_connected_ticket_opens_to_its_recipient(either_api: Api) -> None:
    reply = either_api.create_anonymous(ip=VISITOR)

    assert reply.status == 201, reply.body
    number = reply.body["number"]
    assert reply.body == {
        "number": number,
        "status": {"code": "OPEN", "label": "Ouvert"},
        "recipient": SUPPORT,
        "message": f"Votre ticket n° {number} a été enregistré. Un courriel de confirmation a été envoyé à "
        f"{CONTACT} ; la réponse vous parviendra à cette adresse.",
    }
    detail = either_api.call("get_ticket", "lucas", number)
    assert detail.status == 200, detail.body
    ticket = detail.body
    assert ticket["anonymous"] is True
    assert ticket["status"] == {"code": "OPEN", "label": "Ouvert"}
    assert (ticket["recipient"]["kind"], ticket["recipient"]["id"], ticket["recipient"]["name"]) == (
        "TEAM",
        SUPPORT_TEAM_ID,
        SUPPORT,
    )
    assert (ticket["category"]["code"], ticket["subcategory"]["code"]) == ("FACTURES_EMISES", "FACTURE_BROUILLON")
    assert ticket["title"] == "Impossible d'enregistrer ma facture brouillon"
    assert ticket["emitter"]["siret"] is None
    assert ticket["emitter"]["contact_email"] == CONTACT
    assert [(h["action"]["code"], h["to_status"]["code"]) for h in ticket["history"]] == [("CREATE_AND_SUBMIT", "OPEN")]
    assert ticket["submitted_at"] is not None
    assert {a["code"] for a in ticket["allowed_actions"]} >= {"TAKE_IN_CHARGE", "ANSWER"}
    assert either_api.call("get_ticket", "marie", number).status == 404  # no connected emitter sees it


def test_a_non_connected_question_on_the_regulation_goes_to_the_justice_fee_office(api: Api) -> None:
    reply = api.create_anonymous(category="MEMOIRES_FRAIS_JUSTICE", subcategory="QUESTION_REGLEMENTATION")

    assert reply.status == 201, reply.body
    assert reply.body["recipient"] == JUSTICE_OFFICE
    detail = api.call("get_ticket", "emma", reply.body["number"])
    assert detail.status == 200
    assert detail.body["recipient"]["id"] == JUSTICE_FEE_OFFICE_ID
    assert api.call("get_ticket", "sophie", reply.body["number"]).status == 404


def needs_recipient(label: str) -> str:
    return (
        f"La sous-catégorie « {label} » nécessite un destinataire : elle n'est proposée qu'aux utilisateurs "
        "connectés. Choisissez une sous-catégorie adressée au support technique, ou connectez-vous."
    )


ALL_CONTENT_MISSING = {
    "category": "La catégorie est obligatoire.",
    "subcategory": "La sous-catégorie est obligatoire.",
    "contact_email": "L'adresse électronique de contact est obligatoire.",
    "title": "Le titre est obligatoire.",
    "description": "La description est obligatoire.",
}
# (overrides of the sample form, the errors expected); each request answers a challenge that does not
# exist: the refusal must come from the fields, before the captcha is looked at.
REFUSALS: dict[str, tuple[dict[str, Any], dict[str, str]]] = {
    "email malformed": (
        {"contact_email": "jeanne.martin.exemple.fr"},
        {"contact_email": "L'adresse électronique « jeanne.martin.exemple.fr » n'est pas valide."},
    ),
    "M- question to the invoice's recipient": (
        {"subcategory": "QUESTION_DESTINATAIRE_FACTURE"},
        {"subcategory": needs_recipient("M-Question pour le destinataire de ma facture")},
    ),
    "M- question to a public entity": (
        {"subcategory": "QUESTION_ENTITE_PUBLIQUE"},
        {"subcategory": needs_recipient("M-Question pour une entité publique")},
    ),
    "invoice rejection (object recipient)": (
        {"subcategory": "REJET_FACTURE"},
        {"subcategory": needs_recipient("Rejet d'une facture")},
    ),
    "M- memo revision": (
        {"category": "MEMOIRES_FRAIS_JUSTICE", "subcategory": "REVISION_MONTANT_MEMOIRE"},
        {"subcategory": needs_recipient("M-Révision du montant d'un mémoire")},
    ),
    "M- TIC refund rejected": (
        {"category": "REMBOURSEMENT_TIC", "subcategory": "QUESTION_DEMANDE_REJETEE"},
        {"subcategory": needs_recipient("M-Question sur une demande rejetée")},
    ),
    "unknown sub-category": (
        {"subcategory": "INCONNUE"},
        {"subcategory": "La sous-catégorie « INCONNUE » n'existe pas pour la catégorie « Factures émises »."},
    ),
    "unknown category": ({"category": "INCONNUE"}, {"category": "La catégorie « INCONNUE » n'existe pas."}),
    **{f"{name} missing": ({name: DROP}, {name: message}) for name, message in ALL_CONTENT_MISSING.items()},
    "title blank": ({"title": "   "}, {"title": "Le titre est obligatoire."}),
    "description null": ({"description": None}, {"description": "La description est obligatoire."}),
    "every field missing at once": (dict.fromkeys(ALL_CONTENT_MISSING, DROP), ALL_CONTENT_MISSING),
    "captcha id missing": (
        {"captcha_id": DROP},
        {"captcha_id": messages.CAPTCHA_ID_REQUIRED},
    ),
    "captcha answer missing": (
        {"captcha_answer": DROP},
        {"captcha_answer": messages.CAPTCHA_ANSWER_REQUIRED},
    ),
    "connected-only field": (
        {"emitter_siret": "53453679200011"},
        {"emitter_siret": "Le champ « emitter_siret » n'est pas autorisé ici."},
    ),
    "unknown field": ({"priorite": "haute"}, {"priorite": "Le champ « priorite » n'est pas autorisé ici."}),
    "title too long": (
        {"title": "x" * 151},
        {"title": "Le champ « titre / résumé » ne doit pas dépasser 150 caractères."},
    ),
    "captcha that does not exist": ({}, {"captcha_id": EXPIRED}),
    "captcha answer blank": ({"captcha_answer": "  "}, {"captcha_answer": messages.CAPTCHA_ANSWER_REQUIRED}),
    "everything missing at once, captcha included": (
        dict.fromkeys([*ALL_CONTENT_MISSING, "captcha_id", "captcha_answer"], DROP),
        {
            **ALL_CONTENT_MISSING,
            "captcha_id": messages.CAPTCHA_ID_REQUIRED,
            "captcha_answer": messages.CAPTCHA_ANSWER_REQUIRED,
        },
    ),
}


@pytest.mark.parametrize("case", list(REFUSALS))
def test_a_refused_form_is_answered_in_french_and_stores_nothing(api: Api, case: str) -> None:
    overrides, errors = REFUSALS[case]
    last = take_a_number(api)

    refused(api.create_anonymous(NO_CAPTCHA, **overrides), errors)

    assert_nothing_stored_since(api, last)
    assert api.artist.drawn == []


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/plain", "bonjour"),
        ("application/x-www-form-urlencoded", "title=Bonjour&captcha_answer=K7MPX"),
    ],
)
def test_a_form_not_sent_as_json_gives_415_and_stores_nothing(api: Api, content_type: str, body: str) -> None:
    last = take_a_number(api)

    reply = api.call("create_anonymous_ticket", None, raw_body=body, headers={"Content-Type": content_type})

    assert reply.status == 415, reply.body
    assert reply.body["code"] == "TYPE_DE_CONTENU_NON_PRIS_EN_CHARGE"
    assert reply.body["message"].startswith(f"Type de contenu « {content_type} » non pris en charge")
    assert_nothing_stored_since(api, last)


def test_a_body_that_is_not_an_object_gives_400(api: Api) -> None:
    reply = api.call("create_anonymous_ticket", None, raw_body="[]")

    assert reply.status == 400
    assert reply.body["code"] == "DONNEES_INVALIDES"
    assert [e["field"] for e in reply.body["errors"]] == ["body"]


# --------------------------------------------------------------------------------------- abuse limits
# tests/test_brakes.py: tickets filed and refused attempts counted apart, the 429 naming its limit.


# ---------------------------------------------------------------------------------------- status link
def link(api: Api, number: int, expires_at: datetime) -> str:
    return links.sign(api.signing_key.key(), number, expires_at)


def test_the_status_link_shows_what_the_visitor_may_see(either_api: Api) -> None:
    """Statuses and the texts addressed to the visitor; not the recipient's internal notes (taking in
    charge, assigning) nor the names of its agents."""
    created = either_api.create_anonymous()
    number = created.body["number"]
    steps = [
        ("take_in_charge", "lucas", {"comment": "Je prends ; voir avec Sophie."}),
        ("assign_ticket", "sophie", {"assignee_id": TEST_IDS["sophie"], "comment": "Je reprends ce ticket."}),
        ("answer", "sophie", {"text": "Le bouton fonctionne de nouveau : enregistrez votre facture."}),
    ]
    for route, user, body in steps:
        assert either_api.call(route, user, number, body=body).status == 200
    drawn = len(either_api.artist.drawn)

    reply = either_api.status(link(either_api, number, datetime.now(UTC) + timedelta(days=1)))

    assert reply.status == 200, reply.body
    assert reply.headers["Cache-Control"] == "no-store"
    assert reply.headers["Referrer-Policy"] == "no-referrer"
    view = reply.body
    assert (view["number"], view["status"], view["recipient"]) == (
        number,
        {"code": "RESOLVED", "label": "Résolu"},
        SUPPORT,
    )
    assert view["title"] == "Impossible d'enregistrer ma facture brouillon"
    assert (view["category"]["code"], view["subcategory"]["code"]) == ("FACTURES_EMISES", "FACTURE_BROUILLON")
    assert [(h["action"]["code"], h["status"]["code"], h["by"], h["text"]) for h in view["history"]] == [
        ("CREATE_AND_SUBMIT", "OPEN", "Vous", None),
        ("TAKE_IN_CHARGE", "IN_PROGRESS", SUPPORT, None),
        ("ASSIGN", "IN_PROGRESS", SUPPORT, None),
        ("ANSWER", "RESOLVED", SUPPORT, "Le bouton fonctionne de nouveau : enregistrez votre facture."),
    ]
    text = json.dumps(view, ensure_ascii=False)
    for private in ("Lucas", "Sophie", "Je prends", "Je reprends", TEST_IDS["lucas"], TEST_IDS["sophie"], CONTACT):
        assert private not in text
    assert len(either_api.artist.drawn) == drawn  # a status request never draws


def tampered(token: str) -> str:
    head, signature = token.rsplit(".", 1)
    return f"{head}.{('B' if signature[0] == 'A' else 'A')}{signature[1:]}"


def with_number(token: str, number: int) -> str:
    return f"{number}.{token.split('.', 1)[1]}"


def with_expiry(token: str, expires: int) -> str:
    number, _, signature = token.split(".")
    return f"{number}.{expires}.{signature}"


def test_a_link_is_worth_nothing_unless_signed_for_that_ticket_and_still_valid(api: Api, clock: Clock) -> None:
    """Anything but the exact link signed for a non-connected ticket, before it expires: the same 404, with
    no hint why. The link is the desk's own (``status_link_token``, what the mails carry)."""
    mine, other = (api.create_anonymous().body["number"] for _ in range(2))
    connected = take_a_number(api)
    lifetime = timedelta(days=load_settings(PublicSettings).status_link_days)
    expiry = clock.now + lifetime
    good = public_usecases.status_link_token(api.signing_key, mine, lifetime)
    assert good == link(api, mine, expiry)
    assert api.status(link(api, other, expiry)).body["number"] == other
    forged: dict[str, str] = {
        "tampered signature": tampered(good),
        "another ticket's number, same signature": with_number(good, other),
        "a later expiry, same signature": with_expiry(good, int(expiry.timestamp()) + 86400),
        "signed with another key": links.sign(FixedSigningKey(b"une-autre-cle").key(), mine, expiry),
        "expired": link(api, mine, clock.now - timedelta(seconds=1)),
        "expiring now": link(api, mine, clock.now),
        "a connected ticket": link(api, connected, expiry),
        "a ticket that does not exist": link(api, connected + 1000, expiry),
        "not a token": "bonjour",
        "number only": str(mine),
        "leading zero": f"0{good}",
        "signature cut": good[:-1],
        "signature too long": good + "A",
        "padded signature": good + "=",
        "empty parts": "..",
    }

    replies = {case: api.status(token) for case, token in forged.items()}

    assert {case: (r.status, r.body) for case, r in replies.items()} == dict.fromkeys(forged, (404, LINK_NOT_FOUND))
    assert api.status(good).body["number"] == mine
    clock.advance(seconds=lifetime.total_seconds() - 1)
    assert api.status(good).status == 200
    clock.advance(seconds=1)
    reply = api.status(good)
    assert (reply.status, reply.body) == (404, LINK_NOT_FOUND)
