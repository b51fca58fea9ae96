"""tapegrad.keras.optimizers against TensorFlow 2.21 (Keras 3.15.1) and against NumPy references.

The expected values in TF_FINAL and TF_SCHEDULES were produced by the real
TensorFlow 2.21 / Keras 3.15.1: running this file as a script under a
TensorFlow install (``/work/peers-venv/bin/python tests/test_optimizers.py``)
runs the same ``trajectory`` code with ``import tensorflow as tf`` and prints
both tables. tapegrad reproduces them bit for bit (float32 and float64), so
the comparisons are exact. Every optimizer and option is also checked
against a float64 NumPy implementation of the textbook formula.
"""
import math
import sys

import numpy as np

# --- shared by the TensorFlow generator and the tests ---------------------------------------------
INIT = {
    "a": np.array([1.0, -2.0, 3.0, 0.5], np.float32),
    "b": np.array([[0.5, -1.5], [2.0, 0.25]], np.float32),
    "c": np.array(1.5, np.float32),
}
TARGET = {
    "a": np.array([0.5, 1.0, -1.0, 2.0], np.float32),
    "b": np.array([[1.0, 1.0], [-1.0, 0.0]], np.float32),
    "c": np.array(-0.5, np.float32),
}
NAMES = sorted(INIT)


def grad_of(name, value, dtype=np.float32):
    """The gradient fed at ``value``: 2 (v - target) + v^3 / 4, computed in NumPy (identical in both frameworks)."""
    v = np.asarray(value, dtype)
    return (v - TARGET[name].astype(dtype)) * dtype(2.0) + dtype(0.25) * v * v * v


def make_optimizer(tf, cls, kwargs):
    kw = dict(kwargs)
    lr = kw.get("learning_rate")
    if isinstance(lr, tuple):
        kw["learning_rate"] = getattr(tf.keras.optimizers.schedules, lr[0])(**lr[1])
    return getattr(tf.keras.optimizers, cls)(**kw)


def trajectory(tf, cls, kwargs, steps, dtype):
    """Variable values (flattened, per variable) after each of ``steps`` apply_gradients calls."""
    opt = make_optimizer(tf, cls, kwargs)
    vs = [tf.Variable(INIT[n].astype(dtype), name=n) for n in NAMES]
    out = []
    for _ in range(steps):
        grads = [tf.constant(grad_of(n, v.numpy()).astype(dtype)) for n, v in zip(NAMES, vs)]
        opt.apply_gradients(zip(grads, vs))
        out.append([np.asarray(v.numpy()).ravel() for v in vs])
    return out


def _sched(name, **kw):
    return (name, kw)


CASES = [
    # (id, optimizer class, kwargs, steps, dtype)
    ("sgd", "SGD", {"learning_rate": 0.1}, 5, "float32"),
    ("sgd_default", "SGD", {}, 3, "float32"),
    ("sgd_momentum", "SGD", {"learning_rate": 0.1, "momentum": 0.9}, 5, "float32"),
    ("sgd_nesterov", "SGD", {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True}, 5, "float32"),
    ("sgd_weight_decay", "SGD", {"learning_rate": 0.05, "weight_decay": 0.1}, 5, "float32"),
    ("sgd_clipnorm", "SGD", {"learning_rate": 0.1, "clipnorm": 1.0}, 5, "float32"),
    ("sgd_clipvalue", "SGD", {"learning_rate": 0.1, "clipvalue": 0.5}, 5, "float32"),
    ("sgd_global_clipnorm", "SGD", {"learning_rate": 0.1, "global_clipnorm": 1.0}, 5, "float32"),
    ("sgd_exponential", "SGD", {"learning_rate": _sched(
        "ExponentialDecay", initial_learning_rate=0.1, decay_steps=2, decay_rate=0.7)}, 5, "float32"),
    ("sgd_exponential_staircase", "SGD", {"learning_rate": _sched(
        "ExponentialDecay", initial_learning_rate=0.1, decay_steps=2, decay_rate=0.7, staircase=True)}, 5, "float32"),
    ("sgd_piecewise", "SGD", {"learning_rate": _sched(
        "PiecewiseConstantDecay", boundaries=[1, 3], values=[0.1, 0.05, 0.01])}, 5, "float32"),
    ("sgd_cosine", "SGD", {"learning_rate": _sched(
        "CosineDecay", initial_learning_rate=0.1, decay_steps=4, alpha=0.1)}, 6, "float32"),
    ("sgd_cosine_warmup", "SGD", {"learning_rate": _sched(
        "CosineDecay", initial_learning_rate=0.0, decay_steps=3, warmup_target=0.1, warmup_steps=2)}, 6, "float32"),
    ("sgd_inverse_time", "SGD", {"learning_rate": _sched(
        "InverseTimeDecay", initial_learning_rate=0.1, decay_steps=2, decay_rate=0.5)}, 5, "float32"),
    ("sgd_inverse_time_staircase", "SGD", {"learning_rate": _sched(
        "InverseTimeDecay", initial_learning_rate=0.1, decay_steps=2, decay_rate=0.5, staircase=True)}, 5, "float32"),
    ("sgd_polynomial", "SGD", {"learning_rate": _sched(
        "PolynomialDecay", initial_learning_rate=0.1, decay_steps=4, end_learning_rate=0.01, power=2.0)}, 6, "float32"),
    ("sgd_polynomial_cycle", "SGD", {"learning_rate": _sched(
        "PolynomialDecay", initial_learning_rate=0.1, decay_steps=2, power=0.5, cycle=True)}, 6, "float32"),
    ("sgd_ema", "SGD", {"learning_rate": 0.1, "use_ema": True, "ema_momentum": 0.9, "ema_overwrite_frequency": 3},
     5, "float32"),
    ("sgd_loss_scale", "SGD", {"learning_rate": 0.1, "loss_scale_factor": 4.0}, 3, "float32"),
    ("adam", "Adam", {"learning_rate": 0.1}, 5, "float32"),
    ("adam_default", "Adam", {}, 5, "float32"),
    ("adam_betas", "Adam", {"learning_rate": 0.05, "beta_1": 0.5, "beta_2": 0.8, "epsilon": 1e-3}, 5, "float32"),
    ("adam_amsgrad", "Adam", {"learning_rate": 0.1, "amsgrad": True}, 6, "float32"),
    ("adam_weight_decay", "Adam", {"learning_rate": 0.1, "weight_decay": 0.05}, 5, "float32"),
    ("adam_clipnorm", "Adam", {"learning_rate": 0.1, "clipnorm": 0.5}, 5, "float32"),
    ("adam_global_clipnorm", "Adam", {"learning_rate": 0.1, "global_clipnorm": 2.0}, 5, "float32"),
    ("adam_accumulation", "Adam", {"learning_rate": 0.1, "gradient_accumulation_steps": 2}, 6, "float32"),
    ("adam_float64", "Adam", {"learning_rate": 0.1}, 5, "float64"),
    ("adam_long", "Adam", {"learning_rate": 0.01}, 300, "float32"),
    ("adamw", "AdamW", {"learning_rate": 0.1, "weight_decay": 0.1}, 5, "float32"),
    ("adamw_default", "AdamW", {}, 5, "float32"),
    ("rmsprop", "RMSprop", {"learning_rate": 0.1}, 5, "float32"),
    ("rmsprop_momentum", "RMSprop", {"learning_rate": 0.05, "momentum": 0.9}, 5, "float32"),
    ("rmsprop_centered", "RMSprop", {"learning_rate": 0.05, "centered": True}, 5, "float32"),
    ("rmsprop_centered_momentum", "RMSprop", {"learning_rate": 0.05, "rho": 0.8, "momentum": 0.5, "centered": True},
     5, "float32"),
    ("rmsprop_centered_eps", "RMSprop", {"learning_rate": 0.01, "rho": 0.5, "epsilon": 0.3, "centered": True}, 30,
     "float32"),
    ("adagrad", "Adagrad", {"learning_rate": 0.1}, 5, "float32"),
    ("adagrad_init", "Adagrad", {"learning_rate": 0.2, "initial_accumulator_value": 0.5, "epsilon": 1e-3}, 5,
     "float32"),
    ("adadelta", "Adadelta", {"learning_rate": 1.0}, 5, "float32"),
    ("adadelta_default", "Adadelta", {}, 5, "float32"),
    ("adamax", "Adamax", {"learning_rate": 0.1}, 5, "float32"),
    ("adamax_default", "Adamax", {}, 5, "float32"),
    ("nadam", "Nadam", {"learning_rate": 0.1}, 5, "float32"),
    ("nadam_default", "Nadam", {}, 5, "float32"),
    ("nadam_weight_decay", "Nadam", {"learning_rate": 0.1, "weight_decay": 0.05}, 5, "float32"),
    ("nadam_long", "Nadam", {"learning_rate": 0.01}, 200, "float32"),
    ("sgd_momentum_float64", "SGD", {"learning_rate": 0.1, "momentum": 0.9, "weight_decay": 0.1}, 4, "float64"),
    ("adamax_float64", "Adamax", {"learning_rate": 0.1}, 4, "float64"),
    ("nadam_float64", "Nadam", {"learning_rate": 0.1}, 4, "float64"),
    ("adagrad_float64", "Adagrad", {"learning_rate": 0.1}, 4, "float64"),
    ("adadelta_float64", "Adadelta", {"learning_rate": 1.0}, 4, "float64"),
    ("rmsprop_float64", "RMSprop", {"learning_rate": 0.05, "momentum": 0.5, "centered": True}, 4, "float64"),
    ("adamw_float64", "AdamW", {"learning_rate": 0.1, "weight_decay": 0.1, "amsgrad": True}, 4, "float64"),
    ("sgd_schedule_float64", "SGD", {"learning_rate": _sched(
        "ExponentialDecay", initial_learning_rate=0.1, decay_steps=3, decay_rate=0.9)}, 4, "float64"),
    ("sgd_ema_float64", "SGD", {"learning_rate": 0.1, "use_ema": True, "ema_overwrite_frequency": 2}, 4, "float64"),
]

