"""« Rechercher » a recipient structure: GET /structures through the real handler, on the in-memory ports and on
DynamoDB (moto), over the tests' world (tests/fixtures.py) and the few structures each test adds here.

What holds: words of the designation are found with accents and case folded, each typed word a prefix of a word;
a SIRET or SIREN prefix, a postcode prefix and a town find theirs; only public structures active in Chorus Pro
are found, and an activation, an inactivation or a rename shows at once; pages follow each other by the cursor
with no structure twice and none missed, each page one Query on the index; bad input is a French 400 with
nothing read or written; any signed-in user gets the same answer.
"""

from __future__ import annotations

from typing import Any

import pytest

from chorus_desk.models import Service, Structure
from chorus_desk.ports import Ports
from tests import fixtures
from tests.support import Api, CallLog, Reply

ELECTRICITY = Structure(
    siret="21380001700019",
    designation="Régie d'ÉLECTRICITÉ de Vienne",
    public=True,
    postcode="38200",
    town="Vienne",
    services=(Service(code="FACT", name="Facturation"), Service(code="ACH", name="Achats")),
)
SAINTE_MARIE = Structure(  # two words beginning with « saint »: found once
    siret="21970001300015",
    designation="Commune de Sainte-Marie-Saint-Pierre",
    public=True,
    postcode="97230",
    town="Sainte-Marie",
)
TOWNS = 23  # structures sharing the word « testville », to page through
TESTVILLE = [
    Structure(
        siret=f"2999000{i:07d}",
        designation=f"Syndicat intercommunal de Testville numéro {i}",
        public=True,
        postcode=f"{10000 + i}",
        town="Testville",
    )
    for i in range(TOWNS)
]
PRIVATE_TESTVILLE = Structure(siret="39990000000001", designation="Testville Services SARL", public=False)


def seed(ports: Ports) -> None:
    ports.reference.put_reference_data(structures=[ELECTRICITY, SAINTE_MARIE, *TESTVILLE, PRIVATE_TESTVILLE])


@pytest.fixture(params=["api", "aws_api"])
def desk(request: pytest.FixtureRequest) -> Api:
    """The real handler on the in-memory ports, then on DynamoDB (moto)."""
    api: Api = request.getfixturevalue(request.param)
    seed(api.ports)
    return api


def search(api: Api, user: str | None = "marie", **query: str) -> Reply:
    return api.call("search_structures", user, query=query)


def found(reply: Reply) -> list[str]:
    assert reply.status == 200, reply.body
    return [s["siret"] for s in reply.body["structures"]]


def all_pages(api: Api, user: str = "marie", **query: str) -> tuple[list[str], int]:
    """Every structure the search finds, page after page (by the cursor); and how many pages it took."""
    sirets: list[str] = []
    pages = 0
    cursor: str | None = None
    while True:
        reply = search(api, user, **query, **({"cursor": cursor} if cursor else {}))
        sirets += found(reply)
        pages += 1
        cursor = reply.body["next_cursor"]
        if cursor is None:
            return sirets, pages
        assert pages < 100


# ------------------------------------------------------------------------------------------------- words
def test_accents_and_case_are_folded(desk: Api) -> None:
    for typed in ("electricite", "ÉLECTRICITÉ", "Electricité", "régie ELEC"):
        assert found(search(desk, name=typed)) == [ELECTRICITY.siret], typed


def test_each_word_may_be_the_beginning_of_a_word(desk: Api) -> None:
    assert found(search(desk, name="comm saint-lé")) == [fixtures.SAINT_LEGER]
    assert found(search(desk, name="centre hosp vien")) == [fixtures.CH_VIENNE]
    # Every word must be found: a word of no designation finds nothing.
    assert found(search(desk, name="commune de vienne")) == []
    # The word « leg » begins « Léger »; « eger » begins no word.
    assert found(search(desk, name="eger")) == []


def test_a_result_carries_its_address_and_services(desk: Api) -> None:
    reply = search(desk, name="saint leger")
    commune = fixtures.STRUCTURES[fixtures.SAINT_LEGER]
    assert reply.body["structures"] == [
        {
            "siret": commune.siret,
            "designation": commune.designation,
            "postcode": commune.postcode,
            "town": commune.town,
            "services": [{"code": s.code, "name": s.name} for s in sorted(commune.services, key=lambda s: s.code)],
        }
    ]
    assert [s["code"] for s in search(desk, name="electricite").body["structures"][0]["services"]] == ["ACH", "FACT"]


def test_a_structure_with_two_words_beginning_alike_is_found_once(desk: Api) -> None:
    sirets, _ = all_pages(desk, name="saint", size="1")
    assert sorted(sirets) == sorted({fixtures.SAINT_LEGER, SAINTE_MARIE.siret})
    assert found(search(desk, name="sainte")) == [SAINTE_MARIE.siret]


