"""TensorFlow's random bits: Philox4x32-10 and the CPU kernels' distributions, vectorized in NumPy.

This reproduces ``tensorflow/core/lib/random/philox_random.h`` and ``random_distributions.h`` and the
sample layout of ``FillPhiloxRandom`` (``random_op_cpu.h``), so that tapegrad draws TF's numbers:

* a generator is a 128-bit counter (four uint32 words, word 0 lowest) and a 64-bit key (two words);
  one call returns four uint32 and adds one to the counter; ``Skip(n)`` adds ``n``;
* a kernel fills its output in groups of ``kResultElementCount`` values; group ``g`` uses the generator
  skipped by ``g`` (distributions with a fixed number of samples per group) or by ``256 * g`` (truncated
  normal, which consumes a variable number of uint32 values one at a time), so that the numbers do not
  depend on how the groups are spread over threads;
* ``Uint32ToFloat`` / ``Uint64ToDouble`` put random bits in the mantissa of a number in [1, 2) and
  subtract 1; the normal is Box-Muller on two uniforms, the first clamped below at 1e-7; float
  transcendental functions are evaluated in float64 and rounded, which gives the correctly rounded
  ``logf``/``sincosf`` results that TF's kernels compute.
"""
import numpy as np

from .._core import dtypes as _dt

_M32 = 0xFFFFFFFF
_MUL_A, _MUL_B = np.uint64(0xD2511F53), np.uint64(0xCD9E8D57)
_KEY_A, _KEY_B = 0x9E3779B9, 0xBB67AE85
RESERVED_PER_OUTPUT = 256  # TF's multiplier: a stateful kernel skips 256 * (number of outputs) after a draw

# (kResultElementCount, uint32 words per value) of the fixed-size distributions
_GROUP = {"float16": 4, "bfloat16": 4, "float32": 4, "float64": 2, "int32": 4, "uint32": 4, "int64": 2,
          "uint64": 2}

# glibc's logf tables (sysdeps/ieee754/flt-32/e_logf_data.c)
_LOGF_INVC = np.array([float.fromhex(h) for h in (
    "0x1.661ec79f8f3bep+0", "0x1.571ed4aaf883dp+0", "0x1.49539f0f010bp+0", "0x1.3c995b0b80385p+0",
    "0x1.30d190c8864a5p+0", "0x1.25e227b0b8eap+0", "0x1.1bb4a4a1a343fp+0", "0x1.12358f08ae5bap+0",
    "0x1.0953f419900a7p+0", "0x1p+0", "0x1.e608cfd9a47acp-1", "0x1.ca4b31f026aap-1", "0x1.b2036576afce6p-1",
    "0x1.9c2d163a1aa2dp-1", "0x1.886e6037841edp-1", "0x1.767dcf5534862p-1")])
_LOGF_LOGC = np.array([float.fromhex(h) for h in (
    "-0x1.57bf7808caadep-2", "-0x1.2bef0a7c06ddbp-2", "-0x1.01eae7f513a67p-2", "-0x1.b31d8a68224e9p-3",
    "-0x1.6574f0ac07758p-3", "-0x1.1aa2bc79c81p-3", "-0x1.a4e76ce8c0e5ep-4", "-0x1.1973c5a611cccp-4",
    "-0x1.252f438e10c1ep-5", "0x0p+0", "0x1.aa5aa5df25984p-5", "0x1.c5e53aa362eb4p-4", "0x1.526e57720db08p-3",
    "0x1.bc2860d22477p-3", "0x1.1058bc8a07ee1p-2", "0x1.4043057b6ee09p-2")])
_LOGF_LN2 = float.fromhex("0x1.62e42fefa39efp-1")
_LOGF_POLY = [float.fromhex(h) for h in ("-0x1.00ea348b88334p-2", "0x1.5575b0be00b6ap-2", "-0x1.ffffef20a4123p-2")]
# glibc's sincosf polynomials (sysdeps/ieee754/flt-32/s_sincosf_data.c); pi / 2 split so that n * hi is exact
_HALF_PI = float.fromhex("0x1.921FB54442D18p0")
_TWO_OVER_PI_2_24 = float.fromhex("0x1.45F306DC9C883p+23")
_HALF_PI_HI = float.fromhex("0x1.921FB54442Cp0")
_HALF_PI_LO = _HALF_PI - _HALF_PI_HI
_SC_C = [float.fromhex(h) for h in ("0x1p0", "-0x1.ffffffd0c621cp-2", "0x1.55553e1068f19p-5", "-0x1.6c087e89a359dp-10",
                                    "0x1.99343027bf8c3p-16")]
