"""Command line of the local stack.

python -m local_stack serve [--port 3000]      start the stack with demo data (Ctrl-C stops it)
python -m local_stack token marie              print an IdToken for a demo user of the running stack
python -m local_stack mail [--last 3]          print the mails the running stack sent (SES), with their text
python -m local_stack events [--last 3]        print the events it put on its buses (the tickets' lifecycle)
python -m local_stack tick [--days 16]         run the schedules once in the running stack (at now, --now, +days)
python -m local_stack chat marie               the live chat from a terminal, as a demo user (an agent: sophie)
python -m local_stack openapi [--check]        write (or check) docs/openapi.json
python -m local_stack asyncapi [--check]       write (or check) docs/asyncapi.yaml (the live chat's protocol)
"""

from __future__ import annotations

import argparse
import errno
import json
import logging
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from local_stack.template import ROOT, Resolver, load_template, resources_of_type

DEFAULT_STATE = ROOT / ".local-stack" / "state.json"
LOCAL_CHAT_API = "localchat0"  # the local WebSocket API's id (what Ref ChatApi gives here)
# The WebSocket port: the API's + 100 (a second stack is suggested the API's port + 1: they never meet).
CHAT_PORT_OFFSET = 100
LOCAL_CHAT_HOURS = "1-7 00:00-24:00"  # the local chat answers every day, every hour (agents still say « disponible »)
OPENAPI_PATH = ROOT / "docs" / "openapi.json"


def _local_environment() -> dict[str, str]:
    return {
        "POWERTOOLS_TRACE_DISABLED": "true",  # no X-Ray daemon here
        "POWERTOOLS_METRICS_DISABLED": "true",  # EMF lines would only clutter the console
    }


def _functions_environment(template: dict[str, Any], resolver: Resolver, log_level: str) -> None:
    """The functions' environment as the template gives it, with the local stack's settings on top."""
    from local_stack.template import prepare_environment

    prepare_environment(template, resolver)
    os.environ.update(_local_environment())
    os.environ["POWERTOOLS_LOG_LEVEL"] = log_level


class StateError(Exception):
    """The state file cannot be read or does not describe a stack (one line for the user)."""


def read_state(path: Path) -> dict[str, Any] | None:
    """The state a running stack wrote, None if there is no state file."""
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as error:
        raise StateError(f"cannot read {path}: {error}") from None
    except json.JSONDecodeError as error:
        raise StateError(f"{path} is not JSON ({error})") from None
    needed = ("api", "aws_endpoint", "user_pool_id", "client_id", "password", "users")
    if not isinstance(state, dict) or not all(k in state for k in needed) or not isinstance(state["users"], dict):
        raise StateError(f"{path} does not describe a local stack")
    return state


def running(state: dict[str, Any]) -> bool:
    """Whether the process that wrote the state still runs: its pid answers signal 0 and, where /proc tells,
    it started when the state says (a pid can be reused)."""
    pid = state.get("pid")
    if not isinstance(pid, int) or pid <= 0 or pid == os.getpid():
        return False  # no pid (an older version wrote it), or this very process, which has not written it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # another user's process
    started = _start_time(pid)
    return started is None or state.get("started") in (None, started)


def _start_time(pid: int) -> int | None:
    """When the process started, in clock ticks since boot (/proc/<pid>/stat), None without /proc."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[19])


def _listen(host: str, port: int) -> socket.socket:
    """The API's listening socket, bound before anything starts: a busy port fails at once, in one line."""
    from werkzeug.serving import select_address_family

    try:
        return socket.create_server((host, port), family=select_address_family(host, port), backlog=128)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise SystemExit(
                f"Port {port} is already in use (another local stack?): stop it, or choose another port, "
                f"e.g. make dev PORT={port + 1} STATE=.local-stack/state-{port + 1}.json"
            ) from None
        raise SystemExit(f"Cannot listen on {host}:{port}: {error.strerror or error}") from None


