"""The map of the MEL communes: SVG paths projected from ``Commune.outline`` (GeoJSON, WGS84).

Simple equirectangular projection (longitudes scaled by the cosine of the mean latitude) fitted to the
bounding box of all outlines. The projected paths are computed once and kept in the cache, keyed by
the number of communes and their largest primary key (one tiny query per page).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Max

from relogement.core.formatting import format_number
from relogement.territory.models import Commune

MAP_WIDTH = 640
PADDING = 8


@dataclass(frozen=True)
class Shape:
    insee_code: str
    name: str
    path: str
    cx: float
    cy: float


@dataclass(frozen=True)
class MapShapes:
    width: int
    height: int
    shapes: tuple[Shape, ...]

    def by_code(self) -> dict[str, Shape]:
        return {s.insee_code: s for s in self.shapes}


def _rings(geometry: dict) -> list[list[list[float]]]:
    if not geometry:
        return []
    kind = geometry.get("type")
    coords = geometry.get("coordinates") or []
    if kind == "Polygon":
        return list(coords)
    if kind == "MultiPolygon":
        return [ring for polygon in coords for ring in polygon]
    if kind == "Feature":
        return _rings(geometry.get("geometry") or {})
    return []


def project(rows: list[tuple[str, str, dict | None, float | None, float | None]]) -> MapShapes:
    rings = {code: _rings(outline) for code, _, outline, _, _ in rows}
    points = [pt for rs in rings.values() for ring in rs for pt in ring]
    if not points:
        return MapShapes(MAP_WIDTH, 200, ())
    min_lon = min(p[0] for p in points)
    max_lon = max(p[0] for p in points)
    min_lat = min(p[1] for p in points)
    max_lat = max(p[1] for p in points)
    kx = math.cos(math.radians((min_lat + max_lat) / 2))
    span_x = max((max_lon - min_lon) * kx, 1e-9)
    span_y = max(max_lat - min_lat, 1e-9)
    scale = (MAP_WIDTH - 2 * PADDING) / span_x
    height = int(span_y * scale + 2 * PADDING)

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return (PADDING + (lon - min_lon) * kx * scale, PADDING + (max_lat - lat) * scale)

    shapes = []
    for code, name, _, lat, lon in rows:
        parts = []
        xs, ys = [], []
        for ring in rings[code]:
            pts = [xy(p[0], p[1]) for p in ring]
            if not pts:
                continue
            xs.extend(p[0] for p in pts)
            ys.extend(p[1] for p in pts)
            parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in pts) + "Z")
        if lat is not None and lon is not None:
            cx, cy = xy(lon, lat)
        elif xs:
            cx, cy = sum(xs) / len(xs), sum(ys) / len(ys)
        else:
            continue
        shapes.append(Shape(code, name, "".join(parts), round(cx, 1), round(cy, 1)))
    return MapShapes(MAP_WIDTH, height, tuple(shapes))


def map_shapes() -> MapShapes:
    version = Commune.objects.filter(outline__isnull=False).aggregate(n=Count("pk"), last=Max("pk"))
    key = f"indicators:map:v1:{version['n']}:{version['last']}"
    shapes = cache.get(key)
    if shapes is None:
        rows = list(
            Commune.objects.filter(outline__isnull=False)
            .order_by("insee_code")
            .values_list("insee_code", "name", "outline", "centroid_lat", "centroid_lon")
        )
        shapes = project(rows)
        cache.set(key, shapes, None)
    return shapes


# Fill of the shading classes: index 0 for "no household", then from the lightest to the darkest.
PALETTE = ("#e9ecef", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
MAX_CLASSES = 5


@dataclass(frozen=True)
class ClassBreak:
    low: int
    high: int
    fill: str

    @property
    def label(self) -> str:
        if self.low == self.high:
            return f"{format_number(self.low)} ménage{'s' if self.low > 1 else ''}"
        return f"{format_number(self.low)} à {format_number(self.high)} ménages"


def class_breaks(values, low: int = 1) -> list[ClassBreak]:
    """Equal-interval classes of whole numbers from ``low`` to the largest value (at most five).

    ``low`` is 1, or the secrecy threshold when smaller counts are hidden: a class never announces a
    count that the map masks.
    """
    top = max((v for v in values if v >= low), default=0)
    if top < low:
        return []
    span = top - low + 1
    n = min(MAX_CLASSES, span)
    breaks = []
    for k in range(n):
        shade = MAX_CLASSES if n == 1 else 1 + round(k * (MAX_CLASSES - 1) / (n - 1))
        breaks.append(ClassBreak(low + (k * span) // n, low + ((k + 1) * span) // n - 1, PALETTE[shade]))
    return breaks


def class_of(value: int, breaks: list[ClassBreak]) -> ClassBreak | None:
    for b in breaks:
        if b.low <= value <= b.high:
            return b
    return None
