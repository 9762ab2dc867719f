"""Least-squares line time = a + b * resources, and how well it fits (R²)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Fit:
    intercept: float  # seconds
    slope: float  # seconds per resource
    r_squared: float


def linear_fit(xs: list[float], ys: list[float]) -> Fit:
    if len(xs) != len(ys) or len(xs) < 3:
        raise ValueError("a linear fit that can fail needs at least three points")
    n = len(xs)
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mean_x) ** 2 for x in xs)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    slope = sxy / sxx
    intercept = mean_y - slope * mean_x
    residual = sum((y - intercept - slope * x) ** 2 for x, y in zip(xs, ys, strict=True))
    total = sum((y - mean_y) ** 2 for y in ys)
    return Fit(intercept, slope, 1.0 - residual / total if total else 1.0)
