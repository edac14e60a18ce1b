"""The HTTP contract, one module per resource: request models (strict, no unknown field) and the views the
API answers with, mapped from the domain. Documented in docs/openapi.json."""