SCHEDULES = {
    "exp": ("ExponentialDecay", {"initial_learning_rate": 0.1, "decay_steps": 7, "decay_rate": 0.93}),
    "exp_staircase": ("ExponentialDecay", {"initial_learning_rate": 0.3, "decay_steps": 4, "decay_rate": 0.5,
                                           "staircase": True}),
    "piecewise": ("PiecewiseConstantDecay", {"boundaries": [5, 10, 20], "values": [1.0, 0.5, 0.1, 0.01]}),
    "poly": ("PolynomialDecay", {"initial_learning_rate": 0.1, "decay_steps": 30, "end_learning_rate": 0.001,
                                 "power": 1.7}),
    "poly_cycle": ("PolynomialDecay", {"initial_learning_rate": 0.1, "decay_steps": 7, "end_learning_rate": 0.001,
                                       "power": 0.5, "cycle": True}),
    "inverse": ("InverseTimeDecay", {"initial_learning_rate": 0.1, "decay_steps": 3, "decay_rate": 0.37}),
    "inverse_staircase": ("InverseTimeDecay", {"initial_learning_rate": 0.1, "decay_steps": 3, "decay_rate": 0.37,
                                               "staircase": True}),
    "cosine": ("CosineDecay", {"initial_learning_rate": 0.1, "decay_steps": 37, "alpha": 0.05}),
    "cosine_warmup": ("CosineDecay", {"initial_learning_rate": 0.01, "decay_steps": 25, "warmup_target": 0.2,
                                      "warmup_steps": 9}),
    "restarts": ("CosineDecayRestarts", {"initial_learning_rate": 0.1, "first_decay_steps": 5, "t_mul": 2.0,
                                         "m_mul": 0.8, "alpha": 0.01}),
    "restarts_tmul1": ("CosineDecayRestarts", {"initial_learning_rate": 0.1, "first_decay_steps": 6, "t_mul": 1.0,
                                               "m_mul": 0.9}),
}
SCHEDULE_STEPS = [0, 1, 3, 4, 5, 6, 8, 9, 10, 13, 14, 20, 21, 29, 30, 34, 40, 77, 123, 12345]


def _f32(x):
    return repr(np.float32(x)).replace("np.float32(", "").rstrip(")")


def _regenerate():  # pragma: no cover - run under TensorFlow to print the tables below
    import os
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf
    print(f"# TensorFlow {tf.__version__}")
    print("TF_FINAL = {")
    for cid, cls, kw, steps, dtype in CASES:
        last = trajectory(tf, cls, kw, steps, dtype)[-1]
        fmt = _f32 if dtype == "float32" else repr
        print(f"    {cid!r}: [" + ", ".join("[" + ", ".join(fmt(x) for x in v.tolist()) + "]" for v in last) + "],")
    print("}")
    print("TF_SCHEDULES = {")
    for key, (cls, kw) in SCHEDULES.items():
        s = getattr(tf.keras.optimizers.schedules, cls)(**kw)
        vals = [_f32(np.asarray(s(step))) for step in SCHEDULE_STEPS]
        print(f"    {key!r}: [" + ", ".join(vals) + "],")
    print("}")


if __name__ == "__main__":
    _regenerate()
    sys.exit(0)

# --- tests -----------------------------------------------------------------------------------------
import warnings  # noqa: E402

import pytest  # noqa: E402

import tapegrad as tf  # noqa: E402
from tapegrad import errors  # noqa: E402

K = tf.keras.optimizers

