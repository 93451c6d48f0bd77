"""Shape handling and checks shared by the batch bargaining models.

Every model accepts

- ``position`` (A,): one problem; results are unbatched;
- ``position`` (B, A): a batch of B one-dimensional problems;
- ``position`` (B, A, D): a batch of B problems on D issue dimensions, each dimension bargained
  separately (issue by issue; KTAB's SMP bargains them jointly).

``capability`` is (A,) or (B, A) (shared by every dimension); ``salience`` is (A,), (B, A) or
(B, A, D). Internally every model works on N = B x D independent rows of A actors.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pactsim.errors import InputError

__all__ = ["Problems", "as_problems"]


@dataclass
class Problems:
    """N independent one-dimensional problems as (N, A) arrays, and how to shape results back."""

    capability: np.ndarray
    position: np.ndarray
    salience: np.ndarray
    batch: int | None  # None for unbatched (A,) input
    dims: int | None  # None for (B, A) or (A,) input

    @property
    def weight(self) -> np.ndarray:
        """c * s, the weight of each actor in votes, means and medians."""
        return self.capability * self.salience

    def per_problem(self, values: np.ndarray) -> np.ndarray | float:
        """Reshape (N, ...) results to (B, ...), (B, D, ...)->(B, ..., D) or unbatched."""
        return unflatten(values, self.batch, self.dims)

    def extra(
        self, values: np.ndarray | list[float] | float | None, name: str
    ) -> np.ndarray | None:
        """Broadcast a per-actor option (like ``risk``) to (N, A) rows, or None."""
        if values is None:
            return None
        v = np.asarray(values, dtype=float)
        n, a = self.position.shape
        try:
            if self.dims is None:
                return np.broadcast_to(v, (self.batch or 1, a)).reshape(n, a).copy()
            if v.ndim <= 2:
                v = np.broadcast_to(v, (self.batch or 1, a))[:, None, :]
            else:
                v = np.moveaxis(v, 2, 1)
            return np.broadcast_to(v, (self.batch or 1, self.dims, a)).reshape(n, a).copy()
        except ValueError:
            raise InputError(
                f"{name}: shape {v.shape} does not fit {a} actors "
                f"(positions shaped {self._shape_text()})"
            ) from None

    def _shape_text(self) -> str:
        a = self.position.shape[1]
        if self.batch is None:
            return f"({a},)"
        return f"({self.batch}, {a})" if self.dims is None else f"({self.batch}, {a}, {self.dims})"


def unflatten(values: np.ndarray, batch: int | None, dims: int | None) -> np.ndarray | float:
    """Inverse of the (B, D) -> N flattening for arrays whose first axis is N."""
    values = np.asarray(values)
    if batch is None:
        out = values[0]
        return float(out) if out.ndim == 0 else out
    if dims is None:
        return values
    v = values.reshape((batch, dims, *values.shape[1:]))
    return np.moveaxis(v, 1, -1) if v.ndim > 2 else v


def _where(idx: tuple[int, ...], batch: int | None, dims: int | None) -> str:
    parts = []
    if batch is not None:
        parts.append(f"problem {idx[0]}")
        idx = idx[1:]
    parts.append(f"actor {idx[0]}")
    if dims is not None and len(idx) > 1:
        parts.append(f"dimension {idx[1]}")
    return ", ".join(parts)


def _check(name: str, arr: np.ndarray, batch: int | None, dims: int | None) -> None:
    bad = ~np.isfinite(arr)
    if bad.any():
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        raise InputError(f"{name}: {arr[idx]} at {_where(idx, batch, dims)} is not a finite number")


def as_problems(
    capability: np.ndarray | list[float],
    position: np.ndarray | list[float],
    salience: np.ndarray | list[float],
    *,
    require_weight: bool = True,
) -> Problems:
    """Check inputs and flatten them to (N, A) rows.

    Raises:
        InputError: on a shape mismatch, a non-finite value, a negative capability, a salience
            outside [0, 1], no actors, or (with ``require_weight``) a problem in which every
            actor has zero weight c * s (nothing to forecast).
    """
    x = np.asarray(position, dtype=float)
    c = np.asarray(capability, dtype=float)
    s = np.asarray(salience, dtype=float)
    if x.ndim not in (1, 2, 3):
        raise InputError(
            f"position: expected (actors,), (batch, actors) or (batch, actors, dims), "
            f"got shape {x.shape}"
        )
    batch = None if x.ndim == 1 else x.shape[0]
    dims = x.shape[2] if x.ndim == 3 else None
    a = x.shape[0] if x.ndim == 1 else x.shape[1]
    if a < 1:
        raise InputError("no actors: at least one actor is needed")
    lead = (batch or 1, a)
    try:
        c2 = np.broadcast_to(c, lead) if c.ndim <= 2 else None
    except ValueError:
        c2 = None
    if c2 is None:
        raise InputError(f"capability: shape {c.shape} does not fit positions shaped {x.shape}")
    if dims is not None and s.ndim <= 2:
        s = s.reshape(lead)[:, :, None] if s.size == np.prod(lead) else s[..., None]
    try:
        s_full = np.broadcast_to(s, x.shape if batch is not None else (a,))
    except ValueError:
        raise InputError(
            f"salience: shape {np.shape(salience)} does not fit positions shaped {x.shape}"
        ) from None

    _check("position", x, batch, dims)
    _check("capability", c2 if batch is not None else c2[0], batch, None)
    _check("salience", s_full, batch, dims)
    if (c2 < 0).any():
        idx = tuple(int(i) for i in np.argwhere(c2 < 0)[0])
        where = _where(idx if batch is not None else idx[1:], batch, None)
        raise InputError(f"capability: {c2[idx]:g} at {where} is negative; expected >= 0")
    out_of_range = (s_full < 0) | (s_full > 1)
    if out_of_range.any():
        idx = tuple(int(i) for i in np.argwhere(out_of_range)[0])
        raise InputError(
            f"salience: {s_full[idx]:g} at {_where(idx, batch, dims)} is outside [0, 1]"
        )

    if dims is None:
        xs = x.reshape(lead)
        ss = np.broadcast_to(s_full, x.shape).reshape(lead)
        cs = c2
    else:
        xs = np.moveaxis(x, 2, 1).reshape(-1, a)
        ss = np.moveaxis(s_full, 2, 1).reshape(-1, a)
        cs = np.broadcast_to(c2[:, None, :], (lead[0], dims, a)).reshape(-1, a)
    probs = Problems(  # fresh writable C arrays: one compiled signature for the kernels
        capability=np.array(cs, dtype=float, order="C"),
        position=np.array(xs, dtype=float, order="C"),
        salience=np.array(ss, dtype=float, order="C"),
        batch=batch,
        dims=dims,
    )
    if require_weight:
        zero = probs.weight.sum(axis=1) <= 0
        if zero.any():
            k = int(np.argmax(zero))
            where = ""
            if batch is not None:
                where = f" in problem {k // (dims or 1)}"
                if dims is not None:
                    where += f", dimension {k % dims}"
            raise InputError(
                f"every actor has zero weight (capability x salience){where}: "
                "there is nothing to forecast"
            )
    return probs