def _claim_state_file(path: Path) -> None:
    """Refuse a state file of a running stack; say so when replacing one left by a stack that is gone."""
    try:
        state = read_state(path)
    except StateError as error:
        print(f"Replacing an unreadable state file ({error}).", file=sys.stderr, flush=True)
        return
    if state is None:
        return
    if running(state):
        raise SystemExit(
            f"Another local stack (pid {state['pid']}, {state['api']}) uses the state file {path}: stop it, "
            "or give this one its own (--state-file, or make dev STATE=...)."
        )
    print(
        f"Replacing the state file of a local stack that is gone ({_process(state)}): {path}.",
        file=sys.stderr,
        flush=True,
    )


def _process(state: dict[str, Any]) -> str:
    return f"process {state['pid']} no longer runs" if isinstance(state.get("pid"), int) else "no pid recorded"


def _write_state(path: Path, state: dict[str, Any]) -> None:
    """Write the state file at once (a reader never sees half of it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    partial.write_text(json.dumps(state, indent=2), encoding="utf-8")
    partial.replace(path)


def _remove_own_state(path: Path) -> None:
    """Delete the state file only if this process wrote it (another stack may have replaced it)."""
    try:
        state = read_state(path)
    except StateError:
        return
    if state is not None and state.get("pid") == os.getpid():
        path.unlink(missing_ok=True)


def _caught_signals(pid: int) -> int | None:
    """The signals a process handles (SigCgt of /proc/<pid>/status), None without /proc."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("SigCgt:"):
            return int(line.split()[1], 16)
    return None


