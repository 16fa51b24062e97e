"""The corpus map's projection: PCA's axes, and the job body that places the points."""

import numpy as np

from workbench.core.jobs import run_to_completion
from workbench.runtime.corpus.embedding_projection import (
    pca,
    placed_points,
    project,
    projection_methods,
)


def test_pca_puts_the_widest_spread_on_the_first_axis():
    rng = np.random.default_rng(0)
    features = np.column_stack([rng.normal(0, 5, 50), rng.normal(0, 0.1, 50),
                                rng.normal(0, 1, 50)])
    placed = pca(features)
    assert abs(np.corrcoef(placed[:, 0], features[:, 0])[0, 1]) > 0.99
    assert abs(np.corrcoef(placed[:, 1], features[:, 2])[0, 1]) > 0.9
    assert pca(features[:1]).tolist() == [[0.0, 0.0]]
    assert projection_methods()[0] == "PCA" and project(features[:, :1]).shape == (50, 2)


def test_the_map_job_places_feature_lists_as_the_projection_does():
    rng = np.random.default_rng(1)
    features = rng.normal(0, 1, (20, 4)).astype(np.float32)
    placed = run_to_completion(lambda c: placed_points([list(f) for f in features], "PCA", c))
    np.testing.assert_allclose(placed, project(features), rtol=1e-5, atol=1e-6)
