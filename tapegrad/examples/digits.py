"""Trains a small CNN on the bundled UCI handwritten digits (8x8 images) with a GradientTape loop and Adam.

Run: ``python -m tapegrad.examples.digits`` (about half a minute on 2 cores; held-out accuracy >= 97%).

Model: conv 3x3x16 + relu + max-pool 2 -> conv 3x3x32 + relu -> flatten -> dense 10. Data: the 1,797
images of ``data/digits.csv.gz`` (see ``data/README.md``), shuffled with a fixed seed; the last 360 are
the held-out test set. A checkpoint (model, optimizer, epoch) is saved after every epoch with a
``tapegrad.train.CheckpointManager``; ``--resume`` continues from the latest one and gives the same
numbers as an uninterrupted run. Optional extras (``pip install -e ".[demo]"``): tqdm for progress
bars, matplotlib for the loss/accuracy plot; without them the demo prints plain lines and skips the plot.
"""
import argparse
import gzip
import json
import os
import pathlib
import sys
import time

import numpy as np

import tapegrad as tf

DATA = pathlib.Path(__file__).with_name("data") / "digits.csv.gz"
N_TEST = 360


def load_digits():
    """(images float32 [N, 8, 8, 1] scaled to [0, 1], labels int32 [N]) from the bundled CSV."""
    with gzip.open(DATA, "rt") as f:
        data = np.loadtxt(f, delimiter=",", dtype=np.float32)
    images = (data[:, :64] / 16.0).reshape(-1, 8, 8, 1).astype(np.float32)
    return images, data[:, 64].astype(np.int32)


def split(images, labels, seed=0):
    """A fixed seeded shuffle; the last ``N_TEST`` examples are the test set."""
    perm = np.random.RandomState(seed).permutation(len(labels))
    images, labels = images[perm], labels[perm]
    return (images[:-N_TEST], labels[:-N_TEST]), (images[-N_TEST:], labels[-N_TEST:])


def glorot_uniform(shape, fan_in, fan_out, seed):
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return tf.random.uniform(shape, -limit, limit, seed=seed)


class Conv2D(tf.Module):
    def __init__(self, in_channels, out_channels, size=3, seed=None, name=None):
        super().__init__(name=name)
        fan_in, fan_out = size * size * in_channels, size * size * out_channels
        self.kernel = tf.Variable(glorot_uniform((size, size, in_channels, out_channels), fan_in, fan_out, seed),
                                  name="kernel")
        self.bias = tf.Variable(tf.zeros([out_channels]), name="bias")

    def __call__(self, x):
        return tf.nn.conv2d(x, self.kernel, strides=1, padding="SAME") + self.bias


class Dense(tf.Module):
    def __init__(self, n_in, n_out, seed=None, name=None):
        super().__init__(name=name)
        self.kernel = tf.Variable(glorot_uniform((n_in, n_out), n_in, n_out, seed), name="kernel")
        self.bias = tf.Variable(tf.zeros([n_out]), name="bias")

    def __call__(self, x):
        return tf.matmul(x, self.kernel) + self.bias


class DigitsCNN(tf.Module):
    """conv 3x3x16 + relu + max-pool 2 -> conv 3x3x32 + relu -> flatten -> dense 10."""

    def __init__(self, name=None):
        super().__init__(name=name)
        self.conv1 = Conv2D(1, 16, seed=1, name="conv1")
        self.conv2 = Conv2D(16, 32, seed=2, name="conv2")
        self.dense = Dense(4 * 4 * 32, 10, seed=3, name="dense")

    def __call__(self, x):
        x = tf.nn.max_pool2d(tf.nn.relu(self.conv1(x)), ksize=2, strides=2, padding="VALID")
        x = tf.nn.relu(self.conv2(x))
        return self.dense(tf.reshape(x, [-1, 4 * 4 * 32]))


def _progress(desc, total):
    """A tqdm bar when tqdm is installed, else None (the caller then prints a summary line per epoch)."""
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(desc=desc, total=total, leave=True, dynamic_ncols=True, file=sys.stdout)