def _watch_parent(stop: Callable[[], None], interval: float = 0.2) -> None:
    """Call stop when the parent process exits or, if it is make, when make is told to stop.

    GNU make handles SIGINT by waiting for its children without passing the signal on (a terminal sends it
    to the whole process group); its handler resets the signal to the default action first, so the signal
    leaving make's SigCgt says that make was interrupted.
    """
    parent = os.getppid()
    fatal = sum(1 << (s - 1) for s in (signal.SIGHUP, signal.SIGINT, signal.SIGQUIT, signal.SIGTERM))
    try:
        is_make = Path(f"/proc/{parent}/comm").read_text().strip() in {"make", "gmake"}
    except OSError:
        is_make = False
    handled = (_caught_signals(parent) or 0) & fatal if is_make else 0

    def watch() -> None:
        while True:
            time.sleep(interval)
            if os.getppid() != parent:
                print("The parent process has exited: stopping.", file=sys.stderr, flush=True)
                break
            now = _caught_signals(parent)
            if handled and now is not None and handled & ~now:
                print("make was interrupted: stopping.", file=sys.stderr, flush=True)
                break
        stop()

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def serve(args: argparse.Namespace) -> int:
    from moto.server import ThreadedMotoServer
    from werkzeug.serving import make_server

    from local_stack import aws, workflows

    # The port and the state file first: a second stack stops here, before moto, and touches nothing.
    listener = _listen(args.host, args.port)
    state_file: Path = args.state_file
    _claim_state_file(state_file)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # the gateway prints its own access log
    # moto's interpreter logs every caught task error with its whole state: the router prints one line instead.
    logging.getLogger("moto.stepfunctions").setLevel(logging.CRITICAL)
    template = load_template()
    api_url = f"http://{args.host}:{listener.getsockname()[1]}"
    # The functions' environment first: the domain package reads it when it is imported. The status links
    # of the mails point at the portal's status page this stack serves (/suivi#<token>).
    # COMPANY_REGISTRY=LOCAL: the structures' functions ask the built-in registry of demo establishments, never
    # INSEE (adapters/local_registry.py).
    parameters = {
        "Stage": "dev",
        "StatusPageUrl": f"{api_url}/suivi",
        "CompanyRegistry": "LOCAL",
        "ChatOfficeHours": LOCAL_CHAT_HOURS,
    }
    resolver = Resolver(template, parameters=parameters, names={**aws.LOCAL_NAMES, "ChatApi": LOCAL_CHAT_API})
    _functions_environment(template, resolver, args.log_level)
    moto_port = aws.free_port()
    endpoint = f"http://127.0.0.1:{moto_port}"
    os.environ["MOTO_PORT"] = str(moto_port)  # moto's Step Functions interpreter calls back on this port
    aws.patch_moto()
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=moto_port, verbose=False)
    moto.start()
    pollers: list[Any] = []
    servers: list[Any] = []  # the local WebSocket server, once built
    buses: list[Any] = []  # the local EventBridge, once started (GET /_local/events reads its last events)
    stop_bus: Callable[[], None] = _nothing
    stop_router: Callable[[], None] = _nothing
    try:
        aws.use_dummy_credentials(endpoint)
        aws.configure_moto(endpoint, workflows.MOTO_CONFIG)  # executions run, Lambda answers without Docker
        aws.create_tables(template, resolver, endpoint)
        identities = aws.create_identities(template, resolver, endpoint)
        aws.create_secrets(template, resolver, endpoint)
        aws.create_queues(template, resolver, endpoint)
        aws.create_event_buses(template, resolver, endpoint)
        buckets = aws.create_buckets(template, resolver, endpoint)
        # The portal served here posts attachments straight to the bucket: its origin joins the bucket's CORS rule.
        aws.allow_browser_origins(
            endpoint, buckets["AttachmentsBucket"], aws.local_origins(args.host, listener.getsockname()[1])
        )
        aws.create_mail_identity(resolver, endpoint)
        # The state machines, with a moto function for each function their tasks invoke (its ARN is the
        # definition's substitution); Ref of a state machine is its ARN from now on.
        invoked = workflows.create_functions(template, resolver, lambda service: aws.client(service, endpoint))
        machines = workflows.create_state_machines(template, resolver, lambda service: aws.client(service, endpoint))
        # Again: with the secret's, buckets' and state machines' names.
        resolver.names["UserPoolClient"] = identities.client_id
        _functions_environment(template, resolver, args.log_level)
        # The live chat: its functions push through the local stack's stand-in for the management API, and $connect
        # reads the pool's keys from moto (Cognito's public address for them, in AWS).
        os.environ["CHAT_CALLBACK_URL"] = f"{api_url}/_local/chat/{LOCAL_CHAT_API}/dev"
        os.environ["CHAT_JWKS_URL"] = f"{endpoint}/{identities.user_pool_id}/.well-known/jwks.json"
        if args.export_inline_max_bytes is not None:
            # The largest CSV answered inline (the template's 1 MiB by default): a test makes its large-export case
            # (the storage's link) reachable with a few hundred tickets.
            os.environ["EXPORT_INLINE_MAX_BYTES"] = str(args.export_inline_max_bytes)

        from chorus_desk import bootstrap
        from local_stack import demo, events, schedules, streams
        from local_stack.gateway import CognitoVerifier, Gateway, LambdaContext
        from local_stack.local_routes import CaptchaAnswers, LocalRoutes, sent_mails
        from local_stack.openapi import build_document
        from local_stack.template import handler_of, load_handler_module

        user_ids = {
            u.alias: aws.ensure_user(identities.user_pool_id, u.email, u.name, demo.DEMO_PASSWORD, aws.REGION)
            for u in demo.USERS
        }
        demo.seed_directory(bootstrap.ports(), user_ids)
        aws.ensure_invited(identities.user_pool_id, demo.INVITED_EMAIL, demo.INVITED_NAME, aws.REGION)
        numbers = demo.seed_tickets(bootstrap.ports(), user_ids) if args.demo_tickets else []

        import urllib.request

        with urllib.request.urlopen(f"{endpoint}/{identities.user_pool_id}/.well-known/jwks.json") as reply:
            jwks = json.load(reply)
        verifier = CognitoVerifier(
            jwks, f"https://cognito-idp.{aws.REGION}.amazonaws.com/{identities.user_pool_id}", identities.client_id
        )
        ((_, api_spec),) = resources_of_type(template, "AWS::Serverless::Api").items()
        answers = CaptchaAnswers()
        from local_stack.websocket import LocalSocketServer, socket_api

        chat_api = socket_api(template)
        chat_server = None
        if chat_api is not None:
            chat_server = LocalSocketServer(
                chat_api,
                handler_of=lambda function: handler_of(template, function),
                lock_of=lambda function: gateway.lock(function),  # noqa: PLW0108 (the gateway is built below)
                context_of=lambda function: LambdaContext.of(template, function),
                api_id=LOCAL_CHAT_API,
                stage="dev",
                host=args.host,
                port=_chat_port(args.host, args.port + CHAT_PORT_OFFSET if args.chat_port is None else args.chat_port),
                log=_print,
            )
            servers.append(chat_server)
        gateway = Gateway(
            template,
            resolver.resolve(api_spec["Properties"]),
            verifier,
            build_document(template),
            "dev",
            local_routes=LocalRoutes(
                answers,
                lambda: sent_mails(aws.REGION),
                events=lambda: buses[0].recent() if buses else [],
                # `make tick`: the schedules (the automatic closing) run in-process, as due at the moment asked.
                tick=lambda now, days: schedules.tick(
                    template,
                    schedules.moment_of(now, days),
                    handler_of=lambda function: handler_of(template, function),
                    lock_of=gateway.lock,
                    context_of=lambda function: LambdaContext.of(template, function),
                ),
                chat=chat_server,
            ),
        )
        for function in resources_of_type(template, "AWS::Serverless::Function"):
            answers.install(load_handler_module(template, function))  # the public function's captcha artist
        # EventBridge: an object created in a bucket that notifies EventBridge, and an event a function puts on the
        # desk's bus (PutEvents), reach the functions whose EventBridgeRule matches it (the attachments check, the
        # invitations sent again), their handlers called in-process as well.
        # Started before the stream consumers: the lifecycle events of the demo tickets are kept too.
        bus, stop_bus = events.start_bus(
            template,
            resolver,
            handler_of=lambda function: handler_of(template, function),
            lock_of=gateway.lock,
            context_of=lambda function: LambdaContext.of(template, function),
        )
        buses.append(bus)
        # The table's stream consumers (the mail function, the lifecycle events), their handlers called in-process
        # like the API's.
        pollers = streams.start_pollers(
            template,
            resolver,
            handler_of=lambda function: handler_of(template, function),
            lock_of=gateway.lock,
            context_of=lambda function: LambdaContext.of(template, function),
            client=lambda service: aws.client(service, endpoint),
        )
        # Step Functions: moto's interpreter runs the executions; the Lambda tasks run the real handlers here.
        router = workflows.LambdaRouter(
            template,
            resolver,
            handler_of=lambda function: handler_of(template, function),
            lock_of=gateway.lock,
            context_of=lambda function: LambdaContext.of(template, function),
            log=_print,
        )
        router.route(*invoked)
        stop_router = workflows.route_invocations(router)
        # The portal (web/dist) on the same origin, with its settings and the user pool's SRP endpoint.
        from local_stack.cognito_srp import CognitoEndpoint, moto_forget_refresh_token, moto_password_of
        from local_stack.portal import API_PREFIX, COGNITO_PATH, Portal

        # The chat's socket is served before the portal's settings are written: they name its address (chatUrl).
        chat_url = chat_server.start() if chat_server is not None else None
        portal = Portal(
            gateway,
            config={
                "apiBase": API_PREFIX,
                "region": aws.REGION,
                "userPoolId": identities.user_pool_id,
                "clientId": identities.client_id,
                "cognitoEndpoint": COGNITO_PATH,
                "chatUrl": chat_url,
            },
            cognito=CognitoEndpoint(
                endpoint,
                moto_password_of(aws.REGION),
                moto_forget_refresh_token(aws.REGION),
                identities.user_pool_id,
            ),
            # the browser posts attachments straight to the embedded S3, and opens the chat's socket
            connect=(endpoint, *([chat_url] if chat_url else [])),
        )
        server = make_server(args.host, args.port, portal, threaded=True, fd=listener.fileno())
        listener.close()  # the server listens on its own duplicate of the socket
        _write_state(
            state_file,
            {
                "pid": os.getpid(),
                "started": _start_time(os.getpid()),
                "api": api_url,
                "aws_endpoint": endpoint,
                "user_pool_id": identities.user_pool_id,
                "client_id": identities.client_id,
                "password": demo.DEMO_PASSWORD,
                "users": {u.alias: u.email for u in demo.USERS},
                "buckets": buckets,
                "websocket": chat_url,
            },
        )
        # Ctrl-C (SIGINT) and SIGTERM stop the stack cleanly, even when a shell started it in the
        # background with SIGINT ignored; installed before "Ready." so no signal can slip in between.
        signal.signal(signal.SIGINT, _interrupt)
        signal.signal(signal.SIGTERM, _interrupt)
        if args.stop_with_parent:
            _watch_parent(server.shutdown)
        try:
            _banner(
                api_url, endpoint, numbers, state_file, buckets, resolver.ref("MalwareScanning"), machines, chat_url
            )
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
    finally:
        listener.close()
        stop_router()
        stop_bus()
        for started in servers:
            started.stop()
        for poller in pollers:
            poller.stop()
        moto.stop()
        _remove_own_state(state_file)
    print("Local stack stopped.", flush=True)
    return 0