# Produced by TensorFlow 2.21.0 / Keras 3.15.1 (see the module docstring): the variables a, b, c after the
# last step of each case.
TF_FINAL = {
    'sgd': [[0.6227679, 0.12787586, -0.027226344, 1.3930931], [0.8079037, 0.22752683, -0.12787586, 0.081525356], [0.1001098]],
    'sgd_default': [[0.9635161, -1.771354, 2.5929098, 0.5871118], [0.5284296, -1.3308918, 1.771354, 0.2351899], [1.3598553]],
    'sgd_momentum': [[0.12561852, 2.686924, -2.9575496, 2.2152085], [1.1855841, 2.3708913, -2.686924, -0.14606643], [-1.758489]],
    'sgd_nesterov': [[0.258574, 1.7438394, -1.6342429, 1.7502495], [1.0633143, 1.6721671, -1.7438394, -0.104185924], [-1.2565819]],
    'sgd_weight_decay': [[0.7428018, -0.60434747, 0.89384085, 1.0701848], [0.6819148, -0.39797223, 0.60434747, 0.14314651], [0.5906066]],
    'sgd_clipnorm': [[0.9612788, -1.7586185, 2.5738492, 0.5925821], [0.5507928, -1.202181, 1.6025072, 0.22348915], [0.9999999]],
    'sgd_clipvalue': [[0.74999994, -1.7500002, 2.7500002, 0.75000006], [0.75000006, -1.2500002, 1.7500002, 0.08168397], [1.2500002]],
    'sgd_global_clipnorm': [[0.9681304, -1.8004487, 2.6451344, 0.5761126], [0.5248399, -1.3523375, 1.8004487, 0.2370592], [1.377627]],
    'sgd_exponential': [[0.6872144, -0.22022703, 0.36720908, 1.2540778], [0.75367606, -0.078021675, 0.22022703, 0.11358852], [0.34033853]],
    'sgd_exponential_staircase': [[0.6720495, -0.13845041, 0.27233952, 1.2881458], [0.76637, -0.0072797686, 0.13845041, 0.10628216], [0.2842497]],
    'sgd_piecewise': [[0.7134737, -0.35665882, 0.51904243, 1.1932361], [0.7312488, -0.19917277, 0.35665882, 0.12651582], [0.4356996]],
    'sgd_cosine': [[0.7300092, -0.44368544, 0.62102056, 1.1537837], [0.71739477, -0.27399096, 0.44368544, 0.13422728], [0.49562046]],
    'sgd_cosine_warmup': [[0.7529827, -0.57844484, 0.82774717, 1.1004145], [0.6984019, -0.3833717, 0.57844484, 0.14486918], [0.58253425]],
    'sgd_inverse_time': [[0.6914119, -0.2426923, 0.39325067, 1.2445097], [0.7501582, -0.097462215, 0.2426923, 0.11559918], [0.35577896]],
    'sgd_inverse_time_staircase': [[0.67494375, -0.15381053, 0.28973842, 1.2816409], [0.7639251, -0.02076473, 0.15381053, 0.10770061], [0.29489237]],
    'sgd_polynomial': [[0.76944816, -0.6498589, 0.8636916, 1.058244], [0.6844032, -0.4506939, 0.6498589, 0.1524072], [0.6377265]],
    'sgd_polynomial_cycle': [[0.7453019, -0.5245782, 0.7163251, 1.1173948], [0.7046167, -0.34329557, 0.5245782, 0.14133687], [0.55116963]],
    'sgd_ema': [[0.70093614, -0.2957994, 0.45175725, 1.2252783], [0.7420391, -0.14487985, 0.2957994, 0.12060296], [0.39220345]],
    'sgd_loss_scale': [[0.9124638, -1.4656253, 2.089384, 0.7104364], [0.56872857, -1.0982962, 1.4656253, 0.21410456], [1.1673864]],
    'adam': [[0.5288736, -1.5035074, 2.5033255, 0.99447626], [0.9591556, -1.0035542, 1.5035074, -0.12757441], [1.0046055]],
    'adam_default': [[0.995001, -1.9950004, 2.9950004, 0.5049996], [0.5049989, -1.4950004, 1.9950004, 0.24500185], [1.4950004]],
    'adam_betas': [[0.762108, -1.752656, 2.7525086, 0.7464323], [0.7360298, -1.2527006, 1.752656, 0.031885926], [1.2533197]],
    'adam_amsgrad': [[0.45309973, -1.4059345, 2.40564, 1.0900022], [1.0200586, -0.9060205, 1.4059345, -0.13546306], [0.90784466]],
    'adam_weight_decay': [[0.51159316, -1.4593742, 2.4346318, 0.97740686], [0.9447618, -0.9716931, 1.4593742, -0.12719987], [0.9728527]],
    'adam_clipnorm': [[0.52203953, -1.5000327, 2.4999156, 0.9985617], [0.9653278, -0.9999537, 1.4999231, -0.123338535], [1.0000058]],
    'adam_global_clipnorm': [[0.5218614, -1.4999663, 2.4998522, 0.9986491], [0.96522117, -0.9999965, 1.4999663, -0.12336852], [1.0006844]],
    'adam_accumulation': [[0.7053398, -1.7007775, 2.7007337, 0.7989181], [0.79352176, -1.200787, 1.7007775, -0.030048415], [1.2010081]],
    'adam_float64': [[0.5288731555719889, -1.503506712795706, 2.503324952987118, 0.9944767556845461], [0.959156053166539, -1.0035537103614183, 1.503506712795706, -0.1275746013455071], [1.0046049988745531]],
    'adam_long': [[0.48567945, 0.10928924, 0.84473795, 1.5418551], [0.90679526, 0.51223177, -0.10928924, -4.420965e-08], [-0.2776568]],
    'adamw': [[0.49486047, -1.416182, 2.3673847, 0.96062124], [0.93047655, -0.9405231, 1.416182, -0.12677708], [0.9417947]],
    'adamw_default': [[0.99498105, -1.9949604, 2.9949408, 0.5049895], [0.50498885, -1.4949706, 1.9949604, 0.24499689], [1.4949706]],
    'rmsprop': [[0.4911816, -1.0497422, 2.0459707, 1.3434914], [0.90679604, -0.5521337, 1.0497422, -0.0012468621], [0.5822135]],
    'rmsprop_momentum': [[0.082415774, -0.5734472, 1.5694326, 1.8095077], [1.2245413, -0.07610285, 0.5734472, -0.12976213], [0.10663965]],
    'rmsprop_centered': [[0.5743897, -1.4264389, 2.424861, 1.05122], [0.8816292, -0.9269419, 1.4264389, 0.0004183282], [0.9366751]],
    'rmsprop_centered_momentum': [[0.447186, -1.1908277, 2.1884077, 1.2645001], [0.9721009, -0.69178253, 1.1908277, -0.02519852], [0.70812804]],
    'rmsprop_centered_eps': [[0.63393766, -0.22060588, 0.7897872, 1.3380976], [0.8014675, 0.018188454, 0.22060588, 0.082380235], [0.24481495]],
    'adagrad': [[0.7293544, -1.6886144, 2.6880064, 0.8064597], [0.76080376, -1.1888486, 1.6886144, 0.044995263], [1.1915728]],
    'adagrad_init': [[0.5866001, -1.400861, 2.3981872, 1.0659845], [0.86597764, -0.9025796, 1.400861, 0.013680703], [0.9145811]],
    'adadelta': [[0.9928222, -1.9928023, 2.9928014, 0.5071965], [0.50717705, -1.4928023, 1.9928023, 0.242846], [1.4928038]],
    'adadelta_default': [[0.9999928, -1.9999928, 2.9999928, 0.5000072], [0.5000072, -1.4999928, 1.9999928, 0.24999279], [1.4999928]],
    'adamax': [[0.6039238, -1.5301304, 2.5288472, 0.96010226], [0.8834645, -1.0304222, 1.5301304, -0.06326042], [1.0367507]],
    'adamax_default': [[0.995002, -1.9949971, 2.9949973, 0.50500333], [0.5049977, -1.494997, 1.9949971, 0.24501212], [1.4949964]],
    'nadam': [[0.66472805, -1.6179909, 2.6173854, 0.87653095], [0.8236717, -1.1181362, 1.6179909, -0.0063634813], [1.1213408]],
    'nadam_default': [[0.9960452, -1.9960417, 2.9960415, 0.5039581], [0.50395465, -1.4960418, 1.9960417, 0.24604942], [1.4960419]],
    'nadam_weight_decay': [[0.64819604, -1.5743192, 2.5497234, 0.8607955], [0.8111977, -1.0864332, 1.5743192, -0.007138727], [1.0899216]],
    'nadam_long': [[0.48571002, -0.4553523, 1.443522, 1.5267768], [0.90680337, 0.022932619, 0.4553523, 8.152989e-07], [0.0863046]],
    'sgd_momentum_float64': [[0.23915899571336974, 2.3166271276450856, -3.343429908792128, 2.163743533713967], [1.0819374441914555, 1.928838087229246, -2.3166271276450856, -0.08036011911390427], [-1.319724624488503]],
    'adamax_float64': [[0.6638780518180958, -1.618242941128052, 2.6174324062526955, 0.8763326525206261], [0.8292610741246871, -1.1184173307326464, 1.618242941128052, -0.033170108530859777], [1.122278593204963]],
    'nadam_float64': [[0.7143049870829702, -1.6843353696912486, 2.6839173333813853, 0.8124660669239753], [0.7794381374501326, -1.184428659917871, 1.6843353696912486, 0.015070807379550057], [1.1865305820988614]],
    'adagrad_float64': [[0.759881578602491, -1.729995895886425, 2.729528076856168, 0.7665462033358224], [0.7330027652441934, -1.2301895154906346, 1.729995895886425, 0.06137781301417659], [1.2321495374251017]],
    'adadelta_float64': [[0.9942712677181734, -1.9942599147854776, 2.9942596869469793, 0.5057392707722268], [0.5057282839201094, -1.494259957996231, 1.9942599147854776, 0.2442847753956818], [1.4942608951670775]],
    'rmsprop_float64': [[0.4359975047143355, -1.239817269646013, 2.2378766849827456, 1.2299788816363206], [0.9943050818196215, -0.7404863376729227, 1.239817269646013, -0.04808662120699097], [0.7527437862046762]],
    'adamw_float64': [[0.5827778938933772, -1.5294147920212904, 2.4901164748473703, 0.8718702918972853], [0.858483131023188, -1.0490277039108156, 1.5294147920212904, -0.09473373909831909], [1.0496776094457836]],
    'sgd_schedule_float64': [[0.6733251628909227, -0.1474508592300552, 0.2815102919526744, 1.2875361173729942], [0.7652898626022919, -0.015720187549323583, 0.1474508592300552, 0.107192546805706], [0.2902243934749933]],
    'sgd_ema_float64': [[0.8715764744528602, -1.182064183311227, 1.5032387806778968, 0.8053566133009882], [0.599701681793059, -0.9005628585517834, 1.182064183311227, 0.19809203983950674], [1.0033487889860393]],
}

