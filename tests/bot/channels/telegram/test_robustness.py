"""Whatever Telegram sends, the bot answers kindly and keeps nothing it should not: media,
stickers, locations, contacts, edits, channel posts, groups, old buttons, floods; commands map
to the web chat's intents."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from bot.prompts import load_prompts
from bot.runtime import Runtime
from handoff.db import session_factory
from handoff.models import Conversation
from tests.bot.channels.telegram.conftest import RunningBot, TgChat, fast_settings, texts
from tests.bot.channels.telegram.standin import StandIn

pytestmark = pytest.mark.anyio

TG = load_prompts("telegram")
CORE = load_prompts("core")


@pytest.fixture
def mode() -> str:
    """The adapter is the same in both modes; these tests poll."""
    return "polling"


def conversations(bot: RunningBot) -> int:
    with session_factory(bot.runtime.engine)() as session:
        return int(session.scalar(select(func.count()).select_from(Conversation)) or 0)


PHOTO = [{"file_id": "AgAD", "file_unique_id": "u1", "width": 90, "height": 90}]
KINDS = {
    "photo": ({"photo": PHOTO}, "media"),
    "voice": ({"voice": {"file_id": "v", "file_unique_id": "v1", "duration": 3}}, "media"),
    "document": (
        {"document": {"file_id": "d", "file_unique_id": "d1", "file_name": "工资条.pdf"}},
        "media",
    ),
    "sticker": (
        {
            "sticker": {
                "file_id": "s",
                "file_unique_id": "s1",
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
            }
        },
        "sticker",
    ),
    "location": ({"location": {"latitude": 22.9386, "longitude": 113.6732}}, "location"),
    "contact": (
        {"contact": {"phone_number": "+8613912345678", "first_name": "王小明", "user_id": 42}},
        "contact",
    ),
    "poll": (
        {
            "poll": {
                "id": "p",
                "question": "?",
                "options": [],
                "total_voter_count": 0,
                "is_closed": False,
                "is_anonymous": True,
                "type": "regular",
                "allows_multiple_answers": False,
                "allows_revoting": False,
                "members_only": False,
            }
        },
        "unsupported",
    ),
}


@pytest.mark.parametrize("kind", sorted(KINDS))
async def test_non_text_messages_get_a_kind_reply(bot: RunningBot, kind: str) -> None:
    chat = TgChat(bot, 740000000 + sorted(KINDS).index(kind))
    content, prompt = KINDS[kind]
    replies = await chat.send(**content)
    assert [m.text for m in replies] == [TG.text(prompt)]


async def test_an_update_the_library_cannot_read_spoils_only_itself(bot: RunningBot) -> None:
    chat = TgChat(bot, 740000050)
    broken = {"message_id": 1, "date": 0, "chat": {"id": chat.chat_id, "type": "private"}}
    bot.standin.raw({"message": {**broken, "poll": {"id": "p"}}})  # fields missing
    assert texts(await chat.command("/menu")) == CORE.text("menu_text")


async def test_a_caption_is_read_as_a_question(bot: RunningBot) -> None:
    chat = TgChat(bot, 740000100)
    replies = await chat.send(photo=PHOTO, caption="试用期最长多久")
    assert replies[0].text == TG.text("media_with_caption")
    assert "《劳动合同法》第十九条" in texts(replies)


async def test_a_shared_contact_or_location_is_not_stored(bot: RunningBot) -> None:
    chat = TgChat(bot, 740000200)
    await chat.command("/start")
    await chat.send(contact={"phone_number": "+8613912345678", "first_name": "王小明"})
    await chat.send(location={"latitude": 22.9386, "longitude": 113.6732})
    bot.runtime.engine.dispose()
    raw = b"".join(p.read_bytes() for p in bot.runtime.settings.var_dir.glob("tg.db*"))
    for secret in (b"13912345678", "王小明".encode(), b"22.9386", b"113.6732"):
        assert secret not in raw


async def test_an_edit_is_answered_kindly(bot: RunningBot) -> None:
    chat = TgChat(bot, 740000300)
    bot.standin.message(chat.chat_id, "老板不发工资", edited=True)
    await bot.quiet()
    assert [m.text for m in bot.standin.messages(chat.chat_id)] == [TG.text("edited")]


async def test_groups_are_refused_and_never_answered_privately(bot: RunningBot) -> None:
    group = -1001234567890
    before = conversations(bot)
    for text in ("/complaint", "试用期最长多久", "我要投诉宏达电子厂"):
        bot.standin.message(group, text, chat_type="supergroup")
    await bot.quiet()
    assert [m.text for m in bot.standin.messages(group)] == [TG.text("group_refused")]
    assert conversations(bot) == before  # no conversation, so nothing can be filed
    small_group = -4242
    bot.standin.message(small_group, "/start", chat_type="group")
    await bot.quiet()
    assert [m.text for m in bot.standin.messages(small_group)] == [TG.text("group_refused")]


async def test_a_channel_post_is_answered_once(bot: RunningBot) -> None:
    channel = -1009876543210
    for text in ("大家好", "第二条"):
        bot.standin.raw(
            {
                "channel_post": {
                    "message_id": 1,
                    "date": int(time.time()),
                    "chat": {"id": channel, "type": "channel", "title": "工友频道"},
                    "text": text,
                }
            }
        )
    await bot.quiet()
    assert [m.text for m in bot.standin.messages(channel)] == [TG.text("channel_refused")]


async def test_commands_map_to_the_web_chats_intents(bot: RunningBot) -> None:
    chat = TgChat(bot, 740000400)
    start = await chat.command("/start")
    assert TG.text("mainland_note") in texts(start)  # Hong Kong and abroad: said plainly
    assert CORE.text("help").split("\n")[0] in texts(await chat.command("/help"))
    assert "/talk_to_human" in await chat.payloads(await chat.command("/menu"))
    consent = await chat.command("/complaint")
    assert "/pick{consent:yes}" in await chat.payloads(consent)
    # Telegram is confidential, not anonymous: the consent step says so (and offers the web).
    assert load_prompts("intake").text("channel_note_app") in texts(consent)
    await chat.tap("/pick{consent:no}")
    delete = await chat.command("/delete@gongyou_test_bot")
    assert "/affirm" in await chat.payloads(delete)
    await chat.tap("/deny")
    assert texts(await chat.command("/status"))
    await chat.say("取消")
    assert await chat.command("/human")
    unknown = await chat.command("/weather")
    assert unknown[0].text == TG.text("unknown_command")


async def test_commands_are_registered_with_set_my_commands(bot: RunningBot) -> None:
    from bot.channels.telegram.registration import register_commands

    await register_commands(bot.ch.api)
    assert [c["command"] for c in bot.standin.commands] == [
        "start",
        "help",
        "menu",
        "complaint",
        "status",
        "delete",
        "human",
    ]


async def test_deleting_keeps_nothing_and_still_answers(bot: RunningBot) -> None:
    chat = TgChat(bot, 740000500)
    await chat.command("/start")
    before = conversations(bot)
    await chat.command("/delete")
    done = await chat.tap("/affirm")
    assert done  # told, although the conversation (and its address) is gone
    assert conversations(bot) == before - 1


async def test_an_old_button_says_so_kindly(bot: RunningBot) -> None:
    chat = TgChat(bot, 740000600)
    greeting = await chat.command("/start")
    sent = greeting[-1]
    bot.standin.tap(chat.chat_id, sent, "0123456789abcdef.1")  # a keyboard nobody kept
    await bot.quiet()
    stale = bot.standin.messages(chat.chat_id)[-1]
    assert stale.text == TG.text("stale_button")
    assert bot.standin.answered_callbacks  # the spinner stops


async def test_a_tapped_message_loses_its_buttons_and_shows_the_choice(bot: RunningBot) -> None:
    chat = TgChat(bot, 740000700)
    await chat.command("/start")
    menu = await chat.command("/menu")
    await chat.tap("/ask_question")
    await bot.standin.settle(quiet_seconds=0.2)
    tapped = next(
        m for m in bot.standin.messages(chat.chat_id) if m.message_id == menu[-1].message_id
    )
    assert tapped.buttons == []
    assert tapped.edits == 1
    assert tapped.text.startswith(menu[-1].text)


async def test_a_flood_from_one_chat_is_cut_off_kindly(bot: RunningBot) -> None:
    chat = TgChat(bot, 740000800)
    limit = bot.settings.updates_per_minute_per_chat
    sticker = KINDS["sticker"][0]
    for _ in range(limit + 10):
        bot.standin.message(chat.chat_id, **sticker)
    await bot.quiet()
    replies = [m.text for m in bot.standin.messages(chat.chat_id)]
    assert replies == [TG.text("sticker")] * limit + [TG.text("too_fast")]


async def test_callback_data_stays_small_for_long_chinese_labels(bot: RunningBot) -> None:
    chat = TgChat(bot, 740000900)
    await chat.command("/start")
    conversation_id = bot.ch.outbox.conversation(chat.key)[0]  # type: ignore[index]
    from handoff.ports import OutgoingMessage

    label = "我不知道具体是哪一天开始拖欠工资的，大概是去年春节以后"
    await bot.ch.deliver(conversation_id, [OutgoingMessage("请选择", ((label, label),))])
    sent = bot.standin.messages(chat.chat_id)[-1]
    assert all(len(data.encode()) < 64 for data in sent.button_data())
    assert await chat.payloads([sent]) == [label]


async def test_a_429_at_start_up_is_waited_out(
    tg_runtime: Runtime, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    standin.fail("deleteWebhook", "429", times=2, retry_after=1)
    running = RunningBot(tg_runtime, standin, "polling", fast_settings())
    await running.start()
    try:
        chat = TgChat(running, 740001000)
        assert await chat.command("/start")
    finally:
        await running.stop()