# ----------------------------------------------------------------------------- SIRET, postcode and town
def test_a_siret_or_siren_prefix(desk: Api) -> None:
    commune = fixtures.SAINT_LEGER
    assert found(search(desk, siret=commune)) == [commune]
    assert found(search(desk, siret=commune[:9])) == [commune]  # the SIREN
    assert found(search(desk, siret="217 690 015")) == [commune]  # as it is often written
    listed = [*fixtures.STRUCTURES.values(), ELECTRICITY, SAINTE_MARIE, *TESTVILLE, PRIVATE_TESTVILLE]
    for prefix in ("213", "2135", "21380001700019", "29990"):
        expected = sorted(s.siret for s in listed if s.public and s.active and s.siret.startswith(prefix))
        sirets, _ = all_pages(desk, siret=prefix)
        assert sorted(sirets) == expected, prefix
        assert expected, prefix  # each prefix finds something in the tests' world


def test_a_postcode_or_a_town(desk: Api) -> None:
    # Lyon (69): the DDFiP; the Menuiserie Dupont there is private.
    assert found(search(desk, postcode="69")) == [fixtures.DDFIP]
    assert found(search(desk, postcode="69003")) == [fixtures.DDFIP]
    assert found(search(desk, town="lyon")) == [fixtures.DDFIP]
    assert sorted(found(search(desk, town="VIENNE"))) == sorted([fixtures.CH_VIENNE, ELECTRICITY.siret])
    assert found(search(desk, town="saint leger du")) == [fixtures.SAINT_LEGER]
    assert found(search(desk, postcode="38200", name="regie")) == [ELECTRICITY.siret]
    assert found(search(desk, town="vienne", name="hospitalier")) == [fixtures.CH_VIENNE]


def test_private_and_inactive_structures_are_not_found(desk: Api) -> None:
    assert found(search(desk, name="menuiserie")) == []  # private
    assert found(search(desk, siret=fixtures.DUPONT)) == []
    assert found(search(desk, name="regie des eaux")) == []  # inactive
    assert found(search(desk, postcode="73000")) == []  # Chambéry: one private, one inactive
    sirets, _ = all_pages(desk, name="testville", size="50")
    assert PRIVATE_TESTVILLE.siret not in sirets


# ---------------------------------------------------------------------------------- the index follows
def test_an_inactivation_and_an_activation_show_at_once(desk: Api) -> None:
    commune = fixtures.SAINT_LEGER
    assert desk.ports.reference.set_structure_active(commune, False)
    for query in ({"name": "saint leger"}, {"siret": commune}, {"postcode": "76160"}, {"town": "saint leger"}):
        assert found(search(desk, **query)) == [], query
    assert desk.ports.reference.set_structure_active(commune, True)
    for query in ({"name": "saint leger"}, {"siret": commune}, {"postcode": "76160"}, {"town": "saint leger"}):
        assert found(search(desk, **query)) == [commune], query
    # The régie, inactive, activated: found; its services and address with it.
    assert desk.ports.reference.set_structure_active(fixtures.INACTIVE, True)
    assert found(search(desk, name="ancienne regie")) == [fixtures.INACTIVE]
    assert not desk.ports.reference.set_structure_active(fixtures.INACTIVE, True)  # already active


def test_a_renamed_or_moved_structure_is_found_by_its_new_data_only(desk: Api) -> None:
    renamed = ELECTRICITY.model_copy(
        update={"designation": "Énergies de Vienne Condrieu", "postcode": "38000", "town": "Grenoble", "services": ()}
    )
    desk.ports.reference.put_reference_data(structures=[renamed])
    assert found(search(desk, name="electricite")) == []
    assert found(search(desk, postcode="38200")) == [fixtures.CH_VIENNE]
    assert found(search(desk, name="energies condrieu")) == [ELECTRICITY.siret]
    assert search(desk, town="grenoble").body["structures"][0]["services"] == []
    private = ELECTRICITY.model_copy(update={"public": False})
    desk.ports.reference.put_reference_data(structures=[private])
    assert found(search(desk, siret=ELECTRICITY.siret)) == []


def test_an_activation_that_meets_a_rename_writes_the_new_names_entries(aws_api: Api) -> None:
    """DynamoDB: the structure is renamed between the activation's read and its transaction; the transaction,
    conditioned on the digest of the entries, fails and the activation reads the structure again."""
    seed(aws_api.ports)
    commune = fixtures.SAINT_LEGER
    assert aws_api.ports.reference.set_structure_active(commune, False)
    table = aws_api.ports.reference._table  # type: ignore[attr-defined]
    real = table.transact
    renamed = fixtures.STRUCTURES[commune].model_copy(update={"designation": "Mairie de Bourg-Denis", "active": False})

    def rename_first(items: list[dict[str, Any]], token: str) -> str:
        table.transact = real
        aws_api.ports.reference.put_reference_data(structures=[renamed])
        return str(real(items, token))

    table.transact = rename_first
    assert aws_api.ports.reference.set_structure_active(commune, True)
    assert found(search(aws_api, name="saint leger")) == []
    assert found(search(aws_api, name="mairie bourg")) == [commune]