# Produced by TensorFlow 2.21.0 / Keras 3.15.1: each schedule in SCHEDULES at SCHEDULE_STEPS.
TF_SCHEDULES = {
    'exp': [0.1, 0.09896863, 0.0969377, 0.095937915, 0.09494843, 0.09396917, 0.09204083, 0.09109155, 0.090152055, 0.08739133, 0.08649, 0.081273936, 0.0804357, 0.074033685, 0.07327013, 0.07029383, 0.06605452, 0.045010358, 0.02793833, 0.0],
    'exp_staircase': [0.3, 0.3, 0.3, 0.15, 0.15, 0.15, 0.075, 0.075, 0.075, 0.0375, 0.0375, 0.009375, 0.009375, 0.00234375, 0.00234375, 0.001171875, 0.00029296876, 5.722046e-07, 2.7939678e-10, 0.0],
    'piecewise': [1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.1, 0.1, 0.1, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01],
    'poly': [0.1, 0.09445567, 0.083765134, 0.07862181, 0.07361512, 0.06874671, 0.05943158, 0.05498857, 0.05069126, 0.038695734, 0.035004232, 0.016294278, 0.013786196, 0.0013051615, 0.001, 0.001, 0.001, 0.001, 0.001, 0.001],
    'poly_cycle': [0.1, 0.092656195, 0.075836964, 0.06581072, 0.053917725, 0.03841848, 0.06581072, 0.06016381, 0.053917725, 0.027458869, 0.001, 0.02260357, 0.001, 0.04198989, 0.03841848, 0.017734054, 0.02260357, 0.001, 0.016276041, 0.0025430939],
    'inverse': [0.1, 0.089020774, 0.072992705, 0.06696428, 0.06185567, 0.057471264, 0.05033557, 0.047393363, 0.04477612, 0.03841229, 0.036674816, 0.028846154, 0.027855152, 0.021849964, 0.021276597, 0.019255457, 0.016853932, 0.009526834, 0.006184292, 6.563618e-05],
    'inverse_staircase': [0.1, 0.1, 0.072992705, 0.072992705, 0.072992705, 0.057471264, 0.057471264, 0.047393363, 0.047393363, 0.04032258, 0.04032258, 0.031055901, 0.027855152, 0.02309469, 0.021276597, 0.019723866, 0.017211704, 0.009756098, 0.006184292, 6.563618e-05],
    'cosine': [0.1, 0.099828884, 0.09846731, 0.09728669, 0.09578335, 0.093968175, 0.0894567, 0.08679291, 0.083882056, 0.07388468, 0.07021068, 0.046466656, 0.042492736, 0.015543302, 0.0131457895, 0.006532684, 0.0050000004, 0.0050000004, 0.0050000004, 0.0050000004],
    'cosine_warmup': [0.01, 0.03111111, 0.07333333, 0.09444444, 0.115555555, 0.13666667, 0.17888889, 0.2, 0.19921148, 0.18763067, 0.18090169, 0.11873813, 0.10627905, 0.019098295, 0.012369335, 0.0, 0.0, 0.0, 0.0, 0.0],
    'restarts': [0.1, 0.09054634, 0.035203647, 0.010453655, 0.0802, 0.078261845, 0.0638763, 0.052837074, 0.040599998, 0.008562932, 0.0029381635, 0.055081148, 0.051301043, 0.01405896, 0.010278857, 0.0013900327, 0.049758803, 0.0414879, 0.015009816, 0.008643814],
    'restarts_tmul1': [0.1, 0.093301274, 0.049999997, 0.024999997, 0.006698731, 0.089999996, 0.067499995, 0.044999998, 0.022500006, 0.07557402, 0.060750008, 0.054675, 0.036449995, 0.004395025, 0.05904899, 0.014762259, 0.013286032, 0.0018919256, 0.0060788295, 0.0],
}

# --- NumPy references (float64, the textbook form of each rule) ---------------------------------------
DEFAULTS = {
    "SGD": {"learning_rate": 0.01, "momentum": 0.0, "nesterov": False},
    "Adam": {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7, "amsgrad": False},
    "AdamW": {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7, "amsgrad": False,
              "weight_decay": 0.004},
    "RMSprop": {"learning_rate": 0.001, "rho": 0.9, "momentum": 0.0, "epsilon": 1e-7, "centered": False},
    "Adagrad": {"learning_rate": 0.001, "initial_accumulator_value": 0.1, "epsilon": 1e-7},
    "Adadelta": {"learning_rate": 0.001, "rho": 0.95, "epsilon": 1e-7},
    "Adamax": {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7},
    "Nadam": {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7},
}


def np_schedule(name, kw, t):
    """Closed forms of the schedules at step t."""
    if name == "ExponentialDecay":
        p = t / kw["decay_steps"]
        return kw["initial_learning_rate"] * kw["decay_rate"] ** (math.floor(p) if kw.get("staircase") else p)
    if name == "InverseTimeDecay":
        p = t / kw["decay_steps"]
        return kw["initial_learning_rate"] / (1 + kw["decay_rate"] * (math.floor(p) if kw.get("staircase") else p))
    if name == "PiecewiseConstantDecay":
        return kw["values"][sum(t > b for b in kw["boundaries"])]
    if name == "PolynomialDecay":
        lr0, steps = kw["initial_learning_rate"], kw["decay_steps"]
        end, power = kw.get("end_learning_rate", 0.0001), kw.get("power", 1.0)
        if kw.get("cycle"):
            steps = steps * max(1, math.ceil(t / steps))
        else:
            t = min(t, steps)
        return (lr0 - end) * (1 - t / steps) ** power + end
    if name == "CosineDecay":
        lr0, steps, alpha = kw["initial_learning_rate"], kw["decay_steps"], kw.get("alpha", 0.0)
        target, warm = kw.get("warmup_target"), kw.get("warmup_steps", 0)
        if target is not None:
            t = min(t, steps + warm)
            if t < warm:
                return lr0 + (target - lr0) * t / warm
            lr0, t = target, t - warm
        t = min(t, steps)
        return lr0 * ((1 - alpha) * 0.5 * (1 + math.cos(math.pi * t / steps)) + alpha)
    if name == "CosineDecayRestarts":
        period, start, i = kw["first_decay_steps"], 0.0, 0
        while t >= start + period:  # walk the restart periods
            start += period
            period *= kw.get("t_mul", 2.0)
            i += 1
        alpha = kw.get("alpha", 0.0)
        frac = (t - start) / period
        return kw["initial_learning_rate"] * ((1 - alpha) * 0.5 * kw.get("m_mul", 1.0) ** i
                                              * (1 + math.cos(math.pi * frac)) + alpha)
    raise KeyError(name)