def _chat_port(host: str, wanted: int) -> int:
    """The live chat's port: ``wanted`` if it is free, else any free one (printed in the banner and the state)."""
    try:
        with socket.create_server((host, wanted)):
            return wanted
    except OSError:
        return 0


def _nothing() -> None:
    """What stops a part of the stack that never started."""


def _print(line: str) -> None:
    print(line, flush=True)


def _interrupt(_signum: int, _frame: Any) -> None:
    """The first SIGINT or SIGTERM stops the stack; the next ones, while it stops, are ignored."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise KeyboardInterrupt


def _banner(
    api_url: str,
    endpoint: str,
    numbers: list[int],
    state_file: Path,
    buckets: dict[str, str],
    scanning: str,
    machines: dict[str, str] | None = None,
    chat_url: str | None = None,
) -> None:
    from local_stack import demo

    attachments = buckets.get("AttachmentsBucket")
    scan = "checked after upload, then GuardDuty" if scanning == "Enabled" else "checked after upload; no malware scan"

    lines = [
        "",
        "Chorus Pro support desk – local stack",
        f"  Portal         {api_url}/   (web/dist; sign in as a demo user below)",
        f"  API            {api_url}   (also {api_url}/api, as the portal calls it)",
        f"  Swagger UI     {api_url}/docs   (OpenAPI: {api_url}/openapi.json)",
        f"  Embedded AWS   {endpoint}   (moto: DynamoDB, Cognito, SES, Secrets Manager, SQS, S3, EventBridge, "
        "Step Functions; streams, EventBridge rules and Lambda tasks in-process)",
        f"  Mails sent     make mail{_state_option(state_file, 'STATE=')}   (JSON: {api_url}/_local/mails; local only)",
        f"  Ticket events  make events{_state_option(state_file, 'STATE=')}   "
        f"(JSON: {api_url}/_local/events; local only)",
        f"  Captcha answer {api_url}/_local/captcha/<id>   (local only)",
        *(
            [
                f"  Live chat      {chat_url}/?token=<IdToken>  or  ?conversation=<id>   "
                f"(try it: make chat WHO=sophie, then make chat WHO=marie{_state_option(state_file, 'STATE=')})"
            ]
            if chat_url
            else []
        ),
        f"  Status page    {api_url}/suivi#<token>   (the portal's page the mails link to)",
        *([f"  Attachments    s3://{attachments}   ({scan})"] if attachments else []),
        *[
            f"  State machine  {arn.rsplit(':', 1)[1]}   (moto's interpreter; Sirene: the local registry)"
            for arn in (machines or {}).values()
        ],
        f"  Demo tickets   {', '.join(f'n° {n}' for n in numbers) or 'none'}",
        "",
        f"Demo users (password {demo.DEMO_PASSWORD}):",
    ]
    lines += [f"  {u.alias:<7} {u.email:<45} {u.summary}" for u in demo.USERS]
    lines += [
        f"  {'':<7} {demo.INVITED_EMAIL:<45} invited, never activated (the assistant resends its link: make mail)"
    ]
    state_arg = _state_option(state_file, "--state-file ")
    lines += [
        "",
        "Get a token for a user (IdToken, valid 1 h), then call the API:",
        f"  TOKEN=$(.venv/bin/python -m local_stack token marie{state_arg})",
        f'  curl -s -H "Authorization: $TOKEN" {api_url}/me',
        "",
        "Ready. Ctrl-C stops the stack (all data is in memory and goes with it).",
    ]
    print("\n".join(lines), flush=True)


def _state_option(state_file: Path, option: str) -> str:
    return "" if state_file == DEFAULT_STATE else f" {option}{state_file}"


def _live_state(state_file: Path) -> dict[str, Any] | None:
    """The state of the running stack, or None once the reason why there is none is printed."""
    try:
        state = read_state(state_file)
    except StateError as error:
        print(f"The local stack's state file is unusable ({error}): start the stack with `make dev`.", file=sys.stderr)
        return None
    if state is None:
        print("The local stack is not running: start it with `make dev`.", file=sys.stderr)
        return None
    if not running(state):
        print(
            f"The local stack is not running ({_process(state)}; {state_file} is left from a crash): "
            "start it with `make dev`.",
            file=sys.stderr,
        )
        return None
    return state


def token(args: argparse.Namespace) -> int:
    from botocore.exceptions import BotoCoreError, ClientError

    from local_stack import aws

    state = _live_state(args.state_file)
    if state is None:
        return 1
    email = state["users"].get(args.user, args.user)
    if email not in state["users"].values():
        print(f"Unknown demo user {args.user!r}; choose among: {', '.join(state['users'])}.", file=sys.stderr)
        return 1
    identities = aws.Identities(user_pool_id=state["user_pool_id"], client_id=state["client_id"])
    try:
        print(aws.id_token(state["aws_endpoint"], identities, email, args.password or state["password"]))
    except (BotoCoreError, ClientError) as error:
        print(f"Cannot sign {email} in on the local stack: {error}", file=sys.stderr)
        return 1
    return 0


def mail(args: argparse.Namespace) -> int:
    """The mails the running stack sent, as a person reads them (GET /_local/mails)."""
    import urllib.error
    import urllib.request

    from local_stack.local_routes import render_mails

    state = _live_state(args.state_file)
    if state is None:
        return 1
    # The mails leave after the action, through the table's stream: --wait-for waits (a few seconds at most)
    # until the last one's subject holds the text, so that a script reads the mail its last call caused.
    deadline = time.monotonic() + args.wait_seconds
    while True:
        try:
            with urllib.request.urlopen(f"{state['api']}/_local/mails", timeout=10) as reply:
                mails = json.load(reply)
        except (urllib.error.URLError, OSError, json.JSONDecodeError) as error:
            print(f"Cannot read the mails of the local stack at {state['api']}: {error}", file=sys.stderr)
            return 1
        arrived = not args.wait_for or (mails and args.wait_for in mails[-1].get("subject", ""))
        if arrived or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    if not arrived:
        print(f"No mail about « {args.wait_for} » after {args.wait_seconds} s.", file=sys.stderr)
        return 1
    print(render_mails(mails, args.last), end="")
    return 0


def show_events(args: argparse.Namespace) -> int:
    """The events the running stack put on its buses, the tickets' lifecycle among them (GET /_local/events)."""
    import urllib.error
    import urllib.request

    from local_stack.local_routes import render_events

    state = _live_state(args.state_file)
    if state is None:
        return 1
    try:
        with urllib.request.urlopen(f"{state['api']}/_local/events", timeout=10) as reply:
            published = json.load(reply)
    except (urllib.error.URLError, OSError, json.JSONDecodeError) as error:
        print(f"Cannot read the events of the local stack at {state['api']}: {error}", file=sys.stderr)
        return 1
    print(render_events(published, args.last), end="")
    return 0


