from django.utils import translation


def th(message: str, **params) -> str:
    """``message`` as the Thai catalogue has it, with ``params`` filled in."""
    with translation.override("th"):
        text = translation.gettext(message)
    return text % params if params else text
