"""The benchmark's simulated people: the real flows for the bot, the same updates replayed for the echo bot.

Each step is one update (a message or a button press). Its latency runs from the moment the update is queued on
the local server to the bot's first answer in that person's chat: a message sent or edited, or the button's
answerCallbackQuery, whichever comes first. The person then reads on until the step's whole answer is there
(as the e2e tests do) before taking the next step, so each person has at most one update in flight.

The local server's own waits wake every waiter at every event; with a hundred people that costs the driver more
than the bot, so `BenchApi` wakes only the person concerned."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

from bot.localapi.people import ConversationError, LocalUser, inline_buttons
from bot.localapi.server import Chat, ChatEvent, LocalBotApi

PATIENCE = 120.0  # seconds a person waits for any one answer before the run is declared broken
CENTER = "pavlodar-city"
PLACE = "Павлодар"
ACADEMY_FIRST_TOPIC = "Общение с подростками"  # the topic the e2e tests sign up for; later rounds take the next


@dataclass
class Step:
    flow: str
    kind: str  # "message" or "click"
    payload: str  # the text, or the callback data


class BenchApi(LocalBotApi):
    """The local server, noting when each simulated person gets their first answer to a step, and when the bot
    first polls."""

    def __init__(self, token: str) -> None:
        super().__init__(token=token)
        self.people: dict[int, Person] = {}
        self.presses: dict[str, Person] = {}  # callback query id -> who pressed
        self.first_poll_at: float | None = None  # time.perf_counter() of the first getUpdates

    async def _m_getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self.first_poll_at is None:
            self.first_poll_at = time.perf_counter()
        return await super()._m_getUpdates(params)

    async def _record(self, chat: Chat, event: ChatEvent) -> None:
        await super()._record(chat, event)
        person = self.people.get(chat.id)
        if person is not None:
            person.answered()

    async def _m_answerCallbackQuery(self, params: dict[str, Any]) -> bool:
        result = await super()._m_answerCallbackQuery(params)
        person = self.presses.pop(str(params["callback_query_id"]), None)
        if person is not None:
            person.answered()
        return result


class Person(LocalUser):
    """A LocalUser who times each step and waits without waking everyone else."""

    def __init__(self, server: BenchApi, user_id: int) -> None:
        super().__init__(server, user_id, first_name="Bench", language_code="ru")
        self.bench = server
        server.people[user_id] = self
        self.flow = "start"
        self.steps: list[Step] = []
        self.latencies: list[tuple[str, float]] = []  # (flow, seconds to the first answer)
        self._sent_at: float | None = None
        self._news = asyncio.Event()
        self.places: dict[str, Any] | None = None  # the last list of centers the bot showed

    # ---- timing ----

    def _begin(self, kind: str, payload: str) -> None:
        self.steps.append(Step(self.flow, kind, payload))
        self._sent_at = time.perf_counter()

    def answered(self) -> None:
        if self._sent_at is not None:
            self.latencies.append((self.flow, time.perf_counter() - self._sent_at))
            self._sent_at = None
        self._news.set()

    async def _until(self, ready: Any, what: str, within: float = PATIENCE) -> None:
        """Wait for `ready()` to hold, woken only by this person's news; never less than PATIENCE seconds."""
        within = max(within, PATIENCE)
        try:
            async with asyncio.timeout(within):
                while not ready():
                    self._news.clear()
                    await self._news.wait()
        except TimeoutError:
            raise ConversationError(f"person {self.id}: {what} within {within:.0f} s") from None

    # ---- acting (each is one timed step) ----

    async def say(self, text: str) -> None:
        self._begin("message", text)
        await self.send(text)

    async def tap(self, label: str, message: dict[str, Any] | None = None) -> dict[str, Any]:
        target, button = self._inline_button(label, message)
        return await self.press_data(button["callback_data"], target)

    async def press_data(self, data: str, message: dict[str, Any]) -> dict[str, Any]:
        self._begin("click", data)
        return await self.click_data(data, message)

    # ---- the LocalUser's waits, without the server-wide wake-ups ----

    async def next_event(self, timeout: float = PATIENCE) -> ChatEvent:  # noqa: ASYNC109 -- LocalUser's signature
        events = self.chat.events
        await self._until(lambda: len(events) > self._cursor, "the bot sent nothing more", timeout)
        self._cursor += 1
        return events[self._cursor - 1]

    async def click_data(self, data: str, message: dict[str, Any]) -> dict[str, Any]:
        callback_id = self.bench.new_callback_id()
        self.bench.presses[callback_id] = self
        query = {
            "id": callback_id,
            "from": self.bench.users[self.id],
            "chat_instance": str(message["chat"]["id"]),
            "message": message,
            "data": data,
        }
        await self.bench.push_update({"callback_query": query})
        answers = self.bench.callback_answers
        await self._until(lambda: callback_id in answers, f"no answer to the button {data!r}")
        return answers[callback_id]

    async def reply_having(self, label: str) -> dict[str, Any]:
        """Read messages until one has an inline button with `label` in its text."""
        while True:
            message = await self.reply()
            if any(label in text for text in inline_buttons(message)):
                return message


