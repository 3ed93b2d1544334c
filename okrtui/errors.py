"""The one exception type that reaches the user as an `okrtui: error:` line."""


class OkrError(Exception):
    """Bad usage or bad input: the CLI prints it as one line and exits 2."""

    exit_code = 2
