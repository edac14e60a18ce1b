"""`make chat WHO=…`: one side of the live chat in a terminal, on the running local stack's WebSocket API.

An agent (a member of the support or of a public structure: ``sophie``, ``lucas``, ``claire``…) says « disponible »,
sees the queue, takes the first waiting chat (or the one numbered), talks, hands it over, ends it. A user (``marie``,
``paul``…) or a visitor (``visiteur``) opens a conversation with the assistant and joins the queue, then talks. Type
a line to send it; the commands start with ``/`` (``/aide`` lists them). What the socket is sent is printed as it
comes: the messages, the chat's changes, the queue's news, the French refusals.
"""

from __future__ import annotations

import json
import sys
import threading
import urllib.parse
import urllib.request
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

HELP_AGENT = """Commandes de l'agent :
  /file                 les discussions en attente
  /prendre [n]          prendre la n-ième discussion en attente (la première par défaut)
  /confier <alias>      confier la discussion à un collègue disponible (lucas, sophie…)
  /fin                  fermer la discussion        /ticket   en faire une sollicitation
  /absent, /disponible  sa disponibilité            /quitter  fermer le terminal
  tout autre texte      envoyé à l'utilisateur"""
HELP_USER = """Commandes :
  /fin                  quitter la discussion (ou la file d'attente)
  /avis oui|non [texte] donner son avis, une fois la discussion terminée
  /transcription [mail] recevoir la transcription par courriel (un visiteur donne son adresse)
  /relire               relire toute la discussion     /quitter  fermer le terminal
  tout autre texte      envoyé à l'agent"""
VISITORS = {"visiteur", "visitor", "anonyme"}


def _http(url: str, token: str | None = None, body: Any = None) -> Any:
    request = urllib.request.Request(url, data=json.dumps(body or {}).encode(), method="POST")
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", token)
    with urllib.request.urlopen(request, timeout=30) as reply:
        return json.load(reply)


class Terminal:
    def __init__(self, socket: ClientConnection, agent: bool, conversation_id: str | None) -> None:
        self.socket = socket
        self.agent = agent
        self.conversation_id = conversation_id
        self.chat_id: str | None = None
        self.waiting: list[str] = []
        self.lock = threading.Lock()

    def send(self, frame: dict[str, Any]) -> None:
        if not self.agent and self.conversation_id and "chat_id" not in frame:
            frame = {**frame, "conversation_id": self.conversation_id}
        self.socket.send(json.dumps(frame, ensure_ascii=False))

    # --------------------------------------------------------------------------------------------- printing
    def show(self, frame: dict[str, Any]) -> None:
        kind = frame.get("type")
        if kind in ("chat", "state", "sent"):
            chat = frame["chat"]
            if self.agent and chat["state"]["code"] != "WAITING":
                self.chat_id = chat["id"]
            agent = f" avec {chat['agent']['name']}" if chat.get("agent") else ""
            print(f"· discussion {chat['state']['label'].lower()}{agent} ({chat['queue_name']})", flush=True)
            if chat.get("ticket_offered"):
                print("· l'attente est longue : /fin pour quitter la file et déposer une sollicitation", flush=True)
            for line in frame.get("context", []) if kind == "chat" and self.agent else []:
                text = line["text"].replace("\n", " ")
                print(f"  [assistant] {line.get('name') or line['by']} : {text[:160]}", flush=True)
            for message in frame.get("messages", []):
                self._line(message)
            if kind == "sent":
                print(f"  (n° {frame['message']['seq']} envoyé)", flush=True)
        elif kind == "message":
            self._line(frame["message"])
        elif kind == "queues":
            self.waiting = [w["chat"]["id"] for q in frame["queues"] for w in q["waiting"]]
            for queue in frame["queues"]:
                for person in queue["agents"]:
                    _USER_IDS[person["name"].split()[0].lower()] = person["id"]
            for queue in frame["queues"]:
                state = "disponible" if queue["available"] else "absent"
                print(f"· file {queue['name']} : vous êtes {state}, {len(queue['waiting'])} en attente", flush=True)
                names = ", ".join(a["name"] for a in queue["agents"]) or "personne"
                print(f"  agents disponibles : {names}", flush=True)
                for index, waiting in enumerate(queue["waiting"], 1):
                    chat = waiting["chat"]
                    said = next((t["text"] for t in reversed(waiting["context"]) if t["by"] == "USER"), "")
                    who = chat["requester"] + (f" ({chat['structure']['name']})" if chat["structure"] else "")
                    print(f"  {index}. {who}, {chat['waiting_seconds']} s : « {said[:80]} »", flush=True)
        elif kind == "queue_changed":
            print(f"· du nouveau dans la file {frame['name']} (/file)", flush=True)
        elif kind == "error":
            print(f"! {frame['message']}", flush=True)
            for error in frame.get("errors", []):
                print(f"!   {error['field']} : {error['message']}", flush=True)
        else:
            print(json.dumps(frame, ensure_ascii=False), flush=True)

    @staticmethod
    def _line(message: dict[str, Any]) -> None:
        who = {"SYSTEM": "Support", "REQUESTER": message.get("name") or "Visiteur"}.get(message["by"])
        print(f"{message['seq']:>3} {who or message.get('name') or message['by']} : {message['text']}", flush=True)

    def receive(self) -> None:
        try:
            for data in self.socket:
                self.show(json.loads(data))
        except ConnectionClosed:
            pass
        print("· connexion fermée", flush=True)

    # --------------------------------------------------------------------------------------------- commands
    def command(self, line: str) -> bool:
        """One typed line; False to stop."""
        word, _, rest = line.strip().partition(" ")
        if not word:
            return True
        if word in ("/quitter", "/q"):
            return False
        if word == "/aide":
            print(HELP_AGENT if self.agent else HELP_USER, flush=True)
        elif self.agent:
            self._agent(word, rest.strip(), line.strip())
        else:
            self._user(word, rest.strip(), line.strip())
        return True

    def _agent(self, word: str, rest: str, line: str) -> None:
        if word == "/file":
            self.send({"action": "queue"})
        elif word in ("/disponible", "/absent"):
            self.send({"action": "availability", "available": word == "/disponible"})
        elif word == "/prendre":
            index = int(rest) - 1 if rest.isdigit() else 0
            if index >= len(self.waiting):
                print("! aucune discussion en attente à ce numéro (/file pour relire la file)", flush=True)
                return
            self.send({"action": "take", "chat_id": self.waiting[index]})
        elif word == "/confier" and self.chat_id:
            if rest.lower() not in _USER_IDS:
                print("! collègue inconnu ou absent : /file montre les agents disponibles", flush=True)
                return
            self.send({"action": "handover", "chat_id": self.chat_id, "agent": _user_id(rest)})
        elif word in ("/fin", "/ticket") and self.chat_id:
            outcome = "TICKET" if word == "/ticket" else "CLOSE"
            self.send({"action": "end", "chat_id": self.chat_id, "outcome": outcome})
        elif word.startswith("/"):
            print("! commande inconnue, ou aucune discussion prise (/aide)", flush=True)
        elif self.chat_id:
            self.send({"action": "send", "chat_id": self.chat_id, "text": line})
        else:
            print("! prenez d'abord une discussion (/file, /prendre)", flush=True)

    def _user(self, word: str, rest: str, line: str) -> None:
        if word == "/fin":
            self.send({"action": "end"})
        elif word == "/relire":
            self.send({"action": "read", "after": 0})
        elif word == "/avis":
            rating, _, comment = rest.partition(" ")
            frame: dict[str, Any] = {"action": "feedback", "rating": "UP" if rating == "oui" else "DOWN"}
            if rating != "oui":
                frame |= {"reason": "OTHER", "comment": comment or "(sans commentaire)"}
            self.send(frame)
        elif word == "/transcription":
            self.send({"action": "transcript", **({"email": rest} if rest else {})})
        elif word.startswith("/"):
            print("! commande inconnue (/aide)", flush=True)
        else:
            self.send({"action": "send", "text": line})