def np_trajectory(cls, kwargs, steps):
    """The same run as ``trajectory`` in float64 NumPy, written from the formulas."""
    kw = dict(DEFAULTS[cls], **kwargs)
    lr_spec = kw["learning_rate"]
    w = {n: INIT[n].astype(np.float64) for n in NAMES}
    zeros = {n: np.zeros_like(w[n]) for n in NAMES}
    m, v, vhat, acc_d = dict(zeros), dict(zeros), dict(zeros), dict(zeros)
    avg, acc_grad = dict(zeros), dict(zeros)
    acc = {n: np.full_like(w[n], kw.get("initial_accumulator_value", 0.0)) for n in NAMES}
    u_prod = 1.0
    accumulate = kw.get("gradient_accumulation_steps")
    out = []
    for it in range(steps):
        g = {n: grad_of(n, w[n], np.float64) for n in NAMES}
        if kw.get("loss_scale_factor"):
            g = {n: g[n] / kw["loss_scale_factor"] for n in NAMES}
        update = True
        if accumulate:
            if (it + 1) % accumulate:
                acc_grad = {n: acc_grad[n] + g[n] for n in NAMES}
                update = False
            else:
                g = {n: (g[n] + acc_grad[n]) / accumulate for n in NAMES}
                acc_grad = dict(zeros)
        step_count = it // accumulate if accumulate else it  # `iterations` as the update rules see it
        if update:
            if kw.get("clipnorm"):
                c = kw["clipnorm"]
                g = {n: g[n] * c / max(np.sqrt(np.sum(g[n] ** 2)), c) for n in NAMES}
            elif kw.get("global_clipnorm"):
                c = kw["global_clipnorm"]
                norm = np.sqrt(sum(np.sum(g[n] ** 2) for n in NAMES))
                g = {n: g[n] * c / max(norm, c) for n in NAMES}
            elif kw.get("clipvalue"):
                g = {n: np.clip(g[n], -kw["clipvalue"], kw["clipvalue"]) for n in NAMES}
            lr = np_schedule(lr_spec[0], lr_spec[1], it) if isinstance(lr_spec, tuple) else lr_spec
            if kw.get("weight_decay"):
                for n in NAMES:
                    w[n] = w[n] - lr * kw["weight_decay"] * w[n]
            t = step_count + 1
            if cls == "Nadam":
                u_prod *= kw["beta_1"] * (1 - 0.5 * 0.96 ** t)
            for n in NAMES:
                gn = g[n]
                if cls == "SGD":
                    mu = kw["momentum"]
                    if mu:
                        m[n] = mu * m[n] - lr * gn
                        w[n] = w[n] + (mu * m[n] - lr * gn if kw["nesterov"] else m[n])
                    else:
                        w[n] = w[n] - lr * gn
                elif cls in ("Adam", "AdamW"):
                    b1, b2 = kw["beta_1"], kw["beta_2"]
                    m[n] = b1 * m[n] + (1 - b1) * gn
                    v[n] = b2 * v[n] + (1 - b2) * gn ** 2
                    vhat[n] = np.maximum(vhat[n], v[n])
                    vv = vhat[n] if kw["amsgrad"] else v[n]
                    w[n] = w[n] - lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t) * m[n] / (np.sqrt(vv) + kw["epsilon"])
                elif cls == "RMSprop":
                    rho = kw["rho"]
                    v[n] = rho * v[n] + (1 - rho) * gn ** 2
                    denom = v[n] + kw["epsilon"]
                    if kw["centered"]:
                        avg_g = m.setdefault("avg_" + n, np.zeros_like(gn))
                        m["avg_" + n] = avg_g = rho * avg_g + (1 - rho) * gn
                        denom = denom - avg_g ** 2
                    inc = lr * gn / np.sqrt(denom)
                    if kw["momentum"]:
                        m[n] = kw["momentum"] * m[n] + inc
                        inc = m[n]
                    w[n] = w[n] - inc
                elif cls == "Adagrad":
                    acc[n] = acc[n] + gn ** 2
                    w[n] = w[n] - lr * gn / np.sqrt(acc[n] + kw["epsilon"])
                elif cls == "Adadelta":
                    rho, eps = kw["rho"], kw["epsilon"]
                    v[n] = rho * v[n] + (1 - rho) * gn ** 2
                    delta = -np.sqrt(acc_d[n] + eps) / np.sqrt(v[n] + eps) * gn
                    acc_d[n] = rho * acc_d[n] + (1 - rho) * delta ** 2
                    w[n] = w[n] + lr * delta
                elif cls == "Adamax":
                    b1 = kw["beta_1"]
                    m[n] = b1 * m[n] + (1 - b1) * gn
                    v[n] = np.maximum(kw["beta_2"] * v[n], np.abs(gn))
                    w[n] = w[n] - lr / (1 - b1 ** t) * m[n] / (v[n] + kw["epsilon"])
                elif cls == "Nadam":
                    b1, b2 = kw["beta_1"], kw["beta_2"]
                    u_t, u_next = b1 * (1 - 0.5 * 0.96 ** t), b1 * (1 - 0.5 * 0.96 ** (t + 1))
                    m[n] = b1 * m[n] + (1 - b1) * gn
                    v[n] = b2 * v[n] + (1 - b2) * gn ** 2
                    m_hat = u_next * m[n] / (1 - u_prod * u_next) + (1 - u_t) * gn / (1 - u_prod)
                    v_hat = v[n] / (1 - b2 ** t)
                    w[n] = w[n] - lr * m_hat / (np.sqrt(v_hat) + kw["epsilon"])
        if kw.get("use_ema"):
            mom = kw.get("ema_momentum", 0.99) if step_count else 0.0
            for n in NAMES:
                avg[n] = mom * avg[n] + (1 - mom) * w[n]
            freq = kw.get("ema_overwrite_frequency")
            if freq and (step_count + 1) % freq == 0:
                w = {n: avg[n].copy() for n in NAMES}
        out.append([w[n].ravel().copy() for n in NAMES])
    return out


def _ids(cases):
    return [c[0] for c in cases]


# --- against TensorFlow and the references ------------------------------------------------------------
@pytest.mark.parametrize("cid, cls, kwargs, steps, dtype", CASES, ids=_ids(CASES))
def test_matches_tensorflow_bit_for_bit(cid, cls, kwargs, steps, dtype):
    last = trajectory(tf, cls, kwargs, steps, dtype)[-1]
    for got, want, name in zip(last, TF_FINAL[cid], NAMES):
        assert got.dtype == np.dtype(dtype)
        np.testing.assert_array_equal(got, np.asarray(want, dtype), err_msg=f"{cid}: variable {name}")


@pytest.mark.parametrize("cid, cls, kwargs, steps, dtype", CASES, ids=_ids(CASES))
def test_matches_numpy_reference(cid, cls, kwargs, steps, dtype):
    got = trajectory(tf, cls, kwargs, steps, dtype)
    want = np_trajectory(cls, kwargs, steps)
    # float64 runs too: Keras rounds some hyperparameters through float32 (tf.cast of a Python float)
    rtol, atol = 2e-5, 2e-6
    if steps > 50:
        rtol, atol = 1e-3, 1e-4  # float32 rounding accumulates over hundreds of steps
    for k, (g_step, w_step) in enumerate(zip(got, want)):
        for g, w, name in zip(g_step, w_step, NAMES):
            np.testing.assert_allclose(g, w, rtol=rtol, atol=atol, err_msg=f"{cid}: step {k}, variable {name}")


@pytest.mark.parametrize("key", list(SCHEDULES))
def test_schedules_match_tensorflow(key):
    cls, kw = SCHEDULES[key]
    sched = getattr(K.schedules, cls)(**kw)
    got = [sched(step) for step in SCHEDULE_STEPS]
    assert all(isinstance(x, tf.Tensor) and x.dtype == tf.float32 and x.shape == () for x in got)
    np.testing.assert_array_equal(np.array([x.numpy() for x in got]), np.asarray(TF_SCHEDULES[key], np.float32))
    ref = [np_schedule(cls, kw, step) for step in SCHEDULE_STEPS]
    np.testing.assert_allclose([x.numpy() for x in got], ref, rtol=2e-6, atol=5e-8)
    # the optimizer passes its int64 iterations variable
    step = tf.Variable(13, dtype=tf.int64)
    assert sched(step).numpy() == np.float32(TF_SCHEDULES[key][SCHEDULE_STEPS.index(13)])


# Values checked in TensorFlow 2.21: one and two steps on (v - 3)^2 from v = 1 (gradients from a tape).
KNOWN_TWO_STEPS = {
    "Adam": (1.0999992, 1.1998316),
    "RMSprop": (1.3162277, 1.5261246),
    "Adagrad": (1.099689, 1.168457),
    "Adamax": (1.1, 1.1974659),
    "Nadam": (1.1062788, 1.1817772),
    "Adadelta": (1.0001414, 1.0002846),
    "AdamW": (1.0995992, 1.1989926),
}


@pytest.mark.parametrize("cls", list(KNOWN_TWO_STEPS))
def test_known_values_on_a_quadratic(cls):
    v = tf.Variable(1.0)
    opt = getattr(K, cls)(0.1)
    for want in KNOWN_TWO_STEPS[cls]:
        with tf.GradientTape() as tape:
            loss = (v - 3.0) ** 2
        opt.apply_gradients([(tape.gradient(loss, v), v)])
        assert v.numpy() == np.float32(want)


def test_sgd_known_values():
    v = tf.Variable(2.0)
    opt = K.SGD(0.1)
    with tf.GradientTape() as tape:
        loss = v * v
    opt.apply_gradients([(tape.gradient(loss, v), v)])
    assert v.numpy() == np.float32(1.6)
    # Keras' momentum form: velocity = 0.9 velocity - lr g; v += velocity (TF 2.21: 1.4, 2.08; Nesterov 1.76, 2.5552)
    for nesterov, want in ((False, (1.4, 2.08)), (True, (1.76, 2.5552))):
        v = tf.Variable(1.0)
        opt = K.SGD(0.1, momentum=0.9, nesterov=nesterov)
        for w in want:
            with tf.GradientTape() as tape:
                loss = (v - 3.0) ** 2
            opt.apply_gradients([(tape.gradient(loss, v), v)])
            assert v.numpy() == np.float32(w)


