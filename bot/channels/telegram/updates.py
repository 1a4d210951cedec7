"""What an update is, read from the few fields the bot needs (check apart from handle).

Only the chat id and type, the text (or a caption), a command, a tapped button's data and
message, and whether the bot was blocked are ever read. Names, usernames, photos, phone numbers
and language codes arrive in every update; nothing here touches them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from telegram import Bot, ChatMemberUpdated, Message, MessageEntity, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.ext import filters

from bot.log import get_logger

log = get_logger(__name__)

# Telegram commands → the payload of the same intent in the web chat.
COMMANDS: dict[str, str] = {
    "start": "/greet",
    "help": "/help",
    "menu": "/menu",
    "complaint": "/file_complaint",
    "status": "/check_case_status",
    "delete": "/delete_my_data",
    "human": "/talk_to_human",
}


class Kind(enum.Enum):
    """What the bot does with an update."""

    TEXT = "text"
    COMMAND = "command"
    UNKNOWN_COMMAND = "unknown_command"
    TAP = "tap"
    MEDIA = "media"
    STICKER = "sticker"
    LOCATION = "location"
    CONTACT = "contact"
    EDITED = "edited"
    OTHER = "other"
    GROUP = "group"
    CHANNEL = "channel"
    BLOCKED = "blocked"
    UNBLOCKED = "unblocked"
    IGNORE = "ignore"


# Checked in order on a private chat's new message; the first filter that matches decides.
_MESSAGE_KINDS: tuple[tuple[filters.BaseFilter, Kind], ...] = (
    (filters.COMMAND, Kind.COMMAND),
    (filters.TEXT, Kind.TEXT),
    (filters.Sticker.ALL | filters.Dice.ALL, Kind.STICKER),
    (filters.LOCATION | filters.VENUE, Kind.LOCATION),
    (filters.CONTACT, Kind.CONTACT),
    (
        filters.PHOTO
        | filters.VIDEO
        | filters.VOICE
        | filters.AUDIO
        | filters.VIDEO_NOTE
        | filters.ANIMATION
        | filters.Document.ALL
        | filters.PAID_MEDIA,
        Kind.MEDIA,
    ),
)
_PUBLIC_CHATS = frozenset({ChatType.GROUP, ChatType.SUPERGROUP, ChatType.CHANNEL})


@dataclass(frozen=True, slots=True)
class Incoming:
    """One update, reduced to what the bot acts on."""

    update_id: int
    kind: Kind
    chat_id: int | None = None
    text: str = ""  # typed text, or a media caption
    payload: str | None = None  # the intent a command stands for
    callback_query_id: str | None = None
    callback_data: str | None = None
    message_id: int | None = None  # the message whose button was tapped
    message_text: str = ""  # that message's text (the bot's own words)
    tapped_title: str = ""  # the tapped button's title


def read_raw(data: dict[str, Any], bot: Bot) -> Incoming:
    """Classify an update as Telegram sent it; one PTB cannot read is ignored (logged)."""
    try:
        update = Update.de_json(data, bot)
    except Exception as exc:  # noqa: BLE001 - a newer Bot API field must not stop the bot
        log.warning("telegram_update_unreadable", error_type=type(exc).__name__)
        update_id = data.get("update_id")
        return Incoming(update_id if isinstance(update_id, int) else -1, Kind.IGNORE)
    return read_update(update)


def read_update(update: Update) -> Incoming:
    """Classify an update; anything the bot does not act on is ``Kind.IGNORE``."""
    uid = update.update_id
    if update.callback_query is not None:
        return _tap(update)
    if update.my_chat_member is not None:
        return _membership(uid, update.my_chat_member)
    if update.channel_post is not None:
        return Incoming(uid, Kind.CHANNEL, update.channel_post.chat.id)
    if update.edited_channel_post is not None:
        return Incoming(uid, Kind.IGNORE)  # the channel was already told once
    message = update.message or update.edited_message
    if message is None:
        return Incoming(uid, Kind.IGNORE)
    chat = message.chat
    if chat.type in _PUBLIC_CHATS:
        # One explanation per message addressed to the bot; an edit there is left alone.
        kind = Kind.GROUP if update.message is not None else Kind.IGNORE
        return Incoming(uid, kind, chat.id)
    if chat.type != ChatType.PRIVATE:
        return Incoming(uid, Kind.IGNORE)
    if update.edited_message is not None:
        return Incoming(uid, Kind.EDITED, chat.id)
    return _private_message(uid, update, message)


def _private_message(uid: int, update: Update, message: Message) -> Incoming:
    kind = next((k for f, k in _MESSAGE_KINDS if f.check_update(update)), Kind.OTHER)
    if kind is Kind.COMMAND:
        payload = COMMANDS.get(_command_name(message))
        if payload is None:
            return Incoming(uid, Kind.UNKNOWN_COMMAND, message.chat.id)
        return Incoming(uid, kind, message.chat.id, payload=payload)
    if kind is Kind.TEXT:
        return Incoming(uid, kind, message.chat.id, text=message.text or "")
    if kind is Kind.MEDIA:
        return Incoming(uid, kind, message.chat.id, text=message.caption or "")
    return Incoming(uid, kind, message.chat.id)


def _command_name(message: Message) -> str:
    """``/start@GongyouBot payload`` → ``start``."""
    entity = message.entities[0] if message.entities else None
    text = message.text or ""
    if entity is None or entity.type != MessageEntity.BOT_COMMAND:
        return ""
    word = text[entity.offset + 1 : entity.offset + entity.length]
    return word.split("@", 1)[0].lower()


def _tap(update: Update) -> Incoming:
    query = update.callback_query
    assert query is not None  # noqa: S101 - checked by the caller
    message = query.message
    if message is None:  # a button of an inline-mode message: never ours
        return Incoming(update.update_id, Kind.IGNORE)
    if message.chat.type != ChatType.PRIVATE:
        return Incoming(update.update_id, Kind.GROUP, message.chat.id)
    text, title = "", ""
    if isinstance(message, Message):  # older than 48 hours it comes without its contents
        text = message.text or ""
        title = _button_title(message, query.data or "")
    return Incoming(
        update.update_id,
        Kind.TAP,
        message.chat.id,
        callback_query_id=query.id,
        callback_data=query.data or "",
        message_id=message.message_id,
        message_text=text,
        tapped_title=title,
    )


def _button_title(message: Message, data: str) -> str:
    markup = message.reply_markup
    if markup is None:
        return ""
    for row in markup.inline_keyboard:
        for button in row:
            if button.callback_data == data:
                return button.text
    return ""


def _membership(uid: int, change: ChatMemberUpdated) -> Incoming:
    chat = change.chat
    status = change.new_chat_member.status
    if chat.type == ChatType.PRIVATE:
        if status == ChatMemberStatus.BANNED:  # "kicked": the worker blocked the bot
            return Incoming(uid, Kind.BLOCKED, chat.id)
        if status == ChatMemberStatus.MEMBER:
            return Incoming(uid, Kind.UNBLOCKED, chat.id)
        return Incoming(uid, Kind.IGNORE)
    joined = status in (ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR)
    if joined and chat.type in (ChatType.GROUP, ChatType.SUPERGROUP):
        return Incoming(uid, Kind.GROUP, chat.id)  # added to a group: explain at once
    return Incoming(uid, Kind.IGNORE)
