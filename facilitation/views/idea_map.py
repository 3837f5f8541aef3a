"""The ideas on a plane, coloured by cluster or theme, drawn as inline SVG."""

import math
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from facilitation.views.base import (
    EventView,
    event_context,
    scope_from,
)
from ideas.selectors import clusters as cluster_selectors

# Okabe–Ito-like colours darkened to at least 3:1 against white (WCAG 1.4.11),
# told apart by hue for most colour-blind readers; every marker also has a
# dark outline. After the colours, the shapes change.
PALETTE = (
    "#0072B2",
    "#D55E00",
    "#007A5A",
    "#AA3377",
    "#7A6500",
    "#5E3C99",
    "#B2182B",
    "#00758A",
)


SHAPES = ("circle", "square", "triangle", "diamond")

UNGROUPED_FILL = "#FFFFFF"

MAP_WIDTH = 800

MAP_HEIGHT = 560

MAP_MARGIN = 20

MARKER = 6


@dataclass
class MapGroup:
    key: str
    label: str
    fill: str
    shape: str
    count: int = 0

    @property
    def swatch(self) -> str:
        """The marker's polygon in the legend's 16×16 box."""
        if self.shape in ("triangle", "diamond"):
            return _marker_points(self.shape, 8, 8, 5)
        return ""


def _marker_points(shape: str, x: float, y: float, r: float) -> str:
    if shape == "triangle":
        corners = [
            (x, y - r * 1.2),
            (x + r * 1.1, y + r * 0.8),
            (x - r * 1.1, y + r * 0.8),
        ]
    else:  # diamond
        corners = [
            (x, y - r * 1.3),
            (x + r * 1.3, y),
            (x, y + r * 1.3),
            (x - r * 1.3, y),
        ]
    return " ".join(f"{px:.1f},{py:.1f}" for px, py in corners)


def _map_groups(points: list[dict]) -> tuple[dict, bool]:
    groups: dict = {}
    ordered = sorted(
        {(point["group"], point["group_label"]) for point in points},
        key=lambda item: (item[0] is None or item[0] == "", str(item[1])),
    )
    styles = len(PALETTE) * len(SHAPES)
    index = 0
    for key, label in ordered:
        if key is None or key == "":
            groups[key] = MapGroup(
                key="", label=label or _("None"), fill=UNGROUPED_FILL, shape="circle"
            )
            continue
        style = index % styles
        groups[key] = MapGroup(
            key=str(key),
            label=str(label),
            fill=PALETTE[style % len(PALETTE)],
            shape=SHAPES[style // len(PALETTE)],
        )
        index += 1
    return groups, index > styles


def _scale(value, size: int) -> float:
    try:
        value = float(value)
    except (TypeError, ValueError):
        value = 0.0
    if not math.isfinite(value):
        value = 0.0
    value = max(-1.0, min(1.0, value))
    return MAP_MARGIN + (value + 1) / 2 * (size - 2 * MAP_MARGIN)


class IdeaMapView(EventView):
    """The ideas on a plane, coloured by cluster or theme, drawn as inline SVG."""

    page_title = gettext_lazy("Workbench")

    def get(self, request, event_id: int):
        event = self.event
        scope, scopes = scope_from(event, request.GET)
        colour = request.GET.get("colour", "cluster")
        if colour not in ("cluster", "theme"):
            colour = "cluster"
        points = list(
            cluster_selectors.idea_map_points(
                event=event, scope=scope, colour_by=colour
            )
        )
        groups, repeated = _map_groups(points)
        markers = []
        for point in points:
            group = groups[point["group"]]
            group.count += 1
            x = _scale(point["x"], MAP_WIDTH)
            # SVG's y axis points down; the projection's points up.
            y = MAP_HEIGHT - _scale(point["y"], MAP_HEIGHT)
            markers.append(
                {
                    **point,
                    "cx": f"{x:.1f}",
                    "cy": f"{y:.1f}",
                    "corner_x": f"{x - MARKER:.1f}",
                    "corner_y": f"{y - MARKER:.1f}",
                    "polygon": _marker_points(group.shape, x, y, MARKER)
                    if group.shape in ("triangle", "diamond")
                    else "",
                    "style": group,
                }
            )
        legend = sorted(
            groups.values(), key=lambda group: (group.key == "", group.label)
        )
        context = {
            **event_context(request, event),
            "scope": scope,
            "scopes": scopes,
            "colour": colour,
            "markers": markers,
            "legend": legend,
            "repeated": repeated,
            "width": MAP_WIDTH,
            "height": MAP_HEIGHT,
            "marker": MARKER,
            "marker_size": MARKER * 2,
        }
        return self.render("facilitation/workbench/map.html", context)
