"""Command line of the local stack.

python -m local_stack serve [--port 3000]      start the stack with demo data (Ctrl-C stops it)
python -m local_stack token marie              print an IdToken for a demo user of the running stack
python -m local_stack openapi [--check]        write (or check) docs/openapi.json
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from pathlib import Path
from typing import Any

from local_stack.template import ROOT, Resolver, load_template, resources_of_type

DEFAULT_STATE = ROOT / ".local-stack" / "state.json"
OPENAPI_PATH = ROOT / "docs" / "openapi.json"


def _local_environment() -> dict[str, str]:
    return {
        "POWERTOOLS_TRACE_DISABLED": "true",  # no X-Ray daemon here
        "POWERTOOLS_METRICS_DISABLED": "true",  # EMF lines would only clutter the console
    }


def serve(args: argparse.Namespace) -> int:
    import logging

    from moto.server import ThreadedMotoServer
    from werkzeug.serving import make_server

    from local_stack import aws
    from local_stack.template import prepare_environment

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # the gateway prints its own access log
    template = load_template()
    # The functions' environment first: the domain package reads it when it is imported.
    resolver = Resolver(template, parameters={"Stage": "dev"}, names=dict(aws.LOCAL_NAMES))
    prepare_environment(template, resolver)
    os.environ.update(_local_environment())
    os.environ["POWERTOOLS_LOG_LEVEL"] = args.log_level
    moto_port = aws.free_port()
    endpoint = f"http://127.0.0.1:{moto_port}"
    os.environ["MOTO_PORT"] = str(moto_port)  # moto's Step Functions interpreter calls back on this port
    aws.serialize_dynamodb_writes()
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=moto_port, verbose=False)
    moto.start()
    state_file: Path = args.state_file
    try:
        aws.use_dummy_credentials(endpoint)
        aws.create_tables(template, resolver, endpoint)
        identities = aws.create_identities(template, resolver, endpoint)

        from chorus_desk import bootstrap
        from local_stack import demo
        from local_stack.gateway import CognitoVerifier, Gateway
        from local_stack.openapi import build_document

        user_ids = {
            u.alias: aws.ensure_user(identities.user_pool_id, u.email, u.name, demo.DEMO_PASSWORD, aws.REGION)
            for u in demo.USERS
        }
        demo.seed_directory(bootstrap.ports(), user_ids)
        numbers = demo.seed_tickets(bootstrap.ports(), user_ids) if args.demo_tickets else []

        import urllib.request

        with urllib.request.urlopen(f"{endpoint}/{identities.user_pool_id}/.well-known/jwks.json") as reply:
            jwks = json.load(reply)
        verifier = CognitoVerifier(
            jwks, f"https://cognito-idp.{aws.REGION}.amazonaws.com/{identities.user_pool_id}", identities.client_id
        )
        ((_, api_spec),) = resources_of_type(template, "AWS::Serverless::Api").items()
        gateway = Gateway(template, resolver.resolve(api_spec["Properties"]), verifier, build_document(template), "dev")
        server = make_server(args.host, args.port, gateway, threaded=True)
        api_url = f"http://{args.host}:{server.server_port}"
        state_file.parent.mkdir(parents=True, exist_ok=True)
        state_file.write_text(
            json.dumps(
                {
                    "api": api_url,
                    "aws_endpoint": endpoint,
                    "user_pool_id": identities.user_pool_id,
                    "client_id": identities.client_id,
                    "password": demo.DEMO_PASSWORD,
                    "users": {u.alias: u.email for u in demo.USERS},
                },
                indent=2,
            )
        )
        # Ctrl-C (SIGINT) and SIGTERM stop the stack cleanly, even when a shell started it in the
        # background with SIGINT ignored; installed before "Ready." so no signal can slip in between.
        signal.signal(signal.SIGINT, _interrupt)
        signal.signal(signal.SIGTERM, _interrupt)
        try:
            _banner(api_url, endpoint, numbers, state_file)
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
    finally:
        moto.stop()
        state_file.unlink(missing_ok=True)
    print("Local stack stopped.", flush=True)
    return 0


def _interrupt(_signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt


def _banner(api_url: str, endpoint: str, numbers: list[int], state_file: Path) -> None:
    from local_stack import demo

    lines = [
        "",
        "Chorus Pro support desk – local stack",
        f"  API            {api_url}",
        f"  Swagger UI     {api_url}/docs   (OpenAPI: {api_url}/openapi.json)",
        f"  Embedded AWS   {endpoint}   (moto: DynamoDB, Cognito)",
        f"  Demo tickets   {', '.join(f'n° {n}' for n in numbers) or 'none'}",
        "",
        f"Demo users (password {demo.DEMO_PASSWORD}):",
    ]
    lines += [f"  {u.alias:<7} {u.email:<45} {u.summary}" for u in demo.USERS]
    state_arg = "" if state_file == DEFAULT_STATE else f" --state-file {state_file}"
    lines += [
        "",
        "Get a token for a user (IdToken, valid 1 h), then call the API:",
        f"  TOKEN=$(.venv/bin/python -m local_stack token marie{state_arg})",
        f'  curl -s -H "Authorization: $TOKEN" {api_url}/me',
        "",
        "Ready. Ctrl-C stops the stack (all data is in memory and goes with it).",
    ]
    print("\n".join(lines), flush=True)


def token(args: argparse.Namespace) -> int:
    from local_stack import aws

    if not args.state_file.exists():
        print("The local stack is not running: start it with `make dev`.", file=sys.stderr)
        return 1
    state: dict[str, Any] = json.loads(args.state_file.read_text())
    email = state["users"].get(args.user, args.user)
    if email not in state["users"].values():
        print(f"Unknown demo user {args.user!r}; choose among: {', '.join(state['users'])}.", file=sys.stderr)
        return 1
    identities = aws.Identities(user_pool_id=state["user_pool_id"], client_id=state["client_id"])
    print(aws.id_token(state["aws_endpoint"], identities, email, args.password or state["password"]))
    return 0


def openapi(args: argparse.Namespace) -> int:
    from local_stack.openapi import build_document, render
    from local_stack.template import prepare_environment

    template = load_template()
    os.environ.update(_local_environment())
    os.environ.setdefault("AWS_DEFAULT_REGION", "eu-west-3")
    prepare_environment(template, Resolver(template, parameters={"Stage": "dev"}))
    text = render(build_document(template))
    if args.check:
        if not OPENAPI_PATH.exists() or OPENAPI_PATH.read_text(encoding="utf-8") != text:
            print(f"{OPENAPI_PATH.relative_to(ROOT)} is out of date: run `make openapi`.", file=sys.stderr)
            return 1
        print(f"{OPENAPI_PATH.relative_to(ROOT)} is up to date.")
        return 0
    OPENAPI_PATH.parent.mkdir(parents=True, exist_ok=True)
    OPENAPI_PATH.write_text(text, encoding="utf-8")
    print(f"wrote {OPENAPI_PATH.relative_to(ROOT)}")
    return 0


def seed_demo(args: argparse.Namespace) -> int:
    """Demo structures, support team, users (Cognito) and memberships in a deployed stack, to try it."""
    from chorus_desk.adapters.dynamodb import dynamodb_ports
    from local_stack import aws, demo

    password = args.password or demo.DEMO_PASSWORD
    user_ids = {u.alias: aws.ensure_user(args.user_pool_id, u.email, u.name, password, args.region) for u in demo.USERS}
    demo.seed_directory(dynamodb_ports(args.table_name), user_ids)
    print(
        f"Seeded {len(demo.STRUCTURES)} structures, the support team and {len(user_ids)} users "
        f"(password {password!r}) into {args.table_name}."
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m local_stack", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    p_serve = commands.add_parser("serve", help="start the local stack with demo data")
    p_serve.add_argument("--host", default="127.0.0.1")
    p_serve.add_argument("--port", type=int, default=3000)
    p_serve.add_argument("--state-file", type=Path, default=DEFAULT_STATE)
    p_serve.add_argument("--log-level", default="WARNING", help="handlers' log level (INFO shows every action)")
    p_serve.add_argument("--no-demo-tickets", dest="demo_tickets", action="store_false")
    p_serve.set_defaults(run=serve)
    p_token = commands.add_parser("token", help="print an IdToken for a demo user of the running stack")
    p_token.add_argument("user", help="demo alias (marie, sophie, …) or e-mail")
    p_token.add_argument("--password")
    p_token.add_argument("--state-file", type=Path, default=DEFAULT_STATE)
    p_token.set_defaults(run=token)
    p_openapi = commands.add_parser("openapi", help="write docs/openapi.json from the code")
    p_openapi.add_argument("--check", action="store_true", help="fail if docs/openapi.json differs from the code")
    p_openapi.set_defaults(run=openapi)
    p_seed = commands.add_parser("seed-demo", help="put the demo users and structures into a deployed stack")
    p_seed.add_argument("--table-name", required=True, help="the stack's TableName output")
    p_seed.add_argument("--user-pool-id", required=True, help="the stack's UserPoolId output")
    p_seed.add_argument("--region", default=os.environ.get("AWS_REGION", "eu-west-3"))
    p_seed.add_argument("--password", help="password of the demo users (default: the local stack's)")
    p_seed.set_defaults(run=seed_demo)
    args = parser.parse_args(argv)
    from local_stack.template import use_layers

    use_layers(load_template())
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
