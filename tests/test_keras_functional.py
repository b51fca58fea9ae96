"""The functional API: graph building, layer order, shared layers, values against a subclassed model, errors."""
import numpy as np
import pytest

import tapegrad as tf

keras = tf.keras
layers = keras.layers


def _fixed(model):
    model.set_weights([np.linspace(-1, 1, int(np.prod(w.shape))).reshape(tuple(w.shape)).astype(np.float32)
                       for w in model.weights])
    return model


class _Twin(keras.Model):
    def __init__(self):
        super().__init__()
        self.shared = layers.Dense(5, activation="relu")
        self.side = layers.Dense(5)
        self.out = layers.Dense(2)

    def call(self, inputs):
        a, b = inputs
        h = tf.concat([self.shared(a), self.side(b)], axis=-1)
        return self.out(h), self.shared(a) + self.shared(a)


def _functional():
    a, b = keras.Input((4,), name="a"), keras.Input((3,), name="b")
    shared = layers.Dense(5, activation="relu", name="shared")
    y = layers.Dense(2, name="out")(layers.Concatenate()([shared(a), layers.Dense(5, name="side")(b)]))
    z = layers.Add()([shared(a), shared(a)])
    return keras.Model(inputs=[a, b], outputs=[y, z], name="twin")


def test_functional_matches_subclassed_model():
    rng = np.random.default_rng(0)
    xa, xb = rng.normal(size=(6, 4)).astype(np.float32), rng.normal(size=(6, 3)).astype(np.float32)
    functional, subclassed = _functional(), _Twin()
    subclassed([xa, xb])
    _fixed(functional)
    _fixed(subclassed)
    for got, want in zip(functional([xa, xb]), subclassed([xa, xb])):
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-6)
    np.testing.assert_allclose(functional({"a": xa, "b": xb})[0].numpy(), functional([xa, xb])[0].numpy())


def test_layers_weights_nodes_and_summary():
    keras.backend.clear_session()
    model = _functional()
    assert [layer.name for layer in model.layers] == ["a", "b", "shared", "side", "concatenate", "out", "add"]
    assert [w.path for w in model.weights] == ["shared/kernel", "shared/bias", "side/kernel", "side/bias",
                                               "out/kernel", "out/bias"]
    assert len(model.get_layer("shared")._inbound_nodes) == 3
    assert model.output_shape == [(None, 2), (None, 5)] and model.input_shape == [(None, 4), (None, 3)]
    lines = []
    model.summary(print_fn=lines.append)
    text = lines[0]
    assert "Connected to" in text and "a[0][0], a[0][0]," in text and "shared[1][0]," in text
    assert "Total params: 67 (268.00 B)" in text
    chain = keras.Model(model.inputs[0], layers.Dense(1)(model.inputs[0]))
    lines = []
    chain.summary(print_fn=lines.append)
    assert "Connected to" not in lines[0]


def test_symbolic_shapes_dtypes_and_nested_models():
    i = keras.Input((None, 3), dtype="float32")
    h = layers.Dense(4)(i)
    assert h.shape == (None, None, 4) and h.dtype == "float32"
    ids = keras.Input((5,), dtype="int32")
    emb = layers.Embedding(10, 2)(ids)
    assert emb.shape == (None, 5, 2) and emb.dtype == "float32"
    inner = keras.Model(ids, layers.Flatten()(emb), name="inner")
    outer_in = keras.Input((5,), dtype="int32")
    outer = keras.Model(outer_in, layers.Dense(1)(inner(outer_in)))
    assert outer(np.arange(10).reshape(2, 5) % 10).shape == (2, 1)
    assert [type(layer).__name__ for layer in outer.layers] == ["InputLayer", "Functional", "Dense"]


def test_input_conversion_and_errors():
    i = keras.Input((3,))
    model = keras.Model(i, layers.Dense(2)(i))
    assert model(np.ones((4, 3), np.float64)).dtype == tf.float32
    with pytest.raises(ValueError, match=r"Expected shape \(None, 3\), but input has incompatible shape \(4, 2, 3\)"):
        model(np.ones((4, 2, 3), np.float32))
    with pytest.raises(ValueError, match="expected axis -1 of input shape to have value 3"):
        model(np.ones((4, 5), np.float32))
    with pytest.raises(ValueError, match="Graph disconnected"):
        keras.Model(keras.Input((3,)), layers.Dense(2)(keras.Input((3,))))
    with pytest.raises(ValueError, match="matching shapes except for the concatenation axis"):
        layers.Concatenate()([keras.Input((2, 3)), keras.Input((4, 3))])
    with pytest.raises(ValueError, match="KerasTensor"):
        tf.exp(keras.Input((3,)))