_SC_S = [float.fromhex(h) for h in ("-0x1.555545995a603p-3", "0x1.1107605230bc4p-7", "-0x1.994eb3774cf24p-13")]


def philox(counter, key):
    """Philox4x32-10 of ``counter`` (a list of four uint64 arrays holding uint32 words) under ``key`` (two
    Python ints): a (n, 4) uint32 array."""
    c0, c1, c2, c3 = counter
    k0, k1 = np.uint64(key[0] & _M32), np.uint64(key[1] & _M32)
    mask, shift = np.uint64(_M32), np.uint64(32)
    for _ in range(10):
        p0, p1 = c0 * _MUL_A, c2 * _MUL_B
        c0, c1, c2, c3 = (p1 >> shift) ^ c1 ^ k0, p1 & mask, (p0 >> shift) ^ c3 ^ k1, p0 & mask
        k0, k1 = (k0 + np.uint64(_KEY_A)) & mask, (k1 + np.uint64(_KEY_B)) & mask
    return np.stack([c0, c1, c2, c3], axis=1).astype(np.uint32)


class Philox:
    """A Philox generator: ``counter`` (a 128-bit int) and ``key`` (a 64-bit int), as TF's ``PhiloxRandom``."""

    def __init__(self, counter, key):
        self.counter = counter % 2**128
        self.key = key % 2**64

    @classmethod
    def from_seeds(cls, seed_lo, seed_hi):
        """``PhiloxRandom(seed_lo, seed_hi)``: the key is ``seed_lo``, counter words 2-3 are ``seed_hi``."""
        return cls((seed_hi % 2**64) << 64, seed_lo)

    def skipped(self, n):
        return Philox(self.counter + n, self.key)

    def blocks(self, offsets):
        """The outputs of the generator skipped by each of ``offsets`` (a uint64 array): (n, 4) uint32."""
        offsets = np.asarray(offsets, np.uint64)
        base_lo = np.uint64(self.counter % 2**64)
        lo = offsets + base_lo
        hi = np.uint64(self.counter >> 64) + (lo < offsets).astype(np.uint64)
        mask, shift = np.uint64(_M32), np.uint64(32)
        return philox([lo & mask, lo >> shift, hi & mask, hi >> shift], (self.key & _M32, self.key >> 32))


def _uint32_to_float(bits):
    return ((bits & np.uint32(0x7FFFFF)) | np.uint32(0x3F800000)).view(np.float32) - np.float32(1)


def uint64_to_double(hi, lo):
    man = ((hi & np.uint32(0xFFFFF)).astype(np.uint64) << np.uint64(32)) | lo.astype(np.uint64)
    return (man | np.uint64(0x3FF0000000000000)).view(np.float64) - 1.0


def _logf(x):
    """glibc's ``logf`` (the Arm optimized-routines algorithm) of positive normal float32 ``x``, in float64 steps."""
    ix = x.view(np.uint32)
    tmp = ix - np.uint32(0x3F330000)
    i = (tmp >> np.uint32(19)) & np.uint32(15)
    k = tmp.view(np.int32) >> np.int32(23)
    z = (ix - (tmp & np.uint32(0x1FF << 23))).view(np.float32).astype(np.float64)
    r = z * _LOGF_INVC[i] - 1
    y0 = _LOGF_LOGC[i] + k * _LOGF_LN2
    r2 = r * r
    y = _LOGF_POLY[1] * r + _LOGF_POLY[2]
    y = _LOGF_POLY[0] * r2 + y
    return (y * r2 + (y0 + r)).astype(np.float32)