def _atomic_json(path, obj):
    tmp = f"{path}.tmp-{os.getpid()}"
    with open(tmp, "w") as f:
        json.dump(obj, f, indent=1)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def plot_curves(history, path):
    """Writes loss/accuracy curves to ``path``; returns the path, or None when matplotlib is missing."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    epochs = [h["epoch"] for h in history]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.5))
    ax1.plot(epochs, [h["loss"] for h in history], marker="o")
    ax1.set(xlabel="epoch", ylabel="training loss", title="loss")
    ax2.plot(epochs, [h["train_acc"] for h in history], marker="o", label="train")
    ax2.plot(epochs, [h["test_acc"] for h in history], marker="o", label="test (held out)")
    ax2.set(xlabel="epoch", ylabel="accuracy", title="accuracy")
    ax2.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=None, help="total epochs to train (default 15; 2 with --quick)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--learning-rate", type=float, default=3e-3,
                        help="initial learning rate (x0.8 per epoch)")
    parser.add_argument("--seed", type=int, default=0, help="initialisation and batch order (not the split)")
    parser.add_argument("--ckpt-dir", default="digits_ckpt", help="checkpoint directory (default ./digits_ckpt)")
    parser.add_argument("--max-to-keep", type=int, default=3)
    parser.add_argument("--resume", action="store_true", help="continue from the latest checkpoint in --ckpt-dir")
    parser.add_argument("--plot", default=None, help="where to write the curves PNG (default <ckpt-dir>/curves.png)")
    parser.add_argument("--quick", action="store_true", help="a few steps per epoch (a smoke test)")
    parser.add_argument("--function", action="store_true", help="compile the train step with tapegrad.function (graph mode)")
    args = parser.parse_args(argv)
    epochs = args.epochs if args.epochs is not None else (2 if args.quick else 15)
    t_start = time.perf_counter()

    (x_train, y_train), (x_test, y_test) = split(*load_digits(), seed=0)  # the split never changes
    steps_per_epoch = 3 if args.quick else int(np.ceil(len(y_train) / args.batch_size))
    print(f"digits: {len(y_train)} training and {len(y_test)} held-out test images (8x8); "
          f"{epochs} epochs of {steps_per_epoch} steps, batch {args.batch_size}")

    tf.random.set_seed(args.seed)
    model = DigitsCNN()
    # The schedule depends on the step only (not on --epochs), so a resumed run with more epochs
    # continues exactly as an uninterrupted run would.
    schedule = tf.keras.optimizers.schedules.ExponentialDecay(args.learning_rate, decay_steps=steps_per_epoch,
                                                              decay_rate=0.8)
    optimizer = tf.keras.optimizers.Adam(schedule)
    epoch_var = tf.Variable(np.int64(0), trainable=False, name="epoch")
    ckpt = tf.train.Checkpoint(model=model, optimizer=optimizer, epoch=epoch_var)
    manager = tf.train.CheckpointManager(ckpt, args.ckpt_dir, max_to_keep=args.max_to_keep)
    history_path = os.path.join(args.ckpt_dir, "history.json")
    history = []
    if args.resume:
        if manager.latest_checkpoint:
            ckpt.restore(manager.latest_checkpoint).assert_consumed()
            if os.path.exists(history_path):
                with open(history_path) as f:
                    history = [h for h in json.load(f) if h["epoch"] <= int(epoch_var.numpy())]
            print(f"resumed from {manager.latest_checkpoint} (epoch {int(epoch_var.numpy())}, "
                  f"optimizer step {int(optimizer.iterations.numpy())})")
        else:
            print(f"--resume: no checkpoint in {args.ckpt_dir}; starting from scratch")
    elif manager.latest_checkpoint:
        print(f"note: starting from scratch; {args.ckpt_dir} holds checkpoints from an earlier run "
              "(they will be replaced; pass --resume to continue from them)")

    def train_step(x, y):
        with tf.GradientTape() as tape:
            logits = model(x)
            loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss, logits

    if args.function:
        train_step = tf.function(train_step)
        print("--function: the train step (forward, gradient, Adam update) is compiled by tapegrad.function "
              "into one graph")

    def evaluate(x, y):
        logits = model(tf.constant(x)).numpy()
        return float(np.mean(np.argmax(logits, axis=1) == y))

    for epoch in range(int(epoch_var.numpy()), epochs):
        perm = np.random.RandomState(args.seed * 100_003 + epoch).permutation(len(y_train))
        bar = _progress(f"epoch {epoch + 1}/{epochs}", steps_per_epoch)
        total_loss, correct, seen = 0.0, 0, 0
        for step in range(steps_per_epoch):
            idx = perm[step * args.batch_size:(step + 1) * args.batch_size]
            loss, logits = train_step(tf.constant(x_train[idx]), tf.constant(y_train[idx]))
            total_loss += float(loss.numpy()) * len(idx)
            correct += int(np.sum(np.argmax(logits.numpy(), axis=1) == y_train[idx]))
            seen += len(idx)
            if bar is not None:
                bar.set_postfix(loss=f"{total_loss / seen:.4f}", acc=f"{correct / seen:.4f}", refresh=False)
                bar.update(1)
        test_acc = evaluate(x_test, y_test)
        if bar is not None:
            bar.set_postfix(loss=f"{total_loss / seen:.4f}", acc=f"{correct / seen:.4f}", test_acc=f"{test_acc:.4f}")
            bar.close()
        else:
            print(f"epoch {epoch + 1}/{epochs}: loss {total_loss / seen:.4f}  train acc {correct / seen:.4f}  "
                  f"test acc {test_acc:.4f}")
        history.append({"epoch": epoch + 1, "loss": total_loss / seen, "train_acc": correct / seen,
                        "test_acc": test_acc})
        epoch_var.assign(np.int64(epoch + 1))
        manager.save()
        _atomic_json(history_path, history)
    if history:
        print(f"latest checkpoint: {manager.latest_checkpoint}")
    if args.function:
        print(f"--function: the step was traced {train_step.experimental_get_tracing_count()} times "
              "(once per batch shape) and ran as a graph otherwise")

    test_acc = evaluate(x_test, y_test)
    print(f"held-out test accuracy: {test_acc:.4f} ({round(test_acc * len(y_test))}/{len(y_test)})")
    plot_path = args.plot or os.path.join(args.ckpt_dir, "curves.png")
    if not history:
        print("no epochs recorded: no plot")
    elif plot_curves(history, plot_path):
        print(f"loss/accuracy curves: {plot_path}")
    else:
        print("matplotlib is not installed: no plot (pip install matplotlib, or the [demo] extra)")
    print(f"wall time {time.perf_counter() - t_start:.1f} s")
    return test_acc


if __name__ == "__main__":
    main()
