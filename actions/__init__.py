"""rasa-sdk custom actions. Thin: each translates a `bot.dialogue` outcome into events."""
