"""The one exception type that reaches the user as an `okrtui: error:` line."""

import re


class OkrError(Exception):
    """Bad usage or bad input: the CLI prints it as one line and exits 2."""

    exit_code = 2


# A library's error text as one line a person can read: no SQL, no parameters, no links to
# the library's docs, no password (a URL's or a libpq keyword's), no line breaks.
_NOISE = ("[SQL:", "[parameters:", "(Background on this error", "DETAIL:", "HINT:", "CONTEXT:", "LINE ", "^")


def one_line(message: str) -> str:
    message = message.replace("\\n", "\n")
    kept = [line.strip() for line in message.splitlines() if not line.strip().startswith(_NOISE)]
    text = " ".join(line for line in kept if line)
    text = re.sub(r"\[SQL:.*?\]|\[parameters:.*?\]|\(Background on this error at: [^)]*\)", "", text)
    text = re.sub(r"(\b[a-zA-Z][\w+.-]*://[^\s:/@]*):[^\s@]*@", r"\1:***@", text)
    text = re.sub(r"(\bpassword\s*=\s*)('[^']*'|\S+)", r"\1***", text, flags=re.IGNORECASE)
    return re.sub(r"\s+", " ", text).strip()