# --- minimize ---------------------------------------------------------------------------------------
def test_minimize_with_callable_loss():
    v = tf.Variable(2.0)
    opt = K.SGD(0.1)
    it = opt.minimize(lambda: v * v, [v])
    assert it is opt.iterations and int(it.numpy()) == 1
    assert v.numpy() == np.float32(1.6)
    opt.minimize(lambda: v * v, lambda: [v])  # var_list may be a callable too
    assert v.numpy() == np.float32(1.6 * 0.8)
    opt.minimize(lambda: v * v, [v], grad_loss=tf.constant(0.5))  # Keras 2 OptimizerV2's output gradient
    assert v.numpy() == np.float32(np.float32(1.28) - np.float32(0.1) * np.float32(1.28))
    assert int(opt.iterations.numpy()) == 3


def test_minimize_with_tensor_loss_and_tape():
    v = tf.Variable(1.0)
    w = tf.Variable(5.0)
    opt = K.Adam(0.1)
    with tf.GradientTape() as tape:
        loss = (v - 3.0) ** 2 + w * 0.0 + (w - 1.0) ** 2
    opt.minimize(loss, [v, w], tape=tape)
    assert v.numpy() == np.float32(1.0999992)
    same = tf.Variable(5.0)
    K.Adam(0.1).apply_gradients([(tf.constant(8.0), same)])  # d/dw (w - 1)^2 at 5
    assert w.numpy() == same.numpy() and abs(w.numpy() - 4.9) < 1e-5
    with pytest.raises(ValueError, match="`tape` is required"):
        opt.minimize((v - 3.0) ** 2, [v])


# --- gradient validation ------------------------------------------------------------------------------
def test_none_gradient_warns_with_the_variable_name_and_skips_it():
    a = tf.Variable([1.0, 2.0], name="a")
    b = tf.Variable(3.0, name="b")
    opt = K.SGD(0.1)
    with pytest.warns(UserWarning, match=r"Gradients do not exist for variables \['a:0'\] when minimizing"):
        opt.apply_gradients([(None, a), (tf.constant(1.0), b)])
    np.testing.assert_array_equal(a.numpy(), [1.0, 2.0])
    assert b.numpy() == np.float32(2.9)
    assert int(opt.iterations.numpy()) == 1


def test_all_none_gradients_is_a_value_error():
    a = tf.Variable(1.0, name="a")
    opt = K.Adam(0.1)
    with pytest.raises(ValueError, match="No gradients provided for any variable"):
        opt.apply_gradients([(None, a)])
    assert int(opt.iterations.numpy()) == 0 and a.numpy() == 1.0
    with pytest.raises(ValueError, match="No gradients provided for any variable"):
        opt.minimize(lambda: tf.constant(1.0), [a])


def test_shape_mismatch_names_the_variable_and_both_shapes():
    a = tf.Variable([1.0, 2.0], name="weights")
    b = tf.Variable(1.0, name="bias")
    opt = K.Adam(0.1)
    with pytest.raises(ValueError, match=r"\(3,\).*'weights:0'.*\(2,\)") as info:
        opt.apply_gradients([(tf.constant(1.0), b), (tf.constant([1.0, 2.0, 3.0]), a)])
    assert isinstance(info.value, errors.InvalidArgumentError)  # TF raises InvalidArgumentError here
    assert b.numpy() == 1.0 and int(opt.iterations.numpy()) == 0  # nothing was applied


def test_apply_gradients_rejects_an_empty_list_and_apply_ignores_it():
    opt = K.SGD()
    with pytest.raises(ValueError):
        opt.apply_gradients([])
    opt.apply([])
    assert int(opt.iterations.numpy()) == 0


# --- iterations, variables, slots ---------------------------------------------------------------------
def test_iterations_count_applies_and_are_int64():
    opt = K.SGD(0.1)
    assert isinstance(opt.iterations, tf.Variable) and opt.iterations.dtype == tf.int64
    assert int(opt.iterations.numpy()) == 0
    v = tf.Variable(1.0)
    for k in range(1, 4):
        ret = opt.apply_gradients([(tf.constant(1.0), v)])
        assert ret is opt.iterations and int(ret.numpy()) == k
    opt.apply([tf.constant(1.0)])  # grads only: the variables it was built with
    assert int(opt.iterations.numpy()) == 4
    assert repr(opt.iterations).startswith(f"<Variable path={opt.name}/iteration, shape=(), dtype=int64, value=4>")


def test_gradient_accumulation_counts_whole_cycles():
    opt = K.SGD(0.1, gradient_accumulation_steps=3)
    v = tf.Variable(1.0)
    for _ in range(4):
        opt.apply_gradients([(tf.constant(1.0), v)])
    assert int(opt._iterations.numpy()) == 4 and int(opt.iterations.numpy()) == 1
    assert v.numpy() == np.float32(0.9)  # one update with the mean gradient


# Slot names and order from TensorFlow 2.21 (variables a and b, optimizer name 'opt').
TF_VARIABLE_NAMES = {
    ("SGD", (("momentum", 0.5),)): ["iteration", "learning_rate", "a_0_momentum", "b_0_momentum"],
    ("Adam", (("amsgrad", True),)): ["iteration", "learning_rate", "a_0_momentum", "a_0_velocity", "b_0_momentum",
                                     "b_0_velocity", "a_0_velocity_hat", "b_0_velocity_hat"],
    ("RMSprop", (("centered", True), ("momentum", 0.5))): [
        "iteration", "learning_rate", "a_0_velocity", "b_0_velocity", "a_0_momentum", "b_0_momentum",
        "a_0_average_gradient", "b_0_average_gradient"],
    ("Adagrad", ()): ["iteration", "learning_rate", "a_0_accumulator", "b_0_accumulator"],
    ("Adadelta", ()): ["iteration", "learning_rate", "a_0_accumulated_grad", "a_0_accumulated_delta_var",
                       "b_0_accumulated_grad", "b_0_accumulated_delta_var"],
    ("Adamax", ()): ["iteration", "learning_rate", "a_0_momentum", "a_0_norm", "b_0_momentum", "b_0_norm"],
    ("Nadam", ()): ["iteration", "learning_rate", "a_0_momentum", "a_0_velocity", "b_0_momentum", "b_0_velocity",
                    "variable"],
    ("SGD", (("gradient_accumulation_steps", 2), ("use_ema", True))): [
        "iteration", "learning_rate", "a_0_average", "b_0_average", "a_0_gradient_accumulator",
        "b_0_gradient_accumulator"],
}


@pytest.mark.parametrize("key", list(TF_VARIABLE_NAMES), ids=[k[0] + str(dict(k[1])) for k in TF_VARIABLE_NAMES])
def test_slots_are_created_lazily_in_keras_order(key):
    cls, kw = key
    opt = getattr(K, cls)(name="opt", **dict(kw))
    assert [v.name for v in opt.variables] == ["iteration", "learning_rate"]
    a = tf.Variable([1.0, 2.0], name="a")
    b = tf.Variable([[3.0]], name="b")
    opt.apply_gradients([(tf.constant([0.5, 0.5]), a), (tf.constant([[0.5]]), b)])
    names = [v.name for v in opt.variables]
    assert names == TF_VARIABLE_NAMES[key]
    for var in opt.variables[2:]:
        assert var.dtype == tf.float32 and not var.trainable and var.path == f"opt/{var.name}"
    slots = opt._slots[a.ref()]
    assert all(s.shape == a.shape for s in slots)
    opt.apply_gradients([(tf.constant([0.5, 0.5]), a), (tf.constant([[0.5]]), b)])
    assert [v.name for v in opt.variables] == names  # built once


def test_a_new_variable_gets_its_slots_later():
    opt = K.Adam(0.1)
    a = tf.Variable(1.0, name="a")
    opt.apply_gradients([(tf.constant(1.0), a)])
    b = tf.Variable([1.0, 2.0], name="b")
    opt.apply_gradients([(tf.constant([1.0, 1.0]), b)])
    assert [v.name for v in opt.variables][-2:] == ["b_0_momentum", "b_0_velocity"]
    # b's first update runs at iteration 1: bias corrections for t = 2
    alpha = 0.1 * np.sqrt(1 - 0.999 ** 2) / (1 - 0.9 ** 2)
    np.testing.assert_allclose(b.numpy(), [1.0, 2.0] - alpha * 0.1 / (np.sqrt(0.001) + 1e-7), rtol=1e-6)
    assert int(opt.iterations.numpy()) == 2


