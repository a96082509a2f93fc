"""Web chat: the browser widget (src/, built into dist/) and its Rasa socketio channel."""
