"""The local stack: the API of template.yaml served on 127.0.0.1 without Docker.

The handlers named in template.yaml run in-process; the AWS services they call (DynamoDB, Cognito, SES,
Secrets Manager, SQS) are an embedded moto server; requests go through a local stand-in for API Gateway
that reads the routes, the CORS settings, the gateway responses and the Cognito authorizer from the same
template, and the functions fed by the table's stream (mail) get its records from a local event source
mapping (streams.py). The template's state machines run in moto's Step Functions interpreter, their Lambda
tasks calling the real handlers in-process (workflows.py). The routes under /_local/ (local_routes.py) exist
only here.
"""
