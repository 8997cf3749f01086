"""Dispatch core: routers, filters, conversation state, replies."""
from bot.dispatch.dispatcher import Dispatcher, Lazy, Sender
from bot.dispatch.flow import STATE_TTL, Flow, Step, on_click, on_event, on_media, on_message, on_text
from bot.dispatch.message import Inbound
from bot.dispatch.middleware import QueueBehind
from bot.dispatch.reply import Reply, split_text
from bot.dispatch.router import Keyword, Regex, Router, SkipHandler, group_chat, in_state, private_chat
from bot.dispatch.state import ConversationState, State, StatesGroup

__all__ = [
    "Dispatcher", "Lazy", "Sender", "Inbound", "QueueBehind", "Reply", "split_text", "Keyword", "Regex", "Router", "SkipHandler",
    "group_chat", "in_state", "private_chat", "ConversationState", "State", "StatesGroup",
    "Flow", "Step", "STATE_TTL", "on_click", "on_event", "on_media", "on_message", "on_text",
]
