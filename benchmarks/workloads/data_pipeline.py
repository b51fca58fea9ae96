"""DATA, input pipeline: one epoch of ``from_tensor_slices((x, y)).shuffle(N).batch(128)``.

x is float32 [N, 784] (MNIST-sized: N = 60,000), y int32 [N]; the dataset is built once and every call
iterates one full epoch (a new shuffle order each time), taking each batch as the training loop would.
The result is [batches, sum of all labels, size of the last batch], which does not depend on the order.
PyTorch's row is ``DataLoader(TensorDataset(x, y), batch_size=128, shuffle=True)``.
"""
import numpy as np

from . import Workload

BATCH = 128


def inputs(n, d):
    rng = np.random.default_rng(0)
    return rng.random((n, d), dtype=np.float32), rng.integers(0, 10, n).astype(np.int32)


def reference(n, d):
    _, y = inputs(n, d)
    return [-(-n // BATCH), float(y.sum(dtype=np.int64)), n % BATCH or BATCH]


def tape_api(ctx):
    tf = ctx.mod
    x, y = inputs(**ctx.size)
    ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(y), seed=1).batch(BATCH)

    def epoch():
        batches, total, last = 0, 0, 0
        for xb, yb in ds:
            batches += 1
            total += int(tf.reduce_sum(yb))
            last = int(xb.shape[0])
        return np.array([batches, total, last], dtype=np.float64)

    return epoch


def torch_api(ctx):
    torch = ctx.mod
    x, y = inputs(**ctx.size)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.from_numpy(x), torch.from_numpy(y)),
                                         batch_size=BATCH, shuffle=True)

    def epoch():
        batches, total, last = 0, 0, 0
        for xb, yb in loader:
            batches += 1
            total += int(yb.sum())
            last = int(xb.shape[0])
        return np.array([batches, total, last], dtype=np.float64)

    return epoch


WORKLOAD = Workload(
    "DATA", f"input pipeline: from_tensor_slices((x[N,784] f32, y)).shuffle(N).batch({BATCH}), one epoch",
    unit="ms/epoch", scale=1e3,
    builders={"tape": tape_api, "torch": torch_api}, reference=reference,
    sizes={"full": {"n": 60000, "d": 784}, "quick": {"n": 1000, "d": 784}},
    skip={"tapegrad_function": "an epoch is a Python loop over the dataset: nothing to trace",
          "tf_function": "an epoch is a Python loop over the dataset: nothing to trace"},
    describe="milliseconds per epoch (469 batches of 128 at N = 60,000)")
