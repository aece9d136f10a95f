"""Runs the playground: the local Bot API server, the real bot process against it, demo people, and the web
page with the small JSON API it uses."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import signal
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.directory.places import GAZETTEER
from bot.localapi.people import LocalGroup, LocalUser
from bot.localapi.server import LocalBotApi

STATIC = Path(__file__).with_name("static")
DEMO_CENTER = "astana-zhanuya"


@dataclass(frozen=True, slots=True)
class Person:
    """Someone the page can act as, in a chat: their own private chat, or the staff group."""

    key: str
    label: str
    user_id: int
    chat_id: int
    language: str
    phone: str


class Playground:
    def __init__(self, root: Path, port: int) -> None:
        self.root = root
        self.port = port
        self.api = LocalBotApi(username="otbasy_playground_bot")
        self.people: dict[str, Person] = {}
        self.users: dict[int, LocalUser] = {}
        self.group: LocalGroup | None = None
        self.process: subprocess.Popen[bytes] | None = None
        self._files = itertools.count(1)
        self._uploads: dict[str, tuple[bytes, str]] = {}
        self._runner: web.AppRunner | None = None

    # ---- start and stop ----

    async def start(self) -> None:
        await self.api.start()
        self._add_people()
        database = self.root / "data" / "playground.db"
        database.unlink(missing_ok=True)  # every demo starts clean
        env = self._bot_env(database)
        self._cli(env, "migrate")
        self._cli(env, "centers", "sample")
        self._cli(env, "staff", "add", str(self.people["staff"].user_id), DEMO_CENTER)
        log = (self.root / "data" / "playground-bot.log").open("ab")
        # The bot runs beside the playground for its whole life: starting it does not block.
        self.process = subprocess.Popen([sys.executable, "-m", "bot", "run"], env=env, stdout=log, stderr=log)  # noqa: ASYNC220
        log.close()
        await self._wait_for_bot()
        await self._bind_staff_group()
        self._runner = web.AppRunner(self.make_app(), access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            for _ in range(100):
                if self.process.poll() is not None:
                    break
                await asyncio.sleep(0.05)
            else:
                self.process.kill()
        if self._runner is not None:
            await self._runner.cleanup()
        await self.api.stop()

    def _add_people(self) -> None:
        demo = (
            ("parent", "Айгерім (ата-ана / родитель)", 5001, "ru", "+7 701 111 22 33"),
            ("partner", "Нұрлан (серік / партнёр)", 5002, "kk", "+7 702 222 33 44"),
            ("staff", "Маман «Жанұя» (қызметкер / сотрудник)", 5003, "kk", "+7 705 333 44 55"),
        )
        for key, label, user_id, language, phone in demo:
            first_name = label.split()[0]
            self.users[user_id] = LocalUser(self.api, user_id, first_name=first_name, language_code=language)
            self.people[key] = Person(key, label, user_id, user_id, language, phone)
        self.group = LocalGroup(self.api, -1005003, "«Жанұя» staff group")
        staff = self.people["staff"]
        self.people["group"] = Person("group", "«Жанұя» staff group", staff.user_id, -1005003, "kk", staff.phone)

    def _bot_env(self, database: Path) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith(("BOT_", "TELEGRAM_"))}
        env.update(
            BOT_TOKEN=self.api.token,
            TELEGRAM_API_URL=self.api.base_url,
            DATABASE_URL=f"sqlite:///{database}",
            ADMIN_IDS=str(self.people["staff"].user_id),
            POLLING_TIMEOUT="1",
            LOG_LEVEL="INFO",
        )
        return env

    def _cli(self, env: dict[str, str], *args: str) -> None:
        subprocess.run([sys.executable, "-m", "bot", *args], env=env, check=True, capture_output=True)

    async def _wait_for_bot(self) -> None:
        for _ in range(400):
            if any(method == "getUpdates" for method, _ in self.api.calls):
                return
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError("the bot stopped at start; see data/playground-bot.log")
            await asyncio.sleep(0.05)
        raise RuntimeError("the bot did not start; see data/playground-bot.log")

    async def _bind_staff_group(self) -> None:
        """The demo staff member binds the group, as a person would: /bind in the group."""
        staff = self.users[self.people["staff"].user_id]
        assert self.group is not None
        await staff.send("/bind", group=self.group)
        with contextlib.suppress(Exception):
            await self.group.reply(timeout=10)

    # ---- the web page's API ----

    def make_app(self) -> web.Application:
        app = web.Application(client_max_size=20 * 1024 * 1024)
        app.router.add_get("/", self._index)
        app.router.add_static("/static", STATIC)
        app.router.add_get("/api/people", self._people)
        app.router.add_get("/api/chat/{person}", self._chat)
        app.router.add_get("/api/places", self._places)
        app.router.add_post("/api/send/{person}", self._send)
        app.router.add_post("/api/location/{person}", self._location)
        app.router.add_post("/api/contact/{person}", self._contact)
        app.router.add_post("/api/click/{person}", self._click)
        app.router.add_post("/api/upload/{person}", self._upload)
        app.router.add_get("/files/{file_id}", self._file)
        return app

    async def _index(self, request: web.Request) -> web.FileResponse:
        return web.FileResponse(STATIC / "index.html")

    async def _people(self, request: web.Request) -> web.Response:
        return web.json_response([asdict(person) for person in self.people.values()])

    def _person(self, request: web.Request) -> Person:
        person = self.people.get(request.match_info["person"])
        if person is None:
            raise web.HTTPNotFound(text="no such person")
        return person

    async def _chat(self, request: web.Request) -> web.Response:
        person = self._person(request)
        chat = self.api.chats[person.chat_id]
        messages = sorted(chat.messages.values(), key=lambda message: message["message_id"])
        commands = self._commands(person)
        return web.json_response(
            {
                "version": len(chat.events) + len(chat.messages),
                "messages": [_view(message, self.api.bot_user["id"]) for message in messages],
                "keyboard": chat.reply_keyboard,
                "commands": commands,
                "answers": {key: value for key, value in self.api.callback_answers.items()},
            }
        )

    def _commands(self, person: Person) -> list[dict[str, str]]:
        for key in (
            (f"chat:{person.chat_id}", ""),
            ("default", person.language),
            ("default", ""),
        ):
            if key in self.api.commands:
                return self.api.commands[key]
        return []

    async def _places(self, request: web.Request) -> web.Response:
        places = [{"name": f"{place.names[0]} / {place.names[1]}", "latitude": place.latitude,
                   "longitude": place.longitude} for place in GAZETTEER]  # fmt: skip
        return web.json_response(places)

    async def _send(self, request: web.Request) -> web.Response:
        person = self._person(request)
        body = await request.json()
        text = str(body.get("text") or "").strip()
        if not text:
            raise web.HTTPBadRequest(text="empty message")
        user = self.users[person.user_id]
        if person.key == "group" and self.group is not None:
            # As a Telegram app: an answer the bot asked for goes as a reply (the bot sees nothing else there).
            await user.type_in_group(text[:4096], self.group)
        else:
            await user.send(text[:4096])
        return web.json_response({"ok": True})

    async def _location(self, request: web.Request) -> web.Response:
        person = self._person(request)
        body = await request.json()
        try:
            latitude, longitude = float(body["latitude"]), float(body["longitude"])
        except (KeyError, TypeError, ValueError):
            raise web.HTTPBadRequest(text="latitude and longitude are numbers") from None
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise web.HTTPBadRequest(text="coordinates out of range")
        await self.users[person.user_id].share_location(latitude, longitude)
        return web.json_response({"ok": True})

    async def _contact(self, request: web.Request) -> web.Response:
        person = self._person(request)
        contact = {"phone_number": person.phone, "first_name": person.label.split()[0], "user_id": person.user_id}
        message = self.api.user_message(person.chat_id, person.user_id, contact=contact)
        await self.api.push_update({"message": message})
        return web.json_response({"ok": True})

    async def _click(self, request: web.Request) -> web.Response:
        person = self._person(request)
        body = await request.json()
        chat = self.api.chats[person.chat_id]
        message = chat.messages.get(int(body.get("message_id") or 0))
        if message is None:
            raise web.HTTPNotFound(text="the message is gone")
        user = self.users[person.user_id]
        try:
            answer = await user.click_data(str(body.get("data") or ""), message)
        except TimeoutError:
            answer = {"text": "", "show_alert": False}
        return web.json_response(answer)

    async def _upload(self, request: web.Request) -> web.Response:
        person = self._person(request)
        form = await request.post()
        upload = form.get("file")
        if not isinstance(upload, web.FileField):
            raise web.HTTPBadRequest(text="no file")
        data = upload.file.read()
        file_id = f"playground-{next(self._files)}"
        self._uploads[file_id] = (data, upload.content_type or "application/octet-stream")
        caption = str(form.get("caption") or "")[:1024]
        content: dict[str, Any] = {}
        if (upload.content_type or "").startswith("image/"):
            content["photo"] = [{"file_id": file_id, "file_unique_id": file_id, "width": 800, "height": 600}]
        else:
            content["document"] = {"file_id": file_id, "file_unique_id": file_id, "file_name": upload.filename}
        if caption:
            content["caption"] = caption
        message = self.api.user_message(person.chat_id, person.user_id, **content)
        await self.api.push_update({"message": message})
        return web.json_response({"ok": True, "file_id": file_id})

    async def _file(self, request: web.Request) -> web.Response:
        stored = self._uploads.get(request.match_info["file_id"])
        if stored is None:
            raise web.HTTPNotFound()
        data, content_type = stored
        return web.Response(body=data, content_type=content_type)


def _view(message: dict[str, Any], bot_id: int) -> dict[str, Any]:
    """What the page needs of a message."""
    keys = ("message_id", "text", "entities", "caption", "caption_entities", "venue", "location", "photo",
            "document", "contact", "edit_date", "message_thread_id")  # fmt: skip
    view = {key: message[key] for key in keys if key in message}
    view["from_bot"] = message["from"]["id"] == bot_id
    view["from_name"] = message["from"].get("first_name", "")
    view["inline_keyboard"] = message.get("reply_markup", {}).get("inline_keyboard", [])
    return view


async def run_playground(root: Path, port: int) -> None:
    playground = Playground(root, port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await playground.start()
        print(f"Playground ready: open http://127.0.0.1:{port} (Ctrl+C stops it)", flush=True)
        await stop.wait()
    finally:
        await playground.stop()
