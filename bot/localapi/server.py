"""A local Telegram Bot API server for tests and demos: the methods the bot uses, Telegram's refusals included.

The bot talks to it over HTTP exactly as to api.telegram.org (TELEGRAM_API_URL). People are simulated by
`LocalUser` objects (see bot.localapi.people) that put updates into the queue the bot polls and read what
the bot sent.

Groups are seen as a bot sees them. In privacy mode (on by default, as for every new bot) the bot gets from a
group only what Telegram gives a privacy-mode bot, see `LocalBotApi.reaches_bot`; a forced reply
(`ForceReply`) is recorded with the people it targets, so that a simulated person's app answers it as a real
one does (`LocalBotApi.forced_reply_for`).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.localapi import webhook as local_webhook
from bot.localapi.html import ParseError, parse_html, utf16_length
from bot.localapi.limits import FloodLimiter, FloodLimits

SPEC = json.loads(Path(__file__).with_name("methods.json").read_text(encoding="utf-8"))["methods"]
MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
USER_LINK = re.compile(r"^tg://user\?id=(\d+)$")
USERNAME_MENTION = re.compile(r"(?<![\w@/])@[A-Za-z][A-Za-z0-9_]{3,31}\b")
# Messages about the chat rather than from a person in it: every bot gets them, whatever its privacy mode.
SERVICE_FIELDS = frozenset(
    {
        "new_chat_members", "left_chat_member", "new_chat_title", "new_chat_photo", "delete_chat_photo",
        "group_chat_created", "supergroup_chat_created", "migrate_to_chat_id", "migrate_from_chat_id",
        "pinned_message", "message_auto_delete_timer_changed", "forum_topic_created", "forum_topic_edited",
        "forum_topic_closed", "forum_topic_reopened", "video_chat_started", "video_chat_ended",
        "video_chat_participants_invited", "write_access_allowed", "chat_shared", "users_shared",
    }
)  # fmt: skip


class ApiError(Exception):
    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after


def bad_request(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


@dataclass
class ChatEvent:
    """Something the bot did in a chat: sent, edited or deleted a message."""

    kind: str  # "send", "edit", "delete"
    message: dict[str, Any]
    method: str


@dataclass
class Refusal:
    method: str
    code: int
    description: str


@dataclass
class InjectedFailure:
    method: str
    chat_id: int | None
    code: int
    description: str
    retry_after: int | None
    times: int


@dataclass
class Chat:
    id: int
    type: str
    title: str | None = None
    first_name: str | None = None
    username: str | None = None
    blocked_bot: bool = False
    events: list[ChatEvent] = field(default_factory=list)
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    reply_keyboard: dict[str, Any] | None = None
    next_message_id: int = 1
    is_forum: bool = False
    topics: dict[int, str] = field(default_factory=dict)
    bot_is_admin: bool = False  # an admin bot gets every message of the group, privacy mode or not
    # The bot's messages with a ForceReply, oldest first: (message id, the user ids it targets; None: everyone).
    forced_replies: list[tuple[int, frozenset[int] | None]] = field(default_factory=list)
    last_sent_by: dict[int, int] = field(default_factory=dict)  # user id -> id of their latest message here

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.is_forum:
            data["is_forum"] = True
        for key in ("title", "first_name", "username"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        return data


class LocalBotApi:
    def __init__(
        self,
        token: str = "123456:LOCAL-TEST-TOKEN",
        username: str = "otbasy_local_bot",
        privacy_mode: bool = True,
        flood_limits: FloodLimits | None = None,
    ) -> None:
        self.token = token
        self.bot_user = {
            "id": int(token.split(":")[0]),
            "is_bot": True,
            "first_name": "Otbasy",
            "username": username,
            "can_join_groups": True,
            "can_read_all_group_messages": not privacy_mode,
            "supports_inline_queries": False,
        }
        self.privacy_mode = privacy_mode
        self.withheld: list[dict[str, Any]] = []  # group messages the bot was not given (privacy mode)
        self.users: dict[int, dict[str, Any]] = {}
        self.chats: dict[int, Chat] = {}
        self.updates: list[dict[str, Any]] = []
        self.refusals: list[Refusal] = []
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.callback_answers: dict[str, dict[str, Any]] = {}
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.descriptions: dict[tuple[str, str], str] = {}
        self.failures: list[InjectedFailure] = []
        self.files: set[str] = set()  # file ids seen in messages: the only ones a bot may send again
        self._update_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        # One signal per thing waited on: the bot's long poll (updates queued, a webhook set, the server stopping),
        # each chat and each button press, set when that one changes, so that a crowd of people waiting for replies
        # is not woken by every message the bot sends to any of them.
        self._signals: dict[tuple[str, int | str], asyncio.Event] = {}
        self._stopping = False  # long polls in hand end at once, so that stopping does not wait them out
        self._runner: web.AppRunner | None = None
        self.port = 0
        # Telegram's flood limits, enforced only when given (see bot.localapi.limits); off by default.
        self.flood: FloodLimiter | None = FloodLimiter(flood_limits) if flood_limits is not None else None
        self.webhook: local_webhook.WebhookSender | None = None  # set by setWebhook: updates are POSTed to it

    # ---- serving ----

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def make_app(self) -> web.Application:
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        return app

    async def start(self, port: int = 0) -> None:
        self._stopping = False
        self._runner = web.AppRunner(self.make_app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        server = site._server
        assert server is not None and server.sockets
        self.port = server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self.webhook is not None:
            await self.webhook.stop()
        self._stopping = True
        self.wake_long_poll()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _handle(self, request: web.Request) -> web.Response:
        method_name = request.match_info["method"]
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        method = _canonical_method(method_name)
        if method is None:
            return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)
        try:
            params = _coerce(method, await _read_params(request))
            self.calls.append((method, params))
            self._raise_injected(method, params)
            handler = getattr(self, f"_m_{method}", None)
            if handler is None:
                raise bad_request(f"method {method} is not supported by the local server")
            result = await self._within_limits(method, params, handler)
        except ApiError as error:
            if method != "getUpdates":
                self.refusals.append(Refusal(method, error.code, error.description))
            body: dict[str, Any] = {"ok": False, "error_code": error.code, "description": error.description}
            if error.retry_after is not None:
                body["parameters"] = {"retry_after": error.retry_after}
            return web.json_response(body, status=error.code)
        return web.json_response({"ok": True, "result": result})

    def set_flood_limits(self, limits: FloodLimits | None) -> None:
        """Enforce Telegram's flood limits from now on (counting afresh), or stop enforcing them (None)."""
        self.flood = FloodLimiter(limits) if limits is not None else None

    async def _within_limits(self, method: str, params: dict[str, Any], handler: Any) -> Any:
        """The method's handler, unless the call is over a flood limit: then 429 with retry_after, as Telegram."""
        if self.flood is None:
            return await handler(params)
        admission = self.flood.admit(method, params.get("chat_id"))
        if admission.refused:
            raise ApiError(429, f"Too Many Requests: retry after {admission.retry_after}", admission.retry_after)
        try:
            return await handler(params)
        except ApiError:
            admission.cancel()  # refused for another reason: Telegram sent nothing
            raise

    def fail_next(
        self,
        method: str,
        code: int = 429,
        description: str = "Too Many Requests: retry after 1",
        retry_after: int | None = 1,
        chat_id: int | None = None,
        times: int = 1,
    ) -> None:
        """Make the next `times` calls of `method` (to `chat_id`, if given) fail as Telegram would."""
        self.failures.append(InjectedFailure(method, chat_id, code, description, retry_after, times))

    def _raise_injected(self, method: str, params: dict[str, Any]) -> None:
        for failure in self.failures:
            if failure.method != method or failure.times <= 0:
                continue
            if failure.chat_id is not None and params.get("chat_id") != failure.chat_id:
                continue
            failure.times -= 1
            raise ApiError(failure.code, failure.description, failure.retry_after)

    # ---- the simulated world ----

    def add_user(self, user_id: int, first_name: str, language_code: str | None, username: str | None = None) -> None:
        user = {"id": user_id, "is_bot": False, "first_name": first_name}
        if language_code:
            user["language_code"] = language_code
        if username:
            user["username"] = username
        self.users[user_id] = user
        self.chats.setdefault(user_id, Chat(id=user_id, type="private", first_name=first_name, username=username))

    async def set_blocked(self, user_id: int, blocked: bool) -> None:
        """The person blocks (or unblocks) the bot: sends to them fail with 403, and the bot is told."""
        chat = self.chats[user_id]
        chat.blocked_bot = blocked
        old, new = ("member", "kicked") if blocked else ("kicked", "member")
        member = {"user": self.bot_user}
        await self.push_update(
            {
                "my_chat_member": {
                    "chat": chat.as_json(),
                    "from": self.users[user_id],
                    "date": int(time.time()),
                    "old_chat_member": {**member, "status": old, **({"until_date": 0} if old == "kicked" else {})},
                    "new_chat_member": {**member, "status": new, **({"until_date": 0} if new == "kicked" else {})},
                }
            }
        )

    def add_group(self, chat_id: int, title: str, is_forum: bool = False, bot_is_admin: bool = False) -> None:
        chat = Chat(id=chat_id, type="supergroup", title=title, is_forum=is_forum, bot_is_admin=bot_is_admin)
        self.chats.setdefault(chat_id, chat)

    def set_privacy_mode(self, enabled: bool) -> None:
        """BotFather's /setprivacy. (Telegram applies it to a group only once the bot is added again; here, at once.)"""
        self.privacy_mode = enabled
        self.bot_user["can_read_all_group_messages"] = not enabled

    async def push_update(self, update: dict[str, Any]) -> dict[str, Any] | None:
        """Queue an update for the bot; a group message the bot would not get (privacy mode) is withheld: it stays
        in the chat for its members, goes to `withheld`, and None is returned."""
        message = update.get("message") or update.get("edited_message")
        if message is not None and not self.reaches_bot(message):
            self.withheld.append(message)
            return None
        update["update_id"] = next(self._update_ids)
        self.updates.append(update)
        self.wake_long_poll()
        if self.webhook is not None:
            self.webhook.wake()
        return update

    def reaches_bot(self, message: dict[str, Any]) -> bool:
        """Whether Telegram gives this message to the bot.

        Telegram's rules (https://core.telegram.org/bots/features#privacy-mode and
        https://core.telegram.org/bots/faq#what-messages-will-my-bot-get): every bot receives all service messages
        and all messages of private chats; bot admins and bots with privacy mode disabled receive all messages
        (except those of other bots). A bot in privacy mode receives in a group only:
          - commands explicitly meant for it (/command@this_bot), and general commands (/command) if it was the
            last bot to send a message to the group; this server simulates one bot a group, so a bare command is
            always this bot's, and /command@other_bot never is;
          - messages sent via the bot (inline mode);
          - replies to its messages ("replies to any messages implicitly or explicitly meant for this bot");
          - messages that mention it by @username (BotFather's /setprivacy: "'Enable' - your bot will only
            receive messages that either start with the '/' symbol or mention the bot by username").
        Nothing else, in particular not a plain message typed in the group: to get a person's text there, the bot
        asks with a ForceReply, and the person's app sends the text as a reply to it.
        """
        chat = self.chats.get(message["chat"]["id"])
        if chat is None or chat.type not in ("group", "supergroup"):
            return True
        if not self.privacy_mode or chat.bot_is_admin or SERVICE_FIELDS & message.keys():
            return True
        bot_id, username = self.bot_user["id"], str(self.bot_user["username"]).lower()
        if (message.get("reply_to_message") or {}).get("from", {}).get("id") == bot_id:
            return True
        if (message.get("via_bot") or {}).get("id") == bot_id:
            return True
        text = str(message.get("text") or message.get("caption") or "")
        for entity in message.get("entities") or message.get("caption_entities") or []:
            part = _utf16_slice(text, int(entity["offset"]), int(entity["length"]))
            if entity["type"] == "bot_command" and entity["offset"] == 0:
                _, _, addressee = part.partition("@")
                if not addressee or addressee.lower() == username:
                    return True
            if entity["type"] == "mention" and part.lower() == f"@{username}":
                return True
        return False

    def forced_reply_for(self, chat_id: int, user_id: int) -> dict[str, Any] | None:
        """The bot's message whose ForceReply the person's app shows in this chat now, if any.

        As in Telegram's apps, the newest of the bot's forced replies that targets the person counts, until they
        send a message in the chat (the reply uses it up) or the bot deletes it. Targets, from the Bot API's
        ForceReply.selective: without `selective`, everyone in the chat; with it, 1) the users @mentioned in the
        message's text (a username mention, or a text_mention, which is what a tg://user?id= link becomes), and
        2) if the bot's message is a reply, the sender of the original message.
        """
        chat = self.chats[chat_id]
        for message_id, targets in reversed(chat.forced_replies):
            if targets is not None and user_id not in targets:
                continue
            if message_id in chat.messages and message_id > chat.last_sent_by.get(user_id, 0):
                return chat.messages[message_id]
            return None
        return None

    def user_message(self, chat_id: int, user_id: int, **content: Any) -> dict[str, Any]:
        chat = self.chats[chat_id]
        for photo in content.get("photo", []):
            self.files.add(photo["file_id"])
        if "document" in content:
            self.files.add(content["document"]["file_id"])
        message = {
            "message_id": self._next_id(chat),
            "date": int(time.time()),
            "chat": chat.as_json(),
            "from": self.users[user_id],
            **content,
        }
        chat.messages[message["message_id"]] = message
        chat.last_sent_by[user_id] = message["message_id"]
        return message

    def new_callback_id(self) -> str:
        return str(next(self._callback_ids))

    async def wait_for_event(self, chat_id: int, index: int, timeout: float) -> ChatEvent:
        """The chat's event number `index` (0-based), waiting for the bot to produce it."""
        chat = self.chats[chat_id]
        async with asyncio.timeout(timeout):
            while len(chat.events) <= index:
                await self._signal("chat", chat_id).wait()
        return chat.events[index]

    async def wait_for_callback_answer(self, callback_id: str, timeout: float) -> dict[str, Any]:
        async with asyncio.timeout(timeout):
            while callback_id not in self.callback_answers:
                await self._signal("callback", callback_id).wait()
        return self.callback_answers[callback_id]

    def wake_long_poll(self) -> None:
        """A getUpdates waiting in a long poll looks again: updates came, a webhook was set, or the server stops."""
        self._wake("poll", "")

    def _signal(self, kind: str, key: int | str) -> asyncio.Event:
        return self._signals.setdefault((kind, key), asyncio.Event())

    def _wake(self, kind: str, key: int | str) -> None:
        """Wakes whoever waits on this chat or button press; the next wait takes a new signal."""
        waiting = self._signals.pop((kind, key), None)
        if waiting is not None:
            waiting.set()

    async def _record(self, chat: Chat, event: ChatEvent) -> None:
        chat.events.append(event)
        self._wake("chat", chat.id)

    def _next_id(self, chat: Chat) -> int:
        message_id = chat.next_message_id
        chat.next_message_id += 1
        return message_id

    def _chat(self, params: dict[str, Any]) -> Chat:
        chat = self.chats.get(params.get("chat_id"))  # type: ignore[arg-type]
        if chat is None:
            raise bad_request("chat not found")
        if chat.blocked_bot:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat

    # ---- Bot API methods ----

    async def _m_getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return self.bot_user

    async def _m_getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self.webhook is not None:
            raise ApiError(409, local_webhook.CONFLICT)
        offset = int(params.get("offset") or 0)
        timeout = min(float(params.get("timeout") or 0), 50.0)
        limit = int(params.get("limit") or 100)
        if offset:
            self.updates = [update for update in self.updates if update["update_id"] >= offset]
        if not self.updates and timeout > 0:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(timeout):
                    while not (self.updates or self.webhook is not None or self._stopping):
                        await self._signal("poll", "").wait()
            if self.webhook is not None:
                raise ApiError(409, local_webhook.CONFLICT)
        return self.updates[:limit]

    async def _m_setWebhook(self, params: dict[str, Any]) -> bool:
        return await local_webhook.set_webhook(self, params)

    async def _m_getWebhookInfo(self, params: dict[str, Any]) -> dict[str, Any]:
        return local_webhook.webhook_info(self)

    async def _m_deleteWebhook(self, params: dict[str, Any]) -> bool:
        return await local_webhook.delete_webhook(self, params)

    async def _m_setMyCommands(self, params: dict[str, Any]) -> bool:
        commands = params["commands"]
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("commands must be a list of at most 100 commands")
        for command in commands:
            name, description = command.get("command", ""), command.get("description", "")
            if not (1 <= len(name) <= 32) or not all(c.islower() or c.isdigit() or c == "_" for c in name):
                raise bad_request("BOT_COMMAND_INVALID")
            if not (1 <= len(description) <= 256):
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands[(_scope_key(params.get("scope")), params.get("language_code") or "")] = commands
        return True

    async def _m_getMyCommands(self, params: dict[str, Any]) -> list[dict[str, str]]:
        return self.commands.get((_scope_key(params.get("scope")), params.get("language_code") or ""), [])

    async def _m_deleteMyCommands(self, params: dict[str, Any]) -> bool:
        self.commands.pop((_scope_key(params.get("scope")), params.get("language_code") or ""), None)
        return True

    async def _m_setMyDescription(self, params: dict[str, Any]) -> bool:
        return self._set_description("description", params, 512)

    async def _m_setMyShortDescription(self, params: dict[str, Any]) -> bool:
        return self._set_description("short_description", params, 120)

    def _set_description(self, kind: str, params: dict[str, Any], limit: int) -> bool:
        text = params.get(kind) or ""
        if len(text) > limit:
            raise bad_request(f"{kind} is too long")
        self.descriptions[(kind, params.get("language_code") or "")] = text
        return True

    async def _m_sendChatAction(self, params: dict[str, Any]) -> bool:
        self._chat(params)
        return True

    async def _m_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params)
        text, entities = _formatted(params.get("text", ""), params.get("parse_mode"), MAX_TEXT, "message text")
        return await self._send(chat, "sendMessage", params, text=text, entities=entities)

    async def _m_sendVenue(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params)
        latitude, longitude = _coordinates(params)
        title, address = str(params.get("title") or ""), str(params.get("address") or "")
        if not title or not address:
            raise bad_request("venue title and address must not be empty")
        venue = {
            "location": {"latitude": latitude, "longitude": longitude},
            "title": title,
            "address": address,
        }
        return await self._send(
            chat, "sendVenue", params, venue=venue, location={"latitude": latitude, "longitude": longitude}
        )

    async def _m_sendLocation(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params)
        latitude, longitude = _coordinates(params)
        return await self._send(chat, "sendLocation", params, location={"latitude": latitude, "longitude": longitude})

    async def _m_sendPhoto(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params)
        file_id = self._known_file(params.get("photo"))
        caption, entities = self._caption(params)
        photo = [{"file_id": file_id, "file_unique_id": file_id, "width": 1280, "height": 960}]
        return await self._send(chat, "sendPhoto", params, photo=photo, caption=caption, caption_entities=entities)

    async def _m_sendDocument(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params)
        file_id = self._known_file(params.get("document"))
        caption, entities = self._caption(params)
        document = {"file_id": file_id, "file_unique_id": file_id}
        return await self._send(
            chat, "sendDocument", params, document=document, caption=caption, caption_entities=entities
        )

    def _known_file(self, value: Any) -> str:
        if isinstance(value, bytes):  # an upload gets a new id, as on the real server
            file_id = f"local-file-{len(self.files) + 1}"
            self.files.add(file_id)
            return file_id
        if not isinstance(value, str) or value not in self.files:
            raise bad_request("wrong file identifier/HTTP URL specified")
        return value

    def _caption(self, params: dict[str, Any]) -> tuple[str | None, list[dict[str, object]]]:
        if not params.get("caption"):
            return None, []
        return _formatted(params["caption"], params.get("parse_mode"), MAX_CAPTION, "message caption")

    async def _m_createForumTopic(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params)
        if not chat.is_forum:
            raise bad_request("the chat is not a forum")
        if not chat.bot_is_admin:  # the Bot API: "the bot must be an administrator ... with can_manage_topics"
            raise bad_request("not enough rights to create a topic")
        name = str(params.get("name") or "")
        if not 1 <= len(name) <= 128:
            raise bad_request("topic name must be 1-128 characters")
        thread_id = self._next_id(chat)  # a topic's id is the id of the service message that opens it
        chat.topics[thread_id] = name
        await self._record(chat, ChatEvent("topic", {"message_thread_id": thread_id, "name": name}, "createForumTopic"))
        return {"message_thread_id": thread_id, "name": name, "icon_color": 7322096}

    async def _m_editMessageText(self, params: dict[str, Any]) -> dict[str, Any]:
        chat, message = self._editable(params)
        text, entities = _formatted(params.get("text", ""), params.get("parse_mode"), MAX_TEXT, "message text")
        markup = _inline_markup(params.get("reply_markup"))
        if "text" not in message:
            raise bad_request("there is no text in the message to edit")
        entities = self._user_links(entities)
        if (
            message.get("text") == text
            and message.get("entities", []) == entities
            and message.get("reply_markup") == markup
        ):
            raise bad_request(
                "message is not modified: specified new message content and reply markup are exactly the same "
                "as a current content and reply markup of the message"
            )
        message["text"] = text
        message["entities"] = entities
        _set_markup(message, markup)
        message["edit_date"] = int(time.time())
        await self._record(chat, ChatEvent("edit", message, "editMessageText"))
        return message

    async def _m_editMessageReplyMarkup(self, params: dict[str, Any]) -> dict[str, Any]:
        chat, message = self._editable(params)
        markup = _inline_markup(params.get("reply_markup"))
        if message.get("reply_markup") == markup:
            raise bad_request(
                "message is not modified: specified new message content and reply markup are exactly the same "
                "as a current content and reply markup of the message"
            )
        _set_markup(message, markup)
        message["edit_date"] = int(time.time())
        await self._record(chat, ChatEvent("edit", message, "editMessageReplyMarkup"))
        return message

    async def _m_deleteMessage(self, params: dict[str, Any]) -> bool:
        chat = self._chat(params)
        message = chat.messages.pop(int(params["message_id"]), None)
        if message is None:
            raise bad_request("message to delete not found")
        await self._record(chat, ChatEvent("delete", message, "deleteMessage"))
        return True

    async def _m_deleteMessages(self, params: dict[str, Any]) -> bool:
        chat = self._chat(params)
        ids = params["message_ids"]
        if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
            raise bad_request("message_ids must hold 1-100 identifiers")
        for message_id in ids:
            message = chat.messages.pop(int(message_id), None)
            if message is not None:
                await self._record(chat, ChatEvent("delete", message, "deleteMessages"))
        return True

    async def _m_answerCallbackQuery(self, params: dict[str, Any]) -> bool:
        callback_id = str(params["callback_query_id"])
        if callback_id in self.callback_answers:
            raise bad_request("query is too old and response timeout expired or query ID is invalid")
        text = params.get("text") or ""
        if len(text) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        self.callback_answers[callback_id] = {"text": text, "show_alert": bool(params.get("show_alert"))}
        self._wake("callback", callback_id)
        return True

    # ---- helpers ----

    async def _send(self, chat: Chat, method: str, params: dict[str, Any], **content: Any) -> dict[str, Any]:
        raw_markup = params.get("reply_markup")
        thread_id = params.get("message_thread_id")
        if thread_id is not None:
            if not chat.is_forum or int(thread_id) not in chat.topics:
                raise bad_request("message thread not found")
            content.update(message_thread_id=int(thread_id), is_topic_message=True)
        for key in ("entities", "caption_entities"):
            if content.get(key):
                content[key] = self._user_links(content[key])
        markup_kind = _check_markup(raw_markup) if raw_markup is not None else None
        reply_to = self._replied(chat, params)
        message: dict[str, Any] = {
            "message_id": self._next_id(chat),
            "date": int(time.time()),
            "chat": chat.as_json(),
            "from": self.bot_user,
            **({"reply_to_message": reply_to} if reply_to is not None else {}),
            **{key: value for key, value in content.items() if value not in (None, [])},
        }
        if markup_kind == "inline":
            message["reply_markup"] = raw_markup
        elif markup_kind == "keyboard":
            chat.reply_keyboard = raw_markup
        elif markup_kind == "remove":
            chat.reply_keyboard = None
        elif markup_kind == "force_reply":
            chat.forced_replies.append((message["message_id"], self._force_reply_targets(chat, message, raw_markup)))
        chat.messages[message["message_id"]] = message
        await self._record(chat, ChatEvent("send", message, method))
        return message

    def _replied(self, chat: Chat, params: dict[str, Any]) -> dict[str, Any] | None:
        """The message the bot's new message replies to (reply_parameters), as the Bot API shows it: without its
        own reply_to_message."""
        reply = params.get("reply_parameters")
        if isinstance(reply, str):
            reply = json.loads(reply)
        if reply is None and params.get("reply_to_message_id") is not None:  # before Bot API 7.0
            reply = {"message_id": params["reply_to_message_id"]}
        if not reply:
            return None
        target = chat.messages.get(int(reply.get("message_id") or 0))
        if target is None:
            if reply.get("allow_sending_without_reply"):
                return None
            raise bad_request("message to be replied not found")
        return {key: value for key, value in target.items() if key != "reply_to_message"}

    def _user_links(self, entities: list[dict[str, object]]) -> list[dict[str, object]]:
        """A tg://user?id= link becomes a text_mention of that user, as on the real server; a link to a user the
        bot has never seen mentions nobody and is dropped."""
        result = []
        for entity in entities:
            found = USER_LINK.match(str(entity.get("url", ""))) if entity["type"] == "text_link" else None
            if found is None:
                result.append(entity)
            elif int(found.group(1)) in self.users:
                user = self.users[int(found.group(1))]
                result.append(
                    {"type": "text_mention", "offset": entity["offset"], "length": entity["length"], "user": user}
                )
        return result

    def _force_reply_targets(
        self, chat: Chat, message: dict[str, Any], markup: dict[str, Any]
    ) -> frozenset[int] | None:
        """Whom a ForceReply is for (see `forced_reply_for`); None: everyone in the chat."""
        if chat.type == "private":
            return frozenset({chat.id})
        if not markup.get("selective"):
            return None
        targets: set[int] = set()
        text = str(message.get("text") or message.get("caption") or "")
        by_username = {str(user["username"]).lower(): uid for uid, user in self.users.items() if user.get("username")}
        for entity in message.get("entities") or message.get("caption_entities") or []:
            if entity["type"] == "text_mention":
                targets.add(int(entity["user"]["id"]))
            elif entity["type"] == "mention":
                mentioned = by_username.get(
                    _utf16_slice(text, int(entity["offset"]), int(entity["length"]))[1:].lower()
                )
                if mentioned is not None:
                    targets.add(mentioned)
        replied_to = (message.get("reply_to_message") or {}).get("from", {})
        if replied_to and replied_to.get("id") != self.bot_user["id"]:
            targets.add(int(replied_to["id"]))
        return frozenset(targets)

    def _editable(self, params: dict[str, Any]) -> tuple[Chat, dict[str, Any]]:
        if params.get("inline_message_id"):
            raise bad_request("inline messages are not supported by the local server")
        chat = self._chat(params)
        message = chat.messages.get(int(params.get("message_id") or 0))
        if message is None:
            raise bad_request("message to edit not found")
        if message["from"]["id"] != self.bot_user["id"]:
            raise bad_request("message can't be edited")
        return chat, message


