"""Team (t): the lead's review over SSH, one module per view.

`screen.py` is the screen: the filters, the person picker, sync, the header and the detail line, and
which view is shown (1–4). Each view is a list widget of its own with its own keys and actions
(`view.py` is their base): `people.py` (1, and `A` `r` on an objective in review), `alignment.py`
(2, `A` `r` too), `dependencies.py` (3: `enter` opens the other end) and `week.py` (4: `<` `>`
step the week; `m` opens it on the mid-quarter week from any view). A view sees the screen only as a
`Board` (view.py), so no view imports the screen.
"""

from okrtui.tui.screens.team.screen import KEYS_LINE, SYNC_NOTICE_SECONDS, TeamScreen

SCREEN = TeamScreen  # the mode's class (okrtui.tui.screens.MAIN)

__all__ = ["KEYS_LINE", "SCREEN", "SYNC_NOTICE_SECONDS", "TeamScreen"]
