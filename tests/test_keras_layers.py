"""keras.layers, Sequential and Model: values against NumPy, shapes, names, tracking, errors, training."""
import numpy as np
import pytest

import tapegrad as tf

keras = tf.keras
layers = keras.layers
rng = np.random.default_rng(0)


def _conv_ref(x, w, stride=1, padding="valid", dilation=1):
    """NHWC cross-correlation, the slow obvious way."""
    kh, kw = w.shape[:2]
    ekh, ekw = (kh - 1) * dilation + 1, (kw - 1) * dilation + 1
    if padding == "same":
        h, wd = x.shape[1:3]
        oh, ow = -(-h // stride), -(-wd // stride)
        ph = max((oh - 1) * stride + ekh - h, 0)
        pw = max((ow - 1) * stride + ekw - wd, 0)
        x = np.pad(x, ((0, 0), (ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2), (0, 0)))
    oh = (x.shape[1] - ekh) // stride + 1
    ow = (x.shape[2] - ekw) // stride + 1
    out = np.zeros((x.shape[0], oh, ow, w.shape[3]))
    for i in range(oh):
        for j in range(ow):
            patch = x[:, i * stride:i * stride + ekh:dilation, j * stride:j * stride + ekw:dilation, :]
            out[:, i, j, :] = np.tensordot(patch, w, axes=([1, 2, 3], [0, 1, 2]))
    return out


def _pool_ref(x, size, reduce):
    n, h, w, c = x.shape
    x = x[:, :h // size * size, :w // size * size]
    return reduce(x.reshape(n, h // size, size, w // size, size, c), axis=(2, 4))


# --- Dense ------------------------------------------------------------------------------------------------------
def test_dense_values_names_and_shapes():
    d = layers.Dense(4, activation="relu", name="fc")
    x = rng.normal(size=(3, 5)).astype(np.float32)
    y = d(x)
    assert [(w.name, w.path, tuple(w.shape)) for w in d.weights] == [("kernel", "fc/kernel", (5, 4)),
                                                                      ("bias", "fc/bias", (4,))]
    np.testing.assert_allclose(y.numpy(), np.maximum(x @ d.kernel.numpy() + d.bias.numpy(), 0), rtol=1e-5)
    assert d.trainable_weights == d.weights and d.non_trainable_weights == []
    assert d.count_params() == 24
    x3 = rng.normal(size=(2, 3, 5)).astype(np.float32)
    np.testing.assert_allclose(d(x3).numpy(), np.maximum(x3 @ d.kernel.numpy() + d.bias.numpy(), 0), rtol=1e-5)
    assert d.compute_output_shape((None, 7, 5)) == (None, 7, 4)
    assert d(np.ones((1, 5))).dtype == tf.float32  # float64 inputs are cast to the layer's dtype
    no_bias = layers.Dense(2, use_bias=False, kernel_initializer="ones")
    np.testing.assert_allclose(no_bias(np.array([[1.0, 2.0]], np.float32)).numpy(), [[3.0, 3.0]])
    assert [w.name for w in no_bias.weights] == ["kernel"]


def test_dense_errors_name_the_layer_and_shapes():
    d = layers.Dense(3, name="head")
    with pytest.raises(ValueError, match=r"layer 'head' \(Dense\).*expected min_ndim=2, found ndim=1.*\(3,\)"):
        d(np.ones(3, np.float32))
    d(np.ones((2, 4), np.float32))
    with pytest.raises(ValueError, match=r"layer 'head'.*axis -1 of input shape to have value 4.*\(2, 5\)"):
        d(np.ones((2, 5), np.float32))
    with pytest.raises(ValueError, match="units"):
        layers.Dense(0)


def test_automatic_names_are_unique():
    a, b = layers.Dense(1), layers.Dense(1)
    assert a.name.startswith("dense") and b.name.startswith("dense") and a.name != b.name
    assert layers.MaxPooling2D().name.startswith("max_pooling2d")
    assert layers.ReLU().name.startswith("re_lu")


# --- Conv2D and pooling ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kw", [dict(), dict(padding="same"), dict(strides=2), dict(strides=2, padding="same"),
                                dict(dilation_rate=2)])
def test_conv2d_matches_reference(kw):
    x = rng.normal(size=(2, 7, 6, 3)).astype(np.float32)
    conv = layers.Conv2D(4, 3, **kw)
    y = conv(x)
    w, b = conv.kernel.numpy(), conv.bias.numpy()
    assert w.shape == (3, 3, 3, 4) and [v.name for v in conv.weights] == ["kernel", "bias"]
    ref = _conv_ref(x, w, kw.get("strides", 1), kw.get("padding", "valid"), kw.get("dilation_rate", 1)) + b
    np.testing.assert_allclose(y.numpy(), ref, rtol=1e-4, atol=1e-5)
    assert conv.compute_output_shape((None, 7, 6, 3)) == (None,) + ref.shape[1:]


def test_conv2d_channels_first_and_errors():
    x = rng.normal(size=(2, 3, 6, 6)).astype(np.float32)
    conv = layers.Conv2D(2, (3, 2), data_format="channels_first", activation="relu")
    y = conv(x).numpy()
    ref = np.maximum(_conv_ref(x.transpose(0, 2, 3, 1), conv.kernel.numpy()) + conv.bias.numpy(), 0)
    np.testing.assert_allclose(y, ref.transpose(0, 3, 1, 2), rtol=1e-4, atol=1e-5)
    with pytest.raises(ValueError, match=r"layer 'c' \(Conv2D\).*expected min_ndim=4, found ndim=3.*\(2, 5, 5\)"):
        layers.Conv2D(3, 2, name="c")(np.ones((2, 5, 5), np.float32))
    c = layers.Conv2D(3, 2, name="c2")
    c(np.ones((1, 4, 4, 2), np.float32))
    with pytest.raises(ValueError, match="layer 'c2'.*axis -1 of input shape to have value 2"):
        c(np.ones((1, 4, 4, 3), np.float32))
    with pytest.raises(ValueError, match="padding"):
        layers.Conv2D(3, 2, padding="full")


def test_pooling_layers():
    x = rng.normal(size=(2, 5, 6, 3)).astype(np.float32)
    np.testing.assert_allclose(layers.MaxPool2D()(x).numpy(), _pool_ref(x, 2, np.max))
    np.testing.assert_allclose(layers.MaxPooling2D(pool_size=2)(x).numpy(), _pool_ref(x, 2, np.max))
    np.testing.assert_allclose(layers.AveragePooling2D()(x).numpy(), _pool_ref(x, 2, np.mean), rtol=1e-6)
    assert layers.MaxPool2D(3, strides=1, padding="same")(x).shape == (2, 5, 6, 3)
    assert layers.MaxPool2D().compute_output_shape((None, 5, 6, 3)) == (None, 2, 3, 3)
    np.testing.assert_allclose(layers.GlobalAveragePooling2D()(x).numpy(), x.mean(axis=(1, 2)), rtol=1e-6)
    np.testing.assert_allclose(layers.GlobalMaxPooling2D()(x).numpy(), x.max(axis=(1, 2)))
    with pytest.raises(ValueError, match="expected ndim=4"):
        layers.MaxPool2D()(np.ones((2, 4, 4), np.float32))


def test_flatten_reshape_activation_layers():
    x = rng.normal(size=(2, 3, 4, 5)).astype(np.float32)
    np.testing.assert_array_equal(layers.Flatten()(x).numpy(), x.reshape(2, -1))
    np.testing.assert_array_equal(layers.Flatten(data_format="channels_first")(x).numpy(),
                                  x.transpose(0, 2, 3, 1).reshape(2, -1))
    assert layers.Flatten().compute_output_shape((None, 3, 4, 5)) == (None, 60)
    np.testing.assert_array_equal(layers.Reshape((12, 5))(x).numpy(), x.reshape(2, 12, 5))
    assert layers.Reshape((-1, 5)).compute_output_shape((None, 3, 4, 5)) == (None, 12, 5)
    np.testing.assert_array_equal(layers.ReLU()(x).numpy(), np.maximum(x, 0))
    np.testing.assert_allclose(layers.ReLU(max_value=0.5, negative_slope=0.1)(x).numpy(),
                               np.minimum(np.where(x > 0, x, 0.1 * x), 0.5), rtol=1e-6)
    np.testing.assert_allclose(layers.LeakyReLU()(x).numpy(), np.where(x > 0, x, 0.3 * x), rtol=1e-6)
    e = np.exp(x - x.max(-1, keepdims=True))
    np.testing.assert_allclose(layers.Softmax()(x).numpy(), e / e.sum(-1, keepdims=True), rtol=1e-5)
    np.testing.assert_allclose(layers.Activation("tanh")(x).numpy(), np.tanh(x), rtol=1e-5)


# --- Dropout and BatchNormalization ---------------------------------------------------------------------------------------
def test_dropout_scaling_and_training_flag():
    x = np.ones((200, 100), np.float32)
    d = layers.Dropout(0.25, seed=1)
    assert d(x) is not None and np.array_equal(d(x).numpy(), x)  # inference by default
    y = d(x, training=True).numpy()
    kept = y != 0
    assert abs(kept.mean() - 0.75) < 0.01
    np.testing.assert_allclose(y[kept], 1 / 0.75, rtol=1e-6)
    assert not np.array_equal(y, d(x, training=True).numpy())  # a new mask per call
    tf.keras.utils.set_random_seed(3)  # Keras 3: an unseeded layer's seed comes from Python's random
    a = layers.Dropout(0.5)(x, training=True).numpy()
    tf.keras.utils.set_random_seed(3)
    assert np.array_equal(a, layers.Dropout(0.5)(x, training=True).numpy())
    with pytest.raises(ValueError, match="rate"):
        layers.Dropout(1.5)


def test_batch_normalization_training_and_inference():
    x = rng.normal(loc=2.0, scale=3.0, size=(16, 4, 3)).astype(np.float32)
    bn = layers.BatchNormalization()
    y = bn(x, training=True).numpy()
    mean, var = x.mean(axis=(0, 1)), x.var(axis=(0, 1))
    np.testing.assert_allclose(y, (x - mean) / np.sqrt(var + 1e-3), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(bn.moving_mean.numpy(), 0.01 * mean, rtol=1e-5)
    np.testing.assert_allclose(bn.moving_variance.numpy(), 0.99 + 0.01 * var, rtol=1e-5)
    assert [(w.name, w.trainable) for w in bn.weights] == [("gamma", True), ("beta", True), ("moving_mean", False),
                                                           ("moving_variance", False)]
    assert [w.name for w in bn.trainable_weights] == ["gamma", "beta"]
    mm = bn.moving_mean.numpy()
    y_inf = bn(x).numpy()  # inference: moving statistics, no update
    np.testing.assert_allclose(y_inf, (x - mm) / np.sqrt(bn.moving_variance.numpy() + 1e-3), rtol=1e-4, atol=1e-4)
    np.testing.assert_array_equal(bn.moving_mean.numpy(), mm)
    bn.trainable = False  # a frozen BN runs in inference mode even with training=True (Keras 3)
    bn(x, training=True)
    np.testing.assert_array_equal(bn.moving_mean.numpy(), mm)
    assert bn.trainable_weights == [] and len(bn.non_trainable_weights) == 4
    bn1 = layers.BatchNormalization(axis=1, momentum=0.5, epsilon=1e-5)
    z = bn1(x, training=True).numpy()
    m1, v1 = x.mean(axis=(0, 2), keepdims=True), x.var(axis=(0, 2), keepdims=True)
    np.testing.assert_allclose(z, (x - m1) / np.sqrt(v1 + 1e-5), rtol=1e-4, atol=1e-4)
    assert bn1.gamma.shape == (4,)


def test_batch_normalization_gradient():
    x = tf.constant(rng.normal(size=(8, 3)).astype(np.float32))
    bn = layers.BatchNormalization()
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = tf.reduce_sum(bn(x, training=True) * tf.constant([1.0, 2.0, 3.0]))
    gx, gg, gb = tape.gradient(loss, [x, bn.gamma, bn.beta])
    np.testing.assert_allclose(gb.numpy(), [8.0, 16.0, 24.0], rtol=1e-6)
    np.testing.assert_allclose(gx.numpy().sum(0), 0.0, atol=1e-4)  # the batch mean is subtracted
    assert gg.shape == (3,)


# --- Embedding and sparse optimizer updates -------------------------------------------------------------------------------
def test_embedding_lookup_and_sparse_gradient():
    emb = layers.Embedding(10, 3)
    ids = np.array([[1, 2], [2, 9]])
    out = emb(ids)
    assert out.shape == (2, 2, 3)
    np.testing.assert_array_equal(out.numpy(), emb.embeddings.numpy()[ids])
    w = emb.embeddings.numpy()
    assert np.abs(w).max() <= 0.05 and [(v.name, v.path) for v in emb.weights] == [("embeddings",
                                                                                     f"{emb.name}/embeddings")]
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(emb(ids))
    g = tape.gradient(loss, emb.embeddings)
    assert isinstance(g, tf.IndexedSlices)
    dense = np.zeros((10, 3), np.float32)
    np.add.at(dense, ids.reshape(-1), 1.0)
    np.testing.assert_array_equal(tf.convert_to_tensor(g).numpy(), dense)
    assert emb(np.array([1.0, 2.0])).shape == (2, 3)  # float ids are cast


def _sparse_steps(opt):
    v = tf.Variable(np.ones((4, 2), np.float32))
    for idx in ([0, 0, 1], [2]):
        with tf.GradientTape() as tape:
            y = tf.reduce_sum(tf.gather(v, idx) * tf.constant([[1.0, 2.0]]))
        g = tape.gradient(y, v)
        assert isinstance(g, tf.IndexedSlices)
        opt.apply_gradients([(g, v)])
    return v.numpy(), [s.numpy() for s in opt.variables[2:]]


def test_sgd_with_sparse_gradients_updates_only_the_touched_rows():
    var, _ = _sparse_steps(keras.optimizers.SGD(0.1))
    # duplicate index 0 is summed; row 3 is never touched (values from TF 2.21)
    np.testing.assert_array_equal(var, np.array([[0.79999995, 0.6], [0.9, 0.8], [0.9, 0.8], [1.0, 1.0]], np.float32))
    var, _ = _sparse_steps(keras.optimizers.Adagrad(0.1))
    np.testing.assert_allclose(var[:2], [[0.8619869, 0.8594544], [0.9046537, 0.901227]], rtol=1e-6)
    np.testing.assert_array_equal(var[3], [1.0, 1.0])


def test_adam_with_sparse_gradients_matches_tf():
    """Keras 3 Adam densifies the moment updates: untouched rows' moments decay and their variables still move;
    the second moment adds the squares of the slices (duplicates squared separately). Values from TF 2.21."""
    var, (m, v) = _sparse_steps(keras.optimizers.Adam(0.1))
    np.testing.assert_allclose(var, [[0.76382047, 0.7638203], [0.83299607, 0.83299577],
                                     [0.9255873, 0.9255872], [1.0, 1.0]], rtol=1e-6)
    np.testing.assert_allclose(m, [[0.18, 0.36], [0.09, 0.18], [0.1, 0.2], [0.0, 0.0]], rtol=1e-6)
    np.testing.assert_allclose(v, [[0.001998, 0.007992], [0.000999, 0.003996], [0.001, 0.004], [0, 0]], rtol=1e-5)


def test_embedding_trains_with_adam():
    tf.random.set_seed(0)
    emb = layers.Embedding(20, 4)
    head = layers.Dense(2)
    ids = np.arange(20) % 20
    labels = (ids % 2).astype(np.int32)
    opt = keras.optimizers.Adam(0.05)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    losses = []
    for _ in range(30):
        with tf.GradientTape() as tape:
            loss = loss_fn(labels, head(emb(ids)))
        variables = emb.trainable_weights + head.trainable_weights
        opt.apply_gradients(zip(tape.gradient(loss, variables), variables))
        losses.append(float(loss))
    assert losses[-1] < 0.2 * losses[0]


# --- Sequential and Model ----------------------------------------------------------------------------------------------------
def _cnn(name=None):
    return keras.Sequential([
        keras.Input(shape=(8, 8, 1)),
        layers.Conv2D(8, 3, padding="same", activation="relu"),
        layers.MaxPool2D(),
        layers.Conv2D(8, 3, activation="relu"),
        layers.Flatten(),
        layers.Dropout(0.1),
        layers.Dense(4),
    ], name=name)


def test_sequential_build_layers_weights_and_summary():
    model = _cnn("cnn")
    assert model.built and [type(layer).__name__ for layer in model.layers] == [
        "Conv2D", "MaxPooling2D", "Conv2D", "Flatten", "Dropout", "Dense"]
    assert [w.path.split("/", 1)[0] for w in model.weights] == ["cnn"] * 6
    assert [w.name for w in model.weights] == ["kernel", "bias"] * 3
    assert model.output_shape == (None, 4)
    lines = []
    model.summary(print_fn=lines.append)
    text = lines[0]
    assert 'Model: "cnn"' in text and "(None, 8, 8, 8)" in text and "(None, 2, 2, 8)" in text
    assert "Total params: 796 (3.11 KB)" in text and "Non-trainable params: 0 (0.00 B)" in text
    assert model.count_params() == 8 * 9 + 8 + 8 * 8 * 9 + 8 + 32 * 4 + 4
    y = model(np.zeros((5, 8, 8, 1), np.float32))
    assert y.shape == (5, 4)


def test_sequential_deferred_build_add_pop():
    model = keras.Sequential(name="seq")
    model.add(layers.Dense(3, name="d1"))
    model.add(layers.Dense(2, name="d2"))
    assert not model.built and model.weights == []
    lines = []
    model.summary(print_fn=lines.append)
    assert "0 (unbuilt)" in lines[0]
    model(np.ones((4, 5), np.float32))
    assert [w.path for w in model.weights] == ["seq/d1/kernel", "seq/d1/bias", "seq/d2/kernel", "seq/d2/bias"]
    assert model.pop().name == "d2" and len(model.layers) == 1
    with pytest.raises(ValueError, match="unique names"):
        model.add(layers.Dense(2, name="d1"))
    built = keras.Sequential([layers.Dense(2, input_shape=(3,))])
    assert built.built and built.weights[0].shape == (3, 2)
    b2 = keras.Sequential([layers.Dense(2)])
    b2.build((None, 6))
    assert b2.weights[0].shape == (6, 2)


def test_training_flag_propagates_through_sequential():
    model = keras.Sequential([layers.Dropout(0.5, seed=0)])
    x = np.ones((10, 10), np.float32)
    assert np.array_equal(model(x).numpy(), x)
    assert (model(x, training=True).numpy() == 0).any()


class _Block(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.proj = layers.Dense(4)
        self.stack = [layers.Dense(4, activation="relu"), layers.BatchNormalization()]
        self.scale = self.add_weight(shape=(), initializer="ones", name="scale")

    def call(self, x, training=None):
        h = self.proj(x)
        for layer in self.stack:
            h = layer(h, training=training)
        return h * self.scale


def test_model_subclass_tracking_order_and_trainable():
    block = _Block(name="block")
    block(np.ones((2, 3), np.float32), training=True)
    assert [w.path for w in block.weights] == [
        "block/scale", f"block/{block.proj.name}/kernel", f"block/{block.proj.name}/bias",
        f"block/{block.stack[0].name}/kernel", f"block/{block.stack[0].name}/bias",
        f"block/{block.stack[1].name}/gamma", f"block/{block.stack[1].name}/beta",
        f"block/{block.stack[1].name}/moving_mean", f"block/{block.stack[1].name}/moving_variance"]
    assert len(block.trainable_weights) == 7 and len(block.non_trainable_weights) == 2
    assert block.trainable_variables == block.trainable_weights  # tapegrad.Module's API too
    assert block.layers == [block.proj, block.stack[0], block.stack[1]]
    assert block.get_layer(block.proj.name) is block.proj
    block.stack[0].trainable = False
    assert len(block.trainable_weights) == 5
    x = np.ones((2, 3), np.float32)
    with tf.GradientTape() as tape:
        out = tf.reduce_sum(block(x))
    grads = tape.gradient(out, block.stack[0].kernel)
    assert grads is None  # a frozen layer's variables are not watched
    block.trainable = False
    assert block.trainable_weights == [] and len(block.non_trainable_weights) == 9


def test_layer_subclass_with_add_weight_and_regularizers():
    class Scale(layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", regularizer=keras.regularizers.L2(0.1),
                                     name="w")

        def call(self, x):
            return x * self.w

    s = Scale(name="scale")
    y = s(np.full((2, 3), 2.0, np.float32))
    np.testing.assert_array_equal(y.numpy(), np.full((2, 3), 2.0))
    assert s.built and s.w.path == "scale/w"
    np.testing.assert_allclose(float(s.losses[0]), 0.1 * 3, rtol=1e-6)
    d = layers.Dense(2, kernel_regularizer="l2", activity_regularizer=keras.regularizers.L1(0.5),
                     kernel_initializer="ones")
    d(np.ones((1, 2), np.float32))
    assert len(d.losses) == 2
    np.testing.assert_allclose([float(v) for v in d.losses], [0.5 * 4, 0.01 * 4], rtol=1e-6)


def test_get_config_round_trip():
    d = layers.Dense(3, activation="relu", use_bias=False, name="dd")
    config = d.get_config()
    assert config["units"] == 3 and config["activation"] == "relu" and config["name"] == "dd"
    assert config["kernel_initializer"]["class_name"] == "GlorotUniform"
    d2 = layers.Dense.from_config(config)
    assert d2.units == 3 and d2.use_bias is False
    c = layers.Conv2D.from_config(layers.Conv2D(2, 3, strides=2, padding="same").get_config())
    assert c.kernel_size == (3, 3) and c.strides == (2, 2) and c.padding == "same"
    bn = layers.BatchNormalization.from_config(layers.BatchNormalization(momentum=0.9).get_config())
    assert bn.momentum == 0.9 and bn.epsilon == 1e-3


def test_sequential_cnn_trains_on_synthetic_data():
    """Which quadrant holds the bright square: a Sequential CNN, a GradientTape loop and Adam."""
    data = np.random.default_rng(1)
    n = 256
    labels = data.integers(0, 4, n).astype(np.int32)
    images = data.normal(scale=0.3, size=(n, 8, 8, 1)).astype(np.float32)
    for i, q in enumerate(labels):
        r, c = (q // 2) * 4 + 1, (q % 2) * 4 + 1
        images[i, r:r + 2, c:c + 2, 0] += 2.0
    tf.random.set_seed(0)
    model = _cnn()
    opt = keras.optimizers.Adam(0.01)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    acc = keras.metrics.SparseCategoricalAccuracy()
    losses = []
    for step in range(40):
        idx = np.arange(step * 32, step * 32 + 32) % n
        with tf.GradientTape() as tape:
            logits = model(images[idx], training=True)
            loss = loss_fn(labels[idx], logits)
        grads = tape.gradient(loss, model.trainable_variables)
        opt.apply_gradients(zip(grads, model.trainable_variables))
        losses.append(float(loss))
    acc.update_state(labels, model(images))
    assert np.mean(losses[-5:]) < 0.3 * np.mean(losses[:5])
    assert float(acc.result()) > 0.9


def test_checkpoint_round_trip_of_a_sequential_model(tmp_path):
    model = _cnn()
    opt = keras.optimizers.Adam(0.01)
    x = rng.normal(size=(4, 8, 8, 1)).astype(np.float32)
    y = np.array([0, 1, 2, 3], np.int32)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    def step(m, o):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, m(x))
        o.apply_gradients(zip(tape.gradient(loss, m.trainable_variables), m.trainable_variables))

    step(model, opt)
    path = tf.train.Checkpoint(model=model, optimizer=opt).save(str(tmp_path / "ckpt"))
    expected = model(x).numpy()
    step(model, opt)
    after_two = [w.numpy() for w in model.weights]

    fresh, fresh_opt = _cnn(), keras.optimizers.Adam(0.01)
    status = tf.train.Checkpoint(model=fresh, optimizer=fresh_opt).restore(path)
    status.assert_consumed()
    np.testing.assert_array_equal(fresh(x).numpy(), expected)
    step(fresh, fresh_opt)  # the optimizer state came back too: the next step is the same
    for a, b in zip(after_two, fresh.weights):
        np.testing.assert_array_equal(a, b.numpy())
    wrong = keras.Sequential([keras.Input((8, 8, 1)), layers.Conv2D(3, 3)])
    wrong_path = tf.train.Checkpoint(model=keras.Sequential([keras.Input((8, 8, 1)), layers.Conv2D(4, 3)])).write(
        str(tmp_path / "other"))
    with pytest.raises(ValueError, match="shape"):
        tf.train.Checkpoint(model=wrong).read(wrong_path)


def test_layers_are_modules():
    model = _cnn()
    assert isinstance(model, tf.Module) and isinstance(model.layers[0], tf.Module)
    # Keras 3 lists the Dropout's seed-generator state in `variables` and `non_trainable_variables`, after
    # the weights, but not in `weights`.
    state = model.layers[4].seed_generator.state
    assert model.variables == model.weights + [state]
    assert model.non_trainable_variables == [state] and model.non_trainable_weights == []
    assert (state.name, state.dtype, state.shape, state.trainable) == ("seed_generator_state", tf.int64, (2,), False)
    with pytest.raises(ValueError, match="must be KerasTensors"):
        keras.Model(inputs=None, outputs=None)


def test_layer_normalization_matches_keras():
    # Values from TF 2.21 / Keras 3.15.1.
    x = tf.constant(np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 10 - 1)
    ln = layers.LayerNormalization()
    np.testing.assert_allclose(ln(x).numpy()[1, 0], [-1.290994, -0.4303319, 0.4303315, 1.2909946], rtol=1e-5)
    assert [(w.name, tuple(w.shape)) for w in ln.weights] == [("gamma", (4,)), ("beta", (4,))]
    ln2 = layers.LayerNormalization(axis=[1, 2], epsilon=0.1)
    ln2.build(x.shape)
    ln2.gamma.assign(tf.reshape(tf.range(12, dtype=tf.float32) / 10, [3, 4]))
    ln2.beta.assign(tf.ones([3, 4]))
    np.testing.assert_allclose(ln2(x).numpy()[0, 2], [1.4272113, 1.6728578, 1.9612255, 2.2923143], rtol=1e-5)
    ln3 = layers.LayerNormalization(axis=1, center=False)
    np.testing.assert_allclose(ln3(x).numpy()[0, :, 0], [-1.2190441, 0.0, 1.2190437], rtol=1e-5, atol=1e-6)
    assert len(ln3.weights) == 1
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(ln(x) * tf.range(4, dtype=tf.float32))
    gamma, beta = tape.gradient(y, [ln.gamma, ln.beta])
    np.testing.assert_allclose(beta.numpy(), [0.0, 6.0, 12.0, 18.0])
    assert gamma.shape == (4,)
    with pytest.raises(ValueError, match="out of bounds"):
        layers.LayerNormalization(axis=3)(x)


def test_plain_variable_attributes_are_not_keras_weights():
    """Keras 3 (TF 2.21) lists and trains only add_weight / keras.Variable weights: a tf.Variable attribute of a
    Model is neither in its weights nor trained by fit (TF's 'basic training loops' guide code trains nothing)."""
    class M(tf.keras.Model):
        def __init__(self):
            super().__init__()
            self.w = tf.Variable(5.0)
            self.d = tf.keras.layers.Dense(1)

        def call(self, x):
            return self.d(x) * self.w

    m = M()
    m(tf.ones((1, 2)))
    assert [v.name for v in m.variables] == ["kernel", "bias"] and len(m.trainable_variables) == 2
    m.compile(optimizer=tf.keras.optimizers.SGD(0.1), loss="mse")
    m.fit(tf.ones((4, 2)), tf.zeros((4, 1)), epochs=2, verbose=0)
    assert float(m.w) == 5.0


def test_dropout_layer_draws_stateless_masks_from_its_seed_generator():
    """Keras 3 on TF: each training call is stateless_dropout seeded by the layer's SeedGenerator state, which then
    advances; eager and tf.function give the same sequence (values checked against TF 2.21 in tf_compat)."""
    def run(wrap):
        tf.keras.utils.set_random_seed(5)
        layer = tf.keras.layers.Dropout(0.5)
        f = wrap(lambda x: layer(x, training=True))
        return [f(tf.ones([2, 8])).numpy() for _ in range(3)], layer.seed_generator.state.numpy()

    (eager, state), (graph, graph_state) = run(lambda f: f), run(tf.function)
    assert state.tolist() == graph_state.tolist() and state[1] == 3
    for a, b in zip(eager, graph):
        np.testing.assert_array_equal(a, b)
        assert set(np.unique(a)) <= {0.0, 2.0}
    assert not np.array_equal(eager[0], eager[1])
    seed = tf.constant([state[0] % (2**31 - 2), 0], tf.int32)  # the first call's seed, as Keras casts it
    expected = tf.nn.experimental.stateless_dropout(tf.ones([2, 8]), 0.5, seed)
    np.testing.assert_array_equal(eager[0], expected.numpy())