def _sincosf(v):
    """glibc's ``sincosf`` (the Arm optimized-routines algorithm) of float32 ``v`` in [0, 120): (sin, cos)."""
    top = (v.view(np.uint32) >> np.uint32(20)) & np.uint32(0x7FF)
    x = v.astype(np.float64)
    small = top < 0x3F4  # below pi / 4
    n = np.where(small, 0, ((x * _TWO_OVER_PI_2_24).astype(np.int32) + 0x800000) >> 24)
    hi_part = n * _HALF_PI_HI
    x = np.where(small, x, (x - hi_part) - n * _HALF_PI_LO)  # one rounding, as glibc's fused multiply-subtract
    sign = np.where((n & 3 == 1) | (n & 3 == 2), -1.0, 1.0)
    flip = np.where(n & 2, -1.0, 1.0)  # the second table: -cos
    xs, x2 = x * sign, x * x
    x3, x4 = x2 * xs, x2 * x2
    c2 = flip * _SC_C[3] + x2 * (flip * _SC_C[4])
    s1 = _SC_S[1] + x2 * _SC_S[2]
    c1 = flip * _SC_C[0] + x2 * (flip * _SC_C[1])
    x5, x6 = x3 * x2, x4 * x2
    s = xs + x3 * _SC_S[0]
    c = c1 + x4 * (flip * _SC_C[2])
    s = (s + x5 * s1).astype(np.float32)
    c = (c + x6 * c2).astype(np.float32)
    odd = (n & 1).astype(bool)
    s, c = np.where(odd, c, s), np.where(odd, s, c)
    tiny = top < 0x398  # below 2**-12: sin y = y, cos y = 1
    return np.where(tiny, v, s), np.where(tiny, np.float32(1), c)


def _box_muller_float(x0, x1):
    """TF's ``BoxMullerFloat``: two float32 normals from two uint32 arrays."""
    u1 = np.maximum(_uint32_to_float(x0), np.float32(1.0e-7))
    v1 = (2 * np.pi * _uint32_to_float(x1).astype(np.float64)).astype(np.float32)
    u2 = np.sqrt(np.float32(-2) * _logf(u1))
    s, c = _sincosf(v1)
    return s * u2, c * u2


def _box_muller_double(x0, x1, x2, x3):
    u1 = np.maximum(uint64_to_double(x0, x1), 1.0e-7)
    v1 = 2 * np.pi * uint64_to_double(x2, x3)
    u2 = np.sqrt(-2.0 * np.log(u1))
    return np.sin(v1) * u2, np.cos(v1) * u2


def _interleave(a, b):
    """[a0, b0, a1, b1, ...] along the last axis of (n, k) arrays (or of (n,) arrays, giving (n, 2))."""
    both = np.stack([a, b], axis=-1)
    return both.reshape(both.shape[0], int(np.prod(both.shape[1:])))


def _normal_groups(b, name):
    if name == "float64":
        return _interleave(*_box_muller_double(b[:, 0], b[:, 1], b[:, 2], b[:, 3]))
    f0, f1 = _box_muller_float(b[:, 0::2], b[:, 1::2])
    return _interleave(f0, f1).astype(_dt.as_dtype(name)._np) if name != "float32" else _interleave(f0, f1)


def _uniform_groups(b, name):
    if name == "float32":
        return _uint32_to_float(b)
    if name == "float64":
        return np.stack([uint64_to_double(b[:, 0], b[:, 1]), uint64_to_double(b[:, 2], b[:, 3])], axis=1)
    if name == "float16":
        bits = ((b & np.uint32(0x3FF)) | np.uint32(15 << 10)).astype(np.uint16)
        return bits.view(np.float16) - np.float16(1)
    bits = ((b & np.uint32(0x7F)) | np.uint32(127 << 7)).astype(np.uint16)
    return (bits.view(_dt.bfloat16._np).astype(np.float32) - 1).astype(_dt.bfloat16._np)


def _full_int_groups(b, name):
    if name in ("int32", "uint32"):
        return b.view(np.int32) if name == "int32" else b
    bits = b[:, 0::2].astype(np.uint64) | (b[:, 1::2].astype(np.uint64) << np.uint64(32))
    return bits.view(np.int64) if name == "int64" else bits


