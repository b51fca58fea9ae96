# tf_compat: rtol=1e-4 atol=1e-4
import tensorflow as tf
import numpy as np


def show(name, f):
    try:
        r = f()
        if isinstance(r, (tuple, list)):
            print(name, [(t.dtype.name, t.shape, np.round(t.numpy(), 4).tolist()) for t in r])
        else:
            print(name, r.dtype.name, r.shape, np.round(r.numpy(), 4).tolist())
    except Exception as e:
        print(name, type(e).__name__)


x = tf.sin(tf.range(16, dtype=tf.float32) * 0.7)
xc = tf.complex(x, tf.cos(x))
show('fft', lambda: tf.signal.fft(xc))
show('ifft', lambda: tf.signal.ifft(xc))
show('fft_real', lambda: tf.signal.fft(x))
show('rfft', lambda: tf.signal.rfft(x))
show('rfft_len', lambda: tf.signal.rfft(x, fft_length=[10]))
show('irfft', lambda: tf.signal.irfft(tf.signal.rfft(x)))
show('irfft_len', lambda: tf.signal.irfft(tf.signal.rfft(x), fft_length=[12]))
show('fft2d', lambda: tf.signal.fft2d(tf.reshape(xc, [4, 4])))
show('rfft2d', lambda: tf.signal.rfft2d(tf.reshape(x, [4, 4])))
show('fft_f64', lambda: tf.signal.rfft(tf.cast(x, tf.float64)))
show('fftshift', lambda: tf.signal.fftshift(tf.range(6)))
show('ifftshift', lambda: tf.signal.ifftshift(tf.reshape(tf.range(6), [2, 3]), axes=1))
show('frame', lambda: tf.signal.frame(tf.range(10), 4, 3))
show('frame_pad', lambda: tf.signal.frame(tf.range(10), 4, 3, pad_end=True, pad_value=-1))
show('frame_axis0', lambda: tf.signal.frame(tf.reshape(tf.range(12), [6, 2]), 3, 2, axis=0))
show('overlap_add', lambda: tf.signal.overlap_and_add(tf.reshape(tf.range(12.0), [3, 4]), 2))
show('hann', lambda: tf.signal.hann_window(5))
show('hann_sym', lambda: tf.signal.hann_window(5, periodic=False))
show('hamming', lambda: tf.signal.hamming_window(4, dtype=tf.float64))
show('kaiser', lambda: tf.signal.kaiser_window(5, beta=3.0))
show('stft', lambda: tf.signal.stft(x, frame_length=8, frame_step=4))
show('stft_len', lambda: tf.signal.stft(x, frame_length=6, frame_step=3, fft_length=8, pad_end=True))
show('inverse_stft', lambda: tf.signal.inverse_stft(tf.signal.stft(x, 8, 4), 8, 4))
show('dct2', lambda: tf.signal.dct(x[:8]))
show('dct2_ortho', lambda: tf.signal.dct(x[:8], norm='ortho'))
show('dct1', lambda: tf.signal.dct(x[:8], type=1))
show('dct3', lambda: tf.signal.dct(x[:8], type=3))
show('dct4', lambda: tf.signal.dct(x[:8], type=4))
show('idct', lambda: tf.signal.idct(x[:8], norm='ortho'))
show('mel', lambda: tf.signal.linear_to_mel_weight_matrix(4, 9, 8000, 20.0, 3000.0))
show('mfcc', lambda: tf.signal.mfccs_from_log_mel_spectrograms(tf.reshape(x, [2, 8])))
show('vorbis', lambda: tf.signal.vorbis_window(6))
show('kaiser_f64', lambda: tf.signal.kaiser_window(6, beta=0.5, dtype=tf.float64))
show('kaiser_1', lambda: tf.signal.kaiser_window(1))
show('istft_wfn', lambda: tf.signal.inverse_stft(tf.signal.stft(x, 8, 2), 8, 2, window_fn=tf.signal.inverse_stft_window_fn(2)))
show('istft_len', lambda: tf.signal.inverse_stft(tf.signal.stft(x, 6, 3, fft_length=4), 6, 3, fft_length=4))
show('frame_2d', lambda: tf.signal.frame(tf.reshape(x, [2, 8]), 3, 3))
show('frame_short', lambda: tf.signal.frame(tf.range(3), 5, 1))
show('frame_short_pad', lambda: tf.signal.frame(tf.range(3), 5, 2, pad_end=True))
show('frame_f_pad', lambda: tf.signal.frame(x[:5], 2, 2, pad_end=True, pad_value=9.0))
show('ola_batch', lambda: tf.signal.overlap_and_add(tf.reshape(tf.range(24.0), [2, 3, 4]), 3))
show('dct_n', lambda: tf.signal.dct(x, n=5))
show('dct_n_pad', lambda: tf.signal.dct(x[:4], n=6, norm='ortho'))
show('dct_f64', lambda: tf.signal.dct(tf.cast(x[:5], tf.float64), type=3, norm='ortho'))
show('dct4_ortho', lambda: tf.signal.dct(x[:6], type=4, norm='ortho'))
show('idct3', lambda: tf.signal.idct(x[:6], type=3))
show('dct_2d', lambda: tf.signal.dct(tf.reshape(x, [4, 4])))
show('dct1_ortho', lambda: tf.signal.dct(x, type=1, norm='ortho'))
show('dct_axis', lambda: tf.signal.dct(tf.reshape(x, [4, 4]), axis=0))
show('dct_type5', lambda: tf.signal.dct(x, type=5))
show('mel_default', lambda: tf.reduce_sum(tf.signal.linear_to_mel_weight_matrix(), axis=0))
show('mel_f64', lambda: tf.signal.linear_to_mel_weight_matrix(3, 5, 1000, 0.0, 500.0, dtype=tf.float64))
show('mel_bad', lambda: tf.signal.linear_to_mel_weight_matrix(3, 5, 1000, 0.0, 600.0))
show('fft_bad', lambda: tf.signal.fft(tf.constant([1, 2])))
v = tf.Variable(x)
for name, f in [('g_rfft', lambda: tf.abs(tf.signal.rfft(v))),
                ('g_fft', lambda: tf.math.real(tf.signal.fft(tf.complex(v, v * 0.5)) * (1 + 2j))),
                ('g_irfft', lambda: tf.signal.irfft(tf.signal.rfft(v * v))),
                ('g_stft', lambda: tf.abs(tf.signal.stft(v, 8, 4))),
                ('g_frame', lambda: tf.signal.frame(v, 5, 3) * 2.0),
                ('g_dct', lambda: tf.signal.dct(v, norm='ortho') * tf.range(16.0))]:
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(f())
    print(name, np.round(tape.gradient(y, v).numpy(), 3).tolist())
