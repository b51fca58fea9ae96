# tf_compat: rtol=1e-3 atol=1e-4
import tensorflow as tf
import numpy as np


def grads(name, f, *xs):
    vs = [tf.Variable(x) for x in xs]
    try:
        with tf.GradientTape() as tape:
            y = f(*vs)
        gs = tape.gradient(y, vs)
        print(name, [None if g is None else (np.round(tf.convert_to_tensor(g).numpy(), 4) + 0.0).tolist() for g in gs])
    except Exception as e:
        print(name, type(e).__name__)


a = np.array([[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 2.0]], np.float32)
n = np.array([[2.0, -1.0, 0.3], [0.7, 1.5, -0.4], [0.1, 0.9, 3.0]], np.float32)
b = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], np.float32)
w = tf.constant([[1.0, -2.0], [0.5, 3.0], [2.0, 1.0]])
grads('det', lambda x: tf.linalg.det(x), n)
grads('slogdet', lambda x: tf.linalg.slogdet(x)[1], n)
grads('logdet', lambda x: tf.linalg.logdet(x), a)
grads('inv', lambda x: tf.reduce_sum(tf.linalg.inv(x) * a), n)
grads('solve', lambda x, y: tf.reduce_sum(tf.linalg.solve(x, y) * w), n, b)
grads('solve_adj', lambda x, y: tf.reduce_sum(tf.linalg.solve(x, y, adjoint=True) * w), n, b)
grads('chol', lambda x: tf.reduce_sum(tf.linalg.cholesky(x) * a), a)
grads('tri', lambda x, y: tf.reduce_sum(tf.linalg.triangular_solve(x, y) * w), n, b)
grads('tri_up_adj', lambda x, y: tf.reduce_sum(tf.linalg.triangular_solve(x, y, lower=False, adjoint=True) * w), n, b)
grads('trace', lambda x: tf.linalg.trace(x * x), n)
grads('band', lambda x: tf.reduce_sum(tf.linalg.band_part(x, 1, 0) * n), a)
grads('diag_part', lambda x: tf.reduce_sum(tf.linalg.diag_part(x) ** 2), n)
grads('set_diag', lambda x, d: tf.reduce_sum(tf.linalg.set_diag(x, d) * n), a, np.array([1.0, 2.0, 3.0], np.float32))
grads('diag', lambda d: tf.reduce_sum(tf.linalg.diag(d) * n), np.array([1.0, 2.0, 3.0], np.float32))
grads('qr_q', lambda x: tf.reduce_sum(tf.linalg.qr(x)[0] * a), n)
grads('qr_r', lambda x: tf.reduce_sum(tf.linalg.qr(x)[1] * a), n)
grads('qr_tall', lambda x: tf.reduce_sum(tf.linalg.qr(x)[1] ** 2), b)
grads('eigh_vals', lambda x: tf.reduce_sum(tf.linalg.eigh(x)[0] * [1.0, 2.0, 3.0]), a)
grads('eigvalsh', lambda x: tf.reduce_sum(tf.linalg.eigvalsh(x) ** 2), a)
grads('svd_s', lambda x: tf.reduce_sum(tf.linalg.svd(x, compute_uv=False)), b)
grads('svd_s_sq', lambda x: tf.reduce_sum(tf.linalg.svd(x)[0] ** 2 * [1.0, 3.0]), n)
grads('lstsq', lambda x, y: tf.reduce_sum(tf.linalg.lstsq(x, y) * [[1.0, 2.0], [3.0, -1.0]]), b, a[:, :2].copy())
grads('expm', lambda x: tf.reduce_sum(tf.linalg.expm(x * 0.3) * a), n)
grads('norm_fro', lambda x: tf.norm(x), n)
grads('norm_1ax', lambda x: tf.reduce_sum(tf.norm(x, ord=1, axis=0) * [1.0, 2.0, 3.0]), n)
grads('norm_inf', lambda x: tf.norm(x, ord=np.inf, axis=[0, 1]), n)
grads('norm_mat1', lambda x: tf.norm(x, ord=1, axis=[0, 1]), n)
grads('norm_2mat', lambda x: tf.norm(x, ord=2, axis=[0, 1]), n)
grads('norm_3', lambda x: tf.reduce_sum(tf.norm(x, ord=3, axis=1)), n)
grads('norm_zero', lambda x: tf.norm(x), np.zeros([2, 2], np.float32))
grads('matvec', lambda x, v: tf.reduce_sum(tf.linalg.matvec(x, v) * [1.0, 2.0, 3.0]), n, np.array([1.0, 0.5, -1.0], np.float32))
grads('matmul_ta', lambda x, y: tf.reduce_sum(tf.matmul(x, y, transpose_a=True) * w), n, b)
grads('matmul_tb', lambda x, y: tf.reduce_sum(tf.matmul(y, x, transpose_a=True, transpose_b=True)), n, b)
grads('matmul_bcast', lambda x, y: tf.reduce_sum(tf.matmul(x, y) ** 2), np.ones([2, 1, 2, 3], np.float32), np.arange(36, dtype=np.float32).reshape(3, 3, 4) / 10)
grads('matmul_adj', lambda x, y: tf.reduce_sum(tf.matmul(x, y, adjoint_b=True)), n, b.T.copy())
grads('cross', lambda x, y: tf.reduce_sum(tf.linalg.cross(x, y) * [1.0, 2.0, 3.0]), np.array([1.0, 2.0, 3.0], np.float32), np.array([-1.0, 0.5, 2.0], np.float32))
grads('pinv', lambda x: tf.reduce_sum(tf.linalg.pinv(x) * b.T), b)
grads('lu_solve', lambda x: tf.reduce_sum(tf.linalg.lu_solve(*tf.linalg.lu(x), b) * w), n)
grads('det64', lambda x: tf.linalg.det(x), n.astype(np.float64))
grads('inv_batch', lambda x: tf.reduce_sum(tf.linalg.inv(x)), np.stack([n, a]))
grads('l2n', lambda x: tf.reduce_sum(tf.math.l2_normalize(x, axis=1) * b), b)
grads('tridiag', lambda d: tf.reduce_sum(tf.linalg.tridiagonal_solve(d, tf.constant([[1.0], [2.0], [3.0]]))), np.array([[1.0, 1.0, 0.0], [4.0, 4.0, 4.0], [0.0, 1.0, 1.0]], np.float32))