def tick(args: argparse.Namespace) -> int:
    """Run the schedules once in the running stack (POST /_local/tick) and print what each function did."""
    import urllib.error
    import urllib.parse
    import urllib.request

    state = _live_state(args.state_file)
    if state is None:
        return 1
    query = urllib.parse.urlencode({k: v for k, v in (("now", args.now), ("days", args.days)) if v})
    request = urllib.request.Request(f"{state['api']}/_local/tick?{query}", data=b"", method="POST")
    try:
        with urllib.request.urlopen(request, timeout=300) as reply:
            ran = json.load(reply)
    except urllib.error.HTTPError as error:
        print(f"The local stack refused the tick: {error.read().decode('utf-8', 'replace')}", file=sys.stderr)
        return 1
    except (urllib.error.URLError, OSError, json.JSONDecodeError) as error:
        print(f"Cannot reach the local stack at {state['api']}: {error}", file=sys.stderr)
        return 1
    for run in ran:
        print(f"{run['function']} ({run['schedule']}): {json.dumps(run['result'], ensure_ascii=False)}")
    return 0


def chat_client(args: argparse.Namespace) -> int:
    """`make chat WHO=…`: one side of the live chat in a terminal (local_stack/chat_client.py)."""
    from local_stack.chat_client import run

    state = _live_state(args.state_file)
    if state is None:
        return 1
    return run(state, args.user)


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


