"""The Step Functions adapter of the ``Workflow`` port: starts the inactivation state machine, one
execution per operation (named after it, so a start retried by botocore is the same execution)."""

from __future__ import annotations

import json
from typing import Any

from chorus_desk import messages
from chorus_desk.adapters import boto
from chorus_desk.adapters.boto import BotoCoreError, ClientError, Config
from chorus_desk.errors import StorageUnavailable


class StepFunctionsWorkflow:
    def __init__(self, state_machine_arn: str, client: Any | None = None) -> None:
        self._arn = state_machine_arn
        config = Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=2, read_timeout=5)
        self._client = client or boto.client("stepfunctions", config=config)

    def start(self, operation_id: str, payload: dict[str, str | None]) -> None:
        try:
            self._client.start_execution(stateMachineArn=self._arn, name=operation_id, input=json.dumps(payload))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ExecutionAlreadyExists":
                return  # a retried start of the same operation: it runs already
            raise StorageUnavailable(messages.OPERATION_NOT_STARTED) from exc
        except BotoCoreError as exc:
            raise StorageUnavailable(messages.OPERATION_NOT_STARTED) from exc
