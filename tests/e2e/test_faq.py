"""Questions and answers end to end, with the bot process reading its articles from FAQ_DIR: a help request that is
offered articles and goes on to its number, the urgent path that skips them, and an article with «Did this help?».

Both languages, typed questions, place names, forged buttons and /stats: tests/handlers/test_faq.py."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.localapi.people import inline_buttons, message_text
from tests.conftest import BotProcess, PersonFactory, choose_language
from tests.e2e.flows import finish_request
from tests.unit.test_faq import write_fixtures

FAQ_FOLDER = Path(tempfile.gettempdir()) / f"otbasy-faq-e2e-{os.getpid()}"
BOT_ENV = {"FAQ_DIR": str(FAQ_FOLDER)}
OFFER = "Пока вы заканчиваете обращение, это может помочь"


@pytest.fixture(scope="module", autouse=True)
def articles() -> Iterator[Path]:
    """The tests' own articles, in place before the module's bot starts (autouse fixtures of a scope come first)."""
    write_fixtures(FAQ_FOLDER)
    yield FAQ_FOLDER
    shutil.rmtree(FAQ_FOLDER, ignore_errors=True)


async def to_the_description(citizen, topic: str) -> None:  # type: ignore[no-untyped-def]
    """A Russian-speaking newcomer, from the center's deep link to the question that asks for the text."""
    await citizen.send("/start c_astana-zhanuya")
    await citizen.reply()
    await citizen.click("Русский")
    await citizen.click("Обратиться в этот центр", await citizen.reply_with("Услуги"))
    await citizen.reply_with("О чём ваше обращение")
    await citizen.click(topic)
    await citizen.reply_with("Опишите ситуацию")


async def test_a_request_is_offered_articles_and_goes_on(running_bot: BotProcess, person: PersonFactory) -> None:
    citizen = person("ru")
    await to_the_description(citizen, "Юридический вопрос")
    await citizen.send("Хочу развестись, нужна медиация")
    offer = await citizen.reply()
    assert OFFER in message_text(offer) and inline_buttons(offer) == ["Развод и медиация"]
    assert "Как центру связаться" in message_text(await citizen.reply())  # the request goes on at once, below

    await citizen.click("Развод и медиация", offer)
    article = await citizen.reply_with("Это помогло?")
    text = message_text(article)
    assert text.startswith("Развод и медиация\n\n") and "Источник: Кодекс РК" in text and "ОБРАЗЕЦ" in text
    assert "112" in text and "150" in text
    assert inline_buttons(article) == ["👍 Да", "👎 Нет", "➡️ Продолжить моё обращение"]
    thanks = await citizen.click("👍 Да", article)
    assert thanks["text"] == "Спасибо! Рады, что это помогло."
    assert inline_buttons(await citizen.edit(article)) == ["➡️ Продолжить моё обращение"]

    await citizen.click("Продолжить моё обращение")
    await citizen.reply_with("Как центру связаться")
    sent = await finish_request(citizen)
    assert "R-" in message_text(sent)


async def test_the_urgent_path_skips_the_articles(running_bot: BotProcess, person: PersonFactory) -> None:
    citizen = person("ru")
    await to_the_description(citizen, "Семейный конфликт")
    await citizen.send("Муж бьёт меня, хочу развод")
    warning = message_text(await citizen.reply())
    assert "112" in warning and "102" in warning and "150" in warning
    assert "Как центру связаться" in message_text(await citizen.reply())  # nothing in between: no articles
    await citizen.click("Остаться анонимным")
    await citizen.click("Отправить", await citizen.reply_with("Отмечено как срочное"))
    await citizen.reply_with("отправлено в")


async def test_a_typed_question_then_the_faq(running_bot: BotProcess, person: PersonFactory) -> None:
    user = person("kk")
    await choose_language(user, "kk")
    await user.send("ajyrasu kerek")
    found = await user.reply_with("Көмектесуі мүмкін жауаптар")
    assert inline_buttons(found) == ["Ажырасу және медиация", "✍️ Орталықтан сұрау", "❓ Барлық сұрақ-жауап"]
    await user.send("Шымкент")  # a place name still finds centers
    assert "Шымкент" in message_text(await user.reply())
    await user.press("❓ Сұрақ-жауап")
    topics = await user.reply_with("Сұрақ-жауап")
    assert "💔 Ажырасу және медиация" in inline_buttons(topics)
