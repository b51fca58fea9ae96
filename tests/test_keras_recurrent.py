"""keras recurrent layers: SimpleRNN, LSTM, GRU, their cells, RNN and Bidirectional against NumPy references of
Keras' equations; gradients against finite differences; graph mode against eager; errors, configs, state."""
import numpy as np
import pytest

import tapegrad as tf
from tapegrad.testing import check_grads

layers = tf.keras.layers
rng = np.random.default_rng(0)


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def _run(step, x, states, mask=None, go_backwards=False, zero_output_for_mask=False):
    """Keras' backend.rnn in NumPy: (outputs in step order (batch, time, units), final states)."""
    order = range(x.shape[1])[::-1] if go_backwards else range(x.shape[1])
    outputs, prev = [], None
    for t in order:
        out, new = step(x[:, t], states)
        if mask is not None:
            m = mask[:, t:t + 1]
            out = np.where(m, out, 0 * out if zero_output_for_mask or prev is None else prev)
            new = [np.where(m, s, p) for s, p in zip(new, states)]
        outputs.append(out)
        prev, states = out, new
    return np.stack(outputs, 1), states


def _simple_step(k, r, b, act=np.tanh):
    return lambda x, s: (lambda h: (h, [h]))(act(x @ k + (0 if b is None else b) + s[0] @ r))


def _lstm_step(k, r, b, act=np.tanh, rec_act=_sigmoid):
    def step(x, s):
        z = x @ k + s[0] @ r + (0 if b is None else b)
        i, f, c, o = np.split(z, 4, axis=1)
        c = rec_act(f) * s[1] + rec_act(i) * act(c)
        h = rec_act(o) * act(c)
        return h, [h, c]
    return step


def _gru_step(k, r, b, reset_after=True):
    u = r.shape[0]

    def step(x, s):
        h = s[0]
        bx, bh = (b if reset_after else (b, np.zeros(3 * u))) if b is not None else (0, 0)
        xz, xr, xh = np.split(x @ k + bx, 3, axis=1)
        if reset_after:
            hz, hr, hh = np.split(h @ r + bh, 3, axis=1)
            z, rr = _sigmoid(xz + hz), _sigmoid(xr + hr)
            cand = np.tanh(xh + rr * hh)
        else:
            z, rr = _sigmoid(xz + h @ r[:, :u]), _sigmoid(xr + h @ r[:, u:2 * u])
            cand = np.tanh(xh + (rr * h) @ r[:, 2 * u:])
        out = z * h + (1 - z) * cand
        return out, [out]
    return step


def _randomize(layer, scale=0.5):
    weights = [rng.normal(size=w.shape) * scale for w in layer.get_weights()]
    layer.set_weights(weights)
    return [w.astype(layer.dtype) for w in weights]


X = rng.normal(size=(3, 5, 4)).astype(np.float32)
MASK = np.array([[True] * 5, [True, True, True, False, False], [False, True, False, True, True]])


