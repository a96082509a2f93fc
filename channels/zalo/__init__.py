"""Zalo Official Account connector for Rasa 3.6 (credentials.yml: `channels.zalo.ZaloInput`)."""

from channels.zalo.config import ZaloConfig, ZaloConfigError
from channels.zalo.input import ZaloInput
from channels.zalo.output import ZaloOutput

__all__ = ["ZaloConfig", "ZaloConfigError", "ZaloInput", "ZaloOutput"]
