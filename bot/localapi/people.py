"""Simulated Telegram users: they type, tap buttons and share locations, and read what the bot sends them."""

from __future__ import annotations

from typing import Any

from bot.localapi.server import Chat, ChatEvent, LocalBotApi

DEFAULT_TIMEOUT = 15.0


class ConversationError(AssertionError):
    """The bot did not do what the simulated person expected."""


class ChatReader:
    """Reads, in order, what the bot does in one chat."""

    def __init__(self, server: LocalBotApi, chat_id: int) -> None:
        self.server = server
        self.chat_id = chat_id
        self._cursor = 0  # how many of the chat's events have been read

    @property
    def chat(self) -> Chat:
        return self.server.chats[self.chat_id]

    # ---- reading ----

    def skip_to_end(self) -> None:
        """What the bot did in the chat so far counts as read."""
        self._cursor = len(self.chat.events)

    async def next_event(self, timeout: float = DEFAULT_TIMEOUT) -> ChatEvent:
        try:
            event = await self.server.wait_for_event(self.chat_id, self._cursor, timeout)
        except TimeoutError:
            raise ConversationError(f"the bot sent nothing to chat {self.chat_id} within {timeout} s") from None
        self._cursor += 1
        return event

    async def reply(self, timeout: float = DEFAULT_TIMEOUT) -> dict[str, Any]:
        """The next message the bot sends (edits and deletions on the way are skipped)."""
        while True:
            event = await self.next_event(timeout)
            if event.kind == "send":
                return event.message

    async def edit(self, of: dict[str, Any] | None = None, timeout: float = DEFAULT_TIMEOUT) -> dict[str, Any]:
        """The next edit the bot makes (of the message `of`, if given; other events are skipped)."""
        while True:
            event = await self.next_event(timeout)
            if event.kind == "edit" and (of is None or event.message["message_id"] == of["message_id"]):
                return event.message

    async def reply_with(self, *fragments: str, timeout: float = DEFAULT_TIMEOUT) -> dict[str, Any]:
        """Read messages until one has every fragment in its text; fails on a timeout."""
        seen = []
        while True:
            try:
                message = await self.reply(timeout)
            except ConversationError:
                raise ConversationError(f"no message with {fragments!r}; the bot sent: {seen!r}") from None
            text = message_text(message)
            seen.append(text[:120])
            if all(fragment in text for fragment in fragments):
                return message


class LocalGroup(ChatReader):
    """A staff group (a forum, if `is_forum`), where people are members. The bot is a plain member unless
    `bot_is_admin`; in a forum it is an admin by default, since only an admin can create topics there."""

    def __init__(
        self, server: LocalBotApi, chat_id: int, title: str, is_forum: bool = False, bot_is_admin: bool | None = None
    ) -> None:
        server.add_group(chat_id, title, is_forum, is_forum if bot_is_admin is None else bot_is_admin)
        super().__init__(server, chat_id)

    @property
    def withheld(self) -> list[dict[str, Any]]:
        """Messages of this group that the bot was not given (privacy mode)."""
        return [message for message in self.server.withheld if message["chat"]["id"] == self.chat_id]


