"""A mark on strings the theme shows that are made before the render stage translates them."""


def N_(message: str) -> str:
    """`message` unchanged: marked for the message catalogs (`make messages`), and
    translated where it is shown (render/messages.py)."""
    return message
