"""The main screens' footer: one widget that draws the line Textual's Footer draws, cell for cell.

Textual's Footer builds a widget for every key (a FooterKey, and a KeyGroup and a FooterLabel for a group):
each is composed, matched against the stylesheet, laid out and rendered, at okrtui's twelve keys about 255 M
instructions of the first frame. This one is a single widget of Textual's Line API (render_line gives its
one Strip) and costs about 25 M: the same segments from the same bindings, the keys in Footer.compose's
order, a Binding.Group's keys before its description, the command palette's key on the right (over what
does not fit, as Textual's docked key is), compact or not. Colours and text styles come from component
classes named as FooterKey's (`footer-key--key`, `footer-key--description`, …), so app.tcss styles them as
it styles Textual's; the sizes (margins, paddings) are Textual's CSS written out in GEOMETRY, as each
component class and rule costs about 2 M instructions before the first frame. A disabled key is dim; the
key under the mouse takes FooterKey's hover colours, its tooltip and the pointer; a click runs it as on
Textual's (the key is simulated, a disabled one rings the bell). tests/tui/widgets/test_footer.py checks
that the screenshots match Textual's Footer's. Not kept: the mouse wheel scrolling a line wider than the
screen (Textual's Footer is a scrollable container), and markup in a group's description.

Textual's Footer rebuilds on every change of bindings (a focus, a screen shown, a screen's own
refresh_bindings), a screen switch three or four times, and the screen switched away from still rebuilds
its own. This one looks at its keys once per batch of changes, and not while its screen is out of the app's
current stack (another mode's screen is shown); it redraws only when they are not the keys it shows (a
screen's first frame asked twice for the same twelve keys: the focus given to its list, then the screen's
resume). A screen shown again redraws its footer then if its keys changed meanwhile: Textual refreshes its
bindings as it resumes. Dialogs keep Textual's Footer (okrtui/tui/screens/base.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style as RichStyle
from textual import events
from textual.reactive import reactive
from textual.strip import Strip
from textual.style import Style
from textual.widget import Widget

if TYPE_CHECKING:
    from textual.binding import Binding
    from textual.screen import Screen

Cells = tuple[int, int]  # left and right
NONE: Cells = (0, 0)
# Textual's Footer CSS, its sizes, compact or not: a key's margins, its key's padding and its description's,
# the palette key's right padding. A group's description has a right margin of one (app.tcss's rule for
# Textual's, in either look). The palette key is always drawn compact (Textual does not bind its `compact`).
GEOMETRY: dict[bool, tuple[Cells, Cells, Cells, int]] = {False: (NONE, (1, 1), (0, 1), 1),
                                                         True: ((0, 1), NONE, (1, 0), 0)}
DIM = Style(dim=True)
# Textual's `border-left: vkey` edge: the palette key's left border.
VKEY_LEFT = "▏"


class Shown:
    """A key drawn in the footer: its cells (from `start`, before `end`), and what a click or the mouse over it does."""

    __slots__ = ("end", "enabled", "key", "start", "tooltip")

    def __init__(self, key: str, enabled: bool, tooltip: str, start: int, end: int) -> None:
        self.key, self.enabled, self.tooltip, self.start, self.end = key, enabled, tooltip, start, end


class Line:
    """Segments in a row, box after box, with margins between boxes that collapse as in Textual's horizontal
    layout (the larger of one box's right margin and the next one's left)."""

    def __init__(self, gap: RichStyle, x: int = 0) -> None:
        self.segments: list[Segment] = []
        self.keys: list[Shown] = []
        self.gap = gap  # the footer's own background, as a container draws it between its children
        self.x = x
        self.margin: int | None = None  # the right margin of the last box; None before the first

    def box(self, left: int, right: int) -> int:
        """Start a box: the gap before it; its first cell."""
        self.space(left if self.margin is None else max(self.margin, left))
        self.margin = right
        return self.x

    def space(self, cells: int) -> None:
        if cells:
            self.segments.append(Segment(" " * cells, self.gap))
            self.x += cells

    def add(self, text: str, style: RichStyle) -> None:
        self.segments.append(Segment(text, style))
        self.x += cell_len(text)

    def close(self) -> None:
        """The last box's right margin (a group's width includes it, as Textual's KeyGroup's does)."""
        self.space(self.margin or 0)
        self.margin = None


class OkrFooter(Widget, can_focus=False):
    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "footer-key",  # a key's own, as Textual's FooterKey widget's
        "footer-key--key",
        "footer-key--description",  # also a group's description (Textual's FooterLabel: the same colours)
        "footer-key--hover",  # a key under the mouse, instead of footer-key (FooterKey:hover)
    }
    # Textual's Footer CSS (textual/widgets/_footer.py): its FooterKey rules, their colours and text styles, as
    # component classes. Its sizes are GEOMETRY's; the palette key's border, the only one, is footer-key's.
    # (Fewer classes and rules: each costs about 2 M instructions before the first frame.)
    DEFAULT_CSS = """
    OkrFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        & > .footer-key {
            background: $footer-item-background;
            border-left: vkey $foreground 20%;
        }
        & > .footer-key--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .footer-key--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        & > .footer-key--hover {
            color: $footer-key-foreground;
            background: $block-hover-background;
        }
    }
    """

    compact = reactive(False, toggle_class="-compact")
    show_command_palette = reactive(True)
    _rebuild_queued = False
    _shown: tuple[object, ...] | None = None  # the keys last drawn (`_keys`), None before the first

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None,
                 disabled: bool = False, show_command_palette: bool = True, compact: bool = False) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self.set_reactive(OkrFooter.show_command_palette, show_command_palette)
        self.set_reactive(OkrFooter.compact, compact)
        self.set_class(compact, "-compact", update=False)
        self._keys_shown: list[tuple[Binding, bool, str]] = []  # shown: (binding, enabled, tooltip)
        self._palette: tuple[Binding, bool] | None = None
        self._drawn: list[Shown] = []  # the keys of the last render, for the mouse
        self._hover: str | None = None  # the key under the mouse

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen: Screen[object]) -> None:
        if not screen.app.app_focus:  # as Textual's Footer
            return
        if self.is_attached and screen is self.screen and not self._rebuild_queued:
            self._rebuild_queued = True
            self.call_after_refresh(self._rebuild)

    def _rebuild(self) -> None:
        self._rebuild_queued = False
        if self.is_attached and self.screen in self.app.screen_stack:
            keys = self._keys()
            if keys != self._shown:
                self._show(keys)

    def _show(self, keys: tuple[object, ...]) -> None:
        self._shown = keys
        self.refresh()

    def _keys(self) -> tuple[object, ...]:
        """What the footer draws, from the screen's active bindings (public Screen API) as Footer.compose reads
        them: kept for render_line, and returned to be compared with the keys drawn."""
        app = self.app
        palette = self.show_command_palette and app.ENABLE_COMMAND_PALETTE
        active = self.screen.active_bindings
        self._keys_shown = [(b, enabled, tooltip) for _, b, enabled, tooltip in active.values() if b.show]
        found = active.get(app.COMMAND_PALETTE_BINDING) if palette else None
        self._palette = None if found is None else (found.binding, found.enabled)
        return (palette, self.compact,
                tuple((b.key, app.get_key_display(b), b.description, b.action, b.group, b.show, enabled, tooltip)
                      for _, b, enabled, tooltip in active.values()
                      if b.show or (palette and b.key == app.COMMAND_PALETTE_BINDING)))

    def render_line(self, y: int) -> Strip:
        """The footer's one line (Textual's Line API): the segments Textual's Footer and its key widgets
        draw, each key's styles with offsets from the key's first cell as its own widget's had."""
        width = self.size.width
        gap = RichStyle.from_color(bgcolor=self.background_colors[1].rich_color)  # Widget.render's Blank
        if y or self._shown is None:
            self._drawn = []
            return Strip.blank(width, gap)
        line = self._line(gap)
        self._drawn = line.keys
        keys = Strip(line.segments, line.x).extend_cell_length(width, gap)
        if self._palette is None:
            return keys.crop(0, width)
        binding, enabled = self._palette
        palette, shown = self._palette_strip(binding, enabled)
        # Docked right, one margin from the edge, over the keys that do not fit; the margin shows them.
        margin = GEOMETRY[self.compact][0][1]
        start = max(0, width - margin - palette.cell_length)
        end = start + palette.cell_length
        shown.start, shown.end = start, end
        self._drawn = [shown, *(k for k in line.keys if k.start < start)]  # the palette's cells first
        return Strip.join([keys.crop(0, start), palette, keys.crop(end, width)]).crop(0, width)

    def _key_style(self, key: str, enabled: bool, *part: str) -> Style:
        """A key's style, as a FooterKey's component's (or the FooterKey's own, with no `part`): the footer's,
        then the key's own (hovered or not, disabled or not), then the part's."""
        style = self.get_visual_style("footer-key--hover" if key == self._hover else "footer-key", *part)
        return style if enabled else style + DIM  # Textual's FooterKey.-disabled

    def _key(self, line: Line, binding: Binding, enabled: bool, description: str,
             key_pad: Cells, text_pad: Cells) -> None:
        """A key's cells as FooterKey.render draws them: the key, then its description (if any), each padded."""
        display = self.app.get_key_display(binding)
        key_style = self._key_style(binding.key, enabled, "footer-key--key")
        start = line.x
        if not description:
            line.add(display, key_style.rich_style_with_offset(0, 0))
            return
        key_text = " " * key_pad[0] + display + " " * key_pad[1]
        line.add(key_text, key_style.rich_style_with_offset(0, 0))
        text_style = self._key_style(binding.key, enabled, "footer-key--description")
        line.add(" " * text_pad[0] + description + " " * text_pad[1],
                 text_style.rich_style_with_offset(line.x - start, 0))

    def _line(self, gap: RichStyle) -> Line:
        """The keys as Footer.compose lays them out: one key per action, in order, and two or more keys of one
        Binding.Group in a row as the group's keys and its description."""
        line = Line(gap)
        margin, key_pad, text_pad, _ = GEOMETRY[self.compact]
        by_action: dict[str, tuple[Binding, bool, str]] = {}
        for binding, enabled, tooltip in self._keys_shown:
            by_action.setdefault(binding.action, (binding, enabled, tooltip))
        runs: list[list[tuple[Binding, bool, str]]] = []
        for shown in by_action.values():
            if runs and runs[-1][0][0].group == shown[0].group:  # itertools.groupby's test, as Footer.compose's
                runs[-1].append(shown)
            else:
                runs.append([shown])
        for run in runs:
            group = run[0][0].group
            if group is not None and len(run) > 1:
                self._group(line, group, run)
                continue
            for binding, enabled, tooltip in run:
                start = line.box(*margin)
                self._key(line, binding, enabled, binding.description, key_pad, text_pad)
                line.keys.append(Shown(binding.key, enabled, tooltip, start, line.x))
        line.close()
        return line

    def _group(self, line: Line, group: Binding.Group, run: list[tuple[Binding, bool, str]]) -> None:
        """Textual's KeyGroup: its keys (margins 0 1 each; none in a compact group, which has a left padding
        and a right margin of its own), then its FooterLabel."""
        inner = Line(line.gap, line.box(0, 1 if group.compact else 0))
        inner.space(1 if group.compact else 0)
        for binding, enabled, tooltip in run:
            start = inner.box(*((0, 0) if group.compact else (1, 1)))
            self._key(inner, binding, enabled, "", NONE, NONE)
            line.keys.append(Shown(binding.key, enabled, tooltip or binding.description, start, inner.x))
        inner.close()
        line.segments += inner.segments
        line.x = inner.x
        line.box(0, 1)
        # A Label's text is markup: okrtui's group descriptions have none, and are drawn as they are.
        line.add(group.description, self.get_visual_style("footer-key--description").rich_style_with_offset(0, 0))

    def _palette_strip(self, binding: Binding, enabled: bool) -> tuple[Strip, Shown]:
        """The command palette's key, Textual's FooterKey with a left border, padded on the right, always in
        the compact key's padding (Textual does not bind its `compact` to the footer's)."""
        edge, edge_color = self.get_component_styles("footer-key").border_left
        padding = GEOMETRY[self.compact][3]
        base = self.background_colors[1]
        inner = Style(background=self._key_style(binding.key, enabled).background)  # the key's own background
        line = Line(inner.rich_style)
        if edge:
            line.segments.append(Segment(VKEY_LEFT, (inner + Style(foreground=base + edge_color)).rich_style))
        content = Line(inner.rich_style)
        self._key(content, binding, enabled, binding.description, *GEOMETRY[True][1:3])
        line.segments += content.segments
        if padding:
            line.segments.append(Segment(" " * padding, inner.rich_style))
        strip = Strip(line.segments)
        return strip, Shown(binding.key, enabled, binding.tooltip or binding.description, 0, strip.cell_length)

    # The mouse: a click on a key runs it; the key under the mouse is drawn as Textual's FooterKey:hover.

    def _key_at(self, x: int) -> Shown | None:
        return next((k for k in self._drawn if k.start <= x < k.end), None)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        shown = self._key_at(event.x)
        if shown is None:
            return
        if shown.enabled:
            self.app.simulate_key(shown.key)
        else:
            self.app.bell()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self._hovered(self._key_at(event.x))

    def on_leave(self, event: events.Leave) -> None:
        self._hovered(None)

    def _hovered(self, shown: Shown | None) -> None:
        key = None if shown is None else shown.key
        if key == self._hover:
            return
        self._hover = key
        self.tooltip = shown.tooltip if shown is not None and shown.tooltip else None
        self.styles.pointer = "default" if shown is None else "pointer"
        self.refresh()