class LocalUser(ChatReader):
    def __init__(
        self,
        server: LocalBotApi,
        user_id: int,
        first_name: str = "Test",
        language_code: str | None = "kk",
        username: str | None = None,
    ) -> None:
        server.add_user(user_id, first_name, language_code, username)
        super().__init__(server, user_id)
        self.id = user_id

    # ---- acting ----

    async def send(
        self,
        text: str,
        group: LocalGroup | None = None,
        thread_id: int | None = None,
        reply_to: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Write in the private chat, or in `group` (in a forum topic, as a reply to a message), exactly as told;
        `type_in_group` is what a person's app does with what they type in a group."""
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            command = text.split()[0]
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        if thread_id is not None:
            content.update(message_thread_id=thread_id, is_topic_message=True)
        if reply_to is not None:
            content["reply_to_message"] = reply_to
        chat_id = group.chat_id if group is not None else self.id
        message = self.server.user_message(chat_id, self.id, **content)
        await self.server.push_update({"message": message})
        return message

    async def type_in_group(self, text: str, group: LocalGroup, thread_id: int | None = None) -> dict[str, Any]:
        """Type `text` in `group` and press Send, as in a Telegram app: while a ForceReply of the bot targets this
        person there, the app has the reply box open, so the text goes as a reply to that message (in its
        topic); otherwise it is a plain group message, which a bot in privacy mode never receives."""
        prompt = self.server.forced_reply_for(group.chat_id, self.id)
        if prompt is not None and thread_id in (None, prompt.get("message_thread_id")):
            return await self.send(text, group=group, thread_id=prompt.get("message_thread_id"), reply_to=prompt)
        return await self.send(text, group=group, thread_id=thread_id)

    def reply_box(self, group: LocalGroup) -> dict[str, Any] | None:
        """The bot's message this person's app has the reply box open for in `group` (a ForceReply), if any."""
        return self.server.forced_reply_for(group.chat_id, self.id)

    async def send_photo(self, caption: str = "") -> dict[str, Any]:
        file_id = f"photo-{self.id}-{self.chat.next_message_id}"
        photo = [{"file_id": file_id, "file_unique_id": file_id, "width": 640, "height": 480}]
        content: dict[str, Any] = {"photo": photo}
        if caption:
            content["caption"] = caption
        message = self.server.user_message(self.id, self.id, **content)
        await self.server.push_update({"message": message})
        return message

    async def share_location(self, latitude: float, longitude: float) -> dict[str, Any]:
        message = self.server.user_message(self.id, self.id, location={"latitude": latitude, "longitude": longitude})
        await self.server.push_update({"message": message})
        return message

    async def press(self, text: str) -> dict[str, Any]:
        """Tap a button of the reply keyboard the bot shows now; a location button shares `location`."""
        button = self._reply_button(text)
        if isinstance(button, dict) and button.get("request_location"):
            raise ConversationError(f"button {text!r} asks for a location: use tap_location()")
        return await self.send(text)

    async def tap_location(self, text: str, latitude: float, longitude: float) -> dict[str, Any]:
        button = self._reply_button(text)
        if not (isinstance(button, dict) and button.get("request_location")):
            raise ConversationError(f"button {text!r} does not request a location")
        return await self.share_location(latitude, longitude)

    async def click(self, text: str, message: dict[str, Any] | None = None) -> dict[str, Any]:
        """Press an inline button (by its exact text or a part of it) on `message`, or on the newest message
        that has such a button; returns the bot's answerCallbackQuery."""
        target, button = self._inline_button(text, message)
        return await self.click_data(button["callback_data"], target)

    async def click_data(self, data: str, message: dict[str, Any]) -> dict[str, Any]:
        """Send callback data of one's own choosing, as a forged or stale button would."""
        callback_id = self.server.new_callback_id()
        query = {
            "id": callback_id,
            "from": self.server.users[self.id],
            "chat_instance": str(message["chat"]["id"]),
            "message": message,
            "data": data,
        }
        await self.server.push_update({"callback_query": query})
        return await self.server.wait_for_callback_answer(callback_id, DEFAULT_TIMEOUT)

    def keyboard_texts(self) -> list[str]:
        """The reply keyboard the person sees now, flattened."""
        keyboard = self.chat.reply_keyboard or {}
        return [_button_text(button) for row in keyboard.get("keyboard", []) for button in row]

    def _reply_button(self, text: str) -> Any:
        keyboard = self.chat.reply_keyboard or {}
        for row in keyboard.get("keyboard", []):
            for button in row:
                if _button_text(button) == text:
                    return button
        raise ConversationError(f"no reply button {text!r}; the keyboard has {self.keyboard_texts()!r}")

    def _inline_button(self, text: str, message: dict[str, Any] | None) -> tuple[dict[str, Any], dict[str, Any]]:
        """The button whose text is `text`, else the first that contains it; newest message first."""
        if message is not None:
            chat = self.server.chats[message["chat"]["id"]]
            candidates = [chat.messages.get(message["message_id"], message)]
        else:
            candidates = sorted(self.chat.messages.values(), key=lambda m: m["message_id"], reverse=True)
        buttons = [
            (candidate, button)
            for candidate in candidates
            for row in candidate.get("reply_markup", {}).get("inline_keyboard", [])
            for button in row
            if "callback_data" in button
        ]
        for matches in (lambda label: label == text, lambda label: text in label):
            for candidate, button in buttons:
                if matches(button.get("text", "")):
                    return candidate, button
        raise ConversationError(f"no inline button {text!r} in the chat of user {self.id}")

    async def share_contact(
        self, phone: str, user_id: int | None = None, first_name: str | None = None
    ) -> dict[str, Any]:
        """Send a contact card: one's own (user_id=self.id, as the 📱 button sends), someone else's Telegram
        contact (another user_id), or a phone-book card linked to no Telegram account (user_id=None)."""
        contact: dict[str, Any] = {
            "phone_number": phone,
            "first_name": first_name or self.server.users[self.id]["first_name"],
        }
        if user_id is not None:
            contact["user_id"] = user_id
        message = self.server.user_message(self.id, self.id, contact=contact)
        await self.server.push_update({"message": message})
        return message


def message_text(message: dict[str, Any]) -> str:
    if "venue" in message:
        return f"{message['venue']['title']}\n{message['venue']['address']}"
    return str(message.get("text") or message.get("caption") or "")


def inline_buttons(message: dict[str, Any]) -> list[str]:
    return [button["text"] for row in message.get("reply_markup", {}).get("inline_keyboard", []) for button in row]


def _button_text(button: Any) -> str:
    return button if isinstance(button, str) else str(button.get("text", ""))
