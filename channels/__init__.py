"""Rasa input/output channels of the assistant (Zalo Official Account, web widget)."""
