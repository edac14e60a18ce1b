"""``PaymentRequests`` on DynamoDB: ``PAYMENTS#<emitter>`` / ``<TYPE>#<number>``, and GSI1
``PAYMENTS_TO#STRUCTURE#<siret>`` for the requests addressed to a structure."""

from __future__ import annotations

from chorus_desk.adapters.dynamodb.keys import payment_key, payments_to_pk
from chorus_desk.adapters.dynamodb.table import Table, from_item, to_item
from chorus_desk.models import ObjectType, PaymentRequest


class DynamoPayments:
    """``PaymentRequests``: ``PAYMENTS#<emitter>`` / ``<TYPE>#<number>``."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def load_payment_request(self, emitter_siret: str, object_type: ObjectType, number: str) -> PaymentRequest | None:
        """One payment request of an emitter, by type and number (GetItem): absent, of another type or of
        another emitter all read as "no such request"."""
        item = self._table.get(payment_key(emitter_siret, object_type, number), consistent=True)
        return PaymentRequest.model_validate(item) if item else None

    def received_by(self, siret: str, limit: int) -> list[PaymentRequest]:
        """The first ``limit`` requests addressed to the structure: one page of GSI1 ``PAYMENTS_TO#``. A
        moved request leaves that partition, so calling again after moving a batch gives the next one."""
        page = self._table.call(
            "query",
            TableName=self._table.name,
            IndexName="GSI1",
            KeyConditionExpression="GSI1PK = :pk",
            ExpressionAttributeValues=to_item({":pk": payments_to_pk(siret)}),
            Limit=limit,
        )
        return [PaymentRequest.model_validate(from_item(i)) for i in page.get("Items", [])]

    def redirect(self, payment: PaymentRequest, to_siret: str) -> bool:
        result = self._table.conditional(
            "update_item",
            Key=to_item(payment_key(payment.emitter_siret, payment.object_type, payment.number)),
            UpdateExpression="SET recipient_siret = :to, GSI1PK = :pk REMOVE recipient_service",
            ConditionExpression="recipient_siret = :from",
            ExpressionAttributeValues=to_item(
                {":to": to_siret, ":pk": payments_to_pk(to_siret), ":from": payment.recipient_siret}
            ),
        )
        return result is not None