@pytest.mark.parametrize("go_backwards", [False, True])
@pytest.mark.parametrize("use_bias", [True, False])
@pytest.mark.parametrize("mask", [None, MASK])
def test_simple_rnn_matches_numpy(go_backwards, use_bias, mask):
    layer = layers.SimpleRNN(6, use_bias=use_bias, go_backwards=go_backwards, return_sequences=True,
                             return_state=True)
    layer(X)
    w = _randomize(layer)
    seq, state = layer(X, mask=mask)
    ref_seq, (ref_state,) = _run(_simple_step(w[0], w[1], w[2] if use_bias else None), X, [np.zeros((3, 6))],
                                 mask, go_backwards)
    np.testing.assert_allclose(seq.numpy(), ref_seq, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(state.numpy(), ref_state, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("go_backwards", [False, True])
@pytest.mark.parametrize("mask", [None, MASK])
def test_lstm_matches_numpy(go_backwards, mask):
    layer = layers.LSTM(3, go_backwards=go_backwards, return_sequences=True, return_state=True)
    layer(X)
    k, r, b = _randomize(layer)
    h0, c0 = rng.normal(size=(2, 3, 3)).astype(np.float32)
    seq, h, c = layer(X, initial_state=[h0, c0], mask=mask)
    ref_seq, (ref_h, ref_c) = _run(_lstm_step(k, r, b), X, [h0, c0], mask, go_backwards)
    np.testing.assert_allclose(seq.numpy(), ref_seq, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(h.numpy(), ref_h, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(c.numpy(), ref_c, rtol=1e-5, atol=1e-6)


def test_lstm_options_match_numpy():
    layer = layers.LSTM(2, use_bias=False, activation="relu", recurrent_activation="hard_sigmoid")
    layer(X)
    k, r = _randomize(layer)
    hard_sigmoid = lambda z: np.clip(z / 6 + 0.5, 0, 1)  # noqa: E731 - Keras 3's hard_sigmoid
    ref, _ = _run(_lstm_step(k, r, None, act=lambda z: np.maximum(z, 0), rec_act=hard_sigmoid), X,
                  [np.zeros((3, 2))] * 2)
    np.testing.assert_allclose(layer(X).numpy(), ref[:, -1], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("reset_after", [True, False])
@pytest.mark.parametrize("use_bias", [True, False])
@pytest.mark.parametrize("mask", [None, MASK])
def test_gru_matches_numpy(reset_after, use_bias, mask):
    layer = layers.GRU(3, reset_after=reset_after, use_bias=use_bias, return_sequences=True)
    layer(X)
    w = _randomize(layer)
    assert [v.shape.as_list() for v in layer.weights][2:] == ([[2, 9]] if reset_after else [[9]]) * use_bias
    h0 = rng.normal(size=(3, 3)).astype(np.float32)
    ref, _ = _run(_gru_step(w[0], w[1], w[2] if use_bias else None, reset_after), X, [h0], mask)
    np.testing.assert_allclose(layer(X, initial_state=h0, mask=mask).numpy(), ref, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("mode", ["concat", "sum", "mul", "ave", None])
def test_bidirectional_matches_numpy(mode):
    layer = layers.Bidirectional(layers.SimpleRNN(2, return_sequences=True), merge_mode=mode)
    layer(X)
    w = _randomize(layer)
    fwd, _ = _run(_simple_step(*w[:3]), X, [np.zeros((3, 2))], MASK, zero_output_for_mask=True)
    bwd, _ = _run(_simple_step(*w[3:]), X, [np.zeros((3, 2))], MASK, go_backwards=True, zero_output_for_mask=True)
    bwd = bwd[:, ::-1]
    out = layer(X, mask=MASK)
    expected = {"concat": lambda: np.concatenate([fwd, bwd], -1), "sum": lambda: fwd + bwd,
                "mul": lambda: fwd * bwd, "ave": lambda: (fwd + bwd) / 2, None: lambda: (fwd, bwd)}[mode]()
    if mode is None:
        for got, want in zip(out, expected):
            np.testing.assert_allclose(got.numpy(), want, rtol=1e-5, atol=1e-6)
    else:
        np.testing.assert_allclose(out.numpy(), expected, rtol=1e-5, atol=1e-6)


def test_bidirectional_states_and_names():
    layer = layers.Bidirectional(layers.LSTM(2, return_state=True, name="enc"), name="bi")
    out, fh, fc, bh, bc = layer(X)
    assert out.shape == (3, 4) and fh.shape == bc.shape == (3, 2)
    np.testing.assert_allclose(out.numpy(), np.concatenate([fh.numpy(), bh.numpy()], -1), rtol=1e-6)
    assert [v.path for v in layer.weights][::3] == ["bi/forward_enc/lstm_cell/kernel",
                                                    "bi/backward_enc/lstm_cell/kernel"]
    assert layer.compute_output_shape((None, 5, 4)) == ((None, 4), (None, 2), (None, 2), (None, 2), (None, 2))


def test_cells_and_generic_rnn_match_layers():
    cell = layers.GRUCell(3, reset_after=False)
    rnn = layers.RNN(cell, return_sequences=True, go_backwards=True)
    gru = layers.GRU(3, reset_after=False, return_sequences=True, go_backwards=True)
    gru(X)
    rnn(X)
    rnn.set_weights(_randomize(gru))
    np.testing.assert_allclose(rnn(X).numpy(), gru(X).numpy(), rtol=1e-6)
    out, state = cell(X[:, 0], tf.zeros((3, 3)))
    assert isinstance(state, tf.Tensor) and out is state
    out, states = layers.LSTMCell(2)(X[:, 0], [tf.zeros((3, 2))] * 2)
    assert isinstance(states, list) and len(states) == 2


def test_custom_cell_in_rnn_and_bidirectional():
    class Accumulate(layers.Layer):
        state_size = 4

        def call(self, inputs, states):
            out = states[0] + inputs
            return out, [out]

    total = layers.RNN(Accumulate(), return_sequences=True)(X)
    np.testing.assert_allclose(total.numpy(), np.cumsum(X, axis=1), rtol=1e-5)
    backwards = layers.RNN(Accumulate(), return_sequences=True, go_backwards=True)(X)
    np.testing.assert_allclose(backwards.numpy(), np.cumsum(X[:, ::-1], 1), rtol=1e-5)
    with pytest.raises(TypeError, match="Could not locate class 'Accumulate'"):  # Keras copies it by its config
        layers.Bidirectional(layers.RNN(Accumulate()))


def _differentiable(layer, x_shape):
    """``f(x, *weights)``: the layer's output with its variables replaced by the arguments (float64)."""
    layer(np.zeros(x_shape))
    names = ("kernel", "recurrent_kernel", "bias")[:len(layer.weights)]

    def f(x, *weights):
        for name, w in zip(names, weights):
            setattr(layer.cell, name, w)
        return layer(x, mask=MASK[:, :x_shape[1]])
    return f, [rng.normal(size=w.shape) * 0.5 for w in layer.get_weights()]


@pytest.mark.parametrize("make", [
    lambda: layers.SimpleRNN(2, dtype="float64", return_sequences=True),
    lambda: layers.LSTM(2, dtype="float64", return_state=True),
    lambda: layers.GRU(2, dtype="float64", go_backwards=True),
    lambda: layers.GRU(2, dtype="float64", reset_after=False, return_sequences=True),
], ids=["simple_rnn", "lstm", "gru", "gru_reset_before"])
def test_gradients_match_finite_differences(make):
    f, weights = _differentiable(make(), (3, 4, 3))
    check_grads(f, [rng.normal(size=(3, 4, 3))] + weights, order=1, rtol=1e-5, atol=1e-7)


def test_graph_train_step_equals_eager():
    x = rng.normal(size=(4, 6, 3)).astype(np.float32)
    y = rng.normal(size=(4, 1)).astype(np.float32)
    model = tf.keras.Sequential([tf.keras.Input((6, 3)), layers.LSTM(4, return_sequences=True),
                                 layers.Bidirectional(layers.GRU(3)), layers.Dense(1)])
    _randomize(model, 0.3)

    def loss_and_grads(xb, yb):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(model(xb, training=True) - yb))
        return loss, tape.gradient(loss, model.trainable_variables)

    eager_loss, eager_grads = loss_and_grads(x, y)
    graph_loss, graph_grads = tf.function(loss_and_grads)(x, y)
    np.testing.assert_allclose(graph_loss.numpy(), eager_loss.numpy(), rtol=1e-6)
    assert len(graph_grads) == len(eager_grads) == 11
    for g, e in zip(graph_grads, eager_grads):
        np.testing.assert_allclose(g.numpy(), e.numpy(), rtol=1e-5, atol=1e-7)


def test_dropout_masks_are_fixed_over_time_and_off_at_inference():
    layer = layers.SimpleRNN(4, activation=None, dropout=0.5, return_sequences=True, seed=3)
    layer(X)
    layer.set_weights([np.eye(4, dtype=np.float32), np.zeros((4, 4), np.float32), np.zeros(4, np.float32)])
    np.testing.assert_allclose(layer(X).numpy(), X, rtol=1e-6)
    ratio = layer(X, training=True).numpy() / X
    assert set(np.unique(np.round(ratio, 5))) <= {0.0, 2.0}
    np.testing.assert_allclose(ratio, np.broadcast_to(ratio[:, :1], ratio.shape))
    assert layer.cell._dropout_mask is None


def test_recurrent_dropout_uses_one_mask_per_gate():
    lstm = layers.LSTM(3, recurrent_dropout=0.2)
    gru = layers.GRU(3, recurrent_dropout=0.2, reset_after=False)
    assert (lstm.cell.implementation, gru.cell.implementation) == (1, 1)
    assert lstm(X, training=True).shape == gru(X, training=True).shape == (3, 3)
    assert len(lstm.cell._create_dropout_mask(X[:, 0], 0.5)) == 4


def test_weights_initialization_and_layout():
    lstm = layers.LSTM(3, name="lstm")
    lstm(X)
    kernel, recurrent, bias = lstm.get_weights()
    assert kernel.shape == (4, 12) and recurrent.shape == (3, 12)
    np.testing.assert_array_equal(bias, [0] * 3 + [1] * 3 + [0] * 6)
    np.testing.assert_allclose(recurrent @ recurrent.T, np.eye(3), atol=1e-5)
    assert [v.path for v in lstm.weights] == ["lstm/lstm_cell/kernel", "lstm/lstm_cell/recurrent_kernel",
                                             "lstm/lstm_cell/bias"]
    assert len(lstm.variables) == 4
    no_forget = layers.LSTM(3, unit_forget_bias=False)
    no_forget(X)
    assert not no_forget.get_weights()[2].any()


def test_shape_errors():
    for layer in (layers.LSTM(3), layers.GRU(3), layers.SimpleRNN(3)):
        with pytest.raises(ValueError, match="expected ndim=3, found ndim=2"):
            layer(np.ones((2, 4), np.float32))
    with pytest.raises(ValueError, match="expected a positive integer, got 0"):
        layers.LSTM(0)
    with pytest.raises(ValueError, match="state_size"):
        layers.RNN(layers.Dense(2))
    with pytest.raises(ValueError, match="Invalid merge mode"):
        layers.Bidirectional(layers.LSTM(2), merge_mode="max")
    with pytest.raises(ValueError, match="go_backwards"):
        layers.Bidirectional(layers.LSTM(2), backward_layer=layers.LSTM(2))


def test_output_shapes_and_summary():
    model = tf.keras.Sequential([tf.keras.Input((7, 3)), layers.SimpleRNN(5, return_sequences=True),
                                 layers.Bidirectional(layers.LSTM(4, return_sequences=True)),
                                 layers.GRU(2)])
    assert model.output_shape == (None, 2)
    assert model(np.ones((2, 7, 3), np.float32)).shape == (2, 2)
    lines = []
    model.summary(print_fn=lines.append)
    text = lines[0]
    assert "(None, 7, 5)" in text and "(None, 7, 8)" in text and "(None, 2)" in text
    assert model.count_params() == (3 * 5 + 5 * 5 + 5) + 2 * 4 * (5 * 4 + 4 * 4 + 4) + 3 * (8 * 2 + 2 * 2 + 2 * 2)
    assert layers.LSTM(3, return_state=True).compute_output_shape((None, 7, 3)) == ((None, 3), (None, 3), (None, 3))


def test_config_round_trips():
    gru = layers.GRU(3, reset_after=False, go_backwards=True, dropout=0.1, name="g")
    copy = layers.GRU.from_config(gru.get_config())
    assert (copy.name, copy.units, copy.reset_after, copy.go_backwards, copy.dropout) == ("g", 3, False, True, 0.1)
    assert "seed" not in layers.SimpleRNN(2).get_config()
    rnn = layers.RNN.from_config(layers.RNN(layers.LSTMCell(2), return_state=True).get_config())
    assert isinstance(rnn.cell, layers.LSTMCell) and rnn.return_state
    bi = layers.Bidirectional.from_config(layers.Bidirectional(layers.GRU(2, name="x"), merge_mode="mul").get_config())
    assert (bi.merge_mode, bi.forward_layer.name, bi.backward_layer.name) == ("mul", "forward_x", "backward_x")
    assert bi.backward_layer.go_backwards and bi(X).shape == (3, 2)


def test_stateful_carries_states_between_calls():
    layer = layers.LSTM(2, stateful=True)
    plain = layers.LSTM(2, return_state=True)
    layer(X)
    plain(X)
    plain.set_weights(_randomize(layer))
    layer.reset_state()
    first = layer(X)
    _, h, c = plain(X)
    np.testing.assert_allclose(first.numpy(), h.numpy(), rtol=1e-6)
    np.testing.assert_allclose(layer(X).numpy(), plain(X, initial_state=[h, c])[0].numpy(), rtol=1e-6)
    assert len(layer.weights) == 3 and len(layer.states) == 2
    layer.reset_state()
    np.testing.assert_allclose(layer(X).numpy(), first.numpy(), rtol=1e-6)
    with pytest.raises(ValueError, match="batch size of the input sequences"):
        layer(X[:2])