_USER_IDS: dict[str, str] = {}


def _user_id(alias: str) -> str:
    return _USER_IDS.get(alias.lower(), alias)


def run(state: dict[str, Any], who: str) -> int:
    """Connect as ``who`` to the running stack's WebSocket API and talk until /quitter or end of input."""
    from local_stack import aws

    url = state.get("websocket")
    if not url:
        print("This local stack serves no live chat (start it again with `make dev`).", file=sys.stderr)
        return 1
    api = state["api"]
    conversation_id: str | None = None
    token: str | None = None
    if who in VISITORS:
        conversation_id = _http(f"{api}/public/assistant/conversations")["id"]
        query = {"conversation": conversation_id}
    else:
        email = state["users"].get(who)
        if email is None:
            users = ", ".join(state["users"])
            print(f"Unknown demo user {who!r}; choose among: {users}, or visiteur.", file=sys.stderr)
            return 1
        identities = aws.Identities(user_pool_id=state["user_pool_id"], client_id=state["client_id"])
        token = aws.id_token(state["aws_endpoint"], identities, email, state["password"])
        query = {"token": token}
    try:
        socket = connect(f"{url}/?{urllib.parse.urlencode(query)}", open_timeout=30)
    except Exception as error:  # the handshake refused (401, 403) or the stack is gone
        print(f"Cannot open the chat's socket: {error}", file=sys.stderr)
        return 1
    with socket:
        socket.send(json.dumps({"action": "availability"}))
        first = json.loads(socket.recv(timeout=30))
        agent = first.get("type") == "queues"
        terminal = Terminal(socket, agent, conversation_id)
        if agent:
            print(f"Agent {who} : /disponible pour recevoir les discussions, /aide pour les commandes.", flush=True)
            terminal.show(first)
        else:
            if conversation_id is None:
                conversation_id = _http(f"{api}/assistant/conversations", token)["id"]
                terminal.conversation_id = conversation_id
            print("Vous rejoignez la file d'attente du support. /aide pour les commandes.", flush=True)
            terminal.send({"action": "start"})
        threading.Thread(target=terminal.receive, daemon=True).start()
        for line in sys.stdin:
            if not terminal.command(line):
                break
    return 0