def test_float32_stays_float32_and_float64_variables_get_cast_gradients():
    v = tf.Variable(np.array([1.0, 2.0], np.float64))
    opt = K.Adam(0.1)
    opt.apply_gradients([(tf.constant([0.5, -0.5]), v)])  # float32 gradient, as TF casts it
    assert v.dtype == tf.float64 and all(s.dtype == tf.float64 for s in opt._slots[v.ref()])
    w = tf.Variable([1.0, 2.0])
    opt2 = K.RMSprop(0.1, centered=True, momentum=0.5)
    opt2.apply_gradients([(tf.constant([0.5, -0.5]), w)])
    assert w.dtype == tf.float32 and w.numpy().dtype == np.float32
    assert all(s.numpy().dtype == np.float32 for s in opt2.variables[1:])


# --- learning rates ---------------------------------------------------------------------------------------
def test_learning_rate_forms():
    opt = K.SGD(0.1)
    assert isinstance(opt.learning_rate, tf.Variable) and opt.learning_rate.numpy() == np.float32(0.1)
    opt.learning_rate = 0.5
    assert opt.learning_rate.numpy() == np.float32(0.5)
    v = tf.Variable(1.0)
    opt.apply_gradients([(tf.constant(1.0), v)])
    assert v.numpy() == np.float32(0.5)
    opt.learning_rate.assign(0.25)
    opt.apply_gradients([(tf.constant(1.0), v)])
    assert v.numpy() == np.float32(0.25)

    lr = tf.Variable(0.1)  # a user variable (Keras 2 style) is used as is
    opt = K.SGD(lr)
    w = tf.Variable(1.0)
    opt.apply_gradients([(tf.constant(1.0), w)])
    lr.assign(0.2)
    opt.apply_gradients([(tf.constant(1.0), w)])
    assert w.numpy() == np.float32(np.float32(0.9) - np.float32(0.2))

    opt = K.SGD(lambda: 0.5)  # a callable without arguments
    u = tf.Variable(1.0)
    opt.apply_gradients([(tf.constant(1.0), u)])
    assert u.numpy() == np.float32(0.5) and [x.name for x in opt.variables] == ["iteration"]

    with pytest.raises(ValueError, match="`learning_rate` should be float"):
        K.Adam("fast")


def test_schedule_uses_the_iteration_count_and_is_not_settable():
    sched = K.schedules.ExponentialDecay(0.1, decay_steps=1, decay_rate=0.5)
    opt = K.SGD(sched)
    v = tf.Variable(0.0)
    seen = []
    for _ in range(3):
        seen.append(float(opt.learning_rate.numpy()))
        opt.apply_gradients([(tf.constant(-1.0), v)])
    assert seen == [float(np.float32(0.1)), float(np.float32(0.05)), float(np.float32(0.025))]
    assert v.numpy() == np.float32(np.float32(np.float32(0.1) + np.float32(0.05)) + np.float32(0.025))
    assert [x.name for x in opt.variables] == ["iteration"]
    with pytest.raises(TypeError, match="not settable"):
        opt.learning_rate = 0.1


def test_custom_schedule_subclass():
    class Halving(K.schedules.LearningRateSchedule):
        def __call__(self, step):
            return 1.0 / tf.cast(step + 1, tf.float32)

        def get_config(self):
            return {}

    v = tf.Variable(0.0)
    opt = K.SGD(Halving())
    for _ in range(2):
        opt.apply_gradients([(tf.constant(-1.0), v)])
    assert v.numpy() == np.float32(1.5)


# --- weight decay, clipping, constraints, EMA ---------------------------------------------------------------
def test_weight_decay_is_decoupled_and_can_exclude_variables():
    a = tf.Variable(2.0, name="kernel")
    b = tf.Variable(2.0, name="bias")
    opt = K.SGD(0.1, weight_decay=0.5)
    opt.exclude_from_weight_decay(var_names=["bias"])
    opt.apply_gradients([(tf.constant(0.0), a), (tf.constant(0.0), b)])
    assert a.numpy() == np.float32(2.0 - 2.0 * np.float32(0.5) * np.float32(0.1)) and b.numpy() == 2.0
    opt = K.AdamW(0.1, weight_decay=0.5)
    c = tf.Variable(2.0)
    opt.exclude_from_weight_decay(var_list=[c])
    opt.apply_gradients([(tf.constant(1.0), c)])
    plain = tf.Variable(2.0)
    K.Adam(0.1).apply_gradients([(tf.constant(1.0), plain)])
    assert c.numpy() == plain.numpy()  # excluded: exactly Adam without decay
    d = tf.Variable(2.0)
    K.AdamW(0.1, weight_decay=0.5).apply_gradients([(tf.constant(1.0), d)])
    decayed = tf.Variable(np.float32(2.0) - np.float32(2.0) * np.float32(0.5) * np.float32(0.1))
    K.Adam(0.1).apply_gradients([(tf.constant(1.0), decayed)])  # decay first, then the Adam step
    assert d.numpy() == decayed.numpy() and d.numpy() != plain.numpy()


def test_clipping_options():
    g = tf.constant([3.0, 4.0])
    for kw, want in (({"clipnorm": 1.0}, [0.6, 0.8]), ({"global_clipnorm": 2.5}, [1.5, 2.0]),
                     ({"clipvalue": 3.5}, [3.0, 3.5]), ({}, [3.0, 4.0])):
        v = tf.Variable([0.0, 0.0])
        K.SGD(1.0, **kw).apply_gradients([(g, v)])
        np.testing.assert_allclose(v.numpy(), -np.array(want), rtol=1e-6, err_msg=str(kw))
    # a norm below the threshold is left alone; global clipping scales all variables together
    v, w = tf.Variable([0.0, 0.0]), tf.Variable(0.0)
    K.SGD(1.0, global_clipnorm=10.0).apply_gradients([(g, v), (tf.constant(12.0), w)])
    np.testing.assert_allclose(np.append(v.numpy(), w.numpy()), -np.array([3.0, 4.0, 12.0]) * 10 / 13, rtol=1e-6)
    with pytest.raises(ValueError, match="Only one of"):
        K.SGD(clipnorm=1.0, clipvalue=1.0)


def test_constraints_are_applied_after_the_update():
    v = tf.Variable([1.0, -1.0], constraint=lambda x: tf.where(tf.greater(x, 0.0), x, tf.zeros_like(x)))
    K.SGD(0.5).apply_gradients([(tf.constant([1.0, 1.0]), v)])
    np.testing.assert_array_equal(v.numpy(), [0.5, 0.0])


def test_ema_finalize_overwrites_with_the_average():
    v = tf.Variable(1.0)
    opt = K.SGD(0.5, use_ema=True, ema_momentum=0.5)
    for _ in range(2):
        opt.apply_gradients([(tf.constant(1.0), v)])  # v: 0.5, 0.0; average: 0.5, 0.25
    assert v.numpy() == 0.0
    opt.finalize_variable_values([v])
    assert v.numpy() == 0.25


# --- config and validation ----------------------------------------------------------------------------------
ALL = ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "Nadam"]

# get_config() of each default optimizer named 'x' in TensorFlow 2.21, beyond the base keys.
TF_DEFAULT_EXTRA = {
    "SGD": {"learning_rate": 0.009999999776482582, "momentum": 0.0, "nesterov": False},
    "Adam": {"learning_rate": 0.0010000000474974513, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-07,
             "amsgrad": False},
    "AdamW": {"learning_rate": 0.0010000000474974513, "weight_decay": 0.004, "beta_1": 0.9, "beta_2": 0.999,
              "epsilon": 1e-07, "amsgrad": False},
    "RMSprop": {"learning_rate": 0.0010000000474974513, "rho": 0.9, "momentum": 0.0, "epsilon": 1e-07,
                "centered": False},
    "Adagrad": {"learning_rate": 0.0010000000474974513, "initial_accumulator_value": 0.1, "epsilon": 1e-07},
    "Adadelta": {"learning_rate": 0.0010000000474974513, "rho": 0.95, "epsilon": 1e-07},
    "Adamax": {"learning_rate": 0.0010000000474974513, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-07},
    "Nadam": {"learning_rate": 0.0010000000474974513, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-07},
}
BASE_CONFIG = {"name": "x", "weight_decay": None, "clipnorm": None, "global_clipnorm": None, "clipvalue": None,
               "use_ema": False, "ema_momentum": 0.99, "ema_overwrite_frequency": None, "loss_scale_factor": None,
               "gradient_accumulation_steps": None}