def _fill(gen, size, per_group, groups):
    """The first ``size`` values of the groups ``groups(blocks)`` of ``per_group`` values each."""
    n = -(-size // per_group)
    return groups(gen.blocks(np.arange(n, dtype=np.uint64))).reshape(-1)[:size]


def uniform(gen, shape, dtype):
    """Uniform [0, 1) values of float ``dtype`` (TF's ``UniformDistribution``)."""
    size = int(np.prod(shape, dtype=np.int64))
    return _fill(gen, size, _GROUP[dtype.name], lambda b: _uniform_groups(b, dtype.name)).reshape(shape)


def normal(gen, shape, dtype):
    """Standard normal values of float ``dtype`` (TF's ``NormalDistribution``, Box-Muller)."""
    size = int(np.prod(shape, dtype=np.int64))
    return _fill(gen, size, _GROUP[dtype.name], lambda b: _normal_groups(b, dtype.name)).reshape(shape)


def full_int(gen, shape, dtype):
    """Integers over the whole range of ``dtype`` (TF's ``UniformFullIntDistribution``)."""
    size = int(np.prod(shape, dtype=np.int64))
    return _fill(gen, size, _GROUP[dtype.name], lambda b: _full_int_groups(b, dtype.name)).reshape(shape)


def uniform_int(gen, shape, dtype, lo, hi):
    """Integers in [lo, hi): ``lo + bits % (hi - lo)`` on unsigned words (TF's integer ``UniformDistribution``)."""
    size = int(np.prod(shape, dtype=np.int64))
    wide = dtype.name in ("int64", "uint64")
    span = (int(hi) - int(lo)) % (2**64 if wide else 2**32)
    utype = np.uint64 if wide else np.uint32

    def groups(b):
        bits = _full_int_groups(b, "uint64" if wide else "uint32")
        return (utype(int(lo) % (2**64 if wide else 2**32)) + bits % utype(span)).view(dtype._np)

    return _fill(gen, size, _GROUP[dtype.name], groups).reshape(shape)


def truncated_normal(gen, shape, dtype):
    """Normal values within two standard deviations (TF's ``TruncatedNormalDistribution``).

    Group ``g`` of four values (two for float64) reads uint32 words one at a time from the generator skipped
    by ``g`` times 256 (128 for float64), drawing Box-Muller pairs and keeping the values below 2 in magnitude until the group is
    full. All groups draw in lockstep: a round computes the next Philox block of every unfinished group.
    """
    size = int(np.prod(shape, dtype=np.int64))
    double = dtype.name == "float64"
    per_group = 2 if double else 4
    skip = per_group * RESERVED_PER_OUTPUT // 4
    n = -(-size // per_group)
    out = np.zeros((n, per_group), np.float64 if double else np.float32)
    filled = np.zeros(n, np.int64)
    todo = np.arange(n)
    block = 0
    while todo.size:
        b = gen.blocks(todo.astype(np.uint64) * np.uint64(skip) + np.uint64(block))
        if double:
            pairs = _box_muller_double(b[:, 0], b[:, 1], b[:, 2], b[:, 3])
            cand = np.stack(pairs, axis=1)
        else:
            f0, f1 = _box_muller_float(b[:, 0::2], b[:, 1::2])
            cand = _interleave(f0, f1)
        keep = np.abs(cand) < 2
        slot = filled[todo, None] + np.cumsum(keep, axis=1) - 1
        ok = keep & (slot < per_group)
        rows = np.broadcast_to(todo[:, None], ok.shape)
        out[rows[ok], slot[ok]] = cand[ok]
        filled[todo] = np.minimum(filled[todo] + keep.sum(axis=1), per_group)
        todo = todo[filled[todo] < per_group]
        block += 1
    values = out.reshape(-1)[:size].reshape(shape)
    return values if dtype.name in ("float32", "float64") else values.astype(dtype._np)


def uint32_stream(gen, count):
    """The first ``count`` uint32 words that TF's ``SingleSampleAdapter`` reads from ``gen``."""
    return gen.blocks(np.arange(-(-count // 4), dtype=np.uint64)).reshape(-1)[:count]


def shuffle_permutation(gen, n):
    """TF's ``ShuffleRange`` permutation of ``n`` > 1 items: for i < n - 1, swap i with i + word_i % (n - i).

    The swaps are sequential (each depends on the ones before), so they run as a Python loop over the
    items; the random words are drawn at once.
    """
    picks = (uint32_stream(gen, n - 1) % np.arange(n, 1, -1, dtype=np.uint32)).astype(np.int64)
    perm = list(range(n))
    for i, j in enumerate((picks + np.arange(n - 1)).tolist()):
        perm[i], perm[j] = perm[j], perm[i]
    return np.asarray(perm, np.int64)
