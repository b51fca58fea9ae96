"""tapegrad.Module: variables, trainable_variables and submodules in tf.Module's order."""
import json
import os
import subprocess

import pytest

import tapegrad as tf

PEERS_PYTHON = "/work/peers-venv/bin/python"

# The same structure is built in TensorFlow by _TF_SCRIPT; EXPECTED is what TF 2.21 printed for it.
_BUILD = '''
class Dense(tf.Module):
    def __init__(self, n, name=None):
        super().__init__(name=name)
        self.w = tf.Variable(tf.zeros([2, n]), name=name + "_w")
        self.b = tf.Variable(tf.zeros([n]), name=name + "_b", trainable=False)

class Net(tf.Module):
    def __init__(self):
        super().__init__()
        self.z = tf.Variable(1.0, name="z")
        self.layers = [Dense(3, name="l0"), Dense(4, name="l1")]
        self.a = Dense(2, name="a")
        self.d = {"y": tf.Variable(2.0, name="dy"),
                  "x": (tf.Variable(3.0, name="dx0"), [tf.Variable(4.0, name="dx1")])}
        self._p = tf.Variable(5.0, name="p")
        self.shared = self.a.w
        self.blocks = {"b2": Dense(1, name="b2"), "b1": [Dense(1, name="b1")]}

net = Net()
result = {"name": net.name,
          "variables": [v.name for v in net.variables],
          "trainable": [v.name for v in net.trainable_variables],
          "submodules": [m.name for m in net.submodules]}
'''

EXPECTED = {
    "name": "net",
    "variables": ["p:0", "dx0:0", "dx1:0", "dy:0", "a_w:0", "z:0", "a_b:0", "b1_b:0", "b1_w:0", "b2_b:0", "b2_w:0",
                  "l0_b:0", "l0_w:0", "l1_b:0", "l1_w:0"],
    "trainable": ["p:0", "dx0:0", "dx1:0", "dy:0", "a_w:0", "z:0", "b1_w:0", "b2_w:0", "l0_w:0", "l1_w:0"],
    "submodules": ["a", "b1", "b2", "l0", "l1"],
}


def _tapegrad_result():
    scope = {"tf": tf}
    exec(_BUILD, scope)
    return scope["result"]


def test_order_matches_tf_2_21():
    assert _tapegrad_result() == EXPECTED


@pytest.mark.skipif(not os.path.exists(PEERS_PYTHON), reason="TensorFlow peer virtualenv not available")
def test_order_matches_live_tensorflow():
    script = "import json, os\nos.environ['TF_CPP_MIN_LOG_LEVEL']='3'\nimport tensorflow as tf\n" + _BUILD + \
        "\nprint('RESULT' + json.dumps(result))"
    out = subprocess.run([PEERS_PYTHON, "-c", script], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    line = next(ln for ln in out.stdout.splitlines() if ln.startswith("RESULT"))
    assert json.loads(line[len("RESULT"):]) == _tapegrad_result()


def test_names_and_scope():
    class MyDenseLayer(tf.Module):
        pass

    assert MyDenseLayer().name == "my_dense_layer"
    assert tf.Module(name="enc").name == "enc"
    with pytest.raises(ValueError):
        tf.Module(name="not valid!")
    m = tf.Module(name="m")
    with m.name_scope:
        pass
    assert m.variables == () and m.trainable_variables == () and m.submodules == ()


def test_cycles_and_sharing():
    a, b = tf.Module(name="a"), tf.Module(name="b")
    v = tf.Variable(1.0)
    a.child, b.parent, a.v, b.v = b, a, v, v
    assert a.variables == (v,)
    assert a.submodules == (b,)
    assert b.submodules == (a,)


def test_variables_track_later_assignment_and_gradients():
    m = tf.Module()
    m.w = tf.Variable([1.0, 2.0])
    m.frozen = tf.Variable(3.0, trainable=False)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(m.w * m.w) * m.frozen
    (g,) = tape.gradient(y, m.trainable_variables)
    assert g.numpy().tolist() == [6.0, 12.0]
    assert [v.trainable for v in m.variables] == [False, True]


def test_name_scope_prefixes_variable_names():
    class M(tf.Module):
        def __init__(self):
            super().__init__(name="mod")
            with self.name_scope:
                self.k = tf.Variable(1.0, name="k")
            self.j = tf.Variable(1.0, name="j")

    m = M()
    assert (m.k.name, m.j.name) == ("mod/k:0", "j:0")
    with tf.name_scope("outer"):
        inner = tf.Module(name="inner")
    with inner.name_scope as scope:
        assert scope == "outer/inner/"
        assert tf.Variable(1.0, name="v").name == "outer/inner/v:0"