def _canonical_method(name: str) -> str | None:
    """Telegram's method names are case-insensitive."""
    lowered = name.lower()
    for method in SPEC:
        if method.lower() == lowered:
            return method
    return None


async def _read_params(request: web.Request) -> dict[str, Any]:
    params: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        body = await request.json()
        if isinstance(body, dict):
            params.update(body)
    elif request.can_read_body:
        form = await request.post()
        for key, value in form.items():
            params[key] = value if isinstance(value, str) else value.file.read()
    return params


def _coerce(method: str, params: dict[str, Any]) -> dict[str, Any]:
    """Form fields arrive as strings; objects are JSON. Checks required fields like the real server."""
    fields = SPEC[method]
    result: dict[str, Any] = {}
    for name, value in params.items():
        spec = fields.get(name)
        if spec is None or not isinstance(value, str):
            result[name] = value
            continue
        types = spec[1:]
        if "String" in types and not ("Integer" in types and _is_int(value)):
            result[name] = value
        elif "Integer" in types and _is_int(value):
            result[name] = int(value)
        elif "Float" in types:
            try:
                result[name] = float(value)
            except ValueError:
                raise bad_request(f'field "{name}" must be a number') from None
        elif "Boolean" in types:
            result[name] = value.lower() in ("true", "1")
        else:
            try:
                result[name] = json.loads(value)
            except json.JSONDecodeError:
                raise bad_request(f"can't parse {name} JSON object") from None
    for name, spec in fields.items():
        if spec[0] and (name not in result or result[name] in (None, "")):
            raise bad_request(f"{name} is empty" if name in result else f'parameter "{name}" is required')
    return result


