"""Fits a linear model y = x W + b to bundled data with a GradientTape training loop.

Run: ``python -m tapegrad.examples.quickstart``
"""
import argparse
import pathlib

import numpy as np

import tapegrad as tf

DATA = pathlib.Path(__file__).with_name("linear_data.csv")


def load():
    data = np.loadtxt(DATA, delimiter=",", skiprows=1, dtype=np.float32)
    return tf.constant(data[:, :3]), tf.constant(data[:, 3:])


def train(steps=200, learning_rate=0.1, log_every=20, seed=0):
    """Full-batch gradient descent; returns (W, b, final loss)."""
    tf.random.set_seed(seed)
    x, y = load()
    W = tf.Variable(tf.random.normal((3, 1)), name="weight")
    b = tf.Variable(tf.zeros(1), name="bias")
    for step in range(steps + 1):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(tf.matmul(x, W) + b - y))
        dW, db = tape.gradient(loss, [W, b])
        W.assign_sub(learning_rate * dW)
        b.assign_sub(learning_rate * db)
        if log_every and step % log_every == 0:
            print(f"step {step:4d}  loss {loss.numpy():.6f}")
    return W, b, float(loss)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=200)
    args = parser.parse_args(argv)
    W, b, loss = train(args.steps)
    print("learned W:", np.round(W.numpy().ravel(), 3), " b:", np.round(b.numpy(), 3))
    print("true    W: [ 2.  -3.   0.5]  b: [1.]")
    print(f"final loss {loss:.6f}")


if __name__ == "__main__":
    main()
