"""The S3 adapter of the ``FileStorage`` port: presigned POST forms and GET links, and what the
post-upload check reads (size, first bytes) and does (move an accepted upload, delete a refused one)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from chorus_desk import messages
from chorus_desk.adapters import boto
from chorus_desk.adapters.boto import BotoCoreError, ClientError, Config
from chorus_desk.errors import StorageUnavailable
from chorus_desk.models import utc_now
from chorus_desk.ports import UploadForm


def _seconds_until(moment: datetime) -> int:
    return max(1, int((moment - utc_now()).total_seconds()))


def _missing(exc: ClientError) -> bool:
    """S3's answers for an object that is not there (HeadObject says 404, GetObject NoSuchKey)."""
    return exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound")


def default_client() -> Any:
    """An S3 client with short timeouts and bounded retries (endpoint from AWS_ENDPOINT_URL if set)."""
    config = Config(
        retries={"max_attempts": 3, "mode": "standard"},
        connect_timeout=2,
        read_timeout=10,
        signature_version="s3v4",  # presigned POST policies and GET links are SigV4 in every region
    )
    return boto.client("s3", config=config)


class S3Files:
    def __init__(self, bucket: str, client: Any | None = None) -> None:
        self._bucket = bucket
        self._client = client or default_client()

    def _call(self, operation: str, **kwargs: Any) -> Any:
        try:
            return getattr(self._client, operation)(Bucket=self._bucket, **kwargs)
        except (ClientError, BotoCoreError) as exc:
            raise StorageUnavailable(messages.FILES_UNAVAILABLE) from exc

    def upload_form(self, key: str, content_type: str, size: int, expires_at: datetime) -> UploadForm:
        try:
            post = self._client.generate_presigned_post(
                Bucket=self._bucket,
                Key=key,
                Fields={"Content-Type": content_type},
                Conditions=[
                    {"bucket": self._bucket},
                    {"Content-Type": content_type},
                    ["content-length-range", size, size],  # exactly the declared size
                ],
                ExpiresIn=_seconds_until(expires_at),
            )
        except (ClientError, BotoCoreError) as exc:
            raise StorageUnavailable(messages.FILES_UNAVAILABLE) from exc
        return UploadForm(url=post["url"], fields=dict(post["fields"]), expires_at=expires_at)

    def size_of(self, key: str) -> int | None:
        try:
            head = self._client.head_object(Bucket=self._bucket, Key=key)
        except ClientError as exc:
            if _missing(exc):
                return None
            raise StorageUnavailable(messages.FILES_UNAVAILABLE) from exc
        except BotoCoreError as exc:
            raise StorageUnavailable(messages.FILES_UNAVAILABLE) from exc
        return int(head["ContentLength"])

    def first_bytes(self, key: str, count: int) -> bytes:
        body = self._call("get_object", Key=key, Range=f"bytes=0-{count - 1}")["Body"]
        return bytes(body.read())

    def move(self, source: str, target: str) -> None:
        self._call("copy_object", Key=target, CopySource={"Bucket": self._bucket, "Key": source})
        self._call("delete_object", Key=source)

    def delete(self, keys: Iterable[str]) -> None:
        batch = [{"Key": k} for k in keys]
        for start in range(0, len(batch), 1000):
            self._call("delete_objects", Delete={"Objects": batch[start : start + 1000], "Quiet": True})

    def delete_prefix(self, prefix: str) -> None:
        token: dict[str, str] = {}
        while True:
            page = self._call("list_objects_v2", Prefix=prefix, **token)
            self.delete(o["Key"] for o in page.get("Contents", []))
            if not page.get("IsTruncated"):
                return
            token = {"ContinuationToken": page["NextContinuationToken"]}

    def download_link(self, key: str, disposition: str, content_type: str, expires_at: datetime) -> str:
        try:
            return str(
                self._client.generate_presigned_url(
                    "get_object",
                    Params={
                        "Bucket": self._bucket,
                        "Key": key,
                        "ResponseContentDisposition": disposition,
                        "ResponseContentType": content_type,
                    },
                    ExpiresIn=_seconds_until(expires_at),
                )
            )
        except (ClientError, BotoCoreError) as exc:
            raise StorageUnavailable(messages.FILES_UNAVAILABLE) from exc

    def read(self, key: str) -> bytes | None:
        try:
            body = self._client.get_object(Bucket=self._bucket, Key=key)["Body"]
            return bytes(body.read())
        except ClientError as exc:
            if _missing(exc):
                return None
            raise StorageUnavailable(messages.FILES_UNAVAILABLE) from exc
        except BotoCoreError as exc:
            raise StorageUnavailable(messages.FILES_UNAVAILABLE) from exc

    def write(self, key: str, data: bytes, content_type: str, disposition: str) -> None:
        self._call("put_object", Key=key, Body=data, ContentType=content_type, ContentDisposition=disposition)