def asyncapi(args: argparse.Namespace) -> int:
    from local_stack.asyncapi import ASYNCAPI_PATH, build_document, render

    text = render(build_document())
    if args.check:
        if not ASYNCAPI_PATH.exists() or ASYNCAPI_PATH.read_text(encoding="utf-8") != text:
            print(f"{ASYNCAPI_PATH.relative_to(ROOT)} is out of date: run `make openapi`.", file=sys.stderr)
            return 1
        print(f"{ASYNCAPI_PATH.relative_to(ROOT)} is up to date.")
        return 0
    ASYNCAPI_PATH.write_text(text, encoding="utf-8")
    print(f"wrote {ASYNCAPI_PATH.relative_to(ROOT)}")
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
    p_serve.add_argument("--chat-port", type=int, help="the live chat's WebSocket port (default: the API's + 100)")
    p_serve.add_argument(
        "--export-inline-max-bytes",
        type=int,
        metavar="N",
        help="the largest CSV export answered inline, in bytes (default: the template's EXPORT_INLINE_MAX_BYTES)",
    )
    p_serve.add_argument(
        "--stop-with-parent", action="store_true", help="stop when the parent exits, or when make is interrupted"
    )
    p_serve.set_defaults(run=serve)
    p_token = commands.add_parser("token", help="print an IdToken for a demo user of the running stack")
    p_token.add_argument("user", help="demo alias (marie, sophie, …) or e-mail")
    p_token.add_argument("--password")
    p_token.add_argument("--state-file", type=Path, default=DEFAULT_STATE)
    p_token.set_defaults(run=token)
    p_mail = commands.add_parser("mail", help="print the mails the running stack sent (SES), with their text")
    p_mail.add_argument("--last", type=int, metavar="N", help="only the last N mails")
    p_mail.add_argument("--wait-for", metavar="TEXT", help="first wait until the last mail's subject holds TEXT")
    p_mail.add_argument("--wait-seconds", type=float, default=10.0, help=argparse.SUPPRESS)
    p_mail.add_argument("--state-file", type=Path, default=DEFAULT_STATE)
    p_mail.set_defaults(run=mail)
    p_events = commands.add_parser("events", help="print the events the running stack put on its buses")
    p_events.add_argument("--last", type=int, metavar="N", help="only the last N events")
    p_events.add_argument("--state-file", type=Path, default=DEFAULT_STATE)
    p_events.set_defaults(run=show_events)
    p_tick = commands.add_parser("tick", help="run the template's schedules once in the running stack (make tick)")
    p_tick.add_argument("--now", help="the moment the run stands for, ISO 8601 with its zone (default: now)")
    p_tick.add_argument("--days", help="that many days later (e.g. 16: a ticket resolved today is then due)")
    p_tick.add_argument("--state-file", type=Path, default=DEFAULT_STATE)
    p_tick.set_defaults(run=tick)
    p_chat = commands.add_parser("chat", help="the live chat from a terminal, as a demo user or a visitor")
    p_chat.add_argument("user", help="demo alias (an agent: sophie, lucas; a user: marie…) or 'visiteur'")
    p_chat.add_argument("--state-file", type=Path, default=DEFAULT_STATE)
    p_chat.set_defaults(run=chat_client)
    p_openapi = commands.add_parser("openapi", help="write docs/openapi.json from the code")
    p_openapi.add_argument("--check", action="store_true", help="fail if docs/openapi.json differs from the code")
    p_openapi.set_defaults(run=openapi)
    p_asyncapi = commands.add_parser("asyncapi", help="write docs/asyncapi.yaml from the code (the live chat)")
    p_asyncapi.add_argument("--check", action="store_true", help="fail if docs/asyncapi.yaml differs from the code")
    p_asyncapi.set_defaults(run=asyncapi)
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
    status = main()
    # Everything is closed and flushed by now: leave without freeing the stack's objects one by one (all
    # the tables' items), which takes seconds once the stack has served a few thousand requests.
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