def _is_int(value: str) -> bool:
    return value.lstrip("-").isdigit()


def _found_mentions(text: str, entities: list[dict[str, object]]) -> list[dict[str, object]]:
    """The @username mentions Telegram finds in a text by itself, outside the entities already there."""
    taken = [
        (int(e["offset"]), int(e["offset"]) + int(e["length"]))  # type: ignore[call-overload]
        for e in entities
        if e["type"] in ("code", "pre", "text_link", "text_mention")
    ]
    found: list[dict[str, object]] = []
    for match in USERNAME_MENTION.finditer(text):
        offset = utf16_length(text[: match.start()])
        end = offset + utf16_length(match.group())
        if not any(start < end and offset < stop for start, stop in taken):
            found.append({"type": "mention", "offset": offset, "length": end - offset})
    return found


def _entity_order(entity: dict[str, object]) -> tuple[int, int]:
    return int(entity["offset"]), -int(entity["length"])  # type: ignore[call-overload]


def _utf16_slice(text: str, offset: int, length: int) -> str:
    """The part of `text` an entity covers: Telegram counts offsets in UTF-16 code units."""
    encoded = text.encode("utf-16-le")
    return encoded[2 * offset : 2 * (offset + length)].decode("utf-16-le", errors="replace")


def _formatted(raw: Any, parse_mode: Any, limit: int, what: str) -> tuple[str, list[dict[str, object]]]:
    source = str(raw)
    if parse_mode and str(parse_mode).upper() == "HTML":
        try:
            parsed = parse_html(source)
        except ParseError as error:
            raise bad_request(str(error)) from None
        text, entities = parsed.text, parsed.entities
    elif parse_mode:
        raise bad_request(f"unsupported parse_mode {parse_mode} in the local server")
    else:
        text, entities = source, []
    entities = sorted(entities + _found_mentions(text, entities), key=_entity_order)
    if not text.strip():
        raise bad_request(f"{what} is empty")
    if utf16_length(text) > limit:
        raise bad_request("message is too long" if what == "message text" else f"{what} is too long")
    return text, entities