# ----------------------------------------------------------------------------------------------- paging
@pytest.mark.parametrize("size", ["1", "5", "10", "23", "50"])
def test_pages_follow_each_other_with_no_structure_twice_and_none_missed(desk: Api, size: str) -> None:
    expected = sorted(s.siret for s in TESTVILLE)
    sirets, pages = all_pages(desk, name="testville", size=size)
    assert sorted(sirets) == expected
    assert len(sirets) == len(set(sirets))
    assert pages <= TOWNS // int(size) + 1
    filtered, _ = all_pages(desk, name="testville numero", town="testv", size=size)
    assert sorted(filtered) == expected


def test_a_cursor_only_continues_its_own_search(desk: Api) -> None:
    first = search(desk, name="testville", size="5")
    cursor = first.body["next_cursor"]
    assert cursor
    other = search(desk, name="syndicat", size="5", cursor=cursor)
    assert other.status == 400 and other.body["errors"][0]["field"] == "cursor"
    forged = search(desk, name="testville", size="5", cursor="bm90LWEtY3Vyc29y")
    assert forged.status == 400 and forged.body["errors"][0]["field"] == "cursor"


@pytest.fixture
def index_queries(aws: CallLog) -> list[dict[str, Any]]:
    """The Queries the ports make on the directory's index (partitions ``DIR#``)."""
    made: list[dict[str, Any]] = []

    def record(params: dict[str, Any], **_: Any) -> None:
        values = params.get("ExpressionAttributeValues", {})
        if str(values.get(":pk", {}).get("S", "")).startswith("DIR#"):
            made.append(params)

    aws.client.meta.events.register("provide-client-params.dynamodb.Query", record)
    return made


def test_each_page_is_one_query_on_the_index(aws_api: Api, aws: CallLog, index_queries: list[dict[str, Any]]) -> None:
    seed(aws_api.ports)
    for query in ({"name": "testville"}, {"name": "testville numero", "town": "testville"}, {"postcode": "100"}):
        cursor: str | None = None
        while True:
            index_queries.clear()
            aws.operations.clear()
            reply = search(aws_api, **query, size="5", **({"cursor": cursor} if cursor else {}))
            assert reply.status == 200, reply.body
            assert len(index_queries) == 1, query
            assert index_queries[0]["Limit"] <= 200
            assert set(aws.operations) <= {"Query"}  # the caller's profile and the index: nothing else
            cursor = reply.body["next_cursor"]
            if cursor is None:
                break


# ------------------------------------------------------------------------------------------- bad input
BAD: list[tuple[dict[str, str], str]] = [
    ({}, "criteria"),
    ({"size": "5"}, "criteria"),
    ({"name": "a"}, "name"),
    ({"name": "- ' ."}, "name"),
    ({"name": "x" * 151}, "name"),
    ({"siret": "2176900150001A"}, "siret"),
    ({"siret": "21"}, "siret"),
    ({"siret": "217690015000111"}, "siret"),
    ({"postcode": "7"}, "postcode"),
    ({"postcode": "7500A"}, "postcode"),
    ({"town": "y"}, "town"),
    ({"name": "commune", "size": "0"}, "size"),
    ({"name": "commune", "size": "51"}, "size"),
    ({"name": "commune", "size": "dix"}, "size"),
    ({"name": "commune", "cursor": "%%%"}, "cursor"),
    ({"name": "commune", "designation": "commune"}, "designation"),
]


@pytest.mark.parametrize(("query", "field"), BAD)
def test_bad_input_is_a_french_400_naming_the_field(api: Api, query: dict[str, str], field: str) -> None:
    seed(api.ports)
    reply = search(api, **query)
    assert reply.status == 400, reply.body
    assert reply.body["code"] == "DONNEES_INVALIDES"
    assert field in [e["field"] for e in reply.body["errors"]]
    assert all(e["message"][0].isupper() and e["message"].endswith(".") for e in reply.body["errors"])


def test_bad_input_reads_and_writes_nothing_on_the_table(aws_api: Api, aws: CallLog) -> None:
    """The same requests on DynamoDB: each refused before the index is read; nothing written."""
    seed(aws_api.ports)
    for query, _ in BAD:
        aws.operations.clear()
        assert search(aws_api, **query).status == 400
        assert set(aws.operations) <= {"Query"} and len(aws.operations) <= 1, aws.operations  # the caller only


# ------------------------------------------------------------------------------------------- who asks
def test_a_signed_in_user_of_any_organisation_gets_the_same_answer(desk: Api) -> None:
    """Public data: Nora (a bakery), Claire (the commune itself), Sophie (the support) and Marie read the same."""
    for query in ({"name": "saint"}, {"town": "vienne"}, {"siret": "217"}):
        answers = {user: search(desk, user, **query) for user in ("marie", "nora", "claire", "sophie")}
        bodies = [a.body for a in answers.values()]
        assert all(b == bodies[0] for b in bodies), query


def test_nobody_signed_in_gets_401(desk: Api) -> None:
    reply = search(desk, None, name="saint leger")
    assert reply.status == 401
