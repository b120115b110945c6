"""The simulator's own Thai wording (it imports nothing of the product, texts included)."""

DEFAULT_USER_NAME = "ผู้ใช้ทดสอบ"  # a user created without a name
BOT_DISPLAY_NAME = "ITA Bot (จำลอง)"  # a channel created without a name


def unseen_user_name(user_id: str) -> str:
    """A user the bot addresses but the simulator never saw."""
    return "ผู้ใช้ " + user_id[1:8]