def _coordinates(params: dict[str, Any]) -> tuple[float, float]:
    latitude, longitude = float(params["latitude"]), float(params["longitude"])
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise bad_request("wrong latitude or longitude")
    return latitude, longitude


def _check_markup(markup: Any) -> str:
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        _check_inline_keyboard(markup["inline_keyboard"])
        return "inline"
    if "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not rows:
            raise bad_request("keyboard must be non-empty array of arrays")
        for row in rows:
            for button in row:
                text = button if isinstance(button, str) else button.get("text", "")
                if not text:
                    raise bad_request("keyboard button text must be non-empty")
        return "keyboard"
    if markup.get("remove_keyboard"):
        return "remove"
    if markup.get("force_reply"):
        return "force_reply"
    raise bad_request("can't parse reply keyboard markup JSON object")


def _check_inline_keyboard(rows: Any) -> None:
    if not isinstance(rows, list):
        raise bad_request("inline keyboard must be an array of arrays")
    for row in rows:
        for button in row:
            if not button.get("text"):
                raise bad_request("inline keyboard button text must be non-empty")
            actions = [key for key in button if key not in ("text", "style", "icon_custom_emoji_id")]
            if len(actions) != 1:
                raise bad_request("inline keyboard button must have exactly one action")
            if "callback_data" in button:
                size = len(str(button["callback_data"]).encode("utf-8"))
                if not 1 <= size <= MAX_CALLBACK_DATA:
                    raise bad_request("BUTTON_DATA_INVALID")
            if "url" in button and not str(button["url"]).startswith(("http://", "https://", "tg://")):
                raise bad_request("BUTTON_URL_INVALID")


def _inline_markup(markup: Any) -> dict[str, Any] | None:
    if markup is None:
        return None
    if _check_markup(markup) != "inline":
        raise bad_request("only inline keyboards can be attached to an edited message")
    return markup if markup.get("inline_keyboard") else None


def _set_markup(message: dict[str, Any], markup: dict[str, Any] | None) -> None:
    if markup is None:
        message.pop("reply_markup", None)
    else:
        message["reply_markup"] = markup


def _scope_key(scope: Any) -> str:
    if not scope:
        return "default"
    if isinstance(scope, str):
        scope = json.loads(scope)
    chat = scope.get("chat_id")
    return f"{scope.get('type', 'default')}:{chat}" if chat is not None else scope.get("type", "default")
