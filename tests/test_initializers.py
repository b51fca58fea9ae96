"""keras.initializers: statistics (std, bounds, orthogonality), seeds, names, configs."""
import math

import numpy as np
import pytest

import tapegrad as tf

init = tf.keras.initializers
SHAPE = (200, 300)  # 60,000 draws: the sample std is within about 0.6% of the true one


def _std_of(n_in, n_out, scale, mode):
    n = {"fan_in": n_in, "fan_out": n_out, "fan_avg": (n_in + n_out) / 2}[mode]
    return math.sqrt(scale / n)


@pytest.mark.parametrize("cls, scale, mode, uniform", [
    (init.GlorotUniform, 1.0, "fan_avg", True), (init.GlorotNormal, 1.0, "fan_avg", False),
    (init.HeNormal, 2.0, "fan_in", False), (init.HeUniform, 2.0, "fan_in", True),
    (init.LecunNormal, 1.0, "fan_in", False), (init.LecunUniform, 1.0, "fan_in", True),
])
def test_variance_scaling_statistics(cls, scale, mode, uniform):
    w = cls(seed=3)(SHAPE).numpy()
    assert w.dtype == np.float32 and w.shape == SHAPE
    std = _std_of(*SHAPE, scale, mode)
    assert abs(w.std() / std - 1) < 0.02
    assert abs(w.mean()) < 0.02 * std
    if uniform:
        limit = math.sqrt(3) * std
        assert np.abs(w).max() <= limit and np.abs(w).max() > 0.99 * limit
    else:  # truncated at two (uncorrected) standard deviations
        assert np.abs(w).max() <= 2 * std / 0.87962566103423978 + 1e-6


def test_conv_kernel_fans_count_the_window():
    assert init.compute_fans((3, 3, 16, 32)) == (144, 288)
    assert init.compute_fans((5,)) == (5, 5)
    assert init.compute_fans(()) == (1, 1)
    w = init.HeUniform(seed=0)((3, 3, 16, 32)).numpy()
    assert np.abs(w).max() <= math.sqrt(6 / 144)


def test_random_normal_uniform_truncated():
    n = init.RandomNormal(mean=1.0, stddev=0.5, seed=1)(SHAPE).numpy()
    assert abs(n.mean() - 1) < 0.01 and abs(n.std() - 0.5) < 0.01
    u = init.RandomUniform(-2.0, 3.0, seed=1)(SHAPE).numpy()
    assert u.min() >= -2 and u.max() < 3 and abs(u.mean() - 0.5) < 0.05
    t = init.TruncatedNormal(stddev=1.0, seed=1)(SHAPE).numpy()
    assert np.abs(t).max() <= 2.0 and abs(t.std() - 0.8796) < 0.01


def test_constants():
    assert np.array_equal(init.Zeros()((2, 3)).numpy(), np.zeros((2, 3), np.float32))
    assert np.array_equal(init.Ones()((2,), dtype="float64").numpy(), np.ones(2))
    assert init.Ones()((2,), dtype="float64").dtype == tf.float64
    assert np.array_equal(init.Constant(3.0)((2, 2)).numpy(), np.full((2, 2), 3, np.float32))
    assert np.array_equal(init.Identity(2.0)((2, 3)).numpy(), 2 * np.eye(2, 3, dtype=np.float32))


@pytest.mark.parametrize("shape", [(6, 4), (4, 6), (3, 2, 5)])
def test_orthogonal(shape):
    w = init.Orthogonal(gain=2.0, seed=0)(shape).numpy().reshape(-1, shape[-1])
    small = w.T @ w if w.shape[0] >= w.shape[1] else w @ w.T
    np.testing.assert_allclose(small, 4 * np.eye(small.shape[0]), atol=1e-5)
    with pytest.raises(ValueError, match="at least two-dimensional"):
        init.Orthogonal()((3,))


def test_seeded_initializers_repeat_their_values_as_keras3():
    a = init.GlorotUniform(seed=5)
    assert np.array_equal(a((4, 4)).numpy(), a((4, 4)).numpy())
    assert np.array_equal(a((4, 4)).numpy(), init.GlorotUniform(seed=5)((4, 4)).numpy())
    assert not np.array_equal(a((4, 4)).numpy(), init.GlorotUniform(seed=6)((4, 4)).numpy())
    tf.random.set_seed(1)
    b = a((4, 4)).numpy()
    tf.random.set_seed(2)
    assert np.array_equal(b, a((4, 4)).numpy())  # an int seed ignores the global seed, as Keras 3's


def test_unseeded_initializers_are_reproducible_under_keras_set_random_seed():
    """As Keras 3: an unseeded initializer's seed comes from Python's ``random`` (keras.utils.set_random_seed)."""
    def draw():
        return [init.GlorotUniform()((3, 3)).numpy(), init.RandomNormal()((3,)).numpy()]
    tf.keras.utils.set_random_seed(42)
    first = draw()
    tf.keras.utils.set_random_seed(42)
    second = draw()
    for x, y in zip(first, second):
        assert np.array_equal(x, y)
    assert not np.array_equal(first[0], init.GlorotUniform()((3, 3)).numpy())
    tf.keras.utils.set_random_seed(5)  # TF 2.21 / Keras 3.15's kernel
    d1 = tf.keras.layers.Dense(3)
    d1.build((None, 4))
    np.testing.assert_array_equal(d1.kernel.numpy(), np.array(
        [[0.44648862, 0.39008212, -0.2500074], [0.5530908, 0.8441111, 0.42121875],
         [0.48914194, 0.1446724, -0.6092199], [0.27305746, 0.43621445, -0.6622966]], np.float32))
    tf.keras.utils.set_random_seed(7)
    d1 = tf.keras.layers.Dense(3)
    d1.build((None, 2))
    tf.keras.utils.set_random_seed(7)
    d2 = tf.keras.layers.Dense(3)
    d2.build((None, 2))
    assert np.array_equal(d1.kernel.numpy(), d2.kernel.numpy())


def test_get_by_name_and_config_round_trip():
    assert isinstance(init.get("glorot_uniform"), init.GlorotUniform)
    assert isinstance(init.get("he_normal"), init.HeNormal)
    assert isinstance(init.get("HeNormal"), init.HeNormal)
    assert isinstance(init.get("zeros"), init.Zeros)
    assert init.get(None) is None
    f = init.get(lambda shape, dtype=None: tf.ones(shape))
    assert callable(f)
    with pytest.raises(ValueError, match="Could not interpret initializer"):
        init.get("nope")
    vs = init.VarianceScaling(scale=2.0, mode="fan_out", distribution="uniform", seed=4)
    again = init.deserialize(init.serialize(vs))
    assert np.array_equal(vs((3, 5)).numpy(), again((3, 5)).numpy())
    assert init.GlorotUniform(seed=3).get_config() == {"seed": 3}
    assert init.RandomUniform().get_config() == {"seed": None, "minval": -0.05, "maxval": 0.05}


def test_argument_errors():
    with pytest.raises(ValueError, match="scale"):
        init.VarianceScaling(scale=0)
    with pytest.raises(ValueError, match="mode"):
        init.VarianceScaling(mode="fan")
    with pytest.raises(ValueError, match="distribution"):
        init.VarianceScaling(distribution="cauchy")
    with pytest.raises(ValueError, match="seed"):
        init.GlorotUniform(seed=1.5)