# ---- the flows (the steps of tests/conftest.py choose_language, tests/e2e/flows.py, test_crowd.py, test_courses.py)


async def start(person: Person) -> None:
    person.flow = "start"
    await person.say("/start")
    await person.reply()
    await person.tap("Русский")
    await person.reply()


async def place(person: Person, _round: int) -> None:
    person.flow = "place"
    await person.say(PLACE)
    person.places = await person.reply_with("центр")


async def card(person: Person, round_: int) -> None:
    if person.places is None:  # the card is opened from a list of centers: one typed place first
        await place(person, round_)
    assert person.places is not None
    person.flow = "card"
    await person.tap(inline_buttons(person.places)[0], person.places)
    await person.reply_having("Обратиться в этот центр")
    person.places = None


async def menu(person: Person, _round: int) -> None:
    person.flow = "menu"
    await person.say("/menu")
    await person.reply()


async def request(person: Person, _round: int) -> None:
    """From the center's card (deep link) through the topic and the text, anonymous, to the confirmation."""
    person.flow = "request"
    await person.say(f"/start c_{CENTER}")
    center_card = await person.reply_with("Услуги")
    await person.tap("Обратиться в этот центр", center_card)
    await person.reply_with("О чём ваше обращение")
    await person.tap("Другое")
    await person.reply_with("Опишите ситуацию")
    await person.say(f"Нужна консультация психолога, {person.id}")
    await person.reply_with("Как центру связаться")
    await person.tap("Остаться анонимным")
    summary = await person.reply_with("Проверьте ваше обращение")
    await person.tap("Отправить", summary)
    await person.reply_with("отправлено в")


async def signup(person: Person, round_: int) -> None:
    """Parents Academy: a topic, a group, name, phone, consent. Each round takes another (topic, group) pair, so
    that nobody signs up twice for one group; a full group offers its waiting list instead."""
    person.flow = "signup"
    await person.say("/academy")
    topics_message = await person.reply_with("Выберите тему")
    topics = inline_buttons(topics_message)
    first = next((n for n, text in enumerate(topics) if ACADEMY_FIRST_TOPIC in text), 0)
    await person.tap(topics[(first + round_) % len(topics)], topics_message)
    listing = await person.reply_having("·")  # the groups' buttons: "date · place · seats"
    groups = [text for text in inline_buttons(listing) if "·" in text]
    await person.tap(groups[(round_ // len(topics)) % len(groups)], listing)
    group_card = await person.reply_with("Занятия")
    join = next((text for text in inline_buttons(group_card) if "Записаться" in text or "ожидания" in text), None)
    if join is None:
        raise ConversationError(f"person {person.id}: no sign-up button on {inline_buttons(group_card)!r}")
    await person.tap(join, group_card)
    await person.reply_with("имя и фамилия")
    await person.say("Айгерим Сапарова")
    await person.reply_with("номер телефона")
    await person.say("87011234567")
    consent = await person.reply_with("Согласие на обработку")
    await person.tap("напоминайте", consent)
    await person.reply()


FLOW_STEPS = {"place": place, "card": card, "menu": menu, "request": request, "signup": signup}
SIGNUP_CHOICES = 6 * 4  # (topic, group) pairs a person can take: the sample has 6 topics, 4 groups listed each


async def real_flows(person: Person, rounds: int, flows: list[str]) -> None:
    await start(person)
    for round_ in range(rounds):
        for flow in flows:
            await FLOW_STEPS[flow](person, round_)


# ---- the echo bot: the same updates, each waiting for its echo (a message) or its answer (a button)


@dataclass
class Replay:
    person: Person
    steps: list[Step] = field(default_factory=list)

    async def run(self) -> None:
        person = self.person
        for step in self.steps:
            person.flow = step.flow
            if step.kind == "message":
                await person.say(step.payload)
                await person.reply()
            else:
                last = max(person.chat.messages.values(), key=lambda message: message["message_id"])
                await person.press_data(step.payload, last)
