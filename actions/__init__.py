"""rasa-sdk custom actions. Thin: each translates a `bot.dialogue` outcome into events.

Importing the package loads and validates the procedure knowledge base and the hand-off
contacts, so broken data stops the action server at start-up with a message naming the file
and field, instead of failing in front of a citizen.
"""

from bot.dialogue.support import load_contacts
from bot.procedures import default_catalog

default_catalog()
load_contacts()