@pytest.mark.parametrize("cls", ALL)
def test_default_config_matches_tensorflow_and_round_trips(cls):
    opt = getattr(K, cls)(name="x")
    cfg = opt.get_config()
    assert cfg == dict(BASE_CONFIG, **TF_DEFAULT_EXTRA[cls])
    again = getattr(K, cls).from_config(cfg)
    assert type(again) is type(opt) and again.get_config() == cfg


def test_config_round_trip_with_options_and_schedules():
    sched = K.schedules.CosineDecay(0.1, 100, alpha=0.1, warmup_target=0.2, warmup_steps=10)
    opt = K.RMSprop(sched, rho=0.8, momentum=0.3, centered=True, clipnorm=2.0, name="r")
    cfg = opt.get_config()
    # TF 2.21's serialized schedule
    assert cfg["learning_rate"] == {
        "module": "keras.optimizers.schedules", "class_name": "CosineDecay",
        "config": {"initial_learning_rate": 0.1, "decay_steps": 100, "alpha": 0.1, "name": "CosineDecay",
                   "warmup_target": 0.2, "warmup_steps": 10},
        "registered_name": None}
    again = K.RMSprop.from_config(cfg)
    assert isinstance(again._learning_rate, K.schedules.CosineDecay)
    assert again.get_config() == cfg
    for key, (name, kw) in SCHEDULES.items():
        s = getattr(K.schedules, name)(**kw)
        s2 = type(s).from_config(s.get_config())
        assert s2.get_config() == s.get_config()
        assert K.schedules.deserialize(K.schedules.serialize(s)).get_config() == s.get_config()
        assert s2(7).numpy() == s(7).numpy()
    assert K.deserialize(K.serialize(opt)).get_config() == cfg
    assert isinstance(K.get("adam"), K.Adam) and isinstance(K.get("RMSprop"), K.RMSprop)


def test_default_names_are_unique_snake_case():
    first = K.RMSprop().name
    assert first.startswith("rm_sprop")
    second = K.RMSprop().name
    assert second != first and second.startswith("rm_sprop_")
    assert K.AdamW(name="mine").name == "mine"


def test_argument_validation():
    with pytest.raises(ValueError, match="momentum"):
        K.SGD(momentum=1.5)
    with pytest.raises(ValueError, match="weight_decay"):
        K.AdamW(weight_decay=None)
    with pytest.raises(ValueError, match="not recognized"):
        K.Adam(lr=0.1)
    with pytest.raises(ValueError, match="decay_steps"):
        K.schedules.ExponentialDecay(0.1, 0, 0.5)
    with pytest.raises(ValueError, match="boundaries"):
        K.schedules.PiecewiseConstantDecay([1, 2], [0.1, 0.2])
    with pytest.raises(ValueError, match="gradient_accumulation_steps"):
        K.SGD(gradient_accumulation_steps=1)


# --- extension points and the tape ------------------------------------------------------------------------
def test_keras_style_subclass():
    class SignSGD(K.Optimizer):
        def __init__(self, learning_rate=0.1, **kw):
            super().__init__(learning_rate=learning_rate, **kw)

        def build(self, variables):
            if self.built:
                return
            super().build(variables)
            self.steps_taken = self.add_optimizer_variables(variables, "steps")

        def update_step(self, gradient, variable, learning_rate):
            k = self.steps_taken[self._get_variable_index(variable)]
            self.assign_add(k, tf.ones_like(k))
            self.assign_sub(variable, tf.where(tf.greater(gradient, 0.0), tf.ones_like(gradient),
                                               -tf.ones_like(gradient)) * tf.cast(learning_rate, variable.dtype))

    v = tf.Variable([1.0, 1.0], name="v")
    opt = SignSGD()
    opt.apply_gradients([(tf.constant([2.0, -3.0]), v)])
    opt.apply_gradients([(tf.constant([2.0, -3.0]), v)])
    np.testing.assert_allclose(v.numpy(), [0.8, 1.2], rtol=1e-6)
    assert [x.name for x in opt.variables] == ["iteration", "learning_rate", "v_0_steps"]
    np.testing.assert_array_equal(opt.variables[2].numpy(), [2.0, 2.0])
    with pytest.raises(ValueError, match="Unknown variable"):
        opt.apply_gradients([(tf.constant(1.0), tf.Variable(1.0))])


def test_apply_inside_a_persistent_tape():
    v = tf.Variable(2.0)
    opt = K.Adam(0.1)
    with tf.GradientTape(persistent=True) as tape:
        loss = v * v
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tapegrad's note about gradient() inside a persistent tape
            g = tape.gradient(loss, v)
        opt.apply_gradients([(g, v)])
    same = tf.Variable(2.0)
    K.Adam(0.1).apply_gradients([(tf.constant(4.0), same)])
    assert v.numpy() == same.numpy()
    assert int(opt.iterations.numpy()) == 1


@pytest.mark.parametrize("cid", ["adam_amsgrad", "adamax", "sgd_clipvalue", "sgd_clipnorm", "adam_float64"])
def test_fallback_kernels_when_an_op_is_missing(cid, monkeypatch):
    """The optimizers' NumPy fallbacks for maximum/abs/clip_by_value give TF's values too."""
    from tapegrad.keras.optimizers import _ops
    monkeypatch.setattr(_ops, "_lookup", lambda name: None)
    _, cls, kwargs, steps, dtype = next(c for c in CASES if c[0] == cid)
    last = trajectory(tf, cls, kwargs, steps, dtype)[-1]
    for got, want in zip(last, TF_FINAL[cid]):
        np.testing.assert_array_equal(got, np.asarray(want, dtype))


# --- Lion and Ftrl (TF 2.21 / Keras 3.15.1 values) ---------------------------------------------------------
def _quadratic_steps(opt, steps=3):
    v = tf.Variable([1.0, -2.0, 3.0])
    for _ in range(steps):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(v ** 2 * tf.constant([1.0, 2.0, 3.0]))
        opt.apply_gradients([(tape.gradient(loss, v), v)])
    return v.numpy()


def test_lion_and_ftrl_match_keras():
    np.testing.assert_allclose(_quadratic_steps(K.Lion(0.01)), [0.97, -1.97, 2.97], rtol=1e-6)
    np.testing.assert_allclose(_quadratic_steps(K.Ftrl(0.1)), [0.637889564037323, -1.6993986368179321,
                                                               2.722724199295044], rtol=1e-6)
    opt = K.Ftrl(0.1, l1_regularization_strength=0.01, l2_regularization_strength=0.1,
                 l2_shrinkage_regularization_strength=0.05, beta=0.5, learning_rate_power=-0.7,
                 initial_accumulator_value=0.3)
    np.testing.assert_allclose(_quadratic_steps(opt), [0.5857937932014465, -1.8100835084915161, 2.884836435317993],
                               rtol=1e-6)
    for cls, slots, a_after in (("Lion", ["a_0_momentum", "b_0_momentum"], [0.9990000128746033, 1.9989999532699585]),
                                ("Ftrl", ["a_0_accumulator", "a_0_linear", "b_0_accumulator", "b_0_linear"],
                                 [0.46463239192962646, 0.9301099181175232])):
        opt = getattr(K, cls)(name="opt")
        a, b = tf.Variable([1.0, 2.0], name="a"), tf.Variable([[3.0]], name="b")
        opt.apply_gradients([(tf.constant([0.5, 0.5]), a), (tf.constant([[0.5]]), b)])
        assert [v.name for v in opt.variables] == ["iteration", "learning_rate"] + slots
        np.testing.assert_allclose(a.numpy(), a_after, rtol=1e-6)
        assert K.get(cls.lower()).__class__.__name__ == cls
    assert K.Ftrl().get_config()["initial_accumulator_value"] == 0.1 and K.Lion().get_config()["beta_2"] == 0.99
    with pytest.raises(ValueError, match="beta_1"):
        K.Lion(beta_1=0.0)
    with pytest.raises(ValueError, match="learning_rate_power"):
        K.Ftrl(learning_rate_power=0.5)
