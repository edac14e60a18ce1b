"""Adapters of the ports (``chorus_desk.ports``): one module or package per outside service.

This package is the only part of the product that imports boto3 / botocore, and boto3 itself only in ``boto``
(its clients, the region, DynamoDB's serialisers): tests/test_architecture.py walks the imports to keep it so.
``dynamodb`` is a package with one module per port, its key layout (``keys``) and its table wrapper (``table``);
``memory`` implements the same ports in process for fast tests and tools, mirrored module for module. A new AWS
service gets its own module here (``s3``, ``ses``, ``stepfunctions``…) next to its in-memory twin.
"""
