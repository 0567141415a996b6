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
