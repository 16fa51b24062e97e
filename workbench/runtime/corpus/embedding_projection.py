"""Two-dimensional projections of the classifier's penultimate features for the corpus
view's map: PCA (numpy's SVD) always; UMAP only when the `umap` package is importable
(it is not in the lock, so it is looked for, never required).  No Qt here;
`placed_points` is the body of the map's quiet view job (MAP_KIND), run on a worker."""

from __future__ import annotations

import importlib.util

import numpy as np

from workbench.core.jobs import Progress

MAP_KIND = "corpus-map"


def projection_methods() -> list[str]:
    """The projections this installation offers, the default first."""
    return ["PCA"] + (["UMAP"] if importlib.util.find_spec("umap") is not None else [])


def placed_points(embeddings: list, method: str, cancel):
    """The job that places the map's points: `embeddings` (one feature list a point)
    stacked and projected with `method`; returns [points, 2]."""
    yield Progress(None, "Placing points…")
    features = np.stack([np.asarray(e, np.float32) for e in embeddings])
    cancel.check()
    return project(features, method)


def project(features: np.ndarray, method: str = "PCA") -> np.ndarray:
    """`features` [points, dims] -> [points, 2]; a missing second dimension is 0."""
    features = np.asarray(features, dtype=np.float32)
    if method == "UMAP" and len(features) > 3:
        import umap  # optional: only when the user has installed it

        neighbours = min(15, len(features) - 1)
        return umap.UMAP(n_neighbors=neighbours, random_state=0).fit_transform(features)
    return pca(features)


def pca(features: np.ndarray) -> np.ndarray:
    """The first two principal components of `features` (rows are points).

    The SVD is of the dims x dims covariance, not of the points: the same axes, and
    100k points of 192 features take a fraction of a second instead of many."""
    out = np.zeros((len(features), 2))
    if len(features) < 2:
        return out
    centred = features - features.mean(axis=0)
    components, _s, _vt = np.linalg.svd(centred.T @ centred)
    scores = centred @ components[:, :2]
    out[:, :scores.shape[1]] = scores
    return out
