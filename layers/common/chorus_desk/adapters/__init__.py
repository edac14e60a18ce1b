"""Adapters of the ports (``chorus_desk.ports``): one module per outside service.

``dynamodb`` is the only module of the product that imports boto3 / botocore (a test walks the imports to
keep it so); ``memory`` implements the same ports in process for fast tests and tools. A new AWS service
gets its own module here (``s3``, ``ses``, ``stepfunctions``…) next to its in-memory twin.
"""
